"""Hostile platforms on loopback: timeouts, error statuses, redirect tricks, oversized
bodies and bombs, malicious and malformed documents, robots.txt refusals and a platform
whose listings collapse, each one a hub source (`HostileServer.sources()`).

`python -m hostile_platforms` crawls them together with the healthy sample platforms
through the real pipeline and prints what the hub recorded for each.
"""

from __future__ import annotations

from hostile_platforms.behaviours import BEHAVIOURS, COLLAPSE_ID, Behaviour
from hostile_platforms.server import HOSTILE_NETWORK, HostileServer

__all__ = ["BEHAVIOURS", "Behaviour", "COLLAPSE_ID", "HOSTILE_NETWORK", "HostileServer"]
