"""Validity domain of the twin-neutrino model (issue 10; docs/physics/twin_domain.md).

For every edge of the domain: just inside computes with status success and a finite
Ω; just outside is rejected (Python ValueError / CLI exit 2 naming the parameter)
or, for traced values and run-time conditions, computed and flagged (status
out_of_range, a ``notes`` entry in the CLI JSON).

Every solve here uses one compiled configuration (eq38, n_q = n_a = 100, scalar
model), shared by the direct calls and the CLI, so the file compiles once.
"""

import contextlib
import io
import json
import math

import equinox as eqx
import jax.numpy as jnp
import numpy as np
import pytest
import xarray as xr

from jaxrelic.models.twin_higgs import TwinHiggs, domain
from jaxrelic.numerics import status as st
from jaxrelic.models.twin_higgs.solver import CANCELLATION_MAX, MEMORY_MAX, relic_twin
from jaxrelic.workflows.cli import main

GRID = dict(n_q=100, n_a=100)
CLI_GRID = ["--set", "n_q=100", "--set", "n_a=100"]
#: docs/physics/twin_model.md §6.3(b) coscattering benchmark: θ₁ = 4.378e-4 gives Ω h² = 0.120 at m_ν = 1 GeV, Δ = 0.1, r = 0.5.
BENCH = (1.0, 0.1, 0.5, 4.378e-4)

_CACHE = {}


def solve(point=BENCH, x0=5.0, x_end=300.0):
    key = (tuple(point), x0, x_end)
    if key not in _CACHE:
        _CACHE[key] = relic_twin(TwinHiggs(*point), x0=x0, x_end=x_end, **GRID)
    return _CACHE[key]


def cli(*sets, json_out=True):
    args = ["relic", "twin-higgs"] + (["--json"] if json_out else []) + CLI_GRID
    for s in sets:
        args += ["--set", s]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = main(args)
    return rc, out.getvalue(), err.getvalue()


def _strict_json(text):
    """json.loads that fails on NaN/Infinity (not JSON)."""
    def bad(c):
        raise AssertionError(f"non-JSON constant {c} in output")
    return json.loads(text, parse_constant=bad)


# ----------------------------------------------------------------------------- one table


def test_domain_is_one_table_used_by_spec_evaluator_and_models(capsys):
    from jaxrelic.interface import get_model

    adapter = get_model("twin-higgs")
    assert adapter.parameters is domain.PARAMETERS
    params = {p.name: p for p in adapter.parameters}
    for name, (lo, hi) in (("m_nu", (0.02, 100.0)), ("x0", (1.0, 50.0)), ("x_end", (100.0, 600.0))):
        assert (params[name].low, params[name].high) == (lo, hi)
    cont = adapter.bounds
    assert cont["m_nu"][:2] == (0.02, 100.0) and cont["theta1"][:2] == (0.0, math.pi / 4)
    assert cont["r"][:2] == (0.0, math.inf)
    assert main(["models"]) == 0
    text = capsys.readouterr().out
    twin = text[text.index("twin-higgs:"):].split("\n")
    line = {ln.split()[0]: ln for ln in twin[1:11]}
    assert "0.02 <= m_nu <= 100 GeV" in line["m_nu"]
    assert "r < 1 + delta" in line["r"] and "[0, inf]" not in line["r"]
    assert "delta > 0" in line["delta"] and "0 < theta1 < pi/4" in line["theta1"]


# ----------------------------------------------------------------------------- rejected (no compile)


@pytest.mark.parametrize(
    "setting,name",
    [
        ("m_nu=0.0199", "m_nu"),
        ("m_nu=100.1", "m_nu"),
        ("m_nu=1e30", "m_nu"),  # issue: returned Ω h² = 1.6e35 as success
        ("delta=0", "delta"),
        ("r=0", "r"),
        ("r=1.1", "r"),  # = 1 + Δ: issue: r ≥ 1+Δ gave Ω h² = 3668 as success
        ("theta1=0.7854", "theta1"),
        ("x0=0.99", "x0"),
        ("x0=50.1", "x0"),
        ("x_end=99", "x_end"),
        ("x_end=601", "x_end"),
    ],
)
def test_cli_rejects_just_outside(setting, name):
    rc, out, err = cli(setting)
    assert rc == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("jaxrelic: error: parameter ")
    assert f"{name}=" in lines[0] and "allowed range" in lines[0]


