"""WIMP options: Griest–Seckel weights, degenerate and very heavy partners, pure p-wave
(CLI and fit), the Dirac ⟨σv⟩ convention, and resonance hints for user cross sections.

References
----------
* K. Griest & D. Seckel, PRD 43 (1991) 3191, eq. 6 (g_eff, r_i), eq. 7 (σ_eff).
* G. Steigman, B. Dasgupta, J. F. Beacom, PRD 86 (2012) 023506, §IV (Dirac relics).
* P. Gondolo & G. Gelmini, Nucl. Phys. B360 (1991) 145, eq. 3.8 (thermal average).

Compile budget: every relic solve goes through ``jaxrelic.relic_density`` (one
``eqx.filter_jit`` per model structure, shared across tests) or the batch-4 vmapped
solvers below; the fit of ``b`` compiles one problem.
"""

from __future__ import annotations

import json
import math

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy import integrate, special

from jaxrelic import WIMP, relic_density, solve_network
from jaxrelic.models.wimp import PARAMETERS as WIMP_PARAMETERS
from jaxrelic.numerics import status as st
from jaxrelic.engines import GriestSeckel, kolb_turner
from jaxrelic.engines.network import AbstractNetworkModel
from jaxrelic.stats.equilibrium import n_eq
from jaxrelic.workflows.cli import main
from jaxrelic.workflows.fit import fit
from jaxrelic.workflows.roots import solve_for
from jaxrelic.interface import ParameterError

A, C = 2.3e-26, 1e-26  # σ_00 = σ_11 and σ_01 [cm³/s]


def _three_species():
    return WIMP(
        mass=100.0, sigma_v=A, partner_delta=[0.05, 1.0], partner_g=[4.0, 2.0],
        coannihilation=[[0.0, C, C], [C, 4e-26, C], [C, C, 1e-26]], conversion_sigma_v=1e-20,
    )


def _pair(delta, conv=1e-20, coann=((0.0, C), (C, A)), width=0.0):
    return WIMP(mass=100.0, sigma_v=A, partner_delta=[delta], partner_g=[2.0], coannihilation=np.asarray(coann),
                conversion_sigma_v=conv, partner_width=[width])


def _omega(model, background):
    r = relic_density(model, background)
    assert int(r.status) == st.SUCCESS, st.status_name(int(r.status))
    return float(r.omega_h2)


# --------------------------------------------------------------------------- Griest–Seckel weights


class _NoDofs(AbstractNetworkModel):
    """A network model without a ``dofs`` attribute (GriestSeckel infers g_i)."""

    inner: WIMP

    @property
    def masses(self):
        return self.inner.masses

    def log_n_eq(self, T):
        return self.inner.log_n_eq(T)

    def rates(self, T):
        return self.inner.rates(T)


def test_gs_weights_agree_at_large_x():
    """r_i(relativistic)/r_i(GS eq. 6) → 1 with the K₂ asymptotics: the ratio of the weights
    w_i/w_0 differs by −(15/8) Δ_i/((1+Δ_i) x) + O(Δ/x²)."""
    w = _three_species()
    rel, nr = GriestSeckel(w), GriestSeckel(w, weights="nonrelativistic")
    delta = np.array([0.05, 1.0])
    for x in (30.0, 100.0, 300.0):
        T = 100.0 / x
        r_rel, r_nr = np.asarray(rel.r(T)), np.asarray(nr.r(T))
        assert r_rel.sum() == pytest.approx(1.0, rel=1e-14) and r_nr.sum() == pytest.approx(1.0, rel=1e-14)
        rho = (r_rel[1:] / r_rel[0]) / (r_nr[1:] / r_nr[0])
        first_order = -15.0 / 8.0 * delta / ((1.0 + delta) * x)
        np.testing.assert_allclose(rho - 1.0, first_order, rtol=0.1)
        assert np.all(np.abs(rho - 1.0) < 2.0 / x)
        # g_eff: total equilibrium density in units of the one-dof χ₀ density
        n1 = float(n_eq(100.0, T, 1.0))
        assert float(rel.g_eff(T)) * n1 == pytest.approx(float(jnp.sum(jnp.exp(w.log_n_eq(T)))), rel=1e-12)
        for gs in (rel, nr):
            assert float(jnp.exp(gs.log_n_eq(T))[0]) == pytest.approx(float(gs.g_eff(T)) * n1, rel=1e-12)
    # deep in the non-relativistic regime both tend to g_0 (partners Boltzmann-suppressed)
    assert float(rel.g_eff(100.0 / 3000.0)) == pytest.approx(2.0, rel=1e-12)
    assert float(nr.g_eff(100.0 / 3000.0)) == pytest.approx(2.0, rel=1e-12)


