"""jaxrelic.workflows.fit: transforms, χ² fits, roots, contour continuation, CLI ``jaxrelic fit``.

Cheap models carry the default suite: leptogenesis (Y_B ∝ ε exactly, so every fit
has a closed-form answer) and one WIMP fit; the twin-Higgs physics point is slow.
Compiled problems are cached in ``fit._CACHE``, so tests with the same model, free
names and target names share one compilation.
"""

from __future__ import annotations

import json
import math

import jax.numpy as jnp
import numpy as np
import pytest

import jaxrelic
from jaxrelic.numerics import status as st
from jaxrelic.workflows import roots as fitmod
from jaxrelic.workflows.cli import main
from jaxrelic.interface import get_model, point_function
from jaxrelic.workflows.fit import FitError, fit
from jaxrelic.workflows.roots import solve_for, trace_contour
from jaxrelic.workflows.transforms import Transform, transform_for
from jaxrelic.interface import ParameterError

Y_OBS = 8.7e-11


# ---------------------------------------------------------------- transforms


def _all_transforms():
    out = []
    for model in ("wimp", "twin-higgs", "leptogenesis", "cogenesis"):
        for name, (lo, hi, pos) in get_model(model).bounds.items():
            out.append((f"{model}.{name}", transform_for(lo, hi, pos)))
    return out


@pytest.mark.parametrize("label, tr", _all_transforms(), ids=[t[0] for t in _all_transforms()])
def test_transform_round_trip_and_range(label, tr):
    lo, hi = tr.lo, tr.hi
    if math.isfinite(lo) and math.isfinite(hi):
        if tr.kind == "log-logit":
            ps = np.exp(np.linspace(math.log(lo), math.log(hi), 9)[1:-1])
        else:
            ps = np.linspace(lo, hi, 9)[1:-1]
    elif math.isfinite(lo):
        ps = lo + np.array([1e-6, 0.3, 1.0, 7.0, 1e4])
    elif math.isfinite(hi):
        ps = hi - np.array([1e-6, 0.3, 1.0, 7.0, 1e4])
    else:
        ps = np.array([-5.0, -0.1, 0.0, 2.0, 30.0])
    for p in ps:
        back = float(tr.to_physical(tr.to_unconstrained(p)))
        assert back == pytest.approx(p, rel=1e-12, abs=1e-12 * max(1.0, abs(p))), (label, p)
    # every unconstrained value, however extreme, maps into the allowed range
    u = jnp.asarray([-1e4, -800.0, -40.0, -1.0, 0.0, 1.0, 40.0, 800.0, 1e4])
    p = np.asarray(tr.to_physical(u))
    assert np.all(np.isfinite(p)) and np.all(p >= lo) and np.all(p <= hi), (label, p)
    if tr.kind != "identity":  # monotone
        assert np.all(np.diff(p) >= 0) or np.all(np.diff(p) <= 0)


def test_transform_kinds():
    assert transform_for(1e-35, 1e-18, True).kind == "log-logit"  # a positive range with lo > 0
    assert transform_for(-1.0, 1.0, False).kind == "logit"  # epsilon
    assert transform_for(0.0, math.pi / 4, True).kind == "logit"  # theta1
    assert transform_for(0.0, math.inf, True).kind == "log"  # twin masses
    assert transform_for(-math.inf, math.inf, False).kind == "identity"  # phases
    assert transform_for(-math.inf, 3.0, False).kind == "neg-log"
    # logit is accurate at both ends (no 1 - tiny cancellation)
    tr = Transform("logit", -1.0, 1.0)
    assert float(tr.to_physical(tr.to_unconstrained(1.0 - 1e-14))) == pytest.approx(1.0 - 1e-14, abs=1e-17)


# ---------------------------------------------------------------- leptogenesis (Y_B ∝ ε exactly)


@pytest.fixture(scope="module")
def lepto_ref():
    """Y_B and κ_f at ε = 1e-6, K = 10 and K = 3 (independent eager evaluations)."""
    fn, _ = point_function("leptogenesis", {"K": 10}, free=("epsilon", "K"))
    r10 = fn({"epsilon": 1e-6, "K": 10.0})
    r3 = fn({"epsilon": 1e-6, "K": 3.0})
    return {10.0: float(r10["Y_B"]) / 1e-6, 3.0: float(r3["Y_B"]) / 1e-6, "fn": fn}


