"""Fits of model parameters to observed abundances, one-parameter roots, contour continuation.

Three entry points, all built on :func:`jaxrelic.workflows.evaluate.point_function`:

* :func:`fit` — χ² fit of one or more free parameters to one or more targets
  (``Ω h² = 0.120 ± 0.001``, ``Y_B = (8.7 ± 0.06)×10⁻¹¹``, any float output) with
  optax's L-BFGS direction and a backtracking line search, on transformed
  (unconstrained) parameters; returns a :class:`FitResult` and raises
  :class:`FitError` when it does not converge.
* :func:`solve_for` — one parameter such that one output equals a target
  (optimistix Newton, or bisection when a bracket is given); :class:`RootResult`.
* :func:`trace_contour` — the curve ``output = target`` solved for one parameter
  along a grid of another (continuation from the previous roots); :class:`ContourResult`.

Parameter transforms
--------------------
Each free parameter ``p`` with allowed range ``(lo, hi)`` and ``positive`` flag
(:attr:`Evaluator.continuous`) is mapped to an unconstrained ``u`` by
:class:`Transform`:

==============================  ============================  =====================================
range                           ``u``                          ``p(u)``
==============================  ============================  =====================================
finite, positive, ``lo > 0``    logit of ``ln p`` in            ``exp(ln lo + (ln hi − ln lo) σ(u))``
                                ``(ln lo, ln hi)``
finite otherwise                ``ln((p − lo)/(hi − p))``      ``lo + (hi − lo) σ(u)``
``[lo, ∞)``                     ``ln(p − lo)``                 ``lo + eˣ``
``(−∞, hi]``                    ``ln(hi − p)``                 ``hi − eˣ``
``(−∞, ∞)``                     ``p``                          ``u``
==============================  ============================  =====================================

(σ is the logistic function; the result is clipped to ``[lo, hi]`` against
round-off), so every trial point of the optimiser lies in the allowed range.  On
a range ``[0, hi]`` (WIMP ``sigma_v`` and ``b``) the logit is ``ln p − ln(hi − p) ≈ ln p``
far below ``hi``, i.e. logarithmic: a free parameter there must start above 0.  Only
free parameters are transformed; fixed ones enter the model as given, so a pure
p-wave WIMP (``sigma_v = 0`` fixed, ``b`` free) fits like any other, while
``sigma_v = b = 0`` both fixed (nothing annihilates) is rejected up front.  The
optimiser works on ``v = (u − u₀)/c`` with ``c = min(1, |p₀ du/dp(p₀)|)``: one unit
of ``v`` is at most one e-fold of ``p`` near the start (for ``epsilon = 10⁻⁶`` in
``[−1, 1]`` one unit is a relative change of one instead of 5×10⁵ e-folds).

Loss and χ²
-----------
The reported χ² is ``Σ_k ((O_k − t_k)/σ_k)²``.  The optimiser minimises the same
χ² written in a logarithmic variable, ``L = Σ_k ((h(O_k) − h(t_k)) / (h'(t_k) σ_k))²``
with ``h(x) = asinh(x / 2a_k)``, ``a_k = 10⁻¹⁰ max(|t_k|, σ_k)``: for ``O`` far above
``a`` this is ``((ln O − ln t) t/σ)²``, equal to χ² to second order near the
minimum but with useful gradients when ``O`` is decades away (Ω spans decades),
and unlike a plain logarithm it stays finite when an output is zero or negative
(``Y_B`` for ``ε < 0``).  A point whose model status is not ``SUCCESS`` has
``L = ∞`` and is never accepted.
"""

from __future__ import annotations

import collections
import dataclasses
import math
import time
from typing import Mapping

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import optax
import optimistix as optx

from ..numerics import status as st
from .evaluate import evaluator, point_function, resolve_point
from .registry import ParameterError

__all__ = [
    "DEFAULT_TARGETS",
    "FitError",
    "FitResult",
    "RootResult",
    "ContourResult",
    "Transform",
    "transform_for",
    "normalise_targets",
    "default_sigma",
    "fit",
    "solve_for",
    "trace_contour",
]

