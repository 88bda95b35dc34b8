"""`sharehub export`: the catalog as Listing JSON Lines and as HSDS 3.0, each validated
against its JSON Schema (the published Listing schema; the bundled HSDS 3.0 schemas)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from index import Catalog
from normalizer import parse_document
from normalizer.export_hsds import HSDS_NAMESPACE, hsds_export, service_document
from normalizer.schema import Fee, Hours, Provider, WeeklyHours
from tests.conftest import FIXTURE_SOURCES, FIXTURES, NOW
from tests.factories import make_listing

ROOT = Path(__file__).parent.parent
HSDS_DIR = ROOT / "normalizer" / "data" / "hsds"
HSDS_BASE = "https://sharehub.kr/schema/hsds-3.0/"
DOCUMENTS = [("csv", "seongbuk_utf8.csv"), ("csv", "gwacheon_cp949.csv"),
             ("csv", "standard_facilities_cp949.csv"), ("rss", "atom_rooms.xml")]


# --- schemas ---------------------------------------------------------------------------

def _closed(schema: Any) -> Any:
    """The schema with additionalProperties false on every object that lists properties:
    a misspelt key in the export then fails instead of passing as an extension."""
    if isinstance(schema, dict):
        schema = {key: _closed(value) for key, value in schema.items()}
        if "properties" in schema:
            schema["additionalProperties"] = False
    elif isinstance(schema, list):
        schema = [_closed(value) for value in schema]
    return schema


def _hsds_validator(name: str, *, strict: bool) -> Draft202012Validator:
    resources = []
    for path in sorted(HSDS_DIR.glob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        resources.append((schema["$id"], Resource.from_contents(
            _closed(schema) if strict else schema)))
    return Draft202012Validator({"$ref": HSDS_BASE + f"{name}.json"},
                                registry=Registry().with_resources(resources),
                                format_checker=Draft202012Validator.FORMAT_CHECKER)


def _assert_valid(validator: Draft202012Validator, document: Any, what: str) -> None:
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    assert not errors, f"{what}: " + "; ".join(
        f"{'/'.join(map(str, e.path)) or '(root)'}: {e.message}" for e in errors[:5])


LISTING_VALIDATOR = Draft202012Validator(
    json.loads((ROOT / "schema" / "listing.schema.json").read_text(encoding="utf-8")),
    format_checker=Draft202012Validator.FORMAT_CHECKER)
HSDS = {name: {strict: _hsds_validator(name, strict=strict) for strict in (False, True)}
        for name in ("service", "organization")}


def _assert_hsds(name: str, document: Any, what: str) -> None:
    for strict in (False, True):
        _assert_valid(HSDS[name][strict], document, f"{what} (strict={strict})")


def test_bundled_hsds_schemas_are_valid_json_schemas():
    for path in sorted(HSDS_DIR.glob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        Draft202012Validator.check_schema(schema)
        assert schema["$id"] == HSDS_BASE + path.name


# --- a real catalog and the command ----------------------------------------------------

@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    """A catalog holding the real fixture documents' listings, one source per document."""
    folder = tmp_path_factory.mktemp("data")
    catalog = Catalog(folder / "catalog.sqlite3")
    for kind, name in DOCUMENTS:
        source = FIXTURE_SOURCES[kind].model_copy(
            update={"id": f"{kind}-{name.split('.')[0].replace('_', '-')}"})
        listings = parse_document((FIXTURES / kind / name).read_bytes(), source, NOW).listings
        catalog.save_source(source, NOW)
        catalog.apply_run(source.id, listings, started_at=NOW,
                          finished_at=NOW + timedelta(minutes=1), invalid=0, record_errors=[],
                          etag=None, last_modified=None)
    catalog.close()
    return folder


@pytest.fixture(scope="module")
def catalog_listings(data_dir):
    catalog = Catalog(data_dir / "catalog.sqlite3", read_only=True)
    try:
        return list(catalog.iter_listings())
    finally:
        catalog.close()


