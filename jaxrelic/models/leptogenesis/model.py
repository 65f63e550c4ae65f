r"""Vanilla (one-flavour, N₁-dominated) thermal leptogenesis.

Kinetic equations of W. Buchmüller, P. Di Bari and M. Plümacher, *Leptogenesis
for pedestrians*, Ann. Phys. 315 (2005) 305, hep-ph/0401240 (BDP: decays, inverse decays and
the ΔL = 2 washout term), in z = M₁/T.  Equation labels (L1)–(L12) are those of
``docs/physics/leptogenesis.md``, which derives every normalisation.

Abundances N_X are per comoving volume that contains one N₁ in
ultra-relativistic equilibrium, N_N1^eq(z ≪ 1) = 1 (the normalisation of
Blanchet & Di Bari, New J. Phys. 14 (2012) 125012; BDP 2005 and ULYSSES
normalise to one photon, N_N1^eq(z ≪ 1) = ¾, i.e. their N_X are ¾ of ours;
the rates D, W and the efficiency κ_f are the same in both):

    dN_N1/dz  = −D (N_N1 − N_N1^eq)                                   (L1)
    dN_B−L/dz = +ε₁ D (N_N1 − N_N1^eq) − W N_B−L                      (L2)
    N_N1^eq   = ½ z² K₂(z)                                             (L3)
    D         = K z K₁(z)/K₂(z)                                        (L4)
    W_ID      = ¼ K z³ K₁(z)                                           (L5)
    ΔW        = 0.186 (M₁/10¹⁰ GeV)(m̄/eV)² √(106.75/g_*) / z²          (L6)
    W         = W_ID [+ ΔW if washout_delta_L2]

Sign convention: ε₁ > 0 produces B − L > 0 and hence η_B > 0 (as in ULYSSES,
arXiv:2007.09150; BDP write −ε₁ in (L2), i.e. ε₁^BDP = −ε₁ here).
K = Γ_D/H(T = M₁) = m̃₁/m_* is the decay parameter.  M₁ enters only through
the ΔL = 2 term (L6).

The system is linear and N_N1 does not depend on ε₁, so the solver integrates
the *efficiency* form (L7) of BDP's formal solution,
N_B−L(z) = ε₁ κ(z) with Δ ≡ N_N1 − N_N1^eq:

    dΔ/dz = −D Δ + ½ z² K₁(z)          (d/dz[z²K₂] = −z²K₁)           (L7a)
    dκ/dz = D Δ − W κ                                                 (L7b)

Normalisation to Y = n/s (L8–L10): Y_N1^eq(z ≪ 1) = Y_rel =
135 ζ(3) g_N/(8π⁴ g_*) with g_N = 2 (relativistic Fermi–Dirac number density,
as implied by BDP's and ULYSSES's N_N1^eq(0) = N_ℓ^eq(0) = ¾ N_γ), so
Y_B−L = Y_rel N_B−L, Y_B = c_s Y_B−L with the SM spectator factor
c_s = 28/79 (:func:`jaxrelic.models.cogenesis.model.spectator_coefficients`),
and η_B = n_B/n_γ (today) = Y_B s₀/n_γ0.
"""

from __future__ import annotations

import functools
import math

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np

from ... import constants as c
from ...numerics.interpolate import CubicSpline
from ...numerics.special import k1e, k2e
from ...interface.parameters import Parameter, ParameterTable, is_traced
from ...thermo.chemical import spectator_coefficients

__all__ = [
    "VanillaLeptogenesis",
    "PARAMETERS",
    "UNFLAVOURED_M1_MIN",
    "davidson_ibarra_bound",
    "validity_notes",
    "INITIAL_CONDITIONS",
    "C_SPHALERON",
    "n_eq",
    "decay_rate",
    "inverse_decay_washout",
    "delta_l2_washout",
    "washout",
    "rhs",
    "efficiency_rhs",
    "bessel_factors",
    "relativistic_yield",
    "eta_per_n_bl",
    "m_star",
    "kappa_f_bdp",
    "z_b_bdp",
]

