"""The real hub site on a free loopback port, over a small real catalog and tantivy index.

The listings are the sample platforms' own documents (a company's RSS feed of spaces in
several districts, free and paid, and Mapo's tool-lending CSV), parsed by the real
normalizer, so the pages show what the demo shows.
"""

from __future__ import annotations

import socket
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType

import uvicorn

from bench.corpus import sample_documents
from hub_site import create_app
from hub_site.map_tiles import map_tiles
from index.catalog import Catalog
from index.tantivy_index import TantivyIndex
from normalizer import Listing, Source, parse_document
from sharehub.wiring import category_words

__all__ = ["CRAWLED_AT", "NOW", "SiteServer", "build_world", "free_port"]

# A Wednesday, 12:00 in Seoul: weekday lending points are open "now".
NOW = datetime(2026, 11, 18, 3, 0, tzinfo=UTC)
CRAWLED_AT = NOW - timedelta(hours=2)


def free_port() -> int:
    """A TCP port nobody listens on right now (on 127.0.0.1)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def build_world(folder: Path) -> tuple[Path, list[Listing]]:
    """Write a catalog and its tantivy index under `folder` from the sample documents;
    returns the catalog path and the listings."""
    catalog_path = folder / "catalog.sqlite3"
    catalog = Catalog(catalog_path)
    everything: list[Listing] = []
    by_source: list[tuple[Source, list[Listing]]] = []
    for body, source in sample_documents():
        listings = list(parse_document(body, source, CRAWLED_AT).listings)
        by_source.append((source, listings))
        everything.extend(listings)
    for source, listings in by_source:
        catalog.save_source(source, CRAWLED_AT)
        catalog.apply_run(source.id, listings, started_at=CRAWLED_AT - timedelta(minutes=1),
                          finished_at=CRAWLED_AT, invalid=0, record_errors=[], etag=None,
                          last_modified=None)
    index = TantivyIndex(folder / "index", category_words())
    index.rebuild(catalog.iter_listings(), catalog.change_seq())
    index.close()
    catalog.close()
    return catalog_path, everything


class SiteServer:
    """`with SiteServer(folder) as site:` serves the hub at `site.base_url` until the block
    ends (uvicorn in a daemon thread; the catalog is opened read-only, as in production)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._catalog: Catalog | None = None
        self._index: TantivyIndex | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.tile_url = ""

    def __enter__(self) -> SiteServer:
        self._catalog = Catalog(self.folder / "catalog.sqlite3", read_only=True)
        self._index = TantivyIndex(self.folder / "index", category_words())
        # Tiles from a port nobody listens on: the map must still list the results.
        self.tile_url = f"http://127.0.0.1:{free_port()}/{{z}}/{{x}}/{{y}}.png"
        app = create_app(catalog=self._catalog, index=self._index, page_size=10,
                         clock=lambda: NOW, map_tiles=map_tiles(self.tile_url))
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                access_log=False, lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="e2e-site", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 20
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the hub site did not start on {self.base_url}")
            time.sleep(0.02)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._index is not None:
            self._index.close()
        if self._catalog is not None:
            self._catalog.close()
