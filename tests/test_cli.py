"""CLI: `jaxrelic relic`, `jaxrelic models`, `jaxrelic demo` and user-error handling."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from jaxrelic.workflows.cli import main


def _run(capsys, *argv):
    rc = main(list(argv))
    out, err = capsys.readouterr()
    return rc, out, err


def test_relic_wimp_json_and_plot(capsys, tmp_path):
    png = tmp_path / "y.png"
    rc, out, err = _run(
        capsys, "relic", "wimp", "--set", "mass=100", "--set", "sigma_v=2.2e-26", "--json", "--plot", str(png)
    )
    assert rc == 0, err
    d = json.loads(out)
    for key in ("omega_h2", "x_f", "status"):
        assert key in d
    assert d["status"] == "success"
    # Majorana s-wave WIMP at 100 GeV with 2.2e-26 cm^3/s: Ω h² ≈ 0.11 (Steigman et al. 2012 normalisation,
    # Saikawa–Shirai g_* gives 0.1148; see docs/physics/number_density_network.md)
    assert 0.105 < d["omega_h2"] < 0.125
    assert 20.0 < d["x_f"] < 27.0
    assert png.stat().st_size > 10_000


def test_dirac_flag_changes_result(capsys):
    rc, out, _ = _run(capsys, "relic", "wimp", "--set", "mass=100", "--set", "self_conjugate=false", "--json")
    assert rc == 0
    om_dirac = json.loads(out)["omega_h2"]
    rc, out, _ = _run(capsys, "relic", "wimp", "--set", "mass=100", "--json")
    om_maj = json.loads(out)["omega_h2"]
    # same ⟨σv⟩ for χχ̄: Y counts χ and χ̄ and annihilates at ⟨σv⟩/2 -> about twice the abundance
    assert 1.9 < om_dirac / om_maj < 2.2


@pytest.mark.parametrize(
    "args, needle",
    [
        (["--set", "mass=-3"], "mass"),
        (["--set", "mass=nan"], "mass"),
        (["--set", "sigma_v=1"], "sigma_v"),
        (["--set", "foo=1"], "foo"),
        (["--set", "self_conjugate=maybe"], "self_conjugate"),
        (["--set", "mass"], "NAME=VALUE"),
    ],
)
def test_user_errors_exit_2_with_one_line(capsys, args, needle):
    rc, out, err = _run(capsys, "relic", "wimp", *args)
    assert rc == 2
    lines = [ln for ln in err.strip().splitlines() if ln]
    assert len(lines) == 1 and needle in lines[0]
    if needle in ("mass", "sigma_v"):
        assert "allowed range" in lines[0] and "[" in lines[0]


def test_unknown_model_exit_2(capsys):
    rc, _, err = _run(capsys, "relic", "nosuchmodel")
    assert rc == 2 and "nosuchmodel" in err


def test_no_traceback_in_subprocess():
    p = subprocess.run(
        [sys.executable, "-m", "jaxrelic.workflows.cli", "relic", "wimp", "--set", "mass=1e9"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert p.returncode == 2
    assert "Traceback" not in p.stderr
    assert p.stderr.strip().count("\n") == 0 and "mass" in p.stderr


def test_models_lists_parameters_units_defaults_ranges(capsys):
    rc, out, _ = _run(capsys, "models", "--json")
    assert rc == 0
    d = json.loads(out)
    w = d["wimp"]["parameters"]
    assert w["mass"]["unit"] == "GeV" and w["mass"]["default"] == 100.0
    assert "[" in w["sigma_v"]["allowed"] and w["sigma_v"]["unit"] == "cm^3/s"
    rc, out, _ = _run(capsys, "models")
    assert rc == 0 and "sigma_v" in out


def test_demo_quick_writes_outputs(tmp_path, capsys):
    """`jaxrelic demo --quick`: every benchmark stage, its files, numbers and progress lines."""
    rc, out, err = _run(capsys, "demo", "--out", str(tmp_path), "--quick")
    assert rc == 0
    summary = json.loads((tmp_path / "summary.json").read_text())
    om = summary["thermal_relic_curve"]["omega_h2"]
    assert all(abs(o / 0.12 - 1) < 1e-3 for o in om)  # the fixed-point search converged
    assert all(s == "success" for s in summary["thermal_relic_curve"]["status"])
    sv = summary["thermal_relic_curve"]["sigma_v_cm3_s"]
    assert 1.9e-26 < min(sv) and max(sv) < 5.0e-26  # thermal-relic band for Ω h² = 0.12
    # Majorana s-wave, 100 GeV: Ω ∝ 1/σv up to the logarithmic x_f dependence
    sens = summary["sensitivity"]
    assert -1.0 < sens["dlnOmega_dlnsigmav"] < -0.9 and abs(sens["dlnOmega_dlnm"]) < 0.05
    fit = summary["fit"]
    assert fit["converged"] and abs(fit["omega_h2"] / 0.12 - 1) < 1e-3
    i = min(range(len(sv)), key=lambda k: abs(summary["thermal_relic_curve"]["mass_GeV"][k] - 100.0))
    assert abs(fit["sigma_v_cm3_s"] / sv[i] - 1) < 1e-3  # fit and fixed-point curve agree at 100 GeV
    # twin-neutrino points: one per phase at the reduced grid (n_q = 100, n_a = 200).  The C_A/S-mixed
    # benchmark (Δ = 0.1, r = 0.9, θ₁ = 4.1e-2) is labelled "coscattering" there: see docs/workflows/gradients.md
    twin = summary["twin_neutrino"]["points"]
    assert [p["phase"] for p in twin] == ["coscattering", "S/C_S mixed", "coannihilation", "coscattering",
                                          "decay-open"]
    assert all(p["status"] == "success" for p in twin)
    # Ω h² of docs/physics/twin_model.md §6.3 (e)/(g): 0.120, 0.244, ≈0.12, 0.120, 0.133 (reduced grid: few %)
    for p, ref in zip(twin, (0.120, 0.244, 0.12, 0.120, 0.133)):
        assert abs(p["omega_h2"] / ref - 1) < 0.05, p
    cg = summary["cogenesis_benchmark"]  # P-A: docs/physics/cogenesis_solver.md §3.1
    assert cg["status"] == "success"
    assert abs(cg["Y_B"] / 4.0759e-15 - 1) < 1e-3 and abs(cg["Y_chi"] / 1.02451e-15 - 1) < 1e-3
    assert abs(cg["xi_final"] - 0.361855) < 1e-5
    lp = summary["leptogenesis"]
    assert lp["status"] == "success" and 0.02 < lp["kappa_f"] < 0.04  # K = 10: κ_f ≈ 0.03 (strong wash-out)
    for png in ("wimp_yield.png", "thermal_relic_curve.png", "twin_phases.png", "cogenesis_benchmark.png"):
        assert (tmp_path / png).stat().st_size > 10_000, png
    md = (tmp_path / "summary.md").read_text()
    assert "S/C_S mixed" in md and "decay-open" in md and "cogenesis" in md
    for k in range(1, 8):  # progress is shown, one line per stage
        assert f"[{k}/7]" in err
