"""Validity domain of cogenesis and leptogenesis (issue 10): edges, EFT validity, project names.

Each domain edge: just inside computes with status success, just outside is rejected (CLI exit 2,
message naming the parameter and its range) or computed and flagged (``eft_valid`` false plus an
``eft_invalid:`` note).  The on-shell-N criterion is checked against independent SciPy quadratures
(docs/physics/cogenesis_eft_validity.md).
"""

from __future__ import annotations

import json
import math

import equinox as eqx
import numpy as np
import pytest
from scipy import integrate, special

import jaxrelic  # noqa: F401  (x64)
from jaxrelic.models.cogenesis import (
    EFT_ONSHELL_THRESHOLD,
    Cogenesis,
    eft_validity,
    n_widths,
    onshell_integral,
    thermal_rates,
)
from jaxrelic.numerics import status as st
from jaxrelic.workflows import cli

# CLI default point P-B (arXiv:2505.22710 talk benchmark, λ₂ rounded): M1 = 1e11, M2 = 3e11 GeV
Y = [0.015, 0.025j]
LAM = [0.03, -0.2121 + 0.2121j]
M1 = 1e11
#: M1/T_RH at which R_eff = 1 % for the default couplings and M2 = 3 M1 (doc §4, measured).
Z_THRESHOLD = 21.40129


def _model(T_RH, M2=3e11, y=Y, lam=LAM, M1=M1):
    return Cogenesis(y, lam, M1, M2, T_RH)


def _cli(capsys, *sets, model="cogenesis"):
    rc = cli.main(["relic", model, *[a for s in sets for a in ("--set", s)], "--json"])
    cap = capsys.readouterr()
    return rc, (json.loads(cap.out) if rc == 0 else None), cap.err


# ---------------------------------------------------------------------------------------- criterion


def test_onshell_integral_matches_scipy():
    """J(z) = ∫_z^∞ t³K₁(t) dt (doc §3) by 48-node Gauss–Laguerre vs scipy.quad, 1 ≤ z ≤ 200."""
    for z in (1.0, 5.0, 21.4, 60.0, 200.0):
        ref = integrate.quad(lambda t: t**3 * special.k1(t), z, np.inf, epsabs=0.0, epsrel=1e-13)[0]
        assert float(onshell_integral(z)) == pytest.approx(ref, rel=1e-11)


def test_narrow_width_rate_equals_breit_wigner_quadrature():
    """Doc §2: the resonant part of the full s-channel rate (Breit–Wigner propagator, E4.1 reduced
    to one s integral) equals the narrow-width γ(a→b̄) = T M⁴ K₁(M/T)|yλ|²/(512π⁴Γ) used by eft_validity.

    The resonant part is isolated as 2[γ(Γ) − γ(2Γ)] (on-shell ∝ 1/Γ, off-shell part Γ independent).
    """
    M, y, lam = 1.0, 0.5, 0.7
    for z, width in ((8.0, 1e-4), (15.0, 1e-4)):
        T = M / z

        def gamma(g):
            def f(s):
                w = abs(y * lam * M / (M**2 - s - 1j * M * g)) ** 2 * s / (8 * math.pi)
                return math.sqrt(s) * special.k1(math.sqrt(s) / T) * w * T / (64 * math.pi**4)

            lo = integrate.quad(f, 0.0, M**2, points=[M**2 * (1 - 50 * g)], limit=500, epsabs=0, epsrel=1e-11)[0]
            hi = integrate.quad(f, M**2, (M + 60 * T) ** 2, points=[M**2 * (1 + 50 * g)], limit=500, epsabs=0,
                                epsrel=1e-11)[0]
            return lo + hi

        onshell = 2.0 * (gamma(width) - gamma(2.0 * width))
        narrow = T * M**4 * special.k1(z) * (y * lam) ** 2 / (512 * math.pi**4 * width)
        assert onshell == pytest.approx(narrow, rel=1e-5)


def test_onshell_fraction_equals_direct_temperature_integral():
    """R_on = ∫γ_on T⁻⁶dT / ∫(2γ₅+2γ₆)T⁻⁶dT (doc §3) by scipy.quad over T with the code's widths, rates."""
    m = _model(M1 / 18.0)
    g_sm, g_dark, g_tot = (np.asarray(a) for a in n_widths(m))
    masses = np.array([M1, 3e11])

    def on(T):
        return np.sum(masses**2 * T * special.k1(masses / T) * g_sm * g_dark / g_tot) / math.pi**2 / T**6

    def eft(T):
        r = thermal_rates(m, T, 0.0)
        return (2 * float(r.gamma5) + 2 * float(r.gamma6)) / T**6

    t_rh = M1 / 18.0
    num = integrate.quad(on, 0.0, t_rh, epsabs=0, epsrel=1e-11, limit=200)[0]
    den = integrate.quad(eft, 0.0, t_rh, epsabs=0, epsrel=1e-11)[0]
    assert float(eft_validity(m).onshell_fraction) == pytest.approx(num / den, rel=1e-8)


