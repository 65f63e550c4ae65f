r"""Decay widths of the twin tau and the twin photon.

Model of arXiv:1805.12139 (Cheng, Li, Zheng), decay process **D** (Sec. III):

* two-body :math:`\hat\tau\to\hat\nu\hat\gamma` (open for r < Δ), whose inverse
  ID (:math:`\hat\nu\hat\gamma\to\hat\tau`) uses the same Σ|M|²;
* three-body :math:`\hat\tau\to\hat\nu f\bar f` through an off-shell twin photon
  that couples to the SM electromagnetic current with strength
  :math:`\epsilon e Q_f` (kinetic mixing, m_γ̂ ≪ m_Z), for r > Δ;
* :math:`\hat\gamma\to f\bar f`.

Final states included in the three-body width and the twin-photon width: the
charged leptons e, μ, τ (``LEPTONS``).  Hadronic channels (Q² > 4 m_π²) are
*not* included, so for m_τ̂ - m_ν̂ > 2 m_π the three-body width is a lower bound.

Section numbers (§) refer to
``docs/physics/twin_model.md`` (§3.9); derivations and checks are in
``docs/physics/twin_processes.md``.
"""

from __future__ import annotations

import jax.numpy as jnp
from jax import Array

from ...constants import M_ELECTRON, M_MUON, M_TAU
from ...numerics.quadrature import gauss_legendre
from .model import TwinHiggs

__all__ = [
    "ALPHA_EM",
    "LEPTONS",
    "msq_two_body",
    "width_two_body",
    "msq_D",
    "width_D",
    "width_vector_to_ff",
    "width_gamma_hat",
    "width_3body_channel",
    "width_3body",
    "width_tau",
]

# ---------------------------------------------------------------- constants
#: Fine-structure constant at Q² = 0 (CODATA 2018), used for εe (§3.9, §7.1).
ALPHA_EM = 1.0 / 137.035999084
#: SM final states of the off-shell twin photon: (mass GeV, electric charge, colours);
#: e, μ, τ with PDG 2024 masses from :mod:`jaxrelic.constants`.
LEPTONS = ((M_ELECTRON, -1.0, 1), (M_MUON, -1.0, 1), (M_TAU, -1.0, 1))

#: Gauss-Legendre rule for the Q² integral of the three-body width (built once).
_N_GL = 96
_GL_X, _GL_W = gauss_legendre(_N_GL)


# ---------------------------------------------------------------- two-body
def msq_two_body(m_in, m_out, m_vec_sq, g_L, g_R, e_hat) -> Array:
    """Σ|M|² [GeV²] of F → f V for the vertex ê γ^μ (g_L P_L + g_R P_R) (§3.9).

    Σ|M|² = ê² {(g_L²+g_R²)[m_in² + m_out² − 2M² + (m_in²−m_out²)²/M²] − 12 g_L g_R m_in m_out}, summed over
    all spins and the three polarisations (full −g + kk/M²; the (m_in²−m_out²)²/M² term is the longitudinal /
    Goldstone piece, §2.6). Masses in GeV; ``m_vec_sq`` = M² or the virtuality Q² [GeV²]; g_L, g_R in units of ê.
    """
    d2 = (m_in - m_out) * (m_in + m_out)
    return e_hat**2 * (
        (g_L**2 + g_R**2) * (m_in**2 + m_out**2 - 2.0 * m_vec_sq + d2 * d2 / m_vec_sq)
        - 12.0 * g_L * g_R * m_in * m_out
    )


def width_two_body(m_in, m_out, m_vec, g_L, g_R, e_hat) -> Array:
    """Γ(F → f V) = p* Σ|M|²/(16π m_in²) [GeV] (§3.9), p* = λ^{1/2}(m_in², m_out², M²)/(2m_in).

    Masses in GeV, couplings as in :func:`msq_two_body`; exactly 0 for m_in ≤ m_out + m_vec.
    """
    open_ = m_in > m_out + m_vec
    # factorised λ = (m_in-m_out-M)(m_in-m_out+M)((m_in+m_out)²-M²); the closed
    # branch gets finite stand-in values so that gradients through jnp.where stay finite
    lam_1 = jnp.where(open_, (m_in - m_out - m_vec) * (m_in - m_out + m_vec), 1.0)
    lam_2 = jnp.where(open_, (m_in + m_out) ** 2 - m_vec**2, 1.0)
    m_vec_sq = jnp.where(open_, m_vec**2, 1.0)
    p_star = jnp.sqrt(lam_1 * lam_2) / (2.0 * m_in)
    width = p_star * msq_two_body(m_in, m_out, m_vec_sq, g_L, g_R, e_hat) / (
        16.0 * jnp.pi * m_in**2
    )
    return jnp.where(open_, width, 0.0)


def msq_D(model: TwinHiggs, q2=None) -> Array:
    """Σ|M|² [GeV²] of D, τ̂ → ν̂γ̂^(*) (§3.9), summed over all spins and polarisations.

    ``q2``: vector mass² / virtuality [GeV²], default m_γ² (on shell). Also the spin-summed Σ|M|² of the
    inverse decay ID, ν̂γ̂ → τ̂.
    """
    q2 = model.m_gamma**2 if q2 is None else q2
    return msq_two_body(model.m_tau, model.m_nu, q2, model.g_L, model.g_R, model.e_hat)


def width_D(model: TwinHiggs) -> Array:
    """Two-body width Γ_D = p* Σ|M|²_D/(16π m_τ²) [GeV] of τ̂ → ν̂γ̂ (§3.9); exactly 0 for r ≥ Δ."""
    return width_two_body(
        model.m_tau, model.m_nu, model.m_gamma, model.g_L, model.g_R, model.e_hat
    )


