"""The sample platforms: real documents served by a real loopback server (no mocks)."""

from __future__ import annotations

import csv
import io
import os
import signal
import socket
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from importlib import resources
from pathlib import Path

import httpx
import pytest

from sample_platforms import SamplePlatforms, sample_sources

FEED = "/company/feed.xml"
TOOLS = "/district/mapo/tools.csv"
GEORSS = "{http://www.georss.org/georss}point"
CSV_HEADER = ["공구대여소", "소재지도로명주소", "소재지지번주소", "전화번호", "비치공구류",
              "운영시간", "대여료", "대여기간", "위도", "경도", "행정동", "데이터기준일자"]
FEED_CATEGORIES = {"회의실", "공유주방", "스터디룸", "파티룸", "루프탑", "강당"}
FEED_LABELS = ("위치:", "이용요금:", "운영시간:", "수용인원:", "문의:")
SEOUL_DISTRICTS = ("강남구", "마포구", "성북구", "종로구", "서초구", "용산구", "성동구", "관악구")


@pytest.fixture(scope="module")
def server() -> Iterator[SamplePlatforms]:
    with SamplePlatforms(host="127.0.0.1", port=0) as platforms:
        yield platforms


@pytest.fixture
def platforms(server: SamplePlatforms) -> Iterator[SamplePlatforms]:
    server.reset()
    yield server
    server.reset()


@pytest.fixture
def client(platforms: SamplePlatforms) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=platforms.base_url, trust_env=False, timeout=10) as http:
        yield http


def _items(body: bytes) -> list[ET.Element]:
    channel = ET.fromstring(body).find("channel")
    assert channel is not None
    return channel.findall("item")


def _rows(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("cp949"))))


# --- the RSS feed of the company -------------------------------------------------------

def test_feed_is_rss_2_with_16_items_or_more(client: httpx.Client) -> None:
    response = client.get(FEED)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/rss+xml; charset=utf-8"
    root = ET.fromstring(response.content)
    assert root.tag == "rss"
    assert root.get("version") == "2.0"
    assert root.findtext("channel/title") == "모두의공간 공유공간"
    assert root.findtext("channel/language") == "ko"
    assert root.findtext("channel/link")
    assert root.findtext("channel/description")
    assert parsedate_to_datetime(root.findtext("channel/lastBuildDate") or "").tzinfo
    assert len(_items(response.content)) >= 16


def test_feed_items_carry_the_fields_of_a_real_platform(client: httpx.Client) -> None:
    items = _items(client.get(FEED).content)
    guids = [item.findtext("guid") for item in items]
    assert len(set(guids)) == len(items)
    districts = set()
    for item in items:
        assert item.findtext("title")
        assert (item.findtext("link") or "").startswith("https://example-space.kr/spaces/")
        guid = item.find("guid")
        assert guid is not None
        assert guid.get("isPermaLink") == "false"
        assert (guid.text or "").startswith("space-")
        assert item.findtext("category") in FEED_CATEGORIES
        assert parsedate_to_datetime(item.findtext("pubDate") or "").tzinfo
        lat, lon = map(float, (item.findtext(GEORSS) or "").split())
        assert 37.42 < lat < 37.71
        assert 126.76 < lon < 127.19
        description = item.findtext("description") or ""
        assert description.index("<p>") < description.index("위치:")
        for label in FEED_LABELS:
            assert label in description, (guid.text, label)
        address = description.split("위치:", 1)[1].split("<br/>", 1)[0].strip()
        assert address.startswith(("서울특별시 ", "서울 "))
        districts.add(address.split()[1])
    assert districts >= set(SEOUL_DISTRICTS)


