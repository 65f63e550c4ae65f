"""θ₁-independent collision tables (issue 14, part 4; docs/physics/twin_solvers.md §8).

C̃_S, C̃_CA (and Γ_D, σ_S, σ_CA) are quadratic forms in the off-diagonal couplings
(g_L, g_R) at fixed (m_ν, Δ, r): X(θ₁) = g_V² X[vector] + g_A² X[axial].  The
factored path (tables once, θ₁ prefactors applied) is compared with the direct
evaluation of the unmodified code: reference numbers below were computed with
jaxrelic commit 8b5271f (before this change) by the sweep point function
(``point_function("twin-higgs", {"m_nu": 1.0}, free=("delta", "r", "theta1"))``, jitted,
single points).
"""

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxrelic  # noqa: F401  (float64)
from jaxrelic.models.twin_higgs import TwinHiggs, make_grid
from jaxrelic.models.twin_higgs.collision import (
    AXIAL_COUPLINGS,
    VECTOR_COUPLINGS,
    coupling_weights,
)
from jaxrelic.models.twin_higgs.processes import sigma_CA, sigma_S
from jaxrelic.models.twin_higgs.widths import width_two_body
from jaxrelic.numerics import status as st
from jaxrelic.models.twin_higgs import solver as th
from jaxrelic.workflows import sweep as sw

# (Δ, r, θ₁) at m_ν = 1 GeV → ((outputs in the order of OUTPUTS), phase, status) of commit 8b5271f
# (direct operator evaluation).  Phases: coscattering, S/C_S mixed, coannihilation, decay-open
# (r < Δ), large θ₁ (0.2, 0.3: sin θ₁ ≠ θ₁), a late coscattering point (θ₁ = 1e-6, Ω ≈ 254).
OUTPUTS = ("omega_h2", "omega_h2_first_term", "omega_h2_second_term", "omega_h2_coannihilation",
           "omega_h2_eq28", "omega_h2_eq35", "T_CS", "T_CA", "T_S_min_GeV", "T_S_max_GeV", "start_memory",
           "eq38_cancellation")
MAIN_8B5271F = {
    (0.1, 0.5, 0.0004378): ((
        0.11983442178608686, 0.00704840107596871, 0.11278602071011813, 0.0070484570452575245,
        0.058030394710594825, 0.1107351120965783, 0.038135103290178614, 0.07181793099790246,
        0.025269469814645295, 0.04583261365247826, 0.0, 1.0,
    ), 1, 0),
    (0.1, 0.5, 0.001): ((
        0.020393395748028745, 0.007048235977860274, 0.013345159770168473, 0.007048291945838317,
        0.004768702935052764, 0.010270427028770401, 0.03813508199772837, 0.06514431444382335,
        0.025268972716999752, 0.04120132536477807, 0.0, 1.0,
    ), 2, 0),
    (0.18, 0.4, 0.001): ((
        0.16226424437973702, 0.13271102285540853, 0.02955322152432849, 0.1327120766747819,
        0.001974071503706223, 0.010438998793619089, 0.04273491658687756, 0.0674052944236452,
        0.023252837343896667, 0.04200236517994489, 0.0, 1.0,
    ), 0, 0),
    (0.1, 0.05, 0.001): ((
        0.006413730133991106, 0.006378696600896467, 3.503353309463928e-05, 0.006378747252258442,
        3.1701767947210587e-46, 1.784071744937783e-113, 0.03799990072261379, 0.046751056406689924,
        0.003333333333333334, 0.003734189936778216, 0.0, 1.0,
    ), 4, 0),
    (0.1, 0.5, 0.2): ((
        0.0031164021816119597, 0.0025543798791123843, 0.0005620223024995755, 0.0025544001626950346,
        3.844097572941136e-10, 2.0220312366720796e-09, 0.0372715868057089, 0.04056649185173616,
        0.018735522301125008, 0.024983227899484817, 0.0, 1.0,
    ), 0, 0),
    (0.3, 0.8, 0.05): ((
        3.7015481003483015, 1.464804972936164, 2.2367431274121374, 1.4648166045234772,
        0.3871293053665473, 3.3781131995577383, 0.04863497692888313, 0.05327151510994858,
        0.025444782609943067, 0.055479490028985376, 0.0, 1.0,
    ), 2, 0),
    (0.1, 0.15, 1e-06): ((
        254.2790307900442, 0.006575116082649888, 254.27245567396156, 0.006575168293721125,
        169.63128355117615, 254.32148486768654, 0.03803183264689207, 0.14279341599622397,
        0.02474177209847478, 0.08270240601016593, 6.751271802305608e-22, 1.0,
    ), 1, 0),
    (0.1, 0.9, 0.3): ((
        0.007121839336030371, 0.0023610370454960564, 0.004760802290534314, 0.0023610557937998864,
        0.001807631061415923, 0.004072867279033091, 0.03734398150970124, 0.040419293075357104,
        0.02547626371891951, 0.038832627462295606, 0.0, 1.0,
    ), 2, 0),
}


