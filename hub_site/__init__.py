"""The read-only public hub site and its JSON API (FastAPI + Jinja2, server-rendered)."""

from __future__ import annotations

from hub_site.app import create_app

__all__ = ["create_app"]
