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

Resonances and thresholds (``resonances=``, ``thresholds=``)
-------------------------------------------------------------
The fixed Laguerre rule cannot see an s-channel pole narrower than its node
spacing (a Higgs-portal pole with Γ/M = 3·10⁻⁵ at x = 20 is averaged ~230×
too small).  Given the poles (M, Γ) and the extra thresholds √s_k, the
w-axis is cut into panels at sorted break points (static count, traced
positions): a core |√s − M| ≲ 10 Γ/2 integrated in θ with
s = M² + MΓ tan θ (the Breit–Wigner factor cancels against ds/dθ),
log-graded shoulders out to T, linear shoulders out to 12 T, a panel of 30 T
after each threshold (with a w = a + L q² map at threshold edges, which
removes √ onsets), and a Gauss–Laguerre tail.  See
docs/physics/thermal_average_resonances.md.

:func:`thermal_average_checked` returns (value, ok): ok is False when the rule
disagrees with a finer rule or when σ (with the hinted poles divided out) has
a log-convex, pole-like feature narrower than the local node spacing, i.e. an
unresolved resonance.  Pure JAX (no callbacks, no exceptions).
"""

from __future__ import annotations

from typing import Callable, Sequence

import jax
import jax.numpy as jnp
import numpy as np

from ..numerics.quadrature import gauss_laguerre, gauss_legendre
from ..numerics.special import k1e, k2e

__all__ = [
    "kallen",
    "kallen_masses",
    "thermal_average",
    "thermal_average_checked",
    "sigma_from_sigma_v",
    "v_lab",
]

_N_NODES = 64
_N_PANEL = 32

# Panel layout (distances in units of T on the √s axis, i.e. in w).
_K_CORE = 10.0  # θ-mapped core: |w − w_R| ≤ min(_K_CORE γ, _D_CORE), γ = Γ/(2T)
_D_CORE = 2.0
_D_INNER = 1.0  # log-graded shoulder out to here
_D_OUTER = 12.0  # linear shoulder out to here
_G_THRESHOLD = 30.0  # one panel of this length after every threshold

# Detector (thermal_average_checked)
_ROUGH_CRIT = 0.5  # flag when (ln σ)'' h² exceeds this at a node (h = local node spacing)
_RTOL_CHECK = 1e-3


def kallen(x, y, z):
    """Källén function λ(x, y, z) = x² + y² + z² − 2xy − 2xz − 2yz."""
    return x**2 + y**2 + z**2 - 2.0 * x * y - 2.0 * x * z - 2.0 * y * z


def kallen_masses(s, m1, m2):
    """λ(s, m₁², m₂²) in the cancellation-free form (s − (m₁+m₂)²)(s − (m₁−m₂)²)."""
    return (s - (m1 + m2) ** 2) * (s - (m1 - m2) ** 2)


def _threshold_w(sqrt_s_threshold, m_sum, T):
    if sqrt_s_threshold is None:
        return jnp.zeros_like(T)
    return jnp.maximum(jnp.asarray(sqrt_s_threshold, dtype=jnp.float64) - m_sum, 0.0) / T


def _norm(m1, m2, T):
    return 4.0 * m1**2 * m2**2 * k2e(m1 / T) * k2e(m2 / T)


def _laguerre_average(sigma, m1, m2, T, w_th, n_nodes):
    """The fixed generalised Gauss–Laguerre rule (weight √w' e^{−w'}), w = w_th + w'."""
    w_nodes, w_weights = gauss_laguerre(n_nodes, 0.5)
    w_nodes = jnp.asarray(w_nodes)
    w_weights = jnp.asarray(w_weights)
    m_sum = m1 + m2
    Tb = T[..., None]
    wp = w_nodes  # w' = w - w_th
    sqrt_s = m_sum + Tb * (w_th[..., None] + wp)
    s = sqrt_s**2
    # λ = (√s − m₁ − m₂)(√s + m₁ + m₂)(s − (m₁ − m₂)²), first factor = T w exactly
    lam = Tb * (w_th[..., None] + wp) * (sqrt_s + m_sum) * (s - (m1 - m2) ** 2)
    integrand = sigma(s) * lam * k1e(sqrt_s / Tb) / jnp.sqrt(wp)
    integral = jnp.sum(w_weights * integrand, axis=-1)
    return jnp.exp(-w_th) * integral / _norm(m1, m2, T)


