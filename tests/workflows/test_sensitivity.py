"""Sensitivity Jacobians d ln|O|/d ln p: finite differences, exact scalings, forward = reverse, CLI.

Compiled Jacobians are shared through module-scoped fixtures (one compile per model and mode).
"""

import json

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from jaxrelic import constants as c
from jaxrelic.numerics import status as st
from jaxrelic.workflows import sensitivity as sens_mod
from jaxrelic.workflows.cli import main
from jaxrelic.workflows.evaluate import point_function, resolve_point
from jaxrelic.workflows.registry import ParameterError
from jaxrelic.workflows.sensitivity import default_parameters, sensitivity, sensitivity_sweep

WIMP_POINT = {"mass": 100.0, "sigma_v": 2.0e-26, "b": 1e-26}  # σv = a + b v², b ≥ 0
LEPTO_POINT = {"M1": 1e10, "epsilon": 1e-6, "K": 10.0}


def _fd(model, given, params, outputs, h):
    """Fourth-order central differences of ln|O| in ln p (positive p) or p (others), one vmapped call.

    (8[f(h) − f(−h)] − [f(2h) − f(−2h)]) / 12h: truncation O(h⁴), so h can be large enough
    to stay clear of the solvers' step-selection noise (≈1e-5 relative in Ω for the WIMP network).
    """
    from jaxrelic.workflows.evaluate import evaluator

    fn, fixed = point_function(model, given, free=params)
    cont = evaluator(model).continuous
    base = {k: float(fixed[k]) for k in params}
    rows, steps = [], []
    for k in params:
        step = h if cont[k][2] else h * (abs(base[k]) or 1.0)
        steps.append(step)
        for s in (1.0, -1.0, 2.0, -2.0):
            p = dict(base)
            p[k] = base[k] * np.exp(s * step) if cont[k][2] else base[k] + s * step
            rows.append(p)
    batch = {k: np.array([r[k] for r in rows]) for k in params}
    out = jax.jit(jax.vmap(fn))(batch)
    assert np.all(np.asarray(out["status"]) == st.SUCCESS)
    S = np.empty((len(outputs), len(params)))
    for i, o in enumerate(outputs):
        ly = np.log(np.abs(np.asarray(out[o]))).reshape(len(params), 4)
        S[i] = (8.0 * (ly[:, 0] - ly[:, 1]) - (ly[:, 2] - ly[:, 3])) / (12.0 * np.array(steps))
    return S


@pytest.fixture(scope="module")
def wimp_rev():
    return sensitivity("wimp", WIMP_POINT)


@pytest.fixture(scope="module")
def wimp_fwd():
    return sensitivity("wimp", WIMP_POINT, mode="forward")


@pytest.fixture(scope="module")
def lepto_rev():
    return sensitivity("leptogenesis", LEPTO_POINT)


@pytest.fixture(scope="module")
def lepto_fwd():
    return sensitivity("leptogenesis", LEPTO_POINT, mode="forward")


# ------------------------------------------------------------------------------ names, kinds


def test_defaults_exclude_numerical_parameters():
    assert default_parameters("wimp") == ("mass", "sigma_v", "b", "g")
    assert default_parameters("twin-higgs") == ("m_nu", "delta", "r", "theta1")
    assert "x_max" not in default_parameters("cogenesis") and "y1_arg" in default_parameters("cogenesis")
    assert default_parameters("leptogenesis") == ("M1", "epsilon", "K", "g_star", "m_bar")


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"params": ["mass", "nope"]}, ["'nope'", "allowed", "sigma_v"]),
        ({"outputs": ["omega"]}, ["'omega'", "allowed", "omega_h2", "x_f"]),
        ({"mode": "sideways"}, ["sideways", "reverse", "forward"]),
        ({"given": {"mass": "-1"}}, ["mass", "allowed range"]),
    ],
)
def test_bad_names_raise_parameter_error(kwargs, words):
    with pytest.raises(ParameterError) as e:
        sensitivity("wimp", **kwargs)
    for w in words:
        assert w in str(e.value)


