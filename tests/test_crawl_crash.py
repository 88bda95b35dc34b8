"""kill -9 during `sharehub crawl`: the catalog stays consistent and the site keeps serving.

Each trial changes the 마포구 tools file (a different row goes missing), starts a real
`sharehub crawl` of the sample platforms in a subprocess and SIGKILLs it after a random
delay spread over a whole crawl (stratified: early, middle and late kills all happen; some
crawls finish). After every kill:

- SQLite's integrity check passes;
- every source's runs are whole: each listing still present at a source carries the time
  of that source's last successful run (a run is applied in one transaction or not at all);
- a fresh reader of the search index opens a complete version and answers a search.

Finally an uninterrupted crawl completes and the index holds what a rebuild from the
catalog holds. With tests/test_reindex_crash.py's ten trials, twenty kills in all.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from index import SearchQuery, TantivyIndex
from sample_platforms import SamplePlatforms
from sample_platforms.content import TOOLS_PATH, read_data_file
from sharehub.wiring import category_words

TRIALS = 10
QUICK_SOURCES = {"mapo-tools", "modu-spaces", "shareit-feed", "songpa-tools"}
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    root = tmp_path_factory.mktemp("crawl-crash")
    with SamplePlatforms(host="127.0.0.1", port=0) as platforms:
        config = root / "schedules.yaml"
        # The quick kinds (files and feeds): each trial is one short crawl.
        sources = [s for s in platforms.sources() if s["id"] in QUICK_SOURCES]
        config.write_text(yaml.safe_dump({"allow_private_networks": True, "sources": sources},
                                         allow_unicode=True), encoding="utf-8")
        env = {**os.environ, "SHAREHUB_DATA_DIR": str(root / "data"),
               "SHAREHUB_CRAWL_HOST_MIN_DELAY_S": "0", **platforms.secrets()}
        yield root, config, env, platforms


def _crawl(config: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "sharehub", "crawl", "--config",
                             str(config), "--json"], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _tools_without_row(row: int) -> bytes:
    lines = read_data_file("mapo_tool_rental.csv").split(b"\n")
    header, data = lines[0], [line for line in lines[1:] if line.strip()]
    return b"\n".join([header, *(line for i, line in enumerate(data) if i != row)]) + b"\n"


def _check_catalog(path: Path, context: str) -> int:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok", context
        torn = conn.execute(
            """SELECT l.source_id, count(*) FROM listings l JOIN fetch_state f
               ON f.source_id = l.source_id WHERE l.missing_since IS NULL
               AND l.last_seen_at != f.last_success_at GROUP BY l.source_id""").fetchall()
        assert not torn, f"listings not from their source's last whole run: {torn} ({context})"
        return int(conn.execute("SELECT count(*) FROM listings").fetchone()[0])
    finally:
        conn.close()


def _serving(index_dir: Path, context: str) -> int:
    reader = TantivyIndex(index_dir, category_words())
    try:
        results = reader.search(SearchQuery(text="공구", limit=5))
        assert results.total > 0, f"the index answers nothing ({context})"
        return reader.count()
    finally:
        reader.close()


def test_kill_9_during_crawl_leaves_a_consistent_catalog_and_a_serving_index(world):
    root, config, env, platforms = world
    first = _crawl(config, env)
    started = time.monotonic()
    _out, err = first.communicate(timeout=300)
    duration = time.monotonic() - started
    assert first.returncode == 0, err
    catalog, index_dir = root / "data" / "catalog.sqlite3", root / "data" / "index"
    _check_catalog(catalog, "after the first crawl")
    _serving(index_dir, "after the first crawl")
    seed = random.randrange(10**6)
    rng = random.Random(seed)
    finished = []
    for trial in range(TRIALS):
        platforms.set_body(TOOLS_PATH, _tools_without_row(trial % 5))
        delay = duration * 1.1 * (trial + rng.random()) / TRIALS
        crawl = _crawl(config, env)
        time.sleep(delay)
        crawl.send_signal(signal.SIGKILL)
        crawl.communicate(timeout=60)
        finished.append(crawl.returncode == 0)
        context = f"seed {seed}, trial {trial}, killed after {delay:.2f}s of {duration:.2f}s"
        _check_catalog(catalog, context)
        _serving(index_dir, context)
    assert not all(finished), "every crawl finished: no kill landed inside one"
    platforms.reset()
    last = _crawl(config, env)
    _out, err = last.communicate(timeout=300)
    assert last.returncode == 0, err
    listings = _check_catalog(catalog, "after the last crawl")
    served = _serving(index_dir, "after the last crawl")
    reindex = subprocess.run([sys.executable, "-m", "sharehub", "reindex"], cwd=REPO, env=env,
                             capture_output=True, text=True, timeout=300)
    assert reindex.returncode == 0, reindex.stderr
    assert _serving(index_dir, "after a rebuild") == served
    assert served <= listings  # duplicates across sources show once
