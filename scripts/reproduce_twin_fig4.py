#!/usr/bin/env python
r"""Reproduce Fig. 4 of arXiv:1805.12139: log10(Ω/Ω_obs) in the (r, θ₁) plane of twin-neutrino DM.

Not a test: run by hand, e.g.

    /work/venv/bin/python scripts/reproduce_twin_fig4.py --out figures --quick   # 2×8×8, 8 min*
    /work/venv/bin/python scripts/reproduce_twin_fig4.py --out figures           # 2×24×24, 12 min*

(* measured on 2 CPU cores shared with heavy other load: load average 10-17.)

Model and conventions: ``docs/physics/twin_model.md`` (§6.2 for the
figure, §6.3(b), (c), (f) for the numbers checked here); solver
:func:`jaxrelic.models.twin_higgs.solver.relic_twin` through the pure point function
``point_function("twin-higgs", free=("delta", "r", "theta1"))`` (method ``eq38``, the paper's
method: Eq. (38) with all contributions, R from Eq. (27)).  Both panels share one compiled,
vmapped function; points are evaluated in chunks of ``--chunk`` (the last chunk is padded).

Figure (``fig4_twin_omega.png``): m_ν = 1 GeV, Δ = 0.1 (left) and 0.18 (right); log axes
r = m_γ̂/m_ν̂ ∈ [0.05, 0.98] and θ₁ ∈ [10⁻⁶, 0.3]; filled contours of log10(Ω h²/0.12) with the
Ω = Ω_obs contour thick black; r = Δ red dashed (decays/inverse decays open to its left); green
band = mixed phase, *our* proxy of the paper's "T_S ~ T_CS": the two terms of Eq. (38) within a
factor ``--band`` (default 3) of each other, 1/3 < Ω_second/Ω_first < 3; orange dashed = boundary
of the region the solver labels "C_A/S mixed" (``PHASES[3]``, §3 of ``docs/physics/twin_solvers.md``);
grid points with non-zero status are marked ×; white circles: the reference's θ₁(Ω_obs) [§6.3(b,c)],
green diamonds: its mid-band points [§6.3(f)].

Numerical check: θ₁ at which Ω h² = 0.12 at the r values of §6.3(b) (Δ = 0.1) and (c) (Δ = 0.18),
and θ₁ at which the two terms of Eq. (38) are equal (§6.3(f)), are solved directly (bracketing
bisection, then Illinois regula falsi in ln θ₁, all rows in one vmapped chunk per iteration) and
compared with the reference (tolerance 5 %).  Written to ``fig4_crossings.json``; the grid to
``fig4_scan.npz``.
"""

from __future__ import annotations

import argparse
import json
import math
import pathlib
import time

import jax
import jax.numpy as jnp
import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import NullFormatter

import jaxrelic  # noqa: F401  (x64)
from jaxrelic.numerics.status import status_name
from jaxrelic.models.twin_higgs.solver import PHASES
from jaxrelic.interface import point_function

OMEGA_OBS = 0.12
M_NU = 1.0
DELTAS = (0.1, 0.18)
R_RANGE = (0.05, 0.98)
THETA_RANGE = (1e-6, 0.3)
#: Relative tolerance of the crossing comparison (the reference states none for them: 5 %).
CROSSING_RTOL = 0.05

#: §6.3(b) (Δ = 0.1) and (c) (Δ = 0.18): r → θ₁(Ω h² = 0.12), Eq. (38) iteration 0.
REF_OBS = {
    0.1: {0.15: 3.950e-6, 0.2: 1.069e-5, 0.3: 4.266e-5, 0.4: 1.382e-4, 0.5: 4.378e-4, 0.6: 1.384e-3,
          0.7: 4.374e-3, 0.8: 1.372e-2, 0.9: 4.092e-2, 0.95: 6.670e-2},
    0.18: {0.2: 1.020e-2, 0.25: 1.546e-2, 0.3: 2.103e-2, 0.4: 3.147e-2, 0.5: 4.079e-2, 0.6: 5.201e-2,
           0.7: 7.033e-2, 0.8: 1.045e-1, 0.9: 1.720e-1},
}
#: §6.3(f): r → θ₁ where Ω(38) = 2 Ω_CA (first = second term); None = no crossing for θ₁ ≤ 0.3.
#: For Δ = 0.18, r = 0.6 and 0.8 the lower of two crossings (the upper lies above the bracket end).
REF_MID = {
    0.1: {0.15: 6.70e-6, 0.3: 9.21e-5, 0.5: 1.36e-3, 0.7: 1.90e-2, 0.9: None},
    0.18: {0.25: 5.15e-5, 0.4: 4.29e-4, 0.6: 4.85e-3, 0.8: 5.42e-2},
}
#: Upper bracket end of the mid-band solve (below the second crossing for Δ = 0.18).
MID_HI = {0.1: 0.3, 0.18: 0.08}