def test_cli_cross_condition_message_names_both_parameters():
    _, _, err = cli("delta=0.3", "r=1.3")
    assert "r=1.3" in err and "1 + delta = 1.3" in err and "delta=0.3" in err


def test_python_api_rejects_just_outside():
    with pytest.raises(ValueError, match=r"invalid r=1\.1 outside the allowed range 0 < r < 1 \+ delta"):
        TwinHiggs(1.0, 0.1, 1.1, 4.378e-4)
    with pytest.raises(ValueError, match=r"invalid m_nu=100\.1.*0\.02 <= m_nu <= 100 GeV"):
        TwinHiggs(100.1, 0.1, 0.5, 4.378e-4)
    with pytest.raises(ValueError, match=r"invalid x0=0\.5.*1 <= x0 <= 50"):
        relic_twin(TwinHiggs(*BENCH), x0=0.5, **GRID)
    with pytest.raises(ValueError, match=r"invalid x_end=700\.0.*100 <= x_end <= 600"):
        relic_twin(TwinHiggs(*BENCH), x_end=700.0, **GRID)


# ----------------------------------------------------------------------------- computed


def test_benchmark_and_edges_just_inside_succeed():
    bench = solve()
    # §6.3(b): Ω h² = 0.1198 at n_a = 600; n_a = 100 is within 2.5 % of it
    assert int(bench.status) == st.SUCCESS and float(bench.omega_h2) == pytest.approx(0.1198, rel=0.025)
    assert float(bench.cancellation) == pytest.approx(1.0, abs=1e-12)  # both terms of Eq. (38) positive
    assert float(bench.memory) < 1e-100  # x₀ = 5 lies deep in equilibrium
    inside = [
        ((0.02, 0.1, 0.5, 4.378e-4), 5.0, 300.0),
        ((100.0, 0.1, 0.5, 4.378e-4), 5.0, 300.0),
        ((1.0, 0.1, 1.0999, 4.378e-4), 5.0, 300.0),  # r just below 1 + Δ
        ((1.0, 0.1, 0.5, 0.785), 5.0, 300.0),  # θ₁ just below π/4
        ((1.0, 1e-3, 0.5, 4.378e-4), 5.0, 300.0),  # small Δ
        (BENCH, 5.0, 100.0),
        (BENCH, 5.0, 600.0),
        (BENCH, 15.0, 300.0),  # start still before the S/C_A decoupling (memory 1e-57)
    ]
    for point, x0, x_end in inside:
        r = solve(point, x0, x_end)
        assert int(r.status) == st.SUCCESS, (point, x0, x_end, st.status_name(r.status))
        assert bool(r.in_domain) and np.isfinite(float(r.omega_h2)) and float(r.omega_h2) > 0.0
        assert float(r.memory) <= MEMORY_MAX and float(r.cancellation) <= CANCELLATION_MAX
    # later start, still before decoupling: the same number to 1.1 % (grid spacing changes with x₀)
    assert float(solve(BENCH, 15.0).omega_h2) == pytest.approx(float(bench.omega_h2), rel=0.011)


@pytest.mark.parametrize("field,value", [("r", 1.1), ("m_nu", 100.5), ("theta1", 0.8), ("delta", -0.1)])
def test_traced_values_outside_are_flagged_per_point(field, value):
    """Inside the compiled solver (values traced) a point outside the domain comes back
    with status out_of_range; no host callback, no exception."""
    bad = eqx.tree_at(lambda m: getattr(m, field), TwinHiggs(*BENCH), jnp.asarray(value, dtype=jnp.float64))
    r = relic_twin(bad, **GRID)
    assert int(r.status) == st.OUT_OF_RANGE and not bool(r.in_domain)
    assert st.status_name(r.status) == "out_of_range"