def test_feed_has_images_free_spaces_and_fee_ranges(client: httpx.Client) -> None:
    body = client.get(FEED).text
    items = _items(body.encode())
    enclosures = [item.find("enclosure") for item in items]
    images = [e for e in enclosures if e is not None]
    assert 0 < len(images) < len(items)
    assert all(e.get("type") == "image/jpeg" for e in images)
    assert "이용요금: 무료" in body
    assert "이용요금: 1시간 10,000원 ~ 3시간 25,000원" in body
    assert "운영시간: 24시간" in body
    assert "운영시간: 화~일 10:00~21:00 (월요일 휴무)" in body
    assert "빔프로젝터와 화이트보드가 있는 회의실입니다" in body
    assert "조리도구 완비" in body


def test_feed_contains_one_hostile_item_for_the_sanitizer(client: httpx.Client) -> None:
    items = _items(client.get(FEED).content)
    hostile = [item for item in items if "<script>" in (item.findtext("description") or "")]
    assert len(hostile) == 1
    description = hostile[0].findtext("description") or ""
    assert "<script>alert(1)</script>" in description
    assert "onclick=" in description
    assert "위치: 서울특별시" in description  # otherwise a valid listing


# --- the CP949 CSV of the district -------------------------------------------------------

def test_tools_csv_is_cp949_not_utf8(client: httpx.Client) -> None:
    response = client.get(TOOLS)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=cp949"
    with pytest.raises(UnicodeDecodeError):
        response.content.decode("utf-8")
    assert response.content.decode("cp949").startswith("공구대여소,")


def test_tools_csv_has_the_seongbuk_style_header_and_16_rows_or_more(
        client: httpx.Client) -> None:
    header, *rows = _rows(client.get(TOOLS).content)
    assert header == CSV_HEADER
    assert len(rows) >= 16
    column = {name: position for position, name in enumerate(header)}
    for row in rows:
        assert len(row) == len(CSV_HEADER)
        assert row[column["공구대여소"]]
        assert 37.54 <= float(row[column["위도"]]) <= 37.58
        assert 126.89 <= float(row[column["경도"]]) <= 126.96
        assert row[column["전화번호"]].startswith("02-3153-")
        assert row[column["데이터기준일자"]] == "2026-10-15"
        assert row[column["대여기간"]] in {"2박3일", "3일(연장1회 가능)"}
        assert row[column["소재지지번주소"]].startswith("서울특별시 마포구 ")


def test_tools_csv_keeps_the_quirks_of_real_files(client: httpx.Client) -> None:
    _header, *rows = _rows(client.get(TOOLS).content)
    roads = [row[1] for row in rows]
    assert sum(road.endswith(" ") for road in roads) >= 2  # trailing space before the comma
    assert roads.count("") == 1  # one row with only a 지번 address
    assert all(road.startswith("서울특별시 마포구 ") for road in roads if road)
    items = [row[4] for row in rows]
    assert all("+" in cell for cell in items)
    assert sum("전동드릴" in cell for cell in items) >= 5
    assert sum("캠핑텐트" in cell for cell in items) >= 2
    fees = {row[6] for row in rows}
    assert fees == {"무료", "1000원 ~ 2000원"}
    assert [row[6] for row in rows].count("무료") > len(rows) / 2


