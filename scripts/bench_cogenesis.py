#!/usr/bin/env python
"""Benchmark of the freeze-in cogenesis solver (jaxrelic/models/cogenesis/solver.py).

Not a test: run by hand, e.g.

    python scripts/bench_cogenesis.py            # 1024 vmapped points (2.5 min on 2 cores at load 7-9)
    python scripts/bench_cogenesis.py --quick    # 256 points, fewer repeats

It prints, for the reference point P-B (M₁ = 1e11 GeV) and random points around it,

(a) compile times of the jitted single-point solve: UV epoch only (``freeze_out=False``) and
    full (UV + late dark freeze-out);
(b) per-call times of the jitted single-point solves (median of repeated calls after warm-up);
(c) per-point times of ``jax.jit(jax.vmap(...))`` over N random points (N ≥ 256), UV only and full;
(d) the cost of the gradient of Y_B with respect to all couplings (Re, Im of y₁, y₂, λ₁, λ₂:
    8 real parameters): reverse mode (``jax.grad``, recursive-checkpoint adjoint) and forward
    mode (``jax.jacfwd``, ``adjoint="forward"``), compile time and per-call time relative to
    the forward solve, plus a central-difference spot check of one component;
(e) SciPy integrations of the same right-hand side (Python floats) with ``solve_ivp`` Radau,
    BDF, LSODA and with ``odeint`` (LSODA without the Python step loop), rtol 1e-8: per-point
    times, agreement with jaxrelic (accurate = ≤ 1e-5) and the speed ratios of jaxrelic
    (jit single, jit(vmap)) against each and against the fastest accurate one.

``--platform gpu`` selects a CUDA/ROCm JAX backend (exit 2 with a message if there is none);
``uptime`` load averages and points per second are printed.

Wall-clock and process CPU times are both printed (XLA uses both cores for vmapped batches;
other load on the machine inflates wall times, the header prints the load average).
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import statistics
import time

import numpy as np
from _timing import check_platform, select_platform, uptime_line  # scripts/_timing.py

PLATFORM = select_platform()  # sets JAX_PLATFORMS before jax is imported

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402

import jaxrelic  # noqa: E402,F401  (x64)
from jaxrelic.models.cogenesis import Cogenesis, rate_constants  # noqa: E402
from jaxrelic.models.cogenesis.solver import C_SPHALERON, solve_cogenesis  # noqa: E402

LAM2 = 0.3 * np.exp(3j * np.pi / 4)
P_B = np.array([0.015, 0.0, 0.0, 0.025, 0.03, 0.0, LAM2.real, LAM2.imag])  # Re/Im of y1, y2, λ1, λ2


def model_from(theta, m1=1e11, m2=3e11, t_rh=2e10):
    """Cogenesis point from the 8 real coupling parameters (Re, Im of y₁, y₂, λ₁, λ₂)."""
    y = jnp.stack([theta[0] + 1j * theta[1], theta[2] + 1j * theta[3]])
    lam = jnp.stack([theta[4] + 1j * theta[5], theta[6] + 1j * theta[7]])
    return Cogenesis(y, lam, m1, m2, t_rh, 0.0, m_chi=0.073, m_phi=0.11)


def _timed(fn, *args, repeat=10):
    jax.block_until_ready(fn(*args))  # warm-up
    wall, cpu = [], []
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        jax.block_until_ready(fn(*args))
        wall.append(time.perf_counter() - w0)
        cpu.append(time.process_time() - c0)
    return statistics.median(wall), statistics.median(cpu)


def _compile(fn, *args):
    t0 = time.perf_counter()
    compiled = jax.jit(fn).lower(*args).compile()
    return compiled, time.perf_counter() - t0


#: SciPy solvers timed on the same equations: (label, driver, method).
SCIPY_METHODS = (("solve_ivp Radau", "solve_ivp", "Radau"), ("solve_ivp BDF", "solve_ivp", "BDF"),
                 ("solve_ivp LSODA", "solve_ivp", "LSODA"), ("odeint LSODA", "odeint", "LSODA"))
#: Tolerances of the SciPy solves: jaxrelic's rtol; absolute tolerances in the units of each
#: component (Y_{B-L}, Y_X ~ 1e-10, u = ξ⁴ ≤ 1, Y_S), i.e. the jaxrelic atol = 1e-10 on its
#: normalised states times their scales.
SCIPY_RTOL = 1e-8
SCIPY_ATOL = (1e-22, 1e-22, 1e-12, 1e-16)
#: Accurate = |Y_B^SciPy/Y_B^jaxrelic − 1| at x = 1e4 within this.
AGREEMENT = 1e-5


def _scipy_rhs(theta):
    """Right-hand side f(x, z) of E8.2, E8.3, E6.3, E9.1 in x = T_RH/T (numpy floats, same constants)."""
    rc = rate_constants(model_from(jnp.asarray(theta)))
    p = {k: float(getattr(rc, k)) for k in ("A_L", "A_X", "k5", "k6", "kL", "kX", "K_E", "T_RH", "q5", "q6", "q5m",
                                            "q6m", "G", "c_lH", "c_b", "m5", "m6")}
    G, cl, cb, k5, k6, m5, m6 = p["G"], p["c_lH"], p["c_b"], p["k5"], p["k6"], p["m5"], p["m6"]
    A_L, A_X, kL, kX, K_E, T_RH = p["A_L"], p["A_X"], p["kL"], p["kX"], p["K_E"], p["T_RH"]
    q5, q6, q5m, q6m = p["q5"], p["q6"], p["q5m"], p["q6m"]

    def f(x, z):
        ybl, yx, u, _ = z
        xi = max(u, 0.0) ** 0.25
        xi3 = xi * xi * xi
        xi4 = xi3 * xi
        xi8 = xi4 * xi4
        ix2 = 1.0 / (x * x)
        ix4 = ix2 * ix2
        tt = T_RH * T_RH * ix2
        return [
            (1 - xi8) * A_L * ix4
            - 2 * G * cl * ((1 + m6 * xi4) * k6 * ix4 + (1 + m5 * xi3) * k5 * ix2 + 2 * kL * ix2) * ybl
            - 2 * G * cb * ((xi4 * xi + m6 * xi) * k6 * ix4 - (xi3 + m5) * k5 * ix2) * yx,
            (1 - xi8) * A_X * ix4
            - 4 * G * cl * ((1 + m6 * xi4) * k6 * ix4 - (1 + m5 * xi3) * k5 * ix2) * ybl
            - 4 * G * cb * ((xi4 * xi + m6 * xi) * k6 * ix4 + (xi3 + m5) * k5 * ix2 + 2 * xi3 * kX * ix2) * yx,
            K_E * T_RH * ix2 * (q5 * (1 - xi4 * xi3) + q6 * tt * (1 - xi8 * xi)
                                + q5m * xi3 * (1 - xi) + q6m * tt * xi4 * (1 - xi)),
            2 * k6 * (1 - xi8) * ix4 + 2 * k5 * (1 - xi4 * xi * xi) * ix2,
        ]

    return f


def _scipy_point(theta, driver="solve_ivp", method="Radau"):
    """Y_B at x = 1e4 (no tail) from SciPy; returns (Y_B, wall seconds, CPU seconds, RHS evaluations).

    The rate constants come from jaxrelic (``rate_constants``, outside the timed region); the
    right-hand side is plain Python floats; x from 1 to 1e4, z(1) = 0.
    """
    from scipy.integrate import odeint, solve_ivp

    f = _scipy_rhs(theta)
    w0, c0 = time.perf_counter(), time.process_time()
    if driver == "odeint":
        ys, info = odeint(f, [0.0, 0.0, 0.0, 0.0], [1.0, 1e4], rtol=SCIPY_RTOL, atol=list(SCIPY_ATOL), tfirst=True,
                          full_output=True, mxstep=100000, tcrit=[1e4])
        if info["message"] != "Integration successful.":
            raise RuntimeError(f"odeint failed: {info['message']}")
        y_end, nfev = ys[-1, 0], int(info["nfe"][-1])
    else:
        sol = solve_ivp(f, (1.0, 1e4), [0.0, 0.0, 0.0, 0.0], method=method, rtol=SCIPY_RTOL, atol=list(SCIPY_ATOL))
        if not sol.success:
            raise RuntimeError(f"solve_ivp {method} failed: {sol.message}")
        y_end, nfev = sol.y[0, -1], sol.nfev
    return C_SPHALERON * y_end, time.perf_counter() - w0, time.process_time() - c0, nfev


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="256 vmapped points, fewer repeats")
    ap.add_argument("--points", type=int, default=None, help="number of vmapped points (default 1024, quick 256)")
    ap.add_argument("--scipy-points", type=int, default=8, help="points solved by each SciPy method (>= 1)")
    ap.add_argument("--platform", choices=("cpu", "gpu"), default="cpu",
                    help="JAX backend (gpu: CUDA/ROCm jaxlib and a GPU needed; exits 2 if absent)")
    args = ap.parse_args(argv)
    if args.scipy_points < 1:
        ap.error(f"--scipy-points must be >= 1, got {args.scipy_points}")
    print(uptime_line("before"))
    devices = check_platform(args.platform)
    n = args.points or (256 if args.quick else 1024)
    if n < 256:
        raise SystemExit(f"--points={n} outside the allowed range [256, inf)")
    rep = 5 if args.quick else 20
    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    print(f"jaxrelic cogenesis benchmark — {platform.node()} platform {args.platform} {devices}, jax {jax.__version__}, "
          f"{os.cpu_count()} cores, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    theta0 = jnp.asarray(P_B)

    # (a) + (b) single point
    uv = lambda th: solve_cogenesis(model_from(th), freeze_out=False).Y_B  # noqa: E731
    full = lambda th: solve_cogenesis(model_from(th)).omega_h2  # noqa: E731
    uv_c, t_uv = _compile(uv, theta0)
    full_c, t_full = _compile(full, theta0)
    w_uv, c_uv = _timed(uv_c, theta0, repeat=rep)
    w_full, c_full = _timed(full_c, theta0, repeat=rep)
    print("\n(a) compile time, single point")
    print(f"  UV epoch only          {t_uv:8.2f} s")
    print(f"  UV + late freeze-out   {t_full:8.2f} s")
    print("(b) per call, jitted single point (median)")
    print(f"  UV epoch only          {w_uv * 1e3:8.2f} ms wall  {c_uv * 1e3:8.2f} ms CPU   "
          f"Y_B = {float(uv_c(theta0)):.6e}")
    print(f"  UV + late freeze-out   {w_full * 1e3:8.2f} ms wall  {c_full * 1e3:8.2f} ms CPU")

    # (c) vmapped batch: random couplings around P-B (moduli × 10^U(−0.5, 0.5), random phases)
    key = jax.random.PRNGKey(0)
    k1, k2 = jax.random.split(key)
    mod = jnp.abs(jnp.array([0.015, 0.025, 0.03, 0.3])) * 10.0 ** jax.random.uniform(k1, (n, 4), minval=-0.5,
                                                                                      maxval=0.5)
    ph = jax.random.uniform(k2, (n, 4), maxval=2 * math.pi)
    batch = jnp.stack([mod * jnp.cos(ph), mod * jnp.sin(ph)], -1).reshape(n, 8)
    vuv_c, tv_uv = _compile(jax.vmap(uv), batch)
    vfull_c, tv_full = _compile(jax.vmap(full), batch)
    wv_uv, cv_uv = _timed(vuv_c, batch, repeat=max(2, rep // 5))
    wv_full, cv_full = _timed(vfull_c, batch, repeat=max(2, rep // 5))
    print(f"(c) jax.jit(jax.vmap) over {n} points (compile {tv_uv:.1f} s UV, {tv_full:.1f} s full)")
    print(f"  UV epoch only          {wv_uv / n * 1e3:8.3f} ms/point wall  {cv_uv / n * 1e3:8.3f} ms/point CPU"
          f"   ({wv_uv:.2f} s per batch)")
    print(f"  UV + late freeze-out   {wv_full / n * 1e3:8.3f} ms/point wall  {cv_full / n * 1e3:8.3f} ms/point CPU"
          f"   ({wv_full:.2f} s per batch)")

    # (d) gradient of Y_B w.r.t. the 8 real coupling parameters
    rev = jax.grad(uv)
    fwd = jax.jacfwd(lambda th: solve_cogenesis(model_from(th), freeze_out=False, adjoint="forward").Y_B)
    rev_c, t_rev = _compile(rev, theta0)
    fwd_c, t_fwd = _compile(fwd, theta0)
    w_rev, c_rev = _timed(rev_c, theta0, repeat=rep)
    w_fwd, c_fwd = _timed(fwd_c, theta0, repeat=rep)
    g_rev, g_fwd = np.asarray(rev_c(theta0)), np.asarray(fwd_c(theta0))
    h = 1e-3 * abs(P_B[6])
    e = jnp.zeros(8).at[6].set(h)
    fd = (float(uv_c(theta0 + e)) - float(uv_c(theta0 - e))) / (2 * h)
    print("(d) gradient of Y_B w.r.t. (Re, Im) of y1, y2, lambda1, lambda2 (8 parameters)")
    print(f"  reverse (jax.grad)     compile {t_rev:6.1f} s   {w_rev * 1e3:8.2f} ms wall  {c_rev * 1e3:8.2f} ms CPU"
          f"   = {w_rev / w_uv:5.1f} x forward solve")
    print(f"  forward (jax.jacfwd)   compile {t_fwd:6.1f} s   {w_fwd * 1e3:8.2f} ms wall  {c_fwd * 1e3:8.2f} ms CPU"
          f"   = {w_fwd / w_uv:5.1f} x forward solve")
    print(f"  max |grad_rev - grad_fwd| / max|grad| = {np.max(np.abs(g_rev - g_fwd)) / np.max(np.abs(g_rev)):.2e}")
    print(f"  dY_B/dRe(lambda2): reverse {g_rev[6]:.6e}, forward {g_fwd[6]:.6e}, central difference {fd:.6e}")

    # (e) SciPy: the same equations with every stiff solver SciPy offers
    ns = args.scipy_points
    pts = np.asarray(batch[:ns])
    y_jax = np.asarray(jax.vmap(lambda th: solve_cogenesis(model_from(th), freeze_out=False, tail=False))(
        jnp.asarray(pts)).Y_B_x[:, -1])
    print(f"(e) SciPy, same equations (numpy-float RHS, rtol {SCIPY_RTOL:g}, atol {SCIPY_ATOL}), x = 1 -> 1e4 without"
          f" tail, {ns} points; accurate = |Y_B^SciPy/Y_B^jaxrelic - 1| <= {AGREEMENT:g}")
    rows = []
    for lab, driver, method in SCIPY_METHODS:
        _scipy_point(pts[0], driver, method)  # warm-up
        ys, ts, cs, nf = [], [], [], []
        try:
            for th in pts:
                y_b, dt, dc, nfev = _scipy_point(th, driver, method)
                ys.append(y_b)
                ts.append(dt)
                cs.append(dc)
                nf.append(nfev)
        except RuntimeError as err:
            print(f"  {lab:16s}: FAILED ({err})")
            continue
        rel = float(np.max(np.abs(np.asarray(ys) / y_jax - 1.0)))
        t, c = statistics.median(ts), statistics.median(cs)
        rows.append((lab, t, c, rel))
        print(f"  {lab:16s}: {t * 1e3:8.2f} ms/point wall ({1.0 / t:7.1f} points/s), {c * 1e3:8.2f} ms CPU, "
              f"median {statistics.median(nf):.0f} RHS evaluations; max |rel. diff| {rel:.1e}"
              f" {'(accurate)' if rel <= AGREEMENT else '(NOT accurate)'}")
    accurate = [r for r in rows if r[3] <= AGREEMENT]
    print("summary (UV epoch, the part SciPy reproduces; wall, CPU ratio in brackets)")
    print(f"  throughput: jaxrelic jit(vmap) {n / wv_uv:9.1f} points/s, jit single {1.0 / w_uv:8.1f} points/s")
    for lab, t, c, _ in rows:
        print(f"  jaxrelic vs {lab:16s}: jit(vmap) {t / (wv_uv / n):7.1f}x [CPU {c / (cv_uv / n):6.1f}x], "
              f"jit single {t / w_uv:6.1f}x [CPU {c / c_uv:6.1f}x]")
    if accurate:
        lab, t, c, rel = min(accurate, key=lambda r: r[1])
        print(f"  speed-up vs the fastest accurate SciPy ({lab}, {t * 1e3:.2f} ms/point): jit(vmap) "
              f"{t / (wv_uv / n):.1f}x [CPU {c / (cv_uv / n):.1f}x], jit single {t / w_uv:.1f}x [CPU {c / c_uv:.1f}x]")
    else:
        print(f"  no SciPy method agrees with jaxrelic to {AGREEMENT:g}")
    print(uptime_line("after"))


if __name__ == "__main__":
    main()
