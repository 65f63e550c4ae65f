"""Integrated (number-density) Boltzmann network for N species.

For species i = 0…N−1 (0 = the dark matter) with comoving yields Y_i = n_i/s
(for a non-self-conjugate species Y_i counts particles plus antiparticles) the
network is (Griest & Seckel, PRD 43 (1991) 3191, eq. 3; Edsjö & Gondolo,
PRD 56 (1997) 1879, eq. 2.1), written with the equilibrium reaction densities
γ [GeV⁴] and u_i = ln(Y_i/Y_i^eq):

    dY_i/dt = − (1/s) Σ_j γ_ij (e^{u_i+u_j} − 1)          (annihilation/coannihilation, γ_ij = ⟨σv⟩_ij n_i^eq n_j^eq)
              − (1/s) γ_i (e^{u_i} − 1)                      (exchange with the bath, γ_i = Γ_i n_i^eq)
              − Σ_{j<i} Γ_{i→j} Y_i (1 − e^{u_j−u_i}) + Σ_{k>i} Γ_{k→i} Y_k (1 − e^{u_i−u_k})
                                                            (conversions i ↔ j, reverse by detailed balance).

Every term vanishes at u = 0 exactly (detailed balance).  ``inverse=False``
keeps only the production parts (+γ/s) of the bath terms (freeze-in without
back-reaction).  Time is t = ln x, x = m_DM/T, dt_cosmic = (1+δ)/(xH) dx with
δ = (1/3) d ln g_*s/d ln T.

State variables (docs/physics/number_density_network.md, "Formulation").
The state is v = ln Σ_i Y_i (the total, which only annihilation and bath terms
change) and, for each partner, d_i = u_i − u_0 (its departure from *relative*
equilibrium with the dark matter, on which the conversions act).  A conversion
with Γ/H ~ 10¹⁶ then enters as Γ·expm1(d_j − d_i) with d ~ H/Γ stored to full
relative precision, instead of as the difference of two large logarithms; no
rate is capped.  Annihilation terms are evaluated as e^a expm1(z) or
e^{a+z} − e^a (whichever is exact), all in log space, so nothing over- or
underflows for Y^eq ~ e^{−10⁶}.

Integrator.  Kvaerno5 (L-stable ESDIRK, fixed-count Newton with the exact Jacobian)
on a *fixed* grid in ln x (:func:`jaxrelic.numerics.ode.solve_ode_grid`), with
no step-size control: the result is a smooth function of every parameter, so
single vs vmapped calls agree to round-off, one-ulp input changes move Ω by
round-off, and finite differences match AD at small steps.  The grid (``n_steps``)
is dense up to x = 10³ and coarser after it (residual annihilation only); a
species that starts from zero yield is seeded by quadrature of its production
over the first steps (``seed``).
The embedded error estimate flags an under-resolved point (status
``NOT_CONVERGED``) instead of returning a silently wrong number.

Equilibrium start.  A network that starts in equilibrium (``Y_start=None``) starts at
x = 1 only if its number-changing rate per particle there is fast, R = Γ/(xH) ≥
``R_EQ_START`` (:func:`equilibrium_rate`); otherwise (a hot or nearly hot relic, whose
decoupling is relativistic) at the x < 1 where R = R_EQ_START, down to ``X_START_MIN``.
A start with R < ``R_EQ_FLAG`` (given by the user, or not reachable) gets status
``LATE_START``: the equilibrium initial condition is then not justified.

Models implement :class:`AbstractNetworkModel`.
"""

from __future__ import annotations

import abc
from typing import NamedTuple

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
from jax.scipy.special import logsumexp

from .. import constants as c
from ..numerics import status as st
from ..numerics.ode import solve_ode_grid
from ..numerics.quadrature import legendre_on
from ..thermo.background import Background

__all__ = ["AbstractNetworkModel", "NetworkRates", "RelicResult", "solve_network", "equilibrium_rate", "LOG_ZERO",
           "Y_ZERO_START"]

#: ln of an absent rate (finite, so that sums and differences never produce inf − inf).
LOG_ZERO = -1e100
#: A zero initial yield that is not seeded (``seed=False``, or no production at all) starts
#: the logarithmic state at Y = Y_ZERO_START · Y^eq(x_start).
Y_ZERO_START = 1e-30
#: Length of the seeded start section in units of the first regular grid step.
SEED_STEPS = 6.0
#: Largest exponent taken in the rate terms (e^{700} ~ 1e304).
_EXP_MAX = 700.0

