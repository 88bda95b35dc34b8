"""schedules.yaml: strict parsing (file, line and key in every error), the policy each
source gets, and sources that wait for their API key."""

from __future__ import annotations

import subprocess
import sys
from datetime import time, timedelta
from pathlib import Path

import pytest

from sharehub.schedules import ConfigError, load_schedules

ROOT = Path(__file__).parent.parent
M, H = timedelta(minutes=1), timedelta(hours=1)


def test_bundled_schedules_file_is_valid_and_real_apis_wait_for_keys():
    config = load_schedules(ROOT / "schedules.yaml")
    ids = {s.id for s in config.active_sources({})}
    assert {"modu-spaces", "mapo-tools"} <= ids
    assert "gongyunuri" not in ids
    with_key = {s.id for s in config.active_sources({"SHAREHUB_GONGYUNURI_KEY": "k"})}
    assert "gongyunuri" in with_key




def _write(folder: Path, text: str) -> Path:
    path = folder / "schedules.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_docs_example_loads_with_every_key(tmp_path):
    text = (ROOT / "docs" / "schedules.md").read_text(encoding="utf-8")
    example = text.split("```yaml\n", 1)[1].split("```", 1)[0]
    config = load_schedules(_write(tmp_path, example))
    by_id = {s.id: s for s in config.sources}
    mapo = config.policy_for(by_id["mapo-tools"])
    assert mapo.quiet
    assert mapo.quiet[0].start == time(2, 0)
    assert by_id["mapo-tools"].operator == "마포구청"
    assert config.policy_for(by_id["gongyunuri"]).cron == "30 4 * * *"


SOURCE = "sources:\n  - id: a\n    name: A\n    kind: rss\n    url: http://x/feed\n"


@pytest.mark.parametrize(("text", "message"), [
    (SOURCE + "    every: 5\n", ":6: sources.0.every (source a): unknown key"),
    ("sources:\n  - {id: A!, name: A, kind: rss, url: u}\n", ":2: sources.0.id"),
    ("sources:\n  - {id: a, name: A, kind: gopher, url: u}\n", ":2: sources.0.kind"),
    ("defaults:\n  interval_minutes: 0\n", ":2: defaults.interval_minutes"),
    ("defaults:\n  interval: soon\n", ":2: defaults.interval: 'soon' is not a duration"),
    ("defaults:\n  jitter: 1x\n", ":2: defaults.jitter"),
    (SOURCE + "    interval: 1h\n    cron: '0 3 * * *'\n",
     ":2: sources.0 (source a): give interval or cron, not both"),
    (SOURCE + "    cron: 'every day'\n", ":2: sources.0 (source a): cron 'every day'"),
    (SOURCE + "    quiet:\n      - hours: 2-5\n", ":7: sources.0.quiet.0.hours"),
    (SOURCE + "    quiet:\n      - {days: [mon, funday], hours: '02:00-05:00'}\n",
     ":7: sources.0.quiet.0.days"),
    (SOURCE + "    quiet:\n      - {hours: '00:00-24:00'}\n",
     "sources.0.quiet (source a): the quiet windows leave no gap"),
    (SOURCE + "    min_interval: 2h\n    max_interval: 1h\n",
     "min_interval is longer than max_interval"),
    (SOURCE + "    priority: 1000\n", ":6: sources.0.priority"),
    (SOURCE + "    key_env: my key\n", ":6: sources.0.key_env"),
    (SOURCE + "    politeness:\n      speed: slow\n", ":7: sources.0.politeness.speed"),
    (SOURCE + "    enabled: perhaps\n", ":6: sources.0.enabled"),
    (SOURCE + "  - {id: a, name: B, kind: rss, url: v}\n", ":6: sources.1.id: duplicate"),
    ("sources: [", "not valid YAML"),
    ("- a\n- b\n", ":1: the file must be a mapping"),
], ids=["unknown-key", "bad-id", "bad-kind", "zero-interval", "bad-duration", "bad-jitter",
        "interval-and-cron", "bad-cron", "bad-hours", "bad-day", "always-quiet",
        "min-over-max", "priority-range", "bad-key-env", "politeness-unknown-key",
        "bad-bool", "duplicate", "yaml", "not-a-mapping"])
def test_bad_schedules_name_the_file_line_and_key(tmp_path, text, message):
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError, match=str(path)) as error:
        load_schedules(path)
    assert message in str(error.value), str(error.value)


@pytest.mark.parametrize(("value", "expected"), [
    ("90s", 90 * timedelta(seconds=1)), ("15m", 15 * M), ("6h", 6 * H),
    ("1d", 24 * H), ("1h30m", 90 * M), (300, 5 * M),
], ids=["seconds", "minutes", "hours", "days", "compound", "bare-number"])
def test_durations(tmp_path, value, expected):
    config = load_schedules(_write(tmp_path, SOURCE + f"    interval: {value}\n"))
    assert config.policy_for(config.sources[0]).interval == expected


def test_a_source_inherits_the_defaults_and_overrides_them(tmp_path):
    text = ("defaults:\n  interval: 2h\n  time_limit: 5m\n  quiet: [{hours: '01:00-02:00'}]\n"
            + SOURCE + "    time_limit: 20m\n    politeness: {min_delay: 3s, max_retries: 0}\n")
    config = load_schedules(_write(tmp_path, text))
    source = config.sources[0]
    policy = config.policy_for(source)
    assert (policy.interval, policy.time_limit) == (2 * H, 20 * M)
    assert policy.quiet[0].start == time(1, 0)
    assert source.politeness.min_delay == timedelta(seconds=3)
    assert source.politeness.max_retries == 0


def test_schedules_check_command_reports_errors_with_the_line(tmp_path):
    path = _write(tmp_path, SOURCE + "    every: 5\n")
    done = subprocess.run([sys.executable, "-m", "sharehub", "schedules", "check", str(path)],
                          capture_output=True, text=True, cwd=ROOT, check=False)
    assert done.returncode == 2
    assert f"{path}:6: sources.0.every (source a): unknown key" in done.stderr
