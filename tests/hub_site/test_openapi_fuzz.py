"""schemathesis against `/openapi.json`, loaded from the in-process app: every GET operation
of the JSON API, called with generated parameters, answers without a 5xx, with a documented
status code and content type, and a body that matches its documented schema.

Two kinds of requests: valid ones (every schemathesis check, including that valid data is
accepted), and schema-violating ones (a `page` of -3, an unknown `sort`, a 300-character
`q`). The site reads parameters leniently by design (hub_site/params.py: a bad value is
clamped or ignored, never an error), so for those the check "invalid data is rejected with a
4xx" is left out; every other check still applies.

schemathesis' own pytest loader for fixtures (`schemathesis.pytest.from_fixture`) does not
run on pytest 9 (it writes `Function._nodeid`), so each operation is driven here through
`operation.as_strategy()` with Hypothesis, one test per operation and mode.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from hub_site import create_app
from index.catalog import Catalog
from index.tantivy_index import TantivyIndex
from tests.hub_site.conftest import NOW

# The public JSON API's GET operations, each its own test; OTHERS covers any documented GET
# operation not named here, so a new route is fuzzed from the day it is added.
GET_PATHS = (
    "/api/v1/districts", "/api/v1/districts/{code}", "/api/v1/home",
    "/api/v1/listings/{listing_id}", "/api/v1/map", "/api/v1/platforms",
    "/api/v1/platforms/{source_id}", "/api/v1/search", "/api/v1/status",
)
OTHERS = "others"
EXAMPLES = {GenerationMode.POSITIVE: 40, GenerationMode.NEGATIVE: 25}


@pytest.fixture(scope="module")
def api_schema(catalog_path: Path, search_index: TantivyIndex) -> schemathesis.BaseSchema:
    """The document the app serves at /openapi.json, bound to that app (calls stay in
    process); the search rate limit is on but out of reach."""
    app = create_app(catalog=Catalog(catalog_path, read_only=True), index=search_index,
                     clock=lambda: NOW, search_rate_per_s=1e9, search_burst=10**9)
    return schemathesis.openapi.from_asgi("/openapi.json", app)


def _get_paths(api_schema: schemathesis.BaseSchema) -> list[str]:
    return [path for path, item in api_schema.raw_schema["paths"].items() if "get" in item]


def _fuzz(api_schema: schemathesis.BaseSchema, path: str, mode: GenerationMode) -> None:
    operation = api_schema[path]["GET"]
    excluded = [] if mode is GenerationMode.POSITIVE else [
        schemathesis.checks.negative_data_rejection]

    @settings(max_examples=EXAMPLES[mode], deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def conforms(case: schemathesis.Case[Any]) -> None:
        case.call_and_validate(excluded_checks=excluded)

    conforms()


@pytest.mark.parametrize("mode", list(EXAMPLES), ids=[mode.value for mode in EXAMPLES])
@pytest.mark.parametrize("path", [*GET_PATHS, OTHERS], ids=[*GET_PATHS, OTHERS])
def test_get_operation_conforms_to_its_description(api_schema: schemathesis.BaseSchema,
                                                    path: str, mode: GenerationMode) -> None:
    documented = _get_paths(api_schema)
    if path != OTHERS:
        assert path in documented, f"{path} is no longer in /openapi.json: update GET_PATHS"
        _fuzz(api_schema, path, mode)
        return
    for other in sorted(set(documented) - set(GET_PATHS)):
        _fuzz(api_schema, other, mode)


def test_the_fuzzed_document_covers_the_public_api(api_schema: schemathesis.BaseSchema
                                                  ) -> None:
    """schemathesis read the whole document: every public route, each with its GET."""
    assert set(GET_PATHS) <= set(_get_paths(api_schema))
    search = api_schema["/api/v1/search"]["GET"]
    names = {parameter.name for parameter in search.query}
    assert {"q", "category", "district", "page", "sort", "near", "lang"} <= names
