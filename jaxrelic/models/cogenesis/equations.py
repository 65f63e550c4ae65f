r"""Right-hand sides of the freeze-in cogenesis Boltzmann system (no integration driver).

Freeze-in cogenesis (arXiv:2505.22710).  State
(``docs/physics/cogenesis_model.md`` §8.2) Z = (Y_{B−L}, Y_X, u ≡ ξ⁴, Y_S) as a function of
x = T_RH/T, in radiation domination with SM g_* = g_*s = 106.75:

* energy transfer into the dark sector, du/dx (E6.3);
* linearised asymmetry equations, d(Y_{B−L}, Y_X)/dx = S(x) − 𝔸(x) Z
  (E8.2–E8.3): CP-violating sources, wash-out (diagonal) and wash-in
  (off-diagonal) terms;
* freeze-in bookkeeping of dark pairs, dY_S/dx (E9.1).

Corrections to the first write-up (cogenesis_model.md §0.1; ``docs/physics/cogenesis_derivation.md`` §5),
from counting every reversible reaction exactly once:

* the mixed-process weights are m₅ = 3 and m₆ = 4/3 (first write-up of
  E8.2–E8.3: 6 and 8/3; the CP image of a mixed reaction is the reverse of another listed
  one, so it must not be added again);
* k_L = κ_T T_RH · 3|C_LL|²/π⁵ and k_X = κ_T T_RH · |C_χχ|²/π⁵ (first write-up:
  9/4 and 3/4; the reactions HH → L̄L̄ and φ̄φ̄ → χ̄χ̄ were missing).

All functions are pure jnp functions of ``(model, x, state)``; ``model`` may
be a :class:`~jaxrelic.models.cogenesis.Cogenesis` or the precomputed
:class:`RateConstants` (cheaper inside an ODE solve).
"""

from __future__ import annotations

import math
from typing import NamedTuple, Union

import equinox as eqx
import jax.numpy as jnp
from jax import Array

from ...constants import M_PL
from .cp import cp_invariants, cp_odd_reaction_densities
from .model import Cogenesis
from .rates import eft_coefficients, thermal_rates

__all__ = [
    "G_STAR_SM",
    "MIXED_WEIGHT_DIM5",
    "MIXED_WEIGHT_DIM6",
    "CogenesisState",
    "RateConstants",
    "rate_constants",
    "xi_from_u",
    "hubble_rate",
    "entropy_density",
    "number_density_rhs",
    "asymmetry_source",
    "asymmetry_matrix",
    "asymmetry_rhs",
    "energy_transfer_rhs",
    "symmetric_yield_rhs",
    "rhs",
]

#: SM relativistic dof g_* = g_*s at T ≫ 100 GeV (full SM: 28 bosonic + 7/8·90 fermionic states).
G_STAR_SM = 106.75
#: H = _HUBBLE √g_* T²/M_Pl with _HUBBLE = √(4π³/45) ≈ 1.660 (radiation domination).
_HUBBLE = math.sqrt(4.0 * math.pi**3 / 45.0)
#: Mixed-process weight m₅ = Γ₅^mix/(2ξ³γ₅) in E8.2–E8.3 (corrected; first write-up: 6).
MIXED_WEIGHT_DIM5 = 3.0
#: Mixed-process weight m₆ = Γ₆^mix/(2ξ⁴γ₆) in E8.2–E8.3 (corrected; first write-up: 8/3).
MIXED_WEIGHT_DIM6 = 4.0 / 3.0

_PI = math.pi


class CogenesisState(NamedTuple):
    """State of the UV-epoch system (cogenesis_model.md §8.2), all dimensionless.

    Attributes
    ----------
    Y_BL : Y_{B−L} of the coupled flavour (= −Y_{L_SM}, portal part).
    Y_X : Y_X = (Δn_χ − Δn_φ)/s_E, the dark charge that becomes the χ asymmetry.
    u : ξ⁴, ξ = T'/T.
    Y_S : half the yield of dark particles created by pair freeze-in (E9.1).
    """

    Y_BL: Array
    Y_X: Array
    u: Array
    Y_S: Array


