"""Tests of the 2 -> 2 matrix elements and cross sections (twin_model.md §2.6, §3.2-3.8, §3.11).

Every closed form is checked against an independent brute-force evaluation with
explicit Dirac matrices, spinors and polarisation vectors (``dirac.py``), and
every closed-form σ(s) against a Gauss-Legendre angular integration of that
brute-force |M|².
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxrelic  # noqa: F401  (enables float64)
from jaxrelic.models.twin_higgs import (
    TwinHiggs,
    msq_A,
    msq_CA,
    msq_CS,
    msq_S,
    s_threshold_S,
    sigma_A,
    sigma_CA,
    sigma_CS,
    sigma_CS_closed_form,
    sigma_S,
    sigma_v_swave_A,
    sigma_v_swave_CS,
)

from . import dirac as D

# (m_nu, delta, r, theta1): benchmark, large mixing / unequal masses, small r
# (longitudinal terms dominate, §2.6), heavy photon r > 1 - delta.
POINTS = [
    (1.0, 0.1, 0.5, 1e-3),
    (1.3, 0.4, 0.3, 0.3),
    (0.7, 0.2, 0.05, 0.02),
    (1.0, 0.3, 0.9, 0.6),
]


def _params(model):
    return tuple(
        float(x)
        for x in (model.m_tau, model.m_nu, model.m_gamma, model.g_L, model.g_R, model.e_hat)
    )


def _mink2(p):
    return D.minkowski_dot(p, p)


# ----------------------------------------------------------------------------
# Σ|M|² against explicit spinors and polarisation vectors (§3.3-3.6, §3.10)
# ----------------------------------------------------------------------------
@pytest.mark.parametrize("point", POINTS)
def test_msq_against_explicit_spinors(point):
    rng = np.random.default_rng(17)
    model = TwinHiggs(*point)
    mt, mn, mg, gl, gr, eh = _params(model)
    n = 6
    cth = rng.uniform(-1.0, 1.0, n)

    # C_S: tau tau~ -> gg, vector-like unit diagonal coupling (§3.3)
    p1, p2, k1, k2 = D.two_to_two_momenta(rng, 2 * mt + rng.uniform(0.01, 2, n), mt, mt, mg, mg, cth)
    brute = D.msq_annihilation(p1, p2, k1, k2, mt, mt, mt, mg, (1, 1), (1, 1), eh)
    closed = np.asarray(msq_CS(model, _mink2(p1 - k1), _mink2(p1 - k2)))
    np.testing.assert_allclose(closed, brute, rtol=1e-11)

    # C_A: tau nu~ -> gg, tau exchange (§3.4)
    p1, p2, k1, k2 = D.two_to_two_momenta(rng, mt + mn + rng.uniform(0.01, 2, n), mt, mn, mg, mg, cth)
    brute = D.msq_annihilation(p1, p2, k1, k2, mt, mn, mt, mg, (1, 1), (gl, gr), eh)
    closed = np.asarray(msq_CA(model, _mink2(p1 - k1), _mink2(p1 - k2)))
    np.testing.assert_allclose(closed, brute, rtol=1e-11)

    # A: nu nu~ -> gg, tau exchange with two off-diagonal vertices (§3.6)
    sqrt_s = max(2 * mn, 2 * mg) + rng.uniform(0.01, 2, n)
    p1, p2, k1, k2 = D.two_to_two_momenta(rng, sqrt_s, mn, mn, mg, mg, cth)
    brute = D.msq_annihilation(p1, p2, k1, k2, mn, mn, mt, mg, (gl, gr), (gl, gr), eh)
    closed = np.asarray(msq_A(model, _mink2(p1 - k1), _mink2(p1 - k2)))
    np.testing.assert_allclose(closed, brute, rtol=1e-11)

    # S: nu g -> tau g, s- and u-channel tau exchange; crossing of C_A (§3.5)
    p1, k1, p2, k2 = D.two_to_two_momenta(rng, mt + mg + rng.uniform(0.01, 2, n), mn, mg, mt, mg, cth)
    brute = D.msq_scattering(p1, k1, p2, k2, mn, mt, mt, mg, (gl, gr), (1, 1), eh)
    closed = np.asarray(msq_S(model, _mink2(p1 + k1), _mink2(p1 - k2)))
    np.testing.assert_allclose(closed, brute, rtol=1e-11)


def test_msq_CS_massless_qed_limit():
    """§3.3: for M -> 0 Σ|M|²_CS equals e+e- -> γγ with two transverse photons."""
    rng = np.random.default_rng(5)
    model = TwinHiggs(1.0, 0.1, 1e-6, 1e-3)
    mt, _, mg, _, _, eh = _params(model)
    cth = rng.uniform(-1.0, 1.0, 5)
    p1, p2, k1, k2 = D.two_to_two_momenta(rng, 2 * mt + rng.uniform(0.05, 2, 5), mt, mt, 0.0, 0.0, cth)
    brute = D.msq_annihilation(p1, p2, k1, k2, mt, mt, mt, 0.0, (1, 1), (1, 1), eh, massless=True)
    closed = np.asarray(msq_CS(model, _mink2(p1 - k1), _mink2(p1 - k2)))
    np.testing.assert_allclose(closed, brute, rtol=1e-9)
    # textbook form 8e^4[U/T + T/U - 4m²(1/T+1/U) - 4m⁴(1/T+1/U)²] with T = t - m², U = u - m²
    t_, u_ = _mink2(p1 - k1) - mt**2, _mink2(p1 - k2) - mt**2
    inv = 1 / t_ + 1 / u_
    textbook = 8 * eh**4 * (u_ / t_ + t_ / u_ - 4 * mt**2 * inv - 4 * mt**4 * inv**2)
    np.testing.assert_allclose(closed, textbook, rtol=1e-9)


def test_CA_reduces_to_CS():
    """§3.4: with m_nu -> m_tau and g_L = g_R the C_A table becomes g² × the C_S one."""
    import equinox as eqx

    rng = np.random.default_rng(8)
    model = TwinHiggs(1.0, 0.1, 0.4, 0.3)
    degenerate = eqx.tree_at(lambda m: m.delta, model, jnp.float64(0.0))  # bypasses checks
    g2 = float(degenerate.g_L * degenerate.g_R)
    assert float(degenerate.g_L) == pytest.approx(float(degenerate.g_R), rel=1e-15, abs=0)
    t = -rng.uniform(0.1, 3, 8)
    u = -rng.uniform(0.1, 3, 8)
    np.testing.assert_allclose(
        np.asarray(msq_CA(degenerate, t, u)) / g2, np.asarray(msq_CS(degenerate, t, u)), rtol=1e-11
    )


def test_longitudinal_terms_table():
    """§2.6 table: σ_S(full polarisation sum)/σ_S(-g only), m_nu = 1, θ₁ = 1e-3.

    The '-g only' number comes from the brute-force amplitude with the four
    unit vectors weighted by -g^{λλ}; the full one from the closed form.
    """
    # values as printed; tolerance = half a unit of the last printed digit
    table = {
        (0.1, 0.05): ((47, 0.5), (1094, 0.5)),
        (0.1, 0.2): ((1.31, 0.005), (4.9, 0.05)),
        (0.1, 0.5): ((1.010, 0.0005), (1.09, 0.005)),
        (0.18, 0.2): ((2.4, 0.05), (15, 0.5)),
    }
    rng = np.random.default_rng(4)
    x, w = np.polynomial.legendre.leggauss(16)
    for (delta, r), expected in table.items():
        model = TwinHiggs(1.0, delta, r, 1e-3)
        mt, mn, mg, gl, gr, eh = _params(model)
        for de, (ref, tol) in zip((0.05, 0.3), expected):
            sqrt_s = mt + mg + de
            p1, k1, p2, k2 = D.two_to_two_momenta(rng, sqrt_s, mn, mg, mt, mg, x)
            msq_feyn = D.msq_scattering(
                p1, k1, p2, k2, mn, mt, mt, mg, (gl, gr), (1, 1), eh, "feynman"
            )
            s = sqrt_s**2
            lam_in = D.kallen(s, mn**2, mg**2)
            b_u = np.sqrt(lam_in * D.kallen(s, mt**2, mg**2)) / (2 * s)
            sigma_feyn = np.sum(w * msq_feyn) * b_u / (6 * 16 * np.pi * lam_in)
            ratio = float(sigma_S(model, s)) / sigma_feyn
            assert ratio == pytest.approx(ref, abs=tol), (delta, r, de)


# ----------------------------------------------------------------------------
# closed-form σ(s) against numerical angular integration (§3.7)
# ----------------------------------------------------------------------------
def _sigma_brute(kind, model, s, rng, n_nodes=40):
    """σ(s) = (S_f/g_in) ∫ dt Σ|M|² / (16π λ_in) with Gauss-Legendre in cos θ.

    Flux and Jacobian use the factorised Källén function of the float ``s``, so
    that σ ∝ λ^{-1/2} is well conditioned right at threshold.
    """
    mt, mn, mg, gl, gr, eh = _params(model)
    x, w = np.polynomial.legendre.leggauss(n_nodes)
    sqrt_s = np.sqrt(s)
    if kind == "S":
        p1, k1, p2, k2 = D.two_to_two_momenta(rng, sqrt_s, mn, mg, mt, mg, x)
        msq = D.msq_scattering(p1, k1, p2, k2, mn, mt, mt, mg, (gl, gr), (1, 1), eh)
        lam_in = D.kallen_masses(s, mn, mg)
        dt_dc = np.sqrt(lam_in * D.kallen_masses(s, mt, mg)) / (2 * s)
        return np.sum(w * msq) * dt_dc / (6 * 16 * np.pi * lam_in)
    ma, mb, mc, va, vb = {
        "CS": (mt, mt, mt, (1, 1), (1, 1)),
        "CA": (mt, mn, mt, (1, 1), (gl, gr)),
        "A": (mn, mn, mt, (gl, gr), (gl, gr)),
    }[kind]
    p1, p2, k1, k2 = D.two_to_two_momenta(rng, sqrt_s, ma, mb, mg, mg, x)
    msq = D.msq_annihilation(p1, p2, k1, k2, ma, mb, mc, mg, va, vb, eh)
    lam = D.kallen_masses(s, ma, mb)
    dt_dc = 0.5 * np.sqrt(lam) * np.sqrt(1 - 4 * mg**2 / s)
    return 0.5 / 4 * np.sum(w * msq) * dt_dc / (16 * np.pi * lam)


@pytest.mark.parametrize("point", [(1.0, 0.1, 0.5, 1e-3), (1.0, 0.1, 0.05, 1e-3), (0.7, 0.2, 0.3, 0.05)])
def test_sigma_against_angular_integration(point):
    rng = np.random.default_rng(11)
    model = TwinHiggs(*point)
    mt, mn, mg = (float(x) for x in (model.m_tau, model.m_nu, model.m_gamma))
    funcs = {"CS": sigma_CS, "CA": sigma_CA, "A": sigma_A, "S": sigma_S}
    thresholds = {"CS": 2 * mt, "CA": mt + mn, "A": max(2 * mn, 2 * mg), "S": mt + mg}
    for kind, func in funcs.items():
        for de in (1e-8, 1e-4, 0.1, 2.0):  # 1e-8: series branch of ℓ/B
            s = (thresholds[kind] + de) ** 2
            brute = _sigma_brute(kind, model, s, rng)
            assert float(func(model, s)) == pytest.approx(brute, rel=1e-9, abs=0), (kind, de)


def test_sigma_CS_matches_explicit_formula():
    """§3.3 closed formula (a_s, b_s, ℓ_s) vs the generic key/J evaluation (§3.7)."""
    for r in (0.05, 0.5, 0.95):
        model = TwinHiggs(1.0, 0.1, r, 1e-3)
        s = (2.2 + jnp.array([1e-7, 1e-3, 0.1, 1.0, 10.0])) ** 2
        np.testing.assert_allclose(sigma_CS(model, s), sigma_CS_closed_form(model, s), rtol=1e-13)


def test_sigma_CS_massless_limit_dirac_formula():
    """§3.10 massless-photon QED limit: Dirac's e+e- -> γγ cross section."""
    model = TwinHiggs(1.0, 0.1, 1e-7, 1e-3)
    mt, ah = float(model.m_tau), float(model.alpha_hat)
    for sqrt_s in (2.2001, 2.3, 3.0, 10.0):
        s = sqrt_s**2
        g = s / (2 * mt**2) - 1.0  # positron Lorentz factor in the electron rest frame
        re = ah / mt
        dirac = np.pi * re**2 / (g + 1) * (
            (g * g + 4 * g + 1) / (g * g - 1) * np.log(g + np.sqrt(g * g - 1))
            - (g + 3) / np.sqrt(g * g - 1)
        )
        assert float(sigma_CS(model, s)) == pytest.approx(dirac, rel=1e-11, abs=0)