#: Default grid: steps up to x = 10³ (at least 50 %, at most 90 % of ln x) and after it.
N_STEPS = (320, 64)
#: Status NOT_CONVERGED where the embedded error estimate of ln Y_tot exceeds this.
ERROR_FLAG = 1e-3
#: Equilibrium start: the automatic x_start is the largest x ≤ 1 with R = Γ/(xH) ≥ R_EQ_START
#: (Ω moves by < 1e-7 for R ≥ 6.5 at the start, 8e-5 at R = 3.4, 3.4× at R = 3e-3: a 10 MeV
#: relic with ⟨σv⟩ = 1e-35 cm³/s started at x = 1); searched down to X_START_MIN on
#: X_START_NODES log-spaced nodes; R < R_EQ_FLAG at the start → status LATE_START.
R_EQ_START = 100.0
R_EQ_FLAG = 10.0
X_START_MIN = 1e-8
X_START_NODES = 65


class NetworkRates(NamedTuple):
    """Rates of a network at one temperature (natural units).

    ``sigma_v`` (N, N) ⟨σv⟩_ij [GeV⁻²] for i + j → bath, symmetric (for a non-self-conjugate
    pair annihilation χχ̄ → bath enters as ⟨σv⟩_χχ̄ / 2, because Y counts χ and χ̄);
    ``conversion`` (N, N) Γ_{i→j} [GeV] per particle of i, used for i > j (the reverse rate
    follows from detailed balance; inelastic scattering on the bath and thermally averaged
    decays i → j + bath); ``decay`` (N,) width into the bath only [GeV] (Γ_i in γ_i = Γ_i n_i^eq).
    """

    sigma_v: jax.Array
    conversion: jax.Array
    decay: jax.Array


def _safe_log(x):
    """ln x for x > 0, LOG_ZERO where x ≤ 0 (finite gradient)."""
    pos = x > 0
    return jnp.where(pos, jnp.log(jnp.where(pos, x, 1.0)), LOG_ZERO)


class AbstractNetworkModel(eqx.Module):
    """Interface of a model solved by :func:`solve_network`."""

    @property
    @abc.abstractmethod
    def masses(self) -> jax.Array:
        """Masses of the N species [GeV], shape (N,); the first is the dark matter."""

    @abc.abstractmethod
    def log_n_eq(self, T) -> jax.Array:
        """ln n_i^eq(T) [ln GeV³], shape (N,), consistent with the Y convention."""

    @abc.abstractmethod
    def rates(self, T) -> NetworkRates:
        """:class:`NetworkRates` at temperature T [GeV]."""

    def log_gamma(self, T):
        """(ln γ_ij (N, N), ln γ_i (N,)): equilibrium reaction densities [ln GeV⁴].

        Default from :meth:`rates`: γ_ij = ⟨σv⟩_ij n_i^eq n_j^eq, γ_i = Γ_i n_i^eq.  Override it
        to give rate densities directly in log space (e.g. UV freeze-in, where n^eq of the
        produced particle and γ(T) have nothing to do with each other).
        """
        ln_n = self.log_n_eq(T)
        r = self.rates(T)
        return (_safe_log(r.sigma_v) + ln_n[:, None] + ln_n[None, :], _safe_log(r.decay) + ln_n)

    @property
    def dm_mass(self) -> jax.Array:
        """Mass of the stable relic into which all species end up [GeV]."""
        return self.masses[0]

    def domain_status(self) -> jax.Array:
        """Status of the parameters themselves (int32): ``OUT_OF_RANGE`` where a traced
        (jit/vmap) parameter lies outside the model's range; concrete values are checked in
        ``__init__`` with a ValueError.  Default: SUCCESS."""
        return jnp.asarray(st.SUCCESS, dtype=jnp.int32)


class RelicResult(eqx.Module):
    """Solution of a number-density network.

    ``omega_h2`` = 2.7437e8 (m_DM/GeV) Y_today; ``Y_today`` = Σ_i Y_i including the analytic
    residual-annihilation tail beyond x_end; ``x_f`` freeze-out x where Y_tot = 2 Y_tot^eq;
    ``status`` a :mod:`jaxrelic.numerics.status` code; ``x`` (n,) the grid in x = m_DM/T,
    ``Y``/``Y_eq`` (n, N) yields on it; ``num_steps`` steps taken; ``error_estimate`` the
    largest embedded local error estimate of ln Y_tot over the steps.
    """

    omega_h2: jax.Array
    Y_today: jax.Array
    x_f: jax.Array
    status: jax.Array
    x: jax.Array
    Y: jax.Array
    Y_eq: jax.Array
    num_steps: jax.Array
    error_estimate: jax.Array


