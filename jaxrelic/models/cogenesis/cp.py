r"""CP violation of the freeze-in cogenesis scatterings (arXiv:2505.22710).

At leading order in the EFT all pair↔pair amplitudes among a = (L,H)_singlet,
ā, b = (χ, φ̄), b̄ are pure J = ½ partial waves.  The CP-odd parts of the
reduced cross sections follow from unitarity of the one-loop S-matrix
(``docs/physics/cogenesis_model.md`` §5.2, E5.1) and depend on two CP-odd
invariants (E5.2):

    I₁ = Im[C_LL C_Lχ* D_Lχ],   I₂ = Im[C_Lχ C_χχ* D_Lχ]   [GeV⁻⁴].

Sign conventions: ΔW(i→f) ≡ W(i→f) − W(ī→f̄); ε(i→f) ≡ ΔW(i→f)/W₀ with
W₀ = s²/(8π M₁⁴) (E5.5).  The results (E5.3, E5.5) were re-derived
independently from explicit two-component-spinor amplitudes of the EFT
operators and the Cutkosky cut, see ``docs/physics/cogenesis_derivation.md``
§3 and ``tests/cogenesis/test_cp.py``.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import jax.numpy as jnp
from jax import Array

from .model import Cogenesis
from .rates import eft_coefficients, reaction_density_power

__all__ = [
    "CPOddReducedCrossSections",
    "CPAsymmetries",
    "cp_invariants",
    "cp_invariants_two_flavour",
    "cp_odd_reduced_cross_sections",
    "cp_asymmetries",
    "epsilon_L",
    "epsilon_chi",
    "cp_odd_reaction_densities",
    "partial_wave_amplitudes",
    "unitarity_cp_asymmetry",
]

_PI = math.pi


def cp_invariants(model: Cogenesis) -> tuple[Array, Array]:
    """CP-odd invariants (I₁, I₂) = (Im[C_LL C_Lχ* D_Lχ], Im[C_Lχ C_χχ* D_Lχ]) [GeV⁻⁴] (cogenesis_model.md E5.2)."""
    c = eft_coefficients(model)
    i1 = jnp.imag(c.C_LL * jnp.conj(c.C_Lchi) * c.D_Lchi)
    i2 = jnp.imag(c.C_Lchi * jnp.conj(c.C_chichi) * c.D_Lchi)
    return i1, i2


def cp_invariants_two_flavour(y_abs, lam_abs, delta_y, delta_lam, M1, M2) -> tuple[Array, Array]:
    """Explicit two-neutrino form of (I₁, I₂) [GeV⁻⁴] from moduli and physical phases (cogenesis_model.md E5.4).

    With y_j = |y_j| e^{iα_j}, λ_j = |λ_j| e^{iβ_j}, δ_y = α₂ − α₁, δ_λ = β₂ − β₁ [rad], M₁, M₂ [GeV]:

    I₁ = |y₁||y₂|/(2M₁³M₂³) { |y₁||y₂|(M₂²|λ₁|² − M₁²|λ₂|²) sin 2δ_y
           + |λ₁||λ₂|(M₁²|y₂|² − M₂²|y₁|²) sin(δ_y+δ_λ) + M₁M₂|λ₁||λ₂|(|y₁|² − |y₂|²) sin(δ_λ−δ_y) },
    I₂ = −I₁(y ↔ λ, δ_y ↔ δ_λ).
    """
    y1, y2 = y_abs[0], y_abs[1]
    l1, l2 = lam_abs[0], lam_abs[1]

    def one(a1, a2, b1, b2, da, db):
        return (
            a1
            * a2
            / (2.0 * M1**3 * M2**3)
            * (
                a1 * a2 * (M2**2 * b1**2 - M1**2 * b2**2) * jnp.sin(2.0 * da)
                + b1 * b2 * (M1**2 * a2**2 - M2**2 * a1**2) * jnp.sin(da + db)
                + M1 * M2 * b1 * b2 * (a1**2 - a2**2) * jnp.sin(db - da)
            )
        )

    return one(y1, y2, l1, l2, delta_y, delta_lam), -one(l1, l2, y1, y2, delta_lam, delta_y)


class CPOddReducedCrossSections(NamedTuple):
    """CP-odd reduced cross sections ΔW(i→f) = W(i→f) − W(ī→f̄) (cogenesis_model.md E5.3), dimensionless.

    Attributes
    ----------
    a_b : ΔW(a→b) = −(3I₁ + 2I₂) s²/(32π²)   (L H → χ φ̄)
    a_bbar : ΔW(a→b̄) = −(3I₁ − 2I₂) s²/(32π²)   (L H → χ̄ φ)
    a_abar : ΔW(a→ā) = 3 I₁ s²/(16π²)   (L H → L̄ H̄)
    b_bbar : ΔW(b→b̄) = −I₂ s²/(8π²)   (χ φ̄ → χ̄ φ)
    """

    a_b: Array
    a_bbar: Array
    a_abar: Array
    b_bbar: Array


def cp_odd_reduced_cross_sections(model: Cogenesis, s) -> CPOddReducedCrossSections:
    """Dimensionless CP-odd ΔW's (all ∝ s²) at Mandelstam s [GeV²] (cogenesis_model.md E5.3)."""
    i1, i2 = cp_invariants(model)
    s2 = jnp.asarray(s, dtype=jnp.float64) ** 2
    return CPOddReducedCrossSections(
        a_b=-(3.0 * i1 + 2.0 * i2) * s2 / (32.0 * _PI**2),
        a_bbar=-(3.0 * i1 - 2.0 * i2) * s2 / (32.0 * _PI**2),
        a_abar=3.0 * i1 * s2 / (16.0 * _PI**2),
        b_bbar=-i2 * s2 / (8.0 * _PI**2),
    )


