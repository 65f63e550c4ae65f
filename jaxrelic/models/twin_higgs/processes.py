r"""Matrix elements and cross sections of the twin-neutrino model.

Processes of arXiv:1805.12139 (Cheng, Li, Zheng), Sec. III:

* **C_S**  :math:`\hat\tau\bar{\hat\tau}\to\hat\gamma\hat\gamma`,
* **C_A**  :math:`\hat\tau\bar{\hat\nu}\to\hat\gamma\hat\gamma` (and its CP
  conjugate, same cross section),
* **A**    :math:`\hat\nu\bar{\hat\nu}\to\hat\gamma\hat\gamma`,
* **S**    :math:`\hat\nu\hat\gamma\to\hat\tau\hat\gamma` (coscattering).

Leading order in the mixing angle (only :math:`\hat\tau` exchange, vector-like
diagonal :math:`\hat\tau\hat\tau\hat\gamma` vertex of unit strength), full
massive-vector polarisation sum :math:`-g^{\mu\nu}+k^\mu k^\nu/m_{\hat\gamma}^2`
for every external twin photon (twin_model.md §2.6, §3.2).  Spin sums Σ|M|² are
summed over *all* initial and final spins and polarisations and include
:math:`\hat e^4`; cross sections are averaged over initial states (4 for the
annihilations, 2×3 = 6 for S), include the identical-photon factor 1/2 for the
annihilations, and are in GeV⁻² (§3.7).

Section numbers (§) refer to
``docs/physics/twin_model.md``; derivations and checks are in
``docs/physics/twin_processes.md``.

All functions are pure ``jax.numpy`` functions of a
:class:`~jaxrelic.models.twin_higgs.TwinHiggs` and Mandelstam variables, safe
under ``jit``, ``vmap`` and ``grad`` (threshold branches are guarded so that
gradients stay finite away from the threshold itself).
"""

from __future__ import annotations

import jax.numpy as jnp
from jax import Array

from .model import TwinHiggs

__all__ = [
    "msq_CS",
    "msq_CA",
    "msq_A",
    "msq_S",
    "sigma_CS",
    "sigma_CA",
    "sigma_A",
    "sigma_S",
    "sigma_CS_closed_form",
    "sigma_v_swave_CS",
    "sigma_v_swave_A",
    "s_threshold_CS",
    "s_threshold_CA",
    "s_threshold_A",
    "s_threshold_S",
]

#: Symmetric monomial keys (a, b) of §3.2: B_(a,b)(X,Y) = X^a Y^b + X^b Y^a (a != b),
#: B_(a,a) = X^a Y^a.
KEYS = ((0, 0), (0, 1), (-1, 1), (-1, 0), (-2, 0), (-1, -1), (-2, 1))

# Below |B/A| < this, atanh(z)/z is evaluated by its Taylor series (§3.7).
_SERIES_Z = 1e-3


def _basis(key, x, y):
    """B_key(X, Y) of §3.2."""
    a, b = key
    if a == b:
        return x**a * y**a
    return x**a * y**b + x**b * y**a


def _sum_keys(coeffs: dict, x, y):
    return sum(c * _basis(k, x, y) for k, c in coeffs.items())


def _atanh_over_z(z):
    """atanh(z)/z, stable for z -> 0 (even series 1 + z^2/3 + z^4/5 + z^6/7)."""
    small = jnp.abs(z) < _SERIES_Z
    z_safe = jnp.where(small, 0.5, z)
    z2 = z * z
    series = 1.0 + z2 * (1.0 / 3.0 + z2 * (1.0 / 5.0 + z2 / 7.0))
    return jnp.where(small, series, jnp.arctanh(z_safe) / z_safe)


def _log_over_b(a, b):
    r"""ℓ/B = ln[(A+B)/(A-B)]/B = (2/A) atanh(B/A)/(B/A), for |B| < |A| (§3.7)."""
    return 2.0 / a * _atanh_over_z(b / a)


def _sqrt_kallen(s, m1, m2):
    """λ^{1/2}(s, m1², m2²) in factorised form (accurate near threshold), GeV²."""
    return jnp.sqrt((s - (m1 + m2) ** 2) * (s - (m1 - m2) ** 2))