def test_gs_weights_differ_at_small_x():
    """x → 0: K₂(z) → 2/z², so the relativistic r_i → g_i/Σg (equal abundance per dof),
    while GS eq. 6 keeps g_i (1+Δ_i)^{3/2} e^{−xΔ_i} (the heavy partner over-weighted ×2^{3/2})."""
    w = _three_species()
    g = np.array([2.0, 4.0, 2.0])
    delta = np.array([0.0, 0.05, 1.0])
    x = 0.01
    T = 100.0 / x
    rel, nr = GriestSeckel(w), GriestSeckel(w, weights="nonrelativistic")
    np.testing.assert_allclose(np.asarray(rel.r(T)), g / g.sum(), rtol=1e-3)
    assert float(rel.g_eff(T)) == pytest.approx(g.sum(), rel=1e-3)
    w_nr = g * (1.0 + delta) ** 1.5 * np.exp(-x * delta)
    np.testing.assert_allclose(np.asarray(nr.r(T)), w_nr / w_nr.sum(), rtol=1e-13)
    assert float(nr.g_eff(T)) == pytest.approx(w_nr.sum(), rel=1e-13)
    assert float(nr.r(T)[2]) / float(rel.r(T)[2]) > 1.8  # 0.471 vs 0.250
    # a model without ``dofs``: g_i inferred from its (Maxwell–Boltzmann) n_i^eq
    inferred = GriestSeckel(_NoDofs(w), weights="nonrelativistic")
    for TT in (T, 5.0, 0.2):
        np.testing.assert_allclose(np.asarray(inferred.r(TT)), np.asarray(nr.r(TT)), rtol=1e-12)
    with pytest.raises(ValueError, match="weights.*relativistic, nonrelativistic"):
        GriestSeckel(w, weights="exact")


# --------------------------------------------------------------------------- partners: Δ = 0 and Δ ≫ 1


def test_degenerate_identical_partner(background):
    """Δ = 0, identical partner (g₁ = g₀ = 2, σ_11 = σ_00 = a, σ_01 = c).

    By symmetry Y₀ = Y₁ = Y/2 at all times (with or without conversions), so
    dY/dt = −s·2(a + c)(Y/2)² + … : the single-species equation with σ = (a + c)/2 and
    g = 4 — equal to the GS reduction (r = ½, ½; g_eff = 4 for both weight choices) and to a
    Dirac relic with g = 2 and ⟨σv⟩_χχ̄ = a + c (Y counts χ and χ̄, rate ⟨σv⟩/2)."""
    single = _omega(WIMP(mass=100.0, sigma_v=(A + C) / 2.0, g=4.0), background)
    for conv in (1e-20, 0.0):
        assert _omega(_pair(0.0, conv), background) == pytest.approx(single, rel=1e-8)
    for weights in ("relativistic", "nonrelativistic"):
        gs = GriestSeckel(_pair(0.0), weights=weights)
        for T in (100.0, 5.0, 0.1):
            np.testing.assert_allclose(np.asarray(gs.r(T)), [0.5, 0.5], rtol=1e-14)
            assert float(gs.g_eff(T)) == pytest.approx(4.0, rel=1e-14)
        assert _omega(gs, background) == pytest.approx(single, rel=1e-8)
    # (a Dirac WIMP(a + c, g = 2) is the Majorana WIMP((a + c)/2, g = 4): test_dirac_over_majorana_sigma_v)
    # the degenerate partner matters: 2g dof and σ_eff = (a + c)/2 instead of a
    assert single / _omega(WIMP(mass=100.0, sigma_v=A), background) > 1.3


