"""Gaussian quadrature rules: the one quadrature module of jaxrelic.

Nodes and weights are computed once in NumPy (Golub–Welsch eigenvalue method,
G. H. Golub & J. H. Welsch, Math. Comp. 23 (1969) 221) and cached; they enter
jitted code as constants.  All integrals in jaxrelic (thermal averages, collision
operators, phase space) go through :func:`gauss_legendre`,
:func:`gauss_laguerre` or :func:`integrate_interval`.
"""

from __future__ import annotations

import functools

import jax.numpy as jnp
import numpy as np

__all__ = ["gauss_legendre", "gauss_laguerre", "integrate_interval", "legendre_on"]


def _golub_welsch(diag: np.ndarray, offdiag: np.ndarray, mu0: float):
    jac = np.diag(diag) + np.diag(offdiag, 1) + np.diag(offdiag, -1)
    x, v = np.linalg.eigh(jac)
    w = mu0 * v[0, :] ** 2
    return x, w


@functools.lru_cache(maxsize=None)
def gauss_legendre(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Gauss–Legendre nodes and weights on [-1, 1] (exact for degree 2n-1)."""
    if n < 1:
        raise ValueError(f"gauss_legendre: n must be >= 1, got {n}")
    x, w = np.polynomial.legendre.leggauss(n)
    return x.astype(np.float64), w.astype(np.float64)


@functools.lru_cache(maxsize=None)
def gauss_laguerre(n: int, alpha: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Generalised Gauss–Laguerre rule with n ≥ 1 nodes: ∫_0^∞ x^α e^{-x} g(x) dx ≈ Σ w_i g(x_i), α > −1."""
    if n < 1:
        raise ValueError(f"gauss_laguerre: n must be >= 1, got {n}")
    if not alpha > -1.0:
        raise ValueError(f"gauss_laguerre: alpha must be > -1, got {alpha}")
    k = np.arange(n, dtype=np.float64)
    diag = 2.0 * k + alpha + 1.0
    off = np.sqrt((k[1:]) * (k[1:] + alpha))
    from math import lgamma, exp

    x, w = _golub_welsch(diag, off, exp(lgamma(alpha + 1.0)))
    return x, w


def legendre_on(a, b, n: int):
    """Gauss–Legendre nodes and weights mapped to [a, b] (a, b may be traced arrays)."""
    x, w = gauss_legendre(n)
    a = jnp.asarray(a, dtype=jnp.float64)
    b = jnp.asarray(b, dtype=jnp.float64)
    half = 0.5 * (b - a)
    mid = 0.5 * (b + a)
    nodes = mid[..., None] + half[..., None] * jnp.asarray(x)
    weights = half[..., None] * jnp.asarray(w)
    return nodes, weights


def integrate_interval(f, a, b, n: int = 64, panels: int = 1):
    """∫_a^b f(x) dx by composite Gauss–Legendre (``panels`` equal panels of ``n`` nodes).

    ``f`` must be vectorised over its argument (jnp broadcasting).
    """
    a = jnp.asarray(a, dtype=jnp.float64)
    b = jnp.asarray(b, dtype=jnp.float64)
    edges = a + (b - a) * jnp.linspace(0.0, 1.0, panels + 1)
    nodes, weights = legendre_on(edges[:-1], edges[1:], n)
    return jnp.sum(f(nodes) * weights)