def test_late_start_is_flagged():
    """x₀ after the decoupling that sets the relic (issue: x0 = 50 returned 1e-12 as success)."""
    ref = float(solve().omega_h2)
    late = solve(BENCH, 20.0)  # C_A has decoupled (T_CA ≈ 0.048 GeV, x ≈ 21): memory 1.3e-2
    assert int(late.status) == st.LATE_START and 1e-3 < float(late.memory) < 0.1
    assert abs(float(late.omega_h2) / ref - 1.0) > 5e-3  # and the number is indeed off
    very_late = solve(BENCH, 50.0)
    assert int(very_late.status) == st.LATE_START and float(very_late.memory) == pytest.approx(1.0, abs=1e-6)
    assert float(very_late.omega_h2) < 1e-11  # the wrong number the flag protects against
    # Δ = 3: ν̂ is out of chemical equilibrium already at x = 5 (memory 0.24) ...
    assert int(solve((1.0, 3.0, 0.5, 4.378e-4), 5.0).status) == st.LATE_START
    # ... but not at x = 1: an earlier start is accepted
    early = solve((1.0, 3.0, 0.5, 4.378e-4), 1.0)
    assert int(early.status) == st.SUCCESS and float(early.memory) < 1e-100


def test_eq38_cancellation_is_flagged():
    """Δ = 1000: Eq. (38) is the difference of two ±4.4e5 terms (issue: Ω = 3.6e-245, success)."""
    r = solve((1.0, 1000.0, 0.5, 4.378e-4))
    assert int(r.status) in (st.LATE_START, st.OUT_OF_DOMAIN)  # both apply; late start reported first
    assert float(r.omega_first) == pytest.approx(4.4e5, rel=0.01)
    assert not float(r.cancellation) <= CANCELLATION_MAX
    ok = solve((1.0, 2.0, 0.5, 4.378e-4))  # Δ = 2 (decay open): no cancellation, no late start
    assert int(ok.status) == st.SUCCESS and float(ok.cancellation) == pytest.approx(1.0, abs=1e-12)


def test_eq28_defined_at_large_delta():
    """Issue: Δ = 3-30 gave omega_h2_eq28 = NaN with status success (ln⟨σv⟩_S of an underflowed 0)."""
    r = solve((1.0, 3.0, 0.5, 4.378e-4), 1.0)
    assert int(r.status) == st.SUCCESS
    for v in (r.omega_28, r.omega_35, r.omega_CA, r.omega_first, r.omega_second, r.T_CS, r.T_CA):
        assert np.isfinite(float(v))
    assert np.all(np.isfinite(np.asarray(r.T_S)))


# ----------------------------------------------------------------------------- CLI JSON


def test_cli_json_success_has_empty_notes_and_unit_names():
    rc, out, _ = cli()
    d = _strict_json(out)
    assert rc == 0 and d["status"] == "success" and d["notes"] == []
    assert {"T_S_min_GeV", "T_S_max_GeV", "start_memory", "eq38_cancellation"} <= set(d)
    assert "T_S_min" not in d and d["T_S_min_GeV"] <= d["T_S_max_GeV"]


def test_cli_json_flags_late_start_and_cancellation():
    rc, out, _ = cli("x0=50")
    d = _strict_json(out)
    assert rc == 1 and d["status"] == "late_start"
    assert len(d["notes"]) == 1 and d["notes"][0].startswith("late_start: ")
    rc, out, _ = cli("delta=1000")
    d = _strict_json(out)  # no NaN anywhere: undefined numbers are null
    assert rc == 1 and d["status"] == "late_start"
    slugs = [n.split(":")[0] for n in d["notes"]]
    assert "late_start" in slugs and "eq38_cancellation" in slugs


# ----------------------------------------------------------------------------- contour figure


def _twin_sweep(xname, xvals, yname, yvals, fixed):
    X, Y = np.meshgrid(xvals, yvals, indexing="ij")
    r = X if xname == "r" else Y
    th = Y if yname == "theta1" else np.full_like(Y, 4.378e-4)
    delta = X if xname == "delta" else (Y if yname == "delta" else np.full_like(X, fixed["delta"]))
    om = 0.12 * (4.378e-4 / th) ** 2 * np.exp(3.0 * (r - 0.5))
    phase = np.where(r < delta, 4, np.where(th > 2e-3, 0, np.where(th > 8e-4, 2, 1))).astype(np.int32)
    status = np.where(r >= 1.0 + delta, st.OUT_OF_RANGE, 0).astype(np.int32)
    dims = (xname, yname)
    return xr.Dataset(
        {"omega_h2": (dims, np.where(status == 0, om, np.nan)), "phase": (dims, phase), "status": (dims, status)},
        coords={xname: xvals, yname: yvals},
        attrs={"model": "twin-higgs", "fixed": json.dumps(fixed),
               "grid": json.dumps([{"name": xname, "log": False}, {"name": yname, "log": yname == "theta1"}])},
    )


