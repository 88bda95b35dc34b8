"""The site's load test over real HTTP on loopback: uvicorn on a free port, N clients at
once (threads, one httpx client each, each from its own 127.0.0.x address so the per-client
search rate limit sees N citizens, not one), every request timed end to end."""

from __future__ import annotations

import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import uvicorn

__all__ = ["load_over_loopback"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _percentiles(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]

    return {"p50": at(0.50), "p95": at(0.95), "p99": at(0.99), "requests": len(ordered)}


def load_over_loopback(app: Any, targets: list[str], clients: int,
                       per_client: int) -> dict[str, Any]:
    """Serve `app` on loopback and run `clients` clients at once, each making `per_client`
    GETs of `targets` back to back. Returns {clients, requests_per_s, errors, latency_ms}."""
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning", access_log=False,
                                           lifespan="off"))
    thread = threading.Thread(target=server.run, name="bench-site", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the site did not start for the loopback load test")
        time.sleep(0.02)
    times: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def client(number: int) -> None:
        transport = httpx.HTTPTransport(local_address=f"127.0.0.{2 + number % 250}")
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", transport=transport,
                          trust_env=False, timeout=60) as http:
            for i in range(per_client):
                start = time.perf_counter()
                try:
                    ok = http.get(targets[(number + i) % len(targets)]).status_code == 200
                except httpx.HTTPError:
                    ok = False
                elapsed = (time.perf_counter() - start) * 1000
                with lock:
                    times.append(elapsed)
                    errors[0] += not ok

    try:
        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=clients) as pool:
            list(pool.map(client, range(clients)))
        wall = time.perf_counter() - start
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    return {"clients": clients, "requests_per_s": len(times) / wall, "errors": errors[0],
            "latency_ms": _percentiles(times)}
