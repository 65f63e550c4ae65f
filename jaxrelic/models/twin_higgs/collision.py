r"""Reduced collision operators C̃(p, T) of the twin-neutrino momentum equation.

Reduced collision operators (relaxation rates of f_ν̂(p), Eq. (31) of
arXiv:1805.12139) of the processes that change the number of ν̂ at fixed
momentum, as 1-D integrals (``docs/physics/twin_model.md`` §5.4-5.6; the
implemented integrals, substitutions and checks are documented in
``docs/physics/twin_collision_operators.md``):

* **S** (coscattering ν̂γ̂ → τ̂γ̂, §5.4, Form I):

      C̃_S(p,T) = g_γ/(32π² E_p p) ∫ dE_k f_γ(E_k) [G_S(s₊(E_k)) − G_S(s₋(E_k))],
      s_± = m_ν² + m_γ² + 2(E_p E_k ± p k),
      G_S(s) = ∫_{s_th}^{s} 2λ^{1/2}(s′,m_ν²,m_γ²) σ_S(s′) ds′;

* **ID** (inverse decay ν̂γ̂ → τ̂, open for r < Δ, §5.5, closed form):

      C̃_ID(p,T) = m_τ² Γ_D/(2 E_p p p*) ∫_{E₋}^{E₊} f_γ(E) dE;

* **C_A** (ν̂τ̂̄ → γ̂γ̂, §5.6): Form I with the bath particle τ̂̄ (g_τ = 2) and
  G_CA(s) = ∫_{(m_ν+m_τ)²}^{s} 2λ^{1/2}(s′,m_ν²,m_τ²) σ_CA(s′) ds′.

The cumulative integrals G depend only on the model point and are tabulated
once (:class:`CumulativeTable`) as a :class:`~jaxrelic.numerics.interpolate.CubicSpline`
of ln G against y = ln((s − s₀)/m_ν²); the spline's linear extension in y
reproduces the threshold power law G ∝ (s − s₀)^{β+1} below the first knot and
a power law above the last.  Differences G(s₊) − G(s₋) are taken as
G(s₊)·(1 − e^{ln G(s₋) − ln G(s₊)}) (``expm1``), accurate for any p > 0.

The E_k-integral is split at the non-analytic points of its integrand
(§5.4: E_k = m_γ, where k ∝ √(E_k − m_γ); E₋(s_th) and E₊(s_th), where
s₊ or s₋ crosses the threshold and G ∝ (E_k − E)^{3/2}); every panel is
mapped by E = E₀ + T w² (finite panels shorter than 8T with w = w₁ v(2 − v),
which also regularises their right end), which makes every panel integrand
smooth and resolves the Boltzmann factor, then Gauss–Legendre.  Momenta below
``P_SMALL`` m_ν are clamped to it (C̃ is even in p); the exact p → 0 limits of
§5.4-5.6 are available separately (``c_tilde_*_p0``).

Statistics: Maxwell–Boltzmann bath distributions by default (twin_model.md §1);
``statistics="BE"`` (photon bath) or ``"FD"`` (τ̂̄ bath) replaces the bath
occupation only (no Bose enhancement / Pauli blocking of final states, so the
structure (f^eq − f) C̃ of Eq. (31) is then an approximation).

All functions are pure ``jax.numpy``, broadcast over p and T, and are safe under
``jit``, ``vmap`` and ``grad`` (w.r.t. p, T and the model parameters).  Units:
p, E, T in GeV, s in GeV², C̃ in GeV.  C̃ underflows to 0 only for
E_lo/T ≳ 700 (x ≳ 10³ for the paper's points).
"""

from __future__ import annotations

import math

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
from jax import Array

from ...numerics.interpolate import CubicSpline
from ...numerics.quadrature import gauss_legendre
from .grid import TwinGrid
from .model import TwinHiggs
from .processes import sigma_CA, sigma_S
from .thermal import G_GAMMA, G_TAU
from .widths import width_D

__all__ = [
    "CumulativeTable",
    "cumulative_table_S",
    "cumulative_table_CA",
    "c_tilde_S",
    "c_tilde_S_p0",
    "c_tilde_ID",
    "c_tilde_ID_p0",
    "c_tilde_CA",
    "c_tilde_CA_p0",
    "CollisionOperators",
    "collision_operators",
    "TwinTables",
    "twin_tables",
    "coupling_weights",
    "operators_from_tables",
]