# ----------------------------------------------------------------------------- evaluation
class ChunkedEvaluator:
    """One jitted, vmapped twin point function of (Δ, r, θ₁), evaluated in fixed-size chunks.

    Parameters
    ----------
    n_q, n_a : int
        Momentum and ln a nodes of every point (static).
    chunk : int
        Points per compiled call; the last chunk is padded with its last point.
    """

    def __init__(self, n_q: int, n_a: int, chunk: int):
        fn, self.fixed = point_function("twin-higgs", {"m_nu": M_NU, "n_q": n_q, "n_a": n_a, "method": "eq38"},
                                        free=("delta", "r", "theta1"))
        self._fn = jax.jit(jax.vmap(fn))
        self.chunk = int(chunk)
        self.n_points = 0
        self.seconds = 0.0

    def __call__(self, delta, r, theta1) -> dict:
        """Outputs of every point as numpy arrays (1-D inputs of equal length)."""
        delta, r, theta1 = (np.atleast_1d(np.asarray(v, dtype=np.float64)) for v in (delta, r, theta1))
        n = delta.size
        outs = []
        t0 = time.perf_counter()
        for i in range(0, n, self.chunk):
            sl = slice(i, min(i + self.chunk, n))
            k = sl.stop - sl.start
            pad = self.chunk - k

            def padded(v):
                return jnp.asarray(np.concatenate([v[sl], np.repeat(v[sl][-1:], pad)]))

            o = self._fn({"delta": padded(delta), "r": padded(r), "theta1": padded(theta1)})
            outs.append({name: np.asarray(v)[:k] for name, v in o.items()})
        self.seconds += time.perf_counter() - t0
        self.n_points += n
        return {name: np.concatenate([o[name] for o in outs]) for name in outs[0]}


def mixing_measure(out: dict) -> np.ndarray:
    """g = (second − first)/(|second| + first) ∈ (−1, 1): zero where the terms of Eq. (38) are equal."""
    first = out["omega_h2_first_term"]
    second = out["omega_h2_second_term"]
    return (second - first) / (np.abs(second) + first)


def obs_measure(out: dict) -> np.ndarray:
    """ln(Ω h²/Ω_obs h²): zero on the Ω = Ω_obs contour."""
    return np.log(out["omega_h2"] / OMEGA_OBS)


# ----------------------------------------------------------------------------- root finding
def solve_log_roots(func, lo, hi, *, n_bisect: int = 4, max_iter: int = 12, xtol: float = 1e-4,
                    ftol: float = 1e-5):
    """Roots of ``func`` in ln x, vectorised over rows: bisection, then Illinois regula falsi.

    Parameters
    ----------
    func : callable
        ``func(x: ndarray) -> (values, ok)``, one call per iteration for all rows (x > 0).
    lo, hi : ndarray
        Bracket ends per row (x units).
    n_bisect : int
        Initial bisection steps in ln x (robust on strongly non-linear rows).
    max_iter : int
        Illinois iterations at most.
    xtol, ftol : float
        Stop a row when its ln-bracket is narrower than ``xtol`` or |func| < ``ftol``.

    Returns
    -------
    root : ndarray
        x at the root (NaN where the bracket has no sign change or a point failed).
    bracketed : ndarray of bool
        Whether the initial bracket had a sign change.
    n_calls : int
        Calls of ``func``.
    """
    a = np.log(np.asarray(lo, dtype=float))
    b = np.log(np.asarray(hi, dtype=float))
    fa, oka = func(np.exp(a))
    fb, okb = func(np.exp(b))
    n_calls = 2
    bracketed = (np.sign(fa) != np.sign(fb)) & oka & okb
    ok = bracketed.copy()
    for _ in range(n_bisect):
        c = 0.5 * (a + b)
        fc, okc = func(np.exp(c))
        n_calls += 1
        ok &= okc
        left = np.sign(fc) == np.sign(fa)
        a, fa = np.where(left, c, a), np.where(left, fc, fa)
        b, fb = np.where(left, b, c), np.where(left, fb, fc)
    side = np.zeros(a.shape, dtype=int)      # Illinois: halve the value of a twice-retained end
    best, fbest = 0.5 * (a + b), np.full(a.shape, np.inf)
    for _ in range(max_iter):
        done = (np.abs(b - a) < xtol) | (np.abs(fbest) < ftol) | ~ok
        if np.all(done):
            break
        c = np.where(done, best, (a * fb - b * fa) / (fb - fa))
        fc, okc = func(np.exp(c))
        n_calls += 1
        ok &= okc | done
        upd = ~done
        best = np.where(upd, c, best)
        fbest = np.where(upd, fc, fbest)
        left = np.sign(fc) == np.sign(fa)        # root in [c, b]
        new_a = np.where(upd & left, c, a)
        new_fa = np.where(upd & left, fc, fa)
        new_b = np.where(upd & ~left, c, b)
        new_fb = np.where(upd & ~left, fc, fb)
        fb_ill = np.where(upd & left & (side == 1), 0.5 * new_fb, new_fb)
        fa_ill = np.where(upd & ~left & (side == -1), 0.5 * new_fa, new_fa)
        side = np.where(upd, np.where(left, 1, -1), side)
        a, fa, b, fb = new_a, fa_ill, new_b, fb_ill
    root = np.where(ok, np.exp(np.where(np.isfinite(fbest), best, 0.5 * (a + b))), np.nan)
    return root, bracketed, n_calls


