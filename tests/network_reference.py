"""Independent high-precision NumPy/SciPy reference for the number-density Boltzmann network.

This module is a *yardstick* for ``jaxrelic.engines.network``: it implements the
same physics from scratch (it never imports the JAX network solver or the model
classes built on it) and integrates it with SciPy's implicit Radau IIA method
(order 5) and an analytic Jacobian, in variables chosen so that the result is
accurate to ≲ 1e-9 relative in Ω h² for interaction rates up to Γ/H ~ 1e16 and
beyond.  Only the g_*ρ(T), g_*s(T) *table file* (the one ``jaxrelic.thermo.GStar``
loads) and ``jaxrelic/constants.py`` are shared with the package; both are loaded
without importing the jaxrelic package (``import network_reference`` imports no JAX).

Physics (Griest & Seckel, PRD 43 (1991) 3191; Edsjö & Gondolo, PRD 56 (1997) 1879)
---------------------------------------------------------------------------------
Species i = 0..N−1 (0 = dark matter), masses m_i, internal dof g_i (×2 for a
non-self-conjugate particle, Y counting particle + antiparticle), Maxwell–Boltzmann
equilibrium n_i^eq = g_i m_i² T K₂(m_i/T)/(2π²), Y = n/s, s = (2π²/45) g_*s T³,
H = √(4π³ g_*ρ/45) T²/M_Pl, x = m_0/T and

    dY/dx = (1+δ)/(x H) dY/dt,      δ = (1/3) d ln g_*s / d ln T,

    dY_i/dt = − s Σ_j ⟨σv⟩_ij (Y_i Y_j − Y_i^eq Y_j^eq)
              − Σ_b Γ_{i→b} (Y_i − Y_b Y_i^eq/Y_b^eq) + Σ_a Γ_{a→i} (Y_a − Y_i Y_a^eq/Y_i^eq)
              − Γ_i^bath (Y_i − Y_i^eq).

Numerical method (why it is accurate)
-------------------------------------
* Independent variable τ = ln x; SciPy Radau IIA (order 5), analytic Jacobian.
* State = logarithmic variables relative to the dark matter, each with a "near" and
  a "far" form that differ by a known function of τ:

      u_0 = D_0 = ln(Y_0/Y_0^eq)  (near, |D_0| < 2)      or  L_0 = ln Y_0        (far),
      u_i = ε_i = D_i − D_0       (near, |ε_i| < 2)      or  λ_i = ln(Y_i/Y_0)   (far),

  with D_i = ln(Y_i/Y_i^eq).  The switch (near → far at |dev| = 2, back at 1) is an
  exact change of variables done at a solve_ivp event.  Near equilibrium D ≈ 0 is
  represented with full relative precision; after freeze-out D_0 grows like x and an
  error control on it would be loose, so ln Y_0 (≈ constant) is used instead.
* Why relative to the DM: every fast process is then a *constant* linear combination
  of the state (conversions a ↔ b: ε_a − ε_b; annihilation i j: 2D_0 + ε_i + ε_j;
  bath processes: D_0 + ε_i), so the simplified Newton iteration of Radau (one
  Jacobian for all stages) stays contractive when rates vary along a step, and a fast
  conversion (Γ/H up to 1e16 and beyond) is a function of the variable ε itself, not a
  difference of two stored O(1) numbers whose rounding Γ/H would amplify.  (Both
  alternatives were tried: per-species D_i stalls at Γ_conv/H ~ 1e15; a Y_tot-based
  slow variable stalls for fast partner annihilation with slow conversions.)
* Every collision term is written so that no cancellation occurs at any distance
  from equilibrium:

      (Y_iY_j − Y_i^eqY_j^eq)/Y_i = e^{ln Y_j^eq − D_i} · expm1(D_i + D_j),
      (Y_a − Y_b Y_a^eq/Y_b^eq)/Y_a = −expm1(ε_b − ε_a),
      (Y_a − Y_b Y_a^eq/Y_b^eq)/Y_b = e^{ln Y_a^eq − ln Y_b^eq} · expm1(ε_a − ε_b),

  evaluated by ``_em`` in an overflow-safe form; d ln Y^eq/dτ = −z K₁/K₂(z) + 3δ is
  analytic (Bessel functions by scipy.special.kve).
* Error control is *absolute* on the log variables (atol = the rtol argument, solver
  rtol = max(rtol/100, 2.5e-14)): an absolute error in ln Y is a relative error in Y,
  uniformly over the hundreds of e-folds that Y^eq spans.
* Step limiter: a Radau step that starts super-stiff (Γ/H ~ 1e20) is otherwise
  allowed to jump over a freeze-out, because its error estimate is damped by the
  Jacobian of the step start.  While a process with Γ/H ≥ 0.1 varies exponentially
  (κ = |d ln Γ/dτ| at fixed state > 2, i.e. Boltzmann-suppressed rates), steps are
  limited to Δτ ≤ 0.5/κ (no rate changes by more than e^0.5 per step).
* Integration is split at the ends of the g_* table (where the held-constant
  extrapolation makes δ jump) and restarted there.
* After the ODE end (default: the first of x = 1e4, 1e5, … where every species with
  Y_i/Y_tot > 1e-15 has D_i > 40 and no conversion/decay channel left open), the
  residual annihilation is added analytically:
  1/Y_∞ = 1/Y_end + ∫_{x_end}^∞ (1+δ) s ⟨σv⟩_eff /(x H) dx (scipy.integrate.quad in
  ln x, ⟨σv⟩_eff = Σ_ij ⟨σv⟩_ij r_i r_j with the abundance ratios r at x_end).

Self-checks (``python tests/network_reference.py``): rtol 1e-10 vs 1e-12 and ODE end
1e4 vs 1e8 agree to ≤ 5e-10 in Ω h² for all table cases; a textbook linear-Y solve
(FD Jacobian) agrees to ≤ 1.2e-10 where it can run; the numpy background agrees with
``jaxrelic.Background.state`` to 1e-15; freeze-in matches its constant-g_* analytic
value to the expected 7e-11.

Zero initial yields (``Y_start`` entries = 0; a log variable cannot be −∞) are replaced
by the yield the species acquires in δτ = 1e-12 at its initial production rate, clipped
to [1e-40, 1e-3] Y_i^eq(x_start): equivalent to starting δτ earlier (a 1e-12 effect).

Public functions: :func:`reference_omega` (the WIMP model of jaxrelic/models/wimp/model.py),
:func:`reference_network` (generic rates), :func:`reference_freeze_in_decay`
(freeze-in from B → χ + SM decays), :class:`NumpyBackground`.
Run ``python tests/network_reference.py`` for the self-check table.
"""

