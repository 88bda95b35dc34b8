"""GongyuNuri (공유누리, eshare.go.kr) Open API answers → listings.

`wire` reads the crawler's combined document and the platform's value conventions;
`adapter` maps merged rows onto RawRecords and holds the parser entry point.
"""

from __future__ import annotations

from normalizer.gongyunuri.adapter import (
    GongyuNuriCategories,
    load_gongyunuri_categories,
    parse_gongyunuri,
)

__all__ = ["GongyuNuriCategories", "load_gongyunuri_categories", "parse_gongyunuri"]
