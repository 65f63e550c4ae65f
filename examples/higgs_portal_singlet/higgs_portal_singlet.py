"""Higgs-portal real scalar singlet dark matter as a one-file jaxrelic plug-in model.

Written as an external user would: only the public surface ``import jaxrelic``
(``AbstractNetworkModel``, ``NetworkRates``, ``thermal_average(_checked)``, ``WIMP``,
``status``, ``constants``) plus jax/equinox/numpy/scipy.  Derivations, approximations
and the comparison with the literature: docs/physics/higgs_portal_singlet.md.

Model and convention (Cline, Kainulainen, Scott & Weniger, arXiv:1306.4710, eq. 1;
GAMBIT, arXiv:1705.07931): a real scalar S, odd under Z₂, with

    V ⊃ ½ μ_S² S² + ½ λ_hS S² |H|²,   |H|² = (v₀ + h)²/2 in unitary gauge,

so m_S² = μ_S² + ½ λ_hS v₀² (m_S is the physical mass and a free parameter) and

    V ⊃ ½ λ_hS v₀ h S² + ¼ λ_hS h² S²   →   Feynman rules −i λ_hS v₀ (hSS), −i λ_hS (hhSS),

with the SM trilinear −3i m_h²/v₀ (hhh).  S has one degree of freedom (g = 1) and is
its own antiparticle.  Parameters: ``m_S`` [GeV] and ``lambda_hS`` (PARAMETERS below).

Annihilation SS → SM (eq. 2, the s-channel Higgs with the off-shell width).  With
M(SS → X) = λ_hS v₀ D_h(s) M(h* → X) and Γ_h^SM(√s) the width of a SM Higgs of mass √s
(into everything except hh), the flux 2√(s(s − 4m_S²)) and the phase space give

    σ(s) = λ_hS² v₀² |D_h(s)|² Γ_h^SM(√s) / √(s − 4 m_S²),     D_h = 1/(s − m_h² + i m_h Γ_h^tot),

i.e. σ v_rel = 2 λ_hS² v₀² |D_h|² Γ_h^SM(√s)/√s (Cline et al.; GAMBIT 1.0 DarkBit SingletDM.cpp) with v_rel = 2√(1 − 4m_S²/s)
the relative velocity of the two S in their centre-of-mass frame (not the Lorentz-invariant
v_lab of Gondolo–Gelmini).  Γ_h^tot = Γ_h^SM(m_h) + Γ(h → SS) is the width at the pole.

Annihilation SS → hh (eq. 3): contact + s-channel h + t/u-channel S exchange,

    M = −λ_hS [C(s) + λ_hS v₀² (1/(t − m_S²) + 1/(u − m_S²))],   C = 1 + 3 m_h²/(s − m_h²),

with the angular average done analytically (:func:`sigma_hh`).

Γ_h^SM(√s) (:func:`gamma_h_sm`, docs §3): b, c with MS-bar running masses m̄_q(√s) and the
massless QCD correction to O(α_s³); τ, μ with pole masses; tt̄ with the pole mass and the
O(α_s) Drees–Hikasa correction; WW, ZZ with both bosons off shell (Breit–Wigner double
integral, tabulated once at import and splined); gg and γγ at one loop (t, b, W loops) with
the heavy-top NLO factor for gg.  Γ_h^SM(125.1 GeV) = 4.016 MeV vs 4.08 MeV (LHCHXSWG YR3).

Thermal average: :func:`jaxrelic.thermal_average` with the Higgs pole and the thresholds
2m_W, 2m_Z, 2m_h, 2m_t passed as hints; :meth:`HiggsPortalSinglet.domain_status`
certifies it with :func:`jaxrelic.thermal_average_checked` at x = 2 … 50 (accepting the
checker's false pole alarms at the W*W*/Z*Z*/tt̄ openings when the finer rule agrees,
:meth:`HiggsPortalSinglet.certify`).
"""

import math

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import scipy.interpolate as spi
import scipy.optimize as spo

import jaxrelic
from jaxrelic import constants

__all__ = ["ADAPTER", "HiggsPortalSinglet", "PARAMETERS", "sigma_SS", "sigma_h_channel", "sigma_hh", "gamma_h_sm",
           "gamma_h_sm_channels", "gamma_h_sm_fast", "gamma_h_to_SS", "gamma_h_total", "alpha_s", "running_mass",
           "gamma_vv_offshell_np", "gamma_vv_onshell", "gamma_vv_single_offshell"]

