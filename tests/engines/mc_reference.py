"""Independent NumPy references for the kernel engine (no code shared with jaxrelic.engines.kernel_*).

Monte Carlo over 3-D momenta: the kernel entry Â(p₁, p₂) of 1(p₁) + b → 2(p₂) + b′ is the
angle-averaged equilibrium phase-space integral

    Â = ½∫ d cos θ₁₂ ∫ d³p_b/((2π)³ 2E_b 2E_b′) 2π δ(E₁ + E_b − E₂ − E_b′) Σ|M|²(s, t) 𝔉(E_b, E_b′),

with p⃗₁ = p₁ ẑ, p⃗₂ = p₂ (sin θ₁₂, 0, cos θ₁₂) and p⃗_b = p_b n̂ sampled over (cos θ₁₂, n̂)
(scrambled Sobol points); the energy δ is solved for p_b along each ray (a quadratic, up to two
roots, Jacobian 1/|∂(E_b − E_b′)/∂p_b|).  This is the full 9-D collision integral at fixed
|p⃗₁|, |p⃗₂| with only the trivial overall rotations and the momentum δ done by hand.
"""

import numpy as np
from scipy.stats import qmc


def sym_bath(E, Ep, T, eta, etap):
    return np.exp(-(E + Ep) / (2 * T)) / ((1 + eta * np.exp(-E / T)) * (1 + etap * np.exp(-Ep / T)))


def mc_scatter_hat(msq, p1, p2, m1, m2, mb, T, eta=0.0, etap=0.0, log2n=20, seed=0, n_rep=4, mbp=None):
    """(mean, standard error over n_rep independent scrambles)."""
    mbp = mb if mbp is None else mbp
    E1 = np.hypot(m1, p1)
    E2 = np.hypot(m2, p2)
    om = E1 - E2
    vals = []
    for rep in range(n_rep):
        x = qmc.Sobol(3, scramble=True, seed=seed + rep).random_base2(log2n)
        c = 2 * x[:, 0] - 1
        sc = np.sqrt(1 - c**2)
        cb = 2 * x[:, 1] - 1
        sb = np.sqrt(1 - cb**2)
        ph = 2 * np.pi * x[:, 2]
        n = np.stack([sb * np.cos(ph), sb * np.sin(ph), cb], axis=1)
        k = np.stack([-p2 * sc, np.zeros_like(c), p1 - p2 * c], axis=1)  # p⃗₁ − p⃗₂
        K = np.sum(k * n, axis=1)
        k2 = np.sum(k * k, axis=1)
        cc = 0.5 * (k2 + mbp**2 - mb**2 - om**2)  # ω E_b = p_b K + cc
        a = om**2 - K**2
        bq = -2 * K * cc
        c0 = om**2 * mb**2 - cc**2
        tot = np.zeros_like(c)
        disc = bq**2 - 4 * a * c0
        ok = disc >= 0
        sd = np.sqrt(np.where(ok, disc, 0.0))
        # numerically stable roots: qq = −(b + sign(b)√D)/2, roots qq/a and c0/qq
        qq = -0.5 * (bq + np.where(bq >= 0, 1.0, -1.0) * sd)
        with np.errstate(divide="ignore", invalid="ignore"):
            roots = (qq / a, c0 / qq)
            for pb in roots:
                Eb = np.hypot(mb, pb)
                Ebp = om + Eb
                good = ok & np.isfinite(pb) & (pb > 0) & (Ebp > 0)
                good &= np.abs(om * Eb - pb * K - cc) <= 1e-9 * (np.abs(om * Eb) + np.abs(pb * K) + np.abs(cc))
                jac = np.abs(pb / Eb - (pb + K) / Ebp)
                s = m1**2 + mb**2 + 2 * (E1 * Eb - p1 * pb * n[:, 2])
                t = om**2 - k2
                val = pb**2 / ((2 * np.pi) ** 2 * 4 * Eb * Ebp * jac) * msq(s, t) * sym_bath(Eb, Ebp, T, eta, etap)
                tot += np.where(good, val, 0.0)
        vals.append(4 * np.pi * np.mean(tot))
    vals = np.array(vals)
    return vals.mean(), vals.std(ddof=1) / np.sqrt(len(vals))


