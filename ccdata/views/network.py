"""The relationship map page: headline figures, the network diagram, brokers, sectors,
the core team's role, change between waves, the map and the survey's data problems.

Each section returns a list of display blocks; the notebook ``network.ipynb`` displays
them in order. Drawing is in :mod:`ccdata.present.netviz`; measures in
:mod:`ccdata.analysis.network`. Residents appear only as one group, whose ties pass the
disclosure ``rules`` a section takes (default: the standard rules); every figure, including
the headline figures and the measures per wave, is computed on that grouped network
(:func:`ccdata.analysis.network.published_graph`).
"""
from __future__ import annotations

import pandas as pd

from ccdata import present
from ccdata.analysis import network as net
from ccdata.present.mapkey import key_text, map_with_text
from ccdata.present.maps import embed
from ccdata.present.netviz import map_network, network_view
from ccdata.vocabulary import RESIDENTS


def no_answers(data: net.NetworkData) -> str:
    """Why there is nothing to draw, in one plain sentence (the survey is empty, or none of its answers
    could be used)."""
    issues = data.issues
    if len(issues) and (issues["kind"] == "empty file").any():
        return "the relationship survey has no answers yet (its file is empty)"
    if len(data.ties) == 0 and not net.excluded_rows(data):
        return "the relationship survey has no answers yet (its file has only the column headings)"
    return "none of the relationship survey's answers could be used; the adviser notes list each one and why"


def means(text: str) -> present.Block:
    """A short "What this means" paragraph in the partner voice."""
    return present.Block(f'<p class="ccdata-means"><strong>What this means:</strong> {present.esc(text)}</p>')


def _pct(x) -> str:
    return "not available" if x is None or pd.isna(x) else f"{100 * x:.0f}%"


def overview(place, data: net.NetworkData, rules=None) -> list:
    """Opening blocks: headline figures of the latest wave.

    (The fictional-data banner of the demo place is part of every exported page's
    header, so it is not repeated here.)
    """

    blocks: list = []
    if not data.waves:
        return blocks + [present.missing("the relationship map", no_answers(data))]
    latest = data.waves[-1]
    s = net.published_summary(data, latest, rules=rules)
    blocks.append(present.metrics({
        "Organisations": s["organisations"], "Ties": s["ties"],
        "Ties across sectors": _pct(s["cross_sector_share"]),
        "Density (share of possible ties)": _pct(s["density"]),
        "Ties confirmed by both ends": _pct(s["reciprocity"]),
        "Organisations with no ties": s["isolates"],
    }, caption=f"Survey wave {latest}. Waves: {', '.join(data.waves)}. Residents who took part count as one "
               "group, never one by one."))
    blocks.append(means("Each tie is a working relationship someone reported. More ties across sectors, and more "
                        "of them confirmed by both ends, mean services that know and use each other; organisations "
                        "with no ties are the ones to reach first."))
    blocks.append(present.glossary(["density", "cross-sector share", "reciprocity", "betweenness", "constraint"]))
    excluded = net.excluded_rows(data)
    if len(data.issues):
        # partners get one plain sentence; the rows and cells themselves are for the adviser
        blocks.append(present.notice(
            f"Some survey answers could not be used ({excluded:,} of the rows and cells checked); "
            "the figures leave them out." if excluded else
            "A few survey answers need checking; they are counted as given.", "warning"))
    return blocks


def diagram_section(data: net.NetworkData, size_by: str = "betweenness", rules=None) -> list:
    """The interactive diagram, with a note on how to read it."""

    if not data.waves:
        return [present.missing("the network diagram", no_answers(data))]
    return [network_view(data, size_by=size_by, rules=rules)]


def brokers_section(data: net.NetworkData, top: int = 15, rules=None) -> list:
    """The organisations that connect others, latest wave."""

    if not data.waves:
        return [present.missing("brokers", no_answers(data))]
    # residents are one group here, never listed one by one
    cent = net.centrality(net.published_graph(data, rules=rules))
    # the roles below say who links whom and which sectors; here only how central each is
    # (the old "broker" flag picked the most central organisations and said nothing more)
    shown = cent.head(top).drop(columns=["org_id", "broker"]).rename(columns={
        "label": "Organisation", "weighted_degree": "Ties weighted by how often", "degree": "Ties",
        "core_team": "Core team", "sector": "Sector"})
    return [present.table(shown, caption=f"The {min(top, len(cent))} most central organisations "
                          f"(wave {data.waves[-1]})", sortable=True,
                          formats={"betweenness": ".2f", "constraint": ".2f", "Ties weighted by how often": ".0f"}),
            means("Organisations high in this table sit on many of the routes between others: news and referrals "
                  "travel through them. If they are all core team, the network depends on a few people's time.")]