#: Allowed initial N₁ abundances at z_start.
INITIAL_CONDITIONS = ("thermal", "zero")

#: The model's one parameter table (CLI, workflows, constructor checks).
PARAMETERS = ParameterTable(
    Parameter("M1", "GeV", 1e10, 1e3, 1e18, "mass M₁ of the lightest heavy Majorana neutrino", log=True),
    Parameter("epsilon", "", 1e-6, -1.0, 1.0, "CP asymmetry ε₁ of N₁ decays (ε₁ > 0 gives η_B > 0)"),
    Parameter("K", "", 10.0, 1e-4, 1e4, "decay parameter K = Γ_D/H(T=M₁) = m̃₁/m_*", log=True),
    Parameter("initial", "", "thermal", description="N₁ abundance at z_start = 1e-3", kind="choice",
              choices=INITIAL_CONDITIONS),
    Parameter("washout_delta_L2", "", False, description="include the ΔL = 2 washout ∝ M₁ m̄²", kind="bool"),
    Parameter("g_star", "", 106.75, 10.0, 1000.0, "relativistic dof g_* = g_*s during leptogenesis (SM: 106.75)",
              log=True),
    Parameter("m_bar", "eV", 0.05, 0.0, 10.0, "m̄ = (m₁² + m₂² + m₃²)^½ of the ΔL = 2 washout (L6)"),
)
_REAL = ("M1", "epsilon", "K", "g_star", "m_bar")

#: Y_B / Y_{B−L} = 28/79 (SM, all Yukawas and sphalerons in equilibrium), exact
#: rational from :func:`~jaxrelic.models.cogenesis.model.spectator_coefficients`.
C_SPHALERON = float(spectator_coefficients().baryon)

#: Higgs vev ⟨H⁰⟩ = v = (2√2 G_F)^{−1/2} [GeV] (G_F = 1.1663788e-5 GeV⁻², PDG 2024).
HIGGS_VEV = 1.0 / math.sqrt(2.0 * math.sqrt(2.0) * 1.1663788e-5)

#: Coefficient of (L6) at g_* = 106.75 (BDP; docs/physics/leptogenesis.md §3 re-derives it to ~20 %).
DELTA_W_COEFF = 0.186


#: M₁ above which the one-flavour (unflavoured) treatment holds: below ~1e12 GeV the τ Yukawa
#: interactions are in equilibrium during leptogenesis (docs/physics/leptogenesis.md §8).
UNFLAVOURED_M1_MIN = 1e12

#: Atmospheric mass scale √Δm²_atm ≈ 0.05 eV of the Davidson–Ibarra bound [eV].
M_ATM_EV = 0.05


def davidson_ibarra_bound(M1):
    """Davidson–Ibarra bound |ε₁| ≤ 3 M₁ m_atm/(16π v²) (hierarchical type-I seesaw, v = 174.1 GeV).

    Davidson & Ibarra, Phys. Lett. B 535 (2002) 25, with m₃ − m₁ ≤ m_atm.
    """
    return 3.0 * M1 * M_ATM_EV * 1e-9 / (16.0 * math.pi * HIGGS_VEV**2)


def validity_notes(M1: float, epsilon: float) -> list:
    """``notes`` entries for a concrete point outside the vanilla model's physical assumptions.

    * ``flavour_effects``: M₁ < :data:`UNFLAVOURED_M1_MIN`, charged-lepton Yukawas in equilibrium;
      the one-flavour equations can be off by O(1).
    * ``epsilon_above_di_bound``: |ε₁| above :func:`davidson_ibarra_bound`, reachable only with
      quasi-degenerate N₂ (resonant regime), whose dynamics these N₁-only equations omit.
    """
    notes = []
    if M1 < UNFLAVOURED_M1_MIN:
        notes.append(
            f"flavour_effects: M1 = {M1:.3g} GeV < {UNFLAVOURED_M1_MIN:.0e} GeV; charged-lepton Yukawas are in "
            "equilibrium, the one-flavour result can be off by O(1)"
        )
    di = davidson_ibarra_bound(M1)
    if abs(epsilon) > di:
        notes.append(
            f"epsilon_above_di_bound: |epsilon| = {abs(epsilon):.3g} > 3 M1 m_atm/(16 pi v^2) = {di:.3g}; needs a "
            "quasi-degenerate N2, whose dynamics the N1-only equations omit"
        )
    return notes


