"""The JSON Schema of listings operators publish (`data/published_listing.schema.json`).

Used by the JSON Lines reader (whole records) and the JSON Feed reader (the `_sharehub`
extension's keys), so both report a problem the same way: its JSON path and what is wrong.
schema/published_listing.schema.json is the published copy (a test keeps the two equal).

Most records are valid, and the Python validator takes ≈ 300 µs for one JSON Feed item's
extension (a tenth of a full crawl's CPU): jsonschema-rs says "valid" first, in a few
µs, and the Python validator runs only when it does not, for the messages. jsonschema-rs
is stricter on NaN (it finds no error then, and the answer is the same) and accepts a
leap second (23:59:60) that Python's date-time check refuses, so the Python format
checker confirms every formatted value before a record counts as valid.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs
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


def _extension_schema() -> dict[str, Any]:
    # The extension carries some of the record's keys; others (typos) are reported apart.
    return {**_schema(), "required": [], "additionalProperties": True}


@cache
def _extension_validator() -> Draft202012Validator:
    return Draft202012Validator(_extension_schema(),
                                format_checker=Draft202012Validator.FORMAT_CHECKER)


@cache
def _quick(extension: bool) -> jsonschema_rs.Draft202012Validator:
    return jsonschema_rs.Draft202012Validator(_extension_schema() if extension else _schema(),
                                              validate_formats=True)


@cache
def _formatted() -> tuple[tuple[str, str], ...]:
    """(property, format) of every top-level property with a format."""
    return tuple((name, spec["format"]) for name, spec in _schema()["properties"].items()
                 if "format" in spec)


def _surely_valid(value: Any, extension: bool) -> bool:
    if not _quick(extension).is_valid(value):
        return False
    conforms = Draft202012Validator.FORMAT_CHECKER.conforms
    return all(conforms(value[name], form) for name, form in _formatted() if name in value)


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
    return [] if _surely_valid(record, False) else _messages(_validator(), record, "$")


def extension_errors(extension: dict[str, Any]) -> list[str]:
    """The same for a JSON Feed item's `_sharehub` object ("$._sharehub.lat: …")."""
    if _surely_valid(extension, True):
        return []
    return _messages(_extension_validator(), extension, "$._sharehub")
