#!/usr/bin/env python
"""Compare jaxrelic vanilla leptogenesis with ULYSSES (one-flavour model ``1BE1F``).

Run with an environment that has both packages (``pip install "ulysses>=3,<4"``
plus jaxrelic), e.g.::

    /work/venv-ulysses/bin/python scripts/compare_ulysses.py

What is compared
----------------
ULYSSES (A. Granelli et al., arXiv:2007.09150 and arXiv:2301.05722; here v3.0.1)
ships one-flavour unflavoured Boltzmann equations as ``EtaB_1BE1F``
(ulysses/etab1BE1F.py, "1BE1F"; the "1DME" model is the three-flavour density
matrix version, not one flavour).  Its right-hand side is

    dN1/dz  = −D (N1 − N1eq),    dNBL/dz = ε D (N1 − N1eq) − W1 NBL

with D = K z K₁/K₂, W1 = ¼ K z³ K₁ and N1eq = (3/8) z² K₂ (ulsbase.py: D1, W1,
N1Eq) — exactly BDP's decays + inverse decays, no ΔL = 2 term, no scatterings,
constant g_*, in the *photon* normalisation N_γ = 1 (N1eq(0) = 3/4).
ε = Σ_α Re ε₁^{αα} (``epsilon1ab``) and K = m̃₁/m_* with m̃₁ = (h†h)₁₁ v²/M₁,
v = 174 GeV and the rounded m_* = 1e-3 eV (``mstar = 1e-12`` GeV), h from the
Casas–Ibarra parameterisation of the card.  ULYSSES returns
η_B = 0.013 NBL(z_max) ("normfact"; 0.013 ≈ (28/79)(43/11)/106.75 = 0.012979).

jaxrelic takes exactly these ε and K (computed by ULYSSES's own methods from the
card, and re-derived here from ULYSSES's Yukawa matrix as a check) and
returns η_B = n_B/n_γ(today) = (28/79) Y_rel (s₀/n_γ0) ε κ_f,
Y_rel = 135ζ(3)/(4π⁴ g_*) (docs/physics/leptogenesis.md, L8–L10); in these
units ULYSSES's η corresponds to 0.013·(3/4) = 9.750e-3 ε κ_f versus jaxrelic's
9.734e-3 ε κ_f: the 0.17 % offset is ULYSSES's rounding of 0.012979 to 0.013.
The table shows the relative difference of the physical η_B (pass: ≤ 1 %) and,
as a check that the equations and solutions agree, of jaxrelic's κ_f converted
with ULYSSES's normfact (pass: ≤ 1e-4).

The example card
----------------
``examples/1N1F.dat`` of the ULYSSES repository (github.com/earlyuniverse/ulysses)
is not part of the PyPI wheel; it is used from a source checkout next to the
installed package when present, else from the copy embedded below (the version
with y2 = 11.2, δ = 217°; a later repository version turns y2 into a scan range
"0 45", which ``uls-calc`` rejects).  ``uls-calc`` defaults are used:
zrange 0.1–30 (500 steps), vanishing initial N₁ (``--initial 0``).

Timing: ULYSSES per call (``model(card)``: Yukawa matrix, ε, K and the
``odeintw`` solve), jaxrelic jit-compiled per call and ``jit(vmap)`` over a
256-point scan of the card (m, y2), per point, compilation excluded.

Exit status: 0 on success, 1 if the agreement fails, 3 if jaxrelic (vmapped)
is not ≥ 10× faster per point (skip with --no-speed-check), 2 if ULYSSES is
not importable.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import math
import sys
import time
from pathlib import Path

import numpy as np

#: examples/1N1F.dat of github.com/earlyuniverse/ulysses (m in log10 eV, M_i in log10 GeV, angles in degrees).
EMBEDDED_CARD = """\
m -100
M1 14
M2 15
M3 16
x1 180
y1 1.4
x2 180
y2 11.2
x3 180
y3 11
delta 217
a21 0
a31 0
t23 49.7
t12 33.82
t13 8.610000
"""

ULYSSES_NORMFACT = 0.013
AGREEMENT_TOL = 1e-2
MATCHED_TOL = 1e-4
SPEEDUP_REQUIRED = 10.0


def parse_card(text: str) -> dict:
    """Parse a ULYSSES parameter card (``name value`` lines, ``#`` comments)."""
    out = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        fields = line.split()
        if len(fields) != 2:
            raise ValueError(f"card line {line!r}: expected 'name value' (scan ranges are not supported here)")
        out[fields[0]] = float(fields[1])
    return out


def find_card(path: str | None):
    if path is not None:
        return parse_card(Path(path).read_text()), path
    import ulysses

    for parent in Path(ulysses.__file__).resolve().parents[:3]:
        cand = parent / "examples" / "1N1F.dat"
        if cand.is_file():
            try:
                return parse_card(cand.read_text()), str(cand)
            except ValueError:
                break
    return parse_card(EMBEDDED_CARD), "embedded copy of ulysses examples/1N1F.dat"


def ulysses_point(card: dict, *, zmin: float, zmax: float, zsteps: int, initial: float, n_repeat: int = 1):
    """(η_B, ε, K, seconds per call) from ULYSSES EtaB_1BE1F (its print() is silenced)."""
    import ulysses

    lep = ulysses.EtaB_1BE1F(zmin=zmin, zmax=zmax, zsteps=zsteps, initial_abundance=initial)
    with contextlib.redirect_stdout(io.StringIO()):
        t = time.perf_counter()
        for _ in range(n_repeat):
            eta = float(np.real(lep(card)))
        dt = (time.perf_counter() - t) / n_repeat
    eps = float(sum(np.real(lep.epsilon1ab(a, a)) for a in range(3)))
    K = float(np.real(lep.k1))
    return eta, eps, K, dt, lep


def independent_eps_K(lep) -> tuple[float, float]:
    """ε₁ and K re-derived from ULYSSES's Yukawa matrix with textbook formulas.

    ε₁ = −(1/8π) Σ_{j≠1} Im[(h†h)²_{1j}]/(h†h)₁₁ · g(M_j²/M₁²),
    g(x) = √x [1 − (1+x) ln((1+x)/x) + 1/(1−x)] (Covi, Roulet, Vissani,
    PLB 384 (1996) 169; sign flipped to ULYSSES's/jaxrelic's ε₁ > 0 ⇒ η_B > 0),
    K = (h†h)₁₁ v²/(M₁ m_*) with ULYSSES's v and m_*.
    """
    h = np.asarray(lep.h)
    hh = h.conj().T @ h
    M = np.real(np.diag(lep.DM))

    def g(x):
        # log1p avoids the cancellation of (1+x) ln(1+1/x) against 1 for x >> 1; beyond x = 1e6
        # the expansion g = −(3/2) x^{−1/2} (1 + 5/(9x)) + O(x^{−5/2}) is used (error < 1e-12).
        if x > 1e6:
            return -1.5 / math.sqrt(x) * (1.0 + 5.0 / (9.0 * x))
        return math.sqrt(x) * (1.0 - (1.0 + x) * math.log1p(1.0 / x) + 1.0 / (1.0 - x))

    eps = -sum(np.imag(hh[0, j] ** 2) / np.real(hh[0, 0]) * g(M[j] ** 2 / M[0] ** 2) for j in (1, 2)) / (8 * math.pi)
    K = np.real(hh[0, 0]) * lep.v**2 / M[0] / lep.mstar
    return float(eps), float(K)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--card", help="ULYSSES parameter card (default: examples/1N1F.dat, see module docstring)")
    ap.add_argument("--n-scan", type=int, default=256, help="points of the vmapped jaxrelic scan (default 256)")
    ap.add_argument("--n-ulysses", type=int, default=32, help="scan points also run with ULYSSES (default 32)")
    ap.add_argument("--no-speed-check", action="store_true", help="report timings without failing on them")
    args = ap.parse_args(argv)

    try:
        import ulysses
    except ImportError as e:  # pragma: no cover - environment problem
        print(f"compare_ulysses: cannot import ulysses ({e}); pip install 'ulysses>=3,<4'", file=sys.stderr)
        return 2

    import jax
    import jax.numpy as jnp

    import jaxrelic  # noqa: F401  (float64)
    from jaxrelic.models.leptogenesis import VanillaLeptogenesis, eta_per_n_bl
    from jaxrelic.models.leptogenesis.solver import leptogenesis, solve_leptogenesis

    card, source = find_card(args.card)
    print(f"ULYSSES {ulysses.__version__}, model 1BE1F; card: {source}")
    print("  " + ", ".join(f"{k}={v:g}" for k, v in card.items()))
    M1 = 10.0 ** card["M1"]
    matched = ULYSSES_NORMFACT * 0.75 / eta_per_n_bl(106.75)  # ULYSSES η per jaxrelic η at equal κ_f
    print(
        f"normalisation: jaxrelic eta_B = {eta_per_n_bl(106.75):.6e} eps kappa_f (n_B/n_gamma today, "
        f"c_s = 28/79, g_* = 106.75); ULYSSES eta_B = 0.013 * 0.75 eps kappa_f = {0.013 * 0.75:.6e} eps kappa_f "
        f"(ratio {matched:.6f})"
    )

    ulysses_point(card, zmin=0.1, zmax=30.0, zsteps=500, initial=0.0)  # warm-up: numba compiles fast_RHS
    rows, ok = [], True

    def compare(label, c, zmin, zmax, zsteps, initial, n_rep=3):
        eta_u, eps, K, t_u, lep = ulysses_point(c, zmin=zmin, zmax=zmax, zsteps=zsteps, initial=initial, n_repeat=n_rep)
        eps_i, K_i = independent_eps_K(lep)
        model = VanillaLeptogenesis(M1=10.0 ** c["M1"], epsilon=eps, K=K, initial="thermal" if initial else "zero")
        opts = dict(z_start=zmin, z_end=zmax)
        res = leptogenesis(model, **opts)
        jax.block_until_ready(res)
        t = time.perf_counter()
        for _ in range(5):
            res = leptogenesis(model, **opts)
            jax.block_until_ready(res)
        t_j = (time.perf_counter() - t) / 5
        eta_j = float(res.eta_B)
        rel = eta_j / eta_u - 1.0
        rel_m = eta_j * matched / eta_u - 1.0
        rows.append((label, K, eps, eta_u, eta_j, rel, rel_m, t_u, t_j, int(res.status)))
        mapping_err = max(abs(eps_i / eps - 1.0), abs(K_i / K - 1.0))
        return abs(rel) <= AGREEMENT_TOL and abs(rel_m) <= MATCHED_TOL and int(res.status) == 0 and mapping_err < 1e-6

    for zmin, zmax, zsteps, tag in [(0.1, 30.0, 500, "z 0.1-30"), (1e-3, 1000.0, 1000, "z 1e-3-1e3")]:
        for initial in (0.0, 1.0):
            label = f"1N1F {tag} N1(0)={'thermal' if initial else 'zero'}"
            ok &= compare(label, card, zmin, zmax, zsteps, initial)
    testpars = dict(ulysses.testpars)
    ok &= compare("ulysses.testpars z 0.1-30 zero", testpars, 0.1, 30.0, 500, 0.0)

    # --- scan of the card in (m, y2): K from ~0.3 to ~400 -------------------------
    n = int(round(math.sqrt(args.n_scan)))
    ms, y2s = np.meshgrid(np.linspace(-4.0, -0.5, n), np.linspace(0.5, 20.0, n), indexing="ij")
    scan_cards = [dict(card, m=float(a), y2=float(b)) for a, b in zip(ms.ravel(), y2s.ravel())]
    lep = ulysses.EtaB_1BE1F(zmin=0.1, zmax=30.0, zsteps=500, initial_abundance=0.0)
    eps_s, K_s = [], []
    for c in scan_cards:
        lep.setParams(c)
        eps_s.append(float(sum(np.real(lep.epsilon1ab(a, a)) for a in range(3))))
        K_s.append(float(np.real(lep.k1)))
    eps_s, K_s = jnp.asarray(eps_s), jnp.asarray(K_s)

    @jax.jit
    @jax.vmap
    def batch(eps, K):
        return solve_leptogenesis(
            VanillaLeptogenesis(M1=M1, epsilon=eps, K=K, initial="zero"), z_start=0.1, z_end=30.0, n_save=2
        )

    out = batch(eps_s, K_s)
    jax.block_until_ready(out)
    reps = 3
    t = time.perf_counter()
    for _ in range(reps):
        out = batch(eps_s, K_s)
        jax.block_until_ready(out)
    t_vmap = (time.perf_counter() - t) / reps / len(scan_cards)
    eta_scan = np.asarray(out.eta_B)
    n_bad_status = int(np.sum(np.asarray(out.status) != 0))

    sub = np.linspace(0, len(scan_cards) - 1, min(args.n_ulysses, len(scan_cards))).astype(int)
    worst, worst_m, t_u_scan = 0.0, 0.0, []
    for i in sub:
        eta_u, _, _, dt, _ = ulysses_point(scan_cards[i], zmin=0.1, zmax=30.0, zsteps=500, initial=0.0)
        t_u_scan.append(dt)
        worst = max(worst, abs(eta_scan[i] / eta_u - 1.0))
        worst_m = max(worst_m, abs(eta_scan[i] * matched / eta_u - 1.0))
    t_u_mean = float(np.mean(t_u_scan))
    ok &= worst <= AGREEMENT_TOL and worst_m <= MATCHED_TOL and n_bad_status == 0

    # --- report ---------------------------------------------------------------
    hdr = (
        f"{'point':<36} {'K':>9} {'eps':>11} {'eta_B ULYSSES':>14} {'eta_B jaxrelic':>14} "
        f"{'rel diff':>9} {'rel (0.013)':>11} {'t ULY [ms]':>10} {'t jax [ms]':>10}"
    )
    print("\n" + hdr + "\n" + "-" * len(hdr))
    for label, K, eps, eu, ej, rel, relm, tu, tj, stat in rows:
        print(
            f"{label:<36} {K:9.4g} {eps:11.4e} {eu:14.6e} {ej:14.6e} {rel:+9.2e} {relm:+11.1e} "
            f"{1e3 * tu:10.2f} {1e3 * tj:10.2f}" + ("" if stat == 0 else f"  status={stat}")
        )
    k_lo, k_hi = float(jnp.min(K_s)), float(jnp.max(K_s))
    print(
        f"\nscan: {len(scan_cards)} points of the card in (m, y2), K in [{k_lo:.3g}, {k_hi:.3g}], zero N1(0), z 0.1-30;"
        f" ULYSSES on {len(sub)} of them: max |rel diff| = {worst:.2e}, with 0.013 normfact {worst_m:.1e};"
        f" non-zero jaxrelic status: {n_bad_status}"
    )
    speedup = t_u_mean / t_vmap
    print(
        f"timing per point: ULYSSES {1e3 * t_u_mean:.2f} ms (mean of {len(sub)} calls); jaxrelic jit single "
        f"{1e3 * float(np.mean([r[8] for r in rows])):.2f} ms; jaxrelic jit(vmap) over {len(scan_cards)} points "
        f"{1e3 * t_vmap:.3f} ms  ->  speed-up {speedup:.0f}x (vmapped)"
    )
    print(f"devices: jax {jax.__version__} on {jax.devices()[0].platform}")
    if not ok:
        print(
            f"FAIL: agreement worse than {AGREEMENT_TOL:.0%} (physical eta_B) or {MATCHED_TOL:g} "
            "(matched normalisation), or a solver status != 0",
            file=sys.stderr,
        )
        return 1
    if speedup < SPEEDUP_REQUIRED and not args.no_speed_check:
        print(f"FAIL: vmapped jaxrelic only {speedup:.1f}x faster per point (< {SPEEDUP_REQUIRED:g}x)", file=sys.stderr)
        return 3
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
