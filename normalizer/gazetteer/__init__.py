"""Korean administrative districts: codes, Korean and English names, aliases and former
names, representative points, and resolution of addresses and coordinates to districts.

`resolver` holds the lookups, `loading` builds them from `normalizer/data/`, and
`romanize` derives English names (Revised Romanization) where no official list is bundled.
"""

from __future__ import annotations

from normalizer.gazetteer.loading import load_gazetteer
from normalizer.gazetteer.resolver import AddressMatch, District, Gazetteer, Sido, Split
from normalizer.gazetteer.romanize import english_district_name, romanize

__all__ = [
    "AddressMatch",
    "District",
    "Gazetteer",
    "Sido",
    "Split",
    "english_district_name",
    "load_gazetteer",
    "romanize",
]
