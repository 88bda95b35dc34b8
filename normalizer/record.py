"""`RawRecord`: what every adapter extracts from its platform's format, before normalizing.

Adapters map their platform's fields onto these names and nothing more; `assemble_listing`
turns a RawRecord into a Listing. `ParseResult` carries the listings and the report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from normalizer.schema import Listing
from normalizer.taxonomy import label_from_issue

__all__ = ["ParseReport", "ParseResult", "RawRecord"]


@dataclass(slots=True)
class RawRecord:
    record_id: str
    title: str | None
    description: str | None = None
    url: str | None = None
    address: str | None = None
    address_lot: str | None = None  # 지번 address, used when the 도로명 one is missing
    lat: str | float | None = None
    lon: str | float | None = None
    phones: str | None = None
    email: str | None = None
    homepage: str | None = None
    hours: str | None = None
    hours_days: str | None = None
    hours_opens: str | None = None
    hours_closes: str | None = None
    fee: str | None = None
    free: bool | None = None
    loan_period: str | None = None
    capacity: str | None = None
    items: str | None = None
    category_label: str | None = None
    # A hub category code the platform's own code maps to exactly (e.g. GongyuNuri 010100 →
    # space.meeting_room); wins over keyword classification when it is in the taxonomy.
    category: str | None = None
    # The record's own 5-digit 시군구 code when the platform gives one (GongyuNuri sggCd);
    # used when the address names no district.
    district_code: str | None = None
    provider_name: str | None = None
    booking_url: str | None = None
    image_url: str | None = None
    tags: list[str] = field(default_factory=list)
    updated_at: datetime | None = None


@dataclass(slots=True)
class ParseReport:
    """What an operator needs to see about one document."""

    records: int = 0
    invalid: int = 0
    errors: list[str] = field(default_factory=list)  # one line per skipped record
    unmapped_fields: list[str] = field(default_factory=list)
    mapped_fields: dict[str, str] = field(default_factory=dict)  # source column → hub field
    # source column → how sure its mapping is: 1.0 exact name, 0.8 normalized, 0.5 keyword
    mapping_confidence: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # how the document was read, for operators
    # category labels (or codes) of records that map to no hub category, first seen first
    unmapped_labels: list[str] = field(default_factory=list)


@dataclass(slots=True)
class ParseResult:
    """A document's listings and its report. The report's `unmapped_labels` are gathered
    here from the listings' quality issues, so every parser reports them the same way."""

    listings: list[Listing]
    report: ParseReport

    def __post_init__(self) -> None:
        seen = set(self.report.unmapped_labels)
        for listing in self.listings:
            for issue in listing.quality.issues:
                if (label := label_from_issue(issue)) is not None and label not in seen:
                    seen.add(label)
                    self.report.unmapped_labels.append(label)