# --------------------------------------------------------------------------
# Coefficient tables (§3.3-3.6).  a = m_tau^2, b = m_nu^2, M = m_gamma,
# mm = m_tau m_nu.  Each function returns {key: coefficient} *including* e_hat^4.
# --------------------------------------------------------------------------
def _coeffs_CS(model: TwinHiggs) -> dict:
    """Σ|M|²_CS = 8ê⁴[B(-1,1) - 4(a+M²)B(-1,0) - (2a+M²)²B(-2,0) - 8(a²-M⁴)B(-1,-1)] (§3.3)."""
    a = model.m_tau**2
    m2 = model.m_gamma**2
    e4 = model.e_hat**4
    return {
        (-1, 1): 8.0 * e4,
        (-1, 0): -32.0 * e4 * (a + m2),
        (-2, 0): -8.0 * e4 * (2.0 * a + m2) ** 2,
        (-1, -1): -64.0 * e4 * (a - m2) * (a + m2),
    }


def _vf_tables(model: TwinHiggs):
    """V_key and F_key of the C_A / S table (§3.4), without couplings."""
    a = model.m_tau**2
    b = model.m_nu**2
    m2 = model.m_gamma**2
    m4 = m2 * m2
    mm = model.m_tau * model.m_nu
    v = {
        (0, 0): 2.0 * (m2 * (a + b) - a * a + a * b) / m4,
        (0, 1): -(a + b) / m4,
        (-1, 1): 2.0 * (2.0 * m2 + a + b) / m2,
        (-1, 0): 2.0 * (3 * a * a - 2 * a * b - b * b + 2 * m2 * (a + b) - 8 * m4) / m2,
        (-2, 0): 2.0 * (m2 + 2 * a) * ((a - b) ** 2 + m2 * (a + b) - 2 * m4) / m2,
        (-1, -1): -16.0 * (a * a + m2 * (a + b) - 2 * m4),
    }
    f = {
        (0, 0): 4.0 * mm * (a - b - 2 * m2) / m4,
        (0, 1): 4.0 * mm / m4,
        (-1, 1): -8.0 * mm / m2,
        (-1, 0): -16.0 * mm * (3 * m2 + a - b) / m2,
        (-2, 0): -24.0 * mm * (m2 + 2 * a),
        (-1, -1): -16.0 * mm * (a + b - 4 * m2),
    }
    return v, f


def _coeffs_CA(model: TwinHiggs, couplings=None) -> dict:
    """c_key = ê⁴[(g_L²+g_R²) V_key + g_L g_R F_key] (§3.4).

    ``couplings = (g_L, g_R)`` replaces the model's mixing couplings (units of ê);
    used to tabulate the θ₁-independent vector/axial parts (collision.py, TwinTables).
    """
    v, f = _vf_tables(model)
    gl, gr = (model.g_L, model.g_R) if couplings is None else couplings
    e4 = model.e_hat**4
    return {k: e4 * ((gl * gl + gr * gr) * v[k] + gl * gr * f[k]) for k in v}


