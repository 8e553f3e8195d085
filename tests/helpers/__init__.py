"""Shared test helpers: plain functions and constants imported by test modules.

Fixtures live in ``conftest.py`` files (the suite's root for the shared ones, a layer's
folder for that layer's). No test module imports another test module or a conftest.
"""