# --------------------------------------------------------------------------- right-hand side


def _e_expm1(a, z):
    """e^a (e^z − 1), exact for any z and without overflow when a + z is moderate."""
    big = z > 0.5
    z_small = jnp.where(big, 0.0, z)
    small_form = jnp.exp(jnp.minimum(a, _EXP_MAX)) * jnp.expm1(z_small)
    big_form = jnp.exp(jnp.minimum(a + jnp.where(big, z, 0.0), _EXP_MAX)) - jnp.exp(jnp.minimum(a, _EXP_MAX))
    return jnp.where(big, big_form, small_form)


class _Frame(NamedTuple):
    """Everything the RHS needs at one time t, independent of the state."""

    ln_yeq: jax.Array  # (N,)
    dln_yeq: jax.Array  # (N,) d ln Y_i^eq / d ln x
    ln_k_ann: jax.Array  # (N, N) ln κ_ij = ln[γ_ij (1+δ)/(s H)]: dY_i/d ln x ⊃ −κ_ij (e^{u_i+u_j} − 1)
    ln_k_bath: jax.Array  # (N,)
    conv: jax.Array  # (N, N) Γ_{i→j}(1+δ)/H for i > j, else 0


def _frame(model, background, m_ref, t):
    """The state-independent part of the RHS at t = ln x (evaluated in one batch for a solve)."""
    lnT = jnp.log(m_ref) - t

    def ln_yeq_of(lnT_):
        T_ = jnp.exp(lnT_)
        return model.log_n_eq(T_) - jnp.log(background.entropy_density(T_))

    ln_yeq, dln_dlnT = jax.jvp(ln_yeq_of, (lnT,), (jnp.ones_like(lnT),))
    T = jnp.exp(lnT)
    H, s, jac = background.state(T)
    ln_g_ann, ln_g_bath = model.log_gamma(T)
    ln_unit = jnp.log(jac) - jnp.log(s) - jnp.log(H)
    r = model.rates(T) if _uses_conversions(model) else None
    n = ln_yeq.shape[0]
    if r is None:
        conv = jnp.zeros((n, n))
    else:
        lower = jnp.tril(jnp.ones((n, n)), -1)
        conv = lower * r.conversion * (jac / H)
    return _Frame(ln_yeq, -dln_dlnT, ln_g_ann + ln_unit, ln_g_bath + ln_unit, conv)


def _uses_conversions(model) -> bool:
    return int(np.shape(model.masses)[0]) > 1


def _unpack(y, ln_yeq):
    """(ln Y_i, u_i, d_i) from the state y = (v, d_1 … d_{N−1})."""
    d = jnp.concatenate([jnp.zeros(1, y.dtype), y[1:]])
    ln_rho = ln_yeq - ln_yeq[0]
    L = logsumexp(ln_rho + d)
    ln_Y = y[0] - L + ln_rho + d
    return ln_Y, ln_Y - ln_yeq, d


def _rates_per_particle(fr: _Frame, y, inverse: bool):
    """((dY_i/d ln x)/Y_i from bath and annihilation terms, from conversions, ln Y_i)."""
    z, u, d = _unpack(y, fr.ln_yeq)
    ln_k_ann_i = fr.ln_k_ann - z[:, None]  # κ_ij / Y_i
    ln_k_bath_i = fr.ln_k_bath - z
    if inverse:
        r = -jnp.sum(_e_expm1(ln_k_ann_i, u[:, None] + u[None, :]), axis=1) - _e_expm1(ln_k_bath_i, u)
    else:
        r = jnp.sum(jnp.exp(jnp.minimum(ln_k_ann_i, _EXP_MAX)), axis=1) + jnp.exp(jnp.minimum(ln_k_bath_i, _EXP_MAX))
    r_conv = jnp.zeros_like(r)
    if fr.conv.shape[0] > 1:
        # conversions i → j (i > j): flux/Y_i = Γ (1 − e^{u_j − u_i}) = −Γ expm1(d_j − d_i), into j: × Y_i/Y_j
        n = u.shape[0]
        lower = jnp.arange(n)[:, None] > jnp.arange(n)[None, :]
        one_minus = -jnp.expm1(jnp.clip(jnp.where(lower, d[None, :] - d[:, None], 0.0), -_EXP_MAX, _EXP_MAX))
        ratio = jnp.exp(jnp.clip(z[:, None] - z[None, :], -_EXP_MAX, _EXP_MAX))  # Y_i / Y_j
        r_conv = -jnp.sum(fr.conv * one_minus, axis=1) + jnp.sum(fr.conv * one_minus * ratio, axis=0)
    return r, r_conv, z


