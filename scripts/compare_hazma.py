#!/usr/bin/env python
"""Peer comparison: jaxrelic vs hazma's full Boltzmann relic density (s-wave WIMP, Majorana).

Both codes solve the same single-species equation for a constant <sigma v>:

    dW/d ln x = -sqrt(pi/45) M_Pl m g_*^{1/2}(T)/x <sigma v> (e^W - e^{2 W_eq - W})

(hazma: ``hazma.relic_density.relic_density(model, semi_analytic=False)``, W = ln Y;
jaxrelic: ``solve_network`` with y = ln(Y + 1e-30)).  To compare like with like:

* the **same g_* table**: hazma's ``smdof.dat`` is loaded into jaxrelic with
  ``GStar.from_file(path, delimiter=",", skiprows=1, T_col=0, g_rho_col=3, g_s_col=2)``;
* the **same end point**: hazma integrates to ``xf`` = jaxrelic's default
  x_end = max(1000, m / 1e-4 GeV), and jaxrelic's analytic tail beyond x_end is switched
  off (``tail=False``).  The jaxrelic default (tail on) is printed for information;
* the same start x0 = 1 (equilibrium), g = 2, Majorana (self-conjugate) convention, Omega h^2 =
  m Y s0/rho_c with s0 = 2891.2 cm^-3 and rho_c = 1.05375e-5 h^2 GeV cm^-3 in both;
* tight tolerances on the hazma side (Radau, rtol = 1e-8, atol = 1e-10 on ln Y); jaxrelic runs
  at its defaults (Kvaerno5, rtol = atol = 1e-8 on ln(Y + 1e-30)).

Remaining (documented, not patched) differences: M_Pl (jaxrelic 1.22089e19 GeV, hazma
1.22091e22 MeV: 1.6e-5 relative), the cm^3/s <-> MeV^-2 conversion constants, hazma's tabulated
g_*^{1/2} column vs jaxrelic's h_eff/sqrt(g_eff)(1 + d ln h_eff/3 d ln T) from the other two
columns (agree to ~1e-4), splines in T (hazma) vs ln T (jaxrelic), Fermi-Dirac (hazma) vs
Maxwell-Boltzmann (jaxrelic) Y_eq (FD corrections ~e^{-x} ~ 1e-9 at freeze-out), and jaxrelic's stiffness
limiter (< 1e-5).

Run with the hazma environment (jaxrelic installed there, e.g. ``pip install -e .[bench]``):

    /work/venv-hazma/bin/python scripts/compare_hazma.py            # 5 masses x 4 cross sections
    /work/venv-hazma/bin/python scripts/compare_hazma.py --quick    # 3 masses x 2 cross sections

Exit status: 0 if every |relative difference| <= 0.5 %, 1 otherwise, 2 if hazma (or jaxrelic)
cannot be imported.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import sys
import time

import numpy as np
from _timing import cpu_time  # scripts/_timing.py

TOLERANCE = 5e-3  # 0.5 %
HAZMA_RTOL, HAZMA_ATOL = 1e-8, 1e-10


def _import_peers():
    try:
        import hazma  # noqa: F401
        from hazma import parameters as hp
        from hazma.relic_density import relic_density
    except ImportError as exc:  # pragma: no cover - environment dependent
        print(
            f"compare_hazma.py: hazma is not installed in this Python ({sys.executable}): {exc}.\n"
            "Install it (e.g. `pip install -e .[bench]` or `pip install hazma`) or run with the hazma\n"
            "environment, e.g. /work/venv-hazma/bin/python scripts/compare_hazma.py",
            file=sys.stderr,
        )
        sys.exit(2)
    try:
        import jaxrelic  # noqa: F401
    except ImportError as exc:  # pragma: no cover
        print(
            f"compare_hazma.py: jaxrelic is not importable in this Python ({sys.executable}): {exc}.\n"
            "Install it into the hazma environment: pip install -e /path/to/jaxrelic",
            file=sys.stderr,
        )
        sys.exit(2)
    return hazma, hp, relic_density



def smdof_path():
    """Path of hazma's g_* table (smdof.dat)."""
    try:
        from hazma.relic_density import _thermal_functions as tf

        path = tf._fname_sm_data
    except (ImportError, AttributeError):
        import hazma.relic_density as rd

        path = os.path.join(os.path.dirname(rd.__file__), "smdof.dat")
    if not os.path.isfile(path):
        print(f"compare_hazma.py: hazma's g_* table not found at {path}", file=sys.stderr)
        sys.exit(2)
    return path