@pytest.mark.parametrize("r", [0.05, 0.5, 0.9])
def test_sigma_CS_secluded_threshold_limit(r):
    """§3.3: σ_CS v_rel -> (π α̂²/m²)(1 - M²/m²)^{3/2}/(1 - M²/2m²)² at threshold."""
    model = TwinHiggs(1.0, 0.1, r, 1e-3)
    mt, mg, ah = float(model.m_tau), float(model.m_gamma), float(model.alpha_hat)
    analytic = np.pi * ah**2 / mt**2 * (1 - mg**2 / mt**2) ** 1.5 / (1 - mg**2 / (2 * mt**2)) ** 2
    assert float(sigma_v_swave_CS(model)) == pytest.approx(analytic, rel=1e-13, abs=0)
    beta = 1e-4
    s = 4 * mt**2 / (1 - beta**2)
    assert float(sigma_CS(model, s)) * 2 * beta == pytest.approx(analytic, rel=1e-7, abs=0)


def test_sigma_A_swave_consistent_with_sigma():
    """§3.8: σ_A v_rel from Σ|M|²(T₀,T₀) equals lim β->0 of 2β σ_A(s)."""
    model = TwinHiggs(1.0, 0.1, 0.5, 1e-3)
    beta = 1e-4
    s = 4.0 / (1 - beta**2)
    assert float(sigma_A(model, s)) * 2 * beta == pytest.approx(float(sigma_v_swave_A(model)), rel=1e-7, abs=0)


