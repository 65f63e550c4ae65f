"""Quadrature, cubic spline, ODE wrapper and status codes (jaxrelic.numerics).

References: Golub & Welsch, Math. Comp. 23 (1969) 221 (Gauss rules);
scipy.special.roots_genlaguerre (Newton-refined generalised Gauss–Laguerre);
scipy.interpolate.CubicSpline(bc_type="natural"); Hairer & Wanner, *Solving
ODEs II* (stiff problems, manufactured solutions).
"""

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import scipy.interpolate as spi
import scipy.special as sps

from jaxrelic.numerics import status as st
from jaxrelic.numerics.interpolate import CubicSpline, linear_interp
from jaxrelic.numerics.ode import solve_ode
from jaxrelic.numerics.quadrature import gauss_laguerre, gauss_legendre, integrate_interval, legendre_on

# ---------------------------------------------------------------------------------
# Gauss–Legendre
# ---------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 2, 5, 16, 64])
def test_gauss_legendre_exact_to_degree_2n_minus_1(n):
    x, w = gauss_legendre(n)
    assert x.dtype == np.float64 and w.dtype == np.float64 and x.shape == (n,)
    for k in range(2 * n):
        exact = 2.0 / (k + 1) if k % 2 == 0 else 0.0
        assert abs(np.sum(w * x**k) - exact) < 2e-14, (n, k)
    if n <= 5:  # degree 2n is the first one the rule cannot integrate
        exact = 2.0 / (2 * n + 1)
        assert abs(np.sum(w * x ** (2 * n)) - exact) > 1e-6


def test_legendre_on_and_integrate_interval():
    # ∫_a^b p(x) dx for a degree-7 polynomial with 4 nodes (exact), traced endpoints
    coef = np.array([0.3, -1.2, 0.5, 2.0, -0.7, 0.1, 0.05, -0.02])
    p = np.polynomial.Polynomial(coef)
    P = p.integ()
    a, b = -0.7, 2.3
    nodes, weights = legendre_on(a, b, 4)
    got = jnp.sum(jnp.polyval(jnp.asarray(coef[::-1]), nodes) * weights)
    assert float(got) == pytest.approx(P(b) - P(a), rel=1e-14)
    # composite rule with panels, jit-compatible with traced limits
    f = jax.jit(lambda lo, hi: integrate_interval(jnp.sin, lo, hi, n=16, panels=4))
    assert float(f(0.0, jnp.pi)) == pytest.approx(2.0, rel=1e-14)
    assert float(f(1.0, 1.0)) == 0.0
    # batched limits broadcast (used by the statistics module)
    nodes, weights = legendre_on(jnp.array([0.0, 1.0]), jnp.array([1.0, 3.0]), 8)
    np.testing.assert_allclose(np.asarray(jnp.sum(weights, axis=-1)), [1.0, 2.0], rtol=1e-15)


def test_gauss_rules_reject_bad_arguments():
    with pytest.raises(ValueError):
        gauss_legendre(0)
    with pytest.raises(ValueError):
        gauss_laguerre(0)
    with pytest.raises(ValueError, match="alpha"):
        gauss_laguerre(8, -1.0)


# ---------------------------------------------------------------------------------
# Generalised Gauss–Laguerre: ∫_0^∞ x^α e^{-x} x^k dx = Γ(α + k + 1)
# ---------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 2, 4, 8, 12, 16])
@pytest.mark.parametrize("alpha", [0.0, 0.5, -0.5, 1.0, 2.5])
def test_gauss_laguerre_exact_gamma_moments(n, alpha):
    x, w = gauss_laguerre(n, alpha)
    assert np.all(x > 0) and np.all(np.diff(x) > 0) and np.all(w > 0)
    for k in range(2 * n):
        exact = math.exp(math.lgamma(alpha + k + 1))
        assert abs(np.sum(w * x**k) / exact - 1.0) < 1e-12, (n, alpha, k)
    if n <= 8:  # degree 2n is not exact
        exact = math.exp(math.lgamma(alpha + 2 * n + 1))
        assert abs(np.sum(w * x ** (2 * n)) / exact - 1.0) > 1e-8


