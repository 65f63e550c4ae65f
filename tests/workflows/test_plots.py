"""Sweep, sensitivity and relic-curve plots, `jaxrelic plot`: files written, Ω = Ω_obs contour, rcParams kept.

Sweep files are synthetic (the binding sweep-file format, analytic outputs), so no solver runs here;
the relic-curve figure is checked against the packaged Steigman–Dasgupta–Beacom (2012) table.
"""

import json
import pathlib

import matplotlib
import numpy as np
import pytest
import xarray as xr
from matplotlib.contour import ContourSet

from jaxrelic import constants as c
from jaxrelic.workflows.cli import main
from jaxrelic.workflows.plots import new_axes
from jaxrelic.workflows.plots_sweep import observed_value, plot_sensitivity, plot_sweep
from jaxrelic.interface import ParameterError


def _omega(mass, sigma_v):
    """Freeze-out-like analytic Ω h²: 0.12 at σv = 2.2e-26 (1 + 0.05 ln(m/100))."""
    return c.OMEGA_C_H2 * 2.2e-26 * (1.0 + 0.05 * np.log(mass / 100.0)) / sigma_v


def _sweep_file(path, axes, outputs, status=None, model="wimp"):
    """A Dataset in the sweep-file format (dims = grid names, float outputs, int32 status, attrs)."""
    coords = {a["name"]: (np.geomspace if a["log"] else np.linspace)(a["start"], a["stop"], a["num"]) for a in axes}
    dims = tuple(coords)
    shape = tuple(len(v) for v in coords.values())
    mesh = np.meshgrid(*coords.values(), indexing="ij")
    data = {k: (dims, f(*mesh)) for k, f in outputs.items()}
    st = np.zeros(shape, dtype=np.int32) if status is None else status.astype(np.int32)
    data["status"] = (dims, st)
    data["chunk_done"] = (("chunk",), np.ones(2, dtype=np.int8))
    for k in outputs:
        data[k][1][st != 0] = np.nan
    ds = xr.Dataset(data, coords={k: (k, v) for k, v in coords.items()},
                    attrs={"model": model, "fixed": json.dumps({"b": 0.0, "g": 2.0}), "grid": json.dumps(axes),
                           "chunk_size": 8})
    ds.to_netcdf(path, engine="h5netcdf")
    return path


GRID_2D = [
    {"name": "mass", "start": 1.0, "stop": 1e4, "num": 21, "log": True},
    {"name": "sigma_v", "start": 1e-27, "stop": 1e-25, "num": 17, "log": True},
]


@pytest.fixture(scope="module")
def sweep2d(tmp_path_factory):
    status = np.zeros((21, 17), dtype=np.int32)
    status[3, 4] = 2  # a failed point
    status[-1, -2:] = -1  # two not-run points
    return _sweep_file(tmp_path_factory.mktemp("s") / "sweep2d.nc", GRID_2D,
                       {"omega_h2": _omega, "x_f": lambda m, s: 20.0 + 0 * m}, status)


@pytest.fixture(scope="module")
def sweep1d(tmp_path_factory):
    axes = [{"name": "K", "start": 0.1, "stop": 100.0, "num": 13, "log": True}]
    return _sweep_file(tmp_path_factory.mktemp("s") / "sweep1d.nc", axes,
                       {"Y_B": lambda K: 2e-10 / (1.0 + K), "kappa_f": lambda K: 1.0 / (1.0 + K)},
                       model="leptogenesis")


@pytest.fixture
def rc_guard():
    before = dict(matplotlib.rcParams)
    yield
    after = dict(matplotlib.rcParams)
    assert after == before, {k: (before[k], after[k]) for k in before if before[k] != after[k]}


def _contour_sets(ax):
    return [cs for cs in ax.collections if isinstance(cs, ContourSet)]


def test_observed_values():
    assert observed_value("omega_h2") == pytest.approx(0.12)
    assert observed_value("Y_B") == pytest.approx(8.7e-11, rel=1e-2)
    assert observed_value("x_f") is None


