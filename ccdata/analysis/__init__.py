"""Analysis layer: indicators, deprivation, profiles, statistics, disclosure control,
asset coverage, survey and pupil summaries, network measures. No HTML here.

The processed tables this layer computes are declared in :mod:`ccdata.analysis.steps`;
importing the layer registers nothing."""
