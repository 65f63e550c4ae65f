"""Equilibrium statistics and thermal averages (jaxrelic.stats).

References: P. Gondolo & G. Gelmini, Nucl. Phys. B360 (1991) 145 (n_eq, eq. 3.3;
⟨σv⟩, eq. 3.8); J. Edsjö & P. Gondolo, Phys. Rev. D56 (1997) 1879 (unequal
masses, eq. 2.9); Kolb & Turner, *The Early Universe* (1990), ch. 3 (massless
limits).  All references are computed independently with scipy.integrate.quad
(in variables different from the package's Gauss–Laguerre / Legendre rules).
"""

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import scipy.integrate as spint
import scipy.special as sps

from jaxrelic.stats import (
    f_eq,
    kallen,
    kallen_masses,
    log_n_eq,
    log_n_eq_quantum,
    n_eq,
    n_eq_quantum,
    sigma_from_sigma_v,
    thermal_average,
    v_lab,
)

ZETA3 = 1.2020569031595942

# ---------------------------------------------------------------------------------
# Number densities
# ---------------------------------------------------------------------------------


def _log_n_ref(x, eta, g=1.0, T=1.0):
    """ln[g/(2π²) ∫ p² dp/(e^{E/T} + η)] by scipy quad, with the factor e^{-x} taken out analytically."""

    def f(u):
        E = math.sqrt(u * u + x * x)
        boltz = math.exp(-(u * u) / (E + x))  # e^{-(E - x)}
        if eta == 0.0:
            return u * u * boltz
        if eta < 0.0:
            return u * u * boltz / -math.expm1(-E)
        return u * u * boltz / (1.0 + math.exp(-E))

    umax = math.sqrt((x + 80.0) ** 2 - x * x)
    pts = sorted({p for p in (x / 10, x, 10 * x, 1.0, 5.0) if 0.0 < p < umax})
    val = spint.quad(f, 0.0, umax, epsabs=0.0, epsrel=1e-13, limit=1000, points=pts or None)[0]
    return math.log(g * T**3 / (2 * math.pi**2)) + math.log(val) - x


def test_n_eq_mb_formula_vs_quadrature():
    """n_eq = g m² T K₂(m/T)/(2π²) (Gondolo–Gelmini eq. 3.3) against the defining momentum integral."""
    T = 0.37
    g = 2.0
    x = np.geomspace(1e-3, 700.0, 23)
    got = np.asarray(log_n_eq(x * T, T, g))
    ref = np.array([_log_n_ref(xi, 0.0, g, T) for xi in x])
    np.testing.assert_allclose(np.exp(got - ref), 1.0, rtol=1e-10)
    # n itself (no underflow for x ≤ 700 at this T) and far beyond in log form
    np.testing.assert_allclose(np.asarray(n_eq(x[:10] * T, T, g)), np.exp(ref[:10]), rtol=1e-10)
    big = np.array([1e3, 1e4])
    lg = np.asarray(log_n_eq(big * T, T, g))
    assert np.all(np.isfinite(lg))
    np.testing.assert_allclose(lg, np.log(g * (big * T) ** 2 * T / (2 * math.pi**2)) + np.log(sps.kve(2, big)) - big, rtol=1e-14)
    assert n_eq(1.0, 0.05, 2.0).dtype == jnp.float64


_X_GRID = np.array([0.0, 1e-6, 1e-4, 1e-3, 0.003, 0.005, 0.0112, 0.03, 0.05, 0.099, 0.103, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0, 300.0, 1000.0])
_quantum = {s: jax.jit(lambda x, s=s: log_n_eq_quantum(x, 1.0, 1.0, s)) for s in ("FD", "BE", "MB")}


@pytest.mark.parametrize("statistics, eta", [("FD", 1.0), ("BE", -1.0), ("MB", 0.0)])
def test_log_n_eq_quantum_vs_quad(statistics, eta):
    """Docstring accuracy: < 1e-12 relative for 0 ≤ x ≤ 1e3, except BE with 0 < x < 0.1 (< 1e-7)."""
    got = np.asarray(_quantum[statistics](jnp.asarray(_X_GRID)))
    ref = np.array([
        math.log(ZETA3 / math.pi**2) if (eta < 0 and xi == 0.0) else _log_n_ref(xi, eta)
        for xi in _X_GRID
    ])
    rel = np.abs(np.expm1(got - ref))
    for xi, r in zip(_X_GRID, rel):
        tol = 1e-7 if (statistics == "BE" and 0.0 < xi < 0.1) else 1e-12
        assert r < tol, f"{statistics} x={xi}: rel err {r:.3e} (tol {tol})"
    # the brief's looser targets, stated explicitly
    assert rel.max() <= (1e-7 if statistics == "BE" else 1e-10)


