"""The hub's category taxonomy (`kind.sub`), its labels, and keyword classification.

The taxonomy is data (`data/taxonomy.json`): codes, Korean and English labels, keywords.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

__all__ = ["Category", "Classification", "Taxonomy", "load_taxonomy"]


@dataclass(frozen=True, slots=True)
class Category:
    code: str
    ko: str
    en: str
    keywords: tuple[str, ...]

    @property
    def kind(self) -> str:
        return self.code.split(".", 1)[0]


@dataclass(frozen=True, slots=True)
class Classification:
    category: str
    confidence: float  # 0..1: how sure the keyword match is


class Taxonomy:
    def __init__(self, categories: dict[str, Category], kinds: dict[str, dict[str, str]]) -> None:
        self.categories = categories
        self.kinds = kinds

    def label(self, code: str, lang: str = "ko") -> str:
        """The category's label in `lang` ("ko" or "en"); the code itself when unknown."""
        category = self.categories.get(code)
        if category is None:
            return code
        return category.en if lang == "en" else category.ko

    def classify(self, title: str, description: str | None = None,
                 fallback: str | None = None) -> Classification | None:
        """Pick a category from keywords: a hit in the title counts three times one in the
        description; longer keywords win ties. Returns `fallback` (confidence 0.3) when
        nothing matches, or None when there is no fallback either.
        """
        title_l, body_l = title.lower(), (description or "").lower()
        best: tuple[float, int, str] | None = None
        for code, category in self.categories.items():
            if code == "item.general":
                continue
            score, longest = 0.0, 0
            for keyword in category.keywords:
                hit = 3.0 * (keyword in title_l) + 1.0 * (keyword in body_l)
                if hit:
                    score, longest = score + hit, max(longest, len(keyword))
            if score and (best is None or (score, longest) > best[:2]):
                best = (score, longest, code)
        if best is not None:
            return Classification(best[2], min(1.0, 0.4 + 0.15 * best[0]))
        return Classification(fallback, 0.3) if fallback else None


@cache
def load_taxonomy() -> Taxonomy:
    """Load the bundled taxonomy (cached)."""
    raw = json.loads(resources.files("normalizer").joinpath("data/taxonomy.json").read_text(
        encoding="utf-8"))
    categories = {
        code: Category(code, c["ko"], c["en"], tuple(k.lower() for k in c["keywords"]))
        for code, c in raw["categories"].items()
    }
    return Taxonomy(categories, raw["kinds"])
