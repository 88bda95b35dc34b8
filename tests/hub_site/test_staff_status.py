"""The public /status page and /metrics (Prometheus text format, checked with
prometheus_client's own parser), the choropleth and sparkline drawing, and the
`sharehub staff add` command."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from prometheus_client.parser import text_string_to_metric_families

from hub_site.choropleth import bucket_of, build_choropleth
from hub_site.staff_charts import sparkline
from tests.hub_site.staff_world import BROKEN, MAPO, StaffWorld, build_staff_world, soup


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Iterator[StaffWorld]:
    built = build_staff_world(tmp_path_factory.mktemp("status"))
    yield built
    built.store.close()
    built.history.close()
    built.catalog.close()


def test_status_page_is_public_and_shows_health_and_freshness(world):
    response = world.client().get("/status")
    assert response.status_code == 200
    rows = {r["data-source"]: r for r in soup(response).select("table.status-table tbody tr")}
    assert "실패" in rows[BROKEN.id].select_one("td.state").get_text()
    assert "정상" in rows[MAPO.id].select_one("td.state").get_text()
    assert "KST" in rows[MAPO.id].get_text(), "last success in Korea time"
    twin = world.client().get("/api/v1/status").json()
    mapo = next(s for s in twin["sources"] if s["source_id"] == MAPO.id)
    assert mapo["state"] == "healthy"
    assert mapo["listings"] == 4
    assert "last_error" not in mapo, "the public twin hides errors and schedules"


def test_metrics_parse_as_prometheus_text(world):
    response = world.client().get("/metrics")
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    samples = {(s.name, tuple(sorted(s.labels.items()))): s.value
               for family in text_string_to_metric_families(response.text)
               for s in family.samples}
    assert samples[("sharehub_listings_total", ())] == 4
    assert samples[("sharehub_source_listings", (("source", MAPO.id),))] == 4
    assert samples[("sharehub_runs", (("status", "failed"),))] == 3
    assert samples[("sharehub_runs", (("status", "quarantined"),))] == 1
    assert samples[("sharehub_quarantined_runs", ())] == 1
    assert samples[("sharehub_index_documents", ())] == 4
    assert ("sharehub_source_last_success_timestamp_seconds",
            (("source", MAPO.id),)) in samples
    assert not any(name == "sharehub_source_last_success_timestamp_seconds"
                   and labels == (("source", "new-feed"),) for name, labels in samples), \
        "a source that never succeeded has no last-success sample"


@pytest.mark.parametrize(("count", "bucket"), [(0, 0), (1, 1), (5, 1), (6, 2), (20, 2),
                                               (21, 3), (50, 3), (51, 4), (9999, 4)],
                         ids=lambda v: str(v))
def test_choropleth_buckets(count, bucket):
    assert bucket_of(count) == bucket


def test_choropleth_needs_a_boundary_for_every_district():
    drawn = build_choropleth({"11440": 3, "11110": 0})
    assert drawn is not None
    shapes, width, height = drawn
    assert [s.code for s in shapes] == ["11440", "11110"]
    assert 0 < height
    assert width == 600
    assert shapes[0].d.startswith("M")
    assert shapes[0].d.endswith("Z")
    assert build_choropleth({"11440": 3, "41290": 1}) is None, "과천시 has no boundary"


def test_sparkline_scales_into_its_box_and_skips_missing_days():
    line = sparkline([None, 0, 10, None, 5], width=100, height=20)
    xs = [float(p.split(",")[0]) for p in line.points.split()]
    ys = [float(p.split(",")[1]) for p in line.points.split()]
    assert len(xs) == 3, "days without data are skipped"
    assert (min(ys), max(ys)) == (2.0, 18.0), "the high at the top, the low at the bottom"
    assert (line.low, line.high, line.last) == (0, 10, 5)
    assert sparkline([]).points == ""


def test_staff_add_prints_the_token_once(tmp_path, capsys, monkeypatch):
    from index.operator_store import OperatorStore
    from sharehub.cli import main

    monkeypatch.setenv("SHAREHUB_DATA_DIR", str(tmp_path))
    assert main(["staff", "add", "이검토", "서울시", "review@seoul.go.kr"]) == 0
    token = capsys.readouterr().out.strip()
    store = OperatorStore(tmp_path / "operators.sqlite3")
    account = store.authenticate(token)
    store.close()
    assert account is not None
    assert (account.role, account.name) == ("staff", "이검토")


def test_coverage_snapshot_command_stores_todays_totals(tmp_path, capsys, monkeypatch):
    from datetime import UTC, datetime, timedelta, timezone

    from index.coverage_history import CoverageHistory
    from sharehub.cli import main

    monkeypatch.setenv("SHAREHUB_DATA_DIR", str(tmp_path))
    assert main(["coverage", "--snapshot", "--format", "csv"]) == 0
    assert capsys.readouterr().out.startswith("district_code,district")
    history = CoverageHistory(tmp_path / "operators.sqlite3")
    today = datetime.now(UTC).astimezone(timezone(timedelta(hours=9))).date()
    series = history.series(today)
    history.close()
    assert len(series) == 25, "one row per Seoul district"
    assert series["11440"][-1] == 0, "today's snapshot is the last point"