from __future__ import annotations

import bisect
import importlib.util
import math
import pathlib
import sys
import time
import warnings

import numpy as np
from scipy.integrate import quad, solve_ivp
from scipy.interpolate import CubicSpline as _SciPySpline
from scipy.special import kve

_ROOT = pathlib.Path(__file__).resolve().parents[1]
_CONSTANTS_PY = _ROOT / "jaxrelic" / "constants.py"
#: The Saikawa–Shirai table that ``jaxrelic.thermo.GStar.saikawa_shirai()`` loads.
_GSTAR_TABLE = _ROOT / "jaxrelic" / "thermo" / "data" / "g_star_saikawa_shirai.dat"


def _load_constants():
    """``jaxrelic.constants`` without importing the jaxrelic package (whose ``__init__``
    pulls in the JAX solvers): the reference depends only on constants.py (pure math)."""
    if "jaxrelic.constants" in sys.modules:
        return sys.modules["jaxrelic.constants"]
    if _CONSTANTS_PY.is_file():
        spec = importlib.util.spec_from_file_location("_network_reference_constants", _CONSTANTS_PY)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        return mod
    from jaxrelic import constants  # installed package without the source tree

    return constants


c = _load_constants()

__all__ = [
    "NumpyBackground",
    "reference_network",
    "reference_omega",
    "reference_freeze_in_decay",
    "freeze_in_decay_analytic",
]

_PI = math.pi
_D_SWITCH = 2.0  # |ln(Y/Y_eq)| above which a species is integrated in ln Y
_EXP_MAX = 700.0
_ZERO_FILL = 1e-40  # Y_start = 0  ->  1e-40 Y_eq(x_start)
_RTOL_FLOOR = 2.5e-14  # scipy Radau refuses rtol < 100 eps


def _exp(a):
    return math.exp(a) if a < _EXP_MAX else math.exp(_EXP_MAX)


def _em(p, u, pu=None):
    """e^p · expm1(u) without overflow or cancellation (``pu``: p + u, if known more accurately)."""
    if u <= 0.0:
        return _exp(p) * math.expm1(u)
    return -_exp(p + u if pu is None else pu) * math.expm1(-u)


# ----------------------------------------------------------------------------- background


class NumpyBackground:
    """g_*ρ(T), g_*s(T) and H, s, 1+δ in plain NumPy/math (scalar T).

    The table is the file that ``jaxrelic.thermo.GStar.saikawa_shirai()`` reads (same
    columns), read here with NumPy and re-splined independently with SciPy's natural
    cubic spline in (ln T, ln g), the interpolation jaxrelic documents.  Outside the
    table g is held at its end value with zero derivative, as in jaxrelic.
    ``python tests/network_reference.py`` checks (H, s, 1+δ) against
    ``jaxrelic.Background.state`` (agreement 1e-15).

    Parameters
    ----------
    g_const : (g_rho, g_s), optional
        Constant dof instead of the table (δ = 0), for analytic self-checks.
    """

    def __init__(self, g_const=None):
        self.m_planck = c.M_PL
        if g_const is not None:
            self.g_const = (float(g_const[0]), float(g_const[1]))
            self.T_min, self.T_max = 0.0, math.inf
            return
        self.g_const = None
        if _GSTAR_TABLE.is_file():
            # same file and columns as GStar.saikawa_shirai(): T, f, g_*s, g_*ρ
            data = np.loadtxt(_GSTAR_TABLE, comments="#")
            data = data[np.argsort(data[:, 0])]
            ln_T = np.log(data[:, 0])
            y = np.log(np.stack([data[:, 3], data[:, 2]], axis=1))  # (n, 2): ln g_rho, ln g_s
        else:
            from jaxrelic.thermo import GStar

            gs = GStar.saikawa_shirai()
            ln_T = np.asarray(gs.ln_T, dtype=np.float64)
            y = np.asarray(gs.spline.y, dtype=np.float64)
        sp = _SciPySpline(ln_T, y, bc_type="natural")
        self._knots = [float(v) for v in ln_T]
        self._coef = np.asarray(sp.c)  # (4, n-1, 2)
        self._coef_list = [[tuple(float(v) for v in self._coef[:, k, col]) for col in (0, 1)] for k in range(len(ln_T) - 1)]
        self._lo = (float(y[0, 0]), float(y[0, 1]))
        self._hi = (float(y[-1, 0]), float(y[-1, 1]))
        self.T_min, self.T_max = math.exp(ln_T[0]), math.exp(ln_T[-1])

    def all(self, T):
        """(g_*ρ, g_*s, d ln g_*s / d ln T) at scalar T [GeV]."""
        if self.g_const is not None:
            return self.g_const[0], self.g_const[1], 0.0
        lt = math.log(T)
        kn = self._knots
        if lt <= kn[0]:
            return math.exp(self._lo[0]), math.exp(self._lo[1]), 0.0 if lt < kn[0] else self._der(0, 0.0)
        if lt >= kn[-1]:
            return math.exp(self._hi[0]), math.exp(self._hi[1]), 0.0 if lt > kn[-1] else self._der(len(kn) - 2, kn[-1] - kn[-2])
        k = min(bisect.bisect_right(kn, lt) - 1, len(kn) - 2)
        d = lt - kn[k]
        (a0, a1, a2, a3), (b0, b1, b2, b3) = self._coef_list[k]
        ln_gr = ((a0 * d + a1) * d + a2) * d + a3
        ln_gs = ((b0 * d + b1) * d + b2) * d + b3
        dln_gs = (3.0 * b0 * d + 2.0 * b1) * d + b2
        return math.exp(ln_gr), math.exp(ln_gs), dln_gs

    def _der(self, k, d):
        b0, b1, b2, _ = self._coef_list[k][1]
        return (3.0 * b0 * d + 2.0 * b1) * d + b2

    def state(self, T):
        """(H, s, 1+δ) at T, as ``jaxrelic.Background.state``."""
        g_rho, g_s, dlgs = self.all(T)
        H = math.sqrt(4.0 * _PI**3 * g_rho / 45.0) * T * T / self.m_planck
        s = 2.0 * _PI**2 / 45.0 * g_s * T**3
        return H, s, 1.0 + dlgs / 3.0

    def edges(self):
        """Temperatures where δ is discontinuous (ends of the table)."""
        if self.g_const is not None:
            return ()
        return (self.T_min, self.T_max)


