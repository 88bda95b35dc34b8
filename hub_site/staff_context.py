"""The staff routes' shared parts: who is signed in (a staff account, by session cookie
for pages and bearer token for the API), CSRF tokens for every form, and rendering.
Reuses hub_site.operator_auth's generic session and CSRF helpers with its own purpose."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from hub_site.hub_data import HubData
from hub_site.operator_auth import (
    CsrfTokens,
    FormSession,
    account_from_bearer,
    account_from_cookie,
    form_session,
    remember_anon,
)
from hub_site.rendering import Locale, Renderer
from hub_site.staff_services import StaffServices
from hub_site.staff_views import StaffPage
from index.operator_store import Account

__all__ = ["CSRF_FIELD", "CSRF_PURPOSE", "StaffSite", "require_staff"]

CSRF_FIELD = "csrf_token"
CSRF_PURPOSE = "staff"


def require_staff(account: Account | None) -> Account:
    """The signed-in staff member. Raises 401 without an account, 403 for an operator."""
    if account is None:
        raise HTTPException(401, "sign in with your staff token",
                            headers={"WWW-Authenticate": "Bearer"})
    if account.role != "staff":
        raise HTTPException(403, "staff pages are for city staff accounts")
    return account


@dataclass(frozen=True, slots=True)
class StaffSite:
    """Everything a staff route needs, fixed for the app."""

    hub: HubData
    renderer: Renderer
    services: StaffServices
    csrf: CsrfTokens

    def form_token(self, request: Request) -> tuple[str, FormSession]:
        session = form_session(request)
        return self.csrf.issue(CSRF_PURPOSE, session.key, self.hub.clock()), session

    def check_form(self, request: Request, form: FormData) -> None:
        """Refuse (403) a POST whose CSRF token is missing, forged, expired or from
        another session."""
        token = form.get(CSRF_FIELD)
        session = form_session(request)
        if session.new_anon or not self.csrf.check(
                token if isinstance(token, str) else None, CSRF_PURPOSE, session.key,
                self.hub.clock()):
            raise HTTPException(403, "the form has expired or did not come from this site")

    def page_staff(self, request: Request) -> Account:
        return require_staff(account_from_cookie(request, self.services.store))

    def api_staff(self, request: Request) -> Account:
        return require_staff(account_from_bearer(request, self.services.store))

    def staff_page(self, request: Request, account: Account, section: str,
                   notice: str | None = None, problem: str | None = None) -> StaffPage:
        token, _ = self.form_token(request)
        return StaffPage(account, token, section, notice, problem)

    def page(self, request: Request, name: str, locale: Locale, view: object, *,
             session: FormSession | None = None, status_code: int = 200) -> Response:
        """A page that is never cached (it is one person's), with the anonymous cookie
        its form needs."""
        response = self.renderer.page(request, name, locale, view, status_code=status_code,
                                      headers={"Cache-Control": "no-store"})
        return remember_anon(request, response, session) if session else response
