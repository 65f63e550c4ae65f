"""Reduced phase-space integrals of the 2→2 kernel engine (pure jnp, elementwise in (p₁, p₂)).

Derivations: docs/physics/kernel_engine.md §2–§5.  Every function broadcasts over the leading
shape of (p1, p2) and appends static quadrature axes; sizes are Python ints (static).
|M|² is Σ over all spins of all external particles (no averaging), as a jnp function
msq(s, t) vectorised elementwise.
"""

from __future__ import annotations

import jax.numpy as jnp

from ..numerics.quadrature import gauss_laguerre, gauss_legendre
from ..stats.thermal_average import kallen_masses
from .kernel_grid import sym_bath_factor

__all__ = ["scatter_hat", "annihilation_w", "decay_fractions", "fp_gamma"]

_TINY = 1e-300
_Q_PANEL_T = 30.0  # first Q panel: |q| − Q_lo ≤ 30 T (bath energy ≳ 15 T beyond), then the rest


def _safe_sqrt(x):
    """√max(x, 0) with a finite derivative at 0 (the branch is never the one that matters there)."""
    x = jnp.maximum(x, 0.0)
    return jnp.where(x > 0.0, jnp.sqrt(jnp.where(x > 0.0, x, 1.0)), 0.0)


def _legendre01(n):
    x, w = gauss_legendre(n)
    return jnp.asarray(0.5 * (x + 1.0)), jnp.asarray(0.5 * w)


def scatter_hat(msq, p1, p2, m1, m2, mb, T, eta_b, eta_bp, n_q=16, n_e=16, n_phi=8):
    """Â(p₁, p₂) [GeV²] of 1(p₁) + b → 2(p₂) + b′, m_b′ = m_b (docs §2):

        Â = 1/(16π p₁ p₂) ∫_{Q_lo}^{p₁+p₂} dQ ∫_{E_min(Q)}^∞ dE_b ⟨Σ|M|²(s, t) 𝔉(E_b, E_b + ω)⟩_φ,

    Q = |p⃗₁ − p⃗₂|, ω = E₁ − E₂, t = ω² − Q², Q_lo = max(|p₁ − p₂|, |ω|) (t ≤ 0),
    E_min = (Q√(1 + 4m_b²/|t|) − ω)/2, 𝔉 = e^{−(E_b+E_b′)/2T}/[(1+η e^{−E_b/T})(1+η′ e^{−E_b′/T})],
    φ = azimuth of p⃗_b about q⃗ (s depends on it, t does not).  The equilibrium reaction density per
    d³p₁ d³p₂/(2π)⁶ is e^{−(E₁+E₂)/2T} Â/(4E₁E₂).
    Quadrature: Q in two Gauss–Legendre panels ([0, 30T] and the rest above Q_lo, n_q each),
    E_b by Gauss–Laguerre (n_e, scale T), φ by Gauss–Legendre on [0, π] (n_phi).
    """
    p1 = jnp.asarray(p1, dtype=jnp.float64)
    p2 = jnp.asarray(p2, dtype=jnp.float64)
    E1 = jnp.sqrt(m1**2 + p1**2)
    E2 = jnp.sqrt(m2**2 + p2**2)
    om = (m1**2 - m2**2 + (p1 - p2) * (p1 + p2)) / (E1 + E2)  # E₁ − E₂ without cancellation
    aw = jnp.abs(om)
    dp = jnp.abs(p1 - p2)
    q_lo = jnp.maximum(dp, aw)
    d0 = jnp.maximum(dp - aw, 0.0)  # Q_lo − |ω|
    L = p1 + p2 - q_lo
    open_ = L > 0.0  # no kinematically allowed |q⃗| when |ω| ≥ p₁ + p₂ (e.g. slow 1 → heavier slow 2)
    L = jnp.where(open_, L, T)  # dummy nodes there, weight 0 (keeps gradients finite)
    LA = jnp.minimum(L, _Q_PANEL_T * T)
    xq, wq = _legendre01(n_q)
    ex = lambda a: a[..., None]  # noqa: E731
    y = jnp.concatenate([ex(LA) * xq, ex(LA) + ex(L - LA) * xq], axis=-1)  # (..., 2 n_q)
    wy = jnp.where(ex(open_), jnp.concatenate([ex(LA) * wq, ex(L - LA) * wq], axis=-1), 0.0)
    Q = ex(q_lo) + y
    tm = (ex(d0) + y) * (Q + ex(aw))  # −t > 0
    tm = jnp.maximum(tm, 1e-24 * (Q + ex(aw) + T) ** 2)
    r = jnp.sqrt(1.0 + 4.0 * mb**2 / tm)
    Qr = Q * r
    omq = ex(om)
    emin_pos = 0.5 * (tm + 4.0 * mb**2 * Q**2 / tm) / (Qr + jnp.abs(omq))  # ω > 0 branch, cancellation-free
    emin = jnp.where(omq > 0.0, emin_pos, 0.5 * (Qr - omq))
    emin = jnp.maximum(emin, mb)
    # ---- bath energy: E_b = E_min + T u, Gauss–Laguerre weight e^{−u}
    xu, wu = gauss_laguerre(n_e, 0.0)
    xu, wu = jnp.asarray(xu), jnp.asarray(wu)
    Eb = emin[..., None] + T * xu  # (..., 2n_q, n_e)
    Ebp = Eb + omq[..., None]
    corr = sym_bath_factor(Eb, Ebp, T, eta_b, eta_bp)
    boltz = jnp.exp(-(emin + 0.5 * omq) / T)[..., None]  # e^{−(E_b + E_b′)/2T} at u = 0
    wE = T * wu * boltz * corr
    pb = jnp.sqrt(jnp.maximum((Eb - mb) * (Eb + mb), _TINY))
    Qe = Q[..., None]
    t = -tm[..., None]
    cosa = jnp.clip((2.0 * Eb * omq[..., None] + t) / (2.0 * pb * Qe), -1.0, 1.0)
    sina = _safe_sqrt(1.0 - cosa**2)
    p1e = ex(ex(p1))
    p2e = ex(ex(p2))
    p1par = (p1e - p2e) * (p1e + p2e) / (2.0 * Qe) + 0.5 * Qe
    p1perp = _safe_sqrt(((p1e + p2e) ** 2 - Qe**2) * (Qe - ex(ex(dp))) * (Qe + ex(ex(dp)))) / (2.0 * Qe)
    xf, wf = gauss_legendre(n_phi)
    cphi = jnp.cos(0.5 * jnp.pi * (jnp.asarray(xf) + 1.0))
    wphi = jnp.asarray(0.5 * wf)  # (1/π)∫_0^π dφ
    base = m1**2 + mb**2 + 2.0 * ex(ex(E1)) * Eb - 2.0 * pb * cosa * p1par
    s = base[..., None] - 2.0 * (pb * sina * p1perp)[..., None] * cphi
    m2avg = jnp.sum(msq(s, t[..., None]) * wphi, axis=-1)  # (..., 2n_q, n_e)
    inner = jnp.sum(m2avg * wE, axis=-1)
    integral = jnp.sum(inner * wy, axis=-1)
    return integral / (16.0 * jnp.pi * p1 * p2)


