"""The source registry: one row per dataset ccdata knows how to fetch and load.

Loaders look datasets up here by id. Nothing in this module parses files. What a row
holds is described in :mod:`ccdata.dataset`.
"""
from __future__ import annotations

import pandas as pd

from ccdata import cilif
from ccdata.dataset import (
    GOV_ASSETS,
    IOD2019_AREA_COLUMNS,
    IOD2019_ASSETS,
    IOD2019_LANDING,
    IOD2025_AREA_COLUMNS,
    IOD2025_LANDING,
    NOMIS_BULK,
    NOMIS_LANDING,
    OGL,
    OGL_OS,
    ONS_ARCGIS,
    Dataset,
    census_dataset,
)
from ccdata.errors import UnknownDatasetError

_TS045_TOTAL = ("Number of cars or vans: Total: All households",)
_TS054_TOTAL = ("Tenure of household: Total: All households",)
_TS062_TOTAL = ("National Statistics Socio-economic Classification (NS-SEC): Total: All usual residents "
                "aged 16 years and over",)
_CENSUS_AREA_TABLES = (  # tables the mirror holds for local authorities, regions and countries
    ("TS007A", "age by five-year age bands", ("Age: Total",)),
    ("TS045", "car or van availability", _TS045_TOTAL),
    ("TS054", "tenure", _TS054_TOTAL),
    ("TS062", "NS-SeC (socio-economic classification)", _TS062_TOTAL),
)