_BG_CACHE = {}


def _default_background():
    if "sm" not in _BG_CACHE:
        _BG_CACHE["sm"] = NumpyBackground()
    return _BG_CACHE["sm"]


# ----------------------------------------------------------------------------- network


class _Network:
    """RHS and analytic Jacobian of the network in τ = ln x (variables: see module doc).

    State u = (u_0, u_1, …, u_{N−1}):
      u_0 = D_0 = ln(Y_0/Y_0^eq)                       ("near" mode) or L_0 = ln Y_0 ("far"),
      u_i = ε_i = D_i − D_0 = ln[(Y_i/Y_0)/(Y_i^eq/Y_0^eq)] ("near")     or λ_i = ln(Y_i/Y_0) ("far").
    Every fast combination of the network is a *constant* linear combination of these
    variables (ε_a − ε_b for conversions, 2u_0 + ε_i + ε_j + offsets for annihilation,
    u_0 + ε_i for bath processes), and the conversion terms depend on the ε's
    themselves rather than on differences of two stored O(1) numbers, so the residual
    of the collocation equations carries no roundoff amplified by Γ/H.
    """

    def __init__(self, masses, dofs, rates, bg):
        self.m = [float(v) for v in masses]
        self.g = [float(v) for v in dofs]
        self.N = len(self.m)
        self.m_ref = self.m[0]
        self.rates = rates
        self.bg = bg
        self.ln_pref = [math.log(gi * mi * mi / (2.0 * _PI**2)) for gi, mi in zip(self.g, self.m)]
        self._memo = {}
        self.nfev = 0
        self.njev = 0

    def env(self, tau):
        """Everything that depends on τ only (memoised: Radau re-uses stage times)."""
        e = self._memo.get(tau)
        if e is not None:
            return e
        if len(self._memo) > 64:
            self._memo.clear()
        x = math.exp(tau)
        T = self.m_ref / x
        H, s, opd = self.bg.state(T)
        dlgs = 3.0 * (opd - 1.0)
        E, dE = [], []
        lnTs = math.log(T) - math.log(s)
        for i in range(self.N):
            z = self.m[i] / T
            k2 = float(kve(2, z))
            k1 = float(kve(1, z))
            E.append(self.ln_pref[i] + lnTs + math.log(k2) - z)  # ln Y_i^eq
            dE.append(-z * k1 / k2 + dlgs)  # d ln Y_i^eq / dτ
        sig, conv, bath = self.rates(T, x)
        sig = np.asarray(sig, dtype=np.float64).reshape(self.N, self.N)
        conv = np.asarray(conv, dtype=np.float64).reshape(self.N, self.N)
        bath = np.asarray(bath, dtype=np.float64).reshape(self.N)
        ann = [(i, j, s * float(sig[i, j])) for i in range(self.N) for j in range(self.N) if sig[i, j] != 0.0]
        cv = [(a, b, float(conv[a, b])) for a in range(self.N) for b in range(self.N) if a != b and conv[a, b] != 0.0]
        bt = [(i, float(bath[i])) for i in range(self.N) if bath[i] != 0.0]
        e = dict(x=x, T=T, H=H, s=s, P=opd / H, E=E, dE=dE, ann=ann, conv=cv, bath=bt, sig=sig)
        self._memo[tau] = e
        return e

    def offset(self, tau, k):
        """far-variable − near-variable for state entry k (a function of τ only)."""
        E = self.env(tau)["E"]
        return E[0] if k == 0 else E[k] - E[0]

    def decode(self, tau, u, modes):
        """(env, ε, D, L): deviations and log yields, each computed without adding and
        subtracting a large ln Y^eq (D_0 ~ x after freeze-out, ln Y^eq ~ −x)."""
        e = self.env(tau)
        E = e["E"]
        N = self.N
        if modes[0]:
            D0, L0 = u[0], u[0] + E[0]
        else:
            D0, L0 = u[0] - E[0], u[0]
        eps = [0.0] * N
        L = [L0] * N
        for i in range(1, N):
            if modes[i]:
                eps[i], L[i] = u[i], L0 + (u[i] + (E[i] - E[0]))
            else:
                eps[i], L[i] = u[i] - (E[i] - E[0]), L0 + u[i]
        D = [D0 + eps[i] for i in range(N)]
        return e, eps, D, L

    def yields(self, tau, u, modes):
        return np.exp(self.decode(tau, u, modes)[3])

    def fun(self, tau, u, modes):
        self.nfev += 1
        e, eps, D, L = self.decode(tau, u, modes)
        E = e["E"]
        N = self.N
        Q = [0.0] * N  # (1/Y_i) dY_i/dt
        for i, j, ssig in e["ann"]:
            # (Y_iY_j − Y_i^eqY_j^eq)/Y_i = e^{E_j − D_i} expm1(D_i + D_j)
            Q[i] -= ssig * _em(E[j] - D[i], D[i] + D[j], L[j])
        for a, b, G in e["conv"]:
            Q[a] += G * math.expm1(min(eps[b] - eps[a], _EXP_MAX))
            Q[b] += G * _em(E[a] - E[b], eps[a] - eps[b], L[a] - L[b])
        for i, G in e["bath"]:
            Q[i] += G * math.expm1(min(-D[i], _EXP_MAX))
        P = e["P"]
        dE = e["dE"]
        out = np.empty(N)
        out[0] = P * Q[0] - (dE[0] if modes[0] else 0.0)
        for i in range(1, N):
            out[i] = P * (Q[i] - Q[0]) - ((dE[i] - dE[0]) if modes[i] else 0.0)
        return out

    def rate_terms(self, tau, u, modes):
        """|Jacobian contributions| P·rate of every process (for the step limiter)."""
        e, eps, D, L = self.decode(tau, u, modes)
        E = e["E"]
        out = []
        for i, j, ssig in e["ann"]:
            out += [ssig * _exp(L[j]), ssig * _exp(E[j] - D[i])]
        for a, b, G in e["conv"]:
            out += [G * _exp(eps[b] - eps[a]), G * _exp(L[a] - L[b])]
        for i, G in e["bath"]:
            out.append(G * _exp(-D[i]))
        return [e["P"] * r for r in out]

    def stiffness_variation(self, tau, u, modes, d=1e-3):
        """max |d ln(rate)/dτ| at fixed state over processes with Γ/H ≥ 0.1.

        At fixed near-mode variables a Boltzmann-suppressed rate falls like e^{−x}; a
        Radau step that starts super-stiff and ends after the rate has dropped to
        O(H) can jump over a freeze-out with a Jacobian-damped (hence too small)
        error estimate.  The caller limits steps to Δτ ≤ 0.5/κ where this κ is large.
        """
        r0 = self.rate_terms(tau, u, modes)
        r1 = self.rate_terms(tau + d, u, modes)
        kappa = 0.0
        for a, b in zip(r0, r1):
            if max(a, b) >= 0.1 and a > 0.0 and b > 0.0:
                kappa = max(kappa, abs(math.log(b / a)) / d)
        return kappa

    def jac(self, tau, u, modes):
        self.njev += 1
        e, eps, D, L = self.decode(tau, u, modes)
        E = e["E"]
        N = self.N
        JA = np.zeros((N, N))  # ∂Q/∂D, annihilation + bath part
        JC = np.zeros((N, N))  # ∂Q/∂D, conversion part (rows sum to 0)
        for i, j, ssig in e["ann"]:
            JA[i, j] -= ssig * _exp(L[j])
            JA[i, i] -= ssig * _exp(E[j] - D[i])
        for a, b, G in e["conv"]:
            r = G * _exp(eps[b] - eps[a])
            JC[a, b] += r
            JC[a, a] -= r
            q = G * _exp(L[a] - L[b])
            JC[b, a] += q
            JC[b, b] -= q
        for i, G in e["bath"]:
            JA[i, i] -= G * _exp(-D[i])
        # chain rule: ∂D_m/∂u_0 = 1, ∂D_m/∂u_k = δ_mk (k ≥ 1)
        Jc = JA + JC
        Jc[:, 0] = JA.sum(axis=1)
        J = Jc.copy()
        J[1:] -= Jc[0]
        return e["P"] * J


