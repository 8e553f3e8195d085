"""Each kind of relationship, and how well the survey covers the network.

* :func:`types_table` / :func:`types_change`: the network of each relationship type
  (information sharing, referrals, joint delivery, shared funding) per wave, and its change
  between two waves: for example many organisations share information but few refer.
* :func:`coverage`: who answered the survey, by sector and wave; :func:`one_sided` the ties
  only one end reported, and whether the other end answered at all; :func:`coverage_warnings`
  plain warnings when too few answered for the measures to mean much (the rule is
  :data:`MIN_RESPONSE` overall and :data:`MIN_SECTOR_RESPONSE` in a sector of at least
  :data:`MIN_SECTOR_SIZE`).

Every figure is computed on the published graph (residents as one protected group); counts
of residents who answered pass :func:`ccdata.analysis.residents.protected_count`.
"""
from __future__ import annotations

import pandas as pd

from ccdata.analysis import disclosure
from ccdata.analysis import network as net
from ccdata.analysis.residents import protected_count
from ccdata.io.local.network import NOT_STATED, NetworkData
from ccdata.vocabulary import RELATIONSHIP_TYPES, RESIDENTS, SECTORS

#: Below this share of organisations answering in a wave, whole-network measures are flagged.
MIN_RESPONSE = 0.7
#: Below this share answering in one sector (of at least :data:`MIN_SECTOR_SIZE`), the
#: sector's ties and roles are flagged.
MIN_SECTOR_RESPONSE = 0.5
MIN_SECTOR_SIZE = 3


def _types(data: NetworkData) -> list[str]:
    present = set(data.ties["relationship"])
    return [t for t in RELATIONSHIP_TYPES if t in present] + (
        [NOT_STATED] if NOT_STATED in present else [])


def types_table(data: NetworkData, rules: disclosure.Rules | None = None) -> pd.DataFrame:
    """The network of each relationship type, per wave.

    Returns
    -------
    DataFrame
        ``relationship, wave, organisations`` (with at least one tie of that type; the
        residents' group counts once, and only through ties it may show), ``ties``,
        ``cross_sector_share``, ``density``.
    """
    net.check_data(data)
    rows = []
    for t in _types(data):
        for w in data.waves:
            g = net.published_graph(data, w, relationships=(t,), rules=rules)
            s = net.summarise(g)
            rows.append({"relationship": t, "wave": w,
                         "organisations": sum(1 for n in g.nodes if g.degree(n) > 0), "ties": s["ties"],
                         "cross_sector_share": s["cross_sector_share"], "density": s["density"]})
    return pd.DataFrame(rows, columns=["relationship", "wave", "organisations", "ties", "cross_sector_share",
                                       "density"])


def types_change(data: NetworkData, before: str, after: str,
                 rules: disclosure.Rules | None = None) -> pd.DataFrame:
    """Each relationship type in two waves side by side, with the change.

    Returns
    -------
    DataFrame
        ``relationship, organisations_before, organisations_after, ties_before, ties_after,
        ties_change``.
    """
    for w in (before, after):
        if str(w) not in data.waves:
            raise ValueError(f"unknown wave {w!r}; the survey has waves {data.waves}")
    table = types_table(data, rules)
    a = table[table["wave"] == str(before)].set_index("relationship")
    b = table[table["wave"] == str(after)].set_index("relationship")
    out = pd.DataFrame({"relationship": list(a.index),
                        "organisations_before": a["organisations"].to_numpy(),
                        "organisations_after": b.loc[a.index, "organisations"].to_numpy(),
                        "ties_before": a["ties"].to_numpy(), "ties_after": b.loc[a.index, "ties"].to_numpy()})
    out["ties_change"] = out["ties_after"] - out["ties_before"]
    return out