# ------------------------------------------------------------------------------ WIMP


@pytest.mark.slow
def test_wimp_matches_finite_differences(wimp_rev):
    assert wimp_rev.kinds == ("dln/dln", "dln/dln", "dln/d", "dln/dln")
    fd = _fd("wimp", WIMP_POINT, wimp_rev.params, wimp_rev.outputs, h=2e-2)
    # compare logarithmic sensitivities (the b column times b): the FD accuracy is limited by the
    # network solver's step-selection noise (~1e-5 in ln Ω, absolute), not by the AD
    b = np.array([1.0, 1.0, WIMP_POINT["b"], 1.0])
    np.testing.assert_allclose(wimp_rev.matrix * b, fd * b, rtol=2e-3, atol=1e-3)


def test_wimp_analytic_expectations(wimp_rev):
    s_sv = float(wimp_rev.entry("omega_h2", "sigma_v"))
    s_g = float(wimp_rev.entry("omega_h2", "g"))
    s_b = float(wimp_rev.entry("omega_h2", "b"))  # kind dln/d: ∂ln Ω/∂b
    b = WIMP_POINT["b"]
    # Ω ∝ 1/⟨σv⟩ up to the logarithmic x_f dependence: scaling a and b together gives -1/(1 + O(1/x_f))
    assert -1.0 < s_sv + b * s_b < -0.9
    # Y_eq ∝ g, and Y → cY, g → cg, (a, b) → (a, b)/c leaves the Boltzmann equation invariant:
    # Ω(cg, a, b) = c Ω(g, ca, cb)  ⇒  S_g = 1 + S_a + b ∂ln Ω/∂b exactly
    assert abs(s_g - (1.0 + s_sv + b * s_b)) < 1e-10
    assert 0.0 < s_g < 0.1
    # the p-wave term adds ⟨σv⟩ ≈ 6b/x (x ≳ x_f ≈ 23): a few per cent of the total
    assert -0.15 < b * s_b < -0.02
    assert wimp_rev.status == st.SUCCESS and 0.05 < float(wimp_rev.values["omega_h2"]) < 0.2


@pytest.mark.slow
def test_wimp_forward_equals_reverse(wimp_rev, wimp_fwd):
    np.testing.assert_allclose(wimp_fwd.matrix, wimp_rev.matrix, rtol=1e-8)
    assert wimp_fwd.values["omega_h2"] == wimp_rev.values["omega_h2"]


# ------------------------------------------------------------------------------ leptogenesis


def test_leptogenesis_exact_scalings(lepto_rev):
    eps = LEPTO_POINT["epsilon"]
    # epsilon may be negative, so its column is d ln|Y|/d eps; Y_B ∝ ε exactly ⇒ ε·S = 1
    assert lepto_rev.kinds[lepto_rev.params.index("epsilon")] == "dln/d"
    for o in ("Y_B", "eta_B"):
        assert abs(eps * float(lepto_rev.entry(o, "epsilon")) - 1.0) < 1e-10
        # without ΔL=2 wash-out nothing depends on M1
        assert abs(float(lepto_rev.entry(o, "M1"))) < 1e-12
        # Y_B = (135 ζ(3)/(4π⁴ g*)) · c_sph · ε κ_f ⇒ ∂ln Y_B/∂ln g* = -1
        assert abs(float(lepto_rev.entry(o, "g_star")) + 1.0) < 1e-10
    assert float(lepto_rev.entry("kappa_f", "epsilon")) == 0.0
    # strong wash-out: κ_f ~ K^-1.16 (Buchmüller–Di Bari–Plümacher fit), here measured -1.29
    assert -1.5 < float(lepto_rev.entry("kappa_f", "K")) < -1.0


def test_leptogenesis_matches_finite_differences(lepto_rev):
    params = ("M1", "epsilon", "K")
    fd = _fd("leptogenesis", LEPTO_POINT, params, lepto_rev.outputs, h=1e-3)
    ad = np.stack([[lepto_rev.entry(o, p) for p in params] for o in lepto_rev.outputs])
    np.testing.assert_allclose(ad, fd, rtol=1e-4, atol=1e-8)


