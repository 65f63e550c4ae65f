r"""Thermally averaged cross sections ⟨σv⟩ of the twin-neutrino processes.

Processes of arXiv:1805.12139 (Cheng, Li, Zheng), Sec. III, averaged with
Maxwell–Boltzmann statistics (``docs/physics/twin_model.md`` §4.3):

    ⟨σv⟩₁₂(T) = ∫_{s_min}^∞ ds σ(s) λ(s, m₁², m₂²) K₁(√s/T)/√s
               ÷ [8 m₁² m₂² T K₂(m₁/T) K₂(m₂/T)],

normalised so that n₁^eq n₂^eq ⟨σv⟩₁₂ is the reaction density, with σ averaged
over the g₁g₂ initial spin/polarisation states (Gondolo–Gelmini 1991,
Edsjö–Gondolo 1997).  All integrals go through the shared
:func:`jaxrelic.stats.thermal_average` (scaled Bessel functions, generalised
Gauss–Laguerre rule with weight √w e^{−w} in w = (√s − √s_min)/T).

* ⟨σv⟩_CS : τ̂ τ̂̄ → γ̂γ̂          (1 = τ̂, 2 = τ̂̄)
* ⟨σv⟩_CA : τ̂ ν̂̄ → γ̂γ̂ (one CP channel; the paper's Eq. (27) coefficient is
  2 ⟨σv⟩_CA in convention P, §5.1)
* ⟨σv⟩_A  : ν̂ ν̂̄ → γ̂γ̂
* ⟨σv⟩_S  : ν̂ γ̂ → τ̂ γ̂ (per ν̂–γ̂ pair, g₁g₂ = 6; threshold √s_th = m_τ + m_γ
  above m_ν + m_γ; the up-scattering rate per ν̂ is n_γ^eq ⟨σv⟩_S).

Also the conversion reaction densities of §5.8 (𝒦 of the τ̂ equation), which
equal the p-integrals of the reduced collision operators of
:mod:`.collision` (normalisation identities of §5.4-5.5).

Everything is a pure ``jax.numpy`` function of a
:class:`~jaxrelic.models.twin_higgs.TwinHiggs` and T, safe under ``jit``,
``vmap`` (over T or over model parameters) and ``grad``.  Units: T in GeV,
⟨σv⟩ in GeV⁻², reaction densities in GeV⁴.
"""

from __future__ import annotations

import jax.numpy as jnp
from jax import Array

from ...numerics.special import k1e, k2e
from ...stats import n_eq, thermal_average
from .model import TwinHiggs
from .processes import sigma_A, sigma_CA, sigma_CS, sigma_S
from .widths import width_D

__all__ = [
    "G_NU",
    "G_TAU",
    "G_GAMMA",
    "sigma_v_CS",
    "sigma_v_CA",
    "sigma_v_A",
    "sigma_v_S",
    "reaction_density_S",
    "reaction_density_ID",
]

#: Internal dof of ν̂ (particle only, convention P, §1): 2 spin states.
G_NU = 2.0
#: Internal dof of τ̂ (particle only): 2 spin states.
G_TAU = 2.0
#: Polarisation states of the massive twin photon γ̂: 3.
G_GAMMA = 3.0

#: Default number of generalised Gauss–Laguerre nodes; 64 nodes reproduce an
#: adaptive scipy quadrature of the s-integral to ≲ 3e-15 (docs).
N_NODES = 64


def _annihilation_sqrt_s_min(m_a, m_b, m_gamma):
    """√s below which a b̄ → γ̂γ̂ is closed: max(m_a + m_b, 2 m_γ) (§3.7)."""
    return jnp.maximum(m_a + m_b, 2.0 * m_gamma)