#: Observed values and 1σ errors used when a target is given by name only or without σ.
#: Ω_c h² = 0.120 ± 0.001: Planck 2018 VI (arXiv:1807.06209), abstract.
#: Y_B = n_B/s = (8.7 ± 0.06)×10⁻¹¹ from η_B = (6.12 ± 0.04)×10⁻¹⁰ (PDG 2024, BBN review,
#: Planck 2018 Ω_b h² = 0.0224 ± 0.0001) with Y_B = η_B n_γ0/s₀ = η_B/7.04.
DEFAULT_TARGETS = {"omega_h2": (0.120, 0.001), "Y_B": (8.7e-11, 0.06e-11)}

#: Relative σ of a target value without an explicit σ and without an entry in DEFAULT_TARGETS.
DEFAULT_RELATIVE_SIGMA = 0.01


def default_sigma(name: str, value: float) -> float:
    """1σ of a target ``name = value`` given without σ: *relative* to ``value``.

    The observed relative error for outputs in :data:`DEFAULT_TARGETS` (Ω h²:
    0.001/0.120 = 0.83 %, Y_B: 0.06/8.7 = 0.69 %), else :data:`DEFAULT_RELATIVE_SIGMA`
    (1 %).  At the observed value this is the observed σ; a target decades away
    gets a σ on its own scale (Ω h² = 10⁻⁶ ± 8.3×10⁻⁹, not ± 0.001, which would let
    anything below 10⁻⁵ count as a hit).
    """
    if name in DEFAULT_TARGETS:
        t_obs, s_obs = DEFAULT_TARGETS[name]
        return s_obs if abs(value) == t_obs else abs(value) * (s_obs / t_obs)
    return DEFAULT_RELATIVE_SIGMA * abs(value)


class FitError(RuntimeError):
    """A fit or root solve did not converge; ``.result`` holds what was reached."""

    def __init__(self, message: str, result=None):
        super().__init__(message)
        self.result = result


# ------------------------------------------------------------------------ transforms


@dataclasses.dataclass(frozen=True)
class Transform:
    """Bijection between an allowed range and the real line (see module docstring).

    Attributes
    ----------
    kind : {"log-logit", "logit", "log", "neg-log", "identity"}
    lo, hi : float
        Allowed range (``±inf`` for open ends).
    """

    kind: str
    lo: float
    hi: float

    def to_unconstrained(self, p):
        """``u(p)``; ``±inf`` on a bound, NaN outside the range."""
        p = jnp.asarray(p, dtype=jnp.float64)
        if self.kind == "log-logit":
            q = jnp.log(p)
            return jnp.log(q - math.log(self.lo)) - jnp.log(math.log(self.hi) - q)
        if self.kind == "logit":
            return jnp.log(p - self.lo) - jnp.log(self.hi - p)
        if self.kind == "log":
            return jnp.log(p - self.lo)
        if self.kind == "neg-log":
            return jnp.log(self.hi - p)
        return p

    def to_physical(self, u):
        """``p(u)``, always inside ``[lo, hi]``."""
        u = jnp.asarray(u, dtype=jnp.float64)
        if self.kind == "log-logit":
            a, b = math.log(self.lo), math.log(self.hi)
            p = jnp.exp(_logistic_between(a, b, u))
        elif self.kind == "logit":
            p = _logistic_between(self.lo, self.hi, u)
        elif self.kind == "log":
            p = self.lo + jnp.exp(jnp.minimum(u, _U_MAX))
        elif self.kind == "neg-log":
            p = self.hi - jnp.exp(jnp.minimum(u, _U_MAX))
        else:
            return u
        return jnp.clip(p, self.lo, self.hi)


#: Cap of ``u`` in the exponential transforms: ``p`` stays finite (e⁷⁰⁰ ≈ 1e304).
_U_MAX = 700.0


def _zero_tangent(x):
    x = jnp.asarray(x)
    if jnp.issubdtype(x.dtype, jnp.inexact):
        return jnp.zeros_like(x)
    return np.zeros(x.shape, dtype=jax.dtypes.float0)