def test_quadratic_form_in_couplings_is_exact():
    """σ_S(s), σ_CA(s) and Γ_D at any θ₁ equal g_V² X[vector] + g_A² X[axial] to rounding
    (the identity behind the tables; X[vector], X[axial] are non-negative)."""
    for delta, r, theta1 in [(0.1, 0.5, 1e-3), (0.3, 0.8, 0.3), (1.0, 0.2, 0.7)]:
        m = TwinHiggs(1.0, delta, r, theta1)
        wv, wa = coupling_weights(m)
        s_S = (m.m_tau + m.m_gamma) ** 2 * jnp.array([1.0 + 1e-6, 1.01, 1.5, 4.0, 100.0])
        s_CA = (m.m_tau + m.m_nu) ** 2 * jnp.array([1.0 + 1e-6, 1.01, 1.5, 4.0, 100.0])
        for sig, s in ((sigma_S, s_S), (sigma_CA, s_CA)):
            vec = sig(m, s, couplings=VECTOR_COUPLINGS)
            ax = sig(m, s, couplings=AXIAL_COUPLINGS)
            assert np.all(np.asarray(vec) > 0) and np.all(np.asarray(ax) >= 0)
            np.testing.assert_allclose(np.asarray(wv * vec + wa * ax), np.asarray(sig(m, s)), rtol=1e-13)
        # Γ(τ̂ → ν̂ γ̂) for an open decay: same quadratic form
        args = (m.m_tau, m.m_nu, 0.5 * (m.m_tau - m.m_nu))
        direct = width_two_body(*args, m.g_L, m.g_R, m.e_hat)
        split = (wv * width_two_body(*args, *VECTOR_COUPLINGS, m.e_hat)
                 + wa * width_two_body(*args, *AXIAL_COUPLINGS, m.e_hat))
        np.testing.assert_allclose(float(split), float(direct), rtol=1e-13)


@jax.jit
def _factored_point(delta, r, theta1):
    """Sweep point function's solver with the θ₁-independent tables (single point, no vmap)."""
    m = TwinHiggs(1.0, delta, r, theta1)
    grid = make_grid(m, x0=5.0, x_end=300.0, n_a=600, n_q=128)
    res = th.relic_on_grid(m, grid, "eq38", x_range=(5.0, 300.0), tables=th.solver_tables(m, grid))
    return res


def _outputs(res, i=None):
    pick = (lambda v: v) if i is None else (lambda v: v[i])
    T_S = np.asarray(pick(res.T_S))
    vals = [pick(res.omega_h2), pick(res.omega_first), pick(res.omega_second), pick(res.omega_CA),
            pick(res.omega_28), pick(res.omega_35), pick(res.T_CS), pick(res.T_CA), T_S.min(), T_S.max(),
            pick(res.memory), pick(res.cancellation)]
    return np.array([float(v) for v in vals]), int(pick(res.phase)), int(pick(res.status))


