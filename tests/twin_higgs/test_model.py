"""Tests of the TwinHiggs model point (arXiv:1805.12139; twin_model.md §1-2, §3.11)."""

import math

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxrelic  # noqa: F401  (enables float64)
from jaxrelic.models.twin_higgs import TwinHiggs

BENCH = dict(m_nu=1.0, delta=0.1, r=0.5, theta1=1e-3)


def test_fields_are_float64_scalars():
    m = TwinHiggs(**BENCH)
    for name in ("m_nu", "delta", "r", "theta1", "e_hat", "epsilon"):
        x = getattr(m, name)
        assert isinstance(x, jax.Array)
        assert x.dtype == jnp.float64 and x.shape == ()
    assert float(m.e_hat) == 0.3  # paper's fixed value (§1)
    assert m.m_tau.dtype == jnp.float64 and m.mu1.dtype == jnp.float64


def test_benchmark_derived_quantities():
    """§3.11 benchmark: exact theta2, g_L, g_R, mu1 (printed to 7 digits)."""
    m = TwinHiggs(**BENCH)
    assert float(m.m_tau) == pytest.approx(1.1, rel=1e-15, abs=0)
    assert float(m.m_gamma) == pytest.approx(0.5, rel=1e-15, abs=0)
    assert float(m.theta2) == pytest.approx(9.0909096e-4, rel=1e-7, abs=0)
    assert float(m.g_L) == pytest.approx(-9.090905e-4, rel=1e-6, abs=0)
    assert float(m.g_R) == pytest.approx(-9.999993e-4, rel=1e-6, abs=0)
    assert float(m.mu1) == pytest.approx(1.909090e-4, rel=1e-6, abs=0)
    # alpha_hat = e_hat^2/4pi = 7.1620e-3 (§1)
    assert float(m.alpha_hat) == pytest.approx(7.1620e-3, abs=5e-8)
    assert not bool(m.decay_open)
    assert bool(TwinHiggs(1.0, 0.1, 0.05, 1e-3).decay_open)  # r < delta (§2.4)


@pytest.mark.parametrize("theta1", [1e-4, 0.05, 0.5, 0.78])
def test_exact_mixing_from_svd(theta1):
    """§2.2-2.3: theta1, theta2, masses are the SVD of the gauge-basis mass matrix
    [[m_tauB, 0], [mu1, m_nuB]], built here only from (m_tauB, m_nuB, mu1)."""
    m = TwinHiggs(1.3, 0.4, 0.3, theta1)
    a, b, mu = float(m.m_tau_B), float(m.m_nu_B), float(m.mu1)
    mass = np.array([[a, 0.0], [mu, b]])
    # singular values = physical masses
    sv = np.linalg.svd(mass, compute_uv=False)
    np.testing.assert_allclose(sv, [float(m.m_tau), float(m.m_nu)], rtol=1e-13)
    # mass eigenvalues as printed in the paper (§2.2), exact for mu2 = 0
    tr = mu * mu + a * a + b * b
    disc = math.sqrt(tr * tr - 4 * a * a * b * b)
    assert math.sqrt(0.5 * (tr + disc)) == pytest.approx(float(m.m_tau), rel=1e-13, abs=0)
    assert math.sqrt(0.5 * (tr - disc)) == pytest.approx(float(m.m_nu), rel=1e-12, abs=0)
    # exact angles (§2.3): MM^T is diagonalised by theta1, M^T M by theta2
    t1 = 0.5 * math.atan2(2 * mu * a, a * a - b * b - mu * mu)
    t2 = 0.5 * math.atan2(2 * mu * b, a * a - b * b + mu * mu)
    assert t1 == pytest.approx(theta1, rel=1e-12, abs=0)
    assert t2 == pytest.approx(float(m.theta2), rel=1e-12, abs=0)
    # the (tau^c, nu_L) entry is mu2 = 0 by construction of theta2
    mm = np.asarray(m.mass_matrix())
    assert abs(mm[0, 1]) < 1e-14 * a
    assert mm[1, 0] == pytest.approx(mu, rel=1e-12, abs=0)


def test_paper_small_angle_forms():
    """§2.2 (paper's printed small-angle relations) agree with the exact ones to O(theta^2)."""
    for theta1 in (1e-3, 1e-2):
        m = TwinHiggs(1.0, 0.1, 0.5, theta1)
        a, b, mu = float(m.m_tau_B), float(m.m_nu_B), float(m.mu1)
        s1_paper = mu * a / (a * a - b * b + mu * mu)
        s2_paper = b / a * s1_paper
        assert abs(s1_paper / math.sin(theta1) - 1) < 3 * theta1**2
        assert abs(s2_paper / math.sin(float(m.theta2)) - 1) < 3 * theta1**2
        # g_R ~ -theta1, g_L ~ -theta1/(1+Delta) (§2.5)
        assert float(m.g_R) == pytest.approx(-theta1, rel=2 * theta1**2, abs=0)
        assert float(m.g_L) == pytest.approx(-theta1 / 1.1, rel=2 * theta1**2, abs=0)


