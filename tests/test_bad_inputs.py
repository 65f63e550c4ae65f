"""The bad-input table of issue 10: one row per bad or out-of-domain input.

Every row must exit with code 2 and print exactly one line on stderr, ``jaxrelic: error: ...``,
naming the offending parameter (or option) — no traceback, nothing computed.  All rows are
rejected in Python before any JAX compilation, so the table runs in seconds.
"""

from __future__ import annotations

import json

import pytest

from jaxrelic.workflows.cli import main

R = ["relic"]
ROWS = [
    # --- syntax and unknown names
    (["relic", "nomodel"], "nomodel"),
    (R + ["wimp", "--set", "mass"], "NAME=VALUE"),
    (R + ["wimp", "--set", "foo=1"], "foo"),
    (R + ["wimp", "--set", "mass=abc"], "mass"),
    (R + ["wimp", "--set", "mass=nan"], "mass"),
    (R + ["wimp", "--set", "mass=inf"], "mass"),
    (R + ["wimp", "--set", "mass="], "mass"),
    # --- WIMP ranges and domain
    (R + ["wimp", "--set", "mass=-3"], "mass"),
    (R + ["wimp", "--set", "mass=0.009"], "mass"),
    (R + ["wimp", "--set", "mass=1.01e5"], "mass"),
    (R + ["wimp", "--set", "sigma_v=-1e-26"], "sigma_v"),
    (R + ["wimp", "--set", "sigma_v=1.1e-18"], "sigma_v"),
    (R + ["wimp", "--set", "b=-1e-26"], "b"),
    (R + ["wimp", "--set", "g=0.5"], "g"),
    (R + ["wimp", "--set", "g=101"], "g"),
    (R + ["wimp", "--set", "self_conjugate=maybe"], "self_conjugate"),
    (R + ["wimp", "--set", "statistics=XY"], "statistics"),
    (R + ["wimp", "--set", "sigma_v=0", "--set", "b=0"], "sigma_v"),
    # --- twin Higgs (docs/physics/twin_domain.md)
    (R + ["twin-higgs", "--set", "r=1.2"], "r"),
    (R + ["twin-higgs", "--set", "r=0"], "r"),
    (R + ["twin-higgs", "--set", "m_nu=1e30"], "m_nu"),
    (R + ["twin-higgs", "--set", "m_nu=0.019"], "m_nu"),
    (R + ["twin-higgs", "--set", "m_nu=101"], "m_nu"),
    (R + ["twin-higgs", "--set", "delta=0"], "delta"),
    (R + ["twin-higgs", "--set", "delta=-0.1"], "delta"),
    (R + ["twin-higgs", "--set", "theta1=0"], "theta1"),
    (R + ["twin-higgs", "--set", "theta1=0.8"], "theta1"),
    (R + ["twin-higgs", "--set", "x0=0.5"], "x0"),
    (R + ["twin-higgs", "--set", "x0=51"], "x0"),
    (R + ["twin-higgs", "--set", "x_end=99"], "x_end"),
    (R + ["twin-higgs", "--set", "n_q=99"], "n_q"),
    (R + ["twin-higgs", "--set", "n_q=128.5"], "n_q"),
    (R + ["twin-higgs", "--set", "n_a=99"], "n_a"),
    (R + ["twin-higgs", "--set", "method=magic"], "method"),
    # --- leptogenesis
    (R + ["leptogenesis", "--set", "M1=10"], "M1"),
    (R + ["leptogenesis", "--set", "epsilon=2"], "epsilon"),
    (R + ["leptogenesis", "--set", "K=0"], "K"),
    (R + ["leptogenesis", "--set", "initial=hot"], "initial"),
    (R + ["leptogenesis", "--set", "g_star=1"], "g_star"),
    # --- cogenesis
    (R + ["cogenesis", "--set", "y1=abc"], "y1"),
    (R + ["cogenesis", "--set", "y1=5"], "y1"),
    (R + ["cogenesis", "--set", "lambda2=nan"], "lambda2"),
    (R + ["cogenesis", "--set", "M1=10"], "M1"),
    (R + ["cogenesis", "--set", "xi_i=2"], "xi_i"),
    (R + ["cogenesis", "--set", "m_phi_ratio=1"], "m_phi_ratio"),
    (R + ["cogenesis", "--set", "dark_sector=maximal"], "dark_sector"),
    (R + ["cogenesis", "--set", "flavour_regime=x"], "flavour_regime"),
    (R + ["cogenesis", "--set", "M2=1e11"], "M2"),  # M2 = M1 (issue 10: Y_B flipped sign, no note)
    (R + ["cogenesis", "--set", "M2=5e10"], "M2"),
    (R + ["cogenesis", "--set", "T_RH=2e11"], "T_RH"),  # T_RH > M1
    (R + ["cogenesis", "--set", "T_RH=1e3"], "T_RH"),  # sphalerons inactive
    # --- output paths (checked before any work)
    (R + ["wimp", "--plot", "no_such_dir/y.png"], "no_such_dir"),
    (R + ["wimp", "--plot", "y.xyz"], "xyz"),
    (["scan", "wimp", "--grid", "mass=10:100:4", "--out", "."], "--out"),
    (["scan", "wimp", "--grid", "mass=10:100:4", "--out", "no_such_dir/x.nc"], "no_such_dir"),
    (["scan", "wimp", "--grid", "mass=10:100:4", "--out", "x.nc", "--max-memory", "lots"], "--max-memory"),
    (["demo", "--out", "no_such_dir/sub/demo"], "no_such_dir"),
    # --- freeze-in
    (R + ["freeze-in-decay", "--set", "width=0"], "width"),
    (R + ["freeze-in-decay", "--set", "width=2000"], "width"),
    (R + ["freeze-in-decay", "--set", "m_dm=1000"], "m_dm"),
    (R + ["freeze-in-decay", "--set", "statistics=XY"], "statistics"),
    (R + ["freeze-in-uv", "--set", "T_RH=0.5"], "T_RH"),
    (R + ["freeze-in-uv", "--set", "T_RH=1e18"], "T_RH"),
    (R + ["freeze-in-uv", "--set", "dim=7"], "dim"),
    # --- other subcommands
    (["models", "--set", "x=1"], None),  # argparse usage error (exit 2, usage line)
    (["fit", "wimp", "--free", "nope=1", "--target", "omega_h2=0.12"], "nope"),
    (["fit", "wimp", "--free", "mass=100", "--target", "omega_h2=abc"], "omega_h2"),
    (["fit", "wimp", "--free", "sigma_v=3e-26", "--target", "nothing=1"], "nothing"),
    (["fit", "wimp", "--free", "sigma_v=3e-26", "--set", "sigma_v=2e-26", "--target", "omega_h2=0.12"], "sigma_v"),
    (["fit", "wimp", "--free", "sigma_v=3e-26", "--target", "omega_h2=0"], "omega_h2"),
    (["scan", "wimp", "--grid", "mass=10:1000", "--out", "x.nc"], "mass"),
    (["scan", "wimp", "--grid", "mass=10:1000:0", "--out", "x.nc"], "mass"),
    (["scan", "wimp", "--grid", "mass=-1:1000:4:log", "--out", "x.nc"], "mass"),
    (["scan", "wimp", "--grid", "nope=1:2:3", "--out", "x.nc"], "nope"),
    (["scan", "wimp", "--grid", "mass=10:100:4"], "--out"),
    (["scan", "wimp", "--grid", "mass=10:100:4", "--out", "x.nc", "--resume", "--overwrite"], "--resume"),
    (["sensitivity", "nomodel"], "nomodel"),
    (["sensitivity", "wimp", "--set", "mass=-1"], "mass"),
    (["plot", "does_not_exist.nc", "--out", "x.png"], "does_not_exist.nc"),
    (["cite", "nomodel"], "nomodel"),
]


