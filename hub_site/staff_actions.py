"""What the staff pages and their JSON twins both do: build each page's view, decide a
quarantined run or a registration (each decision audited). Pages and API differ only in
how they read the request and show the result."""

from __future__ import annotations

import logging
from typing import Literal

from starlette.exceptions import HTTPException

from hub_site.i18n import Translator
from hub_site.staff_context import StaffSite
from hub_site.staff_coverage import CoverageView, coverage_view
from hub_site.staff_health import HealthView, source_health
from hub_site.staff_views import AuditView, QuarantineView, RegistrationsView, StaffPage
from index.errors import CatalogError
from index.operator_store import Account

__all__ = ["MAX_REASON", "audit_view", "coverage_page", "decide_quarantine",
           "decide_registration", "health_view", "quarantine_view", "registrations_view"]

log = logging.getLogger(__name__)
MAX_REASON = 500


def health_view(site: StaffSite) -> HealthView:
    statuses = site.services.statuses() if site.services.statuses else None
    return source_health(site.services.catalog, statuses, site.hub.clock())


def quarantine_view(site: StaffSite, staff: StaffPage) -> QuarantineView:
    return QuarantineView(staff, site.services.catalog.quarantined_runs(),
                          site.hub.source_names())


def registrations_view(site: StaffSite, staff: StaffPage) -> RegistrationsView:
    store = site.services.store
    pending = store.registrations(status="pending")
    operators = {r.operator_id: a for r in pending
                 if (a := store.account(r.operator_id)) is not None}
    return RegistrationsView(staff, pending, operators)


def audit_view(site: StaffSite, staff: StaffPage) -> AuditView:
    return AuditView(staff, site.services.store.audit_log())


def coverage_page(site: StaffSite, staff: StaffPage | None, t: Translator,
                  lang: str) -> CoverageView:
    """The coverage matrix over the current listings (storing today's snapshot)."""
    services = site.services
    labels = {code: (c.en if lang == "en" else c.ko)
              for code, c in site.hub.taxonomy.categories.items()}
    return coverage_view(services.catalog.iter_listings(), services.districts,
                         services.baseline, labels, t, site.hub.clock(), staff,
                         services.history)


def decide_quarantine(site: StaffSite, account: Account, run_id: int,
                      action: Literal["apply", "discard"]) -> str:
    """Apply or discard a quarantined run and audit it. Returns the source id. Raises
    409 when the run cannot be decided (unknown, decided, superseded)."""
    catalog, now = site.services.catalog, site.hub.clock()
    try:
        if action == "apply":
            source_id = catalog.apply_quarantined(run_id, now).run.source_id
        else:
            source_id = catalog.discard_quarantined(run_id, now).source_id
    except CatalogError as exc:
        raise HTTPException(409, str(exc)) from exc
    site.services.store.audit(account, f"quarantine_{action}", source_id, f"run {run_id}")
    log.info("staff: %s %s quarantined run %s of %s", account.id, action, run_id, source_id)
    if action == "apply" and site.services.on_catalog_change is not None:
        site.services.on_catalog_change()
    return source_id


def decide_registration(site: StaffSite, account: Account, registration_id: int,
                        action: Literal["approve", "reject"], reason: str) -> str:
    """Approve or reject a pending registration (audited by the store in the same
    transaction). Returns the source id. Raises 400 for a rejection without a reason,
    409 for one already decided, 404 for an unknown one."""
    store = site.services.store
    if store.registration(registration_id) is None:
        raise HTTPException(404, "no such registration")
    reason = reason.strip()[:MAX_REASON]
    if action == "reject" and not reason:
        raise HTTPException(400, "a rejection needs a reason the operator will read")
    try:
        decided = store.decide(registration_id, account,
                               "approved" if action == "approve" else "rejected",
                               reason or None)
    except CatalogError as exc:
        raise HTTPException(409, str(exc)) from exc
    log.info("staff: %s %s registration %s", account.id, action, registration_id)
    return decided.source_id
