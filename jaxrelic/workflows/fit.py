"""Fits of model parameters to observed abundances (χ², optax L-BFGS).

:func:`fit` — χ² fit of one or more free parameters to one or more targets
(``Ω h² = 0.120 ± 0.001``, ``Y_B = (8.7 ± 0.06)×10⁻¹¹``, any float output) with
optax's L-BFGS direction and a backtracking line search, on transformed
(unconstrained) parameters (:mod:`jaxrelic.workflows.transforms`), built on
:func:`jaxrelic.interface.point_function`; returns a :class:`FitResult` and
raises :class:`FitError` when it does not converge.  One-parameter roots and
contours are in :mod:`jaxrelic.workflows.roots`.

Only free parameters are transformed; fixed ones enter the model as given, so a pure
p-wave WIMP (``sigma_v = 0`` fixed, ``b`` free) fits like any other, while
``sigma_v = b = 0`` both fixed (nothing annihilates) is rejected up front.

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

import dataclasses
import math
import time
from typing import Mapping

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import optax

from ..numerics import status as st
from ..interface.adapter import resolve_point, with_background
from ..interface.registry import get_model
from .objective import _A_REL, _CACHE, DEFAULT_TARGETS, FitError, _check_annihilates, _dh, _h, _point, _static_key
from ..interface.parameters import ParameterError
from .transforms import at_bound, bound_text, start_and_scale, transform_for

__all__ = [
    "DEFAULT_TARGETS",
    "FitError",
    "FitResult",
    "normalise_targets",
    "default_sigma",
    "fit",
]

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


# ------------------------------------------------------------------------ targets


def normalise_targets(model: str, targets) -> tuple:
    """``targets`` → ``((name, value, sigma), ...)``, validated against the model's outputs.

    ``targets`` maps an output name to ``value`` or ``(value, sigma)``, or to
    ``None`` for the observed value of :data:`DEFAULT_TARGETS`; a sequence of names
    means observed values.  A value without σ gets the relative σ of
    :func:`default_sigma`; a value of 0 needs an explicit σ.
    """
    ev = get_model(model)
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


def _physical(free, transforms, v, base, scale, consts):
    """All continuous parameter values for optimiser variables ``v``."""
    p = dict(consts)
    for i, (name, tr) in enumerate(zip(free, transforms)):
        p[name] = tr.to_physical(base[i] + scale[i] * v[i])
    return p


class _FitProblem:
    """Jitted pieces of :func:`fit` for one (model, discrete options, free, target names)."""

    def __init__(self, model, given, free, target_names, memory_size):
        ev = get_model(model)
        fn = _point(model, given, "reverse")
        transforms = tuple(transform_for(*ev.bounds[n]) for n in free)
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


# ------------------------------------------------------------------------ fit


def _free_starts(model: str, free, given: dict) -> tuple[tuple, dict]:
    ev = get_model(model)
    if isinstance(free, str):
        free = (free,)
    if not isinstance(free, Mapping):
        free = tuple(free)
        if len(set(free)) != len(free):
            raise ParameterError(f"free parameters must be distinct, got {list(free)}")
    starts = dict(free) if isinstance(free, Mapping) else {name: None for name in free}
    if not starts:
        raise ParameterError(f"at least one free parameter is needed; allowed: {', '.join(ev.bounds)}")
    for name in starts:
        if name not in ev.bounds:
            raise ParameterError(f"parameter {name!r} of model {model} cannot be free; allowed: "
                                 f"{', '.join(ev.bounds)}")
    both = [k for k, v in starts.items() if v is not None and k in given]
    if both:
        raise ParameterError(f"parameter {both[0]} is both free (start {starts[both[0]]!r}) and fixed "
                             f"({given[both[0]]!r}); give it either as free with a start or as fixed")
    merged = dict(given)
    merged.update({k: v for k, v in starts.items() if v is not None})
    return tuple(starts), merged


def _notes(tgts, floats) -> list:
    """Notes of a converged over-determined fit: targets missed by more than 1σ."""
    missed = [f"{n} = {float(floats[n]):.4g} vs {t:.4g} ± {s:.2g} (pull {(float(floats[n]) - t) / s:+.3g})"
              for n, t, s in tgts if abs(float(floats[n]) - t) > s]
    if not missed:
        return []
    return ["targets_missed: best fit of an over-determined problem misses " + "; ".join(missed)]


@with_background
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
    ev = get_model(model)
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
    prob = _CACHE.get_or_build(key, lambda: _FitProblem(model, merged, free, tnames, int(memory_size)))

    starts = [start_and_scale(n, tr, fixed[n]) for n, tr in zip(free, prob.transforms)]
    base = jnp.asarray([s[0] for s in starts], dtype=jnp.float64)
    scale = jnp.asarray([s[1] for s in starts], dtype=jnp.float64)
    consts = {n: jnp.float64(fixed[n]) for n in ev.bounds}
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
                    bounds = [f"{n} = {float(p[n]):.6g} at its bound {bound_text(tr, b)}"
                              for n, tr, ui, gi in zip(free, prob.transforms, u, np.asarray(g))
                              if (b := at_bound(tr, ui, float(gi))) is not None]
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
