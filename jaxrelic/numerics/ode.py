"""The one ODE-solve wrapper of jaxrelic (around ``diffrax.diffeqsolve``).

Every solver in jaxrelic integrates through :func:`solve_ode`: stiff-safe
implicit Runge–Kutta (``Kvaerno5`` by default) with a PID step-size controller,
static output times, ``throw=False`` so that ``vmap`` over parameter points
works, and a per-point integer status (:mod:`jaxrelic.numerics.status`).

Stiffness note.  Boltzmann networks reach Γ/H ~ 1e10–1e20.  The implicit
stage equations are then solved to a residual no better than λ h ε (ε the
machine epsilon), so a Newton test on the residual (optimistix's "Cauchy"
termination, used by diffrax's default root finder with a tolerance κ·rtol)
never passes and every step is rejected.  :func:`stiff_solver` therefore
terminates the chord iteration on the size of the Newton update only, with the
controller's tolerances; on dy/dt = −λ(t)(e^y − e^{2u(t)−y}) this converges
in ~40–100 steps for every λ from 1e6 to 1e14 (tests/test_numerics.py).
"""

from __future__ import annotations

from typing import Any, Callable, NamedTuple

import diffrax
import jax
import jax.numpy as jnp
import optimistix as optx

from . import status as st
from .linalg import DenseLU

__all__ = ["GridResult", "ODEResult", "esdirk_step", "solve_ode", "solve_ode_grid", "stiff_solver"]


def stiff_solver(rtol: float = 1e-8, atol: float = 1e-8):
    """``Kvaerno5`` with a chord root finder that terminates on the update size.

    See the module docstring for why the residual test must be switched off.
    The chord's linear solves use :class:`jaxrelic.numerics.linalg.DenseLU`
    (plain ``jnp``) instead of lineax's LAPACK LU, whose batched CPU custom
    call can deadlock XLA's thread pool (see :mod:`jaxrelic.numerics.linalg`).
    """
    root = optx.Chord(rtol=rtol, atol=atol, cauchy_termination=False, linear_solver=DenseLU())
    return diffrax.Kvaerno5(root_finder=root)


class ODEResult(NamedTuple):
    """Output of :func:`solve_ode`.

    Attributes
    ----------
    ts : array (n_save,)
        Output times.
    ys : pytree of arrays with leading axis n_save
        Solution at ``ts``.
    status : int32 array
        :mod:`jaxrelic.numerics.status` code.
    num_steps : int array
        Accepted + rejected steps taken.
    """

    ts: Any
    ys: Any
    status: Any
    num_steps: Any


def solve_ode(
    rhs: Callable,
    y0,
    t0,
    t1,
    *,
    args=None,
    ts=None,
    rtol: float = 1e-8,
    atol: float = 1e-12,
    dt0=None,
    solver=None,
    max_steps: int = 4096,
    adjoint: str = "reverse",
    pcoeff: float = 0.3,
    icoeff: float = 0.4,
) -> ODEResult:
    """Integrate dy/dt = rhs(t, y, args) from t0 to t1.

    Parameters
    ----------
    rhs : callable
        Vector field ``rhs(t, y, args)`` returning a pytree shaped like ``y``.
    y0 : pytree
        Initial state.
    t0, t1 : float
        Integration interval.
    args : pytree, optional
        Passed through to ``rhs``.
    ts : array, optional
        Static-shaped output times (default: only ``t1``).
    rtol, atol : float
        Tolerances of the PID controller.
    dt0 : float, optional
        Initial step (default: chosen by diffrax).
    solver : diffrax solver, optional
        Default :func:`stiff_solver` (``Kvaerno5``: L-stable, stiffly accurate
        ESDIRK, order 5).
    max_steps : int
        Step budget; exceeding it gives status ``MAX_STEPS`` (not an exception).
    adjoint : {"reverse", "forward"}
        ``"reverse"`` uses recursive checkpointing (jax.grad / jacrev);
        ``"forward"`` uses ``diffrax.ForwardMode`` (jax.jvp / jacfwd, cheaper for
        few parameters).
    pcoeff, icoeff : float
        PID controller coefficients (defaults suited to stiff problems).
    """
    if solver is None:
        solver = stiff_solver(rtol, atol)
    if adjoint == "reverse":
        adj = diffrax.RecursiveCheckpointAdjoint()
    elif adjoint == "forward":
        adj = diffrax.ForwardMode()
    else:
        raise ValueError(f"solve_ode: adjoint must be 'reverse' or 'forward', got {adjoint!r}")
    saveat = diffrax.SaveAt(t1=True) if ts is None else diffrax.SaveAt(ts=ts)
    controller = diffrax.PIDController(rtol=rtol, atol=atol, pcoeff=pcoeff, icoeff=icoeff)
    sol = diffrax.diffeqsolve(
        diffrax.ODETerm(rhs),
        solver,
        t0,
        t1,
        dt0,
        y0,
        args=args,
        saveat=saveat,
        stepsize_controller=controller,
        max_steps=max_steps,
        adjoint=adj,
        throw=False,
    )
    status = jnp.where(
        sol.result == diffrax.RESULTS.successful,
        st.SUCCESS,
        jnp.where(sol.result == diffrax.RESULTS.max_steps_reached, st.MAX_STEPS, st.SOLVER_FAILED),
    ).astype(jnp.int32)
    leaves = jax.tree_util.tree_leaves(sol.ys)
    status = st.flag_nonfinite(status, *[leaf.reshape(-1) for leaf in leaves]) if leaves else status
    return ODEResult(ts=sol.ts, ys=sol.ys, status=status, num_steps=sol.stats["num_steps"])