def annihilation_w(msq, p1, p2, m1, m2, mb, mbp, T, eta_b, eta_bp, n_s=24, n_th=16, n_phi=8):
    """W(p₁, p₂) = ½∫ d cos θ₁₂ ∫ dΦ₂ Σ|M|² (1 − η f_b)(1 − η′ f_b′) for 1 + 2 → b + b′ (docs §3).

    s = s₋ + 4 p₁p₂ x (x ∈ [0, 1], Gauss–Legendre n_s) replaces cos θ₁₂, and
    W = ∫_0^1 dx Φ(s), Φ = p_f*/(4π√s) ⟨Σ|M|² × blocking⟩_{Ω*}.  MB bath (η = η′ = 0): the CM polar
    axis is p⃗₁*, t = m₁² + m_b² − 2E₁*E_b* + 2p₁*p_f* cos θ*, so only cos θ* (n_th nodes) is needed.
    FD/BE bath: the polar axis is the boost P⃗ = p⃗₁ + p⃗₂ (lab energies of b, b′ depend on the
    polar angle only) and the azimuth about it (n_phi nodes) carries the t dependence.
    σ(s) = W-integrand relation: ∫dΦ₂ Σ|M|² = 2 g₁g₂ λ^{1/2}(s, m₁², m₂²) σ(s) (MB).
    """
    p1 = jnp.asarray(p1, dtype=jnp.float64)
    p2 = jnp.asarray(p2, dtype=jnp.float64)
    E1 = jnp.sqrt(m1**2 + p1**2)
    E2 = jnp.sqrt(m2**2 + p2**2)
    X = (m1**2 * m2**2 + m1**2 * p2**2 + m2**2 * p1**2) / (E1 * E2 + p1 * p2)  # E₁E₂ − p₁p₂
    xs, ws = _legendre01(n_s)
    ex = lambda a: a[..., None]  # noqa: E731
    s = ex(m1**2 + m2**2 + 2.0 * X) + ex(4.0 * p1 * p2) * xs
    rs = jnp.sqrt(s)
    p1s = _safe_sqrt(kallen_masses(s, m1, m2)) / (2.0 * rs)
    pfs = _safe_sqrt(kallen_masses(s, mb, mbp)) / (2.0 * rs)
    E1s = (s + m1**2 - m2**2) / (2.0 * rs)
    Ebs = (s + mb**2 - mbp**2) / (2.0 * rs)
    xt, wt = gauss_legendre(n_th)
    ct = jnp.asarray(xt)
    wt = jnp.asarray(0.5 * wt)
    e = lambda a: a[..., None]  # noqa: E731
    t0 = m1**2 + mb**2 - 2.0 * E1s * Ebs
    if eta_b == 0.0 and eta_bp == 0.0:
        t = e(t0) + e(2.0 * p1s * pfs) * ct
        avg = jnp.sum(msq(e(s), t) * wt, axis=-1)
    else:
        c12 = 1.0 - 2.0 * xs  # cos θ₁₂ at the s nodes
        P = jnp.sqrt(jnp.maximum(ex(p1**2 + p2**2) + 2.0 * ex(p1 * p2) * c12, _TINY))
        EP = ex(E1 + E2)
        p1par = (ex(p1**2) + ex(p1 * p2) * c12) / P
        p1s_par = (EP * p1par - P * ex(E1)) / rs
        cos1 = jnp.clip(p1s_par / jnp.maximum(p1s, _TINY), -1.0, 1.0)
        sin1 = _safe_sqrt(1.0 - cos1**2)
        xf, wf = gauss_legendre(n_phi)
        cphi = jnp.cos(0.5 * jnp.pi * (jnp.asarray(xf) + 1.0))
        wphi = jnp.asarray(0.5 * wf)
        st = jnp.sqrt(1.0 - ct**2)
        # axes (..., n_s, n_th, n_phi)
        cosang = e(e(cos1)) * ct[:, None] + e(e(sin1)) * st[:, None] * cphi
        t = e(e(t0)) + e(e(2.0 * p1s * pfs)) * cosang
        Eb = (e(EP * Ebs) + e(P * pfs) * ct) / e(rs)  # (..., n_s, n_th)
        Ebp = e(EP) - Eb
        block = 1.0
        if eta_b != 0.0:
            block = block / (1.0 + eta_b * jnp.exp(-Eb / T))
        if eta_bp != 0.0:
            block = block / (1.0 + eta_bp * jnp.exp(-Ebp / T))
        m2 = jnp.sum(msq(e(e(s)), t) * wphi, axis=-1) * block
        avg = jnp.sum(m2 * wt, axis=-1)
    phi_s = pfs / (4.0 * jnp.pi * rs) * avg
    return jnp.sum(phi_s * ws, axis=-1)