def crossings(ev: ChunkedEvaluator, *, quick: bool) -> list[dict]:
    """Solve θ₁(Ω_obs) (§6.3 b, c) and the mid-band θ₁ (§6.3 f) for all reference rows at once."""
    rows = []
    for d, table in REF_OBS.items():
        rows += [dict(kind="omega_obs", delta=d, r=r, ref=v, lo=THETA_RANGE[0], hi=THETA_RANGE[1])
                 for r, v in table.items()]
    for d, table in REF_MID.items():
        rows += [dict(kind="mid_band", delta=d, r=r, ref=v, lo=THETA_RANGE[0], hi=MID_HI[d])
                 for r, v in table.items()]
    delta = np.array([row["delta"] for row in rows])
    r = np.array([row["r"] for row in rows])
    is_obs = np.array([row["kind"] == "omega_obs" for row in rows])
    last = {}

    def func(theta):
        out = ev(delta, r, theta)
        last["out"] = out
        val = np.where(is_obs, obs_measure(out), mixing_measure(out))
        return val, (out["status"] == 0) & np.isfinite(val)

    kw = dict(n_bisect=2, max_iter=6, xtol=1e-2, ftol=1e-3) if quick else {}
    root, bracketed, n_calls = solve_log_roots(func, [row["lo"] for row in rows], [row["hi"] for row in rows], **kw)
    check = ev(delta, r, np.where(np.isfinite(root), root, 1e-3))
    for i, row in enumerate(rows):
        row["theta1"] = float(root[i]) if np.isfinite(root[i]) else None
        row["bracketed"] = bool(bracketed[i])
        row["omega_h2"] = float(check["omega_h2"][i]) if row["theta1"] else None
        row["omega_h2_first_term"] = float(check["omega_h2_first_term"][i]) if row["theta1"] else None
        row["status"] = status_name(int(check["status"][i]))
        if row["ref"] is None:
            row["ratio"] = None
            row["pass"] = not row["bracketed"]
        else:
            row["ratio"] = row["theta1"] / row["ref"] if row["theta1"] else None
            row["pass"] = row["ratio"] is not None and abs(row["ratio"] - 1.0) <= CROSSING_RTOL
    return rows, n_calls


def print_crossings(rows) -> None:
    print(f"\nθ₁ crossings vs docs/physics/twin_model.md §6.3 (tolerance {CROSSING_RTOL:.0%})")
    print(f"{'kind':<10} {'Δ':>5} {'r':>5} {'θ₁ ours':>11} {'θ₁ ref':>11} {'ratio':>7} {'Ω h²':>8}  ok")
    for row in rows:
        ours = f"{row['theta1']:.4e}" if row["theta1"] else "none"
        ref = f"{row['ref']:.4e}" if row["ref"] else "none"
        ratio = f"{row['ratio']:.4f}" if row["ratio"] else "—"
        om = f"{row['omega_h2']:.4f}" if row["omega_h2"] else "—"
        print(f"{row['kind']:<10} {row['delta']:>5} {row['r']:>5} {ours:>11} {ref:>11} {ratio:>7} {om:>8}  "
              f"{'yes' if row['pass'] else 'NO'}")


