#!/usr/bin/env python
"""Benchmark of jaxrelic's number-density (network) solver on a single-species WIMP.

Not a test: run by hand, e.g.

    python scripts/bench_nbe.py              # 1000-point grid (6.5 min on 2 cores at load 5-7)
    python scripts/bench_nbe.py --quick      # 256 points, fewer repeats (~2 min)

It prints

(a) the compile time of the jitted single-point solve,
(b) the per-call time of the jitted single-point solve (mean of >= 20 calls after warm-up),
(c) the per-point time of ``jax.jit(jax.vmap(...))`` over a grid of WIMP points
    (mass 1-1e4 GeV x <sigma v> 1e-27-1e-24 cm^3/s),
(d) the cost of the gradient of Omega h^2 w.r.t. (mass, sigma_v): forward mode
    (``jax.jacfwd`` with ``adjoint="forward"``) and reverse mode (``jax.grad``,
    default recursive-checkpoint adjoint), relative to the forward solve,
(e) SciPy solutions of the *same* equation (same state variable y = ln(Y + 1e-30), same g_*
    spline, same Maxwell-Boltzmann Y_eq with ``scipy.special.kve``, no stiffness limiter, same end
    point and analytic tail correction; rtol=1e-8, atol=1e-10, analytic Jacobian) with every
    solver SciPy offers for stiff problems: ``solve_ivp`` Radau (the accuracy reference), BDF,
    LSODA, and LSODA through ``odeint`` (no Python step loop); each one's Omega h^2 against
    jaxrelic (accurate = within AGREEMENT = 1e-5) and its time per point,

and the speed ratios of jaxrelic (jit single and jit(vmap)) against every SciPy solver and
against the fastest accurate one, points per second, and PASS/MISS against the targets
(2 CPU cores): <= 0.5 ms per point vmapped, >= 100x faster per point than the fastest accurate
SciPy solver, gradient <= 3x the forward solve.

``--platform gpu`` selects a CUDA/ROCm JAX backend (exit status 2 with a message if there is
none, as on the project's CPU machine); the default is ``cpu``.  ``uptime`` load averages are
printed before and after the run.

Timings are wall-clock; the process CPU time is printed next to them because XLA uses
both cores for the vmapped batch (wall ~ CPU/2 on an idle machine) while SciPy is
single-threaded, and because CPU time is much less sensitive to other load on the
machine (the header prints the load average).
"""

from __future__ import annotations

import argparse
import datetime
import math
import os
import platform
import sys
import time

import bisect

import numpy as np
from _timing import check_platform, cpu_time, measure, select_platform, uptime_line  # scripts/_timing.py

PLATFORM = select_platform()  # sets JAX_PLATFORMS before jax is imported

import jaxrelic  # noqa: E402,F401  (switches JAX to float64)
import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
from jaxrelic import WIMP, Background, solve_network  # noqa: E402
from jaxrelic import constants as c  # noqa: E402

#: Floor of the reference's state variable y = ln(Y + Y_FLOOR) (the old engine's choice).
Y_FLOOR = 1e-30
#: |y| is clamped to this inside the RHS and Jacobian of the SciPy port, only so that trial
#: values far off the solution (LSODA probes y ~ ±1e3 in its first steps) cannot overflow or
#: divide by zero; the solution itself has ln 1e-30 < y < 0.
Y_CLAMP = 700.0
#: First step in t = ln x given to LSODA.  At x = 1 the relaxation rate 2A·Y_eq·(1+δ) reaches
#: ~1e10 (m = 100 GeV), and LSODA's own first-step guess (made for its non-stiff Adams start)
#: overshoots by orders of magnitude and fails ("repeated convergence failures") for m ≥ 10 GeV;
#: 1e-8 lets it start, detect stiffness and switch to BDF.  Radau and BDF need no help.
LSODA_FIRST_STEP = 1e-8

TARGET_VMAP_MS = 0.5
TARGET_SCIPY_SPEEDUP = 100.0
TARGET_GRAD_RATIO = 3.0
AGREEMENT = 1e-5

# ---------------------------------------------------------------------------------------------
# timing helpers
# ---------------------------------------------------------------------------------------------




def fmt_ms(t):
    return f"{1e3 * t:9.3f} ms"


def verdict(ok):
    return "PASS" if ok else "MISS"


