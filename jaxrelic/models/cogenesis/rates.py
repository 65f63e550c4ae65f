r"""EFT coefficients, reduced cross sections, thermal rates and energy transfer.

Freeze-in cogenesis (arXiv:2505.22710).  Below M_i the heavy neutrinos are
integrated out at tree level (``docs/physics/cogenesis_model.md`` §3, E3.1):

    𝓛_eff = Σ_i [ (J_i J_i + h.c.)/(2 M_i) + J_i† iσ̄·∂ J_i / M_i² ],   J_i = y_i (L·H) + λ_i (χ φ*),

and all 2→2 processes among L, H, χ, φ are contact interactions.  Conventions
(cogenesis_model.md §4.1): W(s) = ∫dΦ₂ Σ|M|² is the reduced cross section summed over
all internal states; γ is the one-way reaction density (reactions per volume
per time) for Maxwell–Boltzmann massless initial states without chemical
potentials (E4.1).  Pair states: a = (L, H) SU(2) singlet, ā its conjugate,
b = (χ, φ̄), b̄ = (χ̄, φ).

The corrections of the re-derivation (``docs/physics/cogenesis_derivation.md``;
cogenesis_model.md §0.1) are implemented here; in
particular every reversible reaction is counted exactly once (:data:`PROCESSES`):
Γ^mix is the sum over the four reversible mixed reactions of each dimension,
and the ΔL_SM = 2 and ΔX = 4 totals include HH → L̄L̄ and φ̄φ̄ → χ̄χ̄.
"""

from __future__ import annotations

import math
from typing import Callable, NamedTuple

import jax.numpy as jnp
from jax import Array

from ...numerics.quadrature import gauss_laguerre
from ...numerics.special import k1e, k2e
from .model import Cogenesis

__all__ = [
    "HIGGS_VEV",
    "EFTCoefficients",
    "Process",
    "PROCESSES",
    "ThermalRates",
    "eft_coefficients",
    "neutrino_mass",
    "reduced_cross_section",
    "reaction_density_power",
    "reaction_density",
    "energy_density_rate",
    "mixed_energy_transfer",
    "thermal_rates",
    "energy_transfer_rate",
]

#: Higgs vacuum expectation value ⟨H⁰⟩ = v = (2√2 G_F)^{-1/2} = 174.10 GeV
#: (G_F = 1.1663788e-5 GeV⁻², PDG 2024), used for the seesaw neutrino mass.
HIGGS_VEV = 1.0 / math.sqrt(2.0 * math.sqrt(2.0) * 1.1663788e-5)

_PI = math.pi


class EFTCoefficients(NamedTuple):
    """Tree-level EFT coefficients of E3.2 (cogenesis_model.md §3 table).

    Attributes
    ----------
    C_LL : complex [GeV⁻¹]
        Σ_i y_i²/(2M_i): Weinberg operator (L·H)(L·H), ΔL_SM = 2.
    C_Lchi : complex [GeV⁻¹]
        Σ_i y_i λ_i/M_i: (L·H)(χφ*), SM↔dark, dimension 5.
    C_chichi : complex [GeV⁻¹]
        Σ_i λ_i²/(2M_i): (χφ*)(χφ*), ΔX = 4.
    D_Lchi : complex [GeV⁻²]
        Σ_i y_i* λ_i/M_i²: (L·H)† iσ̄·∂ (χφ*), SM↔dark, dimension 6.
    D_LL, D_chichi : float [GeV⁻²]
        Σ_i |y_i|²/M_i², Σ_i |λ_i|²/M_i²: elastic, charge-neutral.
    E_Lchi : complex [GeV⁻³]
        Σ_i y_i λ_i/M_i³: next order of the dimension-5 channel (§4.4).
    """

    C_LL: Array
    C_Lchi: Array
    C_chichi: Array
    D_Lchi: Array
    D_LL: Array
    D_chichi: Array
    E_Lchi: Array


def eft_coefficients(model: Cogenesis) -> EFTCoefficients:
    """EFT coefficients of the model, complex/real scalars in GeV⁻¹…GeV⁻³ (cogenesis_model.md E3.1–E3.2, §3 table)."""
    y, lam, m = model.y, model.lam, model.masses
    return EFTCoefficients(
        C_LL=jnp.sum(y**2 / (2.0 * m)),
        C_Lchi=jnp.sum(y * lam / m),
        C_chichi=jnp.sum(lam**2 / (2.0 * m)),
        D_Lchi=jnp.sum(jnp.conj(y) * lam / m**2),
        D_LL=jnp.sum(jnp.abs(y) ** 2 / m**2),
        D_chichi=jnp.sum(jnp.abs(lam) ** 2 / m**2),
        E_Lchi=jnp.sum(y * lam / m**3),
    )


