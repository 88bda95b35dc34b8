"""The crawl benchmark's figures as Markdown: its section of bench/REPORT.md and the text
`sharehub bench crawl` prints."""

from __future__ import annotations

from typing import Any

__all__ = ["render_crawl_section"]

_LEGS = (
    ("baseline", "baseline: one httpx client, sequential GETs, feedparser / json / csv on "
                 "each body; no robots.txt, no politeness, nothing normalized or stored"),
    ("sharehub_full", "sharehub full crawl: robots.txt, per-host budget at its defaults, "
                      "normalize, catalog, search index"),
    ("sharehub_304", "sharehub re-crawl: the same process an \"hour\" later, most platforms "
                     "answer 304"),
)


def _verdict(met: bool) -> str:
    return "**met**" if met else "**not met**"


def _leg_row(label: str, leg: dict[str, Any]) -> str:
    pool_cpu = leg.get("parse_pool_cpu_s", 0.0)
    cpu = f"{leg['cpu_s']:.1f}" + (f" ({leg['crawl_process_cpu_s']:.1f} + {pool_cpu:.1f} "
                                   "in the parse pool)" if pool_cpu >= 0.05 else "")
    pool_rss = leg.get("child_peak_rss_mb", 0.0)
    # ru_maxrss of children is a high-water mark over the process's life: the full
    # crawl's is its own, a later leg's is not.
    memory = f"{leg['peak_rss_mb']:.0f}" + (f" (parse process: {pool_rss:.0f})"
                                            if pool_cpu >= 0.05 and "full" in label else "")
    return (f"| {label} | {leg['wall_s']:.2f} | {leg['requests']} | "
            f"{leg['requests_per_s']:.1f} | {leg['listings_per_s']:,.0f} | {cpu} | "
            f"{leg['cpu_ms_per_listing']:.3f} | {memory} |")


def render_crawl_section(figures: dict[str, Any], command: str) -> str:
    """Markdown for every figure of `run_crawl_bench`, baselines side by side, the ratios
    and whether the targets are met. `command` is what produced them."""
    world, machine = figures["world"], figures["machine"]
    settings, targets = figures["sharehub_settings"], figures["targets"]
    kinds = world["platforms_by_kind"]
    low, high = world["latency_ms"]
    latency = f"{low:.0f} ms" if low == high else f"{low:.0f}–{high:.0f} ms"
    rows = "\n".join(_leg_row(label, figures[key]) for key, label in _LEGS)
    full, recrawl = figures["sharehub_full"], figures["sharehub_304"]
    return f"""## Crawl: {world['platforms']} platforms, {world['listings']:,} listings on loopback

Command: `{command}`. {machine['arch']}, {machine['cpus']} CPUs, CPython {machine['python']};
one run, on a machine shared with other work (load averages below).

World (`bench/world.py`): {world['platforms']} platforms ({kinds['csv']} district CP949 CSV
files, {kinds['rss']} company RSS feeds, {kinds['json_feed']} JSON Feeds, grown from the
sample platforms' real-format documents), {world['listings_per_platform']} listings each, on
{world['hosts']} loopback hosts (127.1.x.y: one per platform, every tenth sharing its
neighbour's); robots.txt on {world['robots_txt_hosts']} hosts, 404 on the others;
{latency} before the first byte of every answer. For the re-crawl
{world['revised_for_recrawl']} platforms changed one record; the others answer 304.
sharehub ran with {settings['workers']} worker threads, parsing
{f"in a pool of {settings['parse_processes']} processes" if settings.get('parse_processes')
 else "in those threads"}, and the default politeness:
{settings['host_min_delay_s']:g} s between request starts and {settings['host_max_concurrent']}
in flight per host.

| leg | wall s | requests | requests/s | listings/s | CPU s | CPU ms/listing | peak RSS MB |
|---|---|---|---|---|---|---|---|
{rows}

- Full crawl throughput vs the baseline: **{figures['full_vs_baseline_throughput']:.2f}×**
  (target ≥ 10×: {_verdict(targets['full_at_least_10x_baseline'])}).
- Re-crawl vs the full crawl: **{figures['recrawl_speedup_vs_full']:.1f}× faster**
  (target ≥ 5×: {_verdict(targets['recrawl_at_least_5x_faster'])}).
- Full crawl runs: {full['runs']}; catalog {full['catalog_listings']:,} listings, search index
  {full['index_documents']:,} documents. Re-crawl runs: {recrawl['runs']}.
- Requests by status: baseline {figures['baseline']['requests_by_status']}, full
  {full['requests_by_status']}, re-crawl {recrawl['requests_by_status']} (sharehub's extra
  requests are robots.txt, once per host).
- Load average (1 min) at the start and end of each leg, on {machine['cpus']} CPUs:
  baseline {figures['baseline']['load_average']}, full {full['load_average']}, re-crawl
  {recrawl['load_average']}; above {machine['cpus']}, other work was competing for the CPUs.
"""
