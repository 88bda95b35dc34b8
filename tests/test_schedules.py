"""schedules.yaml: strict parsing, and sources that wait for their API key."""

from __future__ import annotations

from pathlib import Path

import pytest

from sharehub.schedules import ConfigError, load_schedules

ROOT = Path(__file__).parent.parent


def test_bundled_schedules_file_is_valid_and_real_apis_wait_for_keys():
    config = load_schedules(ROOT / "schedules.yaml")
    ids = {s.id for s in config.active_sources({})}
    assert {"modu-spaces", "mapo-tools"} <= ids
    assert "gongyunuri" not in ids
    with_key = {s.id for s in config.active_sources({"SHAREHUB_GONGYUNURI_KEY": "k"})}
    assert "gongyunuri" in with_key


@pytest.mark.parametrize(("text", "message"), [
    ("sources: [{id: a, name: A, kind: rss, url: u, every: 5}]", "sources.0.every"),
    ("sources: [{id: A!, name: A, kind: rss, url: u}]", "sources.0.id"),
    ("sources: [{id: a, name: A, kind: gopher, url: u}]", "sources.0.kind"),
    ("defaults: {interval_minutes: 0}", "defaults.interval_minutes"),
    ("sources: [{id: a, name: A, kind: rss, url: u}, {id: a, name: B, kind: rss, url: v}]",
     "duplicate source id(s): a"),
    ("sources: [", "not valid YAML"),
], ids=["unknown-key", "bad-id", "bad-kind", "zero-interval", "duplicate", "yaml"])
def test_bad_schedules_name_the_file_and_key(tmp_path, text, message):
    path = tmp_path / "schedules.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=str(path)) as error:
        load_schedules(path)
    assert message in str(error.value)
