"""The site's UI strings in Korean (the default) and English, and the language switch.

Crawled listing text is never translated; only the site's own words are. Category and kind
labels come from the taxonomy (`normalizer.taxonomy`), not from this table.
"""

from __future__ import annotations

from typing import Literal

from hub_site.map_strings import MAP_STRINGS
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
    # operator pages (operator_routes, operator_source_routes, operator_reports)
    "error_401": {"ko": "로그인이 필요합니다. 운영자 페이지(/operators)에서 토큰으로 로그인하세요.",
                  "en": "Please sign in first: use your token on the operator page "
                        "(/operators)."},
    "error_403": {"ko": "이 요청은 허용되지 않습니다. 양식이 만료되었으면 페이지를 새로 "
                        "고친 뒤 다시 보내 주세요.",
                  "en": "This request is not allowed. If the form expired, reload the page "
                        "and send it again."},
    "error_409": {"ko": "지금 상태에서는 할 수 없는 요청입니다.",
                  "en": "This cannot be done in the current state."},
    "error_413": {"ko": "보낸 파일이 너무 큽니다.", "en": "The file sent is too large."},
    "op_title": {"ko": "플랫폼 운영자", "en": "Platform operators"},
    "op_intro": {"ko": "공유 자원 목록(파일, 피드, API)을 등록하면 검토 뒤 공유허브가 "
                       "정해진 주기로 모아 시민에게 보여 줍니다.",
                 "en": "Register your listings (a file, a feed or an API); after review "
                       "the hub gathers them on schedule and shows them to citizens."},
    "op_signup_heading": {"ko": "운영자 가입", "en": "Sign up as an operator"},
    "op_name": {"ko": "담당자 이름", "en": "Your name"},
    "op_organisation": {"ko": "기관·회사", "en": "Organisation"},
    "op_signup_button": {"ko": "가입하고 토큰 받기", "en": "Sign up and get a token"},
    "op_signup_invalid": {"ko": "이름, 기관, 이메일을 모두 바르게 적어 주세요.",
                          "en": "Please fill in your name, organisation and e-mail."},
    "op_token_heading": {"ko": "접속 토큰", "en": "Your access token"},
    "op_token_warning": {"ko": "이 토큰은 지금 한 번만 보여 드립니다. 안전한 곳에 보관하세요. "
                               "잃어버리면 다시 볼 수 없습니다.",
                         "en": "This token is shown only once. Keep it somewhere safe: it "
                               "cannot be shown again."},
    "op_login_heading": {"ko": "토큰으로 로그인", "en": "Sign in with your token"},
    "op_token": {"ko": "접속 토큰", "en": "Access token"},
    "op_login_button": {"ko": "로그인", "en": "Sign in"},
    "op_login_failed": {"ko": "토큰이 맞지 않습니다.", "en": "That token is not valid."},
    "op_logout": {"ko": "로그아웃", "en": "Sign out"},
    "op_signed_in_as": {"ko": "{organisation} {name} 님으로 로그인했습니다.",
                        "en": "Signed in as {name}, {organisation}."},
    "op_staff_note": {"ko": "직원 계정입니다. 등록 검토는 직원 페이지에서 합니다.",
                      "en": "This is a staff account; registrations are reviewed on the "
                            "staff pages."},
    "op_actions": {"ko": "운영자 메뉴", "en": "Operator menu"},
    "op_register_link": {"ko": "새 소스 등록", "en": "Register a source"},
    "op_bulk_link": {"ko": "CSV로 여러 개 등록", "en": "Register many from a CSV"},
    "op_my_sources": {"ko": "내 소스", "en": "My sources"},
    "op_no_sources": {"ko": "아직 등록한 소스가 없습니다.",
                      "en": "You have not registered a source yet."},
    "op_source_name": {"ko": "소스 이름", "en": "Source name"},
    "op_source_id": {"ko": "소스 ID", "en": "Source id"},
    "op_status": {"ko": "상태", "en": "Status"},
    "op_status_pending": {"ko": "검토 대기", "en": "Waiting for review"},
    "op_status_approved": {"ko": "승인됨", "en": "Approved"},
    "op_status_rejected": {"ko": "반려됨", "en": "Rejected"},
    "op_reason": {"ko": "반려 사유", "en": "Reason for rejection"},
    "op_registered_at": {"ko": "등록일", "en": "Registered"},
    "op_back": {"ko": "운영자 첫 화면으로", "en": "Back to the operator page"},
    "op_register_heading": {"ko": "소스 등록", "en": "Register a source"},
    "op_source_url": {"ko": "주소 (URL)", "en": "Address (URL)"},
    "op_source_file": {"ko": "또는 파일 올리기 (CSV, XLSX, JSON, {mb}MB 이하)",
                       "en": "or upload a file (CSV, XLSX, JSON, up to {mb} MB)"},
    "op_upload_note": {"ko": "올린 파일은 미리보기만 합니다. 정해진 주기로 수집하려면 파일을 "
                             "올려 둔 주소(URL)가 필요합니다.",
                       "en": "An uploaded file is only previewed. To be crawled on schedule, "
                             "a source needs an address (URL) where the file lives."},
    "op_kind_detect": {"ko": "자동으로 알아내기", "en": "Detect it"},
    "op_contact_email": {"ko": "담당자 이메일", "en": "Contact e-mail"},
    "op_contact_phone": {"ko": "담당자 전화", "en": "Contact phone"},
    "op_interval": {"ko": "수집 주기 (예: 6h, 1d)", "en": "Crawl interval (e.g. 6h, 1d)"},
    "op_quiet": {"ko": "수집하지 않을 시간", "en": "Quiet windows"},
    "op_quiet_hint": {"ko": "한 줄에 하나씩, 서울 시간: ‘weekdays 09:00-18:00’, "
                            "‘22:00-06:00’ (매일), ‘sat,sun 00:00-24:00’.",
                      "en": "One a line, Seoul time: ‘weekdays 09:00-18:00’, ‘22:00-06:00’ "
                            "(daily), ‘sat,sun 00:00-24:00’."},
    "op_preview_button": {"ko": "미리보기 (시험 수집)", "en": "Preview (dry run)"},
    "op_dry_run_heading": {"ko": "시험 수집 결과", "en": "Dry run"},
    "op_dry_run_ok": {"ko": "모든 검사를 통과했습니다.", "en": "Every check passed."},
    "op_dry_run_failed": {"ko": "통과하지 못한 검사가 있습니다. 아래 내용을 고쳐 주세요.",
                          "en": "A check failed; see below what to fix."},
    "op_verdicts": {"ko": "검사 결과", "en": "Checks"},
    "op_verdict_ok": {"ko": "통과", "en": "passed"},
    "op_verdict_failed": {"ko": "실패", "en": "failed"},
    "op_check_address": {"ko": "주소 (공개 주소인지)", "en": "Address (public host)"},
    "op_check_robots": {"ko": "robots.txt 허용", "en": "robots.txt"},
    "op_check_size": {"ko": "크기", "en": "Size"},
    "op_check_parse": {"ko": "읽기", "en": "Parsing"},
    "op_dry_run_counts": {"ko": "공유 자원 {total}건을 읽었고 {invalid}건은 건너뛰었습니다.",
                          "en": "{total} listings read, {invalid} records skipped."},
    "op_quality_average": {"ko": "평균 품질 점수 {score}점", "en": "average quality {score}"},
    "op_first_listings": {"ko": "시민에게 보일 모습 (처음 몇 건)",
                          "en": "As citizens will see them (the first few)"},
    "op_unmapped_fields": {"ko": "읽지 못한 열", "en": "Columns not read"},
    "op_unmapped_labels": {"ko": "알 수 없는 분류", "en": "Categories not recognised"},
    "op_record_errors": {"ko": "건너뛴 항목", "en": "Records skipped"},
    "op_fixes": {"ko": "고치면 좋은 점", "en": "What to fix"},
    "op_submit_note": {"ko": "검토를 요청하면 직원이 확인한 뒤 승인하거나 사유와 함께 "
                             "반려합니다.",
                       "en": "Staff review the request, then approve it or say why not."},
    "op_submit_review": {"ko": "검토 요청하기", "en": "Submit for review"},
    "op_upload_needs_url": {"ko": "파일 미리보기입니다. 등록하려면 이 파일을 올려 둔 주소(URL)를 "
                                  "적고 다시 미리보기 하세요.",
                            "en": "This previewed an uploaded file. To register, give the "
                                  "address (URL) where the file lives and preview again."},
    "op_fix_first": {"ko": "검사를 통과해야 검토를 요청할 수 있습니다.",
                     "en": "The checks must pass before you can submit for review."},
    "op_refused": {"ko": "등록하지 못했습니다: {reason}", "en": "Not registered: {reason}"},
    "op_too_large": {"ko": "파일이 너무 큽니다 ({mb}MB 이하만 됩니다).",
                     "en": "The file is too large (up to {mb} MB)."},
    "op_bad_extension": {"ko": "CSV, XLSX, JSON 파일만 올릴 수 있습니다.",
                         "en": "Only CSV, XLSX and JSON files can be uploaded."},
    "op_pending_note": {"ko": "직원이 검토 중입니다. 승인되면 정해진 주기로 수집합니다.",
                        "en": "Staff are reviewing it; once approved it is crawled on "
                              "schedule."},
    "op_recrawl_button": {"ko": "지금 다시 수집", "en": "Re-crawl now"},
    "op_recrawl_hint": {"ko": "소스마다 10분에 한 번", "en": "once per source every 10 minutes"},
    "op_recrawl_requested": {"ko": "재수집을 요청했습니다. 곧 아래에 결과가 나옵니다.",
                             "en": "Re-crawl requested; its report will appear below shortly."},
    "op_recrawl_too_soon": {"ko": "재수집은 소스마다 10분에 한 번만 요청할 수 있습니다. "
                                  "{minutes}분 뒤에 다시 요청해 주세요.",
                            "en": "A re-crawl can be asked once per source every 10 minutes. "
                                  "Please ask again in {minutes} minutes."},
    "op_quality_heading": {"ko": "공유 자원과 품질", "en": "Listings and quality"},
    "op_listing_count": {"ko": "공유 자원 {count}건", "en": "{count} listings"},
    "op_feedback_heading": {"ko": "시민의 확인 요청 {count}건",
                            "en": "{count} open reports from citizens"},
    "op_no_feedback": {"ko": "열린 확인 요청이 없습니다.", "en": "No open reports."},
    "op_runs_heading": {"ko": "수집 보고서", "en": "Run reports"},
    "op_missing": {"ko": "출처에서 사라진 {count}건 (유예 중)",
                   "en": "{count} missing at the source (grace period)"},
    "op_error": {"ko": "오류", "en": "Error"},
    "op_how_to_fix": {"ko": "고치는 법", "en": "How to fix"},
    "op_warnings": {"ko": "경고", "en": "Warnings"},
    "op_fetches": {"ko": "요청별 기록", "en": "Each fetch"},
    "op_http_status": {"ko": "응답 코드", "en": "Status"},
    "op_bytes": {"ko": "바이트", "en": "Bytes"},
    "op_duration": {"ko": "걸린 시간", "en": "Duration"},
    "op_hint_robots": {"ko": "robots.txt가 sharehub의 수집을 막고 있습니다. 이 주소를 "
                             "허용해 주세요.",
                       "en": "robots.txt refuses sharehub: allow this address for it."},
    "op_hint_not_found": {"ko": "주소에 문서가 없습니다. URL이 바뀌었다면 새 주소로 다시 "
                                "등록해 주세요.",
                          "en": "Nothing is at this address: if the URL moved, register the "
                                "new one."},
    "op_hint_key": {"ko": "접근이 거부되었습니다. 공개 주소인지, API 키가 맞는지 확인해 주세요.",
                    "en": "Access was refused: check the address is public or the API key is "
                          "valid."},
    "op_hint_slow": {"ko": "서버가 제때 응답하지 않았습니다. 서버 상태를 확인하거나 수집 "
                           "시간대를 조정해 주세요.",
                     "en": "The server answered too slowly: check it, or set quiet windows "
                           "around busy hours."},
    "op_hint_size": {"ko": "문서가 너무 큽니다. 여러 파일이나 페이지로 나눠 주세요.",
                     "en": "The document is too large: split it into pages or files."},
    "op_hint_address": {"ko": "공개되지 않은 주소입니다. 인터넷에서 접근할 수 있는 주소를 "
                              "써 주세요.",
                        "en": "The address is not public: give one reachable from the "
                              "internet."},
    "op_hint_format": {"ko": "문서를 읽지 못했습니다. 형식(열 이름, 인코딩)이 바뀌었는지 "
                             "확인해 주세요.",
                       "en": "The document could not be read: check whether its format "
                             "(columns, encoding) changed."},
    "op_hint_other": {"ko": "잠시 뒤에도 같으면 오류 내용을 담아 연락해 주세요.",
                      "en": "If it happens again, contact us with the error text."},
    "op_hint_records": {"ko": "건너뛴 항목의 이유를 보고 출처의 해당 행을 고쳐 주세요.",
                        "en": "See why records were skipped and fix those rows at the "
                              "source."},
    "op_bulk_heading": {"ko": "CSV로 여러 소스 등록", "en": "Register many sources from a CSV"},
    "op_bulk_intro": {"ko": "첫 줄에 열 이름을 적은 CSV 파일을 올리세요. name과 url은 꼭 "
                            "필요합니다. 각 행을 차례로 시험 수집한 뒤 검토를 요청합니다.",
                      "en": "Upload a CSV whose first line names the columns; name and url "
                            "are required. Each row is dry-run in turn, then submitted for "
                            "review."},
    "op_bulk_file": {"ko": "CSV 파일", "en": "CSV file"},
    "op_bulk_button": {"ko": "올리고 등록하기", "en": "Upload and register"},
    "op_bulk_needs_csv": {"ko": "CSV 파일(.csv)을 골라 주세요.",
                          "en": "Please choose a CSV file (.csv)."},
    "op_bulk_results": {"ko": "{total}개 중 {registered}개를 등록했습니다",
                        "en": "{registered} of {total} registered"},
    "op_result": {"ko": "결과", "en": "Result"},
    "op_bulk_registered": {"ko": "검토 요청됨", "en": "Submitted"},
    "op_bulk_refused": {"ko": "등록 못 함", "en": "Not registered"},
}
_STRINGS.update(STAFF_STRINGS)  # the staff and status pages' strings (staff_strings.py)
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