def test_twin_contour_draws_phases_decay_line_and_domain_edge():
    from matplotlib.contour import ContourSet

    from jaxrelic.workflows.plots_sweep import plot_sweep

    ds = _twin_sweep("r", np.linspace(0.02, 1.2, 25), "theta1", np.geomspace(1e-5, 1e-2, 19),
                     {"m_nu": 1.0, "delta": 0.1})
    fig = plot_sweep(ds)
    ax = fig.axes[0]
    assert ax.get_xlabel() == r"$r = m_{\hat\gamma}/m_{\hat\nu}$" and ax.get_ylabel() == r"$\theta_1$ (rad)"
    lines = {ln.get_label(): ln for ln in ax.lines}
    decay = [ln for k, ln in lines.items() if k.startswith(r"$r = \Delta$")]
    assert len(decay) == 1 and np.allclose(decay[0].get_xdata(), 0.1)  # τ̂ → ν̂γ̂ opens at r = Δ
    edge = [ln for k, ln in lines.items() if k.startswith(r"$r = 1+\Delta$")]
    assert len(edge) == 1 and np.allclose(edge[0].get_xdata(), 1.1)
    assert "outside validity domain" in lines  # flagged points marked as such, not as solver failures
    labels = {t.get_text() for t in ax.texts}
    assert {"coannihilation", "coscattering", "S/C_S mixed", "decay-open"} <= labels
    (boundaries,) = [c for c in ax.collections if c.get_label() == "_phase boundaries"]
    segs = [np.asarray(sg) for sg in boundaries.get_segments()]
    # the decay-open region (r < Δ = 0.1 in the synthetic phases) ends on the cell edge between the
    # grid columns r = 0.0692 and 0.1183: one vertical segment per θ₁ row there
    r_grid = np.linspace(0.02, 1.2, 25)
    edge_r = 0.5 * (r_grid[r_grid < 0.1][-1] + r_grid[r_grid > 0.1][0])
    vertical = [sg for sg in segs if np.isclose(sg[0, 0], sg[1, 0]) and np.isclose(sg[0, 0], edge_r)]
    assert len(vertical) == 19
    # θ₁ boundaries (2e-3 and 8e-4) are horizontal segments on the geometric cell edges
    th = np.geomspace(1e-5, 1e-2, 19)
    horizontal_y = {round(float(sg[0, 1]), 12) for sg in segs if np.isclose(sg[0, 1], sg[1, 1])}
    expected = {round(float(np.sqrt(th[i] * th[i + 1])), 12) for i in range(18)
                if (th[i] > 2e-3) != (th[i + 1] > 2e-3) or (th[i] > 8e-4) != (th[i + 1] > 8e-4)}
    assert horizontal_y == expected and len(expected) == 2
    # round colour-bar ticks (multiples of 0.5 in log10(Ω/Ω_obs))
    ticks = fig.axes[1].get_yticks()
    assert len(ticks) >= 3 and np.allclose(ticks * 2.0, np.round(ticks * 2.0))
    # the legend is outside the axes (below), so it covers no data
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    leg = ax.get_legend()
    assert leg is not None
    assert leg.get_window_extent(renderer).y1 <= ax.get_window_extent(renderer).y0 + 1e-6


def test_twin_contour_delta_r_plane_draws_diagonal():
    from jaxrelic.workflows.plots_sweep import plot_sweep

    ds = _twin_sweep("delta", np.linspace(0.05, 0.5, 10), "r", np.linspace(0.05, 0.9, 12), {"m_nu": 1.0, "theta1": 1e-3})
    ax = plot_sweep(ds).axes[0]
    diag = [ln for ln in ax.lines if ln.get_label().startswith(r"$r = \Delta$")]
    assert len(diag) == 1
    np.testing.assert_allclose(diag[0].get_ydata(), diag[0].get_xdata())  # r = Δ along the Δ axis
    assert ax.get_xlabel().startswith(r"$\Delta")
