"""One-parameter roots and contours: ``output(p) = target``.

* :func:`solve_for` — one parameter such that one output equals a target
  (optimistix Newton, or bisection when a bracket is given); :class:`RootResult`.
* :func:`trace_contour` — the curve ``output = target`` solved for one parameter
  along a grid of another (continuation from the previous roots); :class:`ContourResult`.

Both solve ``h(O(p)) = h(t)`` with the residual variable ``h ≈ ln``
(:mod:`jaxrelic.workflows.objective`) in the unconstrained variable of ``p``
(:mod:`jaxrelic.workflows.transforms`); the jitted solvers of one (model, discrete
options, parameter, output) are compiled once and cached.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Mapping

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import optimistix as optx

from ..numerics import status as st
from ..interface.adapter import resolve_point, with_background
from ..interface.registry import get_model
from .objective import _A_REL, _CACHE, DEFAULT_TARGETS, FitError, _check_annihilates, _h, _point, _static_key
from ..interface.parameters import ParameterError
from .transforms import at_bound, bound_text, start_and_scale, transform_for

__all__ = ["RootResult", "ContourResult", "solve_for", "trace_contour"]


def _zero_tangent(x):
    x = jnp.asarray(x)
    if jnp.issubdtype(x.dtype, jnp.inexact):
        return jnp.zeros_like(x)
    return np.zeros(x.shape, dtype=jax.dtypes.float0)


class _RootProblem:
    """Jitted root solvers of :func:`solve_for` / :func:`trace_contour`."""

    def __init__(self, model, given, name, output, rtol, atol, max_steps):
        ev = get_model(model)
        fn = _point(model, given, "reverse")
        tr = transform_for(*ev.bounds[name])
        self.transform = tr

        def impl(z, args):
            """Residual ``F = h(O) − h(t)`` and, as aux, the outputs, status and parameter at ``z``."""
            base, scale, consts, t, a = args
            p = dict(consts)
            p[name] = tr.to_physical(base + scale * z)
            out = fn(p)
            return _h(out[output], a) - _h(t, a), ({k: out[k] for k in ev.outputs}, out["status"], p[name])

        # Newton needs dF/dz; optimistix takes it in forward mode, which the twin solver
        # (custom_vjp) does not support: supply it from one reverse pass.  Returning the
        # outputs as aux of the same function keeps one copy of the model per use.
        @jax.custom_jvp
        def residual(z, args):
            return impl(z, args)

        @residual.defjvp
        def _residual_jvp(primals, tangents):
            z, args = primals
            dz, dargs = tangents
            (val, aux), (gz, gargs) = jax.value_and_grad(impl, argnums=(0, 1), has_aux=True)(z, args)
            tdot = gz * dz
            for g, t in zip(jax.tree_util.tree_leaves(gargs), jax.tree_util.tree_leaves(dargs)):
                tdot = tdot + jnp.sum(g * t)
            return (val, aux), (tdot, jax.tree_util.tree_map(_zero_tangent, aux))

        def finish(sol):
            # aux belongs to the last evaluated iterate, where the termination test checked
            # |F|: report that point (it differs from sol.value by less than the step tolerance)
            floats, status, p = sol.aux
            ok = sol.result == optx.RESULTS.successful
            return p, ok, sol.stats["num_steps"], floats, status

        def newton(z0, args):
            solver = optx.Newton(rtol=rtol, atol=atol)
            sol = optx.root_find(residual, solver, z0, args=args, has_aux=True, max_steps=max_steps, throw=False)
            return finish(sol)

        def bisect(z0, lower, upper, args):
            solver = optx.Bisection(rtol=rtol, atol=atol, flip="detect")
            sol = optx.root_find(impl, solver, z0, args=args, has_aux=True, max_steps=max_steps, throw=False,
                                 options=dict(lower=lower, upper=upper))
            return finish(sol)

        def values(z, args):
            f, (floats, status, _) = impl(z, args)
            return f, floats[output], status

        self.newton = jax.jit(eqx.debug.assert_max_traces(newton, max_traces=1))
        self.bisect = jax.jit(eqx.debug.assert_max_traces(bisect, max_traces=1))
        self.values = jax.jit(eqx.debug.assert_max_traces(values, max_traces=1))


@dataclasses.dataclass(frozen=True)
class RootResult:
    """Outcome of :func:`solve_for`: ``outputs[output] == target`` at ``name = value``."""

    model: str
    name: str
    value: float
    output: str
    target: float
    achieved: float
    outputs: dict
    iterations: int
    converged: bool
    reason: str
    status: int


@dataclasses.dataclass(frozen=True)
class ContourResult:
    """Outcome of :func:`trace_contour`: ``roots[i]`` solves ``output = target`` at ``vary = values[i]``.

    Failed points have ``roots[i] = NaN``, ``converged[i] = False`` and a non-zero
    ``status[i]`` (the model status, or ``NOT_CONVERGED``); ``reasons[i]`` says why.
    """

    model: str
    vary: str
    solve: str
    output: str
    target: float
    values: np.ndarray
    roots: np.ndarray
    achieved: np.ndarray
    status: np.ndarray
    converged: np.ndarray
    iterations: np.ndarray
    reasons: tuple


def _target_value(output: str, target) -> tuple[float, float]:
    if target is None:
        if output not in DEFAULT_TARGETS:
            raise ParameterError(f"target for {output} needs a value (observed defaults exist for "
                                 f"{', '.join(DEFAULT_TARGETS)})")
        target = DEFAULT_TARGETS[output][0]
    try:
        t = float(target)
    except (TypeError, ValueError):
        raise ParameterError(f"target {output}={target!r} is not a number") from None
    if not math.isfinite(t):
        raise ParameterError(f"target {output}={target!r} must be finite")
    # relative scale: h(O) − h(t) ≈ ln(O/t) for every t ≠ 0 (an absolute scale such as
    # 1e-10 × Planck's σ made a target far below it a linear, absolute residual)
    a = _A_REL * abs(t)
    if a <= 0.0:
        raise ParameterError(f"target {output}={target!r} must be non-zero for a root solve")
    return t, a


def _root_setup(model, name, output, given, extra, rtol, ftol, max_steps, also_free=()):
    ev = get_model(model)
    if name not in ev.bounds:
        raise ParameterError(f"parameter {name!r} of model {model} cannot be solved for; allowed: "
                             f"{', '.join(ev.bounds)}")
    if output not in ev.outputs:
        raise ParameterError(f"unknown output {output!r} for model {model}; allowed: {', '.join(ev.outputs)}")
    for k, val in (("rtol", rtol), ("ftol", ftol)):
        if not (math.isfinite(val) and val > 0):
            raise ParameterError(f"{k}={val!r} must be finite and > 0")
    if int(max_steps) != max_steps or max_steps < 1:
        raise ParameterError(f"max_steps={max_steps!r} must be a positive integer")
    merged = dict(given or {})
    merged.update({k: v for k, v in extra.items() if v is not None})
    fixed = resolve_point(model, merged)
    _check_annihilates(model, fixed, (name, *also_free))
    key = ("root", model, _static_key(model, fixed), name, output, float(rtol), float(ftol), int(max_steps))
    prob = _CACHE.get_or_build(key, lambda: _RootProblem(model, merged, name, output, rtol, ftol, int(max_steps)))
    return ev, fixed, prob


def _judge(output, achieved, t, a, ok, status, steps, method, ftol, name, value, tr):
    """Converged flag and reason of one root solve.

    Converged means: the solver reports success, the model status is ``SUCCESS`` and
    the output itself is within ``ftol`` of the target, ``|ln(O/t)| ≤ ftol``
    (checked here on the reported point, not taken from the solver's flag).  A
    failure names the parameter's bound when the iterate sits on it.
    """
    resid = float(_h(achieved, a) - _h(t, a))
    rel = abs(math.log(achieved / t)) if (achieved / t > 0 and math.isfinite(achieved)) else math.inf
    at = f"{output} = {achieved:.6g}, target {t:.6g}"
    bound = None
    if tr is not None and math.isfinite(value):
        u = float(tr.to_unconstrained(value))
        b = at_bound(tr, u) if math.isfinite(u) else (f"{tr.lo:g}" if value <= tr.lo else f"{tr.hi:g}")
        if b is not None:
            bound = (f"; {name} = {value:.6g} is at its bound {bound_text(tr, b)}: the target is not reachable "
                     "in the allowed range")
    if status != st.SUCCESS:
        return False, f"model status {st.status_name(status)} at the last iterate ({name} = {value:.6g}, {at})"
    if not ok:
        return False, f"{method} did not converge in {steps} steps ({at}){bound or ''}"
    if not math.isfinite(resid):
        return False, f"non-finite {output} = {achieved!r}"
    if not rel <= ftol:
        return False, (f"{method} stopped after {steps} steps at {at}: |ln({output}/target)| = {rel:.3g} > "
                       f"ftol = {ftol:.3g}{bound or ''}")
    return True, f"{method} converged in {steps} steps (|ln({output}/target)| = {rel:.2g} <= ftol = {ftol:.2g})"


@with_background
def solve_for(model: str, name: str, output: str = "omega_h2", target=None, given: Mapping | None = None, *,
              x0=None, bracket=None, rtol: float = 1e-8, ftol: float = 1e-8, max_steps: int = 64,
              strict: bool = True) -> RootResult:
    """The value of parameter ``name`` at which ``output`` equals ``target``.

    Solves ``h(O(p)) = h(t)`` with ``h`` ≈ ln (module docstring) in the transformed
    variable of ``p``: Newton (optimistix, derivative by reverse-mode autodiff)
    from ``x0``, or bisection (optimistix) inside ``bracket``.

    Parameters
    ----------
    model, name : str
        Model and the continuous parameter to solve for.
    output : str
        Float output of the model.
    target : float, optional
        Target value (default: the observed value of :data:`DEFAULT_TARGETS`).
    given : mapping, optional
        Other parameter values.
    x0 : float, optional
        Newton start (default: ``given[name]`` or the model default).
    bracket : (float, float), optional
        ``(low, high)`` enclosing the root; selects bisection.
    rtol : float
        Relative tolerance on the transformed parameter.
    ftol : float
        Tolerance on ``ln O − ln t`` (relative accuracy of the output).
    max_steps : int
        Maximum Newton / bisection steps.
    strict : bool
        Raise :class:`FitError` on failure (default), else return ``converged=False``.

    Returns
    -------
    RootResult
    """
    t, a = _target_value(output, target)
    start = x0
    if bracket is not None:
        try:
            lo_b, hi_b = (float(b) for b in bracket)
        except (TypeError, ValueError):
            raise ParameterError(f"bracket for {name} must be two numbers (low, high), got {bracket!r}") from None
        if not lo_b < hi_b:
            raise ParameterError(f"bracket for {name} must satisfy low < high, got {bracket!r}")
        if start is None:
            start = math.sqrt(lo_b * hi_b) if lo_b > 0 else 0.5 * (lo_b + hi_b)
    ev, fixed, prob = _root_setup(model, name, output, given, {name: start}, rtol, ftol, max_steps)
    tr = prob.transform
    u0, c = start_and_scale(name, tr, fixed[name])
    consts = {n: jnp.float64(fixed[n]) for n in ev.bounds}
    args = (jnp.float64(u0), jnp.float64(c), consts, jnp.float64(t), jnp.float64(a))
    if bracket is None:
        sol = prob.newton(jnp.float64(0.0), args)
        method = "Newton"
    else:
        for b in (lo_b, hi_b):
            resolve_point(model, {**dict(given or {}), name: b})  # range check, names the parameter
        zb = [(float(tr.to_unconstrained(b)) - u0) / c for b in (lo_b, hi_b)]
        if not all(math.isfinite(z) for z in zb):
            raise ParameterError(f"bracket {bracket!r} of {name} must lie strictly inside the allowed range "
                                 f"[{tr.lo:g}, {tr.hi:g}]")
        ends = [prob.values(jnp.float64(z), args) for z in zb]
        for b, (_, val, status) in zip((lo_b, hi_b), ends):
            if int(status) != st.SUCCESS:
                raise FitError(f"bracket end {name}={b:g}: model status {st.status_name(int(status))}")
        f_lo, f_hi = (float(e[0]) for e in ends)
        if not (f_lo * f_hi <= 0.0):
            raise FitError(f"bracket [{lo_b:g}, {hi_b:g}] of {name} does not enclose {output} = {t:g}: "
                           f"{output} = {float(ends[0][1]):.6g} and {float(ends[1][1]):.6g} at its ends")
        sol = prob.bisect(jnp.float64(0.5 * (zb[0] + zb[1])), jnp.float64(zb[0]), jnp.float64(zb[1]), args)
        method = "bisection"
    p, ok, steps, floats, status = sol
    floats = {k: float(x) for k, x in floats.items()}
    converged, reason = _judge(output, floats[output], t, a, bool(ok), int(status), int(steps), method, ftol, name,
                               float(p), tr)
    res = RootResult(model=model, name=name, value=float(p), output=output, target=t, achieved=floats[output],
                     outputs=floats, iterations=int(steps), converged=converged, reason=reason, status=int(status))
    if strict and not converged:
        raise FitError(f"solve for {name} ({model}, {output} = {t:g}) failed: {reason}", res)
    return res


@with_background
def trace_contour(model: str, vary: str, values, solve: str = "theta1", output: str = "omega_h2", target=None,
                  given: Mapping | None = None, *, x0=None, extrapolate: bool = True, rtol: float = 1e-8,
                  ftol: float = 1e-7, max_steps: int = 64) -> ContourResult:
    """Trace ``output(vary, solve) = target`` as ``solve(vary)`` by continuation.

    At each value of ``vary`` (in the given order) Newton starts from the linear
    extrapolation of the last two roots (in the transformed variables; the last
    root after one success, ``x0`` at the first point); a failure is retried from
    the last root, then marked (``NaN`` root, non-zero status) and the trace goes on.

    Parameters
    ----------
    model : str
    vary : str
        Continuous parameter along the contour (e.g. ``"r"``).
    values : array_like
        Its values (1-d).
    solve : str
        Parameter solved for (e.g. ``"theta1"``).
    output, target :
        As in :func:`solve_for`.
    given : mapping, optional
        Other parameter values.
    x0 : float, optional
        Start of ``solve`` at the first point (default: ``given`` or model default).
    extrapolate : bool
        Use linear extrapolation of the previous roots as the start.
    rtol, ftol, max_steps :
        As in :func:`solve_for`.

    Returns
    -------
    ContourResult
    """
    vals = np.asarray(values, dtype=np.float64)
    if vals.ndim != 1 or vals.size == 0:
        raise ParameterError(f"values of {vary} must be a non-empty 1-d array, got shape {vals.shape}")
    if vary == solve:
        raise ParameterError(f"vary and solve must differ, both are {vary!r}")
    t, a = _target_value(output, target)
    ev, fixed, prob = _root_setup(model, solve, output, given, {solve: x0, vary: float(vals[0])}, rtol, ftol,
                                  max_steps, also_free=(vary,))
    if vary not in ev.bounds:
        raise ParameterError(f"parameter {vary!r} of model {model} cannot be varied; allowed: "
                             f"{', '.join(ev.bounds)}")
    for x in vals:
        resolve_point(model, {**dict(given or {}), vary: float(x)})  # range check naming `vary`
    tr = prob.transform
    tr_vary = transform_for(*ev.bounds[vary])
    u0, c = start_and_scale(solve, tr, fixed[solve])
    consts = {n: jnp.float64(fixed[n]) for n in ev.bounds}

    n = vals.size
    roots = np.full(n, np.nan)
    achieved = np.full(n, np.nan)
    status = np.full(n, st.NOT_CONVERGED, dtype=np.int32)
    converged = np.zeros(n, dtype=bool)
    iterations = np.zeros(n, dtype=np.int32)
    reasons = []
    good: list[tuple[float, float]] = []  # (transformed vary, z) of successful points

    for i, x in enumerate(vals):
        consts = dict(consts)
        consts[vary] = jnp.float64(x)
        args = (jnp.float64(u0), jnp.float64(c), consts, jnp.float64(t), jnp.float64(a))
        w = float(tr_vary.to_unconstrained(x))
        starts = []
        if extrapolate and len(good) >= 2 and good[-1][0] != good[-2][0]:
            (w1, z1), (w2, z2) = good[-2], good[-1]
            starts.append(z2 + (z2 - z1) * (w - w2) / (w2 - w1))
        if good:
            starts.append(good[-1][1])
        else:
            starts.append(0.0)
        for z0 in starts:
            p, ok, steps, floats, stat = prob.newton(jnp.float64(z0), args)
            achieved_i = float(floats[output])
            conv, reason = _judge(output, achieved_i, t, a, bool(ok), int(stat), int(steps), "Newton", ftol, solve,
                                  float(p), tr)
            iterations[i] += int(steps)
            if conv:
                break
        achieved[i] = achieved_i
        reasons.append(reason)
        if conv:
            roots[i], converged[i], status[i] = float(p), True, st.SUCCESS
            good.append((w, (float(tr.to_unconstrained(p)) - u0) / c))
        else:
            status[i] = int(stat) if int(stat) != st.SUCCESS else st.NOT_CONVERGED
    return ContourResult(model=model, vary=vary, solve=solve, output=output, target=t, values=vals, roots=roots,
                         achieved=achieved, status=status, converged=converged, iterations=iterations,
                         reasons=tuple(reasons))
