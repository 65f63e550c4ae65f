r"""Relic-abundance solvers of twin-neutrino dark matter (arXiv:1805.12139, Sec. V).

Physics reference: ``docs/physics/twin_model.md`` §5, §6, §8; the equations as
implemented, conventions and convergence are in ``docs/physics/twin_solvers.md``.

Everything lives on one :class:`~jaxrelic.models.twin_higgs.TwinGrid`: a
uniform ln a axis from x₀ to x_end and log-spaced comoving momenta q (N_q ≥ 100).
Convention P throughout: n, Y, f count ν̂ (τ̂) *particles only*; Ω counts
particles + antiparticles (factor 2, §5.9).

Solvers (pure functions of a model and a grid):

* :func:`solve_coannihilation` — Eq. (27) for Y_tot = Y_ν + Y_τ in chemical
  equilibrium (Griest–Seckel ⟨σv⟩_eff with both C_A CP channels), stiff ODE in
  ln a through :func:`jaxrelic.numerics.ode.solve_ode` with state ln Y_tot;
  gives Ω_CA and ln R(a) = ln(Y_tot/Y_tot^eq) on the grid (log form, §8).
* :func:`solve_coscattering_integrated` — Eq. (28), momentum-integrated.
* :func:`solve_momentum` — the general linear form of §5.7 [Eq. (38) with
  C̃_ID and C̃_CA], ∂f/∂ln a = (K/H)(F − f), on every q mode at once with the
  exact exponential integrator of §8 (``jax.lax.scan`` over ln a steps,
  vectorised over q).  With R ≡ 1 and no C_A it is Eq. (35).
* :func:`iterate_tau` — the iterative method of §5.8 (τ̂ equation ↔ Eq. (38)).

:func:`relic_twin` is the jitted entry point returning a :class:`TwinRelicResult`.
"""

from __future__ import annotations

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
from jax import Array

from ... import constants as c
from ...numerics import status as st
from ...numerics.interpolate import CubicSpline
from ...numerics.ode import solve_ode
from ...stats import log_n_eq
from .collision import (
    N_PANEL_FAST,
    N_TAIL_CA_FAST,
    N_TAIL_FAST,
    ROW_STRIDE_FAST,
    CollisionOperators,
    TwinTables,
    collision_operators,
    operators_from_tables,
    twin_tables,
)
from . import domain
from .grid import TwinGrid, make_grid
from .model import TwinHiggs
from .thermal import (
    G_GAMMA,
    G_NU,
    G_TAU,
    sigma_v_A,
    sigma_v_CA,
    sigma_v_CS,
    sigma_v_S,
)

__all__ = [
    "METHODS",
    "PHASES",
    "CoannihilationSolution",
    "MomentumSolution",
    "TwinRelicResult",
    "solve_coannihilation",
    "solve_coscattering_integrated",
    "solve_momentum",
    "exponential_step",
    "iterate_tau",
    "freeze_out_temperatures",
    "classify_phase",
    "relic_twin",
    "relic_twin_theta_scan",
    "solver_tables",
    "relic_on_grid",
]

#: Solution methods of :func:`relic_twin`.
METHODS = domain.METHODS
#: Phase labels (§6.1); ``TwinRelicResult.phase`` is an index into this tuple.
PHASES = ("coannihilation", "coscattering", "S/C_S mixed", "C_A/S mixed", "decay-open")

#: Largest accepted sensitivity of the relic to the initial condition at x₀,
#: ∂ln Y_end/∂ln(initial abundance) (docs/physics/twin_domain.md §4): above it the
#: start x₀ lies after the relevant decoupling (``late_start``, status LATE_START).
MEMORY_MAX = 1e-3
#: Largest accepted cancellation ratio (|first| + |second|)/|Ω(38)| of the two terms of
#: Eq. (38) (twin_domain.md §5; above it ``eq38_cancellation``, status OUT_OF_DOMAIN
#: for methods "eq38" and "iterate").
CANCELLATION_MAX = 1e2
#: Floor of ln⟨σv⟩/GeV⁻² before interpolation: a ⟨σv⟩ that underflows to 0 deep in
#: the Boltzmann tail (Δ ≳ 3 at x ~ 300) would give ln 0 = −inf and NaN splines; at
#: e^−690 the rate is zero for every purpose (s⟨σv⟩/H < 1e-250).
LN_SIGMA_V_FLOOR = -690.0

#: Relative Ω change that stops the iteration of §5.8.
ITER_RTOL = 1e-3
#: Maximum number of iterations of §5.8 (reference: 3-8 needed).
ITER_MAX = 15


# ----------------------------------------------------------------------------
# Small helpers
# ----------------------------------------------------------------------------
def _omega(model: TwinHiggs, Y) -> Array:
    """Ω h² = 2.7437e8 (m_ν/GeV) · 2 Y (factor 2: antiparticles, §5.9)."""
    return c.OMEGA_H2_PER_MY * model.m_nu * 2.0 * Y


def _log_yields_eq(model: TwinHiggs, grid: TwinGrid):
    """ln Y_ν^eq, ln Y_τ^eq on the ln a nodes (MB, particles only, §4.2)."""
    ln_s = jnp.log(grid.s)
    return (log_n_eq(model.m_nu, grid.T, G_NU) - ln_s, log_n_eq(model.m_tau, grid.T, G_TAU) - ln_s)


def _sigma_v(sigma_v_fn, model: TwinHiggs, grid: TwinGrid) -> Array:
    """⟨σv⟩(T) on the ln a nodes, evaluated on every ``ROW_STRIDE_FAST``-th node (and the
    last) and spline-interpolated in ln a (ln⟨σv⟩ is smooth in ln T: ≲ 1e-9 relative)."""
    n_a = grid.n_a
    rows = np.unique(np.r_[np.arange(0, n_a, ROW_STRIDE_FAST), n_a - 1])
    ln_sv = jnp.maximum(jnp.log(sigma_v_fn(model, grid.T[rows])), LN_SIGMA_V_FLOOR)
    return jnp.exp(CubicSpline(grid.ln_a[rows], ln_sv)(grid.ln_a))


def _spline(grid: TwinGrid, values) -> CubicSpline:
    return CubicSpline(grid.ln_a, values, uniform=True)


