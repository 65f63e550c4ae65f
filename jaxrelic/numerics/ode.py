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

__all__ = ["ODEResult", "solve_ode", "stiff_solver"]


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