# ----------------------------------------------------------------------------
# Numerical settings (documented in docs/physics/twin_collision_operators.md)
# ----------------------------------------------------------------------------
#: ln((s − s₀)/m_ν²) range of the tabulated cumulative integrals.
Y_MIN = math.log(1e-10)
Y_MAX = math.log(1e4)
#: Spline knots of ln G (uniform in y) and Gauss–Legendre nodes per knot interval.
N_KNOTS = 600
N_GL_TABLE = 8
#: The bath-energy integral stops at E₀ + W2_MAX T (e^{−45} ≈ 3e-20 relative).
W2_MAX = 45.0
#: Finite panels shorter than W2_SHORT T get a map that also regularises their right end.
W2_SHORT = 8.0
#: Gauss–Legendre nodes of each finite panel and of the e^{−w²} tail.
N_PANEL = 20
N_TAIL = 32
#: Settings used by the relic solvers (jaxrelic.models.twin_higgs.solver), checked
#: against the defaults above on the (600 × 128) twin grid (docs/performance.md):
#: C̃_S panel/tail nodes (≤ 2e-5 relative), C̃_CA tail nodes (≤ 2e-7) and the
#: ln a row stride of :func:`collision_operators` (≤ 5e-4; Ω moves by ≲ 1e-6).
N_PANEL_FAST = 14
N_TAIL_FAST = 24
N_TAIL_CA_FAST = 16
ROW_STRIDE_FAST = 4
#: Momenta below P_SMALL m_ν are evaluated at P_SMALL m_ν: C̃ is even and smooth in p,
#: so this is the p → 0 limit to O(P_SMALL² m_ν/T) ≲ 1e-9 (checked against the
#: direct limits :func:`c_tilde_S_p0`, :func:`c_tilde_CA_p0` to ≲ 3e-8).
P_SMALL = 1e-6

_STATISTICS = ("MB", "BE", "FD")


def _occupation_ratio(E, E_ref, T, statistics: str):
    """f(E) e^{E_ref/T}: e^{−(E−E_ref)/T} times the quantum-statistics factor."""
    boltz = jnp.exp(-(E - E_ref) / T)
    if statistics == "MB":
        return boltz
    if statistics == "BE":
        return boltz / (-jnp.expm1(-E / T))
    if statistics == "FD":
        return boltz / (1.0 + jnp.exp(-E / T))
    raise ValueError(f"statistics must be one of {_STATISTICS}, got {statistics!r}")


def _check_statistics(statistics: str, allowed) -> None:
    if statistics not in allowed:
        raise ValueError(f"statistics must be one of {allowed}, got {statistics!r}")


# ----------------------------------------------------------------------------
# Tabulated cumulative integrals G(s)
# ----------------------------------------------------------------------------
class CumulativeTable(eqx.Module):
    r"""G(s) = ∫_{s₀}^{s} F(s′) ds′ of a flux-weighted cross section F = 2λ^{1/2} σ.

    Stored as a natural cubic spline of ln G against y = ln((s − s₀)/s_unit)
    on uniform knots in [Y_MIN, Y_MAX] (§5.4, §8: "tabulate G once").  Below
    the first knot the spline's linear extension gives G ∝ (s − s₀)^{β+1}
    (the threshold power law), above the last a power law.

    Attributes
    ----------
    s0 : Array
        Threshold s₀ in GeV² (G = 0 for s ≤ s₀).
    s_unit : Array
        Unit of s − s₀ in the spline variable, GeV² (m_ν²).
    spline : CubicSpline
        ln G against y (G is dimensionless: F = 2λ^{1/2}σ is GeV² × GeV⁻²).
    """

    s0: Array
    s_unit: Array
    spline: CubicSpline

    def log_value(self, d) -> Array:
        """ln G(s₀ + d) for d = s − s₀ > 0 [GeV²] (d ≤ 0, where G = 0, gets a finite stand-in, masked by callers)."""
        d = jnp.asarray(d, dtype=jnp.float64)
        d_safe = jnp.where(d > 0.0, d, self.s_unit)
        return self.spline(jnp.log(d_safe / self.s_unit))

    def __call__(self, s) -> Array:
        """Dimensionless G(s), s in GeV²; exactly 0 for s ≤ s₀ (below threshold)."""
        d = jnp.asarray(s, dtype=jnp.float64) - self.s0
        return jnp.where(d > 0.0, jnp.exp(self.log_value(d)), 0.0)

    def difference(self, d_lo, d_hi) -> Array:
        """G(s₀ + d_hi) − G(s₀ + d_lo) ≥ 0 without cancellation (§5.4 Form I bracket); d in GeV², G = 0 for d ≤ 0.

        Computed as G_hi (1 − e^{ln G_lo − ln G_hi}) (``expm1``), so its relative error is that of the spline
        slope for any d_hi − d_lo > 0.
        """
        l_hi = self.log_value(d_hi)
        l_lo = self.log_value(d_lo)
        g_hi = jnp.exp(l_hi)
        both = g_hi * (-jnp.expm1(jnp.minimum(l_lo - l_hi, 0.0)))
        return jnp.where(d_lo > 0.0, both, jnp.where(d_hi > 0.0, g_hi, 0.0))


def _build_table(F, s0, s_unit, head_power, n_knots: int) -> CumulativeTable:
    """Tabulate G(s) = ∫_{s0}^{s} F by Gauss–Legendre in y on every knot interval.

    The head ∫_{s0}^{s0 + d_0} F with d_0 = s_unit e^{Y_MIN} uses F ∝ d^β:
    F(d_0) d_0/(β+1) (relative error O(d_0/s_unit) ~ 1e-10).
    """
    y = jnp.linspace(Y_MIN, Y_MAX, n_knots)
    xg, wg = gauss_legendre(N_GL_TABLE)
    h = (Y_MAX - Y_MIN) / (n_knots - 1)
    yq = y[:-1, None] + 0.5 * h * (1.0 + jnp.asarray(xg))[None, :]
    dq = s_unit * jnp.exp(yq)
    panel = 0.5 * h * jnp.sum(jnp.asarray(wg) * F(s0 + dq) * dq, axis=-1)
    d0 = s_unit * math.exp(Y_MIN)
    head = F(s0 + d0) * d0 / (head_power + 1.0)
    G = head + jnp.concatenate([jnp.zeros(1), jnp.cumsum(panel)])
    return CumulativeTable(s0=s0, s_unit=s_unit, spline=CubicSpline(y, jnp.log(G), uniform=True))