def test_sweep_2d_contours(sweep2d, tmp_path, rc_guard):
    png = tmp_path / "fig.png"
    fig = plot_sweep(sweep2d, path=png)
    assert png.stat().st_size > 5000
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert ax.get_xlabel() == "mass" and ax.get_ylabel() == "sigma_v"
    sets = _contour_sets(ax)
    obs = [cs for cs in sets if list(cs.levels) == [0.0]]
    assert len(obs) == 1 and max(obs[0].get_linewidths()) >= 2.0  # thick Ω = Ω_obs line
    assert any(t.get_text().startswith(r"$\Omega h^2 = 0.12") for t in ax.texts)  # labelled
    # the Ω = Ω_obs line lies where the analytic Ω(m, σv) = Ω_obs (up to linear interpolation in log10)
    xy = np.concatenate([p.vertices for p in obs[0].get_paths() if len(p.vertices)])
    assert len(xy) > 10
    np.testing.assert_allclose(_omega(xy[:, 0], xy[:, 1]), c.OMEGA_C_H2, rtol=2e-2)
    # filled contours of log10(Ω/Ω_obs) span both signs
    filled = [cs for cs in sets if cs.filled]
    assert filled and filled[0].levels[0] < 0.0 < filled[0].levels[-1]
    # failed and not-run points are marked
    labels = [ln.get_label() for ln in ax.lines]
    assert "solver failed" in labels and "not run" in labels
    failed = ax.lines[labels.index("solver failed")]
    assert failed.get_xdata()[0] == pytest.approx(np.geomspace(1, 1e4, 21)[3])
    assert failed.get_ydata()[0] == pytest.approx(np.geomspace(1e-27, 1e-25, 17)[4])


def test_sweep_2d_without_target_and_with_given_axes(sweep2d, rc_guard):
    fig, ax = new_axes(None)
    assert plot_sweep(sweep2d, "x_f", ax=ax) is fig
    assert not [cs for cs in _contour_sets(ax) if list(cs.levels) == [0.0]]
    assert "log_{10}|x\\_f|" in fig.axes[-1].get_ylabel()  # colorbar label


def test_sweep_1d_with_target(sweep1d, tmp_path, rc_guard):
    fig = plot_sweep(sweep1d, "Y_B", path=tmp_path / "yb.pdf")
    assert (tmp_path / "yb.pdf").stat().st_size > 1000
    ax = fig.axes[0]
    lines = {ln.get_label(): ln for ln in ax.lines}
    target = [ln for ln in ax.lines if np.allclose(ln.get_ydata(), c.Y_B_OBS, rtol=1e-12, atol=0.0)]
    assert len(target) == 1
    data = lines["$Y_B$"]
    np.testing.assert_allclose(data.get_ydata(), 2e-10 / (1.0 + np.geomspace(0.1, 100, 13)))
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"


def test_sweep_errors(sweep2d, tmp_path):
    with pytest.raises(ParameterError, match=r"'omega'.*allowed: omega_h2, x_f"):
        plot_sweep(sweep2d, "omega")
    with pytest.raises(FileNotFoundError, match="nope.nc"):
        plot_sweep(tmp_path / "nope.nc")
    bad = tmp_path / "bad.nc"
    bad.write_text("not netcdf")
    with pytest.raises(ParameterError, match="cannot read sweep file"):
        plot_sweep(bad)


RESULT = {
    "model": "wimp",
    "status": "success",
    "parameters": {"mass": 100.0, "sigma_v": 2e-26, "b": 1e-26},
    "kinds": {"mass": "dln/dln", "sigma_v": "dln/dln", "b": "dln/dln"},
    "matrix": {"omega_h2": {"mass": 0.0121, "sigma_v": -0.892, "b": -0.0596},
               "x_f": {"mass": 0.03, "sigma_v": 0.04, "b": None}},
}


