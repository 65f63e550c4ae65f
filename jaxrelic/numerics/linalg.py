"""Small dense linear algebra in plain ``jnp`` (no LAPACK custom calls).

Why this module exists.  On the CPU backend jaxlib (0.10) implements every
batched LAPACK routine (``getrf``, ``trsm``, ``gtsv``, …) as an FFI custom call
that splits a large batch over XLA's intra-op thread pool (``ParallelBatchMap``)
and then blocks the calling pool thread on a ``BlockingCounter`` until the
chunks are done.  When as many such calls run at once as the pool has threads
(two independent calls on a 2-core host, or one per forced host device), every
thread waits for work queued behind itself and the program never returns.  A
call only splits when batch × cost_per_matrix ≥ 2×10⁵ FLOP, so the hang appears
suddenly above a batch size: it hit vmapped twin-Higgs batches of ≥ 96 points
(two spline constructions, ``gtsv``), and the 7×7 LU of the cogenesis implicit
stage equations would split from ≈ 600 points per device on.
docs/performance.md has the gdb evidence.

The systems solved here are tiny (state vectors of 1–7 components, 2×2 matrix
exponentials, tridiagonal spline systems), so unrolled or scanned ``jnp`` code is
as fast as LAPACK and vmaps into plain vectorised XLA.  Contents:

* :func:`lu_factor`, :func:`lu_solve` — Gaussian elimination with partial
  pivoting, and :class:`DenseLU`, the same as a ``lineax`` solver (used by the
  chord iteration of the implicit ODE solver, :func:`jaxrelic.numerics.ode.stiff_solver`);
* :func:`expm_2x2` — closed-form exponential of a real 2×2 matrix.

The tridiagonal (Thomas) solve of the spline lives with the spline,
:func:`jaxrelic.numerics.interpolate.tridiagonal_solve`.
"""

from __future__ import annotations

from typing import Any

import equinox.internal as eqxi
import jax
import jax.numpy as jnp
import lineax as lx
from jax.flatten_util import ravel_pytree

__all__ = ["DenseLU", "expm_2x2", "lu_factor", "lu_solve"]


def lu_factor(a):
    """LU factorisation with partial pivoting, P A = L U, of a square (n, n) ``a``; returns (lu, perm).

    ``lu`` holds U on and above the diagonal and the multipliers of the unit-lower L below; row i of P A is row
    ``perm[i]`` of A. The n elimination steps are a ``lax.fori_loop`` over masked whole-matrix updates (O(n³) per
    step, meant for n ≲ 16: small programs, fast compilation, plain vectorised XLA under ``vmap``).
    """
    a = jnp.asarray(a)
    n = a.shape[0]
    if a.ndim != 2 or a.shape[1] != n:
        raise ValueError(f"lu_factor: a must be square, got shape {a.shape}")
    rows = jnp.arange(n)
    if n == 1:
        return a, rows

    def step(k, carry):
        a, perm = carry
        p = jnp.argmax(jnp.where(rows >= k, jnp.abs(a[:, k]), -1.0))
        swap = jnp.where(rows == k, p, jnp.where(rows == p, k, rows))
        a, perm = a[swap], perm[swap]
        below = rows > k
        mult = jnp.where(below, a[:, k] / a[k, k], 0.0)
        a = a - mult[:, None] * jnp.where(rows[None, :] > k, a[k][None, :], 0.0)
        return jnp.where((rows[:, None] > k) & (rows[None, :] == k), mult[:, None], a), perm

    return jax.lax.fori_loop(0, n, step, (a, rows))