def test_log_n_eq_quantum_mb_equals_bessel_formula():
    x = np.geomspace(1e-4, 1e3, 40)
    q = np.asarray(_quantum["MB"](jnp.asarray(x)))
    k = np.asarray(log_n_eq(x, 1.0, 1.0))
    np.testing.assert_allclose(np.exp(q - k), 1.0, rtol=1e-12)


@pytest.mark.parametrize("statistics, factor", [("BE", 1.0), ("FD", 0.75), ("MB", 1.0 / ZETA3)])
def test_massless_limits(statistics, factor):
    """n = g ζ(3) T³/π² × (1 boson, 3/4 fermion); MB: g T³/π² (Kolb–Turner eq. 3.52)."""
    for g, T in ((1.0, 1.0), (2.0, 0.3), (7.0, 1e3)):
        n = float(n_eq_quantum(0.0, T, g, statistics))
        assert n == pytest.approx(factor * g * ZETA3 * T**3 / math.pi**2, rel=1e-12)
    # nearly massless: continuous limit
    n_small = float(n_eq_quantum(1e-9, 1.0, 1.0, statistics))
    assert n_small == pytest.approx(factor * ZETA3 / math.pi**2, rel=1e-8)


def test_f_eq_and_bad_statistics():
    E, T, mu = 2.0, 0.5, 0.3
    z = (E - mu) / T
    assert float(f_eq(E, T, mu, "MB")) == pytest.approx(math.exp(-z), rel=1e-15)
    assert float(f_eq(E, T, mu, "FD")) == pytest.approx(1.0 / (math.exp(z) + 1.0), rel=1e-15)
    assert float(f_eq(E, T, mu, "BE")) == pytest.approx(1.0 / (math.exp(z) - 1.0), rel=1e-15)
    # FD ≤ MB ≤ BE, all → MB for E − μ ≫ T
    e = jnp.linspace(0.1, 30.0, 50)
    fd, mb, be = (np.asarray(f_eq(e, 1.0, 0.0, s)) for s in ("FD", "MB", "BE"))
    assert np.all(fd < mb) and np.all(mb < be)
    # relative quantum corrections ∓e^{-E/T}
    np.testing.assert_allclose(mb / fd - 1.0, np.exp(-np.asarray(e)), rtol=1e-6, atol=1e-15)
    np.testing.assert_allclose(1.0 - mb / be, np.exp(-np.asarray(e)), rtol=1e-6, atol=1e-15)
    with pytest.raises(ValueError, match="statistics"):
        f_eq(1.0, 1.0, 0.0, "XX")
    with pytest.raises(ValueError, match="statistics"):
        log_n_eq_quantum(1.0, 1.0, 1.0, "boltzmann")


# ---------------------------------------------------------------------------------
# Thermal averages (Gondolo–Gelmini 1991; Edsjö–Gondolo 1997)
# ---------------------------------------------------------------------------------


def _v_lab_np(s, m1, m2):
    return np.sqrt((s - (m1 + m2) ** 2) * (s - (m1 - m2) ** 2)) / (s - m1**2 - m2**2)


def _gg_ref(sigma, m1, m2, T, sqrt_s_th=None):
    """⟨σv⟩ = ∫ ds σ λ(s,m1²,m2²) K₁(√s/T)/√s ÷ [8 m1² m2² T K₂(m1/T) K₂(m2/T)] (Edsjö–Gondolo eq. 2.9).

    Integrated over √s with scipy quad, scaled Bessel functions from scipy.
    """
    lo = m1 + m2 if sqrt_s_th is None else sqrt_s_th

    def f(rs):
        s = rs * rs
        lam = (s - (m1 + m2) ** 2) * (s - (m1 - m2) ** 2)
        # K1(rs/T) e^{(m1+m2)/T} = kve(1, rs/T) e^{-(rs - m1 - m2)/T}
        return 2.0 * rs * sigma(s) * lam * sps.kve(1, rs / T) * math.exp(-(rs - m1 - m2) / T) / rs

    hi = lo + 200.0 * T
    val = spint.quad(f, lo, hi, epsabs=0.0, epsrel=1e-12, limit=500)[0]
    return val / (8.0 * m1**2 * m2**2 * T * sps.kve(2, m1 / T) * sps.kve(2, m2 / T))


