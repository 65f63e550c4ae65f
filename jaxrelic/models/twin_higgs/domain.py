r"""Validity domain of the twin-neutrino model and its solvers (one table, used everywhere).

The reasons for every bound are derived in ``docs/physics/twin_domain.md``.  This
module is the *only* place where the domain is written down; it is used by

* :class:`~jaxrelic.models.twin_higgs.TwinHiggs` (``ValueError`` for concrete
  values, :func:`check_concrete`),
* :func:`~jaxrelic.models.twin_higgs.solver.relic_twin` and the sweep point function
  (traced values: :func:`in_domain` → status ``OUT_OF_RANGE`` per point),
* the CLI spec ``jaxrelic relic twin-higgs`` and ``jaxrelic models``
  (:data:`BOUNDS`, :data:`CONDITIONS`, :func:`range_text`).

Single-parameter bounds (:data:`BOUNDS`):

==========  ====================  =============================================
name        allowed               reason (twin_domain.md)
==========  ====================  =============================================
m_nu        0.02 ≤ m_ν ≤ 100 GeV  γ̂ kept in equilibrium by e± (T_f ≳ m_e);
                                  no twin W/Z/h/QCD states in g_* (T ≪ f)
delta       Δ > 0                 ν̂ is the lighter state (the DM)
r           r > 0                 massive twin photon
theta1      0 < θ₁ < π/4          mass ordering of the rotated states
e_hat       0 < ê ≤ √(4π)         perturbative twin U(1)
epsilon     ε ≥ 0                 kinetic mixing (only late decays)
x0          1 ≤ x₀ ≤ 50           start of the evolution, x = m_ν/T
x_end       100 ≤ x_end ≤ 600     end of the evolution
==========  ====================  =============================================

Cross-parameter condition (:data:`CONDITIONS`): **r < 1 + Δ** (m_γ̂ < m_τ̂), so
that the dominant annihilation τ̂τ̂̄ → γ̂γ̂ (C_S), which keeps τ̂ in chemical
equilibrium and sets the coannihilation relic, is open at threshold.

Point-wise run-time conditions are checked by the solver, not here: the start
x₀ must lie before the relevant decoupling (``late_start``) and Eq. (38) must
not be a cancellation of its two terms (``eq38_cancellation``), see
:mod:`jaxrelic.models.twin_higgs.solver`.
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np

__all__ = ["BOUNDS", "CONDITIONS", "MODEL_FIELDS", "GRID_FIELDS", "range_text", "check_concrete",
           "condition_violations", "in_domain"]

#: name -> (low, high, low_open, high_open, unit, text).  ``None`` = unbounded.
BOUNDS = {
    "m_nu": (0.02, 100.0, False, False, "GeV", "0.02 <= m_nu <= 100 GeV"),
    "delta": (0.0, None, True, False, "", "delta > 0"),
    "r": (0.0, None, True, False, "", "r > 0 and r < 1 + delta"),
    "theta1": (0.0, math.pi / 4, True, True, "rad", "0 < theta1 < pi/4"),
    "e_hat": (0.0, math.sqrt(4.0 * math.pi), True, False, "", "0 < e_hat <= sqrt(4 pi)"),
    "epsilon": (0.0, None, False, False, "", "epsilon >= 0"),
    "x0": (1.0, 50.0, False, False, "", "1 <= x0 <= 50"),
    "x_end": (100.0, 600.0, False, False, "", "100 <= x_end <= 600"),
}

#: Fields of :class:`TwinHiggs` (in constructor order) and grid settings.
MODEL_FIELDS = ("m_nu", "delta", "r", "theta1", "e_hat", "epsilon")
GRID_FIELDS = ("x0", "x_end")

#: Cross-parameter conditions: (parameters involved, text in words).
CONDITIONS = (
    (("r", "delta"), "r < 1 + delta (twin photon lighter than the twin tau, m_gamma < m_tau: "
                     "tau tau-bar -> gamma gamma open at threshold)"),
)


def range_text(name: str) -> str:
    """Human-readable allowed range of one parameter (with the cross conditions)."""
    return BOUNDS[name][5]


def _outside(name: str, x, xp):
    lo, hi, lo_open, hi_open = BOUNDS[name][:4]
    bad = xp.logical_not(xp.isfinite(x))
    if lo is not None:
        bad = bad | ((x <= lo) if lo_open else (x < lo))
    if hi is not None:
        bad = bad | ((x >= hi) if hi_open else (x > hi))
    return bad


def check_concrete(name: str, value) -> float:
    """Validate one concrete scalar; ``ValueError`` naming ``name`` and its range.

    NaN and ±inf are always rejected.  Returns the value as a Python float.
    """
    v = float(value)
    if bool(_outside(name, np.float64(v), np)):
        raise ValueError(f"invalid {name}={v!r}; the allowed range is {range_text(name)} (finite, not NaN)")
    return v


def condition_violations(values: dict) -> list[str]:
    """Messages for every cross-parameter condition violated by concrete ``values``."""
    out = []
    if "r" in values and "delta" in values:
        r, d = float(values["r"]), float(values["delta"])
        if not r < 1.0 + d:
            out.append(f"r={r!r} outside the allowed range 0 < r < 1 + delta = {1.0 + d:g} (delta={d!r}; "
                       "m_gamma < m_tau: above it every annihilation into twin photons is closed at "
                       "threshold and the process set of the solver does not apply)")
    return out


def in_domain(m_nu, delta, r, theta1, e_hat, epsilon, x0=5.0, x_end=300.0):
    """True where a (possibly traced, batched) point lies inside the whole domain.

    Pure jnp (for ``jit``/``vmap``); the solver turns ``False`` into status
    ``OUT_OF_RANGE``.
    """
    vals = dict(m_nu=m_nu, delta=delta, r=r, theta1=theta1, e_hat=e_hat, epsilon=epsilon, x0=x0, x_end=x_end)
    bad = jnp.zeros(jnp.broadcast_shapes(*(jnp.shape(v) for v in vals.values())), dtype=bool)
    for name, v in vals.items():
        bad = bad | _outside(name, jnp.asarray(v, dtype=jnp.float64), jnp)
    bad = bad | ~(jnp.asarray(r) < 1.0 + jnp.asarray(delta))
    return ~bad


def is_traced(x) -> bool:
    """True for a JAX tracer (value unknown at trace time)."""
    return isinstance(x, jax.core.Tracer)
