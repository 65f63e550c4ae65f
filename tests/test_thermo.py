"""Effective degrees of freedom and the radiation-dominated background (jaxrelic.thermo).

References: K. Saikawa & S. Shirai, JCAP 05 (2018) 035, arXiv:1803.01038 (g_* table);
Kolb & Turner, *The Early Universe* (1990), ch. 3 (ρ, s, H, entropy
conservation, eqs. 3.61–3.62 for massive species); physics reference
docs/physics/twin_model.md §4.1–4.2.
"""

import math

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pytest
import scipy.integrate as spint

from jaxrelic import GStar
from jaxrelic import constants as c
from jaxrelic.stats import n_eq
from jaxrelic.thermo import species_dof

ZETA3 = 1.2020569031595942

# Jitted evaluators shared by all tests (eager dispatch of the 538-knot spline is slow).
_gall = eqx.filter_jit(lambda gs, T: gs.all(T))
_temperature = eqx.filter_jit(lambda bg, ln_a, T_ref: bg.temperature(ln_a, T_ref))


# ---------------------------------------------------------------------------------
# SM table (Saikawa–Shirai 2018)
# ---------------------------------------------------------------------------------


def test_table_values_saikawa_shirai(background):
    gs = background.gstar
    assert "Saikawa" in gs.source
    # first table row (T = 1e-5 GeV, after e+e- annihilation): g_*s = 3.93094, g_*ρ = 3.38308
    assert float(_gall(gs, 1e-5)[1]) == pytest.approx(3.93094, rel=1e-12)
    assert float(_gall(gs, 1e-5)[0]) == pytest.approx(3.38308, rel=1e-12)
    # last row (T = 1.46812e6 GeV): the SM plasma, 104.43 (lattice/pQCD, below 106.75)
    assert float(_gall(gs, 1.46812e6)[1]) == pytest.approx(104.430, rel=1e-9)
    assert float(_gall(gs, 1.46812e6)[0]) == pytest.approx(104.435, rel=1e-9)
    assert 104.0 < float(_gall(gs, 1e6)[0]) < 104.5
    # T = 10 MeV: photons + e± + 3ν ≈ 10.75 (10.74 in the table, residual muon-free plasma)
    assert float(_gall(gs, 0.01)[0]) == pytest.approx(10.74, abs=0.01)
    assert float(_gall(gs, 0.01)[1]) == pytest.approx(10.74, abs=0.01)
    # QCD crossover: g_* rises from ~17 (T = 100 MeV) to ~60 (T = 500 MeV)
    assert 15.0 < float(_gall(gs, 0.1)[0]) < 20.0 < 55.0 < float(_gall(gs, 0.5)[0]) < 65.0
    assert gs.T_min == pytest.approx(1e-5, rel=1e-12)
    assert gs.T_max == pytest.approx(1.46812e6, rel=1e-12)


def test_table_knots_reproduced():
    """The spline interpolates every tabulated point (ln g vs ln T)."""
    import importlib.resources

    ref = importlib.resources.files("jaxrelic.thermo") / "data" / "g_star_saikawa_shirai.dat"
    data = np.loadtxt(str(ref))
    gs = GStar.saikawa_shirai()
    g_rho, g_s, _ = _gall(gs, data[:, 0])
    np.testing.assert_allclose(np.asarray(g_s), data[:, 2], rtol=1e-13)
    np.testing.assert_allclose(np.asarray(g_rho), data[:, 3], rtol=1e-13)


def test_constant_outside_table_with_zero_derivative(background):
    gs = background.gstar
    lo, hi = gs.T_min, gs.T_max
    for T_out, T_edge in ((1e-8, lo), (3e-6, lo), (1e7, hi), (1e10, hi)):
        a, b = _gall(gs, T_out), _gall(gs, T_edge)
        assert float(a[0]) == pytest.approx(float(b[0]), rel=1e-14)
        assert float(a[1]) == pytest.approx(float(b[1]), rel=1e-14)
        assert float(a[2]) == 0.0
    # the derivative is also zero for jax.grad, not only for the spline formula
    dlng = jax.jit(jax.grad(lambda lt: jnp.log(gs.g_s(jnp.exp(lt)))))
    assert float(dlng(jnp.log(1e-7))) == 0.0
    assert float(dlng(jnp.log(1e8))) == 0.0