class CPAsymmetries(NamedTuple):
    """Normalised CP asymmetries ε(i→f) = ΔW(i→f)/W₀, W₀ = s²/(8πM₁⁴) (cogenesis_model.md E5.5).

    Attributes
    ----------
    a_b : ε(a→b) = −(M₁⁴/4π)(3I₁ + 2I₂)
    a_bbar : ε(a→b̄) = −(M₁⁴/4π)(3I₁ − 2I₂)
    abar_b : ε(ā→b) = +(M₁⁴/4π)(3I₁ − 2I₂)
    L : ε_L ≡ ε(a→ā) = (3M₁⁴/2π) I₁ = ε(ā→b) − ε(a→b)
    chi : ε_χ ≡ ε(b→b̄) = −(M₁⁴/π) I₂ = ε(a→b) + ε(ā→b)
    """

    a_b: Array
    a_bbar: Array
    abar_b: Array
    L: Array
    chi: Array


def cp_asymmetries(model: Cogenesis) -> CPAsymmetries:
    """All normalised CP asymmetries of the pair processes, dimensionless (cogenesis_model.md E5.5)."""
    i1, i2 = cp_invariants(model)
    m4 = model.M1**4
    return CPAsymmetries(
        a_b=-m4 / (4.0 * _PI) * (3.0 * i1 + 2.0 * i2),
        a_bbar=-m4 / (4.0 * _PI) * (3.0 * i1 - 2.0 * i2),
        abar_b=m4 / (4.0 * _PI) * (3.0 * i1 - 2.0 * i2),
        L=1.5 * m4 / _PI * i1,
        chi=-m4 / _PI * i2,
    )


def epsilon_L(model: Cogenesis) -> Array:
    """SM-lepton CP asymmetry ε_L = ε(LH → L̄H̄) = 3M₁⁴ I₁/(2π) (cogenesis_model.md E5.5), dimensionless."""
    return cp_asymmetries(model).L