# ----------------------------------------------------------------------------------------------
# Standard-Model inputs (GeV).  PDG = Particle Data Group, Review of Particle Physics 2024.
# ----------------------------------------------------------------------------------------------
#: Higgs mass (PDG 2020 average 125.10 ± 0.14; LHCHXSWG tables are given at 125.09/125.1).
M_H = 125.10
#: Fermi constant [GeV⁻²] (PDG 2024, muon lifetime).
G_F = 1.1663788e-5
#: Higgs vacuum expectation value v₀ = (√2 G_F)^{-1/2} = 246.22 GeV.
V0 = (math.sqrt(2.0) * G_F) ** -0.5
#: W mass and total width (PDG 2024).
M_W, GAMMA_W = 80.3692, 2.085
#: Z mass and total width (PDG 2024).
M_Z, GAMMA_Z = 91.1880, 2.4955
#: Top pole mass (PDG 2024, direct measurements).
M_T = 172.57
#: b pole mass (PDG 2024; used only in the gg/γγ loops).
M_B_POLE = 4.78
#: MS-bar masses m̄_b(m̄_b), m̄_c(m̄_c) (PDG 2024).
M_B_MSBAR, M_C_MSBAR = 4.183, 1.2730
#: Lepton pole masses (PDG 2024, via jaxrelic.constants).
M_TAU, M_MU = constants.M_TAU, constants.M_MUON
#: α_s(m_Z) (PDG 2024 world average 0.1180) and α_em(0) (PDG 2024) for on-shell photons.
ALPHA_S_MZ = 0.1180
ALPHA_EM0 = 1.0 / 137.035999

#: √s of the channel openings passed to the thermal average as ``thresholds``.
THRESHOLDS = (2.0 * M_W, 2.0 * M_Z, 2.0 * M_H, 2.0 * M_T)
#: Pole-detector flags within this distance [GeV] of 2m_W, 2m_Z, 2m_t are threshold features (certify()).
THRESHOLD_WINDOW = 10.0
#: x = m_S/T at which domain_status certifies ⟨σv⟩ (freeze-out region, as jaxrelic.WIMP).
X_CERTIFY = (2.0, 5.0, 10.0, 20.0, 30.0, 50.0)

#: The plug-in's one parameter table (domain reasons: docs/physics/higgs_portal_singlet.md §5).
PARAMETERS = jaxrelic.ParameterTable(
    jaxrelic.Parameter("m_S", "GeV", 100.0, 10.0, 5000.0,
                       "singlet mass m_S (10 GeV: √s ≥ 20 GeV keeps h* → hadrons perturbative; 5 TeV: freeze-out "
                       "stays below the electroweak crossover)", log=True),
    jaxrelic.Parameter("lambda_hS", "", 0.0366, 1e-6, 4.0 * math.pi,
                       "Higgs-portal coupling λ_hS in V ⊃ ½ λ_hS S²|H|² (Cline et al. 2013); ≤ 4π perturbativity; "
                       "default: Ω h² = 0.12 at the default m_S", log=True),
)

# ----------------------------------------------------------------------------------------------
# α_s and running quark masses (MS-bar, n_f = 5 above m̄_b; n_f = 4 only to run m̄_c up to m̄_b)
# ----------------------------------------------------------------------------------------------


def _alpha_s_lambda(mu, lam, nf, xp=jnp):
    """3-loop α_s(μ) in the Λ expansion (PDG review "Quantum chromodynamics", Λ-parametrisation)."""
    b0 = (33.0 - 2.0 * nf) / (12.0 * math.pi)
    b1 = (153.0 - 19.0 * nf) / (24.0 * math.pi**2)
    b2 = (2857.0 - 5033.0 * nf / 9.0 + 325.0 * nf**2 / 27.0) / (128.0 * math.pi**3)
    t = xp.log(mu**2 / lam**2)
    lt = xp.log(t)
    return 1.0 / (b0 * t) * (1.0 - b1 * lt / (b0**2 * t) + (b1**2 * (lt**2 - lt - 1.0) + b0 * b2) / (b0**4 * t**2))


#: Λ^(5) [GeV] with α_s(m_Z) = ALPHA_S_MZ; Λ^(4) continuous at μ = m̄_b (LO matching).
LAMBDA5 = spo.brentq(lambda lam: _alpha_s_lambda(M_Z, lam, 5, np) - ALPHA_S_MZ, 0.05, 0.5, xtol=1e-15)
LAMBDA4 = spo.brentq(lambda lam: _alpha_s_lambda(M_B_MSBAR, lam, 4, np) - _alpha_s_lambda(M_B_MSBAR, LAMBDA5, 5, np),
                     0.05, 0.6, xtol=1e-15)


def alpha_s(mu):
    """α_s^(5)(μ), 3-loop, α_s(m_Z) = 0.1180 (used at μ = √s ≥ 20 GeV)."""
    return _alpha_s_lambda(mu, LAMBDA5, 5)


def _c_run(a, nf):
    """c(a) of m̄(μ) ∝ c(α_s(μ)/π), 4-loop (Chetyrkin, Phys. Lett. B404 (1997) 161; as in RunDec)."""
    if nf == 5:
        return (23.0 * a / 6.0) ** (12.0 / 23.0) * (1.0 + 1.17549 * a + 1.50071 * a**2 + 0.172478 * a**3)
    return (25.0 * a / 6.0) ** (12.0 / 25.0) * (1.0 + 1.01413 * a + 1.38921 * a**2 + 1.09054 * a**3)


