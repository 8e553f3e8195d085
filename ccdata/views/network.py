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


def no_answers(data: net.NetworkData) -> str:
    """Why there is nothing to draw, in one plain sentence (the survey is empty, or none of its answers
    could be used)."""
    issues = data.issues
    if len(issues) and (issues["kind"] == "empty file").any():
        return "the relationship survey has no answers yet (its file is empty)"
    if len(data.ties) == 0 and not (issues["action"] == net.EXCLUDED).any():
        return "the relationship survey has no answers yet (its file has only the column headings)"
    return "none of the relationship survey's answers could be used; the adviser notes list each one and why"


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
    }, caption=f"Survey wave {latest}. Waves: {', '.join(data.waves)}."))
    blocks.append(present.glossary(["density", "betweenness", "constraint"]))
    excluded = int((data.issues["action"] == net.EXCLUDED).sum())
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
    cent = net.centrality(net.group_residents(net.graph(data), rules))
    brokers = cent[cent["broker"]]
    text = ("No organisation stands out as a broker." if brokers.empty else
            "Brokers (many shortest paths run through them, and their partners are not tied to each other): "
            + ", ".join(brokers["label"].head(top)) + ".")
    shown = cent.head(top).rename(columns={"label": "organisation", "weighted_degree": "weighted ties",
                                           "degree": "ties", "core_team": "core team"}).drop(columns="org_id")
    return [present.bullets([text]),
            present.table(shown, caption=f"The {min(top, len(cent))} most central organisations "
                          f"(wave {data.waves[-1]})", sortable=True,
                          formats={"betweenness": ".2f", "constraint": ".2f"})]


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
                          "ties within a sector", index=True)]


def core_team_section(data: net.NetworkData, rules=None) -> list:
    """How much runs through the core team, and the network without it."""

    if not data.waves:
        return [present.missing("the core team", no_answers(data))]
    role = net.core_team_role(net.group_residents(net.graph(data), rules))
    if not role["core_team"]:
        return [present.missing("the core team's role", "no organisation is flagged core_team in the "
                                "organisations list")]
    lines = [f"Core team: {', '.join(role['core_team'])}.",
             f"{_pct(role['tie_share'])} of ties involve the core team.",
             f"On average {_pct(role['path_share'])} of the shortest paths between two other connected "
             f"organisations pass through the core team; {role['pairs_only_via_core']} of {role['pairs']} "
             "connected pairs would be cut off without it."]
    return [present.bullets(lines),
            present.table(net.core_team_table(role), caption="The network with and without the core team",
                          formats={"with core team": ".3g", "without core team": ".3g"})]


def change_section(data: net.NetworkData, before: str = "", after: str = "", rules=None) -> list:
    """Measures per wave and the ties gained and lost between two waves."""

    waves = data.waves
    if not waves:
        return [present.missing("change over time", no_answers(data))]
    if len(waves) < 2:
        return [present.missing("change over time", "the survey has only one wave so far")]
    before, after = before or waves[0], after or waves[-1]
    trend = net.over_time(data, rules)
    # shares as percentages, as their headers say
    shares = ("density", "largest_component_share", "cross_sector_share", "reciprocity", "core_tie_share",
              "core_path_share")
    trend = trend.assign(**{c: 100 * trend[c] for c in shares if c in trend.columns})
    blocks = [present.table(trend, caption="The network in each wave", formats={
        c: (".1f" if c == "density" else ".0f") for c in shares if c in trend.columns})]
    diff = net.compare_waves(data, before, after, rules)
    blocks.append(present.bullets([
        f"Between waves {before} and {after}: {len(diff['gained'])} ties gained, {len(diff['lost'])} lost; "
        f"{(diff['new_organisations']['how'] == 'joined').sum()} organisations joined and "
        f"{(diff['new_organisations']['how'] == 'newly connected').sum()} became connected."]))
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
    residents = points["sector"] == net.RESIDENTS
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
