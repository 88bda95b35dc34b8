"""Operators register sources: accounts, the dry run, review by staff, the schedule."""

from __future__ import annotations

import sqlite3

import pytest

from crawlers import FetchLimits
from index.errors import CatalogError
from index.operator_store import OperatorStore, hash_token
from sample_platforms import SamplePlatforms
from sample_platforms.content import FEED_PATH, TOOLS_PATH
from sharehub.dry_run import dry_run, fixes_for
from sharehub.registration import (
    RegistrationInvalid,
    RegistrationRequest,
    approve,
    register,
    reject,
    with_registered_sources,
)
from sharehub.schedules import ScheduleConfig

LOOPBACK = FetchLimits(allow_private_networks=True)


@pytest.fixture
def store(tmp_path):
    opened = OperatorStore(tmp_path / "operators.sqlite")
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def platforms():
    with SamplePlatforms(host="127.0.0.1", port=0) as running:
        yield running


def test_tokens_are_stored_only_as_hashes(store, tmp_path):
    account, token = store.create_account("operator", "김담당", "마포구청", "a@mapo.go.kr")
    assert store.authenticate(token) == account
    assert store.authenticate(token + "x") is None
    assert store.authenticate("") is None
    raw = sqlite3.connect(tmp_path / "operators.sqlite").execute(
        "SELECT token_hash FROM accounts").fetchone()[0]
    assert raw == hash_token(token)
    assert token not in raw


def test_dry_run_of_a_district_file_gives_verdicts_listings_and_fixes(platforms):
    result = dry_run(platforms.url(TOOLS_PATH), LOOPBACK, district="11440")
    assert result.ok, result.verdicts
    assert [v.check for v in result.verdicts] == ["address", "robots", "size", "parse"]
    assert result.kind == "csv"
    assert result.total > 0
    assert 0 < len(result.listings) <= 10
    assert result.quality_average is not None
    assert all(li.location.district_code == "11440" for li in result.listings)


def test_dry_run_refuses_a_private_address_without_fetching_it(platforms):
    result = dry_run(platforms.url(FEED_PATH), FetchLimits())
    assert not result.ok
    assert [v.check for v in result.verdicts] == ["address"]
    assert "not public" in result.verdicts[0].message or "private" in result.verdicts[0].message
    assert platforms.requests == [] or all(r.path != FEED_PATH for r in platforms.requests)


def test_dry_run_of_a_page_without_listings_says_so(platforms):
    result = dry_run(platforms.url("/nothing-here"), LOOPBACK)
    assert not result.ok
    assert result.verdicts[-1].check == "parse"
    assert "404" in result.verdicts[-1].message


def test_fixes_follow_the_most_common_issues():
    fixes = fixes_for({"no coordinates": 3, "fee unknown": 9}, ["건물명"], ["마을주택관리소"])
    assert fixes[0].startswith("say the fee")
    assert any("건물명" in fix for fix in fixes)
    assert any("마을주택관리소" in fix for fix in fixes)


def test_the_whole_review_journey(store, platforms):
    operator, _ = store.create_account("operator", "김담당", "마포구청", "a@mapo.go.kr")
    staff, _ = store.create_account("staff", "박주무관", "서울시", "p@seoul.go.kr")
    request = RegistrationRequest(name="마포구 공구대여소", url=platforms.url(TOOLS_PATH),
                                  district_codes=["11440"], contact_email="a@mapo.go.kr",
                                  interval="6h",
                                  quiet=[{"days": ["sun"], "hours": "00:00-06:00"}])
    dry = dry_run(request.url, LOOPBACK, district="11440")
    registration = register(store, operator, request, dry)
    assert registration.status == "pending"
    assert registration.dry_run is not None
    assert registration.dry_run["total"] == dry.total
    config = ScheduleConfig()
    assert with_registered_sources(config, store).sources == []  # not before review
    with pytest.raises(CatalogError, match="only staff"):
        approve(store, operator, registration.id)
    approved = approve(store, staff, registration.id)
    assert approved.status == "approved"
    sources = with_registered_sources(config, store).sources
    assert [(s.id, s.kind, s.district_code) for s in sources] == [
        (registration.source_id, "csv", "11440")]
    assert sources[0].quiet is not None
    assert sources[0].quiet[0].hours == "00:00-06:00"
    with pytest.raises(CatalogError, match="already approved"):
        reject(store, staff, registration.id, "late")
    assert [(e.actor, e.action, e.target) for e in store.audit_log()] == [
        ("박주무관", "approved", registration.source_id)]