_A5_MB = _alpha_s_lambda(M_B_MSBAR, LAMBDA5, 5, np) / math.pi
#: m̄_c(m̄_b): m̄_c(m̄_c) run up with n_f = 4.
M_C_AT_MB = M_C_MSBAR * _c_run(_A5_MB, 4) / _c_run(_alpha_s_lambda(M_C_MSBAR, LAMBDA4, 4, np) / math.pi, 4)
#: Renormalisation-group invariants m̄_q(μ) = M̂_q c₅(α_s(μ)/π) for μ ≥ m̄_b.
M_HAT_B = M_B_MSBAR / _c_run(_A5_MB, 5)
M_HAT_C = M_C_AT_MB / _c_run(_A5_MB, 5)


def running_mass(mu, quark):
    """m̄_q(μ) [GeV] for quark 'b' or 'c', μ ≥ m̄_b (n_f = 5)."""
    hat = {"b": M_HAT_B, "c": M_HAT_C}[quark]
    return hat * _c_run(alpha_s(mu) / math.pi, 5)


# ----------------------------------------------------------------------------------------------
# Γ_h^SM(√s): width of a SM Higgs of mass √s (everything but hh)
# ----------------------------------------------------------------------------------------------

_PREF_F = G_F / (4.0 * math.sqrt(2.0) * math.pi)  # Γ(h → f f̄) = N_c G_F M m_f² β³/(4√2π)


def _safe_sqrt(x):
    pos = x > 0.0
    return jnp.where(pos, jnp.sqrt(jnp.where(pos, x, 1.0)), 0.0)


def _gamma_quark_light(rs, quark):
    """h* → q q̄ (q = b, c): 3 G_F √s m̄_q²(√s) β̄³ Δ_QCD/(4√2π), massless QCD correction to O(α_s³)
    (Chetyrkin; Djouadi, Phys. Rept. 457 (2008) 1, Sec. 2, n_f = 5; the O(α_s²) top-loop term is
    omitted, −0.5 % on bb̄ at 125 GeV)."""
    mq = running_mass(rs, quark)
    a = alpha_s(rs) / math.pi
    nf = 5.0
    dqcd = 1.0 + 5.67 * a + (35.94 - 1.36 * nf) * a**2 + (164.14 - 25.77 * nf + 0.259 * nf**2) * a**3
    beta2 = 1.0 - 4.0 * mq**2 / rs**2
    return 3.0 * _PREF_F * rs * mq**2 * _safe_sqrt(beta2) ** 3 * dqcd


def _gamma_lepton(rs, m):
    """h* → ℓ⁺ℓ⁻ at tree level with the pole mass."""
    return _PREF_F * rs * m**2 * _safe_sqrt(1.0 - 4.0 * m**2 / rs**2) ** 3


#: Bernoulli numbers B_0, B_1, B_2, B_4, …, B_20 for the dilogarithm series.
_BERNOULLI = (1.0, -0.5, 1.0 / 6.0, -1.0 / 30.0, 1.0 / 42.0, -1.0 / 30.0, 5.0 / 66.0, -691.0 / 2730.0, 7.0 / 6.0,
              -3617.0 / 510.0, 43867.0 / 798.0, -174611.0 / 330.0)


def _li2_series(z):
    """Li₂(z) = Σ_n B_n u^{n+1}/(n+1)!, u = −ln(1 − z) (’t Hooft & Veltman 1979), for −1 ≤ z ≤ ½
    (|u| ≤ ln 2: the terms fall like (u/2π)^n, B_20 term < 1e-17).  Plain jnp, differentiable
    (jax.scipy.special.spence has no usable derivative: grad gives NaN)."""
    u = -jnp.log1p(-z)
    out = u + _BERNOULLI[1] * u**2 / 2.0
    for k, b in enumerate(_BERNOULLI[2:]):
        n = 2 * (k + 1)
        out = out + (b / float(math.factorial(n + 1))) * u ** (n + 1)
    return out


def _li2_pos(z):
    """Li₂(z) for 0 < z < 1: the series, with Li₂(z) = π²/6 − ln z ln(1 − z) − Li₂(1 − z) above ½."""
    hi = z > 0.5
    zs = jnp.where(hi, 1.0 - z, z)
    base = _li2_series(zs)
    return jnp.where(hi, math.pi**2 / 6.0 - jnp.log(z) * jnp.log1p(-z) - base, base)


def _li2_neg(z):
    """Li₂(−z) for 0 ≤ z ≤ 1."""
    return _li2_series(-z)