def neutrino_mass(model: Cogenesis) -> Array:
    """Seesaw light-neutrino mass |m_ν| = 2 |C_LL| v² [GeV] of the coupled flavour (cogenesis_model.md §2.3)."""
    return 2.0 * jnp.abs(eft_coefficients(model).C_LL) * HIGGS_VEV**2


# ---------------------------------------------------------------------------
# Process table (cogenesis_model.md §4.2, re-derived from explicit spinor amplitudes)
# ---------------------------------------------------------------------------


class Process(NamedTuple):
    """One reversible 2→2 reaction of the EFT (cogenesis_model.md §4.2 tables, completed).

    W(s) = a · |coupling|² · s^n (summed over all internal states, the factor ½
    for identical final particles included); W is the same for the forward and
    the reverse direction and for the CP-conjugate reaction.

    Attributes
    ----------
    name : str
        Label (cogenesis_model.md §4.2 numbering P5, P6, M5a … M6d; "c" marks the CP image).
    initial, final : tuple of str
        Particles of the forward direction ("L", "Lbar", "H", "Hbar", "chi",
        "chibar", "phi", "phibar").
    coupling : str
        Field of :class:`EFTCoefficients` whose modulus squared multiplies W.
    a : float
        Dimensionless prefactor.
    n : int
        Power of s.
    beta : float
        Angular moment β = ∫dΦ (t−u)Σ|M|²/(2sW) (E4.3; t = (p₁−p₃)², particle 1
        = SM initial, 3 = SM final).  Used for mixed processes only.
    dL, dX : int
        Change of SM lepton number and of dark charge X in the forward direction.
    kind : str
        "pair" (SM pair ↔ dark pair), "mixed", "sm" (ΔL_SM = 2), "dark" (ΔX = 4).
    identical_initial : bool
        Identical initial particles in the forward direction (extra ½ in γ).
    """

    name: str
    initial: tuple
    final: tuple
    coupling: str
    a: float
    n: int
    beta: float
    dL: int
    dX: int
    kind: str
    identical_initial: bool = False


#: Every reversible reaction of the leading EFT, each listed exactly once (its
#: reverse is implied, the CP image is a separate entry unless the reaction is
#: self-conjugate).  From the operators of E3.2: 4 pair + 8 mixed per portal
#: dimension, 3 ΔL_SM = 2 and 3 ΔX = 4 reactions (24 + 6 + 6 one-way reactions;
#: completeness is tested by enumeration in tests/cogenesis/test_equations.py).
#: The first write-up of §4.2 missed HH → L̄L̄ and φ̄φ̄ → χ̄χ̄ (cogenesis_model.md §0.1); the CP image of a
#: mixed reaction is the reverse of another listed one (M5a ↔ M5d, M5b ↔ M5c).
PROCESSES = (
    Process("P5", ("L", "H"), ("chibar", "phi"), "C_Lchi", 1 / (8 * _PI), 1, 0.0, -1, -2, "pair"),
    Process("P5c", ("Lbar", "Hbar"), ("chi", "phibar"), "C_Lchi", 1 / (8 * _PI), 1, 0.0, +1, +2, "pair"),
    Process("P6", ("L", "H"), ("chi", "phibar"), "D_Lchi", 1 / (8 * _PI), 2, 0.0, -1, +2, "pair"),
    Process("P6c", ("Lbar", "Hbar"), ("chibar", "phi"), "D_Lchi", 1 / (8 * _PI), 2, 0.0, +1, -2, "pair"),
    Process("M5a", ("L", "chi"), ("Hbar", "phi"), "C_Lchi", 1 / (4 * _PI), 1, 0.0, -1, -2, "mixed"),
    Process("M5b", ("L", "phibar"), ("Hbar", "chibar"), "C_Lchi", 1 / (8 * _PI), 1, 1 / 6, -1, -2, "mixed"),
    Process("M5c", ("H", "chi"), ("Lbar", "phi"), "C_Lchi", 1 / (8 * _PI), 1, 1 / 6, -1, -2, "mixed"),
    Process("M5d", ("H", "phibar"), ("Lbar", "chibar"), "C_Lchi", 1 / (4 * _PI), 1, 0.0, -1, -2, "mixed"),
    Process("M6a", ("L", "chibar"), ("Hbar", "phibar"), "D_Lchi", 1 / (24 * _PI), 2, 0.0, -1, +2, "mixed"),
    Process("M6b", ("L", "phi"), ("Hbar", "chi"), "D_Lchi", 1 / (8 * _PI), 2, -1 / 6, -1, +2, "mixed"),
    Process("M6c", ("H", "chibar"), ("Lbar", "phibar"), "D_Lchi", 1 / (8 * _PI), 2, -1 / 6, -1, +2, "mixed"),
    Process("M6d", ("H", "phi"), ("Lbar", "chi"), "D_Lchi", 1 / (24 * _PI), 2, 0.0, -1, +2, "mixed"),
    Process("LH->LbarHbar", ("L", "H"), ("Lbar", "Hbar"), "C_LL", 3 / _PI, 1, 0.0, -2, 0, "sm"),
    Process("LL->HbarHbar", ("L", "L"), ("Hbar", "Hbar"), "C_LL", 3 / _PI, 1, 0.0, -2, 0, "sm", True),
    Process("HH->LbarLbar", ("H", "H"), ("Lbar", "Lbar"), "C_LL", 3 / _PI, 1, 0.0, -2, 0, "sm", True),
    Process("b->bbar", ("chi", "phibar"), ("chibar", "phi"), "C_chichi", 1 / _PI, 1, 0.0, 0, -4, "dark"),
    Process("chichi->phiphi", ("chi", "chi"), ("phi", "phi"), "C_chichi", 1 / _PI, 1, 0.0, 0, -4, "dark", True),
    Process(
        "phibarphibar->chibarchibar", ("phibar", "phibar"), ("chibar", "chibar"), "C_chichi", 1 / _PI, 1, 0.0, 0, -4,
        "dark", True,
    ),
)