def _as_pairs(resonances):
    """(M, Γ) pairs as float64 arrays; concrete values are checked (M > 0, Γ > 0)."""
    out = []
    for r in resonances:
        if len(r) != 2:
            raise ValueError(f"thermal_average: resonances must be (M, Γ) pairs, got {r!r}")
        M, G = r
        for name, v in (("M", M), ("Γ", G)):
            if not isinstance(v, jax.core.Tracer) and not np.all(np.asarray(v, dtype=np.float64) > 0.0):
                raise ValueError(f"thermal_average: resonance {name} must be > 0, got {v!r}")
        out.append((jnp.asarray(M, dtype=jnp.float64), jnp.asarray(G, dtype=jnp.float64)))
    return out


def _panel_average(sigma, m1, m2, T, w0, res, thr, n_panel):
    """⟨σv⟩ on resonance/threshold-adapted panels (module docstring, docs/physics/thermal_average_resonances.md).

    ``res``: list of (M, Γ) arrays; ``thr``: list of extra √s thresholds [GeV]; all broadcast with T.
    """
    m_sum = m1 + m2
    dm2 = (m1 - m2) ** 2
    shape = jnp.broadcast_shapes(T.shape, w0.shape, *[jnp.shape(x) for r in res for x in r], *[jnp.shape(t) for t in thr])
    T = jnp.broadcast_to(T, shape)
    w0 = jnp.broadcast_to(w0, shape)

    # ---- break points (w units), clipped to the threshold w0 -------------------------
    thr_w = [jnp.maximum(jnp.broadcast_to((jnp.asarray(t, dtype=jnp.float64) - m_sum) / T, shape), w0) for t in thr]
    bps = [w0, w0 + _G_THRESHOLD]
    for t in thr_w:
        bps += [t, t + _G_THRESHOLD]
    Ms, Gs, wRs, gams, dcs, d1s = [], [], [], [], [], []
    for M, G in res:
        M = jnp.broadcast_to(M, shape)
        G = jnp.broadcast_to(G, shape)
        wR = (M - m_sum) / T
        gam = G / (2.0 * T)  # half width of the peak in w
        dc = jnp.minimum(_K_CORE * gam, _D_CORE)
        d1 = jnp.maximum(dc, _D_INNER)
        ds = jnp.maximum(d1, _D_OUTER)
        for d in (dc, d1, ds):
            bps += [jnp.maximum(wR - d, w0), jnp.maximum(wR + d, w0)]
        Ms.append(M)
        Gs.append(G)
        wRs.append(wR)
        gams.append(gam)
        dcs.append(dc)
        d1s.append(d1)
    B = jnp.sort(jnp.stack(bps, axis=-1), axis=-1)
    a, b = B[..., :-1], B[..., 1:]  # panels, shape + (P,)
    mid = 0.5 * (a + b)
    is_thr = a == w0[..., None]
    for t in thr_w:
        is_thr = is_thr | (a == t[..., None])
    empty = ~(b > a)

    Tp = T[..., None]
    w0p = w0[..., None]
    # nearest pole (in the complex w plane) of every panel, and the panel's map
    if res:
        stk = lambda xs: jnp.stack(xs, axis=-1)[..., None, :]  # noqa: E731  shape + (1, R)
        wR_a, gam_a, dc_a, d1_a, M_a, G_a = (stk(x) for x in (wRs, gams, dcs, d1s, Ms, Gs))
        metric = (mid[..., None] - wR_a) ** 2 + gam_a**2
        onehot = jnp.argmin(metric, axis=-1)[..., None] == jnp.arange(len(res))
        pick = lambda x: jnp.sum(jnp.where(onehot, x, 0.0), axis=-1)  # noqa: E731
        wR, dc, d1, M, G = (pick(x) for x in (wR_a, dc_a, d1_a, M_a, G_a))
        dist = jnp.abs(mid - wR)
        is_tan = (dist < dc) & ~empty
        is_log = (dist >= dc) & (dist < d1) & ~empty
    else:
        is_tan = is_log = jnp.zeros_like(empty)
    # empty panels: harmless dummy interval, zero weight
    a_s = jnp.where(empty, w0p + 1.0, a)
    b_s = jnp.where(empty, w0p + 2.0, b)

    xg, wg = gauss_legendre(n_panel)
    q = jnp.asarray(0.5 * (xg + 1.0))
    wq = jnp.asarray(0.5 * wg)
    p = jnp.where(is_thr, 2.0, 1.0)[..., None]  # q → q² at a threshold edge removes √ onsets
    qp = q**p
    dqp = p * q ** (p - 1.0)
    ex = lambda x: x[..., None]  # noqa: E731

    # Each map gives the offset Δ = w − a ≥ 0 from the panel's left edge without
    # cancellation (nodes next to a threshold stay strictly above it) and dw/dq.
    L = b_s - a_s
    dlt = ex(L) * qp  # linear in w
    jac = ex(L) * dqp
    if res:
        # logarithmic in the distance d = |w − w_R| (shoulders): d = d_a e^{(ln d_b − ln d_a) q}
        side = jnp.where(mid >= wR, 1.0, -1.0)
        da = jnp.where(is_log, jnp.abs(a_s - wR), 1.0)
        lr = jnp.log(jnp.where(is_log, jnp.abs(b_s - wR), 2.0) / da)
        e = ex(lr) * qp
        dlt_log = ex(side * da) * jnp.expm1(e)
        jac_log = ex(jnp.abs(lr) * da) * jnp.exp(e) * dqp
        # Breit–Wigner map s = M² + MΓ tan θ (core); s − s_a = MΓ sin(θ − θ_a)/(cos θ cos θ_a)
        MG = M * G
        rs_a = m_sum + Tp * a_s

        def theta(w, rs_w):  # s − M² = (√s − M)(√s + M), √s − M = T (w − w_R)
            return jnp.arctan(Tp * (w - wR) * (rs_w + M) / MG)

        th_a = jnp.where(is_tan, theta(a_s, rs_a), 0.0)
        th_b = jnp.where(is_tan, theta(b_s, m_sum + Tp * b_s), 0.1)
        dth = ex(th_b - th_a) * qp
        th = ex(th_a) + dth
        cth = jnp.cos(th)
        ds_ = ex(MG) * jnp.sin(dth) / (cth * ex(jnp.cos(th_a)))
        rs_tan = jnp.sqrt(ex(rs_a**2) + ds_)
        dlt_tan = ds_ / ((rs_tan + ex(rs_a)) * ex(Tp))
        jac_tan = ex(MG / (2.0 * Tp) * (th_b - th_a)) / (cth * cth * rs_tan) * dqp
        sel = lambda x_tan, x_log, x_lin: jnp.where(ex(is_tan), x_tan, jnp.where(ex(is_log), x_log, x_lin))  # noqa: E731
        dlt = sel(dlt_tan, dlt_log, dlt)
        jac = sel(jac_tan, jac_log, jac)
    # Gauss–Laguerre tail beyond the last break point: w = w_U + x, weight e^{−x}
    xl, wl = gauss_laguerre(n_panel, 0.0)
    wU = B[..., -1]
    # all nodes (panels, then tail) in one array: σ, λ and K₁ are evaluated once
    lead = Tp.shape[:-1]
    n_pan = dlt.shape[-2] * dlt.shape[-1]
    w_nodes = jnp.concatenate(
        [jnp.broadcast_to(ex(a_s) + dlt, lead + dlt.shape[-2:]).reshape(lead + (n_pan,)), wU[..., None] + jnp.asarray(xl)], axis=-1
    )
    weights = jnp.concatenate(
        [
            jnp.broadcast_to(jnp.where(ex(empty), 0.0, jac * wq), lead + dlt.shape[-2:]).reshape(lead + (n_pan,)),
            jnp.broadcast_to(jnp.asarray(wl) * jnp.exp(-(wU - w0))[..., None], lead + (n_panel,)),
        ],
        axis=-1,
    )
    boltz_w = jnp.concatenate([jnp.ones(n_pan), jnp.zeros(n_panel)])  # e^{−(w−w₀)} explicit on panels only
    # √s − m₁ − m₂, kept a few ulps above the threshold so that s never rounds onto it
    floor = Tp * w0p + 8.0 * jnp.finfo(jnp.float64).eps * m_sum
    tw = jnp.maximum(Tp * w_nodes, floor)
    rs = m_sum + tw
    s = rs**2
    lam = tw * (rs + m_sum) * (s - dm2)
    boltz = jnp.exp(-boltz_w * (tw / Tp - w0p))
    total = jnp.sum(sigma(s) * lam * k1e(rs / Tp) * boltz * weights, axis=-1)
    return jnp.exp(-w0) * total / _norm(m1, m2, T)