def _bars(ax):
    ticks = {y: t.get_text() for y, t in zip(ax.get_yticks(), ax.get_yticklabels())}
    return [ticks[y] for y in sorted(ticks)], sorted(p.get_width() for p in ax.patches)


def test_sensitivity_bars(tmp_path, rc_guard):
    fig = plot_sensitivity(RESULT, path=tmp_path / "bars.png")
    assert (tmp_path / "bars.png").stat().st_size > 3000
    ax = fig.axes[0]
    assert len(ax.patches) == 6  # 2 outputs × 3 parameters
    labels, widths = _bars(ax)
    assert labels == ["b", "sigma_v", "mass"]  # mass on top
    # every bar is the JSON number (issue 10: no rescaling between JSON and chart)
    assert widths[0] == pytest.approx(-0.892) and widths[1] == pytest.approx(-0.0596)
    assert widths[-1] == pytest.approx(0.04)
    assert any(t.get_text().strip() == "n/a" for t in ax.texts)  # the missing entry is labelled


def test_sensitivity_bars_raw_derivative_clipped(rc_guard):
    res = dict(RESULT, parameters={"mass": 100.0, "sigma_v": 2e-26, "b": 0.0},
               kinds=dict(RESULT["kinds"], b="dln/d"),
               matrix=dict(RESULT["matrix"], omega_h2=dict(RESULT["matrix"]["omega_h2"], b=-5.96e24)))
    ax = plot_sensitivity(res).axes[0]
    labels, widths = _bars(ax)
    assert labels[0] == "b  (∂/∂p)"
    lo, hi = ax.get_xlim()
    assert widths[0] == pytest.approx(-1.1 * 0.892) and lo < widths[0] and hi > 0.04  # clipped, in view
    assert any(t.get_text().strip() == "◂-5.96e+24" for t in ax.texts)  # true value written, marked as cut
    assert ax.patches[2].get_hatch() == "///"


def test_cli_plot(sweep2d, sweep1d, tmp_path, capsys):
    out = tmp_path / "cli.png"
    assert main(["plot", str(sweep2d), "--out", str(out)]) == 0
    assert out.stat().st_size > 5000
    out1 = tmp_path / "cli1.png"
    assert main(["plot", str(sweep1d), "--out", str(out1)]) == 0  # default output: Y_B (no omega_h2)
    assert out1.stat().st_size > 3000
    js = tmp_path / "s.json"
    js.write_text(json.dumps(RESULT))
    assert main(["plot", str(js), "--out", str(tmp_path / "s.png")]) == 0
    assert (tmp_path / "s.png").stat().st_size > 3000


@pytest.mark.parametrize(
    "args, words",
    [
        (["missing.nc"], ["missing.nc", "not found"]),
        (["SWEEP", "--output", "sigma"], ["'sigma'", "omega_h2"]),
    ],
)
def test_cli_plot_bad_input_exits_2(args, words, sweep2d, tmp_path, capsys):
    args = [str(sweep2d) if a == "SWEEP" else a for a in args]
    assert main(["plot", *args, "--out", str(tmp_path / "x.png")]) == 2
    err = capsys.readouterr().err
    for w in words:
        assert w in err
    assert not (tmp_path / "x.png").exists()


# --------------------------------------------------------------------------- thermal-relic curve


def test_steigman_data_is_package_data():
    """The SDB curve ships in the package (a copy of tests/data/steigman2012.csv, source in its header)."""
    from importlib import resources

    from jaxrelic.workflows.plots import steigman2012

    packaged = resources.files("jaxrelic").joinpath("data/steigman2012.csv").read_text()
    assert packaged == (pathlib.Path(__file__).parents[1] / "data" / "steigman2012.csv").read_text()
    assert "arXiv:1204.3622" in packaged and "doi:10.1103/PhysRevD.86.023506" in packaged
    m, sv, unc = steigman2012()
    assert len(m) == 21 and m[0] == 0.1 and m[-1] == 1e4
    # the abstract of arXiv:1204.3622: 2.2e-26 cm³/s above 10 GeV, maximum ≈ 5e-26 near 0.3 GeV
    assert sv[list(m).index(100.0)] == pytest.approx(2.2e-26, rel=0.01)
    assert m[np.argmax(sv)] == pytest.approx(0.316) and 4.9e-26 < sv.max() < 5.2e-26
    assert set(unc) == {0.03, 0.04}


