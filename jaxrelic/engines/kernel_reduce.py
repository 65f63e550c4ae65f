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


def _phi_average(msq, m1, mb, E1, p1, p2, dp, Q, Eb, t, om, dlt, n_phi):
    """⟨Σ|M|²(s, t)⟩_φ at the (Q, E_b) nodes: s = (p₁ + p_b)² with p⃗_b at the δ-fixed angle α to q⃗
    and azimuth φ about q⃗ (Gauss–Legendre on [0, π]).  Shapes: Q, t (..., k, 1); Eb (..., k, n_e)."""
    pb = jnp.sqrt(jnp.maximum((Eb - mb) * (Eb + mb), _TINY))
    cosa = jnp.clip((2.0 * Eb * om + dlt + t) / (2.0 * pb * Q), -1.0, 1.0)
    sina = _safe_sqrt(1.0 - cosa**2)
    p1par = (p1 - p2) * (p1 + p2) / (2.0 * Q) + 0.5 * Q
    p1perp = _safe_sqrt(((p1 + p2) ** 2 - Q**2) * (Q - dp) * (Q + dp)) / (2.0 * Q)
    xf, wf = gauss_legendre(n_phi)
    cphi = jnp.cos(0.5 * jnp.pi * (jnp.asarray(xf) + 1.0))
    wphi = jnp.asarray(0.5 * wf)  # (1/π)∫_0^π dφ
    base = m1**2 + mb**2 + 2.0 * E1 * Eb - 2.0 * pb * cosa * p1par
    s = base[..., None] - 2.0 * (pb * sina * p1perp)[..., None] * cphi
    return jnp.sum(msq(s, t[..., None]) * wphi, axis=-1)