def thermal_average(
    sigma: Callable,
    m1,
    m2,
    T,
    *,
    sqrt_s_threshold=None,
    resonances: Sequence = (),
    thresholds: Sequence = (),
    n_nodes: int = _N_NODES,
    n_panel: int = _N_PANEL,
):
    """⟨σv⟩₁₂(T) [same units as σ] for σ(s) averaged over initial spins.

    Parameters
    ----------
    sigma : callable
        σ(s) with s = Mandelstam s [GeV²]; vectorised (elementwise) over s.
    m1, m2 : float
        Initial-state masses [GeV] (> 0).
    T : array
        Temperature [GeV] (any shape; broadcast against the quadrature axis).
    sqrt_s_threshold : float, optional
        √s below which σ vanishes, if above m1 + m2 [GeV].
    resonances : sequence of (M, Γ), optional
        s-channel poles of σ [GeV], Γ > 0 (M, Γ may be traced; the number is
        static).  σ near each pole should behave like a Breit–Wigner
        1/((s − M²)² + M²Γ²) times a smooth function.  Poles below threshold
        are allowed (no effect beyond resolving their tail).
    thresholds : sequence of float, optional
        Extra √s values [GeV] where σ switches on (new channels, e.g. hh, WW, ZZ);
        panel edges are placed there.  Values below the kinematic threshold are
        harmless.
    n_nodes : int
        Nodes of the generalised Gauss–Laguerre rule (weight √w e^{−w}) used
        when no resonances and no extra thresholds are given (default path,
        unchanged).
    n_panel : int
        Gauss–Legendre nodes per panel (and Laguerre nodes of the tail) of the
        resonance/threshold path (static).

    Notes
    -----
    Without ``resonances`` the rule cannot resolve poles narrower than its node
    spacing and gives no warning; use :func:`thermal_average_checked` to detect
    that case.
    """
    m1 = jnp.asarray(m1, dtype=jnp.float64)
    m2 = jnp.asarray(m2, dtype=jnp.float64)
    T = jnp.asarray(T, dtype=jnp.float64)
    w_th = _threshold_w(sqrt_s_threshold, m1 + m2, T)
    res = _as_pairs(resonances)
    thr = list(thresholds)
    if not res and not thr:
        return _laguerre_average(sigma, m1, m2, T, w_th, n_nodes)
    return _panel_average(sigma, m1, m2, T, w_th, res, thr, n_panel)


