"""Sensitivity Jacobians d ln|O|/d ln|p|: finite differences, exact scalings, forward = reverse, CLI, plot = JSON.

Compiled Jacobians are shared through module-scoped fixtures (one compile per model and mode).
"""

import json
import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from jaxrelic import constants as c
from jaxrelic.numerics import status as st
from jaxrelic.workflows import sensitivity as sens_mod
from jaxrelic.workflows.cli import main
from jaxrelic.interface import point_function, resolve_point
from jaxrelic.interface import ParameterError
from jaxrelic.workflows.sensitivity import default_parameters, sensitivity, sensitivity_sweep

WIMP_POINT = {"mass": 100.0, "sigma_v": 2.0e-26, "b": 1e-26}  # σv = a + b v², b ≥ 0
LEPTO_POINT = {"M1": 1e10, "epsilon": 1e-6, "K": 10.0}


def _fd(model, given, params, outputs, h, kinds):
    """Fourth-order central differences of ln|O| in ln|p| (kind dln/dln) or p (dln/d), one vmapped call.

    (8[f(h) − f(−h)] − [f(2h) − f(−2h)]) / 12h: truncation O(h⁴), so h can be large enough
    to stay clear of the solvers' step-selection noise (≈1e-5 relative in Ω for the WIMP network).
    """
    fn, fixed = point_function(model, given, free=params)
    base = {k: float(fixed[k]) for k in params}
    rows, steps = [], []
    for k, kind in zip(params, kinds):
        log = kind == "dln/dln"
        step = h if log else h * (abs(base[k]) or 1.0)
        steps.append(step)
        for s in (1.0, -1.0, 2.0, -2.0):
            p = dict(base)
            p[k] = base[k] * np.exp(s * step) if log else base[k] + s * step
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
    assert wimp_rev.kinds == ("dln/dln",) * 4  # b = 1e-26 ≠ 0: logarithmic like the others
    fd = _fd("wimp", WIMP_POINT, wimp_rev.params, wimp_rev.outputs, h=2e-2, kinds=wimp_rev.kinds)
    # the FD accuracy is limited by the network solver's step-selection noise (~1e-5 in ln Ω,
    # absolute), not by the AD
    np.testing.assert_allclose(wimp_rev.matrix, fd, rtol=2e-3, atol=1e-3)


def test_wimp_analytic_expectations(wimp_rev):
    s_sv = float(wimp_rev.entry("omega_h2", "sigma_v"))
    s_g = float(wimp_rev.entry("omega_h2", "g"))
    s_b = float(wimp_rev.entry("omega_h2", "b"))  # b ≠ 0: kind dln/dln, ∂ln Ω/∂ln b
    assert wimp_rev.kinds[wimp_rev.params.index("b")] == "dln/dln"
    # Ω ∝ 1/⟨σv⟩ up to the logarithmic x_f dependence: scaling a and b together gives -1/(1 + O(1/x_f))
    assert -1.0 < s_sv + s_b < -0.9
    # Y_eq ∝ g, and Y → cY, g → cg, (a, b) → (a, b)/c leaves the Boltzmann equation invariant:
    # Ω(cg, a, b) = c Ω(g, ca, cb)  ⇒  S_g = 1 + S_a + S_b exactly
    assert abs(s_g - (1.0 + s_sv + s_b)) < 1e-10
    assert 0.0 < s_g < 0.1
    # the p-wave term adds ⟨σv⟩ ≈ 6b/x (x ≳ x_f ≈ 23): a few per cent of the total
    assert -0.15 < s_b < -0.02
    assert wimp_rev.status == st.SUCCESS and 0.05 < float(wimp_rev.values["omega_h2"]) < 0.2


@pytest.mark.slow
def test_wimp_forward_equals_reverse(wimp_rev, wimp_fwd):
    np.testing.assert_allclose(wimp_fwd.matrix, wimp_rev.matrix, rtol=1e-8)
    assert wimp_fwd.values["omega_h2"] == wimp_rev.values["omega_h2"]


