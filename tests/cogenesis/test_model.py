"""Model point, input validation and chemical-potential coefficients (docs/physics/cogenesis_model.md §2, §6.3, §7;
§10.2 item 8)."""

from __future__ import annotations

import math
import warnings
from fractions import Fraction as F

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxrelic  # noqa: F401  (x64)
from jaxrelic.models.cogenesis import (
    PERTURBATIVE_COUPLING,
    Cogenesis,
    cp_invariants,
    dark_coefficients,
    epsilon_chi,
    rate_constants,
    spectator_coefficients,
)

BASE = dict(y=[0.02 + 0.01j, 0.03j], lam=[0.1, 0.2 - 0.1j], M1=1e10, M2=3e10, T_RH=1e9, m_chi=1.0, m_phi=1.5)


def make(**kw):
    return Cogenesis(**{**BASE, **kw})


# ---------------------------------------------------------------------------
# Chemical-potential coefficients (§7)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "eq, coupled, c_lh, yl, yh, b",
    [
        (("e", "mu", "tau"), "tau", F(257, 711), F(-442, 711), F(-16, 79), F(28, 79)),
        (("mu", "tau"), "tau", F(41, 111), F(-70, 111), F(-8, 37), F(12, 37)),
        (("mu", "tau"), "e", F(6, 13), F(-11, 13), F(-2, 13), F(6, 13)),
        (("tau",), "tau", F(23, 61), F(-39, 61), F(-14, 61), F(18, 61)),
        (("tau",), "e", F(459, 976), F(-209, 244), F(-41, 244), F(105, 244)),
    ],
)
def test_spectator_coefficients_table(eq, coupled, c_lh, yl, yh, b):
    """§7.1 table re-derived by solving the SM equilibrium system exactly."""
    r = spectator_coefficients(eq, coupled)
    assert (r.c_lH, r.lepton_doublet, r.higgs, r.baryon) == (c_lh, yl, yh, b)


def test_spectator_coefficients_literature():
    """Full equilibrium: Nardi et al. hep-ph/0601084, A_αα = −221/711 and C_H = −8/79 per SU(2) component;
    sphaleron conversion Y_B = (28/79) Y_{B−L} (Harvey–Turner)."""
    r = spectator_coefficients()
    assert r.lepton_doublet / 2 == F(-221, 711)
    assert r.higgs / 2 == F(-8, 79)
    assert r.baryon == F(28, 79)
    # μ_a/T = −c_ℓH G Y: per-component μ_L/T = G Y_L/1, μ_H/T = G Y_H/2 (boson) → c_ℓH = 221/711 + 4/79
    assert r.c_lH == F(221, 711) + F(8, 79) / 2
    with pytest.raises(ValueError, match="flavours"):
        spectator_coefficients(("e", "nu"), "tau")


@pytest.mark.parametrize(
    "dirac, sink, c_b, g",
    [(False, True, F(7, 10), F(11, 2)), (True, True, F(1, 2), F(29, 4)), (False, False, F(3, 4), F(15, 4)),
     (True, False, F(1, 2), F(11, 2))],
)
def test_dark_coefficients(dirac, sink, c_b, g):
    """§6.3/§7.2 tables; c_b re-checked by a float solve of D = 0 (and the sink condition) with μ_χ = 1."""
    r = dark_coefficients(dirac, sink)
    assert (r.c_b, r.g_dark) == (c_b, g)
    g_chi = 2.0 if dirac else 1.0
    # unknowns (μ_φ, μ_η); asymmetries per state n ∝ g μ (fermion), 2μ (complex scalar)
    if sink:
        a = np.array([[2.0, -2.0], [1.0, 1.0]])  # D: g_χ + 2μ_φ − 2μ_η = 0 ; μ_φ + μ_η = −1
        mu_phi, _ = np.linalg.solve(a, [-g_chi, -1.0])
    else:
        mu_phi = -g_chi / 2.0
    n_x = g_chi - 2 * mu_phi
    assert (1 - mu_phi) / n_x == pytest.approx(float(c_b), rel=1e-14)


def test_defaults_and_named_options():
    m = make()
    assert float(m.c_lH) == pytest.approx(257 / 711, rel=1e-15)
    assert float(m.c_b) == pytest.approx(0.7, rel=1e-15)
    assert float(m.g_dark) == 5.5
    assert m.mixed and not m.nlo_dim5 and m.washout
    m2 = make(dark_sector="dirac", flavour_regime="tau:tau", c_b=0.6)
    assert float(m2.g_dark) == 7.25 and float(m2.c_lH) == pytest.approx(23 / 61) and float(m2.c_b) == 0.6
    with pytest.raises(ValueError, match="dark_sector"):
        make(dark_sector="hot")
    with pytest.raises(ValueError, match="flavour_regime"):
        make(flavour_regime="all_flavours")


# ---------------------------------------------------------------------------
# Construction, dtypes, polar form, statics (§2.2)
# ---------------------------------------------------------------------------