@pytest.mark.parametrize("n, alpha", [(48, 0.0), (64, 0.5), (32, 1.0)])
def test_gauss_laguerre_production_sizes(n, alpha):
    """Rules used in the package: species_dof (48, 0), thermal_average (64, ½), cogenesis (32, 1).

    Nodes and all non-negligible weights agree with the Newton-refined rule of
    scipy; low moments are exact.  The Golub–Welsch eigenvectors only carry
    *absolute* precision, so weights far below 1e-20 (nodes x ≳ 40) are not
    relatively accurate: their error is bounded by 1e-13 √w + 1e-32 (the
    eigenvector's absolute precision), which keeps the error of any integrand
    growing slower than x^5 below ~1e-15.  (Full 2n−1 exactness, which the
    Newton-refined rule achieves, fails for these n beyond degree ~17-20.)
    """
    x, w = gauss_laguerre(n, alpha)
    xs, ws = sps.roots_genlaguerre(n, alpha)
    np.testing.assert_allclose(x, xs, rtol=1e-12)
    big = ws > 1e-15
    np.testing.assert_allclose(w[big], ws[big], rtol=1e-9)
    assert np.all(np.abs(w - ws) <= 1e-13 * np.sqrt(ws) + 1e-32)
    for k in range(12):
        exact = math.exp(math.lgamma(alpha + k + 1))
        assert abs(np.sum(w * x**k) / exact - 1.0) < 1e-12, k
    # a smooth, non-polynomial integrand of the thermal-average type:
    # ∫ x^α e^{-x} /(1 + x) dx = Γ(α+1) e Γ(-α, 1)  (U-function), α = 0: e E_1(1)
    if alpha == 0.0:
        got = np.sum(w / (1.0 + x))
        assert got == pytest.approx(math.e * sps.exp1(1.0), rel=1e-6)
    assert gauss_laguerre(n, alpha) is gauss_laguerre(n, alpha)  # cached


# ---------------------------------------------------------------------------------
# Cubic spline
# ---------------------------------------------------------------------------------

_RNG = np.random.default_rng(20240611)
_XK = np.sort(np.concatenate([[0.0, 10.0], _RNG.uniform(0.0, 10.0, 23)]))
_YK = np.sin(_XK) + 0.1 * _XK**2 - 0.3 * np.cos(3.0 * _XK)


def test_spline_matches_scipy_natural():
    s = CubicSpline(_XK, _YK)
    ref = spi.CubicSpline(_XK, _YK, bc_type="natural")
    xq = np.concatenate([np.linspace(0.0, 10.0, 2001), _XK])
    val, der = s.value_and_derivative(xq)
    scale = np.abs(_YK).max()
    np.testing.assert_allclose(np.asarray(val), ref(xq), rtol=0, atol=1e-13 * scale)
    np.testing.assert_allclose(np.asarray(der), ref(xq, 1), rtol=0, atol=1e-12 * scale)
    np.testing.assert_allclose(np.asarray(s(xq)), np.asarray(val), rtol=0, atol=0)
    np.testing.assert_allclose(np.asarray(s.derivative(xq)), np.asarray(der), rtol=0, atol=0)
    # interpolation property
    np.testing.assert_allclose(np.asarray(s(_XK)), _YK, rtol=0, atol=1e-14 * scale)
    # natural boundary conditions: second derivative zero at the ends
    assert float(s.m[0]) == 0.0 and float(s.m[-1]) == 0.0


def test_spline_three_knots_and_bad_input():
    x = np.array([0.0, 0.4, 1.5])
    y = np.array([1.0, -2.0, 0.5])
    s = CubicSpline(x, y)
    ref = spi.CubicSpline(x, y, bc_type="natural")
    xq = np.linspace(0.0, 1.5, 31)
    np.testing.assert_allclose(np.asarray(s(xq)), ref(xq), atol=1e-14)
    np.testing.assert_allclose(np.asarray(s.derivative(xq)), ref(xq, 1), atol=1e-13)
    with pytest.raises(ValueError):
        CubicSpline([0.0, 1.0], [1.0, 2.0])
    with pytest.raises(ValueError):
        CubicSpline([0.0, 1.0, 2.0], [1.0, 2.0])


def test_spline_multi_column():
    Y = np.stack([_YK, np.exp(-_XK / 3.0), _XK**3 / 100.0], axis=1)
    s = CubicSpline(_XK, Y)
    xq = np.linspace(-1.0, 11.0, 301)
    val, der = s.value_and_derivative(xq)
    assert val.shape == (301, 3) and der.shape == (301, 3)
    for k in range(3):
        sk = CubicSpline(_XK, Y[:, k])
        v, d = sk.value_and_derivative(xq)
        np.testing.assert_allclose(np.asarray(val[:, k]), np.asarray(v), rtol=1e-15, atol=1e-15)
        np.testing.assert_allclose(np.asarray(der[:, k]), np.asarray(d), rtol=1e-15, atol=1e-15)
        inside = (xq >= 0) & (xq <= 10)
        ref = spi.CubicSpline(_XK, Y[:, k], bc_type="natural")
        np.testing.assert_allclose(np.asarray(val[inside, k]), ref(xq[inside]), atol=1e-12)