# ----------------------------------------------------------------------------- plot
def plot_fig4(scan: dict, rows, path, *, band: float = 3.0):
    """Two panels of log10(Ω/Ω_obs) over (r, θ₁) with the Ω_obs contour, r = Δ and the mixed band."""
    fig = Figure(figsize=(11.0, 4.6), layout="constrained")
    axes = fig.subplots(1, 2, sharey=True)
    levels = np.arange(-3.0, 6.01, 0.5)
    r, th = scan["r"], scan["theta1"]
    R, TH = np.meshgrid(r, th, indexing="ij")
    for ax, d in zip(axes, scan["deltas"]):
        i = list(scan["deltas"]).index(d)
        lg = scan["log10_omega_ratio"][i]
        cf = ax.contourf(R, TH, np.clip(lg, levels[0], levels[-1]), levels=levels, cmap="viridis", extend="both")
        ax.contour(R, TH, lg, levels=[lv for lv in range(-3, 7) if lv != 0], colors="k", linewidths=0.4, alpha=0.5)
        ax.contour(R, TH, lg, levels=[0.0], colors="k", linewidths=2.2)
        mix = np.log10(np.abs(scan["second_over_first"][i]) + 1e-300)
        lb = math.log10(band)
        ax.contourf(R, TH, np.where(scan["second_over_first"][i] > 0, mix, -99.0), levels=[-lb, lb],
                    colors=["tab:green"], alpha=0.45)
        ax.contour(R, TH, (scan["phase"][i] == PHASES.index("C_A/S mixed")).astype(float), levels=[0.5],
                   colors="orange", linestyles="--", linewidths=1.5)
        ax.axvline(d, color="red", ls="--", lw=1.5)
        bad = scan["status"][i] != 0
        if np.any(bad):
            ax.plot(R[bad], TH[bad], "x", color="red", ms=5, mew=1.2, label="status ≠ 0")
        ref_o = [(row["r"], row["ref"]) for row in rows if row["kind"] == "omega_obs" and row["delta"] == d]
        ref_m = [(row["r"], row["ref"]) for row in rows if row["kind"] == "mid_band" and row["delta"] == d and row["ref"]]
        ax.plot(*zip(*ref_o), "o", mfc="none", mec="white", mew=1.3, ms=6, label=r"ref. $\Omega=\Omega_{\rm obs}$")
        ax.plot(*zip(*ref_m), "D", mfc="none", mec="lime", mew=1.3, ms=5, label="ref. mid-band")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ticks = [t for t in (0.05, 0.1, 0.2, 0.3, 0.5, 0.8) if r[0] <= t <= r[-1]]
        ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_xlim(r[0], r[-1])
        ax.set_ylim(th[0], th[-1])
        ax.set_xlabel(r"$r = m_{\hat\gamma}/m_{\hat\nu}$")
        ax.set_title(rf"$m_{{\hat\nu}} = 1$ GeV, $\Delta = {d:g}$")
        ax.legend(loc="lower left", fontsize=7, framealpha=0.6)
    proxies = [Line2D([], [], color="k", lw=2.2, label=r"$\Omega = \Omega_{\rm obs}$"),
               Line2D([], [], color="red", ls="--", label=r"$r = \Delta$"),
               Patch(color="tab:green", alpha=0.45, label=f"mixed band: 1/{band:g} < second/first < {band:g}"),
               Line2D([], [], color="orange", ls="--", label="solver label 'C_A/S mixed' (boundary)")]
    points_legend = axes[1].get_legend()
    axes[1].legend(handles=proxies, loc="upper left", fontsize=7, framealpha=0.6)
    axes[1].add_artist(points_legend)
    axes[0].set_ylabel(r"$\theta_1$")
    fig.colorbar(cf, ax=axes, label=r"$\log_{10}(\Omega/\Omega_{\rm obs})$, $\Omega_{\rm obs}h^2=0.12$")
    fig.savefig(path, dpi=110)
    return fig


# ----------------------------------------------------------------------------- main
def _reference_rows() -> list[dict]:
    """The §6.3 reference points alone (for the plot when the crossings are skipped)."""
    return [dict(kind=k, delta=d, r=r, ref=v) for k, tab in (("omega_obs", REF_OBS), ("mid_band", REF_MID))
            for d, t in tab.items() for r, v in t.items()]


