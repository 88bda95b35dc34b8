"""The site's UI strings in Korean (the default) and English, and the language switch.

Crawled listing text is never translated; only the site's own words are. Category and kind
labels come from the taxonomy (`normalizer.taxonomy`), not from this table.
"""

from __future__ import annotations

from typing import Literal

from hub_site.map_strings import MAP_STRINGS
from hub_site.operator_strings import OPERATOR_STRINGS
from hub_site.staff_strings import STAFF_STRINGS

__all__ = ["DAY_CODES", "LANGS", "Lang", "Translator", "pick_lang"]

Lang = Literal["ko", "en"]
LANGS: tuple[Lang, ...] = ("ko", "en")
DAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

_STRINGS: dict[str, dict[Lang, str]] = {
    # chrome
    "site_name": {"ko": "공유허브", "en": "ShareHub"},
    "tagline": {"ko": "우리 동네 모든 공유 자원을 한 곳에서",
                "en": "Every sharing service around you, in one place"},
    "skip_to_content": {"ko": "본문으로 건너뛰기", "en": "Skip to content"},
    "switch_language": {"ko": "English", "en": "한국어"},
    "switch_language_label": {"ko": "Switch to English", "en": "한국어로 보기"},
    "footer_note": {"ko": "예약과 대여는 각 플랫폼에서 합니다. "
                          "정보는 원 출처에서 자동으로 모읍니다.",
                    "en": "Booking happens on each platform. Listings are gathered "
                          "automatically from their sources."},
    # search form
    "search_label": {"ko": "검색어", "en": "Search"},
    "search_placeholder": {"ko": "예: 전동드릴, 회의실, 캠핑", "en": "e.g. drill, meeting room"},
    "search_button": {"ko": "검색", "en": "Search"},
    "category": {"ko": "분류", "en": "Category"},
    "all_categories": {"ko": "전체 분류", "en": "All categories"},
    "free_only": {"ko": "무료만", "en": "Free only"},
    "district": {"ko": "지역", "en": "District"},
    "remove_filter": {"ko": "{label} 필터 지우기", "en": "Remove filter {label}"},
    "filters": {"ko": "적용된 필터", "en": "Active filters"},
    # home
    "home_heading": {"ko": "무엇을 빌리거나 나누고 싶나요?", "en": "What would you like to share?"},
    "hub_stats": {"ko": "{platforms}개 플랫폼에서 모은 공유 자원 {listings}건",
                  "en": "{listings} listings gathered from {platforms} platforms"},
    "browse_categories": {"ko": "분류별로 보기", "en": "Browse by category"},
    "platforms_heading": {"ko": "정보를 모으는 플랫폼", "en": "Platforms feeding the hub"},
    "listing_count": {"ko": "{count}건", "en": "{count} listings"},
    "no_platforms": {"ko": "아직 등록된 플랫폼이 없습니다.",
                     "en": "No platforms are registered yet."},
    # search results
    "results_heading": {"ko": "검색 결과", "en": "Search results"},
    "results_total": {"ko": "총 {total}건", "en": "{total} results"},
    "results_for": {"ko": "‘{q}’ 검색 결과", "en": "Results for “{q}”"},
    "no_results": {"ko": "찾는 공유 자원이 없습니다. 다른 검색어를 쓰거나 필터를 지워 보세요.",
                   "en": "Nothing matched. Try other words or remove a filter."},
    "show_all": {"ko": "전체 목록 보기", "en": "Show everything"},
    "pagination": {"ko": "페이지 이동", "en": "Pages"},
    "previous_page": {"ko": "이전", "en": "Previous"},
    "next_page": {"ko": "다음", "en": "Next"},
    "page_of": {"ko": "{page} / {pages} 페이지", "en": "Page {page} of {pages}"},
    # cards and listing page
    "free": {"ko": "무료", "en": "Free"},
    "paid": {"ko": "유료", "en": "Paid"},
    "fee_unknown": {"ko": "요금 정보 없음", "en": "Fee not stated"},
    "fee_from": {"ko": "{amount}원부터", "en": "from ₩{amount}"},
    "krw": {"ko": "{amount}원", "en": "₩{amount}"},
    "last_confirmed": {"ko": "마지막 확인: {ago}", "en": "last confirmed {ago}"},
    "source_platform": {"ko": "출처", "en": "Source"},
    "book": {"ko": "예약·신청하기", "en": "Book"},
    "view_at_source": {"ko": "원문 보기", "en": "View at source"},
    "back_to_search": {"ko": "검색으로 돌아가기", "en": "Back to search"},
    "details": {"ko": "상세 정보", "en": "Details"},
    "description": {"ko": "소개", "en": "About"},
    "address": {"ko": "주소", "en": "Address"},
    "map": {"ko": "지도에서 보기", "en": "Show on a map"},
    "coordinates": {"ko": "좌표", "en": "Coordinates"},
    "hours": {"ko": "이용 시간", "en": "Opening hours"},
    "hours_days": {"ko": "요일", "en": "Days"},
    "hours_opens": {"ko": "시작", "en": "Opens"},
    "hours_closes": {"ko": "종료", "en": "Closes"},
    "fee": {"ko": "요금", "en": "Fee"},
    "fee_range": {"ko": "금액", "en": "Amount"},
    "deposit": {"ko": "보증금", "en": "Deposit"},
    "loan_period": {"ko": "대여 기간", "en": "Loan period"},
    "days_count": {"ko": "{count}일", "en": "{count} days"},
    "capacity": {"ko": "수용 인원", "en": "Capacity"},
    "people_count": {"ko": "{count}명", "en": "{count} people"},
    "items": {"ko": "대여 물품", "en": "Items to borrow"},
    "item_name": {"ko": "물품", "en": "Item"},
    "item_quantity": {"ko": "수량", "en": "Quantity"},
    "contact": {"ko": "연락처", "en": "Contact"},
    "phone": {"ko": "전화", "en": "Phone"},
    "email": {"ko": "이메일", "en": "Email"},
    "website": {"ko": "웹사이트", "en": "Website"},
    "provider": {"ko": "운영 기관", "en": "Provider"},
    "provider_type": {"ko": "기관 유형", "en": "Provider type"},
    "kind": {"ko": "유형", "en": "Kind"},
    "tags": {"ko": "태그", "en": "Tags"},
    "also_listed_on": {"ko": "같은 자원이 올라온 곳", "en": "Also listed on"},
    "record_history": {"ko": "수집 정보", "en": "Record"},
    "source_updated_at": {"ko": "출처 수정일", "en": "Updated at source"},
    "first_seen_at": {"ko": "처음 수집", "en": "First seen"},
    "last_seen_at": {"ko": "마지막 확인", "en": "Last confirmed"},
    "quality": {"ko": "정보 품질 점수", "en": "Quality score"},
    "quality_issues": {"ko": "품질 메모", "en": "Quality notes"},
    "unknown": {"ko": "정보 없음", "en": "Not stated"},
    "provider_public": {"ko": "공공", "en": "Public"},
    "provider_company": {"ko": "기업", "en": "Company"},
    "provider_nonprofit": {"ko": "비영리", "en": "Non-profit"},
    "provider_community": {"ko": "공동체", "en": "Community"},
    "provider_unknown": {"ko": "알 수 없음", "en": "Unknown"},
    # listing page: week, map, sources, provenance, report form (listing_views, report_views)
    "week_hours": {"ko": "요일별 이용 시간", "en": "Hours by day"},
    "see_week_hours": {"ko": "아래 요일별 표를 보세요.", "en": "See the table by day below."},
    "hours_time": {"ko": "시간", "en": "Hours"},
    "today": {"ko": "오늘", "en": "today"},
    "closed_day": {"ko": "휴무", "en": "Closed"},
    "location": {"ko": "위치", "en": "Location"},
    "open_external_map": {"ko": "OpenStreetMap에서 열기", "en": "Open in OpenStreetMap"},
    "this_listing": {"ko": "지금 보는 정보", "en": "This listing"},
    "listing_at_hub": {"ko": "이 플랫폼의 정보 보기", "en": "This platform's listing"},
    "source_link": {"ko": "출처에서 보기", "en": "At the source"},
    "source_record_id": {"ko": "출처의 원래 번호", "en": "Record id at the source"},
    "source_url": {"ko": "출처 주소", "en": "Source URL"},
    "last_fetched_at": {"ko": "마지막 수집 시도", "en": "Last fetched"},
    "report_heading": {"ko": "정보가 달라졌나요?", "en": "Is something out of date?"},
    "report_intro": {"ko": "운영자에게 알려 주시면 출처를 다시 확인합니다.",
                     "en": "Tell the operator and they will check the source again."},
    "report_reason": {"ko": "무엇이 다른가요", "en": "What is wrong"},
    "report_reason_closed": {"ko": "운영을 끝냈어요", "en": "It has closed"},
    "report_reason_wrong_hours": {"ko": "이용 시간이 달라요", "en": "Wrong hours"},
    "report_reason_wrong_fee": {"ko": "요금이 달라요", "en": "Wrong fee"},
    "report_reason_wrong_location": {"ko": "위치가 달라요", "en": "Wrong location"},
    "report_reason_other": {"ko": "기타", "en": "Something else"},
    "report_comment": {"ko": "덧붙일 말 (선택, {max}자 이내)",
                       "en": "Comment (optional, up to {max} characters)"},
    "report_submit": {"ko": "알리기", "en": "Send report"},
    "report_thanks": {"ko": "알려 주셔서 고맙습니다. 운영자가 출처를 다시 확인하겠습니다.",
                      "en": "Thank you for the report. The operator will check the source."},
    "report_problem_invalid": {"ko": "보낸 내용을 읽지 못했습니다. 이유를 고르고 다시 보내 "
                                     "주세요.",
                               "en": "The report could not be read. Choose a reason and "
                                     "send it again."},
    "report_problem_expired": {"ko": "양식이 만료되었습니다. 다시 보내 주세요.",
                               "en": "The form has expired. Please send it again."},
    "report_problem_rate_limited": {"ko": "알림을 너무 많이 보냈습니다. 잠시 뒤에 다시 "
                                          "시도해 주세요.",
                                    "en": "Too many reports from here. Please try again "
                                          "later."},
    # platform directory and district pages (platform_views, district_views)
    "platforms_title": {"ko": "플랫폼 목록", "en": "Platform directory"},
    "platforms_intro": {"ko": "공유허브가 정보를 모으는 모든 플랫폼과 그 상태입니다.",
                        "en": "Every platform the hub gathers listings from, and its health."},
    "platform_format": {"ko": "형식", "en": "Format"},
    "platform_operator": {"ko": "운영", "en": "Operator"},
    "platform_site": {"ko": "플랫폼 주소", "en": "Platform address"},
    "listings_label": {"ko": "공유 자원", "en": "Listings"},
    "districts_served": {"ko": "서비스 지역", "en": "Districts served"},
    "platform_health": {"ko": "상태", "en": "Health"},
    "last_success": {"ko": "마지막 수집 성공", "en": "Last successful run"},
    "last_run_status": {"ko": "최근 수집 결과", "en": "Last run"},
    "run_status_ok": {"ko": "정상", "en": "OK"},
    "run_status_unchanged": {"ko": "변경 없음", "en": "Unchanged"},
    "run_status_failed": {"ko": "실패", "en": "Failed"},
    "run_status_quarantined": {"ko": "보류 (확인 필요)", "en": "Held for review"},
    "run_status_none": {"ko": "아직 수집 전", "en": "Not run yet"},
    "freshness_fresh": {"ko": "최신", "en": "Fresh"},
    "freshness_stale": {"ko": "조금 오래됨", "en": "Getting old"},
    "freshness_old": {"ko": "오래됨", "en": "Out of date"},
    "freshness_never": {"ko": "수집된 적 없음", "en": "Never fetched"},
    "recent_runs": {"ko": "최근 수집 기록", "en": "Recent runs"},
    "run_finished": {"ko": "끝난 시각", "en": "Finished"},
    "run_result": {"ko": "결과", "en": "Result"},
    "run_changes": {"ko": "추가 {added} · 수정 {updated} · 삭제 {removed} · 오류 {invalid}",
                    "en": "added {added} · updated {updated} · removed {removed} · "
                          "invalid {invalid}"},
    "no_runs": {"ko": "수집 기록이 없습니다.", "en": "No runs yet."},
    "platform_listings": {"ko": "이 플랫폼의 공유 자원", "en": "Listings from this platform"},
    "no_listings": {"ko": "공유 자원이 없습니다.", "en": "No listings."},
    "platform_merged": {"ko": "이 밖에 {count}건은 다른 플랫폼에 함께 올라와 그쪽 정보로 "
                              "보여 드립니다 (‘같은 자원이 올라온 곳’에 이 플랫폼이 나옵니다).",
                        "en": "{count} more are listed on other platforms too and shown "
                              "there (with this platform under “Also listed on”)."},
    "open_reports": {"ko": "확인 요청 {count}건", "en": "{count} open reports"},
    "districts_title": {"ko": "지역별 공유 자원", "en": "Sharing by district"},
    "districts_intro": {"ko": "공유 자원이 있는 시군구를 시도별로 모았습니다.",
                        "en": "Districts with listings, grouped by province or city."},
    "no_districts": {"ko": "아직 지역 정보가 있는 공유 자원이 없습니다.",
                     "en": "No listings with a district yet."},
    "district_categories": {"ko": "분류별 공유 자원", "en": "Listings by category"},
    "district_platforms": {"ko": "이 지역 정보를 주는 플랫폼", "en": "Platforms serving it"},
    "district_search": {"ko": "{name}의 공유 자원 모두 검색", "en": "Search everything in {name}"},
    # relative time
    "just_now": {"ko": "방금 전", "en": "just now"},
    "minutes_ago": {"ko": "{n}분 전", "en": "{n} minutes ago"},
    "minute_ago": {"ko": "1분 전", "en": "1 minute ago"},
    "hours_ago": {"ko": "{n}시간 전", "en": "{n} hours ago"},
    "hour_ago": {"ko": "1시간 전", "en": "1 hour ago"},
    "days_ago": {"ko": "{n}일 전", "en": "{n} days ago"},
    "day_ago": {"ko": "1일 전", "en": "1 day ago"},
    # days of the week
    "day_mon": {"ko": "월", "en": "Mon"},
    "day_tue": {"ko": "화", "en": "Tue"},
    "day_wed": {"ko": "수", "en": "Wed"},
    "day_thu": {"ko": "목", "en": "Thu"},
    "day_fri": {"ko": "금", "en": "Fri"},
    "day_sat": {"ko": "토", "en": "Sat"},
    "day_sun": {"ko": "일", "en": "Sun"},
    # errors
    "error_heading": {"ko": "문제가 생겼습니다", "en": "Something went wrong"},
    "error_404": {"ko": "찾는 페이지가 없습니다. 주소를 확인하거나 검색해 보세요.",
                  "en": "This page does not exist. Check the address or search instead."},
    "error_405": {"ko": "이 사이트는 읽기 전용입니다.", "en": "This site is read-only."},
    "error_503": {"ko": "검색을 잠시 쓸 수 없습니다. 잠시 뒤 다시 시도해 주세요.",
                  "en": "Search is unavailable for a moment. Please try again shortly."},
    "error_other": {"ko": "요청을 처리하지 못했습니다.", "en": "The request could not be handled."},
    "go_home": {"ko": "첫 화면으로", "en": "Go to the home page"},
    # results: facets, sort, cards (search_views, search_facets, cards)
    "facets_heading": {"ko": "조건으로 좁히기", "en": "Narrow the results"},
    "facet_platform": {"ko": "플랫폼", "en": "Platform"},
    "facet_open": {"ko": "운영 시간", "en": "Opening hours"},
    "open_now": {"ko": "지금 운영 중", "en": "Open now"},
    "apply_filters": {"ko": "조건 적용", "en": "Apply filters"},
    "clear_filters": {"ko": "조건 모두 지우기", "en": "Clear all filters"},
    "facet_count": {"ko": "{count}건", "en": "{count}"},
    "sort_label": {"ko": "정렬", "en": "Sort by"},
    "sort_relevance": {"ko": "관련도순", "en": "Relevance"},
    "sort_newest": {"ko": "최신순", "en": "Newest"},
    "sort_distance": {"ko": "가까운 순", "en": "Distance"},
    "near_district": {"ko": "기준 지역 (가까운 순)", "en": "Distance from (district)"},
    "near_none": {"ko": "지역 선택", "en": "Choose a district"},
    "apply_sort": {"ko": "정렬 적용", "en": "Sort"},
    "near_label": {"ko": "{place} 기준", "en": "near {place}"},
    "distance_from": {"ko": "{place} 중심에서 가까운 순입니다 (좌표가 있는 곳만).",
                      "en": "Nearest to the centre of {place} first (places with coordinates "
                            "only)."},
    "distance_needs_place": {"ko": "가까운 순으로 보려면 기준 지역을 고르세요. "
                                   "지금은 관련도순으로 보여 드립니다.",
                             "en": "To sort by distance, choose a district to measure from. "
                                   "Showing the most relevant first."},
    "distance_km": {"ko": "{km}km", "en": "{km} km"},
    "also_on": {"ko": "함께 등록된 곳: {names}", "en": "Also on: {names}"},
    # home: district picker, newest, shortcuts, freshness (home_views)
    "district_picker": {"ko": "우리 동네에서 찾기", "en": "Find in your district"},
    "district_choose": {"ko": "자치구", "en": "District"},
    "district_go": {"ko": "보기", "en": "Show"},
    "all_districts": {"ko": "모든 지역 보기", "en": "All districts"},
    "all_platforms": {"ko": "모든 플랫폼 보기", "en": "All platforms"},
    "newest_heading": {"ko": "새로 올라온 공유 자원", "en": "Newest listings"},
    "open_now_shortcut": {"ko": "지금 운영 중인 곳 보기", "en": "See what is open now"},
    "free_open_now_shortcut": {"ko": "지금 무료로 쓸 수 있는 곳", "en": "Free and open now"},
    "hub_freshness": {"ko": "{platforms}개 플랫폼, 가장 오래된 확인 {ago}",
                      "en": "{platforms} platforms, oldest confirmation {ago}"},
    # feeds, OpenSearch, rate limit
    "error_429": {"ko": "검색 요청이 너무 잦습니다. {seconds}초 뒤에 다시 시도해 주세요.",
                  "en": "Too many searches at once. Please try again in {seconds} seconds."},
    "feed_all_title": {"ko": "공유허브 새 공유 자원", "en": "ShareHub: new listings"},
    "feed_search_title": {"ko": "공유허브 새 공유 자원: {what}",
                          "en": "ShareHub: new listings for {what}"},
    "feed_link_title": {"ko": "이 검색의 새 공유 자원 (Atom)",
                        "en": "New listings for this search (Atom)"},
    "feed_all_link_title": {"ko": "모든 새 공유 자원 (Atom)", "en": "All new listings (Atom)"},
    "opensearch_title": {"ko": "공유허브 검색", "en": "ShareHub search"},
    "opensearch_description": {"ko": "우리 동네 모든 공유 자원을 한 곳에서 검색합니다",
                               "en": "Search every sharing service around you"},
}
_STRINGS.update(STAFF_STRINGS)  # the staff and status pages' strings (staff_strings.py)
_STRINGS.update(OPERATOR_STRINGS)  # the operator pages' strings (operator_strings.py)
_STRINGS.update(MAP_STRINGS)  # the map view's strings (map_strings.py)


def pick_lang(value: str | None) -> Lang:
    """The UI language from a `lang` query value: English when asked, Korean otherwise."""
    return "en" if value == "en" else "ko"


class Translator:
    """UI strings in one language; templates call it as `t("key", name=value)`."""

    __slots__ = ("lang",)

    def __init__(self, lang: Lang) -> None:
        self.lang: Lang = lang

    def __call__(self, key: str, /, **values: object) -> str:
        """The string for `key` with `{name}` placeholders filled; the key when unknown."""
        entry = _STRINGS.get(key)
        if entry is None:
            return key
        text = entry[self.lang]
        return text.format(**values) if values else text

    def has(self, key: str) -> bool:
        return key in _STRINGS