# ---------------------------------------------------------------------------------------------
# SciPy reference of the same equation
# ---------------------------------------------------------------------------------------------


#: SciPy solvers timed on the same equation: (label, driver, method).  ``odeint`` is LSODA
#: called directly (no ``solve_ivp`` Python step loop); all get the analytic Jacobian.
SCIPY_METHODS = (("solve_ivp Radau", "solve_ivp", "Radau"), ("solve_ivp BDF", "solve_ivp", "BDF"),
                 ("solve_ivp LSODA", "solve_ivp", "LSODA"), ("odeint LSODA", "odeint", "LSODA"))


class ScipyReference:
    """Single-species WIMP network of jaxrelic re-implemented in NumPy/SciPy.

    Same equation as ``jaxrelic.engines.network._rhs`` for N = 1 (s-wave, no partners):

        dy/dt = (1 + δ) dY/(Y + Y_floor),   dY = -A_lim (Y² - Y_eq²),   t = ln x,
        A = s ⟨σv⟩/H   (no stiffness limiter, like jaxrelic's engine since 2026-12-07),

    with y = ln(Y + Y_floor), the natural cubic spline of (ln g_*ρ, ln g_*s) in ln T through the
    same knots as the jaxrelic GStar (built once with ``scipy.interpolate.CubicSpline``,
    clamped outside the table), Y_eq from ``scipy.special.kve`` (Maxwell-Boltzmann, g dof),
    and the same residual-annihilation tail correction beyond x_end.

    Built for speed as well as accuracy: the spline's piecewise-cubic coefficients are
    extracted once and evaluated by Horner's rule on Python floats (one ``bisect`` per call),
    the right-hand side and its analytic 1×1 Jacobian share one evaluation of the coefficients
    (cached on t), and every solver gets the Jacobian.  For a one-component ODE, Python
    floats beat NumPy arrays (each NumPy call costs ~1 µs of overhead).
    """

    def __init__(self, background, rate_cap=math.inf):
        from scipy.interpolate import CubicSpline as SciCubicSpline
        from scipy.special import kve

        self._kve = kve
        gs = background.gstar
        if gs.extra_fermion:
            raise ValueError("ScipyReference supports SM tables without extra species only")
        knots = np.asarray(gs.spline.x)
        vals = np.asarray(gs.spline.y)  # (n, 2): ln g_rho, ln g_s
        self._lt_lo, self._lt_hi = float(knots[0]), float(knots[-1])
        spl = SciCubicSpline(knots, vals, bc_type="natural", axis=0)
        self._knots = knots.tolist()
        cf = np.asarray(spl.c)  # (4, n-1, 2): coefficients of (lt - knot_i)^3 ... ^0
        self._c = [[tuple(cf[k, i, j] for k in range(4)) for j in range(2)] for i in range(knots.size - 1)]
        self.m_planck = float(background.m_planck)
        self.cap = float(rate_cap)
        self._cache = (None, None)

    def gstar(self, T):
        """(g_*ρ, g_*s, d ln g_*s/d ln T) at T [GeV]; constant extension outside the table."""
        lt = math.log(T)
        inside = self._lt_lo <= lt <= self._lt_hi
        ltc = min(max(lt, self._lt_lo), self._lt_hi)
        i = min(max(bisect.bisect_right(self._knots, ltc) - 1, 0), len(self._c) - 1)
        dx = ltc - self._knots[i]
        (a0, b0, c0, d0), (a1, b1, c1, d1) = self._c[i]
        v0 = ((a0 * dx + b0) * dx + c0) * dx + d0
        v1 = ((a1 * dx + b1) * dx + c1) * dx + d1
        d = ((3.0 * a1 * dx + 2.0 * b1) * dx + c1) if inside else 0.0
        return math.exp(v0), math.exp(v1), d

    def _coeffs(self, t, m, sv_gev, g, cap):
        key = (t, m, sv_gev, g, cap)
        if self._cache[0] == key:
            return self._cache[1]
        x = math.exp(t)
        T = m / x
        g_rho, g_s, dlngs = self.gstar(T)
        H = math.sqrt(4.0 * math.pi**3 * g_rho / 45.0) * T**2 / self.m_planck
        s = 2.0 * math.pi**2 / 45.0 * g_s * T**3
        ln_neq = math.log(g * m**2 * T / (2.0 * math.pi**2)) + math.log(self._kve(2, x)) - x
        Yeq = math.exp(ln_neq - math.log(s))
        A = s * sv_gev / H
        rate = 2.0 * A * Yeq
        A_lim = A / (1.0 + rate / cap) if (rate > 0 and math.isfinite(cap)) else A
        out = (A_lim, Yeq, 1.0 + dlngs / 3.0)
        self._cache = (key, out)
        return out

    def rhs_scalar(self, t, y0, m, sv_gev, g, cap):
        A, Yeq, jac = self._coeffs(t, m, sv_gev, g, cap)
        e = math.exp(min(max(y0, -Y_CLAMP), Y_CLAMP))
        Y = max(e - Y_FLOOR, 0.0)
        # -A (Y² - Y_eq²)/e written as -A (Y (Y/e) - Y_eq (Y_eq/e)): no overflow of Y² when a
        # solver probes a large trial y (LSODA's first non-stiff steps do)
        return -jac * A * (Y * (Y / e) - Yeq * (Yeq / e))

    def jac_scalar(self, t, y0, m, sv_gev, g, cap):
        A, Yeq, jac = self._coeffs(t, m, sv_gev, g, cap)
        e = math.exp(min(max(y0, -Y_CLAMP), Y_CLAMP))
        Y = max(e - Y_FLOOR, 0.0)
        dY_over_e = -A * (Y * (Y / e) - Yeq * (Yeq / e))
        return jac * (-2.0 * A * Y - dY_over_e)

    def rhs(self, t, y, m, sv_gev, g, cap):
        return [self.rhs_scalar(t, y[0], m, sv_gev, g, cap)]

    def jac(self, t, y, m, sv_gev, g, cap):
        return [[self.jac_scalar(t, y[0], m, sv_gev, g, cap)]]

    def omega_h2(self, mass, sigma_v_cm3s, g=2.0, x_start=1.0, x_end=None, tail=True, rtol=1e-8, atol=1e-10,
                 driver="solve_ivp", method="Radau"):
        """Ω h² of one point; returns (Ω h², RHS evaluations, steps).

        ``driver`` "solve_ivp" with ``method`` Radau/BDF/LSODA, or "odeint" (LSODA); same
        rtol/atol and analytic Jacobian for all.
        """
        from scipy.integrate import odeint, solve_ivp

        m = float(mass)
        sv = float(sigma_v_cm3s) * c.CM3_S_TO_GEV2
        if x_end is None:
            x_end = 1000.0 + m / 1e-5  # jaxrelic's default
        T0 = m / x_start
        g_rho0, g_s0, _ = self.gstar(T0)
        s0 = 2.0 * math.pi**2 / 45.0 * g_s0 * T0**3
        ln_neq0 = math.log(g * m**2 * T0 / (2.0 * math.pi**2)) + math.log(self._kve(2, x_start)) - x_start
        y0 = math.log(math.exp(ln_neq0 - math.log(s0)) + Y_FLOOR)
        t0, t1 = math.log(x_start), math.log(x_end)
        args = (m, sv, g, self.cap)
        if driver == "odeint":
            ys, info = odeint(self.rhs, [y0], [t0, t1], args=args, Dfun=self.jac, rtol=rtol, atol=atol,
                              tfirst=True, full_output=True, mxstep=100000, h0=LSODA_FIRST_STEP,
                              tcrit=[t1])  # tcrit: no overshoot past x_end
            if info["message"] != "Integration successful.":
                raise RuntimeError(f"SciPy odeint failed for m={m}, sv={sigma_v_cm3s}: {info['message']}")
            y_end, nfev, nsteps = ys[-1], int(info["nfe"][-1]), int(info["nst"][-1])
        else:
            first = LSODA_FIRST_STEP if method == "LSODA" else None
            sol = solve_ivp(self.rhs, (t0, t1), [y0], method=method, jac=self.jac, rtol=rtol, atol=atol, args=args,
                            first_step=first)
            if not sol.success:
                raise RuntimeError(f"SciPy {method} failed for m={m}, sv={sigma_v_cm3s}: {sol.message}")
            y_end, nfev, nsteps = sol.y[:, -1], sol.nfev, len(sol.t) - 1
        Y_end = max(math.exp(y_end[0]) - Y_FLOOR, 0.0)
        corr = 0.0
        if tail:
            # identical to jaxrelic.engines.network._tail_correction (limiter off)
            def B(t):
                return -math.exp(y_end[0]) * self.rhs_scalar(t, y_end[0], m, sv, g, math.inf) / Y_end**2

            b1, b0 = B(t1), B(t1 - math.log(2.0))
            if b1 > 0 and b0 > 0:
                k = min(max(math.log(b0 / b1) / math.log(2.0), 0.5), 10.0)
                corr = b1 / k
        Y_today = 1.0 / (1.0 / Y_end + corr)
        return c.OMEGA_H2_PER_MY * m * Y_today, nfev, nsteps