def _solve_on_nodes(rhs, y0, grid: TwinGrid, args, *, rtol, atol, max_steps, adjoint="reverse"):
    """solve_ode from ln a₀ to ln a_end, saved on the ln a nodes.

    The interval is widened by 1e-12 so that the saved nodes lie inside it even
    if XLA recomputes ``grid.ln_a`` with a different rounding (the change of
    the solution is O(1e-12) relative).
    """
    pad = 1e-12
    return solve_ode(rhs, y0, grid.ln_a[0] - pad, grid.ln_a[-1] + pad, args=args,
                     ts=grid.ln_a, rtol=rtol, atol=atol, max_steps=max_steps, adjoint=adjoint)


# ----------------------------------------------------------------------------
# (a) Coannihilation, Eq. (27)
# ----------------------------------------------------------------------------
class CoannihilationSolution(eqx.Module):
    r"""Solution of Eq. (27) on the ln a nodes of a grid.

    Attributes
    ----------
    ln_Y_tot : Array, shape (n_a,)
        ln Y_tot, Y_tot = Y_ν + Y_τ (particles only).
    ln_Y_tot_eq : Array, shape (n_a,)
        ln Y_tot^eq.
    ln_R : Array, shape (n_a,)
        ln R(a) = ln(Y_tot/Y_tot^eq) = ln(Y_τ/Y_τ^eq) under Eq. (26).
    omega_h2 : Array
        Ω_CA h² = 2.7437e8 m_ν · 2 Y_tot(a_end).
    sigma_v_eff : Array, shape (n_a,)
        ⟨σv⟩_eff = ⟨σv⟩_CS r_τ² + 2⟨σv⟩_CA r_τ r_ν + ⟨σv⟩_A r_ν² in GeV⁻².
    status : Array
        :mod:`jaxrelic.numerics.status` code of the ODE solve.
    memory : Array
        ∂ln Y_tot(a_end)/∂ln Y_tot(a₀) = exp(−∫ λ (Y_tot + Y_eq²/Y_tot) d ln a), the
        linearised memory of the initial condition (≪ 1 when x₀ lies well before
        freeze-out; twin_domain.md §4).
    """

    ln_Y_tot: Array
    ln_Y_tot_eq: Array
    ln_R: Array
    omega_h2: Array
    sigma_v_eff: Array
    status: Array
    memory: Array


def _rhs_log_yield(t, y, args):
    """d ln Y/d ln a = −λ (e^y − e^{2u−y}), λ = s⟨σv⟩/H (log-interpolated), u = ln Y^eq."""
    ln_lam, u = args
    return -jnp.exp(ln_lam(t)) * (jnp.exp(y) - jnp.exp(2.0 * u(t) - y))


def solve_coannihilation(model: TwinHiggs, grid: TwinGrid, *, rtol=1e-8, atol=1e-10,
                         max_steps: int = 8192, adjoint: str = "reverse") -> CoannihilationSolution:
    """Coannihilation total density, Eq. (27), in convention P (§5.1).

        dY_tot/d ln a = −(s/H) ⟨σv⟩_eff [Y_tot² − (Y_tot^eq)²],
        ⟨σv⟩_eff = ⟨σv⟩_CS r_τ² + 2⟨σv⟩_CA r_τ r_ν + ⟨σv⟩_A r_ν²,  r_i = n_i^eq/(n_τ^eq + n_ν^eq)

    (the paper's ⟨σv⟩_{C_A} is twice the single-channel τν̄ → γγ value, §5.1), from Y_tot = Y_tot^eq at x₀,
    state y = ln Y_tot, stiff ``Kvaerno5`` of :func:`~jaxrelic.numerics.ode.solve_ode` (s⟨σv⟩_eff Y/H reaches
    ~1e11 at x₀ = 5); coefficients on the ln a nodes of ``grid``, cubic splines in ln a of ln(s⟨σv⟩_eff/H) and
    ln Y^eq. ``rtol``, ``atol`` apply to ln Y_tot; ``max_steps`` is the step budget (status MAX_STEPS beyond);
    ``adjoint`` (static) "reverse" for ``jax.grad``, "forward" for ``jax.jvp``/``jacfwd``.

    :func:`jaxrelic.engines.solve_network` is not used: it integrates in ln x on its own output grid with a
    yield floor of 1e-30 and rate limiters, while §5.7 needs ln R on the TwinGrid's ln a nodes to full relative
    precision (R ~ e^{+270} at x = 300). The same ODE wrapper is shared.
    """
    ln_Ynu, ln_Ytau = _log_yields_eq(model, grid)
    ln_Ytot_eq = jnp.logaddexp(ln_Ynu, ln_Ytau)
    r_tau = jnp.exp(ln_Ytau - ln_Ytot_eq)
    r_nu = jnp.exp(ln_Ynu - ln_Ytot_eq)
    sv = (_sigma_v(sigma_v_CS, model, grid) * r_tau**2
          + 2.0 * _sigma_v(sigma_v_CA, model, grid) * r_tau * r_nu
          + _sigma_v(sigma_v_A, model, grid) * r_nu**2)
    ln_lam = jnp.log(grid.s * sv / grid.H)
    args = (_spline(grid, ln_lam), _spline(grid, ln_Ytot_eq))
    sol = _solve_on_nodes(_rhs_log_yield, ln_Ytot_eq[0], grid, args, rtol=rtol, atol=atol,
                          max_steps=max_steps, adjoint=adjoint)
    y = sol.ys
    # linearisation of the RHS in y: ∂/∂y[−λ(e^y − e^{2u−y})] = −λ(e^y + e^{2u−y})
    damping = jnp.exp(ln_lam + y) + jnp.exp(ln_lam + 2.0 * ln_Ytot_eq - y)
    h = grid.ln_a[1] - grid.ln_a[0]
    tau = h * (jnp.sum(damping) - 0.5 * (damping[0] + damping[-1]))
    return CoannihilationSolution(
        ln_Y_tot=y, ln_Y_tot_eq=ln_Ytot_eq, ln_R=y - ln_Ytot_eq,
        omega_h2=_omega(model, jnp.exp(y[-1])), sigma_v_eff=sv, status=sol.status,
        memory=jnp.exp(-tau),
    )


