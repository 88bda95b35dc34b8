"""Turning view-models into responses: Jinja2 pages (autoescaped) and JSON.

Templates receive the view-model as `page`, the translator `t`, the URL builder `urls`,
`lang` and `switch_lang_url`; they never build a path or mark crawled text safe.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import jinja2
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.templating import Jinja2Templates

from hub_site.i18n import Lang, Translator, pick_lang
from hub_site.urls import Urls

__all__ = ["Locale", "Renderer", "json_response", "request_locale"]


@dataclass(frozen=True, slots=True)
class Locale:
    """The request's language, with its translator and URL builder."""

    lang: Lang
    t: Translator
    urls: Urls
    switch_lang_url: str  # this page in the other language, query string kept


def request_locale(request: Request) -> Locale:
    """The UI language from `?lang=` (Korean unless `en`)."""
    lang = pick_lang(request.query_params.get("lang"))
    urls = Urls(lang, base=request.scope.get("root_path", ""))
    other: Lang = "ko" if lang == "en" else "en"
    switch = urls.switch_lang(request.url.path, request.query_params.multi_items(), other)
    return Locale(lang, Translator(lang), urls, switch)


def _number(value: int) -> str:
    return f"{value:,}"


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("hub_site", "templates"),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html",),
                                            default_for_string=True, default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["number"] = _number
    return env


class Renderer:
    """Renders the site's templates; one per app."""

    def __init__(self) -> None:
        self.templates = Jinja2Templates(env=_environment())

    def page(self, request: Request, name: str, locale: Locale, view: object, *,
             status_code: int = 200, headers: Mapping[str, str] | None = None) -> Response:
        context: dict[str, Any] = {"page": view, "t": locale.t, "urls": locale.urls,
                                   "lang": locale.lang,
                                   "switch_lang_url": locale.switch_lang_url}
        return self.templates.TemplateResponse(request, name, context,
                                               status_code=status_code, headers=headers)


def json_response(data: Any, *, status_code: int = 200,
                  headers: Mapping[str, str] | None = None) -> JSONResponse:
    """JSON with non-ASCII kept readable (Korean text stays Korean)."""
    return _Utf8JSONResponse(data, status_code=status_code, headers=headers)


class _Utf8JSONResponse(JSONResponse):
    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, allow_nan=False,
                          separators=(",", ":")).encode("utf-8")
