"""`sharehub sources …`: register a feed from the command line, review it, crawl it."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from sample_platforms import SamplePlatforms
from sample_platforms.content import TOOLS_PATH


def _sharehub(*args, env):
    return subprocess.run([sys.executable, "-m", "sharehub", *args], capture_output=True,
                          text=True, timeout=180, env=env)


def test_preview_add_list_approve_and_crawl_a_registered_source(tmp_path):
    env = {**os.environ, "SHAREHUB_DATA_DIR": str(tmp_path / "data"),
           "SHAREHUB_CONFIG_FILE": str(tmp_path / "schedules.yaml")}
    (tmp_path / "schedules.yaml").write_text("allow_private_networks: true\nsources: []\n",
                                             encoding="utf-8")
    with SamplePlatforms(host="127.0.0.1", port=0) as platforms:
        url = platforms.url(TOOLS_PATH)
        preview = _sharehub("sources", "preview", url, "--district", "11440",
                            "--allow-private", env=env)
        assert preview.returncode == 0, preview.stderr
        assert "ok   address:" in preview.stdout
        assert "ok   parse:" in preview.stdout
        refused = _sharehub("sources", "preview", url, env=env)
        assert refused.returncode == 1
        assert "FAIL address:" in refused.stdout

        added = _sharehub("sources", "add", url, "--name", "마포구 공구대여소", "--district",
                          "11440", "--interval", "6h", "--allow-private", env=env)
        assert added.returncode == 0, added.stderr
        assert "registered for review" in added.stdout
        again = _sharehub("sources", "add", url, "--name", "again", "--allow-private", env=env)
        assert again.returncode == 2
        assert "already registered" in again.stderr

        listed = json.loads(_sharehub("sources", "list", "--json", env=env).stdout)
        assert [(r["status"], r["definition"]["district_code"]) for r in listed] == [
            ("pending", "11440")]
        source_id = listed[0]["source_id"]
        approved = _sharehub("sources", "approve", str(listed[0]["id"]), env=env)
        assert approved.returncode == 0, approved.stderr
        assert "approved" in approved.stdout
        rejected = _sharehub("sources", "reject", str(listed[0]["id"]), "--reason", "x",
                             env=env)
        assert rejected.returncode == 2
        assert "already approved" in rejected.stderr

        crawl = _sharehub("crawl", source_id, "--json", env=env)
        assert crawl.returncode == 0, crawl.stderr
        (run,) = json.loads(crawl.stdout)
        assert run["source_id"] == source_id
        assert run["status"] == "ok"
        assert run["added"] >= 16
        status = _sharehub("sources", "status", "--json", env=env)
        assert source_id in status.stdout