def _vf(inverse):
    """d(v, d_1, …)/d ln x as a function of (frame, state)."""

    def vf(fr, y):
        r, r_conv, z = _rates_per_particle(fr, y, inverse)
        dv = jnp.sum(jnp.exp(z - y[0]) * r)  # conversions keep Y_tot: no r_conv here
        du = r + r_conv - fr.dln_yeq
        return jnp.concatenate([dv[None], du[1:] - du[0]])

    return vf


def _rhs(t, y, args):
    """d(v, d_1, …)/d ln x at time t = ln x."""
    model, background, m_ref, inverse = args
    return _vf(inverse)(_frame(model, background, m_ref, t), y)


def _error_weight(fr, y):
    """Weights of the error estimate: 1 for ln Y_tot, the partner's share Y_i/Y_tot for d_i."""
    z = _unpack(y, fr.ln_yeq)[0]
    return jnp.concatenate([jnp.ones(1), jnp.exp(z[1:] - y[0])])


def _pack(z, ln_yeq):
    """State (v, d) from ln Y_i."""
    u = z - ln_yeq
    return jnp.concatenate([logsumexp(z)[None], u[1:] - u[0]])


def _predictor(fr_old, fr_new, y, f, dt):
    """Newton start for the next stage: each species follows the equilibrium that its fastest
    process enforces.  Species within a factor e of their bath equilibrium move with Y^eq, the
    others keep their yield; but a partner whose conversions to lighter species are faster than
    both its exchange with the bath and the expansion (rates per unit ln x > 1) keeps its
    departure d_i from relative equilibrium (else d would jump by ~Δ x h per stage after
    freeze-out).  The start value does not change the converged root."""
    z = _unpack(y, fr_old.ln_yeq)[0]
    near = jnp.abs(z - fr_old.ln_yeq) < 1.0
    guess = _pack(jnp.where(near, z + fr_new.ln_yeq - fr_old.ln_yeq, z), fr_new.ln_yeq)
    ln_bath = jnp.logaddexp(logsumexp(fr_old.ln_k_ann, axis=1), fr_old.ln_k_bath) - fr_old.ln_yeq
    ln_conv = _safe_log(jnp.sum(fr_old.conv, axis=1))
    keep = (ln_conv[1:] > ln_bath[1:]) & (ln_conv[1:] > 0.0)
    return jnp.concatenate([guess[:1], jnp.where(keep, y[1:], guess[1:])])


# --------------------------------------------------------------------------- helpers


def _ln_annihilation_B(model, background, m_ref, t, ln_Y):
    """ln B(t) with dY_tot/d ln x = −B Y_tot² from annihilation alone (Y^eq terms dropped)."""
    fr = _frame(model, background, m_ref, t)
    ln_tot = logsumexp(ln_Y)
    terms = fr.ln_k_ann - fr.ln_yeq[:, None] - fr.ln_yeq[None, :] + ln_Y[:, None] + ln_Y[None, :] - 2.0 * ln_tot
    return logsumexp(terms)


def _tail_correction(model, background, m_ref, t1, ln_Y_end):
    """1/Y_∞ − 1/Y_end for residual annihilation after x_end.

    Once Y^eq is negligible dY_tot/dt = −B(t) Y_tot² (t = ln x) with B independent of Y;
    B ∝ x^{−k} (k = 1 for s-wave at constant g_*), so ∫_{t_end}^∞ B dt = B(t_end)/k with k
    from B at x_end and x_end/2 (composition held fixed).
    """
    lb1 = _ln_annihilation_B(model, background, m_ref, t1, ln_Y_end)
    lb0 = _ln_annihilation_B(model, background, m_ref, t1 - jnp.log(2.0), ln_Y_end)
    k = jnp.clip((lb0 - lb1) / jnp.log(2.0), 0.5, 10.0)
    ok = (lb1 > 0.5 * LOG_ZERO) & (lb0 > 0.5 * LOG_ZERO)
    return jnp.where(ok, jnp.exp(jnp.where(ok, lb1, 0.0)) / k, 0.0)


