"""Run the sample platforms in the foreground: `python -m sample_platforms --port 8101`."""

from __future__ import annotations

import argparse
import logging
import signal
import threading
from collections.abc import Sequence
from types import FrameType

from sample_platforms.server import SamplePlatforms

__all__ = ["main"]

_log = logging.getLogger("sample_platforms")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m sample_platforms",
        description="Serve the sample sharing platforms (RSS feed and CP949 CSV) over HTTP "
                    "until interrupted.")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default: %(default)s, loopback only)")
    parser.add_argument("--port", type=int, default=8101,
                        help="port to listen on, 0 for any free port (default: %(default)s)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log every request")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Serve until Ctrl-C or SIGTERM; returns the process exit code."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    stopping = threading.Event()

    def _on_signal(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    # Both set by hand: a process started in the background by a shell without job
    # control inherits SIGINT ignored, and Ctrl-C must stop it all the same.
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    try:
        platforms = SamplePlatforms(host=args.host, port=args.port).start()
    except OSError as exc:
        _log.error("cannot listen on %s port %d: %s", args.host, args.port, exc)
        return 1
    with platforms:
        _log.info("sample platforms at %s (Ctrl-C to stop)", platforms.base_url)
        for source in platforms.sources():
            _log.info("  %s [%s] %s: %s", source["id"], source["kind"], source["name"],
                      source["url"])
        stopping.wait()
        _log.info("stopping")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
