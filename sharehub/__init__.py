"""The application around the four layers: settings, the refresh pipeline, the scheduler
and the `sharehub` command."""

from __future__ import annotations

from sharehub.pipeline import RefreshDeps, RefreshOutcome, refresh_source, sync_index
from sharehub.settings import Settings

__all__ = ["RefreshDeps", "RefreshOutcome", "Settings", "refresh_source", "sync_index"]