def decay_fractions(p1, m1, m2, mb, edges2):
    """Daughter-cell fractions of 1(p₁) → 2 + b in flight (docs §4).

    In the lab the daughter energy is uniform on [E₋, E₊], E_± = (E₁E₂* ± p₁p*)/m₁.  Returns
    (frac, E2mid): frac[..., j] = |[E₋, E₊] ∩ cell_j| /(E₊ − E₋) with the first cell extended down to
    m₂ and the last to ∞ (Σ_j frac = 1: daughters above the grid are kept in the last cell), and
    the midpoint of each overlap (where the bath blocking factor is evaluated).
    """
    p1 = jnp.asarray(p1, dtype=jnp.float64)
    E1 = jnp.sqrt(m1**2 + p1**2)
    ps = _safe_sqrt(kallen_masses(m1**2, m2, mb)) / (2.0 * m1)
    E2s = (m1**2 + m2**2 - mb**2) / (2.0 * m1)
    Em = (E1 * E2s - p1 * ps) / m1
    width = 2.0 * p1 * ps / m1
    Eedge = jnp.sqrt(m2**2 + edges2**2)
    x = jnp.clip((Eedge - Em[..., None]) / width[..., None], 0.0, 1.0)
    n = edges2.shape[0]
    x = x.at[..., 0].set(0.0).at[..., n - 1].set(1.0)
    frac = x[..., 1:] - x[..., :-1]
    E2mid = Em[..., None] + width[..., None] * 0.5 * (x[..., 1:] + x[..., :-1])
    return frac, E2mid


def fp_gamma(msq, m, g, mb, T, eta_b, n_e=48, n_t=16):
    """Momentum-relaxation rate γ(T) [GeV] of a heavy particle (m ≫ T) on a bath b (docs §5):

        γ = 1/(384 π³ g m³ T) ∫_{m_b}^∞ dE_b f_b(1 − η f_b) ∫_{−4k²}^0 dt (−t) Σ|M|²(m² + m_b² + 2mE_b, t),

    k = √(E_b² − m_b²): Bringmann & Hofmann (2007), hep-ph/0612238, eq. (16) and its t-weighted form
    in Binder, Bringmann, Gustafsson & Hryczuk (2017), arXiv:1706.07433, eq. (2.10), with Σ|M|²
    summed over all spins (1/g averages the heavy particle's).
    """
    xu, wu = gauss_laguerre(n_e, 0.0)
    Eb = mb + T * jnp.asarray(xu)
    k2 = (Eb - mb) * (Eb + mb)
    # f(1 − ηf) = e^{−E/T}/(1 + η e^{−E/T})², e^{−(E_b − m_b)/T} is the Laguerre weight
    occ = jnp.exp(-mb / T) / (1.0 + eta_b * jnp.exp(-Eb / T)) ** 2
    v, wv = _legendre01(n_t)
    t = -4.0 * k2[:, None] * v
    s = (m**2 + mb**2 + 2.0 * m * Eb)[:, None]
    tint = 16.0 * k2**2 * jnp.sum(v * msq(s + 0.0 * t, t) * wv, axis=-1)
    integral = T * jnp.sum(jnp.asarray(wu) * occ * tint)
    return integral / (384.0 * jnp.pi**3 * g * m**3 * T)