def _drees_hikasa(beta, x):
    """Δ_H(β) of Γ(h → QQ̄) ∝ β³[1 + (4/3)(α_s/π) Δ_H] (Drees & Hikasa, PLB 240 (1990) 455; Spira,
    hep-ph/9705337); → 9/4 + (3/2) ln(m²/s) for β → 1, π²/(2β) for β → 0.
    ``x`` = 4m_Q²/s = 1 − β², passed separately so that 1 − β = x/(1 + β) keeps its digits at s ≫ m_Q²."""
    omb = x / (1.0 + beta)  # 1 − β
    r = omb / (1.0 + beta)  # (1 − β)/(1 + β)
    L = jnp.log((1.0 + beta) / omb)
    A = (1.0 + beta**2) * (4.0 * _li2_pos(r) + 2.0 * _li2_neg(r) - 3.0 * L * jnp.log(2.0 / (1.0 + beta))
                           - 2.0 * L * jnp.log1p(-omb)) - 3.0 * beta * jnp.log(4.0 / x) - 4.0 * beta * jnp.log1p(-omb)
    return A / beta + (3.0 + 34.0 * beta**2 - 13.0 * beta**4) * L / (16.0 * beta**3) + 3.0 * (7.0 * beta**2 - 1.0) / (8.0 * beta**2)


def _gamma_top(rs):
    """h* → tt̄ with the pole mass and the O(α_s) massive correction (α_s^(5)(√s)); the factor is
    clipped at 0 (it would turn negative only for √s ≳ 10⁸ GeV, where the pole-mass logarithm
    ln(s/m_t²) is unresummed and tt̄ is a 10⁻¹² fraction of Γ_h^SM)."""
    x = 4.0 * M_T**2 / rs**2
    op = x < 1.0 - 1e-12
    xs = jnp.where(op, x, 0.75)
    beta = jnp.sqrt(1.0 - xs)
    corr = jnp.maximum(1.0 + 4.0 / 3.0 * alpha_s(rs) / math.pi * _drees_hikasa(beta, xs), 0.0)
    return jnp.where(op, 3.0 * _PREF_F * rs * M_T**2 * beta**3 * corr, 0.0)


def _f_loop(tau):
    """(Re f, Im f) of the one-loop scalar function f(τ), τ = M²/(4m²) (Djouadi 2008, Sec. 2)."""
    lo = tau <= 1.0
    t_lo = jnp.where(lo, jnp.minimum(tau, 1.0 - 1e-12), 0.5)  # f is continuous at τ = 1; keep the
    t_hi = jnp.where(lo, 2.0, jnp.maximum(tau, 1.0 + 1e-12))  # √(1 − τ) derivatives finite there
    re_lo = jnp.arcsin(jnp.sqrt(t_lo)) ** 2
    r = jnp.sqrt(1.0 - 1.0 / t_hi)
    L = 2.0 * jnp.log1p(r) + jnp.log(t_hi)  # ln((1 + r)/(1 − r)), (1 − r)(1 + r) = 1/τ: exact for τ → ∞
    return jnp.where(lo, re_lo, -(L**2 - math.pi**2) / 4.0), jnp.where(lo, 0.0, math.pi * L / 2.0)


def _a_half(tau):
    """Spin-½ loop amplitude A_{1/2}(τ) = 2[τ + (τ − 1) f(τ)]/τ² (→ 4/3 for a heavy fermion)."""
    fr, fi = _f_loop(tau)
    return 2.0 * (tau + (tau - 1.0) * fr) / tau**2, 2.0 * (tau - 1.0) * fi / tau**2


def _a_one(tau):
    """Spin-1 (W) loop amplitude A_1(τ) = −[2τ² + 3τ + 3(2τ − 1) f(τ)]/τ² (→ −7 for a heavy W)."""
    fr, fi = _f_loop(tau)
    return -(2.0 * tau**2 + 3.0 * tau + 3.0 * (2.0 * tau - 1.0) * fr) / tau**2, -3.0 * (2.0 * tau - 1.0) * fi / tau**2


def _gamma_gg(rs):
    """h* → gg: LO top + bottom loops (Djouadi 2008, Sec. 2) × heavy-top NLO factor 1 + (95/4 − 7n_f/6) α_s/π
    (Spira, Djouadi, Graudenz, Zerwas, NPB 453 (1995) 17), α_s = α_s^(5)(√s)."""
    s = rs**2
    re = im = 0.0
    for m in (M_T, M_B_POLE):
        ar, ai = _a_half(s / (4.0 * m**2))
        re, im = re + 0.75 * ar, im + 0.75 * ai
    a = alpha_s(rs)
    k = 1.0 + (95.0 / 4.0 - 7.0 * 5.0 / 6.0) * a / math.pi
    return G_F * a**2 * rs**3 / (36.0 * math.sqrt(2.0) * math.pi**3) * (re**2 + im**2) * k


def _gamma_aa(rs):
    """h* → γγ at one loop: W, top (N_c Q² = 4/3) and bottom (1/3) (Djouadi 2008, Sec. 2), α(0)."""
    s = rs**2
    re, im = _a_one(s / (4.0 * M_W**2))
    for m, ncq2 in ((M_T, 4.0 / 3.0), (M_B_POLE, 1.0 / 3.0)):
        ar, ai = _a_half(s / (4.0 * m**2))
        re, im = re + ncq2 * ar, im + ncq2 * ai
    return G_F * ALPHA_EM0**2 * rs**3 / (128.0 * math.sqrt(2.0) * math.pi**3) * (re**2 + im**2)


