"""LAPACK-free small linear algebra (jaxrelic.numerics.linalg, the spline's Thomas solve).

References: numpy.linalg.solve and scipy.linalg.expm (independent LAPACK /
Padé implementations); Golub & Van Loan, *Matrix Computations*, §3.4 (partial
pivoting) and §4.3 (tridiagonal systems).  The last test is the regression
guard for the XLA CPU thread-pool deadlock described in
``jaxrelic/numerics/linalg.py``: no model may lower to a LAPACK custom call.
"""

import re

import jax
import jax.numpy as jnp
import lineax as lx
import numpy as np
import pytest
import scipy.linalg as sla

from jaxrelic.numerics.interpolate import tridiagonal_solve
from jaxrelic.numerics.linalg import DenseLU, expm_2x2, lu_factor, lu_solve

_RNG = np.random.default_rng(7)


def _matrices():
    yield np.array([[3.5]])
    yield np.array([[0.0, 2.0], [1.0, 1.0]])  # needs a row swap (zero leading pivot)
    yield np.array([[1e-12, 1.0, 0.0], [1.0, 1.0, 2.0], [0.0, 3.0, -1.0]])  # tiny pivot
    for n in (4, 7):
        yield _RNG.normal(size=(n, n))
    # implicit-stage shape: 1 − γ h J with a stiff, badly scaled J
    j = _RNG.normal(size=(7, 7)) * np.logspace(-3, 8, 7)[:, None]
    yield np.eye(7) - 0.2 * j


@pytest.mark.parametrize("a", list(_matrices()), ids=lambda a: f"n{a.shape[0]}")
def test_lu_solve_matches_numpy(a):
    n = a.shape[0]
    b = _RNG.normal(size=n)
    lu, perm = jax.jit(lu_factor)(jnp.asarray(a))
    # P A = L U reproduces A
    lower = np.tril(np.asarray(lu), -1) + np.eye(n)
    upper = np.triu(np.asarray(lu))
    np.testing.assert_allclose(lower @ upper, a[np.asarray(perm)], rtol=0, atol=1e-13 * np.abs(a).max())
    cond = np.linalg.cond(a)
    for trans, mat in ((False, a), (True, a.T)):
        x = np.asarray(lu_solve(lu, perm, jnp.asarray(b), trans=trans))
        ref = np.linalg.solve(mat, b)
        np.testing.assert_allclose(x, ref, rtol=1e-15 * cond * 100, atol=1e-15 * cond * 100 * np.abs(ref).max())
    # several right-hand sides at once
    bb = _RNG.normal(size=(n, 3))
    np.testing.assert_allclose(np.asarray(lu_solve(lu, perm, jnp.asarray(bb))), np.linalg.solve(a, bb),
                               rtol=1e-13 * cond, atol=1e-13 * cond)