def test_relic_curve_draws_steigman(tmp_path, rc_guard):
    """plot_relic_curve: jaxrelic's points, the SDB curve rescaled 0.11 → 0.12 with its band, a ratio
    panel, failed points marked; not the constant line the demo used to draw."""
    from jaxrelic.workflows.plots import plot_relic_curve, steigman2012

    m_ref, sv_ref, _ = steigman2012()
    masses = np.logspace(-1, 4, 11)
    sv = 1.04 * np.exp(np.interp(np.log(masses), np.log(m_ref), np.log(sv_ref))) * 0.11 / 0.12
    status = np.zeros(11, dtype=np.int32)
    status[4] = 2
    png = tmp_path / "rc.png"
    fig = plot_relic_curve(masses, sv, omega_h2=0.12, status=status, path=png)
    assert png.stat().st_size > 10_000
    ax, rax = fig.axes
    lines = {ln.get_label(): ln for ln in ax.lines}
    sdb = [ln for k, ln in lines.items() if k.startswith("Steigman, Dasgupta & Beacom 2012")]
    assert len(sdb) == 1
    np.testing.assert_allclose(sdb[0].get_xdata(), m_ref)
    np.testing.assert_allclose(sdb[0].get_ydata(), sv_ref * 0.11 / 0.12 / 1e-26, rtol=1e-12)
    assert np.ptp(sdb[0].get_ydata()) > 2.0  # a curve (2.0 … 4.6), not a constant
    ours = lines[r"jaxrelic, $\Omega h^2 = 0.12$"]
    y = np.asarray(ours.get_ydata(), dtype=float)
    assert np.isnan(y[4]) and np.allclose(np.delete(y, 4), np.delete(sv, 4) / 1e-26)
    failed = lines["solver failed"]
    assert failed.get_xdata()[0] == pytest.approx(masses[4])
    assert "SDB digitisation band (1σ)" in [t.get_text() for t in ax.get_legend().get_texts()]
    assert ax.get_xscale() == "log" and "GeV" in rax.get_xlabel() and "cm$^3$" in ax.get_ylabel()
    ratio = np.asarray(rax.lines[-1].get_ydata(), dtype=float)
    np.testing.assert_allclose(np.delete(ratio, 4), 1.04, rtol=1e-9)
    # into given axes: main panel only
    fig2, ax2 = new_axes(None)
    assert plot_relic_curve(masses, sv, ax=ax2) is fig2 and len(fig2.axes) == 1


def test_yield_plot_range_and_labels(rc_guard):
    """plot_yield: x axis ends 3× past where Y settles (not at x ~ 1e7), Ω h² in the legend, x_f marked."""
    import types

    from jaxrelic.workflows.plots import plot_yield

    x = np.logspace(0, 7, 701)
    y_eq = 0.004 * x**1.5 * np.exp(-x)
    y = np.maximum(y_eq, 4e-12 * (1.0 + 20.0 / x))  # settles to 0.1 % of 4e-12 at x = 2e4
    res = types.SimpleNamespace(x=x, Y=y, Y_eq=y_eq, x_f=23.3, omega_h2=0.1148)
    ax = plot_yield(res).axes[0]
    lo, hi = ax.get_xlim()
    assert lo == 1.0 and hi == pytest.approx(3 * 2e4, rel=0.03)
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert texts == [r"$Y$ ($\Omega h^2 = 0.1148$)", r"$Y^{\rm eq}$"]
    assert any(t.get_text().strip() == "$x_f$" for t in ax.texts)
    assert ax.get_xlabel() == "$x = m/T$" and ax.get_ylabel() == "$Y = n/s$"
