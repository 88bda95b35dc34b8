"""bench/REPORT.md is shared by several benchmarks: each owns one marked section.

A section sits between `<!-- NAME:start -->` and `<!-- NAME:end -->`; writing it replaces
the earlier one (or appends it) and leaves the rest of the file as it was.
"""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["REPORT", "write_section"]

REPORT = Path(__file__).with_name("REPORT.md")
_TITLE = "# sharehub benchmark report\n"


def write_section(name: str, markdown: str, path: Path = REPORT) -> None:
    """Put `markdown` into the report as section `name` (between its markers)."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    section = f"{start}\n{markdown.strip()}\n{end}\n"
    text = path.read_text(encoding="utf-8") if path.exists() else _TITLE
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end) + r"\n?", re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _: section, text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text, encoding="utf-8")
