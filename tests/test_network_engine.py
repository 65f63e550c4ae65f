"""The uncapped number-density engine against an independent SciPy reference, and its smoothness.

Reference: ``tests/network_reference.py`` — the same network (Griest & Seckel 1991; Edsjö &
Gondolo 1997) written independently in NumPy and integrated with SciPy Radau at rtol = 1e-11
in variables relative to equilibrium.  Target (issue 12): |ΔΩ/Ω| ≤ 1e-4 at the default grid,
status success, for single WIMPs 0.1 GeV – 100 TeV (s- and p-wave), coannihilation, a
coscattering toy with conversion cross sections 1e-16 … 1e-10 GeV⁻² and decay-driven
conversions with Γ = 1e-8 … 1e-15 GeV.  Smoothness: the fixed-grid engine is a smooth function
of its parameters (single vs vmapped, one-ulp inputs, AD vs small-step finite differences).
"""

import math
import pathlib
import sys

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxrelic
from jaxrelic import WIMP, Background, solve_network
from jaxrelic.constants import GEV2_TO_CM3_S
from jaxrelic.numerics import status as st

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import network_reference as ref  # noqa: E402


def _toy(conv_gev2, m=100.0):
    """Coscattering toy: χ without self-annihilation, a 10 % heavier ψ annihilating fast,
    conversions χ b ↔ ψ b on the photon bath."""
    return dict(mass=m, sigma_v=0.0, partner_delta=[0.1], partner_g=[2.0],
                coannihilation=[[0.0, 0.0], [0.0, 1e-24]], conversion_sigma_v=conv_gev2 * GEV2_TO_CM3_S)


def _decay(width):
    return dict(mass=500.0, sigma_v=0.0, partner_delta=[0.1], partner_g=[2.0],
                coannihilation=[[0.0, 0.0], [0.0, 1e-24]], partner_width=[width])


CASES = {
    "wimp-0.1GeV": dict(mass=0.1, sigma_v=2.2e-26),
    "wimp-100GeV": dict(mass=100.0, sigma_v=2.2e-26),
    "wimp-100TeV": dict(mass=1e5, sigma_v=2.2e-26),
    "wimp-heavy-sv": dict(mass=100.0, sigma_v=1e-20),
    "pwave-100GeV": dict(mass=100.0, sigma_v=0.0, b=5e-26),
    "pwave-10TeV": dict(mass=1e4, sigma_v=1e-27, b=1e-25),
    "coannihilation": dict(mass=100.0, sigma_v=2.3e-26, partner_delta=[0.05], partner_g=[2.0],
                           coannihilation=[[0.0, 1.5e-26], [1.5e-26, 4e-26]], conversion_sigma_v=1e-20),
    "coscattering-1e-16": _toy(1e-16),
    "coscattering-1e-14": _toy(1e-14),
    "coscattering-1e-12": _toy(1e-12),
    "coscattering-1e-10": _toy(1e-10),
    "decay-1e-8": _decay(1e-8),
    "decay-1e-11": _decay(1e-11),
    "decay-1e-15": _decay(1e-15),
}
DEFAULT_RUN = ("wimp-100GeV", "wimp-100TeV", "pwave-100GeV", "coannihilation", "coscattering-1e-10", "decay-1e-15")

_solve = eqx.filter_jit(lambda model, bg: solve_network(model, bg))


@pytest.mark.parametrize(
    "name", [pytest.param(k, marks=() if k in DEFAULT_RUN else pytest.mark.slow) for k in CASES]
)
def test_against_scipy_reference(background, name):
    kw = CASES[name]
    r = _solve(WIMP(**kw), background)
    want = ref.reference_omega(**kw)
    assert want["success"]
    assert int(r.status) == st.SUCCESS, st.status_name(int(r.status))
    assert float(r.omega_h2) == pytest.approx(want["omega_h2"], rel=1e-4)


@pytest.mark.slow
def test_grid_convergence_reported(background):
    """Doubling the grid moves Ω by ≤ 1e-5 at the default, and the embedded error estimate
    is below the NOT_CONVERGED flag."""
    model = WIMP(**CASES["coscattering-1e-12"])
    r1 = _solve(model, background)
    r2 = eqx.filter_jit(lambda m, bg: solve_network(m, bg, n_steps=(640, 128)))(model, background)
    assert abs(float(r1.omega_h2) / float(r2.omega_h2) - 1.0) < 1e-5
    assert float(r1.error_estimate) < jaxrelic.engines.network.ERROR_FLAG


def _omega(p, bg):
    """Ω h² of (ln m, ln σv)."""
    return solve_network(WIMP(mass=jnp.exp(p[0]), sigma_v=jnp.exp(p[1])), bg).omega_h2


def test_single_equals_vmapped(background):
    ps = jnp.log(jnp.asarray([[100.0, 2.2e-26], [3.0, 2.0e-26], [3e3, 2.4e-26], [0.3, 1e-25]]))
    single = np.array([float(eqx.filter_jit(_omega)(p, background)) for p in ps])
    batched = np.asarray(eqx.filter_jit(jax.vmap(_omega, in_axes=(0, None)))(ps, background))
    np.testing.assert_allclose(batched, single, rtol=1e-10, atol=0)