def test_check_range_error_names_T_and_range(background):
    gs = background.gstar
    gs.check_range([1e-5, 1.0, 1e6])  # inside: no error
    with pytest.raises(ValueError) as err:
        gs.check_range(1e7)
    msg = str(err.value)
    assert msg.startswith("T ")
    assert "[1e-05, 1.468e+06] GeV" in msg and "1e+07" in msg and "Saikawa" in msg
    with pytest.raises(ValueError, match=r"T_rh must lie within .*1e-07"):
        gs.check_range([1e-3, 1e-7], name="T_rh")
    with pytest.raises(ValueError):
        gs.check_range(float("nan"))


def test_dln_gs_dln_T_matches_finite_differences(background):
    gs = background.gstar
    T = np.geomspace(2e-5, 1e6, 157)
    h = 1e-5
    lng = lambda t: np.log(np.asarray(_gall(gs, t)[1]))  # noqa: E731
    fd = (lng(T * np.exp(h)) - lng(T * np.exp(-h))) / (2 * h)
    d = np.asarray(_gall(gs, T)[2])
    np.testing.assert_allclose(d, fd, rtol=0, atol=1e-7)
    # and the jax derivative of ln g_s agrees with the analytic spline derivative
    dj = jax.jit(jax.vmap(jax.grad(lambda lt: jnp.log(gs.g_s(jnp.exp(lt))))))(jnp.log(jnp.asarray(T)))
    np.testing.assert_allclose(np.asarray(dj), d, rtol=1e-10, atol=1e-14)
    # physically: g_s grows through the QCD crossover and e± annihilation
    assert float(gs.dln_gs_dln_T(0.2)) > 0.5
    assert float(gs.dln_gs_dln_T(2e-4)) > 0.2


# ---------------------------------------------------------------------------------
# Extra species (Kolb–Turner eqs. 3.61–3.62)
# ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fermion, factor", [(False, 1.0), (True, 7.0 / 8.0)])
def test_species_dof_massless_limit(fermion, factor):
    for g in (1.0, 2.0, 3.0):
        d_rho, d_s = species_dof(0.0, g, fermion)
        assert float(d_rho) == pytest.approx(factor * g, rel=1e-12)
        assert float(d_s) == pytest.approx(factor * g, rel=1e-12)


def _species_ref(x, g, fermion):
    s = 1.0 if fermion else -1.0

    def occ(u):
        return 1.0 / (math.exp(math.sqrt(u * u + x * x)) + s)

    rho = spint.quad(lambda u: u * u * math.sqrt(u * u + x * x) * occ(u), 0, 200, epsabs=0, epsrel=1e-13, limit=200)[0]
    ent = spint.quad(
        lambda u: u * u * (math.sqrt(u * u + x * x) + u * u / (3 * math.sqrt(u * u + x * x))) * occ(u),
        0, 200, epsabs=0, epsrel=1e-13, limit=200,
    )[0]
    return g * 15.0 / math.pi**4 * rho, g * 45.0 / (4.0 * math.pi**4) * ent


@pytest.mark.parametrize("fermion", [False, True])
def test_species_dof_massive_vs_quad(fermion):
    """Massive twin-photon-like species (g = 3) against scipy quadrature.

    48-node Gauss–Laguerre: measured ≤ 6e-8 relative for x = m/T ≥ 0.01 (worst
    near x ~ 0.1, where E = √(u²+x²) has structure at u ~ x); far below the
    1e-5 precision of the SM table it is added to.
    """
    x = np.array([0.01, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0])
    d_rho, d_s = species_dof(x, 3.0, fermion)
    for xi, a, b in zip(x, np.asarray(d_rho), np.asarray(d_s)):
        r, s_ = _species_ref(xi, 3.0, fermion)
        assert a == pytest.approx(r, rel=2e-7), xi
        assert b == pytest.approx(s_, rel=2e-7), xi
        if xi >= 1.0:
            assert a == pytest.approx(r, rel=1e-9) and b == pytest.approx(s_, rel=1e-9)
    # Boltzmann suppression: Δg_* ∝ x^{5/2} e^{-x} for x ≫ 1
    assert float(d_rho[-1]) < 1e-9


