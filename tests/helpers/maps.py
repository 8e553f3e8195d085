"""Hand-made map layers with hostile text, and a folium map's page text."""
from __future__ import annotations

import geopandas as gpd
from shapely.geometry import Point, box

X0, Y0 = 430000, 566000
SCRIPT = "<script>alert(1)</script>"


def map_layers():
    """LSOAs, boundary, wards and assets (one with a script in its name, one with a
    javascript: website) for a map drawn by ``maps.map_assets``."""
    lsoas = gpd.GeoDataFrame({"lsoa21_code": ["E01900001", "E01900002"], "lsoa21_name": ["A <b>", "B"],
                              "imd_decile": [1, None]},
                             geometry=[box(X0, Y0, X0 + 1000, Y0 + 1000), box(X0 + 1000, Y0, X0 + 2000, Y0 + 1000)],
                             crs=27700)
    boundary = gpd.GeoDataFrame({"name": ["Place"]}, geometry=[lsoas.union_all()], crs=27700)
    wards = gpd.GeoDataFrame({"ward24_code": ["E05900001"], "ward24_name": ["Harbour"]},
                             geometry=[lsoas.union_all()], crs=27700)
    names = [f"{SCRIPT} Youth Club", "Hall `${x}`", "School 1", "School 2", "School 3"]
    cats = ["youth", "community", "school", "school", "school"]
    assets = gpd.GeoDataFrame({"name": names, "category": cats,
                               "address": ["1 <i>Street</i>", None, None, None, None],
                               "postcode": ["DM1 1AA"] * 5,
                               "website": ["javascript:alert(2)", "https://example.org/a?b=1&c=2", None, None, None],
                               "source": "test"},
                              geometry=[Point(X0 + 100 * i + 50, Y0 + 500) for i in range(5)], crs=27700)
    return lsoas, boundary, wards, assets


def render(m) -> str:
    """The whole page a folium map renders to."""
    return m.get_root().render()
