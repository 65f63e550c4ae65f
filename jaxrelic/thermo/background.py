"""Radiation-dominated background: H(T), s(T), ρ(T) and T(a).

Standard relations (Kolb & Turner, *The Early Universe*, ch. 3):

    ρ(T) = (π²/30) g_*ρ(T) T⁴,     s(T) = (2π²/45) g_*s(T) T³,
    H(T) = √(8π ρ / 3) / M_Pl = √(4π³ g_*ρ / 45) T² / M_Pl   (M_Pl non-reduced),
    d ln T / d ln a = −[1 + (1/3) d ln g_*s/d ln T]⁻¹          (entropy conservation).

:class:`Background` bundles a :class:`~jaxrelic.thermo.dof.GStar` table with
these functions; every solver takes one (default: Saikawa–Shirai SM table).
"""

from __future__ import annotations

import equinox as eqx
import jax
import jax.numpy as jnp

from .. import constants as c
from .dof import GStar

__all__ = ["Background"]


class Background(eqx.Module):
    """Thermal history of a radiation-dominated universe at temperature T.

    Attributes
    ----------
    gstar : GStar
        Degrees-of-freedom tables (SM plus optional extra species).
    m_planck : float
        Non-reduced Planck mass [GeV] (default :data:`jaxrelic.constants.M_PL`).
    """

    gstar: GStar
    m_planck: float = eqx.field(static=True, default=c.M_PL)

    @classmethod
    def standard_model(cls) -> "Background":
        """SM plasma with the Saikawa–Shirai g_* table."""
        return cls(GStar.saikawa_shirai())

    def energy_density(self, T):
        """ρ(T) = (π²/30) g_*ρ T⁴ [GeV⁴]."""
        T = jnp.asarray(T, dtype=jnp.float64)
        return jnp.pi**2 / 30.0 * self.gstar.g_rho(T) * T**4

    def entropy_density(self, T):
        """s(T) = (2π²/45) g_*s T³ [GeV³]."""
        T = jnp.asarray(T, dtype=jnp.float64)
        return 2.0 * jnp.pi**2 / 45.0 * self.gstar.g_s(T) * T**3

    def hubble(self, T):
        """H(T) = √(4π³ g_*ρ/45) T²/M_Pl [GeV]."""
        T = jnp.asarray(T, dtype=jnp.float64)
        return jnp.sqrt(4.0 * jnp.pi**3 * self.gstar.g_rho(T) / 45.0) * T**2 / self.m_planck

    def dlnT_dlna(self, T):
        """d ln T / d ln a = −1/(1 + (1/3) d ln g_*s/d ln T) (entropy conservation)."""
        return -1.0 / (1.0 + self.gstar.dln_gs_dln_T(T) / 3.0)

    def state(self, T):
        """(H, s, 1 + (1/3) d ln g_*s/d ln T) at T with one g_* evaluation.

        The last entry is the Jacobian factor of dx/dt = x H / (1 + δ),
        δ = (1/3) d ln g_*s/d ln T, with x = m/T.
        """
        T = jnp.asarray(T, dtype=jnp.float64)
        g_rho, g_s, dlngs = self.gstar.all(T)
        H = jnp.sqrt(4.0 * jnp.pi**3 * g_rho / 45.0) * T**2 / self.m_planck
        s = 2.0 * jnp.pi**2 / 45.0 * g_s * T**3
        return H, s, 1.0 + dlngs / 3.0

    def temperature(self, ln_a, T_ref, ln_a_ref=0.0, iterations: int = 30):
        """T(a) [GeV] from g_*s(T) T³ a³ = const, normalised by T(ln_a_ref) = T_ref [GeV].

        Solved by a fixed number of Newton steps in ln T (differentiable, ``vmap``-friendly); converges to machine
        precision for the smooth tabulated g_*s.
        """
        ln_a = jnp.asarray(ln_a, dtype=jnp.float64)
        T_ref = jnp.asarray(T_ref, dtype=jnp.float64)
        target = jnp.log(self.gstar.g_s(T_ref)) / 3.0 + jnp.log(T_ref) + ln_a_ref

        def newton(lt, _):
            g_s = self.gstar.g_s(jnp.exp(lt))
            dlngs = self.gstar.dln_gs_dln_T(jnp.exp(lt))
            F = jnp.log(g_s) / 3.0 + lt + ln_a - target
            return lt - F / (1.0 + dlngs / 3.0), None

        lt0 = jnp.log(T_ref) - (ln_a - ln_a_ref)
        lt, _ = jax.lax.scan(newton, lt0, None, length=iterations)
        return jnp.exp(lt)
