"""Authorization over every staff route × {no session, operator, staff}: the pages take the
session cookie, the API only a bearer token; an operator is refused everywhere."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hub_site.operator_auth import SESSION_COOKIE
from tests.hub_site.staff_world import StaffWorld, build_staff_world, csrf_for, soup

PAGES = ["/staff", "/staff/quarantine", "/staff/registrations", "/staff/coverage",
         "/staff/coverage.csv", "/staff/audit"]
PAGE_POSTS = ["/staff/quarantine/{run}/apply", "/staff/quarantine/{run}/discard",
              "/staff/registrations/{reg}/approve", "/staff/registrations/{reg}/reject"]
API_GETS = ["/api/v1/staff", "/api/v1/staff/quarantine", "/api/v1/staff/registrations",
            "/api/v1/staff/coverage", "/api/v1/staff/audit"]
API_POSTS = ["/api/v1/staff/quarantine/{run}/apply", "/api/v1/staff/quarantine/{run}/discard",
             "/api/v1/staff/registrations/{reg}/approve",
             "/api/v1/staff/registrations/{reg}/reject"]
WHO = ["nobody", "operator", "staff"]


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Iterator[StaffWorld]:
    built = build_staff_world(tmp_path_factory.mktemp("staff-auth"))
    yield built
    built.store.close()
    built.history.close()
    built.catalog.close()


def _path(world: StaffWorld, template: str) -> str:
    registration = world.store.registrations()[0].id
    return template.format(run=world.quarantined_run, reg=registration)


def _page_client(world: StaffWorld, who: str):
    client = world.client()
    if who != "nobody":
        client.cookies.set(SESSION_COOKIE, world.staff_token if who == "staff"
                           else world.operator_token)
    return client


def _bearer(world: StaffWorld, who: str) -> dict[str, str]:
    if who == "nobody":
        return {}
    token = world.staff_token if who == "staff" else world.operator_token
    return {"Authorization": f"Bearer {token}"}


def _authorized(status: int) -> bool:
    return status not in (401, 403) and status < 500


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("path", PAGES)
def test_staff_pages(world, path, who):
    response = _page_client(world, who).get(path)
    if who == "staff":
        assert response.status_code == 200, f"staff must see {path}"
    elif who == "operator":
        assert response.status_code == 403, f"an operator must not see {path}"
    else:
        assert response.status_code == 401, f"{path} without a session"
        assert soup(response).find("input", attrs={"name": "token"}), "the sign-in form"


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("template", PAGE_POSTS)
def test_staff_page_actions(world, template, who):
    client = _page_client(world, who)
    data = {"reason": "피드가 열리지 않습니다"}
    if who == "staff":
        data["csrf_token"] = csrf_for(soup(client.get("/staff/audit")), "/staff/logout")
    response = client.post(_path(world, template), data=data, follow_redirects=False)
    expected = {"nobody": 401, "operator": 403}.get(who)
    if expected:
        assert response.status_code == expected, f"{who} posting {template}"
    else:
        assert _authorized(response.status_code), f"staff posting {template}: " \
                                                  f"{response.status_code}"


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("path", API_GETS)
def test_staff_api_reads(world, path, who):
    response = world.client().get(path, headers=_bearer(world, who))
    expected = {"nobody": 401, "operator": 403, "staff": 200}[who]
    assert response.status_code == expected, f"{who} reading {path}"
    if who != "staff":
        assert "error" in response.json()


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("template", API_POSTS)
def test_staff_api_actions(world, template, who):
    response = world.client().post(_path(world, template), headers=_bearer(world, who),
                                   json={"reason": "중복된 피드"})
    expected = {"nobody": 401, "operator": 403}.get(who)
    if expected:
        assert response.status_code == expected, f"{who} posting {template}"
    else:
        assert _authorized(response.status_code), f"staff posting {template}"


def test_the_api_ignores_the_session_cookie(world):
    client = _page_client(world, "staff")
    assert client.get("/api/v1/staff").status_code == 401, \
        "a cookie must not authenticate the API (it would need CSRF protection)"