def _pole_flags(sigma, m1, m2, T, w0, res, n_nodes, value, rtol, gamma_over_m_min):
    """Nodewise detector of unresolved poles of σ on the n_nodes Laguerre probe grid.

    φ(w) = σ(s(w)) Π_r [(s − M_r²)² + M_r²Γ_r²]/M_r⁴ (hinted poles divided out).
    With L₁ = (ln φ)', L₂ = (ln φ)'' (forward-mode AD) and h the local node
    spacing, a pole tail |w − a|^ν, ν < 0, makes ln φ convex with
    L₂ h² = −ν (h/δ)² at distance δ = w − a = −L₁/L₂ from the node, ν = −L₁²/L₂.
    A node is flagged when L₂ h² > _ROUGH_CRIT and either

    * the implied singularity a lies above the threshold zone
      (a − w₀ > (w − w₀)/2) and a Breit–Wigner peak there, with the tail
      amplitude seen at the node (σ ≈ C/δ²) and the smallest width of interest
      Γ = gamma_over_m_min · M, could contribute more than rtol · value:
      π σ δ² k(a)/γ_min > rtol |value|, k(w) dw = e^{−w} λ K₁^e dw/norm; or
    * it sits at or below the threshold with a pole-like exponent ν < −1.5
      (threshold factors 1/v, 1/v² have ν = −½, −1 and are exempt).

    Returns (flag per node, roughness L₂h², estimated pole position a in w).
    """
    x, _ = gauss_laguerre(n_nodes, 0.5)
    h = np.empty_like(x)
    h[1:-1] = 0.5 * (x[2:] - x[:-2])
    h[0], h[-1] = x[1] - x[0], x[-1] - x[-2]
    m_sum = m1 + m2
    Tb = T[..., None]
    w = w0[..., None] + jnp.asarray(x)
    w = jnp.broadcast_to(w, jnp.broadcast_shapes(w.shape, Tb.shape))

    def hint_factor(s):
        out = jnp.ones_like(s)
        for M, G in res:
            M2 = M[..., None] ** 2
            out = out * ((s - M2) ** 2 + M2 * G[..., None] ** 2) / (M2 * M2)
        return out

    def phi(wv):
        s = (m_sum + Tb * wv) ** 2
        return sigma(s) * hint_factor(s)

    def dphi(wv):
        return jax.jvp(phi, (wv,), (jnp.ones_like(wv),))

    (f, f1), (_, f2) = jax.jvp(dphi, (w,), (jnp.ones_like(w),))
    pos = jnp.isfinite(f) & (f > 0.0)
    fs = jnp.where(pos, f, 1.0)
    L1 = f1 / fs
    L2 = f2 / fs - L1**2
    convex = pos & jnp.isfinite(L2) & jnp.isfinite(L1) & (L2 > 0.0)
    L2s = jnp.where(convex, L2, 1.0)
    rough = jnp.where(convex, L2 * jnp.asarray(h) ** 2, 0.0)
    delta = -L1 / L2s  # w − a
    a = w - delta
    nu = -(L1**2) / L2s
    w0b = w0[..., None]
    above = (a - w0b) > 0.5 * (w - w0b)
    # largest possible peak contribution of a pole at a (narrowest width of interest)
    a_c = jnp.where(above, a, w + 1.0)
    Ma = m_sum + Tb * a_c
    lam_a = Tb * a_c * (Ma + m_sum) * (Ma**2 - (m1 - m2) ** 2)
    k_a = jnp.exp(-a_c) * lam_a * k1e(Ma / Tb) / _norm(m1, m2, T)[..., None]
    gam_min = gamma_over_m_min * Ma / (2.0 * Tb)
    sig = fs / hint_factor((m_sum + Tb * w) ** 2)
    peak = jnp.pi * sig * delta**2 * k_a / gam_min
    significant = peak > rtol * jnp.abs(value)[..., None]
    flag = convex & (rough > _ROUGH_CRIT) & jnp.where(above, significant, nu < -1.5)
    return flag, rough, a