class RateConstants(eqx.Module):
    r"""Dimensionless constants of E8.2–E8.3, E6.3, E9.1 (cogenesis_model.md §8.2, §6.2).

    A rate γ = c T^k contributes κ_T c T_RH^{k−5} x^{4−k} to dY/dx, with
    κ_T = 45 M_Pl/(2π² g_*s · 1.66 g_*^{1/2}).

    Attributes
    ----------
    T_RH : reheating temperature [GeV].
    k5 : κ_T T_RH |C_Lχ|²/(16π⁵)  (γ₅ = |C_Lχ|²T⁶/16π⁵).
    k5_nlo : κ_T T_RH³ · 3 Re(C_Lχ* E_Lχ)/π⁵ (0 unless nlo_dim5).
    k6 : κ_T T_RH³ · 3|D_Lχ|²/(2π⁵).
    kL : κ_T T_RH · 3|C_LL|²/π⁵ (γ_{ΔL=2} summed over LH→L̄H̄, LL→H̄H̄, HH→L̄L̄; first write-up: 9/4).
    kX : κ_T T_RH · |C_χχ|²/π⁵ (γ_{ΔX=4} summed over χφ̄→χ̄φ, χχ→φφ, φ̄φ̄→χ̄χ̄; first write-up: 3/4).
    A_L : κ_T T_RH³ · 9 I₁/(4π⁶) = κ_T T_RH³ · 3ε_L/(2π⁵M₁⁴).
    A_X : 2 κ_T T_RH³ · (−3 I₂/(2π⁶)) = 2 κ_T T_RH³ · 3ε_χ/(2π⁵M₁⁴).
    K_E : 30 M_Pl/(π² g'_* · 1.66 g_*^{1/2}) [GeV].
    q5, q6, q5m, q6m : energy-transfer coefficients of E6.1 [GeV⁻², GeV⁻⁴, GeV⁻², GeV⁻⁴].
    G : 4π² g_*s/15 (μ/T = G Y/g per state).
    c_lH, c_b : chemical-potential coefficients (E7.1, E7.2).
    m5, m6 : mixed-process weights (3 and 4/3, or 0 without mixed processes).
    washout : keep wash-out/wash-in terms (static).
    """

    T_RH: Array
    k5: Array
    k5_nlo: Array
    k6: Array
    kL: Array
    kX: Array
    A_L: Array
    A_X: Array
    K_E: Array
    q5: Array
    q6: Array
    q5m: Array
    q6m: Array
    G: Array
    c_lH: Array
    c_b: Array
    m5: Array
    m6: Array
    washout: bool = eqx.field(static=True)


def rate_constants(model: Cogenesis) -> RateConstants:
    """Form the dimensionless constants of the Boltzmann system once (cogenesis_model.md §8.2, E6.3)."""
    c = eft_coefficients(model)
    i1, i2 = cp_invariants(model)
    h = _HUBBLE * math.sqrt(G_STAR_SM)
    kappa_T = 45.0 * M_PL / (2.0 * _PI**2 * G_STAR_SM * h)
    t = model.T_RH
    c5 = jnp.abs(c.C_Lchi) ** 2
    c6 = jnp.abs(c.D_Lchi) ** 2
    nlo = 2.0 * jnp.real(jnp.conj(c.C_Lchi) * c.E_Lchi) if model.nlo_dim5 else jnp.zeros(())
    mixed = 1.0 if model.mixed else 0.0
    return RateConstants(
        T_RH=t,
        k5=kappa_T * t * c5 / (16.0 * _PI**5),
        k5_nlo=kappa_T * t**3 * 1.5 * nlo / _PI**5,
        k6=kappa_T * t**3 * 1.5 * c6 / _PI**5,
        kL=kappa_T * t * 3.0 * jnp.abs(c.C_LL) ** 2 / _PI**5,
        kX=kappa_T * t * jnp.abs(c.C_chichi) ** 2 / _PI**5,
        A_L=kappa_T * t**3 * 2.25 * i1 / _PI**6,
        A_X=2.0 * kappa_T * t**3 * (-1.5) * i2 / _PI**6,
        K_E=30.0 * M_PL / (_PI**2 * model.g_dark * h),
        q5=0.75 * c5 / _PI**5,
        q6=24.0 * (c6 + nlo) / _PI**5,
        q5m=mixed * c5 / _PI**5,
        q6m=mixed * 20.0 * c6 / _PI**5,
        G=jnp.asarray(4.0 * _PI**2 * G_STAR_SM / 15.0, dtype=jnp.float64),
        c_lH=model.c_lH,
        c_b=model.c_b,
        m5=jnp.asarray(mixed * MIXED_WEIGHT_DIM5, dtype=jnp.float64),
        m6=jnp.asarray(mixed * MIXED_WEIGHT_DIM6, dtype=jnp.float64),
        washout=model.washout,
    )