# ----------------------------------------------------------------------------
# reference unit-test values (§3.11)
# ----------------------------------------------------------------------------
REFERENCE_311 = [
    # (func, r, threshold sqrt(s), [values at +0.01, +0.1, +0.5 GeV])
    (sigma_CS, 0.5, 2.2, [6.260274e-4, 2.269151e-4, 1.247252e-4]),
    (sigma_CA, 0.5, 2.1, [6.165297e-10, 2.274106e-10, 1.302509e-10]),
    (sigma_A, 0.5, 2.0, [4.943857e-16, 1.934125e-16, 1.215374e-16]),
    (sigma_S, 0.5, 1.6, [6.911737e-11, 1.283903e-10, 9.705017e-11]),
    (sigma_S, 0.2, 1.3, [9.179606e-11, 3.680089e-10, 5.585648e-10]),
]


@pytest.mark.parametrize("func,r,thr,values", REFERENCE_311)
def test_reference_values_3_11(func, r, thr, values):
    model = TwinHiggs(1.0, 0.1, r, 1e-3)
    s = (thr + jnp.array([0.01, 0.1, 0.5])) ** 2
    np.testing.assert_allclose(np.asarray(func(model, s)), values, rtol=1e-6)


def test_reference_swave_values_3_11():
    model = TwinHiggs(1.0, 0.1, 0.5, 1e-3)
    assert float(sigma_v_swave_CS(model)) == pytest.approx(1.170496e-4, rel=1e-6, abs=0)
    assert float(sigma_v_swave_A(model)) == pytest.approx(9.58e-17, abs=0.005e-17)


