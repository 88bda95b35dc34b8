"""The dry run an operator sees when registering a source: verdicts, listings, what to fix.

Four verdicts, each with the reason in one line: the address (SSRF guard: is the host
public?), robots.txt (may sharehub fetch the URL?), the size (under the body cap?) and the
parse (did listings come out?). Then the first listings as citizens will see them, the
quality score, unmapped columns and categories, and a list of fixes derived from the
quality issues. Nothing is stored.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from crawlers import BlockedAddress, FetchError, FetchLimits, HTTPStatusError, make_client
from crawlers.address_guard import check_host
from crawlers.fetch import fetch_url
from crawlers.robots import RobotsAnswer, RobotsCache
from normalizer.schema import Listing, SourceKind
from sharehub.preview import Preview, PreviewFailed, run_preview

__all__ = ["DryRun", "Verdict", "dry_run", "fixes_for"]

_SHOWN_LISTINGS = 10

# Quality issue (its start) → what the operator can change at the source.
_FIXES = {
    "no coordinates": "add latitude/longitude (위도/경도) so the listing shows on the map",
    "no address": "publish a street address (도로명주소) for every listing",
    "no road address": "give road-name addresses (도로명주소) rather than lot numbers",
    "no district": "register the district you serve, or publish full addresses",
    "no opening hours": "publish opening hours, e.g. 운영시간 '평일 09:00~18:00'",
    "hours not understood": "write hours as days and times, e.g. '화~토 10:00~18:00'",
    "fee unknown": "say the fee: '무료' or an amount such as '1일 2,000원'",
    "no contact": "add a phone number (전화번호) or an e-mail address",
    "no booking link": "link each listing to its booking or detail page",
    "no image": "add an image URL (https) per listing",
    "no description": "add a short description of what can be borrowed or booked",
    "category unknown": "add a category column (분류) or choose the category when registering",
    "source update date unknown": "add the date the data was last updated (데이터기준일자)",
    "not updated at the source for over a year": "publish current data: the file is over a "
                                                 "year old",
}


@dataclass(frozen=True, slots=True)
class Verdict:
    """One check: `check` is address | robots | size | parse."""

    check: str
    ok: bool
    message: str


@dataclass(frozen=True, slots=True)
class DryRun:
    """What a registration would give, before anything is stored."""

    target: str
    verdicts: list[Verdict]
    kind: SourceKind | None = None
    listings: list[Listing] = field(default_factory=list)  # the first few
    total: int = 0
    invalid: int = 0
    quality_average: float | None = None
    issues: dict[str, int] = field(default_factory=dict)
    unmapped_fields: list[str] = field(default_factory=list)
    unmapped_labels: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    fixes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Every verdict passed and listings came out."""
        return all(v.ok for v in self.verdicts) and self.total > 0

    def to_json(self) -> dict[str, Any]:
        return {
            "target": self.target, "ok": self.ok, "kind": self.kind,
            "verdicts": [{"check": v.check, "ok": v.ok, "message": v.message}
                         for v in self.verdicts],
            "listings": [li.model_dump(mode="json") for li in self.listings],
            "total": self.total, "invalid": self.invalid,
            "quality_average": self.quality_average, "issues": self.issues,
            "unmapped_fields": self.unmapped_fields, "unmapped_labels": self.unmapped_labels,
            "errors": self.errors, "fixes": self.fixes,
        }

    def summary(self) -> dict[str, Any]:
        """What a registration keeps of its dry run (no listings)."""
        return {k: v for k, v in self.to_json().items() if k != "listings"}


def fixes_for(issues: dict[str, int], unmapped_fields: list[str],
              unmapped_labels: list[str]) -> list[str]:
    """The changes an operator can make at the source, most common issue first."""
    fixes: list[str] = []
    for issue, _count in sorted(issues.items(), key=lambda pair: -pair[1]):
        fix = next((text for start, text in _FIXES.items() if issue.startswith(start)), None)
        if fix and fix not in fixes:
            fixes.append(fix)
    if unmapped_fields:
        fixes.append("columns sharehub does not read: " + ", ".join(unmapped_fields[:10])
                     + " — rename them to a known name or tell us what they hold")
    if unmapped_labels:
        fixes.append("categories sharehub does not know: " + ", ".join(unmapped_labels[:10])
                     + " — use the hub's categories or choose one when registering")
    return fixes


