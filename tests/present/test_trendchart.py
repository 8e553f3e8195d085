"""The trend chart of the progress page: one measure over time, place against authority and England."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from ccdata.present.trendchart import tick_labels, trend_chart  # noqa: E402


def _years(n):
    return [f"FYE {2014 + i}" for i in range(n)]


def test_every_period_is_labelled_while_the_labels_fit():
    assert tick_labels(_years(6)) == _years(6)


@pytest.mark.parametrize("n", [7, 11, 12, 20])
def test_a_long_series_labels_at_most_six_periods_with_the_first_and_the_latest(n):
    labels = tick_labels(_years(n))
    shown = [i for i, text in enumerate(labels) if text]
    assert len(labels) == n and len(shown) <= 6
    assert shown[0] == 0 and shown[-1] == n - 1
    assert all(labels[i] == _years(n)[i] for i in shown)  # a label is its own period's


def test_the_chart_of_eleven_years_keeps_a_tick_per_year_and_labels_six():
    rows = pd.DataFrame({"area_type": "place", "area_name": "Demoton", "period": _years(11),
                         "period_end": pd.to_datetime([f"{2014 + i}-03-31" for i in range(11)]),
                         "value": [20.0 + i for i in range(11)], "lower": pd.NA, "upper": pd.NA})
    fig = trend_chart(rows, title="Children in low income families", unit="%")
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.get_xticklabels()]
    assert len(ax.get_xticks()) == 11 and sum(bool(t) for t in texts) == 6
    assert texts[0] == "FYE 2014" and texts[-1] == "FYE 2024"


def test_tick_labels_refuses_what_is_not_a_list():
    with pytest.raises(ValueError, match="list of periods"):
        tick_labels("FYE 2014")
