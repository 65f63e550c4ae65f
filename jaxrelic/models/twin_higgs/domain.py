r"""Validity domain of the twin-neutrino model and its solvers (one table, used everywhere).

The reasons for every bound are derived in ``docs/physics/twin_domain.md``.  This
module is the *only* place where the domain is written down; it is used by

* :class:`~jaxrelic.models.twin_higgs.TwinHiggs` (``ValueError`` for concrete
  values, :func:`check_concrete`),
* :func:`~jaxrelic.models.twin_higgs.solver.relic_twin` and the sweep point function
  (traced values: :func:`in_domain` → status ``OUT_OF_RANGE`` per point),
* the CLI spec ``jaxrelic relic twin-higgs`` and ``jaxrelic models``
  (:data:`PARAMETERS`, :data:`CONDITIONS`, :func:`range_text`).

Single-parameter bounds (:data:`PARAMETERS`):

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

import jax.numpy as jnp

from ...interface.parameters import Condition, Parameter, ParameterTable, is_traced

__all__ = ["PARAMETERS", "MODEL_OPTIONS", "CONDITIONS", "MODEL_FIELDS", "GRID_FIELDS", "METHODS", "range_text", "check_concrete",
           "condition_violations", "in_domain", "is_traced"]

#: Solution methods of :func:`~jaxrelic.models.twin_higgs.solver.relic_twin`.
METHODS = ("eq38", "iterate", "coannihilation", "coscattering_integrated", "coscattering_unintegrated")

#: Cross-parameter conditions, in words and as a (traced-safe) test.
CONDITIONS = (
    Condition(("r", "delta"), "r < 1 + delta (twin photon lighter than the twin tau, m_gamma < m_tau: "
                              "tau tau-bar -> gamma gamma open at threshold)",
              lambda v: v["r"] < 1.0 + v["delta"]),
)

#: The twin model's one parameter table (model fields, solver settings; docs/physics/twin_domain.md).
PARAMETERS = ParameterTable(
    Parameter("m_nu", "GeV", 1.0, 0.02, 100.0, "twin-neutrino (DM) mass, 0.02 ≤ m_ν̂ ≤ 100 GeV", log=True,
              text="0.02 <= m_nu <= 100 GeV"),
    Parameter("delta", "", 0.1, 0.0, None, "Δ = (m_τ̂ − m_ν̂)/m_ν̂, > 0", log=True, open_low=True, text="delta > 0"),
    Parameter("r", "", 0.5, 0.0, None, "r = m_γ̂/m_ν̂, 0 < r < 1 + Δ (m_γ̂ < m_τ̂)", log=True, open_low=True,
              text="r > 0 and r < 1 + delta"),
    Parameter("theta1", "rad", 4.378e-4, 0.0, math.pi / 4, "right-handed τ̂–ν̂ mixing, 0 < θ₁ < π/4", log=True,
              open_low=True, open_high=True, text="0 < theta1 < pi/4"),
    Parameter("method", "", "eq38", description="Boltzmann equation(s) solved", kind="choice", choices=METHODS),
    Parameter("n_q", "", 128, 100, 1024, "comoving-momentum nodes", kind="int"),
    Parameter("n_a", "", 600, 100, 8192, "ln a nodes", kind="int"),
    Parameter("x0", "", 5.0, 1.0, 50.0, "start x = m_ν/T (before freeze-out: a late start is flagged)", log=True,
              text="1 <= x0 <= 50"),
    Parameter("x_end", "", 300.0, 100.0, 600.0, "end x = m_ν/T", log=True, text="100 <= x_end <= 600"),
    Parameter("twin_photon_dof", "", False, description="include γ̂ in g_*, g_*s", kind="bool"),
    conditions=CONDITIONS,
)

#: Constructor-only fields of :class:`TwinHiggs` (fixed at their defaults by the CLI and workflows;
#: ê enters every rate, ε only the late γ̂ decays).
MODEL_OPTIONS = ParameterTable(
    Parameter("e_hat", "", 0.3, 0.0, math.sqrt(4.0 * math.pi), "twin U(1) gauge coupling ê", log=True,
              open_low=True, text="0 < e_hat <= sqrt(4 pi)"),
    Parameter("epsilon", "", 1e-9, 0.0, None, "photon–twin-photon kinetic mixing ε (only late γ̂ decays)",
              text="epsilon >= 0"),
)

#: Fields of :class:`TwinHiggs` (in constructor order) and grid settings.
MODEL_FIELDS = ("m_nu", "delta", "r", "theta1", "e_hat", "epsilon")
GRID_FIELDS = ("x0", "x_end")


def _parameter(name: str) -> Parameter:
    return PARAMETERS[name] if name in PARAMETERS else MODEL_OPTIONS[name]


def range_text(name: str) -> str:
    """Human-readable allowed range of one parameter (with the cross conditions)."""
    return _parameter(name).range_text()


def check_concrete(name: str, value) -> float:
    """Validate one concrete scalar; ``ValueError`` naming ``name`` and its range (NaN, ±inf rejected)."""
    v = float(value)
    if not _parameter(name).valid(v):
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
    """True where a (possibly traced, batched) point lies inside the whole domain (pure jnp;
    the solver turns ``False`` into status ``OUT_OF_RANGE``)."""
    vals = dict(m_nu=m_nu, delta=delta, r=r, theta1=theta1, e_hat=e_hat, epsilon=epsilon, x0=x0, x_end=x_end)
    ok = jnp.ones(jnp.broadcast_shapes(*(jnp.shape(v) for v in vals.values())), dtype=bool)
    for name, v in vals.items():
        ok = ok & _parameter(name).contains(v)
    return ok & (jnp.asarray(r) < 1.0 + jnp.asarray(delta))
