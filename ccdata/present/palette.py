"""The project's colours, defined once: deprivation deciles, asset categories, network sectors.

Every map and chart takes its colours from here, so decile 1 looks the same on the
asset map, the network map and the dashboard charts. All sets are colour-blind safe
(viridis for the ordered deciles, Okabe-Ito for categories and sectors); outputs
never rely on colour alone (legends, labels and marker shapes carry the meaning too).
"""
from __future__ import annotations

from ccdata import vocabulary as net

#: viridis, 10 steps: decile 1 (most deprived 10% of LSOAs in England) is the darkest.
DECILE_COLOURS = ("#440154", "#482878", "#3e4a89", "#31688e", "#26828e",
                  "#1f9e89", "#35b779", "#6ece58", "#b5de2b", "#fde725")
#: Areas with no figure.
NO_DATA_COLOUR = "#d9d9d9"
#: Okabe-Ito (colour-blind-safe) plus dark and light greys, one per asset category.
CATEGORY_COLOURS = {
    "school": "#0072B2", "early_years": "#56B4E9", "gp_practice": "#009E73", "library": "#E69F00",
    "youth": "#D55E00", "family_hub": "#CC79A7", "food_bank": "#F0E442", "faith": "#7F3C8D",
    "community": "#000000", "leisure": "#3C8D2F", "health_other": "#999999", "other": "#666666",
}
#: Okabe-Ito, one per sector of the relationship survey.
SECTOR_COLOURS = {
    net.SCHOOL: "#0072B2", net.EARLY_YEARS: "#E69F00", net.HEALTH: "#009E73",
    net.LOCAL_AUTHORITY: "#CC79A7", net.HOUSING: "#D55E00", net.VOLUNTARY: "#56B4E9",
    net.FAITH: "#F0E442", net.BUSINESS: "#000000", net.RESIDENTS: "#999999",
}


def decile_colour(decile) -> str:
    """The colour of a deprivation decile (1-10); :data:`NO_DATA_COLOUR` for anything else."""
    try:
        d = int(decile)
    except (TypeError, ValueError):
        return NO_DATA_COLOUR
    return DECILE_COLOURS[d - 1] if 1 <= d <= 10 else NO_DATA_COLOUR