def _constants(model: Union[Cogenesis, RateConstants]) -> RateConstants:
    return model if isinstance(model, RateConstants) else rate_constants(model)


def xi_from_u(u) -> Array:
    """ξ = u^{1/4} for u = ξ⁴ ≥ 0 (negative round-off clipped), with a finite (zero) derivative at u = 0."""
    u = jnp.asarray(u, dtype=jnp.float64)
    pos = u > 0.0
    return jnp.where(pos, jnp.where(pos, u, 1.0) ** 0.25, 0.0)


def hubble_rate(T) -> Array:
    """Hubble rate H = √(4π³ g_*/45) T²/M_Pl [GeV] of the SM radiation era (cogenesis_model.md §1)."""
    return _HUBBLE * math.sqrt(G_STAR_SM) * jnp.asarray(T) ** 2 / M_PL


def entropy_density(T) -> Array:
    """SM entropy density s_E = (2π²/45) g_*s T³ [GeV³] (cogenesis_model.md §1)."""
    return 2.0 * _PI**2 / 45.0 * G_STAR_SM * jnp.asarray(T) ** 3


def number_density_rhs(model: Cogenesis, T, xi, mu_a, mu_b) -> tuple[Array, Array]:
    """Collision terms (dn_L/dt, dn_X/dt) [GeV⁴], linearised in μ (cogenesis_model.md E8.1, corrected).

    dn_L/dt + 3Hn_L = −(1−ξ⁸) Δγ(a→ā)
        − [2γ₆ + 2γ₅ + 4γ_{ΔL=2} + Γ₅^mix + Γ₆^mix] μ_a/T + [2ξ⁸γ₆ + Γ₆^mix − 2ξ⁶γ₅ − Γ₅^mix] μ_b/T'
    dn_X/dt + 3Hn_X = 2(1−ξ⁸) Δγ(b→b̄)
        + [4γ₆ + 2Γ₆^mix − 4γ₅ − 2Γ₅^mix] μ_a/T − [4ξ⁸γ₆ + 2Γ₆^mix + 4ξ⁶γ₅ + 2Γ₅^mix + 8γ_{ΔX=4}(T')] μ_b/T'

    T [GeV], ξ = T'/T, ``mu_a`` = (μ_L + μ_H)/T per doublet component, ``mu_b`` = (μ_χ − μ_φ)/T'. γ₅ includes
    its O(s²) NLO part (dark-bath version ∝ ξ⁸). Every reversible reaction contributes once; the first write-up
    (cogenesis_model.md §0.1) has 2Γ^mix where Γ^mix appears here, and its γ_{ΔL=2}, γ_{ΔX=4} lack HH → L̄L̄
    and φ̄φ̄ → χ̄χ̄ (here 3|C_LL|²T⁶/π⁵ and ξ⁶|C_χχ|²T⁶/π⁵). CP-even rates from :func:`thermal_rates`.
    """
    r = thermal_rates(model, T, xi)
    dg_a, dg_b = cp_odd_reaction_densities(model, T)
    xi8 = xi**8
    g5 = r.gamma5 + r.gamma5_nlo
    g5d = r.gamma5_dark + r.gamma5_nlo_dark
    G5, G6 = r.Gamma5_mix, r.Gamma6_mix
    dnL = (
        -(1.0 - xi8) * dg_a
        - (2.0 * r.gamma6 + 2.0 * g5 + 4.0 * r.gamma_dL2 + G5 + G6) * mu_a
        + (2.0 * r.gamma6_dark + G6 - 2.0 * g5d - G5) * mu_b
    )
    dnX = (
        2.0 * (1.0 - xi8) * dg_b
        + (4.0 * r.gamma6 + 2.0 * G6 - 4.0 * g5 - 2.0 * G5) * mu_a
        - (4.0 * r.gamma6_dark + 2.0 * G6 + 4.0 * g5d + 2.0 * G5 + 8.0 * r.gamma_dX4) * mu_b
    )
    return dnL, dnX


