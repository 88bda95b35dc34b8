"""A synthetic but realistic Korean listing corpus, built from the sample platforms' data."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from importlib import resources

from normalizer import Listing, Source, parse_document

__all__ = ["QUERIES", "build_corpus", "sample_documents"]

QUERIES = ["드릴", "텐트", "회의실", "공구", "공유주방", "마포구 드릴", "meeting room", "캠핑텐트",
           "스터디룸", "주차장"]
_WORDS = ["캠핑텐트", "전동드릴을", "회의실에서", "공구함", "우산", "자전거", "유모차", "목발",
          "빔프로젝터", "조리도구", "주차장", "강당", "스터디룸", "tent", "drill", "kitchen"]


def sample_documents() -> list[tuple[bytes, Source]]:
    data = resources.files("sample_platforms") / "data"
    return [
        (data.joinpath("spaces_feed.xml").read_bytes(),
         Source(id="modu-spaces", name="모두의공간", kind="rss", url="file:feed")),
        (data.joinpath("mapo_tool_rental.csv").read_bytes(),
         Source(id="mapo-tools", name="마포구 공구대여소", kind="csv", url="file:csv",
                district_code="11440")),
    ]


def build_corpus(size: int, seed: int = 7) -> list[Listing]:
    """`size` listings: the sample listings repeated with varied titles and descriptions."""
    rng = random.Random(seed)
    now = datetime(2026, 11, 21, tzinfo=UTC)
    base = [li for body, source in sample_documents()
            for li in parse_document(body, source, now).listings]
    corpus = []
    for i in range(size):
        template = base[i % len(base)]
        extra = " ".join(rng.sample(_WORDS, 3))
        corpus.append(template.model_copy(update={
            "id": f"{template.id}-{i}", "title": f"{template.title} {i}",
            "description": f"{template.description or ''} {extra}"}))
    return corpus