_X_TA = jnp.asarray(np.geomspace(1.0, 1e4, 41))


@pytest.mark.parametrize("m1, m2", [(1.0, 1.0), (1.0, 3.0), (1.0, 0.1), (100.0, 1.0)])
def test_constant_sigma_v_lab_is_exact(m1, m2):
    """σ v_lab = a ⇒ ⟨σv⟩ = a exactly (σ v_Møl = a p1·p2/E1E2 = a(1 − v⃗1·v⃗2), ⟨v⃗1·v⃗2⟩ = 0)."""
    a = 3.0e-9
    T = min(m1, m2) / _X_TA
    sv = np.asarray(jax.jit(lambda t: thermal_average(sigma_from_sigma_v(a, 0.0, m1, m2), m1, m2, t))(T))
    tol = 1e-12 if m1 == m2 else 1e-10  # mass ratio 100: 2e-11 measured
    np.testing.assert_allclose(sv, a, rtol=tol)


def test_p_wave_expansion():
    """σ v_lab = b v² ⇒ ⟨σv⟩ = 6b/x (1 + c/x + …) (Gondolo–Gelmini 1991 §6), c → −4.5 (−27b/x²)."""
    b = 1.0
    m = 10.0
    x = jnp.asarray([30.0, 100.0, 300.0, 1000.0, 3162.2776601683795, 1e4])
    sv = np.asarray(jax.jit(lambda t: thermal_average(sigma_from_sigma_v(0.0, b, m, m), m, m, t))(m / x))
    xn = np.asarray(x)
    c = (sv * xn / (6 * b) - 1.0) * xn
    # (⟨σv⟩x/6b − 1)·x tends to a constant: successive differences shrink like 1/x
    d = np.abs(np.diff(c))
    assert np.all(d[1:] < d[:-1])
    assert abs(c[-1] - c[-2]) < 0.01
    c_inf = (xn[-1] * c[-1] - xn[-2] * c[-2]) / (xn[-1] - xn[-2])  # Richardson, c = c∞ + d/x
    assert c_inf == pytest.approx(-4.5, abs=2e-3)
    # and each value against the independent quadrature
    for xi, svi in zip(xn[:4], sv[:4]):
        ref = _gg_ref(lambda s: b * _v_lab_np(s, m, m), m, m, m / xi)
        assert svi == pytest.approx(ref, rel=1e-9)


def _f_smooth(s):
    return (1.0 + s / 10.0) / (s + 25.0)


@pytest.mark.parametrize("wave", [-1, 1])
@pytest.mark.parametrize("m1, m2, T", [(1.0, 3.0, 0.5), (1.0, 3.0, 0.05), (2.0, 0.5, 1.0), (2.0, 0.5, 0.01), (10.0, 12.0, 0.4), (1.0, 1.0, 2.0)])
def test_unequal_masses_vs_quad(wave, m1, m2, T):
    """s-wave (σ ∝ f(s)/v) and p-wave (σ ∝ f(s) v) with unequal masses, Edsjö–Gondolo eq. 2.9."""
    sigma_j = lambda s: _f_smooth(s) * v_lab(s, m1, m2) ** wave  # noqa: E731
    sigma_n = lambda s: _f_smooth(s) * _v_lab_np(s, m1, m2) ** wave  # noqa: E731
    got = float(thermal_average(sigma_j, m1, m2, T))
    ref = _gg_ref(sigma_n, m1, m2, T)
    assert got == pytest.approx(ref, rel=1e-8)


