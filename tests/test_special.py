"""Scaled modified Bessel functions K_ν^e(z) = e^z K_ν(z) (jaxrelic.numerics.special).

Reference values: scipy.special.kve (Amos / Cephes).  Derivatives: the
recurrence K_ν'(z) = −(K_{ν−1}(z) + K_{ν+1}(z))/2 (DLMF 10.29.1), i.e. for the
scaled function d/dz K_ν^e = K_ν^e − (K_{ν−1}^e + K_{ν+1}^e)/2, evaluated
with scipy.special.kve at orders ν ± 1 (scipy.special.kvp underflows for
large z, so it is not used).
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import scipy.special as sps

from jaxrelic.numerics.special import k0e, k1e, k2e, kve, log_kv

ORDERS = (0, 1, 2)
FUNCS = {0: k0e, 1: k1e, 2: k2e}

# Dense log grids: the production range of the thermal averages (x = m/T from
# 1e-3 to 700) and a much wider one (the docstring claims 1e-3 ≤ z ≤ 1e4; the
# trapezoidal rule actually holds far beyond).
Z_MAIN = np.geomspace(1e-3, 700.0, 1501)
Z_WIDE = np.concatenate([np.geomspace(1e-6, 1e-3, 200), np.geomspace(700.0, 1e5, 300)])

_kve_jit = {nu: jax.jit(jax.vmap(FUNCS[nu])) for nu in ORDERS}
_dkve_jit = {nu: jax.jit(jax.vmap(jax.grad(FUNCS[nu]))) for nu in ORDERS}


def _ref_dkve(nu, z):
    """d/dz [e^z K_ν(z)] − e^z K_ν(z) = −(K^e_{ν−1} + K^e_{ν+1})/2 (DLMF 10.29.1)."""
    return -0.5 * (sps.kve(abs(nu - 1), z) + sps.kve(nu + 1, z))


@pytest.mark.parametrize("nu", ORDERS)
def test_kve_matches_scipy_production_range(nu):
    got = np.asarray(_kve_jit[nu](jnp.asarray(Z_MAIN)))
    ref = sps.kve(nu, Z_MAIN)
    rel = np.abs(got / ref - 1.0)
    assert got.dtype == np.float64
    assert rel.max() <= 1e-10, f"K_{nu}^e: max rel err {rel.max():.3e} at z={Z_MAIN[rel.argmax()]:.4g}"
    # The module docstring promises < 1e-13 on 1e-3 ≤ z ≤ 1e4.
    assert rel.max() < 1e-13


@pytest.mark.parametrize("nu", ORDERS)
def test_kve_matches_scipy_wide_range(nu):
    got = np.asarray(_kve_jit[nu](jnp.asarray(Z_WIDE)))
    ref = sps.kve(nu, Z_WIDE)
    rel = np.abs(got / ref - 1.0)
    assert rel.max() <= 1e-10, f"K_{nu}^e: max rel err {rel.max():.3e} at z={Z_WIDE[rel.argmax()]:.4g}"


@pytest.mark.parametrize("nu", ORDERS)
def test_kve_dispatch_and_log_kv(nu):
    z = np.array([1e-3, 0.7, 20.0, 700.0, 5e3])
    np.testing.assert_array_equal(np.asarray(kve(nu, z)), np.asarray(FUNCS[nu](z)))
    # ln K_ν(z) stays finite where K_ν itself underflows (z = 5e3: K ~ e^{-5000}).
    ref = np.log(sps.kve(nu, z)) - z
    got = np.asarray(log_kv(nu, z))
    assert np.all(np.isfinite(got))
    np.testing.assert_allclose(got, ref, rtol=1e-13, atol=1e-13)


@pytest.mark.parametrize("nu", ORDERS)
@pytest.mark.parametrize("grid", ["main", "wide"])
def test_kve_gradient_matches_recurrence(nu, grid):
    z = Z_MAIN if grid == "main" else Z_WIDE
    g = np.asarray(_dkve_jit[nu](jnp.asarray(z)))
    v = np.asarray(_kve_jit[nu](jnp.asarray(z)))
    assert np.all(np.isfinite(g))
    # Compare (dK^e/dz − K^e) = e^z K_ν' with the recurrence; no cancellation in this form.
    ref = _ref_dkve(nu, z)
    rel = np.abs((g - v) / ref - 1.0)
    assert rel.max() <= 1e-10, f"dK_{nu}^e/dz: max rel err {rel.max():.3e} at z={z[rel.argmax()]:.4g}"


@pytest.mark.parametrize("nu", ORDERS)
def test_kve_gradient_matches_finite_differences(nu):
    """The custom JVP agrees with central differences of the function values themselves."""
    z = np.array([2e-3, 0.05, 0.9, 3.0, 25.0, 300.0])
    h = 1e-5 * z
    f = _kve_jit[nu]
    fd = (np.asarray(f(jnp.asarray(z + h))) - np.asarray(f(jnp.asarray(z - h)))) / (2 * h)
    g = np.asarray(_dkve_jit[nu](jnp.asarray(z)))
    np.testing.assert_allclose(g, fd, rtol=1e-7)


def test_second_derivative_finite():
    """Custom JVP rules are themselves differentiable (needed for Hessians / jacfwd∘grad)."""
    z = jnp.asarray(np.geomspace(1e-3, 700.0, 40))
    for nu in ORDERS:
        d2 = jax.vmap(jax.grad(jax.grad(FUNCS[nu])))(z)
        assert np.all(np.isfinite(np.asarray(d2)))
    # K_0'' = (K_0 + K_2)/2 (DLMF 10.29.1 twice), checked in scaled form at a few points.
    zz = np.array([0.3, 2.0, 40.0])
    # d²/dz² [e^z K_0] = e^z (K_0 + 2 K_0' + K_0'') = e^z (K_0 − 2 K_1 + (K_0 + K_2)/2)
    ref = sps.kve(0, zz) - 2 * sps.kve(1, zz) + 0.5 * (sps.kve(0, zz) + sps.kve(2, zz))
    got = np.asarray(jax.vmap(jax.grad(jax.grad(k0e)))(jnp.asarray(zz)))
    np.testing.assert_allclose(got, ref, rtol=1e-10)


def test_jit_and_vmap_shapes():
    z = jnp.asarray(np.geomspace(0.01, 100.0, 12).reshape(3, 4))
    for nu in ORDERS:
        direct = FUNCS[nu](z)
        jitted = jax.jit(lambda zz, nu=nu: kve(nu, zz))(z)
        mapped = jax.vmap(jax.vmap(FUNCS[nu]))(z)
        assert direct.shape == (3, 4) and direct.dtype == jnp.float64
        np.testing.assert_allclose(np.asarray(jitted), np.asarray(direct), rtol=1e-15)
        np.testing.assert_allclose(np.asarray(mapped), np.asarray(direct), rtol=1e-15)


@pytest.mark.parametrize("bad", [3, -1, 5])
def test_bad_order_raises(bad):
    with pytest.raises(ValueError, match="order"):
        kve(bad, 1.0)