def _logistic_between(a: float, b: float, u):
    """``a + (b − a) σ(u)``, accurate near both ends."""
    w = b - a
    return jnp.where(u < 0, a + w * jax.nn.sigmoid(u), b - w * jax.nn.sigmoid(-u))


def transform_for(lo: float, hi: float, positive: bool) -> Transform:
    """The :class:`Transform` of a parameter with range ``[lo, hi]`` and ``positive`` flag."""
    lo_f, hi_f = math.isfinite(lo), math.isfinite(hi)
    if lo_f and hi_f:
        return Transform("log-logit" if positive and lo > 0 else "logit", float(lo), float(hi))
    if lo_f:
        return Transform("log", float(lo), math.inf)
    if hi_f:
        return Transform("neg-log", -math.inf, float(hi))
    return Transform("identity", -math.inf, math.inf)


def _start(name: str, tr: Transform, p0: float) -> tuple[float, float]:
    """Unconstrained start ``u₀`` and scale ``c`` (module docstring); error on a bound."""
    u0 = float(tr.to_unconstrained(p0))
    if not math.isfinite(u0):
        raise ParameterError(
            f"start value of free parameter {name}={p0!r} lies on the boundary of its allowed range "
            f"[{tr.lo:g}, {tr.hi:g}]; start strictly inside"
        )
    dudp = abs(float(jax.grad(tr.to_unconstrained)(jnp.float64(p0))))
    c = abs(p0) * dudp
    c = min(1.0, c) if (math.isfinite(c) and c > 0.0) else 1.0
    return u0, c


# ------------------------------------------------------------------------ targets


def normalise_targets(model: str, targets) -> tuple:
    """``targets`` → ``((name, value, sigma), ...)``, validated against the model's outputs.

    ``targets`` maps an output name to ``value`` or ``(value, sigma)``, or to
    ``None`` for the observed value of :data:`DEFAULT_TARGETS`; a sequence of names
    means observed values.  A value without σ gets the relative σ of
    :func:`default_sigma`; a value of 0 needs an explicit σ.
    """
    ev = evaluator(model)
    if isinstance(targets, str):
        targets = (targets,)
    if not isinstance(targets, Mapping):
        targets = {name: None for name in targets}
    if not targets:
        raise ParameterError(f"at least one target is needed; allowed outputs of {model}: {', '.join(ev.outputs)}")
    out = []
    for name, spec in targets.items():
        if name not in ev.outputs:
            raise ParameterError(f"unknown target output {name!r} for model {model}; allowed: {', '.join(ev.outputs)}")
        if spec is None:
            if name not in DEFAULT_TARGETS:
                raise ParameterError(f"target {name} needs a value (no observed default; defaults exist for "
                                     f"{', '.join(DEFAULT_TARGETS)})")
            value, sigma = DEFAULT_TARGETS[name]
        elif isinstance(spec, (tuple, list)):
            if len(spec) != 2:
                raise ParameterError(f"target {name} must be a value or (value, sigma), got {spec!r}")
            value, sigma = spec
        else:
            value, sigma = spec, None
        try:
            value = float(value)
            sigma = None if sigma is None else float(sigma)
        except (TypeError, ValueError):
            raise ParameterError(f"target {name}: value and sigma must be numbers, got {spec!r}") from None
        if not math.isfinite(value):
            raise ParameterError(f"target {name}={value!r} must be finite")
        if sigma is None:
            if value == 0.0:
                raise ParameterError(f"target {name}=0 needs an explicit sigma (the default sigma is relative "
                                     "to the value)")
            sigma = default_sigma(name, value)
        if not (math.isfinite(sigma) and sigma > 0.0):
            raise ParameterError(f"target {name}: sigma={sigma!r} must be finite and > 0")
        out.append((name, value, sigma))
    return tuple(out)


#: ``a / max(|t|, σ)`` of the residual variable: logarithmic for outputs above 1e-10 t.
_A_REL = 1e-10