def test_polar_constructor_and_physical_phases():
    """§2.2: y_i = |y_i|e^{iα_i}; δ_y = α₂ − α₁, δ_λ = β₂ − β₁; only these enter CP-odd quantities."""
    m = Cogenesis.from_polar([0.02, 0.03], [0.1, 1.2], [0.1, 0.2], [-0.3, 0.4], 1e10, 3e10, 1e9, m_chi=1.0,
                             m_phi=1.5)
    assert m.y.dtype == jnp.complex128 and m.M1.dtype == jnp.float64
    assert complex(m.y[1]) == pytest.approx(0.03 * np.exp(1.2j), rel=1e-15)
    assert float(m.delta_y) == pytest.approx(1.1, rel=1e-14)
    assert float(m.delta_lam) == pytest.approx(0.7, rel=1e-14)
    direct = Cogenesis(np.array([0.02 * np.exp(0.1j), 0.03 * np.exp(1.2j)]),
                       np.array([0.1 * np.exp(-0.3j), 0.2 * np.exp(0.4j)]), 1e10, 3e10, 1e9, m_chi=1.0, m_phi=1.5)
    assert float(cp_invariants(m)[0]) == pytest.approx(float(cp_invariants(direct)[0]), rel=1e-13)
    with pytest.raises(ValueError, match=r"\|y_i\|"):
        Cogenesis.from_polar([-0.02, 0.03], [0, 0], [0.1, 0.2], [0, 0], 1e10, 3e10, 1e9)


def test_switches_are_static_and_couplings_are_leaves():
    m = make(mixed=False, nlo_dim5=True)
    arrays, static = eqx.partition(m, eqx.is_array)
    assert static.mixed is False and static.nlo_dim5 is True and static.washout is True
    leaves = jax.tree_util.tree_leaves(m)
    assert len(leaves) == 12 and all(isinstance(x, jax.Array) for x in leaves)


# ---------------------------------------------------------------------------
# Validation (concrete: ValueError with the allowed range; traced: in_domain flag, no host callback)
# ---------------------------------------------------------------------------

_G = PERTURBATIVE_COUPLING


@pytest.mark.parametrize(
    "kw, match",
    [
        (dict(M1=-1.0, T_RH=-2.0), r"M1=.*\(0, inf\)"),
        (dict(M2=5e9), r"M2=.*\(M1, inf\)"),
        (dict(M2=1e10), r"M2=.*\(M1, inf\)"),  # M2 = M1: N1 is not defined (issue 10)
        (dict(T_RH=1e10), r"T_RH=.*\(0, M1\)"),
        (dict(T_RH=2e10), r"T_RH=.*\(0, M1\)"),
        (dict(T_RH=0.0), r"T_RH=.*\(0, inf\)"),
        (dict(y=[0.1, 3.6]), r"\|y_i\|=.*sqrt\(4\*pi\)"),
        (dict(lam=[0.1, -4.0j]), r"\|lam_i\|=.*sqrt\(4\*pi\)"),
        (dict(lam=[0.1, np.nan]), r"\|lam_i\|"),
        (dict(xi_i=1.2), r"xi_i=.*\[0, 1\]"),
        (dict(xi_i=-0.1), r"xi_i=.*\[0, 1\]"),
        (dict(m_chi=0.0), r"m_chi=.*\(0, inf\)"),
        (dict(m_phi=0.9), r"m_phi=.*\(m_chi, inf\)"),
        (dict(kappa=-0.1), r"kappa=.*\[0, 3.5449\]"),
        (dict(kappa=4.0), r"kappa"),
        (dict(g_dark=0.0), r"g_dark"),
        (dict(c_lH=-0.3), r"c_lH"),
    ],
)
def test_invalid_input_raises_named_value_error(kw, match):
    with pytest.raises(ValueError, match=match):
        make(**kw)


def test_bad_shapes():
    with pytest.raises(ValueError, match=r"y must have shape \(2,\)"):
        make(y=[0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match="M1 must be a scalar"):
        make(M1=[1e10, 2e10])


def test_perturbativity_boundary_is_allowed():
    m = make(y=[_G, 0.0], lam=[0.0, _G * 1j], kappa=_G)
    assert float(jnp.abs(m.y[0])) == pytest.approx(_G)


def test_no_warnings_validity_flags_instead():
    """Issue 10: no raw UserWarning; T_RH = 0.3 M1 (on-shell N1 production) is flagged by eft_validity."""
    from jaxrelic.models.cogenesis import eft_validity

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        hot = make(T_RH=3e9)
        make(m_chi=1e7, m_phi=2e8)
    assert not bool(eft_validity(hot).eft_valid)
    assert bool(eft_validity(make(T_RH=2e8)).eft_valid)


def test_traced_invalid_input_is_flagged_not_raised():
    """Traced values are not checked by host callbacks: in_domain() is False per point inside jit/vmap."""
    f = jax.jit(lambda t: make(T_RH=t).in_domain())
    assert bool(f(1e9)) and not bool(f(2e10)) and not bool(f(jnp.nan))
    g = jax.jit(jax.vmap(lambda l1: make(lam=jnp.stack([l1 + 0j, 0.2 + 0j])).in_domain()))
    np.testing.assert_array_equal(np.asarray(g(jnp.array([0.1, 5.0]))), [True, False])
    h = jax.jit(lambda m2: make(M2=m2).in_domain())
    assert bool(h(1.0000001e10)) and not bool(h(1e10))


def test_grad_through_constructor_log_m2():
    """d ε_χ/d ln M₂ by jax.grad (through the validated constructor) vs central differences."""

    def eps(lm2):
        return epsilon_chi(make(M2=jnp.exp(lm2)))

    lm2 = math.log(3e10)
    g = jax.grad(eps)(lm2)
    h = 1e-5
    fd = (eps(lm2 + h) - eps(lm2 - h)) / (2 * h)
    assert float(g) == pytest.approx(float(fd), rel=1e-5)