@pytest.mark.parametrize("fermion, factor", [(False, 1.0), (True, 7.0 / 8.0)])
def test_with_species(background, fermion, factor):
    g = 3.0
    m = 0.3
    base = background.gstar
    ext = base.with_species(m, g, fermion)
    # T ≫ m: raised by g (boson) or 7g/8 (fermion), up to O((m/T)²)
    for T in (300.0, 3e4):
        a, b = _gall(ext, T), _gall(base, T)
        assert float(a[0] - b[0]) == pytest.approx(factor * g, rel=1e-5)
        assert float(a[1] - b[1]) == pytest.approx(factor * g, rel=1e-5)
    # T ≪ m: nothing
    for T in (1e-3, 3e-3):
        a, b = _gall(ext, T), _gall(base, T)
        assert float(a[0]) == pytest.approx(float(b[0]), rel=1e-12)
        assert float(a[1]) == pytest.approx(float(b[1]), rel=1e-12)
        assert float(a[2]) == pytest.approx(float(b[2]), rel=1e-9, abs=1e-12)
    # d ln g_s/d ln T including the species, vs finite differences (T ~ m: species annihilating)
    T = np.geomspace(0.02, 3.0, 15)
    h = 1e-5
    fd = (np.log(np.asarray(_gall(ext, T * np.exp(h))[1])) - np.log(np.asarray(_gall(ext, T * np.exp(-h))[1]))) / (2 * h)
    np.testing.assert_allclose(np.asarray(_gall(ext, T)[2]), fd, rtol=0, atol=1e-7)
    # the mass may be traced: g_* is differentiable in it
    dg = jax.jit(jax.grad(lambda mm: base.with_species(mm, g, fermion).g_rho(0.3)))(0.3)
    assert np.isfinite(float(dg)) and float(dg) < 0.0  # heavier → more suppressed
    assert ext.extra_fermion == (fermion,)


# ---------------------------------------------------------------------------------
# Loading other tables
# ---------------------------------------------------------------------------------


def test_gstar_from_file_hazma_csv_format(tmp_path):
    """hazma's smdof.dat layout: `T (GeV),gstar,heff,geff` with gstar = g_*^{1/2} (unused)."""
    T = np.array([1e-4, 1e-3, 1e-2, 1e-1, 1.0, 10.0])
    heff = np.array([3.94, 10.6, 10.8, 17.4, 74.2, 86.0])
    geff = np.array([3.38, 10.6, 10.8, 17.8, 75.3, 86.1])
    sqrt_gstar = heff / np.sqrt(geff)
    lines = ["T (GeV)      ,gstar  ,heff   ,geff"]
    for row in zip(T[::-1], sqrt_gstar[::-1], heff[::-1], geff[::-1]):  # unsorted on purpose
        lines.append(",".join(f"{v:.6g}" for v in row))
    p = tmp_path / "smdof.dat"
    p.write_text("\n".join(lines) + "\n")
    gs = GStar.from_file(p, delimiter=",", skiprows=1, T_col=0, g_rho_col=3, g_s_col=2)
    np.testing.assert_allclose(np.asarray(gs.g_s(T)), heff, rtol=1e-12)
    np.testing.assert_allclose(np.asarray(gs.g_rho(T)), geff, rtol=1e-12)
    assert gs.T_min == pytest.approx(1e-4) and gs.T_max == pytest.approx(10.0)
    assert gs.source == str(p)
    # MeV units and log10(T) columns
    q = tmp_path / "mev.txt"
    q.write_text("# log10(T/MeV) grho gs\n" + "\n".join(f"{math.log10(t * 1e3):.12g} {gr} {gs_}" for t, gr, gs_ in zip(T, geff, heff)))
    g2 = GStar.from_file(q, log10_T=True, T_unit=1e-3, source="test")
    np.testing.assert_allclose(np.asarray(g2.g_rho(T)), geff, rtol=1e-10)
    assert g2.source == "test"
    with pytest.raises(ValueError):
        GStar.from_arrays([1.0, 1.0, 2.0], [1, 2, 3], [1, 2, 3])
    with pytest.raises(ValueError):
        GStar.from_arrays([1.0, 2.0, 3.0], [1, -2, 3], [1, 2, 3])


# ---------------------------------------------------------------------------------
# Background (Kolb & Turner ch. 3)
# ---------------------------------------------------------------------------------


