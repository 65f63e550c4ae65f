#!/usr/bin/env python
"""Benchmark of the twin-neutrino relic solver (Eq. 38 of arXiv:1805.12139) against NumPy/SciPy.

Not a test: run by hand, e.g.

    python scripts/bench_twin.py                          # 64 vmapped, 4 port, 1 SciPy point (2 min, load 7)
    python scripts/bench_twin.py --scipy-points 0         # skip the slow independent reference
    python scripts/bench_twin.py --platform gpu --points 10000   # on a GPU (exit 2 if there is none)

It prints ``uptime`` load averages before and after, ``jax.devices()`` and

(a) the compile time and per-call time of the jitted single-point ``relic_twin`` (method "eq38",
    the paper's Eq. (38) with C̃_ID and C̃_CA, R(a) from Eq. (27));
(b) the per-point time of ``jax.jit(jax.vmap(...))`` over ``--points`` random points
    (m_ν = 1 GeV, Δ ∈ [0.08, 0.2], r ∈ [0.25, 0.8], θ₁ ∈ [10^-3.5, 10^-2.5]);
(c) the speed baseline: :class:`twin_numpy_port.NumpyTwinPort`, a NumPy port of jaxrelic's
    own algorithm (row stride 4, cumulative tables, the same quadrature rule counts,
    exponential integrator; Eq. (27) by SciPy — odeint/LSODA, solve_ivp LSODA, BDF and Radau
    are timed on the first point and the fastest is used) on ``--port-points`` points: time
    per point, Ω h² agreement with jaxrelic (asserted ≤ 1e-5), and the speed ratios of (a) and
    (b) against it, in wall and CPU time, and points per second;
(c2) the dominant stage alone, the collision operators on the grid (jitted jaxrelic
    ``collision_operators`` with the solver's settings vs the port), time and agreement;
(d) the independent accuracy check :class:`ScipyTwin` on ``--scipy-points`` points (default 1;
    13-40 s each): Ω h² agreement with jaxrelic (asserted ≤ 1e-3) and, for the record only,
    its time (it is no speed baseline: it evaluates all 600 ln a rows with 160 × 8 spline
    evaluations per (row, q) and rebuilds its quadrature nodes on every row).

Wall-clock times with the process CPU time next to them (XLA uses every core, NumPy one
for this work; CPU time is less sensitive to other load).

The SciPy reference (d) shares no integration code with jaxrelic: only the closed-form cross
sections σ(s), the width Γ_D and the g_* knot values are taken from jaxrelic and evaluated on
NumPy arrays.  Grid: the same (ln a, q) nodes as ``make_grid`` (T(ln a) by ``brentq``);
⟨σv⟩ by generalised Gauss–Laguerre quadrature with ``scipy.special.kve``; Eq. (27) with
``solve_ivp(method="Radau", rtol=1e-8, atol=1e-10)`` and an analytic Jacobian; C̃_S and C̃_CA
by docs/physics/twin_model.md §5.4 Form I with E_k = E_lo + T z² (Gauss–Legendre in z ∈ [0, √70]) and the bracket
G(s₊) − G(s₋) = ∫_{s₋}^{s₊} F ds integrated directly (Gauss–Legendre in u = √(s − s₀)) from a
``scipy.interpolate.CubicSpline`` of F = 2λ^{1/2}σ in u; C̃_ID in closed form (§5.5); Eq. (38)
with the exponential integrator of §8 mode by mode (a NumPy loop over ln a).
"""

from __future__ import annotations

import argparse
import datetime
import math
import os
import platform
import time

import numpy as np
from _timing import check_platform, cpu_time, measure, select_platform, uptime_line  # scripts/_timing.py
from scipy import integrate, optimize, special
from scipy.interpolate import CubicSpline as SciSpline

PLATFORM = select_platform()  # sets JAX_PLATFORMS before jax is imported

