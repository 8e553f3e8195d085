"""Analysis layer: indicators, deprivation, profiles, statistics, disclosure control,
asset coverage, survey and pupil summaries, network measures. No HTML here."""