_BY_NAME = {p.name: p for p in PROCESSES}


def reduced_cross_section(model: Cogenesis, name: str, s) -> Array:
    """Dimensionless reduced cross section W(s) of a :data:`PROCESSES` entry (cogenesis_model.md §4.2).

    ``name`` is a label such as "P5" or "M6b"; s in GeV². For "P5"/"P5c" with ``model.nlo_dim5`` the O(s²) term
    2 Re(C_Lχ* E_Lχ) s²/(8π) of §4.4 (s-channel expansion of E4.6) is added.
    """
    try:
        p = _BY_NAME[name]
    except KeyError:
        raise ValueError(f"reduced_cross_section: unknown process {name!r}; known: {tuple(_BY_NAME)}") from None
    c = eft_coefficients(model)
    s = jnp.asarray(s, dtype=jnp.float64)
    w = p.a * jnp.abs(getattr(c, p.coupling)) ** 2 * s**p.n
    if name in ("P5", "P5c") and model.nlo_dim5:
        w = w + 2.0 * jnp.real(jnp.conj(c.C_Lchi) * c.E_Lchi) * s**2 / (8.0 * _PI)
    return w


# ---------------------------------------------------------------------------
# Reaction densities (cogenesis_model.md §4.1, E4.1–E4.3)
# ---------------------------------------------------------------------------


def reaction_density_power(A, n: int, T1, T2=None) -> Array:
    """Closed-form reaction density γ(T₁,T₂) [GeV⁴] for W = A sⁿ (cogenesis_model.md E4.2).

    γ = A 2^{2n−4} n!(n+1)! (T₁T₂)^{n+2}/π⁴ (n = 1: AT₁³T₂³/(2π⁴); n = 2: 12AT₁⁴T₂⁴/π⁴), A in GeV^{−2n},
    n static; particle 1 thermal at T₁, particle 2 at T₂ (default T₁) [GeV], MB, massless, μ = 0.
    """
    T2 = T1 if T2 is None else T2
    pref = 2.0 ** (2 * n - 4) * math.factorial(n) * math.factorial(n + 1) / _PI**4
    return pref * A * (jnp.asarray(T1) * jnp.asarray(T2)) ** (n + 2)