def _log_scale(value: float, sigma: float) -> float:
    """``a`` of the residual variable ``h(x) = asinh(x/2a)`` (module docstring)."""
    return _A_REL * max(abs(value), sigma)


def _h(x, a):
    return jnp.arcsinh(x / (2.0 * a))


def _dh(x, a):
    return 1.0 / jnp.sqrt(4.0 * a * a + x * x)


# ------------------------------------------------------------------------ compiled problems

_CACHE: collections.OrderedDict = collections.OrderedDict()
_CACHE_SIZE = 16


def _static_key(model: str, fixed: dict) -> tuple:
    ev = evaluator(model)
    return tuple(sorted((k, repr(v)) for k, v in fixed.items() if k not in ev.continuous))


def _cached(key, build):
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    obj = build()
    _CACHE[key] = obj
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return obj


def _point(model: str, given: dict, adjoint: str):
    """Point function with *every* continuous parameter as an input.

    Fixed continuous values are then traced arguments rather than compile-time
    constants, so one compilation serves every fit/solve of the same model,
    discrete options, free names and target names.
    """
    ev = evaluator(model)
    fn, _ = point_function(model, given, free=tuple(ev.continuous), adjoint=adjoint)
    return fn


def _physical(free, transforms, v, base, scale, consts):
    """All continuous parameter values for optimiser variables ``v``."""
    p = dict(consts)
    for i, (name, tr) in enumerate(zip(free, transforms)):
        p[name] = tr.to_physical(base[i] + scale[i] * v[i])
    return p


class _FitProblem:
    """Jitted pieces of :func:`fit` for one (model, discrete options, free, target names)."""

    def __init__(self, model, given, free, target_names, memory_size):
        ev = evaluator(model)
        fn = _point(model, given, "reverse")
        transforms = tuple(transform_for(*ev.continuous[n]) for n in free)
        self.transforms = transforms
        names = tuple(target_names)

        def parts(v, base, scale, consts, tval, tsig):
            p = _physical(free, transforms, v, base, scale, consts)
            out = fn(p)
            o = jnp.stack([out[n] for n in names])
            a = _A_REL * jnp.maximum(jnp.abs(tval), tsig)
            r = (_h(o, a) - _h(tval, a)) / (_dh(tval, a) * tsig)
            ok = (out["status"] == st.SUCCESS) & jnp.all(jnp.isfinite(r))
            loss = jnp.where(ok, jnp.sum(r * r), jnp.inf)
            chi2 = jnp.sum(((o - tval) / tsig) ** 2)
            floats = {k: out[k] for k in ev.outputs}
            return loss, (chi2, floats, out["status"], p)

        def value_and_grad(v, base, scale, consts, tval, tsig):
            (loss, aux), g = jax.value_and_grad(parts, has_aux=True)(v, base, scale, consts, tval, tsig)
            return loss, g, aux

        self.opt = optax.scale_by_lbfgs(memory_size=memory_size)

        def direction(g, state, v):
            d, state = self.opt.update(g, state, v)
            return -d, state

        # One trace per problem: a retrace would mean a recompilation of the model
        # (tens of seconds) per iteration; assert_max_traces turns that into an error.
        self.value_and_grad = jax.jit(eqx.debug.assert_max_traces(value_and_grad, max_traces=1))
        self.direction = jax.jit(eqx.debug.assert_max_traces(direction, max_traces=1))


class _RootProblem:
    """Jitted root solvers of :func:`solve_for` / :func:`trace_contour`."""

    def __init__(self, model, given, name, output, rtol, atol, max_steps):
        ev = evaluator(model)
        fn = _point(model, given, "reverse")
        tr = transform_for(*ev.continuous[name])
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


# ------------------------------------------------------------------------ results