# ---- W W and Z Z with both bosons off shell -------------------------------------------------


def gamma_vv_onshell(M, mV, delta):
    """Γ(h → VV), both on shell: δ_V G_F M³/(16√2π) √(1 − 4x)(1 − 4x + 12x²), x = m_V²/M²
    (δ_W = 2, δ_Z = 1; Djouadi 2008, Sec. 2).  Zero below 2m_V."""
    x = mV**2 / M**2
    return delta * G_F * M**3 / (16.0 * math.sqrt(2.0) * math.pi) * _safe_sqrt(1.0 - 4.0 * x) * (1.0 - 4.0 * x + 12.0 * x**2)


def gamma_vv_single_offshell(M, mV, delta_prime):
    """Γ(h → VV*) for m_V < M < 2m_V, one boson off shell, massless fermions (Keung & Marciano,
    PRD 30 (1984) 248; Djouadi 2008, Sec. 2): 3 G_F² m_V⁴ M δ'_V R(x)/(16π³), δ'_W = 1,
    δ'_Z = 7/12 − 10 s_W²/9 + 40 s_W⁴/27.  NumPy; diverges as the threshold 2m_V is approached."""
    x = mV**2 / M**2
    R = (3.0 * (1.0 - 8.0 * x + 20.0 * x**2) / np.sqrt(4.0 * x - 1.0) * np.arccos((3.0 * x - 1.0) / (2.0 * x**1.5))
         - (1.0 - x) / (2.0 * x) * (2.0 - 13.0 * x + 47.0 * x**2) - 1.5 * (1.0 - 6.0 * x + 4.0 * x**2) * np.log(x))
    return 3.0 * G_F**2 * mV**4 * M * delta_prime * R / (16.0 * np.pi**3)


def gamma_vv_offshell_np(M, mV, GV, delta, n=(48, 96)):
    """Γ(h* → V*V*) with both bosons off shell (Cahn, Rep. Prog. Phys. 52 (1989) 389; Djouadi
    2008, Sec. 2), NumPy:

        Γ = (1/π²) ∫₀^{M²} dq₁² B(q₁²) ∫₀^{(M−q₁)²} dq₂² B(q₂²) δ_V G_F M³/(16√2π) √λ (λ + 12 x₁x₂),

    B(q²) = m_VΓ_V/((q² − m_V²)² + m_V²Γ_V²), x_i = q_i²/M², λ = (1 − x₁ − x₂)² − 4x₁x₂.
    With q² = m_V² + m_VΓ_V tan θ, B dq² = dθ.  Inner θ₂ ∈ [θ(0), θ((M − q₁)²)] mapped as
    θ = θ_b − (θ_b − θ_a) w² (removes the √λ end point), n[1] Gauss–Legendre nodes.  The inner
    integral steps (width ~Γ_V) where its upper limit crosses the peak, q₁ = M − m_V, so the outer
    θ₁-range is cut at q₁ = M − m_V ± 3Γ_V, ± 30Γ_V (five panels of n[0] nodes each).
    """
    M = np.atleast_1d(np.asarray(M, dtype=np.float64))
    x1, w1 = np.polynomial.legendre.leggauss(n[0])
    x2, w2 = np.polynomial.legendre.leggauss(n[1])
    u1, wu1 = 0.5 * (x1 + 1.0), 0.5 * w1
    u2, wu2 = 0.5 * (x2 + 1.0), 0.5 * w2
    mG = mV * GV
    th0 = math.atan(-mV / GV)
    theta = lambda q: np.arctan((q**2 - mV**2) / mG)  # noqa: E731
    out = np.empty_like(M)
    for k, Mk in enumerate(M):
        qc = Mk - mV
        cuts = np.clip([0.0, qc - 30.0 * GV, qc - 3.0 * GV, qc + 3.0 * GV, qc + 30.0 * GV, Mk], 0.0, Mk)
        tcut = np.maximum.accumulate(theta(np.asarray(cuts)))
        ta, tb = tcut[:-1, None], tcut[1:, None]
        th1 = (ta + (tb - ta) * u1[None, :]).ravel()
        j1 = ((tb - ta) * wu1[None, :]).ravel()
        q1sq = np.clip(mV**2 + mG * np.tan(th1), 0.0, Mk**2)
        q2max = (Mk - np.sqrt(q1sq)) ** 2
        tb2 = np.arctan((q2max - mV**2) / mG)[:, None]
        th2 = tb2 - (tb2 - th0) * u2[None, :] ** 2
        j2 = 2.0 * (tb2 - th0) * u2[None, :] * wu2[None, :]
        q2sq = np.clip(mV**2 + mG * np.tan(th2), 0.0, None)
        y1 = q1sq[:, None] / Mk**2
        y2 = q2sq / Mk**2
        lam = np.clip((1.0 - y1 - y2) ** 2 - 4.0 * y1 * y2, 0.0, None)
        inner = np.sum(j2 * np.sqrt(lam) * (lam + 12.0 * y1 * y2), axis=1)
        out[k] = np.sum(j1 * inner) / math.pi**2
    return delta * G_F * M**3 / (16.0 * math.sqrt(2.0) * math.pi) * out