# ----------------------------------------------------------------------------
# Exponential integrator (§8) for ∂y/∂ln a = (K/H)(F − y)
# ----------------------------------------------------------------------------
def exponential_step(y, F0, F1, kappa) -> Array:
    """One exact exponential-integrator step of ∂y/∂ln a = (K/H)(F − y) (§8), element-wise.

    With F linear in ln a over the step (F0 → F1) and κ = ½(K₀/H₀ + K₁/H₁) h ≥ 0 (may be +inf: y₁ = F₁):

        y₁ = F₁ + (y₀ − F₀) e^{−κ} − (F₁ − F₀)(1 − e^{−κ})/κ,

    evaluated with −expm1(−κ)/κ (→ 1 − κ/2 for κ → 0). Unconditionally stable; exact for constant K/H and
    linear F.
    """
    small = kappa < 1e-8
    ks = jnp.where(small, 1.0, kappa)
    phi = jnp.where(small, 1.0 - 0.5 * kappa, -jnp.expm1(-ks) / ks)
    return F1 + (y - F0) * jnp.exp(-kappa) - (F1 - F0) * phi


def _scan_relaxation(rate, F, y0):
    """y on all ln a nodes for ∂y/∂ln a = (K/H)(F − y) with :func:`exponential_step`.

    rate : (n_a, ...) (K/H) h on the nodes (h the uniform ln a step; κ is the
    trapezoidal mean of neighbouring nodes); F : (n_a, ...); y0 : (...).
    Returns y of shape (n_a, ...), y[0] = y0.
    """
    kappa = 0.5 * (rate[:-1] + rate[1:])

    def step(y, xs):
        F0, F1, k = xs
        y1 = exponential_step(y, F0, F1, k)
        return y1, y1

    _, ys = jax.lax.scan(step, y0, (F[:-1], F[1:], kappa))
    return jnp.concatenate([y0[None], ys], axis=0)


# ----------------------------------------------------------------------------
# (b) Integrated coscattering, Eq. (28)
# ----------------------------------------------------------------------------
def solve_coscattering_integrated(model: TwinHiggs, grid: TwinGrid):
    """Momentum-integrated coscattering equation, Eq. (28) (§5.2): returns (Y_ν(a), Ω h²).

        dY_ν/d ln a = −(n_γ^eq ⟨σv⟩_S/H)(Y_ν − Y_ν^eq),  Y_ν(a₀) = Y_ν^eq(a₀),

    integrated with the exponential integrator of §8 on the ln a nodes (the equation is linear). Y_ν is per
    particle (shape (n_a,)); Ω h² = 2.7437e8 m_ν · 2 Y_ν(a_end).
    """
    Y, omega, _ = _coscattering_integrated(model, grid)
    return Y, omega


def _coscattering_integrated(model: TwinHiggs, grid: TwinGrid):
    """Eq. (28) as :func:`solve_coscattering_integrated`, plus the memory of the start:
    Y_ν^eq(a₀) e^{−∫Γ/H d ln a}/Y_ν(a_end) (twin_domain.md §4)."""
    ln_Ynu, _ = _log_yields_eq(model, grid)
    h = grid.ln_a[1] - grid.ln_a[0]
    rate = jnp.exp(log_n_eq(model.m_gamma, grid.T, G_GAMMA)) * _sigma_v(sigma_v_S, model, grid) / grid.H
    Yeq = jnp.exp(ln_Ynu)
    Y = _scan_relaxation(rate * h, Yeq, Yeq[0])
    tau = h * (jnp.sum(rate) - 0.5 * (rate[0] + rate[-1]))
    return Y, _omega(model, Y[-1]), jnp.exp(ln_Ynu[0] - tau) / Y[-1]


# ----------------------------------------------------------------------------
# (c, d) Momentum equation: Eq. (35) and the general linear form (Eq. 38)
# ----------------------------------------------------------------------------
class MomentumSolution(eqx.Module):
    r"""Solution f_ν(q, a) of the general linear form (§5.7) on a grid.

    Attributes
    ----------
    f : Array, shape (n_a, n_q)
        f_ν(q, a) per spin state on all nodes.
    f_end : Array, shape (n_q,)
        f_ν(q, a_end).
    first_end : Array, shape (n_q,)
        First term of Eq. (38) at a_end, R f_ν^eq (the coannihilation
        distribution, Eq. 39); the second term is ``f_end − first_end``.
    Y_nu : Array, shape (n_a,)
        Y_ν(a) = ∫ f (§5.9) on the ln a nodes.
    J : Array, shape (n_a,)
        𝒥(a) = g_ν ∫ d³p/(2π)³ (C̃_S + C̃_ID) f_ν in GeV⁴ (§5.8).
    K_eq : Array, shape (n_a,)
        𝒦(a) = g_ν ∫ d³p/(2π)³ (C̃_S + C̃_ID) f_ν^eq in GeV⁴, same quadrature.
    memory : Array
        Memory of the start: ∫q² F(q, a₀) e^{−τ_q} dq / ∫q² f_ν(q, a_end) dq with
        τ_q = ∫ K/H d ln a, the relative change of Y_ν(a_end) if the initial
        distribution were doubled (twin_domain.md §4).
    """

    f: Array
    f_end: Array
    first_end: Array
    Y_nu: Array
    J: Array
    K_eq: Array
    memory: Array


def _p_integral(grid: TwinGrid, integrand) -> Array:
    """g_ν ∫ d³p/(2π)³ g = g_ν/(2π² a³) ∫ q² g dq on the grid, shape (n_a,)."""
    return G_NU * jnp.sum(grid.q_weights * grid.q**2 * integrand, axis=-1) / (2.0 * jnp.pi**2 * grid.a**3)


