"""Solver of vanilla N₁ thermal leptogenesis (BDP 2005 kinetic equations).

Integrates the efficiency form (L7) of the kinetic equations of
:mod:`jaxrelic.models.leptogenesis` with :func:`jaxrelic.numerics.ode.solve_ode`
in t = ln z, z = M₁/T, and converts the final efficiency κ_f into
Y_B−L, Y_B = c_s Y_B−L and η_B (L8)–(L10).  Equation labels refer to
``docs/physics/leptogenesis.md``.

Numerics.  The state (Δ, κ) = (N_N1 − N_N1^eq, N_B−L/ε₁) is linear (no log
variables), so the stiff relaxation rate z D ≈ K z² (up to ~1e10 for K = 1e4,
z = 1e3) does not feed rounding noise of a logarithm into the error estimate;
the L-stable Kvaerno5 steps through the quasi-static regime Δ ≈ z²K₁/(2D)
without a stiffness limiter.  Since N_B−L = ε₁ κ exactly (ε₁ does not enter
(L7)), the tolerances act on κ = O(1/K) independently of the size of ε₁ and
∂η_B/∂ε₁ = η_B/ε₁ holds to rounding.  A third, non-stiff component
N_int = N_N1(z_start) − ∫ D Δ dz is integrated alongside for the output
N_N1(z) where N_eq + Δ would cancel (vanishing initial N₁); it does not
change the step count measurably.  K₁ and K₂ come from a spline table
(:func:`jaxrelic.models.leptogenesis.bessel_factors`, error < 1e-10).
"""

from __future__ import annotations

import equinox as eqx
import jax
import jax.numpy as jnp

from ..._x64 import check_x64
from .model import (
    C_SPHALERON,
    VanillaLeptogenesis,
    bessel_factors,
    efficiency_rhs,
    eta_per_n_bl,
    n_eq,
    relativistic_yield,
)
from ...numerics import status as st
from ...numerics.ode import solve_ode

__all__ = ["LeptogenesisResult", "solve_leptogenesis", "leptogenesis"]

#: Validity range of the Bessel-function quadrature (jaxrelic.numerics.special).
_Z_MIN, _Z_MAX = 1e-3, 1e4


class LeptogenesisResult(eqx.Module):
    """Solution of vanilla leptogenesis at one parameter point.

    Attributes
    ----------
    Y_B : array
        Baryon yield n_B/s = c_s Y_B−L at z_end (L9).
    Y_BL : array
        Y_B−L = n_{B−L}/s at z_end (L8).
    eta_B : array
        Baryon-to-photon ratio today n_B/n_γ = Y_B s₀/n_γ0 (L10).
    kappa_f : array
        Final efficiency κ_f = N_B−L(z_end)/ε₁ (N_N1^eq(0) = 1; κ_f → 1
        for thermal N₁ and K → 0).
    z : array (n_save,)
        Output grid in z = M₁/T (log-spaced, z_start … z_end).
    N_N1, N_N1_eq : arrays (n_save,)
        N₁ abundance and its equilibrium value (L3), normalised to N_N1^eq(0) = 1.
    N_BL : array (n_save,)
        N_B−L(z) = ε₁ κ(z), same normalisation.
    status : int32 array
        :mod:`jaxrelic.numerics.status` code; OUT_OF_RANGE where a traced parameter lies
        outside ``PARAMETERS`` (concrete ones raise in the constructor).
    num_steps : array
        ODE steps taken.
    """

    Y_B: jax.Array
    Y_BL: jax.Array
    eta_B: jax.Array
    kappa_f: jax.Array
    z: jax.Array
    N_N1: jax.Array
    N_N1_eq: jax.Array
    N_BL: jax.Array
    status: jax.Array
    num_steps: jax.Array


def _vector_field(t, y, model):
    """d(Δ, κ, N_int)/d ln z = z · ((L7a), (L7b), −D Δ).

    The third component N_int = N_N1(z_start) − ∫ D Δ dz integrates (L1) as a
    (non-stiff) quadrature of the Δ solution; it only serves the output
    N_N1(z), see :func:`_n1_output`.
    """
    z = jnp.exp(t)
    d_delta, d_kappa = efficiency_rhs(z, y[0], y[1], model)
    source = 0.5 * z**2 * bessel_factors(z)[1] * jnp.exp(-z)  # −dN_eq/dz
    return z * jnp.stack([d_delta, d_kappa, d_delta - source])


def _n1_output(neq, delta, n_int):
    """N_N1(z) on the output grid from the better-conditioned of N_eq + Δ and N_int.

    N_eq + Δ has error ~ rtol |Δ| and loses all digits where N_N1 ≪ N_eq
    (vanishing initial N₁, z ≪ 1); N_int has error ~ rtol max_{z'≤z} N_N1
    (accumulated quadrature) and cannot follow N_N1 → 0 at late times.  Use
    N_eq + Δ wherever |Δ| ≤ max_{z'≤z} N_int, else N_int; both agree to
    ~rtol where they meet.
    """
    scale = jax.lax.cummax(jnp.abs(n_int), axis=0)
    return jnp.where(jnp.abs(delta) <= scale, neq + delta, n_int)


def _check_z(name, value):
    if isinstance(value, jax.core.Tracer):
        return value
    v = float(value)
    if not (_Z_MIN <= v <= _Z_MAX):
        raise ValueError(f"solve_leptogenesis: {name}={value!r} outside the allowed range [{_Z_MIN:g}, {_Z_MAX:g}]")
    return value