def test_small_splitting_network_and_both_gs_reductions(background):
    """Δ = 0.05, fast conversions: network = GS (relativistic weights) to 1e-4; GS eq. 6
    weights move Ω by O(Δ/x_f) only (measured 2.2e-4)."""
    model = _pair(0.05)
    net = _omega(model, background)
    rel = _omega(GriestSeckel(model), background)
    nr = _omega(GriestSeckel(model, weights="nonrelativistic"), background)
    assert net == pytest.approx(rel, rel=1e-4)
    assert 0.0 < abs(nr / rel - 1.0) < 1e-3


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(conv=1e-20, coann=((0.0, 0.0), (0.0, A))),  # fast conversions, partner self-annihilates
        dict(conv=0.0, coann=((0.0, C), (C, A)), width=1e-10),  # decays χ₁ → χ₀ + bath
        dict(conv=0.0, coann=((0.0, C), (C, A))),  # coannihilation only
    ],
)
def test_heavy_partner_gives_single_species(background, kwargs):
    """Δ = 50 (m₁ = 51 m): the partner is suppressed by e^{−50x} from the start → single species."""
    single = _omega(WIMP(mass=100.0, sigma_v=A), background)
    assert _omega(_pair(50.0, **kwargs), background) == pytest.approx(single, rel=1e-6)


def test_heavy_partner_fast_conversions_and_coannihilation(background):
    """Δ = 50 with fast conversions and coannihilation: the partner is in relative equilibrium with
    χ₀ but not with the bath after freeze-out (the engine's Newton predictor keeps d_i there)."""
    single = _omega(WIMP(mass=100.0, sigma_v=A), background)
    assert _omega(_pair(50.0, conv=1e-20), background) == pytest.approx(single, rel=1e-6)


def test_partner_delta_range():
    for delta in (0.0, 50.0, 1e4):
        WIMP(mass=100.0, partner_delta=[delta], partner_g=[2.0])
    for bad in (-0.1, float("nan"), float("inf")):
        with pytest.raises(ValueError, match=r"partner_delta=.*outside the allowed range \[0, inf\)"):
            WIMP(mass=100.0, partner_delta=[0.1, bad], partner_g=[2.0, 2.0])


# --------------------------------------------------------------------------- pure p-wave


def test_sigma_v_range_and_nothing_annihilates():
    assert (WIMP_PARAMETERS["sigma_v"].low, WIMP_PARAMETERS["sigma_v"].high) == (0.0, 1e-18)
    assert (WIMP_PARAMETERS["b"].low, WIMP_PARAMETERS["b"].high) == (0.0, 1e-18)
    WIMP(mass=100.0, sigma_v=0.0, b=1e-25)
    WIMP(mass=100.0, sigma_v=0.0, partner_delta=[0.1], partner_g=[2.0], coannihilation=[[0, 0], [0, 1e-24]])
    WIMP(mass=100.0, sigma_v=0.0, sigma=lambda s: 1e-9 * jnp.ones_like(s))
    for bad in (float("nan"), -1e-30, 2e-18):
        with pytest.raises(ValueError, match=r"sigma_v=.*outside the allowed range \[0, 1e-18\]"):
            WIMP(mass=100.0, sigma_v=bad)
    with pytest.raises(ValueError, match="sigma_v=0 and b=0: nothing annihilates"):
        WIMP(mass=100.0, sigma_v=0.0, b=0.0)
    with pytest.raises(ValueError, match="resonances/thresholds need a cross section sigma"):
        WIMP(mass=60.0, resonances=((125.0, 4.1e-3),))


def _cli(capsys, *argv):
    rc = main(list(argv))
    out, err = capsys.readouterr()
    return rc, out, err


def test_cli_pure_p_wave(capsys, background):
    """``jaxrelic relic wimp --set sigma_v=0 --set b=1e-25``: exit 0, Ω within 15 % of
    Kolb–Turner with ⟨σv⟩ = 6b/x (n = 1); sigma_v = b = 0 exits 2 with one line."""
    rc, out, err = _cli(capsys, "relic", "wimp", "--set", "mass=100", "--set", "sigma_v=0", "--set", "b=1e-25",
                        "--json")
    assert rc == 0, err
    d = json.loads(out)
    assert d["status"] == "success" and d["parameters"]["sigma_v"] == 0.0
    kt, _ = kolb_turner(100.0, 6e-25, n=1, background=background)
    assert d["omega_h2"] == pytest.approx(float(kt), rel=0.15)
    assert 0.15 < d["omega_h2"] < 0.22  # measured 0.1835
    rc, out, err = _cli(capsys, "relic", "wimp", "--set", "sigma_v=0", "--set", "b=0")
    lines = [ln for ln in err.strip().splitlines() if ln]
    assert rc == 2 and len(lines) == 1 and "nothing annihilates" in lines[0] and "b=0" in lines[0]