def _freeze_out(x, ln_Y_tot, ln_Yeq_tot):
    """x_f with Y_tot = 2 Y_eq,tot, log-linear interpolation on the output grid."""
    dd = ln_Y_tot - ln_Yeq_tot - jnp.log(2.0)
    after = dd >= 0.0
    i = jnp.clip(jnp.argmax(after) - 1, 0, x.shape[0] - 2)
    d0, d1 = dd[i], dd[i + 1]
    frac = jnp.clip(-d0 / jnp.where(d1 == d0, 1.0, d1 - d0), 0.0, 1.0)
    lx = jnp.log(x[i]) + frac * (jnp.log(x[i + 1]) - jnp.log(x[i]))
    xf = jnp.where(after[0], x[0], jnp.exp(lx))
    return jnp.where(jnp.any(after), xf, x[-1])


def equilibrium_rate(model, background, t):
    """R(t) = Γ_tot/(xH) at equilibrium: Σ_ij κ_ij + Σ_i κ_i over Y^eq_tot (t = ln x).

    κ are the equilibrium rates dY/d ln x of annihilation and bath exchange, so R is the
    number-changing rate per dark-sector particle per Hubble time (conversions excluded).
    """
    fr = _frame(model, background, jnp.asarray(model.dm_mass, dtype=jnp.float64), t)
    ln_rate = jnp.logaddexp(logsumexp(fr.ln_k_ann), logsumexp(fr.ln_k_bath))
    return jnp.exp(jnp.clip(ln_rate - logsumexp(fr.ln_yeq), -700.0, 700.0))


def _auto_start(model, background):
    """(t_start, R at t_start): t = 0 if R(x=1) ≥ R_EQ_START, else where R = R_EQ_START (ln-ln
    interpolation on X_START_NODES nodes down to X_START_MIN; X_START_MIN if never reached).

    Not differentiated: the relic does not depend on where in equilibrium it starts (< 1e-7 for
    R ≥ 6.5, number_density_network.md), and the probes reach T ~ 1e8 m where a user's rates may be
    non-finite; without ``stop_gradient`` such an unselected probe would make every gradient NaN."""
    ts = jnp.linspace(0.0, np.log(X_START_MIN), X_START_NODES)
    lnR = jax.lax.stop_gradient(jnp.log(jax.vmap(lambda t: equilibrium_rate(model, background, t))(ts)))
    target = np.log(R_EQ_START)
    fast = lnR >= target
    k = jnp.argmax(fast)  # first node (from x = 1 down) with R ≥ R_EQ_START
    km = jnp.maximum(k - 1, 0)
    d0, d1 = lnR[km] - target, lnR[k] - target
    frac = jnp.clip(-d0 / jnp.where(d1 == d0, 1.0, d1 - d0), 0.0, 1.0)
    t_cross = ts[km] + frac * (ts[k] - ts[km])
    t_start = jax.lax.stop_gradient(jnp.where(fast[0], 0.0, jnp.where(jnp.any(fast), t_cross, ts[-1])))
    return t_start, jax.lax.stop_gradient(equilibrium_rate(model, background, t_start))


def make_grid(t0, t1, n_steps=N_STEPS):
    """Fixed integration grid in t = ln x (smooth in t0, t1): ``n_steps[0]`` equal steps up to
    t_b = t0 + (t1 − t0)·clip((ln 10³ − t0)/(t1 − t0), 0.5, 0.9), ``n_steps[1]`` after it.
    (A yield that starts at zero is seeded by quadrature instead: ``seed`` of solve_network.)"""
    n1, n2 = n_steps
    span = t1 - t0
    frac = jnp.clip((jnp.log(1000.0) - t0) / span, 0.5, 0.9)
    tb = t0 + frac * span
    first = t0 + jnp.linspace(0.0, 1.0, n1 + 1) * (tb - t0)
    second = tb + jnp.linspace(0.0, 1.0, n2 + 1)[1:] * (t1 - tb)
    return jnp.concatenate([first, second])


