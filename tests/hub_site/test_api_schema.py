"""`/openapi.json`: a valid OpenAPI 3.1 document naming every /api/v1 route, whose response
schemas match what the routes really send."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
from starlette.routing import Route
from starlette.testclient import TestClient

from tests.hub_site.conftest import TOOL_POINT

# A real request for each documented route, to check its answer against its schema.
EXAMPLES = {
    "/api/v1/home": "/api/v1/home",
    "/api/v1/search": "/api/v1/search?q=드릴",
    "/api/v1/listings/{listing_id}": f"/api/v1/listings/{TOOL_POINT.id}",
    "/api/v1/map": "/api/v1/map?category=item.tools",
    "/api/v1/platforms": "/api/v1/platforms",
    "/api/v1/platforms/{source_id}": "/api/v1/platforms/mapo-share",
    "/api/v1/districts": "/api/v1/districts",
    "/api/v1/districts/{code}": "/api/v1/districts/11440",
    "/api/v1/status": "/api/v1/status",
}


@pytest.fixture(scope="module")
def document(client: TestClient) -> dict[str, Any]:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    data: dict[str, Any] = response.json()
    return data


def _validator(document: dict[str, Any], schema: dict[str, Any]) -> jsonschema.Validator:
    # $refs point into #/components: validate against a root that carries them.
    root = {**schema, "components": document["components"]}
    return jsonschema.Draft202012Validator(root)


def test_document_is_valid_openapi(document: dict[str, Any]) -> None:
    validator = pytest.importorskip("openapi_spec_validator")
    validator.validate(document)


def test_every_api_route_is_described(client: TestClient, document: dict[str, Any]) -> None:
    assert document["openapi"].startswith("3.1")
    api_routes = {route.path for route in client.app.routes  # type: ignore[attr-defined]
                  if isinstance(route, Route) and route.path.startswith("/api/v1")}
    assert api_routes <= set(document["paths"]), "an /api/v1 route is missing"
    assert all(path.startswith("/api/v1/") for path in document["paths"])
    for path, operations in document["paths"].items():
        assert "get" in operations, f"{path}: no GET"
        schema = operations["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        assert "$ref" in schema, (f"{path}: its answer has no schema; add an ApiDoc for it "
                                  "in hub_site/api_schema.py and an example in EXAMPLES here")
        assert path in EXAMPLES, f"{path}: add an example request to EXAMPLES"
        operation_ids = [op["operationId"] for op in operations.values()]
        assert len(set(operation_ids)) == len(operation_ids)


@pytest.mark.parametrize("path", sorted(EXAMPLES))
def test_response_schema_matches_the_real_answer(client: TestClient,
                                                 document: dict[str, Any], path: str) -> None:
    operation = document["paths"][path]["get"]
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert "$ref" in schema, f"{path}: answer not described by a schema"
    response = client.get(EXAMPLES[path])
    assert response.status_code == 200, f"{EXAMPLES[path]}: {response.status_code}"
    answer = response.json()
    errors = sorted(_validator(document, schema).iter_errors(answer), key=str)
    assert not errors, f"{path}: {errors[0].message} at {list(errors[0].path)}"


def test_search_parameters_and_errors_are_documented(client: TestClient,
                                                     document: dict[str, Any]) -> None:
    operation = document["paths"]["/api/v1/search"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"q", "category", "district", "free", "page", "lang"} <= names
    assert "429" in operation["responses"]
    listing = document["paths"]["/api/v1/listings/{listing_id}"]["get"]
    assert {"name": "listing_id", "in": "path", "required": True,
            "schema": {"type": "string"}} in listing["parameters"]
    assert "404" in listing["responses"]
    error_schema = listing["responses"]["404"]["content"]["application/json"]["schema"]
    answer = client.get("/api/v1/listings/nope").json()
    assert not list(_validator(document, error_schema).iter_errors(answer))


def test_no_interactive_docs_that_would_need_a_cdn(client: TestClient) -> None:
    for path in ("/docs", "/redoc"):
        assert client.get(path).status_code == 404, path
