"""schedules.yaml → typed `ScheduleConfig`. Unknown keys and bad values are errors that
name the file, the line and the key (`sharehub schedules check`). docs/schedules.md has
an annotated example of every key."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from normalizer.schema import Source, SourceKind
from sharehub.schedule_rules import SchedulePolicy
from sharehub.schedule_windows import WEEKDAYS, QuietWindow, first_allowed_start, next_cron_time

__all__ = ["ConfigError", "Defaults", "Politeness", "QuietSpec", "ScheduleConfig",
           "SourceSchedule", "load_schedules", "parse_duration"]

_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*(d|h|m|s)")
_UNITS = {"d": 86400, "h": 3600, "m": 60, "s": 1}
# Any fixed moment: cron expressions and quiet windows are checked from it.
_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
_DAY_SETS = {"daily": WEEKDAYS, "weekdays": WEEKDAYS[:5], "weekends": WEEKDAYS[5:]}


class ConfigError(Exception):
    """schedules.yaml cannot be read or is invalid."""


def parse_duration(value: object) -> object:
    """"90s", "15m", "6h", "1d", "1h30m" or a number of seconds → timedelta (other
    values are left to pydantic, which refuses them)."""
    if isinstance(value, bool):
        raise ValueError("a duration such as 90s, 15m, 6h or 1d")
    if isinstance(value, int | float):
        return timedelta(seconds=value)
    if isinstance(value, str):
        text = value.strip().lower()
        parts = _DURATION.findall(text)
        if not parts or _DURATION.sub("", text).strip():
            raise ValueError(f"{value!r} is not a duration such as 90s, 15m, 6h or 1d")
        return timedelta(seconds=sum(float(n) * _UNITS[u] for n, u in parts))
    return value


Duration = Annotated[timedelta, BeforeValidator(parse_duration)]
PositiveDuration = Annotated[Duration, Field(gt=timedelta(0))]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class QuietSpec(_Strict):
    """A weekly window when the platform must not be crawled (Asia/Seoul time)."""

    days: list[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]] | Literal[
        "daily", "weekdays", "weekends"] = "daily"
    hours: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$")
    reason: str | None = None

    def window(self) -> QuietWindow:
        names = _DAY_SETS[self.days] if isinstance(self.days, str) else self.days
        start, end = self.hours.split("-")
        end_time = time(0, 0) if end == "24:00" else time.fromisoformat(end)
        return QuietWindow(frozenset(WEEKDAYS.index(n) for n in names),
                           time.fromisoformat(start), end_time)


class Politeness(_Strict):
    """Per-source overrides of the crawl settings; each makes the crawl gentler or
    lets a slow platform take longer."""

    min_delay: Duration | None = None  # between this source's requests, on top of the host's
    timeout: PositiveDuration | None = None  # one fetch, retries and waits included
    max_retries: int | None = Field(None, ge=0, le=10)
    max_retry_wait: Duration | None = None


class _Timing(_Strict):
    """Keys shared by `defaults` and each source (a source's own value wins)."""

    interval: PositiveDuration | None = None
    interval_minutes: int | None = Field(None, ge=1)  # older spelling of interval
    min_interval: PositiveDuration | None = None
    max_interval: PositiveDuration | None = None
    adaptive: bool | None = None
    jitter: Duration | None = None
    jitter_seconds: int | None = Field(None, ge=0)  # older spelling of jitter
    misfire_grace: Duration | None = None
    time_limit: PositiveDuration | None = None
    backoff_initial: PositiveDuration | None = None
    backoff_max: PositiveDuration | None = None
    priority: int | None = Field(None, ge=-100, le=100)
    quiet: list[QuietSpec] | None = None

    @model_validator(mode="after")
    def _one_spelling(self) -> _Timing:
        if self.interval is not None and self.interval_minutes is not None:
            raise ValueError("give interval or interval_minutes, not both")
        if self.jitter is not None and self.jitter_seconds is not None:
            raise ValueError("give jitter or jitter_seconds, not both")
        return self

    def own_interval(self) -> timedelta | None:
        if self.interval_minutes is not None:
            return timedelta(minutes=self.interval_minutes)
        return self.interval

    def own_jitter(self) -> timedelta | None:
        if self.jitter_seconds is not None:
            return timedelta(seconds=self.jitter_seconds)
        return self.jitter


class Defaults(_Timing):
    pass


class SourceSchedule(_Timing):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    name: str
    kind: SourceKind
    url: str
    operator: str | None = None  # who runs the platform (a district office, a company)
    provider_type: Literal["public", "company", "nonprofit", "community", "unknown"] = "unknown"
    district_code: str | None = Field(None, pattern=r"^\d{5}$")
    default_category: str | None = None
    key_env: str | None = Field(None, pattern=r"^[A-Z_][A-Z0-9_]*$")
    params: dict[str, Any] = Field(default_factory=dict)
    cron: str | None = None
    politeness: Politeness = Politeness()
    enabled: bool = True

    @model_validator(mode="after")
    def _interval_or_cron(self) -> SourceSchedule:
        if self.cron is not None:
            if self.own_interval() is not None:
                raise ValueError("give interval or cron, not both")
            try:
                next_cron_time(self.cron, _EPOCH)
            except ValueError as exc:
                raise ValueError(f"cron {self.cron!r}: {exc}") from None
        return self

    def to_source(self) -> Source:
        return Source(id=self.id, name=self.name, kind=self.kind, url=self.url,
                      provider_type=self.provider_type, district_code=self.district_code,
                      default_category=self.default_category, key_env=self.key_env,
                      params=self.params)


def _pick(*values: Any) -> Any:
    return next(v for v in values if v is not None)


class ScheduleConfig(_Strict):
    allow_private_networks: bool = False
    defaults: Defaults = Defaults()
    sources: list[SourceSchedule] = Field(default_factory=list)

    def active_sources(self, secrets: Mapping[str, str]) -> list[SourceSchedule]:
        """Enabled sources whose API key (if they need one) is available: the real public
        APIs in schedules.yaml join only once their key variable is set."""
        return [s for s in self.sources if s.enabled and (not s.key_env or s.key_env in secrets)]

    def policy_for(self, source: SourceSchedule) -> SchedulePolicy:
        """The source's scheduling policy: its own keys, else the defaults, else the
        built-in values (SchedulePolicy's)."""
        d, base = self.defaults, SchedulePolicy()
        interval = _pick(source.own_interval(), d.own_interval(), base.interval)
        quiet = _pick(source.quiet, d.quiet, [])
        return SchedulePolicy(
            interval=interval,
            min_interval=_pick(source.min_interval, d.min_interval, min(base.min_interval,
                                                                         interval)),
            max_interval=_pick(source.max_interval, d.max_interval, max(base.max_interval,
                                                                         interval)),
            adaptive=_pick(source.adaptive, d.adaptive, base.adaptive),
            cron=source.cron,
            jitter=_pick(source.own_jitter(), d.own_jitter(), base.jitter),
            misfire_grace=_pick(source.misfire_grace, d.misfire_grace, base.misfire_grace),
            time_limit=_pick(source.time_limit, d.time_limit, base.time_limit),
            backoff_initial=_pick(source.backoff_initial, d.backoff_initial,
                                  base.backoff_initial),
            backoff_max=_pick(source.backoff_max, d.backoff_max, base.backoff_max),
            priority=_pick(source.priority, d.priority, base.priority),
            quiet=tuple(q.window() for q in quiet))


def _line_of(root: yaml.Node | None, loc: tuple[int | str, ...]) -> int | None:
    """The line (1-based) of the deepest node of `loc` found in the YAML tree."""
    node, line = root, None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = next(((k, v) for k, v in node.value if str(k.value) == str(part)), None)
            if match is None:
                break
            line, node = match[0].start_mark.line + 1, match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) \
                and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


