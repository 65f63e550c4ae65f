"""User models everywhere (issue 13): a one-file plug-in and a user g_*(T) table reach every entry point.

The plug-in ``tests/data/plugin_toy_relic.py`` is a real scalar with constant ⟨σv⟩ written against
``import jaxrelic`` only; its equations are those of ``WIMP(g=1)``, so every number it gives must
equal the built-in WIMP's to round-off.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

import jaxrelic
from jaxrelic.interface.registry import load_plugin, unregister_model
from jaxrelic.workflows.cli import main

PLUGIN = str(Path(__file__).parent / "data" / "plugin_toy_relic.py")


@pytest.fixture()
def toy():
    load_plugin(PLUGIN)
    adapter = jaxrelic.get_model("toy-relic")
    jaxrelic.register_model(adapter, replace=True)
    yield adapter
    unregister_model("toy-relic")


def _wimp_omega(mass, sigma_v, background=None):
    return float(jaxrelic.relic_density(jaxrelic.WIMP(mass=mass, sigma_v=sigma_v, g=1.0), background).omega_h2)


def test_cli_plugin_relic_and_models(capsys):
    """``--plugin FILE`` anywhere on the command line: relic, models --json, bad input (exit 2)."""
    assert main(["relic", "toy-relic", "--set", "mass=200", "--json", "--plugin", PLUGIN]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["status"] == "success"
    assert d["omega_h2"] == pytest.approx(_wimp_omega(200.0, 2.2e-26), rel=1e-12)
    assert main(["--plugin", PLUGIN, "models", "--json"]) == 0
    table = json.loads(capsys.readouterr().out)["toy-relic"]["parameters"]
    assert (table["mass"]["min"], table["mass"]["max"], table["mass"]["unit"]) == (1.0, 1e4, "GeV")
    assert main(["--plugin", PLUGIN, "relic", "toy-relic", "--set", "mass=0.5"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["jaxrelic: error: parameter mass='0.5' outside the allowed range [1, 10000] GeV"]
    unregister_model("toy-relic")


def test_unknown_plugin_and_name_clash(capsys, toy):
    assert main(["--plugin", "no/such/file.py", "models"]) == 2
    assert "no/such/file.py" in capsys.readouterr().err
    with pytest.raises(jaxrelic.ParameterError, match="already registered"):
        jaxrelic.register_model(jaxrelic.NetworkAdapter("wimp", toy.model, toy.parameters))


def test_point_function_of_a_plugin_traced_domain(toy):
    """A traced value outside the plug-in's table comes back as out_of_range (no host callback)."""
    import jax
    import jax.numpy as jnp

    fn, fixed = jaxrelic.point_function("toy-relic", {"mass": 200.0}, free=("sigma_v",))
    out = jax.jit(jax.vmap(fn))({"sigma_v": jnp.array([2.2e-26, 1e-19])})
    assert [int(s) for s in out["status"]] == [jaxrelic.status.SUCCESS, jaxrelic.status.OUT_OF_RANGE]
    assert float(out["omega_h2"][0]) == pytest.approx(_wimp_omega(200.0, 2.2e-26), rel=1e-9)


@pytest.mark.slow
def test_plugin_with_fit_scan_sensitivity(toy, tmp_path, capsys):
    """fit, solve_for, sweep and sensitivity run a plug-in exactly like a built-in model."""
    res = jaxrelic.fit("toy-relic", {"sigma_v": 3e-26}, {"omega_h2": None}, {"mass": 200.0})
    assert res.converged
    assert _wimp_omega(200.0, res.values["sigma_v"]) == pytest.approx(0.12, rel=1e-4)
    sens = jaxrelic.sensitivity("toy-relic", {"mass": 200.0})
    # Ω ∝ 1/⟨σv⟩ up to the logarithmic x_f dependence: d ln Ω/d ln σv ≈ −1 + O(1/x_f)
    assert -1.0 < float(sens.entry("omega_h2", "sigma_v")) < -0.9
    out = tmp_path / "toy.nc"
    env = {**os.environ, "JAXRELIC_PLUGINS": PLUGIN}
    os.environ.update(env)
    try:
        assert main(["scan", "toy-relic", "--grid", "mass=100:300:3:log", "--out", str(out), "--quiet"]) == 0
    finally:
        os.environ.pop("JAXRELIC_PLUGINS")
    import xarray as xr

    ds = xr.open_dataset(out)
    expect = [_wimp_omega(m, 2.2e-26) for m in ds["mass"].values]
    np.testing.assert_allclose(ds["omega_h2"].values, expect, rtol=1e-9)


def test_gstar_file_reaches_relic_and_point_function(tmp_path, capsys):
    """``--gstar FILE``: a constant g_* = g_*s = 90 table gives the Ω of the same Background in Python;
    leptogenesis (its g_* is the parameter g_star) rejects it in one line."""
    T = np.logspace(-5, 5, 200)
    path = tmp_path / "gstar.txt"
    np.savetxt(path, np.column_stack([T, np.full_like(T, 90.0), np.full_like(T, 90.0)]), header="T g_rho g_s")
    bg = jaxrelic.Background(jaxrelic.GStar.from_file(path))
    assert main(["relic", "wimp", "--set", "mass=100", "--gstar", str(path), "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    ref = float(jaxrelic.relic_density(jaxrelic.WIMP(mass=100.0, sigma_v=2.2e-26), bg).omega_h2)
    assert d["omega_h2"] == pytest.approx(ref, rel=1e-12)
    assert abs(d["omega_h2"] / _wimp_omega(100.0, 2.2e-26, None) - 1.0) > 1e-3  # the table mattered
    fn, _ = jaxrelic.point_function("wimp", {"mass": 100.0}, background=bg)
    assert float(fn({})["omega_h2"]) == pytest.approx(ref, rel=1e-12)
    assert main(["--gstar", str(path), "relic", "leptogenesis"]) == 2
    assert "leptogenesis does not use a g_*(T) table" in capsys.readouterr().err
    assert main(["relic", "wimp", "--gstar", str(tmp_path / "missing.txt")]) == 2
    assert "--gstar" in capsys.readouterr().err
    # the table applied to those commands only: the process default is the Standard Model again
    from jaxrelic.interface.adapter import _DEFAULT

    assert _DEFAULT["background"] is None
