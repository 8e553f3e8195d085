"""View layer: one module per report notebook, each section returning display blocks."""