def _vv_table():
    """Cubic spline of ln R_V(ln M), R_V = Γ(h* → V*V*)/(δ_V G_F M³/(16√2π)), V = W, Z,
    on 15 GeV … 100 TeV (dense at 140–230 GeV, where the thresholds are)."""
    grid = np.unique(np.round(np.concatenate([np.geomspace(15.0, 1e5, 400), np.arange(100.0, 140.0, 0.5),
                                              np.arange(140.0, 230.001, 0.25)]), 9))
    lnM = np.log(grid)
    norm = G_F * grid**3 / (16.0 * math.sqrt(2.0) * math.pi)
    tabs = []
    for mV, GV in ((M_W, GAMMA_W), (M_Z, GAMMA_Z)):
        R = gamma_vv_offshell_np(grid, mV, GV, 1.0) / norm
        cs = spi.CubicSpline(lnM, np.log(R), bc_type="natural")
        tabs.append(jnp.asarray(cs.c))
    return jnp.asarray(lnM), tabs


_LNM_KNOTS, (_C_WW, _C_ZZ) = _vv_table()


def _spline(xk, coef, x):
    """Evaluate a scipy CubicSpline (knots ``xk``, coefficients ``coef`` (4, n−1)) in jnp; x clamped to the knots."""
    x = jnp.clip(x, xk[0], xk[-1])
    i = jnp.clip(jnp.searchsorted(xk, x, side="right") - 1, 0, xk.shape[0] - 2)
    d = x - xk[i]
    return ((coef[0, i] * d + coef[1, i]) * d + coef[2, i]) * d + coef[3, i]


def _gamma_vv(rs, coef, delta):
    """h* → V*V* from the splined double-off-shell integral (ratio held constant beyond 100 TeV)."""
    return delta * G_F * rs**3 / (16.0 * math.sqrt(2.0) * math.pi) * jnp.exp(_spline(_LNM_KNOTS, coef, jnp.log(rs)))


def gamma_h_sm_channels(rs):
    """Partial widths [GeV] of a SM Higgs of mass √s = ``rs`` (dict; jnp, vectorised)."""
    rs = jnp.asarray(rs, dtype=jnp.float64)
    return {
        "bb": _gamma_quark_light(rs, "b"),
        "cc": _gamma_quark_light(rs, "c"),
        "tautau": _gamma_lepton(rs, M_TAU),
        "mumu": _gamma_lepton(rs, M_MU),
        "tt": _gamma_top(rs),
        "WW": _gamma_vv(rs, _C_WW, 2.0),
        "ZZ": _gamma_vv(rs, _C_ZZ, 1.0),
        "gg": _gamma_gg(rs),
        "aa": _gamma_aa(rs),
    }


def gamma_h_sm(rs):
    """Γ_h^SM(√s) [GeV]: total width of a SM-like Higgs of mass √s into SM final states except hh."""
    return sum(gamma_h_sm_channels(rs).values())


def _smooth_table():
    """Cubic spline of ln(Γ_h^SM − Γ_tt) in ln √s, from the analytic channels above, on 15 GeV … 100 TeV
    (dense at the WW/ZZ thresholds and at 2m_t, where the loop functions have a cusp).  Everything
    but tt̄ is smooth; tt̄ (a linear onset at 2m_t, Coulomb β²) stays analytic in :func:`gamma_h_sm_fast`."""
    grid = np.unique(np.round(np.concatenate([np.geomspace(15.0, 1e5, 600), np.arange(100.0, 140.0, 0.25),
                                              np.arange(140.0, 230.001, 0.25),
                                              np.arange(340.0, 350.001, 0.1), [2.0 * M_T]]), 9))
    ch = jax.jit(gamma_h_sm_channels)(jnp.asarray(grid))
    rest = sum(np.asarray(v) for k, v in ch.items() if k != "tt")
    cs = spi.CubicSpline(np.log(grid), np.log(rest), bc_type="natural")
    return jnp.asarray(np.log(grid)), jnp.asarray(cs.c)


_LNRS_KNOTS, _C_REST = _smooth_table()


def gamma_h_sm_fast(rs):
    """Γ_h^SM(√s) as used in σ: the splined smooth channels (:func:`_smooth_table`, max. relative
    deviation from :func:`gamma_h_sm` ~1e-6, tests) + the analytic tt̄ width."""
    rs = jnp.asarray(rs, dtype=jnp.float64)
    return jnp.exp(_spline(_LNRS_KNOTS, _C_REST, jnp.log(rs))) + _gamma_top(rs)