class ConstSigmaV:
    """Duck-typed hazma model: mass [MeV] and constant s-wave <sigma v> [MeV^-2].

    ``thermal_cross_section(x)`` is provided so that hazma does not run its Gondolo-Gelmini
    average (broken for x >= 25 in hazma 2.2.0, see docs/notes/hazma_peer.md).
    """

    def __init__(self, mx_mev, sv_cm3s, hp):
        self.mx = mx_mev
        self._sv = sv_cm3s / hp.sv_inv_MeV_to_cm3_per_s

    def thermal_cross_section(self, x):
        return self._sv


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="3 masses x 2 cross sections, fewer repeats")
    ap.add_argument("--masses", type=float, nargs="+", default=None, help="masses [GeV]")
    ap.add_argument("--sigma-v", type=float, nargs="+", default=None, help="<sigma v> values [cm^3/s]")
    ap.add_argument("--repeats", type=int, default=None, help="timed hazma calls per point (default 2)")
    args = ap.parse_args(argv)

    hazma, hp, hazma_relic_density = _import_peers()
    import jax
    import jax.numpy as jnp
    import jaxrelic
    from jaxrelic import WIMP, Background, GStar, solve_network
    from jaxrelic import constants as c

    jaxrelic.check_x64()
    masses = args.masses or ([0.1, 10.0, 1000.0] if args.quick else [0.1, 1.0, 10.0, 100.0, 1000.0])
    svs = args.sigma_v or ([2.2e-26, 1e-25] if args.quick else [1e-26, 2.2e-26, 1e-25, 1e-24])
    n_rep = args.repeats or (1 if args.quick else 2)
    n_single = 20

    path = smdof_path()
    bg = Background(GStar.from_file(path, delimiter=",", skiprows=1, T_col=0, g_rho_col=3, g_s_col=2,
                                    source="hazma smdof.dat"))
    mpl_h = hp.plank_mass * 1e-3  # MeV -> GeV
    conv_h = hp.sv_inv_MeV_to_cm3_per_s * 1e-6  # cm^3/s per GeV^-2
    print("=" * 118)
    print("hazma vs jaxrelic: full Boltzmann relic density, constant s-wave <sigma v>, Majorana, g = 2")
    print(f"date      : {datetime.datetime.now().isoformat(timespec='seconds')}; machine {platform.machine()}, "
          f"os.cpu_count() = {os.cpu_count()}, load average {os.getloadavg()[0]:.2f}")
    print(f"software  : python {platform.python_version()}, hazma {getattr(hazma, '__version__', '?')}, "
          f"jax {jax.__version__}, jaxrelic {jaxrelic.__version__}")
    print(f"g_* table : {path} (both codes)")
    print(f"M_Pl      : jaxrelic {c.M_PL:.5e} GeV, hazma {mpl_h:.5e} GeV "
          f"(relative difference {mpl_h / c.M_PL - 1:.2e}; not patched; Omega h^2 ~ 1/M_Pl -> ~{mpl_h / c.M_PL - 1:.1e})")
    print(f"<sv> unit : 1 GeV^-2 = {c.GEV2_TO_CM3_S:.6e} cm^3/s (jaxrelic) vs {conv_h:.6e} cm^3/s (hazma): "
          f"relative difference {conv_h / c.GEV2_TO_CM3_S - 1:.2e} (not patched)")
    print(f"end point : x_end = max(1000, m/1e-4 GeV) in both; jaxrelic tail=False for the comparison "
          f"(column 'jaxrelic+tail' = jaxrelic default)")
    print(f"tolerance : hazma Radau rtol={HAZMA_RTOL:g} atol={HAZMA_ATOL:g}; jaxrelic Kvaerno5 rtol=atol=1e-8; "
          f"pass if |rel. diff| <= {100 * TOLERANCE:g} %")
    print("=" * 118)

    pts = [(m, sv) for m in masses for sv in svs]
    M = jnp.asarray([p[0] for p in pts])
    S = jnp.asarray([p[1] for p in pts])
    XE = jnp.maximum(1000.0, M / 1e-4)

    def jr(m, sv, x_end, tail):
        r = solve_network(WIMP(mass=m, sigma_v=sv, g=2.0, self_conjugate=True), bg, x_end=x_end, tail=tail)
        return r.omega_h2, r.status

    single = jax.jit(lambda m, sv, xe: jr(m, sv, xe, False))
    vm = jax.jit(jax.vmap(lambda m, sv, xe: jr(m, sv, xe, False)))
    vm_tail = jax.jit(jax.vmap(lambda m, sv, xe: jr(m, sv, xe, True)))
    w0 = time.perf_counter()
    jax.block_until_ready(single(M[0], S[0], XE[0]))
    t_compile_single = time.perf_counter() - w0
    w0 = time.perf_counter()
    om_j, st_j = (np.asarray(a) for a in vm(M, S, XE))
    t_compile_vm = time.perf_counter() - w0
    om_jt = np.asarray(vm_tail(M, S, XE)[0])
    reps, creps = [], []
    for _ in range(3):
        c0, w0 = cpu_time(), time.perf_counter()
        jax.block_until_ready(vm(M, S, XE))
        reps.append(time.perf_counter() - w0)
        creps.append(cpu_time() - c0)
    t_vm = float(np.mean(reps)) / len(pts)
    c_vm = float(np.mean(creps)) / len(pts)

    # hazma warm-up (spline set-up, imports)
    hazma_relic_density(ConstSigmaV(100e3, 2.2e-26, hp), semi_analytic=False)

    print(f"{'m [GeV]':>8s} {'<sv> [cm3/s]':>12s} {'x_end':>8s} {'Oh2 hazma':>11s} {'Oh2 jaxrelic':>12s} "
          f"{'rel. diff':>10s} {'jaxrelic+tail':>13s} {'t hazma':>10s} {'t jax jit':>10s} {'t jax vmap':>10s}")
    worst, rows = 0.0, []
    t_h_all, t_j_all, c_h_all, c_j_all = [], [], [], []
    for i, (m, sv) in enumerate(pts):
        xe = float(XE[i])
        model = ConstSigmaV(m * 1e3, sv, hp)
        ts = []
        c0 = cpu_time()
        for _ in range(n_rep):
            w0 = time.perf_counter()
            oh = hazma_relic_density(model, semi_analytic=False, x0=1.0, xf=xe, method="Radau",
                                     rtol=HAZMA_RTOL, atol=HAZMA_ATOL)
            ts.append(time.perf_counter() - w0)
        c_h_all.append((cpu_time() - c0) / n_rep)
        t_h = float(np.mean(ts))
        args_j = (M[i], S[i], XE[i])
        jax.block_until_ready(single(*args_j))
        c0, w0 = cpu_time(), time.perf_counter()
        for _ in range(n_single):
            jax.block_until_ready(single(*args_j))
        t_j = (time.perf_counter() - w0) / n_single
        c_j_all.append((cpu_time() - c0) / n_single)
        oj = float(om_j[i])
        rel = oj / oh - 1.0
        bad = (not np.isfinite(rel)) or abs(rel) > TOLERANCE or int(st_j[i]) != 0
        worst = max(worst, abs(rel) if np.isfinite(rel) else np.inf)
        t_h_all.append(t_h)
        t_j_all.append(t_j)
        rows.append(bad)
        flag = "  <-- FAIL" if bad else ""
        print(f"{m:8.3g} {sv:12.3g} {xe:8.2g} {oh:11.6f} {oj:12.6f} {rel:+10.2e} {float(om_jt[i]):13.6f} "
              f"{1e3 * t_h:8.1f}ms {1e3 * t_j:8.2f}ms {1e3 * t_vm:8.2f}ms{flag}")
    print("-" * 118)
    print(f"max |rel. diff| = {worst:.2e} (limit {TOLERANCE:.1e});  hazma mean {1e3 * np.mean(t_h_all):.1f} ms/call; "
          f"jaxrelic jit single mean {1e3 * np.mean(t_j_all):.2f} ms/call (compile {t_compile_single:.1f} s); "
          f"jaxrelic vmapped {1e3 * t_vm:.2f} ms/point over {len(pts)} points (compile+first run {t_compile_vm:.1f} s)")
    print(f"CPU time  : hazma {1e3 * np.mean(c_h_all):.1f} ms/call; jaxrelic jit single {1e3 * np.mean(c_j_all):.2f} ms/call,"
          f" vmapped {1e3 * c_vm:.2f} ms/point (XLA may use several cores for the batch; hazma uses one)")
    print(f"speed-up vs hazma (wall): jit single {np.mean(t_h_all) / np.mean(t_j_all):.1f}x, "
          f"vmapped {np.mean(t_h_all) / t_vm:.1f}x;  (CPU time): jit single {np.mean(c_h_all) / np.mean(c_j_all):.1f}x, "
          f"vmapped {np.mean(c_h_all) / c_vm:.1f}x")
    n_bad = sum(rows)
    if n_bad:
        print(f"FAIL: {n_bad} of {len(pts)} points differ by more than {100 * TOLERANCE:g} % (or jaxrelic status != 0)")
        return 1
    print(f"PASS: all {len(pts)} points agree within {100 * TOLERANCE:g} %")
    return 0


if __name__ == "__main__":
    sys.exit(main())