# --------------------------------------------------------------------------- ESDIRK, fixed grid

#: Kvaerno5 (A. Kværnø, BIT 44 (2004) 489): 7-stage ESDIRK, order 5 (embedded 4), L-stable
#: and stiffly accurate; the tableau is read from diffrax so that both integrators share it.
_KV5 = diffrax.Kvaerno5.tableau
_KV5_GAMMA = float(_KV5.a_diagonal[1])
_KV5_A = tuple(tuple(float(a) for a in row) for row in _KV5.a_lower)
_KV5_C = (0.0,) + tuple(float(c) for c in _KV5.c)
_KV5_B_ERR = tuple(float(b) for b in _KV5.b_error)
#: Full Newton iterations per implicit stage (fixed count: no data-dependent termination).
NEWTON_ITERATIONS = 4
#: Largest Newton update per component and iteration (keeps exponentials finite far from
#: the root; a stage that needs more is flagged through the residual).
_NEWTON_MAX_STEP = 8.0


class GridResult(NamedTuple):
    """Output of :func:`solve_ode_grid`: the solution on every grid point, the largest
    embedded error estimate over the steps, the largest final Newton residual, a status."""

    ys: Any
    max_error: Any
    max_residual: Any
    status: Any


def _small_solve(m, b):
    """Solve m x = b for a tiny dense system without LAPACK (one division for n = 1)."""
    from .linalg import lu_factor, lu_solve

    if m.shape[0] == 1:
        return b / m[0, 0]
    lu, perm = lu_factor(m)
    return lu_solve(lu, perm, b)


def _stage_root(vf, fr, base, hg, Y0, eye, newton_iterations, max_step):
    """Root Y of G(Y) = Y − base − hγ f(Y) by ``newton_iterations`` full Newton steps from Y0,
    differentiated implicitly (``lax.custom_root``): the tangent of the root is one linear solve
    with I − hγ J at the root, dY = (I − hγJ)⁻¹ (d base + d(hγ) f + hγ ∂f/∂θ dθ), instead of the
    derivative of every Newton iteration (which needs second derivatives of f).  Forward and
    reverse mode; the value is the same as without it."""

    def G(Y):
        return Y - base - hg * vf(fr, Y)

    def solve(g, y_start):
        def newton(Yk, _):
            F, Jf = vf(fr, Yk), jax.jacfwd(lambda yy: vf(fr, yy))(Yk)
            dY = _small_solve(eye - hg * Jf, Yk - base - hg * F)
            return Yk - jnp.clip(dY, -max_step, max_step), None

        Y, _ = jax.lax.scan(newton, y_start, None, length=newton_iterations)
        return Y

    def tangent_solve(g, b):  # g is linear (the JVP of G at the root): solve g(x) = b
        return _small_solve(jax.jacfwd(g)(b), b)

    return jax.lax.custom_root(G, Y0, solve, tangent_solve)