# ------------------------------------------------------------------------------ leptogenesis


def test_leptogenesis_exact_scalings(lepto_rev):
    # Y_B ∝ ε exactly ⇒ ∂ln|Y_B|/∂ln|ε| = 1.  Before issue 10 the column was ∂ln|Y_B|/∂ε = 1/ε = 1e6
    # (ε may be negative, so it was not taken as "positive"); it is logarithmic now wherever ε ≠ 0
    assert lepto_rev.kinds == ("dln/dln",) * 5  # m_bar = 0.05 ≠ 0 too
    for o in ("Y_B", "eta_B"):
        assert abs(float(lepto_rev.entry(o, "epsilon")) - 1.0) < 1e-8
        # without ΔL=2 wash-out nothing depends on M1
        assert abs(float(lepto_rev.entry(o, "M1"))) < 1e-12
        # Y_B = (135 ζ(3)/(4π⁴ g*)) · c_sph · ε κ_f ⇒ ∂ln Y_B/∂ln g* = -1
        assert abs(float(lepto_rev.entry(o, "g_star")) + 1.0) < 1e-10
    assert float(lepto_rev.entry("kappa_f", "epsilon")) == 0.0
    # strong wash-out: κ_f ~ K^-1.16 (Buchmüller–Di Bari–Plümacher fit), here measured -1.29
    assert -1.5 < float(lepto_rev.entry("kappa_f", "K")) < -1.0


def test_leptogenesis_matches_finite_differences(lepto_rev):
    params = ("M1", "epsilon", "K")
    fd = _fd("leptogenesis", LEPTO_POINT, params, lepto_rev.outputs, h=1e-3, kinds=("dln/dln",) * 3)
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
    assert out["kinds"]["epsilon"] == "dln/dln" and out["outputs"]["Y_B"] < c.Y_B_OBS
    assert out["matrix"]["Y_B"]["epsilon"] == pytest.approx(1.0, abs=1e-8) and out["notes"] == []
    # another point through the same compiled function: Y_B ∝ ε, κ_f unchanged
    assert main(["sensitivity", "leptogenesis", "--set", "epsilon=-2e-6", "--json"]) == 0
    assert len(sens_mod._COMPILED) == n_compiled
    neg = json.loads(capsys.readouterr().out)
    assert neg["outputs"]["Y_B"] == pytest.approx(-2.0 * out["outputs"]["Y_B"], rel=1e-12)
    assert neg["outputs"]["kappa_f"] == pytest.approx(out["outputs"]["kappa_f"], rel=1e-12)
    assert neg["matrix"]["Y_B"]["epsilon"] == pytest.approx(1.0, abs=1e-8)  # ln|ε|: also for ε < 0


# ------------------------------------------------------------------------------ cogenesis


@pytest.mark.slow
def test_cogenesis_matches_finite_differences_and_symmetries():
    phases = ("y1_arg", "y2_arg", "lambda1_arg", "lambda2_arg")
    params, outputs = ("y1_abs", "M1") + phases, ("Y_B", "Y_chi", "m_chi_adm")
    res = sensitivity("cogenesis", params=params, outputs=outputs)
    assert res.ok
    assert res.kinds == ("dln/dln",) * 2 + ("dln/d",) * 4  # phases: per radian
    fd = _fd("cogenesis", {}, params[:2], outputs, h=1e-3, kinds=res.kinds[:2])
    np.testing.assert_allclose(res.matrix[:, :2], fd, rtol=1e-4)
    # only the relative phase of the two Yukawas (and of the two dark couplings) is physical
    for o in outputs:
        assert abs(float(res.entry(o, "y1_arg") + res.entry(o, "y2_arg"))) < 1e-8
        assert abs(float(res.entry(o, "lambda1_arg") + res.entry(o, "lambda2_arg"))) < 1e-8
    # asymmetric DM: m_χ^ADM = (Ω_c/Ω_b) m_p |Y_B|/|Y_χ| ⇒ S(m_adm) = S(Y_B) − S(Y_χ)
    np.testing.assert_allclose(res.matrix[2], res.matrix[0] - res.matrix[1], atol=1e-8)


