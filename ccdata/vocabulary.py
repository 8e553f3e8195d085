"""The shared vocabulary of the partnership's own files: asset categories, network sectors and
relationship types.

It sits in the core layer because the readers (``io.local``), the measures (``analysis``)
and the pages (``present``, ``views``) all speak it, and presentation never imports the
readers.
"""
from __future__ import annotations

#: The asset categories, with the label shown to readers. Free-typed categories in an
#: adviser's list are mapped onto these by :func:`normalise_category`.
CATEGORIES: dict[str, str] = {
    "school": "School",
    "early_years": "Early years (nursery, pre-school, childminder)",
    "gp_practice": "GP practice",
    "library": "Library",
    "youth": "Youth club or centre",
    "family_hub": "Family hub or children's centre",
    "food_bank": "Food bank or food pantry",
    "faith": "Faith group or place of worship",
    "community": "Community centre or group",
    "leisure": "Leisure, sport, parks and play",
    "health_other": "Other health service (pharmacy, dentist, clinic)",
    "other": "Other",
}

#: Sectors an organisation may belong to, in display order.
SCHOOL, EARLY_YEARS, HEALTH, LOCAL_AUTHORITY = "school", "early years", "health", "local authority"
HOUSING, VOLUNTARY, FAITH, BUSINESS, RESIDENTS = ("housing", "voluntary & community", "faith",
                                                  "business", "residents")
SECTORS = (SCHOOL, EARLY_YEARS, HEALTH, LOCAL_AUTHORITY, HOUSING, VOLUNTARY, FAITH, BUSINESS, RESIDENTS)
#: Relationship types asked about in the survey.
INFORMATION_SHARING, REFERRALS, JOINT_DELIVERY, SHARED_FUNDING = (
    "information sharing", "referrals", "joint delivery", "shared funding")
RELATIONSHIP_TYPES = (INFORMATION_SHARING, REFERRALS, JOINT_DELIVERY, SHARED_FUNDING)