def _check(name, value):
    """float64 array of ``value``; ValueError naming ``name`` and its range for concrete values
    out of :data:`PARAMETERS` (traced values pass, see ``in_domain``)."""
    prm = PARAMETERS[name]
    if not is_traced(value) and not prm.valid(value):
        u = f" {prm.unit}" if prm.unit else ""
        raise ValueError(f"VanillaLeptogenesis: {name}={value!r}{u} outside the allowed range {prm.range_text()}")
    return jnp.asarray(value, dtype=jnp.float64)


class VanillaLeptogenesis(eqx.Module):
    """One-flavour N₁ leptogenesis point (BDP 2005 kinetic equations (L1)–(L6)).

    Parameters
    ----------
    M1 : float
        Heavy-neutrino mass M₁ [GeV], 1e3 ≤ M₁ ≤ 1e18.  Enters only the ΔL = 2
        washout (L6); the sphaleron conversion c_s = 28/79 assumes
        T_B ≈ M₁/z_B well above the electroweak scale.
    epsilon : float
        CP asymmetry ε₁, −1 ≤ ε₁ ≤ 1 (sign convention: ε₁ > 0 ⇒ η_B > 0).
    K : float
        Decay parameter K = Γ_D/H(T = M₁) = m̃₁/m_*, 1e-4 ≤ K ≤ 1e4 (dimensionless).
    initial : {"thermal", "zero"}
        N₁ abundance at z_start: equilibrium (L3) or vanishing.  Static.
    washout_delta_L2 : bool
        Add the non-resonant ΔL = 2 washout ΔW of (L6).  Static.  Default False
        (as ULYSSES 1BE1F); it matters for M₁ ≳ 10¹³ GeV (0.05 eV/m̄)²
        (docs/physics/leptogenesis.md §3).
    g_star : float
        Relativistic degrees of freedom g_* = g_*s during leptogenesis,
        default 106.75 (SM; N₁ itself not counted, as in ULYSSES).
        Enters Y_rel (L8) and the Hubble rate in (L6).
    m_bar : float
        m̄ = (Σ m_i²)^½ [eV] of the light neutrinos, 0 ≤ m̄ ≤ 10, used only in (L6).
        Default 0.05 eV ≈ (Δm²_atm + Δm²_sol)^½ (hierarchical spectrum).
    """

    M1: jax.Array
    epsilon: jax.Array
    K: jax.Array
    g_star: jax.Array
    m_bar: jax.Array
    initial: str = eqx.field(static=True)
    washout_delta_L2: bool = eqx.field(static=True)

    def __init__(
        self,
        M1=1e10,
        epsilon=1e-6,
        K=10.0,
        initial: str = "thermal",
        washout_delta_L2: bool = False,
        g_star=106.75,
        m_bar=0.05,
    ):
        self.M1 = _check("M1", M1)
        self.epsilon = _check("epsilon", epsilon)
        self.K = _check("K", K)
        self.g_star = _check("g_star", g_star)
        self.m_bar = _check("m_bar", m_bar)
        if initial not in INITIAL_CONDITIONS:
            raise ValueError(
                f"VanillaLeptogenesis: initial={initial!r} invalid; allowed: {', '.join(INITIAL_CONDITIONS)}"
            )
        if not isinstance(washout_delta_L2, (bool, np.bool_)):
            raise ValueError(
                f"VanillaLeptogenesis: washout_delta_L2={washout_delta_L2!r} must be a Python bool (static switch)"
            )
        self.initial = initial
        self.washout_delta_L2 = bool(washout_delta_L2)

    def in_domain(self):
        """bool: every parameter within :data:`PARAMETERS` (jnp; the solver flags OUT_OF_RANGE)."""
        return PARAMETERS.contains({name: getattr(self, name) for name in _REAL})


