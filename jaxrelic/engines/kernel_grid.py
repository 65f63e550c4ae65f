"""Momentum grid, statistics factors and build-time input checks of the 2→2 kernel engine.

See docs/physics/kernel_engine.md.  Imports only the generic layers (numerics, stats).
"""

from __future__ import annotations

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np

from ..numerics.quadrature import legendre_on
from ..stats.equilibrium import STATISTICS

__all__ = ["MomentumGrid", "momentum_grid", "stat_eta"]


class MomentumGrid(eqx.Module):
    """Quadrature grid in *physical* momentum p [GeV] at the temperature the kernels are built for.

    ∫_0^{p_max} g(p) dp ≈ Σ_i w_i g(p_i).  A comoving grid q_i (weights w^q_i) at scale factor a
    is passed as ``MomentumGrid(q / a, w_q / a)``; all operators are then per physical phase-space
    cell, and Σ_i w_i p_i² C_i = a⁻³ Σ_i w^q_i q_i² C_i, so the conservation statements are the
    same in either variable.

    The nodes must be strictly increasing and the weights positive; the cell of node i is
    [e_{i−1}, e_i], e_i = Σ_{k≤i} w_k (for a Gauss rule every node lies in its cell: the
    Chebyshev–Markov–Stieltjes separation theorem); only the decay kernel uses the cells.
    """

    p: jax.Array
    w: jax.Array

    def __init__(self, p, w):
        self.p = jnp.asarray(p, dtype=jnp.float64)
        self.w = jnp.asarray(w, dtype=jnp.float64)
        if self.p.ndim != 1 or self.p.shape != self.w.shape:
            raise ValueError(f"MomentumGrid: p and w must be 1-D arrays of equal length, got {self.p.shape}, {self.w.shape}")
        if not isinstance(self.p, jax.core.Tracer):
            pn, wn = np.asarray(self.p), np.asarray(self.w)
            if pn.size < 2 or not (np.all(pn > 0.0) and np.all(np.diff(pn) > 0.0)):
                raise ValueError("MomentumGrid: p must be strictly increasing and > 0 (allowed: 0 < p_1 < p_2 < …), n ≥ 2")
        if not isinstance(self.w, jax.core.Tracer):
            if not np.all(np.asarray(self.w) > 0.0):
                raise ValueError("MomentumGrid: weights w must be > 0")

    @property
    def n(self) -> int:
        return self.p.shape[0]

    def measure(self):
        """μ_i = w_i p_i²/(2π²): ∫ d³p/(2π)³ g(|p|) ≈ Σ_i μ_i g(p_i)."""
        return self.w * self.p**2 / (2.0 * jnp.pi**2)

    def edges(self):
        """Cell edges e_0 = 0, e_i = Σ_{k≤i} w_k (n + 1 values; grids are assumed to start at p = 0)."""
        return jnp.concatenate([jnp.zeros((1,)), jnp.cumsum(self.w)])

    def energy(self, m):
        return jnp.sqrt(m**2 + self.p**2)


def momentum_grid(p_max, n_p: int, *, rule: str = "gauss", nodes_per_panel: int = 8):
    """Momentum grid on [0, p_max] with ``n_p`` nodes.

    rule="gauss": composite Gauss–Legendre (n_p/nodes_per_panel equal panels; exact for smooth
    integrands, the default for the integral kernels).  rule="midpoint": n_p equal cells with the
    node at each centre and weight = cell width (second order; its cells are the dual cells of the
    nodes, which the finite-volume Fokker–Planck operator needs — docs §5).
    """
    if rule == "midpoint":
        if n_p < 2:
            raise ValueError(f"momentum_grid: n_p must be >= 2, got {n_p}")
        h = jnp.asarray(p_max, dtype=jnp.float64) / n_p
        return MomentumGrid(h * (jnp.arange(n_p) + 0.5), h * jnp.ones(n_p))
    if rule != "gauss":
        raise ValueError(f"momentum_grid: rule must be one of ('gauss', 'midpoint'), got {rule!r}")
    if n_p < 2 or n_p % nodes_per_panel != 0:
        raise ValueError(f"momentum_grid: n_p must be a positive multiple of nodes_per_panel={nodes_per_panel}, got {n_p}")
    panels = n_p // nodes_per_panel
    edges = jnp.asarray(p_max, dtype=jnp.float64) * jnp.linspace(0.0, 1.0, panels + 1)
    x, w = legendre_on(edges[:-1], edges[1:], nodes_per_panel)
    return MomentumGrid(x.reshape(-1), w.reshape(-1))


