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

Conventions: cross sections in cm³/s at the API (converted to GeV⁻²
internally), masses in GeV.  For a non-self-conjugate (Dirac-like) particle,
``sigma_v`` is ⟨σv⟩ for χχ̄ annihilation and Y counts χ plus χ̄; the required
⟨σv⟩ is then twice the Majorana value (Steigman, Dasgupta & Beacom,
PRD 86 (2012) 023506, §IV).
"""

from __future__ import annotations

import math
from typing import Callable, Optional

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np

from .. import constants as c
from ..numerics.special import k1e, k2e
from ..solvers.network import AbstractNetworkModel, NetworkRates
from ..stats.equilibrium import log_n_eq
from ..stats.thermal_average import thermal_average

__all__ = ["WIMP", "WIMP_PARAMETERS"]

#: Public parameters: name -> (unit, default, (low, high), description).
WIMP_PARAMETERS = {
    "mass": ("GeV", 100.0, (1e-2, 1e5), "dark-matter mass m"),
    "sigma_v": ("cm^3/s", 2.2e-26, (1e-35, 1e-18), "s-wave coefficient a of σv = a + b v²"),
    "b": ("cm^3/s", 0.0, (0.0, 1e-18), "p-wave coefficient b of σv = a + b v²"),
    "g": ("", 2.0, (1.0, 100.0), "internal degrees of freedom of χ (per particle)"),
    "self_conjugate": ("bool", True, (False, True), "Majorana-like (True) or Dirac-like (False)"),
}


def _check_range(name, value, lo, hi, inclusive_low=True):
    """Python-level check for concrete values; eqx.error_if for traced ones."""
    arr = jnp.asarray(value)
    if isinstance(arr, jax.core.Tracer):
        bad = ~jnp.all(jnp.isfinite(arr) & (arr >= lo) & (arr <= hi))
        return eqx.error_if(arr, bad, f"{name} outside the allowed range [{lo}, {hi}]")
    v = np.asarray(value, dtype=np.float64)
    ok_low = (v >= lo) if inclusive_low else (v > lo)
    if not np.all(np.isfinite(v)) or not np.all(ok_low & (v <= hi)):
        raise ValueError(f"{name}={value!r} outside the allowed range [{lo}, {hi}]")
    return value


class WIMP(AbstractNetworkModel):
    """Thermal relic χ₀ (+ optional coannihilation partners).

    Parameters
    ----------
    mass : float
        m [GeV], 1e-2 ≤ m ≤ 1e5.
    sigma_v : float
        s-wave coefficient a [cm³/s].
    b : float
        p-wave coefficient b [cm³/s] (⟨σv⟩ = a + 6b/x).
    g : float
        Internal dof per particle (2 for a Majorana/Dirac fermion spin).
    self_conjugate : bool
        χ = χ̄ (True) or not (False; Y counts both, σv is for χχ̄).
    sigma : callable, optional
        σ(s) [GeV⁻²] of χχ → bath, overriding (sigma_v, b): thermally averaged
        exactly (Gondolo–Gelmini).  Must be jnp-vectorised in s.
    partner_delta : array (k,)
        Relative mass splittings Δ_i > 0 of the partners.
    partner_g : array (k,)
        Their internal dof.
    coannihilation : array (k+1, k+1)
        Symmetric ⟨σv⟩_ij [cm³/s] among all species; entry [0, 0] is ignored
        (χ₀χ₀ uses sigma_v, b / sigma).
    conversion_sigma_v : float
        ⟨σv⟩ [cm³/s] of χ_i γ → χ₀ γ (photon density n_γ = 2ζ(3)T³/π²).
    partner_width : array (k,)
        Widths Γ(χ_i → χ₀ + bath) [GeV].
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
    self_conjugate: bool = eqx.field(static=True)
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
    ):
        f64 = lambda v: jnp.asarray(v, dtype=jnp.float64)  # noqa: E731
        self.mass = f64(_check_range("mass", mass, *WIMP_PARAMETERS["mass"][2]))
        self.sigma_v = f64(_check_range("sigma_v", sigma_v, 0.0, 1e-18))
        self.b = f64(_check_range("b", b, *WIMP_PARAMETERS["b"][2]))
        self.g = f64(_check_range("g", g, *WIMP_PARAMETERS["g"][2]))
        self.self_conjugate = bool(self_conjugate)
        self.sigma = sigma
        pd = f64(partner_delta).reshape(-1)
        k = pd.shape[0]
        self.partner_delta = _check_range("partner_delta", pd, 0.0, 10.0, inclusive_low=False) if k else pd
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

    @property
    def masses(self):
        return self.mass * jnp.concatenate([jnp.ones(1), 1.0 + self.partner_delta])

    @property
    def dofs(self):
        """Internal dof per species, ×2 for non-self-conjugate (Y counts χ and χ̄)."""
        g = jnp.concatenate([jnp.reshape(self.g, (1,)), self.partner_g])
        return g if self.self_conjugate else 2.0 * g

    def log_n_eq(self, T):
        return log_n_eq(self.masses, T, self.dofs)

    def sigma_v_00(self, T):
        """⟨σv⟩ of χ₀χ₀ (or χ₀χ̄₀) annihilation [GeV⁻²] at T."""
        if self.sigma is not None:
            return thermal_average(self.sigma, self.mass, self.mass, T)
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