def test_single_neutrino_closed_form():
    """One N (y₂ = λ₂ = 0): R_on = (π²/2) z J(z)/[S (1 + 8/z²)], S = |y₁|² + |λ₁|²/2 (doc §3, V5)."""
    y1, l1 = 0.015, 0.03
    s = y1**2 + l1**2 / 2
    for z in (5.0, 25.0):
        m = Cogenesis([y1, 0.0], [l1, 0.0], M1, 3e11, M1 / z)
        j = integrate.quad(lambda t: t**3 * special.k1(t), z, np.inf, epsabs=0, epsrel=1e-13)[0]
        assert float(eft_validity(m).onshell_fraction) == pytest.approx(
            math.pi**2 / 2 * z * j / (s * (1 + 8 / z**2)), rel=1e-10)


def test_eft_valid_flips_at_documented_threshold():
    """Default couplings: R_eff = 1 % at M1/T_RH = 21.401 (doc §4 table); 1 % either side flips eft_valid."""
    at = eft_validity(_model(M1 / Z_THRESHOLD))
    assert float(at.onshell_fraction_eff) == pytest.approx(EFT_ONSHELL_THRESHOLD, rel=1e-4)
    assert bool(eft_validity(_model(M1 / (Z_THRESHOLD * 1.01))).eft_valid)
    assert not bool(eft_validity(_model(M1 / (Z_THRESHOLD * 0.99))).eft_valid)
    # the figure: at T_RH = M1/5 the on-shell yield is ~1e3 times the EFT one (doc §4)
    assert float(eft_validity(_model(M1 / 5)).onshell_fraction) == pytest.approx(1156.84, rel=1e-4)


def test_degeneracy_factor():
    """Doc §5: f_deg = max(1, min(M1M2/(M2²−M1²), M2/(2Γ₂))); Γ₂ = (|y₂|² + |λ₂|²/2) M₂/(8π)."""
    t = M1 / 30
    assert float(eft_validity(_model(t, M2=3 * M1)).degeneracy_factor) == 1.0
    assert float(eft_validity(_model(t, M2=1.1 * M1)).degeneracy_factor) == pytest.approx(1.1 / 0.21, rel=1e-12)
    s2 = 0.025**2 + abs(LAM[1]) ** 2 / 2
    cap = 4 * math.pi / s2  # M2/(2Γ₂)
    assert float(eft_validity(_model(t, M2=M1 * (1 + 1e-6))).degeneracy_factor) == pytest.approx(cap, rel=1e-12)


# ---------------------------------------------------------------------------------------- CLI edges


@pytest.mark.parametrize(
    "sets, message",
    [
        (("M2=1e11",), "parameter M2=1e+11 outside the allowed range (M1, 1e18] GeV with M1=1e+11"),
        (("M2=9.9e10",), "parameter M2=9.9e+10 outside the allowed range (M1, 1e18] GeV"),
        (("T_RH=1e11",), "parameter T_RH=1e+11 outside the allowed range (0, M1) GeV with M1=1e+11"),
        (("T_RH=9999",), "parameter T_RH='9999' outside the allowed range [10000, 1e+18]"),
        (("M1=9999", "T_RH=1e4"), "parameter M1='9999' outside the allowed range [10000, 1e+18]"),
        (("m_phi_ratio=1.0005",), "parameter m_phi_ratio='1.0005' outside the allowed range [1.001, 1000]"),
        (("x_max=9",), "parameter x_max='9' outside the allowed range [10, 1e+08]"),
    ],
)
def test_cli_rejects_just_outside(capsys, sets, message):
    rc, _, err = _cli(capsys, *sets)
    assert rc == 2
    assert err.startswith("jaxrelic: error: ") and message in err and err.count("\n") == 1