def test_fit_epsilon_to_Y_B_is_exact_rescaling(lepto_ref):
    res = fit("leptogenesis", {"epsilon": 1e-6}, {"Y_B": None}, {"K": 10})
    exact = Y_OBS / lepto_ref[10.0]  # Y_B(ε) = ε · Y_B(1): the answer in closed form
    assert res.converged and res.status == st.SUCCESS
    assert res.chi2 <= 1e-4
    # χ² ≤ 1e-4 means |Y_B − t| ≤ 0.01 σ = 6e-15, i.e. 7e-5 relative
    assert res.values["epsilon"] == pytest.approx(exact, rel=1e-4, abs=0)
    assert res.outputs["Y_B"] == pytest.approx(Y_OBS, abs=0.01 * 0.06e-11)
    assert res.targets == {"Y_B": (8.7e-11, 0.06e-11)}
    assert res.iterations <= 6
    assert res.history[0] > 1e3 and res.history[-1] == res.chi2
    # no recompilation: a second fit with another target and start reuses the trace
    res2 = fit("leptogenesis", {"epsilon": 3e-6}, {"Y_B": (5e-11, 1e-13)}, {"K": 10})
    assert res2.values["epsilon"] == pytest.approx(5e-11 / lepto_ref[10.0], rel=1e-4, abs=0)
    probs = [p for k, p in fitmod._CACHE.items() if k[:2] == ("fit", "leptogenesis") and k[3] == ("epsilon",)]
    assert len(probs) == 1 and probs[0].value_and_grad._cache_size() == 1


def test_fit_two_parameters_two_targets(lepto_ref):
    """Free ε and K, targets Y_B and κ_f: κ_f fixes K, then Y_B ∝ ε fixes ε."""
    res = fit("leptogenesis", {"epsilon": 1e-6, "K": 10.0}, {"Y_B": None, "kappa_f": (0.1, 1e-4)})
    assert res.converged and res.chi2 <= 2e-4
    fn = lepto_ref["fn"]
    at_k = fn({"epsilon": 1.0, "K": res.values["K"]})  # independent evaluation at the fitted K
    assert float(at_k["kappa_f"]) == pytest.approx(0.1, abs=0.01 * 1e-4 * 1.5)
    assert res.values["epsilon"] == pytest.approx(Y_OBS / float(at_k["Y_B"]), rel=1e-4, abs=0)
    assert 1.0 < res.values["K"] < 10.0  # κ_f = 0.1 needs weaker washout than K = 10 (κ_f = 0.032 there)


def test_unreachable_target_fails_loudly_and_stays_in_range():
    # Y_B ≤ |ε| · 4.4e-5 with |ε| ≤ 1: Y_B = 1e-3 cannot be reached
    with pytest.raises(FitError, match=r"not reachable.*epsilon = .* at its bound 1") as exc:
        fit("leptogenesis", {"epsilon": 1e-6}, {"Y_B": 1e-3}, {"K": 10})
    res = exc.value.result
    # σ = 0.69 % of the target (relative default, issue 10; was the absolute 6e-13 of Y_obs): the best
    # reachable Y_B ≈ 4.4e-5 is 139 σ low
    sigma = 1e-3 * 0.06 / 8.7
    assert res.targets["Y_B"] == (1e-3, pytest.approx(sigma, rel=1e-12))
    assert not res.converged and res.chi2 == pytest.approx(((res.outputs["Y_B"] - 1e-3) / sigma) ** 2, rel=1e-9)
    assert res.chi2 > 1.9e4
    assert 0.9 < res.values["epsilon"] <= 1.0  # pushed to, never past, the bound
    # strict=False returns the same result instead of raising
    res2 = fit("leptogenesis", {"epsilon": 1e-6}, {"Y_B": 1e-3}, {"K": 10}, strict=False)
    assert not res2.converged and res2.values == res.values


def test_max_iter_reached_raises():
    with pytest.raises(FitError, match=r"max_iter = 1 reached with chi2 = [0-9.e+-]+ > chi2_tol"):
        fit("leptogenesis", {"epsilon": 1e-7}, {"Y_B": None}, {"K": 10}, max_iter=1)