def asymmetry_source(model, x, xi) -> Array:
    """CP-violating sources S(x) = (1−ξ⁸) (A_L, A_X) x⁻⁴ of E8.2–E8.3, shape (2,), dimensionless."""
    rc = _constants(model)
    x = jnp.asarray(x, dtype=jnp.float64)
    f = (1.0 - xi**8) / x**4
    return jnp.stack([rc.A_L * f, rc.A_X * f])


def asymmetry_matrix(model, x, xi) -> Array:
    """Wash-out/wash-in matrix 𝔸(x), (2, 2) dimensionless, d(Y_{B−L}, Y_X)/dx = S − 𝔸Z (cogenesis_model.md E8.2–E8.3).

    𝔸 = [[2Gc_ℓH P_L,  2Gc_b Q_L], [4Gc_ℓH P_X,  4Gc_b Q_X]] with
    P_L = (1+m₆ξ⁴)k₆x⁻⁴ + k₅ⁿx⁻⁴ + (1+m₅ξ³)k₅x⁻² + 2k_Lx⁻²,
    Q_L = (ξ⁵+m₆ξ)k₆x⁻⁴ − ξ⁵k₅ⁿx⁻⁴ − (ξ³+m₅)k₅x⁻²,
    P_X = (1+m₆ξ⁴)k₆x⁻⁴ − k₅ⁿx⁻⁴ − (1+m₅ξ³)k₅x⁻²,
    Q_X = (ξ⁵+m₆ξ)k₆x⁻⁴ + ξ⁵k₅ⁿx⁻⁴ + (ξ³+m₅)k₅x⁻² + 2ξ³k_Xx⁻²,
    m₅ = 3, m₆ = 4/3 (corrected), k₅ⁿ the NLO dim-5 constant; x = T_RH/T. Zero when ``washout`` is off
    (§8.5 item 6). ``model``: Cogenesis or RateConstants.
    """
    rc = _constants(model)
    x = jnp.asarray(x, dtype=jnp.float64)
    x2, x4 = x**-2, x**-4
    k5, k6, k5n, m5, m6 = rc.k5, rc.k6, rc.k5_nlo, rc.m5, rc.m6
    xi3, xi4, xi5 = xi**3, xi**4, xi**5
    p_l = (1.0 + m6 * xi4) * k6 * x4 + k5n * x4 + (1.0 + m5 * xi3) * k5 * x2 + 2.0 * rc.kL * x2
    q_l = (xi5 + m6 * xi) * k6 * x4 - xi5 * k5n * x4 - (xi3 + m5) * k5 * x2
    p_x = (1.0 + m6 * xi4) * k6 * x4 - k5n * x4 - (1.0 + m5 * xi3) * k5 * x2
    q_x = (xi5 + m6 * xi) * k6 * x4 + xi5 * k5n * x4 + (xi3 + m5) * k5 * x2 + 2.0 * xi3 * rc.kX * x2
    a = jnp.stack(
        [
            jnp.stack([2.0 * rc.G * rc.c_lH * p_l, 2.0 * rc.G * rc.c_b * q_l]),
            jnp.stack([4.0 * rc.G * rc.c_lH * p_x, 4.0 * rc.G * rc.c_b * q_x]),
        ]
    )
    return a if rc.washout else jnp.zeros_like(a)


