"""The hub's category taxonomy (`kind.sub`): labels, platform label tables and keywords.

Everything is data in `data/`: `taxonomy.json` (codes, Korean and English labels and
keywords), and the platform tables read as labels — `gongyunuri_categories.json` (its code
names), `seoul_reservation_categories.json` (yeyak classes) and `category_labels.json`
(other platforms). Each answer carries a confidence:

| basis | confidence |
|---|---|
| a hub code, or the taxonomy's own label ("회의실", "Meeting rooms") | 1.0 |
| a platform table | as the table says (0.5 when it only names the kind … 0.95) |
| keywords | 0.4 + 0.15 per point: a title hit is 3 points, a description hit 1 |
| the source's default category | 0.3 |

Korean keywords match inside words (compounds and particles: 캠핑텐트를); English ones
match whole words with a plural ending (tools, classes), so "suit" misses "suitable".
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

__all__ = [
    "Category",
    "Classification",
    "Taxonomy",
    "label_from_issue",
    "load_taxonomy",
    "unmapped_label_issue",
]

_CATCH_ALL = "item.general"  # keywords never pick it: it is what "some item" falls back to
_UNMAPPED_ISSUE = re.compile(r"^category label '(.*)' unmapped$", re.DOTALL)


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
    confidence: float  # 0..1
    basis: str = "keywords"  # code | label | keywords | default


def unmapped_label_issue(label: str) -> str:
    """The quality issue recorded for a platform label the taxonomy cannot map."""
    return f"category label '{label}' unmapped"


def label_from_issue(issue: str) -> str | None:
    """The label named by an `unmapped_label_issue`, or None for any other issue."""
    match = _UNMAPPED_ISSUE.match(issue)
    return match.group(1) if match else None


def _label_key(label: str) -> str:
    return " ".join(unicodedata.normalize("NFC", label).lower().split())


class Taxonomy:
    """Categories with their labels, platform label tables and keyword classification."""

    def __init__(self, categories: dict[str, Category], kinds: dict[str, dict[str, str]],
                 labels: dict[str, tuple[str, float]] | None = None) -> None:
        self.categories = categories
        self.kinds = kinds
        self.labels: dict[str, tuple[str, float]] = {}  # label key → (code, confidence)
        for code, category in categories.items():
            for label in (category.ko, category.en, f"{category.ko} {category.en}", code):
                self.labels[_label_key(label)] = (code, 1.0)
        for label, (code, confidence) in (labels or {}).items():
            key = _label_key(label)
            if code in categories and confidence > self.labels.get(key, ("", 0.0))[1]:
                self.labels[key] = (code, confidence)
        # Korean keywords by their first character: a text is checked only for the keywords
        # that can start at one of its characters (a few instead of all ≈170).
        self._hangul: dict[str, list[tuple[str, str]]] = {}
        latin: dict[str, list[str]] = {}
        for code, category in categories.items():
            if code == _CATCH_ALL:
                continue
            for keyword in category.keywords:
                if re.search(r"[a-z]", keyword):
                    latin.setdefault(keyword, []).append(code)
                else:
                    self._hangul.setdefault(keyword[:1], []).append((keyword, code))
        self._latin_codes = latin
        words = "|".join(re.escape(k) for k in sorted(latin, key=len, reverse=True))
        self._latin = re.compile(rf"(?<![a-z0-9])({words})(?:e?s)?(?![a-z0-9])") if words \
            else None

    def label(self, code: str, lang: str = "ko") -> str:
        """The category's label in `lang` ("ko" or "en"); the code itself when unknown."""
        category = self.categories.get(code)
        if category is None:
            return code
        return category.en if lang == "en" else category.ko

    def _hits(self, text: str) -> dict[str, dict[str, None]]:
        """Keywords found in a lower-cased text, per category code (in keyword order)."""
        hits: dict[str, dict[str, None]] = {}
        for char in set(text):
            for keyword, code in self._hangul.get(char, ()):
                if keyword in text:
                    hits.setdefault(code, {})[keyword] = None
        if self._latin is not None and re.search(r"[a-z]", text):
            for keyword in self._latin.findall(text):
                for code in self._latin_codes[keyword]:
                    hits.setdefault(code, {})[keyword] = None
        return hits

    def classify(self, title: str, description: str | None = None,
                 fallback: str | None = None) -> Classification | None:
        """Pick a category from keywords: a hit in the title counts three times one in the
        description; longer keywords win ties. Returns `fallback` (confidence 0.3) when
        nothing matches, or None when there is no fallback either.
        """
        in_title = self._hits(title.lower())
        in_body = self._hits(description.lower()) if description else {}
        best: tuple[float, int, str] | None = None
        for code in self.categories:  # in taxonomy order, so ties always go the same way
            if code not in in_title and code not in in_body:
                continue
            title_words, body_words = in_title.get(code, {}), in_body.get(code, {})
            score = 3.0 * len(title_words) + 1.0 * len(body_words)
            longest = max(len(k) for k in (*title_words, *body_words))
            if best is None or (score, longest) > best[:2]:
                best = (score, longest, code)
        if best is not None:
            return Classification(best[2], min(1.0, 0.4 + 0.15 * best[0]))
        return Classification(fallback, 0.3, "default") if fallback else None

    def classify_label(self, label: str) -> Classification | None:
        """Map a platform's category label (or a hub code) to a category: the taxonomy's
        own labels and codes, then the platform tables, then keywords in the label.
        Returns None when nothing maps: the label is then reported as unmapped."""
        key = _label_key(label)
        if not key:
            return None
        found = self.labels.get(key) or self.labels.get(key.replace(" ", ""))
        if found is not None:
            return Classification(found[0], found[1], "code" if key == found[0] else "label")
        return self.classify(key)


def _read(name: str) -> Any:
    return json.loads(resources.files("normalizer").joinpath(f"data/{name}").read_text(
        encoding="utf-8"))


def _platform_labels() -> dict[str, tuple[str, float]]:
    """Every platform label table, as label → (hub code, confidence)."""
    labels: dict[str, tuple[str, float]] = {}

    def add(label: str, code: str, confidence: float) -> None:
        if confidence > labels.get(label, ("", 0.0))[1]:
            labels[label] = (code, confidence)

    for entry in _read("gongyunuri_categories.json")["codes"].values():
        # A code marked `refine` only says the kind ("some item"): its name is a weak label.
        add(entry["name"], entry["category"], 0.6 if entry.get("refine") else 0.95)
    seoul = _read("seoul_reservation_categories.json")
    for label, code in seoul["MINCLASSNM"].items():
        add(label, code, 0.9)
    for label, code in seoul["MAXCLASSNM"].items():
        add(label, code, 0.7)
    for group in _read("category_labels.json")["groups"]:
        for label, code in group["labels"].items():
            add(label, code, float(group["confidence"]))
    return labels


@cache
def load_taxonomy() -> Taxonomy:
    """Load the bundled taxonomy and label tables (cached)."""
    raw = _read("taxonomy.json")
    categories = {
        code: Category(code, c["ko"], c["en"], tuple(k.lower() for k in c["keywords"]))
        for code, c in raw["categories"].items()
    }
    return Taxonomy(categories, raw["kinds"], _platform_labels())
