"""Progress of `sharehub run` and `sharehub crawl`: a rich display on a terminal,
structured log lines (`key=value`, one event per line) otherwise."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TextIO

from rich.console import Console

from sharehub.schedule_windows import SEOUL

if TYPE_CHECKING:
    from sharehub.pipeline import RefreshOutcome

__all__ = ["CrawlRunLogger", "KeyValueFormatter", "SchedulerReporter", "structured_handler"]

log = logging.getLogger("sharehub.scheduler")

# LogRecord's own attributes: everything else on a record came from `extra=`.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


def _value(value: object) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False,
                                                           default=str)
    return json.dumps(text, ensure_ascii=False) if (" " in text or "=" in text
                                                    or not text) else text


class KeyValueFormatter(logging.Formatter):
    """`2026-11-22T01:02:03Z INFO sharehub.scheduler run finished source_id=x outcome=ok`:
    the message, then every `extra=` field as key=value (values with spaces quoted)."""

    def format(self, record: logging.LogRecord) -> str:
        stamp = datetime.fromtimestamp(record.created, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        extras = " ".join(f"{k}={_value(v)}" for k, v in sorted(vars(record).items())
                          if k not in _STANDARD and not k.startswith("_"))
        line = f"{stamp} {record.levelname} {record.name} {record.getMessage()}"
        if extras:
            line += " " + extras
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


def structured_handler(stream: TextIO) -> logging.Handler:
    handler = logging.StreamHandler(stream)
    handler.setFormatter(KeyValueFormatter())
    return handler


_LEVELS = {"started": logging.INFO, "finished": logging.INFO, "cancelled": logging.INFO,
           "reloaded": logging.INFO, "missed": logging.WARNING, "stuck": logging.ERROR,
           "reload_rejected": logging.ERROR}
_MESSAGES = {"started": "run started", "finished": "run finished",
             "cancelled": "run stopped for shutdown; due again at the next start",
             "reloaded": "schedule reloaded",
             "missed": "missed runs coalesced into one catch-up run",
             "stuck": "run over its time limit outside HTTP; no other run of the source "
                      "starts until it returns",
             "reload_rejected": "schedules file rejected; the running schedule stays"}


class SchedulerReporter:
    """The scheduler's `on_event`: a coloured line per event on a terminal, a
    structured log line otherwise (and always for warnings and errors)."""

    def __init__(self, stream: TextIO) -> None:
        self._console = Console(file=stream, log_path=False)
        self.is_terminal = self._console.is_terminal
        log.setLevel(logging.INFO)

    def __call__(self, event: str, fields: dict[str, Any]) -> None:
        level = _LEVELS.get(event, logging.INFO)
        if not self.is_terminal or level >= logging.WARNING:
            log.log(level, _MESSAGES.get(event, event), extra={"event": event, **fields})
            return
        source = fields.get("source_id", "")
        if event == "finished":
            colour = {"ok": "green", "unchanged": "cyan"}.get(fields["outcome"], "red")
            detail = " (changed)" if fields.get("changed") else ""
            if fields.get("error"):
                detail = f": {fields['error']}"
            upcoming = fields.get("next_run_at")
            when = (datetime.fromisoformat(upcoming).astimezone(SEOUL).strftime("%m-%d %H:%M:%S")
                    if upcoming else "—")
            self._console.log(f"[{colour}]{fields['outcome']}[/] {source}{detail} — next {when}",
                              highlight=False)
        elif event == "started":
            self._console.log(f"[dim]running[/] {source}")
        else:
            self._console.log(f"{_MESSAGES.get(event, event)} {fields}")


class CrawlRunLogger:
    """`sharehub crawl`'s on_done off a terminal: one structured line per run."""

    def __init__(self) -> None:
        self._log = logging.getLogger("sharehub.crawl")
        self._log.setLevel(logging.INFO)

    def __call__(self, outcome: RefreshOutcome) -> None:
        run = outcome.run
        self._log.log(logging.WARNING if run.status == "failed" else logging.INFO,
                      "run finished", extra={
                          "source_id": outcome.source_id, "status": run.status,
                          "added": run.added, "updated": run.updated,
                          "unchanged": run.unchanged, "removed": run.removed,
                          "invalid": run.invalid, "error": run.error})
