"""The small world the staff page tests run on: a writable catalog with a healthy, a
failing and a never-run source, a quarantined run, a staff and an operator account, a
pending registration; all real SQLite files in a temp dir."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from bs4 import BeautifulSoup
from starlette.testclient import TestClient

from hub_site import create_app
from hub_site.staff_services import StaffServices, StatusesFn
from index.catalog import Catalog
from index.coverage import Baseline, region_districts
from index.coverage_history import CoverageHistory
from index.operator_store import Account, OperatorStore
from index.tantivy_index import TantivyIndex
from normalizer.schema import Location, Source
from tests.hub_site.conftest import NOW, make_listing

MAPO = Source(id="mapo-tools", name="마포구 공구대여소", kind="csv",
              url="https://www.mapo.go.kr/tools.csv", provider_type="public",
              district_code="11440")
BROKEN = Source(id="jongno-rss", name="종로구 공유 소식", kind="rss",
                url="https://www.jongno.go.kr/rss", provider_type="public")
FRESH = Source(id="new-feed", name="새 피드", kind="rss", url="https://new.example/rss")
SEOUL_GU = region_districts("11")


def mapo_listing(n: int, category: str = "item.tools"):
    return make_listing(MAPO, f"T-{n}", title=f"공구 {n}", category=category,
                        location=Location(address="서울 마포구", sido_code="11",
                                          district_code="11440", district_name="마포구",
                                          lat=None, lon=None))


@dataclass
class StaffWorld:
    app: object
    catalog: Catalog
    store: OperatorStore
    staff_token: str
    operator_token: str
    operator: Account
    quarantined_run: int
    history: CoverageHistory

    def client(self) -> TestClient:
        return TestClient(self.app, base_url="https://testserver")  # type: ignore[arg-type]


def build_staff_world(folder: Path, statuses: StatusesFn | None = None) -> StaffWorld:
    catalog = Catalog(folder / "catalog.sqlite3")
    for source in (MAPO, BROKEN, FRESH):
        catalog.save_source(source, NOW - timedelta(days=3))
    listings = [mapo_listing(n) for n in range(4)]
    catalog.apply_run(MAPO.id, listings[:2], started_at=NOW - timedelta(days=2),
                      finished_at=NOW - timedelta(days=2), invalid=0, record_errors=[],
                      etag=None, last_modified=None)
    catalog.apply_run(MAPO.id, listings, started_at=NOW - timedelta(hours=5),
                      finished_at=NOW - timedelta(hours=5), invalid=0, record_errors=[],
                      etag=None, last_modified=None)
    held = catalog.apply_run(MAPO.id, listings[:1], started_at=NOW - timedelta(hours=1),
                             finished_at=NOW - timedelta(hours=1), invalid=0,
                             record_errors=[], etag=None, last_modified=None)
    assert held.run.status == "quarantined"
    catalog.apply_run(BROKEN.id, [], started_at=NOW - timedelta(days=1),
                      finished_at=NOW - timedelta(days=1), invalid=0, record_errors=[],
                      etag=None, last_modified=None)
    for hours in (3, 2, 1):
        catalog.record_failure(BROKEN.id, "fetch: HTTP 500", started_at=NOW - timedelta(
            hours=hours), finished_at=NOW - timedelta(hours=hours))
    store = OperatorStore(folder / "operators.sqlite3")
    _, staff_token = store.create_account("staff", "이검토", "서울시 디지털정책과",
                                          "review@seoul.go.kr")
    operator, operator_token = store.create_account("operator", "김운영", "마포구청",
                                                    "ops@mapo.go.kr")
    store.add_registration(operator, "mapo-op-1", {"id": "mapo-op-1", "name": "마포 공구 피드",
                                                   "url": "https://mapo.example/feed"},
                           {"kind": "rss", "total": 12, "invalid": 1,
                            "quality_average": 81.5, "fixes": ["add opening hours"],
                            "verdicts": [{"check": "robots", "ok": True,
                                          "message": "robots.txt allows it"}]})
    history = CoverageHistory(folder / "operators.sqlite3")
    services = StaffServices(store=store, catalog=catalog, districts=SEOUL_GU,
                             baseline=Baseline(("item.tools",)), history=history,
                             statuses=statuses)
    index = TantivyIndex(folder / "index", {})
    index.rebuild(catalog.iter_listings(), catalog.change_seq())
    app = create_app(catalog=Catalog(folder / "catalog.sqlite3", read_only=True), index=index,
                     clock=lambda: NOW, staff=services)
    return StaffWorld(app, catalog, store, staff_token, operator_token, operator,
                      held.run.id, history)


def soup(response: object) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")  # type: ignore[attr-defined]


def csrf_for(page: BeautifulSoup, action_part: str) -> str:
    form = next((f for f in page.find_all("form") if action_part in f["action"]), None)
    assert form is not None, f"no form posting to …{action_part}"
    return str(form.find("input", attrs={"name": "csrf_token"})["value"])


def sign_in(client: TestClient, token: str) -> TestClient:
    """Sign in through the login form (CSRF token from the page)."""
    csrf = csrf_for(soup(client.get("/staff")), "/staff/login")
    response = client.post("/staff/login", data={"csrf_token": csrf, "token": token},
                           follow_redirects=False)
    assert response.status_code in (303, 401), response.text
    return client