def solve_momentum(grid: TwinGrid, ops: CollisionOperators, ln_R, *, include_CA: bool = True) -> MomentumSolution:
    """General linear form of §5.7 (Eq. (38) with C̃_ID and C̃_CA) on all q modes.

        ∂f_ν/∂ln a = (K/H)(F − f_ν),
        K = C̃_S + C̃_ID + R C̃_CA,  F = [(C̃_S + C̃_ID) R + C̃_CA] f_ν^eq / K,

    f_ν(q, a₀) = F(q, a₀); exponential integrator of §8 per q node, vectorised over q, ``jax.lax.scan`` over
    ln a. F is formed in log space (R f^eq = exp(ln R − E/T), §8). ``ops``: operators on ``grid`` [GeV];
    ``ln_R`` (n_a,) = ln(Y_τ/Y_τ^eq). With ln R ≡ 0 and ``include_CA=False`` (static) this is Eq. (35)
    (C̃ = C̃_S + C̃_ID); with C̃_CA = 0 it is the paper's Eq. (38).
    """
    h = grid.ln_a[1] - grid.ln_a[0]
    conv = ops.S + ops.ID
    ln_feq = grid.log_f_eq()
    lnR = ln_R[:, None]
    if include_CA:
        ln_CA = jnp.log(ops.CA)
        ln_conv = jnp.log(conv)
        ln_K = jnp.logaddexp(ln_conv, lnR + ln_CA)
        ln_num = jnp.logaddexp(ln_conv + lnR, ln_CA)
        ln_F = jnp.where(jnp.isfinite(ln_K), ln_feq + ln_num - ln_K, ln_feq + lnR)
        K = jnp.exp(ln_K)
    else:
        K = conv
        ln_F = ln_feq + lnR
    F = jnp.exp(ln_F)
    rate = K / grid.H[:, None] * h
    f = _scan_relaxation(rate, F, F[0])
    feq = jnp.exp(ln_feq)
    tau = jnp.sum(rate, axis=0) - 0.5 * (rate[0] + rate[-1])
    w = grid.q_weights * grid.q**2
    memory = jnp.sum(w * jnp.exp(ln_F[0] - tau)) / jnp.sum(w * f[-1])
    return MomentumSolution(
        f=f,
        f_end=f[-1],
        first_end=jnp.exp(ln_feq[-1] + ln_R[-1]),
        Y_nu=grid.yield_from_f(f),
        J=_p_integral(grid, conv * f),
        K_eq=_p_integral(grid, conv * feq),
        memory=memory,
    )


# ----------------------------------------------------------------------------
# (e) Iterative method, §5.8
# ----------------------------------------------------------------------------
def _rhs_tau(t, y, args):
    """d ln Y_τ/d ln a of the τ̂ equation of §5.8 (all coefficients log-interpolated)."""
    ln_lam_cs, ln_lam_ca, u_tau, u_nu, ln_Ynu, ln_j, ln_k = (fn(t) for fn in args)
    e = jnp.exp
    d_cs = -e(ln_lam_cs) * (e(y) - e(2.0 * u_tau - y))
    d_ca = -e(ln_lam_ca) * (e(ln_Ynu) - e(u_tau + u_nu - y))
    d_conv = e(ln_j - y) - e(ln_k - u_tau)
    return d_cs + d_ca + d_conv


def iterate_tau(model: TwinHiggs, grid: TwinGrid, ops: CollisionOperators, ln_R0, *,
                rtol=ITER_RTOL, max_iter: int = ITER_MAX, ode_rtol=1e-6, ode_atol=1e-8,
                adjoint: str = "reverse"):
    r"""Iterative method of §5.8: alternate Eq. (38) and the τ̂ equation until Ω converges.

    τ̂ equation (τ̂ kinetically thermal, R = Y_τ/Y_τ^eq, convention P):

        dY_τ/d ln a = −(s/H)[⟨σv⟩_CS (Y_τ² − Y_τ^eq²) + ⟨σv⟩_CA (Y_τ Y_ν − Y_τ^eq Y_ν^eq)]
                      + [𝒥(a) − R 𝒦(a)]/(s H),

    with Y_ν, 𝒥 from the previous f_ν and 𝒦 by the same q quadrature (so that
    f = f^eq, R = 1 is an exact fixed point on the grid).  Solved for ln Y_τ
    with the stiff ODE wrapper (coefficients spline-interpolated in ln a).
    Iteration k gives Ω^k = 2.7437e8 m_ν · 2 [Y_ν^k + R^k Y_τ^eq](a_end); stops
    when |Ω^k − Ω^{k−1}| < rtol Ω^k.

    Parameters
    ----------
    model, grid, ops :
        Model point, grid and collision operators.
    ln_R0 : Array, shape (n_a,)
        First guess ln R⁰ (the coannihilation solution, Eq. 39).
    rtol : float
        Relative Ω tolerance (default 1e-3).
    max_iter : int
        Maximum number of τ̂ solves (status NOT_CONVERGED beyond).
    ode_rtol, ode_atol : float
        Tolerances of the τ̂-equation solve.
    adjoint : {"reverse", "forward"}
        Differentiation mode of the τ̂-equation solves (static).  Reverse mode
        cannot differentiate the ``jax.lax.while_loop`` of the iteration; use
        ``"forward"`` (``jax.jvp``/``jacfwd``) for derivatives of iterated results.

    Returns
    -------
    sol : MomentumSolution
        f_ν of the last iteration (computed with ``ln_R``).
    ln_R : Array, shape (n_a,)
        ln R used for ``sol``.
    omega_h2 : Array
        Converged Ω h².
    n_iter : Array
        Number of τ̂ solves performed.
    status : Array
        Status code (ODE failures, NOT_CONVERGED).
    """
    ln_Ynu_eq, ln_Ytau_eq = _log_yields_eq(model, grid)
    ln_sH = jnp.log(grid.s / grid.H)
    ln_lam_cs = ln_sH + jnp.log(_sigma_v(sigma_v_CS, model, grid))
    ln_lam_ca = ln_sH + jnp.log(_sigma_v(sigma_v_CA, model, grid))
    ln_sH_prod = jnp.log(grid.s * grid.H)
    fixed = (_spline(grid, ln_lam_cs), _spline(grid, ln_lam_ca), _spline(grid, ln_Ytau_eq),
             _spline(grid, ln_Ynu_eq))

    def omega_of(sol, ln_R):
        return _omega(model, sol.Y_nu[-1] + jnp.exp(ln_R[-1] + ln_Ytau_eq[-1]))

    def body(carry):
        k, ln_R, sol, _, om, stat = carry
        args = fixed + (_spline(grid, jnp.log(sol.Y_nu)), _spline(grid, jnp.log(sol.J) - ln_sH_prod),
                        _spline(grid, jnp.log(sol.K_eq) - ln_sH_prod))
        ode = _solve_on_nodes(_rhs_tau, ln_Ytau_eq[0] + ln_R[0], grid, args, rtol=ode_rtol,
                              atol=ode_atol, max_steps=8192, adjoint=adjoint)
        ln_R_new = ode.ys - ln_Ytau_eq
        sol_new = solve_momentum(grid, ops, ln_R_new)
        om_new = omega_of(sol_new, ln_R_new)
        return k + 1, ln_R_new, sol_new, om, om_new, st.combine(stat, ode.status)

    def cond(carry):
        k, _, _, om_old, om, stat = carry
        return (k < max_iter) & (jnp.abs(om - om_old) >= rtol * jnp.abs(om)) & (stat == st.SUCCESS)

    sol0 = solve_momentum(grid, ops, ln_R0)
    om0 = omega_of(sol0, ln_R0)
    init = (jnp.asarray(0), ln_R0, sol0, jnp.asarray(jnp.inf), om0, jnp.asarray(st.SUCCESS, dtype=jnp.int32))
    k, ln_R, sol, om_old, om, stat = jax.lax.while_loop(cond, body, init)
    converged = jnp.abs(om - om_old) < rtol * jnp.abs(om)
    stat = st.combine(stat, jnp.where(converged, st.SUCCESS, st.NOT_CONVERGED))
    return sol, ln_R, om, k, stat