def _tail_integral(net, tau0, ratios):
    """∫_{x0}^∞ (1+δ) s ⟨σv⟩_eff / (x H) dx in u = ln x (quad, split at the table ends)."""
    N = net.N

    def integrand(u):
        e = net.env(u)
        sig = e["sig"]
        seff = sum(sig[i, j] * ratios[i] * ratios[j] for i in range(N) for j in range(N))
        return e["P"] * e["s"] * seff

    u_hi = tau0 + 80.0  # integrand falls at least like 1/x beyond the table: e^-80 neglected
    pts = [tau0]
    for T_edge in net.bg.edges():
        u = math.log(net.m_ref / T_edge)
        if tau0 < u < u_hi:
            pts.append(u)
    pts.append(u_hi)
    pts = sorted(pts)
    total, err = 0.0, 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for lo, hi in zip(pts[:-1], pts[1:]):
            val, er = quad(integrand, lo, hi, epsabs=0.0, epsrel=1e-12, limit=400)
            total += val
            err += er
    return total, err


def reference_network(
    masses,
    dofs,
    rates,
    x_start=1.0,
    x_end=None,
    rtol=1e-11,
    Y_start=None,
    background=None,
    tail=True,
    d_switch=_D_SWITCH,
):
    """Solve a generic network (see module doc) from x_start to today.

    Parameters
    ----------
    masses, dofs : sequences (N,)
        Masses [GeV] (index 0 = dark matter, x = masses[0]/T) and internal dof
        (already ×2 for non-self-conjugate species).
    rates : callable (T, x) -> (sigma (N,N) [GeV⁻²], conv (N,N) [GeV], bath (N,) [GeV])
        ⟨σv⟩_ij; conv[a, b] = Γ_{a→b} (any a ≠ b; reverse by detailed balance);
        bath[i] = Γ_i^bath (χ_i ↔ bath, relaxes Y_i → Y_i^eq).
    x_start, x_end : float
        Start (equilibrium unless ``Y_start``) and the x at which ``Y_end`` is
        reported.  The ODE always continues at least to the automatic end (module doc),
        then the analytic tail gives ``Y_today`` (``tail=False``: Y_today = Y at the
        ODE end).
    rtol : float
        Absolute tolerance on the log variables (= relative tolerance on yields).
    Y_start : sequence (N,), optional
        Initial yields (0 allowed).
    background : NumpyBackground, optional

    Returns
    -------
    dict with omega_h2 (None here: see reference_omega), Y_today, Y_end (Σ_i Y_i at
    x_end), Y_end_species, x (array of accepted steps), Y ((N, n) yields), n_steps,
    nfev, njev, success, x_ode_end, tail_fraction (Y_ode_end/Y_today − 1), message.
    """
    bg = _default_background() if background is None else background
    net = _Network(masses, dofs, rates, bg)
    N = net.N
    tau0 = math.log(x_start)
    e0 = net.env(tau0)
    E0 = e0["E"]
    if Y_start is None:
        L = list(E0)
    else:
        Ys = np.asarray(Y_start, dtype=np.float64).reshape(N)
        L = [math.log(Ys[i]) if Ys[i] > 0 else None for i in range(N)]
        Yeq0 = np.exp(E0)
        for i in range(N):
            if L[i] is not None:
                continue
            # Y_i = 0: start from the yield produced in δτ = 1e-12 (rate at Y_i = 0, others as
            # given), clipped to [1e-40, 1e-3] Y_i^eq; equivalent to starting δτ earlier.
            prod = sum(ssig * Yeq0[a] * Yeq0[b] for a, b, ssig in e0["ann"] if a == i)
            prod += sum(G * Ys[a] for a, b, G in e0["conv"] if b == i)
            prod += sum(G * Ys[b] * Yeq0[i] / Yeq0[b] for a, b, G in e0["conv"] if a == i)
            prod += sum(G * Yeq0[k] for k, G in e0["bath"] if k == i)
            Yi = min(max(e0["P"] * prod * 1e-12, _ZERO_FILL * Yeq0[i]), 1e-3 * Yeq0[i])
            L[i] = math.log(Yi) if Yi > 0 else E0[i] + math.log(_ZERO_FILL)
    # near-mode values (deviations) of the state entries: D_0, ε_i
    dev = [L[0] - E0[0]] + [(L[i] - L[0]) - (E0[i] - E0[0]) for i in range(1, N)]
    modes = [abs(d) < d_switch for d in dev]
    u = np.array([dev[k] if modes[k] else dev[k] + net.offset(tau0, k) for k in range(N)])

    rtol_s = max(1e-2 * rtol, _RTOL_FLOOR)
    atol = rtol
    edge_taus = sorted(math.log(net.m_ref / T) for T in bg.edges() if T > 0)
    xs_out, Ys_out = [x_start], [net.yields(tau0, u, modes)]
    state = dict(n_steps=0, success=True, message="")

    def make_event(k, md):
        if md[k]:  # near -> far when |deviation| reaches d_switch
            def ev(tt, vv):
                return abs(vv[k]) - d_switch
        else:  # far -> near when |deviation| falls to d_switch / 2
            def ev(tt, vv):
                return abs(vv[k] - net.offset(tt, k)) - 0.5 * d_switch
        ev.terminal = True
        return ev

    def integrate(tau_a, tau_b, u, modes):
        cuts = [t for t in edge_taus if tau_a < t < tau_b] + [tau_b]
        t = tau_a
        for tb in cuts:
            n_restart = 0
            while t < tb:
                md = list(modes)
                events = [make_event(k, md) for k in range(N)]
                # chunk: at most Δτ = 1 (0.1 while a fast rate varies exponentially, with
                # steps Δτ ≤ 0.5/κ so that no rate changes by more than e^0.5 per step)
                kappa = net.stiffness_variation(t, u, md)
                if kappa > 2.0:
                    max_step, t_c = 0.5 / kappa, min(tb, t + 0.1)
                else:
                    max_step, t_c = np.inf, min(tb, t + 1.0)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)
                    sol = solve_ivp(
                        lambda tt, vv: net.fun(tt, vv, md),
                        (t, t_c),
                        u,
                        method="Radau",
                        jac=lambda tt, vv: net.jac(tt, vv, md),
                        rtol=rtol_s,
                        atol=atol,
                        events=events,
                        max_step=max_step,
                    )
                if sol.status < 0:
                    state["success"] = False
                    state["message"] = sol.message
                    return t, u, modes
                state["n_steps"] += len(sol.t) - 1
                for k in range(1, len(sol.t)):
                    xs_out.append(math.exp(sol.t[k]))
                    Ys_out.append(net.yields(sol.t[k], sol.y[:, k], md))
                t = float(sol.t[-1])
                u = sol.y[:, -1].copy()
                if sol.status == 1:  # a variable left its band: exact change of variable
                    n_restart += 1
                    for k in range(N):
                        if len(sol.t_events[k]):
                            off = net.offset(t, k)
                            if md[k]:
                                modes[k], u[k] = False, u[k] + off
                            else:
                                modes[k], u[k] = True, u[k] - off
                    if n_restart > 1000:
                        state["success"] = False
                        state["message"] = "too many variable switches"
                        return t, u, modes
        return t, u, modes

    tau = tau0
    Y_end_species = None
    if x_end is not None and math.log(x_end) <= tau0:
        Y_end_species = net.yields(tau0, u, modes)
    if x_end is not None and math.log(x_end) > tau0:
        tau, u, modes = integrate(tau, math.log(x_end), u, modes)
        Y_end_species = net.yields(tau, u, modes)

    # automatic end: all abundant species frozen (D > 40), converting partners gone
    x_auto = max(1e4, 1e3 * x_start)
    while state["success"]:
        if math.log(x_auto) > tau:
            tau, u, modes = integrate(tau, math.log(x_auto), u, modes)
        if not state["success"]:
            break
        e, eps, D, _ = net.decode(tau, u, modes)
        Yn = net.yields(tau, u, modes)
        w = Yn / np.sum(Yn)
        done = True
        for i in range(N):
            if w[i] <= 1e-15:
                continue
            if D[i] < 40.0:
                done = False
            if i != 0 and (any(a == i for a, b, G in e["conv"]) or any(k == i for k, G in e["bath"])):
                done = False
        if done or x_auto >= 1e12:
            if not done:
                state["message"] = "automatic end x = 1e12 reached before all species froze"
            break
        x_auto *= 10.0

    Y_ode = net.yields(tau, u, modes)
    Y_tot = float(np.sum(Y_ode))
    if Y_end_species is None:
        Y_end_species = Y_ode
    tail_I = 0.0
    if tail and state["success"]:
        tail_I, _ = _tail_integral(net, tau, Y_ode / Y_tot)
    Y_today = Y_tot / (1.0 + Y_tot * tail_I)
    return dict(
        omega_h2=None,
        Y_today=Y_today,
        Y_end=float(np.sum(Y_end_species)),
        Y_end_species=np.asarray(Y_end_species),
        x=np.asarray(xs_out),
        Y=np.asarray(Ys_out).T,
        n_steps=state["n_steps"],
        nfev=net.nfev,
        njev=net.njev,
        success=bool(state["success"] and np.isfinite(Y_today)),
        x_ode_end=math.exp(tau),
        tail_fraction=Y_tot / Y_today - 1.0,
        message=state["message"],
    )