def esdirk_step(vf, frames, y, h, newton_iterations: int = NEWTON_ITERATIONS, predictor=None, max_step=_NEWTON_MAX_STEP):
    """One Kvaerno5 step of dy/dt = vf(frame(t), y); returns (y₁, error estimate, residual).

    ``frames`` holds frame(t + c_i h) for the seven stages (leading axis 7).  Each implicit
    stage Y = base + hγ f(Y) is solved by a *fixed* number of full Newton iterations with the
    exact Jacobian (``jax.jacfwd``): converged Newton is quadratic, so the result is the stage
    root to round-off and, with no data-dependent stopping, a smooth function of the inputs.
    The returned residual max |Y − base − hγ f(Y)| of the last iterate tells whether it
    converged (it cannot fall below the round-off of f, ~ε Γ|y| h for a rate Γ).

    Each stage's Newton start is the previous stage value, or ``predictor(frame_{i−1},
    frame_i, Y_{i−1}, F_{i−1}, Δt)`` when given (F the previous stage derivative, Δt the time
    between the stages): a model-aware guess that keeps stiff components on
    their fast manifold (e.g. moves a species in equilibrium with the equilibrium), so
    that Newton's first step does not see a residual ~Γ·h.  The start value does not
    change the converged root.
    """
    frame_i = lambda i: jax.tree_util.tree_map(lambda a: a[i], frames)  # noqa: E731
    n = y.shape[0]
    eye = jnp.eye(n, dtype=y.dtype)
    Fs = [vf(frame_i(0), y)]
    Y = y
    res = jnp.zeros((), y.dtype)
    for i in range(1, 7):
        fr = frame_i(i)
        if predictor is not None:
            Y = predictor(frame_i(i - 1), fr, Y, Fs[-1], (_KV5_C[i] - _KV5_C[i - 1]) * h)
        base = y + h * sum(a * F for a, F in zip(_KV5_A[i - 1], Fs))
        hg = h * _KV5_GAMMA
        # predictor: the previous stage value (an extrapolation with F would carry the
        # stiff components' round-off, F ~ ε Γ|y|, into the start value)

        Y = _stage_root(vf, fr, base, hg, jax.lax.stop_gradient(Y), eye, newton_iterations, max_step)
        res = jnp.maximum(res, jax.lax.stop_gradient(jnp.max(jnp.abs(Y - base - hg * vf(fr, Y)))))
        # stage derivative from the stage equation, not from f(Y): the same value at the root,
        # without f's round-off ε Γ|y| in stiff components (Hairer & Wanner IV.8)
        Fs.append((Y - base) / hg)
    err = h * sum(b * F for b, F in zip(_KV5_B_ERR, Fs))
    # Shampine's filter (Hairer & Wanner IV.8): (I − hγJ)⁻¹ err, so that stiff components,
    # which the L-stable method damps, do not inflate the estimate in fast transients
    # (a diagnostic: no derivative flows through it)
    fr6, Ys, errs = jax.lax.stop_gradient((frame_i(6), Y, err))
    J_end = jax.jacfwd(lambda yy: vf(fr6, yy))(Ys)
    err = _small_solve(eye - jax.lax.stop_gradient(h) * _KV5_GAMMA * J_end, errs)
    return Y, err, res


def solve_ode_grid(vf, frame_fn, y0, ts, *, error_weight=None, predictor=None, newton_iterations: int = NEWTON_ITERATIONS, max_step=_NEWTON_MAX_STEP) -> GridResult:
    """Integrate dy/dt = vf(frame_fn(t), y) with Kvaerno5 on the fixed grid ``ts`` (1-D state).

    The vector field is split into a state-independent ``frame_fn(t)`` (a pytree: rates,
    equilibrium values, … — the expensive part) and a cheap ``vf(frame, y)``.  The frames of
    every stage of every step are computed up front in one vectorised batch, outside the
    sequential ``lax.scan``, which then only evaluates ``vf``.

    The grid is the caller's: there is no step-size control and no data-dependent Newton
    termination, so the discrete solution is a smooth (differentiable, ulp-stable) function
    of every input — unlike adaptive stepping, whose accept/reject pattern makes the output
    jitter at the tolerance.  Accuracy is the caller's responsibility: ``max_error`` (the
    embedded estimate; per component, or the scalar max_k Σ_i w_i(y_k)|err_i| with
    ``error_weight(frame, y) -> w``) and ``max_residual`` (unconverged Newton) tell how well the
    grid resolved the solution.  ``predictor``, ``max_step`` (largest Newton update per
    component and iteration): see :func:`esdirk_step`.  ``jax.grad`` and
    ``jax.jacfwd`` go through the scan.
    Zero-length steps are skipped.
    """
    y0 = jnp.asarray(y0, dtype=jnp.float64)
    ts = jnp.asarray(ts, dtype=jnp.float64)
    h = ts[1:] - ts[:-1]
    safe_h = jnp.where(h > 0, h, 1.0)
    # stages 0 and 5, 6 sit on grid points (c = 0, 1, 1): evaluate the frame once per grid point
    # and once per interior stage time (5n + 1 frames instead of 7n)
    inner = jnp.asarray(_KV5_C[1:5])
    on_grid = jax.vmap(frame_fn)(ts)
    interior = jax.vmap(jax.vmap(frame_fn))(ts[:-1, None] + inner[None, :] * h[:, None])
    frames = jax.tree_util.tree_map(
        lambda g, m: jnp.concatenate([g[:-1, None], m, g[1:, None], g[1:, None]], axis=1), on_grid, interior
    )

    def body(y, inputs):
        fr, hk, ok = inputs
        y_new, err, res = esdirk_step(vf, fr, y, hk, newton_iterations, predictor, max_step)
        y_new = jnp.where(ok, y_new, y)
        err = jnp.abs(jnp.where(ok, err, 0.0))
        if error_weight is not None:
            err = jnp.sum(error_weight(jax.tree_util.tree_map(lambda a: a[-1], fr), y_new) * err)
        return y_new, (y_new, err, jnp.where(ok, res, 0.0))

    _, (ys, errs, ress) = jax.lax.scan(body, y0, (frames, safe_h, h > 0))
    ys = jnp.concatenate([y0[None], ys], axis=0)
    status = st.flag_nonfinite(jnp.asarray(st.SUCCESS, dtype=jnp.int32), ys.reshape(-1))
    return GridResult(ys=ys, max_error=jnp.max(errs, axis=0), max_residual=jnp.max(ress), status=status)
