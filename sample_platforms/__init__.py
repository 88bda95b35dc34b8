"""Simulators of real Korean sharing platforms, served on loopback for the demo and tests.

`SamplePlatforms` runs an HTTP server publishing a company's RSS feed of shared spaces
(모두의공간) and a district's CP949 open-data CSV of tool-lending points (마포구 공구대여소);
`sample_sources()` gives the hub's source definitions for them.
"""

from __future__ import annotations

from sample_platforms.registry import PLATFORMS
from sample_platforms.server import SamplePlatforms
from sample_platforms.sources import sample_sources

__all__ = ["PLATFORMS", "SamplePlatforms", "sample_sources"]