def test_leptogenesis_forward_equals_reverse(lepto_rev, lepto_fwd):
    np.testing.assert_allclose(lepto_fwd.matrix, lepto_rev.matrix, rtol=1e-8, atol=1e-14)


def test_sweep_matches_points_and_reports_shape(lepto_rev):
    K = np.array([[1.0, 10.0], [100.0, 10.0]])
    res = sensitivity_sweep("leptogenesis", {"K": K}, given=LEPTO_POINT, chunk_size=3)
    assert res.matrix.shape == (2, 2, 3, 5) and res.status.shape == (2, 2)
    assert np.all(res.status == st.SUCCESS)
    np.testing.assert_array_equal(res.point["K"], K)
    for idx in ((0, 1), (1, 1)):  # K = 10 in the padded and the full chunk
        np.testing.assert_allclose(res.matrix[idx], lepto_rev.matrix, rtol=1e-12, atol=1e-20)
    # stronger wash-out: smaller efficiency and steeper K dependence
    kf = res.values["kappa_f"]
    assert kf[0, 0] > kf[0, 1] > kf[1, 0]
    with pytest.raises(ParameterError, match=r"K .*allowed range"):
        sensitivity_sweep("leptogenesis", {"K": [1.0, -3.0]})
    with pytest.raises(ParameterError, match="unknown swept parameter 'Q'"):
        sensitivity_sweep("leptogenesis", {"Q": [1.0]})


# ------------------------------------------------------------------------------ status handling


def _fake_point_function(model, given=None, free=(), adjoint="reverse"):
    """Analytic stand-in: omega_h2 = mass/sigma_v·1e-27·exp(b), status 2 (failed) for mass > 500."""
    fixed = resolve_point("wimp", dict(given or {}))

    def fn(v):
        p = {k: jnp.asarray(fixed[k]) for k in ("mass", "sigma_v", "b", "g")}
        p.update(v)
        om = p["mass"] / p["sigma_v"] * 1e-27 * jnp.exp(p["b"] * 1e25)
        om = jnp.where(p["g"] > 3.0, 0.0, om)
        status = jnp.where(p["mass"] > 500.0, st.SOLVER_FAILED, st.SUCCESS).astype(jnp.int32)
        return {"omega_h2": om, "x_f": om, "Y_today": om, "status": status}

    return fn, fixed


@pytest.fixture
def fake(monkeypatch):
    monkeypatch.setattr(sens_mod, "point_function", _fake_point_function)
    monkeypatch.setattr(sens_mod, "_COMPILED", {})  # keep the stand-in out of the shared compile cache


def test_failed_points_give_nan_and_status(fake):
    ok = sensitivity("wimp", {"mass": 100})
    np.testing.assert_allclose(ok.matrix, [[1.0, -1.0, 1e25, 0.0]], rtol=1e-14)
    assert ok.ok
    bad = sensitivity("wimp", {"mass": 900})
    assert int(bad.status) == st.SOLVER_FAILED and np.all(np.isnan(bad.matrix)) and not bad.ok
    zero = sensitivity("wimp", {"g": 4})  # output 0: ln|O| undefined → flagged, never silent
    assert int(zero.status) == st.NONFINITE and np.all(np.isnan(zero.matrix))
    sw = sensitivity_sweep("wimp", {"mass": [100.0, 900.0, 200.0]})
    np.testing.assert_array_equal(sw.status, [0, st.SOLVER_FAILED, 0])
    assert np.all(np.isnan(sw.matrix[1])) and np.all(np.isfinite(sw.matrix[[0, 2]]))