def test_cli_edges_just_inside_and_eft_flag(capsys):
    """Just inside each edge: status success; outside the EFT domain: eft_valid false plus one note."""
    # M2 just above M1 and T_RH just below M1: computed, success, flagged (on-shell N dominates)
    rc, out, _ = _cli(capsys, "M2=1.000001e11", "T_RH=9.9e10", "flavour_regime=tau:tau")
    assert rc == 0 and out["status"] == "success" and out["eft_valid"] is False
    assert len(out["notes"]) == 1 and out["notes"][0].startswith("eft_invalid: T_RH/M1 = 0.99;")
    assert "near-degeneracy factor" in out["notes"][0]
    # lowest T_RH and M1 well above it: EFT valid; the ADM mass 1.3 TeV gives m_phi > T_RH/10 (flagged),
    # an explicit light m_chi does not
    rc, out, _ = _cli(capsys, "M1=1e6", "M2=3e6", "T_RH=1e4")
    assert rc == 0 and out["status"] == "success" and out["eft_valid"] is True
    assert [n.split(":")[0] for n in out["notes"]] == ["massive_dark"] and out["m_chi"] * 1.5 > 1e3
    rc, out, _ = _cli(capsys, "M1=1e6", "M2=3e6", "T_RH=1e4", "m_chi=1")
    assert rc == 0 and out["status"] == "success" and out["eft_valid"] is True and out["notes"] == []
    # the 1 % threshold, both sides (doc §4)
    for factor, valid in ((1.01, True), (0.99, False)):
        t_rh = M1 / (Z_THRESHOLD * factor)
        rc, out, _ = _cli(capsys, f"T_RH={t_rh!r}")
        assert rc == 0 and out["status"] == "success" and out["eft_valid"] is valid
        assert out["onshell_fraction"] == pytest.approx(float(eft_validity(_model(t_rh)).onshell_fraction), rel=1e-12)
        assert (out["onshell_fraction"] < EFT_ONSHELL_THRESHOLD) is valid
        # regime "all" assumes the electron Yukawa in equilibrium (T <~ 1e5 GeV), not at T_RH ~ 5e9 GeV
        assert [n.split(":")[0] for n in out["notes"]] == (["flavour_regime"] if valid else
                                                          ["eft_invalid", "flavour_regime"])
    # project names (issue 10): one name per quantity
    for name in ("Y_B", "Y_B_over_observed", "Y_B_minus_L", "eft_valid", "onshell_fraction", "notes"):
        assert name in out
    assert "Y_BL" not in out and "eta_B_over_observed" not in out
    assert out["Y_B"] == pytest.approx(28 / 79 * out["Y_B_minus_L"], rel=1e-14)
    assert out["Y_B_over_observed"] == pytest.approx(out["Y_B"] / jaxrelic.constants.Y_B_OBS, rel=1e-14)


def test_traced_out_of_domain_point_gets_status_out_of_range():
    """A model that bypasses the constructor (as a traced sweep point can) is solved and flagged OUT_OF_RANGE."""
    from jaxrelic.models.cogenesis.solver import cogenesis

    good = _model(M1 / 25)
    bad = eqx.tree_at(lambda m: m.T_RH, good, np.float64(2e11))
    assert int(cogenesis(good, x_max=1e4, freeze_out=False).status) == st.SUCCESS
    assert int(cogenesis(bad, x_max=1e4, freeze_out=False).status) == st.OUT_OF_RANGE


def test_point_function_outputs_names_and_flag():
    """Sweep/fit outputs use the project names; eft_valid is an integer (0/1) output, status an integer."""
    from jaxrelic.interface import get_model

    ev = get_model("cogenesis")
    assert "Y_B_minus_L" in ev.outputs and "Y_B_over_observed" in ev.outputs and "Y_BL" not in ev.outputs
    assert ev.integer_outputs == ("eft_valid", "status")
    assert ev.bounds["T_RH"][:2] == (1e4, 1e18) and ev.bounds["M1"][:2] == (1e4, 1e18)
    lep = get_model("leptogenesis")
    assert "Y_B_over_observed" in lep.outputs and "Y_B_minus_L" in lep.outputs


# ---------------------------------------------------------------------------------------- leptogenesis


def test_leptogenesis_notes_and_names():
    """Leptogenesis: Y_B_over_observed replaces eta_B_over_observed; the N1-only model's corners are noted.

    Davidson–Ibarra: |ε₁| ≤ 3 M₁ m_atm/(16π v²) = 9.84e-7 at M₁ = 1e10 GeV (m_atm = 0.05 eV,
    v = 174.1 GeV).
    """
    from jaxrelic.models.leptogenesis import davidson_ibarra_bound, validity_notes

    assert davidson_ibarra_bound(1e10) == pytest.approx(3 * 1e10 * 0.05e-9 / (16 * math.pi * 174.10**2), rel=1e-4)
    assert validity_notes(1e13, 1e-4) == []  # just inside both: unflavoured, ε below the bound 9.84e-4
    edge = davidson_ibarra_bound(1e13)
    assert validity_notes(1e13, edge * 0.999) == []
    assert [n.split(":")[0] for n in validity_notes(1e13, edge * 1.001)] == ["epsilon_above_di_bound"]
    assert [n.split(":")[0] for n in validity_notes(0.999e12, 1e-6)] == ["flavour_effects"]


def test_resolved_point_round_trips_with_both_coupling_forms():
    """A resolved cogenesis point (y1 and y1_abs/_arg both present, as a sweep passes its fixed values)
    resolves again; contradicting forms are rejected with a message naming both."""
    from jaxrelic.interface import resolve_point
    from jaxrelic.interface import ParameterError

    full = resolve_point("cogenesis", {"T_RH": "1e9"})
    again = resolve_point("cogenesis", full)
    assert again["y2_arg"] == pytest.approx(math.pi / 2, rel=1e-15) and again["T_RH"] == 1e9
    with pytest.raises(ParameterError, match=r"parameter y1_abs=0.5 given together with y1=\(0.015\+0j\)"):
        resolve_point("cogenesis", {**full, "y1_abs": 0.5})
