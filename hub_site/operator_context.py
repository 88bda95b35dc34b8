"""The operator routes' shared parts: rendering with a CSRF token, who is signed in, and
the checks every POST makes."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from hub_site.cards import CardContext
from hub_site.hub_data import HubData
from hub_site.operator_actions import require_operator
from hub_site.operator_auth import (
    CsrfTokens,
    FormSession,
    account_from_bearer,
    account_from_cookie,
    form_session,
    remember_anon,
)
from hub_site.operator_services import OperatorServices
from hub_site.rendering import Locale, Renderer, request_locale
from index.operator_store import Account

__all__ = ["CSRF_FIELD", "CSRF_PURPOSE", "OperatorSite"]

CSRF_FIELD = "csrf_token"
CSRF_PURPOSE = "operators"


@dataclass(frozen=True, slots=True)
class OperatorSite:
    """Everything an operator route needs, fixed for the app."""

    hub: HubData
    renderer: Renderer
    services: OperatorServices
    csrf: CsrfTokens

    def card_context(self, locale: Locale) -> CardContext:
        return CardContext(locale.t, locale.urls, self.hub.taxonomy, self.hub.source_names(),
                           self.hub.clock())

    def form_token(self, request: Request) -> tuple[str, FormSession]:
        """A CSRF token for this request's session (an anonymous one when signed out)."""
        session = form_session(request)
        return self.csrf.issue(CSRF_PURPOSE, session.key, self.hub.clock()), session

    def check_form(self, request: Request, form: FormData) -> None:
        """Refuse (403) a POST whose CSRF token is missing, forged, expired or from another
        session."""
        token = form.get(CSRF_FIELD)
        session = form_session(request)
        if session.new_anon or not self.csrf.check(
                token if isinstance(token, str) else None, CSRF_PURPOSE, session.key,
                self.hub.clock()):
            raise HTTPException(403, "the form has expired or did not come from this site")

    def page(self, request: Request, name: str, locale: Locale, view: object, *,
             session: FormSession | None = None, status_code: int = 200,
             headers: dict[str, str] | None = None) -> Response:
        """A page that is never cached (it is one person's), with the anonymous cookie its
        form needs."""
        response = self.renderer.page(request, name, locale, view, status_code=status_code,
                                      headers={"Cache-Control": "no-store", **(headers or {})})
        return remember_anon(request, response, session) if session else response

    def page_account(self, request: Request) -> Account | None:
        return account_from_cookie(request, self.services.store)

    def page_operator(self, request: Request) -> Account:
        """The page's signed-in operator (401 / 403 otherwise)."""
        return require_operator(self.page_account(request))

    def api_operator(self, request: Request) -> Account:
        """The API caller's operator account from its bearer token (401 / 403 otherwise)."""
        return require_operator(account_from_bearer(request, self.services.store))

    @staticmethod
    def locale(request: Request) -> Locale:
        return request_locale(request)
