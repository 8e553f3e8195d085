"""Charts embedded as inline SVG: real text, safe text, ids that never collide, an
accessible name, the same markup on every run, and no layout warnings from the charts."""
from __future__ import annotations

import re
import warnings
import xml.etree.ElementTree as ET

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from ccdata import present
from ccdata.present import charts
from ccdata.present.blocks import svg_markup

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert("x")</script> & "quoted"'


def _bar_figure(labels, title="t"):
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.bar(labels, range(1, len(labels) + 1))
    ax.set_title(title)
    return fig


def _svg_of(html: str) -> str:
    return re.search(r"<svg\b.*?</svg>", html, re.S).group(0)


def test_chart_is_inline_svg_with_text_and_an_accessible_name():
    html = present.figure(_bar_figure(["Owned", "Rented"]), alt="Bars of tenure", caption="Tenure",
                          data=pd.DataFrame({"Tenure": ["Owned", "Rented"], "%": [60.0, 40.0]})).html
    assert "<?xml" not in html and "DOCTYPE" not in html and "<metadata" not in html
    svg = _svg_of(html)
    root = ET.fromstring(svg)  # well-formed XML on its own
    assert root.get("role") == "img" and root.get("aria-label") == "Bars of tenure"
    assert root.find(f"{SVG}title").text == "Bars of tenure"
    # scales through its viewBox; width and height are its natural size in CSS pixels (3 x 2 in)
    assert root.get("viewBox") == "0 0 216 144"
    assert (root.get("width"), root.get("height")) == ("288", "192")
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Owned" in texts and "Rented" in texts and "t" in texts   # text, not glyph outlines
    assert "<style" not in svg  # a style element would apply to the whole page
    # the data behind the chart stays beside it
    assert "<details><summary>Data behind this chart</summary>" in html and "<td>Owned</td>" in html


def test_text_from_input_stays_text():
    svg = svg_markup(_bar_figure([HOSTILE, "b"], title=HOSTILE), label=HOSTILE)
    root = ET.fromstring(svg)
    assert not [e for e in root.iter() if e.tag.split("}")[-1].lower() in ("script", "foreignobject")]
    assert [t.text for t in root.iter(f"{SVG}text")].count(HOSTILE) == 2   # tick label and title
    assert root.get("aria-label") == HOSTILE and root.find(f"{SVG}title").text == HOSTILE
    assert "<script" not in svg and "&lt;script&gt;" in svg
    assert not re.search(r"<[^>]*\son[a-z]+\s*=", svg)


def test_ids_are_unique_per_chart_and_every_reference_resolves():
    a = svg_markup(_bar_figure(["x", "y"]), label="first")
    b = svg_markup(_bar_figure(["x", "y", "z"]), label="second")
    ids_a = re.findall(r'\bid="([^"]+)"', a)
    ids_b = re.findall(r'\bid="([^"]+)"', b)
    assert ids_a and ids_b  # clip paths and tick marks are referenced
    assert not set(ids_a) & set(ids_b)
    for svg, ids in ((a, ids_a), (b, ids_b)):
        assert len(ids) == len(set(ids))
        refs = set(re.findall(r'url\(#([^)]+)\)|href="#([^"]+)"', svg))
        refs = {x or y for x, y in refs}
        assert refs and refs <= set(ids)


def test_same_chart_gives_the_same_markup():
    assert svg_markup(_bar_figure(["x", "y"]), label="l") == svg_markup(_bar_figure(["x", "y"]), label="l")


def test_svg_markup_refuses_bad_input():
    with pytest.raises(TypeError):
        svg_markup("not a figure", label="x")
    with pytest.raises(ValueError, match="label"):
        svg_markup(plt.figure(), label="  ")


def _areas(frame: pd.DataFrame) -> pd.DataFrame:
    names = {"place": "Somewhere Children's Community", "la": "Some Borough", "england": "England"}
    return frame.assign(area_name=frame["area"].map(names))


def _dashboard_figures():
    areas = ["place", "la", "england"]
    dist = _areas(pd.DataFrame([{"edition": e, "area": a, "decile": d, "pct_residents": 10.0}
                                for e in ("IoD 2019", "IoD 2025") for a in areas for d in range(1, 11)]))
    comp = _areas(pd.DataFrame([{"area": a, "label": lab, "pct": p} for a in areas for lab, p in (
        ("L1, L2 and L3 Higher managerial, administrative and professional occupations", 10.0),
        ("Never worked and long-term unemployed", 5.0))]))
    kids = _areas(pd.DataFrame([{"area": a, "age band": b, "pct": 6.0} for a in areas
                                for b in ("0-4", "5-9", "10-14", "15-19", "0-19")]))
    frame = _areas(pd.DataFrame([{"indicator": f"i{i}", "title": f"Residents with a rather long indicator name {i}",
                                  "area": a, "value": 20.0 + i, "lower": 18.0 + i, "upper": 22.0 + i, "status": "ok"}
                                 for i in range(4) for a in ("place", "england")]))
    return {"decile": charts.decile_chart(dist), "composition": charts.composition_chart(comp, "Occupation"),
            "age": charts.age_chart(kids), "indicator": charts.indicator_chart(frame)}