def _address_verdict(url: str, limits: FetchLimits) -> Verdict:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return Verdict("address", False, f"not an http(s) URL: {url}")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        addresses = check_host(parts.hostname, port, allow_private=limits.allow_private_networks)
    except BlockedAddress as exc:
        return Verdict("address", False, str(exc))
    except FetchError as exc:
        return Verdict("address", False, str(exc))
    return Verdict("address", True, f"{parts.hostname} resolves to {', '.join(addresses)}")


def _robots_verdict(url: str, limits: FetchLimits) -> Verdict:
    with make_client(limits) as client:
        def load(robots_url: str) -> RobotsAnswer:
            try:
                result = fetch_url(robots_url, client, limits)
            except HTTPStatusError as exc:
                return RobotsAnswer(exc.status_code, b"", str(exc))
            except FetchError as exc:
                return RobotsAnswer(None, b"", str(exc))
            return RobotsAnswer(result.status, result.body)

        rules = RobotsCache().rules_for(url, load)
    if rules.allows(url):
        delay = f"; Crawl-delay {rules.crawl_delay_s:g} s" if rules.crawl_delay_s else ""
        return Verdict("robots", True, f"robots.txt allows {urlsplit(url).path or '/'} "
                                       f"({rules.reason}{delay})")
    return Verdict("robots", False, str(rules.refusal(url)))


def _size_verdict(preview: Preview, limits: FetchLimits) -> Verdict:
    share = preview.size / limits.max_body_bytes if limits.max_body_bytes else 0.0
    return Verdict("size", True, f"{preview.size:,} bytes, {share:.0%} of the "
                                 f"{limits.max_body_bytes:,}-byte limit")


def dry_run(target: str, limits: FetchLimits, *, kind: SourceKind | None = None,
            params: dict[str, Any] | None = None, district: str | None = None,
            key_env: str | None = None, secrets: dict[str, str] | None = None) -> DryRun:
    """Check and preview `target` (a URL, or a local file an operator uploaded) as the
    crawler would. Never raises for a bad target: the verdicts say what is wrong."""
    verdicts: list[Verdict] = []
    if target.startswith(("http://", "https://")):
        verdicts.append(address := _address_verdict(target, limits))
        if not address.ok:
            return DryRun(target, verdicts)
        verdicts.append(_robots_verdict(target, limits))
    try:
        preview = run_preview(target, limits, kind, params=params, key_env=key_env,
                              secrets=secrets, district=district)
    except PreviewFailed as exc:
        too_large = "over the cap" in str(exc) or "too large" in str(exc)
        if too_large:
            verdicts.append(Verdict("size", False, str(exc)))
        verdicts.append(Verdict("parse", False, str(exc)))
        return DryRun(target, verdicts)
    verdicts.append(_size_verdict(preview, limits))
    result = preview.result
    listings = result.listings
    verdicts.append(Verdict("parse", True, f"{len(listings)} listings as {preview.source.kind}"
                                           f" ({result.report.invalid} records skipped)"))
    issues = Counter(issue for listing in listings for issue in listing.quality.issues)
    average = sum(li.quality.score for li in listings) / len(listings)
    report = result.report
    return DryRun(
        target, verdicts, kind=preview.source.kind, listings=listings[:_SHOWN_LISTINGS],
        total=len(listings), invalid=report.invalid, quality_average=round(average, 1),
        issues=dict(issues), unmapped_fields=list(report.unmapped_fields),
        unmapped_labels=list(report.unmapped_labels), errors=list(report.errors[:20]),
        fixes=fixes_for(dict(issues), list(report.unmapped_fields),
                        list(report.unmapped_labels)))
