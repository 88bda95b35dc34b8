"""GongyuNuri rows → RawRecord → Listing: category codes, district fallback, tags, and the
parser entry point.

`rsrcClsCd` maps through `data/gongyunuri_categories.json` (data, not code): a code
missing there falls back to its nearest listed ancestor and is reported as unmapped; codes
marked `refine` only fix the kind, and the hub's keyword classifier picks the category
within it. `sggCd` backs up an address that names no district.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from importlib import resources

from normalizer.assemble import assemble_listing
from normalizer.errors import InvalidListing
from normalizer.gazetteer import load_gazetteer
from normalizer.gongyunuri import wire
from normalizer.record import ParseReport, ParseResult, RawRecord
from normalizer.schema import Listing, Source
from normalizer.taxonomy import load_taxonomy
from normalizer.text import clean_text, html_to_text

__all__ = ["GongyuNuriCategories", "load_gongyunuri_categories", "parse_gongyunuri"]

# Guide v2.2 field → the hub field it feeds (shown to operators in the preview report).
_MAPPED = {"rsrcNo": "source_record_id", "rsrcNm": "title", "rsrcIntr": "description",
           "usePrpse": "description", "atpn": "description", "addr": "address",
           "daddr": "address", "lat": "lat", "latl": "lat", "lot": "lon", "freeYn": "fee",
           "amt1": "fee", "amt2": "fee", "rsrcInstNm": "provider", "lcInsttNm": "provider",
           "instUrlAddr": "booking_url", "dtlUrlAddr": "url", "imgFileUrlAddr": "image_url",
           "bnrImgFileUrlAddr": "image_url", "rsrcClsCd": "category", "gdsAtrbCn": "capacity",
           "updYmd": "source_updated_at", "sggCd": "district", "inqTag": "tags",
           "usePsblYn": "tags", "rsvtNdlsYn": "tags", "delYn": "skipped when Y"}
# Guide fields with no place in a Listing: known, so not reported as unmapped.
_IGNORED = {"zip", "rsrcClsNm", "rsrcInstCd", "linkRsrcYn", "lcInf", "area", "lossYn",
            "rsrcAprvYn", "rsrcAprvYmd", "delYmd", "lcInsttCd"}
_CLASS_CODE = re.compile(r"^\d{6}$")
_TAG_SPLIT = re.compile(r"[,#|/]+")


@dataclass(frozen=True, slots=True)
class GongyuNuriCategories:
    """The rsrcClsCd → hub category table, and a taxonomy label per hub category."""

    codes: dict[str, tuple[str, bool]]  # rsrcClsCd → (hub category, refine)
    labels: dict[str, str]  # hub category → a label the taxonomy classifies back to it

    def lookup(self, code: str) -> tuple[str, bool, bool] | None:
        """(hub category, refine, exact) for a code, or for its nearest listed ancestor
        (010703 → 010700 → 010000, exact False); None when no level is listed."""
        for candidate in dict.fromkeys((code, code[:4] + "00", code[:2] + "0000")):
            if candidate in self.codes:
                category, refine = self.codes[candidate]
                return category, refine, candidate == code
        return None


@cache
def load_gongyunuri_categories() -> GongyuNuriCategories:
    """Load `data/gongyunuri_categories.json` (cached)."""
    raw = json.loads(resources.files("normalizer").joinpath(
        "data/gongyunuri_categories.json").read_text(encoding="utf-8"))
    codes = {code: (entry["category"], bool(entry.get("refine")))
             for code, entry in raw["codes"].items()}
    # assemble_listing classifies category_label with the taxonomy's keywords: hand it, per
    # hub category, a label the taxonomy reads back to that category (item.general has none).
    taxonomy = load_taxonomy()
    labels: dict[str, str] = {}
    for category_code, category in taxonomy.categories.items():
        for label in (category.ko, f"{category.ko} {category.en}", *category.keywords):
            hit = taxonomy.classify(label)
            if hit is not None and hit.category == category_code and hit.confidence >= 0.5:
                labels[category_code] = label
                break
    return GongyuNuriCategories(codes, labels)


def _category(row: wire.Row, title: str, description: str | None,
              report: ParseReport) -> str | None:
    code = wire.text(row.get("rsrcClsCd"))
    if code is None:
        return None
    found = load_gongyunuri_categories().lookup(code) if _CLASS_CODE.match(code) else None
    if found is None or not found[2]:
        name = wire.text(row.get("rsrcClsNm"))
        entry = f"rsrcClsCd {code}" + (f" ({name})" if name else "")
        if entry not in report.unmapped_fields:
            report.unmapped_fields.append(entry)
    if found is None:
        return None
    category, refine, _exact = found
    if refine:  # the code says the kind only ("some item"): keywords say which category
        hit = load_taxonomy().classify(title, description)
        if hit is not None and hit.category.split(".")[0] == category.split(".")[0]:
            return hit.category
    return category


def _place(row: wire.Row) -> tuple[str | None, str | None]:
    """(address, fallback address): addr + daddr, made to name the `sggCd` district when
    it names none; the district's name alone when there is no address at all."""
    address = clean_text(" ".join(filter(None, (wire.text(row.get("addr")),
                                                 wire.text(row.get("daddr"))))))
    code = re.sub(r"\D", "", wire.text(row.get("sggCd")) or "")[:5]
    gazetteer = load_gazetteer()
    district = gazetteer.get(code) if len(code) == 5 else None
    if district is None:
        return address, None
    if address is None:
        return None, district.name
    if gazetteer.resolve_address(address) is None:
        if address.startswith(district.short_name + " "):  # "중구 퇴계로 …": no 시도
            address = address[len(district.short_name):].lstrip()
        address = f"{district.name} {address}"
    return address, None


