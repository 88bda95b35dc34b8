"""`sharehub demo` as `make demo` runs it: serves the hub, and Ctrl-C stops everything."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time

import httpx


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for(pattern: str, lines: list[str], proc: subprocess.Popen[str]) -> re.Match[str]:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        line = proc.stderr.readline() if proc.stderr else ""
        if not line and proc.poll() is not None:
            break
        lines.append(line)
        if match := re.search(pattern, line):
            return match
    raise AssertionError("demo did not print " + pattern + ":\n" + "".join(lines))


def test_demo_serves_the_hub_and_stops_on_ctrl_c(tmp_path):
    port = _free_port()
    env = {**os.environ, "SHAREHUB_DATA_DIR": str(tmp_path / "data")}
    proc = subprocess.Popen([sys.executable, "-m", "sharehub", "demo", "--port", str(port)],
                            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
                            env=env)
    lines: list[str] = []
    try:
        samples = _wait_for(r"sample platforms on (http://\S+)", lines, proc).group(1)
        _wait_for(rf"serving at http://127\.0\.0\.1:{port}", lines, proc)
        body = {}
        for _ in range(50):  # uvicorn binds just after the message
            try:
                body = httpx.get(f"http://127.0.0.1:{port}/api/v1/search",
                                 params={"q": "드릴"}).json()
                break
            except httpx.ConnectError:
                time.sleep(0.1)
        mapo = [r for r in body["results"] if r["source_id"] == "mapo-tools"]
        assert len(mapo) >= 5
        assert all(r["location"]["district_name"] == "마포구" for r in mapo)
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
        proc.stderr.close()
    for url in (samples, f"http://127.0.0.1:{port}/"):
        try:
            httpx.get(url, timeout=2)
            raise AssertionError(f"{url} still answers after Ctrl-C")
        except httpx.ConnectError:
            pass