@pytest.mark.parametrize(
    "kwargs, needle",
    [
        (dict(free={"foo": 1.0}, targets={"Y_B": None}), "foo"),
        (dict(free=["epsilon", "epsilon"], targets={"Y_B": None}), "distinct"),
        (dict(free={"epsilon": 2.0}, targets={"Y_B": None}), "epsilon"),  # out of range
        (dict(free={"m_bar": 0.0}, targets={"Y_B": None}), "boundary"),  # start on a bound
        (dict(free={"epsilon": 1e-6}, targets={"omega_h2": 0.12}), "omega_h2"),  # not an output
        (dict(free={"epsilon": 1e-6}, targets={"Y_B": (8.7e-11, -1.0)}), "sigma"),
        (dict(free={"epsilon": 1e-6}, targets={"kappa_f": None}), "kappa_f"),  # no observed default
        (dict(free={"epsilon": 1e-6}, targets={"Y_B": None}, max_iter=-1), "max_iter"),
    ],
)
def test_bad_input_names_the_parameter(kwargs, needle):
    with pytest.raises(ParameterError, match=needle):
        fit("leptogenesis", given={"K": 10}, **kwargs)


def test_solve_for_newton_closed_form(lepto_ref):
    exact = Y_OBS / lepto_ref[10.0]
    newton = solve_for("leptogenesis", "epsilon", "Y_B", given={"K": 10})
    assert newton.converged and newton.status == st.SUCCESS
    assert newton.value == pytest.approx(exact, rel=1e-7, abs=0)
    assert newton.achieved == pytest.approx(Y_OBS, rel=1e-7, abs=0)


@pytest.mark.slow
def test_solve_for_bisection(lepto_ref):
    exact = Y_OBS / lepto_ref[10.0]
    bis = solve_for("leptogenesis", "epsilon", "Y_B", given={"K": 10}, bracket=(1e-7, 1e-5))
    assert bis.converged and bis.value == pytest.approx(exact, rel=1e-6, abs=0)
    assert bis.achieved == pytest.approx(Y_OBS, rel=1e-6, abs=0)
    with pytest.raises(FitError, match=r"does not enclose Y_B"):
        solve_for("leptogenesis", "epsilon", "Y_B", given={"K": 10}, bracket=(1e-5, 1e-4))


def test_trace_contour_continuation(lepto_ref):
    """ε(K) on Y_B = Y_obs: ε · Y_B(ε=1, K) = Y_obs at every point; one compilation for all points."""
    ks = np.array([10.0, 7.0, 5.0, 3.0])
    res = trace_contour("leptogenesis", "K", ks, solve="epsilon", output="Y_B", given={}, x0=2e-6)
    assert res.converged.all() and (res.status == st.SUCCESS).all()
    np.testing.assert_allclose(res.achieved, Y_OBS, rtol=1e-7)
    assert res.roots[0] == pytest.approx(Y_OBS / lepto_ref[10.0], rel=1e-7, abs=0)
    assert res.roots[-1] == pytest.approx(Y_OBS / lepto_ref[3.0], rel=1e-7, abs=0)
    assert np.all(np.diff(res.roots) < 0)  # weaker washout at smaller K: less ε needed
    assert res.iterations.max() <= 8  # continuation: every start is close to its root
    # without extrapolation (start from the last root) the same contour
    res2 = trace_contour("leptogenesis", "K", ks, solve="epsilon", output="Y_B", x0=2e-6, extrapolate=False)
    np.testing.assert_allclose(res2.roots, res.roots, rtol=1e-7)


def test_trace_contour_marks_failed_points(monkeypatch):
    """A point whose solve fails is NaN with a non-zero status; the trace goes on from the last root."""
    ks = np.array([10.0, 7.0, 5.0])
    _, _, prob = fitmod._root_setup("leptogenesis", "epsilon", "Y_B", {}, {}, 1e-8, 1e-7, 64)  # cached problem
    real = prob.newton

    def failing(z0, args):
        out = real(z0, args)
        if float(args[2]["K"]) == 7.0:
            return (out[0], jnp.asarray(False), *out[2:])
        return out

    monkeypatch.setattr(prob, "newton", failing)
    res = trace_contour("leptogenesis", "K", ks, solve="epsilon", output="Y_B", x0=2e-6)
    assert list(res.converged) == [True, False, True]
    assert np.isnan(res.roots[1]) and res.status[1] == st.NOT_CONVERGED
    assert "did not converge" in res.reasons[1]
    assert np.isfinite(res.roots[[0, 2]]).all()


