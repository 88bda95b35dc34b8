"""`sharehub run` for real, against the sample platforms with intervals of seconds: runs
happen and are recorded, a failing source backs off, a second scheduler on the same data
refuses to start, a broken edit is rejected while a good one (and SIGHUP) applies, and
SIGTERM stops it cleanly. About 25 s."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

from index import Catalog
from sample_platforms import SamplePlatforms

ROOT = Path(__file__).parent.parent
DEFAULTS = """allow_private_networks: true
defaults:
  interval: 2s
  min_interval: 1s
  max_interval: 4s
  jitter: 0
  misfire_grace: 30s
  time_limit: 20s
  backoff_initial: 1s
  backoff_max: 4s
sources:
"""


def _source(source_id: str, kind: str, url: str) -> str:
    return f"  - {{id: {source_id}, name: {source_id}, kind: {kind}, url: '{url}'}}\n"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Lines:
    """stderr of a process, read on a thread, searchable while it runs."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        self._thread = threading.Thread(target=self._read, args=(proc,), daemon=True)
        self._thread.start()

    def _read(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            self.lines.append(line)

    def close(self, proc: subprocess.Popen[str]) -> None:
        self._thread.join(timeout=10)
        assert proc.stderr is not None
        proc.stderr.close()

    def count(self, *parts: str) -> int:
        return sum(1 for line in list(self.lines) if all(p in line for p in parts))

    def wait_for(self, *parts: str, at_least: int = 1, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while self.count(*parts) < at_least:
            assert time.monotonic() < deadline, (
                f"no line with {parts} (×{at_least}):\n" + "".join(self.lines[-40:]))
            time.sleep(0.1)


def test_sharehub_run_schedules_records_reloads_and_stops(tmp_path):
    data = tmp_path / "data"
    config = tmp_path / "schedules.yaml"
    env = {**os.environ, "SHAREHUB_DATA_DIR": str(data), "SHAREHUB_CRAWL_HOST_MIN_DELAY_S": "0",
           "SHAREHUB_SCHEDULER_RELOAD_POLL_S": "0.3", "SHAREHUB_SCHEDULER_SHUTDOWN_GRACE_S": "5"}
    with SamplePlatforms(host="127.0.0.1", port=0) as platforms:
        base = platforms.base_url
        sources = (_source("modu-spaces", "rss", f"{base}/company/feed.xml")
                   + _source("mapo-tools", "csv", f"{base}/district/mapo/tools.csv")
                   + _source("broken", "rss", f"{base}/no/such/feed.xml"))
        config.write_text(DEFAULTS + sources, encoding="utf-8")
        command = [sys.executable, "-m", "sharehub", "run", "--config", str(config)]
        proc = subprocess.Popen([*command, "--port", str(_free_port())], cwd=ROOT, env=env,
                                stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
        lines = Lines(proc)
        try:
            lines.wait_for("serving at", timeout=60)
            second = subprocess.run([*command, "--port", str(_free_port())], cwd=ROOT, env=env,
                                    capture_output=True, text=True, timeout=60, check=False)
            assert second.returncode == 2
            assert f"(pid {proc.pid}) is already running" in second.stderr

            lines.wait_for("run finished", "source_id=modu-spaces", at_least=3)
            lines.wait_for("run finished", "source_id=mapo-tools", at_least=3)
            lines.wait_for("run finished", "source_id=broken", at_least=3)

            config.write_text(DEFAULTS + sources + "  - {id: x, name: x, kind: rss, url: u, "
                              "every: 5}\n", encoding="utf-8")
            lines.wait_for("schedules file rejected", "schedules.yaml:15: sources.3.every "
                           "(source x): unknown key")
            config.write_text(DEFAULTS + sources + _source(
                "shareit", "json_feed", f"{base}/company/shareit/feed.json"), encoding="utf-8")
            lines.wait_for("run finished", "source_id=shareit")
            reloads = lines.count("schedule reloaded")
            proc.send_signal(signal.SIGHUP)
            lines.wait_for("schedule reloaded", at_least=reloads + 1)
        finally:
            proc.send_signal(signal.SIGTERM)
            returncode = proc.wait(timeout=30)
            lines.close(proc)
        assert returncode == 0, "".join(lines.lines[-30:])
        assert lines.count("scheduler stopped") == 1

        # `sharehub crawl SOURCE` refreshes now; off a terminal, one structured line a run.
        crawl = subprocess.run([sys.executable, "-m", "sharehub", "crawl", "--config",
                                str(config), "modu-spaces"], cwd=ROOT, env=env,
                               capture_output=True, text=True, timeout=120, check=False)
        assert crawl.returncode == 0, crawl.stderr
        assert "INFO sharehub.crawl run finished" in crawl.stderr
        assert "source_id=modu-spaces" in crawl.stderr

    catalog = Catalog(data / "catalog.sqlite3", read_only=True)
    runs = {sid: list(reversed(catalog.runs(sid))) for sid in
            ("modu-spaces", "mapo-tools", "broken", "shareit")}
    catalog.close()
    assert len(runs["modu-spaces"]) >= 3
    assert len(runs["mapo-tools"]) >= 3
    assert runs["modu-spaces"][0].status == "ok"
    assert runs["modu-spaces"][0].added > 0
    assert {r.status for r in runs["modu-spaces"][1:]} <= {"ok", "unchanged"}
    assert all(r.status == "failed" and "404" in (r.error or "") for r in runs["broken"])
    assert runs["shareit"]
    assert runs["shareit"][0].status == "ok"
    for source_id, source_runs in runs.items():
        for earlier, later in zip(source_runs, source_runs[1:], strict=False):
            assert earlier.finished_at <= later.started_at, f"{source_id} ran twice at once"
    # Backoff is what the scheduler plans after each failure (next_run_at in its log line),
    # measured from the run's end: 1 s, then 2 s (each less up to 20 % jitter). The actual
    # starts can be later (the host's two request slots are shared with the other sources),
    # so they are not what this checks.
    planned = [datetime.fromisoformat(match.group(1)) for line in lines.lines
               if "source_id=broken" in line and "run finished" in line
               and (match := re.search(r"next_run_at=(\S+)", line))]
    delays = [(next_at - run.finished_at).total_seconds()
              for next_at, run in zip(planned, runs["broken"], strict=False)]
    assert len(delays) >= 2, f"the failing source ran {len(delays)} times"
    assert delays[1] > delays[0] * 1.3, f"the failing source did not back off: {delays}"
    assert 0.7 <= delays[0] <= 1.3, f"first backoff is not ≈1 s: {delays}"

    status = subprocess.run([sys.executable, "-m", "sharehub", "sources", "status", "--json",
                             "--config", str(config)], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=60, check=True)
    states = {s["source_id"]: s for s in json.loads(status.stdout)}
    assert states["modu-spaces"]["state"] == "healthy"
    assert states["broken"]["state"] in ("degraded", "failing")
    assert states["broken"]["failing_since"] is not None
    assert states["broken"]["next_attempt"] is not None