import jaxrelic  # noqa: E402,F401  (switches JAX to float64)
import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
from jaxrelic import constants as c  # noqa: E402
from jaxrelic.models.twin_higgs import TwinHiggs  # noqa: E402
from jaxrelic.models.twin_higgs.processes import sigma_A, sigma_CA, sigma_CS, sigma_S  # noqa: E402
from jaxrelic.models.twin_higgs.widths import width_D  # noqa: E402
from jaxrelic.models.twin_higgs.collision import (  # noqa: E402
    N_PANEL_FAST,
    N_TAIL_CA_FAST,
    N_TAIL_FAST,
    ROW_STRIDE_FAST,
    collision_operators,
)
from jaxrelic.models.twin_higgs.grid import make_grid  # noqa: E402
from jaxrelic.models.twin_higgs.solver import relic_twin  # noqa: E402
from jaxrelic.thermo import Background  # noqa: E402
from twin_numpy_port import NumpyTwinPort  # noqa: E402  (scripts/twin_numpy_port.py)

TARGET_VMAP_MS = 50.0
AGREEMENT = 1e-3  # independent ScipyTwin (different quadratures) vs jaxrelic
PORT_AGREEMENT = 1e-5  # NumPy port of the same algorithm vs jaxrelic
PORT_ODES = ("odeint", "LSODA", "BDF", "Radau")
G_NU, G_TAU, G_GAMMA = 2.0, 2.0, 3.0