# ----------------------------------------------------------------------------
# parametric behaviour, thresholds, numerical stability
# ----------------------------------------------------------------------------
def test_mixing_angle_scaling():
    """§2.5/§3.1: C_A and S ∝ θ₁², A ∝ θ₁⁴, C_S independent of θ₁ (leading order)."""
    a = TwinHiggs(1.0, 0.1, 0.5, 1e-4)
    b = TwinHiggs(1.0, 0.1, 0.5, 2e-4)
    assert float(sigma_CA(b, 5.0) / sigma_CA(a, 5.0)) == pytest.approx(4.0, rel=1e-7, abs=0)
    assert float(sigma_S(b, 3.0) / sigma_S(a, 3.0)) == pytest.approx(4.0, rel=1e-7, abs=0)
    assert float(sigma_A(b, 5.0) / sigma_A(a, 5.0)) == pytest.approx(16.0, rel=1e-7, abs=0)
    assert float(sigma_CS(b, 5.0)) == float(sigma_CS(a, 5.0))


def test_sigma_S_threshold():
    """§3.5: σ_S = 0 for s <= s_th, ∝ √(s - s_th) just above."""
    model = TwinHiggs(1.0, 0.1, 0.5, 1e-3)
    s_th = float(s_threshold_S(model))
    assert s_th == pytest.approx(1.6**2)
    below = sigma_S(model, jnp.array([0.5, 1.0, s_th - 1e-9, s_th]))
    assert np.all(np.asarray(below) == 0.0)
    d = 1e-8
    ratio = float(sigma_S(model, s_th + 4 * d) / sigma_S(model, s_th + d))
    assert ratio == pytest.approx(2.0, rel=1e-6, abs=0)
    assert float(sigma_S(model, s_th + d)) > 0.0