@dataclasses.dataclass(frozen=True)
class FitResult:
    """Outcome of :func:`fit`.

    Attributes
    ----------
    model : str
    values : dict
        Fitted free parameters (name → float).
    start : dict
        Their start values.
    outputs : dict
        Every float output of the model at the fitted point.
    targets : dict
        name → ``(target, sigma)``.
    chi2 : float
        ``Σ ((O − t)/σ)²`` at the fitted point.
    loss : float
        Minimised loss (logarithmic χ², module docstring).
    grad_norm : float
        Euclidean norm of the loss gradient in the optimiser variables.
    iterations, evaluations : int
        L-BFGS iterations; value-and-gradient evaluations (line-search trials included).
    converged : bool
    reason : str
        Why the iteration stopped.
    status : int
        Model status at the fitted point (:mod:`jaxrelic.numerics.status`).
    history : tuple of float
        χ² after each iteration (the start first).
    wall_time : float
        Seconds, compilation included.
    notes : tuple of str
        ``"slug: sentence"`` remarks on a converged result (an over-determined best
        fit that misses a target by more than 1σ: ``targets_missed: …``).
    """

    model: str
    values: dict
    start: dict
    outputs: dict
    targets: dict
    chi2: float
    loss: float
    grad_norm: float
    iterations: int
    evaluations: int
    converged: bool
    reason: str
    status: int
    history: tuple
    wall_time: float
    notes: tuple = ()

    @property
    def pulls(self) -> dict:
        """``(O − t)/σ`` per target."""
        return {k: (self.outputs[k] - t) / s for k, (t, s) in self.targets.items()}

    def as_dict(self) -> dict:
        """JSON-able summary (CLI ``--json``)."""
        return {
            "model": self.model,
            "fitted": dict(self.values),
            "start": dict(self.start),
            "targets": {k: {"target": t, "sigma": s, "achieved": self.outputs[k], "pull": self.pulls[k]}
                        for k, (t, s) in self.targets.items()},
            "outputs": dict(self.outputs),
            "chi2": self.chi2,
            "grad_norm": self.grad_norm,
            "iterations": self.iterations,
            "evaluations": self.evaluations,
            "converged": self.converged,
            "reason": self.reason,
            "status": st.status_name(self.status),
            "status_code": int(self.status),
            "wall_time_s": self.wall_time,
            "notes": list(self.notes),
        }


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


# ------------------------------------------------------------------------ fit


def _free_starts(model: str, free, given: dict) -> tuple[tuple, dict]:
    ev = evaluator(model)
    if isinstance(free, str):
        free = (free,)
    if not isinstance(free, Mapping):
        free = tuple(free)
        if len(set(free)) != len(free):
            raise ParameterError(f"free parameters must be distinct, got {list(free)}")
    starts = dict(free) if isinstance(free, Mapping) else {name: None for name in free}
    if not starts:
        raise ParameterError(f"at least one free parameter is needed; allowed: {', '.join(ev.continuous)}")
    for name in starts:
        if name not in ev.continuous:
            raise ParameterError(f"parameter {name!r} of model {model} cannot be free; allowed: "
                                 f"{', '.join(ev.continuous)}")
    both = [k for k, v in starts.items() if v is not None and k in given]
    if both:
        raise ParameterError(f"parameter {both[0]} is both free (start {starts[both[0]]!r}) and fixed "
                             f"({given[both[0]]!r}); give it either as free with a start or as fixed")
    merged = dict(given)
    merged.update({k: v for k, v in starts.items() if v is not None})
    return tuple(starts), merged


def _at_bound(tr: Transform, u: float, slope: float | None = None) -> str | None:
    """The bound that the parameter with unconstrained value ``u`` has (nearly) reached, if any.

    Near a bound means within 1 % of the range (of the log-range for log-logit) of
    an end where the transform saturates, or within 10⁻¹⁰ of the range of the
    lower end 0 of a logit range (``p ≈ hi·eᵘ`` there is logarithmic, it does not
    saturate: ``sigma_v = 3e-26`` in ``[0, 1e-18]`` is not "at 0").  With ``slope``
    (∂loss/∂u) a bound only counts when descent points at it: towards the end at
    ``u → −∞`` if ``slope > 0``, at ``u → +∞`` if ``slope < 0``.
    """
    down = slope is None or slope > 0.0  # descent lowers u
    up = slope is None or slope < 0.0
    if tr.kind in ("logit", "log-logit"):
        lo_cut = -23.0 if (tr.kind == "logit" and tr.lo == 0.0) else -4.6
        if u < lo_cut and down:
            return f"{tr.lo:g}"
        if u > 4.6 and up:
            return f"{tr.hi:g}"
    elif tr.kind == "log" and u < -23.0 and down:
        return f"{tr.lo:g}"
    elif tr.kind == "neg-log" and u < -23.0 and down:
        return f"{tr.hi:g}"
    return None