# ----------------------------------------------------------------------------
# Freeze-out temperatures and phase (§6.1)
# ----------------------------------------------------------------------------
#: Departure factor defining freeze-out: Y (or f) = FREEZE_OUT_RATIO × equilibrium (§6.3(e)).
FREEZE_OUT_RATIO = 2.5


def _departure_temperature(grid: TwinGrid, ln_ratio) -> Array:
    """T at the first ln a where ln_ratio = ln(FREEZE_OUT_RATIO) (log-linear in ln a, ln T).

    ln_ratio : (n_a, ...) = ln(Y/Y_ref).  Returns T[0] if the ratio already exceeds
    the threshold at x₀ and T[-1] if it never reaches it.
    """
    d = ln_ratio - jnp.log(FREEZE_OUT_RATIO)
    above = d >= 0.0
    n_a = d.shape[0]
    i = jnp.clip(jnp.argmax(above, axis=0) - 1, 0, n_a - 2)
    d0 = jnp.take_along_axis(d, i[None], axis=0)[0]
    d1 = jnp.take_along_axis(d, i[None] + 1, axis=0)[0]
    frac = jnp.clip(-d0 / jnp.where(d1 == d0, 1.0, d1 - d0), 0.0, 1.0)
    ln_T = jnp.log(grid.T)
    lnT = ln_T[i] + frac * (ln_T[i + 1] - ln_T[i])
    T = jnp.exp(lnT)
    T = jnp.where(above[0], grid.T[0], T)
    return jnp.where(jnp.any(above, axis=0), T, grid.T[-1])


def freeze_out_temperatures(model: TwinHiggs, grid: TwinGrid, ln_R_CA, f35) -> tuple:
    r"""Freeze-out temperatures T_S(q), T_CS, T_CA in GeV (§6.1).

    Each process is switched on *alone* (the others keeping their partners in
    equilibrium) and its freeze-out is the first temperature at which the
    species it controls exceeds 2.5 times its equilibrium value (the
    departure criterion of §6.3(e)):

    * T_S(q): mode q of Eq. (35) (S + ID, τ̂ in equilibrium):
      f_ν^{(35)}(q, a) = 2.5 f_ν^eq(q, a);
    * T_CS: Eq. (27) (coannihilation, C_S-dominated): Y_tot = 2.5 Y_tot^eq;
    * T_CA: C_A alone with τ̂ in equilibrium, dY_ν/d ln a =
      −(n_τ^eq ⟨σv⟩_CA/H)(Y_ν − Y_ν^eq) (C̃_CA is nearly p-independent, §5.6):
      Y_ν = 2.5 Y_ν^eq.

    Log-linear interpolation between ln a nodes; T(x₀) if the process is never
    in equilibrium on the grid, T(x_end) if it never freezes out on it.

    Returns
    -------
    T_S : Array, shape (n_q,)
    T_CS, T_CA : Array
    """
    ln_Ynu, ln_Ytau = _log_yields_eq(model, grid)
    T_S = _departure_temperature(grid, jnp.log(f35) - grid.log_f_eq())
    T_CS = _departure_temperature(grid, ln_R_CA)
    h = grid.ln_a[1] - grid.ln_a[0]
    rate_ca = jnp.exp(log_n_eq(model.m_tau, grid.T, G_TAU)) * _sigma_v(sigma_v_CA, model, grid) / grid.H
    Yeq = jnp.exp(ln_Ynu)
    Y_ca = _scan_relaxation(rate_ca * h, Yeq, Yeq[0])
    T_CA = _departure_temperature(grid, jnp.log(Y_ca) - ln_Ynu)
    return T_S, T_CS, T_CA


def classify_phase(model: TwinHiggs, grid: TwinGrid, T_S, T_CS, T_CA, f_end) -> Array:
    r"""Phase index into :data:`PHASES` from the §6.1 criteria.

    The relevant modes are those carrying the bulk of the relic: q between the
    10 % and 90 % quantiles of q² f_ν(q, a_end); over them T_S ranges from
    T_S,max (low q, decouples first) to T_S,min.

    * r < Δ (decays / inverse decays open, item 6) → ``"decay-open"``;
    * T_CS ≥ T_S,max (C_S freezes out before S for every mode) → ``"coannihilation"``;
    * T_CS ≤ T_S,min: ``"C_A/S mixed"`` if T_CA < T_S,max (C_A still active
      when the low-q modes leave S, item 4), else ``"coscattering"``;
    * otherwise (T_CS inside the T_S band, item 3) → ``"S/C_S mixed"``.
    """
    w = grid.q_weights * grid.q**2 * f_end
    cw = jnp.cumsum(w) / jnp.sum(w)
    band = (cw >= 0.1) & (cw - w / jnp.sum(w) <= 0.9)
    T_max = jnp.max(jnp.where(band, T_S, -jnp.inf))
    T_min = jnp.min(jnp.where(band, T_S, jnp.inf))
    phase = jnp.where(T_CS >= T_max, 0, jnp.where(T_CS <= T_min, jnp.where(T_CA < T_max, 3, 1), 2))
    return jnp.where(model.decay_open, 4, phase).astype(jnp.int32)


