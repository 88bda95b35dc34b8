"""`sharehub preview` detects the kind of every fixture document, or says what to pass."""

from __future__ import annotations

import pytest

from normalizer import ParseError, detect_kind
from tests.conftest import FIXTURE_SOURCES, FIXTURES

DESCRIBED = {"json_api", "xml_api"}  # kinds that need the operator's field description
CASES = sorted(p for kind in FIXTURE_SOURCES for p in (FIXTURES / kind).glob("*")
               if not p.name.endswith(".expected.json"))


@pytest.mark.parametrize("path", CASES, ids=[f"{p.parent.name}/{p.name}" for p in CASES])
def test_fixture_kind_is_detected(path):
    kind = path.parent.name
    if kind in DESCRIBED:
        with pytest.raises(ParseError, match=f"--kind {kind} --params-file"):
            detect_kind(path.read_bytes(), name=path.name)
    else:
        assert detect_kind(path.read_bytes(), name=path.name) == kind


@pytest.mark.parametrize(("body", "message"), [
    (b"<!doctype html><html><body><ul><li>x</li></ul></body></html>", "--kind html"),
    (b"PK\x03\x04rest-of-a-zip", "not an XLSX"),
    (b"\xd0\xcf\x11\xe0legacy", "legacy .xls"),
    (b"{not json", "does not parse"),
    (b"\x00\x01\x02", "unknown format"),
], ids=["plain-html", "zip", "xls", "bad-json", "binary"])
def test_undetectable_documents_say_what_to_do(body, message):
    with pytest.raises(ParseError, match=message):
        detect_kind(body)
