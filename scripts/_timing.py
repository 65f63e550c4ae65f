"""Helpers shared by the benchmark scripts: platform selection, wall/CPU timing, load average.

``select_platform()`` must run before the first ``import jax`` of the process (it sets
``JAX_PLATFORMS``), so this module imports jax lazily.
"""

from __future__ import annotations

import os
import resource
import sys
import time

import numpy as np

__all__ = ["PLATFORMS", "select_platform", "check_platform", "cpu_time", "measure", "load_average", "uptime_line"]

#: Values of ``--platform`` and the JAX_PLATFORMS setting each one selects.
PLATFORMS = {"cpu": "cpu", "gpu": "cuda,rocm"}


def select_platform(argv=None) -> str:
    """Read ``--platform {cpu,gpu}`` from argv (default cpu) and set JAX_PLATFORMS accordingly.

    Call before importing jax or jaxrelic.  An unknown value exits with status 2 and a
    one-line message naming the option (argparse repeats the check for ``--help``).
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    value = "cpu"
    for i, a in enumerate(argv):
        if a == "--platform" and i + 1 < len(argv):
            value = argv[i + 1]
        elif a.startswith("--platform="):
            value = a.split("=", 1)[1]
    if value not in PLATFORMS:
        sys.stderr.write(f"bench: error: --platform must be one of {sorted(PLATFORMS)}, got {value!r}\n")
        raise SystemExit(2)
    os.environ["JAX_PLATFORMS"] = PLATFORMS[value]
    return value


def check_platform(value: str):
    """Initialise the JAX backend selected by :func:`select_platform`; returns ``jax.devices()``.

    If the platform is not available (e.g. ``--platform gpu`` on a machine without a GPU or
    without a CUDA/ROCm jaxlib) the script exits with status 2 and says so.
    """
    import jax

    try:
        devices = jax.devices()
    except RuntimeError as err:
        first = str(err).splitlines()[0]
        sys.stderr.write(f"bench: error: --platform {value}: no such JAX backend on this machine ({first})\n")
        raise SystemExit(2) from None
    want = "cpu" if value == "cpu" else ("gpu", "cuda", "rocm")
    if devices[0].platform not in want:
        sys.stderr.write(f"bench: error: --platform {value} requested but JAX runs on {devices[0].platform}\n")
        raise SystemExit(2)
    return devices


def cpu_time() -> float:
    """User + system CPU seconds of this process (all threads)."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def measure(fn, repeats):
    """Run fn() ``repeats`` times (blocking on a JAX result); wall mean/min and CPU mean in s."""
    import jax

    walls, cpus = [], []
    for _ in range(repeats):
        c0, w0 = cpu_time(), time.perf_counter()
        jax.block_until_ready(fn())
        walls.append(time.perf_counter() - w0)
        cpus.append(cpu_time() - c0)
    return {"mean": float(np.mean(walls)), "min": float(np.min(walls)), "cpu": float(np.mean(cpus))}


def load_average() -> str:
    """The 1, 5 and 15 min load averages as a string (``uptime``'s numbers)."""
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def uptime_line(tag: str) -> str:
    """One line ``uptime (<tag>): load average a b c`` for the benchmark logs."""
    return f"uptime ({tag}): load average {load_average()} on {os.cpu_count()} cores"