# ----------------------------------------------------------------------------
# Result and entry point
# ----------------------------------------------------------------------------
class TwinRelicResult(eqx.Module):
    r"""Relic abundance of a twin-neutrino point (:func:`relic_twin`).

    All yields count particles only (convention P); Ω h² = 2.7437e8 m_ν · 2 Y.

    Attributes
    ----------
    omega_h2 : Array
        Ω h² of the requested method.
    omega_first, omega_second : Array
        Split of Eq. (38) at a_end (general linear form with R from Eq. (27),
        i.e. iteration 0, for every method — after iterating, R = Y_τ/Y_τ^eq no
        longer describes a thermal ν̂ distribution and R f^eq is meaningless): first term
        2.7437e8 m_ν · 2 [∫R f^eq + R Y_τ^eq] (the coannihilation term, = Ω_CA
        up to the q quadrature), second term 2.7437e8 m_ν · 2 ∫(f − R f^eq)
        (coscattering term).  Their sum is Ω(38) of iteration 0.  Only the sum is physical: the split depends on a_end (§6.3(e)).
    omega_38 : Array
        Diagnostic: Eq. (38) iteration 0 (= omega_first + omega_second; equals
        ``omega_h2`` for ``method="eq38"``).
    omega_CA, omega_35, omega_28 : Array
        Diagnostics: Eq. (27), Eq. (35) (R ≡ 1, C̃ = C̃_S + C̃_ID), Eq. (28).
    x : Array, shape (n_a,)
        x = m_ν/T on the ln a nodes.
    Y : Array, shape (n_a,)
        Y_ν + Y_τ history of the requested method (Eq. 27: Y_tot; Eqs. 35/38:
        Y_ν + R Y_τ^eq; Eq. 28: Y_ν + Y_τ^eq).
    Y_eq : Array, shape (n_a,)
        Y_ν^eq + Y_τ^eq.
    ln_R : Array, shape (n_a,)
        ln(Y_τ/Y_τ^eq) used by Eq. (38) (coannihilation first guess, or the
        converged iteration).
    q : Array, shape (n_q,)
        Comoving momenta in GeV (= p at x = 20).
    f_end : Array, shape (n_q,)
        f_ν(q, a_end) of the requested method (Eq. 27: R f^eq; Eq. 28:
        (Y_ν/Y_ν^eq) f^eq, kinetic-equilibrium shape).
    f_first_end : Array, shape (n_q,)
        First term R f^eq of Eq. (38) (iteration 0) at a_end.
    f38_end : Array, shape (n_q,)
        f_ν(q, a_end) of Eq. (38) iteration 0 (second term: f38_end − f_first_end).
    T_S : Array, shape (n_q,)
        Freeze-out temperature of S (+ID) for mode q, GeV
        (:func:`freeze_out_temperatures`).
    T_CS, T_CA : Array
        Freeze-out temperatures of C_S and C_A, GeV.
    phase : Array
        Index into :data:`PHASES` (:func:`classify_phase`).
    n_iter : Array
        τ̂-equation solves of the iteration (0 unless ``method="iterate"``).
    in_domain : Array
        bool: the point lies in the validity domain of
        :mod:`~jaxrelic.models.twin_higgs.domain` (False → status OUT_OF_RANGE).
    memory : Array
        Sensitivity of the requested method's relic to its initial condition at x₀,
        ∂ln Y_end/∂ln(initial abundance) (eq38/iterate: the larger of Eq. (27) and
        the momentum equation).  Above :data:`MEMORY_MAX` the start lies after the
        relevant decoupling: status LATE_START (``late_start``).
    cancellation : Array
        (|omega_first| + |omega_second|)/|omega_38|, the cancellation between the
        two terms of Eq. (38) (iteration 0).  Above :data:`CANCELLATION_MAX` the
        Eq. (38) number has lost its precision: status OUT_OF_DOMAIN for methods
        "eq38" and "iterate" (``eq38_cancellation``).
    status : Array
        :mod:`jaxrelic.numerics.status` code, first that applies: OUT_OF_RANGE (parameters
        outside the domain), LATE_START, OUT_OF_DOMAIN (Eq. 38 cancellation), then solver
        failures, then NONFINITE.
    """

    omega_h2: Array
    omega_first: Array
    omega_second: Array
    omega_38: Array
    omega_CA: Array
    omega_35: Array
    omega_28: Array
    x: Array
    Y: Array
    Y_eq: Array
    ln_R: Array
    q: Array
    f_end: Array
    f_first_end: Array
    f38_end: Array
    T_S: Array
    T_CS: Array
    T_CA: Array
    phase: Array
    n_iter: Array
    in_domain: Array
    memory: Array
    cancellation: Array
    status: Array

    @property
    def phase_name(self) -> str:
        """Phase label of a single (non-vmapped) result."""
        return PHASES[int(self.phase)]


def solver_tables(model: TwinHiggs, grid: TwinGrid) -> TwinTables:
    """θ₁-independent collision tables of ``model`` (any θ₁) with the solver settings.

    :func:`~jaxrelic.models.twin_higgs.collision.twin_tables` with ``N_PANEL_FAST``,
    ``N_TAIL_FAST``, ``N_TAIL_CA_FAST``, ``ROW_STRIDE_FAST`` (those of
    :func:`relic_twin`); pass the result as ``tables`` to reuse it for every θ₁ at the
    same (m_ν, Δ, r, ê) and grid (docs/physics/twin_solvers.md, "θ₁ dependence").
    """
    return twin_tables(model, grid, n_panel=N_PANEL_FAST, n_tail=N_TAIL_FAST,
                       n_tail_ca=N_TAIL_CA_FAST, row_stride=ROW_STRIDE_FAST)