def _safe_sqrt(x):
    """√x for x > 0, 0 otherwise, with a finite (zero) gradient at and below 0."""
    pos = x > 0.0
    return jnp.where(pos, jnp.sqrt(jnp.where(pos, x, 1.0)), 0.0)


def _sqrt_kallen(s, m1, m2):
    """λ^{1/2}(s, m1², m2²) in factorised form, GeV² (0 at and below threshold)."""
    return _safe_sqrt((s - (m1 + m2) ** 2) * (s - (m1 - m2) ** 2))


def cumulative_table_S(model: TwinHiggs, *, n_knots: int = N_KNOTS, couplings=None) -> CumulativeTable:
    """Table of G_S(s) = ∫_{s_th}^{s} 2λ^{1/2}(s′, m_ν², m_γ²) σ_S(s′) ds′ (§5.4), dimensionless.

    s₀ = s_th = (m_τ + m_γ)², σ_S averaged over 6 initial states; G_S ∝ (s − s_th)^{3/2} at threshold.
    ``n_knots`` uniform in y = ln((s − s_th)/m_ν²) ∈ [ln 1e-10, ln 1e4]; ``couplings`` as in
    :func:`~.processes.sigma_S`.
    """
    m_nu, m_g = model.m_nu, model.m_gamma

    def F(s):
        return 2.0 * _sqrt_kallen(s, m_nu, m_g) * sigma_S(model, s, couplings=couplings)

    s_th = (model.m_tau + m_g) ** 2
    return _build_table(F, s_th, m_nu**2, 0.5, n_knots)


def cumulative_table_CA(model: TwinHiggs, *, n_knots: int = N_KNOTS, couplings=None) -> CumulativeTable:
    """Table of G_CA(s) = ∫_{s₀}^{s} 2λ^{1/2}(s′, m_ν², m_τ²) σ_CA(s′) ds′ (§5.6), dimensionless.

    s₀ = max((m_ν + m_τ)², 4m_γ²); G_CA ∝ (s − s₀) at threshold (s-wave), ∝ (s − s₀)^{3/2} if 4m_γ² is the
    higher threshold. ``n_knots``, ``couplings`` as in :func:`cumulative_table_S`.
    """
    m_nu, m_tau, m_g = model.m_nu, model.m_tau, model.m_gamma

    def F(s):
        return 2.0 * _sqrt_kallen(s, m_nu, m_tau) * sigma_CA(model, s, couplings=couplings)

    s_pair = (m_nu + m_tau) ** 2
    s0 = jnp.maximum(s_pair, 4.0 * m_g**2)
    head_power = jnp.where(4.0 * m_g**2 > s_pair, 0.5, 0.0)
    return _build_table(F, s0, m_nu**2, head_power, n_knots)


# ----------------------------------------------------------------------------
# Quadrature panels in the bath energy
# ----------------------------------------------------------------------------
def _tail_rule(n: int):
    """Nodes w² and weights 2w w_i for ∫_0^{√W2_MAX} (…) d(w²) (Gauss–Legendre in w)."""
    x, wt = gauss_legendre(n)
    half = 0.5 * math.sqrt(W2_MAX)
    w = half * (jnp.asarray(x) + 1.0)
    return w * w, 2.0 * w * half * jnp.asarray(wt)


def _finite_panel(E0, length, T, n: int):
    """Nodes/weights of ∫_{E0}^{E0+length} dE for an integrand ∝ √(E−E0) or (E−E0)^{3/2}
    at the left end and possibly ∝ (E0+length−E)^{3/2} at the right end; shape (..., n).

    E = E0 + T w², w ∈ [0, w₁], w₁² = min(length, W2_MAX T)/T (regularises the left
    end and resolves e^{−(E−E0)/T}).  For a short panel (length < W2_SHORT T) the
    right end still matters and w = w₁ v(2 − v) (v ∈ [0, 1], Gauss–Legendre) makes
    it smooth too (E₁ − E ∝ (1 − v)²); otherwise w = w₁ v (the right end is then
    suppressed by e^{−W2_SHORT} or cut off).
    """
    x, wv = gauss_legendre(n)
    v = 0.5 * (jnp.asarray(x) + 1.0)
    wv = 0.5 * jnp.asarray(wv)
    cut = W2_MAX * T
    truncated = (length > W2_SHORT * T)[..., None]
    w1 = _safe_sqrt(jnp.minimum(length, cut) / T)[..., None]
    w = jnp.where(truncated, w1 * v, w1 * v * (2.0 - v))
    dw = jnp.where(truncated, w1, w1 * 2.0 * (1.0 - v))
    Tb = T[..., None]
    return E0[..., None] + Tb * w * w, 2.0 * Tb * w * dw * wv