def test_annihilations_vanish_below_threshold():
    model = TwinHiggs(1.0, 0.1, 0.5, 1e-3)
    for func, thr in ((sigma_CS, 2.2), (sigma_CA, 2.1), (sigma_A, 2.0)):
        assert float(func(model, thr**2 - 1e-9)) == 0.0
        near = float(func(model, thr**2 * (1 + 1e-12)))
        assert np.isfinite(near) and near > 0.0


def test_log_over_b_series_branch():
    """ℓ/B = (2/A) atanh(B/A)/(B/A) switches to its series at |B/A| = 1e-3 (§3.7)."""
    from jaxrelic.models.twin_higgs.processes import _atanh_over_z

    z = np.concatenate([-np.geomspace(1e-8, 0.5, 200), np.geomspace(1e-8, 0.5, 200)])
    z = np.concatenate([z, [-1e-3 * (1 - 1e-12), -1e-3 * (1 + 1e-12)]])
    exact = np.arctanh(z) / z
    np.testing.assert_allclose(np.asarray(_atanh_over_z(jnp.asarray(z))), exact, rtol=1e-14)


# ----------------------------------------------------------------------------
# JAX transformations
# ----------------------------------------------------------------------------
def test_float64_jit_vmap_over_s():
    model = TwinHiggs(1.0, 0.1, 0.5, 1e-3)
    s = jnp.linspace(1.0, 12.0, 64)
    for func in (sigma_CS, sigma_CA, sigma_A, sigma_S):
        batched = jax.jit(jax.vmap(func, in_axes=(None, 0)))(model, s)
        assert batched.dtype == jnp.float64
        looped = np.array([float(func(model, si)) for si in s[::9]])
        np.testing.assert_allclose(np.asarray(batched)[::9], looped, rtol=1e-14)


def test_vmap_over_model_parameter():
    rs = jnp.array([0.1, 0.3, 0.5])
    vals = jax.vmap(lambda r: sigma_S(TwinHiggs(1.0, 0.1, r, 1e-3), 3.0))(rs)
    for r, v in zip(rs, vals):
        assert float(v) == pytest.approx(float(sigma_S(TwinHiggs(1.0, 0.1, float(r), 1e-3), 3.0)), rel=1e-13, abs=0)


@pytest.mark.parametrize(
    "func,s,arg,x0",
    [
        (sigma_S, 3.0, "r", 0.3),
        (sigma_S, 3.0, "theta1", 1e-3),
        (sigma_S, 3.0, "delta", 0.1),
        (sigma_CA, 5.0, "theta1", 0.2),
        (sigma_A, 4.5, "r", 0.5),
        (sigma_CS, 5.0, "r", 0.5),
    ],
)
def test_gradient_vs_finite_differences(func, s, arg, x0):
    def f(x):
        kwargs = dict(m_nu=1.0, delta=0.1, r=0.5, theta1=1e-3)
        kwargs[arg] = x
        return func(TwinHiggs(**kwargs), s)

    grad = float(jax.jit(jax.grad(f))(x0))
    h = 1e-5 * x0
    fd = (float(f(x0 + h)) - float(f(x0 - h))) / (2 * h)
    assert np.isfinite(grad)
    assert grad == pytest.approx(fd, rel=1e-5, abs=0)


