"""Freeze-in from decays and from UV scattering (jaxrelic/models/freeze_in/model.py, docs/physics/freeze_in.md).

The network solves are compiled once per model class: every point of a test family goes
through one ``jax.vmap`` (statistics and operator dimension are array fields, not static),
so the module runs in about a minute on two cores.
"""

from __future__ import annotations

import json
import math

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxrelic  # noqa: F401  (float64)
from jaxrelic.models import freeze_in as fi
from jaxrelic.numerics.quadrature import integrate_interval
from jaxrelic.numerics.special import k1e
from jaxrelic.engines.network import AbstractNetworkModel
from jaxrelic.workflows.cli import main

G = 106.75
BG = fi.constant_gstar_background(G)
M_B, M_DM = 1000.0, 0.01
Y_EQ_REL = float(fi.y_equilibrium_relativistic(2.0, G))


# ----------------------------------------------------------------------------- rate functions


@pytest.mark.parametrize("statistics, x", [("FD", 0.3), ("FD", 3.0), ("FD", 30.0), ("BE", 0.3), ("BE", 3.0),
                                           ("BE", 30.0), ("MB", 3.0)])
def test_decay_density_matches_bessel_series(statistics, x):
    """n⟨m/E⟩ = g m² T/(2π²) Σ_k (∓1)^{k+1} K₁(kx)/k (expansion of 1/(e^E ± 1))."""
    m, g = 100.0, 3.0
    T = m / x
    sign = {"FD": -1.0, "BE": 1.0, "MB": 0.0}[statistics]
    k = np.arange(1, 2001, dtype=np.float64)
    coef = np.where(k == 1, 1.0, sign ** (k - 1) if sign else 0.0)
    series = np.sum(coef * np.asarray(k1e(k * x)) * np.exp(-k * x) / k)
    ref = math.log(g * m**2 * T / (2 * math.pi**2) * series)
    got = float(fi.log_decay_density(m, T, g, statistics))
    assert abs(got - ref) < (2e-7 if (statistics == "BE" and x < 1) else 1e-10)


def test_production_integral_statistics_factors():
    """∫ γ/(sHT) dT at constant g_*: HJMW for MB, × η(5) (FD) and ζ(5) (BE)."""
    f = eqx.filter_jit(fi.production_integral)
    ys = {s: float(f(fi.FreezeInDecay(M_B, 1e-18, M_DM, statistics=s), BG, 1e4 * M_B, M_B / 2000))
          for s in ("MB", "FD", "BE")}
    y_an = float(fi.y_freeze_in_decay_analytic(M_B, 2.0, 1e-18, G))
    assert ys["MB"] / y_an - 1 == pytest.approx(0.0, abs=1e-9)  # T_start = 1e4 m_B: truncation 1.6e-17
    assert ys["FD"] / ys["MB"] == pytest.approx(15 / 16 * 1.0369277551433699, rel=1e-8)
    assert ys["BE"] / ys["MB"] == pytest.approx(1.0369277551433699, rel=1e-7)


def test_default_log_gamma_from_rates_matches_override():
    """The models' log_gamma equals the engine default built from rates() and log_n_eq().

    Where the default underflows (decay at m_B/T = 1e4: Γ n_B/n_χ ~ e^{−10⁴} in rates()) the
    override stays finite: that is why the models give log_gamma directly.
    """
    for model in (fi.FreezeInDecay(statistics="BE"), fi.FreezeInUV(dim=6, m_dm=100.0, T_RH=1e6, Lambda=1e9)):
        for T in (1e-1, 10.0, 300.0, 1e4, 1e6):
            a_ann, a_bath = model.log_gamma(T)
            b_ann, b_bath = AbstractNetworkModel.log_gamma(model, T)
            for a, b in ((a_ann, b_ann), (a_bath, b_bath)):
                a, b = np.asarray(a), np.asarray(b)
                assert np.all(np.isfinite(a))
                live = b > -1e50
                np.testing.assert_allclose(a[live], b[live], rtol=1e-12, atol=1e-10)
    ln_bath = float(fi.FreezeInDecay(statistics="BE").log_gamma(1e-1)[1][0])
    assert -1.1e4 < ln_bath < -0.9e4 and float(AbstractNetworkModel.log_gamma(fi.FreezeInDecay(), 1e-1)[1][0]) < -1e50


