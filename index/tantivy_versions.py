"""The embedded index's data folder: complete versions, and the pointer to the live one.

    <root>/CURRENT              name of the live version (replaced with os.replace)
    <root>/versions/<name>/     one complete tantivy index + sharehub.json

sharehub.json records the catalog change_seq a version reflects and the SCHEMA_VERSION it
was written with. Every function here is plain file work; `index.tantivy_index` decides
when to call them.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

__all__ = [
    "SCHEMA_VERSION",
    "current_version",
    "is_outdated",
    "new_version_dir",
    "read_change_seq",
    "remove_versions_except",
    "swap_to",
    "write_meta",
]

# Bumped whenever the schema or the analysis changes what a version's terms mean: a
# version written with another one is replaced by an empty one, rebuilt from the catalog.
# 2 (issue 5): `uni` and `initials` without positions, documents sorted by district.
# 3: no positions in any text field (a word's bigrams match as a conjunction).
# 4: no `uni` field (a one-syllable query matches the bigrams holding the syllable).
SCHEMA_VERSION = 4
_META = "sharehub.json"


def current_version(root: Path) -> str | None:
    """The name of the live version, or None when there is none yet."""
    try:
        return (root / "CURRENT").read_text(encoding="utf-8").strip() or None
    except FileNotFoundError:
        return None


def new_version_dir(root: Path) -> Path:
    """A new, empty version folder (named after the clock, so names sort by age)."""
    path = root / "versions" / f"v{time.time_ns()}"
    path.mkdir(parents=True)
    return path


def swap_to(root: Path, name: str) -> None:
    """Make `name` the live version atomically and durably (fsync, then os.replace)."""
    pointer = root / "CURRENT.tmp"
    pointer.write_text(name, encoding="utf-8")
    with pointer.open("rb") as f:
        os.fsync(f.fileno())
    pointer.replace(root / "CURRENT")
    directory = os.open(root, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def read_change_seq(directory: Path) -> int:
    """The catalog change_seq the version in `directory` reflects (-1 when unknown)."""
    try:
        return int(json.loads((directory / _META).read_text(encoding="utf-8"))["change_seq"])
    except (FileNotFoundError, KeyError, ValueError):
        return -1


def write_meta(directory: Path, seq: int) -> None:
    """Record `seq` and this SCHEMA_VERSION for the version in `directory` (atomic)."""
    tmp = directory / f"{_META}.tmp"
    tmp.write_text(json.dumps({"change_seq": seq, "schema_version": SCHEMA_VERSION}),
                   encoding="utf-8")
    tmp.replace(directory / _META)


def is_outdated(directory: Path) -> bool:
    """Whether the version says it was written with another SCHEMA_VERSION (one with no
    sharehub.json is new and empty, or tantivy's own schema check decides)."""
    try:
        meta = json.loads((directory / _META).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return False
    return not isinstance(meta, dict) or meta.get("schema_version") != SCHEMA_VERSION


def remove_versions_except(root: Path, live: str | None) -> None:
    """Remove every version folder but `live` (one writing process per data folder)."""
    for folder in (root / "versions").iterdir():
        if folder.name != live:
            shutil.rmtree(folder, ignore_errors=True)