#: Γ_h^SM(m_h) [GeV] (4.016 MeV; LHCHXSWG YR3 4.08 MeV at 125.1 GeV).
GAMMA_H_SM = float(jax.jit(gamma_h_sm)(M_H))


def gamma_h_to_SS(m_S, lambda_hS):
    """Γ(h → SS) = λ_hS² v₀² √(1 − 4m_S²/m_h²)/(32π m_h) (vertex λ_hS v₀, identical S: ½), 0 if closed."""
    return lambda_hS**2 * V0**2 / (32.0 * math.pi * M_H) * _safe_sqrt(1.0 - 4.0 * m_S**2 / M_H**2)


def gamma_h_total(m_S, lambda_hS):
    """Γ_h^tot at the pole = Γ_h^SM(m_h) + Γ(h → SS)."""
    return GAMMA_H_SM + gamma_h_to_SS(m_S, lambda_hS)


# ----------------------------------------------------------------------------------------------
# cross sections σ(s) [GeV⁻²] of SS → SM (spin-summed final states, no initial-state average needed: spin 0)
# ----------------------------------------------------------------------------------------------


def sigma_h_channel(s, m_S, lambda_hS, gamma_tot):
    """σ(SS → h* → SM) = λ_hS² v₀² |D_h(s)|² Γ_h^SM(√s)/√(s − 4m_S²)  (module docstring, docs eq. 2)."""
    k = s - 4.0 * m_S**2
    d2 = 1.0 / ((s - M_H**2) ** 2 + M_H**2 * gamma_tot**2)
    return jnp.where(k > 0, lambda_hS**2 * V0**2 * d2 * gamma_h_sm_fast(jnp.sqrt(s)) / _safe_sqrt(jnp.where(k > 0, k, 1.0)), 0.0)


def sigma_hh(s, m_S, lambda_hS):
    """σ(SS → hh) = β_h ⟨|M|²⟩/(32π √(s(s − 4m_S²))) (final-state factor ½ included), docs eq. 3.

    With t − m_S² = A + Bc, u − m_S² = A − Bc (A = m_h² − s/2, B = s β_S β_h/2, c = cos θ) and
    F = atanh(B/A)/(B/A) (evaluated through |A| − |B| without cancellation), the angular average ⟨·⟩ = ½∫dc of |M|²/λ_hS² is
    C² + 4 C λ_hS v₀² F/A + λ_hS² v₀⁴ [2/(A² − B²) + 2F/A²],  C = 1 + 3m_h²/(s − m_h²).
    """
    open_ = (s > 4.0 * M_H**2) & (s > 4.0 * m_S**2)
    ss = jnp.where(open_, s, 4.0 * (M_H + m_S) ** 2)
    bh = jnp.sqrt(1.0 - 4.0 * M_H**2 / ss)
    bs = jnp.sqrt(1.0 - 4.0 * m_S**2 / ss)
    A = M_H**2 - ss / 2.0  # < 0
    B = ss * bs * bh / 2.0  # 0 ≤ B < |A|
    # |A| − |B| = (s/2)(1 − β_Sβ_h) − m_h² without cancellation at s ≫ m²: 1 − β_Sβ_h = (a + b − ab)/(1 + β_Sβ_h)
    a, b = 4.0 * m_S**2 / ss, 4.0 * M_H**2 / ss
    D = ss / 2.0 * (a + b - a * b) / (1.0 + bs * bh) - M_H**2
    q = B / (-A)
    small = q < 1e-3
    qs = jnp.where(small, 0.5, q)
    F = jnp.where(small, 1.0 + q**2 / 3.0 + q**4 / 5.0, 0.5 * jnp.log((-A + B) / D) / qs)  # atanh(q)/q
    C = 1.0 + 3.0 * M_H**2 / (ss - M_H**2)
    lv = lambda_hS * V0**2
    m2 = C**2 + 4.0 * C * lv * F / A + lv**2 * (2.0 / (D * (B - A)) + 2.0 * F / A**2)
    return jnp.where(open_, lambda_hS**2 * bh * m2 / (32.0 * math.pi * jnp.sqrt(ss) * jnp.sqrt(ss - 4.0 * m_S**2)), 0.0)


def sigma_SS(s, m_S, lambda_hS):
    """Total σ(SS → SM) [GeV⁻²] = h*-channel + hh."""
    return sigma_h_channel(s, m_S, lambda_hS, gamma_h_total(m_S, lambda_hS)) + sigma_hh(s, m_S, lambda_hS)


# ----------------------------------------------------------------------------------------------
# the model
# ----------------------------------------------------------------------------------------------


