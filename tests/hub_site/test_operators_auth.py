"""Who may do what on the operator routes: every route × {no token, another operator, the
owner, staff}, and CSRF on every form. No dry run happens here: the bodies are ones the
routes refuse after authorization (an empty preview is a 400), so only who asks decides
between 401/403/404 and the rest."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from hub_site.operator_auth import ANON_COOKIE, SESSION_COOKIE
from index.tantivy_index import TantivyIndex
from tests.hub_site.conftest import soup_of
from tests.hub_site.test_operators import OperatorWorld, build_world, csrf_of

IDENTITIES = ("none", "other", "owner", "staff")


@dataclass
class Cast:
    world: OperatorWorld
    tokens: dict[str, str]
    registration_id: int


@pytest.fixture(scope="module")
def cast(tmp_path_factory: pytest.TempPathFactory, catalog_path: Path,
         search_index: TantivyIndex) -> Iterator[Cast]:
    world = build_world(tmp_path_factory.mktemp("operators-auth"), catalog_path, search_index)
    owner, owner_token = world.store.create_account("operator", "주인", "마포구청", "o@x.kr")
    _, other_token = world.store.create_account("operator", "남", "강남구청", "g@x.kr")
    staff, staff_token = world.store.create_account("staff", "직원", "서울시", "s@x.kr")
    registration = world.store.add_registration(
        owner, "op-owner-feed", {"id": "op-owner-feed", "name": "주인 피드", "kind": "rss",
                                 "url": "https://feeds.example/owner.xml"}, None)
    world.store.decide(registration.id, staff, "approved", None)
    yield Cast(world, {"other": other_token, "owner": owner_token, "staff": staff_token},
               registration.id)
    world.store.close()
    world.feedback.close()


def _page_client(cast: Cast, who: str) -> tuple[TestClient, str]:
    """A browser of `who` (cookie session) and a CSRF token valid for its session."""
    client = cast.world.client()
    if who != "none":
        client.cookies.set(SESSION_COOKIE, cast.tokens[who])
    csrf = csrf_of(soup_of(client.get("/operators")), "/operators/logout"
                   if who != "none" else "/operators/login")
    return client, csrf


# (method, path, body) — {id} is the owner's approved registration.
PAGE_ROUTES = [
    ("GET", "/operators/sources/new", None),
    ("POST", "/operators/sources/preview", {"name": ""}),
    ("POST", "/operators/sources", {"name": ""}),
    ("GET", "/operators/bulk", None),
    ("POST", "/operators/bulk", {}),
    ("GET", "/operators/sources/{id}", None),
    ("POST", "/operators/sources/{id}/recrawl", {}),
]
API_ROUTES = [
    ("GET", "/api/v1/operators", None),
    ("POST", "/api/v1/operators/preview", {}),
    ("POST", "/api/v1/operators/sources", {}),
    ("POST", "/api/v1/operators/bulk", "name,url\n"),
    ("GET", "/api/v1/operators/sources/{id}", None),
    ("POST", "/api/v1/operators/sources/{id}/recrawl", None),
]
# What each identity gets: owners and other operators pass authorization (the status is
# then the route's own answer), except that another operator's source is a 404.
ALLOWED = {200, 202, 303, 400, 422, 429}


def _expected(who: str, path: str) -> set[int]:
    if who == "none":
        return {401}
    if who == "staff":
        return {403}
    if who == "other" and "{id}" in path:
        return {404}
    return ALLOWED


@pytest.mark.parametrize("who", IDENTITIES)
@pytest.mark.parametrize(("method", "path", "body"), PAGE_ROUTES,
                         ids=[f"{m} {p}" for m, p, _ in PAGE_ROUTES])
def test_operator_pages_answer_only_their_owner(cast, who, method, path, body):
    client, csrf = _page_client(cast, who)
    url = path.replace("{id}", str(cast.registration_id))
    if method == "GET":
        response = client.get(url, follow_redirects=False)
    else:
        files = {"file": ("feeds.csv", b"name,url\n", "text/csv")} if "bulk" in url else None
        response = client.post(url, data={**(body or {}), "csrf_token": csrf}, files=files,
                               follow_redirects=False)
    assert response.status_code in _expected(who, path), (
        f"{who} on {method} {path}: {response.status_code}")
    if who == "other" and "{id}" in path:
        assert "주인 피드" not in response.text, "another operator's source stays hidden"


@pytest.mark.parametrize("who", IDENTITIES)
@pytest.mark.parametrize(("method", "path", "body"), API_ROUTES,
                         ids=[f"{m} {p}" for m, p, _ in API_ROUTES])
def test_operator_api_answers_only_their_owner(cast, who, method, path, body):
    client = cast.world.client()
    headers = {"Authorization": f"Bearer {cast.tokens[who]}"} if who != "none" else {}
    url = path.replace("{id}", str(cast.registration_id))
    if isinstance(body, str):
        response = client.post(url, content=body.encode(), headers=headers)
    elif method == "POST":
        response = client.post(url, json=body or {}, headers=headers)
    else:
        response = client.get(url, headers=headers)
    assert response.status_code in _expected(who, path), (
        f"{who} on {method} {path}: {response.status_code} {response.text[:200]}")
    if who == "none":
        assert response.headers.get("www-authenticate") == "Bearer"


def test_the_api_ignores_session_cookies(cast):
    client = cast.world.client()
    client.cookies.set(SESSION_COOKIE, cast.tokens["owner"])
    assert client.get("/api/v1/operators").status_code == 401


@pytest.mark.parametrize(("action", "fields"), [
    ("/operators/signup", {"name": "x", "organisation": "y", "email": "z@x.kr"}),
    ("/operators/login", {"token": "whatever"}),
    ("/operators/logout", {}),
    ("/operators/sources/preview", {"name": "x", "url": "https://a.example/x.csv"}),
    ("/operators/sources", {"name": "x", "url": "https://a.example/x.csv"}),
    ("/operators/bulk", {}),
    ("/operators/sources/{id}/recrawl", {}),
], ids=["signup", "login", "logout", "preview", "submit", "bulk", "recrawl"])
@pytest.mark.parametrize("token_case", ["missing", "wrong", "other session"])
def test_every_form_refuses_a_post_without_its_csrf_token(cast, action, fields, token_case):
    client, _ = _page_client(cast, "owner")
    _, other_csrf = _page_client(cast, "other")
    token = {"missing": None, "wrong": "1700000000." + "0" * 64,
             "other session": other_csrf}[token_case]
    data = {**fields, **({"csrf_token": token} if token else {})}
    url = action.replace("{id}", str(cast.registration_id))
    recrawls = len(cast.world.recrawls)
    response = client.post(url, data=data, follow_redirects=False)
    assert response.status_code == 403, f"{action} with a {token_case} token"
    assert len(cast.world.recrawls) == recrawls, "nothing was done"
    assert SESSION_COOKIE not in response.headers.get("set-cookie", ""), "no session began"


def test_an_anonymous_form_token_is_bound_to_its_cookie(cast):
    first = cast.world.client()
    csrf = csrf_of(soup_of(first.get("/operators")), "/operators/login")
    assert first.cookies.get(ANON_COOKIE)
    stranger = cast.world.client()  # another browser: no anonymous cookie of the first
    response = stranger.post("/operators/login", data={"csrf_token": csrf, "token": "x"})
    assert response.status_code == 403
