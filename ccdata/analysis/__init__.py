"""Analysis layer: indicators, deprivation, profiles, statistics, disclosure control,
asset coverage, survey and pupil summaries, network measures. No HTML here."""

# Modules that register derived tables with the processed cache (ccdata.geo.build), so that
# `ccdata build` and `Place.table` know them as soon as the analysis layer is imported.
from ccdata.analysis import deprivation, profile  # noqa: E402,F401