def sectors_section(data: net.NetworkData, rules=None) -> list:
    """Cross-sector ties and the sector x sector table, latest wave."""

    if not data.waves:
        return [present.missing("ties between sectors", no_answers(data))]
    grouped = net.published_graph(data, rules=rules)
    matrix = net.sector_matrix(grouped)
    lines = [f"{_pct(net.cross_sector_share(grouped))} of ties join organisations of different sectors."]
    if grouped.graph["residents"]["people"]:
        lines.append("In the table, residents count as one group: a tie from residents to an organisation is "
                     "counted once, and only when enough residents named it.")
    return [present.bullets(lines),
            present.table(matrix, caption=f"Ties between sectors (wave {data.waves[-1]}); the diagonal counts "
                          "ties within a sector", index=True),
            means("Children's needs cross sectors, so ties between schools, health, housing and the voluntary "
                  "sector matter most; an empty cell is two sectors not yet working together.")]


def core_team_section(data: net.NetworkData, rules=None) -> list:
    """How much runs through the core team, and the network without it."""

    if not data.waves:
        return [present.missing("the core team", no_answers(data))]
    role = net.core_team_role(net.published_graph(data, rules=rules))
    if not role["core_team"]:
        return [present.missing("the core team's role", "the organisations list does not say which "
                                "organisations form the core team")]
    lines = [f"Core team: {', '.join(role['core_team'])}.",
             f"{_pct(role['tie_share'])} of ties involve the core team.",
             f"On average {_pct(role['path_share'])} of the shortest paths between two other connected "
             f"organisations pass through the core team; {role['pairs_only_via_core']} of {role['pairs']} "
             "connected pairs would be cut off without it."]
    lines += dependence_lines(data, rules)
    table = net.core_team_table(role)
    shares = {"Density", "Share in the largest group"}
    for col in ("with core team", "without core team"):
        table[col] = [("not available" if pd.isna(v) else f"{100 * v:.1f}%" if m == "Density" else f"{100 * v:.0f}%")
                      if m in shares else f"{int(v):,}" for m, v in zip(table["measure"], table[col])]
    table = table.rename(columns={"measure": "Measure", "with core team": "With the core team",
                                  "without core team": "Without the core team"})
    return [present.bullets(lines), present.glossary(["core routes", "core dependence"]),
            present.table(table, caption="The network with and without the core team"),
            means("Organisations in different sectors that know each other only through the core team would lose "
                  "touch if it stepped back. As the partnership matures this share should fall: sectors working "
                  "together directly.")]


def dependence_lines(data: net.NetworkData, rules=None) -> list[str]:
    """The share of cross-sector pairs connected only through the core team, per wave, and its change."""
    trend = net.over_time(data, rules)
    values = [(w, v) for w, v in zip(trend["wave"], trend["core_cross_only_share"]) if pd.notna(v)]
    if not values:
        return []
    lines = [f"Of the pairs of organisations in different sectors that are connected, {_pct(values[-1][1])} are "
             f"connected only through the core team (wave {values[-1][0]})."]
    if len(values) > 1:
        (w0, v0), (_, v1) = values[0], values[-1]
        points = round(100 * v1) - round(100 * v0)
        how = ("no change" if points == 0 else f"down {-points} percentage points" if points < 0
               else f"up {points} percentage points")
        verdict = ("sectors are connecting directly" if points < 0 else
                   "the network leans on the core team as much as before" if points == 0 else
                   "the network leans more on the core team")
        lines.append(f"In wave {w0} it was {_pct(v0)}: {how}; {verdict}.")
    return lines


#: The measures of the per-wave table, in order: (column of over_time, words, is a share).
WAVE_MEASURES = (
    ("organisations", "Organisations (residents as one group)", False), ("ties", "Ties", False),
    ("respondents", "Organisations answering", False), ("isolates", "Organisations with no ties", False),
    ("components", "Separate groups", False), ("density", "Density (share of possible ties)", True),
    ("largest_component_share", "Share in the largest connected group", True),
    ("cross_sector_share", "Ties across sectors", True), ("reciprocity", "Ties confirmed by both ends", True),
    ("core_tie_share", "Ties involving the core team", True),
    ("core_path_share", "Shortest routes through the core team", True),
    ("core_cross_only_share", "Cross-sector pairs connected only through the core team", True),
)