# ---------------------------------------------------------------------------
# Right-hand sides (pure functions of z and the model)
# ---------------------------------------------------------------------------


def n_eq(z):
    """N_N1^eq(z) = ½ z² K₂(z), normalised to N_N1^eq(0) = 1 (L3).

    Parameters
    ----------
    z : array_like
        z = M₁/T (dimensionless), 1e-3 ≤ z ≤ 1e4.
    """
    z = jnp.asarray(z, dtype=jnp.float64)
    return 0.5 * z**2 * k2e(z) * jnp.exp(-z)


def decay_rate(K, z):
    """Decay term D(z) = Γ_D ⟨1/γ⟩/(H z) = K z K₁(z)/K₂(z) (L4), dimensionless."""
    z = jnp.asarray(z, dtype=jnp.float64)
    return K * z * k1e(z) / k2e(z)


def inverse_decay_washout(K, z):
    """Inverse-decay washout W_ID(z) = ¼ K z³ K₁(z) = ½ D N_N1^eq/N_ℓ^eq (L5)."""
    z = jnp.asarray(z, dtype=jnp.float64)
    return 0.25 * K * z**3 * k1e(z) * jnp.exp(-z)


def delta_l2_washout(M1, m_bar, g_star, z):
    """Non-resonant ΔL = 2 washout ΔW(z) (L6) of BDP, valid for z = M₁/T ≳ 1; M₁ in GeV, m̄ in eV.

    ΔW = 0.186 (M₁/10¹⁰ GeV)(m̄/eV)² √(106.75/g_*) z⁻²; the √(106.75/g_*) rescales BDP's Hubble rate
    (ΔW = Γ_ΔL=2/(H z), H ∝ √g_*).
    """
    z = jnp.asarray(z, dtype=jnp.float64)
    return DELTA_W_COEFF * (M1 / 1e10) * m_bar**2 * jnp.sqrt(106.75 / g_star) / z**2


def washout(model: VanillaLeptogenesis, z):
    """Total washout W(z) = W_ID (+ ΔW when ``model.washout_delta_L2``), (L5)–(L6)."""
    w = inverse_decay_washout(model.K, z)
    if model.washout_delta_L2:
        w = w + delta_l2_washout(model.M1, model.m_bar, model.g_star, z)
    return w


def rhs(z, N_N1, N_BL, model: VanillaLeptogenesis):
    """Kinetic equations (L1)–(L2): (dN_N1/dz, dN_B−L/dz) at z = M₁/T, abundances normalised to N_N1^eq(0) = 1.

    N = N_eq is a fixed point of (L1) and the asymmetry source of (L2) vanishes there (detailed balance).
    """
    D = decay_rate(model.K, z)
    dev = N_N1 - n_eq(z)
    return -D * dev, model.epsilon * D * dev - washout(model, z) * N_BL


@functools.lru_cache(maxsize=1)
def _bessel_table() -> CubicSpline:
    """Natural cubic spline of (ln K₁^e, ln K₂^e) in u = ln z on 1e-3 ≤ z ≤ 1e4.

    2049 knots (Δu = 7.9e-3) from :func:`~jaxrelic.numerics.special.k1e` /
    ``k2e``; interpolation error ~ Δu⁴ |f⁗|/384, measured < 1e-10 relative
    (both functions tend to straight lines in u at the ends, so the natural
    end conditions are nearly exact).  Built once, outside any trace.  One
    quadrature evaluation costs ~100 exponentials and the stiff solve calls
    the right-hand side ~20 times per step, so the table makes the solver
    several times faster (tests/test_leptogenesis.py checks it against the
    quadrature).
    """
    with jax.ensure_compile_time_eval():
        return _build_bessel_table()