def test_uv_rate_normalisation_and_threshold():
    """γ = T/(64π⁴) ∫ ds σ̂ √s K₁(√s/T): σ̂ = κ s/Λ² → κT⁶/(2π⁴Λ²), σ̂ = κ s²/Λ⁴ → 12κT⁸/(π⁴Λ⁴)."""
    T, L = 2.0, 50.0

    def gamma(n):  # s = T² y², ds = 2T² y dy
        f = lambda y: (T * y) ** (2 * n) / L ** (2 * n) * T * y * k1e(y) * jnp.exp(-y) * 2 * T**2 * y  # noqa: E731
        return float(T / (64 * math.pi**4) * integrate_interval(f, 1e-12, 120.0, n=64, panels=16))

    assert gamma(1) == pytest.approx(T**6 / (2 * math.pi**4 * L**2), rel=1e-12)
    assert gamma(2) == pytest.approx(12 * T**8 / (math.pi**4 * L**4), rel=1e-12)
    # model: γ_χχ = 2 c T⁶/Λ² F², F → 1 for T ≫ m, F(1) = K₂(1)/2
    m = fi.FreezeInUV(T_RH=1e8, Lambda=1e12, dim=5, m_dm=1.0, coefficient=0.5)
    assert float(m.log_gamma(1e6)[0][0, 0]) == pytest.approx(math.log(1e36 / 1e24), abs=1e-11)
    assert float(m.log_gamma_reaction(1.0)) == pytest.approx(math.log(0.5 / 1e24 * (1.6248388986351774 / 2) ** 2),
                                                             abs=1e-12)


@pytest.mark.parametrize(
    "cls, kw, needle",
    [
        (fi.FreezeInDecay, {"width": -1.0}, "width=-1.0 outside the allowed range (0,"),
        (fi.FreezeInDecay, {"width": 2e3}, "width=2000 outside the allowed range (0, m_parent)"),
        (fi.FreezeInDecay, {"m_dm": 2e3}, "m_dm=2000 outside the allowed range [1e-09, m_parent)"),
        (fi.FreezeInDecay, {"m_parent": -5.0}, "m_parent=-5.0 outside the allowed range"),
        (fi.FreezeInDecay, {"statistics": "XY"}, "statistics='XY' invalid; allowed: one of MB, FD, BE"),
        (fi.FreezeInUV, {"T_RH": 0.5}, "T_RH=0.5 outside the allowed range (m_dm, Lambda)"),
        (fi.FreezeInUV, {"Lambda": 1e9}, "T_RH=1e+10 outside the allowed range (m_dm, Lambda)"),
        (fi.FreezeInUV, {"dim": 7}, "dim=7 invalid; allowed: one of 5, 6"),
    ],
)
def test_model_bad_input_valueerror(cls, kw, needle):
    with pytest.raises(ValueError) as e:
        cls(**kw)
    assert needle in str(e.value)


# ----------------------------------------------------------------------------- decays (one compile)

#: (width [GeV], η): MB/FD/BE at 1e-18 (freeze-in), then MB towards equilibrium.
DECAY_POINTS = [(1e-18, 0.0), (1e-18, 1.0), (1e-18, -1.0), (1e-16, 0.0), (1e-14, 0.0), (1e-13, 0.0),
                (1e-12, 0.0), (1e-11, 0.0), (1e-10, 0.0), (1e-8, 0.0)]


@pytest.fixture(scope="module")
def decay():
    """Y_today, status and jax.grad of ln Y wrt ln Γ for DECAY_POINTS (constant g_* = 106.75)."""

    def ln_y(lw, eta):
        r = fi.solve_freeze_in_decay(fi.FreezeInDecay(M_B, jnp.exp(lw), M_DM, statistics=eta), BG)
        return jnp.log(r.Y_today), r.status

    def point(lw, eta):
        (v, status), g = jax.value_and_grad(ln_y, has_aux=True)(lw, eta)
        return jnp.exp(v), status, g

    lw = jnp.log(jnp.array([p[0] for p in DECAY_POINTS]))
    eta = jnp.array([p[1] for p in DECAY_POINTS])
    Y, status, grad = jax.jit(jax.vmap(point))(lw, eta)
    return np.asarray(Y), np.asarray(status), np.asarray(grad)


def test_decay_hjmw_yield_and_statistics(decay):
    Y, status, _ = decay
    assert np.all(status == 0)
    for i, s in enumerate(("MB", "FD", "BE")):
        y_an = float(fi.y_freeze_in_decay_analytic(M_B, 2.0, 1e-18, G, statistics=s))
        # measured −9.7e-6 (MB), −8.3e-6 (FD), −1.4e-5 (BE): T_start = 20 m_B misses 8.8e-6, inverse decays ~1e-6
        assert abs(Y[i] / y_an - 1) < 1e-4, (s, Y[i] / y_an - 1)
    assert Y[1] < Y[0] < Y[2]  # FD < MB < BE