def test_a_rejection_needs_a_reason_and_the_operator_reads_it(store, platforms):
    operator, _ = store.create_account("operator", "이대표", "빌림캠프", "b@camp.kr")
    staff, _ = store.create_account("staff", "박주무관", "서울시", "p@seoul.go.kr")
    request = RegistrationRequest(name="빌림캠프 피드", url=platforms.url(FEED_PATH))
    registration = register(store, operator, request, dry_run(request.url, LOOPBACK))
    with pytest.raises(RegistrationInvalid, match="reason"):
        reject(store, staff, registration.id, "  ")
    rejected = reject(store, staff, registration.id, "서울 밖의 시설입니다")
    mine = store.registrations(operator_id=operator.id)
    assert [(r.status, r.reason) for r in mine] == [("rejected", "서울 밖의 시설입니다")]
    assert rejected.decided_at is not None


def test_bad_requests_are_named_by_field(store, platforms):
    operator, _ = store.create_account("operator", "김담당", "마포구청", "a@mapo.go.kr")
    url = platforms.url(TOOLS_PATH)
    dry = dry_run(url, LOOPBACK)
    with pytest.raises(RegistrationInvalid, match="district_codes: unknown codes"):
        register(store, operator, RegistrationRequest(name="x", url=url,
                                                      district_codes=["99999"]), dry)
    with pytest.raises(RegistrationInvalid, match="quiet"):
        register(store, operator, RegistrationRequest(
            name="x", url=url, quiet=[{"days": ["sun"], "hours": "25:00-26:00"}]), dry)
    register(store, operator, RegistrationRequest(name="x", url=url), dry)
    with pytest.raises(RegistrationInvalid, match="already registered"):
        register(store, operator, RegistrationRequest(name="again", url=url), dry)
    failed = dry_run(platforms.url(FEED_PATH), FetchLimits())
    with pytest.raises(RegistrationInvalid, match="^address"):
        register(store, operator, RegistrationRequest(name="y", url=platforms.url(FEED_PATH)),
                 failed)


def test_bulk_registration_reads_good_rows_and_names_bad_ones():
    from sharehub.registration import requests_from_csv

    text = ("\ufeffname,url,kind,district_codes,interval,colour\n"
            "마포구 공구대여소,https://mapo.go.kr/tools.csv,csv,11440,6h,red\n"
            "성북·종로 공유센터,https://share.example/feed.xml,,11290;11110,,\n"
            "주소 없음,ftp://x/y.csv,csv,,,\n"
            ",,,,,\n")
    requests, errors = requests_from_csv(text)
    assert [(r.name, r.kind, r.district_codes) for r in requests] == [
        ("마포구 공구대여소", "csv", ["11440"]),
        ("성북·종로 공유센터", None, ["11290", "11110"])]
    assert errors[0] == "unknown columns ignored: colour"
    assert errors[1].startswith("row 4: url: String should match pattern")
    with pytest.raises(RegistrationInvalid, match="name and url"):
        requests_from_csv("title,link\nx,y\n")


def test_an_approval_reaches_the_running_schedule_without_a_restart(store, platforms, tmp_path):
    from sharehub.schedule_reload import ConfigWatcher
    from sharehub.schedules import load_schedules

    path = tmp_path / "schedules.yaml"
    path.write_text("allow_private_networks: true\nsources: []\n", encoding="utf-8")
    applied: list[ScheduleConfig] = []
    watcher = ConfigWatcher(path, applied.append,
                            load=lambda p: with_registered_sources(load_schedules(p), store),
                            also_watch=store.approvals_signature)
    operator, _ = store.create_account("operator", "김담당", "마포구청", "a@mapo.go.kr")
    staff, _ = store.create_account("staff", "박주무관", "서울시", "p@seoul.go.kr")
    request = RegistrationRequest(name="마포구 공구대여소", url=platforms.url(TOOLS_PATH))
    registration = register(store, operator, request, dry_run(request.url, LOOPBACK))
    assert not watcher.check_now()  # pending: nothing to apply
    approve(store, staff, registration.id)
    assert watcher.check_now()
    assert [s.id for s in applied[-1].sources] == [registration.source_id]
    assert not watcher.check_now()  # applied once