def stat_eta(statistics: str, name: str) -> float:
    """η of f = 1/(e^{E/T} + η): MB 0, FD +1, BE −1; ValueError naming the parameter otherwise."""
    table = {"MB": 0.0, "FD": 1.0, "BE": -1.0}
    if statistics not in table:
        raise ValueError(f"{name} must be one of {STATISTICS}, got {statistics!r}")
    return table[statistics]


def sym_bath_factor(E, Ep, T, eta, eta_p):
    """𝔉 = f(E)(1 − η′ f′(E′)) e^{(E − E′)/2T} = 1/[(e^{E/2T} + η e^{−E/2T})(e^{E′/2T} + η′ e^{−E′/2T})].

    Symmetric under (E, η) ↔ (E′, η′) (the reverse reaction), which is what makes the kernels
    satisfy detailed balance by construction.  Returned as e^{−(E+E′)/2T} · corr with
    corr = 1/[(1 + η e^{−E/T})(1 + η′ e^{−E′/T})] (η = 0: corr = 1 exactly).
    """
    corr = 1.0
    if eta != 0.0:
        corr = corr / (1.0 + eta * jnp.exp(-E / T))
    if eta_p != 0.0:
        corr = corr / (1.0 + eta_p * jnp.exp(-Ep / T))
    return corr


def _concrete(x):
    return not isinstance(x, jax.core.Tracer)


def check_mass(value, name: str, *, positive: bool = False):
    """ValueError if a concrete mass is negative (or not > 0 when ``positive``)."""
    if value is None or not _concrete(value):
        return
    v = np.asarray(value, dtype=np.float64)
    if positive and not np.all(v > 0.0):
        raise ValueError(f"{name} must be > 0 [GeV], got {value!r}")
    if not np.all(v >= 0.0):
        raise ValueError(f"{name} must be >= 0 [GeV], got {value!r}")


def check_positive(value, name: str):
    if value is None or not _concrete(value):
        return
    if not np.all(np.asarray(value, dtype=np.float64) > 0.0):
        raise ValueError(f"{name} must be > 0, got {value!r}")


# A grid must reach E − m = _COVER_E T (the Boltzmann tail beyond is < e^{−_COVER_E}) and hold at
# least _MIN_PEAK nodes below the thermal peak region's upper end.
_COVER_E = 12.0
_MIN_PEAK = 6


def check_grid(grid: MomentumGrid, m, T, name: str = "grid", *, max_spacing_over_T=None):
    """Build-time check that ``grid`` resolves the thermal distribution of a species of mass m at T.

    * p_max ≥ p_cover, p_cover = √((m + 12T)² − m²) (E − m = 12 T);
    * at least 6 nodes with p ≤ p_cover;
    * optionally the largest node spacing below p_cover ≤ max_spacing_over_T · T (the full elastic
      kernel has a width of a few T in p′, which point sampling must resolve).
    Skipped for traced inputs.
    """
    if not all(_concrete(x) for x in (grid.p, m, T)):
        return
    p = np.asarray(grid.p)
    m = float(np.asarray(m))
    T = float(np.asarray(T))
    p_cover = np.sqrt((m + _COVER_E * T) ** 2 - m**2)
    if p[-1] < p_cover:
        raise ValueError(
            f"{name}: p_max = {p[-1]:.4g} GeV does not cover the thermal distribution of mass {m:.4g} at T = {T:.4g}; "
            f"allowed range p_max ≥ √((m+{_COVER_E:g}T)²−m²) = {p_cover:.4g} GeV"
        )
    n_in = int(np.sum(p <= p_cover))
    if n_in < _MIN_PEAK:
        raise ValueError(f"{name}: only {n_in} nodes below p = {p_cover:.4g} GeV (thermal region); allowed range n ≥ {_MIN_PEAK}")
    if max_spacing_over_T is not None:
        sel = p <= p_cover
        dp = np.max(np.diff(np.concatenate([[0.0], p[sel]])))
        if dp > max_spacing_over_T * T:
            raise ValueError(
                f"{name}: node spacing {dp / T:.3g} T below p = {p_cover:.4g} GeV is too coarse for the elastic kernel "
                f"(width ~ T in p′); allowed range spacing ≤ {max_spacing_over_T:g} T"
            )
