"""The staff pages as city staff use them on a Monday morning: sign in, see what broke,
apply or discard a held run, review a registration, read coverage and the audit log."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from hub_site.operator_auth import SESSION_COOKIE
from tests.hub_site.staff_world import (
    BROKEN,
    FRESH,
    MAPO,
    StaffWorld,
    build_staff_world,
    csrf_for,
    sign_in,
    soup,
)


@pytest.fixture
def world(tmp_path) -> Iterator[StaffWorld]:
    built = build_staff_world(tmp_path)
    yield built
    built.store.close()
    built.history.close()
    built.catalog.close()


@pytest.fixture
def staff(world):
    return sign_in(world.client(), world.staff_token)


def test_login_sets_a_strict_http_only_session_cookie(world):
    client = world.client()
    page = soup(client.get("/staff"))
    assert page.find("label", attrs={"for": "staff-token"}), "the token field has a label"
    csrf = csrf_for(page, "/staff/login")
    response = client.post("/staff/login", data={"csrf_token": csrf,
                                                 "token": world.staff_token},
                           follow_redirects=False)
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert f"{SESSION_COOKIE}=" in cookie
    assert "HttpOnly" in cookie
    assert "Secure" in cookie
    assert "samesite=strict" in cookie.lower()


def test_an_operator_token_cannot_sign_in_as_staff(world):
    client = world.client()
    csrf = csrf_for(soup(client.get("/staff")), "/staff/login")
    response = client.post("/staff/login", data={"csrf_token": csrf,
                                                 "token": world.operator_token})
    assert response.status_code == 401
    assert "담당자 토큰이 맞지 않습니다" in soup(response).get_text()


def test_health_lists_failing_sources_first_with_state_and_sparkline(staff):
    page = soup(staff.get("/staff"))
    rows = page.select("table.staff-health tbody tr")
    assert [r["data-source"] for r in rows][0] == BROKEN.id, "the failing source comes first"
    by_id = {r["data-source"]: r for r in rows}
    broken = by_id[BROKEN.id]
    assert "실패" in broken.select_one("td.state").get_text()
    assert "부터" in broken.select_one("td.state").get_text(), "failing since is shown"
    assert broken.select_one("td.failures").get_text() == "3"
    mapo = by_id[MAPO.id]
    assert "정상" in mapo.select_one("td.state").get_text()
    assert mapo.select_one("td.listings").get_text() == "4"
    line = mapo.select_one("td.trend svg polyline")
    assert line is not None, "the 30-day sparkline is drawn"
    assert len(line["points"].split()) == 30, "30 daily points"
    assert mapo.select_one("td.trend svg title"), "the sparkline has a text alternative"
    assert mapo.select_one("td.quality").get_text() == "80.0"
    assert "아직 수집 안 함" in by_id[FRESH.id].get_text()


@dataclass(frozen=True)
class Status:
    """What sharehub.schedule_status.SourceStatus gives the page (the fields it reads)."""

    source_id: str
    state: str
    next_attempt: datetime | None
    failing_since: datetime | None
    consecutive_failures: int
    last_success_at: datetime | None


def test_health_uses_the_schedulers_state_and_next_run_when_wired(tmp_path):
    when = datetime(2025, 5, 1, 7, 0, tzinfo=UTC)
    world = build_staff_world(tmp_path, statuses=lambda: [
        Status(MAPO.id, "degraded", when, None, 1, None),
        Status("scheduled-only", "new", when, None, 0, None)])
    client = sign_in(world.client(), world.staff_token)
    rows = {r["data-source"]: r for r in soup(client.get("/staff")).select(
        "table.staff-health tbody tr")}
    assert "불안정" in rows[MAPO.id].select_one("td.state").get_text()
    assert "2025-05-01 16:00 KST" in rows[MAPO.id].get_text(), "next run in Korea time"
    assert "아직 수집 안 함" in rows["scheduled-only"].get_text()
    api = world.client().get("/api/v1/staff",
                             headers={"Authorization": f"Bearer {world.staff_token}"})
    mapo = next(s for s in api.json()["sources"] if s["source_id"] == MAPO.id)
    assert mapo["next_run_at"] == when.isoformat()
    assert len(mapo["daily_counts"]) == 30
    world.store.close()
    world.history.close()
    world.catalog.close()


def test_quarantine_shows_the_impact_and_apply_is_audited(world, staff):
    page = soup(staff.get("/staff/quarantine"))
    [section] = page.select("section.quarantined-run")
    assert section.select_one("dd.current").get_text() == "4"
    assert section.select_one("dd.would-remove").get_text() == "3"
    csrf = csrf_for(page, f"/quarantine/{world.quarantined_run}/apply")
    response = staff.post(f"/staff/quarantine/{world.quarantined_run}/apply",
                          data={"csrf_token": csrf})
    assert response.status_code == 200
    after = soup(response)
    assert "반영했습니다" in after.get_text()
    assert after.select("section.quarantined-run") == [], "the applied run left the queue"
    assert world.catalog.runs(MAPO.id, limit=1)[0].status == "ok"
    audit = soup(staff.get("/staff/audit"))
    assert "보류 수집 반영" in audit.select_one("table.staff-audit tbody tr").get_text()


def test_discard_keeps_the_listings(world, staff):
    page = soup(staff.get("/staff/quarantine"))
    csrf = csrf_for(page, f"/quarantine/{world.quarantined_run}/discard")
    staff.post(f"/staff/quarantine/{world.quarantined_run}/discard", data={"csrf_token": csrf})
    assert world.catalog.quarantined_runs() == []
    assert world.catalog.count_listings() == 4
    assert world.store.audit_log()[0].action == "quarantine_discard"


def test_a_post_without_a_valid_csrf_token_is_refused(world, staff):
    for token in ("", "123.abc", None):
        data = {"csrf_token": token} if token is not None else {}
        response = staff.post(f"/staff/quarantine/{world.quarantined_run}/apply", data=data)
        assert response.status_code == 403, token
    assert len(world.catalog.quarantined_runs()) == 1, "nothing was applied"


def test_registration_review_approve_and_reject_needs_a_reason(world, staff):
    page = soup(staff.get("/staff/registrations"))
    [section] = page.select("section.pending-registration")
    assert section.select_one("dd.dry-total").get_text() == "12"
    assert "robots.txt allows it" in section.get_text()
    assert section.find("label", attrs={"for": section.select_one("input[name=reason]")["id"]})
    registration = world.store.registrations(status="pending")[0]
    csrf = csrf_for(page, f"/registrations/{registration.id}/reject")
    refused = staff.post(f"/staff/registrations/{registration.id}/reject",
                         data={"csrf_token": csrf, "reason": "  "})
    assert refused.status_code == 400
    assert "사유를 적어" in soup(refused).get_text()
    approved = staff.post(f"/staff/registrations/{registration.id}/approve",
                          data={"csrf_token": csrf})
    assert "승인했습니다" in soup(approved).get_text()
    assert world.store.registration(registration.id).status == "approved"
    assert world.store.audit_log()[0].action == "approved"
    again = staff.post(f"/staff/registrations/{registration.id}/reject",
                       data={"csrf_token": csrf, "reason": "늦음"})
    assert again.status_code == 409, "a decided registration cannot be decided again"


def test_coverage_table_map_gaps_and_csv(world, staff):
    page = soup(staff.get("/staff/coverage"))
    mapo = page.select_one('table.coverage-matrix tr[data-district="11440"]')
    tools = mapo.select_one('td[data-category="item.tools"]')
    assert tools.get_text().startswith("4")
    assert "gap" not in tools.get("class", [])
    jongno = page.select_one('table.coverage-matrix tr[data-district="11110"]')
    assert "gap" in jongno.select_one('td[data-category="item.tools"]')["class"]
    paths = page.select("figure.choropleth svg path")
    assert len(paths) == 25, "one shape per 구"
    mapo_path = next(p for p in paths if p["data-district"] == "11440")
    assert "4" in mapo_path.title.get_text()
    assert mapo_path["class"] == ["bucket-1"]
    assert page.select_one('tr[data-district="11440"] td.trend svg'), "today's snapshot"
    csv_response = staff.get("/staff/coverage.csv")
    assert csv_response.headers["content-type"].startswith("text/csv")
    lines = csv_response.text.splitlines()
    assert lines[0].startswith("district_code,district,item.tools")
    assert any(line.startswith("11440,마포구,4") for line in lines)


def test_english_pages_keep_the_language(staff):
    page = soup(staff.get("/staff/coverage?lang=en"))
    assert page.html["lang"] == "en"
    assert page.find("h1").get_text() == "Coverage"
    nav = {a.get_text(): a["href"] for a in page.select("nav.staff-nav a")}
    assert nav["Audit log"].endswith("lang=en")