class HiggsPortalSinglet(jaxrelic.AbstractNetworkModel):
    """Real scalar singlet S (Z₂-odd, g = 1, self-conjugate) annihilating through the Higgs portal.

    Parameters
    ----------
    m_S : float
        Singlet mass [GeV], 10 ≤ m_S ≤ 5000.
    lambda_hS : float
        Portal coupling (V ⊃ ½ λ_hS S²|H|²), 1e-6 ≤ λ_hS ≤ 4π.

    Concrete out-of-range values raise ValueError; traced ones (jit/vmap/grad) give status
    OUT_OF_RANGE through :meth:`domain_status`.  ⟨σv⟩ is the Gondolo–Gelmini average of
    :func:`sigma_SS` (Maxwell–Boltzmann), n_eq that of jaxrelic.WIMP with g = 1.
    """

    m_S: jax.Array
    lambda_hS: jax.Array
    g: float = eqx.field(static=True)

    def __init__(self, m_S=PARAMETERS["m_S"].default, lambda_hS=PARAMETERS["lambda_hS"].default):
        self.m_S = jnp.asarray(PARAMETERS.check("m_S", m_S), dtype=jnp.float64)
        self.lambda_hS = jnp.asarray(PARAMETERS.check("lambda_hS", lambda_hS), dtype=jnp.float64)
        self.g = 1.0

    # -- network interface ------------------------------------------------------------------
    @property
    def masses(self):
        return jnp.reshape(self.m_S, (1,))

    def log_n_eq(self, T):
        """ln n_eq = ln[g m² T K₂(m/T)/(2π²)] (Maxwell–Boltzmann, g = 1), via jaxrelic.WIMP."""
        return jaxrelic.WIMP(mass=self.m_S, g=self.g).log_n_eq(T)

    def sigma(self, s):
        """σ(SS → SM)(s) [GeV⁻²] at this parameter point."""
        return sigma_SS(s, self.m_S, self.lambda_hS)

    @property
    def resonances(self):
        """((m_h, Γ_h^tot),): the hint for the thermal average."""
        return ((jnp.asarray(M_H), gamma_h_total(self.m_S, self.lambda_hS)),)

    def sigma_v(self, T):
        """⟨σv⟩(T) [GeV⁻²] (Gondolo–Gelmini with the Higgs pole and thresholds as panel hints)."""
        return jaxrelic.thermal_average(self.sigma, self.m_S, self.m_S, T, resonances=self.resonances,
                                        thresholds=THRESHOLDS)

    def rates(self, T):
        sv = jnp.reshape(self.sigma_v(T), (1, 1))
        return jaxrelic.NetworkRates(sigma_v=sv, conversion=jnp.zeros((1, 1)), decay=jnp.zeros(1))

    def certify(self, x=X_CERTIFY):
        """Per-x trust flag of ⟨σv⟩ (bool array) from :func:`jaxrelic.thermal_average_checked`.

        The checker's pole detector also fires on two smooth features of σ that are not poles on
        the real axis: the rise of h* → W*W*, Z*Z* below 2m_V (a Breit–Wigner tail, pole-like at
        √s = 2m_V − iΓ_V) and the tt̄ onset.  A flag whose estimated pole √s lies within
        THRESHOLD_WINDOW of such a threshold (passed as a panel edge) is accepted when the 1.5×
        finer rule agrees to 1e-3 (``rel_diff``); docs §4 verifies these cases against quad.
        """
        T = self.m_S / jnp.asarray(x)
        v, good, info = jaxrelic.thermal_average_checked(self.sigma, self.m_S, self.m_S, T, resonances=self.resonances,
                                                         thresholds=THRESHOLDS, diagnostics=True)
        sus = info["suspect_sqrt_s"]
        near = jnp.zeros(sus.shape, dtype=bool)
        for t in (2.0 * M_W, 2.0 * M_Z, 2.0 * M_T):
            near = near | (jnp.abs(jnp.where(jnp.isfinite(sus), sus, 0.0) - t) < THRESHOLD_WINDOW)
        return good | (jnp.isfinite(v) & (info["rel_diff"] <= 1e-3) & near)

    def domain_status(self):
        """OUT_OF_RANGE for traced parameters outside PARAMETERS; NOT_CONVERGED where
        thermal_average_checked cannot certify ⟨σv⟩ at x = 2 … 50; else SUCCESS."""
        st = jaxrelic.status
        ok = PARAMETERS.contains({"m_S": self.m_S, "lambda_hS": self.lambda_hS})
        code = jnp.where(ok, jnp.where(jnp.all(self.certify()), st.SUCCESS, st.NOT_CONVERGED), st.OUT_OF_RANGE)
        return code.astype(jnp.int32)


# ----------------------------------------------------------------------------------------------
# the plug-in: one adapter, registered on import (and found through the "jaxrelic.models" entry point
# of examples/higgs_portal_singlet/pyproject.toml once installed)
# ----------------------------------------------------------------------------------------------

ADAPTER = jaxrelic.NetworkAdapter(
    "higgs-portal-singlet", HiggsPortalSinglet, PARAMETERS,
    "real scalar singlet S, Higgs portal ½ λ_hS S²|H|²: s-channel h with the off-shell width, hh (a plug-in)")
jaxrelic.register_model(ADAPTER, replace=True)