def test_bundled_csv_file_is_cp949_on_disk() -> None:
    data = (resources.files("sample_platforms") / "data" / "mapo_tool_rental.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert data.decode("cp949").splitlines()[0].split(",") == CSV_HEADER


# --- HTTP behaviour ----------------------------------------------------------------------

def test_robots_txt_allows_everything(client: httpx.Client) -> None:
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response.text == "User-agent: *\nAllow: /\n"


@pytest.mark.parametrize("path", [FEED, TOOLS])
def test_conditional_get_with_a_matching_etag_gives_304(client: httpx.Client, path: str) -> None:
    first = client.get(path)
    etag = first.headers["etag"]
    assert etag.startswith('"')
    assert not etag.startswith("W/")
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    assert client.get(path, headers={"If-None-Match": '"stale"'}).status_code == 200
    assert client.get(path, headers={"If-None-Match": f'"x", W/{etag}'}).status_code == 304


def test_conditional_get_with_if_modified_since(client: httpx.Client) -> None:
    last_modified = client.get(FEED).headers["last-modified"]
    assert client.get(FEED, headers={"If-Modified-Since": last_modified}).status_code == 304
    older = format_datetime(datetime(2020, 1, 1, tzinfo=UTC), usegmt=True)
    assert client.get(FEED, headers={"If-Modified-Since": older}).status_code == 200
    assert client.get(FEED, headers={"If-Modified-Since": "garbage"}).status_code == 200
    # If-None-Match wins over If-Modified-Since.
    both = {"If-None-Match": '"stale"', "If-Modified-Since": last_modified}
    assert client.get(FEED, headers=both).status_code == 200


def test_head_sends_the_headers_without_a_body(client: httpx.Client) -> None:
    get = client.get(TOOLS)
    head = client.head(TOOLS)
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["content-length"] == str(len(get.content))
    assert head.headers["etag"] == get.headers["etag"]
    assert head.headers["content-type"] == get.headers["content-type"]


@pytest.mark.parametrize("path", ["/", "/company/feed", "/district/seongbuk/tools.csv",
                                  "/company/feed.xml/extra"])
def test_unknown_paths_give_404(client: httpx.Client, path: str) -> None:
    assert client.get(path).status_code == 404
    assert client.head(path).status_code == 404


def test_query_strings_are_ignored(client: httpx.Client) -> None:
    assert client.get(FEED, params={"page": "1"}).content == client.get(FEED).content


def test_set_body_replaces_a_route_until_reset(platforms: SamplePlatforms,
                                               client: httpx.Client) -> None:
    original = client.get(FEED)
    platforms.set_body(FEED, b"<rss>broken", content_type="application/rss+xml; charset=utf-8")
    broken = client.get(FEED)
    assert broken.status_code == 200
    assert broken.content == b"<rss>broken"
    assert broken.headers["content-type"] == "application/rss+xml; charset=utf-8"
    assert broken.headers["etag"] != original.headers["etag"]
    # The old validator no longer matches: a crawler gets the new body.
    assert client.get(FEED, headers={"If-None-Match": original.headers["etag"]}).status_code \
        == 200
    platforms.reset()
    restored = client.get(FEED)
    assert restored.content == original.content
    assert restored.headers["etag"] == original.headers["etag"]


def test_set_body_can_fail_a_route_and_add_a_new_one(platforms: SamplePlatforms,
                                                     client: httpx.Client) -> None:
    platforms.set_body(TOOLS, "서버 점검 중", content_type="text/plain; charset=utf-8", status=503)
    failing = client.get(TOOLS)
    assert failing.status_code == 503
    assert failing.text == "서버 점검 중"
    assert "etag" not in failing.headers
    platforms.set_body("/district/seongbuk/tools.csv", "공구대여소\n".encode("cp949"))
    added = client.get("/district/seongbuk/tools.csv")
    assert added.status_code == 200
    assert added.headers["content-type"] == "application/octet-stream"
    platforms.reset()
    assert client.get(TOOLS).status_code == 200
    assert client.get("/district/seongbuk/tools.csv").status_code == 404


def test_requests_are_recorded_with_their_headers(platforms: SamplePlatforms,
                                                  client: httpx.Client) -> None:
    client.get(FEED, headers={"User-Agent": "sharehub-test/1.0", "If-None-Match": '"x"'})
    client.head("/nowhere")
    first, second = platforms.requests
    assert (first.method, first.path, first.status) == ("GET", FEED, 200)
    assert first.headers["user-agent"] == "sharehub-test/1.0"
    assert first.headers["if-none-match"] == '"x"'
    assert (second.method, second.path, second.status) == ("HEAD", "/nowhere", 404)
    platforms.reset()
    assert platforms.requests == []


# --- the server's life cycle and the source definitions ---------------------------------

def test_base_url_and_url(platforms: SamplePlatforms) -> None:
    assert platforms.base_url.startswith("http://127.0.0.1:")
    assert not platforms.base_url.endswith("/")
    assert platforms.url(FEED) == platforms.base_url + FEED
    assert platforms.url("robots.txt") == platforms.base_url + "/robots.txt"


def test_stop_closes_the_port() -> None:
    platforms = SamplePlatforms().start()
    host, port = platforms.base_url.removeprefix("http://").split(":")
    with pytest.raises(RuntimeError):
        platforms.start()
    platforms.stop()
    platforms.stop()  # idempotent
    assert not platforms.running
    with pytest.raises(RuntimeError):
        _ = platforms.base_url
    with pytest.raises(ConnectionRefusedError), socket.create_connection((host, int(port)), 2):
        pass


def test_sample_sources_describe_the_feed_and_file_platforms(
        platforms: SamplePlatforms) -> None:
    sources = sample_sources(platforms.base_url + "/")
    assert [s["id"] for s in sources][:2] == ["modu-spaces", "mapo-tools"]
    assert len({s["id"] for s in sources}) == len(sources)
    keys = {"id", "name", "kind", "url", "provider_type", "district_code", "default_category"}
    assert all(set(s) >= keys for s in sources)
    spaces, tools = sources[:2]
    assert (spaces["name"], spaces["kind"], spaces["provider_type"]) == ("모두의공간", "rss",
                                                                        "company")
    assert spaces["district_code"] is None
    assert spaces["default_category"] == "space.meeting_room"
    assert spaces["url"] == platforms.url(FEED)
    assert (tools["name"], tools["kind"], tools["provider_type"]) == ("마포구 공구대여소", "csv",
                                                                     "public")
    assert tools["district_code"] == "11440"
    assert tools["default_category"] == "item.tools"
    assert tools["url"] == platforms.url(TOOLS)
    assert platforms.sources() == sample_sources(platforms.base_url)


def test_the_two_platforms_publish_30_listings_or_more(platforms: SamplePlatforms,
                                                       client: httpx.Client) -> None:
    counts = {}
    for source in platforms.sources()[:2]:
        response = client.get(str(source["url"]))
        assert response.status_code == 200
        if source["kind"] == "rss":
            counts[source["id"]] = len(_items(response.content))
        else:
            counts[source["id"]] = len(_rows(response.content)) - 1
    assert min(counts.values()) >= 16
    assert sum(counts.values()) >= 30


def test_the_hub_normalizer_reads_every_sample_listing(platforms: SamplePlatforms,
                                                       client: httpx.Client) -> None:
    import normalizer
    now = datetime(2026, 11, 20, tzinfo=UTC)
    total = 0
    for definition in platforms.sources()[:2]:  # the document kinds; APIs: test_pipeline
        source = normalizer.Source(**definition)
        result = normalizer.parse_document(client.get(source.url).content, source, now)
        assert result.report.invalid == 0, result.report.errors
        assert all(listing.location.lat is not None for listing in result.listings)
        total += len(result.listings)
    assert total >= 30


# --- the command line --------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_python_m_sample_platforms_serves_until_interrupted() -> None:
    port = _free_port()
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        filter(None, [str(root), os.environ.get("PYTHONPATH")]))}
    with subprocess.Popen([sys.executable, "-m", "sample_platforms", "--port", str(port)],
                          cwd=root, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE) as process:
        try:
            deadline = time.monotonic() + 15
            with httpx.Client(trust_env=False, timeout=2) as http:
                while True:
                    try:
                        response = http.get(f"http://127.0.0.1:{port}/robots.txt")
                        break
                    except httpx.TransportError:
                        assert process.poll() is None, process.stderr.read() \
                            if process.stderr else ""
                        assert time.monotonic() < deadline, "server did not start"
                        time.sleep(0.1)
            assert response.status_code == 200
            process.send_signal(signal.SIGINT)  # Ctrl-C
            _stdout, stderr = process.communicate(timeout=15)
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate()
    assert process.returncode == 0, stderr
    assert f"http://127.0.0.1:{port}/company/feed.xml".encode() in stderr
