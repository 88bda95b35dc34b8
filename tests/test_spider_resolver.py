"""The Scrapy child's DNS resolver closes the DNS-rebinding window: the address a spider
connects to is the one the SSRF guard checked, even when the host's answer changes
between the middleware's check and Twisted's connect."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from twisted.internet.error import DNSLookupError

from crawlers import BlockedAddress
from crawlers.address_guard import check_host
from crawlers.html_spider import EXIT_BLOCKED, HtmlSpiderParams, SpiderJob
from crawlers.spider_process import spider_settings
from crawlers.spider_resolver import GuardedResolver
from sample_platforms import SamplePlatforms
from sample_platforms.district_site_platform import district_site_sources

UA = "sharehub/0.1 (+https://github.com/sharehub/sharehub)"


def _rebinding(*answers: list[str]):
    """A resolver whose answer changes at each lookup (a DNS-rebinding attacker)."""
    queue = list(answers)

    def resolve(host: str, port: int) -> list[str]:
        return queue.pop(0) if len(queue) > 1 else queue[0]
    return resolve


def _resolver(resolve, **options) -> GuardedResolver:
    return GuardedResolver(None, 0, 5.0, resolver=resolve, **options)  # type: ignore[arg-type]


def test_a_host_that_rebinds_after_the_check_is_refused_at_the_connect() -> None:
    resolve = _rebinding(["93.184.216.34"], ["127.0.0.1"])
    # the middleware's lookup sees a public address…
    assert check_host("evil.example", 80, allow_private=False, resolver=resolve) == [
        "93.184.216.34"]
    # …the connect's lookup gets 127.0.0.1, and the resolver refuses to hand it out
    with pytest.raises(BlockedAddress, match=r"evil\.example resolves to a non-public "
                                             r"address \(127\.0\.0\.1\)"):
        _resolver(resolve).checked_address("evil.example")


@pytest.mark.parametrize(("answer", "options", "expected"), [
    (["2001:db8::1", "198.51.100.4"], {}, BlockedAddress),  # documentation range: reserved
    (["8.8.8.8", "10.0.0.5"], {}, BlockedAddress),  # one private address is enough
    (["2606:4700::1111", "1.1.1.1"], {}, "1.1.1.1"),  # IPv4 for Twisted's TCP4 connect
    (["2606:4700::1111"], {}, DNSLookupError),
    (["127.0.0.1"], {"allow_private": True}, "127.0.0.1"),
    (["10.1.2.3"], {"allowed_networks": ["10.1.0.0/16"]}, "10.1.2.3"),
    (["10.2.0.1"], {"allowed_networks": ["10.1.0.0/16"]}, BlockedAddress),
], ids=["documentation-range", "mixed", "prefers-ipv4", "ipv6-only", "allow-private",
        "allowed-network", "outside-allowed-network"])
def test_the_resolver_applies_the_guards_rules(answer, options, expected) -> None:
    resolver = _resolver(lambda host, port: answer, **options)
    if isinstance(expected, str):
        assert resolver.checked_address("site.example") == expected
    else:
        with pytest.raises(expected):
            resolver.checked_address("site.example")


def test_spider_settings_install_the_resolver(tmp_path) -> None:
    job = SpiderJob(source_id="t", start_url="http://127.0.0.1:9/", user_agent=UA,
                    params=HtmlSpiderParams.model_validate({
                        "item_selector": "css:li", "fields": {"title": "css:a::text"}}),
                    download_delay_s=0, max_body_bytes=10_000, download_timeout_s=5,
                    max_redirects=5, allow_private_networks=False)
    settings = spider_settings(job, tmp_path / "items.jsonl")
    assert settings["TWISTED_DNS_RESOLVER"] == "crawlers.spider_resolver.GuardedResolver"


# A real Scrapy crawl in a child process, with the middleware taken out so that only the
# resolver stands between the spider and a host name that points at loopback.
_CRAWL = """
import json, sys
from pathlib import Path
from scrapy.crawler import CrawlerProcess
from crawlers.html_spider import SpiderJob
from crawlers.spider_process import CrawlLog, DeclarativeSpider, spider_settings
job = SpiderJob.model_validate_json(sys.argv[1])
settings = spider_settings(job, Path(sys.argv[2]))
settings["DOWNLOADER_MIDDLEWARES"] = {}
log = CrawlLog()
process = CrawlerProcess(settings)
process.crawl(DeclarativeSpider, job=job, crawl_log=log)
process.start()
print(json.dumps(log.fatal))
"""


@pytest.fixture(scope="module")
def platforms() -> Iterator[SamplePlatforms]:
    with SamplePlatforms() as running:
        yield running


def _crawl_by_name(platforms: SamplePlatforms, tmp_path: Path,
                   allow_private: bool) -> list[object] | None:
    platforms.reset()
    definition = district_site_sources(platforms.base_url)[0]
    url = definition["url"].replace("127.0.0.1", "localhost")
    job = SpiderJob(source_id="t", start_url=url, user_agent=UA,
                    params=HtmlSpiderParams.model_validate(definition["params"]),
                    download_delay_s=0, max_body_bytes=1_000_000, download_timeout_s=20,
                    max_redirects=5, allow_private_networks=allow_private)
    done = subprocess.run([sys.executable, "-c", _CRAWL, job.model_dump_json(),
                           str(tmp_path / "items.jsonl")],
                          capture_output=True, text=True, timeout=120, check=True)
    fatal: list[object] | None = json.loads(done.stdout.strip().splitlines()[-1])
    return fatal


def test_scrapy_connects_only_through_the_guarded_resolver(platforms: SamplePlatforms,
                                                           tmp_path: Path) -> None:
    if "127.0.0.1" not in platforms.base_url:
        pytest.skip("the sample platforms do not listen on 127.0.0.1 here")
    fatal = _crawl_by_name(platforms, tmp_path, allow_private=False)
    assert fatal is not None, "the crawl of a loopback host name must fail"
    assert fatal[0] == EXIT_BLOCKED, fatal
    assert "localhost resolves to a non-public address" in str(fatal[1])
    assert platforms.requests == [], "no connection reached the loopback server"

    assert _crawl_by_name(platforms, tmp_path, allow_private=True) is None
    assert platforms.requests, "allowed, the same crawl reads the site by its name"
