"""The site benchmark's section of bench/REPORT.md, from `run_site_bench`'s figures."""

from __future__ import annotations

import textwrap
from typing import Any

from bench.index_bench import QUERY_TEXTS
from bench.site_bench import P95_MS_TARGET, PAGE_KB_TARGET

__all__ = ["render_site_section"]


def _loopback_text(loop: dict[str, Any] | None) -> str:
    if not loop:
        return ""
    lat = loop["latency_ms"]
    return (f" Over real HTTP on loopback (uvicorn, {loop['clients']} client threads, each "
            f"from its own 127.0.0.x address): {loop['requests_per_s']:,.0f} requests/s, "
            f"p50 {lat['p50']:.1f} ms, p95 {lat['p95']:.1f} ms, p99 {lat['p99']:.1f} ms, "
            f"{loop['errors']} errors in {lat['requests']:,} requests.")


def _row(label: str, f: dict[str, Any]) -> str:
    ms = f["server_ms"]
    weight = (f"{f['html_kb']['mean']:.1f} / {f['html_kb']['max']:.1f} | "
              f"{f['html_kb']['max'] + f['assets_kb']:.1f}" if "html_kb" in f else "– | –")
    return (f"| {label} | {ms['p50']:.2f} | {ms['p95']:.2f} | {ms['p99']:.2f} | "
            f"{ms['cpu_p50']:.2f} / {ms['cpu_p95']:.2f} | {ms['requests']:,} | {weight} |")


def _met(ok: bool) -> str:
    return "met" if ok else "**not met**"


def render_site_section(figures: dict[str, Any]) -> str:
    """The site-bench section of bench/REPORT.md (Markdown) for `run_site_bench`'s figures."""
    size, machine, load = figures["size"], figures["machine"], figures["load"]
    targets = figures["targets"]
    about = textwrap.fill(
        f"Command: `sharehub bench site --size {size}` (`python -m bench site`). "
        f"{machine['cpus']} CPUs, CPython {machine['python']}; load average at the start "
        f"{machine['load_average']:.1f}; building the catalog and index took "
        f"{figures['build_seconds']:.0f} s. The real app (`hub_site.create_app`) over a "
        "read-only catalog and the tantivy index, called in-process through ASGI: server "
        "time without HTTP parsing or network (wall clock; the CPU column is the process's "
        "CPU time per request, which other programs on the machine do not inflate). Each "
        "request comes from its own client "
        "address so the search rate limit stays out of the figures. One run: use the ratios "
        "more than the absolute figures.", 92)
    pages = textwrap.fill(
        f"Results: {len(QUERY_TEXTS)} texts ({', '.join(QUERY_TEXTS)}), each with two "
        f"districts and free ticked, {figures['page_size']} cards and the facet counts "
        "(category, district, platform, free). Browse: a category and a district, no "
        "text. Page weight is the HTML (mean / largest) and the largest HTML plus the CSS "
        "and scripts it links (no images).", 92)
    site_p50 = figures["results"]["server_ms"]["p50"]
    engine_p50 = figures["baseline_index"]["server_ms"]["p50"]
    lat = load["latency_ms"]
    under_load = textwrap.fill(
        f"The results page's median is {site_p50:.1f} ms against {engine_p50:.1f} ms for "
        f"the same search on the index alone: the site adds {site_p50 - engine_p50:.1f} ms "
        f"(parameters, the catalog's confirmation times, cards, facets, the template). "
        f"Under load, {load['clients']} clients at once on the results and browse pages "
        f"(in-process, through the app's thread pool): {load['requests_per_s']:,.0f} "
        f"requests/s, p50 {lat['p50']:.1f} ms, p95 {lat['p95']:.1f} ms, p99 "
        f"{lat['p99']:.1f} ms, {load['errors']} errors in {lat['requests']:,} requests."
        + _loopback_text(figures.get("load_loopback")), 92)
    assets = "with CSS+JS KB"
    targets_text = textwrap.fill(
        f"Targets: results page p95 ≤ {P95_MS_TARGET:.0f} ms server time: "
        f"{_met(targets['results_p95_ms_at_most_30'])} in wall-clock time (load average "
        f"{machine['load_average']:.1f} at the start); the CPU time of a results page is "
        f"p95 {figures['results']['server_ms']['cpu_p95']:.1f} ms. ≤ {PAGE_KB_TARGET:.0f} KB "
        f"per page: {_met(targets['page_kb_at_most_100'])}. Zero errors: "
        f"{_met(targets['zero_errors'])}.", 92)
    return f"""## Site, {size:,} listings

{about}

{pages}

| page | p50 ms | p95 ms | p99 ms | CPU ms p50 / p95 | requests | HTML KB mean / max | {assets} |
|---|---|---|---|---|---|---|---|
{_row("results page with facets (text + 2 districts + free)", figures["results"])}
{_row("browse page with facets (category + district)", figures["browse"])}
{_row("home page", figures["home"])}
{_row("listing page", figures["listing"])}
{_row("baseline: the same searches straight on the index", figures["baseline_index"])}
{_row("baseline: a static file (site.css) through the same app", figures["baseline_static"])}

{under_load}

{targets_text}
"""