def epsilon_chi(model: Cogenesis) -> Array:
    """Dark CP asymmetry ε_χ = ε(χφ̄ → χ̄φ) = −M₁⁴ I₂/π (cogenesis_model.md E5.5), dimensionless."""
    return cp_asymmetries(model).chi


def cp_odd_reaction_densities(model: Cogenesis, T) -> tuple[Array, Array]:
    """CP-odd reaction densities (Δγ(a→ā), Δγ(b→b̄)) [GeV⁴] at pair temperature T [GeV] (cogenesis_model.md E8.1).

    Δγ(a→ā) = 9I₁T⁸/(4π⁶) = (3ε_L/2π⁵)T⁸/M₁⁴, Δγ(b→b̄) = −3I₂T⁸/(2π⁶) = (3ε_χ/2π⁵)T⁸/M₁⁴; both ∝ T⁸ (n = 2 in
    E4.2), at the dark temperature multiply by ξ⁸.
    """
    i1, i2 = cp_invariants(model)
    T = jnp.asarray(T, dtype=jnp.float64)
    return (
        reaction_density_power(3.0 * i1 / (16.0 * _PI**2), 2, T),
        reaction_density_power(-i2 / (8.0 * _PI**2), 2, T),
    )


def partial_wave_amplitudes(model: Cogenesis, s, phase: float = 0.0) -> Array:
    """Tree-level J = ½ partial-wave matrix 𝒯, complex (4, 4), hermitian, basis (a, ā, b, b̄) (cogenesis_model.md §5.2).

    ``T[f, i]`` is the amplitude i → f at Mandelstam s [GeV²], with M = 32π 𝒯 d^{1/2}(θ), S = 1 + 2i𝒯,
    W(i→f) = 64π|𝒯_fi|². Dimension-5 entries carry u = √s e^{iφ}/(32π) (φ = ``phase`` [rad], a convention that
    drops out of every physical quantity), dimension-6 entries v = s/(32π) > 0 (sign from the spinor
    calculation, cogenesis_derivation.md §3).
    """
    c = eft_coefficients(model)
    u = jnp.sqrt(s) * jnp.exp(1j * phase) / (32.0 * _PI)
    v = s / (32.0 * _PI)
    r2 = math.sqrt(2.0)
    a, ab, b, bb = 0, 1, 2, 3
    entries = (
        (ab, a, 6.0 * c.C_LL * u),
        (bb, a, r2 * c.C_Lchi * u),
        (ab, b, r2 * c.C_Lchi * u),
        (bb, b, 4.0 * c.C_chichi * u),
        (b, a, r2 * jnp.conj(c.D_Lchi) * v),
        (bb, ab, r2 * c.D_Lchi * v),
    )
    t = jnp.diag(jnp.stack([2.0 * c.D_LL * v, 2.0 * c.D_LL * v, c.D_chichi * v, c.D_chichi * v]).astype(jnp.complex128))
    for f, i, val in entries:  # hermitian: 𝒯_if = 𝒯_fi*
        t = t.at[f, i].set(val).at[i, f].set(jnp.conj(val))
    return t


def unitarity_cp_asymmetry(tmat: Array) -> Array:
    """One-loop CP asymmetries Δ_fi (real (k, k), ``[f, i]``) from a hermitian tree-level 𝒯 (cogenesis_model.md E5.1).

    Δ_fi ≡ |𝒯_fi|² − |𝒯_{f̄ī}|² = −4 Σ_n Im(𝒯_if 𝒯_fn 𝒯_ni), from the absorptive part 𝒯_abs = i𝒯𝒯 required by
    unitarity of S = 1 + 2i𝒯; then ΔW(i→f) = 64π Δ_fi.
    """
    tt = tmat @ tmat  # (𝒯𝒯)_fi = Σ_n 𝒯_fn 𝒯_ni
    return -4.0 * jnp.imag(tmat.T * tt)