_DATASETS: list[Dataset] = [
    # ---------------------------------------------------------------- IoD 2019
    Dataset(
        id="iod2019_file1",
        title="English Indices of Deprivation 2019, File 1: IMD rank and decile",
        publisher="Ministry of Housing, Communities and Local Government",
        landing_page=IOD2019_LANDING,
        url=f"{IOD2019_ASSETS}/833970/File_1_-_IMD2019_Index_of_Multiple_Deprivation.xlsx",
        attachment=r"^File_1_-_IMD2019_Index_of_Multiple_Deprivation\.xlsx$",
        vintage="IoD2019 (26 Sep 2019); LSOA 2011; LAD 2019",
        licence=OGL, loader="iod", geography="lsoa11",
        expected_columns=IOD2019_AREA_COLUMNS + ("Index of Multiple Deprivation (IMD) Rank",
                                      "Index of Multiple Deprivation (IMD) Decile"),
        mirror_paths=("deprivation/iod2019/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz",),
        tags=("iod", "iod2019"),
    ),
    Dataset(
        id="iod2019_file2",
        title="English Indices of Deprivation 2019, File 2: domains of deprivation",
        publisher="Ministry of Housing, Communities and Local Government",
        landing_page=IOD2019_LANDING,
        url=f"{IOD2019_ASSETS}/833973/File_2_-_IoD2019_Domains_of_Deprivation.xlsx",
        attachment=r"^File_2_-_IoD2019_Domains_of_Deprivation\.xlsx$",
        vintage="IoD2019 (26 Sep 2019); LSOA 2011; LAD 2019",
        licence=OGL, loader="iod", geography="lsoa11",
        expected_columns=IOD2019_AREA_COLUMNS + ("Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)",
                                      "Income Rank (where 1 is most deprived)"),
        mirror_paths=("deprivation/iod2019/File_2_-_IoD2019_Domains_of_Deprivation.csv.gz",),
        tags=("iod", "iod2019"),
    ),
    Dataset(
        id="iod2019_file5",
        title="English Indices of Deprivation 2019, File 5: scores for the indices",
        publisher="Ministry of Housing, Communities and Local Government",
        landing_page=IOD2019_LANDING,
        url=f"{IOD2019_ASSETS}/833978/File_5_-_IoD2019_Scores.xlsx",
        attachment=r"^File_5_-_IoD2019_Scores\.xlsx$",
        vintage="IoD2019 (26 Sep 2019); LSOA 2011; LAD 2019",
        licence=OGL, loader="iod", geography="lsoa11",
        expected_columns=IOD2019_AREA_COLUMNS + ("Index of Multiple Deprivation (IMD) Score",),
        notes="Not in the shared mirror; File 7 carries the same scores.",
        tags=("iod", "iod2019"),
    ),
    Dataset(
        id="iod2019_file6",
        title="English Indices of Deprivation 2019, File 6: population denominators (mid-2015)",
        publisher="Ministry of Housing, Communities and Local Government",
        landing_page=IOD2019_LANDING,
        url=f"{IOD2019_ASSETS}/833980/File_6_-_IoD2019_Population_Denominators.xlsx",
        attachment=r"^File_6_-_IoD2019_Population_Denominators\.xlsx$",
        vintage="IoD2019; mid-2015 population excluding prisoners; LSOA 2011",
        licence=OGL, loader="iod", geography="lsoa11",
        expected_columns=IOD2019_AREA_COLUMNS + ("Total population: mid 2015 (excluding prisoners)",),
        mirror_paths=("deprivation/iod2019/File_6_-_IoD2019_Population_Denominators.csv.gz",),
        tags=("iod", "iod2019"),
    ),
    Dataset(
        id="iod2019_file7",
        title="English Indices of Deprivation 2019, File 7: all ranks, scores, deciles and denominators",
        publisher="Ministry of Housing, Communities and Local Government",
        landing_page=IOD2019_LANDING,
        url=f"{IOD2019_ASSETS}/845345/File_7_-_All_IoD2019_Scores__Ranks__Deciles_and_Population_Denominators_3.csv",
        attachment=r"^File_7_-_All_IoD2019_Scores__Ranks__Deciles_and_Population_Denominators(_\d+)?\.csv$",
        vintage="IoD2019 (26 Sep 2019); LSOA 2011; LAD 2019",
        licence=OGL, loader="iod", geography="lsoa11",
        expected_columns=IOD2019_AREA_COLUMNS + ("Index of Multiple Deprivation (IMD) Score",
                                      "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)"),
        notes="Not in the shared mirror (about 11 MB); Files 1, 2 and 6 stand in.",
        tags=("iod", "iod2019"),
    ),
    # ---------------------------------------------------------------- IoD 2025
    Dataset(
        id="iod2025_file1",
        title="English Indices of Deprivation 2025, File 1: IMD rank and decile",
        publisher="Ministry of Housing, Communities and Local Government",
        landing_page=IOD2025_LANDING,
        url=f"{GOV_ASSETS}/691dece32c6b98ecdbc500d5/File_1_IoD2025_Index_of_Multiple_Deprivation.xlsx",
        attachment=r"^File_1_IoD2025_Index_of_Multiple_Deprivation\.xlsx$",
        vintage="IoD2025 (30 Oct 2025); LSOA 2021; LAD 2024",
        licence=OGL, loader="iod", geography="lsoa21",
        expected_columns=IOD2025_AREA_COLUMNS + (
            "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)",),
        mirror_paths=("deprivation/iod2025/File_1_IoD2025_Index_of_Multiple_Deprivation.xlsx",),
        notes="XLSX with sheets 'Notes' and 'IMD25'.",
        tags=("iod", "iod2025"),
    ),
    Dataset(
        id="iod2025_file3",
        title="English Indices of Deprivation 2025, File 3: supplementary indices IDACI and IDAOPI",
        publisher="Ministry of Housing, Communities and Local Government",
        landing_page=IOD2025_LANDING,
        url=f"{GOV_ASSETS}/691ded0a21ef5aaa6543efe9/File_3_IoD2025_Supplementary_Indices_IDACI_and_IDAOPI.xlsx",
        attachment=r"^File_3_IoD2025_Supplementary_Indices_IDACI_and_IDAOPI\.xlsx$",
        vintage="IoD2025 (30 Oct 2025); LSOA 2021; LAD 2024",
        licence=OGL, loader="iod", geography="lsoa21",
        expected_columns=IOD2025_AREA_COLUMNS + (
            "Income Deprivation Affecting Children Index (IDACI) Rank (where 1 is most deprived)",),
        mirror_paths=("deprivation/iod2025/File_3_IoD2025_Supplementary_Indices_IDACI_and_IDAOPI.xlsx",),
        notes="XLSX with sheets 'Notes' and 'IoD2025 IDACI & IDAOPI'.",
        tags=("iod", "iod2025"),
    ),
    Dataset(
        id="iod2025_file2",
        title="English Indices of Deprivation 2025, File 2: domains of deprivation",
        publisher="Ministry of Housing, Communities and Local Government",
        landing_page=IOD2025_LANDING,
        url=f"{GOV_ASSETS}/691decfae39a085bda43efcd/File_2_IoD2025_Domains_of_Deprivation.xlsx",
        attachment=r"^File_2_IoD2025_Domains_of_Deprivation\.xlsx$",
        vintage="IoD2025 (30 Oct 2025); LSOA 2021; LAD 2024",
        licence=OGL, loader="iod", geography="lsoa21",
        expected_columns=IOD2025_AREA_COLUMNS + ("Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)",
                                        "Income Rank (where 1 is most deprived)"),
        notes="Not in the shared mirror. XLSX; the sheet is chosen by its columns.",
        tags=("iod", "iod2025"),
    ),
    Dataset(
        id="iod2025_file5",
        title="English Indices of Deprivation 2025, File 5: scores for the indices",
        publisher="Ministry of Housing, Communities and Local Government",
        landing_page=IOD2025_LANDING,
        url=f"{GOV_ASSETS}/691ded34513046b952c500bd/File_5_IoD2025_Scores_for_the_Indices_of_Deprivation.xlsx",
        attachment=r"^File_5_IoD2025_Scores_for_the_Indices_of_Deprivation\.xlsx$",
        vintage="IoD2025 (30 Oct 2025); LSOA 2021; LAD 2024",
        licence=OGL, loader="iod", geography="lsoa21",
        expected_columns=IOD2025_AREA_COLUMNS + ("Index of Multiple Deprivation (IMD) Score",),
        sheet="IoD2025 Scores",
        notes="Not in the shared mirror. XLSX with sheets 'Notes' and 'IoD2025 Scores'.",
        tags=("iod", "iod2025"),
    ),
    Dataset(
        id="iod2025_file7",
        title="English Indices of Deprivation 2025, File 7: all ranks, scores, deciles and denominators",
        publisher="Ministry of Housing, Communities and Local Government",
        landing_page=IOD2025_LANDING,
        url=f"{GOV_ASSETS}/691ded56d140bbbaa59a2a7d/File_7_IoD2025_All_Ranks_Scores_Deciles_Population_Denominators.csv",
        attachment=r"^File_7_IoD2025_All_Ranks_Scores_Deciles_Population_Denominators\.csv$",
        vintage="IoD2025 (30 Oct 2025); LSOA 2021; LAD 2024; mid-2022 denominators",
        licence=OGL, loader="iod", geography="lsoa21",
        expected_columns=IOD2025_AREA_COLUMNS,
        notes="Not in the shared mirror (9.9 MB); Files 1 and 3 and the public copy (iod2025_public_domains) stand "
              "in. When fetched it is used instead of all three. Its columns are read by the names the release "
              "documents (as in 2019, sub-domains included); not yet checked against the published file itself.",
        tags=("iod", "iod2025"),
    ),
    Dataset(
        id="iod2025_public_domains",
        title="English Indices of Deprivation 2025: every domain and sub-domain by LSOA (public copy of File 7)",
        publisher="Ministry of Housing, Communities and Local Government (reshaped by humaniverse/IMD)",
        landing_page=IOD2025_LANDING,
        vintage="IoD2025 (30 Oct 2025); LSOA 2021",
        licence=OGL, loader="iod2025_public", geography="lsoa21",
        expected_columns=("lsoa21_code", "lsoa21_name", "IMD_decile", "Income_decile", "IMD_rank", "IMD_score",
                          "children_and_young_people_score"),
        mirror_paths=("deprivation/iod2025/public_copy/humaniverse_imd2025_lsoa21_domains_scores.csv.gz",),
        manual=("the public copy is an R package's data (humaniverse/IMD, imd2025_england_lsoa21 joined with "
                "imd2025_england_lsoa21_subdomains), not a file to download; fetch the official File 7 "
                "(iod2025_file7) instead, which is used in its place"),
        notes="A reshaped copy of the official File 7 (scores, ranks and deciles of the IMD, the seven domains "
              "and the six sub-domains; no IDACI/IDAOPI, population or authority columns), used for the domains "
              "until iod2025_file7 is fetched. Its IMD ranks and deciles equal File 1 for every LSOA.",
        tags=("iod", "iod2025"),
    ),
    Dataset(
        id="iod2025_file10",
        title="English Indices of Deprivation 2025, File 10: local authority district summaries (lower tier)",
        publisher="Ministry of Housing, Communities and Local Government",
        landing_page=IOD2025_LANDING,
        attachment=r"^File_10_IoD2025_Local_Authority_District_Summaries.*\.xlsx$",
        vintage="IoD2025 (30 Oct 2025); LAD 2024",
        licence=OGL, loader="iod_la_summary", geography="lad24",
        expected_columns=("Local Authority District code (2024)", "Local Authority District name (2024)",
                          "IMD - Average rank", "IMD - Average score"),
        manual=("save File_10_IoD2025_Local_Authority_District_Summaries.xlsx from "
                f"{IOD2025_LANDING}, then `ccdata fetch iod2025_file10 --file <saved file>`"),
        notes="Not in the shared mirror. One sheet per index or domain ('IMD', 'Income', ...); "
              "no direct URL is recorded, the gov.uk content API finds the current file.",
        tags=("iod", "iod2025"),
    ),
    Dataset(
        id="iod2025_file11",
        title="English Indices of Deprivation 2025, File 11: upper-tier local authority summaries",
        publisher="Ministry of Housing, Communities and Local Government",
        landing_page=IOD2025_LANDING,
        attachment=r"^File_11_IoD2025_.*\.xlsx$",
        vintage="IoD2025 (30 Oct 2025); upper-tier local authorities 2024",
        licence=OGL, loader="iod_la_summary", geography="utla24",
        expected_columns=("Upper Tier Local Authority District code (2024)",
                          "Upper Tier Local Authority District name (2024)",
                          "IMD - Average rank", "IMD - Average score"),
        manual=("save the File 11 workbook (File_11_IoD2025_...xlsx, upper-tier local authority "
                f"summaries) from {IOD2025_LANDING}, then `ccdata fetch iod2025_file11 --file <saved file>`"),
        notes="Not in the shared mirror. Laid out like File 10, by upper-tier local authority.",
        tags=("iod", "iod2025"),
    ),
    # ---------------------------------------------------------------- IoD LA summaries (File 10)
    Dataset(
        id="iod2019_lad_summary",
        title="English Indices of Deprivation 2019: local authority district summaries (File 10, long form)",
        publisher="Ministry of Housing, Communities and Local Government (reshaped by Trafford Data Lab)",
        landing_page=IOD2019_LANDING,
        url="https://raw.githubusercontent.com/traffordDataLab/open_data/master/IndicesOfDeprivation/"
            "IoD2019/local_authority_district/IoD2019.csv",
        vintage="IoD2019 (26 Sep 2019); LAD 2019 (317 authorities)",
        licence=OGL, loader="iod_lad_summary", geography="lad19",
        expected_columns=("lad19cd", "lad19nm", "index_domain", "average_rank", "rank_average_rank",
                          "average_score", "rank_average_score", "proportion_bottom_decile",
                          "rank_proportion_bottom_decile"),
        mirror_paths=("deprivation/iod2019/trafford_datalab_IoD2019_lad.csv",),
        notes="Official File 10 (XLSX, one sheet per domain) reshaped to one row per authority and domain.",
        tags=("iod", "iod2019"),
    ),
    Dataset(
        id="iod2025_lad_summary",
        title="English Indices of Deprivation 2025: local authority district summaries (File 10, long form)",
        publisher="Ministry of Housing, Communities and Local Government (reshaped by Trafford Data Lab)",
        landing_page=IOD2025_LANDING,
        url="https://raw.githubusercontent.com/traffordDataLab/open_data/master/IndicesOfDeprivation/"
            "IoD2025/local_authority_district/indices_of_deprivation_2025_lad.csv",
        vintage="IoD2025 (30 Oct 2025); LAD 2024 (296 authorities)",
        licence=OGL, loader="iod_lad_summary", geography="lad24",
        expected_columns=("area_code", "area_name", "index_domain", "average_rank", "rank_average_rank",
                          "average_score", "rank_average_score", "proportion_bottom_decile",
                          "rank_proportion_bottom_decile"),
        mirror_paths=("deprivation/iod2025/trafford_datalab_indices_of_deprivation_2025_lad.csv",),
        notes="Official File 10 (XLSX, one sheet per domain) reshaped to one row per authority and domain.",
        tags=("iod", "iod2025"),
    ),
    # ---------------------------------------------------------------- lookups
    Dataset(
        id="lookup_lsoa11_lsoa21",
        title="LSOA (2011) to LSOA (2021) to LAD (2022) exact fit lookup for EW (V3), with CHGIND",
        publisher="Office for National Statistics (Open Geography Portal)",
        landing_page="https://geoportal.statistics.gov.uk/",
        arcgis_layer=f"{ONS_ARCGIS}/LSOA11_LSOA21_LAD22_EW_LU_v5/FeatureServer/0",
        arcgis_item="cbfe64cc03d74af982c1afec639bafd1",
        vintage="LSOA 2011 / LSOA 2021 / LAD 2022; V3",
        licence=OGL, loader="lookup", geography="lsoa11",
        expected_columns=("LSOA11CD", "LSOA11NM", "LSOA21CD", "LSOA21NM", "CHGIND", "LAD22CD", "LAD22NM"),
        mirror_paths=("lookups/national/LSOA_(2011)_to_LSOA_(2021)_to_Local_Authority_District_(2022)"
                      "_Exact_Fit_Lookup_for_EW_(V3).csv.gz",),
        notes="CHGIND: U unchanged, S split, M merged, X complex. One row per LSOA11-LSOA21 pair.",
        tags=("lookup",),
    ),
    Dataset(
        id="lookup_lsoa11_lsoa21_best_fit",
        title="LSOA (2011) to LSOA (2021) to LAD (2022) best fit lookup for EW (v2)",
        publisher="Office for National Statistics (Open Geography Portal)",
        landing_page="https://geoportal.statistics.gov.uk/datasets/ons::lsoa-2011-to-lsoa-2021-to-local-authority-district-2022-best-fit-lookup-for-ew-v2/about",
        arcgis_layer=f"{ONS_ARCGIS}/LSOA11_LSOA21_LAD22_EW_LU_v2/FeatureServer/0",
        arcgis_item="b684a0dbf786473f9563ec0616da2f8b",
        vintage="LSOA 2011 / LSOA 2021 / LAD 2022; v2",
        licence=OGL, loader="lookup", geography="lsoa11",
        expected_columns=("LSOA11CD", "LSOA11NM", "LSOA21CD", "LSOA21NM", "LAD22CD", "LAD22NM"),
        mirror_paths=("lookups/national/lsoa11_to_lsoa21_best_fit_lookup_england_wales_v2.csv.gz",),
        tags=("lookup",),
    ),
    Dataset(
        id="lookup_lsoa21_ward24",
        title="LSOA (2021) to Electoral Ward (2024) to LAD (2024) best fit lookup in EW",
        publisher="Office for National Statistics (Open Geography Portal)",
        landing_page="https://geoportal.statistics.gov.uk/",
        arcgis_layer=f"{ONS_ARCGIS}/LSOA21_WD24_LAD24_EW_LU/FeatureServer/0",
        vintage="LSOA 2021 / WD May 2024 / LAD 2024",
        licence=OGL, loader="lookup", geography="lsoa21",
        expected_columns=("LSOA21CD", "LSOA21NM", "WD24CD", "WD24NM", "LAD24CD", "LAD24NM"),
        mirror_paths=("lookups/national/LSOA_(2021)_to_Electoral_Ward_(2024)_to_LAD_(2024)"
                      "_Best_Fit_Lookup_in_EW.csv.gz",),
        notes="Best fit: each LSOA goes to one ward; wards that receive no LSOA do not appear.",
        tags=("lookup",),
    ),
    Dataset(
        id="lookup_lsoa21_ward22",
        title="LSOA (2021) to Ward (May 2022) to LAD (2022) best fit lookup (Greater Manchester subset)",
        publisher="Office for National Statistics; subset by Trafford Data Lab",
        landing_page="https://geoportal.statistics.gov.uk/datasets/ons::lsoa-2021-to-ward-to-lower-tier-local-authority-may-2022-lookup-for-england-and-wales/about",
        arcgis_layer=f"{ONS_ARCGIS}/LSOA21_WD22_LAD22_EW_LU_v3/FeatureServer/0",
        vintage="LSOA 2021 / WD May 2022 / LAD 2022",
        licence=OGL, loader="lookup", geography="lsoa21",
        expected_columns=("lsoa21cd", "wd22cd", "wd22nm", "lad22cd", "lad22nm"),
        mirror_paths=("lookups/greater_manchester/lsoa_to_ward_best-fit_lookup.csv",),
        notes="The mirror holds only the Greater Manchester subset with lower-case names; "
              "the official layer covers England and Wales.",
        tags=("lookup",),
    ),
    Dataset(
        id="lookup_oa11_lsoa11",
        title="Output Area (2011) to LSOA (2011) to MSOA (2011) to LAD (2017) lookup with OAC",
        publisher="Office for National Statistics (Open Geography Portal)",
        landing_page="http://geoportal.statistics.gov.uk/datasets/fe6c55f0924b4734adf1cf7104a0173e_0",
        arcgis_item="fe6c55f0924b4734adf1cf7104a0173e",
        manual=("save the CSV of http://geoportal.statistics.gov.uk/datasets/fe6c55f0924b4734adf1cf7104a0173e_0 "
                "(fe6c55f0924b4734adf1cf7104a0173e_0.csv), then "
                "`ccdata fetch lookup_oa11_lsoa11 --file <saved file>`"),
        vintage="OA 2011 / LSOA 2011 / LAD Dec 2017",
        licence=OGL, loader="lookup", geography="oa11",
        expected_columns=("OA11CD", "LSOA11CD", "LSOA11NM", "MSOA11CD", "LAD17CD", "LAD17NM"),
        mirror_paths=("lookups/england_2011/fe6c55f0924b4734adf1cf7104a0173e_0.csv.gz",),
        notes="The portal's item id is the file name; the old opendata.arcgis.com CSV route answers "
              "403/404, so the layer is found through its item id.",
        tags=("lookup",),
    ),
    # ---------------------------------------------------------------- boundaries
    Dataset(
        id="boundaries_lsoa21",
        title="Lower layer Super Output Areas (December 2021) Boundaries EW BGC",
        publisher="Office for National Statistics (Open Geography Portal)",
        landing_page="https://geoportal.statistics.gov.uk/datasets/ons::lower-layer-super-output-areas-december-2021-boundaries-generalised-clipped-ew-bgc/about",
        arcgis_layer=f"{ONS_ARCGIS}/Lower_layer_Super_Output_Areas_December_2021_Boundaries_EW_BGC_V5/FeatureServer/0",
        vintage="LSOA Dec 2021; generalised clipped (20 m)",
        licence=OGL_OS, loader="boundaries", geography="lsoa21",
        expected_columns=("LSOA21CD",),
        mirror_paths=("boundaries/lsoa2021/london/london-2021-lsoa-gen20.shp",
                      "boundaries/lsoa2021/london/london-2021-lsoa-gen20.shx",
                      "boundaries/lsoa2021/london/london-2021-lsoa-gen20.dbf",
                      "boundaries/lsoa2021/london/london-2021-lsoa-gen20.prj",
                      "boundaries/lsoa2021/london/london-2021-lsoa-gen20.cpg",
                      "boundaries/lsoa2021/greater_manchester/gm_lsoa_generalised.geojson",
                      "boundaries/lsoa2021/north_tyneside/north_tyneside_lsoa21_bgc.geojson"),
        notes="The mirror holds London, Greater Manchester and North Tyneside subsets only.",
        tags=("boundaries",),
    ),
    Dataset(
        id="boundaries_lsoa21_bsc",
        title="Lower layer Super Output Areas (December 2021) Boundaries EW BSC (V4)",
        publisher="Office for National Statistics (Open Geography Portal)",
        landing_page="https://geoportal.statistics.gov.uk/datasets/ons::lower-layer-super-output-areas-december-2021-boundaries-ew-bsc-v4/about",
        arcgis_layer=f"{ONS_ARCGIS}/Lower_layer_Super_Output_Areas_December_2021_Boundaries_EW_BSC_V4/FeatureServer/0",
        vintage="LSOA Dec 2021; super generalised clipped (BSC, 200 m)",
        licence=OGL_OS, loader="boundaries", geography="lsoa21",
        expected_columns=("LSOA21CD",),
        mirror_paths=("boundaries/lsoa2021/england_wales/LSOA_2021_EW_BSC_V4.geojson",),
        notes="All of England and Wales, super generalised: used for every LSOA that the more detailed "
              "BGC file (boundaries_lsoa21) does not hold. The mirror's copy was converted to GeoJSON from "
              "the humaniverse/geographr R package (upstream made geometries valid, no simplification).",
        tags=("boundaries",),
    ),
    Dataset(
        id="boundaries_ward23",
        title="Wards (May 2023) Boundaries UK BGC",
        publisher="Office for National Statistics (Open Geography Portal)",
        landing_page="https://geoportal.statistics.gov.uk/datasets/ons::wards-may-2023-boundaries-uk-bgc/about",
        arcgis_layer=f"{ONS_ARCGIS}/WD_MAY_2023_UK_BGC/FeatureServer/0",
        vintage="Wards May 2023 (pre-May-2024 North Tyneside wards)",
        licence=OGL_OS, loader="boundaries", geography="ward23",
        expected_columns=("WD23CD",),
        mirror_paths=("boundaries/wards/greater_manchester/gm_ward_generalised.geojson",
                      "boundaries/wards/north_tyneside/north_tyneside_wards_wd23.geojson"),
        notes="The mirror holds Greater Manchester and North Tyneside subsets only.",
        tags=("boundaries",),
    ),
    Dataset(
        id="boundaries_ward24",
        title="Wards (May 2024) Boundaries UK BGC",
        publisher="Office for National Statistics (Open Geography Portal)",
        landing_page="https://geoportal.statistics.gov.uk/",
        arcgis_layer=f"{ONS_ARCGIS}/Wards_May_2024_Boundaries_UK_BGC/FeatureServer/0",
        vintage="Wards May 2024",
        licence=OGL_OS, loader="boundaries", geography="ward24",
        expected_columns=("WD24CD",),
        mirror_paths=("boundaries/wards/north_tyneside/north_tyneside_wards_wd24.geojson",),
        notes="The mirror holds the North Tyneside subset only.",
        tags=("boundaries",),
    ),
    Dataset(
        id="boundaries_ward18_london",
        title="London wards (2018) with GLA IoD2019 ward summaries",
        publisher="Greater London Authority (London Datastore)",
        landing_page="https://data.london.gov.uk/dataset/indices-of-deprivation",
        vintage="London wards 2018; IoD2019",
        licence=OGL_OS, loader="boundaries", geography="ward18",
        expected_columns=("ward_code", "ward_name"),
        mirror_paths=("boundaries/wards/london/deprivation_index_london_2019_wards_sdf.geojson.gz",),
        manual=("save datasets/london_deprivation_index_wards_2019/deprivation_index_london_2019_wards_sdf"
                ".geojson.gz from the GitHub repository andrea-ballatore/open-geo-data-education, then "
                "`ccdata fetch boundaries_ward18_london --file <saved file>`"),
        notes="London only; Hackney wards unchanged 2014-2022. The GLA's own London-wards-2018.zip "
              "(statistical-gis-boundary-files-london) has the boundaries without the IoD2019 summaries.",
        tags=("boundaries",),
    ),
    Dataset(
        id="boundaries_lad22",
        title="Local Authority Districts (December 2022) Boundaries UK BUC",
        publisher="Office for National Statistics (Open Geography Portal)",
        landing_page="https://geoportal.statistics.gov.uk/",
        arcgis_layer=f"{ONS_ARCGIS}/Local_Authority_Districts_December_2022_UK_BUC_V2/FeatureServer/0",
        vintage="LAD Dec 2022; ultra generalised clipped",
        licence=OGL_OS, loader="boundaries", geography="lad22",
        expected_columns=("LAD22CD", "LAD22NM"),
        mirror_paths=("boundaries/lad/Local_Authority_Districts_(December_2022)_Boundaries_UK_BUC.geojson",),
        tags=("boundaries",),
    ),
    # ---------------------------------------------------------------- Census 2021
    census_dataset("TS001", "number of usual residents in households and communal establishments"),
    census_dataset("TS007A", "age by five-year age bands", ("Age: Total",), mirrored=True),
    census_dataset("TS003", "household composition", table_view="nomis_ts003_lsoa_lone_parent_table_view.csv.gz"),
    census_dataset("TS011", "households by deprivation dimensions", table_view="nomis_ts011_lsoa_table_view.csv.gz"),
    census_dataset("TS017", "household size"),
    census_dataset("TS021", "ethnic group", table_view="nomis_ts021_lsoa_table_view.csv.gz"),
    census_dataset("TS037", "general health", ("General health: Total: All usual residents",), mirrored=True),
    census_dataset("TS045", "car or van availability", _TS045_TOTAL, mirrored=True),
    census_dataset("TS054", "tenure", _TS054_TOTAL, mirrored=True),
    census_dataset("TS062", "NS-SeC (socio-economic classification)", _TS062_TOTAL, mirrored=True),
    census_dataset("TS066", "economic activity status"),
    census_dataset("TS067", "highest level of qualification",
            ("Highest level of qualification: Total: All usual residents aged 16 years and over",),
            mirrored=True),
    Dataset(
        id="census21_ts007_ltla",
        title="Census 2021 TS007: age by single year (lower-tier local authority)",
        publisher="Office for National Statistics (via Nomis)",
        landing_page=NOMIS_LANDING,
        url=f"{NOMIS_BULK}/census2021-ts007.zip",
        vintage="Census 2021; LTLA as published with the census",
        licence=OGL, loader="census_bulk", geography="ltla21",
        expected_columns=("date", "geography", "geography code", "Age: Total; measures: Value"),
        mirror_paths=("census/census2021_ltla/census2021-ts007-ltla.csv",),
        notes="Nomis bulk zip; the loader reads member census2021-ts007-ltla.csv.",
        tags=("census",),
    ),
    *[census_dataset(table, title, columns, mirrored=True, level=level)
      for table, title, columns in _CENSUS_AREA_TABLES for level in ("ltla", "utla", "rgn", "ctry")],
    # ---------------------------------------------------------------- DWP: every release (ccdata.cilif)
    *cilif.datasets(),
    # ---------------------------------------------------------------- services
    Dataset(
        id="nhs_epraccur",
        title="NHS ODS epraccur: GP practices and prescribing cost centres",
        publisher="NHS England, Organisation Data Service",
        landing_page="https://www.odsdatasearchandexport.nhs.uk/",
        url="https://www.odsdatasearchandexport.nhs.uk/api/getReport?report=epraccur",
        vintage="Current ODS release (refreshed weekly)",
        licence=OGL, loader="epraccur", geography="postcode",
        mirror_paths=("services/nhs_ods/epraccur.csv",),
        notes="No header row; 27 quoted columns; role RO76 = GP practice.",
        tags=("services",),
    ),
    Dataset(
        id="dfe_gias",
        title="Get Information about Schools: all establishments (edubasealldata)",
        publisher="Department for Education",
        landing_page="https://get-information-schools.service.gov.uk/Downloads",
        url="https://ea-edubase-api-prod.azurewebsites.net/edubase/downloads/public/edubasealldata{yyyymmdd}.csv",
        vintage="Daily extract",
        licence=OGL, loader="gias", geography="point",
        expected_columns=("URN", "EstablishmentName", "TypeOfEstablishment (name)",
                          "EstablishmentStatus (name)", "PhaseOfEducation (name)", "Postcode",
                          "Easting", "Northing"),
        notes="Windows-1252 encoded CSV. Not in the shared mirror.",
        tags=("services",),
    ),
    Dataset(
        id="libraries_england",
        title="Public libraries in England: basic dataset",
        publisher="Department for Culture, Media and Sport / Arts Council England (compiled by Libraries Hacked)",
        landing_page="https://www.gov.uk/government/publications/public-libraries-in-england-basic-dataset",
        vintage="As at 31 March 2023",
        licence=OGL, loader="libraries", geography="postcode",
        expected_columns=("name", "authority", "postcode", "type"),
        mirror_paths=("services/libraries/libraries_england_2023.csv",),
        manual=("save data/libraries_england_2023.csv from the GitHub repository LibrariesHacked/"
                "librarydata-db, then `ccdata fetch libraries_england --file <saved file>`"),
        notes="gov.uk holds only the 1 July 2016 snapshot (other columns); Arts Council England now "
              "publishes the list, and Libraries Hacked compiles it in the layout read here.",
        tags=("services",),
    ),
    Dataset(
        id="os_codepoint_open",
        title="OS Code-Point Open: postcode unit locations (Great Britain)",
        publisher="Ordnance Survey",
        landing_page="https://osdatahub.os.uk/downloads/open/CodePointOpen",
        url="https://api.os.uk/downloads/v1/products/CodePointOpen/downloads?area=GB&format=CSV&redirect",
        vintage="2025.2.0 (April 2025) in the mirror; quarterly releases",
        licence="Open Government Licence v3.0; contains OS data, Royal Mail data and National Statistics data",
        loader="codepoint", geography="postcode",
        mirror_paths=("postcodes/codepo_gb.zip",),
        notes="Zip of one headerless CSV per postcode area; British National Grid.",
        tags=("postcodes",),
    ),
]

REGISTRY: dict[str, Dataset] = {d.id: d for d in _DATASETS}


def get(dataset_id: str) -> Dataset:
    """Return the registry row for ``dataset_id``.

    Raises
    ------
    UnknownDatasetError
        With the list of known ids.
    """
    if not isinstance(dataset_id, str):
        raise TypeError(f"dataset id must be a string, not {type(dataset_id).__name__}")
    try:
        return REGISTRY[dataset_id]
    except KeyError:
        raise UnknownDatasetError(
            f"unknown dataset {dataset_id!r}; known datasets: {', '.join(sorted(REGISTRY))}"
        ) from None


def registry_table() -> pd.DataFrame:
    """The registry as a table (one row per dataset), for docs and reports."""
    rows = [
        {
            "id": d.id, "title": d.title, "publisher": d.publisher, "vintage": d.vintage,
            "licence": d.licence, "official_source": d.official_source,
            "landing_page": d.landing_page, "in_mirror": bool(d.mirror_paths),
            "expected_columns": "; ".join(d.expected_columns),
        }
        for d in _DATASETS
    ]
    return pd.DataFrame(rows)