def mc_scatter_hat_kframe(msq, p1, p2, m1, m2, mb, T, eta=0.0, etap=0.0, log2n=20, seed=0, n_rep=4, mbp=None):
    """Same integral with Q = |p⃗₁ − p⃗₂| sampled uniformly (instead of cos θ₁₂) and n̂ sampled in the
    frame of k̂ = (p⃗₁ − p⃗₂)/Q, cos α = n̂·k̂ mapped as cos α = ±(1 − 2v²)-free uniform; p_b still from
    the energy δ along the ray.  For elastic kernels the integrand concentrates at small Q and
    n̂ ≈ ±k̂ (forward scattering off a soft bath particle); aligning the sampling box with that
    structure keeps the quasi-MC error at the 1e-5 level."""
    mbp = mb if mbp is None else mbp
    E1 = np.hypot(m1, p1)
    E2 = np.hypot(m2, p2)
    om = E1 - E2
    qlo, qhi = abs(p1 - p2), p1 + p2
    vals = []
    for rep in range(n_rep):
        x = qmc.Sobol(3, scramble=True, seed=seed + rep).random_base2(log2n)
        Q = qlo + (qhi - qlo) * x[:, 0]
        ca = 2 * x[:, 1] - 1
        sa = np.sqrt(1 - ca**2)
        ph = np.pi * x[:, 2]
        K = Q * ca
        k2 = Q**2
        # p⃗₁ in the k̂ frame: parallel (p₁² − p₂² + Q²)/(2Q), perpendicular from |p⃗₁|
        par = (p1**2 - p2**2 + Q**2) / (2 * Q)
        perp = np.sqrt(np.maximum(p1**2 - par**2, 0.0))
        p1n = par * ca + perp * sa * np.cos(ph)
        cc = 0.5 * (k2 + mbp**2 - mb**2 - om**2)  # ω E_b = p_b K + cc
        a = om**2 - K**2
        bq = -2 * K * cc
        c0 = om**2 * mb**2 - cc**2
        disc = bq**2 - 4 * a * c0
        ok = disc >= 0
        sd = np.sqrt(np.where(ok, disc, 0.0))
        qq = -0.5 * (bq + np.where(bq >= 0, 1.0, -1.0) * sd)
        tot = np.zeros_like(Q)
        with np.errstate(divide="ignore", invalid="ignore"):
            for pb in (qq / a, c0 / qq):
                Eb = np.hypot(mb, pb)
                Ebp = om + Eb
                good = ok & np.isfinite(pb) & (pb > 0) & (Ebp > 0)
                good &= np.abs(om * Eb - pb * K - cc) <= 1e-9 * (np.abs(om * Eb) + np.abs(pb * K) + np.abs(cc))
                jac = np.abs(pb / Eb - (pb + K) / Ebp)
                s = m1**2 + mb**2 + 2 * (E1 * Eb - pb * p1n)
                t = om**2 - k2
                val = pb**2 / ((2 * np.pi) ** 2 * 4 * Eb * Ebp * jac) * msq(s, t) * sym_bath(Eb, Ebp, T, eta, etap)
                tot += np.where(good, val, 0.0)
        # ½∫dcos θ₁₂ = (1/(2p₁p₂))∫Q dQ ; ∫dΩ = 4π ⟨·⟩
        vals.append(4 * np.pi * (qhi - qlo) / (2 * p1 * p2) * np.mean(Q * tot))
    vals = np.array(vals)
    return vals.mean(), vals.std(ddof=1) / np.sqrt(len(vals))


def mc_annihilation_w(msq, p1, p2, m1, m2, mb, mbp, T, eta=0.0, etap=0.0, log2n=18, seed=0, n_rep=4):
    """W(p₁, p₂) = ½∫dcos θ₁₂ ∫ d³p_b/((2π)³2E_b 2E_b′) 2π δ(E₁ + E₂ − E_b − E_b′) Σ|M|² (1 − ηf_b)(1 − η′f_b′)
    for 1 + 2 → b + b′, with p⃗_b = p_b n̂ sampled in the *lab* frame over (cos θ₁₂, n̂) and p_b from
    the energy δ (a quadratic along the ray)."""
    E1, E2 = np.hypot(m1, p1), np.hypot(m2, p2)
    EP = E1 + E2
    vals = []
    for rep in range(n_rep):
        x = qmc.Sobol(3, scramble=True, seed=seed + rep).random_base2(log2n)
        c = 2 * x[:, 0] - 1
        sc = np.sqrt(1 - c**2)
        cb = 2 * x[:, 1] - 1
        sb = np.sqrt(1 - cb**2)
        ph = 2 * np.pi * x[:, 2]
        n = np.stack([sb * np.cos(ph), sb * np.sin(ph), cb], axis=1)
        P = np.stack([p2 * sc, np.zeros_like(c), p1 + p2 * c], axis=1)
        K = np.sum(P * n, axis=1)
        P2 = np.sum(P * P, axis=1)
        cc = 0.5 * (EP**2 - P2 + mb**2 - mbp**2)  # E_P E_b = p_b K + cc
        a = EP**2 - K**2
        bq = -2 * K * cc
        c0 = EP**2 * mb**2 - cc**2
        disc = bq**2 - 4 * a * c0
        ok = disc >= 0
        sd = np.sqrt(np.where(ok, disc, 0.0))
        qq = -0.5 * (bq + np.where(bq >= 0, 1.0, -1.0) * sd)
        tot = np.zeros_like(c)
        with np.errstate(divide="ignore", invalid="ignore"):
            for pb in (qq / a, c0 / qq):
                Eb = np.hypot(mb, pb)
                Ebp = EP - Eb
                good = ok & np.isfinite(pb) & (pb > 0) & (Ebp > 0)
                good &= np.abs(EP * Eb - pb * K - cc) <= 1e-9 * (EP * Eb + np.abs(pb * K) + np.abs(cc))
                jac = np.abs(pb / Eb + (pb - K) / Ebp)
                t = m1**2 + mb**2 - 2 * (E1 * Eb - p1 * pb * n[:, 2])
                s = m1**2 + m2**2 + 2 * (E1 * E2 - p1 * p2 * c)
                block = 1.0 / ((1 + eta * np.exp(-Eb / T)) * (1 + etap * np.exp(-Ebp / T)))
                val = pb**2 / ((2 * np.pi) ** 2 * 4 * Eb * Ebp * jac) * msq(s, t) * block
                tot += np.where(good, val, 0.0)
        vals.append(4 * np.pi * np.mean(tot))
    vals = np.array(vals)
    return vals.mean(), vals.std(ddof=1) / np.sqrt(len(vals))
