"""How complete and trustworthy a listing is: a 0–100 score from weighted checks, the issues
behind it, and per-source summaries for the operator and staff pages.

| check | points | issue when it fails |
|---|---|---|
| coordinates | 15 | no coordinates |
| district | 15 | no district |
| road (도로명) address | 10 (5 for a 지번 address) | no address / no road address |
| opening hours read into `hours.weekly` | 15 | no opening hours / opening hours not understood |
| fee known (free or not) | 10 | fee unknown |
| a phone, e-mail or web contact | 10 | no contact |
| booking link | 5 | no booking link |
| image | 5 | no image |
| description | 10 | no description |
| updated at the source within a year | 5 | source update date unknown / not updated … |

Problems found while normalizing (a district the address and the source disagree on,
coordinates outside Korea, an unmapped category label) are listed too and cost
`PROBLEM_PENALTY` points each, at most `MAX_PROBLEM_PENALTY` in all.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from normalizer.schema import Listing, Quality

__all__ = [
    "FRESHNESS",
    "MAX_PROBLEM_PENALTY",
    "PROBLEM_PENALTY",
    "SourceQuality",
    "has_road_address",
    "issue_kind",
    "score_listing",
    "source_quality",
]

PROBLEM_PENALTY = 5
MAX_PROBLEM_PENALTY = 20
FRESHNESS = timedelta(days=365)

# "성북로 37", "정릉로48길 35", "세종대로 110-1"; not "종로1가 45" (a 지번 address) or
# "정릉4동 244-6". English: "37 Seongbuk-ro", "12 Jeongneung-ro 48-gil".
_ROAD = re.compile(r"[가-힣A-Za-z0-9](?:로|길)\s*\d+(?:-\d+)?(?![\d가-힣])"
                   r"|\d+(?:-\d+)?,?\s+[A-Za-z0-9-]+-(?:ro|gil|daero)\b", re.IGNORECASE)
_SPECIFIC = re.compile(r"'[^']*'|\b\d{5}\b")


def has_road_address(address: str | None) -> bool:
    """True when the address is a road-name (도로명) address with a building number."""
    return bool(address and _ROAD.search(address))


def _freshness_issue(updated: datetime | None, now: datetime) -> str | None:
    if updated is None:
        return "source update date unknown"
    if updated.tzinfo is None:  # a source without a zone: its date is still a date
        updated = updated.replace(tzinfo=UTC)
    return "not updated at the source for over a year" if now - updated > FRESHNESS else None


def score_listing(listing: Listing, now: datetime, problems: Sequence[str] = ()) -> Quality:
    """Score a normalized listing at time `now` (aware). `problems` are the issues found
    while normalizing it; they are listed first and each costs PROBLEM_PENALTY points.
    Returns the Quality (score 0..100, issues). Never raises."""
    location, contact = listing.location, listing.contact
    address = location.address
    road = has_road_address(address)
    checks = (  # (passed, points, issue when not)
        (location.lat is not None and location.lon is not None, 15, "no coordinates"),
        (location.district_code is not None, 15, "no district"),
        (road, 10, "no address" if address is None else "no road address"),
        (bool(listing.hours.weekly), 15,
         "opening hours not understood" if listing.hours.text else "no opening hours"),
        (listing.fee.free is not None, 10, "fee unknown"),
        (bool(contact.phones or contact.email or contact.url), 10, "no contact"),
        (listing.booking_url is not None, 5, "no booking link"),
        (listing.image_url is not None, 5, "no image"),
        (listing.description is not None, 10, "no description"),
    )
    score = sum(points for passed, points, _ in checks if passed)
    issues = [*problems, *(issue for passed, _, issue in checks if not passed)]
    if address is not None and not road:
        score += 5  # a 지번 address still places the listing, less precisely
    stale = _freshness_issue(listing.source_updated_at, now)
    if stale is None:
        score += 5
    else:
        issues.append(stale)
    penalty = min(MAX_PROBLEM_PENALTY, PROBLEM_PENALTY * len(problems))
    return Quality(score=max(0, min(100, score - penalty)), issues=issues)


def issue_kind(issue: str) -> str:
    """An issue without its particulars, for counting across listings:
    "category label 'X' unmapped" → "category label … unmapped"."""
    return _SPECIFIC.sub("…", issue)


@dataclass(frozen=True, slots=True)
class SourceQuality:
    """Quality over one source's listings."""

    count: int
    average: float  # mean score, 0.0 when there are no listings
    lowest: int | None
    issue_counts: dict[str, int] = field(default_factory=dict)  # issue kind → listings,
    # most frequent first


def source_quality(listings: Iterable[Listing]) -> SourceQuality:
    """Summarize listings' quality: count, average and lowest score, and how many listings
    have each kind of issue (see issue_kind). Pure; never raises."""
    scores: list[int] = []
    counts: Counter[str] = Counter()
    for listing in listings:
        scores.append(listing.quality.score)
        counts.update({issue_kind(issue) for issue in listing.quality.issues})
    if not scores:
        return SourceQuality(count=0, average=0.0, lowest=None)
    ordered = dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))
    return SourceQuality(count=len(scores), average=round(sum(scores) / len(scores), 1),
                         lowest=min(scores), issue_counts=ordered)