def _tail_panel(E0, T, n: int):
    """Nodes/weights of ∫_{E0}^{E0 + W2_MAX T} dE with E = E0 + T w²; shape (..., n)."""
    w2, wt = _tail_rule(n)
    return E0[..., None] + T[..., None] * w2, T[..., None] * wt


def _broadcast(p, T):
    p = jnp.asarray(p, dtype=jnp.float64)
    T = jnp.asarray(T, dtype=jnp.float64)
    return jnp.broadcast_arrays(p, T)


# ----------------------------------------------------------------------------
# S: coscattering nu gamma -> tau gamma
# ----------------------------------------------------------------------------
def c_tilde_S_p0(model: TwinHiggs, T, *, statistics: str = "MB", n_tail: int = N_TAIL) -> Array:
    """p → 0 limit of C̃_S [GeV] (§5.4), shape of ``T`` [GeV].

    C̃_S(0,T) = g_γ/(8π² m_ν) ∫_{E₀}^∞ dE k f_γ(E) F_S(m_ν² + m_γ² + 2m_ν E), E₀ = (s_th − m_ν² − m_γ²)/(2m_ν),
    F_S = 2λ^{1/2}σ_S evaluated directly (no table); E = E₀ + T w² (F_S ∝ √(E − E₀)), ``n_tail`` Gauss–Legendre
    nodes in w; ``statistics`` "MB" or "BE" for the bath photons.
    """
    _check_statistics(statistics, ("MB", "BE"))
    T = jnp.asarray(T, dtype=jnp.float64)
    m, M = model.m_nu, model.m_gamma
    E0 = ((model.m_tau + M) ** 2 - m**2 - M**2) / (2.0 * m)
    return _c_tilde_p0(model, T, M, E0, sigma_S, G_GAMMA, statistics, n_tail)


def _c_tilde_p0(model, T, m_b, E0, sigma, g_b, statistics, n_tail):
    """g_b/(8π² m_ν) ∫_{E₀}^∞ dE k f_b(E) 2λ^{1/2}σ(s), s = m_ν² + m_b² + 2 m_ν E (E = E₀ + T w²)."""
    m = model.m_nu
    E0 = E0 * jnp.ones_like(T)
    E, wE = _tail_panel(E0, T, n_tail)
    s = m**2 + m_b**2 + 2.0 * m * E
    k = jnp.sqrt((E - m_b) * (E + m_b))
    F = 2.0 * _sqrt_kallen(s, m, m_b) * sigma(model, s)
    occ = _occupation_ratio(E, E0[..., None], T[..., None], statistics)
    integral = jnp.sum(wE * k * F * occ, axis=-1)
    return g_b / (8.0 * jnp.pi**2 * m) * jnp.exp(-E0 / T) * integral


def c_tilde_S(
    model: TwinHiggs,
    p,
    T,
    *,
    table: CumulativeTable | None = None,
    statistics: str = "MB",
    n_panel: int = N_PANEL,
    n_tail: int = N_TAIL,
) -> Array:
    """Reduced collision operator of coscattering C̃_S(p, T) [GeV] (§5.3–5.4); p, T in GeV, broadcast.

    C̃_S = g_γ/(32π² E_p p) ∫ dE_k f_γ(E_k) [G_S(s₊) − G_S(s₋)] (Form I, §5.4), the E_k-integral split into
    [m_γ, E₋(s_th)] (only if s(E_k = m_γ) > s_th), [E₋(s_th), E₊(s_th)] and [E₊(s_th), ∞) with the substitutions
    of the module docstring. Relaxation rate of f_ν in Eq. (31): C[f]/E_p = (f^eq − f) C̃. Result ∝ θ₁², > 0,
    ∝ e^{−E_lo(p)/T}.

    ``table``: :func:`cumulative_table_S` of ``model`` (built if omitted; pass it for repeated calls);
    ``statistics`` "MB" (default, §1) or "BE"; ``n_panel``, ``n_tail``: Gauss–Legendre nodes per finite panel
    and in the tail (static).
    """
    _check_statistics(statistics, ("MB", "BE"))
    table = cumulative_table_S(model) if table is None else table
    p, T = _broadcast(p, T)
    m, M = model.m_nu, model.m_gamma
    m2 = m * m
    s_th = (model.m_tau + M) ** 2
    p_ = jnp.maximum(p, P_SMALL * m)  # C̃ is even and smooth in p: O(P_SMALL²) error
    Ep = jnp.sqrt(p_ * p_ + m2)
    c_th = s_th - m2 - M**2  # > 0
    sqrt_lam_th = _sqrt_kallen(s_th, m, M)
    E_lo_th = (c_th * Ep - p_ * sqrt_lam_th) / (2.0 * m2)  # E₋(s_th) ≥ m_γ
    E_hi_th = (c_th * Ep + p_ * sqrt_lam_th) / (2.0 * m2)  # E₊(s_th)
    star_above = 2.0 * Ep * M > c_th  # s(E_k = m_γ) > s_th: E_lo = m_γ
    E_ref = jnp.where(star_above, M, E_lo_th)
    len_a = jnp.where(star_above, E_lo_th - M, 0.0)
    len_b = E_hi_th - E_lo_th
    Ea, wa = _finite_panel(E_ref, len_a, T, n_panel)
    Eb, wb = _finite_panel(E_lo_th, len_b, T, n_panel)
    Ec, wc = _tail_panel(E_hi_th, T, n_tail)
    E = jnp.concatenate([Ea, Eb, Ec], axis=-1)
    wE = jnp.concatenate([wa, wb, wc], axis=-1)

    k = _safe_sqrt((E - M) * (E + M))
    base = 2.0 * Ep[..., None] * E - c_th  # s̄ − s_th = (s₊ + s₋)/2 − s_th
    pk2 = 2.0 * p_[..., None] * k
    dG = table.difference(base - pk2, base + pk2)
    occ = _occupation_ratio(E, E_ref[..., None], T[..., None], statistics)
    integral = jnp.sum(wE * dG * occ, axis=-1)
    return G_GAMMA / (32.0 * jnp.pi**2 * Ep * p_) * jnp.exp(-E_ref / T) * integral


