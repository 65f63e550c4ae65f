"""Cubic-spline interpolation in JAX: the one interpolator of jaxrelic.

:class:`CubicSpline` is an ``eqx.Module`` holding knots and the second
derivatives of a C² natural (or clamped-by-extrapolation, "not-a-knot" free)
cubic spline.  Construction solves the tridiagonal system with the Thomas
algorithm in a ``lax.scan`` (:func:`tridiagonal_solve`), so it is itself
differentiable (tables that depend on model parameters) and contains no LAPACK
custom call (see that function for why), evaluation is a ``searchsorted`` plus Horner
and gives the value and the first derivative.  Outside the knot range the
spline is extended linearly (value and slope at the end knot), which the
callers either forbid (thermodynamics tables) or document.
"""

from __future__ import annotations

import contextlib

import equinox as eqx
import jax
import jax.numpy as jnp

__all__ = ["CubicSpline", "linear_interp", "tridiagonal_solve"]


def tridiagonal_solve(lower, diag, upper, rhs):
    """Solve a diagonally dominant tridiagonal system by the Thomas algorithm.

    Row i reads ``lower[i] x[i-1] + diag[i] x[i] + upper[i] x[i+1] = rhs[i]``
    (``lower[0]`` and ``upper[-1]`` are ignored).  ``rhs`` has shape (n,) or
    (n, k); the elimination factors are shared by the k columns.  Without
    pivoting the algorithm is backward stable for diagonally dominant
    matrices, which the natural-spline system (|diag| = 2(h_i + h_{i+1}) >
    |lower| + |upper|) is.  Forward and back substitution are two
    ``lax.scan`` sweeps, so the solve is differentiable in every argument.

    Why not ``jax.lax.linalg.tridiagonal_solve``: on the CPU backend (jaxlib
    0.10) it is the LAPACK ``dgtsv`` FFI custom call, which splits a large
    batch over XLA's intra-op thread pool with ``ParallelBatchMap`` and then
    blocks that pool thread on a ``BlockingCounter``.  When the thunk executor
    runs two such calls at once on the two pool threads of a 2-core host, both
    wait for tasks queued behind themselves and the program never returns
    (gdb: both ``tf_XLAEigen`` threads in ``BlockingCounter::Wait`` under
    ``lapack_dgtsv_ffi``, the main thread in ``BlockUntilReady``).  That was the
    hang of vmapped twin-Higgs batches of ≥ 96 points, docs/performance.md.
    """
    diag = jnp.asarray(diag, dtype=jnp.float64)
    lower = jnp.asarray(lower, dtype=jnp.float64)
    upper = jnp.asarray(upper, dtype=jnp.float64)
    rhs = jnp.asarray(rhs, dtype=jnp.float64)

    def forward(carry, row):
        c_prev, r_prev = carry
        l_i, d_i, u_i, r_i = row
        denom = d_i - l_i * c_prev
        c_i = u_i / denom
        r_new = (r_i - l_i * r_prev) / denom
        return (c_i, r_new), (c_i, r_new)

    lower0 = lower.at[0].set(0.0)
    init = (jnp.zeros((), jnp.float64), jnp.zeros(rhs.shape[1:], jnp.float64))
    _, (c, r) = jax.lax.scan(forward, init, (lower0, diag, upper, rhs))
    c = c.at[-1].set(0.0)

    def backward(x_next, row):
        c_i, r_i = row
        x_i = r_i - c_i * x_next
        return x_i, x_i

    _, x = jax.lax.scan(backward, jnp.zeros(rhs.shape[1:], jnp.float64), (c, r), reverse=True)
    return x


def _second_derivatives(x, y):
    """Natural-spline second derivatives M_i (M_0 = M_{n-1} = 0).

    ``y`` has shape (n,) or (n, k); the k columns share one elimination.
    """
    h = jnp.diff(x)
    hcol = h.reshape(h.shape + (1,) * (y.ndim - 1))
    dy = jnp.diff(y, axis=0) / hcol
    rhs = 6.0 * (dy[1:] - dy[:-1])
    diag = 2.0 * (h[:-1] + h[1:])
    lower = jnp.concatenate([jnp.zeros(1), h[1:-1]])
    upper = jnp.concatenate([h[1:-1], jnp.zeros(1)])
    m_inner = tridiagonal_solve(lower, diag, upper, rhs)
    zero = jnp.zeros((1,) + y.shape[1:])
    return jnp.concatenate([zero, m_inner, zero], axis=0)


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
        # Tables from data (x, y concrete, e.g. the g_* table) are solved eagerly even when the
        # spline is built inside a jit trace, so that their coefficients are bitwise the same in
        # every calling context: XLA fusion of an in-graph solve differs by a few ulp (4e-14
        # measured), which adaptive ODE steps downstream can turn into ~1e-6 differences.
        concrete = not any(isinstance(v, jax.core.Tracer) for v in (x, y))
        with jax.ensure_compile_time_eval() if concrete else contextlib.nullcontext():
            x = jnp.asarray(x, dtype=jnp.float64)
            y = jnp.asarray(y, dtype=jnp.float64)
            if x.ndim != 1 or x.shape[0] < 3:
                raise ValueError(f"CubicSpline: x must be 1-D with >= 3 knots, got shape {x.shape}")
            if y.shape[0] != x.shape[0]:
                raise ValueError(f"CubicSpline: y has {y.shape[0]} rows but x has {x.shape[0]} knots")
            self.m = _second_derivatives(x, y)
        self.x = x
        self.y = y
        self.uniform = bool(uniform)

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
