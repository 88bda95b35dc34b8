"""What keeps untrusted crawled text harmless: security headers and link vetting.

Templates autoescape everything; on top of that the Content-Security-Policy forbids inline
scripts and styles, and only http(s) URLs from listings ever become links.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "CONTENT_SECURITY_POLICY",
    "SECURITY_HEADERS",
    "SecurityHeadersMiddleware",
    "content_security_policy",
    "safe_http_url",
    "tel_href",
]

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' https: data:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}
_ENCODED = [(name.lower().encode("latin-1"), value.encode("latin-1"))
            for name, value in SECURITY_HEADERS.items()]
_MAX_URL = 2048
_PHONE_CHARS = re.compile(r"[^0-9+]")


def content_security_policy(img_origins: tuple[str, ...] = ()) -> str:
    """CONTENT_SECURITY_POLICY with `img_origins` (the map's tile server) added to img-src."""
    extra = "".join(f" {origin}" for origin in img_origins)
    return "; ".join(d + extra if d.startswith("img-src ") else d
                     for d in (part.strip() for part in CONTENT_SECURITY_POLICY.split(";")))


class SecurityHeadersMiddleware:
    """Pure ASGI middleware adding SECURITY_HEADERS to every HTTP response that lacks them.

    `img_origins` are extra image origins for the CSP (the map's tile server)."""

    def __init__(self, app: ASGIApp, *, img_origins: tuple[str, ...] = ()) -> None:
        self.app = app
        self._encoded = _ENCODED if not img_origins else [
            (name, content_security_policy(img_origins).encode("latin-1")
             if name == b"content-security-policy" else value) for name, value in _ENCODED]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers.extend((n, v) for n, v in self._encoded if n not in present)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def safe_http_url(value: str | None) -> str | None:
    """`value` when it is an absolute http(s) URL with a host, else None.

    Crawled URLs may say `javascript:`, `data:` or be malformed; those never become links.
    """
    if not value:
        return None
    value = value.strip()
    if len(value) > _MAX_URL or any(c.isspace() or ord(c) < 32 for c in value):
        return None
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return value


def tel_href(phone: str) -> str | None:
    """A `tel:` link for a phone number written any way (02-123-4567), or None."""
    digits = _PHONE_CHARS.sub("", phone)
    return f"tel:{digits}" if 7 <= len(digits) <= 16 else None
