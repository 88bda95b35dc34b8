"""One typed settings object, read once from the environment (prefix SHAREHUB_) and
passed down; no other module reads os.environ."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from crawlers.fetch import FetchLimits

__all__ = ["Settings"]


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
    crawl_contact_url: str = Field("https://github.com/sharehub/sharehub",
                                   description="Contact URL sent in the User-Agent.")
    index_backend: str = Field("tantivy", description="Search backend: tantivy (embedded).")
    elasticsearch_url: str | None = Field(
        None, description="Elasticsearch URL; the Elasticsearch backend arrives with issue 5.")
    site_host: str = Field("127.0.0.1", description="Address the hub site listens on.")
    site_port: int = Field(8000, description="Port the hub site listens on (PORT in make demo).")
    site_page_size: int = Field(20, description="Results per page on the hub site.")

    @property
    def catalog_path(self) -> Path:
        return self.data_dir / "catalog.sqlite3"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    def fetch_limits(self, *, allow_private: bool = False) -> FetchLimits:
        """The crawler's own small config, built from these settings."""
        return FetchLimits(
            connect_timeout_s=self.crawl_connect_timeout_s,
            read_timeout_s=self.crawl_read_timeout_s,
            total_timeout_s=self.crawl_total_timeout_s,
            max_body_bytes=self.crawl_max_body_bytes,
            max_redirects=self.crawl_max_redirects,
            allow_private_networks=self.allow_private_networks or allow_private,
            user_agent=f"sharehub/0.1 (+{self.crawl_contact_url})",
        )
