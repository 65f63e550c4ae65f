"""Per-point solver status codes shared by every solver and workflow.

A status is an int32 array that travels with the result through ``jit`` and
``vmap``; a failed point is flagged, never returned as a silent NaN.
"""

from __future__ import annotations

import jax.numpy as jnp

SUCCESS = 0
MAX_STEPS = 1
SOLVER_FAILED = 2
NONFINITE = 3
NOT_CONVERGED = 4
OUT_OF_RANGE = 5
OUT_OF_DOMAIN = 6
LATE_START = 7

_NAMES = {
    SUCCESS: "success",
    MAX_STEPS: "max_steps_reached",
    SOLVER_FAILED: "solver_failed",
    NONFINITE: "nonfinite_result",
    NOT_CONVERGED: "not_converged",
    OUT_OF_RANGE: "out_of_range",
    OUT_OF_DOMAIN: "out_of_domain",
    LATE_START: "late_start",
}

__all__ = [
    "SUCCESS",
    "MAX_STEPS",
    "SOLVER_FAILED",
    "NONFINITE",
    "NOT_CONVERGED",
    "OUT_OF_RANGE",
    "OUT_OF_DOMAIN",
    "LATE_START",
    "status_name",
    "combine",
    "flag_nonfinite",
]


def status_name(code) -> str:
    """Human-readable name of a status code."""
    return _NAMES.get(int(code), f"unknown({int(code)})")


def combine(*codes):
    """First non-zero status of several (element-wise)."""
    out = jnp.asarray(codes[0], dtype=jnp.int32)
    for c in codes[1:]:
        out = jnp.where(out == SUCCESS, jnp.asarray(c, dtype=jnp.int32), out)
    return out


def flag_nonfinite(status, *values):
    """Set NONFINITE where any value is NaN/inf and the status is still SUCCESS."""
    bad = jnp.zeros(jnp.shape(status), dtype=bool)
    for v in values:
        v = jnp.asarray(v)
        axes = tuple(range(jnp.ndim(status), v.ndim))
        bad = bad | jnp.any(~jnp.isfinite(v), axis=axes)
    return jnp.where((status == SUCCESS) & bad, NONFINITE, status).astype(jnp.int32)