@eqx.filter_jit
def _build_bessel_table() -> CubicSpline:
    # one compiled call instead of op-by-op dispatch of the quadrature and the spline set-up
    u = jnp.linspace(math.log(1e-3), math.log(1e4), 2049)
    z = jnp.exp(u)
    return CubicSpline(u, jnp.stack([jnp.log(k1e(z)), jnp.log(k2e(z))], axis=1))


def bessel_factors(z):
    """(K₁(z)/K₂(z), e^{z} K₁(z)) from the spline table of :func:`_bessel_table` (1e-3 ≤ z ≤ 1e4)."""
    z = jnp.asarray(z, dtype=jnp.float64)
    lk = _bessel_table()(jnp.log(z))
    return jnp.exp(lk[..., 0] - lk[..., 1]), jnp.exp(lk[..., 0])


def efficiency_rhs(z, delta, kappa, model: VanillaLeptogenesis):
    """Efficiency form (L7a)–(L7b): (dΔ/dz, dκ/dz), Δ = N_N1 − N_N1^eq, N_B−L = ε₁ κ.

    Uses d(z²K₂)/dz = −z²K₁ (DLMF 10.29.4) so that no difference of nearly
    equal abundances is formed; stiff but linear in (Δ, κ).  K₁ and K₂ come
    from the spline table :func:`bessel_factors` (relative error < 1e-10).
    """
    z = jnp.asarray(z, dtype=jnp.float64)
    ratio, k1 = bessel_factors(z)
    k1_ez = k1 * jnp.exp(-z)
    D = model.K * z * ratio
    W = 0.25 * model.K * z**3 * k1_ez
    if model.washout_delta_L2:
        W = W + delta_l2_washout(model.M1, model.m_bar, model.g_star, z)
    return -D * delta + 0.5 * z**2 * k1_ez, D * delta - W * kappa


# ---------------------------------------------------------------------------
# Normalisations and analytic benchmarks
# ---------------------------------------------------------------------------


def relativistic_yield(g_star=106.75):
    """Y_rel = Y_N1^eq(z ≪ 1) = 135 ζ(3) g_N/(8π⁴ g_*), g_N = 2 (L8): Y_X = Y_rel N_X."""
    return 135.0 * c.ZETA3 * 2.0 / (8.0 * math.pi**4 * g_star)


def eta_per_n_bl(g_star=106.75):
    """η_B per unit N_B−L (N_N1^eq(0) = 1): c_s Y_rel s₀/n_γ0 (L9–L10), ≈ 9.73e-3 at g_* = 106.75."""
    return C_SPHALERON * relativistic_yield(g_star) * c.S0_CM3 / c.N_GAMMA0_CM3


def m_star(g_star=106.75):
    """Equilibrium neutrino mass m_* = 16 π^{5/2} √g_* v²/(3√5 M_Pl) [eV] (≈ 1.07e-3 eV), K = m̃₁/m_*."""
    return 16.0 * math.pi**2.5 * jnp.sqrt(g_star) * HIGGS_VEV**2 / (3.0 * math.sqrt(5.0) * c.M_PL) * 1e9


def z_b_bdp(K):
    """BDP fit of the freeze-out point z_B(K) ≈ 2 + 4 K^0.13 e^{−2.5/K} (L11)."""
    return 2.0 + 4.0 * K**0.13 * jnp.exp(-2.5 / K)


def kappa_f_bdp(K):
    """BDP analytic efficiency κ_f ≈ 2/(K z_B)(1 − e^{−K z_B/2}) (L12), thermal N₁ (decays + inverse decays).

    Accuracy stated by BDP: tens of per cent; exact limits κ_f → 1 (K → 0).
    """
    x = K * z_b_bdp(K)
    return 2.0 / x * (-jnp.expm1(-0.5 * x))