def test_unequal_masses_vs_brute_force_phase_space():
    """n1 n2 ⟨σv⟩ = g1 g2 ∫ d³p1 d³p2/(2π)⁶ f1 f2 σ v_Møl, v_Møl = √λ/(2E1E2) (Gondolo–Gelmini eq. 3.1),
    integrated directly over (|p1|, |p2|, cos θ) with scipy (Maxwell–Boltzmann f = e^{-E/T})."""
    m1, m2, T = 1.0, 3.0, 0.5

    def sigma_n(s):
        return _f_smooth(s) / _v_lab_np(s, m1, m2)

    def integrand(ct, q2, q1):
        p1, p2 = T * q1, T * q2
        E1, E2 = math.hypot(p1, m1), math.hypot(p2, m2)
        s = m1 * m1 + m2 * m2 + 2.0 * (E1 * E2 - p1 * p2 * ct)
        lam = (s - (m1 + m2) ** 2) * (s - (m1 - m2) ** 2)
        if lam <= 0.0:
            return 0.0
        v_mol = math.sqrt(lam) / (2.0 * E1 * E2)
        # d³p1 d³p2 = 8π² p1² p2² dp1 dp2 dcosθ; e^{-(E-m)/T}: factors e^{-m/T} cancel with n_eq below
        return 8.0 * math.pi**2 * (p1 * p2 * T) ** 2 * math.exp(-(E1 - m1) / T - (E2 - m2) / T) * sigma_n(s) * v_mol

    opts = {"epsrel": 1e-9, "epsabs": 0.0}
    val = spint.nquad(integrand, [[-1.0, 1.0], [0.0, 60.0], [0.0, 60.0]], opts=[opts, opts, opts])[0] / (2 * math.pi) ** 6
    n1 = m1**2 * T * sps.kve(2, m1 / T) / (2 * math.pi**2)  # n_eq e^{m/T}, g = 1
    n2 = m2**2 * T * sps.kve(2, m2 / T) / (2 * math.pi**2)
    got = float(thermal_average(lambda s: _f_smooth(s) / v_lab(s, m1, m2), m1, m2, T))
    assert got == pytest.approx(val / (n1 * n2), rel=1e-6)


@pytest.mark.parametrize("T", [0.02, 0.05, 0.2, 1.0, 5.0])
def test_threshold_process_vs_quad(T):
    """Endothermic channel: σ ∝ √(s − s_th)/s above √s_th = 2.7 > m1 + m2 = 2.2 (e.g. ν γ̂ → τ̂ γ̂)."""
    m1, m2, rs_th = 1.0, 1.2, 2.7

    def sigma_j(s):
        return 2.0 * jnp.sqrt(jnp.maximum(s - rs_th**2, 0.0)) / s

    def sigma_n(s):
        return 2.0 * math.sqrt(max(s - rs_th**2, 0.0)) / s

    got = float(thermal_average(sigma_j, m1, m2, T, sqrt_s_threshold=rs_th))
    ref = _gg_ref(sigma_n, m1, m2, T, sqrt_s_th=rs_th)
    assert got == pytest.approx(ref, rel=1e-9)
    # Boltzmann suppression e^{-(√s_th − m1 − m2)/T} is carried analytically (no underflow)
    assert got > 0.0


def test_kinematic_helpers_and_vmap():
    s = np.array([7.5, 9.0, 30.0])
    m1, m2 = 1.0, 1.7
    np.testing.assert_allclose(np.asarray(kallen_masses(s, m1, m2)), np.asarray(kallen(s, m1**2, m2**2)), rtol=1e-13)
    # v_lab = speed of 1 in the rest frame of 2: s = m1² + m2² + 2 m2 E1
    E1 = (s - m1**2 - m2**2) / (2 * m2)
    np.testing.assert_allclose(np.asarray(v_lab(s, m1, m2)), np.sqrt(E1**2 - m1**2) / E1, rtol=1e-13)
    # thermal_average vectorises over T and maps over masses
    T = jnp.asarray([[0.1, 0.2], [0.5, 1.0]])
    out = jax.jit(lambda t: thermal_average(sigma_from_sigma_v(1.0, 0.5, 1.0, 1.0), 1.0, 1.0, t))(T)
    assert out.shape == (2, 2) and out.dtype == jnp.float64
    f = jax.jit(jax.vmap(lambda m: thermal_average(sigma_from_sigma_v(1.0, 0.0, m, m), m, m, 0.05)))
    np.testing.assert_allclose(np.asarray(f(jnp.asarray([0.5, 1.0, 2.0]))), 1.0, rtol=1e-12)
    # differentiable in T (freeze-out derivatives): d⟨σv⟩/dT for b v² is 6b/m (1 − 9T/m + …)
    d = jax.jit(jax.grad(lambda t: thermal_average(sigma_from_sigma_v(0.0, 1.0, 1.0, 1.0), 1.0, 1.0, t)))(1e-3)
    assert float(d) == pytest.approx(6.0 * (1.0 - 9.0e-3), rel=1e-3)