def relic_on_grid(model: TwinHiggs, grid: TwinGrid, method: str, adjoint: str = "reverse",
                   x_range=None, tables: TwinTables | None = None) -> TwinRelicResult:
    """All solvers of a point on one grid (pure; ``method``, ``adjoint`` static).

    ``x_range = (x0, x_end)`` (possibly traced) adds the grid bounds to the domain
    check of the point (status OUT_OF_RANGE outside
    :mod:`~jaxrelic.models.twin_higgs.domain`).

    ``tables`` (:func:`solver_tables` of the same m_ν, Δ, r, ê and grid) replaces the
    evaluation of C̃_S and C̃_CA by their exact θ₁ factorisation
    (:func:`~jaxrelic.models.twin_higgs.collision.operators_from_tables`); every other
    step is unchanged.  Ω then differs from the direct evaluation only by the ln G
    spline interpolation (≲ 1e-8 relative, tests/twin_higgs/test_theta_tables.py).

    The collision operators are evaluated with the solver settings of
    :mod:`~jaxrelic.models.twin_higgs.collision` (``N_PANEL_FAST``, ``N_TAIL_FAST``,
    ``N_TAIL_CA_FAST``, ``ROW_STRIDE_FAST``: Ω moves by ≲ 1e-6, docs/performance.md).
    """
    if adjoint not in ("reverse", "forward"):
        raise ValueError(f"relic_twin: adjoint must be 'reverse' or 'forward', got {adjoint!r}")
    if tables is None:
        ops = collision_operators(model, grid, n_panel=N_PANEL_FAST, n_tail=N_TAIL_FAST,
                                  n_tail_ca=N_TAIL_CA_FAST, row_stride=ROW_STRIDE_FAST)
    else:
        ops = operators_from_tables(tables, model, grid)
    ln_Ynu, ln_Ytau = _log_yields_eq(model, grid)
    Ynu_eq, Ytau_eq = jnp.exp(ln_Ynu), jnp.exp(ln_Ytau)
    ca = solve_coannihilation(model, grid, adjoint=adjoint)
    sol35 = solve_momentum(grid, ops, jnp.zeros_like(grid.ln_a), include_CA=False)
    omega_35 = _omega(model, sol35.Y_nu[-1] + Ytau_eq[-1])
    Y28, omega_28, memory_28 = _coscattering_integrated(model, grid)
    status = ca.status
    n_iter = jnp.asarray(0)
    sol38_0 = solve_momentum(grid, ops, ca.ln_R)
    if method == "iterate":
        sol38, ln_R, omega_38, n_iter, it_status = iterate_tau(model, grid, ops, ca.ln_R, adjoint=adjoint)
        status = st.combine(status, it_status)
    else:
        ln_R, sol38 = ca.ln_R, sol38_0
        omega_38 = _omega(model, sol38.Y_nu[-1] + jnp.exp(ln_R[-1] + ln_Ytau[-1]))
    Y_first = grid.yield_from_f(sol38_0.first_end) + jnp.exp(ca.ln_R[-1] + ln_Ytau[-1])
    omega_first = _omega(model, Y_first)
    omega_second = _omega(model, sol38_0.Y_nu[-1]) - _omega(model, grid.yield_from_f(sol38_0.first_end))
    omega_38_0 = omega_first + omega_second
    Y38 = sol38.Y_nu + jnp.exp(ln_R + ln_Ytau)
    ln_feq_end = grid.log_f_eq()[-1]
    if method in ("eq38", "iterate"):
        omega, Y, f_end = omega_38, Y38, sol38.f_end
    elif method == "coannihilation":
        omega, Y, f_end = ca.omega_h2, jnp.exp(ca.ln_Y_tot), jnp.exp(ca.ln_R[-1] + ln_feq_end)
    elif method == "coscattering_integrated":
        omega, Y, f_end = omega_28, Y28 + Ytau_eq, jnp.exp(jnp.log(Y28[-1]) - ln_Ynu[-1] + ln_feq_end)
    else:  # coscattering_unintegrated
        omega, Y, f_end = omega_35, sol35.Y_nu + Ytau_eq, sol35.f_end
    T_S, T_CS, T_CA = freeze_out_temperatures(model, grid, ca.ln_R, sol35.f)
    phase = classify_phase(model, grid, T_S, T_CS, T_CA, sol38_0.f_end)
    # validity domain (twin_domain.md): parameters, start before decoupling, Eq. (38) precision
    x0, x_end = x_range if x_range is not None else (5.0, 300.0)
    in_domain = domain.in_domain(model.m_nu, model.delta, model.r, model.theta1, model.e_hat,
                                 model.epsilon, x0, x_end)
    memory = {"eq38": jnp.maximum(ca.memory, sol38_0.memory), "iterate": jnp.maximum(ca.memory, sol38_0.memory),
              "coannihilation": ca.memory, "coscattering_integrated": memory_28,
              "coscattering_unintegrated": sol35.memory}[method]
    cancellation = (jnp.abs(omega_first) + jnp.abs(omega_second)) / jnp.abs(omega_38_0)
    late = ~(memory <= MEMORY_MAX)
    cancelled = ~(cancellation <= CANCELLATION_MAX) if method in ("eq38", "iterate") else jnp.asarray(False)
    flag = jnp.where(~in_domain, st.OUT_OF_RANGE,
                     jnp.where(late, st.LATE_START, jnp.where(cancelled, st.OUT_OF_DOMAIN, st.SUCCESS)))
    status = st.combine(flag.astype(jnp.int32), status)
    status = st.flag_nonfinite(status, omega, omega_first, omega_second, f_end)
    return TwinRelicResult(
        omega_h2=omega, omega_first=omega_first, omega_second=omega_second, omega_38=omega_38_0,
        omega_CA=ca.omega_h2, omega_35=omega_35, omega_28=omega_28,
        x=grid.x, Y=Y, Y_eq=Ynu_eq + Ytau_eq, ln_R=ln_R, q=grid.q,
        f_end=f_end, f_first_end=sol38_0.first_end, f38_end=sol38_0.f_end,
        T_S=T_S, T_CS=T_CS, T_CA=T_CA, phase=phase, n_iter=n_iter,
        in_domain=in_domain, memory=memory, cancellation=cancellation, status=status,
    )


@eqx.filter_jit
def _relic_jit(model, x0, x_end, *, method, n_q, n_a, twin_photon_dof, adjoint):
    grid = make_grid(model, x0=x0, x_end=x_end, n_a=n_a, n_q=n_q, twin_photon_dof=twin_photon_dof)
    return relic_on_grid(model, grid, method, adjoint, x_range=(x0, x_end))