def test_goldstone_couplings():
    """§2.6: k.J couples to P_L with -mu1 [1 + O(theta^2)], to P_R only at O(theta^3)."""
    for theta1 in (1e-3, 1e-2, 1e-1):
        m = TwinHiggs(1.0, 0.1, 0.5, theta1)
        mt, mn, gl, gr = (float(x) for x in (m.m_tau, m.m_nu, m.g_L, m.g_R))
        c_left = gr * mt - gl * mn
        c_right = gl * mt - gr * mn
        assert c_left / -float(m.mu1) == pytest.approx(1.0, abs=2 * theta1**2)
        assert abs(c_right) < 0.2 * theta1**3 * mt


BAD = [
    ("m_nu", 0.0),
    ("m_nu", -1.0),
    ("delta", 0.0),
    ("delta", -0.1),
    ("r", 0.0),
    ("r", -0.5),
    ("theta1", 0.0),
    ("theta1", -1e-3),
    ("theta1", math.pi / 4),
    ("theta1", 1.0),
    ("e_hat", 0.0),
    ("e_hat", -0.3),
    ("epsilon", -1e-3),
    ("m_nu", float("nan")),
    ("delta", float("nan")),
    ("r", float("inf")),
    ("theta1", float("nan")),
    ("e_hat", float("nan")),
    ("epsilon", float("nan")),
    ("m_nu", 0.019),
    ("m_nu", 101.0),
    ("e_hat", 3.6),
]


@pytest.mark.parametrize("name,value", BAD)
def test_concrete_bad_input_raises_valueerror(name, value):
    kwargs = dict(BENCH)
    kwargs[name] = value
    with pytest.raises(ValueError, match=rf"invalid {name}=.*allowed range"):
        TwinHiggs(**kwargs)


def test_non_scalar_rejected():
    with pytest.raises(ValueError, match="m_nu must be a scalar"):
        TwinHiggs(jnp.array([1.0, 2.0]), 0.1, 0.5, 1e-3)


@pytest.mark.parametrize("name,value", [("r", -0.5), ("theta1", 1.0), ("m_nu", float("nan")), ("r", 1.2)])
def test_traced_bad_input_is_flagged_not_raised(name, value):
    """Inside jit there is no host callback (issue 10): the constructor accepts the
    traced value and ``domain.in_domain`` (used by the solver status) reports it."""
    from jaxrelic.models.twin_higgs import domain

    def f(x):
        kwargs = dict(BENCH)
        kwargs[name] = x
        m = TwinHiggs(**kwargs)
        return m.m_gamma, domain.in_domain(m.m_nu, m.delta, m.r, m.theta1, m.e_hat, m.epsilon)

    _, ok = jax.jit(f)(value)
    assert not bool(ok)
    _, ok_bench = jax.jit(f)(BENCH[name])
    assert bool(ok_bench)


def test_traced_good_input_and_vmap_grad():
    rs = jnp.array([0.2, 0.5, 0.9])
    mg = jax.jit(jax.vmap(lambda r: TwinHiggs(2.0, 0.1, r, 1e-3).m_gamma))(rs)
    np.testing.assert_allclose(mg, 2.0 * rs, rtol=1e-15)
    # d mu1 / d theta1 at small angle ~ (m_tau^2 - m_nu^2)/m_tau (§2.3)
    d = jax.grad(lambda t: TwinHiggs(1.0, 0.1, 0.5, t).mu1)(1e-4)
    assert float(d) == pytest.approx(0.21 / 1.1, rel=1e-6, abs=0)
    # model is a pytree of arrays: filter_grad over the whole model
    g = eqx.filter_grad(lambda mod: mod.m_tau)(TwinHiggs(**BENCH))
    assert float(g.delta) == pytest.approx(1.0) and float(g.m_nu) == pytest.approx(1.1)


def test_concrete_bad_value_next_to_traced_one():
    """A concrete bad value is still a ValueError when other fields are traced."""
    with pytest.raises(ValueError, match="invalid m_nu"):
        jax.jit(lambda r: TwinHiggs(-1.0, 0.1, r, 1e-3).m_gamma)(0.5)
