#!/usr/bin/env python
"""Benchmark of the freeze-in cogenesis solver (jaxrelic/solvers/cogenesis.py).

Not a test: run by hand, e.g.

    /work/venv/bin/python scripts/bench_cogenesis.py            # 1024 vmapped points (~3 min on 2 cores)
    /work/venv/bin/python scripts/bench_cogenesis.py --quick    # 256 points, fewer repeats

It prints, for the reference point P-B (M₁ = 1e11 GeV) and random points around it,

(a) compile times of the jitted single-point solve: UV epoch only (``freeze_out=False``) and
    full (UV + late dark freeze-out);
(b) per-call times of the jitted single-point solves (median of repeated calls after warm-up);
(c) per-point times of ``jax.jit(jax.vmap(...))`` over N random points (N ≥ 256), UV only and full;
(d) the cost of the gradient of Y_B with respect to all couplings (Re, Im of y₁, y₂, λ₁, λ₂:
    8 real parameters): reverse mode (``jax.grad``, recursive-checkpoint adjoint) and forward
    mode (``jax.jacfwd``, ``adjoint="forward"``), compile time and per-call time relative to
    the forward solve, plus a central-difference spot check of one component;
(e) a SciPy ``solve_ivp(Radau)`` integration of the same right-hand side (numpy), its
    per-point time and its agreement with jaxrelic.

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

import jax
import jax.numpy as jnp
import numpy as np

import jaxrelic  # noqa: F401  (x64)
from jaxrelic.models.cogenesis import Cogenesis, rate_constants
from jaxrelic.solvers.cogenesis import C_SPHALERON, solve_cogenesis

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


def _scipy_point(theta):
    """SciPy Radau of E8.2, E8.3, E6.3, E9.1 (numpy, same constants) from x = 1 to 1e4; returns (Y_B, seconds)."""
    from scipy.integrate import solve_ivp

    rc = rate_constants(model_from(jnp.asarray(theta)))
    p = {k: float(getattr(rc, k)) for k in ("A_L", "A_X", "k5", "k6", "kL", "kX", "K_E", "T_RH", "q5", "q6", "q5m",
                                            "q6m", "G", "c_lH", "c_b", "m5", "m6")}
    G, cl, cb, k5, k6, m5, m6 = p["G"], p["c_lH"], p["c_b"], p["k5"], p["k6"], p["m5"], p["m6"]

    def f(x, z):
        ybl, yx, u, _ = z
        xi = max(u, 0.0) ** 0.25
        tt = (p["T_RH"] / x) ** 2
        return [
            (1 - xi**8) * p["A_L"] / x**4
            - 2 * G * cl * ((1 + m6 * xi**4) * k6 / x**4 + (1 + m5 * xi**3) * k5 / x**2 + 2 * p["kL"] / x**2) * ybl
            - 2 * G * cb * ((xi**5 + m6 * xi) * k6 / x**4 - (xi**3 + m5) * k5 / x**2) * yx,
            (1 - xi**8) * p["A_X"] / x**4
            - 4 * G * cl * ((1 + m6 * xi**4) * k6 / x**4 - (1 + m5 * xi**3) * k5 / x**2) * ybl
            - 4 * G * cb * ((xi**5 + m6 * xi) * k6 / x**4 + (xi**3 + m5) * k5 / x**2 + 2 * xi**3 * p["kX"] / x**2) * yx,
            p["K_E"] * p["T_RH"] / x**2 * (p["q5"] * (1 - xi**7) + p["q6"] * tt * (1 - xi**9)
                                           + p["q5m"] * xi**3 * (1 - xi) + p["q6m"] * tt * xi**4 * (1 - xi)),
            2 * k6 * (1 - xi**8) / x**4 + 2 * k5 * (1 - xi**6) / x**2,
        ]

    t0 = time.perf_counter()
    sol = solve_ivp(f, (1.0, 1e4), [0.0, 0.0, 0.0, 0.0], method="Radau", rtol=1e-8, atol=[1e-22, 1e-22, 1e-12, 1e-16])
    dt = time.perf_counter() - t0
    return C_SPHALERON * sol.y[0, -1], dt


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="256 vmapped points, fewer repeats")
    ap.add_argument("--points", type=int, default=None, help="number of vmapped points (default 1024, quick 256)")
    args = ap.parse_args(argv)
    n = args.points or (256 if args.quick else 1024)
    if n < 256:
        raise SystemExit(f"--points={n} outside the allowed range [256, inf)")
    rep = 5 if args.quick else 20
    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    print(f"jaxrelic cogenesis benchmark — {platform.node()} {jax.devices()[0].platform}, jax {jax.__version__}, "
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

    # (e) SciPy reference
    ys, ts = [], []
    for th in np.asarray(batch[:8]):
        y_b, dt = _scipy_point(th)
        ys.append(y_b)
        ts.append(dt)
    y_jax = np.asarray(jax.vmap(lambda th: solve_cogenesis(model_from(th), freeze_out=False, tail=False))(
        jnp.asarray(batch[:8])).Y_B_x[:, -1])
    rel = np.max(np.abs(np.asarray(ys) / y_jax - 1.0))
    print(f"(e) SciPy Radau (numpy RHS, rtol 1e-8), 8 points: {statistics.median(ts) * 1e3:.1f} ms/point; "
          f"max |Y_B^scipy/Y_B^jaxrelic - 1| at x = 1e4: {rel:.1e}")
    print(f"  speed-up of the vmapped UV solve over SciPy: {statistics.median(ts) / (wv_uv / n):.0f}x per point")


if __name__ == "__main__":
    main()
