"""NumPy/SciPy port of jaxrelic's own twin-neutrino Eq. (38) algorithm (speed baseline).

Used by ``scripts/bench_twin.py`` as the fair speed baseline of ``relic_twin(method="eq38")``:
the same algorithm and the same rule counts as jaxrelic, written for NumPy,

* grid (``jaxrelic/models/twin_higgs/grid.py``): uniform ln a from x = 5 to 300 with T(ln a)
  from entropy conservation (vectorised Newton in ln T, as ``Background.temperature``),
  log-spaced q with trapezoidal weights in ln q;
* ⟨σv⟩_CS, ⟨σv⟩_CA, ⟨σv⟩_A by the 64-node generalised Gauss–Laguerre rule on every 4th
  ln a row (and the last), natural cubic spline of ln⟨σv⟩ in ln a (``_sigma_v``);
* Eq. (27) for ln Y_tot with spline coefficients in ln a, solved by SciPy (LSODA by
  default, rtol 1e-8, atol 1e-10 as jaxrelic's Kvaerno5; analytic Jacobian);
* cumulative tables G_S, G_CA (``CumulativeTable``): 600 uniform knots in
  y = ln((s − s₀)/m_ν²) ∈ [ln 1e-10, ln 1e4], 8 Gauss–Legendre nodes per interval, natural
  cubic spline of ln G with linear extension, built once per point;
* C̃_S (panels of 14, 14 and 24 nodes) and C̃_CA (16 tail nodes) on every 4th ln a row
  (151 of 600) and all q, vectorised over (rows, q, bath-energy nodes) in chunks of rows;
  the other rows from a natural spline in ln a of ln C̃ + E₀/T; C̃_ID in closed form;
* Eq. (38) (general linear form, docs/physics/twin_model.md §5.7) with the exponential integrator, a loop over ln a
  vectorised over q (the step factors e^{−κ}, φ(κ) computed for all steps at once).

Only the closed-form cross sections σ(s) and Γ_D are taken from jaxrelic (jax.jit-compiled,
called on NumPy arrays; compiled once per process, outside the timed region): this makes the
baseline faster, not slower.  The port computes Ω h² of Eq. (38) only; jaxrelic's
``relic_twin`` also computes the diagnostics (Eqs. (35) and (28), freeze-out temperatures,
phase, memory, cancellation), so ratios against this port are conservative.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special
from scipy.integrate import odeint, solve_ivp
from scipy.interpolate import CubicSpline as SciSpline

import jax
import jax.numpy as jnp
from jaxrelic import constants as c
from jaxrelic.models.twin_higgs import TwinHiggs
from jaxrelic.models.twin_higgs import collision as col
from jaxrelic.models.twin_higgs.processes import sigma_A, sigma_CA, sigma_CS, sigma_S
from jaxrelic.models.twin_higgs.widths import width_D
from jaxrelic.models.twin_higgs.solver import LN_SIGMA_V_FLOOR

__all__ = ["NumpyTwinPort"]

G_NU, G_TAU, G_GAMMA = 2.0, 2.0, 3.0
N_LAG = 64  # generalised Gauss–Laguerre nodes of ⟨σv⟩ (jaxrelic thermal.N_NODES)
ROW_STRIDE = col.ROW_STRIDE_FAST
TINY = np.finfo(np.float64).tiny

# jitted closed forms (σ(s), Γ_D) on NumPy arrays; the model travels as a pytree argument
_SIGMA = {f.__name__: jax.jit(lambda model, s, f=f: f(model, s)) for f in (sigma_S, sigma_CA, sigma_CS, sigma_A)}
_WIDTH_D = jax.jit(width_D)


def _gl(n):
    x, w = special.roots_legendre(n)
    return np.asarray(x), np.asarray(w)


def _sqrt_kallen(s, m1, m2):
    v = (s - (m1 + m2) ** 2) * (s - (m1 - m2) ** 2)
    return np.sqrt(np.maximum(v, 0.0))


class _Spline:
    """Natural cubic spline with linear extension (jaxrelic ``CubicSpline``), NumPy evaluation.

    Piecewise coefficients from ``scipy.interpolate.CubicSpline(bc_type="natural")`` (the same
    interpolant); uniform knots are located arithmetically, others by ``searchsorted``.
    """

    def __init__(self, x, y, uniform=False):
        x = np.asarray(x, dtype=np.float64)
        sp = SciSpline(x, y, bc_type="natural", axis=0)
        self.c3, self.c2, self.c1, self.c0 = (np.ascontiguousarray(a) for a in sp.c)
        self.x, self.uniform, self.n = x, uniform, x.size
        self.h = (x[-1] - x[0]) / (x.size - 1)
        hl = x[-1] - x[-2]
        self.y_lo, self.d_lo = self.c0[0], self.c1[0]
        self.y_hi = ((self.c3[-1] * hl + self.c2[-1]) * hl + self.c1[-1]) * hl + self.c0[-1]
        self.d_hi = (3.0 * self.c3[-1] * hl + 2.0 * self.c2[-1]) * hl + self.c1[-1]

    def __call__(self, xq):
        x0, xn = self.x[0], self.x[-1]
        t = np.clip(xq, x0, xn)
        if self.uniform:
            i = np.minimum(((t - x0) * (1.0 / self.h)).astype(np.intp), self.n - 2)
        else:
            i = np.clip(np.searchsorted(self.x, t, side="right") - 1, 0, self.n - 2)
        dx = t - self.x[i]
        if self.c3.ndim == 2:  # k columns
            dx, xq = dx[..., None], np.asarray(xq)[..., None]
        val = ((self.c3[i] * dx + self.c2[i]) * dx + self.c1[i]) * dx + self.c0[i]
        lo, hi = xq < x0, xq > xn
        if lo.any() or hi.any():
            val = np.where(lo, self.y_lo + self.d_lo * (xq - x0), val)
            val = np.where(hi, self.y_hi + self.d_hi * (xq - xn), val)
        return val

    def scalar_coeffs(self):
        """Per-segment (c3, c2, c1, c0) as Python lists (for scalar ODE right-hand sides)."""
        return self.c3.tolist(), self.c2.tolist(), self.c1.tolist(), self.c0.tolist()


class _Table:
    """CumulativeTable: ln G(s₀ + d) as a uniform natural spline in y = ln(d/s_unit)."""

    def __init__(self, F, s0, s_unit, head_power, xg, wg):
        n = col.N_KNOTS
        y = np.linspace(col.Y_MIN, col.Y_MAX, n)
        h = (col.Y_MAX - col.Y_MIN) / (n - 1)
        yq = y[:-1, None] + 0.5 * h * (1.0 + xg)[None, :]
        dq = s_unit * np.exp(yq)
        panel = 0.5 * h * np.sum(wg * F(s0 + dq) * dq, axis=-1)
        d0 = s_unit * math.exp(col.Y_MIN)
        head = float(F(np.array([s0 + d0]))[0]) * d0 / (head_power + 1.0)
        G = head + np.concatenate([np.zeros(1), np.cumsum(panel)])
        self.s0, self.s_unit, self.ln_s_unit = s0, s_unit, math.log(s_unit)
        self.spline = _Spline(y, np.log(G), uniform=True)

    def log_value(self, d):
        return self.spline(np.log(np.where(d > 0.0, d, self.s_unit)) - self.ln_s_unit)

    def difference(self, d_lo, d_hi):
        l_hi = self.log_value(d_hi)
        l_lo = self.log_value(d_lo)
        g_hi = np.exp(l_hi)
        both = g_hi * (-np.expm1(np.minimum(l_lo - l_hi, 0.0)))
        return np.where(d_lo > 0.0, both, np.where(d_hi > 0.0, g_hi, 0.0))


class NumpyTwinPort:
    """Ω h² of Eq. (38) (``relic_twin(method="eq38")``) by jaxrelic's algorithm in NumPy.

    Rule nodes and the g_* spline are built once per instance; everything that depends on
    the model point (grid, tables, operators) once per call of :meth:`omega_eq38`.
    """

    def __init__(self, background, *, ode="odeint", row_chunk=8):
        gs = background.gstar
        if gs.extra_fermion:
            raise ValueError("NumpyTwinPort: SM g_* table without extra species only")
        self._g = _Spline(np.asarray(gs.spline.x), np.asarray(gs.spline.y))
        self._lt = (float(gs.spline.x[0]), float(gs.spline.x[-1]))
        self.m_planck = float(background.m_planck)
        self.ode = ode
        self.row_chunk = int(row_chunk)
        self.xg8, self.wg8 = _gl(col.N_GL_TABLE)
        # bath-energy rules (jaxrelic _finite_panel / _tail_rule), fast solver settings
        xp, wp = _gl(col.N_PANEL_FAST)
        self.v = 0.5 * (xp + 1.0)
        self.wv = 0.5 * wp
        half = 0.5 * math.sqrt(col.W2_MAX)
        self.tail_S = self._tail_rule(col.N_TAIL_FAST, half)
        self.tail_CA = self._tail_rule(col.N_TAIL_CA_FAST, half)
        xl, wl = special.roots_genlaguerre(N_LAG, 0.5)
        self.lag_x, self.lag_w = np.asarray(xl), np.asarray(wl)

    @staticmethod
    def _tail_rule(n, half):
        x, w = _gl(n)
        ww = half * (x + 1.0)
        return ww * ww, 2.0 * ww * half * w

    # -- background ------------------------------------------------------------------------
    def _gstar(self, T):
        lt = np.log(T)
        ltc = np.clip(lt, *self._lt)
        v = self._g(ltc)
        inside = (lt >= self._lt[0]) & (lt <= self._lt[1])
        # d ln g_s/d ln T from the same piecewise cubic
        i = np.clip(np.searchsorted(self._g.x, ltc, side="right") - 1, 0, self._g.n - 2)
        dx = ltc - self._g.x[i]
        der = (3.0 * self._g.c3[i, 1] * dx + 2.0 * self._g.c2[i, 1]) * dx + self._g.c1[i, 1]
        return np.exp(v[..., 0]), np.exp(v[..., 1]), np.where(inside, der, 0.0)

    def _grid(self, m, n_a, n_q, x0=5.0, x_end=300.0, x_ref=20.0):
        T_ref = m / x_ref
        g_s_ref = float(self._gstar(np.array(T_ref))[1])

        def ln_a_of_T(T):
            return math.log(T_ref / T) + (math.log(g_s_ref) - math.log(float(self._gstar(np.array(T))[1]))) / 3.0

        la = np.linspace(ln_a_of_T(m / x0), ln_a_of_T(m / x_end), n_a)
        target = math.log(g_s_ref) / 3.0 + math.log(T_ref)
        lt = math.log(T_ref) - la
        for _ in range(30):  # Background.temperature: 30 Newton steps in ln T
            _, g_s, d = self._gstar(np.exp(lt))
            step = (np.log(g_s) / 3.0 + lt + la - target) / (1.0 + d / 3.0)
            lt = lt - step
            if np.max(np.abs(step)) < 1e-15:
                break
        T = np.exp(lt)
        g_rho, g_s, _ = self._gstar(T)
        H = math.sqrt(4.0 * math.pi**3 / 45.0) * np.sqrt(g_rho) * T**2 / self.m_planck
        s = 2.0 * math.pi**2 / 45.0 * g_s * T**3
        q = m * np.geomspace(1e-3, 5.0, n_q)
        h = (math.log(q[-1]) - math.log(q[0])) / (n_q - 1)
        trap = np.ones(n_q)
        trap[0] = trap[-1] = 0.5
        return dict(T_ref=T_ref, g_s_ref=g_s_ref, la=la, a=np.exp(la), T=T, H=H, s=s, q=q, qw=h * trap * q)

    # -- ⟨σv⟩ ------------------------------------------------------------------------------
    def _sigma_v(self, model, name, m1, m2, sqrt_s_min, T):
        Tc = T[:, None]
        rs = sqrt_s_min + Tc * self.lag_x[None, :]
        s = rs * rs
        lam = (s - (m1 + m2) ** 2) * (s - (m1 - m2) ** 2)
        sig = np.asarray(_SIGMA[name](model, s))
        val = 2.0 * sig * lam * special.kve(1, rs / Tc) * np.exp(-(sqrt_s_min - m1 - m2) / Tc) / np.sqrt(self.lag_x)
        num = T * np.sum(self.lag_w * val, axis=1)
        return num / (8.0 * m1**2 * m2**2 * T * special.kve(2, m1 / T) * special.kve(2, m2 / T))

    @staticmethod
    def _ln_n_eq(mass, g, T):
        z = mass / T
        return np.log(g * mass**2 * T * special.kve(2, z) / (2.0 * math.pi**2)) - z

    # -- Eq. (27) ----------------------------------------------------------------------------
    def _coannihilation(self, model, gr, rows, m, mt, mg):
        ln_s = np.log(gr["s"])
        lnYn = self._ln_n_eq(m, G_NU, gr["T"]) - ln_s
        lnYt = self._ln_n_eq(mt, G_TAU, gr["T"]) - ln_s
        u = np.logaddexp(lnYn, lnYt)
        rt, rn = np.exp(lnYt - u), np.exp(lnYn - u)
        la, Tr = gr["la"], gr["T"][rows]

        def sv(name, m1, m2, smin):
            ln_sv = np.maximum(np.log(self._sigma_v(model, name, m1, m2, smin, Tr)), LN_SIGMA_V_FLOOR)
            return np.exp(_Spline(la[rows], ln_sv)(la))

        sv_eff = (sv("sigma_CS", mt, mt, max(2 * mt, 2 * mg)) * rt**2
                  + 2.0 * sv("sigma_CA", mt, m, max(mt + m, 2 * mg)) * rt * rn
                  + sv("sigma_A", m, m, max(2 * m, 2 * mg)) * rn**2)
        ln_lam = np.log(gr["s"] * sv_eff / gr["H"])
        L3, L2, L1, L0 = _Spline(la, ln_lam, uniform=True).scalar_coeffs()
        U3, U2, U1, U0 = _Spline(la, u, uniform=True).scalar_coeffs()
        t0, hh, nseg = float(la[0]), float((la[-1] - la[0]) / (la.size - 1)), la.size - 1
        exp = math.exp

        def coeffs(t):
            i = min(max(int((t - t0) / hh), 0), nseg - 1)
            dx = t - (t0 + i * hh)
            lam = ((L3[i] * dx + L2[i]) * dx + L1[i]) * dx + L0[i]
            uu = ((U3[i] * dx + U2[i]) * dx + U1[i]) * dx + U0[i]
            return lam, uu

        def rhs(t, y):
            lam, uu = coeffs(t)
            yy = min(max(y[0], -700.0), 700.0)  # trial values only; the solution has |y| < 700
            return [-exp(lam) * (exp(yy) - exp(2.0 * uu - yy))]

        def jac(t, y):
            lam, uu = coeffs(t)
            yy = min(max(y[0], -700.0), 700.0)
            return [[-exp(lam) * (exp(yy) + exp(2.0 * uu - yy))]]

        pad = 1e-12
        if self.ode == "odeint":
            ts = np.r_[la[0] - pad, la[1:-1], la[-1] + pad]
            ys, info = odeint(rhs, [u[0]], ts, Dfun=jac, rtol=1e-8, atol=1e-10, tfirst=True, full_output=True,
                              mxstep=100000, h0=1e-10, tcrit=[ts[-1]])
            if info["message"] != "Integration successful.":
                raise RuntimeError(f"odeint failed on Eq. (27): {info['message']}")
            y = ys[:, 0]
        else:
            first = 1e-10 if self.ode == "LSODA" else None
            sol = solve_ivp(rhs, (la[0] - pad, la[-1] + pad), [u[0]], method=self.ode, t_eval=la, jac=jac,
                            rtol=1e-8, atol=1e-10, first_step=first)
            if not sol.success:
                raise RuntimeError(f"solve_ivp {self.ode} failed on Eq. (27): {sol.message}")
            y = sol.y[0]
        return y - u, lnYt

    # -- collision operators -----------------------------------------------------------------
    def _finite_panel(self, E0, length, T):
        cut = col.W2_MAX * T
        trunc = (length > col.W2_SHORT * T)[..., None]
        w1 = np.sqrt(np.maximum(np.minimum(length, cut) / T, 0.0))[..., None]
        v = self.v
        w = np.where(trunc, w1 * v, w1 * v * (2.0 - v))
        dw = np.where(trunc, w1, w1 * 2.0 * (1.0 - v))
        Tb = T[..., None]
        return E0[..., None] + Tb * w * w, 2.0 * Tb * w * dw * self.wv

    def _c_tilde_S(self, tab, p, T, m, M, mt):
        m2 = m * m
        s_th = (mt + M) ** 2
        p_ = np.maximum(p, col.P_SMALL * m)
        Ep = np.sqrt(p_ * p_ + m2)
        c_th = s_th - m2 - M * M
        sl = float(_sqrt_kallen(s_th, m, M))
        E_lo_th = (c_th * Ep - p_ * sl) / (2.0 * m2)
        E_hi_th = (c_th * Ep + p_ * sl) / (2.0 * m2)
        star = 2.0 * Ep * M > c_th
        E_ref = np.where(star, M, E_lo_th)
        len_a = np.where(star, E_lo_th - M, 0.0)
        Tf = np.broadcast_to(T, p.shape)
        Ea, wa = self._finite_panel(E_ref, len_a, Tf)
        Eb, wb = self._finite_panel(E_lo_th, E_hi_th - E_lo_th, Tf)
        w2, wt = self.tail_S
        Ec, wc = E_hi_th[..., None] + Tf[..., None] * w2, Tf[..., None] * wt
        E = np.concatenate([Ea, Eb, Ec], axis=-1)
        wE = np.concatenate([wa, wb, wc], axis=-1)
        k = np.sqrt(np.maximum((E - M) * (E + M), 0.0))
        base = 2.0 * Ep[..., None] * E - c_th
        pk2 = 2.0 * p_[..., None] * k
        dG = tab.difference(base - pk2, base + pk2)
        occ = np.exp(-(E - E_ref[..., None]) / Tf[..., None])
        integral = np.sum(wE * dG * occ, axis=-1)
        return G_GAMMA / (32.0 * math.pi**2 * Ep * p_) * np.exp(-E_ref / Tf) * integral

    def _c_tilde_CA(self, tab, p, T, m, mt):
        p_ = np.maximum(p, col.P_SMALL * m)
        Ep = np.sqrt(p_ * p_ + m * m)
        w2, wt = self.tail_CA
        E = mt + T[..., None] * w2  # (..., 1, n) broadcast against p
        wE = T[..., None] * wt
        k = np.sqrt(np.maximum((E - mt) * (E + mt), 0.0))
        Ep_, p_b = Ep[..., None], p_[..., None]
        d_pair = 2.0 * (Ep_ * k - p_b * E) ** 2 / (Ep_ * E - p_b * k + m * mt)
        d_lo = d_pair + ((m + mt) ** 2 - tab.s0)
        d_hi = d_lo + 4.0 * p_b * k
        dG = tab.difference(d_lo, d_hi)
        occ = np.exp(-(E - mt) / T[..., None])
        integral = np.sum(wE * dG * occ, axis=-1)
        return G_TAU / (32.0 * math.pi**2 * Ep * p_) * np.exp(-mt / T) * integral

    def _operators(self, model, gr, rows, m, mt, M):
        F_S = lambda s: 2.0 * _sqrt_kallen(s, m, M) * np.asarray(_SIGMA["sigma_S"](model, s))  # noqa: E731
        F_CA = lambda s: 2.0 * _sqrt_kallen(s, m, mt) * np.asarray(_SIGMA["sigma_CA"](model, s))  # noqa: E731
        tab_S = _Table(F_S, (mt + M) ** 2, m * m, 0.5, self.xg8, self.wg8)
        s_pair = (m + mt) ** 2
        tab_CA = _Table(F_CA, max(s_pair, 4.0 * M * M), m * m, 0.5 if 4.0 * M * M > s_pair else 0.0,
                        self.xg8, self.wg8)
        P = gr["q"][None, :] / gr["a"][rows, None]
        Tr = gr["T"][rows, None]
        S = np.empty_like(P)
        CA = np.empty_like(P)
        for j in range(0, P.shape[0], self.row_chunk):
            sl = slice(j, j + self.row_chunk)
            S[sl] = self._c_tilde_S(tab_S, P[sl], Tr[sl], m, M, mt)
            CA[sl] = self._c_tilde_CA(tab_CA, P[sl], Tr[sl], m, mt)
        la, inv_T = gr["la"], 1.0 / gr["T"]

        def interp(vals, E0):
            resid = np.log(np.maximum(vals, TINY)) + E0 * inv_T[rows, None]
            return np.exp(_Spline(la[rows], resid)(la) - E0 * inv_T[:, None])

        E0_S = ((mt + M) ** 2 - m * m - M * M) / (2.0 * m)
        S, CA = interp(S, E0_S), interp(CA, mt)
        # C̃_ID, closed form (MB) on every row
        gd = float(_WIDTH_D(model))
        Pf = gr["q"][None, :] / gr["a"][:, None]
        Ep = np.sqrt(Pf * Pf + m * m)
        two = float(_sqrt_kallen(mt * mt, m, M))
        E_lo = ((mt * mt - m * m - M * M) * Ep - two * Pf) / (2.0 * m * m)
        x = two * Pf / (m * m) / gr["T"][:, None]
        small = x < 1e-8
        xs = np.where(small, 1.0, x)
        phi = np.where(small, 1.0 - 0.5 * x, -np.expm1(-xs) / xs)
        ID = mt**3 * gd / (m * m * Ep) * np.exp(-E_lo / gr["T"][:, None]) * phi
        return S, ID, CA

    # -- Eq. (38) ------------------------------------------------------------------------------
    @staticmethod
    def _momentum(gr, S, ID, CA, ln_R, m):
        la, q = gr["la"], gr["q"]
        h = la[1] - la[0]
        P = q[None, :] / gr["a"][:, None]
        ln_feq = -np.sqrt(P * P + m * m) / gr["T"][:, None]
        lnR = ln_R[:, None]
        with np.errstate(divide="ignore"):
            ln_CA, ln_conv = np.log(CA), np.log(S + ID)
        ln_K = np.logaddexp(ln_conv, lnR + ln_CA)
        ln_num = np.logaddexp(ln_conv + lnR, ln_CA)
        ln_F = np.where(np.isfinite(ln_K), ln_feq + ln_num - ln_K, ln_feq + lnR)
        F = np.exp(ln_F)
        rate = np.exp(ln_K) / gr["H"][:, None] * h
        kap = 0.5 * (rate[:-1] + rate[1:])
        small = kap < 1e-8
        ks = np.where(small, 1.0, kap)
        e = np.exp(-kap)
        phi = np.where(small, 1.0 - 0.5 * kap, -np.expm1(-ks) / ks)
        dF = (F[1:] - F[:-1]) * phi
        f = F[0].copy()
        for n in range(la.size - 1):
            f = F[n + 1] + (f - F[n]) * e[n] - dF[n]
        return 45.0 * G_NU * np.sum(gr["qw"] * q**2 * f) / (4.0 * math.pi**4 * gr["g_s_ref"] * gr["T_ref"] ** 3)

    def omega_eq38(self, m_nu, delta, r, theta1, *, n_a=600, n_q=128):
        """Ω h² of Eq. (38) (general linear form with R from Eq. (27)) at one point."""
        model = TwinHiggs(m_nu, delta, r, theta1)
        m, mt, M = float(model.m_nu), float(model.m_tau), float(model.m_gamma)
        gr = self._grid(m, n_a, n_q)
        rows = np.unique(np.r_[np.arange(0, n_a, ROW_STRIDE), n_a - 1])
        ln_R, lnYt = self._coannihilation(model, gr, rows, m, mt, M)
        S, ID, CA = self._operators(model, gr, rows, m, mt, M)
        Y_nu = self._momentum(gr, S, ID, CA, ln_R, m)
        return c.OMEGA_H2_PER_MY * m * 2.0 * (Y_nu + math.exp(ln_R[-1] + lnYt[-1]))


def _selftest():  # pragma: no cover - manual check
    import time

    import jaxrelic  # noqa: F401
    from jaxrelic.models.twin_higgs.solver import relic_twin
    from jaxrelic.thermo import Background

    port = NumpyTwinPort(Background.standard_model())
    for p in ((0.1, 0.5, 4.378e-4), (0.15, 0.3, 1e-3)):
        om_j = float(relic_twin(TwinHiggs(1.0, *p)).omega_h2)
        port.omega_eq38(1.0, *p)
        t0 = time.perf_counter()
        om_p = port.omega_eq38(1.0, *p)
        print(p, om_j, om_p, om_p / om_j - 1.0, f"{time.perf_counter() - t0:.3f} s")


if __name__ == "__main__":  # pragma: no cover
    _selftest()
