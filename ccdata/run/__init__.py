"""Run layer: report (papermill + export), batch runs, what changed between runs."""
