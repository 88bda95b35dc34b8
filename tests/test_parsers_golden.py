"""Every fixture document beside its expected listings: adding a case is adding two files.

Regenerate after a deliberate change with SHAREHUB_UPDATE_GOLDEN=1 and review the diff.
"""

from __future__ import annotations

import json
import os

import pytest

from normalizer import parse_document
from tests.conftest import FIXTURE_SOURCES, FIXTURES, NOW

CASES = sorted(p for kind in FIXTURE_SOURCES for p in (FIXTURES / kind).glob("*")
               if not p.name.endswith(".expected.json"))


@pytest.mark.parametrize("path", CASES, ids=[f"{p.parent.name}/{p.name}" for p in CASES])
def test_fixture_matches_expected(path):
    result = parse_document(path.read_bytes(), FIXTURE_SOURCES[path.parent.name], NOW)
    actual = {
        "listings": [json.loads(li.model_dump_json()) for li in result.listings],
        "records": result.report.records,
        "invalid": result.report.invalid,
        "errors": result.report.errors,
        "unmapped_fields": result.report.unmapped_fields,
    }
    expected_path = path.with_name(path.name + ".expected.json")
    if os.environ.get("SHAREHUB_UPDATE_GOLDEN") == "1":
        expected_path.write_text(json.dumps(actual, ensure_ascii=False, indent=1) + "\n",
                                 encoding="utf-8")
    assert actual == json.loads(expected_path.read_text(encoding="utf-8"))
