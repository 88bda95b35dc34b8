"""The "report outdated" flow: the form, CSRF, rate limit, the store and the run report."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from starlette.testclient import TestClient

from hub_site.report_views import CsrfSigner, RateLimiter, read_report_form
from index.feedback import FeedbackStore, run_report_feedback
from index.tantivy_index import TantivyIndex
from tests.hub_site.conftest import NOW, soup_of
from tests.hub_site.directory_world import (
    DISTRICT,
    LOCAL_COPY,
    LONE_ROOM,
    PORTAL,
    PORTAL_COPY,
    build_world,
    world_client,
)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, TantivyIndex]]:
    path, index = build_world(tmp_path_factory.mktemp("report-world"))
    yield path, index
    index.close()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[FeedbackStore]:
    feedback = FeedbackStore.open(tmp_path / "feedback.sqlite3")
    yield feedback
    feedback.close()


@pytest.fixture
def site(world: tuple[Path, TantivyIndex], store: FeedbackStore) -> TestClient:
    return world_client(*world, feedback=store)


def _form(client: TestClient, listing_id: str, lang: str | None = None) -> dict[str, str]:
    params = {"lang": lang} if lang else {}
    soup = soup_of(client.get(f"/listings/{listing_id}", params=params))
    form = soup.select_one("form.report-form")
    assert form is not None, "the listing page has the report form"
    return {"action": form["action"], "token": form.find("input", attrs={"name": "token"})["value"]}


def _post(client: TestClient, listing_id: str, **fields: str) -> object:
    form = _form(client, listing_id)
    data = {"token": form["token"], "reason": "wrong_hours", "comment": ""} | fields
    return client.post(form["action"], data=data)


# --- the form ------------------------------------------------------------------------------


def test_form_is_accessible_and_bilingual(site: TestClient) -> None:
    soup = soup_of(site.get(f"/listings/{LOCAL_COPY.id}"))
    form = soup.select_one("section#report form.report-form")
    assert form["method"] == "post"
    assert form["action"] == f"/listings/{LOCAL_COPY.id}/report"
    reason = form.find("select", attrs={"name": "reason"})
    assert form.find("label", attrs={"for": reason["id"]}).get_text() == "무엇이 다른가요"
    assert [o["value"] for o in reason.find_all("option")] == [
        "closed", "wrong_hours", "wrong_fee", "wrong_location", "other"]
    comment = form.find("textarea", attrs={"name": "comment"})
    assert comment["maxlength"] == "500"
    assert form.find("label", attrs={"for": comment["id"]}) is not None
    english = soup_of(site.get(f"/listings/{LOCAL_COPY.id}", params={"lang": "en"}))
    assert english.select_one("form.report-form")["action"] == (
        f"/listings/{LOCAL_COPY.id}/report?lang=en")
    assert "Wrong hours" in english.select_one("form.report-form").get_text()


def test_without_a_store_the_form_is_hidden_and_posts_are_404(
        world: tuple[Path, TantivyIndex]) -> None:
    client = world_client(*world)
    soup = soup_of(client.get(f"/listings/{LOCAL_COPY.id}"))
    assert soup.select_one("form.report-form") is None
    assert client.post(f"/listings/{LOCAL_COPY.id}/report", data={}).status_code == 404


# --- a report, end to end ------------------------------------------------------------------


def test_a_report_is_stored_and_thanked(site: TestClient, store: FeedbackStore) -> None:
    response = _post(site, LOCAL_COPY.id, reason="closed", comment="  작년에 문을 닫았어요\r\n")
    assert response.status_code == 303  # type: ignore[attr-defined]
    location = response.headers["location"]  # type: ignore[attr-defined]
    assert location == f"/listings/{LOCAL_COPY.id}?reported=1"
    thanks = soup_of(site.get(location)).find(attrs={"role": "status"})
    assert thanks is not None
    assert "고맙습니다" in thanks.get_text()
    [report] = store.reports_for_source(DISTRICT.id)
    assert (report.listing_id, report.reason, report.comment) == (
        LOCAL_COPY.id, "closed", "작년에 문을 닫았어요")
    assert report.created_at == NOW
    assert store.open_reports_count(PORTAL.id) == 0


def test_english_reporter_is_thanked_in_english(site: TestClient) -> None:
    form = _form(site, PORTAL_COPY.id, lang="en")
    response = site.post(form["action"], data={"token": form["token"], "reason": "wrong_fee"})
    assert response.status_code == 303
    assert urlsplit(response.headers["location"]).query == "reported=1&lang=en"
    text = soup_of(site.get(response.headers["location"])).get_text()
    assert "Thank you for the report" in text


def test_reports_reach_the_run_report(site: TestClient, store: FeedbackStore) -> None:
    for reason in ("wrong_hours", "wrong_location"):
        assert _post(site, LONE_ROOM.id, reason=reason).status_code == 303  # type: ignore[attr-defined]
    summary = run_report_feedback(store, DISTRICT.id)
    assert summary["open_reports"] == 2
    assert [r["reason"] for r in summary["reports"]] == ["wrong_location", "wrong_hours"]
    assert {r["listing_id"] for r in summary["reports"]} == {LONE_ROOM.id}
    assert store.resolve_report(summary["reports"][0]["id"], NOW)
    assert run_report_feedback(store, DISTRICT.id)["open_reports"] == 1
    assert run_report_feedback(None, DISTRICT.id) == {"open_reports": 0, "reports": []}


# --- refusals ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "status", "message"),
    [({"reason": "drop table"}, 400, "이유를 고르고"),
     ({"comment": "가" * 501}, 400, "이유를 고르고"),
     ({"token": "1746068400." + "0" * 64}, 403, "만료"),
     ({"token": "garbage"}, 403, "만료")],
    ids=["unknown-reason", "comment-over-500", "forged-signature", "malformed-token"])
def test_bad_posts_are_refused_and_nothing_is_stored(site: TestClient, store: FeedbackStore,
                                                    fields: dict[str, str], status: int,
                                                    message: str) -> None:
    response = _post(site, LOCAL_COPY.id, **fields)
    assert response.status_code == status  # type: ignore[attr-defined]
    alert = soup_of(response).find(attrs={"role": "alert"})
    assert alert is not None, "the reason is shown beside the form"
    assert message in alert.get_text()
    assert soup_of(response).select_one("form.report-form") is not None, "the form stays"
    assert store.open_reports_count() == 0


def test_a_token_for_another_listing_is_refused(site: TestClient, store: FeedbackStore) -> None:
    other = _form(site, PORTAL_COPY.id)
    response = site.post(f"/listings/{LOCAL_COPY.id}/report",
                         data={"token": other["token"], "reason": "closed"})
    assert response.status_code == 403
    assert store.open_reports_count() == 0


def test_an_old_form_is_refused(world: tuple[Path, TantivyIndex],
                                store: FeedbackStore) -> None:
    now = [NOW]
    client = world_client(*world, feedback=store, clock=lambda: now[0])
    form = _form(client, LOCAL_COPY.id)
    now[0] = NOW + timedelta(hours=3)
    response = client.post(form["action"], data={"token": form["token"], "reason": "closed"})
    assert response.status_code == 403
    assert store.open_reports_count() == 0


def test_unknown_listing_is_404(site: TestClient) -> None:
    assert site.post("/listings/nope/report", data={"reason": "closed"}).status_code == 404


def test_reports_are_rate_limited_per_client(site: TestClient, store: FeedbackStore) -> None:
    statuses = [_post(site, LOCAL_COPY.id).status_code for _ in range(6)]  # type: ignore[attr-defined]
    assert statuses == [303] * 5 + [429]
    last = _post(site, LOCAL_COPY.id)
    assert last.headers["retry-after"] == "600"  # type: ignore[attr-defined]
    assert "너무 많이" in soup_of(last).find(attrs={"role": "alert"}).get_text()
    assert store.open_reports_count(DISTRICT.id) == 5


def test_oversized_body_is_refused(site: TestClient) -> None:
    form = _form(site, LOCAL_COPY.id)
    response = site.post(form["action"], content=b"token=x&comment=" + b"a" * 20_000,
                         headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 400


# --- the parts -----------------------------------------------------------------------------

T0 = datetime(2025, 5, 1, 3, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("listing_id", "age", "valid"),
    [("a", timedelta(0), True), ("a", timedelta(hours=1, minutes=59), True),
     ("a", timedelta(hours=2, minutes=1), False), ("b", timedelta(0), False),
     ("a", timedelta(minutes=-5), False)],
    ids=["fresh", "nearly-two-hours", "over-two-hours", "other-listing", "from-the-future"])
def test_csrf_token_decisions(listing_id: str, age: timedelta, valid: bool) -> None:
    signer = CsrfSigner()
    token = signer.issue("a", T0)
    assert signer.check(token, listing_id, T0 + age) is valid
    assert not CsrfSigner().check(token, "a", T0), "another process's secret never matches"


def test_rate_limiter_window_slides() -> None:
    limiter = RateLimiter(limit=2, window=timedelta(minutes=10))
    assert [limiter.allow("1.2.3.4", T0) for _ in range(3)] == [True, True, False]
    assert limiter.allow("5.6.7.8", T0), "clients are counted apart"
    assert limiter.allow("1.2.3.4", T0 + timedelta(minutes=10))


@pytest.mark.parametrize(
    ("body", "reason"),
    [(b"token=t&reason=other&comment=", "other"), (b"reason=closed", "closed"),
     (b"token=t&reason=nope", None), (b"\xff\xfe", None), (b"reason=closed&" * 20, None)],
    ids=["complete", "missing-token-is-checked-later", "unknown-reason", "not-utf8",
         "too-many-fields"])
def test_read_report_form(body: bytes, reason: str | None) -> None:
    form = read_report_form(body)
    assert (form.reason if form else None) == reason


def test_store_refuses_bad_input(store: FeedbackStore) -> None:
    with pytest.raises(ValueError, match="reason"):
        store.add_report(listing_id="x", source_id="s", reason="nope",  # type: ignore[arg-type]
                         comment=None, now=T0)
    with pytest.raises(ValueError, match="500"):
        store.add_report(listing_id="x", source_id="s", reason="other", comment="a" * 501,
                         now=T0)


def test_store_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "feedback.sqlite3"
    first = FeedbackStore.open(path)
    first.add_report(listing_id="x", source_id="s", reason="other", comment=" ", now=T0)
    first.close()
    again = FeedbackStore.open(path)
    [report] = again.reports_for_source("s", status=None)
    assert report.comment is None, "a blank comment is stored as none"
    again.close()