def _coeffs_A(model: TwinHiggs) -> dict:
    """c_key = ê⁴[(g_L⁴+g_R⁴)G1 + g_L g_R(g_L²+g_R²)G2 + g_L²g_R² G3] (§3.6)."""
    a = model.m_tau**2
    b = model.m_nu**2
    m2 = model.m_gamma**2
    m4, m6, m8 = m2 * m2, m2**3, m2**4
    mm = model.m_tau * model.m_nu
    g1 = {
        (-1, 0): -(
            16 * m6 - 4 * m4 * a - 8 * m4 * b - 4 * m2 * a * a - 8 * m2 * a * b
            + 12 * m2 * b * b + a**3 + 4 * a * a * b - 3 * a * b * b - 2 * b**3
        )
        / m4,
        (-2, 0): (
            -4 * m8 + 4 * m6 * b + 11 * m4 * a * a - 16 * m4 * a * b + 3 * m4 * b * b
            - 8 * m2 * a**3 + 14 * m2 * a * a * b - 4 * m2 * a * b * b - 2 * m2 * b**3
            + a**4 - 2 * a**3 * b + 2 * a * b**3 - b**4
        )
        / m4,
        (0, 0): -2.0 * (a * a + 2 * a * b - b * b - 2 * m2 * b) / m4,
        (-1, 1): (4 * m4 + 4 * m2 * b + a * a - 4 * a * b + b * b) / m4,
        (-1, -1): -2.0
        * (
            -16 * m8 + 16 * m6 * (a + b) + 7 * m4 * a * a - 24 * m4 * a * b
            + 7 * m4 * b * b - 8 * m2 * a**3 + 8 * m2 * a * a * b + 8 * m2 * a * b * b
            - 8 * m2 * b**3 + a**4 - 2 * a * a * b * b + b**4
        )
        / m4,
        (0, 1): -2.0 * b / m4,
        (-2, 1): a * (a - b - 2 * m2) ** 2 / m4,
    }
    g2 = {
        (0, 0): 16 * mm * (2 * a - b) / m4,
        (-2, 0): 12 * mm * ((a - b) ** 2 + m2 * (a + b) - 2 * m4) / m2,
        (-1, -1): 8 * mm
        * (6 * m6 - 3 * m4 * (a + b) - 5 * m2 * (a - b) ** 2 + 2 * (a + b) * (a - b) ** 2)
        / m4,
        (-1, 0): 8 * mm * (a - b) * (3 * a + b - 2 * m2) / m4,
        (0, 1): 8 * mm / m4,
        (-1, 1): 8 * mm * (a - m2) / m4,
    }
    g3 = {
        (-1, 0): -2.0
        * (
            4 * m4 * a + 24 * m4 * b - 4 * m2 * a * a + 8 * m2 * a * b - 4 * m2 * b * b
            + 11 * a**3 - 9 * a * b * b - 2 * b**3
        )
        / m4,
        (0, 0): -8.0 * (m2 * b + 4 * a * a - b * b) / m4,
        (-2, 0): -4.0 * a
        * (-2 * m6 + 4 * m4 * a + 15 * m4 * b - 3 * m2 * (a - b) ** 2 + (a - b) ** 3)
        / m4,
        (0, 1): -4.0 * (2 * a + b) / m4,
        (-2, 1): -2.0 * a * (a - b - 2 * m2) ** 2 / m4,
        (-1, 1): -4.0 * a * (2 * a + b - 2 * m2) / m4,
        (-1, -1): -8.0
        * (
            -2 * m6 * (a + b) + m4 * a * b + m2 * (a**3 - a * a * b - a * b * b + b**3)
            + a**4 + 2 * a**3 * b - 6 * a * a * b * b + 2 * a * b**3 + b**4
        )
        / m4,
    }
    gl, gr = model.g_L, model.g_R
    w1 = gl**4 + gr**4
    w2 = gl * gr * (gl * gl + gr * gr)
    w3 = gl * gl * gr * gr
    e4 = model.e_hat**4
    keys = set(g1) | set(g2) | set(g3)
    return {
        k: e4 * (w1 * g1.get(k, 0.0) + w2 * g2.get(k, 0.0) + w3 * g3.get(k, 0.0))
        for k in keys
    }


# --------------------------------------------------------------------------
# Spin-summed squared matrix elements
# --------------------------------------------------------------------------
def msq_CS(model: TwinHiggs, t, u) -> Array:
    """Σ|M|² of C_S, τ̂(p₁)τ̂̄(p₂) → γ̂(k₁)γ̂(k₂) (§3.3); t = (p₁−k₁)², u = (p₁−k₂)² [GeV²].

    Summed over all spins and polarisations, with ê⁴; vector-like unit diagonal coupling (leading order).
    """
    a = model.m_tau**2
    return _sum_keys(_coeffs_CS(model), t - a, u - a)


def msq_CA(model: TwinHiggs, t, u) -> Array:
    """Σ|M|² of C_A, τ̂(p₁)ν̂̄(p₂) → γ̂(k₁)γ̂(k₂) (§3.4); t = (p₁−k₁)², u = (p₁−k₂)² [GeV²].

    Summed over all spins and polarisations, with ê⁴; τ̂ exchange in the t and u channels.
    """
    a = model.m_tau**2
    return _sum_keys(_coeffs_CA(model), t - a, u - a)