# ----------------------------------------------------------------------------- WIMP model


def _wimp_arrays(mass, sigma_v, b, g, self_conjugate, partner_delta, partner_g, coannihilation, conversion_sigma_v, partner_width):
    pd = np.atleast_1d(np.asarray(partner_delta, dtype=np.float64)).reshape(-1)
    k = pd.size
    pg = np.atleast_1d(np.asarray(partner_g, dtype=np.float64)).reshape(-1)
    if pg.size != k:
        raise ValueError(f"partner_g must have {k} entries")
    pw = np.zeros(k) if partner_width is None or np.size(partner_width) == 0 else np.asarray(partner_width, dtype=np.float64).reshape(-1)
    if pw.size != k:
        raise ValueError(f"partner_width must have {k} entries")
    co = np.zeros((k + 1, k + 1)) if coannihilation is None else np.asarray(coannihilation, dtype=np.float64).reshape(k + 1, k + 1)
    masses = float(mass) * np.concatenate([[1.0], 1.0 + pd])
    dofs = np.concatenate([[float(g)], pg])
    if not self_conjugate:
        dofs = 2.0 * dofs
    cm3 = c.CM3_S_TO_GEV2
    fac = 1.0 if self_conjugate else 0.5
    a0, b0, csv = float(sigma_v), float(b), float(conversion_sigma_v)

    def rates(T, x):
        sig = co * cm3
        sig[0, 0] = (a0 + 6.0 * b0 / x) * cm3
        sig = sig * fac
        conv = np.zeros((k + 1, k + 1))
        if k:
            n_gamma = 2.0 * c.ZETA3 / _PI**2 * T**3
            z = masses[1:] / T
            conv[1:, 0] = csv * cm3 * n_gamma + pw * kve(1, z) / kve(2, z)
        return sig, conv, np.zeros(k + 1)

    return masses, dofs, rates


