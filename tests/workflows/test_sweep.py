"""jaxrelic.workflows.sweep and ``jaxrelic scan``: grids, values, resume, sharding, merge, CLI.

One WIMP sweep setup (3 × 3 points, chunks of 4 → 3 chunks, the last padded) is compiled
once in this process and shared by every test through ``sweep``'s compiled-function
cache; two subprocesses (a sweep killed after one chunk, and a 4-device sharded sweep)
start first and run while the in-process tests compile.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import xarray as xr

import jaxrelic
from jaxrelic.workflows.cli import main
from jaxrelic.interface import get_model
from jaxrelic.interface import ParameterError
from jaxrelic.workflows.sweep import NOT_RUN, GridAxis, parse_grid, sweep
from jaxrelic.workflows.sweep_io import _slabs, merge, part_path

GRID = ["mass=20:500:3:log", "sigma_v=1e-26:4e-26:3"]
CHUNK = 4


def _open(path):
    with xr.open_dataset(path, engine="h5netcdf") as ds:
        return ds.load()


def _assert_identical(a: xr.Dataset, b: xr.Dataset, skip=()):
    assert set(a.data_vars) == set(b.data_vars)
    for name in a.data_vars:
        if name in skip:
            continue
        x, y = a[name].values, b[name].values
        assert x.dtype == y.dtype, name
        assert np.array_equal(x, y, equal_nan=x.dtype.kind == "f"), name
    for name in a.coords:
        assert np.array_equal(a[name].values, b[name].values), name


# ------------------------------------------------------------------------ grid parsing (no compilation)


def test_parse_grid_linear_and_log():
    a = parse_grid("mass=10:1000:3:log", "wimp")
    assert a == GridAxis("mass", 10.0, 1000.0, 3, True)
    np.testing.assert_array_equal(a.values(), [10.0, 100.0, 1000.0])
    b = parse_grid("sigma_v=1e-26:3e-26:3", "wimp")
    assert not b.log and b.values().dtype == np.float64
    np.testing.assert_allclose(b.values(), [1e-26, 2e-26, 3e-26], rtol=1e-15)
    assert parse_grid("K=5:5:1", "leptogenesis").values().tolist() == [5.0]


@pytest.mark.parametrize(
    "model, text, needles",
    [
        ("wimp", "foo=1:2:3", ["foo", "unknown", "mass"]),
        ("twin-higgs", "method=1:2:3", ["method", "not continuous"]),
        ("wimp", "self_conjugate=0:1:2", ["self_conjugate", "not continuous"]),
        ("wimp", "mass=1:10:0", ["mass", "NUM", ">= 1"]),
        ("wimp", "mass=1:10:2.5", ["mass", "NUM"]),
        ("wimp", "b=0:1e-20:3:log", ["b", "log", "> 0"]),
        ("wimp", "mass=1e-3:10:3", ["mass", "START", "[0.01, 100000]"]),
        ("wimp", "mass=1:1e6:3:log", ["mass", "STOP", "[0.01, 100000]"]),
        ("wimp", "mass=1:10:3:cubic", ["mass", "log, lin"]),
        ("wimp", "mass=1:10", ["NAME=START:STOP:NUM"]),
        ("wimp", "mass", ["NAME=START:STOP:NUM"]),
        ("leptogenesis", "K=a:2:3", ["K", "numbers"]),
    ],
)
def test_parse_grid_errors_name_the_parameter(model, text, needles):
    with pytest.raises(ParameterError) as e:
        parse_grid(text, model)
    for needle in needles:
        assert needle in str(e.value)


def test_sweep_input_errors(tmp_path):
    out = tmp_path / "x.nc"
    with pytest.raises(ParameterError, match="mass.*given more than once"):
        sweep("wimp", ["mass=1:2:2", "mass=3:4:2"], out=out)
    with pytest.raises(ParameterError, match="mass is both swept"):
        sweep("wimp", ["mass=1:2:2"], {"mass": 3}, out=out)
    with pytest.raises(ParameterError, match="sigma_v"):
        sweep("wimp", ["mass=1:2:2"], {"sigma_v": 1.0}, out=out)
    with pytest.raises(ParameterError, match="gradient output 'nope'.*omega_h2"):
        sweep("wimp", ["mass=1:2:2"], out=out, gradient_output="nope")
    with pytest.raises(ParameterError, match="chunk_size"):
        sweep("wimp", ["mass=1:2:2"], out=out, chunk_size=0)
    with pytest.raises(ParameterError, match="max_memory"):
        sweep("wimp", ["mass=1:2:2"], out=out, max_memory=-1)
    with pytest.raises(ParameterError, match="is a folder"):
        sweep("wimp", ["mass=1:2:2"], out=tmp_path)
    assert not out.exists()


@pytest.mark.parametrize("grid", [["T_RH=5e6:2e7:2:log"], ["y1_abs=0.01:0.02:2"]])
def test_cogenesis_sweep_builds_its_point_function(grid, tmp_path, monkeypatch):
    """Regression: a cogenesis sweep passed each fixed coupling twice (as ``y1`` and as ``y1_abs``/``y1_arg``)
    to ``point_function``, which rejected it ("given together with"), so no cogenesis sweep could start.
    The chunk function is built (not compiled: ``jax.jit`` is lazy) and the sweep stopped before evaluation."""
    import jaxrelic.workflows.sweep as sw

    real = sw._compiled

    class Built(Exception):
        pass

    def build_then_stop(*args):
        real(*args)
        raise Built

    monkeypatch.setattr(sw, "_compiled", build_then_stop)
    with pytest.raises(Built):
        sweep("cogenesis", grid, {"y2": "0.02j"}, out=tmp_path / "c.nc", chunk_size=2, progress=False)
    fixed = json.loads(_open(tmp_path / "c.nc").attrs["fixed"])
    assert "y2" in fixed and "y2_abs" not in fixed and "y2_arg" not in fixed
    assert ("y1_arg" in fixed) == ("y1_abs=" in grid[0])


def test_slabs_cover_flat_ranges_exactly():
    for shape in [(7,), (3, 4), (2, 3, 4), (4, 1, 3)]:
        n = int(np.prod(shape))
        ref = np.arange(n).reshape(shape)
        for lo in range(n):
            for hi in range(lo, n + 1):
                cover = np.zeros(shape, dtype=int)
                for slices, a, b in _slabs(lo, hi, shape):
                    block = ref[slices]
                    np.testing.assert_array_equal(block.ravel(), np.arange(a, b))
                    cover[slices] += 1
                assert cover.sum() == hi - lo and cover.max() <= 1
                assert np.all(cover.ravel()[lo:hi] == 1)


# ------------------------------------------------------------------------ shared runs


_KILLED = textwrap.dedent(
    """
    import os, signal, sys
    from jaxrelic.workflows.sweep import sweep

    def stop(k, n):
        if n == 1:  # a hard kill right after the first chunk was written
            os.kill(os.getpid(), signal.SIGKILL)

    sweep("wimp", {grid!r}, out=sys.argv[1], chunk_size={chunk}, progress=False, on_chunk=stop)
    """
)

_SHARDED = textwrap.dedent(
    """
    import json, sys
    import jax
    from jaxrelic.workflows.sweep import sweep

    # chunk_size 3 is rounded up to 4, a multiple of the device count
    r = sweep("wimp", {grid!r}, out=sys.argv[1], chunk_size={chunk} - 1, progress=False)
    sweep("wimp", {grid!r}, out=sys.argv[1] + ".again", chunk_size={chunk}, progress=False)
    print(json.dumps({{"devices": len(jax.devices()), "n_devices": r.n_devices,
                      "input_devices": r.input_devices, "chunk_size": r.chunk_size}}))
    """
)


@pytest.fixture(scope="module")
def procs(tmp_path_factory):
    """Start the killed sweep and the 4-device sweep in subprocesses (they compile in parallel)."""
    d = tmp_path_factory.mktemp("sweep_procs")
    env = dict(os.environ, JAX_PLATFORMS="cpu")
    killed = d / "killed.nc"
    sharded = d / "sharded.nc"
    p_kill = subprocess.Popen([sys.executable, "-c", _KILLED.format(grid=GRID, chunk=CHUNK), str(killed)],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    env4 = dict(env, XLA_FLAGS="--xla_force_host_platform_device_count=4")
    p_shard = subprocess.Popen([sys.executable, "-c", _SHARDED.format(grid=GRID, chunk=CHUNK), str(sharded)],
                               env=env4, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    yield {"kill": (p_kill, killed), "shard": (p_shard, sharded)}
    for p in (p_kill, p_shard):
        if p.poll() is None:
            p.kill()
            p.wait()


@pytest.fixture(scope="module")
def reference(procs, tmp_path_factory):
    """Uninterrupted in-process sweep (compiles the shared function)."""
    path = tmp_path_factory.mktemp("sweep_ref") / "ref.nc"
    res = sweep("wimp", GRID, out=path, chunk_size=CHUNK, progress=False)
    return res, _open(path)


# ------------------------------------------------------------------------ values and file format


def test_file_format(reference):
    res, ds = reference
    assert res.computed_chunks == [0, 1, 2] and res.n_chunks == 3 and res.complete
    assert res.traces == 1  # eqx.debug.assert_max_traces guard: no retrace between chunks
    assert list(ds["status"].dims) == ["mass", "sigma_v"]
    np.testing.assert_array_equal(ds["mass"].values, [20.0, 100.0, 500.0])
    assert ds["mass"].dtype == np.float64 and ds["sigma_v"].dtype == np.float64
    ev = get_model("wimp")
    for name in ev.outputs:
        assert ds[name].dtype == np.float64 and ds[name].dims == ("mass", "sigma_v")
    assert ds["status"].dtype == np.int32
    assert ds["chunk_done"].dtype == np.int8 and ds["chunk_done"].values.tolist() == [1, 1, 1]
    assert ds.attrs["model"] == "wimp" and int(ds.attrs["chunk_size"]) == CHUNK
    assert json.loads(ds.attrs["fixed"]) == {"b": 0.0, "g": 2.0, "self_conjugate": True, "statistics": "MB"}
    assert json.loads(ds.attrs["grid"])[0] == {"name": "mass", "start": 20.0, "stop": 500.0, "num": 3, "log": True}
    assert ds.attrs["jaxrelic_version"] == jaxrelic.__version__ and "T" in ds.attrs["created"]


def test_values_equal_single_point_evaluations(reference, tmp_path):
    """Chunks of one point are single-point evaluations: equal to relic_density to 1e-12."""
    res = sweep("wimp", [GRID[0]], {"sigma_v": 4e-26}, out=tmp_path / "one.nc", chunk_size=1, progress=False)
    ds = res.open()
    assert res.computed_chunks == [0, 1, 2] and np.all(ds["status"].values == 0)
    assert json.loads(ds.attrs["fixed"])["sigma_v"] == 4e-26
    for i, m in enumerate(ds["mass"].values):
        r = jaxrelic.relic_density(jaxrelic.WIMP(mass=float(m), sigma_v=4e-26))
        assert int(r.status) == 0
        for name in ("omega_h2", "x_f", "Y_today"):
            np.testing.assert_allclose(ds[name].values[i], float(getattr(r, name)), rtol=1e-12, atol=0)
    # In chunks of several points diffrax's FSAL Kvaerno5 couples the batch (the first stage is
    # re-evaluated for every point when any point restarts, eqxi.unvmap_any), which moves results
    # at the level of the ODE tolerance: same point, other chunk companions -> ~1e-6 relative.
    ref = reference[1]
    for name in ("omega_h2", "x_f", "Y_today"):
        np.testing.assert_allclose(ref[name].values[:, 2], ds[name].values, rtol=1e-5, atol=0)
    # physics sanity: Ω h² ∝ 1/⟨σv⟩ at fixed mass (up to the logarithmic x_f shift)
    om = ref["omega_h2"].values[1]
    assert 3.5 < om[0] / om[2] < 4.5


def test_existing_file_needs_resume_or_overwrite(reference, tmp_path):
    res, ref = reference
    with pytest.raises(ParameterError, match="exists.*resume.*overwrite"):
        sweep("wimp", GRID, out=res.path, chunk_size=CHUNK, progress=False)
    again = sweep("wimp", GRID, out=res.path, chunk_size=CHUNK, progress=False, resume=True)
    assert again.computed_chunks == [] and again.complete
    with pytest.raises(ParameterError, match="fixed parameter g differs"):
        sweep("wimp", GRID, {"g": 4}, out=res.path, chunk_size=CHUNK, resume=True)
    with pytest.raises(ParameterError, match="grid sigma_v differs"):
        sweep("wimp", [GRID[0], "sigma_v=1e-26:4e-26:4"], out=res.path, chunk_size=CHUNK, resume=True)
    with pytest.raises(ParameterError, match="chunk_size differs"):
        sweep("wimp", GRID, out=res.path, chunk_size=8, resume=True)
    _assert_identical(_open(res.path), ref)


# ------------------------------------------------------------------------ kill + resume, bit for bit


def test_killed_sweep_resumes_bit_for_bit(procs, reference):
    p, path = procs["kill"]
    _, err = p.communicate(timeout=600)
    assert p.returncode == -signal.SIGKILL, err
    partial = _open(path)
    assert partial["chunk_done"].values.tolist() == [1, 0, 0]
    st = partial["status"].values.ravel()
    assert np.all(st[:CHUNK] == 0) and np.all(st[CHUNK:] == NOT_RUN)
    assert np.all(np.isnan(partial["omega_h2"].values.ravel()[CHUNK:]))
    res = sweep("wimp", GRID, out=path, chunk_size=CHUNK, progress=False, resume=True)
    assert res.computed_chunks == [1, 2]  # the finished chunk is not recomputed
    _assert_identical(_open(path), reference[1])


# ------------------------------------------------------------------------ sharding over 4 host devices


def test_sharded_sweep_matches_single_device(procs, reference):
    p, path = procs["shard"]
    out, err = p.communicate(timeout=600)
    assert p.returncode == 0, err
    info = json.loads(out.strip().splitlines()[-1])
    assert info == {"devices": 4, "n_devices": 4, "input_devices": 4, "chunk_size": CHUNK}
    ds, ref = _open(path), reference[1]
    # the same sweep on the same 4 devices is reproducible bit for bit
    _assert_identical(ds, _open(str(path) + ".again"))
    assert np.array_equal(ds["status"].values, ref["status"].values)
    # 1 vs 4 devices: per-device batches of 1 vs one batch of 4 -> batch coupling of the adaptive
    # FSAL solver (see jaxrelic.workflows.sweep) at the level of the ODE accuracy (measured 1.2e-5)
    for name in ("omega_h2", "x_f", "Y_today"):
        np.testing.assert_allclose(ds[name].values, ref[name].values, rtol=5e-5, atol=0)


# ------------------------------------------------------------------------ multi-process part files and merge


def test_part_files_merge_to_the_full_sweep(reference, tmp_path, capsys):
    out = tmp_path / "scan.nc"
    r0 = sweep("wimp", GRID, out=out, chunk_size=CHUNK, progress=False, process_index=0, process_count=2)
    r1 = sweep("wimp", GRID, out=out, chunk_size=CHUNK, progress=False, process_index=1, process_count=2)
    assert r0.path == part_path(out, 0) == tmp_path / "scan.part0.nc"
    assert r0.computed_chunks == [0, 2] and r1.computed_chunks == [1]
    assert r1.traces == 1  # the compiled chunk function is shared with the reference sweep
    assert _open(r1.path)["chunk_done"].values.tolist() == [0, 1, 0]
    assert main(["scan", "--merge", "--out", str(out), "--json"]) == 0  # the CLI path of merge()
    info = json.loads(capsys.readouterr().out)
    assert info["chunks_done"] == 3 and info["missing_chunks"] == []
    merged = _open(out)
    _assert_identical(merged, reference[1])
    assert "process_count" not in merged.attrs
    with pytest.raises(ParameterError, match="exists"):
        merge(out)


def test_merge_reports_missing_chunks(tmp_path):
    out = tmp_path / "scan.nc"
    sweep("wimp", GRID, out=out, chunk_size=CHUNK, progress=False, process_index=1, process_count=2)
    with pytest.raises(ParameterError, match="part files missing.*scan.part0.nc"):
        merge(out)
    info = merge(out, parts=[part_path(out, 1)])
    assert info["missing_chunks"] == [0, 2]
    assert _open(out)["status"].values.ravel()[0] == NOT_RUN


# ------------------------------------------------------------------------ CLI


def test_cli_scan_writes_file(reference, tmp_path, capsys):
    out = tmp_path / "cli.nc"
    argv = ["scan", "wimp", "--grid", GRID[0], "--grid", GRID[1], "--out", str(out), "--chunk-size", str(CHUNK),
            "--json"]
    rc = main(argv)
    captured = capsys.readouterr()
    assert rc == 0, captured.err
    summary = json.loads(captured.out)
    assert summary["points"] == 9 and summary["status_counts"] == {"success": 9}
    assert "9/9 points" in captured.err  # progress bar
    _assert_identical(_open(out), reference[1])
    rc = main(argv + ["--quiet"])
    captured = capsys.readouterr()
    assert rc == 2 and "exists" in captured.err and captured.err.count("\n") == 1
    rc = main(argv + ["--resume", "--quiet"])
    captured = capsys.readouterr()
    assert rc == 0 and json.loads(captured.out)["computed_chunks"] == [] and captured.err == ""


@pytest.mark.parametrize(
    "args, needle",
    [
        (["wimp", "--grid", "mass=1:10:0"], "NUM"),
        (["wimp", "--grid", "method=1:2:2"], "method"),
        (["wimp", "--grid", "mass=1:10:3", "--set", "sigma_v=5"], "sigma_v"),
        (["nosuch", "--grid", "mass=1:10:3"], "nosuch"),
        (["wimp"], "--grid"),
        (["wimp", "--grid", "mass=1:10:3", "--resume", "--overwrite"], "--resume"),
    ],
)
def test_cli_bad_input_exits_2(args, needle, tmp_path, capsys):
    rc = main(["scan", *args, "--out", str(tmp_path / "bad.nc")])
    err = capsys.readouterr().err
    assert rc == 2 and needle in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "bad.nc").exists()
