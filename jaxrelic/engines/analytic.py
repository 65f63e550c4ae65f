"""Analytic and reduced relic-density approximations (sanity checks for the network).

* :func:`kolb_turner` — freeze-out approximation of Kolb & Turner, *The Early
  Universe* (1990), eqs. 5.44–5.45, for ⟨σv⟩ = σ₀ x^{−n}.
* :class:`GriestSeckel` — the effective single-species reduction of a
  coannihilating network (Griest & Seckel, Phys. Rev. D43 (1991) 3191,
  eqs. 5–9): Y = Σ_i Y_i obeys dY/dt = −s σ_eff (Y² − Y_eq²) with
  σ_eff = Σ_ij ⟨σv⟩_ij r_i r_j.  It is the limit of the full network when
  conversions are much faster than the Hubble rate.

Griest–Seckel weights
---------------------
With x = m₀/T, Δ_i = m_i/m₀ − 1 and n₁(m₀, T) = m₀² T K₂(x)/(2π²) the
one-dof Maxwell–Boltzmann density of the lightest species (index 0), write
n_i^eq = w_i n₁(m₀, T); then g_eff = Σ_i w_i and r_i = w_i/g_eff.

* ``weights="relativistic"`` (default): the model's own equilibrium densities,
  w_i = n_i^eq/n₁ = g_i (1+Δ_i)² K₂(x(1+Δ_i))/K₂(x) for Maxwell–Boltzmann
  species, so r_i = n_i^eq/Σ_k n_k^eq exactly.  This is the limit of the
  network with fast conversions (tests/test_network.py::test_griest_seckel_limit).
* ``weights="nonrelativistic"``: GS 1991 eq. 6,
  w_i = g_i (1+Δ_i)^{3/2} e^{−xΔ_i}, the large-x form of the same ratio.

The two agree to O(Δ_i/x) at freeze-out (K₂(z) ∝ z^{−1/2}e^{−z}(1 + 15/(8z) + …)):
relative difference of w_i ≈ −(15/8)Δ_i/((1+Δ_i) x).  For x → 0 (K₂(z) → 2/z²) the
relativistic weights tend to r_i = g_i/Σg (every species equally abundant per dof),
while eq. 6 keeps the factor (1+Δ_i)^{3/2}, which is wrong there.  In both cases the
reduced model's total equilibrium density is g_eff n₁(m₀, T) (χ₀'s own density exact).
"""

from __future__ import annotations

import equinox as eqx
import jax.numpy as jnp
from jax.scipy.special import logsumexp

from .. import constants as c
from ..stats.equilibrium import log_n_eq as _log_n_eq_mb
from ..thermo.background import Background
from .network import AbstractNetworkModel, NetworkRates

__all__ = ["kolb_turner", "GriestSeckel", "WEIGHTS"]

#: Allowed ``GriestSeckel(weights=...)``.
WEIGHTS = ("relativistic", "nonrelativistic")


def kolb_turner(mass, sigma0, n: int = 0, g=2.0, background: Background | None = None, iterations: int = 4):
    """Kolb–Turner freeze-out estimate (Ω h², x_f) for a self-conjugate relic of mass m [GeV].

    x_f = ln[0.038 (n+1) g M_Pl m σ₀/√g_*] − (n + ½) ln ln[…]  (KT eq. 5.44),
    Y_∞ = 3.79 (n+1) x_f^{n+1} √g_*/(g_*s M_Pl m σ₀)          (KT eq. 5.45),
    with ⟨σv⟩ = σ₀ x^{−n} (σ₀ in cm³/s; n = 0 s-wave, 1 p-wave), g internal dof, g_* from ``background``
    (default SM) at T_f = m/x_f (iterated).
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
    Y_eq = g_eff n₁(m₀, T)/s and σ_eff = Σ_ij ⟨σv⟩_ij r_i r_j (module docstring).

    Parameters
    ----------
    model : AbstractNetworkModel
        The network; species 0 is the lightest (the dark matter).
    weights : {"relativistic", "nonrelativistic"}
        r_i from the model's equilibrium densities (default; exact K₂ form) or from
        GS 1991 eq. 6.  The non-relativistic form needs the dof g_i: ``model.dofs``
        if the model has it, else inferred from its equilibrium densities as
        g_i = n_i^eq/n₁(m_i, T) (exact for Maxwell–Boltzmann species).
    """

    model: AbstractNetworkModel
    weights: str = eqx.field(static=True, default="relativistic")

    def __check_init__(self):
        if self.weights not in WEIGHTS:
            raise ValueError(f"GriestSeckel: weights={self.weights!r} invalid; allowed: {', '.join(WEIGHTS)}")

    @property
    def masses(self):
        return self.model.masses[:1]

    @property
    def dm_mass(self):
        return self.model.dm_mass

    def _ln_n1(self, T):
        """ln n₁(m₀, T): one-dof Maxwell–Boltzmann density of species 0 [ln GeV³]."""
        return _log_n_eq_mb(self.model.masses[0], T, 1.0)

    def _ln_g(self, T):
        """ln g_i (the model's ``dofs``, else inferred from its n_i^eq at T)."""
        dofs = getattr(self.model, "dofs", None)
        if dofs is not None:
            return jnp.log(jnp.asarray(dofs, dtype=jnp.float64))
        return self.model.log_n_eq(T) - _log_n_eq_mb(self.model.masses, T, 1.0)

    def _ln_w(self, T):
        """ln w_i = ln(n_i^eq/n₁(m₀, T)) under the chosen weights (module docstring)."""
        T = jnp.asarray(T, dtype=jnp.float64)
        if self.weights == "relativistic":
            return self.model.log_n_eq(T) - self._ln_n1(T)
        m = self.model.masses
        ratio = m / m[0]  # 1 + Δ_i
        return self._ln_g(T) + 1.5 * jnp.log(ratio) - (m - m[0]) / T  # x Δ_i = (m_i − m₀)/T

    def g_eff(self, T):
        """g_eff(T) = Σ_i w_i: total equilibrium density in units of n₁(m₀, T) (GS 1991 eq. 6)."""
        return jnp.exp(logsumexp(self._ln_w(T)))

    def r(self, T):
        """r_i(T) = w_i/g_eff, shape (N,), Σ_i r_i = 1 (GS 1991 eq. 6)."""
        ln_w = self._ln_w(T)
        return jnp.exp(ln_w - logsumexp(ln_w))

    def log_n_eq(self, T):
        if self.weights == "relativistic":  # = ln n₁ + ln g_eff, without the round trip
            return jnp.reshape(logsumexp(self.model.log_n_eq(T)), (1,))
        return jnp.reshape(self._ln_n1(T) + logsumexp(self._ln_w(T)), (1,))

    def sigma_eff(self, T):
        """σ_eff(T) = Σ_ij ⟨σv⟩_ij r_i r_j [GeV⁻²] (Griest & Seckel 1991, eq. 7)."""
        r = self.r(T)
        return r @ self.model.rates(T).sigma_v @ r

    def rates(self, T):
        return NetworkRates(
            sigma_v=jnp.reshape(self.sigma_eff(T), (1, 1)),
            conversion=jnp.zeros((1, 1)),
            decay=jnp.zeros(1),
        )