# ------------------------------------------------------------------------------ one definition per column (issue 10)


def test_kind_follows_the_point(fake):
    """Stand-in Ω = mass/σv·1e-27·e^{b·1e25}: ∂ln Ω/∂ln b = b·1e25 where b ≠ 0, ∂ln Ω/∂b = 1e25 at b = 0."""
    at0 = sensitivity("wimp", {"mass": 100, "b": 0.0})
    assert at0.kinds == ("dln/dln", "dln/dln", "dln/d", "dln/dln")
    assert float(at0.entry("omega_h2", "b")) == pytest.approx(1e25, rel=1e-14)
    off0 = sensitivity("wimp", {"mass": 100, "b": 2e-26})
    assert off0.kinds == ("dln/dln",) * 4
    assert float(off0.entry("omega_h2", "b")) == pytest.approx(0.2, rel=1e-14)
    d = off0.as_dict()
    assert d["definitions"] == {"dln/dln": "d ln|O| / d ln|p| = (p/O) dO/dp"} and d["notes"] == []
    # a batch column has one definition: per unit of b as soon as one point has b = 0
    sw = sensitivity_sweep("wimp", {"b": [0.0, 2e-26]}, given={"mass": 100})
    assert sw.kinds[2] == "dln/d"
    np.testing.assert_allclose(sw.matrix[:, 0, 2], [1e25, 1e25], rtol=1e-14)
    sw2 = sensitivity_sweep("wimp", {"b": [1e-26, 2e-26]}, given={"mass": 100})
    assert sw2.kinds[2] == "dln/dln"
    np.testing.assert_allclose(sw2.matrix[:, 0, 2], [0.1, 0.2], rtol=1e-14)


def _fake_cogenesis(model, given=None, free=(), adjoint="reverse"):
    """Analytic cogenesis stand-in with the real parameter set and the m_chi = 0 (ADM mass) switch.

    Y_B ∝ y1_abs² y2_abs sin(y2_arg − y1_arg + 0.3) T_RH^½ / M1 (1 + xi_i²),
    Y_χ ∝ λ1 λ2² (1 + ½ cos(λ2_arg − λ1_arg)) / M2, m_adm ∝ Y_B/Y_χ, Ω ∝ m_χ Y_χ with
    m_χ = m_adm at m_chi = 0, ξ_∞ ∝ y2_abs^½ m_phi_ratio^-0.1 κ^0.
    """
    fixed = resolve_point("cogenesis", dict(given or {}))

    def fn(v):
        p = {k: jnp.asarray(fixed[k]) for k in sens_mod.get_model("cogenesis").bounds}
        p.update(v)
        y_b = (1e-10 * (p["y1_abs"] / 0.015) ** 2 * (p["y2_abs"] / 0.025) * jnp.sin(p["y2_arg"] - p["y1_arg"] + 0.3)
               * jnp.sqrt(p["T_RH"] / 2e10) * (1e11 / p["M1"]) * (1.0 + p["xi_i"] ** 2))
        y_chi = (4e-9 * p["lambda1_abs"] * p["lambda2_abs"] ** 2 * (1.0 + 0.5 * jnp.cos(p["lambda2_arg"] - p["lambda1_arg"]))
                 * (3e11 / p["M2"]))
        m_adm = 5.0 * y_b / y_chi
        m_chi = jnp.where(p["m_chi"] <= 0.0, m_adm, p["m_chi"])
        return {"Y_B": y_b, "Y_chi": y_chi, "m_chi_adm": m_adm, "omega_h2": 2.7e8 * m_chi * y_chi,
                "xi_final": 0.3 * jnp.sqrt(p["y2_abs"] / 0.025) * p["m_phi_ratio"] ** -0.1 * p["kappa"] ** 0.0,
                "status": jnp.asarray(st.SUCCESS, dtype=jnp.int32)}

    return fn, fixed