# ---------------------------------------------------------------------------------------------
# NumPy/SciPy reference
# ---------------------------------------------------------------------------------------------
class ScipyTwin:
    """Eqs. (27) and (38) (general linear form of §5.7) of one point in NumPy/SciPy."""

    N_Z = 160  # Gauss–Legendre nodes in z, E_k = E_lo + T z², z ∈ [0, √70]
    N_U = 8  # Gauss–Legendre nodes of ∫_{s₋}^{s₊} F ds in u = √(s − s₀)
    N_LAG = 64  # generalised Gauss–Laguerre nodes of ⟨σv⟩

    def __init__(self, background: Background, m_nu, delta, r, theta1, *, n_a=600, n_q=128,
                 x0=5.0, x_end=300.0, x_ref=20.0):
        self.model = TwinHiggs(m_nu, delta, r, theta1)
        self.m, self.mt, self.mg = m_nu, (1.0 + delta) * m_nu, r * m_nu
        gs = background.gstar
        self._spl = SciSpline(np.asarray(gs.spline.x), np.asarray(gs.spline.y), bc_type="natural", axis=0)
        self._dspl = self._spl.derivative()
        self._lt = (float(gs.spline.x[0]), float(gs.spline.x[-1]))
        self.m_planck = float(background.m_planck)
        self.n_a, self.n_q, self.x0, self.x_end, self.x_ref = n_a, n_q, x0, x_end, x_ref

    # -- background -------------------------------------------------------------------------
    def _g(self, T):
        lt = np.clip(np.log(T), *self._lt)
        v = np.exp(self._spl(lt))
        inside = (np.log(T) >= self._lt[0]) & (np.log(T) <= self._lt[1])
        d = np.where(inside, self._dspl(lt)[..., 1], 0.0)
        return v[..., 0], v[..., 1], d

    def grid(self):
        m = self.m
        T_ref = m / self.x_ref
        gs_ref = float(self._g(np.array(T_ref))[1])

        def ln_a(T):
            return math.log(T_ref / T) + (math.log(gs_ref) - math.log(float(self._g(np.array(T))[1]))) / 3.0

        la = np.linspace(ln_a(m / self.x0), ln_a(m / self.x_end), self.n_a)
        T = np.array([optimize.brentq(lambda t, v=v: ln_a(t) - v, m / (2 * self.x_end), 2 * m / self.x0,
                                      xtol=1e-15, rtol=1e-15) for v in la])
        g_rho, g_s, dlng = self._g(T)
        self.la, self.a, self.T = la, np.exp(la), T
        self.H = math.sqrt(4 * math.pi**3 / 45) * np.sqrt(g_rho) * T**2 / self.m_planck
        self.s = 2 * math.pi**2 / 45 * g_s * T**3
        self.opd = 1.0 + dlng / 3.0
        self.T_ref, self.gs_ref = T_ref, gs_ref
        self.q = m * np.geomspace(1e-3, 5.0, self.n_q)
        h = math.log(self.q[-1] / self.q[0]) / (self.n_q - 1)
        self.qw = h * self.q * np.r_[0.5, np.ones(self.n_q - 2), 0.5]

    # -- equilibrium, ⟨σv⟩ ----------------------------------------------------------------------
    def ln_n_eq(self, mass, g):
        z = mass / self.T
        return np.log(g * mass**2 * self.T * special.kve(2, z) / (2 * math.pi**2)) - z

    def sigma_v(self, sigma, m1, m2, sqrt_s_min):
        x, w = special.roots_genlaguerre(self.N_LAG, 0.5)
        T = self.T[:, None]
        rs = sqrt_s_min + T * x[None, :]
        s = rs * rs
        lam = (s - (m1 + m2) ** 2) * (s - (m1 - m2) ** 2)
        sig = np.asarray(sigma(self.model, jnp.asarray(s)))
        val = 2 * sig * lam * special.kve(1, rs / T) * np.exp(-(sqrt_s_min - m1 - m2) / T) / np.sqrt(x)
        num = T[:, 0] * np.sum(w * val, axis=1)
        return num / (8 * m1**2 * m2**2 * self.T * special.kve(2, m1 / self.T) * special.kve(2, m2 / self.T))

    # -- Eq. (27) ------------------------------------------------------------------------------
    def coannihilation(self):
        m, mt, mg = self.m, self.mt, self.mg
        ln_s = np.log(self.s)
        lnYn = self.ln_n_eq(m, G_NU) - ln_s
        lnYt = self.ln_n_eq(mt, G_TAU) - ln_s
        u = np.logaddexp(lnYn, lnYt)
        rt, rn = np.exp(lnYt - u), np.exp(lnYn - u)
        sv = (self.sigma_v(sigma_CS, mt, mt, max(2 * mt, 2 * mg)) * rt**2
              + 2 * self.sigma_v(sigma_CA, mt, m, max(mt + m, 2 * mg)) * rt * rn
              + self.sigma_v(sigma_A, m, m, max(2 * m, 2 * mg)) * rn**2)
        lam = SciSpline(self.la, np.log(self.s * sv / self.H), bc_type="natural")
        us = SciSpline(self.la, u, bc_type="natural")

        def rhs(t, y):
            return -np.exp(lam(t)) * (np.exp(y) - np.exp(2 * us(t) - y))

        def jac(t, y):
            return -np.exp(lam(t)) * (np.exp(y) + np.exp(2 * us(t) - y)).reshape(1, 1)

        sol = integrate.solve_ivp(rhs, (self.la[0], self.la[-1]), [u[0]], method="Radau", t_eval=self.la,
                                  rtol=1e-8, atol=1e-10, jac=jac)
        if not sol.success:
            raise RuntimeError(f"solve_ivp failed: {sol.message}")
        self.lnYn_eq, self.lnYt_eq = lnYn, lnYt
        self.ln_R = sol.y[0] - u
        self.omega_CA = c.OMEGA_H2_PER_MY * m * 2 * math.exp(sol.y[0][-1])
        return self.ln_R

    # -- collision operators ------------------------------------------------------------------
    def _F_spline(self, sigma, mb, s0):
        """Cubic spline of F(u) = 2λ^{1/2}(s, m_ν², m_b²) σ(s), s = s₀ + u² m_ν², u ∈ [0, 100]."""
        m = self.m
        u = np.r_[np.linspace(0.0, 1.0, 3001), np.geomspace(1.0, 100.0, 3001)[1:]]
        s = s0 + (u * m) ** 2
        lam = np.sqrt(np.maximum((s - (m + mb) ** 2) * (s - (m - mb) ** 2), 0.0))
        F = 2 * lam * np.asarray(sigma(self.model, jnp.asarray(s)))
        F[0] = 0.0 if sigma is sigma_S else F[0]
        return SciSpline(u, F, bc_type="not-a-knot")

    def _c_tilde(self, Fs, s0, mb, g_b, E_lo_fn, p, T):
        """g_b/(32π² E_p p) ∫ dE_k e^{−E_k/T} ∫_{s₋}^{s₊} F ds; p (n,), T scalar."""
        m = self.m
        zx, zw = special.roots_legendre(self.N_Z)
        zmax = math.sqrt(70.0)
        z = 0.5 * zmax * (zx + 1)
        wz = 0.5 * zmax * zw
        Ep = np.sqrt(p * p + m * m)
        E_lo = E_lo_fn(p, Ep)
        E = E_lo[:, None] + T * z[None, :] ** 2  # (n, N_Z)
        dE = 2 * T * z[None, :] * wz[None, :]
        k = np.sqrt(np.maximum(E * E - mb * mb, 0.0))
        Ep_, p_ = Ep[:, None], p[:, None]
        s_hi = m * m + mb * mb + 2 * (Ep_ * E + p_ * k)
        s_lo = m * m + mb * mb + 2 * (Ep_ * E - p_ * k)
        u_lo = np.sqrt(np.maximum(s_lo - s0, 0.0)) / m
        u_hi = np.sqrt(np.maximum(s_hi - s0, 0.0)) / m
        ux, uw = special.roots_legendre(self.N_U)
        uu = 0.5 * (u_hi - u_lo)[..., None] * (ux + 1) + u_lo[..., None]
        dG = np.sum(0.5 * (u_hi - u_lo)[..., None] * uw * 2 * uu * m * m * Fs(uu), axis=-1)
        integral = np.sum(dE * np.exp(-(E - E_lo[:, None]) / T) * dG, axis=1)
        return g_b / (32 * math.pi**2 * Ep * p) * np.exp(-E_lo / T) * integral

    def collision_operators(self):
        m, mt, M = self.m, self.mt, self.mg
        s_th = (mt + M) ** 2
        s0_ca = (m + mt) ** 2
        FS = self._F_spline(sigma_S, M, s_th)
        FCA = self._F_spline(sigma_CA, mt, s0_ca)
        c_th = s_th - m * m - M * M
        sl = math.sqrt((s_th - (m + M) ** 2) * (s_th - (m - M) ** 2))

        def elo_S(p, Ep):
            return np.where(2 * Ep * M > c_th, M, (c_th * Ep - p * sl) / (2 * m * m))

        def elo_CA(p, Ep):
            return np.full_like(p, mt)

        P = np.maximum(self.q[None, :] / self.a[:, None], 1e-6 * m)
        S = np.empty_like(P)
        CA = np.empty_like(P)
        for i, T in enumerate(self.T):
            S[i] = self._c_tilde(FS, s_th, M, G_GAMMA, elo_S, P[i], T)
            CA[i] = self._c_tilde(FCA, s0_ca, mt, G_TAU, elo_CA, P[i], T)
        gd = float(width_D(self.model))
        Ep = np.sqrt(P * P + m * m)
        two_mt_ps = math.sqrt(max((mt**2 - (m + M) ** 2) * (mt**2 - (m - M) ** 2), 0.0))
        E_m = ((mt**2 - m * m - M * M) * Ep - two_mt_ps * P) / (2 * m * m)
        x = two_mt_ps * P / (m * m) / self.T[:, None]
        phi = np.where(x < 1e-8, 1 - 0.5 * x, -np.expm1(-x) / np.where(x < 1e-8, 1.0, x))
        ID = mt**3 * gd / (m * m * Ep) * np.exp(-E_m / self.T[:, None]) * phi
        self.S, self.CA, self.ID = S, CA, ID

    # -- Eq. (38) ------------------------------------------------------------------------------
    def momentum(self):
        m = self.m
        h = self.la[1] - self.la[0]
        P = self.q[None, :] / self.a[:, None]
        ln_feq = -np.sqrt(P * P + m * m) / self.T[:, None]
        lnR = self.ln_R[:, None]
        conv = self.S + self.ID
        ln_K = np.logaddexp(np.log(conv), lnR + np.log(self.CA))
        ln_F = ln_feq + np.logaddexp(np.log(conv) + lnR, np.log(self.CA)) - ln_K
        F = np.exp(ln_F)
        rate = np.exp(ln_K) / self.H[:, None] * h
        kap = 0.5 * (rate[:-1] + rate[1:])
        f = F[0].copy()
        for n in range(self.n_a - 1):
            k = kap[n]
            e = np.exp(-k)
            phi = np.where(k < 1e-8, 1 - 0.5 * k, -np.expm1(-k) / np.where(k < 1e-8, 1.0, k))
            f = F[n + 1] + (f - F[n]) * e - (F[n + 1] - F[n]) * phi
        Y = 45 * G_NU * np.sum(self.qw * self.q**2 * f) / (4 * math.pi**4 * self.gs_ref * self.T_ref**3)
        return c.OMEGA_H2_PER_MY * m * 2 * (Y + math.exp(self.ln_R[-1] + self.lnYt_eq[-1]))

    def omega_eq38(self):
        self.grid()
        self.coannihilation()
        self.collision_operators()
        return self.momentum()


