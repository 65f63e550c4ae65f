"""CP violation (docs/physics/cogenesis_model.md §5; §10.2 items 4, 5, 9).

The central check is a brute-force one-loop computation from explicit spinor
amplitudes: tree amplitudes of every pair state (L H in all SU(2) components,
L̄ H̄, χ φ̄, χ̄ φ) are obtained by Wick contraction of the EFT operators (engine in
test_rates.py), the absorptive one-loop amplitude by the Cutkosky cut
M_abs(i→f) = (i/2) Σ_n ∫dΦ_n M(n→f) M(i→n), and ΔW(i→f) = W(i→f) − W(ī→f̄) by
angular integration.  No partial-wave algebra or phase convention enters.
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxrelic  # noqa: F401  (x64)
from jaxrelic.models.cogenesis import (
    Cogenesis,
    cp_asymmetries,
    cp_invariants,
    cp_invariants_two_flavour,
    cp_odd_reaction_densities,
    cp_odd_reduced_cross_sections,
    eft_coefficients,
    epsilon_chi,
    epsilon_L,
    partial_wave_amplitudes,
    reaction_density,
    unitarity_cp_asymmetry,
)

from .test_rates import coef_dict, evaluate, recipe

PI = math.pi

# ---------------------------------------------------------------------------
# Brute-force one-loop CP asymmetries from spinor amplitudes
# ---------------------------------------------------------------------------

_STATES = (
    [("LH", g, h) for g in (0, 1) for h in (0, 1)]
    + [("LbHb", g, h) for g in (0, 1) for h in (0, 1)]
    + [("b",), ("bb",)]
)
_CP = {"LH": "LbHb", "LbHb": "LH", "b": "bb", "bb": "b"}


def _ext_types(state, io):
    kind = state[0]
    if kind in ("LH", "LbHb"):
        anti = kind == "LbHb"
        return [("L", anti, io, state[1]), ("H", anti, io, state[2])]
    anti = kind == "bb"
    return [("chi", anti, io, None), ("phi", not anti, io, None)]


def _pair_momenta(nhat, e):
    nhat = np.asarray(nhat, dtype=float)
    one = np.ones(nhat.shape[:-1] + (1,))
    return e * np.concatenate([one, nhat], -1), e * np.concatenate([one, -nhat], -1)


def brute_force_delta_w(model, s=1.0, n_cos=3, n_phi=4):
    """ΔW(i→f) summed over internal states, for (i_kind, f_kind) pairs, by explicit one-loop unitarity cuts."""
    coefs = coef_dict(model)
    e = math.sqrt(s) / 2
    xc, wc = np.polynomial.legendre.leggauss(n_cos)
    phis = 2 * PI * np.arange(n_phi) / n_phi
    th = np.repeat(np.arccos(xc), n_phi)
    ph = np.tile(phis, n_cos)
    wq = np.repeat(wc, n_phi) * (2 * PI / n_phi) / (32 * PI**2)  # dΦ₂ = dΩ/(32π²)
    dirs = np.stack([np.sin(th) * np.cos(ph), np.sin(th) * np.sin(ph), np.cos(th)], -1)
    nq = dirs.shape[0]
    z = np.array([0.0, 0.0, 1.0])
    recipes = {
        (i, f): recipe(_ext_types(i, "in") + _ext_types(f, "out")) for i in _STATES for f in _STATES
    }
    # tree amplitudes: initial along z -> direction q ; direction q -> direction q'
    a_z = {}
    a_qq = {}
    pi_z = _pair_momenta(z, e)
    pq = _pair_momenta(dirs, e)
    pin_grid = _pair_momenta(np.broadcast_to(dirs[:, None, :], (nq, nq, 3)), e)
    pout_grid = _pair_momenta(np.broadcast_to(dirs[None, :, :], (nq, nq, 3)), e)
    zz = [np.broadcast_to(p, (nq, 4)) for p in pi_z]
    for (i, f), terms in recipes.items():
        a_z[i, f] = evaluate(terms, coefs, [zz[0], zz[1], pq[0], pq[1]]) if terms else np.zeros(nq, complex)
        a_qq[i, f] = (
            evaluate(terms, coefs, [pin_grid[0], pin_grid[1], pout_grid[0], pout_grid[1]])
            if terms
            else np.zeros((nq, nq), complex)
        )

    def m1(i, f):  # (i/2) Σ_n ∫dΦ_n M(n→f) M(i→n), as a function of the final direction
        acc = np.zeros(nq, complex)
        for n in _STATES:
            acc += np.einsum("q,qp,q->p", wq, a_qq[n, f], a_z[i, n])
        return 0.5j * acc

    def interference(i, f):
        return np.sum(wq * 2 * np.real(np.conj(a_z[i, f]) * m1(i, f)))

    def cpc(st):
        return (_CP[st[0]],) + st[1:]

    out = {}
    for ik, fk in [("LH", "b"), ("LH", "bb"), ("LH", "LbHb"), ("LH", "LH"), ("b", "bb"), ("b", "b"), ("LbHb", "b")]:
        dw = 0.0
        w0 = 0.0
        for i in _STATES:
            if i[0] != ik:
                continue
            for f in _STATES:
                if f[0] != fk:
                    continue
                dw += interference(i, f) - interference(cpc(i), cpc(f))
                w0 += np.sum(wq * np.abs(a_z[i, f]) ** 2)
        out[ik, fk] = (dw, w0)
    return out


def _random_model(seed, **kw):
    rng = np.random.default_rng(seed)
    y = rng.uniform(0.1, 0.9, 2) * np.exp(1j * rng.uniform(-PI, PI, 2))
    lam = rng.uniform(0.1, 0.9, 2) * np.exp(1j * rng.uniform(-PI, PI, 2))
    m1 = rng.uniform(0.8, 1.5)
    return Cogenesis(y, lam, m1, m1 * rng.uniform(1.1, 4.0), 0.1 * m1, m_chi=1e-4, m_phi=2e-4, **kw)


@pytest.mark.parametrize("seed", [3, 11])
def test_cp_odd_cross_sections_brute_force_spinors(seed):
    """E5.3 (and the sign of every term) from explicit one-loop unitarity cuts with random complex couplings."""
    model = _random_model(seed)
    s = 0.8
    bf = brute_force_delta_w(model, s=s)
    dw = cp_odd_reduced_cross_sections(model, s)
    scale = abs(float(dw.a_abar)) + abs(float(dw.b_bbar))
    assert bf["LH", "b"][0] == pytest.approx(float(dw.a_b), rel=1e-9, abs=1e-12 * scale)
    assert bf["LH", "bb"][0] == pytest.approx(float(dw.a_bbar), rel=1e-9, abs=1e-12 * scale)
    assert bf["LH", "LbHb"][0] == pytest.approx(float(dw.a_abar), rel=1e-9, abs=1e-12 * scale)
    assert bf["b", "bb"][0] == pytest.approx(float(dw.b_bbar), rel=1e-9, abs=1e-12 * scale)
    # ΔW(ā→b) = −ΔW(a→b̄) (CPT), elastic channels CP-even
    assert bf["LbHb", "b"][0] == pytest.approx(-float(dw.a_bbar), rel=1e-9, abs=1e-12 * scale)
    assert abs(bf["LH", "LH"][0]) < 1e-12 * scale and abs(bf["b", "b"][0]) < 1e-12 * scale
    # the tree-level W's of the same amplitudes (§4.2 P5, P6, ΔL=2 singlet+triplet, ΔX=4)
    c = eft_coefficients(model)
    assert bf["LH", "b"][1] == pytest.approx(abs(complex(c.D_Lchi)) ** 2 * s**2 / (8 * PI), rel=1e-10)
    assert bf["LH", "bb"][1] == pytest.approx(abs(complex(c.C_Lchi)) ** 2 * s / (8 * PI), rel=1e-10)
    assert bf["LH", "LbHb"][1] == pytest.approx(3 * abs(complex(c.C_LL)) ** 2 * s / PI, rel=1e-10)
    assert bf["b", "bb"][1] == pytest.approx(abs(complex(c.C_chichi)) ** 2 * s / PI, rel=1e-10)


# ---------------------------------------------------------------------------
# Partial-wave unitarity (E5.1) and sum rules
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2, 5])
def test_unitarity_relation_against_direct_one_loop_matrix(seed):
    """E5.1: Δ_fi = −4 Σ_n Im(𝒯_if 𝒯_fn 𝒯_ni) equals the CP difference of |𝒯 + i𝒯𝒯|² at O(𝒯³)."""
    model = _random_model(100 + seed)
    s = 0.9
    for phase in (0.0, 1.234):
        t = np.asarray(partial_wave_amplitudes(model, s, phase))
        assert np.allclose(t, t.conj().T, atol=0)
        tt = t @ t
        lin = 2 * np.real(np.conj(t) * 1j * tt)  # O(𝒯³) part of |𝒯 + i𝒯𝒯|²_{fi}
        cp = [1, 0, 3, 2]  # a ↔ ā, b ↔ b̄
        direct = lin - lin[np.ix_(cp, cp)]
        formula = np.asarray(unitarity_cp_asymmetry(jnp.asarray(t)))
        assert np.allclose(direct, formula, rtol=1e-12, atol=1e-14 * np.abs(formula).max())
        dw = cp_odd_reduced_cross_sections(model, s)
        a, ab, b, bb = 0, 1, 2, 3
        assert 64 * PI * formula[b, a] == pytest.approx(float(dw.a_b), rel=1e-11)
        assert 64 * PI * formula[bb, a] == pytest.approx(float(dw.a_bbar), rel=1e-11)
        assert 64 * PI * formula[ab, a] == pytest.approx(float(dw.a_abar), rel=1e-11)
        assert 64 * PI * formula[bb, b] == pytest.approx(float(dw.b_bbar), rel=1e-11)
        # unitarity: Σ_f Δ_fi = 0 for every initial state
        assert np.allclose(formula.sum(axis=0), 0.0, atol=1e-13 * np.abs(formula).max())


def test_cp_sum_rules():
    """§5.3: ΔW(a→b) + ΔW(a→b̄) + ΔW(a→ā) = 0 and ΔW(b→b̄) = ΔW(a→b) + ΔW(ā→b), ΔW(ā→b) = −ΔW(a→b̄)."""
    model = _random_model(7)
    dw = cp_odd_reduced_cross_sections(model, 2.0)
    assert float(dw.a_b + dw.a_bbar + dw.a_abar) == pytest.approx(0.0, abs=1e-14 * abs(float(dw.a_abar)))
    assert float(dw.b_bbar) == pytest.approx(float(dw.a_b - dw.a_bbar), rel=1e-13)
    eps = cp_asymmetries(model)
    assert float(eps.L) == pytest.approx(float(eps.abar_b - eps.a_b), rel=1e-12)
    assert float(eps.chi) == pytest.approx(float(eps.a_b + eps.abar_b), rel=1e-12)
    assert float(eps.abar_b) == pytest.approx(-float(eps.a_bbar), rel=1e-14)


# ---------------------------------------------------------------------------
# Invariants (E5.2, E5.4) and their zeros
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(4))
def test_closed_form_invariants_against_direct_evaluation(seed):
    """E5.4 explicit two-N forms vs the direct complex evaluation of E5.2; I₂(y, λ) = −I₁(λ, y)."""
    rng = np.random.default_rng(seed)
    ya, la = rng.uniform(0.05, 1.0, 2), rng.uniform(0.05, 1.0, 2)
    al, be = rng.uniform(-PI, PI, 2), rng.uniform(-PI, PI, 2)
    m1, m2 = 1.0, rng.uniform(1.2, 6.0)
    model = Cogenesis.from_polar(ya, al, la, be, m1, m2, 0.1, m_chi=1e-4, m_phi=2e-4)
    i1, i2 = cp_invariants(model)
    c1, c2 = cp_invariants_two_flavour(ya, la, al[1] - al[0], be[1] - be[0], m1, m2)
    assert float(c1) == pytest.approx(float(i1), rel=1e-11)
    assert float(c2) == pytest.approx(float(i2), rel=1e-11)
    swapped = Cogenesis.from_polar(la, be, ya, al, m1, m2, 0.1, m_chi=1e-4, m_phi=2e-4)
    assert float(cp_invariants(swapped)[0]) == pytest.approx(-float(i2), rel=1e-12)
    # rephasing invariance: only δ_y, δ_λ matter
    shifted = Cogenesis.from_polar(ya, al + 0.77, la, be - 0.3, m1, m2, 0.1, m_chi=1e-4, m_phi=2e-4)
    assert float(cp_invariants(shifted)[0]) == pytest.approx(float(i1), rel=1e-11)
    assert float(cp_invariants(shifted)[1]) == pytest.approx(float(i2), rel=1e-11)


@pytest.mark.parametrize(
    "case",
    ["single_N", "real", "half_pi", "decoupled_N2"],
)
def test_cp_violation_vanishes(case):
    """§5.3: I₁ = I₂ = 0 for a single N, real couplings, (δ_y, δ_λ) = (π/2, π/2); ∝ 1/M₂ → 0 as M₂ → ∞."""
    ya, la = np.array([0.4, 0.7]), np.array([0.3, 0.9])
    ref = cp_invariants(Cogenesis.from_polar(ya, [0, 0.8], la, [0, -0.5], 1.0, 3.0, 0.1, m_chi=1e-4, m_phi=2e-4))
    ref = max(abs(float(ref[0])), abs(float(ref[1])))
    if case == "single_N":
        m = Cogenesis.from_polar([0.4, 0.0], [0, 0.8], [0.3, 0.0], [0, -0.5], 1.0, 3.0, 0.1, m_chi=1e-4, m_phi=2e-4)
    elif case == "real":
        m = Cogenesis([0.4, -0.7], [0.3, 0.9], 1.0, 3.0, 0.1, m_chi=1e-4, m_phi=2e-4)
    elif case == "half_pi":
        m = Cogenesis.from_polar(ya, [0.3, 0.3 + PI / 2], la, [-1.1, -1.1 + PI / 2], 1.0, 3.0, 0.1,
                                 m_chi=1e-4, m_phi=2e-4)
    else:
        m = Cogenesis.from_polar(ya, [0, 0.8], la, [0, -0.5], 1.0, 1e8, 0.1, m_chi=1e-4, m_phi=2e-4)
    i1, i2 = cp_invariants(m)
    tol = 1e-7 * ref if case == "decoupled_N2" else 1e-15 * ref
    assert abs(float(i1)) < tol and abs(float(i2)) < tol


def test_reference_regression_points():
    """§10.3 P-A and P-B: invariants and ε's of the reference's points (pure coupling algebra)."""
    pa = Cogenesis([0.0219, -0.0219j], [3.57e-4, 3.57e-4], 5e7, 5e8, 1e7, 0.36, m_chi=1e3, m_phi=1.5e3)
    i1, i2 = cp_invariants(pa)
    assert float(i1) == pytest.approx(2.3219e-46, rel=1e-4)
    assert float(i2) == pytest.approx(-6.1700e-50, rel=1e-4)
    assert float(epsilon_L(pa)) == pytest.approx(6.9288e-16, rel=1e-4)
    assert float(epsilon_chi(pa)) == pytest.approx(1.2275e-19, rel=1e-4)
    pb = Cogenesis([0.015, 0.025j], [0.03, 0.3 * np.exp(3j * PI / 4)], 1e11, 3e11, 2e10, m_chi=0.1, m_phi=0.15)
    i1, i2 = cp_invariants(pb)
    assert float(i1) == pytest.approx(8.8388e-56, rel=1e-4)
    assert float(i2) == pytest.approx(-6.0936e-53, rel=1e-4)
    assert float(epsilon_L(pb)) == pytest.approx(4.2202e-12, rel=1e-4)
    assert float(epsilon_chi(pb)) == pytest.approx(1.9397e-9, rel=1e-4)


def test_cp_odd_reaction_densities_against_quadrature():
    """E8.1: Δγ(a→ā) = 9I₁T⁸/(4π⁶), Δγ(b→b̄) = −3I₂T⁸/(2π⁶) = (3ε/2π⁵)T⁸/M₁⁴ from quadrature of ΔW."""
    model = _random_model(21)
    T = 0.07
    dga, dgb = cp_odd_reaction_densities(model, T)
    qa = reaction_density(lambda s: cp_odd_reduced_cross_sections(model, s).a_abar, T, n_nodes=64)
    qb = reaction_density(lambda s: cp_odd_reduced_cross_sections(model, s).b_bbar, T, n_nodes=64)
    assert float(dga) == pytest.approx(float(qa), rel=1e-9)
    assert float(dgb) == pytest.approx(float(qb), rel=1e-9)
    m4 = float(model.M1) ** 4
    assert float(dga) == pytest.approx(1.5 * float(epsilon_L(model)) / PI**5 * T**8 / m4, rel=1e-12)
    assert float(dgb) == pytest.approx(1.5 * float(epsilon_chi(model)) / PI**5 * T**8 / m4, rel=1e-12)


# ---------------------------------------------------------------------------
# Autodiff and vmap (§11 parametrisation; §10.2 item 9)
# ---------------------------------------------------------------------------


def _eps_l_of_phase(delta_y, delta_lam=-0.4):
    m = Cogenesis.from_polar([0.02, 0.03], jnp.stack([0.0, delta_y]), [0.1, 0.3], jnp.stack([0.0, delta_lam]),
                             1e10, 4e10, 1e9, m_chi=1.0, m_phi=1.5)
    return epsilon_L(m)


def test_grad_epsilon_L_wrt_phase_matches_finite_differences():
    """d ε_L/dδ_y and d ε_L/dδ_λ by jax.grad vs central differences (rel 1e-5)."""
    for d in (0.3, 1.9, -2.2):
        g = jax.grad(_eps_l_of_phase, argnums=(0, 1))(d, -0.4)
        h = 1e-5
        fd_y = (_eps_l_of_phase(d + h) - _eps_l_of_phase(d - h)) / (2 * h)
        fd_l = (_eps_l_of_phase(d, -0.4 + h) - _eps_l_of_phase(d, -0.4 - h)) / (2 * h)
        assert float(g[0]) == pytest.approx(float(fd_y), rel=1e-5)
        assert float(g[1]) == pytest.approx(float(fd_l), rel=1e-5)


def test_vmap_over_phase_and_cp_odd_symmetry():
    """ε_L over a phase grid by vmap equals the loop; ε_L(−δ_y, −δ_λ) = −ε_L(δ_y, δ_λ) (CP)."""
    ds = jnp.linspace(-3.0, 3.0, 7)
    batched = jax.vmap(lambda d: _eps_l_of_phase(d, 0.5))(ds)
    loop = jnp.stack([_eps_l_of_phase(d, 0.5) for d in ds])
    assert np.allclose(np.asarray(batched), np.asarray(loop), rtol=1e-13, atol=0)
    flipped = jax.vmap(lambda d: _eps_l_of_phase(-d, -0.5))(ds)
    assert np.allclose(np.asarray(flipped), -np.asarray(batched), rtol=1e-12, atol=0)