def test_hubble_entropy_energy_formulae(background):
    T = np.geomspace(1e-5, 1e5, 41)
    g_rho, g_s, dlng = (np.asarray(v) for v in background.gstar.all(T))
    rho = math.pi**2 / 30.0 * g_rho * T**4
    np.testing.assert_allclose(np.asarray(background.energy_density(T)), rho, rtol=1e-14)
    # Friedmann: H = sqrt(8π G ρ / 3), G = 1/M_Pl²
    H = np.sqrt(8.0 * math.pi * rho / 3.0) / c.M_PL
    np.testing.assert_allclose(np.asarray(background.hubble(T)), H, rtol=1e-14)
    # docs/physics/twin_model.md §4.1: H = 1.6602 √g_* T²/M_Pl, M_Pl = 1.22089e19 GeV
    assert c.M_PL == 1.22089e19
    np.testing.assert_allclose(np.asarray(background.hubble(T)), 1.6602 * np.sqrt(g_rho) * T**2 / 1.22089e19, rtol=5e-5)  # 1.6602 = √(4π³/45) to 5 digits
    s = 2.0 * math.pi**2 / 45.0 * g_s * T**3
    np.testing.assert_allclose(np.asarray(background.entropy_density(T)), s, rtol=1e-14)
    # state() = (H, s, 1 + δ) in one pass
    Hs, ss, jac = (np.asarray(v) for v in background.state(T))
    np.testing.assert_allclose(Hs, H, rtol=1e-14)
    np.testing.assert_allclose(ss, s, rtol=1e-14)
    np.testing.assert_allclose(jac, 1.0 + dlng / 3.0, rtol=1e-14)
    np.testing.assert_allclose(np.asarray(background.dlnT_dlna(T)), -1.0 / jac, rtol=1e-14)
    # today's entropy density from T0.  PDG's s0 = 2891.2 cm^-3 (constants.S0_CM3, used in
    # Ω h² = 2.7437e8 m Y) assumes g_*s = 43/11 = 3.909; the Saikawa–Shirai table ends at
    # g_*s = 3.931 (non-instantaneous ν decoupling), i.e. s0 = 2907 cm^-3: a 0.56 % convention gap.
    s0 = float(background.entropy_density(c.T0)) / c.HBARC_GEV_CM**3
    assert s0 == pytest.approx(c.S0_CM3 * 3.93094 / (43.0 / 11.0), rel=1e-4)
    assert s0 == pytest.approx(c.S0_CM3, rel=6e-3)


@pytest.mark.parametrize("T_ref", [10.0, 0.5])
def test_temperature_of_scale_factor_conserves_entropy(background, T_ref):
    """g_*s T³ a³ = const across the QCD crossover and e± annihilation (Kolb–Turner eq. 3.70)."""
    ln_a = jnp.linspace(0.0, 12.0, 241)
    T = _temperature(background, ln_a, T_ref)
    S = _gall(background.gstar, T)[1] * T**3 * jnp.exp(3.0 * ln_a)
    S0 = _gall(background.gstar, T_ref)[1] * T_ref**3
    assert float(jnp.max(jnp.abs(S / S0 - 1.0))) < 1e-12
    assert float(T[0]) == pytest.approx(T_ref, rel=1e-14)
    assert np.all(np.diff(np.asarray(T)) < 0)
    # d ln T/d ln a = −1/(1 + δ) (entropy conservation) vs differences of T(a)
    h = 1e-5
    lt = lambda la: jnp.log(_temperature(background, la, T_ref))  # noqa: E731
    la = ln_a[1:-1:20]
    fd = (lt(la + h) - lt(la - h)) / (2 * h)
    dlnT = -1.0 / (1.0 + _gall(background.gstar, jnp.exp(lt(la)))[2] / 3.0)
    np.testing.assert_allclose(np.asarray(dlnT), np.asarray(fd), atol=1e-7)
    # jit/vmap-friendly and differentiable in T_ref
    f = jax.jit(jax.grad(lambda tr: background.temperature(3.0, tr)))
    assert np.isfinite(float(f(T_ref))) and float(f(T_ref)) > 0.0


def test_reference_equilibrium_density():
    """docs/physics/twin_model.md §4.2: n_eq(m = 1 GeV, g = 2) at T = 0.05 GeV = 3.206584e-12 GeV³ (table-independent)."""
    assert float(n_eq(1.0, 0.05, 2.0)) == pytest.approx(3.206584e-12, rel=2e-7)
    # massless photon gas check on the constants: n_γ = 2ζ(3)T³/π² → 410.7 cm^-3 today
    n_gamma0 = 2.0 * ZETA3 / math.pi**2 * (c.T0 / c.HBARC_GEV_CM) ** 3
    assert n_gamma0 == pytest.approx(c.N_GAMMA0_CM3, rel=1e-12)
    assert n_gamma0 == pytest.approx(410.7, rel=1e-3)