# ----------------------------------------------------------------------------
# ID: inverse decay nu gamma -> tau (r < Delta)
# ----------------------------------------------------------------------------
def _one_minus_exp_over(x):
    """(1 − e^{−x})/x for x ≥ 0, stable at x → 0."""
    small = x < 1e-8
    x_ = jnp.where(small, 1.0, x)
    return jnp.where(small, 1.0 - 0.5 * x, -jnp.expm1(-x_) / x_)


def c_tilde_ID(model: TwinHiggs, p, T, *, statistics: str = "MB") -> Array:
    """Reduced collision operator of inverse decay ν̂γ̂ → τ̂, C̃_ID(p, T) [GeV] (§5.5); p ≥ 0, T in GeV.

    C̃_ID = m_τ² Γ_D/(2E_p p p*) ∫_{E₋}^{E₊} f_γ(E) dE, E_± = [(m_τ² − m_ν² − m_γ²)E_p ± 2m_τ p* p]/(2m_ν²), in
    closed form — MB: (m_τ³ Γ_D/(m_ν² E_p)) e^{−E₋/T}(1 − e^{−ΔE/T})/(ΔE/T), ΔE = E₊ − E₋;
    BE: m_τ² Γ_D T ln[(1 − e^{−E₊/T})/(1 − e^{−E₋/T})]/(2E_p p p*). p = 0 gives the exact limit
    (m_τ/m_ν)³ Γ_D e^{−E₀/T}; exactly 0 for r ≥ Δ (Γ_D = 0).
    """
    _check_statistics(statistics, ("MB", "BE"))
    p, T = _broadcast(p, T)
    m, M, mt = model.m_nu, model.m_gamma, model.m_tau
    m2 = m * m
    gamma_d = width_D(model)
    # 2 m_τ p* = λ^{1/2}(m_τ², m_ν², m_γ²) (0 when closed; then Γ_D = 0)
    two_mt_pstar = _sqrt_kallen(mt**2, m, M)
    Ep = jnp.sqrt(p * p + m2)
    c0 = mt**2 - m2 - M**2
    E_lo = (c0 * Ep - two_mt_pstar * p) / (2.0 * m2)
    dE = two_mt_pstar * p / m2
    x = dE / T
    if statistics == "MB":
        # ∫ f dE/(2 E_p p p*) = T e^{−E₋/T} x φ(x)/(2 E_p p p*) = e^{−E₋/T} φ(x) m_τ/(m_ν² E_p)
        return mt**3 * gamma_d / (m2 * Ep) * jnp.exp(-E_lo / T) * _one_minus_exp_over(x)
    # BE: T ln[(1 − e^{−E₊/T})/(1 − e^{−E₋/T})] = T log1p(u),
    # u = e^{−E₋/T}(1 − e^{−x})/(1 − e^{−E₋/T})
    b = jnp.exp(-E_lo / T)
    u_over_x = b * _one_minus_exp_over(x) / (-jnp.expm1(-E_lo / T))
    u = u_over_x * x
    u_ = jnp.where(u > 0.0, u, 1.0)
    log1p_over = jnp.where(u > 1e-12, jnp.log1p(u_) / u_, 1.0 - 0.5 * u)
    return mt**3 * gamma_d / (m2 * Ep) * u_over_x * log1p_over


def c_tilde_ID_p0(model: TwinHiggs, T) -> Array:
    """p → 0 limit of C̃_ID (MB, §5.5): (m_τ/m_ν)³ Γ_D e^{−E₀/T} [GeV], E₀ = (m_τ² − m_ν² − m_γ²)/(2m_ν)."""
    T = jnp.asarray(T, dtype=jnp.float64)
    m, M, mt = model.m_nu, model.m_gamma, model.m_tau
    E0 = (mt**2 - m**2 - M**2) / (2.0 * m)
    return (mt / m) ** 3 * width_D(model) * jnp.exp(-E0 / T)