def test_dense_lu_in_lineax_and_its_derivative():
    """lineax.linear_solve with DenseLU equals lineax.LU; its JVP (which uses the
    solver's transpose) equals the LAPACK one and central differences."""
    a = jnp.asarray(_RNG.normal(size=(5, 5)) + 3.0 * np.eye(5))
    b = jnp.asarray(_RNG.normal(size=5))

    def solve(mat, vec, solver):
        return lx.linear_solve(lx.MatrixLinearOperator(mat), vec, solver).value

    np.testing.assert_allclose(np.asarray(solve(a, b, DenseLU())), np.asarray(solve(a, b, lx.LU())), rtol=1e-13)
    loss = lambda mat, vec, solver: jnp.sum(jnp.sin(solve(mat, vec, solver)))  # noqa: E731
    ga, gb = jax.grad(loss, argnums=(0, 1))(a, b, DenseLU())
    ra, rb = jax.grad(loss, argnums=(0, 1))(a, b, lx.LU())
    np.testing.assert_allclose(np.asarray(ga), np.asarray(ra), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(np.asarray(gb), np.asarray(rb), rtol=1e-12, atol=1e-14)
    h = 1e-6
    e = jnp.zeros((5, 5)).at[1, 3].set(h)
    fd = (loss(a + e, b, DenseLU()) - loss(a - e, b, DenseLU())) / (2 * h)
    assert float(ga[1, 3]) == pytest.approx(float(fd), rel=1e-7)
    # forward mode (diffrax ForwardMode adjoints) as well
    _, t = jax.jvp(lambda m: solve(m, b, DenseLU()), (a,), (e / h,))
    _, t_ref = jax.jvp(lambda m: solve(m, b, lx.LU()), (a,), (e / h,))
    np.testing.assert_allclose(np.asarray(t), np.asarray(t_ref), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("m", [
    [[-1.0, 0.5], [0.2, -3.0]],        # real distinct eigenvalues
    [[0.3, -2.0], [1.5, 0.1]],         # complex pair (q² < 0)
    [[1.0, 1.0], [0.0, 1.0]],          # Jordan block (q = 0)
    [[2.0, 1e-4], [1e-4, 2.0 + 1e-5]],  # q² ≈ 1e-8: series branch
    [[-400.0, 30.0], [5.0, -650.0]],   # strong wash-out: e^s underflows towards 0
    [[0.0, 0.0], [0.0, 0.0]],
])
def test_expm_2x2_matches_scipy(m):
    m = np.asarray(m)
    got = np.asarray(jax.jit(expm_2x2)(jnp.asarray(m)))
    ref = sla.expm(m)
    np.testing.assert_allclose(got, ref, rtol=1e-13, atol=1e-300 + 1e-14 * np.abs(ref).max())


def test_expm_2x2_gradient_matches_jax_scipy():
    f = lambda m: jnp.sum(jnp.array([[1.0, -2.0], [0.5, 3.0]]) * expm_2x2(m))  # noqa: E731
    g = lambda m: jnp.sum(jnp.array([[1.0, -2.0], [0.5, 3.0]]) * jax.scipy.linalg.expm(m))  # noqa: E731
    for m in ([[-1.0, 0.5], [0.2, -3.0]], [[0.3, -2.0], [1.5, 0.1]], [[1.0, 1.0], [0.0, 1.0]]):
        m = jnp.asarray(m)
        np.testing.assert_allclose(np.asarray(jax.grad(f)(m)), np.asarray(jax.grad(g)(m)), rtol=1e-10, atol=1e-12)


def test_thomas_tridiagonal_solve_matches_dense():
    n = 40
    lower = _RNG.uniform(0.1, 1.0, n)
    upper = _RNG.uniform(0.1, 1.0, n)
    diag = lower + upper + _RNG.uniform(0.1, 2.0, n)  # diagonally dominant, like the spline system
    dense = np.diag(diag) + np.diag(lower[1:], -1) + np.diag(upper[:-1], 1)
    for rhs in (_RNG.normal(size=n), _RNG.normal(size=(n, 4))):
        x = np.asarray(jax.jit(tridiagonal_solve)(lower, diag, upper, rhs))
        np.testing.assert_allclose(x, np.linalg.solve(dense, rhs), rtol=1e-13, atol=1e-14)
    # derivative with respect to the matrix (spline knots depend on model parameters)
    rhs = jnp.asarray(_RNG.normal(size=n))
    g = jax.grad(lambda d: jnp.sum(tridiagonal_solve(lower, d, upper, rhs) ** 2))(jnp.asarray(diag))
    ref = jax.grad(lambda d: jnp.sum(jnp.linalg.solve(jnp.asarray(dense) + jnp.diag(d - diag), rhs) ** 2))(jnp.asarray(diag))
    np.testing.assert_allclose(np.asarray(g), np.asarray(ref), rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("model", ["twin-higgs", "wimp", "leptogenesis", "cogenesis"])
def test_no_lapack_custom_call_in_any_model(model):
    """Regression guard for the XLA CPU deadlock (jaxrelic/numerics/linalg.py).

    Batched LAPACK custom calls block XLA's thread pool and hang large vmapped or
    multi-device batches, so the vmapped point function of every model (what
    sweeps run, sharded over devices) must lower without one.  Gradients: the
    twin and WIMP ones are LAPACK-free too.  The reverse pass of the 3- and
    7-component networks keeps one LU: diffrax calls ``optimistix.root_find``
    with its default implicit adjoint, whose linear solver cannot be chosen
    from outside.  Gradient batches run on one device, where the LU calls follow
    one another and cannot exhaust the pool.
    """
    from jaxrelic.interface import get_model, point_function

    free = tuple(get_model(model).bounds)[:2]
    fn, fixed = point_function(model, {}, free=free)
    x = {k: np.full(4, float(fixed[k])) for k in free}
    out = [k for k in jax.eval_shape(fn, {k: 1.0 for k in free}) if k != "status"][0]
    texts = [jax.jit(jax.vmap(fn)).lower(x).as_text()]
    if model in ("twin-higgs", "wimp"):
        texts.append(jax.jit(jax.vmap(jax.grad(lambda v: fn(v)[out]))).lower(x).as_text())
    for text in texts:
        calls = set(re.findall(r"custom_call @(\w+)", text))
        assert not {c for c in calls if "lapack" in c}, calls
