"""The "report outdated" form: CSRF tokens, a per-client rate limit and the POST handler.

The site's one write goes to the feedback store (`index.feedback`), never the catalog. A
form carries a token signed with a per-process secret over the listing id and the time it
was issued; a POST must bring back a token that is genuine, for that listing and not
older than TOKEN_MAX_AGE, so another site cannot make a visitor's browser post reports
(no cookies are involved). Each client address may send a few reports per window.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal
from urllib.parse import parse_qs

from hub_site.i18n import Translator
from index.feedback import MAX_COMMENT_CHARS, REPORT_REASONS, ReportReason

__all__ = ["MAX_FORM_BYTES", "TOKEN_MAX_AGE", "CsrfSigner", "RateLimiter", "ReportForm",
           "ReportInput", "ReportProblem", "ReasonOption", "read_report_form", "report_form"]

TOKEN_MAX_AGE = timedelta(hours=2)
MAX_FORM_BYTES = 8 * 1024  # 500 characters of Korean are 1,500 bytes; percent-encoded ×3

ReportProblem = Literal["invalid", "expired", "rate_limited"]


@dataclass(frozen=True, slots=True)
class CsrfSigner:
    """Issues and checks form tokens: `<unix seconds>.<hex HMAC-SHA256>`."""

    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False)

    def _mac(self, listing_id: str, issued: int) -> str:
        message = f"report\x1f{listing_id}\x1f{issued}".encode()
        return hmac.new(self.secret, message, hashlib.sha256).hexdigest()

    def issue(self, listing_id: str, now: datetime) -> str:
        # Rounded to the minute: the page's bytes (and its ETag) stay the same for a minute.
        issued = int(now.timestamp()) // 60 * 60
        return f"{issued}.{self._mac(listing_id, issued)}"

    def check(self, token: str, listing_id: str, now: datetime) -> bool:
        """True when `token` was issued here for `listing_id` within TOKEN_MAX_AGE."""
        stamp, _, mac = token.partition(".")
        if not stamp.isdigit() or len(stamp) > 12 or len(mac) != 64:
            return False
        issued = int(stamp)
        age = now.timestamp() - issued
        if age < -60 or age > TOKEN_MAX_AGE.total_seconds():  # a minute of clock slack
            return False
        return hmac.compare_digest(mac, self._mac(listing_id, issued))


class RateLimiter:
    """At most `limit` events per client within `window` (a sliding log in memory).

    Per process: behind several processes each counts its own, which only loosens it.
    """

    def __init__(self, limit: int = 5, window: timedelta = timedelta(minutes=10),
                 max_clients: int = 10_000) -> None:
        self.limit = limit
        self.window = window
        self.max_clients = max_clients
        self._events: dict[str, deque[datetime]] = {}
        self._lock = threading.Lock()

    def allow(self, client: str, now: datetime) -> bool:
        """Record one event for `client` and say whether it is within the limit."""
        with self._lock:
            if len(self._events) >= self.max_clients and client not in self._events:
                self._forget_idle(now)
            log = self._events.setdefault(client, deque())
            while log and now - log[0] >= self.window:
                log.popleft()
            if len(log) >= self.limit:
                return False
            log.append(now)
            return True

    def _forget_idle(self, now: datetime) -> None:
        idle = [c for c, log in self._events.items() if not log or now - log[-1] >= self.window]
        for client in idle or list(self._events)[: self.max_clients // 2]:
            del self._events[client]


@dataclass(frozen=True, slots=True)
class ReasonOption:
    value: str
    label: str


@dataclass(frozen=True, slots=True)
class ReportForm:
    """What the listing page needs to show the form."""

    action_url: str
    token: str
    reasons: list[ReasonOption]
    max_comment: int
    problem: str | None  # a message when the last POST was refused
    sent: bool  # the thank-you after a report


@dataclass(frozen=True, slots=True)
class ReportInput:
    token: str
    reason: ReportReason
    comment: str


def report_form(t: Translator, action_url: str, token: str, *,
                problem: ReportProblem | None = None, sent: bool = False) -> ReportForm:
    """The form in the request's language, with an optional refusal message."""
    return ReportForm(action_url=action_url, token=token,
                      reasons=[ReasonOption(r, t(f"report_reason_{r}")) for r in REPORT_REASONS],
                      max_comment=MAX_COMMENT_CHARS,
                      problem=t(f"report_problem_{problem}") if problem else None, sent=sent)


def read_report_form(body: bytes) -> ReportInput | None:
    """Read an urlencoded form body; None when it is too big, not UTF-8, has an unknown
    reason or a comment over MAX_COMMENT_CHARS. Line breaks in the comment are kept."""
    if len(body) > MAX_FORM_BYTES:
        return None
    try:
        fields = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=10,
                          strict_parsing=False)
    except (UnicodeDecodeError, ValueError):
        return None
    token = (fields.get("token") or [""])[0]
    reason_value = (fields.get("reason") or [""])[0]
    comment = (fields.get("comment") or [""])[0].replace("\r\n", "\n").strip()
    if reason_value not in REPORT_REASONS or len(comment) > MAX_COMMENT_CHARS:
        return None
    reason: ReportReason = next(r for r in REPORT_REASONS if r == reason_value)
    return ReportInput(token=token, reason=reason, comment=comment)