# ---------------------------------------------------------------- WIMP


@pytest.mark.slow  # compiles the reverse-mode WIMP network (≈ 1-3 min on 2 cores)
def test_wimp_fit_sigma_v_to_planck_omega():
    res = fit("wimp", {"sigma_v": 2.0e-26}, {"omega_h2": None}, {"mass": 100})
    assert res.converged and res.status == st.SUCCESS and res.iterations <= 8
    sv = res.values["sigma_v"]
    # independent re-evaluation with the public API
    om = float(jaxrelic.relic_density(jaxrelic.WIMP(mass=100.0, sigma_v=sv)).omega_h2)
    assert om == pytest.approx(0.120, abs=1e-4)
    # Ω ∝ 1/⟨σv⟩ up to the slow ln⟨σv⟩ dependence of x_f: the 1/⟨σv⟩ rescaling of the default
    # point (Ω = 0.1148 at 2.2e-26) predicts the fitted value to a few per mille
    om0 = float(jaxrelic.relic_density(jaxrelic.WIMP(mass=100.0, sigma_v=2.2e-26)).omega_h2)
    assert sv == pytest.approx(2.2e-26 * om0 / 0.120, rel=5e-3, abs=0)
    assert sv != pytest.approx(2.2e-26 * om0 / 0.120, rel=1e-5, abs=0)  # … but not exactly (x_f moves)


# ---------------------------------------------------------------- CLI


def _run(capsys, *argv):
    rc = main(list(argv))
    out, err = capsys.readouterr()
    return rc, out, err


def test_cli_fit_json(capsys, lepto_ref):
    rc, out, err = _run(capsys, "fit", "leptogenesis", "--free", "epsilon=1e-6", "--set", "K=10",
                        "--target", "Y_B=8.7e-11", "--json")
    assert rc == 0, err
    d = json.loads(out)
    assert d["converged"] is True and d["status"] == "success" and d["status_code"] == 0
    assert d["fitted"]["epsilon"] == pytest.approx(Y_OBS / lepto_ref[10.0], rel=1e-4, abs=0)
    t = d["targets"]["Y_B"]
    assert t["target"] == 8.7e-11 and t["sigma"] == 0.06e-11 and abs(t["pull"]) <= 0.01
    assert d["chi2"] <= 1e-4 and d["iterations"] >= 1


def test_cli_fit_explicit_sigma_and_nonconvergence(capsys):
    rc, out, err = _run(capsys, "fit", "leptogenesis", "--free", "epsilon=1e-7", "--set", "K=10",
                        "--target", "Y_B=8.7e-11+-1e-12", "--max-iter", "1", "--json")
    assert rc == 1
    assert "max_iter = 1 reached" in err
    d = json.loads(out)
    assert d["converged"] is False and d["targets"]["Y_B"]["sigma"] == 1e-12


@pytest.mark.parametrize(
    "args, needle",
    [
        (["--free", "foo=1", "--target", "Y_B"], "foo"),
        (["--free", "epsilon=1e-6", "--target", "Y_B=abc"], "Y_B"),
        (["--free", "epsilon=1e-6", "--target", "Y_B=8.7e-11+-0"], "Y_B"),
        (["--free", "epsilon=1e-6", "--target", "omega_h2=0.12"], "omega_h2"),
        (["--free", "epsilon=1e-6"], "--target"),
        (["--target", "Y_B"], "--free"),
        (["--free", "epsilon=5", "--target", "Y_B"], "epsilon"),
    ],
)
def test_cli_bad_input_exit_2(capsys, args, needle):
    rc, out, err = _run(capsys, "fit", "leptogenesis", *args)
    assert rc == 2
    assert needle in err and err.count("\n") == 1


# ---------------------------------------------------------------- twin Higgs (slow)


