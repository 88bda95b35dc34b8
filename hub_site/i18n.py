"""The site's UI strings in Korean (the default) and English, and the language switch.

Crawled listing text is never translated; only the site's own words are. Category and kind
labels come from the taxonomy (`normalizer.taxonomy`), not from this table.
"""

from __future__ import annotations

from typing import Literal

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
}


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
