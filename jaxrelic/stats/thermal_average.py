"""Thermally averaged cross sections ⟨σv⟩(T) from σ(s).

Gondolo & Gelmini, Nucl. Phys. B360 (1991) 145, eq. 3.8, generalised to
unequal masses by Edsjö & Gondolo, Phys. Rev. D56 (1997) 1879, eq. 2.9
(Maxwell–Boltzmann statistics):

    ⟨σv⟩₁₂(T) = ∫_{s_min}^∞ ds σ(s) λ(s, m₁², m₂²) K₁(√s/T)/√s
                ÷ [8 m₁² m₂² T K₂(m₁/T) K₂(m₂/T)],

normalised so that n₁^eq n₂^eq ⟨σv⟩ is the reaction density.  With
w = (√s − m₁ − m₂)/T and scaled Bessel functions K^e(z) = e^z K(z):

    ⟨σv⟩ = ∫_0^∞ dw e^{−w} σ(s) λ K₁^e(√s/T) / [4 m₁² m₂² K₂^e(m₁/T) K₂^e(m₂/T)],

free of overflow for any x.  Near threshold σλ ∝ √w for s-wave (σ ∝ 1/v) and
for a √(s − s_th) onset, so the w-integral uses generalised Gauss–Laguerre
nodes with weight √w e^{−w}.  A process threshold s_th > (m₁ + m₂)² (e.g.
ν γ̂ → τ̂ γ̂ in arXiv:1805.12139) shifts w → w_th + w' and multiplies by
e^{−w_th}.
"""

from __future__ import annotations

from typing import Callable

import jax.numpy as jnp

from ..numerics.quadrature import gauss_laguerre
from ..numerics.special import k1e, k2e

__all__ = ["kallen", "kallen_masses", "thermal_average", "sigma_from_sigma_v", "v_lab"]

_N_NODES = 64


def kallen(x, y, z):
    """Källén function λ(x, y, z) = x² + y² + z² − 2xy − 2xz − 2yz."""
    return x**2 + y**2 + z**2 - 2.0 * x * y - 2.0 * x * z - 2.0 * y * z


def kallen_masses(s, m1, m2):
    """λ(s, m₁², m₂²) in the cancellation-free form (s − (m₁+m₂)²)(s − (m₁−m₂)²)."""
    return (s - (m1 + m2) ** 2) * (s - (m1 - m2) ** 2)


def thermal_average(
    sigma: Callable,
    m1,
    m2,
    T,
    *,
    sqrt_s_threshold=None,
    n_nodes: int = _N_NODES,
):
    """⟨σv⟩₁₂(T) [same units as σ] for σ(s) averaged over initial spins.

    Parameters
    ----------
    sigma : callable
        σ(s) with s = Mandelstam s [GeV²]; vectorised over s.
    m1, m2 : float
        Initial-state masses [GeV] (> 0).
    T : array
        Temperature [GeV] (any shape; broadcast against the quadrature axis).
    sqrt_s_threshold : float, optional
        √s below which σ vanishes, if above m1 + m2 [GeV].
    n_nodes : int
        Number of generalised Gauss–Laguerre nodes (weight √w e^{−w}).
    """
    m1 = jnp.asarray(m1, dtype=jnp.float64)
    m2 = jnp.asarray(m2, dtype=jnp.float64)
    T = jnp.asarray(T, dtype=jnp.float64)
    w_nodes, w_weights = gauss_laguerre(n_nodes, 0.5)
    w_nodes = jnp.asarray(w_nodes)
    w_weights = jnp.asarray(w_weights)
    m_sum = m1 + m2
    if sqrt_s_threshold is None:
        w_th = jnp.zeros_like(T)
    else:
        w_th = jnp.maximum(jnp.asarray(sqrt_s_threshold, dtype=jnp.float64) - m_sum, 0.0) / T
    Tb = T[..., None]
    wp = w_nodes  # w' = w - w_th
    sqrt_s = m_sum + Tb * (w_th[..., None] + wp)
    s = sqrt_s**2
    # λ = (√s − m₁ − m₂)(√s + m₁ + m₂)(s − (m₁ − m₂)²), first factor = T w exactly
    lam = Tb * (w_th[..., None] + wp) * (sqrt_s + m_sum) * (s - (m1 - m2) ** 2)
    integrand = sigma(s) * lam * k1e(sqrt_s / Tb) / jnp.sqrt(wp)
    integral = jnp.sum(w_weights * integrand, axis=-1)
    norm = 4.0 * m1**2 * m2**2 * k2e(m1 / T) * k2e(m2 / T)
    return jnp.exp(-w_th) * integral / norm


def v_lab(s, m1, m2):
    """Lorentz-invariant relative velocity v = √(λ(s,m₁²,m₂²))/(s − m₁² − m₂²).

    Equals the speed of particle 1 in the rest frame of 2 (Gondolo & Gelmini 1991).
    """
    return jnp.sqrt(kallen_masses(s, m1, m2)) / (s - m1**2 - m2**2)


def sigma_from_sigma_v(a, b, m1, m2):
    """σ(s) for σ v = a + b v², v = :func:`v_lab` (the s/p-wave expansion).

    With this σ(s), ⟨σv⟩ → a + 6b/x + O(1/x²) for equal masses at large
    x = m/T (Gondolo & Gelmini 1991, eq. 6.x).
    """

    def sigma(s):
        v = v_lab(s, m1, m2)
        return (a + b * v**2) / v

    return sigma
