"""Reduced collision operators C̃_S, C̃_ID, C̃_CA (twin_model.md §5.3-5.6, §8 "Tests" item 2).

* the [N] tables of §5.4 (C̃_S), §5.5 (C̃_ID) and §5.6 (C̃_CA);
* an independent scipy evaluation (Form II of §5.4: adaptive quad over s with
  the exact bath-energy integral) that shares no code with the Form-I implementation;
* normalisation identities g_ν ∫ d³p/(2π)³ f^eq C̃ = reaction density (§5.4, §5.5);
* small-p limits, θ₁² scaling, vanishing below threshold, MB vs BE bath photons (§1);
* the whole (ln a, q) grid under jit + vmap over model parameters, and a reverse-mode
  gradient w.r.t. (θ₁, r) against central finite differences.

Every jitted helper is called with fixed shapes so that it compiles once per session.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy import integrate

import jaxrelic  # noqa: F401  (enables float64)
from jaxrelic.models.twin_higgs import (
    TwinHiggs,
    c_tilde_CA,
    c_tilde_CA_p0,
    c_tilde_ID,
    c_tilde_ID_p0,
    c_tilde_S,
    c_tilde_S_p0,
    collision_operators,
    cumulative_table_CA,
    cumulative_table_S,
    make_grid,
    reaction_density_ID,
    reaction_density_S,
    sigma_CA,
    sigma_S,
    sigma_v_CA,
    width_D,
)
from jaxrelic.numerics.quadrature import gauss_laguerre
from jaxrelic.stats import n_eq

BENCH = (1.0, 0.1, 0.5, 1e-3)  # §3.11 benchmark (decay closed)
ID_POINT = (1.0, 0.1, 0.05, 1e-3)  # §5.5 values (decay open, Γ_D = 2.96502e-9 GeV)
SMALL_R = (1.0, 0.18, 0.2, 1e-3)  # longitudinal terms dominate σ_S (§2.6)
HEAVY = (0.7, 0.3, 0.05, 0.02)  # other mass, larger mixing, ID open
NT, NP = 4, 64  # fixed shapes of every call of _ops


@jax.jit
def _ops(params, p, T):
    """All operators at p[i, j], T[i] (GeV); shapes (NT, NP) and (NT,)."""
    model = TwinHiggs(*params)
    tab_s, tab_ca = cumulative_table_S(model), cumulative_table_CA(model)
    Tb = T[:, None]
    return {
        "S": c_tilde_S(model, p, Tb, table=tab_s),
        "S_BE": c_tilde_S(model, p, Tb, table=tab_s, statistics="BE"),
        "CA": c_tilde_CA(model, p, Tb, table=tab_ca),
        "ID": c_tilde_ID(model, p, Tb),
        "ID_BE": c_tilde_ID(model, p, Tb, statistics="BE"),
        "S_p0": c_tilde_S_p0(model, T),
        "CA_p0": c_tilde_CA_p0(model, T),
        "ID_p0": c_tilde_ID_p0(model, T),
        "dens_S": reaction_density_S(model, T),
        "dens_ID": reaction_density_ID(model, T),
        "dens_CA": n_eq(model.m_nu, T, 2.0) * n_eq(model.m_tau, T, 2.0) * sigma_v_CA(model, T),
    }


def _run(params, p_rows, T):
    """Evaluate _ops on rows of momenta (padded to NP by repeating the last value)."""
    p = np.zeros((NT, NP))
    Tpad = np.full(NT, T[-1], dtype=float)
    Tpad[: len(T)] = T
    for i in range(NT):
        row = np.asarray(p_rows[min(i, len(p_rows) - 1)], dtype=float)
        p[i, : len(row)] = row
        p[i, len(row):] = row[-1]
    out = _ops(jnp.array(params), jnp.asarray(p), jnp.asarray(Tpad))
    return {k: np.asarray(v) for k, v in out.items()}


# ----------------------------------------------------------------------------
# Reference tables
# ----------------------------------------------------------------------------
def test_table_54_c_tilde_S():
    """§5.4 [N] table of C̃_S (MB), x = 10, 20, 30; p → 0, 0.1, 0.3, 1, 3 GeV (5 digits)."""
    ref = np.array(
        [
            [7.9268e-16, 8.1423e-16, 9.7024e-16, 1.7126e-15, 1.6105e-15],
            [3.6761e-19, 4.1099e-19, 7.6219e-19, 3.2796e-18, 3.4928e-18],
            [2.7655e-22, 3.5304e-22, 1.1238e-21, 1.0930e-20, 1.2388e-20],
        ]
    )
    ps = [0.0, 0.1, 0.3, 1.0, 3.0]
    out = _run(BENCH, [ps], 1.0 / np.array([10.0, 20.0, 30.0]))
    np.testing.assert_allclose(out["S"][:3, :5], ref, rtol=1e-4)  # brief: 1e-3; observed ≤ 3.2e-5
    # p → 0 column: general formula (p clamped to 1e-6 m_ν) vs the direct limit formula
    np.testing.assert_allclose(out["S"][:3, 0], out["S_p0"][:3], rtol=1e-7)


def test_table_55_c_tilde_ID():
    """§5.5 [N] values of C̃_ID at x = 20 (r = 0.05, Γ_D = 2.96502e-9 GeV)."""
    model = TwinHiggs(*ID_POINT)
    np.testing.assert_allclose(float(width_D(model)), 2.96502e-9, rtol=1e-5)
    out = _run(ID_POINT, [[0.0, 0.3, 1.0]], [1.0 / 20.0])
    np.testing.assert_allclose(out["ID"][0, :3], [4.95501e-10, 4.54965e-10, 2.44686e-10], rtol=1e-5)
    np.testing.assert_allclose(out["ID"][0, 0], out["ID_p0"][0], rtol=1e-12)


def test_table_56_c_tilde_CA():
    """§5.6 [N] values of C̃_CA at x = 20 (benchmark): 6.008, 6.074, 6.093 × 1e-23 GeV."""
    out = _run(BENCH, [[1e-3, 0.3, 1.0]], [1.0 / 20.0])
    np.testing.assert_allclose(out["CA"][0, :3], [6.008e-23, 6.074e-23, 6.093e-23], rtol=1e-3)


# ----------------------------------------------------------------------------
# Independent evaluation (Form II of §5.4 with scipy)
# ----------------------------------------------------------------------------
def _form_ii(model, p, T, bath):
    """C̃(p,T) = g/(32π² E_p p) ∫_{s₀}^∞ ds F(s) T [e^{−E₋(s)/T} − e^{−E₊(s)/T}] (§5.4-5.6)."""
    mn, mt, mg = float(model.m_nu), float(model.m_tau), float(model.m_gamma)
    if bath == "gamma":
        mx, g, s0, sigma = mg, 3.0, (mt + mg) ** 2, sigma_S
    else:
        mx, g, s0, sigma = mt, 2.0, (mn + mt) ** 2, sigma_CA
    sig = jax.jit(lambda s: sigma(model, s))
    Ep = np.hypot(p, mn)

    def e_pm(s):
        lam = np.sqrt(max((s - (mn + mx) ** 2) * (s - (mn - mx) ** 2), 0.0))
        c = (s - mn**2 - mx**2) * Ep
        return (c - p * lam) / (2 * mn**2), (c + p * lam) / (2 * mn**2)

    s_star = mn**2 + mx**2 + 2 * Ep * mx  # bath particle at rest
    e_ref = mx if s_star > s0 else e_pm(s0)[0]

    def integrand(s):
        lam = np.sqrt((s - (mn + mx) ** 2) * (s - (mn - mx) ** 2))
        em, ep = e_pm(s)
        return 2 * lam * float(sig(s)) * T * (np.exp(-(em - e_ref) / T) - np.exp(-(ep - e_ref) / T))

    # s > s₊(E_max), E_max = e_ref + 60 T, needs E₋(s) > E_max (integrand < e^{-60});
    # split at s* (peak of the integrand when the bath particle can be at rest)
    e_max = e_ref + 60 * T
    k_max = np.sqrt(e_max**2 - mx**2)
    s_hi = mn**2 + mx**2 + 2 * (Ep * e_max + p * k_max)
    edges = [s0, s_star, s_hi] if s0 * (1 + 1e-6) < s_star < s_hi else [s0, s_hi]
    val = sum(
        integrate.quad(integrand, a, b, epsabs=0, epsrel=1e-12, limit=2000)[0]
        for a, b in zip(edges[:-1], edges[1:])
    )
    return g / (32 * np.pi**2 * Ep * p) * val * np.exp(-e_ref / T)


@pytest.mark.parametrize(
    "params, x, ps",
    [
        (BENCH, 5.0, [0.03, 1.0, 20.0]),
        (SMALL_R, 60.0, [1e-4, 0.3, 3.0]),
        (HEAVY, 300.0, [0.3, 1.0, 3.0]),
    ],
)
def test_S_against_form_ii(params, x, ps):
    """Form I (table + panels) vs an independent adaptive Form-II quadrature: 1e-6."""
    model = TwinHiggs(*params)
    T = params[0] / x
    ps = [params[0] * p for p in ps]
    out = _run(params, [ps], [T])
    ref = [_form_ii(model, p, T, "gamma") for p in ps]
    np.testing.assert_allclose(out["S"][0, : len(ps)], ref, rtol=1e-6)


def test_CA_against_form_ii():
    """C̃_CA (Form I, G_CA table) vs Form II with scipy at x = 10, 100: 1e-6."""
    model = TwinHiggs(*BENCH)
    ps = [1e-3, 0.3, 1.0, 3.0]
    out = _run(BENCH, [ps], [0.1, 0.01])
    ref = [[_form_ii(model, p, T, "tau") for p in ps] for T in (0.1, 0.01)]
    np.testing.assert_allclose(out["CA"][:2, :4], ref, rtol=1e-6)


# ----------------------------------------------------------------------------
# Normalisation identities (§5.4, §5.5; §5.8 𝒦)
# ----------------------------------------------------------------------------
def _identity_nodes(m, T):
    """Gauss–Laguerre (α = 1/2) nodes in u = (E_p − m)/T: p(u) and the weight factor."""
    u, w = gauss_laguerre(NP, 0.5)
    E = m + T[:, None] * u
    p = np.sqrt(T[:, None] * u * (E + m))
    # g_ν ∫ d³p/(2π)³ e^{−E/T} C̃ = (g_ν/2π²) e^{−m/T} Σ w_i p E T/√u C̃
    fac = 2.0 / (2 * np.pi**2) * w * np.sqrt(T[:, None] * (E + m)) * E * T[:, None]
    return p, fac * np.exp(-m / T)[:, None]


@pytest.mark.parametrize("params", [BENCH, SMALL_R, HEAVY])
def test_normalisation_identities(params):
    """g_ν ∫ f^eq C̃_S = n_ν^eq n_γ^eq ⟨σv⟩_S (1e-5, §5.4); ∫ g_ν f^eq C̃_ID = n_τ^eq Γ_D K₁/K₂
    (1e-9, §5.5); ∫ g_ν f^eq C̃_CA = n_ν^eq n_τ^eq ⟨σv⟩_CA (1e-5, §5.6)."""
    m = params[0]
    T = m / np.array([5.0, 20.0, 100.0, 200.0])
    p, fac = _identity_nodes(m, T)
    out = _run(params, list(p), T)
    np.testing.assert_allclose(np.sum(fac * out["S"], axis=1), out["dens_S"], rtol=1e-5)
    np.testing.assert_allclose(np.sum(fac * out["CA"], axis=1), out["dens_CA"], rtol=1e-5)
    if params[2] < params[1]:
        np.testing.assert_allclose(np.sum(fac * out["ID"], axis=1), out["dens_ID"], rtol=1e-9)
    else:
        assert np.all(out["ID"] == 0.0) and np.all(out["dens_ID"] == 0.0)


# ----------------------------------------------------------------------------
# Limits and structural properties
# ----------------------------------------------------------------------------
def test_small_p_limits():
    """p → 0 (§5.4-5.6): general formulas → direct limit formulas (c_tilde_*_p0, which
    integrate σ directly, not the G table); C̃(p) − C̃(0) ∝ p² (C̃ is even in p);
    C̃_ID(0) = (m_τ/m_ν)³ Γ_D e^{−E₀/T}."""
    T = np.array([0.2, 0.05, 0.01])
    # p² test at p/√(m_ν T) = (0.01, 0.02) for S and (0.1, 0.2) for the nearly flat C̃_CA
    # (relative p-dependence ~5e-5 (p²/m_ν T), above the ~1e-9 quadrature noise only there)
    rows = [[1e-9, 1e-7, 1e-5] + [c * np.sqrt(0.7 * t) for c in (0.01, 0.02, 0.1, 0.2)] for t in T]
    out = _run(HEAVY, rows, T)
    for key, (i1, i2) in (("S", (3, 4)), ("CA", (5, 6))):
        lim = out[key + "_p0"][:3, None]
        np.testing.assert_allclose(out[key][:3, :3], np.broadcast_to(lim, (3, 3)), rtol=3e-7)
        quad = (out[key][:3, i2] - lim[:, 0]) / (out[key][:3, i1] - lim[:, 0])
        np.testing.assert_allclose(quad, 4.0, rtol=2e-2)
    model = TwinHiggs(*HEAVY)
    mn, mt, mg = 0.7, float(model.m_tau), float(model.m_gamma)
    e0 = (mt**2 - mn**2 - mg**2) / (2 * mn)
    exact = (mt / mn) ** 3 * float(width_D(model)) * np.exp(-e0 / T)
    np.testing.assert_allclose(out["ID_p0"][:3], exact, rtol=1e-12)
    np.testing.assert_allclose(out["ID"][:3, 0], exact, rtol=1e-12)


def test_theta1_squared_scaling():
    """C̃_S, C̃_CA ∝ θ₁² (§5.4: "rescale by (θ₁/10⁻³)²"), C̃_ID ∝ Γ_D ∝ θ₁².

    Exactly, every operator is linear in (g_L² + g_R², g_L g_R), which scale as θ₁²
    up to O(θ₁²) = 3.5e-6 relative for θ₁ = 1e-3 → 2e-3; at small r the longitudinal
    1/m_γ⁴ terms amplify this to ≲ 1.4e-5 (C̃_CA, r = 0.05).
    """
    T = 1.0 / np.array([10.0, 20.0, 30.0])
    ps = [1e-3, 0.1, 0.3, 1.0, 3.0]
    a = _run(ID_POINT, [ps], T)
    b = _run(ID_POINT[:3] + (2e-3,), [ps], T)
    for key in ("S", "CA", "ID"):
        np.testing.assert_allclose(b[key][:3, :5] / a[key][:3, :5], 4.0, rtol=2e-5)


def test_threshold_behaviour():
    """Integrand ≡ 0 below threshold (§5.4): G_S(s ≤ s_th) = 0 exactly, G_S ∝ (s − s_th)^{3/2}
    and G_CA ∝ (s − s₀) at threshold; C̃_S grows with p and saturates (§5.4)."""
    model = TwinHiggs(*BENCH)
    tab = jax.jit(cumulative_table_S)(model)
    s_th = float((model.m_tau + model.m_gamma) ** 2)
    below = jnp.array([0.0, 1.0, s_th - 1e-9, s_th])
    assert np.all(np.asarray(tab(below)) == 0.0)
    assert np.all(np.asarray(sigma_S(model, below)) == 0.0)
    assert float(tab.difference(-1.0, -1e-12)) == 0.0
    np.testing.assert_allclose(float(tab.difference(-1.0, 0.3)), float(tab(s_th + 0.3)), rtol=1e-15)
    d = jnp.array([1e-13, 1e-12, 1e-7, 1e-6])
    g = np.asarray(tab.difference(jnp.zeros(4), d))
    # below the first knot (1e-10 m_ν²) the linear extension of ln G in y is the power law
    np.testing.assert_allclose(g[1] / g[0], 10**1.5, rtol=1e-5)
    np.testing.assert_allclose(g[3] / g[2], 10**1.5, rtol=1e-5)
    tab_ca = jax.jit(cumulative_table_CA)(model)
    g = np.asarray(tab_ca.difference(jnp.zeros(4), d))
    np.testing.assert_allclose(g[1] / g[0], 10.0, rtol=1e-5)
    out = _run(BENCH, [np.geomspace(1e-3, 10.0, NP)], [0.05])
    s_row = out["S"][0]
    i_sat = np.searchsorted(np.geomspace(1e-3, 10.0, NP), 1.0)
    assert np.all(np.diff(s_row[:i_sat]) > 0)  # grows with p below p ~ m_ν
    assert s_row[-1] / s_row[0] > 5.0 and 0.5 < s_row[-1] / s_row[i_sat] < 2.0  # saturates


def test_bose_einstein_bath():
    """MB vs BE bath photons (§1).  BE multiplies the photon occupation by
    1/(1 − e^{−E/T}); the photons that up-scatter ν̂ have E ≥ E_lo(p), E_lo = 0.655 m_ν
    at p → 0 and m_γ = 0.5 m_ν for p ≳ 0.84 m_ν (§5.4), so the relative change of C̃_S is
    ≤ e^{−m_γ/T}/(1 − e^{−m_γ/T}): < 1e-6 for x ≥ 28 (freeze-out of S: x ≈ 26.5-28.4,
    §6.3(e)), i.e. the reference's "no change at 1e-6" holds.  For ID (E₀ ≈ 0.1 m_ν at
    r = 0.05) BE is a 10-30 % effect."""
    x = np.array([30.0, 40.0, 25.0, 10.0])
    out = _run(BENCH, [np.geomspace(1e-3, 5.0, NP)], 1.0 / x)
    rel = out["S_BE"] / out["S"] - 1.0
    assert np.all(rel > 0.0)
    assert np.max(rel[:2]) < 1e-6
    for i in (2, 3):
        bound = np.exp(-0.5 * x[i]) / (1 - np.exp(-0.5 * x[i]))
        e_lo0 = 0.5 + 0.1 + 0.005 + 0.05  # E_lo(p → 0) = m_γ + m_ν(Δ + Δ²/2 + rΔ) (§5.4)
        assert rel[i, 0] <= np.exp(-e_lo0 * x[i]) / (1 - np.exp(-e_lo0 * x[i]))
        assert 0.1 * bound < np.max(rel[i]) <= bound
    out = _run(ID_POINT, [[0.0, 0.3, 1.0]], [0.05])
    ratio = out["ID_BE"][0, :3] / out["ID"][0, :3]
    assert np.all((ratio > 1.1) & (ratio < 1.3))


# ----------------------------------------------------------------------------
# Whole grid: jit + vmap over model parameters, gradient vs finite differences
# ----------------------------------------------------------------------------
GRID_POINT = (1.0, 0.18, 0.1, 1e-3)  # S, ID and CA all non-zero


@pytest.fixture(scope="module")
def small_grid():
    """(12 × 10) grid, x = 8 … 60; depends on m_ν only (no twin-photon dof)."""
    return jax.jit(lambda m: make_grid(m, x0=8.0, x_end=60.0, n_a=12, n_q=10))(
        TwinHiggs(*GRID_POINT)
    )


def test_grid_jit_vmap(small_grid):
    """collision_operators on the whole grid, jit(vmap) over two model points, equals the
    point-wise operators at p = q/a, T(a) (§5.4-5.6) to rounding."""
    batch = jnp.array([GRID_POINT, (1.0, 0.1, 0.5, 3e-4)])
    ops = jax.jit(
        jax.vmap(lambda prm, g: collision_operators(TwinHiggs(*prm), g), in_axes=(0, None))
    )(batch, small_grid)
    assert ops.S.shape == ops.ID.shape == ops.CA.shape == (2, 12, 10)
    p = np.asarray(small_grid.p())
    T = np.asarray(small_grid.T)
    rows = [0, 5, 11]
    for b, params in enumerate(np.asarray(batch)):
        direct = _run(tuple(params), [p[i] for i in rows], T[rows])
        for key in ("S", "CA", "ID"):
            np.testing.assert_allclose(
                np.asarray(getattr(ops, key)[b])[rows], direct[key][:3, :10], rtol=1e-12
            )
    assert np.all(np.asarray(ops.ID[1]) == 0.0)  # r ≥ Δ: decay closed
    assert np.all(np.asarray(ops.S) > 0.0) and np.all(np.asarray(ops.CA) > 0.0)


def test_grid_gradient_vs_finite_differences(small_grid):
    """Reverse-mode d/d(θ₁, r) of Σ ln C̃_S + Σ ln C̃_ID over the grid (G_S table, panels,
    lax.map, Γ_D) vs central differences of the same jitted function (rel 1e-5)."""

    def functional(th, r, grid):
        model = TwinHiggs(1.0, 0.18, r, th)
        tab = cumulative_table_S(model)
        S = jax.lax.map(
            lambda aT: c_tilde_S(model, grid.q / aT[0], aT[1], table=tab), (grid.a, grid.T)
        )
        ID = c_tilde_ID(model, grid.p(), grid.T[:, None])
        return jnp.sum(jnp.log(S)) + jnp.sum(jnp.log(ID))

    vg = jax.jit(jax.value_and_grad(functional, argnums=(0, 1)))
    _, g = vg(1e-3, 0.1, small_grid)
    ht, hr = 1e-8, 1e-6
    fd_t = (vg(1e-3 + ht, 0.1, small_grid)[0] - vg(1e-3 - ht, 0.1, small_grid)[0]) / (2 * ht)
    fd_r = (vg(1e-3, 0.1 + hr, small_grid)[0] - vg(1e-3, 0.1 - hr, small_grid)[0]) / (2 * hr)
    np.testing.assert_allclose(float(g[0]), float(fd_t), rtol=1e-5)
    np.testing.assert_allclose(float(g[1]), float(fd_r), rtol=1e-5)
