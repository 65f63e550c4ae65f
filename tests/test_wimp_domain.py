"""WIMP validity domain: where the equilibrium start is justified, hot relics, traced ranges.

Issue 10: a hot relic (m = 10 MeV, ⟨σv⟩ = 1e-35 cm³/s) started in equilibrium at x = 1 was
4.35× off (95 682 against 21 986).  The engine now starts where the number-changing rate is
fast (R = Γ/(xH) ≥ 100, :func:`jaxrelic.engines.network.equilibrium_rate`) and flags a start
with R < 10 as ``late_start``.
"""

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxrelic
from jaxrelic import WIMP, solve_network
from jaxrelic.constants import OMEGA_H2_PER_MY, ZETA3
from jaxrelic.models.freeze_in import constant_gstar_background
from jaxrelic.numerics import status as st
from jaxrelic.engines import network as nw
from jaxrelic.workflows.cli import main

G_STAR = 106.75
BG = constant_gstar_background(G_STAR)


def _hot_yield(g, statistics):
    """Relativistic equilibrium yield Y = n/s at x → 0 (Kolb & Turner eq. 5.32): 45 ζ(3) g_eff /(2π⁴ g_*s)
    with g_eff = g (BE), 3g/4 (FD); MB has n = g T³/π², i.e. ζ(3) → 1."""
    factor = {"MB": 1.0 / ZETA3, "FD": 0.75, "BE": 1.0}[statistics]
    return 45.0 * ZETA3 * factor * g / (2.0 * math.pi**4 * G_STAR)


@pytest.mark.parametrize("statistics", ["MB", "FD", "BE"])
def test_hot_relic_matches_relativistic_yield(statistics):
    """Decoupling at x ~ 3e-5 (fully relativistic): Y_∞ = Y_eq(x → 0) at constant g_*, up to the
    residual annihilation after x ~ 1, O(R(x=1)) = O(3e-5) (1.4e-3 at ⟨σv⟩ = 1e-35 cm³/s)."""
    m = 0.01
    r = jaxrelic.relic_density(WIMP(mass=m, sigma_v=1e-37, statistics=statistics), BG)
    assert int(r.status) == st.SUCCESS
    assert float(r.x[0]) < 1e-5  # started where R = 100, not at x = 1
    expect = OMEGA_H2_PER_MY * m * _hot_yield(2.0, statistics)
    assert float(r.omega_h2) == pytest.approx(expect, rel=2e-4)


def test_hot_relic_start_independent_and_late_start_flagged():
    """SM g_*: the automatic start agrees with a much earlier start; the old x = 1 start is flagged."""
    w = WIMP(mass=0.01, sigma_v=1e-35)
    auto = jaxrelic.relic_density(w)
    early = jaxrelic.relic_density(w, x_start=1e-6)
    assert int(auto.status) == st.SUCCESS
    assert float(auto.omega_h2) == pytest.approx(float(early.omega_h2), rel=1e-5)
    late = jaxrelic.relic_density(w, x_start=1.0)
    assert int(late.status) == st.LATE_START
    assert float(late.omega_h2) / float(auto.omega_h2) == pytest.approx(4.35, rel=0.01)


def test_cold_relic_start_unchanged():
    """R(x = 1) ≥ 100 for every cold relic in range: the start stays at x = 1 exactly."""
    for m, sv in [(100.0, 2.2e-26), (0.01, 1e-29), (1e5, 1e-18)]:
        w = WIMP(mass=m, sigma_v=sv)
        assert float(nw.equilibrium_rate(w, BG, jnp.asarray(0.0))) >= nw.R_EQ_START
        assert float(jaxrelic.relic_density(w).x[0]) == 1.0


def test_equilibrium_rate_edge():
    """Just inside (R(1) slightly above 100): start at 1; just outside: start below 1, R = 100 there."""
    m = 0.01
    r1 = float(nw.equilibrium_rate(WIMP(mass=m, sigma_v=1e-33), BG, jnp.asarray(0.0)))
    sv_edge = 1e-33 * nw.R_EQ_START / r1  # R ∝ ⟨σv⟩ at fixed x
    inside = jaxrelic.relic_density(WIMP(mass=m, sigma_v=sv_edge * 1.01), BG)
    outside = jaxrelic.relic_density(WIMP(mass=m, sigma_v=sv_edge * 0.99), BG)
    assert float(inside.x[0]) == 1.0 and int(inside.status) == st.SUCCESS
    x0 = float(outside.x[0])
    assert 0.9 < x0 < 1.0 and int(outside.status) == st.SUCCESS
    R0 = float(nw.equilibrium_rate(WIMP(mass=m, sigma_v=sv_edge * 0.99), BG, jnp.log(x0)))
    assert R0 == pytest.approx(nw.R_EQ_START, rel=0.02)
    # both starts are deep in equilibrium: moving the start from x0 to 1 changes nothing
    at_one = jaxrelic.relic_density(WIMP(mass=m, sigma_v=sv_edge * 0.99), BG, x_start=1.0)
    assert float(outside.omega_h2) == pytest.approx(float(at_one.omega_h2), rel=1e-6)


def test_traced_out_of_range_is_a_status():
    """Under vmap an out-of-range mass is flagged per point (no host callback, no exception)."""
    f = jax.jit(jax.vmap(lambda m: solve_network(WIMP(mass=m, sigma_v=2.2e-26), BG).status))
    s = np.asarray(f(jnp.array([100.0, 1e6, -1.0, jnp.nan])))
    assert s[0] == st.SUCCESS
    assert list(s[1:]) == [st.OUT_OF_RANGE] * 3


def test_cli_hot_relic_note(capsys):
    import json

    code = main(["relic", "wimp", "--set", "mass=0.01", "--set", "sigma_v=1e-35", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["status"] == "success"
    assert out["x_start"] < 1e-2
    assert any(n.startswith("relativistic_decoupling:") for n in out["notes"])
    assert out["omega_h2"] == pytest.approx(21985.6, rel=1e-4)


def test_statistics_rejected():
    with pytest.raises(ValueError, match="statistics"):
        WIMP(statistics="XY")
    assert main(["relic", "wimp", "--set", "statistics=XY"]) == 2


def test_unresolved_user_resonance_is_flagged():
    """A user σ(s) with a narrow pole (Γ/M = 3.3e-5) not passed in ``resonances`` is missed by
    the default rule (⟨σv⟩ ×228 too small at x = 20): the model's domain status is
    not_converged; with the hint it is success.  A smooth σ(s) is success."""
    M_H, GAMMA_H, M_DM = 125.0, 4.1e-3, 60.0

    def sigma(s):
        beta = jnp.sqrt(jnp.maximum(1.0 - 4.0 * M_DM**2 / s, 1e-300))
        return 5e-11 * M_H**2 / ((s - M_H**2) ** 2 + M_H**2 * GAMMA_H**2) / beta

    status = jax.jit(lambda w: w.domain_status())
    assert int(status(WIMP(mass=M_DM, sigma=sigma))) == st.NOT_CONVERGED
    assert int(status(WIMP(mass=M_DM, sigma=sigma, resonances=((M_H, GAMMA_H),)))) == st.SUCCESS
    smooth = WIMP(mass=100.0, sigma=lambda s: 1e-9 * jnp.sqrt(jnp.maximum(1.0 - 4e4 / s, 0.0)))
    assert int(status(smooth)) == st.SUCCESS