def asymmetry_rhs(model, x, state: CogenesisState) -> tuple[Array, Array]:
    """(dY_{B−L}/dx, dY_X/dx): source, wash-out and wash-in (cogenesis_model.md E8.2–E8.3, corrected m₅, m₆).

    dY_{B−L}/dx = (1−ξ⁸) A_L x⁻⁴ − 2Gc_ℓH P_L Y_{B−L} − 2Gc_b Q_L Y_X
    dY_X/dx     = (1−ξ⁸) A_X x⁻⁴ − 4Gc_ℓH P_X Y_{B−L} − 4Gc_b Q_X Y_X

    (P, Q as in :func:`asymmetry_matrix`; x = T_RH/T ≥ 1). Dark-chemical-potential terms carry explicit ξ
    powers (ξ⁵, ξ, ξ³, 1), so ξ → 0 is regular.
    """
    rc = _constants(model)
    xi = xi_from_u(state.u)
    src = asymmetry_source(rc, x, xi)
    a = asymmetry_matrix(rc, x, xi)
    z = jnp.stack([jnp.asarray(state.Y_BL, dtype=jnp.float64), jnp.asarray(state.Y_X, dtype=jnp.float64)])
    d = src - a @ z
    return d[0], d[1]


def energy_transfer_rhs(model, x, state: CogenesisState) -> Array:
    """du/dx for u = ξ⁴ (cogenesis_model.md E6.3), dimensionless; x = T_RH/T.

    du/dx = K_E T_RH x⁻² [q₅(1−ξ⁷) + q₆(T_RH/x)²(1−ξ⁹) + q₅ᵐξ³(1−ξ) + q₆ᵐ(T_RH/x)²ξ⁴(1−ξ)],

    from ξ³ dξ/dT = −(30/(4π²g'_*)) Q/(HT⁵) with Q of E6.1. ξ = 1 is a fixed point.
    """
    rc = _constants(model)
    x = jnp.asarray(x, dtype=jnp.float64)
    xi = xi_from_u(state.u)
    tt = (rc.T_RH / x) ** 2
    bracket = (
        rc.q5 * (1.0 - xi**7)
        + rc.q6 * tt * (1.0 - xi**9)
        + rc.q5m * xi**3 * (1.0 - xi)
        + rc.q6m * tt * xi**4 * (1.0 - xi)
    )
    return rc.K_E * rc.T_RH / x**2 * bracket


def symmetric_yield_rhs(model, x, state: CogenesisState) -> Array:
    """dY_S/dx = 2(k₆ + k₅ⁿ)(1−ξ⁸)x⁻⁴ + 2k₅(1−ξ⁶)x⁻² (cogenesis_model.md E9.1), dimensionless.

    Y_S counts dark pairs created by the pair reactions (one χ-type and one φ-type particle each; half the total
    dark-particle yield), inverse reactions at the thermal dark density; mixed reactions conserve it.
    """
    rc = _constants(model)
    x = jnp.asarray(x, dtype=jnp.float64)
    xi = xi_from_u(state.u)
    return 2.0 * (rc.k6 + rc.k5_nlo) * (1.0 - xi**8) / x**4 + 2.0 * rc.k5 * (1.0 - xi**6) / x**2


def rhs(model, x, state: CogenesisState) -> CogenesisState:
    """Full vector field dZ/dx of the UV epoch (E8.2, E8.3, E6.3, E9.1), same pytree as ``state``; x = T_RH/T.

    For an ODE solver pass ``lambda x, z, args: rhs(args, x, z)`` with ``args = rate_constants(model)``.
    """
    rc = _constants(model)
    d_bl, d_x = asymmetry_rhs(rc, x, state)
    return CogenesisState(
        Y_BL=d_bl, Y_X=d_x, u=energy_transfer_rhs(rc, x, state), Y_S=symmetric_yield_rhs(rc, x, state)
    )