def test_gradient_wrt_s_and_at_subthreshold():
    model = TwinHiggs(1.0, 0.1, 0.5, 1e-3)
    g = jax.grad(lambda s: sigma_S(model, s))
    h = 1e-6
    fd = (float(sigma_S(model, 3.0 + h)) - float(sigma_S(model, 3.0 - h))) / (2 * h)
    assert float(g(3.0)) == pytest.approx(fd, rel=1e-6, abs=0)
    # below threshold: exactly zero value and a finite (zero) gradient
    assert float(g(2.0)) == 0.0
    gr = jax.grad(lambda r: sigma_S(TwinHiggs(1.0, 0.1, r, 1e-3), 2.0))(0.5)
    assert float(gr) == 0.0


# ----------------------------------------------------------------------------
# the brute-force engine itself (dirac.py)
# ----------------------------------------------------------------------------
def test_dirac_engine_completeness_relations():
    """Σ_s u ū = p̸ + m, Σ_s v v̄ = p̸ - m, Dirac equation, Σ_λ ε^μ ε^ν = -g^{μν} + k^μ k^ν/M²."""
    rng = np.random.default_rng(0)
    m, mv = 0.7, 0.3
    pvec = rng.normal(size=(5, 3))
    p = np.concatenate([np.sqrt(np.sum(pvec**2, -1) + m * m)[:, None], pvec], -1)
    k = np.concatenate([np.sqrt(np.sum(pvec**2, -1) + mv * mv)[:, None], pvec], -1)
    eye = np.eye(4)
    sum_u = sum(np.einsum("ni,nj->nij", D.u_spinor(p, m, s), D.dirac_bar(D.u_spinor(p, m, s))) for s in (0, 1))
    sum_v = sum(np.einsum("ni,nj->nij", D.v_spinor(p, m, s), D.dirac_bar(D.v_spinor(p, m, s))) for s in (0, 1))
    np.testing.assert_allclose(sum_u, D.slash(p) + m * eye, atol=1e-13)
    np.testing.assert_allclose(sum_v, D.slash(p) - m * eye, atol=1e-13)
    u0 = D.u_spinor(p, m, 0)
    np.testing.assert_allclose(np.einsum("nij,nj->ni", D.slash(p) - m * eye, u0), 0, atol=1e-13)
    pols = D.polarisations(k, mv)
    pol_sum = sum(np.einsum("ni,nj->nij", e, e) for e in pols)
    g_up = np.diag([1.0, -1.0, -1.0, -1.0])
    expected = -g_up[None] + np.einsum("ni,nj->nij", k, k) / mv**2
    np.testing.assert_allclose(pol_sum, expected, atol=1e-12)
    for e in pols:  # transversality k.ε = 0
        np.testing.assert_allclose(D.minkowski_dot(k, e), 0, atol=1e-12)


@pytest.mark.parametrize("r", [0.5, 1.05])
def test_threshold_A_is_where_sigma_A_opens(r):
    """s_threshold_A = max(2m_ν, 2m_γ)²: σ_A (ν̂ν̂̄ → γ̂γ̂) vanishes just below it and is positive just
    above it, also for 1 < r < 1 + Δ where the γ̂γ̂ threshold lies above 4m_ν²."""
    from jaxrelic.models.twin_higgs import TwinHiggs, s_threshold_A, sigma_A

    m = TwinHiggs(1.0, 0.1, r, 1e-3)
    s_th = float(s_threshold_A(m))
    assert s_th == pytest.approx(4.0 * max(1.0, r) ** 2, rel=1e-15)
    assert float(sigma_A(m, s_th * (1 - 1e-6))) == 0.0
    assert float(sigma_A(m, s_th * (1 + 1e-3))) > 0.0