def _tags(row: wire.Row) -> list[str]:
    tags = [t.strip() for t in _TAG_SPLIT.split(wire.text(row.get("inqTag")) or "")]
    if wire.yes(row.get("usePsblYn")) is False:
        tags.append("이용 중지")
    if wire.yes(row.get("rsvtNdlsYn")):
        tags.append("예약 불필요")
    return [t for t in tags if t]


def _listing(row: wire.Row, source: Source, now: datetime, report: ParseReport) -> Listing:
    number, title = wire.text(row.get("rsrcNo")), html_to_text(wire.text(row.get("rsrcNm")))
    if number is None:
        raise InvalidListing("no rsrcNo (resource number)")
    if not title:
        raise InvalidListing("no rsrcNm (resource name)")
    intro, purpose, caution, attributes = (
        html_to_text(wire.text(row.get(name))) for name in ("rsrcIntr", "usePrpse", "atpn",
                                                            "gdsAtrbCn"))
    description = "\n".join(filter(None, (intro, purpose and f"사용용도: {purpose}",
                                          caution and f"주의사항: {caution}"))) or None
    facts = wire.labelled_facts(attributes, intro, caution)
    fee, free = wire.fee_text(row)
    address, fallback_address = _place(row)
    lat, lon = wire.coordinates(row)
    category = _category(row, title, description, report)
    raw = RawRecord(
        record_id=number, title=title, description=description,
        url=wire.portal_url(row.get("dtlUrlAddr")), address=address,
        address_lot=fallback_address, lat=lat, lon=lon, phones=facts.get("phones"),
        hours=facts.get("hours"), fee=fee, free=free, loan_period=facts.get("loan_period"),
        capacity=facts.get("capacity"),
        category_label=load_gongyunuri_categories().labels.get(category or ""),
        provider_name=wire.text(row.get("rsrcInstNm")) or wire.text(row.get("lcInsttNm")),
        booking_url=wire.portal_url(row.get("instUrlAddr")),
        image_url=(wire.portal_url(row.get("imgFileUrlAddr"))
                   or wire.portal_url(row.get("bnrImgFileUrlAddr"))),
        tags=_tags(row), updated_at=wire.updated_at(row.get("updYmd")))
    if category is None:
        return assemble_listing(raw, source, now)
    listing = assemble_listing(raw, source.model_copy(update={"default_category": category}),
                               now)
    # Without a label (item.general) the classifier may wander to another kind; the
    # platform's code is authoritative about the kind, so put the listing back.
    if listing.category != category:
        listing = listing.model_copy(update={"category": category,
                                             "kind": category.split(".")[0]})
    return listing


def parse_gongyunuri(body: bytes, source: Source, now: datetime | None = None) -> ParseResult:
    """Parse a GongyuNuri document (the crawler's combined list + details, or one saved
    API answer) into listings. Raises ParseError when it is neither, or lists no
    resources; resources without rsrcNo or rsrcNm are skipped and counted as invalid;
    resources deleted at the source (delYn Y) are skipped and noted, not counted."""
    now = now or datetime.now(UTC)
    rows, details = wire.read_rows(body)
    report = ParseReport(mapped_fields=dict(_MAPPED))
    listings: list[Listing] = []
    deleted = 0
    for position, row in enumerate(wire.merge_rows(rows, details), start=1):
        if wire.yes(row.get("delYn")):
            deleted += 1
            continue
        report.records += 1
        report.unmapped_fields.extend(
            name for name in row if name not in _MAPPED and name not in _IGNORED
            and name not in report.unmapped_fields)
        try:
            listings.append(_listing(row, source, now, report))
        except InvalidListing as exc:
            report.invalid += 1
            label = wire.text(row.get("rsrcNo")) or f"#{position}"
            report.errors.append(f"resource {label}: {exc}")
    if deleted:
        report.notes.append(f"skipped {deleted} resource(s) deleted at the source (delYn Y)")
    return ParseResult(listings, report)