def _describe(path: Path, root: yaml.Node | None, raw: Any, error: Mapping[str, Any]) -> str:
    loc = tuple(error["loc"])
    line = _line_of(root, loc) or 1
    where = ".".join(str(p) for p in loc) or "(top level)"
    if len(loc) >= 2 and loc[0] == "sources" and isinstance(loc[1], int):
        try:
            where += f" (source {raw['sources'][loc[1]]['id']})"
        except (KeyError, IndexError, TypeError):
            pass
    message = "unknown key" if error["type"] == "extra_forbidden" else error["msg"]
    return f"{path}:{line}: {where}: {message.removeprefix('Value error, ')}"


def _check_policies(path: Path, root: yaml.Node | None, config: ScheduleConfig) -> list[str]:
    problems = []
    for n, source in enumerate(config.sources):
        policy = config.policy_for(source)
        line = _line_of(root, ("sources", n)) or 1
        if policy.min_interval > policy.max_interval:
            problems.append(f"{path}:{line}: sources.{n} (source {source.id}): min_interval "
                            "is longer than max_interval")
        try:
            first_allowed_start(_EPOCH, policy.quiet, policy.time_limit)
        except ValueError:
            problems.append(f"{path}:{line}: sources.{n}.quiet (source {source.id}): the quiet "
                            "windows leave no gap as long as the time limit")
    return problems


def load_schedules(path: Path) -> ScheduleConfig:
    """Read and validate a schedules file. Raises ConfigError naming the file, the line
    and the key of every problem found."""
    try:
        text = path.read_text(encoding="utf-8")
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        raw = yaml.safe_load(text) or {}
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}:1: the file must be a mapping (allow_private_networks, "
                          "defaults, sources)")
    try:
        config = ScheduleConfig.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError("; ".join(_describe(path, root, raw, e) for e in exc.errors())
                          ) from exc
    problems = _check_policies(path, root, config)
    seen: set[str] = set()
    for n, source in enumerate(config.sources):
        if source.id in seen:
            problems.append(f"{path}:{_line_of(root, ('sources', n, 'id')) or 1}: "
                            f"sources.{n}.id: duplicate source id(s): {source.id}")
        seen.add(source.id)
    if problems:
        raise ConfigError("; ".join(problems))
    return config