def reference_omega(
    mass,
    sigma_v=0.0,
    b=0.0,
    g=2.0,
    self_conjugate=True,
    partner_delta=(),
    partner_g=(),
    coannihilation=None,
    conversion_sigma_v=0.0,
    partner_width=(),
    x_start=1.0,
    x_end=None,
    rtol=1e-11,
    Y_start=None,
    background=None,
    tail=True,
):
    """Ω h² of ``jaxrelic.models.WIMP(...)`` (same arguments and units) by the reference solver.

    Cross sections in cm³/s (``coannihilation`` entry [0, 0] ignored, ⟨σv⟩_00 = a + 6b/x;
    all ⟨σv⟩ halved if not self-conjugate), masses in GeV, widths in GeV; conversions
    χ_i → χ₀ with Γ_i = conversion_sigma_v n_γ + partner_width_i K₁/K₂(m_i/T).

    Returns
    -------
    dict: omega_h2 (= OMEGA_H2_PER_MY m Y_today), Y_today (Σ_i Y_i today, analytic tail
    included), Y_end (Σ_i Y_i at x_end; at the automatic ODE end if x_end is None),
    x, Y (trajectory, Y shape (N, n)), n_steps, success, and diagnostics
    (nfev, njev, x_ode_end, tail_fraction, Y_end_species, message).
    """
    masses, dofs, rates = _wimp_arrays(
        mass, sigma_v, b, g, self_conjugate, partner_delta, partner_g, coannihilation, conversion_sigma_v, partner_width
    )
    r = reference_network(masses, dofs, rates, x_start=x_start, x_end=x_end, rtol=rtol, Y_start=Y_start, background=background, tail=tail)
    r["omega_h2"] = c.OMEGA_H2_PER_MY * float(mass) * r["Y_today"]
    return r


# ----------------------------------------------------------------------------- freeze-in


def freeze_in_decay_analytic(m_parent, g_parent, width, g_rho, g_s):
    """Y_∞ = 135 g_B Γ M_Pl / (8π³ g_s √(4π³ g_ρ/45) m_B²) for constant g (∫ z³K₁ = 3π/2)."""
    return 135.0 * g_parent * width * c.M_PL / (8.0 * _PI**3 * g_s * math.sqrt(4.0 * _PI**3 * g_rho / 45.0) * m_parent**2)