def coverage(data: NetworkData, rules: disclosure.Rules | None = None) -> pd.DataFrame:
    """Who answered the survey, by wave and sector.

    Organisations in a wave's network (listed, joined by then, or named in a tie) and those
    among them that answered. Residents are one row whose counts are protected (missing
    when hidden) and carry no rate.

    Returns
    -------
    DataFrame
        ``wave, sector, organisations, answered, response_rate``.
    """
    net.check_data(data)
    rows = []
    for w in data.waves:
        g = net.graph(data, w)
        answered = g.graph["respondents"]
        for sector in SECTORS:
            members = [n for n in g.nodes if g.nodes[n]["sector"] == sector]
            if not members:
                continue
            said = sum(1 for n in members if n in answered)
            if sector == RESIDENTS:
                people = len(members)
                listed, said = protected_count(people, people, rules), protected_count(said, people, rules)
                rows.append({"wave": w, "sector": sector, "organisations": listed, "answered": said,
                             "response_rate": float("nan")})
                continue
            rows.append({"wave": w, "sector": sector, "organisations": len(members), "answered": said,
                         "response_rate": said / len(members)})
    frame = pd.DataFrame(rows, columns=["wave", "sector", "organisations", "answered", "response_rate"])
    frame["organisations"] = frame["organisations"].astype("Int64")
    frame["answered"] = frame["answered"].astype("Int64")
    return frame


def response_rates(data: NetworkData) -> pd.DataFrame:
    """Share of organisations (not residents) that answered, per wave: ``wave, organisations,
    answered, response_rate``."""
    net.check_data(data)
    rows = []
    for w in data.waves:
        g = net.graph(data, w)
        orgs = [n for n in g.nodes if g.nodes[n]["sector"] != RESIDENTS]
        said = sum(1 for n in orgs if n in g.graph["respondents"])
        rows.append({"wave": w, "organisations": len(orgs), "answered": said,
                     "response_rate": said / len(orgs) if orgs else float("nan")})
    return pd.DataFrame(rows, columns=["wave", "organisations", "answered", "response_rate"])


def one_sided(data: NetworkData) -> pd.DataFrame:
    """Ties between organisations that only one end reported, per wave.

    Returns
    -------
    DataFrame
        ``wave, ties, both_ends, one_end_other_silent`` (the other end did not answer the
        survey) and ``one_end_other_answered`` (it answered but did not name this partner).
    """
    net.check_data(data)
    rows = []
    for w in data.waves:
        g = net.graph(data, w)
        answered = g.graph["respondents"]
        both = silent = unnamed = 0
        for u, v, attrs in g.edges(data=True):
            if RESIDENTS in (g.nodes[u]["sector"], g.nodes[v]["sector"]):
                continue
            if attrs["reported_by"] >= 2:
                both += 1
            elif u in answered and v in answered:
                unnamed += 1
            else:
                silent += 1
        rows.append({"wave": w, "ties": both + silent + unnamed, "both_ends": both,
                     "one_end_other_silent": silent, "one_end_other_answered": unnamed})
    return pd.DataFrame(rows, columns=["wave", "ties", "both_ends", "one_end_other_silent",
                                       "one_end_other_answered"])


def coverage_warnings(data: NetworkData) -> list[str]:
    """Plain sentences for each wave or sector where too few organisations answered.

    The rule: a wave where fewer than :data:`MIN_RESPONSE` of the organisations answered, and
    a sector of at least :data:`MIN_SECTOR_SIZE` organisations where fewer than
    :data:`MIN_SECTOR_RESPONSE` answered. Residents are not judged (their counts are protected).
    """
    out = []
    rates = response_rates(data)
    for r in rates.itertuples(index=False):
        if r.organisations and r.response_rate < MIN_RESPONSE:
            out.append(f"In wave {r.wave} only {r.answered:,} of {r.organisations:,} organisations answered "
                       f"({100 * r.response_rate:.0f}%). Ties of those that did not answer are known only when a "
                       "partner named them, so the figures for that wave probably miss some ties; treat them as "
                       "the least there is.")
    cov = coverage(data)
    cov = cov[cov["sector"] != RESIDENTS]
    for r in cov.itertuples(index=False):
        if r.organisations >= MIN_SECTOR_SIZE and r.response_rate < MIN_SECTOR_RESPONSE:
            out.append(f"In wave {r.wave} fewer than half of the {r.sector} organisations answered "
                       f"({r.answered:,} of {r.organisations:,}): that sector's ties and roles may be understated.")
    return out
