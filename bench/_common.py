"""What the benchmarks share: a percentile of measured latencies and a free loopback port."""

from __future__ import annotations

import socket


def percentile(values: list[float], q: float) -> float:
    """The `q` quantile (0-1) of `values`, by nearest rank (no interpolation between runs)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
