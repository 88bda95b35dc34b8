"""The staff pages' parts built from settings (hub_site imports nothing from sharehub), and
the `sharehub staff add` and `sharehub coverage --snapshot` commands' work."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from hub_site.staff_services import ScheduleStatus, StaffServices
from index.catalog import Catalog
from index.coverage import CoverageMatrix, load_baseline, region_districts
from index.coverage_history import CoverageHistory
from index.operator_store import OperatorStore
from sharehub.registration import with_registered_sources
from sharehub.schedule_status import read_states, source_statuses
from sharehub.schedules import ScheduleConfig
from sharehub.settings import Settings

__all__ = ["add_staff_parser", "record_coverage_snapshot", "run_staff_command",
           "schedule_statuses", "staff_services"]

_KST = timezone(timedelta(hours=9))
_STORE_FILE = "operators.sqlite3"  # sharehub.wiring.open_operator_store's file


def schedule_statuses(settings: Settings, config: ScheduleConfig, store: OperatorStore,
                      secrets: Mapping[str, str]) -> Callable[[], Sequence[ScheduleStatus]]:
    """A callable returning every scheduled source's health now (schedules.yaml plus the
    approved registrations), read from the scheduler's state store."""
    def current() -> Sequence[ScheduleStatus]:
        merged = with_registered_sources(config, store)
        return source_statuses(merged, read_states(settings.data_dir), secrets)
    return current


def staff_services(settings: Settings, store: OperatorStore, catalog: Catalog, *,
                   statuses: Callable[[], Sequence[ScheduleStatus]] | None = None
                   ) -> StaffServices:
    """What the /staff pages need: the store, the writable `catalog` (quarantine decisions
    only), the coverage region and baseline of the settings, the coverage history (in the
    operator store's file). Raises ValueError for a bad region or baseline. The search
    index catches up with an applied quarantined run at the next scheduled run (the
    pipeline rebuilds an index that is behind the catalog)."""
    return StaffServices(
        store=store, catalog=catalog,
        districts=region_districts(settings.coverage_region),
        baseline=load_baseline(settings.coverage_baseline), statuses=statuses,
        history=CoverageHistory(settings.data_dir / _STORE_FILE))


def record_coverage_snapshot(settings: Settings, matrix: CoverageMatrix,
                             now: datetime | None = None) -> None:
    """Store today's (Korea time) district totals of `matrix` for the trends."""
    history = CoverageHistory(settings.data_dir / _STORE_FILE)
    try:
        history.record((now or datetime.now(UTC)).astimezone(_KST).date(), matrix)
    finally:
        history.close()


def add_staff_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`sharehub staff add NAME ORG EMAIL`."""
    staff = commands.add_parser("staff", help="city staff accounts for the /staff pages")
    actions = staff.add_subparsers(dest="staff_action", required=True)
    add = actions.add_parser("add", help="create a staff account and print its token once")
    add.add_argument("name")
    add.add_argument("organisation", metavar="ORG")
    add.add_argument("email")


def run_staff_command(args: argparse.Namespace, settings: Settings,
                      store_path: Path | None = None) -> int:
    """Create the staff account; its token goes to stdout (only its hash is kept), the
    advice to stderr."""
    if "@" not in args.email or not args.name.strip() or not args.organisation.strip():
        print("sharehub staff add: give a name, an organisation and an e-mail address",
              file=sys.stderr)
        return 2
    store = OperatorStore(store_path or settings.data_dir / _STORE_FILE)
    try:
        account, token = store.create_account("staff", args.name.strip(),
                                              args.organisation.strip(), args.email.strip())
    finally:
        store.close()
    print(token)
    print(f"staff account {account.id} for {account.name}: the token above is shown only "
          "once; sign in at /staff with it", file=sys.stderr)
    return 0
