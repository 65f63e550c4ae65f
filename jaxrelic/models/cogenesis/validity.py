r"""Validity domain of the freeze-in cogenesis EFT: on-shell N production and near-degenerate N.

The model integrates N_{1,2} out (``rates.py``, E3.1) and keeps only 2→2 contact
scatterings.  The full theory also produces N_i *on shell* (inverse decays
LH → N_i, N_i → χφ̄ …), Boltzmann suppressed by e^{−M_i/T} but resonant and
therefore enhanced by 1/Γ_i.  This module measures that missing contribution
against the EFT production the model does include; the derivation and the
measured numbers are in ``docs/physics/cogenesis_eft_validity.md``.

Criterion (doc §2–§4).  With instantaneous reheating and radiation domination,
every freeze-in yield is Y = ∫₀^{T_RH} γ(T) dT/(s H T) and s H T ∝ T⁶, so

    R_on = Σ_i (Γ_i^SM Γ_i^dark/Γ_i) J(M_i/T_RH)/(π² M_i²)
           / [ T_RH⁻⁵ (2γ₅(T_RH) + ⅔·2γ₆(T_RH)) ],        J(z) = ∫_z^∞ t³ K₁(t) dt,

is the yield of dark pairs made through on-shell N_i (numerator: thermal
inverse-decay density g_N M² T K₁(M/T) Γ/(2π²) times BR_SM BR_dark) over the
EFT yield of dark pairs from SM pairs (dimension-5 γ₅ ∝ T⁶ and dimension-6
γ₆ ∝ T⁸ pair channels, both directions).  Partial widths (tree level, all
final states massless): Γ^SM = |y|² M/(8π) (N → LH + L̄H̄, both SU(2)
components), Γ^dark = |λ|² M/(16π) (N → χφ* + c.c.).

Near-degenerate N (doc §5).  The EFT formulas (E5.4) are regular at M₂ = M₁:
they evaluate the propagators at s ≪ M², never at the pole.  The on-shell
contribution, however, carries the N₁ decay CP asymmetry, whose self-energy part
grows like M₁M₂/(M₂² − M₁²) until the resummed regulator caps it at
M₂/(2Γ₂) (|M₂² − M₁²| ≈ M₁Γ₂).  The validity test therefore uses

    R_eff = R_on · f_deg,   f_deg = max(1, min(M₁M₂/(M₂² − M₁²), M₂/(2Γ₂))),

and the EFT is declared valid when R_eff < :data:`EFT_ONSHELL_THRESHOLD` (1 %).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import jax.numpy as jnp
from jax import Array

from ...numerics.quadrature import gauss_laguerre
from ...numerics.special import k1e
from .model import Cogenesis
from .rates import thermal_rates

__all__ = [
    "EFT_ONSHELL_THRESHOLD",
    "EFTValidity",
    "n_widths",
    "onshell_integral",
    "eft_validity",
    "eft_invalid_note",
]

#: Largest accepted on-shell fraction R_eff of the dark-pair production (doc §4).
EFT_ONSHELL_THRESHOLD = 0.01

_PI = math.pi
_GL_NODES = 48


def n_widths(model: Cogenesis) -> tuple[Array, Array, Array]:
    """Tree-level widths (Γ^SM, Γ^dark, Γ) [GeV] of N_1, N_2, each shape (2,) (cogenesis_eft_validity.md §2).

    Γ^SM = |y_i|² M_i/(8π) (N → LH and L̄H̄), Γ^dark = |λ_i|² M_i/(16π) (N → χφ* and χ̄φ), Γ = Γ^SM + Γ^dark.
    """
    m = model.masses
    g_sm = jnp.abs(model.y) ** 2 * m / (8.0 * _PI)
    g_dark = jnp.abs(model.lam) ** 2 * m / (16.0 * _PI)
    return g_sm, g_dark, g_sm + g_dark


def onshell_integral(z) -> Array:
    r"""J(z) = ∫_z^∞ t³ K₁(t) dt (doc §3), by Gauss–Laguerre on e^{−z} Σ w (z+τ)³ K₁ᵉ(z+τ).

    Accurate to < 1e-12 relative for z ≥ 1 (48 nodes; checked against scipy in
    ``tests/cogenesis/test_domain.py``).  Large-z limit √(π/2) z^{5/2} e^{−z}.
    """
    z = jnp.asarray(z, dtype=jnp.float64)
    tau, w = gauss_laguerre(_GL_NODES, 0.0)
    t = z[..., None] + jnp.asarray(tau)
    return jnp.exp(-z) * jnp.sum(jnp.asarray(w) * t**3 * k1e(t), axis=-1)


class EFTValidity(NamedTuple):
    """Outcome of :func:`eft_validity` (doc §4).

    Attributes
    ----------
    onshell_fraction : Array
        R_on, on-shell-N over EFT yield of dark pairs from the SM bath (CP-even).
    degeneracy_factor : Array
        f_deg ≥ 1, resonant enhancement of the on-shell CP asymmetry near M₂ = M₁.
    onshell_fraction_eff : Array
        R_eff = R_on · f_deg.
    eft_valid : Array
        bool, R_eff < :data:`EFT_ONSHELL_THRESHOLD`.
    """

    onshell_fraction: Array
    degeneracy_factor: Array
    onshell_fraction_eff: Array
    eft_valid: Array


def eft_validity(model: Cogenesis) -> EFTValidity:
    r"""On-shell N production relative to the EFT production, and the EFT validity flag (doc §3–§5).

    Pure jnp (jit, vmap and grad safe).  A point with no EFT production at all
    (C_Lχ = D_Lχ = 0) has R_on = 0 if no N_i can produce dark pairs either, else +inf.
    """
    t_rh = model.T_RH
    g_sm, g_dark, g_tot = n_widths(model)
    m = model.masses
    pos = g_tot > 0.0
    prod = jnp.where(pos, g_sm * g_dark / jnp.where(pos, g_tot, 1.0), 0.0)  # Γ^SM Γ^dark/Γ [GeV]
    onshell = jnp.sum(prod * onshell_integral(m / t_rh) / (_PI**2 * m**2))
    r = thermal_rates(model, t_rh, 0.0)
    eft = (2.0 * r.gamma5 + 2.0 * r.gamma6 / 3.0) / t_rh**5
    has_eft = eft > 0.0
    frac = jnp.where(has_eft, onshell / jnp.where(has_eft, eft, 1.0), jnp.where(onshell > 0.0, jnp.inf, 0.0))
    m1, m2 = model.M1, model.M2
    split = m2**2 - m1**2
    cap = jnp.where(g_tot[1] > 0.0, m2 / (2.0 * jnp.where(g_tot[1] > 0.0, g_tot[1], 1.0)), jnp.inf)
    res = jnp.where(split > 0.0, m1 * m2 / jnp.where(split > 0.0, split, 1.0), jnp.inf)
    f_deg = jnp.maximum(1.0, jnp.minimum(res, cap))
    f_deg = jnp.where(jnp.isfinite(f_deg), f_deg, 1.0 / EFT_ONSHELL_THRESHOLD)  # uncoupled N₂ at M₂ = M₁
    eff = jnp.where(frac > 0.0, frac * f_deg, 0.0)
    return EFTValidity(
        onshell_fraction=frac, degeneracy_factor=f_deg, onshell_fraction_eff=eff, eft_valid=eff < EFT_ONSHELL_THRESHOLD
    )


def eft_invalid_note(v: EFTValidity, M1: float, T_RH: float) -> str:
    """The ``notes`` entry of an EFT-invalid point (``"eft_invalid: ..."``), from concrete values."""
    frac, f_deg = float(v.onshell_fraction), float(v.degeneracy_factor)
    deg = f" x near-degeneracy factor {f_deg:.3g} (M2 close to M1)" if f_deg > 1.0 else ""
    return (
        f"eft_invalid: T_RH/M1 = {T_RH / M1:.3g}; on-shell N production is {frac:.3g} times the EFT "
        f"dark-pair production{deg}, allowed < {EFT_ONSHELL_THRESHOLD:g}; this scattering-only EFT omits it, "
        "lower T_RH/M1 (docs/physics/cogenesis_eft_validity.md)"
    )