def test_one_ulp_input_change(background):
    f = eqx.filter_jit(lambda m, bg: solve_network(WIMP(mass=m, sigma_v=2.2e-26), bg).omega_h2)
    for m in (100.0, 3.16, 1e4):
        a = float(f(jnp.asarray(m), background))
        b = float(f(jnp.asarray(10 ** math.log10(m)), background))
        c_ = float(f(jnp.asarray(np.nextafter(m, 2 * m)), background))
        assert abs(b / a - 1) <= 1e-9 and abs(c_ / a - 1) <= 1e-9, (m, a, b, c_)


@pytest.mark.parametrize("mode", [pytest.param("reverse", marks=pytest.mark.slow), "forward"])
def test_gradient_vs_small_step_fd(background, mode):
    """AD of ln Ω w.r.t. (ln m, ln σv) vs central differences with steps 1e-6 and 1e-5: ≤ 1e-6."""
    p0 = jnp.log(jnp.asarray([100.0, 2.2e-26]))
    lnf = lambda p, bg: jnp.log(_omega(p, bg))  # noqa: E731
    g = (jax.grad if mode == "reverse" else jax.jacfwd)(lnf)
    ad = np.asarray(eqx.filter_jit(g)(p0, background))
    f = eqx.filter_jit(jax.vmap(lnf, in_axes=(0, None)))
    for h in (1e-6, 1e-5):
        pts = jnp.stack([p0 + h * e for e in jnp.eye(2)] + [p0 - h * e for e in jnp.eye(2)])
        v = np.asarray(f(pts, background))
        fd = (v[:2] - v[2:]) / (2 * h)
        np.testing.assert_allclose(ad, fd, rtol=0, atol=1e-6)
    assert -1.0 < ad[1] < -0.9


def test_given_start_and_production_only(background):
    """A species starting below equilibrium (Y = Y^eq/2 at x = 0.05) is produced back to
    the equilibrium answer when the annihilation is fast; without inverse processes it
    overshoots equilibrium.  Starts far from equilibrium (1e-3 Y^eq, zero) are either right or
    flagged NOT_CONVERGED by the embedded error estimate of the fast transient (the
    freeze-in models seed their first steps by quadrature: jaxrelic.models.freeze_in)."""
    model = WIMP(mass=100.0, sigma_v=2.2e-26)
    eq = _solve(model, background)
    T0 = 100.0 / 0.05
    y_eq0 = float(jnp.exp(model.log_n_eq(T0)[0]) / background.entropy_density(T0))
    low = eqx.filter_jit(lambda m, bg, y: solve_network(m, bg, x_start=0.05, Y_start=y))
    r = low(model, background, jnp.asarray([0.5 * y_eq0]))
    assert int(r.status) == st.SUCCESS
    assert float(r.omega_h2) == pytest.approx(float(eq.omega_h2), rel=1e-4)
    for y in (1e-3 * y_eq0, 0.0):
        far = low(model, background, jnp.asarray([y]))
        assert int(far.status) != st.SUCCESS or abs(float(far.omega_h2) / float(eq.omega_h2) - 1) < 1e-4
    prod = eqx.filter_jit(lambda m, bg: solve_network(m, bg, x_start=1.0, Y_start=jnp.zeros(1), inverse=False))(
        model, background
    )
    assert float(prod.Y[-1, 0]) > float(eq.Y_eq[0, 0])


@pytest.mark.slow  # 56 s; the default suite covers solve_for in tests/workflows/test_fit.py
@pytest.mark.parametrize("mass", [0.1, 100.0, 1e5])
def test_solve_for_converges_at_ftol_1e8(mass):
    """Newton on the smooth engine: ⟨σv⟩ for Ω h² = 0.12 to ftol = 1e-8 in ≤ 10 steps."""
    root = jaxrelic.solve_for("wimp", "sigma_v", "omega_h2", 0.12, {"mass": mass}, x0=2.2e-26, ftol=1e-8)
    assert root.converged and root.iterations <= 10, (root.iterations, root.reason)
    assert abs(root.achieved / 0.12 - 1.0) <= 1e-8


def test_gradient_finite_when_rates_are_nonfinite_far_above_the_start():
    """The automatic start probes down to x = 1e-8 (T = 1e8 m); rates that are NaN there (a user's
    σ(s) outside its validity) must not reach Ω or its gradient when the start is x = 1: Ω and
    dΩ/dm equal those of the same model with finite rates (a jnp.where branch used to leak NaN)."""
    import jax

    from jaxrelic.engines.network import NetworkRates
    from jaxrelic.models.wimp import WIMP

    class FarNaN(WIMP):
        def rates(self, T):
            r = super().rates(T)
            return NetworkRates(jnp.where(T > 1e4 * self.mass, jnp.nan, r.sigma_v), r.conversion, r.decay)

    bg = Background.standard_model()
    for cls in (FarNaN, WIMP):
        omega, grad = jax.jit(jax.value_and_grad(lambda m: solve_network(cls(mass=m), bg).omega_h2))(100.0)
        if cls is FarNaN:
            ref = (float(omega), float(grad))
    assert np.isfinite(ref[1])
    assert ref == (float(omega), float(grad))