def reference_freeze_in_decay(
    m_parent, g_parent, width, m_dm, g_dm=2.0, x_start=None, x_end=None, rtol=1e-11, background=None, backreaction=True
):
    """Freeze-in of χ from decays B → χ + SM of a bath particle B (MB equilibrium).

    dY_χ/dt = Γ ⟨m_B/E_B⟩ Y_B^eq (1 − Y_χ/Y_χ^eq),  ⟨m/E⟩ = K₁/K₂(m_B/T),  Y_χ(x_start) = 0,
    x = m_dm/T.  Linear ODE in y = Y_χ/Y_est (Y_est: the constant-g analytic estimate),
    τ = ln x, Radau with analytic Jacobian, split at the g_* table ends.

    Defaults: x_start at T = 1e3 m_B (missed production ~ (1e-3)³/(9π/2) ≈ 7e-11), x_end at
    T = m_B/300.  ``backreaction=False`` drops the (1 − Y_χ/Y_χ^eq) factor (for the check
    against :func:`freeze_in_decay_analytic`; with it the yield is lower by ~ Y_χ/Y_χ^eq at
    T ~ m_B/3, e.g. 9e-9 for m_B = 1 TeV, m_χ = 1 GeV).

    Returns dict: omega_h2, Y_today (= Y_end), Y_end, x, Y (1, n), n_steps, success, Y_analytic_const_g.
    """
    bg = _default_background() if background is None else background
    mB, gB, G, mX, gX = float(m_parent), float(g_parent), float(width), float(m_dm), float(g_dm)
    if x_start is None:
        x_start = mX / (1e3 * mB)
    if x_end is None:
        x_end = 300.0 * mX / mB
    T_mid = mB / 3.0
    g_rho_mid, g_s_mid, _ = bg.all(T_mid)
    Y_est = freeze_in_decay_analytic(mB, gB, G, g_rho_mid, g_s_mid)
    lnpB = math.log(gB * mB * mB / (2.0 * _PI**2))
    lnpX = math.log(gX * mX * mX / (2.0 * _PI**2))
    memo = {}

    def coef(tau):
        r = memo.get(tau)
        if r is not None:
            return r
        if len(memo) > 64:
            memo.clear()
        T = mX / math.exp(tau)
        H, s, opd = bg.state(T)
        zB, zX = mB / T, mX / T
        k1B, k2B, k2X = float(kve(1, zB)), float(kve(2, zB)), float(kve(2, zX))
        lnYB = lnpB + math.log(T / s) + math.log(k2B) - zB
        lnYX = lnpX + math.log(T / s) + math.log(k2X) - zX
        src = opd / H * G * (k1B / k2B) * math.exp(lnYB)  # dY/dτ source
        r = (src / Y_est, src * math.exp(-lnYX) if backreaction else 0.0)  # (source in y units, damping rate)
        memo[tau] = r
        return r

    def fun(tau, y):
        a, k = coef(tau)
        return np.array([a - k * y[0]])

    def jac(tau, y):
        return np.array([[-coef(tau)[1]]])

    t0, t1 = math.log(x_start), math.log(x_end)
    cuts = sorted(math.log(mX / T) for T in bg.edges() if T > 0 and t0 < math.log(mX / T) < t1) + [t1]
    t, y = t0, np.zeros(1)
    xs, ys, n_steps, ok = [x_start], [0.0], 0, True
    for tb in cuts:
        sol = solve_ivp(fun, (t, tb), y, method="Radau", jac=jac, rtol=max(rtol, _RTOL_FLOOR), atol=rtol * 1e-2)
        if sol.status < 0:
            ok = False
            break
        n_steps += len(sol.t) - 1
        xs.extend(np.exp(sol.t[1:]).tolist())
        ys.extend((sol.y[0, 1:] * Y_est).tolist())
        t, y = float(sol.t[-1]), sol.y[:, -1].copy()
    Y = float(y[0] * Y_est)
    return dict(
        omega_h2=c.OMEGA_H2_PER_MY * mX * Y,
        Y_today=Y,
        Y_end=Y,
        x=np.asarray(xs),
        Y=np.asarray(ys)[None, :],
        n_steps=n_steps,
        success=ok,
        Y_analytic_const_g=Y_est,
    )


# ----------------------------------------------------------------------------- self-check


def _cases():
    G2C = c.GEV2_TO_CM3_S
    cases = []
    for m in (0.1, 1.0, 10.0, 100.0, 1e3, 1e4, 1e5):
        cases.append((f"s-wave m={m:g} sv=2.2e-26", dict(mass=m, sigma_v=2.2e-26)))
    cases.append(("p-wave m=100 b=1e-25", dict(mass=100.0, b=1e-25)))
    cases.append(("Dirac m=100 sv=4.4e-26", dict(mass=100.0, sigma_v=4.4e-26, self_conjugate=False)))
    cases.append(("heavy ann m=100 sv=1e-18", dict(mass=100.0, sigma_v=1e-18)))
    cases.append((
        "coann D=0.05 conv=1e-20",
        dict(mass=100.0, sigma_v=2.2e-26, partner_delta=[0.05], partner_g=[2.0],
             coannihilation=[[0, 1e-26], [1e-26, 3e-26]], conversion_sigma_v=1e-20),
    ))
    for cs in (1e-16, 1e-14, 1e-12, 1e-10):
        cases.append((
            f"coscat conv={cs:g}/GeV2",
            dict(mass=100.0, sigma_v=0.0, partner_delta=[0.1], partner_g=[2.0],
                 coannihilation=[[0, 0], [0, 1e-24]], conversion_sigma_v=cs * G2C),
        ))
    for w in (1e-8, 1e-11, 1e-13, 1e-15):
        cases.append((
            f"decay m=500 width={w:g}",
            dict(mass=500.0, sigma_v=0.0, partner_delta=[0.1], partner_g=[2.0],
                 coannihilation=[[0, 0], [0, 1e-25]], partner_width=[w]),
        ))
    return cases


def plain_yield_check(masses, dofs, rates, x_start, x_ode_end=1e4, rtol=1e-10, atol=1e-24, background=None):
    """Cross-check in the *textbook* form: linear Y_i, independent variable x, Radau with a
    finite-difference Jacobian (no log variables, no analytic Jacobian, no step limiter),
    plus the same analytic tail.  Only usable for moderate stiffness (Γ/H ≲ 1e10) and
    accurate to ~1e-8; it validates the signs and factors of the log-variable RHS."""
    bg = _default_background() if background is None else background
    m = np.asarray(masses, dtype=np.float64)
    g = np.asarray(dofs, dtype=np.float64)
    N = m.size
    m0 = m[0]

    def yeq_env(x):
        T = m0 / x
        H, s, opd = bg.state(T)
        z = m / T
        lnYeq = np.log(g * m**2 * T * kve(2, z) / (2.0 * _PI**2) / s) - z
        return T, H, s, opd, np.exp(lnYeq), lnYeq

    def rhs(x, Y):
        T, H, s, opd, Yeq, lnYeq = yeq_env(x)
        sig, conv, bath = rates(T, x)
        dY = np.zeros(N)
        for i in range(N):
            for j in range(N):
                dY[i] -= s * sig[i, j] * (Y[i] * Y[j] - Yeq[i] * Yeq[j])
        for a in range(N):
            for b in range(N):
                if a != b and conv[a, b] != 0.0:
                    F = conv[a, b] * (Y[a] - Y[b] * math.exp(lnYeq[a] - lnYeq[b]))
                    dY[a] -= F
                    dY[b] += F
        dY -= bath * (Y - Yeq)
        return opd / (x * H) * dY

    Y0 = yeq_env(x_start)[-2]
    cuts = sorted(m0 / T for T in bg.edges() if T > 0 and x_start < m0 / T < x_ode_end) + [x_ode_end]
    x, Y = x_start, Y0
    for xb in cuts:
        sol = solve_ivp(rhs, (x, xb), Y, method="Radau", rtol=rtol, atol=atol)
        x, Y = xb, sol.y[:, -1]
    net = _Network(masses, dofs, rates, bg)
    Ytot = float(np.sum(Y))
    I, _ = _tail_integral(net, math.log(x_ode_end), Y / Ytot)
    return Ytot / (1.0 + Ytot * I)