def sigma_v_CS(model: TwinHiggs, T, *, n_nodes: int = N_NODES) -> Array:
    """⟨σv⟩_CS(T) [GeV⁻²] of τ̂τ̂̄ → γ̂γ̂ (§3.3, §4.3); T [GeV], any shape; ``n_nodes`` Gauss–Laguerre nodes.

    MB statistics, averaged over the 4 initial spin states, identical-photon factor ½ included.
    """
    m_tau = model.m_tau
    return thermal_average(
        lambda s: sigma_CS(model, s),
        m_tau,
        m_tau,
        T,
        sqrt_s_threshold=_annihilation_sqrt_s_min(m_tau, m_tau, model.m_gamma),
        n_nodes=n_nodes,
    )


def sigma_v_CA(model: TwinHiggs, T, *, n_nodes: int = N_NODES) -> Array:
    """⟨σv⟩_CA(T) [GeV⁻²] of τ̂ν̂̄ → γ̂γ̂, one CP channel (ν̂τ̂̄ is equal) (§3.4, §4.3).

    MB, 4 initial spin states, factor ½. In Eq. (27) read in convention P the coefficient is 2⟨σv⟩_CA (§5.1).
    """
    return thermal_average(
        lambda s: sigma_CA(model, s),
        model.m_tau,
        model.m_nu,
        T,
        sqrt_s_threshold=_annihilation_sqrt_s_min(model.m_tau, model.m_nu, model.m_gamma),
        n_nodes=n_nodes,
    )


def sigma_v_A(model: TwinHiggs, T, *, n_nodes: int = N_NODES) -> Array:
    """⟨σv⟩_A(T) [GeV⁻²] of ν̂ν̂̄ → γ̂γ̂ (§3.6, §4.3); MB, 4 initial spin states, factor ½; ∝ θ₁⁴."""
    m_nu = model.m_nu
    return thermal_average(
        lambda s: sigma_A(model, s),
        m_nu,
        m_nu,
        T,
        sqrt_s_threshold=_annihilation_sqrt_s_min(m_nu, m_nu, model.m_gamma),
        n_nodes=n_nodes,
    )


def sigma_v_S(model: TwinHiggs, T, *, n_nodes: int = N_NODES) -> Array:
    """⟨σv⟩_S(T) [GeV⁻²] per ν̂–γ̂ pair of coscattering ν̂γ̂ → τ̂γ̂ (§3.5, §4.3).

    MB, averaged over g_ν g_γ = 6 initial states; the up-scattering rate per ν̂ is n_γ^eq ⟨σv⟩_S. The
    threshold √s_th = m_τ + m_γ lies above m_ν + m_γ: the w-integral starts there (σ_S ∝ √(s − s_th)) and
    carries the factor e^{−(m_τ − m_ν)/T} explicitly.
    """
    return thermal_average(
        lambda s: sigma_S(model, s),
        model.m_nu,
        model.m_gamma,
        T,
        sqrt_s_threshold=model.m_tau + model.m_gamma,
        n_nodes=n_nodes,
    )


def reaction_density_S(model: TwinHiggs, T, *, n_nodes: int = N_NODES) -> Array:
    """Equilibrium S reaction density n_ν^eq n_γ^eq ⟨σv⟩_S [GeV⁴] (§5.4, §5.8; particles only).

    Equals g_ν ∫d³p/(2π)³ f_ν^eq C̃_S (normalisation identity of §5.4), the S part of 𝒦(a) in §5.8.
    """
    T = jnp.asarray(T, dtype=jnp.float64)
    return (
        n_eq(model.m_nu, T, G_NU)
        * n_eq(model.m_gamma, T, G_GAMMA)
        * sigma_v_S(model, T, n_nodes=n_nodes)
    )


def reaction_density_ID(model: TwinHiggs, T) -> Array:
    """Equilibrium inverse-decay density n_τ^eq Γ_D K₁(m_τ/T)/K₂(m_τ/T) [GeV⁴] (§5.5).

    Equals g_ν ∫d³p/(2π)³ f_ν^eq C̃_ID, the ID part of 𝒦(a) in §5.8; exactly zero for r ≥ Δ.
    """
    T = jnp.asarray(T, dtype=jnp.float64)
    z = model.m_tau / T
    return n_eq(model.m_tau, T, G_TAU) * width_D(model) * k1e(z) / k2e(z)