def msq_A(model: TwinHiggs, t, u) -> Array:
    """Σ|M|² of A, ν̂(p₁)ν̂̄(p₂) → γ̂(k₁)γ̂(k₂) (§3.6); t = (p₁−k₁)², u = (p₁−k₂)² [GeV²].

    Summed over all spins and polarisations, with ê⁴; τ̂ exchange, both vertices off-diagonal.
    """
    a = model.m_tau**2
    return _sum_keys(_coeffs_A(model), t - a, u - a)


def msq_S(model: TwinHiggs, s, u) -> Array:
    """Σ|M|² of S, ν̂(p₁)γ̂(k₁) → τ̂(p₂)γ̂(k₂) (§3.5); s = (p₁+k₁)², u = (p₁−k₂)² [GeV²].

    Crossing of C_A: Σ|M|²_S(S, U) = −ê⁴ Σ_key [(g_L²+g_R²)V + g_L g_R F] B_key(S, U), S = s − m_τ²,
    U = u − m_τ²; summed over all spins and polarisations (s- and u-channel τ̂ exchange).
    """
    a = model.m_tau**2
    return -_sum_keys(_coeffs_CA(model), s - a, u - a)


# --------------------------------------------------------------------------
# Thresholds
# --------------------------------------------------------------------------
def s_threshold_CS(model: TwinHiggs) -> Array:
    """Threshold (2m_τ)² [GeV²] of C_S, τ̂τ̂̄ → γ̂γ̂ (§3.11)."""
    return (2.0 * model.m_tau) ** 2


def s_threshold_CA(model: TwinHiggs) -> Array:
    """Threshold (m_τ + m_ν)² [GeV²] of C_A, τ̂ν̂̄ → γ̂γ̂ (§3.11)."""
    return (model.m_tau + model.m_nu) ** 2


def s_threshold_A(model: TwinHiggs) -> Array:
    """Threshold max(2m_ν, 2m_γ)² [GeV²] of A, ν̂ν̂̄ → γ̂γ̂ (§3.11; m_γ > m_ν for 1 < r < 1 + Δ)."""
    return (2.0 * jnp.maximum(model.m_nu, model.m_gamma)) ** 2


def s_threshold_S(model: TwinHiggs) -> Array:
    """Threshold s_th = (m_τ + m_γ)² [GeV²] of S, ν̂γ̂ → τ̂γ̂ (§3.5)."""
    return (model.m_tau + model.m_gamma) ** 2


# --------------------------------------------------------------------------
# Cross sections
# --------------------------------------------------------------------------
def _angular_integrals(a_t, b_t) -> dict:
    """J_key = ∫_{-1}^{1} B_key(A+Bc, A-Bc) dc (§3.7); A < 0, |B| < |A|."""
    lob = _log_over_b(a_t, b_t)
    inv_d = 1.0 / ((a_t - b_t) * (a_t + b_t))
    return {
        (0, 0): 2.0 * jnp.ones_like(a_t),
        (0, 1): 4.0 * a_t,
        (-1, 1): -4.0 + 4.0 * a_t * lob,
        (-1, 0): 2.0 * lob,
        (-2, 0): 4.0 * inv_d,
        (-1, -1): lob / a_t,
        (-2, 1): 8.0 * a_t * inv_d - 2.0 * lob,
    }


def _sigma_annihilation(coeffs: dict, s, m_a, m_b, m_c, m_v) -> Array:
    """σ(s) of a b̄ -> γ̂γ̂ with c exchange (§3.7), GeV⁻².

    σ = [S_f/(g_a g_b)] B_t Σ c_key J_key / [16π λ(s, m_a², m_b²)], S_f = 1/2,
    g_a g_b = 4.  Zero below max((m_a+m_b)², 4m_v²) (the second bound matters
    only for m_v > (m_a+m_b)/2).
    """
    s = jnp.asarray(s, dtype=jnp.float64)
    s_min = jnp.maximum((m_a + m_b) ** 2, 4.0 * m_v**2)
    above = s > s_min
    s_ok = jnp.where(above, s, 2.0 * s_min + 1.0)
    sqrt_lam = _sqrt_kallen(s_ok, m_a, m_b)
    beta_v = jnp.sqrt(1.0 - 4.0 * m_v**2 / s_ok)
    a_t = 0.5 * (m_a**2 + m_b**2 - s_ok) + m_v**2 - m_c**2
    b_t = 0.5 * sqrt_lam * beta_v
    j = _angular_integrals(a_t, b_t)
    total = sum(coeffs[k] * j[k] for k in coeffs)
    # B_t / λ = β_v / (2 λ^{1/2})
    sigma = (0.5 / 4.0) * (0.5 * beta_v / sqrt_lam) * total / (16.0 * jnp.pi)
    return jnp.where(above, sigma, 0.0)


