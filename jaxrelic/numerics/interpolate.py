"""Cubic-spline interpolation in JAX: the one interpolator of jaxrelic.

:class:`CubicSpline` is an ``eqx.Module`` holding knots and the second
derivatives of a C² natural (or clamped-by-extrapolation, "not-a-knot" free)
cubic spline.  Construction solves the tridiagonal system in ``jnp``
(``jax.lax.linalg.tridiagonal_solve``) so it is itself differentiable (tables
that depend on model parameters), evaluation is a ``searchsorted`` plus Horner
and gives the value and the first derivative.  Outside the knot range the
spline is extended linearly (value and slope at the end knot), which the
callers either forbid (thermodynamics tables) or document.
"""

from __future__ import annotations

import equinox as eqx
import jax
import jax.numpy as jnp

__all__ = ["CubicSpline", "linear_interp"]


def _second_derivatives(x, y):
    """Natural-spline second derivatives M_i (M_0 = M_{n-1} = 0)."""
    h = jnp.diff(x)
    n = x.shape[0]
    rhs = 6.0 * (jnp.diff(y[1:]) / h[1:] - jnp.diff(y[:-1]) / h[:-1])
    diag = 2.0 * (h[:-1] + h[1:])
    lower = jnp.concatenate([jnp.zeros(1), h[1:-1]])
    upper = jnp.concatenate([h[1:-1], jnp.zeros(1)])
    if n == 3:
        m_inner = rhs / diag
    else:
        m_inner = jax.lax.linalg.tridiagonal_solve(lower, diag, upper, rhs[:, None])[:, 0]
    return jnp.concatenate([jnp.zeros(1), m_inner, jnp.zeros(1)])


class CubicSpline(eqx.Module):
    """Natural cubic spline y(x) through (x_i, y_i) with linear extension.

    Parameters
    ----------
    x : array, shape (n,)
        Strictly increasing knots (n ≥ 3).
    y : array, shape (n,) or (n, k)
        Values; a 2-D ``y`` interpolates k columns at once.
    uniform : bool
        The knots are equally spaced: the segment is found arithmetically,
        ⌊(x − x₀)/h⌋, instead of by binary search (2.5× faster lookups, used by
        the collision-operator tables).  At a knot both neighbouring segments
        give the same value (C² spline), so rounding of the index is harmless.
    """

    x: jax.Array
    y: jax.Array
    m: jax.Array
    uniform: bool = eqx.field(static=True, default=False)

    def __init__(self, x, y, uniform: bool = False):
        x = jnp.asarray(x, dtype=jnp.float64)
        y = jnp.asarray(y, dtype=jnp.float64)
        if x.ndim != 1 or x.shape[0] < 3:
            raise ValueError(f"CubicSpline: x must be 1-D with >= 3 knots, got shape {x.shape}")
        if y.shape[0] != x.shape[0]:
            raise ValueError(f"CubicSpline: y has {y.shape[0]} rows but x has {x.shape[0]} knots")
        self.x = x
        self.y = y
        self.uniform = bool(uniform)
        if y.ndim == 1:
            self.m = _second_derivatives(x, y)
        else:
            self.m = jax.vmap(lambda col: _second_derivatives(x, col), in_axes=1, out_axes=1)(y)

    def _segment(self, xq):
        n = self.x.shape[0]
        if self.uniform:
            h = (self.x[-1] - self.x[0]) / (n - 1)
            return jnp.clip(jnp.floor((xq - self.x[0]) / h), 0, n - 2).astype(jnp.int32)
        return jnp.clip(jnp.searchsorted(self.x, xq, side="right") - 1, 0, n - 2)

    def __call__(self, xq):
        """Value at ``xq`` (any shape)."""
        return self.value_and_derivative(xq)[0]

    def derivative(self, xq):
        """First derivative dy/dx at ``xq``."""
        return self.value_and_derivative(xq)[1]

    def value_and_derivative(self, xq):
        """(y, dy/dx) at ``xq``; linear extension outside [x_0, x_{n-1}]."""
        xq = jnp.asarray(xq, dtype=jnp.float64)
        i = self._segment(xq)
        x0, x1 = self.x[i], self.x[i + 1]
        y0, y1 = self.y[i], self.y[i + 1]
        m0, m1 = self.m[i], self.m[i + 1]
        if self.y.ndim == 2:
            xq_, x0_, x1_ = xq[..., None], x0[..., None], x1[..., None]
        else:
            xq_, x0_, x1_ = xq, x0, x1
        h = x1_ - x0_
        inside = (xq_ >= self.x[0]) & (xq_ <= self.x[-1])
        t = jnp.where(inside, xq_, jnp.clip(xq_, self.x[0], self.x[-1]))
        a = (x1_ - t) / h
        b = (t - x0_) / h
        val = a * y0 + b * y1 + ((a**3 - a) * m0 + (b**3 - b) * m1) * h**2 / 6.0
        der = (y1 - y0) / h + (-(3.0 * a**2 - 1.0) * m0 + (3.0 * b**2 - 1.0) * m1) * h / 6.0
        val = jnp.where(inside, val, val + der * (xq_ - t))
        return val, der


def linear_interp(xq, x, y):
    """Piecewise-linear interpolation (``jnp.interp``) with constant extension."""
    return jnp.interp(jnp.asarray(xq, dtype=jnp.float64), x, y)