# ---------------------------------------------------------------- twin photon
def width_vector_to_ff(q2, epsilon, m_f, charge=-1.0, n_c=1) -> Array:
    """Γ(γ̂^(*) → f f̄) [GeV] of a (virtual) twin photon of mass² ``q2`` [GeV²] (§3.9).

    Γ = (ε² α Q_f² N_c/3) √q2 (1 + 2m_f²/q2) √(1 − 4m_f²/q2), zero below 4m_f² (averaged over the three
    polarisations); m_f in GeV, ``charge`` Q_f (default −1), ``n_c`` colours (default 1).
    """
    q2 = jnp.asarray(q2, dtype=jnp.float64)
    lo = 4.0 * m_f**2
    open_ = q2 > lo
    q2_ok = jnp.where(open_, q2, 2.0 * lo + 1.0)
    width = (
        epsilon**2 * ALPHA_EM * charge**2 * n_c / 3.0
        * jnp.sqrt(q2_ok) * (1.0 + 2.0 * m_f**2 / q2_ok)
        * jnp.sqrt((q2_ok - lo) / q2_ok)
    )
    return jnp.where(open_, width, 0.0)


def width_gamma_hat(model: TwinHiggs, channels=LEPTONS) -> Array:
    """Σ_f Γ(γ̂ → f f̄) [GeV, ∝ ε²] into the SM ``channels`` (m_f, Q_f, N_c), default charged leptons (§3.9)."""
    q2 = model.m_gamma**2
    return sum(
        width_vector_to_ff(q2, model.epsilon, m_f, q_f, n_c) for m_f, q_f, n_c in channels
    )


# ---------------------------------------------------------------- three-body
def width_3body_channel(model: TwinHiggs, m_f, charge=-1.0, n_c=1) -> Array:
    """Γ₃ [GeV] of τ̂ → ν̂ f f̄ via an off-shell γ̂ (§3.9), one SM fermion (m_f [GeV], Q_f, N_c).

    Γ₃ = ∫_{4m_f²}^{(m_τ−m_ν)²} dQ² Γ_D(M² → Q²) √Q² Γ_{γ̂*→ff̄}(Q²)/[π (Q² − m_γ²)²],

    Γ_D(M² → Q²) being the two-body width at virtuality Q² (the SM current is conserved, so the virtual vector's
    effective polarisation sum is −g + QQ/Q²). The γ̂ width in the propagator is neglected (no pole for r > Δ).
    Q² = lo + (hi − lo) sin²φ with 96-point Gauss–Legendre in φ ∈ [0, π/2] (removes the square-root end points;
    ≲ 1e-8 unless r − Δ is tiny). Result ∝ ε² θ₁²; 0 if m_τ − m_ν ≤ 2m_f; NaN for r < Δ, where γ̂ is on shell
    and :func:`width_D` is the physical width.
    """
    m_tau, m_nu = model.m_tau, model.m_nu
    lo = 4.0 * m_f**2
    hi = (m_tau - m_nu) ** 2
    has_phase_space = hi > lo
    # without phase space integrate a finite dummy range (result discarded below)
    lo = jnp.where(has_phase_space, lo, 0.5 * hi)
    span = hi - lo
    open_ = model.decay_open
    # keep the (unused) branch finite so that gradients through jnp.where stay finite
    m_vec_sq = jnp.where(open_, (2.0 * m_tau) ** 2, model.m_gamma**2)

    phi = 0.25 * jnp.pi * (jnp.asarray(_GL_X) + 1.0)
    weights = 0.25 * jnp.pi * jnp.asarray(_GL_W)
    sin_phi, cos_phi = jnp.sin(phi), jnp.cos(phi)
    q2 = lo + span * sin_phi**2
    jac = span * 2.0 * sin_phi * cos_phi
    # two-body width at virtuality Q²: p* = √(hi - Q²) √((m_τ+m_ν)² - Q²) / (2 m_τ)
    p_star = jnp.sqrt(span) * cos_phi * jnp.sqrt((m_tau + m_nu) ** 2 - q2) / (2.0 * m_tau)
    gamma_2 = p_star * msq_D(model, q2) / (16.0 * jnp.pi * m_tau**2)
    # virtual-photon width Γ_{γ̂*→ff̄}(Q²), using √(1 - 4m_f²/Q²) = √(span) sin φ / √Q²
    gamma_v = (
        model.epsilon**2 * ALPHA_EM * charge**2 * n_c / 3.0
        * (1.0 + 2.0 * m_f**2 / q2) * jnp.sqrt(span) * sin_phi
    )
    integrand = gamma_2 * jnp.sqrt(q2) * gamma_v / (jnp.pi * (q2 - m_vec_sq) ** 2) * jac
    width = jnp.sum(weights * integrand)
    width = jnp.where(has_phase_space, width, 0.0)
    return jnp.where(open_, jnp.nan, width)


def width_3body(model: TwinHiggs, channels=LEPTONS) -> Array:
    """Σ_f Γ(τ̂ → ν̂ f f̄) [GeV] over ``channels`` (default e, μ, τ; no hadrons) (§3.9); NaN for r < Δ."""
    return sum(width_3body_channel(model, m_f, q_f, n_c) for m_f, q_f, n_c in channels)


def width_tau(model: TwinHiggs, channels=LEPTONS) -> Array:
    """Total τ̂ width [GeV]: Γ_D for r < Δ (the ε²-suppressed off-shell part neglected), else Γ₃ (§3.1, §3.9)."""
    return jnp.where(model.decay_open, width_D(model), width_3body(model, channels))