def test_decay_gradient_freeze_in(decay):
    _, _, grad = decay
    assert np.isfinite(grad).all()
    assert abs(grad[0] - 1) < 1e-3  # measured 1 − 1.9e-5 (inverse decays)
    # against the finite difference between Γ = 1e-18 and 1e-16 (ln Y is linear in ln Γ there to ~1e-5)
    Y = decay[0]
    assert abs(grad[0] - math.log(Y[3] / Y[0]) / math.log(100.0)) < 1e-4


def test_decay_transition_to_equilibrium(decay):
    """Y grows with Γ, never beyond the relativistic equilibrium yield, and saturates there."""
    Y, _, grad = decay
    mb = np.concatenate([[Y[0]], Y[3:]])
    widths = np.array([DECAY_POINTS[0][0]] + [p[0] for p in DECAY_POINTS[3:]])
    assert np.all(np.diff(mb[:-2]) > 0)  # grows until saturation …
    assert np.ptp(mb[-3:]) < 1e-6 * mb[-1]  # … then flat (5e-8 measured for Γ = 1e-11 … 1e-8)
    assert np.all(mb <= Y_EQ_REL * (1 + 1e-9))
    an = np.asarray(fi.y_freeze_in_decay_analytic(M_B, 2.0, widths, G))
    assert np.all(mb <= an * (1 + 1e-9))  # inverse decays only remove χ
    assert mb[-1] / Y_EQ_REL == pytest.approx(1.0, abs=1e-6)  # Γ = 1e-8 GeV: thermalised, decoupled relativistic
    assert an[-1] / Y_EQ_REL > 1e4  # … where production alone would overshoot detailed balance 10⁴-fold
    assert 0.3 < mb[4] / an[4] < 0.7  # Γ = 1e-12: transition (measured 0.485)
    assert abs(grad[-1]) < 1e-3  # saturated: Y independent of Γ


# ----------------------------------------------------------------------------- UV scattering (one compile)

#: (T_RH, Λ, dim) with m_dm = 1 GeV.
UV_POINTS = [(1e9, 1e16, 5), (1e10, 1e16, 5), (1e10, 1e17, 5), (1e9, 1e14, 6), (1e10, 1e14, 6), (1e10, 2e14, 6),
             (1e10, 2e10, 5)]


@pytest.fixture(scope="module")
def uv():
    def point(T_RH, L, dim):
        m = fi.FreezeInUV(T_RH=T_RH, Lambda=L, dim=dim, m_dm=1.0)
        r = fi.solve_freeze_in_uv(m, BG)
        return r.Y_today, r.status, fi.production_integral(m, BG, T_RH, 1e-3)

    cols = [jnp.array([p[i] for p in UV_POINTS], dtype=jnp.float64) for i in range(3)]
    return [np.asarray(a) for a in jax.jit(jax.vmap(point))(*cols)]


def test_uv_constant_gstar_integral_and_analytic(uv):
    Y, status, Yq = uv
    assert np.all(status == 0)
    for i, (T_RH, L, dim) in enumerate(UV_POINTS[:6]):
        assert Y[i] / Yq[i] - 1 == pytest.approx(0.0, abs=1e-5)  # measured ≤ 2e-7
        an = float(fi.y_uv_analytic(T_RH, L, dim, G))
        assert Yq[i] / an - 1 == pytest.approx(0.0, abs=1e-8)  # threshold F²: −κ m/T_RH (dim 5) ~ 1e-9


def test_uv_scalings(uv):
    Y = uv[0]
    assert Y[1] / Y[0] == pytest.approx(10.0, rel=1e-6)  # dim 5: ∝ T_RH
    assert Y[1] / Y[2] == pytest.approx(100.0, rel=1e-6)  # ∝ 1/Λ²
    assert Y[4] / Y[3] == pytest.approx(1000.0, rel=1e-6)  # dim 6: ∝ T_RH³
    assert Y[4] / Y[5] == pytest.approx(16.0, rel=1e-6)  # ∝ 1/Λ⁴


def test_uv_thermalised_point_respects_detailed_balance(uv):
    Y = uv[0]
    an = float(fi.y_uv_analytic(1e10, 2e10, 5, G))
    assert an > 1e5 * Y_EQ_REL
    # thermalised, decoupled while relativistic, then ~2 % residual annihilation through the implied
    # ⟨σv⟩ = γ_χχ/n_eq² = 2π⁴/(g²Λ²) around T ~ m (measured Y/Y_eq,rel = 0.9810)
    assert 0.95 < Y[6] / Y_EQ_REL <= 1 + 1e-9