def solve_leptogenesis(
    model: VanillaLeptogenesis,
    *,
    z_start=1e-3,
    z_end=1e3,
    n_save: int = 200,
    rtol: float = 1e-7,
    atol: float = 1e-12,
    max_steps: int = 4096,
    adjoint: str = "reverse",
) -> LeptogenesisResult:
    """Integrate (L7) from z_start to z_end and return η_B, Y_B, κ_f and the evolution.

    Pure function: wrap in ``jax.jit`` / ``jax.vmap`` / ``jax.grad`` at the call
    site (or use the jitted :func:`leptogenesis`).

    Parameters
    ----------
    model : VanillaLeptogenesis
        Parameter point (M₁ [GeV], ε₁, K, initial, washout_delta_L2, g_*, m̄ [eV]).
    z_start, z_end : float
        Integration range in z = M₁/T, 1e-3 ≤ z_start < z_end ≤ 1e4.  The
        default z_end = 1e3 completes the N₁ decays for every allowed K
        (K z²/2 ≥ 50 at K = 1e-4) and lies far beyond washout freeze-out.
    n_save : int
        Number of log-spaced output points.
    rtol, atol : float
        Tolerances of the PID controller on (Δ, κ) (κ = O(1) … O(1/K)).
        With the defaults κ_f agrees with an independent Radau solve
        (rtol 1e-12) to < 1e-7 relative for 1e-4 ≤ K ≤ 1e4 — except for a
        vanishing initial N₁ in weak washout (K ≲ 1e-2), where κ_f ≈ 9π²K²/64
        is a cancellation of O(K) parts and the relative error grows like
        rtol/K: use rtol ≤ 1e-10 there.
    max_steps : int
        Step budget (exceeded → status MAX_STEPS, not an exception).
    adjoint : {"reverse", "forward"}
        Differentiation mode of the ODE solve (see :func:`solve_ode`).

    Returns
    -------
    LeptogenesisResult
    """
    if not isinstance(model, VanillaLeptogenesis):
        raise TypeError(f"solve_leptogenesis: model must be a VanillaLeptogenesis, got {type(model).__name__}")
    _check_z("z_start", z_start)
    _check_z("z_end", z_end)
    if not any(isinstance(v, jax.core.Tracer) for v in (z_start, z_end)) and not float(z_start) < float(z_end):
        raise ValueError(f"solve_leptogenesis: need z_start < z_end, got z_start={z_start!r}, z_end={z_end!r}")
    if int(n_save) < 2:
        raise ValueError(f"solve_leptogenesis: n_save={n_save!r} must be >= 2")
    t0 = jnp.log(jnp.asarray(z_start, dtype=jnp.float64))
    t1 = jnp.log(jnp.asarray(z_end, dtype=jnp.float64))
    z0 = jnp.exp(t0)
    delta0 = jnp.zeros(()) if model.initial == "thermal" else -n_eq(z0)
    y0 = jnp.stack([delta0, jnp.zeros(()), delta0 + n_eq(z0)])
    ts = jnp.linspace(t0, t1, int(n_save))
    sol = solve_ode(
        _vector_field,
        y0,
        t0,
        t1,
        args=model,
        ts=ts,
        rtol=rtol,
        atol=atol,
        max_steps=max_steps,
        adjoint=adjoint,
    )
    z = jnp.exp(ts)
    neq = n_eq(z)
    kappa = sol.ys[:, 1]
    kappa_f = kappa[-1]
    Y_BL = relativistic_yield(model.g_star) * model.epsilon * kappa_f
    Y_B = C_SPHALERON * Y_BL
    eta_B = eta_per_n_bl(model.g_star) * model.epsilon * kappa_f
    status = st.flag_nonfinite(sol.status, eta_B, kappa_f)
    status = jnp.where(model.in_domain(), status, st.OUT_OF_RANGE).astype(jnp.int32)
    return LeptogenesisResult(
        Y_B=Y_B,
        Y_BL=Y_BL,
        eta_B=eta_B,
        kappa_f=kappa_f,
        z=z,
        N_N1=_n1_output(neq, sol.ys[:, 0], sol.ys[:, 2]),
        N_N1_eq=neq,
        N_BL=model.epsilon * kappa,
        status=status,
        num_steps=sol.num_steps,
    )


_solve_jit = eqx.filter_jit(solve_leptogenesis)


def leptogenesis(model: VanillaLeptogenesis, **options) -> LeptogenesisResult:
    """η_B of vanilla N₁ leptogenesis (jitted wrapper of :func:`solve_leptogenesis`).

    Keyword ``options`` (``z_start``, ``z_end``, ``n_save``, ``rtol``, ``atol``,
    ``max_steps``, ``adjoint``) are passed through.  Inside your own
    ``jax.jit`` / ``jax.vmap`` / ``jax.grad`` call :func:`solve_leptogenesis`.

    Examples
    --------
    >>> from jaxrelic.models.leptogenesis import VanillaLeptogenesis
    >>> r = leptogenesis(VanillaLeptogenesis(M1=1e10, epsilon=1e-6, K=10.0))
    >>> float(r.kappa_f)  # doctest: +SKIP
    0.0203...
    """
    check_x64()
    return _solve_jit(model, **options)