# ---------------------------------------------------------------------------------------------
# main
# ---------------------------------------------------------------------------------------------


def grid(n_points):
    n_m = int(math.ceil(math.sqrt(1.6 * n_points)))
    n_sv = int(math.ceil(n_points / n_m))
    M, S = np.meshgrid(np.logspace(0.0, 4.0, n_m), np.logspace(-27.0, -24.0, n_sv), indexing="ij")
    return M.ravel(), S.ravel()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n-points", type=int, default=None, help="vmapped grid size (default 1000, --quick 256)")
    ap.add_argument("--quick", action="store_true", help="smaller grid, fewer repeats and SciPy points")
    ap.add_argument("--single-repeats", type=int, default=None, help="timed single-point calls (default 30, >= 20)")
    ap.add_argument("--platform", choices=("cpu", "gpu"), default="cpu",
                    help="JAX backend (gpu: CUDA/ROCm jaxlib and a GPU needed; exits 2 if absent)")
    ap.add_argument("--scipy-repeats", type=int, default=3, help="timed SciPy solves per point and method (>= 1)")
    args = ap.parse_args(argv)
    if args.scipy_repeats < 1:
        ap.error(f"--scipy-repeats must be >= 1, got {args.scipy_repeats}")
    print(uptime_line("before"))
    devices = check_platform(args.platform)
    quick = args.quick
    n_points = args.n_points or (256 if quick else 1000)
    n_single = max(20, args.single_repeats or (20 if quick else 30))
    n_vmap_rep = 2 if quick else 3
    n_grad_batch = min(n_points, 128 if quick else 256)

    jaxrelic.check_x64()
    assert jnp.zeros(()).dtype == jnp.float64
    bg = Background.standard_model()
    print("=" * 100)
    print("jaxrelic network-solver benchmark (single-species s-wave WIMP, Majorana, g = 2)")
    print(f"date        : {datetime.datetime.now().isoformat(timespec='seconds')}")
    print(f"machine     : {platform.machine()} {platform.processor() or ''} {platform.node()}; "
          f"os.cpu_count() = {os.cpu_count()}; load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}")
    print(f"software    : python {platform.python_version()}, jax {jax.__version__}, "
          f"platform {args.platform}, devices {[str(d) for d in devices]}, x64 = {jax.config.read('jax_enable_x64')}")
    print("solver      : solve_network defaults (Kvaerno5 on the fixed grid n_steps = (320, 64), 4 Newton iterations,"
          " x 1 -> 1e3 + m/1e-5 GeV, analytic tail on)")
    print(f"g_* table   : {bg.gstar.source}")
    print("=" * 100)

    # (a) compile time of the jitted single-point solve --------------------------------------
    def solve_one(m, sv):
        r = solve_network(WIMP(mass=m, sigma_v=sv), bg)
        return r.omega_h2, r.num_steps, r.status

    m0, sv0 = jnp.float64(100.0), jnp.float64(2.2e-26)
    w0 = time.perf_counter()
    lowered = jax.jit(solve_one).lower(m0, sv0)
    w1 = time.perf_counter()
    single = lowered.compile()
    w2 = time.perf_counter()
    om, nst, stt = single(m0, sv0)
    print(f"(a) compile, jit single point : trace+lower {w1 - w0:6.2f} s, XLA compile {w2 - w1:6.2f} s,"
          f" total {w2 - w0:6.2f} s")
    print(f"    m = 100 GeV, <sv> = 2.2e-26: Omega h^2 = {float(om):.6f}, {int(nst)} steps, status {int(stt)}")

    # (b) single-point per-call time ------------------------------------------------------------
    jax.block_until_ready(single(m0, sv0))
    tb = measure(lambda: single(m0, sv0)[0], n_single)
    print(f"(b) jit single point          : mean {fmt_ms(tb['mean'])} (min {fmt_ms(tb['min'])}, "
          f"CPU {fmt_ms(tb['cpu'])}) over {n_single} calls")

    # (c) vmapped grid ------------------------------------------------------------------------------
    M, S = grid(n_points)
    n = M.size
    Mj, Sj = jnp.asarray(M), jnp.asarray(S)
    vm = jax.jit(jax.vmap(lambda m, sv: solve_one(m, sv)))
    w0 = time.perf_counter()
    vm_c = vm.lower(Mj, Sj).compile()
    t_vm_compile = time.perf_counter() - w0
    om_grid, steps_grid, status_grid = (np.asarray(a) for a in vm_c(Mj, Sj))
    tc = measure(lambda: vm_c(Mj, Sj)[0], n_vmap_rep)
    per_pt = tc["mean"] / n
    n_bad = int(np.sum(status_grid != 0))
    print(f"(c) jit(vmap) over {n} points (m 1-1e4 GeV x <sv> 1e-27-1e-24 cm^3/s): compile {t_vm_compile:.2f} s")
    print(f"    batch {tc['mean']:.3f} s (min {tc['min']:.3f} s) -> per point {fmt_ms(per_pt)} "
          f"(min {fmt_ms(tc['min'] / n)}, CPU {fmt_ms(tc['cpu'] / n)}); steps mean {steps_grid.mean():.1f},"
          f" max {steps_grid.max()}; status != 0: {n_bad}; Omega h^2 in [{om_grid.min():.3g}, {om_grid.max():.3g}]")
    print(f"    speed-up of vmap over single jit calls: {tb['mean'] / per_pt:.1f}x")

    # (d) gradients -------------------------------------------------------------------------------
    def omega_fwdmode(p):
        return solve_network(WIMP(mass=p[0], sigma_v=p[1]), bg, adjoint="forward").omega_h2

    def omega_revmode(p):
        return solve_network(WIMP(mass=p[0], sigma_v=p[1]), bg, adjoint="reverse").omega_h2

    p0 = jnp.array([100.0, 2.2e-26])
    jf = jax.jit(jax.jacfwd(omega_fwdmode))
    jr = jax.jit(jax.grad(omega_revmode))
    w0 = time.perf_counter()
    jf_c = jf.lower(p0).compile()
    t_jf_compile = time.perf_counter() - w0
    w0 = time.perf_counter()
    jr_c = jr.lower(p0).compile()
    t_jr_compile = time.perf_counter() - w0
    gf, gr = np.asarray(jf_c(p0)), np.asarray(jr_c(p0))
    # central finite differences in ln m, ln sv as an independent check; the step must be large
    # compared with the solver noise (~1e-6 relative in Omega at rtol = 1e-8: h = 1e-4 gives
    # derivative errors ~0.03), so h = 0.03 (truncation error ~1e-4 relative)
    h = 3e-2
    fd = []
    for i in range(2):
        up, dn = np.array(p0), np.array(p0)
        up[i] *= math.exp(h)
        dn[i] *= math.exp(-h)
        fd.append((float(single(*up)[0]) - float(single(*dn)[0])) / (2 * h))
    omega0 = float(om)
    dlog_f = gf * np.asarray(p0) / omega0
    dlog_r = gr * np.asarray(p0) / omega0
    dlog_fd = np.array(fd) / omega0
    tjf = measure(lambda: jf_c(p0), n_single)
    tjr = measure(lambda: jr_c(p0), n_single)
    print(f"(d) gradient of Omega h^2 w.r.t. (mass, sigma_v) at m = 100 GeV, <sv> = 2.2e-26"
          f" (compile: jacfwd {t_jf_compile:.1f} s, grad {t_jr_compile:.1f} s)")
    print(f"    d ln Omega / d ln(m, sv): jacfwd {dlog_f[0]:+.6f} {dlog_f[1]:+.6f} | grad {dlog_r[0]:+.6f} "
          f"{dlog_r[1]:+.6f} | central FD {dlog_fd[0]:+.6f} {dlog_fd[1]:+.6f}")
    print(f"    jit single point : jacfwd(adjoint='forward') {fmt_ms(tjf['mean'])} = {tjf['mean'] / tb['mean']:.2f}x forward"
          f" [CPU {tjf['cpu'] / tb['cpu']:.2f}x];  grad(adjoint='reverse') {fmt_ms(tjr['mean'])} = "
          f"{tjr['mean'] / tb['mean']:.2f}x forward [CPU {tjr['cpu'] / tb['cpu']:.2f}x]")
    # vmapped gradients on a sub-batch, compared with the vmapped forward solve on the same batch
    Pb = jnp.stack([Mj[:: max(1, n // n_grad_batch)][:n_grad_batch], Sj[:: max(1, n // n_grad_batch)][:n_grad_batch]],
                   axis=1)
    nb = Pb.shape[0]
    vf = jax.jit(jax.vmap(omega_fwdmode)).lower(Pb).compile()
    vjf = jax.jit(jax.vmap(jax.jacfwd(omega_fwdmode))).lower(Pb).compile()
    vjr = jax.jit(jax.vmap(jax.grad(omega_revmode))).lower(Pb).compile()
    jax.block_until_ready((vf(Pb), vjf(Pb), vjr(Pb)))
    tvf = measure(lambda: vf(Pb), n_vmap_rep)
    tvjf = measure(lambda: vjf(Pb), n_vmap_rep)
    tvjr = measure(lambda: vjr(Pb), n_vmap_rep)
    ratio_fwd_vmap = tvjf["mean"] / tvf["mean"]
    ratio_rev_vmap = tvjr["mean"] / tvf["mean"]
    ratio_fwd_single = tjf["mean"] / tb["mean"]
    print(f"    jit(vmap) over {nb} points: forward {fmt_ms(tvf['mean'] / nb)}/pt, jacfwd {fmt_ms(tvjf['mean'] / nb)}/pt"
          f" = {ratio_fwd_vmap:.2f}x [CPU {tvjf['cpu'] / tvf['cpu']:.2f}x], grad {fmt_ms(tvjr['mean'] / nb)}/pt = "
          f"{ratio_rev_vmap:.2f}x [CPU {tvjr['cpu'] / tvf['cpu']:.2f}x]")

    # (e) SciPy: the same equation with every solver SciPy offers ------------------------------
    ref = ScipyReference(bg)
    pts = [(1.0, 2.2e-26), (10.0, 2.2e-26), (100.0, 2.2e-26), (1000.0, 2.2e-26), (1e4, 2.2e-26), (100.0, 1e-24),
           (3.0, 1e-27)]
    if quick:
        pts = pts[:1] + pts[2:3] + pts[4:6]
    Pm, Ps = jnp.asarray([p[0] for p in pts]), jnp.asarray([p[1] for p in pts])
    om_jax = np.asarray(vm(Pm, Ps)[0])
    print(f"(e) SciPy, same equation/g_*/Y_eq/x_end/tail, no limiter, rtol=1e-8, atol=1e-10, analytic Jacobian;"
          f" {len(pts)} points, best of {args.scipy_repeats} solves each")
    print(f"    {'m [GeV]':>9s} {'<sv> [cm^3/s]':>13s} {'Omega jaxrelic':>15s}  " +
          "  ".join(f"{lab:>26s}" for lab, _, _ in SCIPY_METHODS))
    res = {lab: {"t": [], "cpu": [], "dev": [], "nfev": []} for lab, _, _ in SCIPY_METHODS}
    for (m, sv), oj in zip(pts, om_jax):
        cells = []
        for lab, driver, method in SCIPY_METHODS:
            ref.omega_h2(m, sv, driver=driver, method=method)  # warm-up (imports)
            best_w, best_c = math.inf, math.inf
            for _ in range(args.scipy_repeats):
                c0, w0 = cpu_time(), time.perf_counter()
                osc, nfev, nsteps = ref.omega_h2(m, sv, driver=driver, method=method)
                best_w = min(best_w, time.perf_counter() - w0)
                best_c = min(best_c, cpu_time() - c0)
            r = res[lab]
            r["t"].append(best_w)
            r["cpu"].append(best_c)
            r["dev"].append(oj / osc - 1.0)
            r["nfev"].append(nfev)
            cells.append(f"{1e3 * best_w:7.2f} ms {oj / osc - 1.0:+9.1e} {nfev:5d}")
        print(f"    {m:9.3g} {sv:13.3g} {oj:15.8f}  " + "  ".join(f"{x:>26s}" for x in cells))
    print("    (per method: wall time of one solve, jaxrelic/SciPy - 1, RHS evaluations)")
    rows = []
    for lab, _, _ in SCIPY_METHODS:
        r = res[lab]
        t, cpu = float(np.mean(r["t"])), float(np.mean(r["cpu"]))
        worst_m = float(np.max(np.abs(r["dev"])))
        rows.append((lab, t, cpu, worst_m))
        print(f"    {lab:16s}: mean {fmt_ms(t)} per point ({1.0 / t:8.1f} points/s; CPU {fmt_ms(cpu)}), "
              f"max |Omega_jaxrelic/Omega_SciPy - 1| = {worst_m:.2e} {'(accurate)' if worst_m <= AGREEMENT else '(NOT accurate)'}")
    accurate = [r for r in rows if r[3] <= AGREEMENT]
    worst = max(r[3] for r in rows)
    assert accurate, f"no SciPy solver agrees with jaxrelic to {AGREEMENT}"
    best_lab, t_scipy, cpu_scipy, best_dev = min(accurate, key=lambda r: r[1])

    # summary ----------------------------------------------------------------------------------------
    speedup = t_scipy / per_pt
    speedup_cpu = cpu_scipy / (tc["cpu"] / n)
    print("=" * 100)
    print("Summary (wall clock; CPU-time ratio in brackets)")
    print(f"  throughput: jaxrelic jit(vmap) {1.0 / per_pt:9.1f} points/s, jit single {1.0 / tb['mean']:8.1f} points/s,"
          f" fastest accurate SciPy ({best_lab}) {1.0 / t_scipy:8.1f} points/s")
    print(f"  vmapped per point          : {fmt_ms(per_pt)}   target <= {TARGET_VMAP_MS} ms   "
          f"{verdict(per_pt * 1e3 <= TARGET_VMAP_MS)}   [CPU time {fmt_ms(tc['cpu'] / n)}/point; on an idle"
          f" 2-core machine wall ~ CPU/2 = {fmt_ms(tc['cpu'] / n / 2)}]")
    for lab, t, cpu, _ in rows:
        print(f"  jaxrelic vs {lab:16s}: jit(vmap) {t / per_pt:8.1f}x [CPU {cpu / (tc['cpu'] / n):7.1f}x], "
              f"jit single {t / tb['mean']:7.1f}x [CPU {cpu / tb['cpu']:6.1f}x]")
    print(f"  speed-up vs the fastest accurate SciPy ({best_lab}): jit(vmap) {speedup:.1f}x [CPU {speedup_cpu:.1f}x], "
          f"jit single {t_scipy / tb['mean']:.1f}x [CPU {cpu_scipy / tb['cpu']:.1f}x]   target >= "
          f"{TARGET_SCIPY_SPEEDUP:.0f}x (vmapped wall): {verdict(speedup >= TARGET_SCIPY_SPEEDUP)}")
    print(f"  gradient / forward (jacfwd, vmapped)    : {ratio_fwd_vmap:6.2f}x   target <= {TARGET_GRAD_RATIO:.0f}x   "
          f"{verdict(ratio_fwd_vmap <= TARGET_GRAD_RATIO)}   [CPU {tvjf['cpu'] / tvf['cpu']:.2f}x]")
    print(f"  gradient / forward (jacfwd, jit single) : {ratio_fwd_single:6.2f}x   target <= {TARGET_GRAD_RATIO:.0f}x   "
          f"{verdict(ratio_fwd_single <= TARGET_GRAD_RATIO)}   [CPU {tjf['cpu'] / tb['cpu']:.2f}x]")
    print(f"  (reverse mode jax.grad / forward: vmapped {ratio_rev_vmap:.2f}x, jit single "
          f"{tjr['mean'] / tb['mean']:.2f}x; no target)")
    print(f"  jaxrelic vs SciPy Omega h^2: max |rel. diff| over all methods {worst:.2e} <= {AGREEMENT:g}: "
          f"{verdict(worst <= AGREEMENT)}")
    print(uptime_line("after"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