# ----------------------------------------------------------------------------- CLI


def _cli(capsys, *argv):
    rc = main(list(argv))
    out, err = capsys.readouterr()
    return rc, out, err


@pytest.mark.parametrize(
    "model, sets, needle",
    [
        ("freeze-in-decay", ["width=-1"], "parameter width='-1' outside the allowed range [0, 1e+15] GeV"),
        ("freeze-in-decay", ["width=0"], "parameter width=0.0 outside the allowed range (0, m_parent) GeV"),
        ("freeze-in-decay", ["m_parent=-3"], "parameter m_parent='-3' outside the allowed range"),
        ("freeze-in-decay", ["m_dm=2000"], "parameter m_dm=2000 outside the allowed range [1e-09, m_parent) GeV"),
        ("freeze-in-decay", ["statistics=XY"], "parameter statistics='XY' invalid; allowed: one of MB, FD, BE"),
        ("freeze-in-decay", ["g_parent=nan"], "parameter g_parent='nan' outside the allowed range"),
        ("freeze-in-uv", ["T_RH=0.5"], "parameter T_RH=0.5 outside the allowed range (m_dm, Lambda) GeV"),
        ("freeze-in-uv", ["Lambda=1e9"], "parameter T_RH=1e+10 outside the allowed range (m_dm, Lambda) GeV"),
        ("freeze-in-uv", ["dim=7"], "parameter dim='7' invalid; allowed: one of 5, 6"),
        ("freeze-in-uv", ["m_dm=-1"], "parameter m_dm='-1' outside the allowed range"),
    ],
)
def test_cli_bad_input_exit_2(capsys, model, sets, needle):
    rc, out, err = _cli(capsys, "relic", model, *[a for s in sets for a in ("--set", s)], "--json")
    lines = [ln for ln in err.strip().splitlines() if ln]
    assert rc == 2 and out == ""
    assert len(lines) == 1 and needle in lines[0], lines


def test_cli_models_lists_freeze_in(capsys):
    rc, out, _ = _cli(capsys, "models", "--json")
    d = json.loads(out)
    assert rc == 0
    assert d["freeze-in-decay"]["parameters"]["statistics"]["allowed"] == "one of MB, FD, BE"
    assert d["freeze-in-uv"]["parameters"]["dim"]["allowed"] == "one of 5, 6"
    assert d["freeze-in-uv"]["parameters"]["T_RH"]["unit"] == "GeV"


@pytest.mark.slow
@pytest.mark.parametrize(
    "model, sets, omega",
    [("freeze-in-decay", [], 0.1200), ("freeze-in-uv", ["T_RH=1e10", "Lambda=1e16", "dim=5", "m_dm=1"], None)],
)
def test_cli_json_runs(capsys, model, sets, omega):
    """Full CLI runs on the SM background (~35 s of compilation each)."""
    rc, out, err = _cli(capsys, "relic", model, *[a for s in sets for a in ("--set", s)], "--json")
    d = json.loads(out)
    assert rc == 0 and d["status"] == "success", err
    assert d["regime"] == "freeze-in"
    assert d["Y_today"] / d["Y_production_integral"] - 1 == pytest.approx(0.0, abs=1e-4)
    if omega is not None:
        assert d["omega_h2"] == pytest.approx(omega, rel=2e-2)


def test_traced_out_of_range_is_a_status():
    """Under vmap, parameters outside the domain give OUT_OF_RANGE per point (no host callback):
    width ≤ 0 or ≥ m_parent; T_RH ≤ m_dm or ≥ Λ.  solve_network combines it into ``status``."""
    from jaxrelic.models.freeze_in import FreezeInDecay, FreezeInUV
    from jaxrelic.numerics import status as st

    dec = jax.vmap(lambda w: FreezeInDecay(width=w).domain_status())(jnp.array([1e-18, -1.0, 2000.0, jnp.nan]))
    assert dec.tolist() == [st.SUCCESS] + [st.OUT_OF_RANGE] * 3
    uv = jax.vmap(lambda t: FreezeInUV(T_RH=t, m_dm=1.0).domain_status())(jnp.array([1e10, 0.5, 9e17, 1e18]))
    assert uv.tolist() == [st.SUCCESS, st.OUT_OF_RANGE, st.OUT_OF_RANGE, st.OUT_OF_RANGE]