def _end_name(tr: Transform, b: str) -> str:
    return "lower end" if b == f"{tr.lo:g}" else "upper end"


def _notes(tgts, floats) -> list:
    """Notes of a converged over-determined fit: targets missed by more than 1σ."""
    missed = [f"{n} = {float(floats[n]):.4g} vs {t:.4g} ± {s:.2g} (pull {(float(floats[n]) - t) / s:+.3g})"
              for n, t, s in tgts if abs(float(floats[n]) - t) > s]
    if not missed:
        return []
    return ["targets_missed: best fit of an over-determined problem misses " + "; ".join(missed)]


def fit(model: str, free, targets, given: Mapping | None = None, *, max_iter: int = 100,
        chi2_tol: float | None = None, gtol: float = 1e-9, ftol: float = 1e-12, max_linesearch: int = 30,
        memory_size: int = 10, strict: bool = True) -> FitResult:
    """Fit free parameters of ``model`` to targets by minimising χ².

    Parameters
    ----------
    model : str
        Registry name (``"wimp"``, ``"twin-higgs"``, ``"cogenesis"``, ``"leptogenesis"``).
    free : mapping or sequence of str
        Free parameters with start values (``{"sigma_v": 2e-26}``), or names
        (start at ``given`` or the model default).  Start strictly inside the range.
    targets : mapping or sequence of str
        Output name → value, ``(value, sigma)`` or ``None`` (observed value); see
        :func:`normalise_targets` and :data:`DEFAULT_TARGETS`.
    given : mapping, optional
        Other parameter values (defaults elsewhere).
    max_iter : int
        Maximum L-BFGS iterations.
    chi2_tol : float, optional
        Converged when χ² ≤ ``chi2_tol`` (default ``1e-4`` per target: every output
        within 0.01 σ).
    gtol, ftol : float
        Stationary when the loss gradient norm ≤ ``gtol · max(1, loss)`` or an
        iteration lowers the loss by ≤ ``ftol · max(1, loss)``.  That counts as
        converged only for an over-determined fit (more targets than free
        parameters); otherwise the targets are not reachable and the fit fails.
    max_linesearch : int
        Maximum trial points per line search.
    memory_size : int
        L-BFGS memory.
    strict : bool
        Raise :class:`FitError` when not converged (default); else return the result
        with ``converged=False``.

    Returns
    -------
    FitResult
    """
    t_start = time.perf_counter()
    ev = evaluator(model)
    given = dict(given or {})
    free, merged = _free_starts(model, free, given)
    fixed = resolve_point(model, merged)
    _check_annihilates(model, fixed, free)
    tgts = normalise_targets(model, targets)
    for name, lim in (("max_iter", max_iter), ("max_linesearch", max_linesearch), ("memory_size", memory_size)):
        if int(lim) != lim or lim < (0 if name == "max_iter" else 1):
            raise ParameterError(f"{name}={lim!r} must be a {'non-negative' if name == 'max_iter' else 'positive'} "
                                 "integer")
    chi2_tol = 1e-4 * len(tgts) if chi2_tol is None else float(chi2_tol)
    if not chi2_tol >= 0.0:
        raise ParameterError(f"chi2_tol={chi2_tol!r} must be >= 0")
    for name, tol in (("gtol", gtol), ("ftol", ftol)):
        if not (math.isfinite(tol) and tol >= 0.0):
            raise ParameterError(f"{name}={tol!r} must be finite and >= 0")

    tnames = tuple(t[0] for t in tgts)
    key = ("fit", model, _static_key(model, fixed), free, tnames, int(memory_size))
    prob = _cached(key, lambda: _FitProblem(model, merged, free, tnames, int(memory_size)))

    starts = [_start(n, tr, fixed[n]) for n, tr in zip(free, prob.transforms)]
    base = jnp.asarray([s[0] for s in starts], dtype=jnp.float64)
    scale = jnp.asarray([s[1] for s in starts], dtype=jnp.float64)
    consts = {n: jnp.float64(fixed[n]) for n in ev.continuous}
    tval = jnp.asarray([t[1] for t in tgts], dtype=jnp.float64)
    tsig = jnp.asarray([t[2] for t in tgts], dtype=jnp.float64)
    args = (base, scale, consts, tval, tsig)

    def evaluate(v):
        loss, g, (chi2, floats, status, p) = prob.value_and_grad(v, *args)
        return float(loss), g, float(chi2), floats, int(status), p

    v = jnp.zeros(len(free), dtype=jnp.float64)
    f, g, chi2, floats, status, p = evaluate(v)
    n_eval, it, f_prev = 1, 0, math.inf
    history = [chi2]
    overdetermined = len(tgts) > len(free)
    state = prob.opt.init(v)
    converged = False
    if status != st.SUCCESS or not math.isfinite(f):
        reason = (f"model status {st.status_name(status)} at the start point" if status != st.SUCCESS
                  else "non-finite loss at the start point")
    else:
        while True:
            gnorm = float(jnp.linalg.norm(g))
            if chi2 <= chi2_tol:
                converged, reason = True, f"chi2 = {chi2:.3g} <= chi2_tol = {chi2_tol:.3g}"
                break
            if not math.isfinite(gnorm):
                reason = f"non-finite gradient of the loss at chi2 = {chi2:.6g}"
                break
            stalled = it > 0 and f_prev - f <= ftol * max(1.0, f)
            if gnorm <= gtol * max(1.0, f) or stalled:
                what = (f"|grad| = {gnorm:.3g}" if not stalled
                        else f"loss decrease {f_prev - f:.3g} <= ftol * max(1, loss)")
                if overdetermined:
                    converged, reason = True, f"stationary point: {what} (over-determined fit)"
                else:
                    u = np.asarray(base + scale * v)
                    bounds = [f"{n} = {float(p[n]):.6g} at its bound {b} ({_end_name(tr, b)} of the allowed range "
                              f"[{tr.lo:g}, {tr.hi:g}])"
                              for n, tr, ui, gi in zip(free, prob.transforms, u, np.asarray(g))
                              if (b := _at_bound(tr, ui, float(gi))) is not None]
                    there = "; ".join(f"{n} = {float(floats[n]):.4g} (target {t:.4g} ± {s_:.2g})"
                                      for n, t, s_ in tgts)
                    if bounds:
                        reason = (f"target not reachable in the allowed range: {', '.join(bounds)}; there {there}. "
                                  f"Stationary ({what}) at chi2 = {chi2:.6g} > chi2_tol = {chi2_tol:.3g}")
                    else:
                        reason = (f"target not reached: stationary ({what}) at chi2 = {chi2:.6g} > chi2_tol = "
                                  f"{chi2_tol:.3g} (local minimum or flat output); there {there}")
                break
            if it >= max_iter:
                reason = f"max_iter = {max_iter} reached with chi2 = {chi2:.6g} > chi2_tol = {chi2_tol:.3g}"
                break
            d, state = prob.direction(g, state, v)
            slope = float(jnp.dot(g, d))
            if not slope < 0.0:  # not a descent direction: restart L-BFGS from the gradient
                state = prob.opt.init(v)
                d, state = prob.direction(g, state, v)
                slope = float(jnp.dot(g, d))
            step, accepted, last = 1.0, False, ""
            for _ in range(max_linesearch):
                vt = v + step * d
                ft, gt, chi2t, floatst, statust, pt = evaluate(vt)
                n_eval += 1
                if statust == st.SUCCESS and math.isfinite(ft) and ft <= f + 1e-4 * step * slope:
                    accepted = True
                    break
                last = (f"model status {st.status_name(statust)}" if statust != st.SUCCESS
                        else "non-finite loss" if not math.isfinite(ft) else "no sufficient decrease")
                if math.isfinite(ft):  # safeguarded minimiser of the quadratic through f, slope, ft
                    denom = 2.0 * (ft - f - slope * step)
                    tq = -slope * step * step / denom if denom > 0 else 0.5 * step
                    step = min(max(tq, 0.1 * step), 0.5 * step)
                else:
                    step *= 0.1
            if not accepted:
                reason = (f"line search failed after {max_linesearch} trials at chi2 = {chi2:.6g} "
                          f"(last trial: {last})")
                break
            if float(jnp.dot(vt - v, gt - g)) <= 0.0:  # curvature pair unusable: clear the memory
                state = prob.opt.init(vt)
            f_prev = f
            v, f, g, chi2, floats, status, p = vt, ft, gt, chi2t, floatst, statust, pt
            it += 1
            history.append(chi2)

    result = FitResult(
        model=model,
        values={n: float(p[n]) for n in free},
        start={n: float(fixed[n]) for n in free},
        outputs={k: float(x) for k, x in floats.items()},
        targets={n: (t, s) for n, t, s in tgts},
        chi2=chi2,
        loss=f,
        grad_norm=float(jnp.linalg.norm(g)),
        iterations=it,
        evaluations=n_eval,
        converged=converged,
        reason=reason,
        status=status,
        history=tuple(history),
        wall_time=time.perf_counter() - t_start,
        notes=tuple(_notes(tgts, floats) if converged and overdetermined else ()),
    )
    if strict and not converged:
        raise FitError(f"fit of {', '.join(free)} ({model}) did not converge: {reason}", result)
    return result


