"""CLI robustness (issue 10): strict JSON, one-line errors instead of tracebacks, atomic
output, Ctrl-C and resume, damaged files, memory-budgeted chunks, NetCDF metadata.

Solves use a 4-point WIMP scan in chunks of 2 (one compilation shared by the tests,
through the sweep's cache of compiled chunk functions) and one WIMP point.
"""

from __future__ import annotations

import json
import math
import signal

import numpy as np
import pytest
import xarray as xr

from jaxrelic.numerics import status as st
from jaxrelic.models.twin_higgs.solver import PHASES
from jaxrelic.workflows import sweep as sw
from jaxrelic.workflows.cli import main
from jaxrelic.workflows.cli_common import UserError, dumps_json, parse_bytes
from jaxrelic.workflows.output_meta import coordinate_attrs, variable_attrs
from jaxrelic.interface import ModelAdapter, Parameter, ParameterError, ParameterTable, register_model
from jaxrelic.interface.registry import unregister_model

GRID = ["--grid", "mass=50:200:4:log"]
SCAN = ["scan", "wimp", *GRID, "--chunk-size", "2", "--quiet"]


def _strict_loads(text):
    def bad(name):
        raise ValueError(f"non-strict JSON constant {name}")

    return json.loads(text, parse_constant=bad)


def _run(capsys, *argv):
    rc = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return rc, out, err


def _one_line(err):
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def _open(path):
    with xr.open_dataset(path, engine="h5netcdf") as ds:
        return ds.load()


@pytest.fixture(scope="module")
def finished_scan(tmp_path_factory):
    """A complete 4-point WIMP scan file (2 chunks of 2)."""
    path = tmp_path_factory.mktemp("scan") / "ref.nc"
    assert main([*SCAN, "--out", str(path)]) == 0
    return path


# ----------------------------------------------------------------------------- bad output paths


def _bad_output_cases(tmp):
    (tmp / "afile").write_text("x")
    (tmp / "folder").mkdir()
    scan = [*SCAN[:-1]]  # without --quiet, to see that nothing else reaches stderr
    return {
        "relic-plot-missing-folder": (["relic", "wimp", "--plot", tmp / "nodir" / "y.png"], "does not exist"),
        "relic-plot-unknown-extension": (["relic", "wimp", "--plot", tmp / "y.xyz"], "unknown image extension"),
        "relic-plot-no-extension": (["relic", "wimp", "--plot", tmp / "y"], "unknown image extension"),
        "relic-plot-is-folder": (["relic", "wimp", "--plot", tmp / "folder"], "is a folder"),
        "relic-plot-under-a-file": (["relic", "wimp", "--plot", tmp / "afile" / "y.png"], "is not a folder"),
        "scan-out-is-folder": ([*scan, "--out", tmp / "folder"], "is a folder"),
        "scan-out-missing-folder": ([*scan, "--out", tmp / "nodir" / "s.nc"], "does not exist"),
        "scan-max-memory-garbage": ([*scan[:-2], "--out", tmp / "s.nc", "--max-memory", "4XB"], "--max-memory"),
        "scan-max-memory-too-small": ([*scan[:-2], "--out", tmp / "s.nc", "--max-memory", "1MB"], "--max-memory"),
        "plot-out-unknown-extension": (["plot", tmp / "afile", "--out", tmp / "p.txt"], "unknown image extension"),
        "plot-out-missing-folder": (["plot", tmp / "afile", "--out", tmp / "nodir" / "p.png"], "does not exist"),
        "demo-out-is-file": (["demo", "--out", tmp / "afile"], "is a file"),
        "demo-out-missing-parent": (["demo", "--out", tmp / "nodir" / "sub"], "does not exist"),
    }


_CASE_IDS = ["relic-plot-missing-folder", "relic-plot-unknown-extension", "relic-plot-no-extension",
             "relic-plot-is-folder", "relic-plot-under-a-file", "scan-out-is-folder", "scan-out-missing-folder",
             "scan-max-memory-garbage", "scan-max-memory-too-small", "plot-out-unknown-extension",
             "plot-out-missing-folder", "demo-out-is-file", "demo-out-missing-parent"]


@pytest.mark.parametrize("case", _CASE_IDS)
def test_bad_output_path_is_one_line_exit_2_before_any_work(case, tmp_path, capsys, monkeypatch):
    argv, needle = _bad_output_cases(tmp_path)[case]

    def no_work(*a, **k):  # the path is checked before any solve, sweep or demo starts
        raise AssertionError("work started before the output path was checked")

    monkeypatch.setattr(sw, "_compiled", no_work)
    monkeypatch.setattr("jaxrelic.workflows.demo.run_demo", no_work)
    monkeypatch.setattr("jaxrelic.workflows.cli.run_point", no_work)
    rc, out, err = _run(capsys, *argv)
    line = _one_line(err)
    assert rc == 2 and line.startswith("jaxrelic: error: ") and needle in line, line
    assert out == ""
    assert not list(tmp_path.glob("*.nc")) and not list(tmp_path.glob("*.png"))


