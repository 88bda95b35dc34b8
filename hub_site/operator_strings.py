"""The operator pages' UI strings (Korean and English), merged into hub_site.i18n's table.
Kept apart so i18n.py stays small; it must not import hub_site.i18n (which imports this)."""

from __future__ import annotations

from typing import Literal

__all__ = ["OPERATOR_STRINGS"]

OPERATOR_STRINGS: dict[str, dict[Literal["ko", "en"], str]] = {
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