def relic_twin(model: TwinHiggs, *, method: str = "eq38", n_q: int = 128, n_a: int = 600,
               x0=5.0, x_end=300.0, twin_photon_dof: bool = False,
               adjoint: str = "reverse") -> TwinRelicResult:
    r"""Relic abundance Ω h² of twin-neutrino dark matter (arXiv:1805.12139, Sec. V).

    Jitted at this boundary (``method``, ``n_q``, ``n_a``, ``twin_photon_dof``
    static; the model and x₀, x_end traced, so ``jax.vmap`` over model points
    works on the model's fields through :func:`jax.vmap` of a wrapper that
    builds the :class:`TwinHiggs` inside).

    Parameters
    ----------
    model : TwinHiggs
        Parameter point (m_ν in GeV, Δ, r, θ₁).
    method : {"eq38", "iterate", "coannihilation", "coscattering_integrated", "coscattering_unintegrated"}
        ``"eq38"``: general linear form of §5.7 (paper's Eq. (38) with C̃_ID
        and C̃_CA, R from Eq. (27)) — the paper's method; ``"iterate"``: §5.8
        to |ΔΩ/Ω| < 1e-3; ``"coannihilation"``: Eq. (27);
        ``"coscattering_integrated"``: Eq. (28); ``"coscattering_unintegrated"``:
        Eq. (35) with C̃ = C̃_S + C̃_ID.  All diagnostics are computed for every method.
    n_q : int
        Comoving-momentum nodes, log-spaced in [1e-3, 5] m_ν (≥ 100).
    n_a : int
        ln a nodes (uniform) between x₀ and x_end.
    x0, x_end : float
        Start and end of the evolution in x = m_ν/T (defaults 5, 300; allowed
        1 ≤ x₀ ≤ 50, 100 ≤ x_end ≤ 600, ValueError for concrete values outside).
        A start after the relevant decoupling is flagged per point (status
        LATE_START, ``TwinRelicResult.memory`` > :data:`MEMORY_MAX`).
    twin_photon_dof : bool
        Include γ̂ in g_*, g_*s (§4.1; the reference numbers exclude it).
    adjoint : {"reverse", "forward"}
        Differentiation mode of the ODE solves (static): ``"reverse"`` for
        ``jax.grad``, ``"forward"`` for ``jax.jvp``/``jax.jacfwd`` (required for
        ``method="iterate"``, whose while loop reverse mode cannot differentiate).

    Returns
    -------
    TwinRelicResult
    """
    if method not in METHODS:
        raise ValueError(f"relic_twin: method must be one of {METHODS}, got {method!r}")
    if n_q < 100:
        raise ValueError(f"relic_twin: n_q must be >= 100, got {n_q}")
    if n_a < 100:
        raise ValueError(f"relic_twin: n_a must be >= 100, got {n_a}")
    if adjoint not in ("reverse", "forward"):
        raise ValueError(f"relic_twin: adjoint must be 'reverse' or 'forward', got {adjoint!r}")
    for name, v in (("x0", x0), ("x_end", x_end)):
        if not domain.is_traced(v):
            domain.check_concrete(name, v)
    return _relic_jit(model, jnp.asarray(x0, dtype=jnp.float64), jnp.asarray(x_end, dtype=jnp.float64),
                      method=method, n_q=int(n_q), n_a=int(n_a), twin_photon_dof=bool(twin_photon_dof),
                      adjoint=adjoint)


@eqx.filter_jit
def _theta_scan_jit(model, theta1, x0, x_end, *, method, n_q, n_a, twin_photon_dof, adjoint):
    grid = make_grid(model, x0=x0, x_end=x_end, n_a=n_a, n_q=n_q, twin_photon_dof=twin_photon_dof)
    tables = solver_tables(model, grid)

    def one(t):
        m = TwinHiggs(model.m_nu, model.delta, model.r, t, model.e_hat, model.epsilon)
        return relic_on_grid(m, grid, method, adjoint, x_range=(x0, x_end), tables=tables)

    return jax.vmap(one)(theta1)


def relic_twin_theta_scan(model: TwinHiggs, theta1, *, method: str = "eq38", n_q: int = 128,
                          n_a: int = 600, x0=5.0, x_end=300.0, twin_photon_dof: bool = False,
                          adjoint: str = "reverse") -> TwinRelicResult:
    r""":func:`relic_twin` for many θ₁ at one (m_ν, Δ, r, ê, ε), with the collision tables computed once.

    The θ₁-independent tables (:func:`solver_tables`: C̃_S and C̃_CA for pure vector
    and pure axial couplings, docs/physics/twin_solvers.md "θ₁ dependence") are built
    once from ``model`` (whose own θ₁ is ignored) and every θ₁ is solved with the exact
    prefactors g_V²(θ₁), g_A²(θ₁) (``jax.vmap`` over ``theta1``).  Results equal
    :func:`relic_twin` point by point up to the ln G spline interpolation (Ω ≲ 1e-8
    relative); differentiable in θ₁ and the model fields.

    Parameters
    ----------
    model : TwinHiggs
        m_ν (GeV), Δ, r, ê, ε of the column; ``model.theta1`` is not used.
    theta1 : array_like, shape (n,)
        Mixing angles θ₁ in rad, 0 < θ₁ < π/4 (ValueError naming theta1 for a concrete
        value outside; traced values outside get status OUT_OF_RANGE).
    method, n_q, n_a, x0, x_end, twin_photon_dof, adjoint :
        As in :func:`relic_twin`.

    Returns
    -------
    TwinRelicResult
        Every field with a leading axis of length n.
    """
    if method not in METHODS:
        raise ValueError(f"relic_twin_theta_scan: method must be one of {METHODS}, got {method!r}")
    if n_q < 100:
        raise ValueError(f"relic_twin_theta_scan: n_q must be >= 100, got {n_q}")
    if n_a < 100:
        raise ValueError(f"relic_twin_theta_scan: n_a must be >= 100, got {n_a}")
    if adjoint not in ("reverse", "forward"):
        raise ValueError(f"relic_twin_theta_scan: adjoint must be 'reverse' or 'forward', got {adjoint!r}")
    for name, v in (("x0", x0), ("x_end", x_end)):
        if not domain.is_traced(v):
            domain.check_concrete(name, v)
    if not domain.is_traced(theta1):
        arr = np.asarray(theta1, dtype=np.float64)
        if arr.ndim != 1 or arr.size == 0:
            raise ValueError(f"relic_twin_theta_scan: theta1 must be a non-empty 1-D array, got shape {arr.shape}")
        for v in arr:
            domain.check_concrete("theta1", float(v))
    theta1 = jnp.asarray(theta1, dtype=jnp.float64)
    return _theta_scan_jit(model, theta1, jnp.asarray(x0, dtype=jnp.float64),
                           jnp.asarray(x_end, dtype=jnp.float64), method=method, n_q=int(n_q), n_a=int(n_a),
                           twin_photon_dof=bool(twin_photon_dof), adjoint=adjoint)