def reaction_density(w: Callable, T1, T2=None, n_nodes: int = 48) -> Array:
    """Reaction density γ(T₁,T₂) [GeV⁴] for an arbitrary W(s) by quadrature (cogenesis_model.md E4.1).

    For massless MB initial states the six-dimensional integral reduces exactly (cogenesis_derivation.md §1) to
    the equal-temperature formula at T̄ = √(T₁T₂):

        γ(T₁,T₂) = (T̄/64π⁴) ∫₀^∞ ds √s K₁(√s/T̄) W(s) = (T̄⁴/32π⁴) ∫₀^∞ dz z² K₁(z) W(T̄²z²),

    evaluated with ``n_nodes``-point generalised Gauss–Laguerre (weight z e^{−z}) on z K₁^e(z) W. ``w``: W(s),
    jnp-vectorised in s [GeV²]; T₁, T₂ scalars [GeV], T₂ defaults to T₁.
    """
    T2 = T1 if T2 is None else T2
    tbar = jnp.sqrt(jnp.asarray(T1, dtype=jnp.float64) * jnp.asarray(T2, dtype=jnp.float64))
    z, wz = gauss_laguerre(n_nodes, 1.0)
    z = jnp.asarray(z)
    integrand = z * k1e(z) * w(tbar[..., None] ** 2 * z**2)
    return tbar**4 / (32.0 * _PI**4) * jnp.sum(jnp.asarray(wz) * integrand, axis=-1)


def energy_density_rate(w: Callable, T, n_nodes: int = 48) -> Array:
    """γ_E = ∫dΠ₁dΠ₂ f₁f₂ (E₁+E₂) W [GeV⁵], energy flux of the initial pairs (cogenesis_model.md §4.1).

    γ_E(T) = (T/64π⁴) ∫ds s K₂(√s/T) W(s) = (T⁵/32π⁴) ∫dz z³ K₂(z) W(T²z²) (Gauss–Laguerre, weight z e^{−z});
    for W = A sⁿ, γ_E = 2(n+2)Tγ.
    """
    T = jnp.asarray(T, dtype=jnp.float64)
    z, wz = gauss_laguerre(n_nodes, 1.0)
    z = jnp.asarray(z)
    integrand = z**2 * k2e(z) * w(T[..., None] ** 2 * z**2)
    return T**5 / (32.0 * _PI**4) * jnp.sum(jnp.asarray(wz) * integrand, axis=-1)


def mixed_energy_transfer(A, n: int, beta, T, T_dark) -> Array:
    """Energy Q [GeV⁵] given to the dark sector by one one-way mixed reaction (cogenesis_model.md E4.3).

    SM 1 (at T) + dark 2 (at T') → SM 3 + dark 4 with W = A sⁿ (A in GeV^{−2n}) and angular moment β:
    Q = (½ − β)(n+2)(T − T') γ(T, T'), positive when T > T'.
    """
    return (0.5 - beta) * (n + 2) * (T - T_dark) * reaction_density_power(A, n, T, T_dark)


# ---------------------------------------------------------------------------
# Thermal rates of the model (cogenesis_model.md §4.2, E4.4; corrected counting)
# ---------------------------------------------------------------------------


class ThermalRates(NamedTuple):
    """One-way reaction densities [GeV⁴] at SM temperature T and dark temperature T' = ξT.

    Attributes
    ----------
    gamma5 : γ(a→b̄) = γ(ā→b) = |C_Lχ|² T⁶/(16π⁵) at T (P5, SM pair initial).
    gamma5_nlo : O(s²) part of γ(a→b̄) at T, 3 Re(C_Lχ* E_Lχ) T⁸/π⁵ (0 unless nlo_dim5).
    gamma6 : γ(a→b) = γ(ā→b̄) = 3|D_Lχ|² T⁸/(2π⁵) at T (P6).
    gamma5_dark : γ(b̄→a) = γ₅(T') = ξ⁶ γ₅ (dark pair initial).
    gamma5_nlo_dark : ξ⁸ gamma5_nlo.
    gamma6_dark : γ(b→a) = γ₆(T') = ξ⁸ γ₆.
    Gamma5_mix : Σ over the four reversible dim-5 mixed reactions M5a–d of γ(T,T') = 6ξ³γ₅
        (each reversible reaction counted once; 0 unless ``model.mixed``).
    Gamma6_mix : same for M6a–d, (8/3)ξ⁴γ₆.
    gamma_dL2 : Σ over the three reversible SM ΔL = 2 reactions (LH→L̄H̄, LL→H̄H̄, HH→L̄L̄) of the
        forward rate at T, 3|C_LL|² T⁶/π⁵ (first write-up: 9/4, HH → L̄L̄ missing; cogenesis_model.md §0.1).
    gamma_dX4 : same for the dark ΔX = 4 reactions (χφ̄→χ̄φ, χχ→φφ, φ̄φ̄→χ̄χ̄) at T', ξ⁶|C_χχ|² T⁶/π⁵
        (first write-up: 3/4).
    """

    gamma5: Array
    gamma5_nlo: Array
    gamma6: Array
    gamma5_dark: Array
    gamma5_nlo_dark: Array
    gamma6_dark: Array
    Gamma5_mix: Array
    Gamma6_mix: Array
    gamma_dL2: Array
    gamma_dX4: Array