def test_factored_path_matches_direct_evaluation():
    """Every output of the factored path equals the direct evaluation (commit 8b5271f) across
    the phases: ≤ 2e-9 relative (measured ≤ 3.3e-11, and 6.8e-10 for Ω at θ₁ = 1e-6; the
    difference is the ln G spline of two coupling structures instead of one); the start
    memory (≤ 7e-22) within 1e-27 absolute; phase and status identical."""
    for (delta, r, theta1), (ref, phase, status) in MAIN_8B5271F.items():
        got, got_phase, got_status = _outputs(_factored_point(delta, r, theta1))
        ref = np.array(ref)
        mem = OUTPUTS.index("start_memory")
        keep = np.arange(len(OUTPUTS)) != mem
        np.testing.assert_allclose(got[keep], ref[keep], rtol=2e-9, err_msg=str((delta, r, theta1)))
        np.testing.assert_allclose(got[mem], ref[mem], rtol=1e-7, atol=1e-27)
        assert (got_phase, got_status) == (phase, status)
        assert th.PHASES[got_phase] in ("coscattering", "S/C_S mixed", "coannihilation", "decay-open")


@pytest.mark.slow  # 27 s
def test_theta_scan_column_and_domain_edges():
    """relic_twin_theta_scan: one set of tables for a θ₁ column (Δ = 0.1, r = 0.5).

    Ω h² equals the direct single-point values of commit 8b5271f to 1e-6 (the vmapped column
    shares the adaptive steps of Eq. (27), like any vmapped batch; measured ≤ 3e-7); θ₁ =
    0.785, just inside θ₁ < π/4, computes with status SUCCESS (8b5271f: Ω = 3.24355e-4);
    θ₁ = 0 and θ₁ = π/4 (just outside) are rejected with a ValueError naming theta1."""
    thetas = [4.378e-4, 1e-3, 0.2, 0.785]
    ref = [0.11983442178608686, 0.020393395748028745, 0.0031164021816119597, 0.000324355098781485]
    res = th.relic_twin_theta_scan(TwinHiggs(1.0, 0.1, 0.5, 0.01), thetas)
    assert res.omega_h2.shape == (4,) and res.f_end.shape == (4, 128)
    np.testing.assert_allclose(np.asarray(res.omega_h2), ref, rtol=1e-6)
    np.testing.assert_array_equal(np.asarray(res.status), st.SUCCESS)
    assert [th.PHASES[int(i)] for i in res.phase] == ["coscattering", "S/C_S mixed", "coannihilation",
                                                       "coannihilation"]
    for bad in ([1e-3, 0.0], [math.pi / 4]):
        with pytest.raises(ValueError, match="theta1"):
            th.relic_twin_theta_scan(TwinHiggs(1.0, 0.1, 0.5, 0.01), bad)
    with pytest.raises(ValueError, match="theta1 must be a non-empty 1-D array"):
        th.relic_twin_theta_scan(TwinHiggs(1.0, 0.1, 0.5, 0.01), [[1e-3]])


@pytest.mark.slow  # 52 s
def test_theta1_gradient_through_tables():
    """d ln Ω/d ln θ₁ through the tables (reverse mode) = central differences (relative step
    1e-3) to 1e-4 at the coscattering benchmark (Δ = 0.1, r = 0.5, θ₁ = 4.378e-4; small grid
    n_q = 100, n_a = 200); coscattering: Ω ∝ θ₁^{-n}, n between 2 and 7 (twin_model.md §5.8)."""
    model = TwinHiggs(1.0, 0.1, 0.5, 0.01)

    def ln_omega(ln_t):
        res = th.relic_twin_theta_scan(model, jnp.exp(ln_t)[None], n_q=100, n_a=200)
        return jnp.log(res.omega_h2[0])

    ln_t0 = math.log(4.378e-4)
    g = float(jax.jit(jax.grad(ln_omega))(ln_t0))
    primal = jax.jit(ln_omega)
    h = 1e-3
    fd = (float(primal(ln_t0 + h)) - float(primal(ln_t0 - h))) / (2 * h)
    np.testing.assert_allclose(g, fd, rtol=1e-4)
    assert -7.0 < g < -2.0