def sigma_CS(model: TwinHiggs, s) -> Array:
    """σ_CS(s) [GeV⁻²] of τ̂τ̂̄ → γ̂γ̂ (§3.3, §3.7); s in GeV².

    Averaged over the 4 initial spin states, identical-photon factor ½; 0 for s ≤ (2m_τ)².
    """
    m_tau = model.m_tau
    return _sigma_annihilation(
        _coeffs_CS(model), s, m_tau, m_tau, m_tau, model.m_gamma
    )


def sigma_CA(model: TwinHiggs, s, *, couplings=None) -> Array:
    """σ_CA(s) [GeV⁻²] of τ̂ν̂̄ → γ̂γ̂ for one CP channel (ν̂τ̂̄ is equal) (§3.4, §3.7); s in GeV².

    Averaged over 4 initial spin states, identical-photon factor ½; 0 for s ≤ (m_τ + m_ν)².
    ``couplings = (g_L, g_R)`` (units of ê) replaces the model's off-diagonal couplings; σ_CA is the
    quadratic form (g_L²+g_R²)σ_V + g_L g_R σ_F in them.
    """
    return _sigma_annihilation(
        _coeffs_CA(model, couplings), s, model.m_tau, model.m_nu, model.m_tau, model.m_gamma
    )


def sigma_A(model: TwinHiggs, s) -> Array:
    """σ_A(s) [GeV⁻²] of ν̂ν̂̄ → γ̂γ̂ (§3.6, §3.7); s in GeV².

    Averaged over 4 initial spin states, identical-photon factor ½; 0 for s ≤ (2m_ν)² (and below 4m_γ²).
    """
    return _sigma_annihilation(
        _coeffs_A(model), s, model.m_nu, model.m_nu, model.m_tau, model.m_gamma
    )


def sigma_S(model: TwinHiggs, s, *, couplings=None) -> Array:
    """Coscattering σ_S(s) [GeV⁻²] of ν̂γ̂ → τ̂γ̂ (§3.5, §3.7); s in GeV².

    σ_S = Θ(s − s_th) B_u (−Σ c_key I_key)/[6 · 16π λ(s, m_ν², m_γ²)], s_th = (m_τ + m_γ)², exact angular
    integration in u at fixed s. Averaged over g_ν g_γ = 6 initial states, no symmetry factor; exactly 0 for
    s ≤ s_th, ∝ √(s − s_th) above. ``couplings = (g_L, g_R)`` as in :func:`sigma_CA`.
    """
    s = jnp.asarray(s, dtype=jnp.float64)
    m_nu, m_tau, m_g = model.m_nu, model.m_tau, model.m_gamma
    s_th = s_threshold_S(model)
    above = s > s_th
    s_ok = jnp.where(above, s, s_th + 1.0)
    rs = jnp.sqrt(s_ok)
    sqrt_lam_in = _sqrt_kallen(s_ok, m_nu, m_g)
    sqrt_lam_out = _sqrt_kallen(s_ok, m_tau, m_g)
    e1 = (s_ok + m_nu**2 - m_g**2) / (2.0 * rs)
    e2p = (s_ok + m_g**2 - m_tau**2) / (2.0 * rs)
    a_u = m_nu**2 + m_g**2 - m_tau**2 - 2.0 * e1 * e2p
    b_u = sqrt_lam_in * sqrt_lam_out / (2.0 * s_ok)  # 2 p q
    big_s = s_ok - m_tau**2
    # moments <U^n> = ∫ U^n dc
    mom = {
        0: 2.0 * jnp.ones_like(a_u),
        1: 2.0 * a_u,
        -1: _log_over_b(a_u, b_u),
        -2: 2.0 / ((a_u - b_u) * (a_u + b_u)),
    }

    def key_integral(key):
        ka, kb = key
        if ka == kb:
            return big_s**ka * mom[ka]
        return big_s**ka * mom[kb] + big_s**kb * mom[ka]

    coeffs = _coeffs_CA(model, couplings)
    total = -sum(coeffs[k] * key_integral(k) for k in coeffs)
    # B_u / λ_in = λ_out^{1/2} / (2 s λ_in^{1/2})
    sigma = (sqrt_lam_out / (2.0 * s_ok * sqrt_lam_in)) * total / (6.0 * 16.0 * jnp.pi)
    return jnp.where(above, sigma, 0.0)