def test_cli_failed_solve_exits_1(fake, capsys):
    assert main(["sensitivity", "wimp", "--set", "mass=900", "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["status"] == "solver_failed" and out["matrix"]["omega_h2"]["mass"] is None


def test_cli_json_and_plot(fake, capsys, tmp_path):
    png = tmp_path / "s.png"
    assert main(["sensitivity", "wimp", "--set", "mass=50", "--params", "mass,sigma_v,b",
                 "--json", "--plot", str(png)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["kinds"] == {"mass": "dln/dln", "sigma_v": "dln/dln", "b": "dln/d"}
    assert out["matrix"]["omega_h2"]["sigma_v"] == pytest.approx(-1.0, rel=1e-14)
    assert out["parameters"]["mass"] == 50.0 and out["status_code"] == 0
    assert png.stat().st_size > 1000
    assert main(["sensitivity", "wimp", "--outputs", "omega_h2,x_f"]) == 0
    text = capsys.readouterr().out
    assert "sigma_v" in text and "dln/d" in text and "x_f" in text


@pytest.mark.parametrize(
    "argv, words",
    [
        (["sensitivity", "wimp", "--params", "mass,zeta"], ["'zeta'", "allowed", "sigma_v"]),
        (["sensitivity", "wimp", "--outputs", "omega"], ["'omega'", "omega_h2"]),
        (["sensitivity", "axion"], ["axion", "wimp", "leptogenesis"]),
        (["sensitivity", "wimp", "--set", "mass=-5"], ["mass", "allowed range"]),
    ],
)
def test_cli_bad_input_exits_2(argv, words, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    for w in words:
        assert w in err


def test_cli_leptogenesis_reuses_compiled_jacobian(lepto_rev, capsys):
    n_compiled = len(sens_mod._COMPILED)
    # same discrete settings, parameters, outputs and mode as lepto_rev: no new compilation
    assert main(["sensitivity", "leptogenesis", "--set", "K=10", "--set", "epsilon=1e-6", "--json"]) == 0
    assert len(sens_mod._COMPILED) == n_compiled
    out = json.loads(capsys.readouterr().out)
    for i, o in enumerate(lepto_rev.outputs):
        assert out["outputs"][o] == float(lepto_rev.values[o])
        assert [out["matrix"][o][p] for p in lepto_rev.params] == list(lepto_rev.matrix[i])  # bit for bit
    assert out["kinds"]["epsilon"] == "dln/d" and out["outputs"]["Y_B"] < c.Y_B_OBS
    # another point through the same compiled function: Y_B ∝ ε, κ_f unchanged
    assert main(["sensitivity", "leptogenesis", "--set", "epsilon=-2e-6", "--json"]) == 0
    assert len(sens_mod._COMPILED) == n_compiled
    neg = json.loads(capsys.readouterr().out)
    assert neg["outputs"]["Y_B"] == pytest.approx(-2.0 * out["outputs"]["Y_B"], rel=1e-12)
    assert neg["outputs"]["kappa_f"] == pytest.approx(out["outputs"]["kappa_f"], rel=1e-12)
    assert neg["matrix"]["Y_B"]["epsilon"] * -2e-6 == pytest.approx(1.0, abs=1e-10)


# ------------------------------------------------------------------------------ cogenesis


@pytest.mark.slow
def test_cogenesis_matches_finite_differences_and_symmetries():
    phases = ("y1_arg", "y2_arg", "lambda1_arg", "lambda2_arg")
    params, outputs = ("y1_abs", "M1") + phases, ("Y_B", "Y_chi", "m_chi_adm")
    res = sensitivity("cogenesis", params=params, outputs=outputs)
    assert res.ok
    fd = _fd("cogenesis", {}, params[:2], outputs, h=1e-3)
    np.testing.assert_allclose(res.matrix[:, :2], fd, rtol=1e-4)
    # only the relative phase of the two Yukawas (and of the two dark couplings) is physical
    for o in outputs:
        assert abs(float(res.entry(o, "y1_arg") + res.entry(o, "y2_arg"))) < 1e-8
        assert abs(float(res.entry(o, "lambda1_arg") + res.entry(o, "lambda2_arg"))) < 1e-8
    # asymmetric DM: m_χ^ADM = (Ω_c/Ω_b) m_p |Y_B|/|Y_χ| ⇒ S(m_adm) = S(Y_B) − S(Y_χ)
    np.testing.assert_allclose(res.matrix[2], res.matrix[0] - res.matrix[1], atol=1e-8)