@pytest.mark.parametrize("argv, needle", ROWS, ids=[" ".join(a) for a, _ in ROWS])
def test_bad_input_exits_2_with_one_line(argv, needle, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    try:
        rc = main(argv)
    except SystemExit as e:  # argparse errors
        rc = e.code
    out, err = capsys.readouterr()
    assert rc == 2, (out, err)
    assert "Traceback" not in err
    lines = [ln for ln in err.strip().splitlines() if ln.strip()]
    if needle is None:
        assert lines[-1].startswith("jaxrelic: error:")
        return
    assert len(lines) == 1, err
    assert lines[0].startswith("jaxrelic: error:")
    assert needle in lines[0]
    assert not list(tmp_path.iterdir())  # nothing written


def test_models_json_numeric_ranges(capsys):
    """``models --json``: numeric min/max, null when unbounded, domain conditions in words."""
    assert main(["models", "--json"]) == 0
    d = json.loads(capsys.readouterr().out, parse_constant=lambda c: pytest.fail(f"non-strict JSON {c}"))
    mass = d["wimp"]["parameters"]["mass"]
    assert (mass["min"], mass["max"]) == (0.01, 1e5)
    r = d["twin-higgs"]["parameters"]["r"]
    assert r["min"] == 0.0 and r["max"] is None
    assert any("r < 1 + delta" in c for c in d["twin-higgs"]["conditions"])
    assert d["twin-higgs"]["parameters"]["method"]["choices"][0] == "eq38"
    assert any("T_RH < Lambda" in c for c in d["freeze-in-uv"]["conditions"])
