"""The dashboard's spine chart: every indicator of the place against England's local authorities.

One section function, called by :func:`ccdata.views.dashboard.indicator_section`: the
chart (:mod:`ccdata.present.spine`) with its data table, whose cells carry the same
figure ids as the indicator table, and the method for the adviser notes.
"""
from __future__ import annotations

from ccdata import present
from ccdata.analysis import spread
from ccdata.errors import MissingDataError
from ccdata.present import figures as marks
from ccdata.present import spine


def blocks(place) -> list:
    """Every indicator in one picture: the place against the spread of England's authorities.

    Without the data for it, a one-line note for partners and the reason for the adviser.
    """
    try:
        table, reasons, method = spread.for_place(place)
        fig = spine.spine_chart(table)
    except (MissingDataError, ValueError) as exc:
        return [present.missing("the chart of every indicator", "These figures are not in this edition's data."),
                present.adviser_note("Why there is no chart of every indicator", str(exc))]
    data = spine.chart_data(table)
    ids = list(table["indicator"])
    out: list = [present.figure(
        fig, alt=(f"Spine chart: for each of {len(table)} indicators, {place.name}'s value with its 95% "
                  f"interval and {place.lad_name}'s value, set against the spread of England's "
                  f"{int(table['authorities'].max())} local authorities (lowest to highest, and the middle "
                  "half), with England in the centre; the worse side is on the left."),
        caption=("Every indicator in one picture. England is the centre line; the grey bar runs from the "
                 "lowest to the highest local authority in England, the darker part holds the middle half of "
                 "them. The dot is this place, with the range it could take by chance; the diamond is its "
                 "local authority. Worse is on the left where a direction is declared."),
        data=data, figures={col: marks.column_ids(ids, measure, kind, area=area)
                            for col, (area, measure, kind) in spine.DATA_MARKS.items()})]
    detail = method + ("" if not reasons else " Left out of the chart: " + "; ".join(
        f"{k}: {v}" for k, v in reasons.items()) + ".")
    out.append(present.adviser_note("How the spine chart is made", detail))
    return out


