"""Generic thermal relic (WIMP) with optional coannihilation partners.

The dark-matter particle χ₀ has mass m, g internal dof and annihilates with

    σv = a + b v²   →   ⟨σv⟩(x) = a + 6 b / x

(the standard non-relativistic thermal average, Gondolo & Gelmini 1991 §6;
v is the relative velocity), or with a user cross section σ(s) averaged
exactly by :func:`jaxrelic.stats.thermal_average`.  Partners χ_i (i ≥ 1) with
relative mass splittings Δ_i = (m_i − m)/m, dof g_i, coannihilate with a
constant matrix ⟨σv⟩_ij (Griest & Seckel, Phys. Rev. D43 (1991) 3191), convert
into χ₀ by scattering on the photon bath (χ_i γ ↔ χ₀ γ, rate n_γ ⟨σv⟩_conv,
n_γ = 2ζ(3)T³/π²) and decay into χ₀ (width Γ_i, time-dilated by K₁/K₂).

Conventions
-----------
Cross sections in cm³/s at the API (converted to GeV⁻² internally), masses in
GeV.  ``g`` is the number of internal dof *per particle* (2 for a spin-½
fermion).  Y = n/s; Ω h² = 2.7437×10⁸ (m/GeV) Y₀ (s₀ = 2891.2 cm⁻³ over
ρ_c/h² = 1.05375×10⁻⁵ GeV cm⁻³, PDG 2024; :data:`jaxrelic.constants.OMEGA_H2_PER_MY`).

* Self-conjugate (Majorana-like, χ = χ̄): ``sigma_v`` is ⟨σv⟩ of χχ → bath,
  dY/dt = −s⟨σv⟩(Y² − Y_eq²), Y_eq with g dof.
* Non-self-conjugate (Dirac-like, ``self_conjugate=False``) without asymmetry:
  Y = Y_χ + Y_χ̄ counts particles *plus* antiparticles (Y_eq with 2g dof),
  ``sigma_v`` is ⟨σv⟩ of χχ̄ → bath (χχ and χ̄χ̄ do not annihilate), and
  dY/dt = −s(⟨σv⟩/2)(Y² − Y_eq²).  Each of χ, χ̄ obeys the Majorana equation with
  g dof, so at *equal* ⟨σv⟩ Ω_Dirac = 2 Ω_Majorana exactly.

  Equivalently, a Dirac WIMP(sigma_v=σ, g) *is* the Majorana WIMP(sigma_v=σ/2, 2g)
  (identical equations; the engine gives bit-identical Ω).

The ⟨σv⟩ giving a fixed Ω h² for a Dirac particle is therefore *not* exactly twice
the Majorana value, for any g (g = 1 included): the Dirac relic freezes out as a
Majorana one with 2g dof and ⟨σv⟩_D/2, at x_f ≈ ln(c·2g·⟨σv⟩_D/2·…) = ln(c·g·⟨σv⟩_D·…),
i.e. about ln 2 later than the Majorana relic with g and ⟨σv⟩_M ≈ ⟨σv⟩_D/2; with
Ω ∝ x_f/⟨σv⟩ this gives ⟨σv⟩_D/⟨σv⟩_M ≈ 2 (1 + ln 2/x_f), independent of g to leading
order.  Measured with this engine for Ω h² = 0.12 (s-wave, Saikawa–Shirai g_*;
tests/test_wimp_options.py), ⟨σv⟩_Dirac/⟨σv⟩_Majorana at m = 1, 10, 100, 1000 GeV:

    g = 2 per particle:  2.084, 2.085, 2.067, 2.062
    g = 1 per particle:  2.087, 2.088, 2.069, 2.064

(Steigman, Dasgupta & Beacom, PRD 86 (2012) 023506, §IV: "≈ 2").
"""

from __future__ import annotations

import math
from typing import Callable, Optional, Sequence

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np

from ... import constants as c
from ...numerics import status as st
from ...numerics.special import k1e, k2e
from ...engines.network import AbstractNetworkModel, NetworkRates
from ...stats.equilibrium import log_n_eq, log_n_eq_quantum
from ...stats.thermal_average import thermal_average, thermal_average_checked

__all__ = ["WIMP", "WIMP_PARAMETERS", "NOTHING_ANNIHILATES"]