# ------------------------------------------------------------------------ roots


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


def _check_annihilates(model: str, fixed: dict, free) -> None:
    """WIMP with sigma_v = b = 0 held fixed: nothing annihilates, reject in one line.

    A pure p-wave WIMP (sigma_v = 0 fixed, b > 0 or b free) is fine: only *free*
    parameters are transformed (a free one must start strictly inside its range, so
    a free sigma_v or b starts above 0), fixed values enter the model untransformed.
    """
    if model == "wimp" and not {"sigma_v", "b"} & set(free) and fixed["sigma_v"] == 0.0 and fixed["b"] == 0.0:
        from ..models.wimp import NOTHING_ANNIHILATES

        raise ParameterError(NOTHING_ANNIHILATES)


def _root_setup(model, name, output, given, extra, rtol, ftol, max_steps, also_free=()):
    ev = evaluator(model)
    if name not in ev.continuous:
        raise ParameterError(f"parameter {name!r} of model {model} cannot be solved for; allowed: "
                             f"{', '.join(ev.continuous)}")
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
    prob = _cached(key, lambda: _RootProblem(model, merged, name, output, rtol, ftol, int(max_steps)))
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
        b = _at_bound(tr, u) if math.isfinite(u) else (f"{tr.lo:g}" if value <= tr.lo else f"{tr.hi:g}")
        if b is not None:
            bound = (f"; {name} = {value:.6g} is at its bound {b} ({_end_name(tr, b)} of the allowed range "
                     f"[{tr.lo:g}, {tr.hi:g}]): the target is not reachable in the allowed range")
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
    u0, c = _start(name, tr, fixed[name])
    consts = {n: jnp.float64(fixed[n]) for n in ev.continuous}
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
    if vary not in ev.continuous:
        raise ParameterError(f"parameter {vary!r} of model {model} cannot be varied; allowed: "
                             f"{', '.join(ev.continuous)}")
    for x in vals:
        resolve_point(model, {**dict(given or {}), vary: float(x)})  # range check naming `vary`
    tr = prob.transform
    tr_vary = transform_for(*ev.continuous[vary])
    u0, c = _start(solve, tr, fixed[solve])
    consts = {n: jnp.float64(fixed[n]) for n in ev.continuous}

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
