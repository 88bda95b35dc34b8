"""Write the Listing JSON Schema: `python -m normalizer.schema_export [PATH]`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from normalizer.schema import Listing

__all__ = ["listing_json_schema"]

DEFAULT_PATH = Path("schema/listing.schema.json")


def listing_json_schema() -> str:
    """The Listing model's JSON Schema (draft 2020-12) as stable, pretty JSON text."""
    schema = Listing.model_json_schema(mode="serialization")
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema",
              "$id": "https://sharehub.kr/schema/listing.schema.json", **schema}
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_PATH
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(listing_json_schema(), encoding="utf-8")