def test_relic_plot_failure_after_solve_keeps_the_result(tmp_path, capsys, monkeypatch):
    """A plot that fails to write (disk full) still prints the computed point (strict JSON) and exits 2."""
    from matplotlib.figure import Figure

    def full_disk(self, *a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Figure, "savefig", full_disk)
    png = tmp_path / "y.png"
    rc, out, err = _run(capsys, "relic", "wimp", "--set", "mass=100", "--set", "sigma_v=2.2e-26", "--json",
                        "--plot", png)
    line = _one_line(err)
    assert rc == 2 and "--plot" in line and "No space left on device" in line and "printed above" in line
    d = _strict_loads(out)
    # same point as tests/test_cli.py::test_relic_wimp_json_and_plot: Ω h² ≈ 0.11
    assert d["status"] == "success" and 0.105 < d["omega_h2"] < 0.125 and "plot" not in d
    assert list(tmp_path.iterdir()) == []  # no partial file, no temporary left behind


# ----------------------------------------------------------------------------- strict JSON, failed solve


class _Failing(ModelAdapter):
    """A model whose solve fails (max steps) and returns NaN/inf outputs."""

    name = "failing"
    description = "a model whose solve fails"
    parameters = ParameterTable(Parameter("mass", "GeV", 1.0, 0.0, 2.0, "mass"))

    def solve(self, p, background, adjoint="reverse"):
        return p["mass"]

    def observables(self, p, result):
        return {"omega_h2": result * math.nan, "status": st.MAX_STEPS}

    def summary(self, p, result, background=None):
        return {"omega_h2": math.nan, "Y_today": math.inf, "history": [1.0, -math.inf], "status": st.MAX_STEPS,
                "notes": ["x_end_short: the integration stopped at x = 20"]}


@pytest.fixture()
def failing_model():
    register_model(_Failing(), replace=True)
    yield
    unregister_model("failing")


def test_failed_solve_exit_1_strict_json_and_reason_on_stderr(capsys, failing_model):
    rc, out, err = _run(capsys, "relic", "failing", "--json")
    assert rc == 1
    d = _strict_loads(out)  # no bare NaN / Infinity
    assert d["omega_h2"] is None and d["Y_today"] is None and d["history"] == [1.0, None]
    assert d["status"] == "max_steps_reached"
    line = _one_line(err)
    assert line.startswith("jaxrelic: failing: solve failed: status max_steps_reached (")
    assert "step limit" in line and "x_end_short" in line


def test_dumps_json_is_strict():
    text = dumps_json({"a": float("nan"), "b": [np.float64("inf"), 1.5], "c": np.array([np.nan, 2.0]), "d": 1 + 2j})
    assert _strict_loads(text) == {"a": None, "b": [None, 1.5], "c": [None, 2.0], "d": {"real": 1.0, "imag": 2.0}}


# ----------------------------------------------------------------------------- Ctrl-C, resume, damaged files


def test_ctrl_c_mid_sweep_exit_130_then_resume_completes(finished_scan, tmp_path, capsys, monkeypatch):
    """SIGINT arriving while chunk 0 is written: the write completes, then the scan stops (exit 130) and
    says to resume; --resume computes only chunk 1 and gives the uninterrupted file bit for bit."""
    real_write = sw._write_chunk

    def write_then_ctrl_c(path, shape, lo, hi, k, results):
        signal.raise_signal(signal.SIGINT)  # Ctrl-C in the middle of the write: held back until it ends
        real_write(path, shape, lo, hi, k, results)

    monkeypatch.setattr(sw, "_write_chunk", write_then_ctrl_c)
    out = tmp_path / "s.nc"
    rc, _, err = _run(capsys, *SCAN, "--out", out)
    line = _one_line(err)
    assert rc == 130 and "--resume" in line and "1 of 2 chunks" in line and str(out) in line
    assert _open(out)["chunk_done"].values.tolist() == [1, 0]
    monkeypatch.setattr(sw, "_write_chunk", real_write)
    rc, stdout, err = _run(capsys, *SCAN, "--out", out, "--resume", "--json")
    assert rc == 0 and err == ""
    assert _strict_loads(stdout)["computed_chunks"] == [1]
    a, b = _open(out), _open(finished_scan)
    for name in ("omega_h2", "x_f", "Y_today", "status", "chunk_done"):
        np.testing.assert_array_equal(a[name].values, b[name].values)