# ----------------------------------------------------------------------------
# C_A: nu taubar -> gamma gamma
# ----------------------------------------------------------------------------
def c_tilde_CA_p0(
    model: TwinHiggs, T, *, statistics: str = "MB", n_tail: int = N_TAIL
) -> Array:
    """p → 0 limit of C̃_CA [GeV] (§5.6); T in GeV, ``statistics`` "MB" or "FD" for the bath τ̂̄.

    C̃_CA(0,T) = g_τ/(8π² m_ν) ∫_{m_τ}^∞ dE k f_τ(E) F_CA(m_ν² + m_τ² + 2m_ν E), F_CA = 2λ^{1/2}(s, m_ν², m_τ²)σ_CA
    evaluated directly; E = m_τ + T w² with ``n_tail`` Gauss–Legendre nodes in w.
    """
    _check_statistics(statistics, ("MB", "FD"))
    T = jnp.asarray(T, dtype=jnp.float64)
    return _c_tilde_p0(model, T, model.m_tau, model.m_tau, sigma_CA, G_TAU, statistics, n_tail)


def c_tilde_CA(
    model: TwinHiggs,
    p,
    T,
    *,
    table: CumulativeTable | None = None,
    statistics: str = "MB",
    n_tail: int = N_TAIL,
) -> Array:
    """Reduced collision operator of C_A for ν̂, C̃_CA(p, T) [GeV] (§5.6, Eq. (36)); p ≥ 0, T in GeV.

    C̃_CA = g_τ/(32π² E_p p) ∫_{m_τ}^∞ dE_k f_τ(E_k) [G_CA(s₊) − G_CA(s₋)], s_± = m_ν² + m_τ² + 2(E_pE_k ± pk),
    E_k = m_τ + T w²; s₋ − (m_ν + m_τ)² = 2(E_p k − p E_k)²/(E_pE_k − pk + m_ν m_τ) ≥ 0 without cancellation.
    Enters the general linear form of §5.7 as −C̃_CA (R f − f^eq). ∝ θ₁², nearly p-independent.
    ``table``: :func:`cumulative_table_CA` (built if omitted); ``statistics`` "MB" or "FD" (bath τ̂̄).
    """
    _check_statistics(statistics, ("MB", "FD"))
    table = cumulative_table_CA(model) if table is None else table
    p, T = _broadcast(p, T)
    m, mt = model.m_nu, model.m_tau
    p_ = jnp.maximum(p, P_SMALL * m)  # C̃ is even and smooth in p: O(P_SMALL²) error
    Ep = jnp.sqrt(p_ * p_ + m * m)
    E0 = mt * jnp.ones_like(T)
    E, wE = _tail_panel(E0, T, n_tail)
    k = _safe_sqrt((E - mt) * (E + mt))
    Ep_, p_b = Ep[..., None], p_[..., None]
    d_pair = 2.0 * (Ep_ * k - p_b * E) ** 2 / (Ep_ * E - p_b * k + m * mt)
    shift = (m + mt) ** 2 - table.s0  # 0 unless 4 m_γ² is the higher threshold
    d_lo = d_pair + shift
    d_hi = d_lo + 4.0 * p_b * k
    dG = table.difference(d_lo, d_hi)
    occ = _occupation_ratio(E, E0[..., None], T[..., None], statistics)
    integral = jnp.sum(wE * dG * occ, axis=-1)
    return G_TAU / (32.0 * jnp.pi**2 * Ep * p_) * jnp.exp(-E0 / T) * integral


# ----------------------------------------------------------------------------
# All operators on the (ln a, q) grid
# ----------------------------------------------------------------------------
class CollisionOperators(eqx.Module):
    """C̃_S, C̃_ID, C̃_CA [GeV] on a :class:`~.grid.TwinGrid`, each (n_a, n_q), at p = q/a(i_a), T(i_a) (§5.4–5.6).

    In the general linear form of §5.7: K = S + ID + R·CA, F = [(S + ID) R + CA] f^eq/K. ``ID`` is identically 0
    for r ≥ Δ.
    """

    S: Array
    ID: Array
    CA: Array


