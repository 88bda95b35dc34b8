"""Project-wide contracts: the published schema, one-way imports, documented settings,
explicit public surfaces, and small modules."""

from __future__ import annotations

import ast
import importlib
import json
from pathlib import Path

import pytest

from normalizer.schema import Listing
from normalizer.schema_export import listing_json_schema
from sharehub.settings import Settings

ROOT = Path(__file__).parent.parent
PACKAGES = ["crawlers", "normalizer", "index", "hub_site", "sharehub", "sample_platforms",
            "hostile_platforms"]
# Which project packages each package may import (DESIGN.md: one-way data flow). The
# canonical schema (normalizer.schema) crosses every boundary, so anyone may import it.
SCHEMA = "normalizer.schema"
ALLOWED = {
    "crawlers": set(),
    "normalizer": set(),
    "index": {"normalizer"},
    "hub_site": {"index", "normalizer"},
    "sample_platforms": set(),
    "sharehub": {"crawlers", "normalizer", "index", "hub_site", "sample_platforms"},
    # The hostile world is a test rig: it drives the real application against hostile
    # and healthy platforms, so it may use everything (and nothing imports it).
    "hostile_platforms": {"crawlers", "normalizer", "index", "sharehub", "sample_platforms"},
}
DESIGN_KEYS = ["id", "source_id", "source_record_id", "url", "title", "description", "kind",
               "category", "provider", "location", "hours", "fee", "loan_period_days",
               "capacity", "items", "contact", "booking_url", "image_url", "tags",
               "source_updated_at", "first_seen_at", "last_seen_at", "also_listed_on",
               "quality"]


def test_committed_schema_matches_the_model():
    committed = (ROOT / "schema" / "listing.schema.json").read_text(encoding="utf-8")
    assert committed == listing_json_schema(), "run `make schema` and commit the result"


def test_schema_requires_every_design_key():
    schema = json.loads(listing_json_schema())
    assert schema["required"] == DESIGN_KEYS
    assert list(Listing.model_fields) == DESIGN_KEYS


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module != SCHEMA:
                names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", PACKAGES)
def test_imports_flow_one_way(package):
    for path in (ROOT / package).rglob("*.py"):
        used = _imports(path) & set(PACKAGES) - {package}
        assert used <= ALLOWED[package], f"{path.relative_to(ROOT)} imports {used}"


def test_every_setting_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, field in Settings.model_fields.items():
        assert field.description, name
        assert f"SHAREHUB_{name.upper()}" in readme, f"SHAREHUB_{name.upper()} not in README"


@pytest.mark.parametrize("package", PACKAGES)
def test_public_surface_is_explicit_and_sorted(package):
    module = importlib.import_module(package)
    exported = module.__all__
    assert exported == sorted(exported)
    for name in exported:
        assert hasattr(module, name), f"{package}.{name}"


def test_modules_stay_small():
    big = [str(p.relative_to(ROOT)) for package in PACKAGES for p in (ROOT / package).rglob(
        "*.py") if len(p.read_text(encoding="utf-8").splitlines()) > 400]
    assert big == []