# ------------------------------------------------------------------------------------ sweep
def test_sweep_group_and_chunk_choice():
    """θ₁ groups only when θ₁ is the innermost grid axis and no gradient is stored; the CPU
    chunk is the per-model preferred size, a multiple of the θ₁ axis; other backends keep the
    memory fit (up to 256)."""
    assert sw.sweep_group("twin-higgs", ("r", "theta1"), (24, 24), 24) == 24
    assert sw.sweep_group("twin-higgs", ("r", "theta1"), (24, 24), 48) == 24
    assert sw.sweep_group("twin-higgs", ("r", "theta1"), (24, 12), 32) == 4
    assert sw.sweep_group("twin-higgs", ("r", "theta1"), (24, 6), 8) == 0  # gcd 2 < MIN_GROUP
    assert sw.sweep_group("twin-higgs", ("theta1", "r"), (24, 24), 24) == 0
    assert sw.sweep_group("twin-higgs", ("r", "theta1"), (24, 24), 24, gradient_output="omega_h2") == 0
    assert sw.sweep_group("wimp", ("mass", "sigma_v"), (8, 8), 8) == 0
    pref = sw.PREFERRED_CHUNK_CPU["twin-higgs"]
    assert sw.choose_chunk_size("twin-higgs", 576, backend="cpu", group_len=24) == pref
    assert pref % 24 == 0
    assert sw.choose_chunk_size("twin-higgs", 576, backend="cpu") == pref
    # a θ₁ axis longer than the preferred chunk: one whole column per chunk (memory permitting)
    assert sw.choose_chunk_size("twin-higgs", 800, backend="cpu", group_len=100) == 100
    # longer than the memory fit (125): the fit, in groups of gcd(125, 200) = 25
    assert sw.choose_chunk_size("twin-higgs", 1600, backend="cpu", group_len=200) == 125
    assert sw.sweep_group("twin-higgs", ("r", "theta1"), (8, 200), 125) == 25
    assert sw.choose_chunk_size("twin-higgs", 576, backend="gpu", max_memory=100e9) == 256
    assert sw.choose_chunk_size("twin-higgs", 576, backend="gpu", max_memory=100e9, group_len=24) == 240
    # the memory budget still caps the chunk: 6 GB fits (6 - 1.5)/0.036 = 125 points
    assert sw.choose_chunk_size("twin-higgs", 576, backend="gpu") == 125
    assert sw.choose_chunk_size("twin-higgs", 576, backend="gpu", group_len=24) == 120


def test_grouped_sweep_matches_direct_values(tmp_path):
    """A sweep with θ₁ innermost runs in θ₁ groups (tables once per group) and reproduces the
    direct single-point values of commit 8b5271f (Δ = 0.1, r = 0.5, θ₁ = 1e-4 … 1e-2) to 1e-6."""
    res = sw.sweep("twin-higgs", ["r=0.5:0.5:1", "theta1=1e-4:1e-2:4:log"], {"delta": 0.1}, tmp_path / "s.nc",
                   chunk_size=4, progress=False)
    assert sw.sweep_group("twin-higgs", ("r", "theta1"), (1, 4), res.chunk_size) == 4
    ds = res.open()
    np.testing.assert_allclose(ds["omega_h2"].values[0],
                               [7.357474160615758, 0.10289486782364828, 0.010402695876999709,
                                0.0077816053874649365], rtol=1e-6)
    np.testing.assert_allclose(ds["T_S_max_GeV"].values[0],
                               [0.05725033190706249, 0.045470689269873875, 0.037656380858016814,
                                0.03211634023800302], rtol=1e-6)
    np.testing.assert_array_equal(ds["phase"].values[0], [1, 1, 0, 0])
    np.testing.assert_array_equal(ds["status"].values[0], st.SUCCESS)
    ds.close()
