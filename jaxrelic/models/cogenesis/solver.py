r"""Integration driver of freeze-in cogenesis (arXiv:2505.22710): UV epoch and late dark freeze-out.

**UV epoch** (``docs/physics/cogenesis_model.md`` §8.2, corrected in
``docs/physics/cogenesis_derivation.md`` §5).  In x = T_RH/T, with the
right-hand sides of :mod:`jaxrelic.models.cogenesis.equations`:

* u = ξ⁴ from the energy-transfer equation (E6.3);
* d(Y_{B−L}, Y_X)/dx = (1−ξ⁸) x⁻⁴ (A_L, A_X) − 𝔸(x, ξ) (Y_{B−L}, Y_X)  (E8.2–E8.3,
  m₅ = 3, m₆ = 4/3, corrected k_L, k_X);
* dY_S/dx = 2(k₆ + k₅ⁿ)(1−ξ⁸)x⁻⁴ + 2k₅(1−ξ⁶)x⁻²  (E9.1).

The asymmetry equations are linear in (Y_{B−L}, Y_X) and in the CP-odd
constants (A_L, A_X) (§8.5 item 6), so the solver integrates the 2×2 response
matrix W(x) with W' = (1−ξ⁸)x⁻⁴ 𝟙 − 𝔸W, W(1) = 0, and forms
(Y_{B−L}, Y_X) = W (A_L, A_X).  Likewise Y_S = 2k₅ s₅ + 2(k₆ + k₅ⁿ) s₆ with
s₅' = (1−ξ⁶)x⁻², s₆' = (1−ξ⁸)x⁻⁴, and u is integrated as u/u_sc with
u_sc = σ/(1+σ), σ = ξ_i⁴ + K_E T_RH (q₅ + q₆ T_RH²/3) (the ξ ≪ 1 increment of
§6.4).  Every state component is then O(1) whatever the size of the
couplings (yields span 1e-16 … 1e-4), a single pair (rtol, atol) controls all
of them, and a CP-conserving point gives exactly zero asymmetry.  The clock
is t = ln x (dim-5 terms fall as x⁻², so equal steps in ln x are natural),
integrated with :func:`jaxrelic.numerics.ode.solve_ode` (Kvaerno5, chord root
finder on the update size, PID controller, per-point status).  The system is
at most moderately stiff: the largest rates per unit ln x are the ΔL = 2
wash-out 4Gc_ℓH k_L x⁻¹ (≈ 10 for the reference point P-A, m_ν = 260 eV) and,
for |λ| ~ 1, the ΔX = 4 wash-out 8Gc_b ξ³k_X x⁻¹ (up to ~1e3), far below the
Γ/H ~ 1e6 where the implicit step's rounding noise matters, so no stiffness
limiter is needed.

**Tail x > x_max.**  For x ≫ 1 only the x⁻² (dim-5) terms matter and ξ is
frozen, so the remainder of the integration is applied analytically:
W(∞) = exp[−∫_{x_max}^∞ 𝔸 dx] W(x_max) + (1−ξ⁸)𝟙/(3x_max³) with
∫𝔸 dx = 𝔸₂/x_max + 𝔸₄/(3x_max³) (𝔸 = 𝔸₂x⁻² + 𝔸₄x⁻⁴ at the final ξ), and
u, s₅, s₆ receive their x⁻² and x⁻⁴ tails.  The neglected terms are
O(x_max⁻²); the table in ``docs/physics/cogenesis_solver.md`` shows the
final yields with the tail agree between x_max = 1e3, 1e4 and 1e5 to ≲ 1e-8,
while without the tail x_max = 1e3 is off by up to 1 % (P-A).

**Late epoch** (§9.5–§9.6).  After the portal has frozen out, each sector
conserves its own entropy: s'/s_SM = R ≡ g'_* ξ_UV³/106.75 (g'_* = g'_s in the
relativistic UV).  With the sink in equilibrium the dark sector at T' ~ m_χ
is η (Weyl, g = 2), a massive Dirac χ (g = 4) and φ (g = 2), whose entropy and
energy dof are computed with quantum statistics
(:func:`jaxrelic.thermo.species_dof`).  In the dark clock z' = m_χ/T' the
symmetric χ̄ yield per dark entropy, Ỹ = n_χ̄/s', obeys (E9.3)

    dỸ/d ln z' = −(1 + δ')/H · s' ⟨σv⟩ [Ỹ(Ỹ + Δ̃) − Ỹ₀²],
    δ' = (1/3) d ln g'_s/d ln T',   Δ̃ = |Y_X|/R,   Ỹ₀ = g_χ m_χ² T' K₂(z')/(2π² s'),

with ⟨σv⟩ = κ⁴m_χ²/(32π(m_χ² + m_φ²)²) (E9.2, s-wave), H from SM + dark energy
density, and the SM temperature from g_*s(T)T³ = g'_s(T')T'³/R (Newton in ln T,
Saikawa–Shirai g_*s table).  These background functions of z' alone are
tabulated once on 256 points of ln z' and interpolated by a cubic spline
(:class:`~jaxrelic.numerics.interpolate.CubicSpline`, differentiable), so the ODE
right-hand side is cheap.  The state is u = ln Ỹ − ln(Ỹ_eq + Ỹ_f), with Ỹ_eq the
equilibrium χ̄ yield in the presence of the asymmetry (Ỹ_eq(Ỹ_eq + Δ̃) = Ỹ₀²) and Ỹ_f
an a-priori estimate of the relic: u ≈ 0 while χ̄ tracks equilibrium (no steep slow
manifold to follow; an asymmetric Ỹ_χ̄ ∝ e^{−2z'} is represented exactly in logs) and
u = O(1) and flat after freeze-out, so absolute tolerances on u are relative
accuracies of Ỹ_χ̄.  The relaxation term carries the smooth stiffness factor
1/(1 + Γ/c), c = 1e6 (Γ the relaxation rate per unit ln z'), as in
:mod:`jaxrelic.engines.network`.  The integration starts at z' = 0.1 in chemical
equilibrium (the thermal dark sector of §9.2) and ends at z'_end = 1e3; the rest
(Ỹ_eq ~ e^{−2000}) is integrated exactly, Ỹ∞ = Ỹ e^{−Δ̃I}/[1 + Ỹ(1 − e^{−Δ̃I})/Δ̃],
with I = ∫B d ln z' = ⟨σv⟩R ∫_0^{T_end} s_SM(1+δ)/H d ln T by Gauss–Legendre
quadrature over the SM g_* table (s' = R s_SM, only η left in the dark sector).
An independent SciPy integration in the SM clock agrees to ~1e-4
(tests/cogenesis/test_solver.py).

**Observables.**  ΔY_B = c_s Y_{B−L} with c_s = 28/79 (all SM interactions in
equilibrium at sphaleron freeze-out, :func:`~jaxrelic.models.cogenesis.spectator_coefficients`,
§8.4); ΔY_χ = Y_X (φ̄ → χη converts the φ asymmetry, §2.3).  For purely
asymmetric dark matter ρ_χ/ρ_B = m_χ|Y_X|/(m_p|Y_B|) (each χ carries X = 1, each
nucleon B = 1), hence m_χ^ADM = (Ω_c h²/Ω_b h²) m_p |Y_B|/|Y_X| (Planck 2018:
5.364 × 0.938 GeV × |Y_B/Y_X|).  With the symmetric remnant,
Ω_χ h² = 2.7437e8 (m_χ/GeV)(|Y_X| + 2Y_χ̄,∞) for the model's m_χ.  Dark radiation
(§9.6): all dark entropy ends in η, ΔN_eff = [ξ_UV³ (g'_*/1.75)(10.75/106.75)]^{4/3}.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import equinox as eqx
import jax
import jax.numpy as jnp
from jax import Array

from ... import constants as c
from ..._x64 import check_x64
from .equations import G_STAR_SM, RateConstants, rate_constants, xi_from_u
from .model import Cogenesis, spectator_coefficients
from .rates import neutrino_mass
from .validity import eft_validity
from ...numerics import status as st
from ...numerics.interpolate import CubicSpline
from ...numerics.linalg import expm_2x2
from ...numerics.ode import solve_ode
from ...numerics.quadrature import gauss_legendre
from ...numerics.special import k2e
from ...thermo.background import Background
from ...thermo.dof import species_dof

__all__ = [
    "C_SPHALERON",
    "OMEGA_RATIO",
    "CogenesisResult",
    "DarkFreezeOut",
    "UVCoefficients",
    "uv_coefficients",
    "solve_cogenesis",
    "cogenesis",
    "dark_freeze_out",
    "adm_mass",
    "omega_chi_h2",
    "delta_neff",
    "annihilation_cross_section",
]

#: Y_B/Y_{B−L} after sphaleron freeze-out with every SM interaction in equilibrium (28/79, cogenesis_model.md §8.4).
C_SPHALERON = float(spectator_coefficients(("e", "mu", "tau"), "tau").baryon)
#: Ω_c h² / Ω_b h² (Planck 2018, arXiv:1807.06209): 0.1200/0.02237 = 5.364.
OMEGA_RATIO = c.OMEGA_C_H2 / c.OMEGA_B_H2
#: Late-time dark degrees of freedom: η (Weyl: η, η̄), χ (Dirac, 2 spins × particle/antiparticle), φ (complex).
_G_ETA, _G_CHI, _G_PHI = 2.0, 4.0, 2.0
#: Spin states of χ̄ (per species) in the equilibrium density Y₀ of E9.3.
_G_CHI_SPECIES = 2.0
#: SM g_*s at neutrino decoupling (e±, γ, 3ν) and g'_s of the η bath alone (§9.6).
_G_S_NU_DEC, _G_S_ETA = 10.75, 1.75
_LATE_RATE_CAP = 1e6


# ---------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------


class DarkFreezeOut(NamedTuple):
    """Late-time dark freeze-out χχ̄ → ηη̄ with an asymmetry (cogenesis_model.md §9.5).

    Attributes
    ----------
    Y_chibar : Array
        Symmetric remnant Y_χ̄,∞ = n_χ̄/s_SM today (the minority species; Y_χ,∞ = Y_χ̄,∞ + |Y_X|).
    sigma_v : Array
        ⟨σv⟩(χχ̄ → ηη̄) [GeV⁻²] (E9.2).
    xi_late : Array
        T'/T at the end of the integration z' = z_end (after χ annihilated; SM g_*s of that T).
    T_end : Array
        SM temperature at z' = z_end [GeV].
    status : Array
        int32 :mod:`jaxrelic.numerics.status` code.
    num_steps : Array
        ODE steps.
    """

    Y_chibar: Array
    sigma_v: Array
    xi_late: Array
    T_end: Array
    status: Array
    num_steps: Array


class CogenesisResult(eqx.Module):
    r"""Solution of the freeze-in cogenesis system for one model point (or a vmapped batch).

    Final values include the analytic tail x > x_max (module docstring);
    histories are on the saved grid without it.

    Attributes
    ----------
    Y_B : Array
        ΔY_B = c_s Y_{B−L} (c_s = 28/79), the baryon asymmetry after sphaleron freeze-out.
    Y_BL : Array
        Y_{B−L} of the coupled flavour at x → ∞.
    Y_chi : Array
        ΔY_χ = Y_X at x → ∞, the χ asymmetry after φ decays.
    xi_final : Array
        ξ_UV = T'/T at x → ∞ (portal frozen out, T ≫ 100 GeV).
    Y_S : Array
        Y_S at x → ∞ (freeze-in bookkeeping of dark pairs, E9.1).
    m_chi_adm : Array
        m_χ [GeV] for purely asymmetric dark matter, (Ω_c/Ω_b) m_p |Y_B|/|Y_χ|; +inf if Y_χ = 0.
    Y_chibar : Array
        Symmetric remnant Y_χ̄,∞ after the late dark freeze-out (for the model's m_χ, m_φ, κ).
    omega_h2 : Array
        Ω_χ h² = 2.7437e8 (m_χ/GeV)(|Y_χ| + 2Y_χ̄,∞) for the model's m_χ.
    delta_neff : Array
        ΔN_eff of the η dark radiation (§9.6).
    m_nu : Array
        Seesaw neutrino mass |m_ν| = 2|C_LL|v² [GeV] of the coupled flavour.
    eft_parameter : Array
        ⟨s⟩/M₁² = 24 T_RH²/M₁² at x = 1 (off-shell expansion parameter of the EFT).
    onshell_fraction : Array
        R_on: dark pairs made through on-shell N_i (absent from this EFT) per dark pair
        made by the EFT pair scatterings (:func:`~jaxrelic.models.cogenesis.validity.eft_validity`).
    eft_valid : Array
        bool, R_on times the near-degeneracy factor below 1 % (docs/physics/cogenesis_eft_validity.md).
        False does not change ``status``: the point is computed and flagged.
    mu_a_max, mu_b_max : Array
        max_x |μ_a/T| = c_ℓH G |Y_{B−L}| and max_x |μ_b/T'| = c_b G |Y_X|/ξ³ on the grid
        (linearisation in μ requires both ≪ 1, cogenesis_model.md §7.2).
    status : Array
        int32 status, first failure of the UV and late solves (:mod:`jaxrelic.numerics.status`);
        OUT_OF_RANGE when a traced model point violates the constructor's domain
        (:meth:`~jaxrelic.models.cogenesis.Cogenesis.in_domain`).
    num_steps : Array
        ODE steps of the UV solve.
    x : Array
        Saved grid x = T_RH/T, shape (n_save,), log-spaced from 1 to x_max.
    Y_BL_x, Y_B_x, Y_chi_x, xi_x, Y_S_x : Array
        Histories on ``x``; Y_B_x = c_s Y_{B−L}(x) (the value it would freeze to if the portal stopped at x).
    source_L, source_X : Array
        A_L, A_X of E8.2–E8.3 (source-only limit at ξ = 0: Y = A/3).
    """

    Y_B: Array
    Y_BL: Array
    Y_chi: Array
    xi_final: Array
    Y_S: Array
    m_chi_adm: Array
    Y_chibar: Array
    omega_h2: Array
    delta_neff: Array
    m_nu: Array
    eft_parameter: Array
    onshell_fraction: Array
    eft_valid: Array
    mu_a_max: Array
    mu_b_max: Array
    status: Array
    num_steps: Array
    x: Array
    Y_BL_x: Array
    Y_B_x: Array
    Y_chi_x: Array
    xi_x: Array
    Y_S_x: Array
    source_L: Array
    source_X: Array


# ---------------------------------------------------------------------------
# Small physics helpers
# ---------------------------------------------------------------------------


def _safe_div(a, b):
    ok = b != 0.0
    return jnp.where(ok, a / jnp.where(ok, b, 1.0), jnp.inf)


def _check_option(name, value, low, high, allowed, open_low=False):
    """ValueError naming the option when a concrete ``value`` lies outside [low, high]; traced values pass."""
    if isinstance(value, jax.core.Tracer):
        return
    v = float(value)
    if not (v <= high and (v > low if open_low else v >= low)) or math.isinf(v):
        raise ValueError(f"solve_cogenesis: {name}={value!r} outside the allowed range {allowed}")


def adm_mass(Y_B, Y_chi) -> Array:
    """Mass m_χ [GeV] of purely asymmetric dark matter (cogenesis_model.md §8.4); +inf where Y_χ = 0.

    m_χ = (Ω_c h²/Ω_b h²) m_p |Y_B|/|Y_χ| (ρ_χ/ρ_B = m_χ|Y_χ|/(m_p|Y_B|), one unit of X per χ, one unit of B per
    nucleon); yields per SM entropy.
    """
    return _safe_div(OMEGA_RATIO * c.M_PROTON * jnp.abs(Y_B), jnp.abs(Y_chi))


def omega_chi_h2(m_chi, Y_chi, Y_chibar) -> Array:
    """Ω_χ h² = 2.7437×10⁸ (m_χ/GeV)(|Y_χ| + 2Y_χ̄) of χ plus χ̄ today (cogenesis_model.md §9.5).

    The asymmetric part |Y_χ| (= |Y_X|) survives as χ; the symmetric remnant leaves Y_χ̄ antiparticles and as
    many extra particles (yields per SM entropy, m_χ in GeV).
    """
    return c.OMEGA_H2_PER_MY * m_chi * (jnp.abs(Y_chi) + 2.0 * Y_chibar)


def delta_neff(xi_uv, g_dark) -> Array:
    """ΔN_eff of the dark radiation η (cogenesis_model.md §9.6) from ξ_UV = T'/T after the portal froze out.

    Separate entropy conservation from the UV (SM g_*s = 106.75, dark g'_s = ``g_dark``) to when the dark
    entropy sits in η alone (g'_s = 7/8·2) and the SM neutrinos have decoupled (g_*s = 10.75):
    ΔN_eff = (T'/T_ν)⁴ = [ξ_UV³ (g'_*/1.75)(10.75/106.75)]^{4/3}.
    """
    xi_uv = jnp.asarray(xi_uv, dtype=jnp.float64)
    r = xi_uv**3 * (jnp.asarray(g_dark) / _G_S_ETA) * (_G_S_NU_DEC / G_STAR_SM)
    return jnp.where(r > 0.0, jnp.where(r > 0.0, r, 1.0) ** (4.0 / 3.0), 0.0)


def annihilation_cross_section(m_chi, m_phi, kappa) -> Array:
    """s-wave σv(χχ̄ → ηη̄) = κ⁴m_χ²/(32π(m_χ² + m_φ²)²) [GeV⁻²], t-channel φ (cogenesis_model.md E9.2)."""
    m_chi = jnp.asarray(m_chi, dtype=jnp.float64)
    return jnp.asarray(kappa) ** 4 * m_chi**2 / (32.0 * math.pi * (m_chi**2 + jnp.asarray(m_phi) ** 2) ** 2)


def _dark_dof(T_dark, m_chi, m_phi):
    """(g'_ρ, g'_s) of η + massive Dirac χ + φ at dark temperature T' (quantum statistics)."""
    r_chi, s_chi = species_dof(m_chi / T_dark, _G_CHI, True)
    r_phi, s_phi = species_dof(m_phi / T_dark, _G_PHI, False)
    g_eta = 7.0 / 8.0 * _G_ETA
    return g_eta + r_chi + r_phi, g_eta + s_chi + s_phi


# ---------------------------------------------------------------------------
# UV epoch
# ---------------------------------------------------------------------------


class UVCoefficients(eqx.Module):
    r"""E8.2–E8.3, E6.3 and E9.1 as fixed tensors contracted with monomials of (x⁻¹, ξ).

    𝔸(x, ξ) = Σ_k φ_k(x, ξ) C_k with φ = (x⁻⁴, ξx⁻⁴, ξ⁴x⁻⁴, ξ⁵x⁻⁴, x⁻², ξ³x⁻²), read off
    :func:`~jaxrelic.models.cogenesis.asymmetry_matrix`:

    * P_L: x⁻⁴(k₆ + k₅ⁿ) + ξ⁴x⁻⁴ m₆k₆ + x⁻²(k₅ + 2k_L) + ξ³x⁻² m₅k₅;
    * Q_L: ξx⁻⁴ m₆k₆ + ξ⁵x⁻⁴(k₆ − k₅ⁿ) − x⁻² m₅k₅ − ξ³x⁻² k₅;
    * P_X: x⁻⁴(k₆ − k₅ⁿ) + ξ⁴x⁻⁴ m₆k₆ − x⁻² k₅ − ξ³x⁻² m₅k₅;
    * Q_X: ξx⁻⁴ m₆k₆ + ξ⁵x⁻⁴(k₆ + k₅ⁿ) + x⁻² m₅k₅ + ξ³x⁻²(k₅ + 2k_X);

    and 𝔸 = [[2Gc_ℓH P_L, 2Gc_b Q_L], [4Gc_ℓH P_X, 4Gc_b Q_X]].  The energy equation (E6.3)
    divided by u_sc is Σ_k ψ_k E_k with ψ = (x⁻²(1−ξ⁷), x⁻⁴(1−ξ⁹), x⁻²ξ³(1−ξ), x⁻⁴ξ⁴(1−ξ)) and
    E = K_E T_RH (q₅, q₆T_RH², q₅ᵐ, q₆ᵐT_RH²)/u_sc.  (This contracted form compiles faster
    than the term-by-term functions; tests/cogenesis/test_solver.py checks it against
    them to 1e-13.)

    Attributes
    ----------
    C : Array (6, 2, 2)
        Coefficients of 𝔸.
    E : Array (4,)
        Coefficients of du/dx / u_sc.
    u_scale : Array
        u_sc = σ/(1+σ), σ = ξ_i⁴ + K_E T_RH (q₅ + q₆T_RH²/3) (+1e-300).
    """

    C: Array
    E: Array
    u_scale: Array


def uv_coefficients(rc: RateConstants, xi_i) -> UVCoefficients:
    """Build :class:`UVCoefficients` from :func:`rate_constants` output and ξ at x = 1 (E8.2–E8.3, E6.3)."""
    k5, k6, k5n, m5, m6 = rc.k5, rc.k6, rc.k5_nlo, rc.m5, rc.m6
    z = jnp.zeros_like(k5)
    p_l = jnp.stack([k6 + k5n, z, m6 * k6, z, k5 + 2.0 * rc.kL, m5 * k5])
    q_l = jnp.stack([z, m6 * k6, z, k6 - k5n, -m5 * k5, -k5])
    p_x = jnp.stack([k6 - k5n, z, m6 * k6, z, -k5, -m5 * k5])
    q_x = jnp.stack([z, m6 * k6, z, k6 + k5n, m5 * k5, k5 + 2.0 * rc.kX])
    g = rc.G
    C = jnp.stack(
        [
            jnp.stack([2.0 * g * rc.c_lH * p_l, 2.0 * g * rc.c_b * q_l], axis=-1),
            jnp.stack([4.0 * g * rc.c_lH * p_x, 4.0 * g * rc.c_b * q_x], axis=-1),
        ],
        axis=-2,
    )  # (6, 2, 2)
    if not rc.washout:
        C = jnp.zeros_like(C)
    t2 = rc.T_RH**2
    sig = jnp.asarray(xi_i, dtype=jnp.float64) ** 4 + rc.K_E * rc.T_RH * (rc.q5 + rc.q6 * t2 / 3.0) + 1e-300
    u_sc = sig / (1.0 + sig)
    E = rc.K_E * rc.T_RH * jnp.stack([rc.q5, rc.q6 * t2, rc.q5m, rc.q6m * t2]) / u_sc
    return UVCoefficients(C=C, E=E, u_scale=u_sc)


def _uv_features(x, xi):
    """Monomials (φ, ψ, s-rates) of :class:`UVCoefficients` at (x, ξ)."""
    x2 = 1.0 / x**2
    x4 = x2 * x2
    xi3 = xi**3
    xi4 = xi * xi3
    xi8 = xi4 * xi4
    phi = jnp.stack([x4, xi * x4, xi4 * x4, xi4 * xi * x4, x2, xi3 * x2])
    psi = jnp.stack([x2 * (1.0 - xi4 * xi3), x4 * (1.0 - xi8 * xi), x2 * xi3 * (1.0 - xi), x4 * xi4 * (1.0 - xi)])
    rates = jnp.stack([(1.0 - xi4 * xi * xi) * x2, (1.0 - xi8) * x4])  # s₅', s₆'
    return phi, psi, rates


def _uv_rhs(t, y, k: UVCoefficients):
    """d/d ln x of [W00, W10, W01, W11, u/u_sc, s₅, s₆] (E8.2–E8.3, E6.3, E9.1)."""
    x = jnp.exp(t)
    xi = xi_from_u(y[4] * k.u_scale)
    phi, psi, rates = _uv_features(x, xi)
    a = jnp.tensordot(phi, k.C, axes=1)
    w = y[:4].reshape(2, 2).T  # columns: responses to unit L and X sources
    dw = rates[1] * jnp.eye(2) - a @ w
    du = jnp.dot(k.E, psi)
    return x * jnp.concatenate([dw.T.reshape(4), jnp.stack([du]), rates])


# ---------------------------------------------------------------------------
# Late epoch: dark freeze-out with separate entropy conservation (§9.5)
# ---------------------------------------------------------------------------


_LATE_GRID = 256
_LATE_PAD = 0.5


def _late_background(tau, m_chi, m_phi, ratio, background: Background):
    """Background functions of τ = ln z' (vectorised): ln T, ln b, ln Ỹ₀ with b = (1+δ')s'/H.

    T from separate entropy conservation g_*s(T)T³ = g'_s(T')T'³/R (Newton in ln T),
    H from SM + dark energy density, δ' = (1/3) d ln g'_s/d ln T', Ỹ₀ = n₀^MB(T')/s'.
    """
    ln_td = jnp.log(m_chi) - tau
    (g_rho_d, g_s_d), (_, dg_s_d) = jax.jvp(
        lambda lt: _dark_dof(jnp.exp(lt), m_chi, m_phi), (ln_td,), (jnp.ones_like(ln_td),)
    )
    T_d = jnp.exp(ln_td)
    s_d = 2.0 * math.pi**2 / 45.0 * g_s_d * T_d**3
    target = jnp.log(s_d / ratio * 45.0 / (2.0 * math.pi**2))  # ln(g_*s T³)

    def newton(lt, _):
        _, g_s, dlng = background.gstar.all(jnp.exp(lt))
        return lt - (jnp.log(g_s) + 3.0 * lt - target) / (3.0 + dlng), None

    ln_T, _ = jax.lax.scan(newton, (target - jnp.log(G_STAR_SM)) / 3.0, None, length=12)
    T = jnp.exp(ln_T)
    g_rho = background.gstar.g_rho(T)
    rho = math.pi**2 / 30.0 * (g_rho * T**4 + g_rho_d * T_d**4)
    H = jnp.sqrt(8.0 * math.pi * rho / 3.0) / background.m_planck
    ln_b = jnp.log((1.0 + dg_s_d / g_s_d / 3.0) * s_d / H)
    z = m_chi / T_d
    ln_y0 = jnp.log(_G_CHI_SPECIES * m_chi**2 * T_d / (2.0 * math.pi**2) * k2e(z) / s_d) - z
    return ln_T, ln_b, ln_y0


def _ln_yeq(ln_y0, delta):
    """ln Ỹ_eq with Ỹ_eq(Ỹ_eq + Δ̃) = Ỹ₀², and d ln Ỹ_eq / d ln Ỹ₀ (log-space, no underflow)."""
    ln_d = jnp.log(jnp.maximum(delta, 1e-300))
    ln_r = 0.5 * jnp.logaddexp(2.0 * ln_d, math.log(4.0) + 2.0 * ln_y0)  # ln R, R = √(Δ̃² + 4Ỹ₀²)
    ln_dr = jnp.logaddexp(ln_d, ln_r)  # ln(Δ̃ + R)
    ln_yeq = 2.0 * ln_y0 - ln_dr + math.log(2.0)
    slope = 2.0 - 4.0 * jnp.exp(2.0 * ln_y0 - ln_r - ln_dr)  # 2 − 4Ỹ₀²/(R(Δ̃+R)) ∈ [1, 2]
    return ln_yeq, slope


class _LateArgs(eqx.Module):
    spline: CubicSpline  # τ → (ln b, ln Ỹ₀)
    sigma_v: Array
    delta: Array  # Δ̃ = |Y_X| s_SM/s'
    ln_yf: Array  # a-priori estimate of ln Ỹ_χ̄,∞ (reference level of the state variable)


def _late_rhs(tau, y, args: _LateArgs):
    """d u/dτ, u = ln Ỹ_χ̄ − ln(Ỹ_eq + Ỹ_f) (E9.3 with the stiffness factor 1/(1 + Γ/c)); shape (1,)."""
    (ln_b, ln_y0), (_, dln_y0) = args.spline.value_and_derivative(tau)
    ln_yeq, slope = _ln_yeq(ln_y0, args.delta)
    B = args.sigma_v * jnp.exp(ln_b)
    d = args.delta
    # reference level r = ln(Ỹ_eq + Ỹ_f); v = ln(Ỹ/Ỹ_eq) = softplus(ln Ỹ_f − ln Ỹ_eq) + u
    v = jax.nn.softplus(args.ln_yf - ln_yeq) + y[0]
    dr = jax.nn.sigmoid(ln_yeq - args.ln_yf) * slope * dln_y0
    y_chibar = jnp.exp(ln_yeq + v)
    em = jnp.exp(jnp.minimum(-v, 700.0))
    y_low = jnp.exp(jnp.minimum(ln_yeq - v, 700.0))  # Ỹ_eq e^{−v}
    # [Ỹ(Ỹ+Δ̃) − Ỹ₀²]/Ỹ = Ỹ_eq (e^v − e^{−v}) + Δ̃ (1 − e^{−v}), free of cancellation near v = 0
    small = jnp.abs(v) < 1.0
    diff = jnp.where(small, 2.0 * jnp.exp(ln_yeq) * jnp.sinh(jnp.clip(v, -1.0, 1.0)), y_chibar - y_low)
    bracket = diff - d * jnp.expm1(jnp.maximum(-v, -700.0))
    gamma = B * (y_chibar + y_low + d * em)  # relaxation rate −∂(du/dτ)/∂u without the factor
    du = -B * bracket / (1.0 + gamma / _LATE_RATE_CAP) - dr
    return jnp.stack([du])


def _late_tail(T_end, ratio, background: Background, n: int = 64, span: float = 25.0):
    """∫_{τ_end}^∞ (1+δ')s'/H dτ = R ∫_0^{T_end} s_SM (1+δ)/H d ln T after χ annihilated (η only).

    Separate entropy conservation gives s' = R s_SM at all times, and d ln a = (1+δ)(−d ln T) with
    δ = (1/3) d ln g_*s/d ln T.  Gauss–Legendre in ln T over [ln T_end − span, ln T_end] (the
    integrand ∝ T).
    """
    nodes, weights = gauss_legendre(n)
    lt = jnp.log(T_end) + 0.5 * span * (jnp.asarray(nodes) - 1.0)
    T = jnp.exp(lt)
    g_rho, g_s, dlng = background.gstar.all(T)
    s_sm = 2.0 * math.pi**2 / 45.0 * g_s * T**3
    g_eta = 7.0 / 8.0 * _G_ETA
    T_d4 = (ratio * g_s / g_eta) ** (4.0 / 3.0) * T**4  # η alone: g'_s T'³ = R g_*s T³
    H = jnp.sqrt(8.0 * math.pi / 3.0 * math.pi**2 / 30.0 * (g_rho * T**4 + g_eta * T_d4)) / background.m_planck
    return ratio * 0.5 * span * jnp.sum(jnp.asarray(weights) * s_sm * (1.0 + dlng / 3.0) / H)


def dark_freeze_out(
    Y_X,
    xi_uv,
    *,
    m_chi,
    m_phi,
    kappa,
    g_dark,
    background: Background | None = None,
    z_start: float = 0.1,
    z_end: float = 1e3,
    rtol: float = 1e-6,
    atol: float = 1e-8,
    max_steps: int = 4096,
    adjoint: str = "reverse",
) -> DarkFreezeOut:
    r"""Symmetric χ̄ remnant of the late dark freeze-out χχ̄ → ηη̄ (cogenesis_model.md §9.5, E9.3).

    Pure function (jit/vmap/grad at the call site).  Dark clock τ = ln z',
    z' = m_χ/T'; yields per dark entropy Ỹ = n/s'; separate entropy conservation
    s'/s_SM = R = g'_* ξ_UV³/106.75; SM temperature from g_*s(T)T³ = g'_s(T')T'³/R
    (``background``).  With Ỹ_eq the equilibrium χ̄ yield in the presence of the
    asymmetry, Ỹ_eq(Ỹ_eq + Δ̃) = Ỹ₀², and v = ln(Ỹ_χ̄/Ỹ_eq), E9.3 reads

        d ln Ỹ_χ̄/dτ = −B [Ỹ_eq (e^v − e^{−v}) + Δ̃(1 − e^{−v})] / (1 + Γ/c),

    B = (1 + δ') s'⟨σv⟩/H, Γ = B[Ỹ_eq(e^v + e^{−v}) + Δ̃e^{−v}] (the relaxation rate),
    c = 1e6.  The state is u = ln Ỹ_χ̄ − ln(Ỹ_eq + Ỹ_f) with the a-priori estimate
    Ỹ_f = Δ̃/(e^{Δ̃A} − 1), A = B(z' = 20): u ≈ 0 in equilibrium and u = O(1), flat,
    after freeze-out (module docstring).  Start: chemical equilibrium at ``z_start``;
    beyond ``z_end`` the annihilation is integrated exactly with I = ∫B dτ from a
    quadrature over the SM g_* table.

    Parameters
    ----------
    Y_X : array_like
        Conserved χ asymmetry Δ = |Y_X| per SM entropy.
    xi_uv : array_like
        T'/T after the portal froze out (> 0).
    m_chi, m_phi : array_like
        χ and φ masses [GeV], m_φ > m_χ.
    kappa : array_like
        Sink coupling κ.
    g_dark : array_like
        Dark entropy dof in the UV (5.5 for the minimal sector).
    background : Background, optional
        SM thermal history (default Saikawa–Shirai g_*).
    z_start, z_end : float
        Integration range in z' = m_χ/T' (0 < z_start < z_end).
    rtol, atol : float
        Tolerances on (ln T, v); the defaults give Ỹ_χ̄ to ~1e-5 relative in ~100–200 steps.
    max_steps : int
        Step budget (status MAX_STEPS when exceeded).
    adjoint : {"reverse", "forward"}
        Differentiation mode of the ODE solve.

    Returns
    -------
    DarkFreezeOut
    """
    if not (isinstance(z_start, (int, float)) and isinstance(z_end, (int, float)) and 0.0 < z_start < z_end < math.inf):
        raise ValueError(
            f"dark_freeze_out: z_start={z_start!r}, z_end={z_end!r} outside the allowed range 0 < z_start < z_end < inf"
        )
    if background is None:
        background = Background.standard_model()
    m_chi = jnp.asarray(m_chi, dtype=jnp.float64)
    m_phi = jnp.asarray(m_phi, dtype=jnp.float64)
    xi_uv = jnp.asarray(xi_uv, dtype=jnp.float64)
    ratio = jnp.maximum(jnp.asarray(g_dark, dtype=jnp.float64) * xi_uv**3 / G_STAR_SM, 1e-300)  # s'/s_SM
    delta_t = jnp.abs(jnp.asarray(Y_X, dtype=jnp.float64)) / ratio
    sv = annihilation_cross_section(m_chi, m_phi, kappa)
    tau0 = math.log(z_start)
    tau1 = math.log(z_end)
    grid = jnp.linspace(tau0 - _LATE_PAD, tau1 + _LATE_PAD, _LATE_GRID)
    ln_T, ln_b, ln_y0 = _late_background(jnp.append(grid, tau1), m_chi, m_phi, ratio, background)
    spline = CubicSpline(grid, jnp.stack([ln_b[:-1], ln_y0[:-1]], axis=1))
    # a-priori Ỹ_χ̄,∞ ≈ Δ̃/(e^{Δ̃A} − 1), A = ∫_{z'_f}^∞ B dτ ≈ B(z'_f = 20) (B ∝ 1/z'): it only
    # sets the reference level r = ln(Ỹ_eq + Ỹ_f) of the state u = ln Ỹ_χ̄ − r, so that u stays
    # O(1) both in equilibrium and after freeze-out
    tau_f = jnp.clip(math.log(20.0), tau0, tau1)
    a_est = jnp.maximum(sv * jnp.exp(spline(tau_f)[0]), 1e-300)
    x_est = delta_t * a_est
    pos = x_est > 1e-300
    ln_yf = -jnp.log(a_est) - x_est - jnp.log(jnp.where(pos, -jnp.expm1(-x_est) / jnp.where(pos, x_est, 1.0), 1.0))
    args = _LateArgs(spline=spline, sigma_v=sv, delta=delta_t, ln_yf=ln_yf)
    ln_yeq0, _ = _ln_yeq(spline(jnp.asarray(tau0))[1], delta_t)
    u0 = -jax.nn.softplus(ln_yf - ln_yeq0)  # chemical equilibrium at z_start: Ỹ = Ỹ_eq
    sol = solve_ode(
        _late_rhs, jnp.stack([u0]), tau0, tau1, args=args, rtol=rtol, atol=atol, max_steps=max_steps, adjoint=adjoint
    )
    ln_yeq1, _ = _ln_yeq(ln_y0[-1], delta_t)
    y_end_chibar = jnp.exp(jnp.logaddexp(ln_yeq1, ln_yf) + sol.ys[-1, 0])
    # tail z' > z_end (Ỹ_eq ~ e^{−2z_end} negligible): dỸ/dτ = −B Ỹ(Ỹ + Δ̃), integrated exactly
    T_end = jnp.exp(ln_T[-1])
    b_int = sv * _late_tail(T_end, ratio, background)
    decay = jnp.exp(-delta_t * b_int)
    ok = delta_t > 0.0
    frac = jnp.where(ok, -jnp.expm1(-delta_t * b_int) / jnp.where(ok, delta_t, 1.0), b_int)
    y_inf = y_end_chibar * decay / (1.0 + y_end_chibar * frac)
    Y_chibar = y_inf * ratio
    status = st.flag_nonfinite(sol.status, Y_chibar)
    return DarkFreezeOut(
        Y_chibar=Y_chibar,
        sigma_v=sv,
        xi_late=m_chi / z_end / T_end,
        T_end=T_end,
        status=status,
        num_steps=sol.num_steps,
    )


# ---------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------


def solve_cogenesis(
    model: Cogenesis,
    *,
    x_max: float = 1e4,
    n_save: int = 200,
    rtol: float = 1e-8,
    atol: float = 1e-10,
    adjoint: str = "reverse",
    max_steps: int = 4096,
    tail: bool = True,
    freeze_out: bool = True,
    background: Background | None = None,
) -> CogenesisResult:
    r"""Solve the freeze-in cogenesis system for one model point (pure function).

    Integrates E6.3, E8.2–E8.3 and E9.1 (corrected weights; module docstring)
    from x = 1 to ``x_max`` in ln x, adds the analytic tail x > x_max, forms
    the observables (ΔY_B = c_s Y_{B−L}, ΔY_χ = Y_X, m_χ^ADM, ΔN_eff) and, with
    ``freeze_out``, solves the late dark freeze-out (§9.5) for the model's
    m_χ, m_φ, κ to give the symmetric remnant and Ω_χ h².  Wrap in
    ``jax.jit`` / ``jax.vmap`` / ``jax.grad`` at the call site, or use the
    jitted :func:`cogenesis`.

    Parameters
    ----------
    model : Cogenesis
        Model point (its ``mixed``, ``nlo_dim5`` and ``washout`` switches select the equations).
    x_max : float
        End of the integration in x = T_RH/T (≥ 10); 1e4 with the tail is
        converged to ~1e-6 (``docs/physics/cogenesis_solver.md``).
    n_save : int
        Number of saved points, log-spaced in x from 1 to ``x_max`` (≥ 2).
    rtol, atol : float
        Tolerances of the PID controller on the O(1)-scaled state of the UV solve
        (response matrix W, u/u_sc, s₅, s₆), i.e. relative accuracy of the yields.
        The late solve uses the defaults of :func:`dark_freeze_out`.
    adjoint : {"reverse", "forward"}
        ``"reverse"`` for jax.grad, ``"forward"`` for jax.jacfwd / jvp.
    max_steps : int
        Step budget per ODE solve (exceeded → status MAX_STEPS).
    tail : bool
        Apply the analytic x > x_max tail (False: values at x_max).
    freeze_out : bool
        Solve the late dark freeze-out; if False, ``Y_chibar`` and ``omega_h2`` are NaN
        (and not flagged in ``status``) — use this in scans that only need the asymmetries.
    background : Background, optional
        SM g_* table for the late epoch (default Saikawa–Shirai).  The UV epoch uses
        g_* = g_*s = 106.75 like the rate constants of E8.2.

    Returns
    -------
    CogenesisResult
    """
    for name, value in (("x_max", x_max), ("rtol", rtol), ("atol", atol)):
        _check_option(name, value, *_DYNAMIC_OPTIONS[name])
    if not (isinstance(n_save, int) and n_save >= 2):
        raise ValueError(f"solve_cogenesis: n_save={n_save!r} outside the allowed range [2, inf) (integer)")
    if adjoint not in ("reverse", "forward"):
        raise ValueError(f"solve_cogenesis: adjoint={adjoint!r} must be 'reverse' or 'forward'")
    rc = rate_constants(model)
    k = uv_coefficients(rc, model.xi_i)
    x_max = jnp.asarray(x_max, dtype=jnp.float64)
    t1 = jnp.log(x_max)
    ts = jnp.linspace(0.0, t1, n_save)
    y0 = jnp.zeros(7).at[4].set(model.xi_i**4 / k.u_scale)
    sol = solve_ode(_uv_rhs, y0, 0.0, t1, args=k, ts=ts, rtol=rtol, atol=atol, max_steps=max_steps, adjoint=adjoint)
    ys = sol.ys
    x = jnp.exp(ts)
    w_x = jnp.swapaxes(ys[:, :4].reshape(-1, 2, 2), -1, -2)  # (n, 2, 2), columns: unit L and X sources
    a_vec = jnp.stack([rc.A_L, rc.A_X])
    z_x = w_x @ a_vec  # (n, 2): (Y_{B−L}, Y_X)
    u_x = ys[:, 4] * k.u_scale
    xi_x = xi_from_u(u_x)
    ys_x = 2.0 * rc.k5 * ys[:, 5] + 2.0 * (rc.k6 + rc.k5_nlo) * ys[:, 6]

    w_end = w_x[-1]
    u_end, s5_end, s6_end = u_x[-1], ys[-1, 5], ys[-1, 6]
    if tail:
        # ∫_{x_max}^∞ x⁻ᵖ dx = x_max·x_max⁻ᵖ/(p−1): x⁻⁴ monomials × x_max/3, x⁻² ones × x_max
        # (ξ frozen at its x_max value; neglected terms O(x_max⁻²))
        xi_end = xi_from_u(u_end)
        phi, psi, rates = _uv_features(x_max, xi_end)
        phi_int = phi * x_max * jnp.array([1 / 3, 1 / 3, 1 / 3, 1 / 3, 1.0, 1.0])
        psi_int = psi * x_max * jnp.array([1.0, 1 / 3, 1.0, 1 / 3])
        rates_int = rates * x_max * jnp.array([1.0, 1 / 3])
        w_end = expm_2x2(-jnp.tensordot(phi_int, k.C, axes=1)) @ w_end + rates_int[1] * jnp.eye(2)
        u_end = u_end + jnp.dot(k.E, psi_int) * k.u_scale
        s5_end = s5_end + rates_int[0]
        s6_end = s6_end + rates_int[1]
    y_bl, y_x = w_end @ a_vec
    xi_f = xi_from_u(u_end)
    y_s = 2.0 * rc.k5 * s5_end + 2.0 * (rc.k6 + rc.k5_nlo) * s6_end
    y_b = C_SPHALERON * y_bl

    mu_a = jnp.max(rc.c_lH * rc.G * jnp.abs(z_x[:, 0]))
    xi3 = xi_x**3
    mu_b = jnp.max(jnp.where(xi3 > 0.0, rc.c_b * rc.G * jnp.abs(z_x[:, 1]) / jnp.where(xi3 > 0.0, xi3, 1.0), 0.0))

    status = st.flag_nonfinite(sol.status, y_bl, y_x, xi_f, y_s)
    status = jnp.where(model.in_domain(), status, st.OUT_OF_RANGE).astype(jnp.int32)
    validity = eft_validity(model)
    if freeze_out:
        late = dark_freeze_out(
            y_x,
            xi_f,
            m_chi=model.m_chi,
            m_phi=model.m_phi,
            kappa=model.kappa,
            g_dark=model.g_dark,
            background=background,
            max_steps=max_steps,
            adjoint=adjoint,
        )
        y_chibar = late.Y_chibar
        omega = omega_chi_h2(model.m_chi, y_x, y_chibar)
        status = st.combine(status, late.status)
    else:
        y_chibar = jnp.full((), jnp.nan)
        omega = jnp.full((), jnp.nan)

    return CogenesisResult(
        Y_B=y_b,
        Y_BL=y_bl,
        Y_chi=y_x,
        xi_final=xi_f,
        Y_S=y_s,
        m_chi_adm=adm_mass(y_b, y_x),
        Y_chibar=y_chibar,
        omega_h2=omega,
        delta_neff=delta_neff(xi_f, model.g_dark),
        m_nu=neutrino_mass(model),
        eft_parameter=24.0 * model.T_RH**2 / model.M1**2,
        onshell_fraction=validity.onshell_fraction,
        eft_valid=validity.eft_valid,
        mu_a_max=mu_a,
        mu_b_max=mu_b,
        status=status,
        num_steps=sol.num_steps,
        x=x,
        Y_BL_x=z_x[:, 0],
        Y_B_x=C_SPHALERON * z_x[:, 0],
        Y_chi_x=z_x[:, 1],
        xi_x=xi_x,
        Y_S_x=ys_x,
        source_L=rc.A_L,
        source_X=rc.A_X,
    )


_solve_jit = eqx.filter_jit(solve_cogenesis)


def cogenesis(model: Cogenesis, **options) -> CogenesisResult:
    """Jitted public entry point of :func:`solve_cogenesis` (jit at the boundary).

    Keyword ``options`` (``x_max``, ``n_save``, ``rtol``, ``atol``, ``adjoint``,
    ``max_steps``, ``tail``, ``freeze_out``, ``background``) are passed through.
    ``x_max``, ``rtol`` and ``atol`` are validated here and passed as arrays (a new
    value does not recompile); the other options are static.  Inside your own
    ``jax.jit`` / ``jax.vmap`` / ``jax.grad`` call :func:`solve_cogenesis` directly.

    Examples
    --------
    >>> import jaxrelic
    >>> from jaxrelic.models.cogenesis import Cogenesis
    >>> from jaxrelic.models.cogenesis.solver import cogenesis
    >>> m = Cogenesis([0.015, 0.025j], [0.03, 0.3 * (-1 + 1j) / 2**0.5], 1e11, 3e11, 2e10)
    >>> r = cogenesis(m)
    >>> float(r.Y_B)  # doctest: +SKIP
    5.8...e-11
    """
    check_x64()
    for name, (low, high, allowed, open_low) in _DYNAMIC_OPTIONS.items():
        if name in options:
            _check_option(name, options[name], low, high, allowed, open_low)
            options[name] = jnp.asarray(options[name], dtype=jnp.float64)
    return _solve_jit(model, **options)


_DYNAMIC_OPTIONS = {
    "x_max": (10.0, math.inf, "[10, inf)", False),
    "rtol": (0.0, 1.0, "(0, 1)", True),
    "atol": (0.0, 1.0, "(0, 1)", True),
}
