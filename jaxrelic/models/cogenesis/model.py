r"""Freeze-in cogenesis model point: couplings, masses, cosmology and switches.

Model of P. Asadi, M. Moore, D. E. Morrissey, M. Shamma, *Genesis of Baryon and
Dark Matter Asymmetries through Ultraviolet Scattering Freeze-in*,
arXiv:2505.22710 (talk: M. Shamma, Dark Interactions 2024).  Two heavy Majorana
neutrinos N_{1,2} connect one SM lepton doublet L and the Higgs H to a dark
Dirac fermion χ and a complex scalar φ (``docs/physics/cogenesis_model.md``
E2.1, two-component notation):

    −𝓛 ⊃ y_i (L·H) N_i + λ_i (χ φ*) N_i + ½ M_i N_i N_i + κ φ χ η + h.c.

The SM bath reheats to T_RH < M_1; the dark sector (χ, φ, η) is populated by
2→2 freeze-in scatterings through off-shell N_i and thermalises at T' = ξ T.

This module also re-derives, with exact rational arithmetic, the chemical-
potential coefficients that close the asymmetry equations: the SM spectator
coefficient c_ℓH (cogenesis_model.md §7.1, E7.1) and the dark coefficient c_b together
with the dark energy dof g'_* (§6.3, §7.2, E7.2).  Derivations and checks:
``docs/physics/cogenesis_derivation.md``.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import NamedTuple

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
from jax import Array

from ..._x64 import check_x64
from ...interface.parameters import Condition, Parameter, ParameterTable
from ...thermo.chemical import SpectatorCoefficients, spectator_coefficients

__all__ = [
    "PARAMETERS",
    "Cogenesis",
    "DARK_SECTORS",
    "FLAVOUR_REGIMES",
    "PERTURBATIVE_COUPLING",
    "SpectatorCoefficients",
    "DarkCoefficients",
    "spectator_coefficients",
    "dark_coefficients",
]

#: Perturbativity bound on |y_i|, |λ_i| and κ: √(4π) (tree-level partial-wave
#: unitarity of a Yukawa vertex, the customary "coupling ≤ √(4π)" bound).
PERTURBATIVE_COUPLING = math.sqrt(4.0 * math.pi)
_G4 = PERTURBATIVE_COUPLING

def cross_parameter_error(M1: float, M2: float, T_RH: float) -> str | None:
    """Message naming the parameter and its allowed range if M1 < M2 or T_RH < M1 fails, else None.

    M2 > M1 strictly: N_1 is the lighter neutrino (T_RH < M1, the on-shell N_1 estimate and the
    normalisation W₀ = s²/(8πM₁⁴) of the CP asymmetries all use M1 = min M_i); at M2 = M1 the
    labels are basis dependent.  The EFT formulas themselves are regular at M2 = M1; what the
    near-degenerate region does to the neglected on-shell contribution is flagged by
    ``eft_valid`` (docs/physics/cogenesis_eft_validity.md §5).
    """
    if not M2 > M1:
        return f"M2={M2:g} outside the allowed range (M1, 1e18] GeV with M1={M1:g} (N1 is the lighter neutrino)"
    if not T_RH < M1:
        return (
            f"T_RH={T_RH:g} outside the allowed range (0, M1) GeV with M1={M1:g} "
            "(the heavy neutrinos are integrated out)"
        )
    return None




class DarkCoefficients(NamedTuple):
    """Dark-sector thermodynamic coefficients (cogenesis_model.md §6.3, §7.2).

    Attributes
    ----------
    c_b : Fraction
        μ_b/T' = c_b · 6 n_X/T'³ = c_b G Y_X/ξ³ (E7.2), μ_b ≡ μ_χ − μ_φ.
    g_dark : Fraction
        Energy dof g'_* of the relativistic dark sector (ρ' = π² g'_* T'⁴/30).
    """

    c_b: Fraction
    g_dark: Fraction


def dark_coefficients(dirac_chi: bool = False, sink: bool = True) -> DarkCoefficients:
    """Exact ``c_b``, ``g_dark`` (fractions) of the dark chemical equilibrium (cogenesis_model.md §7.2, E7.2).

    Constraints: conserved dark hypercharge D = 0 (D_χ = D_φ = +1, D_η = −2) and, with the sink κφχη in
    equilibrium (``sink``), μ_φ + μ_χ + μ_η = 0 (without the sink η is absent); X = n_Δχ − n_Δφ.
    ``dirac_chi``: both χ helicities thermalised (g_χ = 4 per particle + antiparticle) instead of the one Weyl
    helicity that couples to N (g_χ = 2).
    """
    F = Fraction
    g_chi = F(2) if dirac_chi else F(1)  # helicity states of the χ particle
    # asymmetry per state: n − n̄ = (T²/6) g μ (fermion), (T²/6) 2 μ (complex scalar)
    if sink:
        # μ_η = −μ_χ − μ_φ;  D: g_χ μ_χ + 2 μ_φ − 2 μ_η = 0  (μ_χ = 1)
        mu_phi = -(g_chi + 2) / 4
    else:
        mu_phi = -g_chi / 2
    n_x = g_chi - 2 * mu_phi  # (T²/6)-units
    mu_b = 1 - mu_phi
    c_b = mu_b / n_x  # μ_b/T' = c_b · 6 n_X / T'³
    g_dark = F(7, 8) * 2 * g_chi + 2 + (F(7, 8) * 2 if sink else 0)
    return DarkCoefficients(c_b=c_b, g_dark=g_dark)


#: Named dark-sector options (cogenesis_model.md §6.3 / §7.2 tables): name -> (dirac_chi, sink).
DARK_SECTORS = {
    "minimal": (False, True),
    "dirac": (True, True),
    "weyl_no_sink": (False, False),
    "dirac_no_sink": (True, False),
}

#: Named SM flavour regimes (cogenesis_model.md §7.1 table): name -> (Yukawas in eq., coupled flavour).
FLAVOUR_REGIMES = {
    "all": (("e", "mu", "tau"), "tau"),
    "mu_tau:tau": (("mu", "tau"), "tau"),
    "mu_tau:e": (("mu", "tau"), "e"),
    "tau:tau": (("tau",), "tau"),
    "tau:e": (("tau",), "e"),
}

#: Indicative SM temperature range [GeV] in which each regime's charged-lepton Yukawas (and only those)
#: are in equilibrium; the CLI notes ``flavour_regime`` when T_RH lies outside it (none fits above 10^11.5 GeV).
FLAVOUR_REGIME_T_RANGE = {
    "all": (0.0, 1e5),
    "mu_tau:tau": (1e5, 1e9),
    "mu_tau:e": (1e5, 1e9),
    "tau:tau": (1e9, 10**11.5),
    "tau:e": (1e9, 10**11.5),
}


#: The cogenesis model's one parameter table (CLI, workflows, traced-domain flags).  Couplings y_i,
#: λ_i are complex with |·| ≤ √(4π) (enter the workflows as y1_abs, y1_arg, …).  Cross-parameter
#: conditions (checked by the CLI/adapter and by :class:`Cogenesis`): M1 < M2, T_RH < M1;
#: m_phi = m_phi_ratio · m_chi.  The lower end of T_RH keeps the asymmetry production above the
#: electroweak crossover: ΔY_B = (28/79) Y_{B−L} and g_* = 106.75 assume active sphalerons and a
#: fully relativistic SM, and the dimension-5 source dY/dx ∝ x⁻² makes ≤ 1 % of the asymmetry below
#: T_RH/100 ≥ 100 GeV (docs/physics/cogenesis_eft_validity.md §6).  The :class:`Cogenesis` rate
#: object itself accepts any positive scales (its rates are scale-free; tests use toy units); the
#: physical domain of a relic/asymmetry result is this table.
PARAMETERS = ParameterTable(
    Parameter("y1", "", complex(0.015), None, round(_G4, 4), "Yukawa y_1 of y_i (L.H) N_i", kind="complex"),
    Parameter("y2", "", complex(0.025j), None, round(_G4, 4), "Yukawa y_2", kind="complex"),
    Parameter("lambda1", "", complex(0.03), None, round(_G4, 4), "portal coupling lambda_1 of lambda_i (chi phi*) N_i",
              kind="complex"),
    Parameter("lambda2", "", complex(-0.2121, 0.2121), None, round(_G4, 4), "portal coupling lambda_2",
              kind="complex"),
    Parameter("M1", "GeV", 1e11, 1e4, 1e18, "lighter heavy-neutrino mass (> T_RH)", log=True),
    Parameter("M2", "GeV", 3e11, 1e4, 1e18, "heavier heavy-neutrino mass (> M1)", log=True),
    Parameter("T_RH", "GeV", 2e10, 1e4, 1e18, "reheating temperature of the SM bath (< M1; see eft_valid)",
              log=True),
    Parameter("xi_i", "", 0.0, 0.0, 1.0, "initial dark-to-visible temperature ratio T'/T at reheating"),
    Parameter("m_chi", "GeV", 0.0, 0.0, 1e6, "dark-matter mass; 0 = the ADM mass implied by the asymmetries"),
    Parameter("m_phi_ratio", "", 1.5, 1.001, 1e3, "m_phi / m_chi (phi decays to chi + eta)", log=True),
    Parameter("kappa", "", 1.0, 0.0, PERTURBATIVE_COUPLING, "sink coupling kappa of kappa phi chi eta", log=True),
    Parameter("mixed", "", True, description="include the mixed (t-channel) crossings", kind="bool"),
    Parameter("washout", "", True, description="keep wash-out/wash-in terms (false: source only)", kind="bool"),
    Parameter("nlo_dim5", "", False, description="include the O(s^2) term of the dim-5 pair channel", kind="bool"),
    Parameter("dark_sector", "", "minimal", description="dark-sector dof option", kind="choice",
              choices=tuple(DARK_SECTORS)),
    Parameter("flavour_regime", "", "all", description="SM spectator regime (c_lH)", kind="choice",
              choices=tuple(FLAVOUR_REGIMES)),
    Parameter("x_max", "", 1e4, 10.0, 1e8, "end of the UV integration in x = T_RH/T (analytic tail beyond)",
              log=True),
    conditions=(
        Condition(("M2", "M1"), "M1 < M2", lambda v: v["M1"] < v["M2"]),
        Condition(("T_RH", "M1"), "T_RH < M1 (reheating below the lighter N; eft_valid flags T_RH where on-shell "
                                  "N production exceeds 1 % of the EFT production)", lambda v: v["T_RH"] < v["M1"]),
    ),
)


# ---------------------------------------------------------------------------
# Validation helpers
# ---------------------------------------------------------------------------


def _is_traced(*xs) -> bool:
    return any(isinstance(x, jax.core.Tracer) for x in xs)


def _check(name: str, value, bad, allowed: str):
    """Raise ValueError naming ``name`` and its range for a concrete bad value.

    Traced values pass unchanged: inside jit/vmap the domain is reported per point
    by :meth:`Cogenesis.in_domain` (the solvers turn it into status OUT_OF_RANGE),
    never by a host callback.
    """
    if _is_traced(value, bad):
        return value
    if bool(np.any(np.asarray(bad))):
        raise ValueError(f"Cogenesis: {name}={np.asarray(value)!r} outside the allowed range {allowed}")
    return value


def _finite(x):
    return jnp.isfinite(x) if _is_traced(x) else np.isfinite(np.asarray(x))


# ---------------------------------------------------------------------------
# The model
# ---------------------------------------------------------------------------


class Cogenesis(eqx.Module):
    r"""A point of the freeze-in cogenesis model (arXiv:2505.22710; cogenesis_model.md §2, E2.1).

    Couplings are complex JAX arrays, so ``jax.vmap`` and ``jax.grad`` over
    couplings, masses and the modelling coefficients work; the process
    switches are static fields.

    Parameters
    ----------
    y : array_like, complex, shape (2,)
        Neutrino Yukawas y_i of y_i (L·H) N_i; |y_i| ≤ √(4π).
    lam : array_like, complex, shape (2,)
        Portal couplings λ_i of λ_i (χ φ*) N_i; |λ_i| ≤ √(4π).
    M1, M2 : float
        Heavy Majorana masses [GeV], 0 < M1 < M2.
    T_RH : float
        Reheating temperature of the SM bath [GeV], 0 < T_RH < M1.  Whether the
        neglected on-shell N production is small is measured by
        :func:`~jaxrelic.models.cogenesis.validity.eft_validity` (``eft_valid``;
        T_RH ≲ M1/21 at the default couplings).
    xi_i : float
        Initial dark-to-visible temperature ratio ξ(x=1) = T'/T ∈ [0, 1]
        (0: strict SM-only reheating; the talk's benchmark uses 0.36).
    m_chi, m_phi : float
        Dark fermion and scalar masses [GeV], 0 < m_chi < m_phi (χ stable).
        They only enter the late-time epoch; rates treat χ, φ as massless
        (the CLI adds a ``massive_dark`` note when m_phi > T_RH/10).
    kappa : float
        Sink coupling κ of κ φ χ η, 0 ≤ κ ≤ √(4π).
    mixed : bool, static
        Include the mixed (one SM + one dark initial particle) t-channel
        crossings of §4.2(ii).  Default True.
    nlo_dim5 : bool, static
        Include the O(s²) term 2 Re(C_Lχ* E_Lχ) s²/(8π) of the dim-5 pair
        channel (§4.4) in the CP-even pair rates and the energy transfer.
        Default False (baseline).
    washout : bool, static
        Keep the wash-out and wash-in terms of E8.2–E8.3 (False: "source only").
    dark_sector : {"minimal", "dirac", "weyl_no_sink", "dirac_no_sink"}
        Named dark option setting the defaults of ``g_dark`` and ``c_b``
        (5.5, 7/10 for "minimal"; see :func:`dark_coefficients`).
    flavour_regime : {"all", "mu_tau:tau", "mu_tau:e", "tau:tau", "tau:e"}
        Named SM regime setting the default of ``c_lH`` (257/711 for "all";
        see :func:`spectator_coefficients`).
    g_dark, c_b, c_lH : float, optional
        Explicit values overriding the named options (positive).
    """

    y: Array
    lam: Array
    M1: Array
    M2: Array
    T_RH: Array
    xi_i: Array
    m_chi: Array
    m_phi: Array
    kappa: Array
    g_dark: Array
    c_lH: Array
    c_b: Array
    mixed: bool = eqx.field(static=True)
    nlo_dim5: bool = eqx.field(static=True)
    washout: bool = eqx.field(static=True)

    def __init__(
        self,
        y,
        lam,
        M1,
        M2,
        T_RH,
        xi_i=0.0,
        m_chi=1.0,
        m_phi=1.5,
        kappa=1.0,
        *,
        mixed: bool = True,
        nlo_dim5: bool = False,
        washout: bool = True,
        dark_sector: str = "minimal",
        flavour_regime: str = "all",
        g_dark=None,
        c_b=None,
        c_lH=None,
    ):
        check_x64()
        if dark_sector not in DARK_SECTORS:
            raise ValueError(f"Cogenesis: dark_sector must be one of {tuple(DARK_SECTORS)}, got {dark_sector!r}")
        if flavour_regime not in FLAVOUR_REGIMES:
            raise ValueError(
                f"Cogenesis: flavour_regime must be one of {tuple(FLAVOUR_REGIMES)}, got {flavour_regime!r}"
            )
        dark = dark_coefficients(*DARK_SECTORS[dark_sector])
        spec = spectator_coefficients(*FLAVOUR_REGIMES[flavour_regime])

        c128 = lambda v: jnp.asarray(v, dtype=jnp.complex128)  # noqa: E731
        f64 = lambda v: jnp.asarray(v, dtype=jnp.float64)  # noqa: E731
        y, lam = c128(y), c128(lam)
        for name, v in (("y", y), ("lam", lam)):
            if v.shape != (2,):
                raise ValueError(
                    f"Cogenesis: {name} must have shape (2,) (one coupling per N_i), got {v.shape}; "
                    "use jax.vmap over the constructor for batches."
                )
        scalars = {}
        for name, v in (
            ("M1", M1),
            ("M2", M2),
            ("T_RH", T_RH),
            ("xi_i", xi_i),
            ("m_chi", m_chi),
            ("m_phi", m_phi),
            ("kappa", kappa),
            ("g_dark", dark.g_dark if g_dark is None else g_dark),
            ("c_lH", spec.c_lH if c_lH is None else c_lH),
            ("c_b", dark.c_b if c_b is None else c_b),
        ):
            if isinstance(v, Fraction):
                v = float(v)
            a = f64(v)
            if a.shape != ():
                raise ValueError(
                    f"Cogenesis: {name} must be a scalar, got shape {a.shape}; "
                    "use jax.vmap over the constructor for batches."
                )
            scalars[name] = a

        g = PERTURBATIVE_COUPLING
        ay, al = jnp.abs(y), jnp.abs(lam)
        y = _check("|y_i|", y, ~_finite(ay) | (ay > g), f"[0, sqrt(4*pi) = {g:.4f}]")
        lam = _check("|lam_i|", lam, ~_finite(al) | (al > g), f"[0, sqrt(4*pi) = {g:.4f}]")
        s = scalars
        for name in ("M1", "M2", "T_RH", "m_chi", "g_dark", "c_lH", "c_b"):
            s[name] = _check(name, s[name], ~_finite(s[name]) | (s[name] <= 0.0), "(0, inf)")
        s["M2"] = _check("M2", s["M2"], s["M2"] <= s["M1"], "(M1, inf) (N1 is the lighter heavy neutrino)")
        s["T_RH"] = _check(
            "T_RH", s["T_RH"], s["T_RH"] >= s["M1"], "(0, M1): the heavy neutrinos must not be thermally produced"
        )
        s["xi_i"] = _check("xi_i", s["xi_i"], ~_finite(s["xi_i"]) | (s["xi_i"] < 0.0) | (s["xi_i"] > 1.0), "[0, 1]")
        s["m_phi"] = _check(
            "m_phi", s["m_phi"], ~_finite(s["m_phi"]) | (s["m_phi"] <= s["m_chi"]), "(m_chi, inf) (chi must be stable)"
        )
        s["kappa"] = _check(
            "kappa", s["kappa"], ~_finite(s["kappa"]) | (s["kappa"] < 0.0) | (s["kappa"] > g), f"[0, {g:.4f}]"
        )
        self.y, self.lam = y, lam
        for name, v in s.items():
            setattr(self, name, v)
        self.mixed = bool(mixed)
        self.nlo_dim5 = bool(nlo_dim5)
        self.washout = bool(washout)

    @classmethod
    def from_polar(cls, y_abs, y_phase, lam_abs, lam_phase, M1, M2, T_RH, **kwargs) -> "Cogenesis":
        r"""Build the model from moduli and phases, y_i = |y_i| e^{iα_i}, λ_i = |λ_i| e^{iβ_i}.

        Only δ_y = α₂ − α₁ and δ_λ = β₂ − β₁ are physical (cogenesis_model.md §2.2); pass
        e.g. ``y_phase=(0, δ_y)``.

        Parameters
        ----------
        y_abs, lam_abs : array_like, shape (2,)
            Moduli |y_i|, |λ_i| (non-negative).
        y_phase, lam_phase : array_like, shape (2,)
            Phases α_i, β_i [rad].
        M1, M2, T_RH : float
            As in :class:`Cogenesis` [GeV].
        **kwargs
            Remaining :class:`Cogenesis` arguments.
        """
        y_abs = jnp.asarray(y_abs, dtype=jnp.float64)
        lam_abs = jnp.asarray(lam_abs, dtype=jnp.float64)
        y_abs = _check("|y_i|", y_abs, y_abs < 0.0, "[0, sqrt(4*pi)] (moduli are non-negative)")
        lam_abs = _check("|lam_i|", lam_abs, lam_abs < 0.0, "[0, sqrt(4*pi)] (moduli are non-negative)")
        y = y_abs * jnp.exp(1j * jnp.asarray(y_phase, dtype=jnp.float64))
        lam = lam_abs * jnp.exp(1j * jnp.asarray(lam_phase, dtype=jnp.float64))
        return cls(y, lam, M1, M2, T_RH, **kwargs)

    def in_domain(self) -> Array:
        """bool: every constructor condition holds (jnp, for traced points; concrete bad values raise).

        |y_i|, |λ_i| ≤ √(4π); M1, T_RH, m_chi, g_dark, c_lH, c_b > 0; M1 < M2;
        T_RH < M1; 0 ≤ ξ_i ≤ 1; m_chi < m_phi; 0 ≤ κ ≤ √(4π); all finite.
        """
        g = PERTURBATIVE_COUPLING
        ay, al = jnp.abs(self.y), jnp.abs(self.lam)
        ok = jnp.all(jnp.isfinite(ay) & (ay <= g)) & jnp.all(jnp.isfinite(al) & (al <= g))
        for v in (self.M1, self.M2, self.T_RH, self.m_chi, self.m_phi, self.g_dark, self.c_lH, self.c_b):
            ok = ok & jnp.isfinite(v) & (v > 0.0)
        ok = ok & (self.M2 > self.M1) & (self.T_RH < self.M1) & (self.m_phi > self.m_chi)
        ok = ok & (self.xi_i >= 0.0) & (self.xi_i <= 1.0) & (self.kappa >= 0.0) & (self.kappa <= g)
        return ok

    @property
    def masses(self) -> Array:
        """Heavy-neutrino masses (M1, M2) [GeV], shape (2,)."""
        return jnp.stack([self.M1, self.M2])

    @property
    def delta_y(self) -> Array:
        """Physical Yukawa phase δ_y = arg(y₂ y₁*) [rad] (cogenesis_model.md §2.2)."""
        return jnp.angle(self.y[1] * jnp.conj(self.y[0]))

    @property
    def delta_lam(self) -> Array:
        """Physical portal phase δ_λ = arg(λ₂ λ₁*) [rad] (cogenesis_model.md §2.2)."""
        return jnp.angle(self.lam[1] * jnp.conj(self.lam[0]))
