"""Derivatives of the twin-neutrino relic abundance (forward and reverse mode).

``relic_twin(..., adjoint="forward")`` routes every ODE solve (Eq. 27, τ̂ equation)
through ``diffrax.ForwardMode`` so that ``jax.jacfwd`` works; the default
``adjoint="reverse"`` (recursive checkpointing) serves ``jax.grad``.  Both differentiate
the same discretised solve, so they must agree to rounding; both must match central
finite differences of the jitted Ω(38).  Small grid (n_q = 100, n_a = 200) at the
coscattering benchmark (twin_model.md §6.3(b): Δ = 0.1, r = 0.5, θ₁ = 4.378e-4, m_ν = 1 GeV).
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxrelic  # noqa: F401  (enables float64)
from jaxrelic.models.twin_higgs import TwinHiggs
from jaxrelic.models.twin_higgs import solver as th

# (r, θ₁, Δ, m_ν)
P0 = np.array([0.5, 4.378e-4, 0.1, 1.0])
GRID = dict(n_q=100, n_a=200)


def _ln_omega(adjoint):
    def fn(p):
        model = TwinHiggs(p[3], p[2], p[0], p[1])
        return jnp.log(th.relic_twin(model, adjoint=adjoint, **GRID).omega_h2)
    return fn


@pytest.mark.slow
def test_forward_reverse_and_finite_differences():
    """d ln Ω(38)/d(r, θ₁, Δ, m_ν): jacfwd (adjoint="forward") = grad (reverse) to 1e-6 for
    (r, θ₁, Δ) and 2e-5 for m_ν; both = central differences (relative step 1e-3) to 1e-4.

    Measured (load ≈ 15, 11 min for the three compilations): forward/reverse differ by
    2.7e-7 … 4.9e-7 for (r, θ₁, Δ) and 9.2e-6 for m_ν.  m_ν also moves the integration
    interval and the save times of the Eq. (27) solve (ln a(x₀), ln a(x_end) depend on
    g_*s(m_ν/x)), whose derivatives the two diffrax adjoints treat differently at the solver
    tolerance.  Both agree with the differences to ≤ 4.1e-5.
    """
    p0 = jnp.asarray(P0)
    g_fwd = np.asarray(jax.jit(jax.jacfwd(_ln_omega("forward")))(p0))
    g_rev = np.asarray(jax.jit(jax.grad(_ln_omega("reverse")))(p0))
    np.testing.assert_allclose(g_fwd[:3], g_rev[:3], rtol=1e-6, atol=0)
    np.testing.assert_allclose(g_fwd[3], g_rev[3], rtol=2e-5, atol=0)
    primal = jax.jit(_ln_omega("reverse"))
    h = 1e-3
    fd = []
    for i in range(4):
        up, dn = P0.copy(), P0.copy()
        up[i] *= 1 + h
        dn[i] *= 1 - h
        fd.append((float(primal(jnp.asarray(up))) - float(primal(jnp.asarray(dn)))) / (2 * h * P0[i]))
    np.testing.assert_allclose(g_fwd, fd, rtol=1e-4)
    np.testing.assert_allclose(g_rev, fd, rtol=1e-4)
    # coscattering phase: Ω falls steeply with the mixing (Ω ∝ θ₁^{-n}, n ≈ 3–6, §5.8)
    assert -7.0 < g_fwd[1] * P0[1] < -2.0


def test_bad_adjoint():
    with pytest.raises(ValueError, match="adjoint"):
        th.relic_twin(TwinHiggs(1.0, 0.1, 0.5, 1e-3), adjoint="backward", **GRID)