def _background_check():
    """Max relative difference of (H, s, 1+δ) vs jaxrelic.Background.state on a T grid."""
    import jax

    jax.config.update("jax_enable_x64", True)
    from jaxrelic.thermo import Background

    bgj = Background.standard_model()
    bg = _default_background()
    Ts = np.geomspace(1e-6, 1e7, 301)
    Hj, sj, dj = (np.asarray(a) for a in bgj.state(Ts))
    worst = 0.0
    for k, T in enumerate(Ts):
        H, s, d = bg.state(float(T))
        worst = max(worst, abs(H / Hj[k] - 1), abs(s / sj[k] - 1), abs(d - dj[k]))
    return worst


def main():
    print("Reference network solver self-check (tests/network_reference.py)")
    try:
        bgc = f"{_background_check():.1e}"
    except Exception as exc:  # jaxrelic not importable right now
        bgc = f"skipped ({type(exc).__name__}: {exc})"
    print(f"NumpyBackground vs jaxrelic Background.state, max rel. diff of (H, s, 1+δ) on 1e-6…1e7 GeV: {bgc}")
    print()
    print("Ω h² at rtol = 1e-11 (default); conv = |Ω(rtol 1e-10)/Ω(rtol 1e-12) − 1|;")
    print("x_end = |Ω(ODE to 1e8 + tail)/Ω(ODE to auto end + tail) − 1|; tail = Y_ODE-end/Y_today − 1;")
    print("plain = Ω of a textbook linear-Y Radau solve (FD Jacobian, rtol 1e-10, from x = 5–8)/Ω(same x_start) − 1.")
    hdr = f"{'case':30s} {'Omega h2':>17s} {'conv':>8s} {'x_end':>8s} {'tail':>8s} {'plain':>9s} {'steps':>6s} {'t[s]':>5s}"
    print(hdr)
    print("-" * len(hdr))
    worst = 0.0
    for name, kw in _cases():
        t0 = time.perf_counter()
        r = reference_omega(**kw)
        dt = time.perf_counter() - t0
        r10 = reference_omega(**kw, rtol=1e-10)
        r12 = reference_omega(**kw, rtol=1e-12)
        r8 = reference_omega(**kw, x_end=1e8)
        conv = abs(r10["omega_h2"] / r12["omega_h2"] - 1)
        conv8 = abs(r8["omega_h2"] / r["omega_h2"] - 1)
        worst = max(worst, conv, conv8)
        plain = ""
        xs_plain = _PLAIN.get(name)
        if xs_plain is not None:
            arr = _wimp_arrays(*[kw.get(k, d) for k, d in _WIMP_DEFAULTS])
            Yp = plain_yield_check(*arr, x_start=xs_plain)
            Yr = reference_network(*arr, x_start=xs_plain)["Y_today"]
            plain = f"{Yp / Yr - 1:9.1e}"
        flag = "" if r["success"] else "  FAILED " + r["message"]
        print(
            f"{name:30s} {r['omega_h2']:17.11e} {conv:8.1e} {conv8:8.1e} {r['tail_fraction']:8.1e} {plain:>9s} "
            f"{r['n_steps']:6d} {dt:5.2f}{flag}"
        )
    print(f"worst rtol / x_end convergence: {worst:.1e}")
    print()
    print("Freeze-in from decays B → χ + SM (g_B = g_χ = 2); analytic check with constant g_* = g_*s = 100")
    print("(no back-reaction: exact up to the x_start cut, ~7e-11):")
    for mB, mX, w in ((1000.0, 1.0, 1e-20), (100.0, 10.0, 1e-22), (1e4, 1e-3, 1e-18), (100.0, 50.0, 1e-12)):
        t0 = time.perf_counter()
        r = reference_freeze_in_decay(mB, 2.0, w, mX, 2.0)
        dt = time.perf_counter() - t0
        r12 = reference_freeze_in_decay(mB, 2.0, w, mX, 2.0, rtol=1e-12)
        r10 = reference_freeze_in_decay(mB, 2.0, w, mX, 2.0, rtol=1e-10)
        cg = NumpyBackground(g_const=(100.0, 100.0))
        rc = reference_freeze_in_decay(mB, 2.0, w, mX, 2.0, background=cg, backreaction=False)
        ana = freeze_in_decay_analytic(mB, 2.0, w, 100.0, 100.0)
        print(
            f"  m_B={mB:<6g} m_χ={mX:<6g} Γ={w:<6g}  Ω h² = {r['omega_h2']:.11e}"
            f"  conv {abs(r10['Y_today'] / r12['Y_today'] - 1):.1e}  const-g/analytic − 1 = {rc['Y_today'] / ana - 1:.1e}"
            f"  {r['n_steps']} steps {dt:.2f} s"
        )


_WIMP_DEFAULTS = (
    ("mass", None), ("sigma_v", 0.0), ("b", 0.0), ("g", 2.0), ("self_conjugate", True), ("partner_delta", ()),
    ("partner_g", ()), ("coannihilation", None), ("conversion_sigma_v", 0.0), ("partner_width", ()),
)
_PLAIN = {
    "s-wave m=100 sv=2.2e-26": 5.0,
    "p-wave m=100 b=1e-25": 5.0,
    "Dirac m=100 sv=4.4e-26": 5.0,
    "coscat conv=1e-14/GeV2": 8.0,
    "decay m=500 width=1e-13": 8.0,
}


if __name__ == "__main__":
    main()