def lu_solve(lu, perm, b, trans: bool = False):
    """Solve A x = b (``trans=False``) or Aᵀ x = b from :func:`lu_factor`.

    ``b`` has shape (n,) or (n, k).
    """
    n = lu.shape[0]
    b = jnp.asarray(b)
    if n == 1:
        # one division (the WIMP network): the loop form gave vmapped and single-point results
        # that differed by up to 4e-6 in Ω h² after the adaptive steps (docs/performance.md)
        return b / lu[0, 0]
    idx = jnp.arange(n)
    lower = jnp.tril(lu, -1)
    upper = jnp.triu(lu)
    # trans=False: L U x = P b (forward with unit L, back with U);
    # trans=True: Aᵀ = Uᵀ Lᵀ P, so Uᵀ z = b (forward), Lᵀ w = z (back, unit), x = Pᵀ w
    first, second = (lower, upper) if not trans else (upper.T, lower.T)
    unit_first = not trans

    def forward(i, y):
        r = y[i] - jnp.tensordot(jnp.where(idx < i, first[i], 0.0), y, axes=1)
        return y.at[i].set(r if unit_first else r / first[i, i])

    def backward(j, y):
        i = n - 1 - j
        r = y[i] - jnp.tensordot(jnp.where(idx > i, second[i], 0.0), y, axes=1)
        return y.at[i].set(r / second[i, i] if unit_first else r)

    y = jax.lax.fori_loop(0, n, forward, b[perm] if not trans else b)
    y = jax.lax.fori_loop(0, n, backward, y)
    return y if not trans else jnp.zeros_like(y).at[perm].set(y)


class DenseLU(lx.AbstractLinearSolver):
    """``lineax`` LU solver built on :func:`lu_factor` / :func:`lu_solve`.

    Same contract as ``lineax.LU`` (square, nonsingular operators), without
    the LAPACK custom calls; see the module docstring.
    """

    def init(self, operator, options: dict[str, Any]):
        del options
        if operator.in_size() != operator.out_size():
            raise ValueError("DenseLU: the operator must be square")
        structures = (operator.in_structure(), operator.out_structure())
        return lu_factor(operator.as_matrix()), eqxi.Static(structures), eqxi.Static(False)

    def compute(self, state, vector, options: dict[str, Any]):
        del options
        (lu, perm), structures, transpose = state
        in_struct, out_struct = structures.value
        b, _ = ravel_pytree(vector)
        x = lu_solve(lu, perm, b, trans=transpose.value)
        # A: in → out, so A x = b returns an element of the input space (Aᵀ: of the output space)
        target = out_struct if transpose.value else in_struct
        _, unravel = ravel_pytree(jax.tree.map(lambda t: jnp.zeros(t.shape, t.dtype), target))
        return unravel(x), lx.RESULTS.successful, {}

    def transpose(self, state, options: dict[str, Any]):
        del options
        factors, structures, transpose = state
        return (factors, structures, eqxi.Static(not transpose.value)), {}

    def conj(self, state, options: dict[str, Any]):
        del options
        (lu, perm), structures, transpose = state
        return ((lu.conj(), perm), structures, transpose), {}

    def assume_full_rank(self):
        return True


def expm_2x2(m):
    """exp(M) of a real 2×2 matrix in closed form.

    With s = tr M / 2 and q² = ((M₁₁ − M₂₂)/2)² + M₁₂ M₂₁ (M − s·1 squares to q²·1),
    exp(M) = e^s [cosh q · 1 + (sinh q / q)(M − s·1)], continued to cos / sin
    for q² < 0 and expanded (1 + q²/6 + q⁴/120) near q = 0, so that it is exact
    and differentiable for every real M.  e^{s±q} are formed before they are
    combined, so strongly damped matrices (s ≪ 0) underflow cleanly to 0.
    """
    m = jnp.asarray(m)
    s = 0.5 * (m[0, 0] + m[1, 1])
    q2 = (0.5 * (m[0, 0] - m[1, 1])) ** 2 + m[0, 1] * m[1, 0]
    small = jnp.abs(q2) < 1e-6
    pos = q2 > 0.0
    q = jnp.sqrt(jnp.where(pos & ~small, q2, 1.0))
    w = jnp.sqrt(jnp.where(~pos & ~small, -q2, 1.0))
    ep, em = jnp.exp(s + q), jnp.exp(s - q)
    es = jnp.exp(s)
    cosh_h = jnp.where(small, es * (1.0 + q2 / 2.0 + q2**2 / 24.0),
                       jnp.where(pos, 0.5 * (ep + em), es * jnp.cos(w)))
    sinc_h = jnp.where(small, es * (1.0 + q2 / 6.0 + q2**2 / 120.0),
                       jnp.where(pos, 0.5 * (ep - em) / q, es * jnp.sin(w) / w))
    eye = jnp.eye(2, dtype=m.dtype)
    return cosh_h * eye + sinc_h * (m - s * eye)