#: Public parameters: name -> (unit, default, (low, high), description).
#: sigma_v = 0 with b > 0 is a pure p-wave relic; sigma_v = b = 0 (nothing annihilates) is
#: rejected for concrete values (see :class:`WIMP`).
WIMP_PARAMETERS = {
    "mass": ("GeV", 100.0, (1e-2, 1e5), "dark-matter mass m"),
    "sigma_v": ("cm^3/s", 2.2e-26, (0.0, 1e-18), "s-wave coefficient a of σv = a + b v²"),
    "b": ("cm^3/s", 0.0, (0.0, 1e-18), "p-wave coefficient b of σv = a + b v²"),
    "g": ("", 2.0, (1.0, 100.0), "internal degrees of freedom of χ (per particle)"),
    "self_conjugate": ("bool", True, (False, True), "Majorana-like (True) or Dirac-like (False)"),
    "statistics": ("choice", "MB", ("MB", "FD", "BE"),
                   "equilibrium statistics of χ: MB, or FD/BE for a hot (relativistic) relic"),
}

#: x = m/T at which a user σ(s) must pass :func:`thermal_average_checked` (freeze-out region).
_X_CERTIFY = (2.0, 5.0, 10.0, 20.0, 30.0, 50.0)

#: One-line error for sigma_v = b = 0 without σ(s) or coannihilation (WIMP, CLI, fit).
NOTHING_ANNIHILATES = ("sigma_v=0 and b=0: nothing annihilates (allowed: sigma_v > 0 or b > 0, each in [0, 1e-18] "
                       "cm^3/s, or a cross section sigma, or coannihilation)")


def _range_text(lo, hi):
    return f"[{lo:g}, inf)" if math.isinf(hi) else f"[{lo:g}, {hi:g}]"


def _is_traced(value) -> bool:
    return any(isinstance(leaf, jax.core.Tracer) for leaf in jax.tree_util.tree_leaves(value))


def _check_range(name, value, lo, hi):
    """ValueError naming ``name`` and the range for concrete values (NaN, ±inf are out of
    range); traced values pass through and are flagged by :meth:`WIMP.domain_status`."""
    if _is_traced(value):
        return value
    v = np.asarray(value, dtype=np.float64)
    if not np.all(np.isfinite(v)) or not np.all((v >= lo) & (v <= hi)):
        shown = v.tolist() if v.ndim else float(v)
        raise ValueError(f"{name}={shown!r} outside the allowed range {_range_text(lo, hi)}")
    return value


def _in_range(value, lo, hi):
    v = jnp.asarray(value)
    return jnp.all(jnp.isfinite(v) & (v >= lo) & (v <= hi))


