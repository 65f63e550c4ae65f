"""``jaxrelic relic cogenesis`` (jaxrelic/models/cogenesis/adapter.py) through the CLI entry point."""

from __future__ import annotations

import json

import pytest

import jaxrelic  # noqa: F401  (x64)
from jaxrelic.workflows import cli

PB = ["y1=0.015", "y2=0.025j", "lambda1=0.03", "lambda2=-0.2121+0.2121j", "M1=1e11", "M2=3e11", "T_RH=2e10",
      "xi_i=0", "mixed=true"]


@pytest.fixture()
def registered(monkeypatch):
    """The built-in cogenesis adapter (kept as a fixture: the tests below request it)."""
    from jaxrelic.interface import get_model

    return get_model("cogenesis")


def _args(sets):
    return [a for s in sets for a in ("--set", s)]


def test_cli_json_and_plot(registered, capsys, tmp_path):
    """Reference point P-B (λ₂ rounded to 4 digits): Y_B, Y_χ, ξ_∞, m_χ^ADM and Ω_χ h² for m_χ = m_χ^ADM."""
    png = tmp_path / "cogenesis.png"
    rc = cli.main(["relic", "cogenesis", *_args(PB), "--json", "--plot", str(png)])
    out = json.loads(capsys.readouterr().out)
    assert rc == 0 and out["status"] == "success"
    assert out["Y_B"] == pytest.approx(5.8386e-11, rel=1e-4)  # 5.8422e-11 for λ₂ = 0.3 e^{3πi/4} exactly
    assert out["Y_chi"] == pytest.approx(4.0025e-9, rel=1e-4)
    assert out["xi_final"] == pytest.approx(0.32179, rel=1e-4)
    assert out["m_chi_adm"] == pytest.approx(0.1200 / 0.02237 * 0.93827208816 * out["Y_B"] / out["Y_chi"], rel=1e-10)
    assert out["m_chi"] == out["m_chi_adm"]
    # asymmetric relic (σv = κ⁴m²/32π(m²+m_φ²)² is huge at m ~ 0.07 GeV): Ω_χ/Ω_b(model) = Ω_c/Ω_b
    assert out["Y_chibar"] == 0.0
    assert out["omega_h2"] == pytest.approx(0.1200 * out["Y_B_over_observed"], rel=1e-3)
    assert out["m_nu_eV"] == pytest.approx(5.05e-3, rel=2e-3)
    assert out["parameters"]["y2"] == {"real": 0.0, "imag": 0.025}
    assert png.stat().st_size > 10_000


@pytest.mark.parametrize(
    "bad, message",
    [
        ("y1=4", "parameter y1='4' outside the allowed range |value| <= 3.5449"),
        ("lambda2=1+1x", "parameter lambda2='1+1x' is not a complex number"),
        ("M2=1e10", "parameter M2=1e+10 outside the allowed range (M1, 1e18] GeV"),
        ("T_RH=2e11", "parameter T_RH=2e+11 outside the allowed range (0, M1) GeV"),
        ("xi_i=1.5", "parameter xi_i='1.5' outside the allowed range [0, 1]"),
        ("dark_sector=big", "parameter dark_sector='big' invalid; allowed: one of minimal, dirac"),
    ],
)
def test_cli_bad_input_names_parameter_and_range(registered, capsys, bad, message):
    rc = cli.main(["relic", "cogenesis", *_args(PB[:-1]), "--set", bad])
    assert rc == 2
    assert message in capsys.readouterr().err


def test_point_function_matches_solver_and_adm_relation():
    """The workflow point function (fit/sweep/sensitivity) equals the solver, on both m_chi paths.

    Explicit m_chi: Ω_χ h² and Y_χ̄ equal ``solve_cogenesis(freeze_out=True)`` with that mass.
    m_chi = 0 (ADM): the implied mass reproduces Ω_c/Ω_b of the observed universe scaled by
    Y_B/Y_B^obs, Ω_χ h² = 0.1200 Y_B/Y_B^obs (asymmetric relic, no χ̄ left at P-B).
    """
    import jax

    from jaxrelic import constants as c
    from jaxrelic.models.cogenesis import Cogenesis
    from jaxrelic.models.cogenesis.solver import solve_cogenesis
    from jaxrelic.interface import point_function

    fn, fixed = point_function("cogenesis", {"xi_i": 0.36, "kappa": 0.03}, free=("m_chi",))
    f = jax.jit(fn)
    explicit, adm = f({"m_chi": 1.0}), f({"m_chi": 0.0})
    assert int(explicit["status"]) == 0 and int(adm["status"]) == 0
    y = [fixed["y1"], fixed["y2"]]
    lam = [fixed["lambda1"], fixed["lambda2"]]
    ref = jax.jit(lambda m: solve_cogenesis(m))(
        Cogenesis(y, lam, fixed["M1"], fixed["M2"], fixed["T_RH"], 0.36, m_chi=1.0, m_phi=1.5, kappa=0.03))
    assert float(explicit["Y_chibar"]) > 0.0  # weak sink: a symmetric remnant exists
    for name in ("Y_B", "Y_chi", "Y_chibar", "omega_h2", "xi_final"):
        assert float(explicit[name]) == pytest.approx(float(getattr(ref, name)), rel=1e-9), name
    assert float(adm["m_chi"]) == pytest.approx(float(adm["m_chi_adm"]), rel=1e-14)
    assert float(adm["omega_h2"]) == pytest.approx(0.1200 * float(adm["Y_B"]) / c.Y_B_OBS, rel=1e-3)