def sigma_CS_closed_form(model: TwinHiggs, s) -> Array:
    """σ_CS(s) [GeV⁻²] from the explicit formula of §3.3 (massive secluded-photon QED).

    σ = 4π α̂²/[s(s−4m_τ²)] {[a_s + 2(m_τ²+M²) − 2(m_τ⁴−M⁴)/a_s] ℓ_s − b_s [1 + (2m_τ²+M²)²/(m_τ²(s−4M²)+M⁴)]},
    a_s = s/2 − M², b_s = ½√((s−4m_τ²)(s−4M²)), ℓ_s = ln[(a_s+b_s)/(a_s−b_s)]. Independent of the key/J
    machinery of :func:`sigma_CS` (a cross-check); same conventions, 0 for s ≤ 4m_τ².
    """
    s = jnp.asarray(s, dtype=jnp.float64)
    mt2 = model.m_tau**2
    m2 = model.m_gamma**2
    s_th = 4.0 * mt2
    above = s > s_th
    s_ok = jnp.where(above, s, 2.0 * s_th)
    a_s = 0.5 * s_ok - m2
    b_s = 0.5 * jnp.sqrt((s_ok - 4.0 * mt2) * (s_ok - 4.0 * m2))
    # ℓ_s = 2 atanh(b_s/a_s) written as b_s * (ℓ_s / b_s) for stability
    ell = b_s * _log_over_b(a_s, b_s)
    brace = (a_s + 2.0 * (mt2 + m2) - 2.0 * (mt2 - m2) * (mt2 + m2) / a_s) * ell - b_s * (
        1.0 + (2.0 * mt2 + m2) ** 2 / (mt2 * (s_ok - 4.0 * m2) + m2 * m2)
    )
    sigma = 4.0 * jnp.pi * model.alpha_hat**2 / (s_ok * (s_ok - 4.0 * mt2)) * brace
    return jnp.where(above, sigma, 0.0)


def _sigma_v_swave(msq_at_threshold, m_a, m_gamma) -> Array:
    """σ v_rel at s -> 4 m_a² (§3.8): Σ|M|²(T₀,T₀) √(1 - M²/m_a²)/(256 π m_a²)."""
    return msq_at_threshold * jnp.sqrt(1.0 - (m_gamma / m_a) ** 2) / (
        256.0 * jnp.pi * m_a**2
    )


def sigma_v_swave_CS(model: TwinHiggs) -> Array:
    """lim_{v→0} σ_CS v_rel [GeV⁻²] (v_rel = 2β, initial-state averaged; §3.3, §3.8); needs m_γ < m_τ.

    From Σ|M|²_CS at threshold, t = u = M² − m_τ²; equals (π α̂²/m_τ²)(1 − M²/m_τ²)^{3/2}/(1 − M²/2m_τ²)².
    """
    t0 = model.m_gamma**2 - model.m_tau**2
    return _sigma_v_swave(msq_CS(model, t0, t0), model.m_tau, model.m_gamma)


def sigma_v_swave_A(model: TwinHiggs) -> Array:
    """lim_{v→0} σ_A v_rel [GeV⁻²] (v_rel = 2β; §3.8, CMB/indirect detection §7.3); needs m_γ < m_ν.

    From Σ|M|²_A at threshold, t = u = M² − m_ν²; averaged over the 4 spin states of the ν̂ν̂̄ pair.
    """
    t0 = model.m_gamma**2 - model.m_nu**2
    return _sigma_v_swave(msq_A(model, t0, t0), model.m_nu, model.m_gamma)