def scatter_hat(msq, p1, p2, m1, m2, mb, T, eta_b, eta_bp, n_q=16, n_e=16, n_phi=8, mbp=None):
    """Â(p₁, p₂) [GeV²] of 1(p₁) + b → 2(p₂) + b′ (docs §2):

        Â = 1/(16π p₁ p₂) ∫ dQ ∫ dE_b ⟨Σ|M|²(s, t) 𝔉(E_b, E_b + ω)⟩_φ,

    Q = |p⃗₁ − p⃗₂| ∈ [|p₁ − p₂|, p₁ + p₂], ω = E₁ − E₂, t = ω² − Q² ≤ (m_b − m_b′)², and E_b over
    the set where the δ-fixed angle between p⃗_b and q⃗ is real: 4tE² + 4ω(Δ+t)E + (Δ+t)² + 4m_b²Q² ≤ 0,
    Δ = m_b² − m_b′², i.e. E_b ≥ E_min for t < 0 and E₋ ≤ E_b ≤ E₊ for 0 < t ≤ (m_b − m_b′)².
    𝔉 = e^{−(E_b+E_b′)/2T}/[(1+η e^{−E_b/T})(1+η′ e^{−E_b′/T})]; φ = azimuth of p⃗_b about q⃗ (s depends on
    it, t does not).  The equilibrium reaction density per d³p₁ d³p₂/(2π)⁶ is e^{−(E₁+E₂)/2T} Â/(4E₁E₂).
    Quadrature (static sizes): t < 0: Q in two Gauss–Legendre panels ([0, 30T] above max(|p₁−p₂|, |ω|)
    and the rest), E_b by Gauss–Laguerre (scale T); t > 0 (only if m_b′ ≠ m_b): one Gauss–Legendre
    panel in Q (v² map at the λ = 0 end) and E_b by Gauss–Legendre after the inverse-CDF map of
    e^{−E/T} on [E₋, E₊]; φ by Gauss–Legendre on [0, π].
    """
    mbp = mb if mbp is None else mbp
    p1 = jnp.asarray(p1, dtype=jnp.float64)
    p2 = jnp.asarray(p2, dtype=jnp.float64)
    E1 = jnp.sqrt(m1**2 + p1**2)
    E2 = jnp.sqrt(m2**2 + p2**2)
    om = (m1**2 - m2**2 + (p1 - p2) * (p1 + p2)) / (E1 + E2)  # E₁ − E₂ without cancellation
    dlt = (mb - mbp) * (mb + mbp)
    aw = jnp.abs(om)
    dp = jnp.abs(p1 - p2)
    ex = lambda a: a[..., None]  # noqa: E731
    xq, wq = _legendre01(n_q)
    e3 = lambda a: ex(ex(a))  # noqa: E731

    # ---------------- t < 0: Q ∈ [max(|p₁−p₂|, |ω|), p₁ + p₂], E_b ∈ [E_min, ∞)
    q_lo = jnp.maximum(dp, aw)
    d0 = jnp.maximum(dp - aw, 0.0)  # Q_lo − |ω|
    L = p1 + p2 - q_lo
    open_ = L > 0.0  # no allowed |q⃗| when |ω| ≥ p₁ + p₂ (e.g. slow 1 → heavier slow 2)
    L = jnp.where(open_, L, T)  # dummy nodes there, weight 0 (keeps gradients finite)
    LA = jnp.minimum(L, _Q_PANEL_T * T)
    y = jnp.concatenate([ex(LA) * xq, ex(LA) + ex(L - LA) * xq], axis=-1)  # (..., 2 n_q)
    wy = jnp.where(ex(open_), jnp.concatenate([ex(LA) * wq, ex(L - LA) * wq], axis=-1), 0.0)
    Q = ex(q_lo) + y
    tm = (ex(d0) + y) * (Q + ex(aw))  # −t > 0
    tm = jnp.maximum(tm, 1e-24 * (Q + ex(aw) + T) ** 2)
    sql = jnp.sqrt((tm + (mb + mbp) ** 2) * (tm + (mb - mbp) ** 2))  # √λ(t, m_b², m_b′²)
    omq = ex(om)
    wd = omq * (dlt - tm)  # ω(Δ + t)
    cq = (dlt - tm) ** 2 + 4.0 * mb**2 * Q**2
    emin = jnp.where(wd >= 0.0, (wd + Q * sql) / (2.0 * tm), cq / (2.0 * jnp.maximum(Q * sql - wd, _TINY)))
    emin = jnp.maximum(emin, mb)
    xu, wu = gauss_laguerre(n_e, 0.0)
    Eb = ex(emin) + T * jnp.asarray(xu)  # (..., 2n_q, n_e)
    Ebp = Eb + ex(omq)
    corr = sym_bath_factor(Eb, Ebp, T, eta_b, eta_bp)
    wE = T * jnp.asarray(wu) * ex(jnp.exp(-(emin + 0.5 * omq) / T)) * corr
    m2avg = _phi_average(msq, m1, mb, e3(E1), e3(p1), e3(p2), e3(dp), ex(Q), Eb, ex(-tm), e3(om), dlt, n_phi)
    integral = jnp.sum(jnp.sum(m2avg * wE, axis=-1) * wy, axis=-1)

    # ---------------- 0 < t ≤ (m_b − m_b′)²: Q ∈ [max(|p₁−p₂|, Q_t0), max(·, |ω|)], E_b ∈ [E₋, E₊]
    if not (isinstance(mb, (int, float)) and isinstance(mbp, (int, float)) and mb == mbp):
        dm2 = (mb - mbp) ** 2
        qt0 = _safe_sqrt(om**2 - dm2)
        a0 = jnp.minimum(jnp.maximum(dp, qt0), p1 + p2)
        b0 = jnp.minimum(jnp.maximum(a0, aw), p1 + p2)
        L0 = b0 - a0
        open0 = L0 > 0.0
        L0 = jnp.where(open0, L0, T)
        y0 = ex(L0) * xq**2  # v² map: the E-range ∝ √(Q − Q_t0) becomes linear in v
        w0 = jnp.where(ex(open0), ex(L0) * 2.0 * xq * wq, 0.0)
        Q0 = ex(a0) + y0
        tp = (ex(aw) - Q0) * (ex(aw) + Q0)  # t > 0
        tp = jnp.maximum(tp, 1e-24 * (Q0 + ex(aw) + T) ** 2)
        # λ = ((m_b+m_b′)² − t)((m_b−m_b′)² − t), (m_b−m_b′)² − t = Q² − Q_t0² = (Q − Q_t0)(Q + Q_t0)
        sql0 = _safe_sqrt(((mb + mbp) ** 2 - tp) * (ex(a0 - qt0) + y0) * (Q0 + ex(qt0)))
        wd0 = -omq * (dlt + tp)  # −ω(Δ + t) > 0 where the range exists
        c0 = (dlt + tp) ** 2 + 4.0 * mb**2 * Q0**2
        num = wd0 + Q0 * sql0
        ok0 = (wd0 > 0.0) & (num > 0.0) & ex(open0)
        num = jnp.where(ok0, num, 1.0)
        e_lo = jnp.maximum(c0 / (2.0 * num), mb)  # E₋ (cancellation-free: E₋E₊ = c/(4t))
        e_hi = num / (2.0 * tp)
        ok0 = ok0 & (e_hi > e_lo)
        e_lo = jnp.where(ok0, e_lo, mb + T)  # dummy (finite) nodes where the range is empty, weight 0
        LE = jnp.where(ok0, e_hi - e_lo, T)
        span = -jnp.expm1(-LE / T)  # inverse-CDF map of e^{−(E−E₋)/T} on [E₋, E₊]
        xe, we = _legendre01(n_e)
        u = -jnp.log1p(-ex(span) * xe)  # (E − E₋)/T
        Eb0 = ex(e_lo) + T * u
        Ebp0 = Eb0 + ex(omq)
        corr0 = sym_bath_factor(Eb0, Ebp0, T, eta_b, eta_bp)
        wE0 = jnp.where(ex(ok0), T * ex(span) * we * ex(jnp.exp(-(e_lo + 0.5 * omq) / T)) * corr0, 0.0)
        m2avg0 = _phi_average(msq, m1, mb, e3(E1), e3(p1), e3(p2), e3(dp), ex(Q0), Eb0, ex(tp), e3(om), dlt, n_phi)
        integral = integral + jnp.sum(jnp.sum(m2avg0 * wE0, axis=-1) * w0, axis=-1)
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

    k = √(E_b² − m_b²): Bringmann & Hofmann (2007), hep-ph/0612238, and its t-weighted form
    in Binder, Bringmann, Gustafsson & Hryczuk (2017), arXiv:1706.07433 (re-derived in docs §5), with Σ|M|²
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
