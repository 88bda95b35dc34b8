"""One typed settings object, read once from the environment (prefix SHAREHUB_) and
passed down; no other module reads os.environ."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from crawlers.fetch import FetchLimits
from index.catalog_types import RemovalPolicy

__all__ = ["Settings", "read_secrets"]


class Settings(BaseSettings):
    """Every setting, with its default and help. `SHAREHUB_<NAME>` overrides each."""

    model_config = SettingsConfigDict(env_prefix="SHAREHUB_", extra="ignore", frozen=True)

    data_dir: Path = Field(Path("data"), description="Folder of the catalog and the search index.")
    config_file: Path = Field(Path("schedules.yaml"),
                              description="The sources and schedules file.")
    allow_private_networks: bool = Field(
        False, description="Allow crawling loopback and private addresses (demo and tests "
                           "only; schedules.yaml can also allow it).")
    crawl_connect_timeout_s: float = Field(10.0, description="Connect timeout per request.")
    crawl_read_timeout_s: float = Field(20.0, description="Read timeout between bytes.")
    crawl_total_timeout_s: float = Field(60.0, description="Time limit for a whole download.")
    crawl_max_body_bytes: int = Field(15 * 1024 * 1024,
                                      description="Largest body accepted from a platform.")
    crawl_max_redirects: int = Field(5, description="Most redirects followed per request.")
    crawl_max_decoded_bytes: int = Field(
        15 * 1024 * 1024, ge=1,
        description="Largest body accepted after gzip/deflate/br decompression, enforced "
                    "while decompressing.")
    crawl_max_retries: int = Field(
        2, ge=0, description="Retries of a transient failure (timeout, connection error, "
                             "408, 429, 5xx) within one fetch.")
    crawl_retry_max_wait_s: float = Field(
        10.0, ge=0, description="Longest wait within a fetch (Retry-After, backoff, host "
                                "delay); a longer one fails the fetch with a retry time.")
    crawl_retry_backoff_s: float = Field(
        1.0, ge=0, description="First backoff ceiling; doubles per retry, with full jitter.")
    crawl_host_max_concurrent: int = Field(
        2, ge=1, description="Most requests in flight to one host, across all its sources.")
    crawl_host_min_delay_s: float = Field(
        1.0, ge=0, description="Least time between request starts to one host (a robots.txt "
                               "Crawl-delay can raise it).")
    crawl_contact_url: str = Field("https://github.com/sharehub/sharehub",
                                   description="Contact URL sent in the User-Agent.")
    index_backend: str = Field(
        "tantivy", description="Search backend: tantivy (embedded) or elasticsearch. When "
                               "not set, a set elasticsearch_url selects elasticsearch.")
    elasticsearch_url: str | None = Field(
        None, description="Elasticsearch cluster URL (user:password@ allowed); setting it "
                          "selects the Elasticsearch backend and its test leg.")
    elasticsearch_api_key: str | None = Field(
        None, description="Elasticsearch API key (base64 id:key), when the cluster uses them.")
    elasticsearch_alias: str = Field(
        "sharehub-listings", pattern=r"^[a-z0-9][a-z0-9_.-]*$",
        description="Alias the hub searches; versions are <alias>-v<timestamp> and the "
                    "index template is named <alias>.")
    site_host: str = Field("127.0.0.1", description="Address the hub site listens on.")
    site_port: int = Field(8000, description="Port the hub site listens on (PORT in make demo).")
    site_page_size: int = Field(20, description="Results per page on the hub site.")
    site_feedback_file: Path | None = Field(
        None, description="SQLite file of citizens' \"report outdated\" reports, the one "
                          "file the site writes (default: <data_dir>/feedback.sqlite3).")
    site_search_rate_per_s: float = Field(
        5.0, ge=0, description="Searches a second one client may make on average (results "
                               "page, JSON twin, feed); 0 turns the limit off.")
    site_search_burst: int = Field(
        60, ge=1, description="Searches one client may make at once before the rate limit "
                              "answers 429 with Retry-After.")
    map_tile_url: str = Field(
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        description="Tile server of the site's maps (a Leaflet URL template; the CSP allows "
                    "images from its origin); empty turns the maps off, lists stay.")
    map_tile_attribution: str = Field("© OpenStreetMap contributors",
                                      description="Attribution shown on the maps (plain text).")
    map_tile_attribution_url: str = Field(
        "https://www.openstreetmap.org/copyright",
        description="Where the map attribution links to (http/https; empty: no link).")
    alert_webhook_url: str = Field(
        "", description="URL that receives staff alerts as JSON (with a Slack-style "
        "\"text\"); empty: alerts go to the log only.")
    alert_email_to: str = Field("", description="Comma-separated addresses that receive "
                                "staff alerts by e-mail (needs alert_smtp_host).")
    alert_email_from: str = Field("sharehub@localhost",
                                  description="Sender address of alert e-mails.")
    alert_smtp_host: str = Field("", description="SMTP server for alert e-mails.")
    alert_smtp_port: int = Field(25, description="SMTP port for alert e-mails.")
    alert_smtp_starttls: bool = Field(False, description="Use STARTTLS with the SMTP server.")
    alert_smtp_user: str | None = Field(None, description="SMTP user name, if it needs one.")
    alert_smtp_password: str | None = Field(None, description="SMTP password (a secret).")
    coverage_region: str = Field(
        "11", description="Districts of the coverage matrix: a 시도 code (11 = Seoul's 25 "
        "구), 'all', or comma-separated district codes.")
    coverage_baseline: Path | None = Field(
        None, description="JSON file of the categories expected per district (default: "
        "index/data/coverage_baseline.json).")
    removal_grace_runs: int = Field(
        2, description="Successful runs a listing must be missing from before it is removed.")
    removal_grace_hours: float = Field(
        72.0, description="Hours a listing must be missing before it is removed.")
    quarantine_ratio: float = Field(
        0.5, description="A run that would remove more than this share of a source's "
                         "listings is quarantined instead of applied.")
    scheduler_max_runs: int = Field(
        4, ge=1, description="Most scheduled runs in progress at once (`sharehub run`).")
    scheduler_reload_poll_s: float = Field(
        3.0, gt=0, description="How often `sharehub run` checks schedules.yaml for edits.")
    scheduler_shutdown_grace_s: float = Field(
        20.0, ge=0, description="On SIGTERM/SIGINT, how long runs in progress may finish "
                                "before they are stopped (nothing half-applied).")

    @property
    def catalog_path(self) -> Path:
        return self.data_dir / "catalog.sqlite3"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def feedback_path(self) -> Path:
        return self.site_feedback_file or self.data_dir / "feedback.sqlite3"

    def removal_policy(self) -> RemovalPolicy:
        """When listings missing at their source go, and when a run is held back."""
        return RemovalPolicy(grace_runs=self.removal_grace_runs,
                             grace_hours=self.removal_grace_hours,
                             quarantine_ratio=self.quarantine_ratio)

    def fetch_limits(self, *, allow_private: bool = False) -> FetchLimits:
        """The crawler's own small config, built from these settings."""
        return FetchLimits(
            connect_timeout_s=self.crawl_connect_timeout_s,
            read_timeout_s=self.crawl_read_timeout_s,
            total_timeout_s=self.crawl_total_timeout_s,
            max_body_bytes=self.crawl_max_body_bytes,
            max_redirects=self.crawl_max_redirects,
            max_decoded_bytes=self.crawl_max_decoded_bytes,
            max_retries=self.crawl_max_retries,
            max_retry_wait_s=self.crawl_retry_max_wait_s,
            backoff_base_s=self.crawl_retry_backoff_s,
            allow_private_networks=self.allow_private_networks or allow_private,
            user_agent=f"sharehub/0.1 (+{self.crawl_contact_url})",
        )


def read_secrets(names: Iterable[str | None]) -> dict[str, str]:
    """The API keys named by sources' `key_env`, from the environment (the one place that
    reads it); unset names are left out, so the fetcher can say which one is missing."""
    return {name: os.environ[name] for name in names if name and os.environ.get(name)}