def _production(model, background, m_ref, t0, t1, panels: int = 4, nodes: int = 16):
    """(P_ann, P_bath) (N,): ∫ production terms dY_i/d ln x at Y = 0 from t0 to t1 (Gauss–Legendre)."""
    edges = t0 + (t1 - t0) * jnp.linspace(0.0, 1.0, panels + 1)
    lt, w = legendre_on(edges[:-1], edges[1:], nodes)
    frs = jax.vmap(lambda t: _frame(model, background, m_ref, t))(lt.reshape(-1))
    p_ann = jnp.exp(logsumexp(frs.ln_k_ann, axis=2))  # Σ_j κ_ij
    p_bath = jnp.exp(frs.ln_k_bath)
    w = w.reshape(-1)[:, None]
    return jnp.sum(w * p_ann, axis=0), jnp.sum(w * p_bath, axis=0)


def _seeded_start(model, background, m_ref, t0, t_seed, Ys, inverse):
    """ln Y at t_seed for species that start at Y = 0 at t0 (module docstring of solve_network).

    Production P_i = ∫ (Σ_j κ_ij + κ_i) d ln x over [t0, t_seed]; with back-reaction
    dY/dt = S(1 − (Y/Y^eq)^k), S/Y^eq held fixed: Y = Y^eq tanh(P/Y^eq) for pair production
    (k = 2), Y^eq (1 − e^{−P/Y^eq}) for bath exchange (k = 1), weighted by their shares of P.
    Exact for production only and to O(Y/Y^eq) otherwise (the freeze-in regime); in the
    equilibrium regime the following steps relax any O(1) error of the seed.
    """
    p_ann, p_bath = _production(model, background, m_ref, t0, t_seed)
    P = p_ann + p_bath
    ln_yeq = _frame(model, background, m_ref, t_seed).ln_yeq
    if inverse:
        Yeq = jnp.exp(ln_yeq)
        r = P / Yeq
        share = p_ann / jnp.where(P > 0, P, 1.0)
        Y = Yeq * (share * jnp.tanh(r) + (1.0 - share) * -jnp.expm1(-r))
    else:
        Y = P
    return jnp.logaddexp(_safe_log(Y + Ys), ln_yeq + jnp.log(Y_ZERO_START))


# --------------------------------------------------------------------------- public solver


