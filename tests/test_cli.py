"""The `sharehub` command as operators run it (a real subprocess)."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import pytest

from sample_platforms import SamplePlatforms
from tests.conftest import FIXTURES

SEONGBUK = FIXTURES / "csv" / "seongbuk_utf8.csv"


def _sharehub(*args, env=None, cwd=None):
    return subprocess.run([sys.executable, "-m", "sharehub", *args], capture_output=True,
                          text=True, timeout=120, env=env, cwd=cwd)


def test_preview_prints_one_listing_per_row_of_the_seongbuk_file():
    result = _sharehub("preview", str(SEONGBUK), "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    listings = [json.loads(line) for line in result.stdout.splitlines()]
    with SEONGBUK.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(listings) == len(rows) == 21
    for listing, row in zip(listings, rows, strict=True):
        assert listing["title"] == row["공구대여소"]
        assert listing["location"]["district_code"] == "11290"
        assert listing["location"]["lat"] == float(row["위도"])
        assert listing["location"]["lon"] == float(row["경도"])
    assert "records: 21  listings: 21" in result.stderr
    assert "unmapped fields" not in result.stderr


def test_preview_of_an_unreadable_file_fails_with_one_line():
    result = _sharehub("preview", str(FIXTURES / "rss" / "atom_rooms.xml"), "--kind", "csv")
    assert result.returncode != 0
    assert result.stdout == ""
    assert result.stderr.strip().startswith("sharehub preview: cannot read the document")
    assert len(result.stderr.strip().splitlines()) == 1


def test_preview_of_a_missing_file():
    result = _sharehub("preview", "/nonexistent/tools.csv")
    assert result.returncode == 1
    assert "cannot read /nonexistent/tools.csv" in result.stderr


def test_preview_refuses_loopback_unless_allowed():
    with SamplePlatforms(host="127.0.0.1", port=0) as platforms:
        url = platforms.url("/district/mapo/tools.csv")
        refused = _sharehub("preview", url)
        allowed = _sharehub("preview", url, "--allow-private")
    assert refused.returncode == 1
    assert "non-public address" in refused.stderr
    assert allowed.returncode == 0
    assert len(allowed.stdout.splitlines()) >= 16


@pytest.fixture
def config_file(tmp_path):
    with SamplePlatforms(host="127.0.0.1", port=0) as platforms:
        path = tmp_path / "schedules.yaml"
        path.write_text(
            "allow_private_networks: true\nsources:\n"
            f"  - {{id: mapo-tools, name: 마포구 공구대여소, kind: csv, "
            f"url: '{platforms.url('/district/mapo/tools.csv')}', district_code: '11440'}}\n"
            f"  - {{id: broken, name: 없는 플랫폼, kind: rss, url: '{platforms.url('/no')}'}}\n",
            encoding="utf-8")
        yield path


def test_crawl_reports_runs_as_json_and_coverage(tmp_path, config_file):
    env = {"SHAREHUB_DATA_DIR": str(tmp_path / "data"), "PATH": "/usr/bin:/bin"}
    result = _sharehub("crawl", "--config", str(config_file), "--json", env=env)
    runs = {r["source_id"]: r for r in json.loads(result.stdout)}
    assert result.returncode == 2  # one source failed
    assert runs["mapo-tools"]["status"] == "ok"
    assert runs["mapo-tools"]["added"] >= 16
    assert runs["broken"]["status"] == "failed"
    assert "404" in runs["broken"]["error"]

    coverage = _sharehub("coverage", "--format", "json", env=env)
    cells = {(c["district_code"], c["category"]): c for c in json.loads(coverage.stdout)["cells"]}
    assert cells[("11440", "item.tools")]["count"] >= 16
    assert cells[("11440", "item.tools")]["oldest_confirmed"] is not None
    assert cells[("11290", "item.tools")]["gap"]  # 성북구: expected, nothing crawled
    table = _sharehub("coverage", env=env)
    assert "11440 마포구" in table.stdout
    assert len(_sharehub("coverage", "--format", "csv", env=env).stdout.splitlines()) == 26


def test_unknown_key_in_schedules_is_named(tmp_path):
    path = tmp_path / "schedules.yaml"
    path.write_text("sources:\n  - {id: a, name: A, kind: rss, url: 'http://x', colour: red}\n",
                    encoding="utf-8")
    result = _sharehub("schedules", "check", str(path))
    assert result.returncode == 2
    assert f"{path}:2: sources.0.colour (source a): unknown key" in result.stderr


def test_preview_of_an_api_kind_uses_its_fetcher_params_and_key():
    import os

    from sample_platforms.gongyunuri_platform import API_PREFIX, KEY_ENV, SAMPLE_KEY
    with SamplePlatforms(host="127.0.0.1", port=0) as platforms:
        url = platforms.url(API_PREFIX)
        env = {**os.environ, KEY_ENV: SAMPLE_KEY}
        ok = _sharehub("preview", url, "--kind", "gongyunuri", "--key-env", KEY_ENV,
                       "--param", "detail_batch_size=10", "--allow-private", env=env)
        no_key = _sharehub("preview", url, "--kind", "gongyunuri", "--key-env", KEY_ENV,
                           "--allow-private", env={k: v for k, v in env.items()
                                                   if k != KEY_ENV})
    assert ok.returncode == 0, ok.stderr
    assert len(ok.stdout.splitlines()) >= 25
    assert no_key.returncode == 1
    assert f"the API key variable {KEY_ENV} is not set" in no_key.stderr
    assert SAMPLE_KEY not in ok.stderr + ok.stdout


def test_a_crawl_refuses_to_run_beside_a_scheduler_on_the_same_data(tmp_path, config_file):
    from sharehub.schedule_store import SchedulerLock

    env = {"SHAREHUB_DATA_DIR": str(tmp_path / "data"), "PATH": "/usr/bin:/bin"}
    with SchedulerLock(tmp_path / "data"):
        result = _sharehub("crawl", "--config", str(config_file), env=env)
    assert result.returncode == 2
    assert "is already running on" in result.stderr