class WIMP(AbstractNetworkModel):
    """Thermal relic χ₀ (+ optional coannihilation partners).

    Conventions (self-conjugate vs Dirac, g per particle, Ω h² normalisation): module
    docstring.

    Parameters
    ----------
    mass : float
        m [GeV], 1e-2 ≤ m ≤ 1e5.
    sigma_v : float
        s-wave coefficient a [cm³/s], 0 ≤ a ≤ 1e-18 (a = 0 with b > 0: pure p-wave).
    b : float
        p-wave coefficient b [cm³/s], 0 ≤ b ≤ 1e-18 (⟨σv⟩ = a + 6b/x).
    g : float
        Internal dof per particle (2 for a Majorana/Dirac fermion spin).
    self_conjugate : bool
        χ = χ̄ (True) or not (False; Y counts χ and χ̄, σv is for χχ̄).
    statistics : {"MB", "FD", "BE"}
        Statistics of n_eq (and so of γ = ⟨σv⟩ n_eq²).  MB (default) is exact to e^{−x}
        for a cold relic; a hot relic (relativistic decoupling) has Y_∞ = Y_eq(T_dec), which
        is 3ζ(3)/4 = 0.902× the MB value for FD and ζ(3) = 1.202× for BE (quadrature,
        :func:`jaxrelic.stats.equilibrium.log_n_eq_quantum`).
    sigma : callable, optional
        σ(s) [GeV⁻²] of χχ → bath, overriding (sigma_v, b): thermally averaged
        exactly (Gondolo–Gelmini, :func:`jaxrelic.stats.thermal_average`).  Must be
        jnp-vectorised in s.
    resonances : sequence of (M, Γ), optional
        s-channel poles of ``sigma`` [GeV] (Γ > 0), passed to ``thermal_average``:
        without them a pole narrower than the Laguerre node spacing (e.g. a
        Higgs-portal pole, Γ/M ~ 3e-5) is missed.  Only used with ``sigma``.
    thresholds : sequence of float, optional
        Extra √s [GeV] where ``sigma`` switches on (new channels); passed to
        ``thermal_average``.  Only used with ``sigma``.
    partner_delta : array (k,)
        Relative mass splittings Δ_i = (m_i − m)/m ≥ 0 of the partners, no upper limit
        (Δ = 0: a degenerate partner; conversions act by index i → 0, not by mass).
    partner_g : array (k,)
        Their internal dof.
    coannihilation : array (k+1, k+1)
        Symmetric ⟨σv⟩_ij [cm³/s] among all species; entry [0, 0] is ignored
        (χ₀χ₀ uses sigma_v, b / sigma).
    conversion_sigma_v : float
        ⟨σv⟩ [cm³/s] of χ_i γ → χ₀ γ (photon density n_γ = 2ζ(3)T³/π²).
    partner_width : array (k,)
        Widths Γ(χ_i → χ₀ + bath) [GeV].

    Raises
    ------
    ValueError
        For concrete out-of-range values (naming the parameter and its range; NaN is
        out of range), and when nothing annihilates: ``sigma`` not given,
        sigma_v = b = 0 and no non-zero coannihilation entry.  Under ``jit``/``vmap``
        (traced values) an out-of-range value gives status ``OUT_OF_RANGE``
        (:meth:`domain_status`), while sigma_v = b = 0 is computed: Y then stays at its initial equilibrium value (Ω h² ≫ 1).
    """

    mass: jax.Array
    sigma_v: jax.Array
    b: jax.Array
    g: jax.Array
    partner_delta: jax.Array
    partner_g: jax.Array
    coannihilation: jax.Array
    conversion_sigma_v: jax.Array
    partner_width: jax.Array
    resonances: tuple
    thresholds: tuple
    self_conjugate: bool = eqx.field(static=True)
    statistics: str = eqx.field(static=True)
    sigma: Optional[Callable] = eqx.field(static=True)

    def __init__(
        self,
        mass=100.0,
        sigma_v=2.2e-26,
        b=0.0,
        g=2.0,
        self_conjugate: bool = True,
        sigma: Optional[Callable] = None,
        partner_delta=(),
        partner_g=(),
        coannihilation=None,
        conversion_sigma_v=0.0,
        partner_width=None,
        resonances: Sequence = (),
        thresholds: Sequence = (),
        statistics: str = "MB",
    ):
        f64 = lambda v: jnp.asarray(v, dtype=jnp.float64)  # noqa: E731
        rng = lambda name: WIMP_PARAMETERS[name][2]  # noqa: E731
        self.mass = f64(_check_range("mass", mass, *rng("mass")))
        self.sigma_v = f64(_check_range("sigma_v", sigma_v, *rng("sigma_v")))
        self.b = f64(_check_range("b", b, *rng("b")))
        self.g = f64(_check_range("g", g, *rng("g")))
        self.self_conjugate = bool(self_conjugate)
        if statistics not in WIMP_PARAMETERS["statistics"][2]:
            raise ValueError(f"statistics={statistics!r} invalid; allowed: one of MB, FD, BE")
        self.statistics = statistics
        self.sigma = sigma
        pd = f64(partner_delta).reshape(-1)
        k = pd.shape[0]
        self.partner_delta = f64(_check_range("partner_delta", pd, 0.0, math.inf)) if k else pd
        self.partner_g = f64(partner_g).reshape(-1)
        if self.partner_g.shape[0] != k:
            raise ValueError(f"partner_g must have {k} entries (one per partner), got {self.partner_g.shape[0]}")
        if coannihilation is None:
            coannihilation = jnp.zeros((k + 1, k + 1))
        self.coannihilation = f64(coannihilation)
        if self.coannihilation.shape != (k + 1, k + 1):
            raise ValueError(f"coannihilation must have shape ({k + 1}, {k + 1}), got {self.coannihilation.shape}")
        self.conversion_sigma_v = f64(_check_range("conversion_sigma_v", conversion_sigma_v, 0.0, 1e-10))
        self.partner_width = f64(jnp.zeros(k) if partner_width is None else partner_width).reshape(-1)
        if self.partner_width.shape[0] != k:
            raise ValueError(f"partner_width must have {k} entries, got {self.partner_width.shape[0]}")
        if (resonances or thresholds) and sigma is None:
            raise ValueError("resonances/thresholds need a cross section sigma(s) (they are hints for its thermal "
                             "average); with sigma_v, b they have no effect")
        pairs = []
        for r in resonances:
            if len(r) != 2:
                raise ValueError(f"resonances must be (M, Γ) pairs [GeV], got {r!r}")
            M, G = r
            if not _is_traced((M, G)) and not (float(M) > 0.0 and float(G) > 0.0 and math.isfinite(float(M))
                                               and math.isfinite(float(G))):
                raise ValueError(f"resonance (M, Γ)={r!r} must have finite M > 0 and Γ > 0 [GeV]")
            pairs.append((f64(M), f64(G)))
        self.resonances = tuple(pairs)
        self.thresholds = tuple(f64(t) for t in thresholds)
        if sigma is None and not _is_traced((sigma_v, b, coannihilation)):
            others = np.asarray(coannihilation, dtype=np.float64).copy()
            others[0, 0] = 0.0
            if float(sigma_v) == 0.0 and float(b) == 0.0 and not np.any(others != 0.0):
                raise ValueError(NOTHING_ANNIHILATES)

    def domain_status(self):
        """OUT_OF_RANGE where a (traced) parameter is outside WIMP_PARAMETERS' range;
        NOT_CONVERGED where a user σ(s) has a feature (a narrow pole not passed in
        ``resonances``) that the thermal average cannot resolve at x = 2 … 50
        (:func:`~jaxrelic.stats.thermal_average_checked`), so ⟨σv⟩ may be badly wrong."""
        rng = lambda name: WIMP_PARAMETERS[name][2]  # noqa: E731
        ok = (_in_range(self.mass, *rng("mass")) & _in_range(self.sigma_v, *rng("sigma_v"))
              & _in_range(self.b, *rng("b")) & _in_range(self.g, *rng("g"))
              & _in_range(self.conversion_sigma_v, 0.0, 1e-10))
        if self.partner_delta.shape[0]:
            ok = ok & _in_range(self.partner_delta, 0.0, math.inf)
        certified = jnp.asarray(True)
        if self.sigma is not None:
            T = self.mass / jnp.asarray(_X_CERTIFY)
            _, good = thermal_average_checked(self.sigma, self.mass, self.mass, T, resonances=self.resonances,
                                              thresholds=self.thresholds)
            certified = jnp.all(good)
        return jnp.where(ok, jnp.where(certified, st.SUCCESS, st.NOT_CONVERGED), st.OUT_OF_RANGE).astype(jnp.int32)

    @property
    def masses(self):
        return self.mass * jnp.concatenate([jnp.ones(1), 1.0 + self.partner_delta])

    @property
    def dofs(self):
        """Internal dof per species, ×2 for non-self-conjugate (Y counts χ and χ̄)."""
        g = jnp.concatenate([jnp.reshape(self.g, (1,)), self.partner_g])
        return g if self.self_conjugate else 2.0 * g

    def log_n_eq(self, T):
        if self.statistics == "MB":
            return log_n_eq(self.masses, T, self.dofs)
        return log_n_eq_quantum(self.masses, T, self.dofs, self.statistics)

    def sigma_v_00(self, T):
        """⟨σv⟩ of χ₀χ₀ (or χ₀χ̄₀) annihilation [GeV⁻²] at T."""
        if self.sigma is not None:
            return thermal_average(self.sigma, self.mass, self.mass, T, resonances=self.resonances,
                                   thresholds=self.thresholds)
        x = self.mass / T
        return (self.sigma_v + 6.0 * self.b / x) * c.CM3_S_TO_GEV2

    def rates(self, T):
        sv = self.coannihilation * c.CM3_S_TO_GEV2
        sv = sv.at[0, 0].set(self.sigma_v_00(T))
        if not self.self_conjugate:
            sv = sv / 2.0  # Y counts χ and χ̄: dY/dt = −s ⟨σv⟩_χχ̄ Y²/2
        m = self.masses
        n_gamma = 2.0 * c.ZETA3 / math.pi**2 * T**3
        k = self.partner_delta.shape[0]
        conv = jnp.zeros((k + 1, k + 1))
        if k:
            x = m[1:] / T
            dilation = k1e(x) / k2e(x)
            gam = self.conversion_sigma_v * c.CM3_S_TO_GEV2 * n_gamma + self.partner_width * dilation
            conv = conv.at[1:, 0].set(gam)
        return NetworkRates(sigma_v=sv, conversion=conv, decay=jnp.zeros(k + 1))