def test_resume_truncated_file_says_how(finished_scan, tmp_path, capsys):
    out = tmp_path / "t.nc"
    data = finished_scan.read_bytes()
    out.write_bytes(data[: len(data) // 2])
    rc, _, err = _run(capsys, *SCAN, "--out", out, "--resume")
    line = _one_line(err)
    assert rc == 2 and "cannot resume" in line and "--overwrite" in line and "truncated" in line
    assert out.stat().st_size == len(data) // 2  # left as it was


def test_resume_empty_file_starts_the_sweep(finished_scan, tmp_path, capsys):
    out = tmp_path / "e.nc"
    out.write_bytes(b"")  # e.g. killed before the first write: nothing to recover, nothing to lose
    rc, _, err = _run(capsys, *SCAN, "--out", out, "--resume")
    assert rc == 0, err
    np.testing.assert_array_equal(_open(out)["omega_h2"].values, _open(finished_scan)["omega_h2"].values)


def test_resume_without_chunk_size_takes_the_files(finished_scan, tmp_path, capsys):
    out = tmp_path / "c.nc"
    out.write_bytes(finished_scan.read_bytes())
    rc, stdout, err = _run(capsys, "scan", "wimp", *GRID, "--quiet", "--out", out, "--resume", "--json")
    assert rc == 0, err
    d = _strict_loads(stdout)
    assert d["chunk_size"] == 2 and d["computed_chunks"] == []


# ----------------------------------------------------------------------------- memory budget


def test_chunk_size_from_memory_budget():
    base, per = sw.MEMORY_COST["twin-higgs"]
    budget = base + 10.5 * per
    assert sw.choose_chunk_size("twin-higgs", 576, budget) == 10
    assert sw.choose_chunk_size("twin-higgs", 576, budget, n_devices=4) == 8  # a multiple of the devices
    assert sw.choose_chunk_size("twin-higgs", 7, 1e15) == 7  # never more than the sweep has
    assert sw.choose_chunk_size("twin-higgs", 7, 1e15, n_devices=4) == 8
    assert sw.choose_chunk_size("wimp", 10**6, 1e15) == 256  # automatic cap
    # twin memory scales with n_q · n_a: a 4x larger momentum grid fits 4x fewer points
    assert sw.choose_chunk_size("twin-higgs", 576, base + 40.5 * per, fixed={"n_q": 256, "n_a": 1200}) == 10
    # the default budget fits a 16 GB laptop for every model
    for model in sw.MEMORY_COST:
        chunk = sw.choose_chunk_size(model, 576, sw.DEFAULT_MAX_MEMORY)
        total, _ = sw.memory_estimate(model, chunk)
        assert 1 <= chunk <= 256 and total <= sw.DEFAULT_MAX_MEMORY <= 16e9 * 0.5
    with pytest.raises(ParameterError, match=r"max_memory.*allowed: >="):
        sw.choose_chunk_size("twin-higgs", 576, base)


def test_parse_bytes():
    assert parse_bytes("4GB") == 4 * 10**9
    assert parse_bytes("512MiB") == 512 * 2**20
    assert parse_bytes("3e9") == 3 * 10**9
    assert parse_bytes(" 1.5 g ") == 1_500_000_000
    for bad in ("", "-1GB", "4 XB", "GB", "0"):
        with pytest.raises(UserError, match="--max-memory"):
            parse_bytes(bad)


# ----------------------------------------------------------------------------- NetCDF metadata


def test_netcdf_units_long_names_and_flags(finished_scan):
    ds = _open(finished_scan)
    assert ds["omega_h2"].attrs["units"] == "1" and "Omega h^2" in ds["omega_h2"].attrs["long_name"]
    assert ds["mass"].attrs["units"] == "GeV" and ds["mass"].attrs["long_name"]
    for name in ("x_f", "Y_today", "chunk_done"):
        assert ds[name].attrs["units"] == "1" and ds[name].attrs["long_name"]
    flags = ds["status"].attrs
    assert flags["flag_values"].dtype == np.int32
    assert flags["flag_values"].tolist() == [-1] + sorted(st._NAMES)
    meanings = flags["flag_meanings"].split()
    assert meanings[0] == "not_run" and len(meanings) == len(flags["flag_values"])
    assert [st.status_name(v) for v in flags["flag_values"][1:]] == meanings[1:]


def test_output_meta_table():
    ph = variable_attrs("phase")
    assert ph["flag_values"] == [-1] + list(range(len(PHASES)))
    words = ph["flag_meanings"].split()
    assert len(words) == len(PHASES) + 1 and words[0] == "not_run"
    assert all(set(w) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.+@") for w in words)
    assert ph["phase_names"].split("; ") == list(PHASES)
    for name in ("T_S_min_GeV", "T_S_max_GeV", "T_CS", "m_chi_adm"):
        assert variable_attrs(name)["units"] == "GeV"
    for name in ("Y_B_over_observed", "Y_B_minus_L", "Y_B", "omega_h2"):
        assert variable_attrs(name)["units"] == "1"
    assert variable_attrs("d_ln_omega_h2_d_ln_mass") == {"units": "1", "long_name": "d ln|omega_h2| / d ln mass"}
    assert variable_attrs("brand_new_output") == {"long_name": "brand_new_output"}
    assert coordinate_attrs("wimp", "sigma_v")["units"] == "cm3 s-1"
    assert coordinate_attrs("twin-higgs", "theta1")["units"] == "rad"
    assert coordinate_attrs("cogenesis", "y1_arg")["units"] == "rad"
