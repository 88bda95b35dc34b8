"""The JSON Schema of listings operators publish (`data/published_listing.schema.json`).

Used by the JSON Lines reader (whole records) and the JSON Feed reader (the `_sharehub`
extension's keys), so both report a problem the same way: its JSON path and what is wrong.
schema/published_listing.schema.json is the published copy (a test keeps the two equal).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

__all__ = ["PUBLISHED_SCHEMA_PATH", "extension_errors", "schema_errors"]

PUBLISHED_SCHEMA_PATH = Path(__file__).resolve().parent / "data" / \
    "published_listing.schema.json"
_MAX_ERRORS = 5


@cache
def _schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(PUBLISHED_SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return schema


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(_schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)


@cache
def _extension_validator() -> Draft202012Validator:
    # The extension carries some of the record's keys; others (typos) are reported apart.
    schema = {**_schema(), "required": [], "additionalProperties": True}
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _messages(validator: Draft202012Validator, value: Any, root: str) -> list[str]:
    errors = sorted(validator.iter_errors(value), key=lambda e: list(e.absolute_path))
    found = []
    for error in errors[:_MAX_ERRORS]:
        if error.context:  # oneOf: say what is wrong inside the alternative that fits best
            error = max(error.context, key=lambda e: len(e.absolute_path))
        found.append(f"{root}{error.json_path[1:]}: {error.message}")
    return found


def schema_errors(record: Any) -> list[str]:
    """Every way a published record breaks the schema, as "$.path: message", in
    document order (at most a few)."""
    return _messages(_validator(), record, "$")


def extension_errors(extension: dict[str, Any]) -> list[str]:
    """The same for a JSON Feed item's `_sharehub` object ("$._sharehub.lat: …")."""
    return _messages(_extension_validator(), extension, "$._sharehub")
