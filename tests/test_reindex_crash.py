"""kill -9 during a reindex: the index keeps serving the previous complete version.

A driver process opens a real catalog of 2,000 listings and the index, loads Kiwi once
(a full rebuild, which fills its word cache), then forks one child per trial that rebuilds
the index from the catalog's listings. The test SIGKILLs each child after a random delay
spread over the whole rebuild (stratified, so early, middle and late kills all happen, and
some children finish). After every kill a fresh TantivyIndex must open a complete version:
the previous one, or the new one if the child got to swap it in. Finally the real
`sharehub reindex` must complete and leave exactly one version folder behind.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest

from index import Catalog, SearchQuery, TantivyIndex
from normalizer.schema import Source
from sharehub.wiring import category_words
from tests.conftest import NOW
from tests.factories import make_listing

LISTINGS = 2_000
TRIALS = 10
REPO = Path(__file__).resolve().parent.parent

# Each child rebuilds from `size` of the catalog's listings, so the versions differ in count.
DRIVER = r"""
import os, sys
from pathlib import Path
from index import Catalog, TantivyIndex
from sharehub.wiring import category_words

root = Path(sys.argv[1])
catalog = Catalog(root / "catalog.sqlite3", read_only=True)
listings, seq = list(catalog.iter_listings()), catalog.change_seq()
catalog.close()
index = TantivyIndex(root / "index", category_words())
index.rebuild(listings, seq)
print("ready", flush=True)
for line in sys.stdin:
    child = os.fork()
    if child == 0:
        index.rebuild(listings[:int(line)], seq)
        os._exit(0)
    print(child, flush=True)
    os.waitpid(child, 0)
    print("reaped", flush=True)
"""

_WORDS = ["공구", "캠핑텐트", "회의실", "전동드릴", "유모차", "자전거", "우산", "강당", "공유주방",
          "스터디룸", "tool", "tent", "meeting room"]
_DISTRICTS = [("11440", "마포구"), ("11680", "강남구"), ("11110", "종로구"), ("11290", "성북구")]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    """A data folder with a catalog of LISTINGS listings and no index yet."""
    root = tmp_path_factory.mktemp("crash")
    rng = random.Random(5)
    listings = [make_listing(f"r{i}", f"{rng.choice(_WORDS)} {rng.choice(_WORDS)} {i}호",
                             district=rng.choice(_DISTRICTS), free=rng.random() < 0.5,
                             description=" ".join(rng.sample(_WORDS, 3)))
                for i in range(LISTINGS)]
    catalog = Catalog(root / "catalog.sqlite3")
    catalog.save_source(Source(id="mapo-tools", name="마포구 공구대여소", kind="csv",
                               url="http://127.0.0.1/tools.csv"), NOW)
    catalog.apply_run("mapo-tools", listings, started_at=NOW - timedelta(minutes=1),
                      finished_at=NOW, invalid=0, record_errors=[], etag=None,
                      last_modified=None)
    catalog.close()
    return root


def _line(driver: subprocess.Popen[str]) -> str:
    assert driver.stdout is not None
    line = driver.stdout.readline().strip()
    assert line, f"the driver stopped: {driver.stderr.read() if driver.stderr else ''}"
    return line


def _serving(root: Path) -> tuple[str, int]:
    """The live version and its count, through a fresh reader, checking it answers."""
    reader = TantivyIndex(root / "index", category_words())
    try:
        name = (root / "index" / "CURRENT").read_text(encoding="utf-8")
        count = reader.count()
        results = reader.search(SearchQuery(district_codes=("11440", "11680"),
                                            facets=("district",), limit=5))
        assert results.total > 0, "a district search found nothing"
        assert sum(f.count for f in results.facets["district"]) == results.total
        assert reader.get(results.hits[0].listing.id) == results.hits[0].listing
        return name, count
    finally:
        reader.close()


def _rebuild_in_child(driver: subprocess.Popen[str], size: int) -> int:
    assert driver.stdin is not None
    driver.stdin.write(f"{size}\n")
    driver.stdin.flush()
    return int(_line(driver))


def _kill_children_at_random(driver: subprocess.Popen[str], data_dir: Path) -> None:
    assert _line(driver) == "ready"
    assert _serving(data_dir)[1] == LISTINGS
    started = time.monotonic()  # one uninterrupted child: how long a rebuild takes
    _rebuild_in_child(driver, LISTINGS - 1)
    assert _line(driver) == "reaped"
    duration = time.monotonic() - started
    before = _serving(data_dir)
    assert before[1] == LISTINGS - 1
    seed = random.randrange(10**6)
    rng = random.Random(seed)
    went_live = []
    for trial in range(TRIALS):
        size = LISTINGS - 2 - trial
        delay = duration * 1.2 * (trial + rng.random()) / TRIALS
        child = _rebuild_in_child(driver, size)
        time.sleep(delay)
        try:
            os.kill(child, signal.SIGKILL)
        except ProcessLookupError:
            pass  # it finished first: the new version must then be live
        assert _line(driver) == "reaped"
        after = _serving(data_dir)
        context = f"seed {seed}, trial {trial}, killed after {delay:.3f}s of {duration:.3f}s"
        if after[0] == before[0]:
            assert after[1] == before[1], f"the previous version changed ({context})"
        else:
            assert after[1] == size, f"a new version went live incomplete ({context})"
        went_live.append(after[0] != before[0])
        before = after
    assert not all(went_live), "every child finished: no kill landed inside a rebuild"


def test_kill_9_during_reindex_leaves_the_previous_complete_version(data_dir):
    with subprocess.Popen([sys.executable, "-c", DRIVER, str(data_dir)], cwd=REPO,
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True) as driver:
        try:
            _kill_children_at_random(driver, data_dir)
        finally:
            driver.kill()
    versions = data_dir / "index" / "versions"
    reindex = subprocess.run([sys.executable, "-m", "sharehub", "reindex"], cwd=REPO,
                             env={**os.environ, "SHAREHUB_DATA_DIR": str(data_dir)},
                             capture_output=True, text=True, timeout=120)
    assert reindex.returncode == 0, reindex.stderr
    current = (data_dir / "index" / "CURRENT").read_text(encoding="utf-8")
    assert [p.name for p in versions.iterdir()] == [current], "stale versions were left"
    assert _serving(data_dir) == (current, LISTINGS)