# ---------------------------------------------------------------------------------------------
def random_points(n, seed=0):
    rng = np.random.default_rng(seed)
    return np.stack([rng.uniform(0.08, 0.2, n), rng.uniform(0.25, 0.8, n),
                     10 ** rng.uniform(-3.5, -2.5, n)], axis=1)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--points", type=int, default=64, help="vmapped points (>= 1; >= 1e4 on a GPU)")
    ap.add_argument("--n-q", type=int, default=128, help="q nodes (>= 100)")
    ap.add_argument("--n-a", type=int, default=600, help="ln a nodes (>= 100)")
    ap.add_argument("--port-points", type=int, default=4, help="points solved by the NumPy port (>= 1)")
    ap.add_argument("--scipy-points", type=int, default=1, help="points solved by the independent ScipyTwin (>= 0)")
    ap.add_argument("--single-repeats", type=int, default=5, help="timed jitted single-point calls")
    ap.add_argument("--vmap-repeats", type=int, default=2, help="timed vmapped batches")
    ap.add_argument("--platform", choices=("cpu", "gpu"), default="cpu",
                    help="JAX backend (gpu: CUDA/ROCm jaxlib and a GPU needed; exits 2 if absent)")
    args = ap.parse_args(argv)
    if args.n_q < 100:
        ap.error(f"--n-q must be >= 100 (Eq. 38 benchmark), got {args.n_q}")
    if args.n_a < 100:
        ap.error(f"--n-a must be >= 100, got {args.n_a}")
    if args.points < 1 or args.port_points < 1 or args.scipy_points < 0:
        ap.error("--points and --port-points must be >= 1 and --scipy-points >= 0")
    if args.port_points > args.points or args.scipy_points > args.points:
        ap.error("--port-points and --scipy-points must not exceed --points")
    print(uptime_line("before"))
    devices = check_platform(args.platform)
    n_q, n_a = args.n_q, args.n_a
    jaxrelic.check_x64()
    print("=" * 100)
    print("jaxrelic twin-neutrino benchmark: relic_twin(method='eq38'), Eq. (38) with C̃_ID, C̃_CA, R from Eq. (27)")
    print(f"date     : {datetime.datetime.now().isoformat(timespec='seconds')}")
    print(f"machine  : {platform.machine()} {platform.node()}; os.cpu_count() = {os.cpu_count()}; "
          f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}")
    print(f"software : python {platform.python_version()}, jax {jax.__version__}, x64 = {jax.config.read('jax_enable_x64')}")
    print(f"devices  : platform {args.platform}, {devices}")
    print(f"grid     : n_a = {n_a} (x = 5 -> 300), n_q = {n_q}")
    print("=" * 100)

    def one(p):
        r = relic_twin(TwinHiggs(1.0, p[0], p[1], p[2]), n_q=n_q, n_a=n_a)
        return r.omega_h2, r.status

    # (a) jit single ---------------------------------------------------------------------------
    p0 = jnp.asarray([0.1, 0.5, 4.378e-4])
    single = jax.jit(one)
    w0 = time.perf_counter()
    single_c = single.lower(p0).compile()
    t_comp = time.perf_counter() - w0
    om0, st0 = single_c(p0)
    jax.block_until_ready(single_c(p0))
    ta = measure(lambda: single_c(p0)[0], args.single_repeats)
    print(f"(a) jit single point : compile {t_comp:.1f} s; mean {1e3 * ta['mean']:.1f} ms (min {1e3 * ta['min']:.1f},"
          f" CPU {1e3 * ta['cpu']:.1f}) over {args.single_repeats} calls; Ω h² = {float(om0):.6f} (status {int(st0)})")

    # (b) jit(vmap) ----------------------------------------------------------------------------
    P = jnp.asarray(random_points(args.points))
    vm = jax.jit(jax.vmap(one))
    w0 = time.perf_counter()
    vm_c = vm.lower(P).compile()
    t_vcomp = time.perf_counter() - w0
    om_b, st_b = (np.asarray(x) for x in vm_c(P))
    tb = measure(lambda: vm_c(P)[0], args.vmap_repeats)
    per_pt = tb["mean"] / args.points
    cpu_pt = tb["cpu"] / args.points
    print(f"(b) jit(vmap) over {args.points} points: compile {t_vcomp:.1f} s; batch {tb['mean']:.2f} s -> "
          f"{1e3 * per_pt:.1f} ms/pt (min {1e3 * tb['min'] / args.points:.1f}, CPU {1e3 * cpu_pt:.1f});"
          f" status != 0: {int(np.sum(st_b != 0))}; Ω h² in [{om_b.min():.3g}, {om_b.max():.3g}]")
    print(f"    target <= {TARGET_VMAP_MS:.0f} ms/pt: {'PASS' if 1e3 * per_pt <= TARGET_VMAP_MS else 'MISS'}")

    # (c) NumPy port of the same algorithm: the speed baseline ----------------------------------
    bg = Background.standard_model()
    pts = np.asarray(P)
    d0, r0, th0 = (float(v) for v in pts[0])
    print(f"(c) NumPy port of jaxrelic's algorithm (scripts/twin_numpy_port.py), {args.port_points} points")
    ode_t = {}
    for ode in PORT_ODES:
        port = NumpyTwinPort(bg, ode=ode)
        port.omega_eq38(1.0, d0, r0, th0, n_a=n_a, n_q=n_q)  # warm-up: compiles the jitted σ(s) once
        w0 = time.perf_counter()
        om_o = port.omega_eq38(1.0, d0, r0, th0, n_a=n_a, n_q=n_q)
        ode_t[ode] = time.perf_counter() - w0
        print(f"    Eq. (27) by {ode:7s}: point 0 in {1e3 * ode_t[ode]:7.1f} ms, Ω h² {om_o:.8g} "
              f"(rel. diff to jaxrelic {om_o / om_b[0] - 1.0:+.2e})")
    best_ode = min(ode_t, key=ode_t.get)
    port = NumpyTwinPort(bg, ode=best_ode)
    times, cpus, devs = [], [], []
    for i in range(args.port_points):
        d, r, th = (float(v) for v in pts[i])
        c0, w0 = cpu_time(), time.perf_counter()
        om_p = port.omega_eq38(1.0, d, r, th, n_a=n_a, n_q=n_q)
        times.append(time.perf_counter() - w0)
        cpus.append(cpu_time() - c0)
        devs.append(om_b[i] / om_p - 1.0)
        print(f"    point {i}: (Δ, r, θ₁) = ({d:.4f}, {r:.4f}, {th:.3e}): Ω h² port {om_p:.8g}, jaxrelic {om_b[i]:.8g}, "
              f"rel. diff {devs[-1]:+.2e}; {1e3 * times[-1]:.1f} ms (CPU {1e3 * cpus[-1]:.1f} ms)")
    t_port, c_port = float(np.mean(times)), float(np.mean(cpus))
    worst_p = float(np.max(np.abs(devs)))
    print(f"    port ({best_ode} for Eq. 27): {1e3 * t_port:.1f} ms/pt ({1.0 / t_port:.2f} points/s; CPU "
          f"{1e3 * c_port:.1f} ms); max |ΔΩ/Ω| vs jaxrelic = {worst_p:.1e} (target <= {PORT_AGREEMENT:.0e}: "
          f"{'PASS' if worst_p <= PORT_AGREEMENT else 'MISS'})")
    print("summary (wall clock; CPU-time ratio in brackets)")
    print(f"    throughput: jaxrelic jit(vmap) {1.0 / per_pt:.1f} points/s, jit single {1.0 / ta['mean']:.1f} points/s, "
          f"NumPy port {1.0 / t_port:.2f} points/s")
    print(f"    speed-up over the NumPy port: jit(vmap) {t_port / per_pt:.1f}x [CPU {c_port / cpu_pt:.1f}x], "
          f"jit single {t_port / ta['mean']:.1f}x [CPU {c_port / ta['cpu']:.1f}x]")
    assert worst_p <= PORT_AGREEMENT, f"NumPy port and jaxrelic disagree by {worst_p:.2e} > {PORT_AGREEMENT}"

    # (c2) the dominant stage alone: C̃_S, C̃_ID, C̃_CA on the grid (same work in both codes) -----
    def ops_only(p):
        model = TwinHiggs(1.0, p[0], p[1], p[2])
        grid = make_grid(model, n_a=n_a, n_q=n_q)
        o = collision_operators(model, grid, n_panel=N_PANEL_FAST, n_tail=N_TAIL_FAST, n_tail_ca=N_TAIL_CA_FAST,
                                row_stride=ROW_STRIDE_FAST)
        return o.S, o.ID, o.CA

    ops_c = jax.jit(ops_only).lower(p0).compile()
    S_j, ID_j, CA_j = (np.asarray(a) for a in ops_c(p0))
    to = measure(lambda: ops_c(p0)[0], args.single_repeats)
    model0 = TwinHiggs(1.0, 0.1, 0.5, 4.378e-4)
    m_, mt_, M_ = float(model0.m_nu), float(model0.m_tau), float(model0.m_gamma)
    rows = np.unique(np.r_[np.arange(0, n_a, ROW_STRIDE_FAST), n_a - 1])
    c0, w0 = cpu_time(), time.perf_counter()
    gr = port._grid(m_, n_a, n_q)
    S_p, ID_p, CA_p = port._operators(model0, gr, rows, m_, mt_, M_)
    t_ops, c_ops = time.perf_counter() - w0, cpu_time() - c0
    dev_ops = max(float(np.max(np.abs(S_p / S_j - 1.0))), float(np.max(np.abs(CA_p / CA_j - 1.0))),
                  float(np.max(np.abs(ID_p[ID_j > 0] / ID_j[ID_j > 0] - 1.0))) if np.any(ID_j > 0) else 0.0)
    print(f"(c2) collision operators alone (grid + C̃ tables, {len(rows)} of {n_a} rows, point (0.1, 0.5, 4.378e-4)): "
          f"jaxrelic jit {1e3 * to['mean']:.1f} ms (CPU {1e3 * to['cpu']:.1f}), port {1e3 * t_ops:.1f} ms (CPU "
          f"{1e3 * c_ops:.1f}) -> {t_ops / to['mean']:.2f}x [CPU {c_ops / to['cpu']:.2f}x]; max |C̃_port/C̃_jaxrelic - 1|"
          f" = {dev_ops:.1e}")

    # (d) independent SciPy reference: accuracy check -------------------------------------------
    if args.scipy_points > 0:
        times, cpus, devs = [], [], []
        for i in range(args.scipy_points):
            d, r, th = (float(v) for v in pts[i])
            c0, w0 = cpu_time(), time.perf_counter()
            om_ref = ScipyTwin(bg, 1.0, d, r, th, n_a=n_a, n_q=n_q).omega_eq38()
            times.append(time.perf_counter() - w0)
            cpus.append(cpu_time() - c0)
            devs.append(om_b[i] / om_ref - 1.0)
            print(f"(d) ScipyTwin point {i}: (Δ, r, θ₁) = ({d:.4f}, {r:.4f}, {th:.3e}): Ω h² {om_ref:.8g}, "
                  f"jaxrelic {om_b[i]:.8g}, rel. diff {devs[-1]:+.2e}; {times[-1]:.1f} s (CPU {cpus[-1]:.1f} s)")
        worst = float(np.max(np.abs(devs)))
        print(f"    independent reference: max |ΔΩ/Ω| = {worst:.1e} (<= {AGREEMENT:.0e}: "
              f"{'PASS' if worst <= AGREEMENT else 'MISS'}); {np.mean(times):.1f} s/pt, i.e. "
              f"{np.mean(times) / t_port:.0f}x slower than the port of the same algorithm (no speed baseline)")
        assert worst <= AGREEMENT, f"SciPy reference and jaxrelic disagree by {worst:.2e}"
    print(uptime_line("after"))


if __name__ == "__main__":
    main()