def test_fit_b_of_pure_p_wave(background):
    """fit: free b (log-like transform), sigma_v = 0 fixed (untransformed), Ω h² = 0.120."""
    res = fit("wimp", {"b": 1e-25}, {"omega_h2": None}, {"mass": 100.0, "sigma_v": 0.0})
    assert res.converged and res.status == st.SUCCESS and res.chi2 <= 1e-4
    b = res.values["b"]
    assert 1.5e-25 < b < 1.7e-25  # measured 1.590e-25 cm³/s
    check = relic_density(WIMP(mass=100.0, sigma_v=0.0, b=b), background)
    assert float(check.omega_h2) == pytest.approx(0.12, abs=2e-5)
    # both fixed at zero: rejected before anything is compiled
    with pytest.raises(ParameterError, match="nothing annihilates"):
        fit("wimp", {"mass": 100.0}, {"omega_h2": None}, {"sigma_v": 0.0, "b": 0.0})
    with pytest.raises(ParameterError, match="nothing annihilates"):
        solve_for("wimp", "mass", "omega_h2", 0.12, {"sigma_v": 0.0, "b": 0.0}, x0=100.0)
    # a free b must start inside its range (0 is its lower bound)
    with pytest.raises(ParameterError, match="boundary"):
        fit("wimp", {"b": 0.0}, {"omega_h2": None}, {"mass": 100.0, "sigma_v": 0.0})


@pytest.mark.slow
def test_solve_for_b_of_pure_p_wave():
    res = solve_for("wimp", "b", "omega_h2", 0.12, {"mass": 100.0, "sigma_v": 0.0}, x0=1e-25)
    assert res.converged and res.value == pytest.approx(1.5901e-25, rel=1e-3)
    assert res.achieved == pytest.approx(0.12, rel=1e-6)


# --------------------------------------------------------------------------- Dirac vs Majorana


def _batch_solver(self_conjugate):
    def one(m, sv, g, bg):
        r = solve_network(WIMP(mass=m, sigma_v=sv, g=g, self_conjugate=self_conjugate), bg)
        return r.omega_h2, r.status

    return eqx.filter_jit(jax.vmap(one, in_axes=(0, 0, 0, None)))


_majorana_v = _batch_solver(True)
_dirac_v = _batch_solver(False)
MASSES = np.array([1.0, 10.0, 100.0, 1000.0])


def _sigma_v_for(fn, bg, g, target=0.12, start=2.2e-26):
    """⟨σv⟩ with Ω h²(⟨σv⟩) = target at MASSES: Newton with slope −1, then secant in ln ⟨σv⟩."""
    m = jnp.asarray(MASSES)
    gg = jnp.full(MASSES.shape, g)
    lsv = np.log(np.broadcast_to(np.asarray(start, dtype=float), MASSES.shape))
    om = np.asarray(fn(m, jnp.asarray(np.exp(lsv)), gg, bg)[0])
    l_prev, o_prev = lsv, om
    lsv = lsv + np.log(om / target)
    for _ in range(4):
        om, status = (np.asarray(o) for o in fn(m, jnp.asarray(np.exp(lsv)), gg, bg))
        assert np.all(status == st.SUCCESS)
        d = np.log(om) - np.log(o_prev)
        slope = np.where(d != 0.0, d / np.where(lsv != l_prev, lsv - l_prev, 1.0), -1.0)
        l_prev, o_prev = lsv, om
        lsv = lsv - (np.log(om) - np.log(target)) / slope
    np.testing.assert_allclose(o_prev, target, rtol=1e-9)
    return np.exp(l_prev)