def collision_operators(
    model: TwinHiggs,
    grid: TwinGrid,
    *,
    statistics_gamma: str = "MB",
    statistics_tau: str = "MB",
    n_knots: int = N_KNOTS,
    n_panel: int = N_PANEL,
    n_tail: int = N_TAIL,
    n_tail_ca: int | None = None,
    row_stride: int = 1,
    batch_size: int = 32,
) -> CollisionOperators:
    r"""Evaluate C̃_S, C̃_ID, C̃_CA on the whole (ln a, q) grid (§5.4-5.6, §8 step 6).

    The G_S and G_CA tables are built once; the (n_rows, n_q, n_E) evaluation is
    vectorised over q and E_k and mapped over ln a in chunks of ``batch_size``
    rows (``jax.lax.map``), which bounds the memory to
    batch_size × n_q × (2 n_panel + n_tail) doubles per intermediate.

    With ``row_stride = k > 1`` C̃_S and C̃_CA are evaluated only on every k-th
    ln a row (and the last) and interpolated to the others with a natural
    :class:`~jaxrelic.numerics.interpolate.CubicSpline` in ln a of the smooth
    remainders ln C̃_S + E₀/T and ln C̃_CA + m_τ/T (E₀ = (s_th − m_ν² − m_γ²)/(2 m_ν)
    the p → 0 threshold energy of S; removing the Boltzmann factor makes the
    remainder slowly varying, so the natural end conditions cost nothing).  At
    the default twin grid (600 × 128, x = 5…300) k = 4 reproduces the exact
    rows to ≲ 1e-4 relative in the interior and ≲ 5e-4 at the end rows, and
    moves Ω of Eqs. (35)/(38) by ≲ 1e-7 (docs/performance.md;
    tests/twin_higgs/test_fast_operators.py).  C̃_ID is closed
    form and always evaluated on every row.  The default k = 1 evaluates every
    node exactly.

    Parameters
    ----------
    model : TwinHiggs
        Parameter point.
    grid : TwinGrid
        Grid from :func:`~.grid.make_grid` (uses ``grid.q``, ``grid.a``, ``grid.T``).
    statistics_gamma : {"MB", "BE"}
        Bath-photon occupation for S and ID.
    statistics_tau : {"MB", "FD"}
        Bath τ̂̄ occupation for C_A.
    n_knots, n_panel, n_tail : int
        Table knots and quadrature nodes (static).
    n_tail_ca : int, optional
        Gauss–Legendre nodes of the C̃_CA bath-energy integral (static; default
        ``n_tail``).  Its integrand is smooth and threshold-free, so 16 nodes
        already agree with 32 to ≲ 2e-7.
    row_stride : int
        Evaluate C̃_S, C̃_CA on every ``row_stride``-th ln a row and interpolate
        (static, ≥ 1; see above).
    batch_size : int
        ln a rows per vectorised chunk (static).

    Returns
    -------
    CollisionOperators
        Arrays of shape (n_a, n_q) in GeV.
    """
    row_stride = int(row_stride)
    if row_stride < 1:
        raise ValueError(f"collision_operators: row_stride must be >= 1, got {row_stride}")
    n_tail_ca = n_tail if n_tail_ca is None else int(n_tail_ca)
    tab_s = cumulative_table_S(model, n_knots=n_knots)
    tab_ca = cumulative_table_CA(model, n_knots=n_knots)
    q = grid.q
    n_a = grid.n_a
    rows = _stride_rows(n_a, row_stride) if row_stride > 1 else None
    a_r, T_r = (grid.a, grid.T) if rows is None else (grid.a[rows], grid.T[rows])

    def row(args):
        a, T = args
        p = q / a
        return (
            c_tilde_S(model, p, T, table=tab_s, statistics=statistics_gamma,
                      n_panel=n_panel, n_tail=n_tail),
            c_tilde_CA(model, p, T, table=tab_ca, statistics=statistics_tau, n_tail=n_tail_ca),
        )

    S, CA = jax.lax.map(row, (a_r, T_r), batch_size=batch_size)
    ID = c_tilde_ID(model, grid.p(), grid.T[:, None], statistics=statistics_gamma)
    if rows is not None:
        m, M = model.m_nu, model.m_gamma
        E0 = ((model.m_tau + M) ** 2 - m * m - M * M) / (2.0 * m)
        S = _interpolate_rows(grid, rows, S, E0)
        CA = _interpolate_rows(grid, rows, CA, model.m_tau)
    return CollisionOperators(S=S, ID=ID, CA=CA)


def _interpolate_rows(grid: TwinGrid, rows, values, E0) -> Array:
    """C̃ on all ln a rows from the rows ``rows``: spline of ln C̃ + E₀/T in ln a.

    C̃ is floored at the smallest normal double before the logarithm, so that an
    underflow (only for E₀/T ≳ 700) cannot turn the whole spline into NaN.
    """
    inv_T = 1.0 / grid.T
    tiny = jnp.finfo(jnp.float64).tiny
    resid = jnp.log(jnp.maximum(values, tiny)) + E0 * inv_T[rows, None]
    spline = CubicSpline(grid.ln_a[rows], resid)
    return jnp.exp(spline(grid.ln_a) - E0 * inv_T[:, None])


# ----------------------------------------------------------------------------
# θ₁-independent tables (docs/physics/twin_solvers.md, "θ₁ dependence")
# ----------------------------------------------------------------------------
#: (g_L, g_R) of the pure vector and pure axial off-diagonal couplings (units of ê).
VECTOR_COUPLINGS = (1.0, 1.0)
AXIAL_COUPLINGS = (-1.0, 1.0)


def coupling_weights(model: TwinHiggs) -> tuple:
    r"""(g_V², g_A²) of the model's off-diagonal couplings, g_V = (g_L + g_R)/2, g_A = (g_R − g_L)/2.

    Every θ₁-dependent rate of S, C_A and D is the quadratic form
    (g_L² + g_R²) X_V + g_L g_R X_F = g_V² X[vector] + g_A² X[axial], with
    X[vector] = 2X_V + X_F (g_L = g_R = 1) and X[axial] = 2X_V − X_F (g_L = −g_R = −1)
    both physical, non-negative rates at fixed (m_ν, Δ, r); g_L = −½ sin 2θ₂,
    g_R = −½ sin 2θ₁, tan θ₂ = tan θ₁/(1 + Δ) (§2.3, §2.5).
    """
    g_V = 0.5 * (model.g_L + model.g_R)
    g_A = 0.5 * (model.g_R - model.g_L)
    return g_V * g_V, g_A * g_A