@pytest.mark.slow
def test_twin_theta1_on_planck_contour():
    """§6.3 point C of docs (m_ν = 1 GeV, Δ = 0.1, r = 0.5): Ω h² = 0.12 at θ₁ ≈ 4.378e-4."""
    given = {"m_nu": 1.0, "delta": 0.1, "n_q": 100, "n_a": 200}
    root = solve_for("twin-higgs", "theta1", "omega_h2", 0.12, {**given, "r": 0.5}, x0=3e-4)
    assert root.converged and root.value == pytest.approx(4.378e-4, rel=0.01, abs=0)
    assert root.achieved == pytest.approx(0.12, rel=1e-6, abs=0)
    c = trace_contour("twin-higgs", "r", [0.5, 0.45, 0.4], solve="theta1", given=given, x0=root.value)
    assert c.converged.all()
    assert c.roots[0] == pytest.approx(root.value, rel=1e-6, abs=0)
    np.testing.assert_allclose(c.achieved, 0.12, rtol=1e-6)


# ---------------------------------------------------------------- honest targets and roots (issue 10)


def test_default_sigma_is_relative_to_the_target():
    """A target value without σ gets the observed *relative* error (not Planck's absolute 0.001)."""
    from jaxrelic.workflows.fit import default_sigma, normalise_targets

    assert default_sigma("omega_h2", 0.120) == 0.001 and default_sigma("Y_B", 8.7e-11) == 0.06e-11
    assert default_sigma("omega_h2", 1e-6) == pytest.approx(1e-6 * 0.001 / 0.120, rel=1e-12)
    assert default_sigma("omega_h2", 1.0) == pytest.approx(0.001 / 0.120, rel=1e-12)
    assert default_sigma("kappa_f", -0.2) == pytest.approx(0.002, rel=1e-12)  # 1 % without an observed value
    got = normalise_targets("leptogenesis", {"Y_B": 1e-12, "kappa_f": (0.05, 1e-3)})
    assert got == (("Y_B", 1e-12, pytest.approx(1e-12 * 0.06 / 8.7, rel=1e-12)), ("kappa_f", 0.05, 1e-3))
    with pytest.raises(ParameterError, match="Y_B=0 needs an explicit sigma"):
        normalise_targets("leptogenesis", {"Y_B": 0.0})


def test_free_and_fixed_at_once_is_an_error():
    with pytest.raises(ParameterError, match="epsilon is both free .* and fixed"):
        fit("leptogenesis", {"epsilon": 1e-6}, {"Y_B": None}, {"epsilon": 2e-6})


def test_cli_free_and_set_same_parameter_exits_2(capsys):
    rc, out, err = _run(capsys, "fit", "wimp", "--free", "sigma_v=3e-26", "--set", "sigma_v=2e-26",
                        "--target", "omega_h2")
    assert rc == 2 and out == ""
    assert err.startswith("jaxrelic: error: parameter sigma_v is given both as --free and as --set")
    assert err.count("\n") == 1


def test_root_judged_on_the_target_not_on_the_solver_flag():
    """_judge: the solver's success flag alone is not convergence; the output must be within ftol."""
    tr = transform_for(-1.0, 1.0, False)
    a = 1e-10 * 8.7e-11
    ok, reason = fitmod._judge("Y_B", 8.7e-11 * (1 + 5e-9), 8.7e-11, a, True, st.SUCCESS, 4, "Newton", 1e-8,
                               "epsilon", 2e-6, tr)
    assert ok and "converged in 4 steps" in reason
    ok, reason = fitmod._judge("Y_B", 8.7e-11 * (1 + 3e-8), 8.7e-11, a, True, st.SUCCESS, 4, "Newton", 1e-8,
                               "epsilon", 2e-6, tr)
    assert not ok and "|ln(Y_B/target)| = 3e-08 > ftol = 1e-08" in reason
    ok, reason = fitmod._judge("Y_B", -8.7e-11, 8.7e-11, a, True, st.SUCCESS, 4, "Newton", 1e-8, "epsilon", 2e-6, tr)
    assert not ok  # wrong sign is never "close"
    # an iterate at the end of the range is named
    ok, reason = fitmod._judge("Y_B", 4e-5, 1e-3, 1e-13, False, st.SUCCESS, 64, "Newton", 1e-8, "epsilon",
                               1.0 - 1e-12, tr)
    assert not ok and "epsilon = 1 is at its bound 1 (upper end of the allowed range [-1, 1])" in reason