def _export(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SHAREHUB_DATA_DIR": str(data_dir)}
    return subprocess.run([sys.executable, "-m", "sharehub", "export", *args],
                          capture_output=True, text=True, timeout=120, env=env, cwd=ROOT)


def test_jsonl_export_is_one_schema_valid_listing_per_line(data_dir, catalog_listings):
    result = _export(data_dir, "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == len(catalog_listings) >= 30
    for number, line in enumerate(lines, start=1):
        _assert_valid(LISTING_VALIDATOR, json.loads(line), f"line {number}")
    assert [json.loads(line)["id"] for line in lines] == [li.id for li in catalog_listings]
    assert "성북구" in result.stdout, "Korean text is written as is, not as \\u escapes"
    assert f"exported {len(lines)} listings" in result.stderr


def test_jsonl_export_to_a_file_matches_stdout(data_dir, tmp_path):
    target = tmp_path / "catalog.jsonl"
    assert _export(data_dir, "--output", str(target)).returncode == 0
    assert target.read_text(encoding="utf-8") == _export(data_dir).stdout


def test_hsds_folder_validates_and_links_up(data_dir, catalog_listings, tmp_path):
    result = _export(data_dir, "--format", "hsds", "--output", str(tmp_path / "hsds"))
    assert result.returncode == 0, result.stderr
    services = [json.loads(p.read_text(encoding="utf-8"))
                for p in sorted((tmp_path / "hsds" / "services").glob("*.json"))]
    organizations = {p.stem: json.loads(p.read_text(encoding="utf-8"))
                     for p in (tmp_path / "hsds" / "organizations").glob("*.json")}
    assert len(services) == len(catalog_listings)
    assert len(organizations) == len({(li.provider.type, li.provider.name)
                                      for li in catalog_listings})
    for service in services:
        _assert_hsds("service", service, f"service {service['name']}")
        assert service["organization_id"] in organizations
        assert service["organization"] == organizations[service["organization_id"]]
    for organization in organizations.values():
        _assert_hsds("organization", organization, f"organization {organization['name']}")
    placed = [s for s in services if s.get("service_at_locations")]
    assert len(placed) == len(services), "every fixture listing has an address"


def test_hsds_export_is_stable_and_clears_only_its_own_stale_files(data_dir, tmp_path):
    target = tmp_path / "hsds"
    assert _export(data_dir, "--format", "hsds", "--output", str(target)).returncode == 0
    first = {p: p.read_bytes() for p in target.rglob("*.json")}
    stale = target / "services" / f"{uuid.uuid4()}.json"
    stale.write_text("{}", encoding="utf-8")
    keep = target / "services" / "README.md"
    keep.write_text("notes", encoding="utf-8")
    assert _export(data_dir, "--format", "hsds", "--output", str(target)).returncode == 0
    assert {p: p.read_bytes() for p in target.rglob("*.json")} == first
    assert not stale.exists(), "a service no longer in the catalog must not linger"
    assert keep.exists()


def test_hsds_to_stdout_is_one_service_per_line(data_dir, catalog_listings):
    result = _export(data_dir, "--format", "hsds")
    assert result.returncode == 0, result.stderr
    services = [json.loads(line) for line in result.stdout.splitlines()]
    assert [s["id"] for s in services] == [str(uuid.uuid5(HSDS_NAMESPACE, li.id))
                                          for li in catalog_listings]
    for service in services:
        _assert_hsds("service", service, service["name"])


def test_export_without_a_catalog_says_so(tmp_path):
    result = _export(tmp_path / "nothing-here")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith("sharehub export: no catalog at")
    assert len(result.stderr.strip().splitlines()) == 1


# --- what each listing becomes ---------------------------------------------------------

WEEKDAYS = WeeklyHours(days=["mon", "tue", "wed", "thu", "fri"], opens="09:00", closes="18:00")


@pytest.mark.parametrize(("hours", "expected"), [
    (Hours(text="월~금 09:00~18:00", weekly=[WEEKDAYS]),
     [{"byday": "MO,TU,WE,TH,FR", "opens_at": "09:00+09:00", "closes_at": "18:00+09:00"}]),
    (Hours(text="화~토 10:30 ~18:00 + 일 13:00 ~ 18:00", weekly=[
        WeeklyHours(days=["tue", "wed", "thu", "fri", "sat"], opens="10:30", closes="18:00"),
        WeeklyHours(days=["sun"], opens="13:00", closes="18:00")]),
     [{"byday": "TU,WE,TH,FR,SA", "opens_at": "10:30+09:00", "closes_at": "18:00+09:00"},
      {"byday": "SU", "opens_at": "13:00+09:00", "closes_at": "18:00+09:00"}]),
    (Hours(text="24시간", weekly=[WeeklyHours(days=["mon", "tue", "wed", "thu", "fri", "sat",
                                                     "sun"], opens="00:00", closes="24:00")]),
     [{"byday": "MO,TU,WE,TH,FR,SA,SU", "opens_at": "00:00+09:00",
       "closes_at": "23:59+09:00"}]),
    (Hours(text="사전 예약 후 이용", weekly=[]), [{"description": "사전 예약 후 이용"}]),
    (Hours(text=None, weekly=[]), []),
], ids=["weekdays", "two-spans", "24-hours", "unreadable-text-kept", "no-hours"])
def test_schedules_come_from_hours_weekly(hours, expected):
    service = service_document(make_listing("r1", "공구대여소", hours=hours))
    got = [{k: s[k] for k in ("byday", "opens_at", "closes_at")} if "byday" in s
           else {k: v for k, v in s.items() if k not in ("id", "service_id")}
           for s in service["schedules"]]
    assert got == expected
    for schedule in service["schedules"]:
        if "byday" in schedule:
            assert (schedule["freq"], schedule["timezone"]) == ("WEEKLY", 9)
            assert schedule["description"] == hours.text, "the original text stays readable"
    _assert_hsds("service", service, "service")


@pytest.mark.parametrize(("fee", "expected"), [
    (Fee(free=True, text="무료", min_krw=0, max_krw=0), [("무료 (free)", 0)]),
    (Fee(free=False, text="1000원 ~ 2000원", min_krw=1000, max_krw=2000),
     [("최저 이용료 (lowest fee)", 1000), ("최고 이용료 (highest fee)", 2000)]),
    (Fee(free=False, text="1일 2,000원", min_krw=2000, max_krw=2000), [("이용료 (fee)", 2000)]),
    (Fee(free=True, text="무료, 보증금 5,000원", min_krw=0, max_krw=0, deposit_krw=5000),
     [("무료 (free)", 0), ("보증금 (refundable deposit)", 5000)]),
    (Fee(free=False, text="유료"), []),
    (Fee(free=None, text=None), []),
], ids=["free", "range", "single", "free-with-deposit", "paid-amount-unknown", "unknown"])
def test_cost_options_come_from_the_fee(fee, expected):
    service = service_document(make_listing("r1", "공구대여소", fee=fee))
    assert [(c["option"], c["amount"]) for c in service["cost_options"]] == expected
    assert all(c["currency"] == "KRW" for c in service["cost_options"])
    assert service.get("fees_description") == fee.text
    _assert_hsds("service", service, "service")


def test_phones_keep_their_extension_apart():
    listing = make_listing("r1", "공구대여소", contact={"phones": [
        "02-2241-5029", "02-2241-5030 ext. 12", "1588-1234"]})
    phones = service_document(listing)["phones"]
    assert [(p["number"], p.get("extension")) for p in phones] == [
        ("02-2241-5029", None), ("02-2241-5030", 12), ("1588-1234", None)]


@pytest.mark.parametrize(("location", "expected"), [
    ({"address": "서울특별시 성북구 성북로 37", "sido_code": "11", "district_code": "11290",
      "district_name": "성북구", "lat": 37.59105175, "lon": 127.0032478},
     {"latitude": 37.59105175, "longitude": 127.0032478, "address_1": "서울특별시 성북구 성북로 37",
      "city": "성북구", "state_province": "서울특별시"}),
    ({"address": "경기도 수원시 장안구 송원로 1", "sido_code": "41", "district_code": "41111",
      "district_name": "수원시 장안구"},
     {"address_1": "경기도 수원시 장안구 송원로 1", "city": "수원시 장안구",
      "state_province": "경기도"}),
    ({"address": "어딘가 1번지"}, {"address_1": "어딘가 1번지", "city": "", "state_province": ""}),
    ({"lat": 37.5, "lon": 127.0}, {"latitude": 37.5, "longitude": 127.0}),
    ({}, None),
], ids=["address-and-point", "si-with-gu", "no-district", "point-only", "nowhere"])
def test_location_carries_address_and_point(location, expected):
    service = service_document(make_listing("r1", "공구대여소", location=location))
    if expected is None:
        assert "service_at_locations" not in service or service["service_at_locations"] == []
        return
    (link,) = service["service_at_locations"]
    place = link["location"]
    got = {k: place[k] for k in ("latitude", "longitude") if k in place}
    for address in place.get("addresses", []):
        assert (address["country"], address["address_type"]) == ("KR", "physical")
        got |= {k: address[k] for k in ("address_1", "city", "state_province")}
    assert got == expected
    assert link["location_id"] == place["id"]
    _assert_hsds("service", service, "service")


def test_ids_are_uuid5_of_the_listing_and_unique_within_a_document():
    listing = make_listing("r1", "공구대여소", hours=Hours(text="평일", weekly=[WEEKDAYS]),
                           contact={"phones": ["02-1", "02-2"]})
    service = service_document(listing)
    assert service["id"] == str(uuid.uuid5(HSDS_NAMESPACE, listing.id))
    assert service_document(listing) == service
    ids = []

    def collect(node: Any) -> None:
        if isinstance(node, dict):
            ids.extend(v for k, v in node.items() if k == "id")
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    collect({k: v for k, v in service.items() if k != "organization"})
    assert len(ids) == len(set(ids)) > 4


def test_one_organization_per_provider():
    district = Provider(name="마포구청", type="public")
    listings = [make_listing("a", "공구대여소 A", provider=district),
                make_listing("b", "공구대여소 B", provider=district),
                make_listing("c", "공유주방", provider=Provider(name="쉐어잇", type="company"))]
    export = hsds_export(listings)
    assert [o["name"] for o in export.organizations] == ["마포구청", "쉐어잇"]
    assert [o["legal_status"] for o in export.organizations] == ["government", "company"]
    assert len({s["organization_id"] for s in export.services}) == 2
    assert export.services[0]["organization"] == export.organizations[0]
