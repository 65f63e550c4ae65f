"""Analytic and reduced relic-density approximations (sanity checks for the network).

* :func:`kolb_turner` — freeze-out approximation of Kolb & Turner, *The Early
  Universe* (1990), eqs. 5.44–5.45, for ⟨σv⟩ = σ₀ x^{−n}.
* :class:`GriestSeckel` — the effective single-species reduction of a
  coannihilating network (Griest & Seckel, Phys. Rev. D43 (1991) 3191,
  eqs. 5–9): Y = Σ_i Y_i obeys dY/dt = −s σ_eff (Y² − Y_eq²) with
  σ_eff = Σ_ij ⟨σv⟩_ij r_i r_j, r_i = n_i^eq / Σ_k n_k^eq.  It is the limit of
  the full network when conversions are much faster than the Hubble rate.
"""

from __future__ import annotations

import jax.numpy as jnp
from jax.scipy.special import logsumexp

from .. import constants as c
from ..thermo.background import Background
from .network import AbstractNetworkModel, NetworkRates

__all__ = ["kolb_turner", "GriestSeckel"]


def kolb_turner(mass, sigma0, n: int = 0, g=2.0, background: Background | None = None, iterations: int = 4):
    """Kolb–Turner freeze-out estimate for a self-conjugate relic.

    x_f = ln[0.038 (n+1) g M_Pl m σ₀ / √g_*] − (n + ½) ln ln[…]  (KT eq. 5.44),
    Y_∞ = 3.79 (n+1) x_f^{n+1} √g_* / (g_*s M_Pl m σ₀)          (KT eq. 5.45),
    with g_* evaluated at T_f = m/x_f (iterated).

    Parameters
    ----------
    mass : float
        m [GeV].
    sigma0 : float
        ⟨σv⟩ = σ₀ x^{−n} with σ₀ in cm³/s.
    n : int
        0 for s-wave, 1 for p-wave.
    g : float
        Internal dof.
    background : Background, optional
        g_* tables (default SM).

    Returns
    -------
    (omega_h2, x_f)
    """
    if background is None:
        background = Background.standard_model()
    sig = sigma0 * c.CM3_S_TO_GEV2
    x_f = jnp.asarray(20.0)
    for _ in range(iterations):
        T_f = mass / x_f
        g_rho, g_s, _ = background.gstar.all(T_f)
        arg = 0.038 * (n + 1) * g * c.M_PL * mass * sig / jnp.sqrt(g_rho)
        x_f = jnp.log(arg) - (n + 0.5) * jnp.log(jnp.log(arg))
    T_f = mass / x_f
    g_rho, g_s, _ = background.gstar.all(T_f)
    Y = 3.79 * (n + 1) * x_f ** (n + 1) * jnp.sqrt(g_rho) / (g_s * c.M_PL * mass * sig)
    return c.OMEGA_H2_PER_MY * mass * Y, x_f


class GriestSeckel(AbstractNetworkModel):
    """Single-species Griest–Seckel reduction of a coannihilating network.

    Wraps any :class:`AbstractNetworkModel`; Y is the total yield Σ_i Y_i,
    Y_eq = Σ_i Y_i^eq and σ_eff = Σ_ij ⟨σv⟩_ij r_i r_j.
    """

    model: AbstractNetworkModel

    @property
    def masses(self):
        return self.model.masses[:1]

    @property
    def dm_mass(self):
        return self.model.dm_mass

    def log_n_eq(self, T):
        return jnp.reshape(logsumexp(self.model.log_n_eq(T)), (1,))

    def sigma_eff(self, T):
        """σ_eff(T) [GeV⁻²] (Griest & Seckel 1991, eq. 7)."""
        ln = self.model.log_n_eq(T)
        r = jnp.exp(ln - logsumexp(ln))
        return r @ self.model.rates(T).sigma_v @ r

    def rates(self, T):
        return NetworkRates(
            sigma_v=jnp.reshape(self.sigma_eff(T), (1, 1)),
            conversion=jnp.zeros((1, 1)),
            decay=jnp.zeros(1),
        )