def test_root_scale_is_relative_to_the_target():
    """h(O) − h(t) ≈ ln(O/t) for any t ≠ 0: the scale a is 1e-10 |t|, not 1e-10 × Planck's σ."""
    for t in (1e-30, 1e-6, 0.12, -8.7e-11):
        t_, a = fitmod._target_value("omega_h2" if t > 0 else "Y_B", t)
        assert t_ == t and a == pytest.approx(1e-10 * abs(t), rel=1e-15)
        resid = float(fitmod._h(1.01 * t, a) - fitmod._h(t, a))
        assert resid == pytest.approx(math.copysign(math.log(1.01), t), rel=1e-9)  # h is odd


def test_solve_for_unreachable_names_the_bound(lepto_ref):
    """Y_B = 1e-3 needs ε > 1: FitError naming epsilon and its bound (same compiled solver as above)."""
    with pytest.raises(FitError, match=r"epsilon = 1 is at its bound 1 \(upper end of the allowed range \[-1, 1\]\)"):
        solve_for("leptogenesis", "epsilon", "Y_B", 1e-3, given={"K": 10})


@pytest.fixture(scope="module")
def wimp_far_fits():
    """`jaxrelic fit wimp --free sigma_v=3e-26 --set mass=100 --target omega_h2=T --json` for three T.

    One compilation of the WIMP fit problem serves all three (same model, free and target names).
    """
    out = {}
    for t in ("1e-6", "1.0", "1e-30"):
        import contextlib
        import io

        o, e = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(o), contextlib.redirect_stderr(e):
            rc = main(["fit", "wimp", "--free", "sigma_v=3e-26", "--set", "mass=100", "--target",
                       f"omega_h2={t}", "--json"])
        out[t] = (rc, json.loads(o.getvalue()), e.getvalue())
    return out


@pytest.mark.parametrize("target", ["1e-6", "1.0"])
def test_wimp_fit_far_from_planck_reaches_the_target(wimp_far_fits, target):
    """Before: σ = 0.001 for every Ω target, so Ω = 6.9e-7 'converged' on 1e-6 (exit 0).

    Now σ = 0.83 % of the target and χ² ≤ 1e-4 means |Ω/t − 1| ≤ 0.01 σ/t = 8.3e-5.
    """
    rc, d, err = wimp_far_fits[target]
    t = float(target)
    assert rc == 0, err
    assert d["converged"] is True and d["status"] == "success" and d["notes"] == []
    assert d["targets"]["omega_h2"]["sigma"] == pytest.approx(t * 0.001 / 0.120, rel=1e-12)
    assert d["outputs"]["omega_h2"] == pytest.approx(t, rel=0.01 * 0.001 / 0.120)
    # Ω ∝ 1/⟨σv⟩ up to the logarithmic x_f drift: the fitted σv scales like 1/t within a few per cent
    # of the default-point rescaling 2.2e-26 × 0.1148 / t
    assert d["fitted"]["sigma_v"] == pytest.approx(2.2e-26 * 0.1148 / t, rel=0.7)


def test_wimp_fit_unreachable_target_names_the_bound(wimp_far_fits):
    rc, d, err = wimp_far_fits["1e-30"]
    assert rc == 1 and d["converged"] is False
    assert err.startswith("jaxrelic: fit did not converge: target not reachable in the allowed range: "
                          "sigma_v = 1e-18 at its bound 1e-18 (upper end of the allowed range [0, 1e-18])")
    assert "there omega_h2 = " in err and err.count("\n") == 1
    assert d["fitted"]["sigma_v"] == pytest.approx(1e-18, rel=1e-2) and d["outputs"]["omega_h2"] > 1e-10


def test_overdetermined_best_fit_notes_the_missed_target():
    """Free ε only, targets Y_B and κ_f = 0.1: κ_f does not depend on ε (0.0316 at K = 10), so the best
    fit meets Y_B and misses κ_f by 68σ: converged (it is the χ² minimum) but said so in the notes."""
    res = fit("leptogenesis", {"epsilon": 1e-6}, {"Y_B": None, "kappa_f": (0.1, 1e-3)}, {"K": 10})
    assert res.converged and "over-determined" in res.reason
    assert res.outputs["Y_B"] == pytest.approx(Y_OBS, rel=1e-3)
    assert len(res.notes) == 1 and res.notes[0].startswith("targets_missed: best fit of an over-determined problem")
    assert "kappa_f = 0.03161 vs 0.1 ± 0.001 (pull -68.4)" in res.notes[0] and "Y_B" not in res.notes[0]
    assert res.as_dict()["notes"] == list(res.notes)