@pytest.fixture
def fake_cogenesis(monkeypatch):
    monkeypatch.setattr(sens_mod, "point_function", _fake_cogenesis)
    monkeypatch.setattr(sens_mod, "_COMPILED", {})


def _drawn(fig, d):
    """(bar widths, value labels, hatches) per output and parameter, read back from the figure's artists."""
    ax = fig.axes[0]
    n_par = len(d["kinds"])
    widths = [[b.get_width() if b.get_visible() else None for b in cont.patches] for cont in ax.containers]
    texts = [t.get_text().strip().strip("◂▸ ") for t in ax.texts]
    labels = [texts[i * n_par:(i + 1) * n_par] for i in range(len(d["matrix"]))]
    hatches = [[b.get_hatch() for b in cont.patches] for cont in ax.containers]
    return widths, labels, hatches


def _check_plot_equals_json(fig, d):
    widths, labels, hatches = _drawn(fig, d)
    lim = fig.axes[0].get_xlim()[1] / 1.45
    for i, o in enumerate(d["matrix"]):
        for j, p in enumerate(d["kinds"]):
            v = d["matrix"][o][p]
            if v is None:
                assert widths[i][j] is None and labels[i][j] == "n/a", (o, p)
                continue
            assert float(labels[i][j]) == float(f"{v:.3g}"), (o, p)  # the label is the JSON number
            if abs(v) <= lim:
                assert widths[i][j] == v, (o, p)  # bit for bit
            else:  # cut at the axis edge, on the right side
                assert widths[i][j] == pytest.approx(math.copysign(lim, v), rel=1e-12), (o, p)
            assert hatches[i][j] == ("///" if d["kinds"][p] == "dln/d" else None), (o, p)


def test_cli_cogenesis_json_equals_plot(fake_cogenesis, monkeypatch, capsys, tmp_path):
    """`jaxrelic sensitivity cogenesis --json --plot`: the bars and labels are the JSON numbers.

    Before issue 10 the plot drew y2_arg as y2_arg·∂ln|O|/∂y2_arg (0.945 in the JSON, 1.48 = 0.945·π/2 on
    the chart); a phase has one definition now, ∂ln|O|/∂arg per radian, in both.
    """
    from jaxrelic.workflows import plots_sweep

    figs = []
    real = plots_sweep.plot_sensitivity
    monkeypatch.setattr(plots_sweep, "plot_sensitivity", lambda res, **kw: figs.append(real(res, **kw)) or figs[-1])
    png = tmp_path / "sens.png"
    assert main(["sensitivity", "cogenesis", "--json", "--plot", str(png)]) == 0
    d = json.loads(capsys.readouterr().out)
    assert png.stat().st_size > 20000 and len(figs) == 1
    # one definition per column: moduli etc. logarithmic, phases and the parameters at 0 per unit
    per_unit = {"y1_arg", "y2_arg", "lambda1_arg", "lambda2_arg", "xi_i", "m_chi"}
    assert {p for p, k in d["kinds"].items() if k == "dln/d"} == per_unit
    m = d["matrix"]
    # analytic values of the stand-in: ∂ln|Y_B|/∂y2_arg = cot(π/2 + 0.3) = −tan 0.3 per radian
    assert m["Y_B"]["y2_arg"] == pytest.approx(-math.tan(0.3), rel=1e-12)
    assert m["Y_B"]["y1_arg"] == pytest.approx(math.tan(0.3), rel=1e-12)
    assert m["Y_B"]["y1_abs"] == pytest.approx(2.0, rel=1e-12) and m["Y_B"]["T_RH"] == pytest.approx(0.5, rel=1e-12)
    assert m["Y_B"]["M1"] == pytest.approx(-1.0, rel=1e-12) and m["Y_B"]["xi_i"] == 0.0
    ratio = math.sin(3 * math.pi / 4)
    assert m["Y_chi"]["lambda2_arg"] == pytest.approx(-0.5 * ratio / (1 + 0.5 * math.cos(3 * math.pi / 4)), rel=1e-12)
    # m_chi = 0 is the ADM switch: Ω has no derivative there (null + note), Y_B does not depend on m_chi
    assert m["omega_h2"]["m_chi"] is None and m["Y_B"]["m_chi"] == 0.0
    assert len(d["notes"]) == 1 and d["notes"][0].startswith("m_chi_switch: m_chi = 0 selects")
    _check_plot_equals_json(figs[0], d)
    # the hatching is explained and the figure has a size for 15 × 5 bars, not 20 inches
    legend = [t.get_text() for t in figs[0].legends[0].get_texts()]
    assert any(t.startswith("hatched:") and "per unit" in t for t in legend)
    assert any(t.startswith("solid:") for t in legend)
    w, h = figs[0].get_size_inches()
    assert w == 7.0 and h == pytest.approx(1.5 + 0.3 * 3 + 15 * (0.15 * 5 + 0.15))  # 15.9 in (was 19.95)


