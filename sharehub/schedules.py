"""schedules.yaml → typed `ScheduleConfig`; unknown keys and bad values are errors that
name the file and the key."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from normalizer.schema import Source, SourceKind

__all__ = ["ConfigError", "ScheduleConfig", "SourceSchedule", "load_schedules"]


class ConfigError(Exception):
    """schedules.yaml cannot be read or is invalid."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Defaults(_Strict):
    interval_minutes: int = Field(60, ge=1)
    jitter_seconds: int = Field(60, ge=0)


class SourceSchedule(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    name: str
    kind: SourceKind
    url: str
    provider_type: Literal["public", "company", "nonprofit", "community", "unknown"] = "unknown"
    district_code: str | None = Field(None, pattern=r"^\d{5}$")
    default_category: str | None = None
    key_env: str | None = None
    params: dict[str, Any] = Field(default_factory=dict)
    interval_minutes: int | None = Field(None, ge=1)
    enabled: bool = True

    def to_source(self) -> Source:
        return Source(id=self.id, name=self.name, kind=self.kind, url=self.url,
                      provider_type=self.provider_type, district_code=self.district_code,
                      default_category=self.default_category, key_env=self.key_env,
                      params=self.params)


class ScheduleConfig(_Strict):
    allow_private_networks: bool = False
    defaults: Defaults = Defaults()
    sources: list[SourceSchedule] = Field(default_factory=list)

    def active_sources(self, secrets: Mapping[str, str]) -> list[SourceSchedule]:
        """Enabled sources whose API key (if they need one) is available: the real public
        APIs in schedules.yaml join only once their key variable is set."""
        return [s for s in self.sources if s.enabled and (not s.key_env or s.key_env in secrets)]

    def interval_minutes(self, source: SourceSchedule) -> int:
        return source.interval_minutes or self.defaults.interval_minutes


def load_schedules(path: Path) -> ScheduleConfig:
    """Read and validate a schedules file. Raises ConfigError naming the file and key."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    try:
        config = ScheduleConfig.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors())
        raise ConfigError(f"{path}: {problems}") from exc
    ids = [s.id for s in config.sources]
    if duplicates := sorted({i for i in ids if ids.count(i) > 1}):
        raise ConfigError(f"{path}: duplicate source id(s): {', '.join(duplicates)}")
    return config