def thermal_average_checked(
    sigma: Callable,
    m1,
    m2,
    T,
    *,
    sqrt_s_threshold=None,
    resonances: Sequence = (),
    thresholds: Sequence = (),
    n_nodes: int = _N_NODES,
    n_panel: int = _N_PANEL,
    rtol: float = _RTOL_CHECK,
    gamma_over_m_min: float = 1e-10,
    diagnostics: bool = False,
):
    """:func:`thermal_average` plus a jit/vmap-friendly quality flag.

    Returns ``(value, ok)`` (``value`` identical to :func:`thermal_average` with
    the same arguments; ``ok`` a boolean array of the shape of ``value``), or
    ``(value, ok, info)`` with ``diagnostics=True``.

    ``ok`` is False when either

    1. the rule disagrees with a 1.5× finer one (Laguerre n_nodes → 3n_nodes/2,
       or panels n_panel → 3n_panel/2) by more than ``rtol``, or
    2. σ, with the hinted resonances divided out, has an unresolved pole-like
       feature at the n_nodes Laguerre probe nodes: ln σ is convex with
       (ln σ)'' h² > 0.5 for node spacing h (derivatives by forward-mode AD), and
       either the implied pole lies above the threshold and a peak there with
       any width Γ ≥ ``gamma_over_m_min`` · M could change the value by more
       than ``rtol``, or it sits at the threshold with a pole-like exponent
       (threshold factors such as 1/v, 1/v² are exempt).

    The test is conservative: ``ok = False`` means "not certified", and can be
    raised for poles the rule happens to get right to ~1e-4.

    ``info`` holds ``rel_diff`` (test 1), ``roughness`` (largest (ln σ)'' h² of a
    flagged node, 0 if none) and ``suspect_sqrt_s`` (√s [GeV] of the estimated
    pole of the worst flagged node, NaN if none): pass it as a resonance.
    No exceptions, callbacks or host synchronisation: usable under jit, vmap and
    grad (the flag carries no derivative).
    """
    value = thermal_average(
        sigma, m1, m2, T, sqrt_s_threshold=sqrt_s_threshold, resonances=resonances,
        thresholds=thresholds, n_nodes=n_nodes, n_panel=n_panel,
    )
    res = _as_pairs(resonances)
    if res or thresholds:
        n_alt = dict(n_panel=n_panel + max(n_panel // 2, 1), n_nodes=n_nodes)
    else:
        n_alt = dict(n_nodes=n_nodes + max(n_nodes // 2, 1), n_panel=n_panel)
    sg = jax.lax.stop_gradient
    m1 = sg(jnp.asarray(m1, dtype=jnp.float64))
    m2 = sg(jnp.asarray(m2, dtype=jnp.float64))
    Tj = sg(jnp.asarray(T, dtype=jnp.float64))
    res_sg = [(sg(M), sg(G)) for M, G in res]
    thr_sg = [sg(jnp.asarray(t, dtype=jnp.float64)) for t in thresholds]
    th_sg = None if sqrt_s_threshold is None else sg(jnp.asarray(sqrt_s_threshold, dtype=jnp.float64))
    alt = thermal_average(sigma, m1, m2, Tj, sqrt_s_threshold=th_sg, resonances=res_sg, thresholds=thr_sg, **n_alt)
    value_sg, alt_sg = sg(value), sg(alt)
    scale = jnp.maximum(jnp.abs(alt_sg), jnp.finfo(jnp.float64).tiny)
    rel_diff = jnp.abs(value_sg - alt_sg) / scale
    Tj = jnp.broadcast_to(Tj, jnp.shape(value))
    res_sg = [(jnp.broadcast_to(M, Tj.shape), jnp.broadcast_to(G, Tj.shape)) for M, G in res_sg]
    w0 = _threshold_w(th_sg, m1 + m2, Tj)
    flag, rough, a = _pole_flags(sigma, m1, m2, Tj, w0, res_sg, n_nodes, value_sg, rtol, gamma_over_m_min)
    any_flag = jnp.any(flag, axis=-1)
    ok = jnp.isfinite(value_sg) & (rel_diff <= rtol) & ~any_flag
    ok = jnp.broadcast_to(ok, jnp.shape(value))
    if not diagnostics:
        return value, ok
    r_flag = jnp.where(flag, rough, 0.0)
    worst = jnp.argmax(r_flag, axis=-1)[..., None]
    a_worst = jnp.take_along_axis(a, worst, axis=-1)[..., 0]
    suspect = jnp.where(any_flag, m1 + m2 + Tj * a_worst, jnp.nan)
    info = {"rel_diff": rel_diff, "roughness": jnp.max(r_flag, axis=-1), "suspect_sqrt_s": suspect}
    return value, ok, info


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
