"""Tests of the twin-tau and twin-photon widths (twin_model.md §2.6, §3.9, §3.11, §7.5)."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxrelic  # noqa: F401  (enables float64)
from jaxrelic.models.twin_higgs import (
    TwinHiggs,
    msq_D,
    width_3body,
    width_3body_channel,
    width_D,
    width_gamma_hat,
    width_tau,
    width_two_body,
    width_vector_to_ff,
)
from jaxrelic.constants import C_CM_S, HBAR_GEV_S
from jaxrelic.constants import M_ELECTRON as M_E
from jaxrelic.constants import M_MUON as M_MU
from jaxrelic.models.twin_higgs.widths import ALPHA_EM

from . import dirac as D

C_M_PER_S = C_CM_S / 100.0


def _decay_momenta(rng, m_in, m_out, m_vec, n):
    """tau at rest -> nu + gamma back to back along random axes, then boosted."""
    p_star = np.sqrt(D.kallen_masses(m_in**2, m_out, m_vec)) / (2 * m_in)
    axis = rng.normal(size=(n, 3))
    axis /= np.linalg.norm(axis, axis=-1)[:, None]
    p = np.zeros((n, 4))
    p[:, 0] = m_in
    q = np.concatenate([np.full((n, 1), np.sqrt(p_star**2 + m_out**2)), p_star * axis], -1)
    k = p - q
    lam = D.random_boost(rng, n)
    return tuple(np.einsum("nij,nj->ni", lam, v) for v in (p, q, k))


@pytest.mark.parametrize("point", [(1.0, 0.1, 0.05, 1e-3), (1.0, 0.5, 0.2, 0.3), (2.0, 0.9, 0.01, 0.05)])
def test_msq_D_against_explicit_spinors(point):
    """§3.9 Σ|M|²_D vs explicit spinors and the three massive polarisation vectors."""
    rng = np.random.default_rng(2)
    model = TwinHiggs(*point)
    mt, mn, mg = (float(x) for x in (model.m_tau, model.m_nu, model.m_gamma))
    p, q, k = _decay_momenta(rng, mt, mn, mg, 4)
    brute = D.msq_decay(p, q, k, mt, mn, mg, (float(model.g_L), float(model.g_R)), float(model.e_hat))
    np.testing.assert_allclose(brute, float(msq_D(model)), rtol=1e-11)


def test_width_D_reference_value():
    """§3.11: Γ_D = 2.96502e-9 GeV at m_nu = 1, Δ = 0.1, r = 0.05, θ₁ = 1e-3."""
    gamma = float(width_D(TwinHiggs(1.0, 0.1, 0.05, 1e-3)))
    assert gamma == pytest.approx(2.96502e-9, abs=0.000005e-9)


def test_width_D_top_quark_limit():
    """§3.9/§3.10: g_R = 0, m_out = 0 reproduces Γ(t -> bW) = G_F m_t³/(8π√2)(1-x)²(1+2x)."""
    m_t, m_w, g = 172.5, 80.379, 0.6517
    g_fermi = np.sqrt(2) * g**2 / (8 * m_w**2)
    x = m_w**2 / m_t**2
    expected = g_fermi * m_t**3 / (8 * np.pi * np.sqrt(2)) * (1 - x) ** 2 * (1 + 2 * x)
    # W t b vertex (g/√2) γ^μ P_L  ->  e_hat = g, g_L = 1/√2, g_R = 0
    got = float(width_two_body(m_t, 0.0, m_w, 1 / np.sqrt(2), 0.0, g))
    assert got == pytest.approx(expected, rel=1e-13, abs=0)
    assert 1.4 < got < 1.6  # LO top width in GeV


def test_goldstone_equivalence_of_D():
    """§2.6: for M -> 0, M² Σ|M|²_D -> ê² μ₁² (m_τ² + m_ν²) (eaten Goldstone, Yukawa ê μ₁/M)."""
    for theta1 in (1e-4, 1e-3):
        model = TwinHiggs(1.0, 0.1, 0.5, theta1)
        q2 = 1e-10
        lhs = float(q2 * msq_D(model, q2))
        mt, mn, mu1, eh = (float(x) for x in (model.m_tau, model.m_nu, model.mu1, model.e_hat))
        assert lhs == pytest.approx(eh**2 * mu1**2 * (mt**2 + mn**2), rel=2 * theta1**2 + 1e-8, abs=0)


def test_width_D_closed_and_open():
    assert float(width_D(TwinHiggs(1.0, 0.1, 0.1, 1e-3))) == 0.0  # r = Δ: threshold
    assert float(width_D(TwinHiggs(1.0, 0.1, 0.5, 1e-3))) == 0.0
    # two-body phase space: Γ_D/Σ|M|²_D ∝ p* ∝ √(Δ - r) near threshold
    ma = TwinHiggs(1.0, 0.1, 0.1 - 1e-6, 1e-3)
    mb = TwinHiggs(1.0, 0.1, 0.1 - 4e-6, 1e-3)
    ratio = float(width_D(mb) / msq_D(mb)) / float(width_D(ma) / msq_D(ma))
    assert ratio == pytest.approx(2.0, rel=1e-4, abs=0)
    # at threshold (ν̂, γ̂ at rest in the τ̂ frame) Σ|M|²_D = 6 ê² m_τ m_ν (g_L - g_R)²,
    # so Γ_D is additionally suppressed by the near-equality of g_L and g_R
    mt, mn, gl, gr = (float(x) for x in (ma.m_tau, ma.m_nu, ma.g_L, ma.g_R))
    at_threshold = float(msq_D(ma, (mt - mn) ** 2))
    assert at_threshold == pytest.approx(6 * 0.09 * mt * mn * (gl - gr) ** 2, rel=1e-9, abs=0)


def test_twin_photon_width():
    """§3.9: Γ(γ̂ -> ee)/ε² = 1.216e-3 GeV for m_γ = 0.5 GeV; μμ adds its own term."""
    assert float(width_vector_to_ff(0.25, 1.0, M_E)) == pytest.approx(1.216e-3, abs=0.0005e-3)
    model = TwinHiggs(1.0, 0.1, 0.5, 1e-3, epsilon=1e-4)
    xm = (M_MU / 0.5) ** 2
    mumu = 1e-8 * ALPHA_EM * 0.5 / 3 * (1 + 2 * xm) * np.sqrt(1 - 4 * xm)
    ee = float(width_vector_to_ff(0.25, 1e-4, M_E))
    assert float(width_gamma_hat(model)) == pytest.approx(ee + mumu, rel=1e-13, abs=0)
    assert float(width_vector_to_ff(0.01, 1.0, M_MU)) == 0.0  # below 2 m_mu


@pytest.mark.parametrize("m_vec,m_f", [(0.5, M_E), (0.5, M_MU), (0.3, 0.12)])
def test_vector_to_ff_against_explicit_spinors(m_vec, m_f):
    """§3.9 Γ(γ̂ -> f f̄) vs (1/2M)(1/3) Σ|ε e ubar ε-slash v|² β/(8π) with explicit spinors."""
    rng = np.random.default_rng(9)
    eps = 1e-3
    n = 3
    k_star = np.sqrt(m_vec**2 / 4 - m_f**2)
    axis = rng.normal(size=(n, 3))
    axis /= np.linalg.norm(axis, axis=-1)[:, None]
    e_f = np.full((n, 1), m_vec / 2)
    pf = np.concatenate([e_f, k_star * axis], -1)
    pfbar = np.concatenate([e_f, -k_star * axis], -1)
    k = pf + pfbar
    kk = np.concatenate([np.full((n, 1), m_vec), np.zeros((n, 3))], -1)
    # polarisations of a vector at rest: the three unit vectors
    pols = [np.tile(np.eye(4)[i], (n, 1)) for i in (1, 2, 3)]
    np.testing.assert_allclose(k, kk, atol=1e-15)
    g = eps * np.sqrt(4 * np.pi * ALPHA_EM)
    total = np.zeros(n)
    for s1 in (0, 1):
        ubar = D.dirac_bar(D.u_spinor(pf, m_f, s1))
        for s2 in (0, 1):
            v = D.v_spinor(pfbar, m_f, s2)
            for e in pols:
                amp = g * np.einsum("ni,nij,nj->n", ubar, D.slash(e), v)
                total += np.abs(amp) ** 2
    beta = 2 * k_star / m_vec
    brute = total / 3 / (2 * m_vec) * beta / (8 * np.pi)
    np.testing.assert_allclose(brute, float(width_vector_to_ff(m_vec**2, eps, m_f)), rtol=1e-12)


# (delta, r, theta1, Γ₃ for ε = 1e-3 in GeV, lifetime in s or cτ in m) from §3.9 / §7.5
REFERENCE_G3 = [
    (0.1, 0.5, 4.378e-4, 1.112e-22, ("tau_s", 5.92e-3)),
    (0.1, 0.3, 4.266e-5, 8.51e-24, ("tau_s", 7.7e-2)),
    (0.18, 0.25, 1.546e-2, 5.20e-17, ("ctau_m", 3.8)),
]


@pytest.mark.parametrize("delta,r,theta1,ref,lifetime", REFERENCE_G3)
def test_width_3body_reference_values(delta, r, theta1, ref, lifetime):
    """§3.9 [N] values (e and μ final states; μ closed here), printed to 3-4 digits."""
    model = TwinHiggs(1.0, delta, r, theta1, epsilon=1e-3)
    gamma = float(width_3body(model))
    last_digit = 10 ** (np.floor(np.log10(ref)) - (3 if ref == 1.112e-22 else 2))
    assert gamma == pytest.approx(ref, abs=0.5 * last_digit)
    kind, value = lifetime
    got = HBAR_GEV_S / gamma * (C_M_PER_S if kind == "ctau_m" else 1.0)
    assert got == pytest.approx(value, rel=0.01, abs=0)


def _width_3body_brute(model, m_f, n_q=48, n_c=4, seed=3):
    """Γ₃ from the full 1 -> 3 amplitude with explicit spinors (unitary-gauge γ̂ propagator).

    Γ = (1/2m_τ)(1/2) ∫ Σ|M|² dΦ₃ with dΦ₃ = dΦ₂(τ -> ν Q) dQ²/2π dΦ₂(Q -> f f̄);
    the spin-summed |M|² depends on Q² and the decay angle θ* in the pair frame.
    """
    rng = np.random.default_rng(seed)
    mt, mn, mg = (float(x) for x in (model.m_tau, model.m_nu, model.m_gamma))
    lo, hi = 4 * m_f**2, (mt - mn) ** 2
    xq, wq = np.polynomial.legendre.leggauss(n_q)
    xc, wc = np.polynomial.legendre.leggauss(n_c)
    psi = 0.5 * np.pi * (xq + 1)
    q2 = lo + (hi - lo) * (1 - np.cos(psi)) / 2
    weight_q = 0.5 * np.pi * wq * (hi - lo) / 2 * np.sin(psi)
    q2_all = np.repeat(q2, n_c)
    cos_all = np.tile(xc, n_q)
    weights = np.repeat(weight_q, n_c) * np.tile(wc, n_q) / 2  # <...> over cos θ*
    p, q, pf, pfbar = D.three_body_momenta(rng, mt, mn, m_f, q2_all, cos_all)
    np.testing.assert_allclose(D.minkowski_dot(pf + pfbar, pf + pfbar), q2_all, rtol=1e-9)
    g_f = float(model.epsilon) * np.sqrt(4 * np.pi * ALPHA_EM)  # ε e Q_f, |Q_f| = 1
    msq = D.msq_three_body(
        p, q, pf, pfbar, mt, mn, m_f, mg, (float(model.g_L), float(model.g_R)), float(model.e_hat), g_f
    )
    p_star = np.sqrt(D.kallen(mt**2, mn**2, q2_all)) / (2 * mt)
    beta_f = np.sqrt(1 - lo / q2_all)
    dphi = p_star / (4 * np.pi * mt) / (2 * np.pi) * beta_f / (8 * np.pi)
    return np.sum(weights * dphi * msq) / (2 * mt) / 2


@pytest.mark.parametrize(
    "point,m_f,rtol",
    [
        ((1.0, 0.1, 0.5, 1e-3), 0.02, 1e-11),
        ((2.0, 0.3, 0.4, 0.1), M_MU, 1e-11),
        ((1.0, 0.18, 0.25, 1.546e-2), M_E, 1e-6),  # brute-force Q² rule limits here
    ],
)
def test_width_3body_against_explicit_amplitude(point, m_f, rtol):
    """§3.9 factorised formula vs the brute-force 1 -> 3 amplitude (full propagator)."""
    model = TwinHiggs(*point, epsilon=1e-3)
    assert float(width_3body_channel(model, m_f)) == pytest.approx(
        _width_3body_brute(model, m_f), rel=rtol, abs=0)


def test_width_3body_quadrature_against_scipy():
    """96-point Gauss-Legendre in φ vs adaptive quad of the §3.9 integrand, incl. r -> Δ⁺."""
    from scipy.integrate import quad

    for delta, r in ((0.1, 0.5), (0.1, 0.1005), (0.18, 0.25)):
        model = TwinHiggs(1.0, delta, r, 1e-2, epsilon=1e-3)
        mt, mn, mg = (float(x) for x in (model.m_tau, model.m_nu, model.m_gamma))
        gl, gr = float(model.g_L), float(model.g_R)

        def integrand(q2):
            g2 = float(width_two_body(mt, mn, np.sqrt(q2), gl, gr, 0.3))
            gv = float(width_vector_to_ff(q2, 1e-3, M_E))
            return g2 * np.sqrt(q2) * gv / (np.pi * (q2 - mg**2) ** 2)

        lo, hi = 4 * M_E**2, (mt - mn) ** 2
        ref = quad(integrand, lo, hi, epsabs=0, epsrel=1e-12, limit=400,
                   points=[10 * lo, 100 * lo, hi - 1e-3 * (hi - lo)])[0]
        assert float(width_3body_channel(model, M_E)) == pytest.approx(ref, rel=1e-9, abs=0)


def test_width_3body_scalings_and_branches():
    base = TwinHiggs(1.0, 0.1, 0.5, 1e-3, epsilon=1e-3)
    # Γ₃ ∝ ε² and ∝ θ₁² (small angle)
    g = float(width_3body(base))
    assert float(width_3body(TwinHiggs(1.0, 0.1, 0.5, 1e-3, epsilon=2e-3))) == pytest.approx(4 * g, rel=1e-13, abs=0)
    assert float(width_3body(TwinHiggs(1.0, 0.1, 0.5, 2e-3, epsilon=1e-3))) == pytest.approx(4 * g, rel=1e-5, abs=0)
    # no phase space for μμ when m_tau - m_nu = 0.1 GeV < 2 m_mu
    assert float(width_3body_channel(base, M_MU)) == 0.0
    assert float(width_3body(TwinHiggs(1.0, 0.1, 0.5, 1e-3, epsilon=0.0))) == 0.0
    # r < Δ: the off-shell formula is undefined (NaN) and width_tau returns Γ_D
    open_model = TwinHiggs(1.0, 0.1, 0.05, 1e-3, epsilon=1e-3)
    assert np.isnan(float(width_3body(open_model)))
    assert float(width_tau(open_model)) == float(width_D(open_model))
    assert float(width_tau(base)) == pytest.approx(g, rel=1e-15, abs=0)


def test_widths_jit_vmap_grad():
    rs = jnp.array([0.02, 0.05, 0.3, 0.5, 0.9])
    f = jax.jit(jax.vmap(lambda r: width_tau(TwinHiggs(1.0, 0.1, r, 1e-3, epsilon=1e-3))))
    vals = np.asarray(f(rs))
    assert vals.dtype == np.float64 and np.all(np.isfinite(vals)) and np.all(vals > 0)
    for r, v in zip(rs, vals):
        assert v == pytest.approx(float(width_tau(TwinHiggs(1.0, 0.1, float(r), 1e-3, epsilon=1e-3))), rel=1e-13, abs=0)
    for r0 in (0.05, 0.5):  # both branches: finite gradients matching finite differences
        fr = lambda r: width_tau(TwinHiggs(1.0, 0.1, r, 1e-3, epsilon=1e-3))  # noqa: E731
        grad = float(jax.grad(fr)(r0))
        h = 1e-6 * r0
        fd = (float(fr(r0 + h)) - float(fr(r0 - h))) / (2 * h)
        assert np.isfinite(grad) and grad == pytest.approx(fd, rel=1e-6, abs=0)
