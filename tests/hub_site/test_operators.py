"""The operator journey in process: sign up, register a source with its dry run, submit it,
get approved, read run reports with fixes and citizens' reports, re-crawl (rate limited),
preview an upload, bulk registration, and the JSON twins. Real parts throughout: the
sample platforms on loopback, the real dry run and registration, real SQLite stores."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from starlette.testclient import TestClient

from crawlers import FetchLimits
from hub_site import create_app
from hub_site.operator_auth import SESSION_COOKIE
from index.catalog import Catalog
from index.feedback import FeedbackStore
from index.operator_store import Account, OperatorStore
from index.tantivy_index import TantivyIndex
from normalizer.schema import Quality, Source
from sample_platforms import SamplePlatforms
from sample_platforms.content import FEED_PATH, TOOLS_PATH
from sharehub.registration import approve
from sharehub.settings import Settings
from sharehub.wiring import operator_services
from tests.hub_site.conftest import NOW, make_listing, soup_of

FIXTURES = Path(__file__).parent.parent / "fixtures"


@dataclass
class OperatorWorld:
    """One app with the operator pages over real stores, and what it was asked to do."""

    app: object
    store: OperatorStore
    catalog_path: Path
    feedback: FeedbackStore
    uploads: Path
    recrawls: list[str] = field(default_factory=list)

    def client(self) -> TestClient:
        return TestClient(self.app)  # type: ignore[arg-type]

    def staff(self) -> Account:
        account, _ = self.store.create_account("staff", "검토자", "서울시", "s@seoul.go.kr")
        return account


def build_world(tmp: Path, catalog_path: Path, index: TantivyIndex) -> OperatorWorld:
    store = OperatorStore(tmp / "operators.sqlite3")
    feedback = FeedbackStore.open(tmp / "feedback.sqlite3")
    recrawls: list[str] = []
    services = operator_services(Settings(data_dir=tmp), store,
                                 FetchLimits(allow_private_networks=True),
                                 request_recrawl=recrawls.append, feedback=feedback)
    app = create_app(catalog=Catalog(catalog_path, read_only=True), index=index,
                     clock=lambda: NOW, feedback=feedback, operators=services)
    return OperatorWorld(app, store, catalog_path, feedback, tmp / "uploads", recrawls)


@pytest.fixture(scope="module")
def platforms() -> Iterator[SamplePlatforms]:
    with SamplePlatforms(host="127.0.0.1", port=0) as running:
        yield running


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, catalog_path: Path,
          search_index: TantivyIndex) -> Iterator[OperatorWorld]:
    built = build_world(tmp_path_factory.mktemp("operators"), catalog_path, search_index)
    yield built
    built.store.close()
    built.feedback.close()


def csrf_of(soup: BeautifulSoup, action_end: str) -> str:
    form = next((f for f in soup.find_all("form") if f["action"].split("?")[0]
                 .endswith(action_end)), None)
    assert form is not None, f"no form posting to …{action_end}"
    return form.find("input", attrs={"name": "csrf_token"})["value"]


def sign_up(client: TestClient, name: str = "김담당") -> str:
    """Sign up through the page; returns the token it showed."""
    token = csrf_of(soup_of(client.get("/operators")), "/operators/signup")
    response = client.post("/operators/signup", data={
        "csrf_token": token, "name": name, "organisation": "마포구청",
        "email": "share@mapo.go.kr"})
    assert response.status_code == 200, response.text
    shown = soup_of(response).select_one("code.token")
    assert shown is not None, "the new token is shown on the page"
    return shown.get_text()


def test_sign_up_shows_the_token_once_with_a_warning_and_starts_a_session(world):
    client = world.client()
    page = soup_of(client.get("/operators"))
    for field_id in ("signup-name", "signup-org", "signup-email", "login-token"):
        assert page.find("label", attrs={"for": field_id}), f"{field_id} has a label"
    token = csrf_of(page, "/operators/signup")
    response = client.post("/operators/signup", data={
        "csrf_token": token, "name": "박운영", "organisation": "공유회사",
        "email": "ops@share.example"})
    soup = soup_of(response)
    shown = soup.select_one("code.token").get_text()
    assert world.store.authenticate(shown).name == "박운영"
    assert "한 번만" in soup.get_text(), "the page warns the token is shown only once"
    cookie = response.headers["set-cookie"]
    assert f"{SESSION_COOKIE}=" in cookie
    assert "HttpOnly" in cookie
    assert "samesite=strict" in cookie.lower()
    again = soup_of(client.get("/operators"))
    assert again.select_one("code.token") is None, "the token is never shown again"
    assert "박운영" in again.get_text()


def test_login_with_the_token_and_logout(world):
    token = sign_up(world.client(), "로그인시험")
    client = world.client()
    csrf = csrf_of(soup_of(client.get("/operators")), "/operators/login")
    wrong = client.post("/operators/login", data={"csrf_token": csrf, "token": "nope"})
    assert wrong.status_code == 401
    csrf = csrf_of(soup_of(wrong), "/operators/login")
    response = client.post("/operators/login", data={"csrf_token": csrf, "token": token},
                           follow_redirects=False)
    assert response.status_code == 303
    page = soup_of(client.get("/operators"))
    assert "로그인시험" in page.get_text()
    out = client.post("/operators/logout",
                      data={"csrf_token": csrf_of(page, "/operators/logout")},
                      follow_redirects=False)
    assert out.status_code == 303
    assert client.get("/operators/sources/new").status_code == 401


def test_registering_a_source_shows_the_dry_run_then_submits_it_for_review(world, platforms):
    client = world.client()
    sign_up(client)
    form_page = soup_of(client.get("/operators/sources/new"))
    assert form_page.select_one("select[name=district_codes][multiple]") is not None
    assert form_page.select_one("input[type=file][name=file]") is not None
    assert "URL" in form_page.select_one("p.hint").get_text(), "uploads need a URL: said"
    response = client.post("/operators/sources/preview", data={
        "csrf_token": csrf_of(form_page, "/operators/sources/preview"),
        "name": "마포 공구도서관", "url": platforms.url(TOOLS_PATH), "kind": "",
        "district_codes": ["11440"], "contact_email": "tools@mapo.go.kr",
        "interval": "6h", "quiet": "weekdays 12:00-13:00"})
    assert response.status_code == 200, response.text
    soup = soup_of(response)
    verdicts = soup.select("ul.verdicts li")
    assert len(verdicts) == 4
    assert all("verdict-ok" in li["class"] for li in verdicts)
    cards = soup.select("section.dry-run article.card")
    assert cards, "the first listings are shown as citizens' cards"
    assert "마포" in soup.select_one("section.dry-run").get_text()
    assert "평균 품질 점수" in soup.get_text()
    submit = soup.select_one("form.submit-review")
    assert submit is not None, "a passing URL dry run can be submitted"
    fields = {i["name"]: i["value"] for i in submit.find_all("input")}
    assert fields["url"] == platforms.url(TOOLS_PATH)
    sent = client.post("/operators/sources", data={**fields, "district_codes": ["11440"]},
                       follow_redirects=False)
    assert sent.status_code == 303, sent.text
    page = soup_of(client.get(sent.headers["location"]))
    assert page.select_one("dd.status-pending") is not None
    registration = world.store.registration(int(sent.headers["location"].split("/")[-1]))
    assert registration.definition["quiet"] == [{"days": "weekdays", "hours": "12:00-13:00"}]
    assert registration.definition["_districts"] == ["11440"]


def test_an_upload_is_previewed_but_needs_a_url_to_be_registered(world):
    client = world.client()
    sign_up(client)
    csrf = csrf_of(soup_of(client.get("/operators/sources/new")), "/operators/sources/preview")
    body = (FIXTURES / "csv" / "seongbuk_bom.csv").read_bytes()
    response = client.post("/operators/sources/preview",
                           data={"csrf_token": csrf, "name": "성북", "district_codes": "11290"},
                           files={"file": ("../../etc/성북 목록.csv", body, "text/csv")})
    assert response.status_code == 200, response.text
    soup = soup_of(response)
    assert soup.select("section.dry-run article.card"), "the upload's listings are shown"
    assert soup.select_one("form.submit-review") is None
    assert "URL" in soup.select_one("p.notice[role=status]").get_text()
    stored = list(world.uploads.iterdir())
    assert stored, "the upload is kept under the uploads folder"
    assert all(p.suffix == ".csv" and len(p.stem) == 32 for p in stored), \
        "uploads get random names (never the visitor's file name)"


def test_an_unreachable_address_fails_a_verdict_and_cannot_be_submitted(world, platforms):
    client = world.client()
    sign_up(client)
    csrf = csrf_of(soup_of(client.get("/operators/sources/new")), "/operators/sources/preview")
    soup = soup_of(client.post("/operators/sources/preview", data={
        "csrf_token": csrf, "name": "없음", "url": platforms.url("/nothing-here")}))
    assert soup.select("li.verdict-failed"), "the failed check is listed"
    assert soup.select_one("form.submit-review") is None


def _approved_source(world: OperatorWorld, client: TestClient, platforms) -> tuple[int, str]:
    sign_up(client)
    response = client.post("/api/v1/operators/sources", json={
        "name": "회사 피드", "url": platforms.url(FEED_PATH), "district_codes": ["11440"]},
        headers={"Authorization": f"Bearer {client.cookies[SESSION_COOKIE]}"})
    assert response.status_code == 201, response.text
    registration_id = response.json()["registration"]["id"]
    approve(world.store, world.staff(), registration_id)
    return registration_id, response.json()["registration"]["source_id"]


def test_an_approved_source_shows_run_reports_fixes_and_citizens_reports(world, platforms):
    client = world.client()
    registration_id, source_id = _approved_source(world, client, platforms)
    catalog = Catalog(world.catalog_path)
    source = Source(id=source_id, name="회사 피드", kind="rss", url=platforms.url(FEED_PATH))
    catalog.save_source(source, NOW)
    listing = make_listing(source, "A-1", title="캠핑 의자",
                           quality=Quality(score=55, issues=["no coordinates", "fee unknown"]))
    catalog.apply_run(source_id, [listing], started_at=NOW - timedelta(minutes=2),
                      finished_at=NOW - timedelta(minutes=1), invalid=1,
                      record_errors=["row 4: no title"], etag=None, last_modified=None)
    catalog.record_failure(source_id, "HTTP 404 for https://x.example/feed.xml",
                           started_at=NOW - timedelta(seconds=30), finished_at=NOW)
    catalog.close()
    world.feedback.add_report(listing_id=listing.id, source_id=source_id,
                              reason="wrong_hours", comment="토요일 휴무", now=NOW)
    soup = soup_of(client.get(f"/operators/sources/{registration_id}"))
    runs = soup.select("article.run")
    assert len(runs) == 2
    assert "run-failed" in runs[0]["class"]
    assert "URL" in runs[0].select_one("p.run-hint").get_text(), "a 404 says to check the URL"
    assert "row 4: no title" in runs[1].get_text()
    assert soup.select_one("ul.fixes"), "quality issues come with fixes"
    assert "토요일 휴무" in soup.select_one("ul.feedback").get_text()
    twin = client.get(f"/api/v1/operators/sources/{registration_id}",
                      headers={"Authorization": f"Bearer {client.cookies[SESSION_COOKIE]}"})
    assert twin.status_code == 200
    data = twin.json()
    assert [r["status"] for r in data["runs"]] == ["failed", "ok"]
    assert data["feedback"]["open_reports"] == 1
    assert data["fixes"][0].startswith("say the fee") or data["fixes"][0].startswith("add lat")
    assert data["runs"][0]["how_to_fix"], "a failed run says how to fix it"


def test_recrawl_is_recorded_then_refused_within_ten_minutes_in_both_languages(world, platforms):
    client = world.client()
    registration_id, source_id = _approved_source(world, client, platforms)
    page = soup_of(client.get(f"/operators/sources/{registration_id}"))
    csrf = csrf_of(page, "/recrawl")
    first = client.post(f"/operators/sources/{registration_id}/recrawl",
                        data={"csrf_token": csrf}, follow_redirects=False)
    assert first.status_code == 303
    assert world.recrawls.count(source_id) == 1
    assert "재수집을 요청했습니다" in client.get(first.headers["location"]).text
    again = client.post(f"/operators/sources/{registration_id}/recrawl?lang=en",
                        data={"csrf_token": csrf})
    assert again.status_code == 429
    assert int(again.headers["retry-after"]) > 0
    assert "once per source every 10 minutes" in soup_of(again).select_one(
        "p.notice[role=status]").get_text()
    korean = client.post(f"/operators/sources/{registration_id}/recrawl",
                         data={"csrf_token": csrf})
    assert korean.status_code == 429
    assert "10분에 한 번" in korean.text
    assert world.recrawls.count(source_id) == 1, "a refused request is not recorded"


def test_bulk_registration_gives_a_result_per_row(world, platforms):
    client = world.client()
    sign_up(client)
    csrf = csrf_of(soup_of(client.get("/operators/bulk")), "/operators/bulk")
    text = ("name,url,district_codes\n"
            f"회사 피드 묶음,{platforms.url(FEED_PATH)},11440\n"
            f"없는 파일,{platforms.url('/missing.csv')},11290\n"
            "주소 없음,ftp://x,\n")
    response = client.post("/operators/bulk", data={"csrf_token": csrf},
                           files={"file": ("feeds.csv", text.encode(), "text/csv")})
    assert response.status_code == 200, response.text
    rows = soup_of(response).select("table.bulk-results tbody tr")
    assert [r["class"][0] for r in rows] == ["registered", "refused"]
    assert "row 4" in soup_of(response).select_one("ul.notice-problem").get_text()


def test_the_api_signs_up_previews_and_registers_with_a_bearer_token(world, platforms):
    client = world.client()
    signed = client.post("/api/v1/operators/signup", json={
        "name": "API", "organisation": "회사", "email": "api@share.example"})
    assert signed.status_code == 201
    auth = {"Authorization": f"Bearer {signed.json()['token']}"}
    preview = client.post("/api/v1/operators/preview", headers=auth,
                          json={"url": platforms.url(TOOLS_PATH), "district_codes": ["11440"]})
    assert preview.status_code == 200
    assert preview.json()["ok"] is True
    assert preview.json()["cards"][0]["district"]["code"] == "11440"
    me = client.get("/api/v1/operators", headers=auth).json()
    assert me["account"]["name"] == "API"
    assert me["registrations"] == []


def test_operator_pages_speak_english_on_request(world):
    soup = soup_of(world.client().get("/operators", params={"lang": "en"}))
    assert soup.find("h1").get_text() == "Platform operators"
    assert soup.find("html")["lang"] == "en"