def test_plot_size_scales_with_bars_and_cut_bars_keep_their_value(fake, rc_guard_sens):
    from jaxrelic.workflows.plots_sweep import plot_sensitivity

    small = sensitivity("wimp", {"mass": 100, "b": 0.0}).as_dict()  # 4 parameters × 1 output
    fig = plot_sensitivity(small)
    _check_plot_equals_json(fig, small)
    assert fig.get_size_inches()[1] == pytest.approx(1.5 + 0.3 + 4 * (0.15 + 0.15))  # 3.0 in for 4 bars
    ax = fig.axes[0]
    # ∂ln Ω/∂b = 1e25 per cm³/s at b = 0 is cut at the axis (set by the dln/dln entries) and says so
    assert ax.get_xlim()[1] == pytest.approx(1.45 * 1.1 * 1.0)
    assert any(t.get_text() == " 1e+25▸ " for t in ax.texts)
    assert any("bar cut" in t.get_text() for t in fig.legends[0].get_texts())
    big = dict(small, kinds={f"p{k}": "dln/dln" for k in range(12)},
               matrix={f"o{i}": {f"p{k}": 0.1 * (k - i) for k in range(12)} for i in range(4)})
    h_big = plot_sensitivity(big).get_size_inches()[1]
    assert h_big == pytest.approx(1.5 + 0.3 * 2 + 12 * (0.15 * 4 + 0.15))


@pytest.fixture
def rc_guard_sens():
    import matplotlib

    before = dict(matplotlib.rcParams)
    yield
    assert dict(matplotlib.rcParams) == before


@pytest.mark.slow
def test_cli_cogenesis_json_equals_plot_real_model(monkeypatch, capsys, tmp_path):
    """The real model at its defaults: the JSON and the chart hold the same numbers (compiles ≈ 2-7 min)."""
    from jaxrelic.workflows import plots_sweep

    figs = []
    real = plots_sweep.plot_sensitivity
    monkeypatch.setattr(plots_sweep, "plot_sensitivity", lambda res, **kw: figs.append(real(res, **kw)) or figs[-1])
    assert main(["sensitivity", "cogenesis", "--json", "--plot", str(tmp_path / "s.png")]) == 0
    d = json.loads(capsys.readouterr().out)
    _check_plot_equals_json(figs[0], d)
    # the phases are per radian in both: y2_arg is −y1_arg (only the relative phase is physical)
    assert d["kinds"]["y2_arg"] == "dln/d"
    assert d["matrix"]["Y_B"]["y2_arg"] == pytest.approx(-d["matrix"]["Y_B"]["y1_arg"], abs=1e-8)
    assert d["matrix"]["omega_h2"]["m_chi"] is None and d["notes"][0].startswith("m_chi_switch:")