def test_dirac_over_majorana_sigma_v(background):
    """⟨σv⟩ for Ω h² = 0.12, Dirac (Y = χ + χ̄, ⟨σv⟩ of χχ̄) over Majorana, g = 2 per particle:
    2.06–2.09, i.e. 2 (1 + ln 2/x_f), not 2 (measured 2.084, 2.085, 2.067, 2.062 at
    1, 10, 100, 1000 GeV).  The correction does not depend on g: a Dirac WIMP(σ, g) is the
    Majorana WIMP(σ/2, 2g) (bit-identical), and g = 1 gives 2.064–2.088."""
    sv_m = _sigma_v_for(_majorana_v, background, 2.0)
    sv_d = _sigma_v_for(_dirac_v, background, 2.0, start=2.0 * sv_m)
    ratio = sv_d / sv_m
    assert np.all((ratio > 2.06) & (ratio < 2.09)), ratio
    # equivalence Dirac(σ, g) ≡ Majorana(σ/2, 2g), and Ω_Dirac = 2 Ω_Majorana at equal ⟨σv⟩
    m = jnp.asarray(MASSES)
    om_d = np.asarray(_dirac_v(m, jnp.asarray(sv_d), jnp.full(4, 2.0), background)[0])
    om_eq = np.asarray(_majorana_v(m, jnp.asarray(sv_d / 2.0), jnp.full(4, 4.0), background)[0])
    om_m = np.asarray(_majorana_v(m, jnp.asarray(sv_d), jnp.full(4, 2.0), background)[0])
    np.testing.assert_allclose(om_eq, om_d, rtol=1e-12)
    np.testing.assert_allclose(om_d, 2.0 * om_m, rtol=1e-4)
    # g = 1 per particle, through the equivalence (no further compilation)
    sv_m1 = _sigma_v_for(_majorana_v, background, 1.0)
    sv_d1 = 2.0 * _sigma_v_for(_majorana_v, background, 2.0, start=sv_m1)  # Dirac g=1 = Majorana(σ/2, 2)
    ratio1 = sv_d1 / sv_m1
    assert np.all((ratio1 > 2.06) & (ratio1 < 2.09)), ratio1
    np.testing.assert_allclose(ratio1, ratio, atol=5e-3)


# --------------------------------------------------------------------------- resonances on user models

M_H, GAMMA_H, M_DM = 125.0, 4.1e-3, 60.0
A_RES = 5e-11  # dimensionless normalisation: Ω h² ≈ 0.14 with the hint


def _sigma_portal(s):
    """Higgs-portal-like σ(s) [GeV⁻²]: A M²/((s − M²)² + M²Γ²)/β, β = √(1 − 4m²/s)."""
    beta = jnp.sqrt(jnp.maximum(1.0 - 4.0 * M_DM**2 / s, 1e-300))
    return A_RES * M_H**2 / ((s - M_H**2) ** 2 + M_H**2 * GAMMA_H**2) / beta


def _sigma_v_quad(T):
    """Gondolo–Gelmini ⟨σv⟩ by scipy.integrate.quad in √s = E, with the pole as a break point."""
    m = M_DM
    norm = 8.0 * m**4 * T * special.kve(2, m / T) ** 2

    def f(E):
        s = E * E
        beta = math.sqrt(1.0 - 4.0 * m * m / s)
        sig = A_RES * M_H**2 / ((s - M_H**2) ** 2 + M_H**2 * GAMMA_H**2) / beta
        return 2.0 * sig * s * (s - 4.0 * m * m) * special.kve(1, E / T) * math.exp(-(E - 2.0 * m) / T) / norm

    d = 200.0 * GAMMA_H
    pieces = [(2.0 * m, M_H - d, None), (M_H - d, M_H + d, [M_H]), (M_H + d, 2.0 * m + 100.0 * T, None)]
    return sum(integrate.quad(f, a, b, points=p, epsabs=0.0, epsrel=1e-12, limit=2000)[0] for a, b, p in pieces)


_sigma_v_00 = eqx.filter_jit(lambda model, T: model.sigma_v_00(T))


@pytest.mark.slow  # 49 s; hints are tested on the thermal average in tests/test_thermal_resonance.py
def test_resonance_hint_on_user_model(background):
    """WIMP(sigma=σ, resonances=((M, Γ),)) passes the pole to thermal_average: ⟨σv⟩ at x = 20
    equals scipy quad (break point at the pole) and the relic density changes ×3.8."""
    hinted = WIMP(mass=M_DM, sigma=_sigma_portal, resonances=((M_H, GAMMA_H),))
    plain = WIMP(mass=M_DM, sigma=_sigma_portal)
    T = M_DM / 20.0
    ref = _sigma_v_quad(T)
    sv_hint = float(_sigma_v_00(hinted, T))
    sv_plain = float(_sigma_v_00(plain, T))
    assert sv_hint == pytest.approx(ref, rel=1e-3)  # measured 6e-14
    assert sv_plain < 0.01 * ref  # the Laguerre rule misses the pole (×228 too small)
    r_hint = relic_density(hinted, background)
    r_plain = relic_density(plain, background)
    assert int(r_hint.status) == st.SUCCESS
    om_hint, om_plain = float(r_hint.omega_h2), float(r_plain.omega_h2)
    assert 0.05 < om_hint < 0.3  # measured 0.137
    assert om_plain / om_hint > 2.0  # measured 0.516 / 0.137 (status not_converged without the hint)
