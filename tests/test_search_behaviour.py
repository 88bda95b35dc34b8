"""Run the search behaviour suite (tests/search_behaviour.py) against every backend.

The embedded tantivy index always; Elasticsearch when SHAREHUB_ELASTICSEARCH_URL points at
a cluster (each test then works behind its own alias, `sharehub-test-<random>`, and removes
its indexes and template afterwards). Both are opened through `sharehub.wiring.open_index`,
as the application opens them.
"""

from __future__ import annotations

import os
import uuid

import pytest

import tests.search_behaviour as suite
from index.elasticsearch_index import ElasticsearchIndex
from sharehub.settings import Settings
from sharehub.wiring import open_index
from tests.search_behaviour import *  # noqa: F403  (the suite's test functions)

ELASTICSEARCH_URL = os.environ.get("SHAREHUB_ELASTICSEARCH_URL")


@pytest.fixture(params=[
    "tantivy",
    pytest.param("elasticsearch", marks=[
        pytest.mark.elasticsearch,
        pytest.mark.skipif(not ELASTICSEARCH_URL,
                           reason="set SHAREHUB_ELASTICSEARCH_URL to run against a cluster")]),
])
def backend(request, tmp_path):
    if request.param == "tantivy":
        settings = Settings(index_backend="tantivy", elasticsearch_url=None, data_dir=tmp_path)
    else:
        alias = f"sharehub-test-{uuid.uuid4().hex[:10]}"
        settings = Settings(index_backend="elasticsearch", elasticsearch_url=ELASTICSEARCH_URL,
                            elasticsearch_alias=alias, data_dir=tmp_path)
    index = open_index(settings)
    try:
        index.rebuild(suite.WORLD, change_seq=1)
        yield index
    finally:
        if isinstance(index, ElasticsearchIndex):
            index.drop()  # its versions and template: the cluster is left as found
        index.close()


def test_every_suite_test_is_exported():
    tests = sorted(name for name in vars(suite) if name.startswith("test_"))
    exported = [name for name in suite.__all__ if name.startswith("test_")]
    assert exported == tests, "add new suite tests to tests/search_behaviour.__all__ (sorted)"