def test_spline_linear_extension():
    s = CubicSpline(_XK, _YK)
    ref = spi.CubicSpline(_XK, _YK, bc_type="natural")
    for x_end, sign in ((_XK[0], -1.0), (_XK[-1], 1.0)):
        slope = ref(x_end, 1)
        dx = sign * np.array([1e-6, 0.3, 2.0, 50.0])
        val, der = s.value_and_derivative(x_end + dx)
        np.testing.assert_allclose(np.asarray(val), ref(x_end) + slope * dx, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(np.asarray(der), np.full(4, slope), rtol=1e-12, atol=1e-12)
    # linear_interp: constant extension (jnp.interp)
    np.testing.assert_allclose(np.asarray(linear_interp([-1.0, 0.5, 20.0], _XK, _YK)),
                               [_YK[0], np.interp(0.5, _XK, _YK), _YK[-1]])


def test_spline_gradient_through_construction():
    """∂S(x_q)/∂y_j is the natural cardinal spline of e_j (the spline is linear in y)."""
    xq = jnp.asarray([0.05, 1.7, 4.44, 9.9, 10.5])
    grad = jax.jit(jax.jacrev(lambda y: CubicSpline(_XK, y)(xq)))(jnp.asarray(_YK))
    n = _XK.size
    basis = np.stack([spi.CubicSpline(_XK, np.eye(n)[j], bc_type="natural")(np.asarray(xq[:4])) for j in range(n)], axis=1)
    np.testing.assert_allclose(np.asarray(grad[:4]), basis, atol=1e-13)
    # derivative w.r.t. the knot positions vs central differences (tables that depend on parameters)
    f = jax.jit(lambda x: jnp.sum(CubicSpline(x, jnp.asarray(_YK))(xq[:4]) ** 2))
    g = np.asarray(jax.grad(f)(jnp.asarray(_XK)))
    h = 1e-6
    for j in (0, 5, 12, n - 1):
        e = np.zeros(n)
        e[j] = h
        fd = (float(f(jnp.asarray(_XK + e))) - float(f(jnp.asarray(_XK - e)))) / (2 * h)
        assert g[j] == pytest.approx(fd, rel=1e-5, abs=1e-8)


# ---------------------------------------------------------------------------------
# ODE wrapper: stiff problems with exact (manufactured) solutions
# ---------------------------------------------------------------------------------
#
# Log-nonlinear form of a Boltzmann equation (dY/dt = −λ(Y² − Y_eq²), y = ln Y):
#     dy/dt = −λ(t) (e^y − e^{2u(t) − y}).
# Choosing the solution y*(t) and the relaxation strength λ(t) = λ0 e^{−y*(t)}
# (so that the relaxation rate 2λe^u ≈ 2λ0 is the stiffness ratio), the source
# u(t) = y* + ½ ln(1 + y*'/λ0) makes y* an exact solution for any λ0.

_MANUFACTURED = {
    # Boltzmann-like ln(x^{3/2} e^{-x}) in t = ln x, x from 1 to e^3
    "boltzmann": (lambda t: 1.5 * t - jnp.exp(t), lambda t: 1.5 - jnp.exp(t), 3.0),
    "quadratic": (lambda t: -t - 0.1 * t**2, lambda t: -1.0 - 0.2 * t, 10.0),
    "oscillating": (lambda t: -t - 0.5 * jnp.sin(2.0 * t), lambda t: -1.0 - jnp.cos(2.0 * t), 10.0),
}
_LAMBDA0 = jnp.asarray([1e2, 1e4, 1e6, 1e8, 1e10, 1e12, 1e14])


def _make_log_solver(ystar, dystar, t1):
    def rhs(t, y, lam0):
        lam = lam0 * jnp.exp(-ystar(t))
        u = ystar(t) + 0.5 * jnp.log1p(dystar(t) / lam0)
        return -lam * (jnp.exp(y) - jnp.exp(2.0 * u - y))

    def solve(lam0):
        r = solve_ode(rhs, ystar(jnp.asarray(0.0)), 0.0, t1, args=lam0)
        return jnp.abs(r.ys[-1] - ystar(jnp.asarray(t1))), r.status, r.num_steps

    return jax.jit(jax.vmap(solve))


@pytest.mark.parametrize("case", sorted(_MANUFACTURED))
def test_solve_ode_log_nonlinear_stiff(case):
    err, status, steps = _make_log_solver(*_MANUFACTURED[case])(_LAMBDA0)
    err, status, steps = np.asarray(err), np.asarray(status), np.asarray(steps)
    assert np.all(status == st.SUCCESS), status
    # end point (a true step, no dense-output interpolation): rtol = 1e-8 per step
    assert err.max() < 1e-6, err
    # the stiff solver does not degrade with stiffness (ode.py docstring: ~40–100 steps)
    assert steps[_LAMBDA0 >= 1e6].max() <= 300, steps


def _linear_rhs(t, y, lam):
    return -lam * (y - jnp.cos(t)) - jnp.sin(t)


@jax.jit
@jax.vmap
def _solve_linear(lam):
    ts = jnp.asarray([0.5, 2.0, 5.0])
    r = solve_ode(_linear_rhs, jnp.asarray(2.0), 0.0, 5.0, args=lam, ts=ts)
    exact = jnp.cos(ts) + jnp.exp(-lam * ts)
    return jnp.abs(r.ys - exact), r.status


def test_solve_ode_linear_stiff_with_transient():
    """dy/dt = −λ(y − cos t) − sin t, y(0) = 2: y = cos t + e^{−λt} (initial layer of width 1/λ).

    Up to λ = 1e6, the largest rate the network hands to the solver (rate_cap).
    """
    err, status = _solve_linear(jnp.asarray([1.0, 1e3, 1e6]))
    err, status = np.asarray(err), np.asarray(status)
    assert np.all(status == st.SUCCESS)
    assert err[:, -1].max() < 1e-7  # end point
    assert err.max() < 1e-4  # save points use diffrax's dense (Hermite) interpolation


def test_solve_ode_max_steps_status():
    r = solve_ode(_linear_rhs, jnp.asarray(2.0), 0.0, 5.0, args=1e3, max_steps=4)
    assert int(r.status) == st.MAX_STEPS
    assert st.status_name(r.status) == "max_steps_reached"
    assert r.status.dtype == jnp.int32


def test_solve_ode_nonfinite_status():
    """A solve that 'succeeds' with a non-finite state is flagged NONFINITE, never silent."""
    r = solve_ode(lambda t, y, a: jnp.zeros_like(y), jnp.asarray([1.0, jnp.inf]), 0.0, 1.0, dt0=0.1)
    assert int(r.status) == st.NONFINITE
    assert st.status_name(r.status) == "nonfinite_result"


def test_solve_ode_forward_adjoint_and_bad_adjoint():
    # y(T) = cos T + e^{−λT}; dy(T)/dλ = −T e^{−λT}
    def yT(lam, adjoint):
        return solve_ode(_linear_rhs, jnp.asarray(2.0), 0.0, 2.0, args=lam, adjoint=adjoint, rtol=1e-10, atol=1e-12).ys[-1]

    d = jax.jit(jax.jacfwd(lambda lam: yT(lam, "forward")))(jnp.asarray(1.5))
    assert float(d) == pytest.approx(-2.0 * math.exp(-3.0), rel=1e-6)
    with pytest.raises(ValueError, match="adjoint"):
        solve_ode(_linear_rhs, jnp.asarray(2.0), 0.0, 1.0, args=1.0, adjoint="backsolve")


# ---------------------------------------------------------------------------------
# Status helpers
# ---------------------------------------------------------------------------------


def test_status_helpers():
    a = jnp.asarray([st.SUCCESS, st.SUCCESS, st.MAX_STEPS], dtype=jnp.int32)
    b = jnp.asarray([st.SUCCESS, st.NOT_CONVERGED, st.SOLVER_FAILED])
    np.testing.assert_array_equal(np.asarray(st.combine(a, b)), [0, st.NOT_CONVERGED, st.MAX_STEPS])
    vals = jnp.asarray([[1.0, 2.0], [jnp.nan, 0.0], [jnp.inf, 1.0]])
    flagged = st.flag_nonfinite(a, vals)
    np.testing.assert_array_equal(np.asarray(flagged), [st.SUCCESS, st.NONFINITE, st.MAX_STEPS])
    assert flagged.dtype == jnp.int32
    assert st.status_name(st.OUT_OF_RANGE) == "out_of_range"
    assert st.status_name(99) == "unknown(99)"
    # works under jit and vmap
    out = jax.jit(jax.vmap(lambda s, v: st.flag_nonfinite(s, v)))(a, vals)
    np.testing.assert_array_equal(np.asarray(out), np.asarray(flagged))


def test_cubic_spline_uniform_lookup_matches_binary_search():
    """uniform=True (arithmetic segment index) gives the same spline as searchsorted."""
    x = np.linspace(-2.0, 3.0, 41)
    y = np.sin(2.0 * x) + 0.1 * x**2
    s_bin = CubicSpline(x, y)
    s_uni = CubicSpline(x, y, uniform=True)
    xq = np.concatenate([np.linspace(-2.5, 3.5, 997), x])  # includes every knot and both extensions
    v0, d0 = s_bin.value_and_derivative(xq)
    v1, d1 = s_uni.value_and_derivative(xq)
    np.testing.assert_allclose(np.asarray(v1), np.asarray(v0), rtol=0, atol=1e-14)
    np.testing.assert_allclose(np.asarray(d1), np.asarray(d0), rtol=0, atol=1e-12)
