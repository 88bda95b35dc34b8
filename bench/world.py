"""A scaled sample world for the crawl benchmark: many platforms on several loopback hosts.

Each platform serves a feed (RSS, like the company sample) or a CP949 CSV (like the district
sample) of `listings_per_platform` listings built from the bundled sample data, with strong
ETags (a re-crawl gets 304s) and a fixed response latency standing in for the network and
the platform's own server time.
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

__all__ = ["World", "WorldPlatform"]

_DISTRICTS = ["강남구", "마포구", "성북구", "종로구", "서초구", "용산구", "성동구", "관악구",
              "노원구", "송파구"]
_CSV_HEADER = "공구대여소,소재지도로명주소,전화번호,비치공구류,운영시간,대여료,대여기간,위도,경도\n"


@dataclass(frozen=True, slots=True)
class WorldPlatform:
    id: str
    kind: str  # rss | csv
    host: str
    path: str


def _rss(platform_id: str, n: int) -> bytes:
    items = []
    for i in range(n):
        district = _DISTRICTS[i % len(_DISTRICTS)]
        items.append(
            f"<item><title>{platform_id} 회의실 {i}</title>"
            f"<link>https://example.kr/{platform_id}/{i}</link>"
            f"<guid isPermaLink=\"false\">{platform_id}-{i}</guid><category>회의실</category>"
            "<description>" + escape(
                f"<p>빔프로젝터와 화이트보드가 있는 회의실 {i}</p>위치: 서울특별시 {district} "
                f"테헤란로 {i}<br/>이용요금: 시간당 {(i % 5 + 1) * 5000:,}원<br/>"
                f"운영시간: 평일 09:00~22:00<br/>수용인원: 최대 {i % 12 + 2}명<br/>"
                f"문의: 02-555-{i % 10000:04d}") + "</description></item>")
    return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel>"
            f"<title>{platform_id}</title><link>https://example.kr/</link>"
            + "".join(items) + "</channel></rss>").encode()


def _csv(platform_id: str, n: int) -> bytes:
    rows = [_CSV_HEADER]
    for i in range(n):
        district = _DISTRICTS[i % len(_DISTRICTS)]
        rows.append(f"{platform_id} {i}동주민센터,서울특별시 {district} 동작대로 {i},"
                    f"02-3153-{i % 10000:04d},전동드릴+망치+캠핑텐트,월~금 09:00~18:00,무료,"
                    f"2박3일,37.5{i % 90:02d},126.9{i % 90:02d}\n")
    return "".join(rows).encode("cp949")


class World:
    """`platforms` platforms spread over `hosts` loopback addresses (127.0.1.x)."""

    def __init__(self, platforms: int = 200, listings_per_platform: int = 100,
                 hosts: int = 20, latency_s: float = 0.05) -> None:
        self.latency_s = latency_s
        self.platforms = [
            WorldPlatform(f"p{n:03d}", "rss" if n % 2 else "csv", f"127.0.1.{n % hosts + 1}",
                          f"/p{n:03d}/{'feed.xml' if n % 2 else 'list.csv'}")
            for n in range(platforms)]
        self._bodies = {p.path: (_rss(p.id, listings_per_platform) if p.kind == "rss"
                                 else _csv(p.id, listings_per_platform))
                        for p in self.platforms}
        self._servers: dict[str, ThreadingHTTPServer] = {}
        self.requests = 0
        self._count_lock = threading.Lock()

    def url(self, platform: WorldPlatform) -> str:
        port = self._servers[platform.host].server_address[1]
        return f"http://{platform.host}:{port}{platform.path}"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        world = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                with world._count_lock:
                    world.requests += 1
                time.sleep(world.latency_s)
                body = world._bodies.get(self.path.split("?")[0])
                if body is None:
                    self.send_error(404)
                    return
                etag = '"' + hashlib.sha1(body).hexdigest() + '"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("ETag", etag)
                self.send_header("Content-Type", "application/rss+xml" if
                                 self.path.endswith(".xml") else "text/csv; charset=cp949")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler

    def __enter__(self) -> World:
        handler = self._handler()
        for host in sorted({p.host for p in self.platforms}):
            server = ThreadingHTTPServer((host, 0), handler)
            server.daemon_threads = True
            threading.Thread(target=server.serve_forever, daemon=True).start()
            self._servers[host] = server
        return self

    def __exit__(self, *exc: object) -> None:
        for server in self._servers.values():
            server.shutdown()
            server.server_close()