def thermal_rates(model: Cogenesis, T, xi) -> ThermalRates:
    """One-way densities [GeV⁴] of every CP-even channel at T [GeV], ξ = T'/T (cogenesis_model.md §4.2, E4.4)."""
    c = eft_coefficients(model)
    T = jnp.asarray(T, dtype=jnp.float64)
    xi = jnp.asarray(xi, dtype=jnp.float64)
    Td = xi * T
    c5 = jnp.abs(c.C_Lchi) ** 2
    c6 = jnp.abs(c.D_Lchi) ** 2
    g5 = reaction_density_power(c5 / (8.0 * _PI), 1, T)
    g6 = reaction_density_power(c6 / (8.0 * _PI), 2, T)
    if model.nlo_dim5:
        a_nlo = 2.0 * jnp.real(jnp.conj(c.C_Lchi) * c.E_Lchi) / (8.0 * _PI)
        g5n = reaction_density_power(a_nlo, 2, T)
        g5n_d = reaction_density_power(a_nlo, 2, Td)
    else:
        g5n = g5n_d = jnp.zeros_like(g5)
    if model.mixed:
        G5 = sum(
            reaction_density_power(p.a * c5, p.n, T, Td) for p in PROCESSES if p.kind == "mixed" and p.n == 1
        )
        G6 = sum(
            reaction_density_power(p.a * c6, p.n, T, Td) for p in PROCESSES if p.kind == "mixed" and p.n == 2
        )
    else:
        G5 = G6 = jnp.zeros_like(g5)
    # LH→L̄H̄ + ½(LL→H̄H̄) + ½(HH→L̄L̄): the ½ for identical initial particles
    gL = reaction_density_power(3.0 / _PI * jnp.abs(c.C_LL) ** 2, 1, T) * 2.0
    # χφ̄→χ̄φ + ½(χχ→φφ) + ½(φ̄φ̄→χ̄χ̄)
    gX = reaction_density_power(1.0 / _PI * jnp.abs(c.C_chichi) ** 2, 1, Td) * 2.0
    return ThermalRates(
        gamma5=g5,
        gamma5_nlo=g5n,
        gamma6=g6,
        gamma5_dark=reaction_density_power(c5 / (8.0 * _PI), 1, Td),
        gamma5_nlo_dark=g5n_d,
        gamma6_dark=reaction_density_power(c6 / (8.0 * _PI), 2, Td),
        Gamma5_mix=G5,
        Gamma6_mix=G6,
        gamma_dL2=gL,
        gamma_dX4=gX,
    )


def energy_transfer_rate(model: Cogenesis, T, xi) -> Array:
    """Net energy Q(T, ξ) [GeV⁵] injected into the dark sector per volume and time (cogenesis_model.md E6.1).

    Q = (3|C_Lχ|²/(4π⁵)) T⁷ (1−ξ⁷) + (24|D_Lχ|²/π⁵) T⁹ (1−ξ⁹) + |C_Lχ|² ξ³(1−ξ) T⁷/π⁵ + 20 |D_Lχ|² ξ⁴(1−ξ) T⁹/π⁵:
    the first two terms from the four reversible pair reactions (a→b̄, ā→b, a→b, ā→b̄ at T minus their inverses
    at T'; energy E₁+E₂ per reaction in the plasma frame, γ_E = 2(n+2)Tγ), the last two from the sixteen one-way
    mixed reactions via E4.3 (E4.5; dropped unless ``model.mixed``). With ``model.nlo_dim5``,
    |D_Lχ|² → |D_Lχ|² + 2 Re(C_Lχ* E_Lχ) in the pair T⁹ term.
    """
    c = eft_coefficients(model)
    T = jnp.asarray(T, dtype=jnp.float64)
    xi = jnp.asarray(xi, dtype=jnp.float64)
    c5 = jnp.abs(c.C_Lchi) ** 2
    c6 = jnp.abs(c.D_Lchi) ** 2
    c6_pair = c6 + (2.0 * jnp.real(jnp.conj(c.C_Lchi) * c.E_Lchi) if model.nlo_dim5 else 0.0)
    q = 0.75 * c5 / _PI**5 * T**7 * (1.0 - xi**7) + 24.0 * c6_pair / _PI**5 * T**9 * (1.0 - xi**9)
    if model.mixed:
        q = q + c5 * xi**3 * (1.0 - xi) * T**7 / _PI**5 + 20.0 * c6 * xi**4 * (1.0 - xi) * T**9 / _PI**5
    return q
