"""The staff pages' and the public status page's UI strings (Korean and English), merged
into hub_site.i18n's table. Kept apart so i18n.py stays small; it must not import
hub_site.i18n (which imports this)."""

from __future__ import annotations

from typing import Literal

__all__ = ["STAFF_STRINGS"]

STAFF_STRINGS: dict[str, dict[Literal["ko", "en"], str]] = {
    # sign-in and chrome
    "staff_title": {"ko": "서울시 담당자 페이지", "en": "City staff pages"},
    "staff_token_label": {"ko": "담당자 토큰", "en": "Staff token"},
    "staff_login": {"ko": "로그인", "en": "Sign in"},
    "staff_login_help": {"ko": "토큰은 관리자가 `sharehub staff add` 명령으로 발급합니다.",
                         "en": "An administrator issues tokens with `sharehub staff add`."},
    "staff_login_failed": {"ko": "담당자 토큰이 맞지 않습니다.",
                           "en": "That is not a staff token."},
    "staff_logout": {"ko": "로그아웃", "en": "Sign out"},
    "staff_signed_in_as": {"ko": "{name} ({organisation}) 님으로 로그인함",
                           "en": "Signed in as {name} ({organisation})"},
    "staff_nav": {"ko": "담당자 메뉴", "en": "Staff menu"},
    "staff_section_health": {"ko": "플랫폼 상태", "en": "Source health"},
    "staff_section_quarantine": {"ko": "보류된 수집", "en": "Quarantined runs"},
    "staff_section_registrations": {"ko": "등록 검토", "en": "Registrations"},
    "staff_section_coverage": {"ko": "지역별 현황", "en": "Coverage"},
    "staff_section_audit": {"ko": "처리 기록", "en": "Audit log"},
    # health
    "staff_health_summary": {"ko": "플랫폼 {total}곳 중 실패 {failing}곳, 불안정 {degraded}곳",
                             "en": "{failing} failing and {degraded} degraded of {total} "
                                   "sources"},
    "staff_health_caption": {"ko": "문제가 있는 플랫폼부터 보여 줍니다",
                             "en": "Sources with problems first"},
    "staff_source": {"ko": "플랫폼", "en": "Source"},
    "staff_state": {"ko": "상태", "en": "State"},
    "staff_last_success": {"ko": "마지막 성공", "en": "Last success"},
    "staff_next_run": {"ko": "다음 수집", "en": "Next run"},
    "staff_failures": {"ko": "연속 실패", "en": "Failures in a row"},
    "staff_listings": {"ko": "공유 자원", "en": "Listings"},
    "staff_trend_30": {"ko": "30일 추이", "en": "30 days"},
    "staff_quality": {"ko": "품질 평균", "en": "Quality"},
    "staff_failing_since": {"ko": "{when}부터", "en": "since {when}"},
    "staff_spark_label": {"ko": "최소 {low}, 최대 {high}, 현재 {last}",
                          "en": "low {low}, high {high}, now {last}"},
    "state_healthy": {"ko": "정상", "en": "Healthy"},
    "state_degraded": {"ko": "불안정", "en": "Degraded"},
    "state_failing": {"ko": "실패", "en": "Failing"},
    "state_never_run": {"ko": "아직 수집 안 함", "en": "Never run"},
    "state_waiting_for_key": {"ko": "API 키 대기", "en": "Waiting for an API key"},
    "state_disabled": {"ko": "사용 안 함", "en": "Disabled"},
    # quarantine
    "staff_quarantine_intro": {"ko": "한 번에 너무 많은 공유 자원이 사라지는 수집은 반영하지 "
                                     "않고 보류합니다. 확인한 뒤 반영하거나 버리세요.",
                               "en": "A run that would make too many listings disappear at "
                                     "once is held back. Check it, then apply or discard it."},
    "staff_run_number": {"ko": "수집 #{id}", "en": "run #{id}"},
    "staff_current_listings": {"ko": "지금 공유 자원", "en": "Listings now"},
    "staff_run_listings": {"ko": "이 수집의 공유 자원", "en": "Listings in this run"},
    "staff_would_add": {"ko": "추가될 것", "en": "Would add"},
    "staff_would_update": {"ko": "바뀔 것", "en": "Would update"},
    "staff_would_remove": {"ko": "사라질 것", "en": "Would remove"},
    "staff_apply": {"ko": "반영하기", "en": "Apply"},
    "staff_discard": {"ko": "버리기", "en": "Discard"},
    "staff_no_quarantine": {"ko": "보류된 수집이 없습니다.", "en": "No run is held back."},
    "staff_done_apply": {"ko": "보류된 수집을 반영했습니다.", "en": "The run was applied."},
    "staff_done_discard": {"ko": "보류된 수집을 버렸습니다.", "en": "The run was discarded."},
    # registrations
    "staff_kind": {"ko": "형식", "en": "Kind"},
    "staff_dry_listings": {"ko": "시험 수집 결과", "en": "Dry-run listings"},
    "staff_approve": {"ko": "승인", "en": "Approve"},
    "staff_reject": {"ko": "반려", "en": "Reject"},
    "staff_reject_reason": {"ko": "반려 사유 (운영자에게 보입니다)",
                            "en": "Reason (the operator will read it)"},
    "staff_reason_required": {"ko": "반려하려면 사유를 적어 주세요.",
                              "en": "Please give a reason for the rejection."},
    "staff_no_pending": {"ko": "검토할 등록이 없습니다.", "en": "No registration is waiting."},
    "staff_done_approve": {"ko": "등록을 승인했습니다. 다음 일정부터 수집합니다.",
                           "en": "Approved: the source joins the schedule."},
    "staff_done_reject": {"ko": "등록을 반려했습니다.", "en": "The registration was rejected."},
    # coverage
    "staff_coverage_summary": {"ko": "빈 곳 {gaps}개 · 지역 밖 공유 자원 {outside}건",
                               "en": "{gaps} gaps · {outside} listings outside the region"},
    "staff_coverage_csv": {"ko": "CSV로 내려받기", "en": "Download CSV"},
    "staff_coverage_caption": {"ko": "자치구 × 분류별 공유 자원 수와 가장 오래된 확인 시각 "
                                     "(빈 곳은 기준상 있어야 하지만 없는 분류)",
                               "en": "Listings per district and category, with the oldest "
                                     "confirmation (a gap is a category expected but missing)"},
    "staff_map_title": {"ko": "자치구별 공유 자원 수 지도", "en": "Map of listings per district"},
    "staff_map_caption": {"ko": "색이 진할수록 공유 자원이 많습니다 (0, 1–5, 6–20, 21–50, "
                                "51 이상).",
                          "en": "Darker means more listings (0, 1–5, 6–20, 21–50, 51+)."},
    "staff_total": {"ko": "합계", "en": "Total"},
    "staff_gap": {"ko": "빈 곳", "en": "gap"},
    # audit
    "staff_when": {"ko": "시각", "en": "When"},
    "staff_who": {"ko": "담당자", "en": "Who"},
    "staff_action": {"ko": "처리", "en": "Action"},
    "staff_target": {"ko": "대상", "en": "Target"},
    "staff_detail": {"ko": "내용", "en": "Detail"},
    "staff_no_audit": {"ko": "아직 기록이 없습니다.", "en": "Nothing recorded yet."},
    "audit_approved": {"ko": "등록 승인", "en": "Approved registration"},
    "audit_rejected": {"ko": "등록 반려", "en": "Rejected registration"},
    "audit_quarantine_apply": {"ko": "보류 수집 반영", "en": "Applied quarantined run"},
    "audit_quarantine_discard": {"ko": "보류 수집 버림", "en": "Discarded quarantined run"},
    # public status page
    "status_title": {"ko": "플랫폼 수집 상태", "en": "Platform status"},
    "status_intro": {"ko": "공유허브가 정보를 모으는 플랫폼마다 수집 상태와 마지막 확인 "
                           "시각을 보여 줍니다.",
                     "en": "Each platform the hub gathers from, with its crawl state and "
                           "when its listings were last confirmed."},
}