def _n(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def wave_table(trend: pd.DataFrame) -> pd.DataFrame:
    """:func:`ccdata.analysis.network.over_time` as measures (rows) by wave (columns), with the
    change from the first wave to the latest (whole numbers; shares in percent and points)."""
    waves = list(trend["wave"])
    rows = []
    for col, words, share in WAVE_MEASURES:
        if col not in trend.columns:
            continue
        values = list(trend[col])
        cells = {f"Wave {w}": ("not available" if pd.isna(v) else
                               (f"{100 * v:.1f}%" if col == "density" else f"{100 * v:.0f}%") if share
                               else f"{int(v):,}") for w, v in zip(waves, values)}
        first, last = values[0], values[-1]
        if pd.isna(first) or pd.isna(last):
            change = "not available"
        elif share:
            points = (round(1000 * last) - round(1000 * first)) / 10 if col == "density" else \
                round(100 * last) - round(100 * first)
            change = f"{points:+g} {'point' if abs(points) == 1 else 'points'}" if points else "no change"
        else:
            change = f"{int(last) - int(first):+,}" if last != first else "no change"
        rows.append({"Measure": words, **cells, "Change": change})
    return pd.DataFrame(rows)


def change_section(data: net.NetworkData, before: str = "", after: str = "", rules=None) -> list:
    """Measures per wave and the ties gained and lost between two waves."""

    waves = data.waves
    if not waves:
        return [present.missing("change over time", no_answers(data))]
    if len(waves) < 2:
        return [present.missing("change over time", "the survey has only one wave so far")]
    before, after = before or waves[0], after or waves[-1]
    trend = net.over_time(data, rules)
    blocks = [present.table(wave_table(trend), caption="The network in each wave, and the change from the first "
                            "wave to the latest")]
    diff = net.compare_waves(data, before, after, rules)
    joined = int((diff["new_organisations"]["how"] == "joined").sum())
    connected = int((diff["new_organisations"]["how"] == "newly connected").sum())
    blocks.append(present.bullets([
        f"Between waves {before} and {after}: {_n(len(diff['gained']), 'tie')} gained, {len(diff['lost']):,} lost; "
        f"{_n(joined, 'organisation')} joined and {connected:,} became connected."] + dependence_lines(data, rules)))
    blocks.append(present.glossary(["components"]))
    blocks.append(means("Progress shows as more ties, more of them across sectors, fewer organisations on their "
                        "own, and a smaller share of pairs that only the core team connects."))
    for key, caption in (("gained", "Ties gained"), ("lost", "Ties lost"), ("new_organisations",
                                                                           "New or newly connected organisations")):
        if len(diff[key]):
            blocks.append(present.table(diff[key], caption=f"{caption} between waves {before} and {after}",
                                        sortable=True))
    return blocks


def map_section(data: net.NetworkData, points: pd.DataFrame, lsoas=None) -> list:
    """Organisations and ties on the deprivation map, or why there is no map."""

    placed = points["easting"].notna().sum() if len(points) else 0
    if not data.waves:
        return [present.missing("the map of relationships", no_answers(data))]
    if placed == 0:
        return [present.missing("the map of relationships", "no organisation has a postcode or coordinates "
                                "that could be placed")]
    # residents are never placed and never listed one by one: one sentence says so
    residents = points["sector"] == RESIDENTS
    not_placed = points[points["easting"].isna() & ~residents]

    fmap = map_network(data, points, lsoas)
    key = key_text(sectors=fmap.ccdata_key["sectors"], deprivation_label=fmap.ccdata_key["deprivation_label"],
                   deciles=lsoas is not None, boundary=False)
    blocks = [map_with_text(embed(fmap, title="Map of organisations and their ties"), anchor="network-map-key",
                            key=key, what="the key to the map (the tables on this page name every organisation)")]
    if len(not_placed):
        blocks.append(present.table(not_placed[["label", "sector", "located"]],
                                    caption="Organisations not on the map, and why"))
    if residents.any():
        away = "Residents who took part are not on the map: where they are may be their home."
        blocks.append(present.bullets([away]))
    return blocks


def issues_section(data: net.NetworkData) -> list:
    """Every row or cell of the input files that was excluded or needs attention."""

    if data.issues.empty:
        return [present.notice("Every row of the organisations and relationships files could be used.")]
    # file, row and column are for the adviser: the report moves this note to the adviser notes
    return [present.adviser_note("Rows and cells of the relationship files that need attention", present.Block(
        present.table(net.issues_table(data), caption="Rows and cells that need attention in the input files "
                      "(cell values are not shown: open the file at the row given)", sortable=True).html))]