def solve_network(
    model: AbstractNetworkModel,
    background: Background | None = None,
    *,
    x_start=None,
    x_end=None,
    Y_start=None,
    inverse: bool = True,
    n_steps=N_STEPS,
    seed: bool | None = None,
    tail: bool = True,
    adjoint: str = "either",
    **unused,
) -> RelicResult:
    """Solve the number-density network from x_start to x_end (x = m_DM/T).

    Pure function of its inputs: wrap in ``jax.jit`` / ``jax.vmap`` / ``jax.grad`` at the
    call site (or use :func:`jaxrelic.relic_density`).  Forward and reverse mode both
    differentiate the fixed-grid solve exactly (``adjoint`` is accepted for compatibility).

    Parameters
    ----------
    model, background
        Species and rates; thermal history (default: SM with the Saikawa–Shirai g_* table).
    x_start, x_end
        Integration range.  Default x_start: with ``Y_start=None`` (equilibrium start) x = 1
        if the number-changing rate there is fast (R = Γ/(xH) ≥ R_EQ_START = 100), else the
        x < 1 where it is (a relativistic, hot-relic decoupling; module docstring); with a
        given ``Y_start``, x = 1.  An equilibrium start with R < R_EQ_FLAG = 10 gets status
        ``LATE_START`` (the initial condition is not justified).  Default x_end = 1000 + m_DM/(10⁻⁵ GeV) (T_end ≲ 10 keV, after the
        QCD, muon and e± eras, where the analytic tail is accurate; smooth in m_DM).  With
        T_end = 50 keV (1000 + m/10⁻⁴ GeV) the tail missed 1.3e-3 of Ω at 0.1 GeV.
    Y_start
        None: every species starts in equilibrium.  Else an (N,) array of initial yields
        (0 allowed; NaN entries start in equilibrium).
    inverse
        False keeps only the production part of the bath terms (no back-reaction).
    n_steps
        Grid (:func:`make_grid`).
    seed
        Integrate the first ``SEED_STEPS`` grid steps after the start by quadrature of the
        production terms (:func:`_seeded_start`) for species that start at Y = 0, and start
        the network there (``x`` then begins at that point).  A yield growing from zero is
        ln(x − x_start) in the logarithmic state, which no fixed grid resolves.  Default:
        True when ``Y_start`` is a concrete array with an exact zero.
    tail
        Add the analytic residual-annihilation tail beyond x_end.
    """
    for key in unused:
        if key not in ("rtol", "atol", "max_steps", "n_save", "rate_cap"):
            raise TypeError(f"solve_network() got an unexpected keyword argument {key!r}")
    if background is None:
        background = Background.standard_model()
    m_ref = jnp.asarray(model.dm_mass, dtype=jnp.float64)
    n = int(np.shape(model.masses)[0])
    if x_end is None:
        x_end = 1000.0 + m_ref / 1e-5
    R_start = None
    if x_start is None and Y_start is None:
        t0, R_start = _auto_start(model, background)
    else:
        t0 = jnp.log(jnp.asarray(1.0 if x_start is None else x_start, dtype=jnp.float64))
        if Y_start is None:
            R_start = equilibrium_rate(model, background, t0)
    t1 = jnp.log(jnp.asarray(x_end, dtype=jnp.float64))
    if seed is None:
        seed = Y_start is not None and not isinstance(Y_start, jax.core.Tracer) and bool(np.any(np.asarray(Y_start) == 0.0))
    if Y_start is not None and not isinstance(Y_start, jax.core.Tracer):
        ys_np = np.asarray(Y_start, dtype=np.float64)
        if np.any(ys_np < 0) or np.any(np.isinf(ys_np)):
            raise ValueError(f"Y_start={Y_start!r}: initial yields must be >= 0 (or NaN for equilibrium)")
        if ys_np.size not in (1, n):
            raise ValueError(f"Y_start must have {n} entries (one per species), got {ys_np.size}")
    if seed and Y_start is not None:
        t_seed = t0 + SEED_STEPS * (make_grid(t0, t1, tuple(n_steps))[1] - t0)
    else:
        t_seed = t0
    ts = make_grid(t_seed, t1, tuple(n_steps))

    fr0 = _frame(model, background, m_ref, t_seed)
    if Y_start is None:
        ln_Y0 = fr0.ln_yeq
    else:
        Ys = jnp.broadcast_to(jnp.asarray(Y_start, dtype=jnp.float64), (n,))
        eq = jnp.isnan(Ys)
        Yg = jnp.where(eq, 0.0, Ys)
        if seed:
            ln_given = _seeded_start(model, background, m_ref, t0, t_seed, Yg, bool(inverse))
        else:
            ln_given = jnp.logaddexp(_safe_log(Yg), fr0.ln_yeq + jnp.log(Y_ZERO_START))
        ln_Y0 = jnp.where(eq, fr0.ln_yeq, ln_given)
    y0 = _pack(ln_Y0, fr0.ln_yeq)

    frame_fn = lambda t: _frame(model, background, m_ref, t)  # noqa: E731
    sol = solve_ode_grid(_vf(bool(inverse)), frame_fn, y0, ts, error_weight=_error_weight, predictor=_predictor)

    x = jnp.exp(ts)
    frames = jax.vmap(lambda t: _frame(model, background, m_ref, t).ln_yeq)(ts)
    ln_Y = jax.vmap(lambda y, ly: _unpack(y, ly)[0])(sol.ys, frames)
    Y = jnp.exp(ln_Y)
    Y_eq = jnp.exp(frames)
    ln_Y_tot = logsumexp(ln_Y, axis=1)
    Y_end = jnp.exp(ln_Y_tot[-1])
    if tail:
        Y_today = 1.0 / (1.0 / Y_end + _tail_correction(model, background, m_ref, t1, ln_Y[-1]))
    else:
        Y_today = Y_end
    omega = c.OMEGA_H2_PER_MY * model.dm_mass * Y_today
    x_f = _freeze_out(x, ln_Y_tot, logsumexp(frames, axis=1))
    err = sol.max_error  # max over steps of Σ_i (Y_i/Y_tot)|k₆,i|
    status = st.combine(model.domain_status(), jnp.where(err > ERROR_FLAG, st.NOT_CONVERGED, sol.status))
    if R_start is not None:
        status = jnp.where((status == st.SUCCESS) & (R_start < R_EQ_FLAG), st.LATE_START, status)
    status = st.flag_nonfinite(status, omega)
    return RelicResult(
        omega_h2=omega,
        Y_today=Y_today,
        x_f=x_f,
        status=status,
        x=x,
        Y=Y,
        Y_eq=Y_eq,
        num_steps=jnp.asarray(ts.shape[0] - 1),
        error_estimate=err,
    )
