"""Timing helpers shared by the benchmark scripts (wall and CPU time of jitted calls)."""

from __future__ import annotations

import resource
import time

import jax
import numpy as np

__all__ = ["cpu_time", "measure"]


def cpu_time() -> float:
    """User + system CPU seconds of this process (all threads)."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def measure(fn, repeats):
    """Run fn() ``repeats`` times (blocking on the result); wall mean/min and CPU mean in s."""
    walls, cpus = [], []
    for _ in range(repeats):
        c0, w0 = cpu_time(), time.perf_counter()
        jax.block_until_ready(fn())
        walls.append(time.perf_counter() - w0)
        cpus.append(cpu_time() - c0)
    return {"mean": float(np.mean(walls)), "min": float(np.min(walls)), "cpu": float(np.mean(cpus))}
