"""The ccdata version, in one place (read by the package, the build stamp and the pages)."""
__version__ = "0.1.0"