def run_scan(ev: ChunkedEvaluator, n_r: int, n_theta: int) -> dict:
    """Evaluate both Δ panels on an n_r × n_θ log grid."""
    r = np.geomspace(*R_RANGE, n_r)
    th = np.geomspace(*THETA_RANGE, n_theta)
    R, TH = np.meshgrid(r, th, indexing="ij")
    D = np.concatenate([np.full(R.size, d) for d in DELTAS])
    out = ev(D, np.tile(R.ravel(), len(DELTAS)), np.tile(TH.ravel(), len(DELTAS)))
    shape = (len(DELTAS), n_r, n_theta)
    omega = out["omega_h2"].reshape(shape)
    status = out["status"].reshape(shape)
    good = (status == 0) & np.isfinite(omega) & (omega > 0)
    return {
        "deltas": np.array(DELTAS), "r": r, "theta1": th,
        "omega_h2": omega,
        "log10_omega_ratio": np.where(good, np.log10(np.where(good, omega, 1.0) / OMEGA_OBS), np.nan),
        "second_over_first": (out["omega_h2_second_term"] / out["omega_h2_first_term"]).reshape(shape),
        "omega_h2_coannihilation": out["omega_h2_coannihilation"].reshape(shape),
        "phase": out["phase"].reshape(shape),
        "status": status,
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default="figures", help="output folder (default: figures/)")
    ap.add_argument("--n-r", type=int, default=24, help="r grid points per panel (default 24)")
    ap.add_argument("--n-theta", type=int, default=24, help="θ₁ grid points per panel (default 24)")
    ap.add_argument("--quick", action="store_true", help="8×8 grid and loose crossing tolerances")
    ap.add_argument("--n-q", type=int, default=100, help="q nodes per point (default 100)")
    ap.add_argument("--n-a", type=int, default=300, help="ln a nodes per point (default 300)")
    ap.add_argument("--chunk", type=int, default=32, help="points per vmapped call (default 32)")
    ap.add_argument("--band", type=float, default=3.0, help="mixed band: 1/B < second/first < B (default 3)")
    ap.add_argument("--no-crossings", action="store_true", help="skip the θ₁ crossing solves")
    ap.add_argument("--replot", action="store_true",
                    help="only redraw the PNG from fig4_scan.npz and fig4_crossings.json in --out")
    args = ap.parse_args(argv)
    if args.quick:
        args.n_r, args.n_theta = 8, 8
    for name in ("n_r", "n_theta", "chunk"):
        if getattr(args, name) < 2:
            ap.error(f"--{name.replace('_', '-')} must be >= 2, got {getattr(args, name)}")
    if args.band <= 1.0:
        ap.error(f"--band must be > 1, got {args.band}")
    out_dir = pathlib.Path(args.out)
    if args.replot:
        scan = dict(np.load(out_dir / "fig4_scan.npz"))
        rows = json.loads((out_dir / "fig4_crossings.json").read_text())["crossings"] or _reference_rows()
        plot_fig4(scan, rows, out_dir / "fig4_twin_omega.png", band=args.band)
        print(f"redrew {out_dir / 'fig4_twin_omega.png'}")
        return 0
    out_dir.mkdir(parents=True, exist_ok=True)

    t0 = time.perf_counter()
    ev = ChunkedEvaluator(args.n_q, args.n_a, args.chunk)
    ev(DELTAS[:1], [0.5], [1e-3])   # compile
    t_compile = time.perf_counter() - t0
    print(f"compiled (n_q={args.n_q}, n_a={args.n_a}, chunk={args.chunk}) in {t_compile:.1f} s")
    ev.n_points, ev.seconds = 0, 0.0

    scan = run_scan(ev, args.n_r, args.n_theta)
    t_scan = ev.seconds
    n_bad = int(np.sum(scan["status"] != 0))
    print(f"scan: {scan['status'].size} points in {t_scan:.1f} s ({t_scan / scan['status'].size:.3f} s/point), "
          f"{n_bad} with non-zero status")
    np.savez_compressed(out_dir / "fig4_scan.npz", **scan)

    rows, n_calls = ([], 0) if args.no_crossings else crossings(ev, quick=args.quick)
    if rows:
        print_crossings(rows)
    t_cross = ev.seconds - t_scan
    plot_fig4(scan, rows if rows else _reference_rows(), out_dir / "fig4_twin_omega.png", band=args.band)
    summary = {
        "settings": {"m_nu": M_NU, "n_q": args.n_q, "n_a": args.n_a, "n_r": args.n_r, "n_theta": args.n_theta,
                     "band": args.band, "quick": args.quick, "method": "eq38"},
        "timing_s": {"compile": t_compile, "scan": t_scan, "crossings": t_cross, "crossing_calls": n_calls},
        "scan_nonzero_status": n_bad,
        "crossings": rows,
        "all_pass": all(row["pass"] for row in rows) if rows else None,
    }
    (out_dir / "fig4_crossings.json").write_text(json.dumps(summary, indent=1))
    print(f"\nwrote {out_dir / 'fig4_twin_omega.png'}, fig4_scan.npz, fig4_crossings.json "
          f"(total {time.perf_counter() - t0:.0f} s)")
    return 0 if (not rows or summary["all_pass"]) else 1


if __name__ == "__main__":
    raise SystemExit(main())
