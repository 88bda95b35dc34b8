"""The arguments of `sharehub sources …` (kept apart from the commands, which import the
crawler: parsing the command line stays quick for every other command)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, get_args

from normalizer.schema import SourceKind

__all__ = ["add_sources_parser"]


def add_sources_parser(commands: Any) -> None:
    """The `sources` command and its actions, on the CLI's subparsers."""
    sources = commands.add_parser("sources", help="source health, and operators' "
                                                  "registrations: preview, add, review")
    actions = sources.add_subparsers(dest="action", required=True)
    status = actions.add_parser("status", help="each source's schedule health: healthy, "
                                               "degraded, failing since, next attempt")
    status.add_argument("--config", type=Path, help="schedules file (schedules.yaml)")
    status.add_argument("--json", action="store_true", help="machine-readable status")
    for name, help_text in (("preview", "the registration dry run: verdicts, first "
                                        "listings, quality, what to fix"),
                            ("add", "dry-run a feed and register it for review")):
        action = actions.add_parser(name, help=help_text)
        action.add_argument("url", nargs="?" if name == "add" else None)
        action.add_argument("--kind", choices=sorted(get_args(SourceKind)))
        action.add_argument("--district", action="append", default=[],
                            help="a district code it serves (repeat for several)")
        action.add_argument("--allow-private", action="store_true",
                            help="allow loopback/private addresses (local test platforms)")
        action.add_argument("--json", action="store_true")
        if name == "add":
            action.add_argument("--name", help="the platform's name as citizens will see it")
            action.add_argument("--interval", help="preferred refresh interval (6h, 1d)")
            action.add_argument("--email", help="the operator's contact e-mail")
            action.add_argument("--from-csv", type=Path,
                                help="register every feed of a CSV (name,url,kind,…)")
    listing = actions.add_parser("list", help="registrations and their review status")
    listing.add_argument("--status", choices=["pending", "approved", "rejected"])
    listing.add_argument("--json", action="store_true")
    decide = actions.add_parser("approve", help="approve a pending registration")
    decide.add_argument("id", type=int)
    refuse = actions.add_parser("reject", help="reject a pending registration, with a reason")
    refuse.add_argument("id", type=int)
    refuse.add_argument("--reason", required=True, help="why, for the operator")