def test_dashboard_charts_draw_without_layout_warnings_at_their_narrow_width():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # e.g. "Tight layout not applied"
        figures = _dashboard_figures()
        markup = {k: svg_markup(f, label=k) for k, f in figures.items()}
    for name, svg in markup.items():
        root = ET.fromstring(svg)
        assert int(root.get("width")) == round(charts.WIDTH * 96), name  # drawn for a narrow column
        sizes = [float(s) for s in re.findall(r"font-size: ([\d.]+)px", svg)]
        assert sizes and min(sizes) >= 11, (name, min(sizes))   # points at the natural size
    # the indicator names are written in full, not cut short
    assert "Residents with a rather long indicator name 3" in markup["indicator"]
    # the place, its authority and England are told apart by hatching as well as colour
    assert markup["age"].count("<pattern") >= 2


def _positive_figure():
    rows = pd.DataFrame({"question_id": "q1", "wave_name": ["Autumn 2024 wave with a long descriptive name",
                                                            "Spring 2025", "Summer 2025"],
                         "pct_positive": [62.0, float("nan"), 48.5], "ci_lower": [55.0, float("nan"), 40.0],
                         "ci_upper": [69.0, float("nan"), 57.0], "benchmark": 58.0})
    rows.attrs["disclosure"] = {"rules": "test"}
    return charts.plot_positive(rows, "q1", group="wave_name")


def test_charts_are_laid_out_once_and_drawn_once_when_saved(monkeypatch):
    import matplotlib.figure

    figures = {**_dashboard_figures(), "positive": _positive_figure()}
    draws = []
    original = matplotlib.figure.Figure.draw
    monkeypatch.setattr(matplotlib.figure.Figure, "draw", lambda fig, renderer: draws.append(fig) or
                        original(fig, renderer))
    for name, fig in figures.items():
        assert fig.get_layout_engine() is None, name  # a layout engine draws the figure once more to save it
        before = len(draws)
        svg_markup(fig, label=name)
        assert len(draws) - before == 1, name


def test_chart_text_stays_on_the_figure_and_the_key_clear_of_the_plot():
    import io

    from matplotlib.backends.backend_svg import RendererSVG

    class Recorder(RendererSVG):
        """Keeps every text it draws."""
        drawn: list = []

        def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
            self.drawn.append(mtext)
            super().draw_text(gc, x, y, s, prop, angle, ismath=ismath, mtext=mtext)

    figures = {**_dashboard_figures(), "positive": _positive_figure()}
    # the demo's household composition: its axis ends at 70.3, just past the tick at 70
    shares = {"place": (25.1, 66.9, 8.0), "la": (26.5, 66.0, 7.5), "england": (29.6, 64.2, 6.2)}
    comp = _areas(pd.DataFrame([{"area": a, "label": lab, "pct": p} for a, row in shares.items()
                                for lab, p in zip(("One person household", "Single family household",
                                                   "Other household types"), row)]))
    figures["household composition"] = charts.composition_chart(comp, "Household composition")
    for name, fig in figures.items():
        fig.set_dpi(72)  # as the SVG is drawn: sizes in points
        renderer = Recorder(1, 1, io.StringIO())
        renderer.drawn = []
        fig.draw(renderer)
        page = fig.bbox
        texts = [t for t in renderer.drawn if t is not None and t.get_text().strip()]
        assert len(texts) > 10, name
        for text in texts:
            box = text.get_window_extent(renderer)
            assert box.x0 >= page.x0 - 0.5 and box.x1 <= page.x1 + 0.5, (name, text.get_text())
            assert box.y0 >= page.y0 - 0.5 and box.y1 <= page.y1 + 0.5, (name, text.get_text())
        for ax in fig.axes:  # ticks made when saving are labelled like those the layout measured
            sizes = {t.get_fontsize() for t in ax.get_xticklabels() + ax.get_yticklabels() if t.get_text()}
            assert len(sizes) == 1 and sizes.pop() >= 10, (name, sizes)
        key_bottom = min((t.get_window_extent(renderer).y0 for t in fig.texts), default=page.y1)
        for ax in fig.axes:
            assert ax.get_tightbbox(renderer).y1 < key_bottom, name  # the plot and its title sit below the key
        plt.close(fig)