class TwinTables(eqx.Module):
    r"""θ₁-independent parts of C̃_S and C̃_CA on the evaluated ln a rows of a grid.

    C̃_X(p, T; θ₁) = g_V²(θ₁) C̃_X[vector](p, T) + g_A²(θ₁) C̃_X[axial](p, T) for X = S,
    C_A exactly (the collision integrals are linear in σ, σ quadratic in (g_L, g_R);
    :func:`coupling_weights`).  The four arrays depend on (m_ν, Δ, r, ê) and the grid only,
    so one :class:`TwinTables` serves every θ₁ (a θ₁ column of Fig. 4 of
    arXiv:1805.12139); :func:`operators_from_tables` applies the θ₁ prefactors.

    Attributes
    ----------
    S_vector, S_axial, CA_vector, CA_axial : Array, shape (n_rows, n_q)
        C̃ in GeV of the pure vector (g_L = g_R = 1) and pure axial (g_L = −g_R = −1)
        couplings on the rows ``rows(n_a)``.
    row_stride : int
        Static; rows evaluated (every ``row_stride``-th ln a node and the last).
    """

    S_vector: Array
    S_axial: Array
    CA_vector: Array
    CA_axial: Array
    row_stride: int = eqx.field(static=True)

    def rows(self, n_a: int):
        """Indices of the evaluated ln a rows (static NumPy array)."""
        return _stride_rows(n_a, self.row_stride)


def _stride_rows(n_a: int, row_stride: int):
    """Every ``row_stride``-th ln a row and the last (as :func:`collision_operators`)."""
    if row_stride == 1:
        return np.arange(n_a)
    return np.unique(np.r_[np.arange(0, n_a, row_stride), n_a - 1])


def twin_tables(
    model: TwinHiggs,
    grid: TwinGrid,
    *,
    statistics_gamma: str = "MB",
    statistics_tau: str = "MB",
    n_knots: int = N_KNOTS,
    n_panel: int = N_PANEL,
    n_tail: int = N_TAIL,
    n_tail_ca: int | None = None,
    row_stride: int = 1,
    batch_size: int = 32,
) -> TwinTables:
    """θ₁-independent collision tables of a (m_ν, Δ, r) point (§5.4, §5.6).

    C̃_S and C̃_CA of :func:`collision_operators` (same quadrature and static settings) for the pure vector and
    pure axial couplings on the rows of ``row_stride``; ``model.theta1`` is not used. Costs two operator
    evaluations; each further θ₁ then costs only :func:`operators_from_tables`.
    """
    row_stride = int(row_stride)
    if row_stride < 1:
        raise ValueError(f"twin_tables: row_stride must be >= 1, got {row_stride}")
    n_tail_ca = n_tail if n_tail_ca is None else int(n_tail_ca)
    tabs = [(cumulative_table_S(model, n_knots=n_knots, couplings=cp),
             cumulative_table_CA(model, n_knots=n_knots, couplings=cp))
            for cp in (VECTOR_COUPLINGS, AXIAL_COUPLINGS)]
    q = grid.q
    rows = _stride_rows(grid.n_a, row_stride)

    def row(args):
        a, T = args
        p = q / a
        res = []
        for tab_s, tab_ca in tabs:
            res.append(c_tilde_S(model, p, T, table=tab_s, statistics=statistics_gamma,
                                 n_panel=n_panel, n_tail=n_tail))
            res.append(c_tilde_CA(model, p, T, table=tab_ca, statistics=statistics_tau, n_tail=n_tail_ca))
        return tuple(res)

    S_v, CA_v, S_a, CA_a = jax.lax.map(row, (grid.a[rows], grid.T[rows]), batch_size=batch_size)
    return TwinTables(S_vector=S_v, S_axial=S_a, CA_vector=CA_v, CA_axial=CA_a, row_stride=row_stride)


def operators_from_tables(
    tables: TwinTables, model: TwinHiggs, grid: TwinGrid, *, statistics_gamma: str = "MB"
) -> CollisionOperators:
    """C̃_S, C̃_ID, C̃_CA [GeV], shape (n_a, n_q), of ``model`` (any θ₁) from its θ₁-independent ``tables``.

    C̃ = g_V² C̃[vector] + g_A² C̃[axial] on the tabulated rows (exact), then the row interpolation of
    :func:`collision_operators`; C̃_ID in closed form (§5.5, ``statistics_gamma``). Equal to
    :func:`collision_operators` up to the ln G spline interpolation: ≲ 1e-9 relative
    (tests/twin_higgs/test_theta_tables.py). ``tables`` must come from :func:`twin_tables` at the same
    (m_ν, Δ, r, ê) and ``grid``.
    """
    wv, wa = coupling_weights(model)
    S = wv * tables.S_vector + wa * tables.S_axial
    CA = wv * tables.CA_vector + wa * tables.CA_axial
    ID = c_tilde_ID(model, grid.p(), grid.T[:, None], statistics=statistics_gamma)
    if tables.row_stride > 1:
        rows = tables.rows(grid.n_a)
        m, M = model.m_nu, model.m_gamma
        E0 = ((model.m_tau + M) ** 2 - m * m - M * M) / (2.0 * m)
        S = _interpolate_rows(grid, rows, S, E0)
        CA = _interpolate_rows(grid, rows, CA, model.m_tau)
    return CollisionOperators(S=S, ID=ID, CA=CA)
