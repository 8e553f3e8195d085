"""More sections of the relationship map page: brokerage roles, weak links, each kind of
relationship and survey coverage.

Each section returns a list of display blocks for ``network.ipynb``. Every figure is
computed on the published graph (:func:`ccdata.analysis.network.published_graph`:
residents as one protected group); each section ends with a short "what this means" in
plain words, and the method detail goes to the adviser notes.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ccdata import present
from ccdata.analysis import brokerage as bk
from ccdata.analysis import netlinks as nl
from ccdata.analysis import netsurvey as ns
from ccdata.analysis import network as net
from ccdata.views.network import means, no_answers
from ccdata.vocabulary import SECTORS

#: Plain names of the roles, for partners.
ROLE_WORDS = {
    bk.COORDINATOR: "Links two of its own sector (coordinator)",
    bk.ITINERANT: "Links two of another sector (itinerant)",
    bk.GATEKEEPER: "Links its own sector with another (gatekeeper or representative)",
    bk.GATEKEEPER_ONLY: "Passes from another sector to its own (gatekeeper)",
    bk.REPRESENTATIVE: "Passes from its own sector to another (representative)",
    bk.LIAISON: "Links two other sectors (liaison)",
}


def _pct(x) -> str:
    return "not available" if x is None or pd.isna(x) else f"{100 * x:.0f}%"


def _none(data, what: str) -> list | None:
    if not data.waves:
        return [present.missing(what, no_answers(data))]
    return None


def roles_section(data: net.NetworkData, top: int = 12, rules=None) -> list:
    """Brokerage roles (Gould and Fernandez) of the organisations that link others, latest wave."""
    empty = _none(data, "brokerage roles")
    if empty:
        return empty
    latest = data.waves[-1]
    g = net.published_graph(data, latest, rules=rules)
    # gatekeeper and representative are told apart only when every shown tie has a direction
    flows = bk.flow_graph(data, g, latest)
    frame = bk.brokerage(g, flows=flows)
    roles = bk.ROLES if flows is None else bk.DIRECTED_ROLES
    table = bk.roles_table(frame)
    if table.empty:
        return [present.bullets(["No organisation links two others who are not in touch with each other."])]
    lines = []
    for role in roles:
        best = table.sort_values([role, "label"], ascending=[False, True]).iloc[0]
        if best[role] > 0:
            times = "once" if best[role] == 1 else "twice" if best[role] == 2 else f"{best[role]:,} times"
            lines.append(f"{ROLE_WORDS[role]}: most often {best['label']} ({times}).")
    strong = frame[frame["strong"]]
    outside = strong.loc[np.array([not g.nodes[n].get("core_team") for n in strong["org_id"]], dtype=bool)]
    cross = outside[outside["role"].isin([bk.ITINERANT, bk.GATEKEEPER, bk.LIAISON])]
    if len(cross):
        names = sorted(set(cross["label"]))
        lines.append("Outside the core team, these link sectors more often than chance would give: "
                     + "; ".join(names) + ".")
    else:
        lines.append("No organisation outside the core team links sectors more often than chance would give.")
    short = {bk.COORDINATOR: "Two of its own sector (coordinator)", bk.ITINERANT: "Two of another sector (itinerant)",
             bk.GATEKEEPER: "Its own sector with another (gatekeeper or representative)",
             bk.GATEKEEPER_ONLY: "From another sector to its own (gatekeeper)",
             bk.REPRESENTATIVE: "From its own sector to another (representative)",
             bk.LIAISON: "Two other sectors (liaison)"}
    shown = table.head(top).rename(columns={**short,
                                            "label": "Organisation", "sector": "Sector",
                                            "total": "All",
                                            "more_than_chance": "More often than chance"})
    if not shown["More often than chance"].astype(bool).any():
        shown = shown.drop(columns="More often than chance")
    detail = frame[frame["observed"] > 0].sort_values(["label", "role"]).rename(columns={"label": "organisation"})
    return [present.bullets(lines), present.glossary(["brokerage"]),
            present.table(shown, caption=f"How many pairs of organisations that are not in touch with each other "
                          f"each organisation links, by their sectors (wave {latest}; the {min(top, len(table))} "
                          "that link most)", sortable=True),
            means("When an organisation is in touch with two others who are not in touch with each other, "
                  "information and referrals can pass between them through it. Links between different "
                  "sectors held by several organisations, not only the core team, mean the network does not "
                  "rest on one hub."),
            present.adviser_note("Brokerage roles: method and scores", present.Block(
                "<p>Gould and Fernandez (1989) roles on the undirected published network (residents as one "
                "group): for each open two-step A-B-C (A and C not tied) the sectors of A, B and C give the "
                "role. "
                + ("The relationships file gives a direction for every tie shown, so roles follow the flow "
                   "(A passes to B, B to C) and gatekeeper and representative are told apart. " if flows is not None
                   else "The survey records who answered about whom, not the direction of flow (the optional "
                   "direction column is not filled for every tie shown), so gatekeeper and representative are "
                   "one role. ")
                + "Expected counts and standard deviations are exact under "
                "random relabelling of the other organisations' sectors (sector sizes fixed, the broker's "
                f"own kept); a role is called more than chance when the score (observed - expected) / sd is "
                f"at least {bk.STRONG_SCORE:g} and at least {bk.MIN_EXPECTED:g} was expected.</p>"
                + present.table(detail.drop(columns=["org_id"]), caption="Observed and expected counts per "
                                "organisation and role", sortable=True,
                                formats={"expected": ".2f", "sd": ".2f", "score": ".2f"}).html))]


def links_section(data: net.NetworkData, top: int = 8, rules=None) -> list:
    """Bridges and local bridges of the latest wave, named in words."""
    empty = _none(data, "weak links")
    if empty:
        return empty
    latest = data.waves[-1]
    links = nl.weak_links(net.published_graph(data, latest, rules=rules))
    bridges = links[links["kind"] == nl.BRIDGE]
    only = links[links["kind"] == nl.ONLY_TIE]
    local = links[links["kind"] == nl.LOCAL_BRIDGE].sort_values("span", ascending=False, kind="stable")
    lines = list(bridges["sentence"].head(top))
    if not len(bridges):
        lines.append("No single tie holds two groups of organisations together.")
    if len(only):
        lines.append(f"{len(only):,} {'organisation is' if len(only) == 1 else 'organisations are'} connected "
                     "to the network by one tie only (listed below).")
    lines += list(local["sentence"].head(5))
    blocks = [present.Block("<h3>Single ties that hold the network together</h3>"), present.bullets(lines),
              present.glossary(["bridge", "local bridge", "tie strength"])]
    if len(only):
        blocks.append(present.table(only[["organisation_b", "sector_b", "organisation_a", "strength"]].rename(
            columns={"organisation_b": "Organisation", "sector_b": "Sector", "organisation_a": "Its only tie is with",
                     "strength": "In touch"}), caption=f"Organisations with one tie only (wave {latest})",
            sortable=True))
    blocks.append(present.adviser_note("Weak links: definitions", (
        "Computed on the undirected published network (residents as one group, only the ties the group may "
        "show). A bridge is an edge of networkx.bridges: removing it disconnects its ends; it is listed as a "
        "bridge when both sides keep at least two organisations, otherwise as an organisation's only tie. A "
        "local bridge is an edge of networkx.local_bridges (its ends have no common neighbour) that is not a "
        "bridge; its span is the shortest path between the ends without it. Tie strength is the mean of the "
        "answers' 1-5 scores (frequency words mapped: yearly 1, quarterly 2, monthly 3, weekly 4, daily 5) per "
        "relationship type, the strongest type kept, rounded to the nearest word.\n\n"
        "Cross-sector dependence on the core team: among pairs of organisations outside the core team, in "
        "different sectors and in the same connected component, the share in different components once the "
        "core team's nodes are removed (analysis.netlinks.cross_sector_dependence).")))
    blocks.append(means("A tie that is the only link between two groups is where the network is weakest: if "
                        "it lapses, the groups lose touch. Ties between organisations with no partner in common "
                        "carry news the others do not hear; they are worth keeping up even when contact is rare."))
    return blocks


def types_section(data: net.NetworkData, rules=None) -> list:
    """A table comparing the relationship types, with change between the first and latest wave."""
    empty = _none(data, "each kind of relationship")
    if empty:
        return empty
    waves = data.waves
    table = ns.types_table(data, rules)
    latest = table[table["wave"] == waves[-1]].sort_values("organisations", ascending=False)
    if latest.empty:
        return [present.missing("each kind of relationship", "the survey's answers do not name a relationship type")]
    most, least = latest.iloc[0], latest.iloc[-1]
    lines = [f"In wave {waves[-1]}, {most['organisations']:,} organisations have {most['relationship']} ties "
             f"and {least['organisations']:,} have {least['relationship']} ties."]
    last = waves[-1]
    shown = pd.DataFrame({"Kind of relationship": latest["relationship"].to_numpy()})
    if len(waves) > 1:
        change = ns.types_change(data, waves[0], last, rules).set_index("relationship")
        kinds = latest["relationship"]
        shown[f"Organisations with ties, {waves[0]}"] = kinds.map(change["organisations_before"]).to_numpy()
        shown[f"Organisations with ties, {last}"] = kinds.map(change["organisations_after"]).to_numpy()
        shown[f"Ties, {waves[0]}"] = kinds.map(change["ties_before"]).to_numpy()
        shown[f"Ties, {last}"] = kinds.map(change["ties_after"]).to_numpy()
        shown["Change in ties"] = [f"{int(c):+,}" if c else "no change" for c in kinds.map(change["ties_change"])]
        grew = change["ties_change"]
        up = [t for t in change.index if grew[t] > 0]
        down = [t for t in change.index if grew[t] < 0]
        if up:
            lines.append(f"Since wave {waves[0]} there are more ties of: {', '.join(up)}.")
        if down:
            lines.append(f"Since wave {waves[0]} there are fewer ties of: {', '.join(down)}.")
    else:
        shown[f"Organisations with ties, {last}"] = latest["organisations"].to_numpy()
        shown[f"Ties, {last}"] = latest["ties"].to_numpy()
    shown[f"Across sectors, {last}, %"] = (100 * latest["cross_sector_share"]).to_numpy()
    return [present.bullets(lines),
            present.table(shown, caption="Each kind of relationship: organisations and ties"
                          + (f", wave {waves[0]} and wave {waves[-1]}" if len(waves) > 1 else ""),
                          formats={f"Across sectors, {last}, %": ".0f"}),
            means("Sharing information is the easiest tie to start; referrals, joint delivery and shared funding "
                  "ask more of both sides. A network where many share information but few refer or deliver "
                  "together is still at an early stage. The drawing above can show one kind at a time.")]


def coverage_section(data: net.NetworkData, rules=None) -> list:
    """Who answered the survey, ties known from one end only, and warnings when too few answered."""
    empty = _none(data, "survey coverage")
    if empty:
        return empty
    rates = ns.response_rates(data)
    lines = [f"Wave {r.wave}: {r.answered:,} of {r.organisations:,} organisations answered "
             f"({_pct(r.response_rate)})." for r in rates.itertuples(index=False)]
    sided = ns.one_sided(data)
    for r in sided.itertuples(index=False):
        if r.ties:
            lines.append(f"Wave {r.wave}: of {r.ties:,} ties between organisations, {r.both_ends:,} were reported by "
                         f"both; {r.one_end_other_silent:,} by one end whose partner did not answer the survey, "
                         f"and {r.one_end_other_answered:,} by one end whose partner answered but did not name it.")
    cov = ns.coverage(data, rules)
    cells = [f"{a} of {o} ({_pct(r)})" if pd.notna(r) else "not shown (too few to show)"
             for a, o, r in zip(cov["answered"], cov["organisations"], cov["response_rate"])]
    wide = cov.assign(cell=cells).pivot(index="sector", columns="wave", values="cell")
    order = [s for s in SECTORS if s in wide.index]
    wide = wide.reindex(order).rename(columns=lambda w: f"Wave {w}")
    wide.index.name = "Sector"
    blocks = [present.notice(w, "warning") for w in ns.coverage_warnings(data)]
    blocks += [present.bullets(lines),
               present.glossary(["response rate"]),
               present.table(wide, caption="Organisations that answered the survey, by sector and wave", index=True),
               means("The network can only show ties someone reported. Where many organisations did not answer, "
                     "ties between two of them are missing altogether, so the figures are the least there is. "
                     "Residents who took part are counted only as a group, and only when there are enough of them."),
               present.adviser_note("Survey coverage: the rule for warnings", (
                   f"A wave is flagged when fewer than {100 * ns.MIN_RESPONSE:.0f}% of the organisations in it "
                   f"answered; a sector of at least {ns.MIN_SECTOR_SIZE} organisations when fewer than "
                   f"{100 * ns.MIN_SECTOR_RESPONSE:.0f}% of them answered. An organisation is in a wave's network "
                   "when it is listed and had joined by then, or is named in a tie of the wave. Residents' counts "
                   "pass disclosure control (group of at least the minimum respondents, counts rounded)."))]
    return blocks
