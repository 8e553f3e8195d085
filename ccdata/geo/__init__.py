"""Geography layer: crosswalks and aggregation, the processed cache, places, geocoding."""
