"""`sharehub sources …`: operators' registrations from the command line, and source health.

    sharehub sources status [--config FILE] [--json]     schedule health of every source
    sharehub sources preview URL [--kind K] [--district D] [--allow-private] [--json]
    sharehub sources add URL --name NAME [--kind K] [--district CODE ...] [--interval 6h]
                         [--email E] [--allow-private]   dry run, then a pending registration
    sharehub sources add --from-csv FEEDS.csv [--allow-private]
    sharehub sources list [--status pending|approved|rejected] [--json]
    sharehub sources approve ID
    sharehub sources reject ID --reason TEXT

The command line acts for the hub's own team: registrations it adds belong to a built-in
operator account, and its approvals and rejections are audited under a built-in staff
account named after the user and host.
"""

from __future__ import annotations

import argparse
import getpass
import json
import socket
import sys
from typing import Any

from index.errors import CatalogError
from index.operator_store import Account, OperatorStore, Registration, Role
from sharehub.dry_run import DryRun, dry_run
from sharehub.registration import (
    RegistrationInvalid,
    RegistrationRequest,
    approve,
    register,
    reject,
    requests_from_csv,
)
from sharehub.settings import Settings
from sharehub.wiring import open_operator_store

__all__ = ["run_sources_command"]


def _builtin(store: OperatorStore, role: Role) -> Account:
    name = "sharehub command line"
    found = store.accounts_named(name, role)
    if found:
        return found[0]
    who = f"{getpass.getuser()}@{socket.gethostname()}"
    account, _token = store.create_account(role, name, who, "")  # the token is never used
    return account


def _print_dry_run(result: DryRun, out: Any) -> None:
    for verdict in result.verdicts:
        out.write(f"{'ok  ' if verdict.ok else 'FAIL'} {verdict.check}: {verdict.message}\n")
    if result.total:
        out.write(f"listings: {result.total} ({result.invalid} records skipped), quality "
                  f"average {result.quality_average:.0f}/100, kind {result.kind}\n")
        for listing in result.listings[:5]:
            place = listing.location.district_name or listing.location.address or "?"
            out.write(f"  - {listing.title} · {listing.category} · {place}\n")
    for error in result.errors[:5]:
        out.write(f"error: {error}\n")
    for fix in result.fixes:
        out.write(f"to fix: {fix}\n")


def _registration_line(registration: Registration) -> str:
    definition = registration.definition
    reason = f" — {registration.reason}" if registration.reason else ""
    return (f"{registration.id:>4}  {registration.status:<9} {registration.source_id:<20} "
            f"{definition.get('kind', '?'):<13} {definition.get('name', '')} "
            f"<{definition.get('url', '')}>{reason}")


def _add(args: argparse.Namespace, settings: Settings, store: OperatorStore) -> int:
    limits = settings.fetch_limits(allow_private=args.allow_private)
    if args.from_csv:
        requests, errors = requests_from_csv(args.from_csv.read_text(encoding="utf-8-sig"))
    elif args.url and args.name:
        requests, errors = [RegistrationRequest(
            name=args.name, url=args.url, kind=args.kind, district_codes=args.district,
            interval=args.interval, contact_email=args.email)], []
    else:
        print("sharehub sources add: give URL and --name, or --from-csv FILE", file=sys.stderr)
        return 2
    operator = _builtin(store, "operator")
    failed = len(errors)
    for error in errors:
        print(f"skipped: {error}", file=sys.stderr)
    for request in requests:
        district = request.district_codes[0] if len(request.district_codes) == 1 else None
        result = dry_run(request.url, limits, kind=request.kind, district=district)
        try:
            registration = register(store, operator, request, result)
        except RegistrationInvalid as exc:
            failed += 1
            print(f"not registered: {request.name} <{request.url}>: {exc}", file=sys.stderr)
            continue
        print(f"registered for review: {_registration_line(registration)}")
    return 0 if not failed else 2


def run_sources_command(args: argparse.Namespace, settings: Settings) -> int:
    """Run `sharehub sources ACTION` (every action but status); returns the exit code."""
    if args.action == "preview":
        limits = settings.fetch_limits(allow_private=args.allow_private)
        district = args.district[0] if len(args.district) == 1 else None
        result = dry_run(args.url, limits, kind=args.kind, district=district)
        if args.json:
            print(json.dumps(result.to_json(), ensure_ascii=False, default=str))
        else:
            _print_dry_run(result, sys.stdout)
        return 0 if result.ok else 1
    store = open_operator_store(settings)
    try:
        if args.action == "add":
            return _add(args, settings, store)
        if args.action == "list":
            registrations = store.registrations(status=args.status)
            if args.json:
                print(json.dumps([r.to_json() for r in registrations], ensure_ascii=False))
            else:
                for registration in registrations:
                    print(_registration_line(registration))
            return 0
        staff = _builtin(store, "staff")
        decided = (approve(store, staff, args.id) if args.action == "approve"
                   else reject(store, staff, args.id, args.reason))
        print(_registration_line(decided))
        if decided.status == "approved":
            print("it joins the schedule at the scheduler's next check (no restart needed)")
        return 0
    except (CatalogError, RegistrationInvalid) as exc:
        print(f"sharehub sources {args.action}: {exc}", file=sys.stderr)
        return 2
    finally:
        store.close()
