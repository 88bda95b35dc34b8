"""Who is asking, for the operator and staff pages: bearer tokens, session cookies, CSRF.

The JSON API takes `Authorization: Bearer <token>` and nothing else (no cookies, so a
forged cross-site request carries no credentials and needs no CSRF token). The HTML pages
take a session cookie that holds the token (HttpOnly, SameSite=Strict, Secure over https)
and check a CSRF token on every POST: `<unix seconds>.<HMAC-SHA256>` over the purpose and
the session key (the token's hash when logged in, a random anonymous id before that), so
a token lifted from one visitor's form is worthless in another's session. Generic on
purpose: the staff pages use the same helpers with their own role.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from starlette.requests import Request
from starlette.responses import Response

from index.operator_store import Account, OperatorStore, hash_token

__all__ = ["ANON_COOKIE", "CSRF_MAX_AGE", "SESSION_COOKIE", "CsrfTokens", "FormSession",
           "account_from_bearer", "account_from_cookie", "bearer_token", "clear_session",
           "form_session", "remember_anon", "session_key", "start_session"]

SESSION_COOKIE = "sharehub_session"
ANON_COOKIE = "sharehub_anon"
CSRF_MAX_AGE = timedelta(hours=8)
_SESSION_MAX_AGE_S = 8 * 3600
_MAX_TOKEN_CHARS = 200


def bearer_token(request: Request) -> str | None:
    """The token of an `Authorization: Bearer ...` header, or None."""
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def account_from_bearer(request: Request, store: OperatorStore) -> Account | None:
    """The account of the request's bearer token (any role), or None."""
    return store.authenticate(bearer_token(request))


def account_from_cookie(request: Request, store: OperatorStore) -> Account | None:
    """The account of the request's session cookie (any role), or None."""
    return store.authenticate(request.cookies.get(SESSION_COOKIE))


@dataclass(frozen=True, slots=True)
class CsrfTokens:
    """Issues and checks per-session form tokens; one secret per app (a restart only
    makes open forms ask to be sent again)."""

    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False)
    max_age: timedelta = CSRF_MAX_AGE

    def _mac(self, purpose: str, session_key: str, issued: int) -> str:
        message = f"{purpose}\x1f{session_key}\x1f{issued}".encode()
        return hmac.new(self.secret, message, hashlib.sha256).hexdigest()

    def issue(self, purpose: str, session_key: str, now: datetime) -> str:
        """A token for forms of `purpose` ("operators", "staff") in this session."""
        issued = int(now.timestamp())
        return f"{issued}.{self._mac(purpose, session_key, issued)}"

    def check(self, token: str | None, purpose: str, session_key: str | None,
              now: datetime) -> bool:
        """True when `token` was issued here for this purpose and session, within
        max_age. A missing token or session is always refused."""
        if not token or not session_key or len(token) > 100:
            return False
        stamp, _, mac = token.partition(".")
        if not stamp.isdigit() or len(stamp) > 12 or len(mac) != 64:
            return False
        age = now.timestamp() - int(stamp)
        if age < -60 or age > self.max_age.total_seconds():  # a minute of clock slack
            return False
        return hmac.compare_digest(mac, self._mac(purpose, session_key, int(stamp)))


@dataclass(frozen=True, slots=True)
class FormSession:
    """The session a form belongs to: the signed-in account's key, else an anonymous id
    (`new_anon` when it still has to be set as a cookie)."""

    key: str
    new_anon: str | None = None


def session_key(token: str) -> str:
    """The CSRF session key of a signed-in session with this token."""
    return "s:" + hash_token(token)


def form_session(request: Request) -> FormSession:
    """The CSRF session key of a request: the session token's hash when a session cookie
    is present, else the anonymous cookie, else a fresh anonymous id."""
    token = request.cookies.get(SESSION_COOKIE)
    if token and len(token) <= _MAX_TOKEN_CHARS:
        return FormSession(session_key(token))
    anon = request.cookies.get(ANON_COOKIE)
    if anon and 16 <= len(anon) <= 64 and anon.replace("-", "").replace("_", "").isalnum():
        return FormSession("a:" + anon)
    fresh = secrets.token_urlsafe(24)
    return FormSession("a:" + fresh, new_anon=fresh)


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def remember_anon(request: Request, response: Response, session: FormSession) -> Response:
    """Set the anonymous cookie a fresh FormSession needs (no-op otherwise)."""
    if session.new_anon:
        response.set_cookie(ANON_COOKIE, session.new_anon, max_age=_SESSION_MAX_AGE_S,
                            httponly=True, samesite="strict", secure=_secure(request), path="/")
    return response


def start_session(request: Request, response: Response, token: str) -> Response:
    """Sign in: the session cookie holds the token (HttpOnly, SameSite=Strict, Secure
    over https), so scripts never read it and other sites never send it."""
    response.set_cookie(SESSION_COOKIE, token, max_age=_SESSION_MAX_AGE_S, httponly=True,
                        samesite="strict", secure=_secure(request), path="/")
    return response


def clear_session(request: Request, response: Response) -> Response:
    """Sign out: the session cookie is deleted."""
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict",
                           secure=_secure(request))
    return response
