"""Sensitivities: Jacobians d ln|output| / d ln|parameter| at a point and over a batch of points.

Each column (parameter ``p``) of the matrix has one definition, its *kind*, reported
with the numbers (``SensitivityResult.kinds``, ``"kinds"`` of the JSON) and drawn as
is by :func:`jaxrelic.workflows.plots_sweep.plot_sensitivity`:

* ``"dln/dln"``: ``S = ∂ ln|O| / ∂ ln|p| = (p/O) ∂O/∂p``, the relative change of
  ``O`` per relative change of ``p``, for every parameter that scales something
  (masses, cross sections, couplings' moduli, K, g*, and the signed ones: WIMP
  ``b``, leptogenesis ``epsilon`` and ``m_bar``, cogenesis ``xi_i`` and ``m_chi``)
  at a point where ``p ≠ 0``.  ``Y_B ∝ ε`` therefore gives exactly 1 for ``epsilon``
  (also for ``ε < 0``: ``ln|p|``).
* ``"dln/d"``: ``S = ∂ ln|O| / ∂ p = (1/O) ∂O/∂p`` (per unit of ``p``) for

  - phases (cogenesis ``*_arg``, complex couplings ``|y| e^{i arg}``): a rotation
    of the phase is additive, ``p ∂/∂p`` would depend on the arbitrary origin of
    the angle, so the entry is per radian;
  - a scaling parameter *at* ``p = 0`` (WIMP ``b = 0``, ``xi_i = 0``), where
    ``∂ ln|O|/∂ ln|p|`` is 0 by construction and carries no information.

  Over a batch (:func:`sensitivity_sweep`) a column is ``dln/d`` if its parameter
  is 0 at any point of the batch, so one column has one definition.

A point whose solver status is not ``SUCCESS`` has an invalid Jacobian: its
entries are NaN and its status is kept.  A successful solve whose derivative is not
finite gets status ``NONFINITE``.  An entry that does not exist although the solve
succeeded (cogenesis ``m_chi = 0`` selects the ADM mass, a switch, not a value, so
outputs built from the selected mass have no derivative there) is NaN with a note
(``SensitivityResult.notes``).

The derivative ``∂O/∂p`` is taken by automatic differentiation of
:func:`jaxrelic.interface.point_function` (``jax.jacrev`` with the
reverse-mode ODE adjoint, or ``jax.jacfwd`` with the forward one), so the cost is
one primal solve plus one backward solve per output (reverse) or one tangent per
parameter (forward); the compiled function returns ``(1/O) ∂O/∂p`` and the
``p`` factor of the ``dln/dln`` columns is applied afterwards (so the kind of a
column may change between points without a recompilation).  The same functions
(:func:`log_jacobian`, :func:`column_kinds`, :func:`scale_columns`) give the gradient
columns of a sweep (``jaxrelic scan --gradients``).

Example::

    res = sensitivity("wimp", {"mass": 100, "sigma_v": 2.2e-26})
    res.matrix            # (n_outputs, n_params)
    res.as_dict()         # JSON-able: outputs, parameters, kinds, matrix[output][param], status, notes

Over a batch (e.g. a sweep grid) :func:`sensitivity_sweep` jit-vmaps the same
Jacobian over arrays of parameter values.
"""

from __future__ import annotations

import dataclasses
from typing import Mapping, Sequence

import jax
import jax.numpy as jnp
import numpy as np

from ..numerics import status as st
from ..interface.adapter import background_key, point_function, resolve_point, with_background
from ..interface.registry import get_model
from ..interface.parameters import ParameterError

__all__ = [
    "SensitivityResult",
    "DEFAULT_OUTPUTS",
    "NUMERICAL_PARAMETERS",
    "default_parameters",
    "default_outputs",
    "sensitivity",
    "sensitivity_sweep",
    "KIND_DEFINITIONS",
    "SWITCHES",
    "is_phase",
    "log_jacobian",
    "column_kinds",
    "scale_columns",
]

#: Main outputs per model (used when ``outputs`` is not given).
DEFAULT_OUTPUTS = {
    "wimp": ("omega_h2",),
    "twin-higgs": ("omega_h2",),
    "cogenesis": ("Y_B", "Y_chi", "m_chi_adm", "omega_h2", "xi_final"),
    "leptogenesis": ("Y_B", "eta_B", "kappa_f"),
}

#: Numerical (integration-range) parameters excluded from the default parameter list.
NUMERICAL_PARAMETERS = ("x0", "x_end", "x_max")

KIND_LOG = "dln/dln"
KIND_LIN = "dln/d"

#: One-line definition of each kind (JSON ``"definitions"``, CLI, plot legend).
KIND_DEFINITIONS = {
    KIND_LOG: "d ln|O| / d ln|p| = (p/O) dO/dp",
    KIND_LIN: "d ln|O| / d p = (1/O) dO/dp, per unit of p (phases: per radian; scaling parameters at p = 0)",
}

#: Parameter values that are switches rather than values: (model, parameter) →
#: (switch value, outputs without a derivative there, note).
SWITCHES = {
    ("cogenesis", "m_chi"): (
        0.0, ("omega_h2", "m_chi", "Y_chibar"),
        "m_chi_switch: m_chi = 0 selects the asymmetric-DM mass m_chi_adm, so omega_h2, m_chi and Y_chibar jump "
        "between m_chi = 0 and m_chi > 0 and have no derivative with respect to m_chi there (entries null)",
    ),
}


def is_phase(name: str) -> bool:
    """True for the phase ``*_arg`` of a complex coupling (cogenesis)."""
    return name.endswith("_arg")


@dataclasses.dataclass(frozen=True)
class SensitivityResult:
    """Sensitivity matrix of one point or of a batch of points.

    Attributes
    ----------
    model : str
        Registry name.
    outputs : tuple of str
        Output names (rows of ``matrix``).
    params : tuple of str
        Parameter names (columns of ``matrix``).
    kinds : tuple of str
        Per parameter ``"dln/dln"`` (∂ ln|O|/∂ ln|p|) or ``"dln/d"`` (∂ ln|O|/∂ p);
        module docstring.
    matrix : numpy.ndarray
        Shape ``batch + (len(outputs), len(params))``; NaN where ``status != 0``
        and where a derivative does not exist (see ``notes``).
    values : dict
        Output name → value(s), shape ``batch``.
    point : dict
        Parameter name → value(s) at which the Jacobian was taken (every
        continuous parameter of the model, broadcast to ``batch`` for swept ones).
    status : numpy.ndarray
        int32 status, shape ``batch`` (see :mod:`jaxrelic.numerics.status`).
    mode : str
        ``"reverse"`` or ``"forward"``.
    fixed : dict
        Every (validated) parameter value used, including non-continuous ones.
    notes : tuple of str
        ``"slug: sentence"`` remarks (e.g. ``m_chi_switch: …``); empty if none.
    """

    model: str
    outputs: tuple
    params: tuple
    kinds: tuple
    matrix: np.ndarray
    values: dict
    point: dict
    status: np.ndarray
    mode: str
    fixed: dict
    notes: tuple = ()

    @property
    def ok(self) -> bool:
        """True if every point succeeded."""
        return bool(np.all(self.status == st.SUCCESS))

    def entry(self, output: str, param: str):
        """Sensitivity of ``output`` to ``param`` (scalar or batch array)."""
        if output not in self.outputs:
            raise ParameterError(f"output {output!r} not in this result; allowed: {', '.join(self.outputs)}")
        if param not in self.params:
            raise ParameterError(f"parameter {param!r} not in this result; allowed: {', '.join(self.params)}")
        return self.matrix[..., self.outputs.index(output), self.params.index(param)]

    def as_dict(self) -> dict:
        """JSON-able dict of a single-point result (matrix as output → parameter → value)."""
        if np.ndim(self.status) != 0:
            raise ValueError("as_dict() needs a single-point result (use the arrays of a batch directly)")
        code = int(self.status)
        return {
            "model": self.model,
            "mode": self.mode,
            "outputs": {k: float(v) for k, v in self.values.items()},
            "parameters": {k: float(self.point[k]) for k in self.params},
            "kinds": dict(zip(self.params, self.kinds)),
            "definitions": {k: KIND_DEFINITIONS[k] for k in dict.fromkeys(self.kinds)},
            "matrix": {o: {p: float(self.matrix[i, j]) for j, p in enumerate(self.params)}
                       for i, o in enumerate(self.outputs)},
            "status": st.status_name(code),
            "status_code": code,
            "notes": list(self.notes),
        }


def default_parameters(model: str) -> tuple:
    """Every continuous parameter of ``model`` except the numerical ones (x0, x_end, x_max)."""
    return tuple(k for k in get_model(model).bounds if k not in NUMERICAL_PARAMETERS)


def default_outputs(model: str) -> tuple:
    """The main outputs of ``model`` (``DEFAULT_OUTPUTS``)."""
    get_model(model)  # unknown model -> ParameterError
    return DEFAULT_OUTPUTS[model]


def _check_names(model: str, params, outputs) -> tuple[tuple, tuple]:
    ev = get_model(model)
    params = default_parameters(model) if params is None else tuple(params)
    outputs = default_outputs(model) if outputs is None else tuple(outputs)
    if not params:
        raise ParameterError(f"no parameters given; allowed: {', '.join(ev.bounds)}")
    if not outputs:
        raise ParameterError(f"no outputs given; allowed: {', '.join(ev.outputs)}")
    for p in params:
        if p not in ev.bounds:
            raise ParameterError(f"unknown parameter {p!r} for the sensitivity of model {model}; "
                                 f"allowed: {', '.join(ev.bounds)}")
    for o in outputs:
        if o not in ev.outputs:
            raise ParameterError(f"unknown output {o!r} of model {model}; allowed: {', '.join(ev.outputs)}")
    for what, names in (("parameters", params), ("outputs", outputs)):
        if len(set(names)) != len(names):
            raise ParameterError(f"{what} must be distinct, got {list(names)}")
    return params, outputs


def _discrete(model: str, fixed: Mapping) -> dict:
    """The settings of ``fixed`` that are not continuous (flags, choices, grid sizes): they fix the code."""
    cont = get_model(model).bounds
    return {k: v for k, v in fixed.items() if k not in cont and f"{k}_abs" not in cont}


#: Compiled Jacobian functions, keyed by model, discrete settings, names, mode and batching.
_COMPILED: dict = {}
_COMPILED_MAX = 16


def log_jacobian(fn, params: Sequence[str], outputs: Sequence[str], mode: str = "reverse"):
    """``jac(values) -> (R, out)``: ``R[i, j] = ∂ ln|O_i|/∂p_j = (1/O_i) ∂O_i/∂p_j`` of a point function.

    ``fn`` is a point function (:func:`~jaxrelic.interface.point_function`)
    with ``params`` among its inputs; ``out`` is ``fn(values)`` (every output) with
    ``status`` set to ``NONFINITE`` where the solve succeeded but ``R`` is not finite;
    ``R`` is NaN wherever ``status`` is not ``SUCCESS``.  ``jax.jacrev`` (``mode="reverse"``,
    cost ∝ outputs) or ``jax.jacfwd`` (``"forward"``, cost ∝ parameters).  The ``p``
    factor of ``dln/dln`` columns is applied afterwards by :func:`scale_columns`.  Used by
    :func:`sensitivity`, :func:`sensitivity_sweep` and the gradient columns of
    :func:`jaxrelic.workflows.sweep.sweep`; trace it under ``jax.jit``/``jax.vmap``.
    """
    params, outputs = tuple(params), tuple(outputs)

    def jac(values):
        def f(pvec):
            out = fn({**values, **{k: pvec[j] for j, k in enumerate(params)}})
            return jnp.stack([out[o] for o in outputs]), out

        pvec = jnp.stack([values[k] for k in params])
        d = jax.jacrev if mode == "reverse" else jax.jacfwd
        J, out = d(f, has_aux=True)(pvec)  # J[i, j] = dO_i/dp_j
        vals = jnp.stack([out[o] for o in outputs])
        R = J / vals[:, None]  # (1/O) dO/dp
        status = jnp.asarray(out["status"], dtype=jnp.int32)
        status = jnp.where((status == st.SUCCESS) & ~jnp.all(jnp.isfinite(R)), st.NONFINITE, status)
        R = jnp.where(status == st.SUCCESS, R, jnp.nan)
        return R, {**out, "status": status}

    return jac


def _compiled_jacobian(model: str, discrete: dict, params: tuple, outputs: tuple, mode: str, batched: bool):
    """``jac(values) -> (S, output values, status)``, jitted (and vmapped if ``batched``).

    Every continuous parameter is an input (``values`` holds all of them), so one
    compilation serves every point with the same discrete settings; compiled
    functions are cached (at most ``_COMPILED_MAX``).
    """
    if mode not in ("reverse", "forward"):
        raise ParameterError(f"mode={mode!r} invalid; allowed: reverse, forward")
    key = (model, repr(sorted(discrete.items())), params, outputs, mode, batched, background_key())
    if key in _COMPILED:
        return _COMPILED[key]
    ev = get_model(model)
    fn, _ = point_function(model, discrete, free=tuple(ev.bounds), adjoint=mode)
    log_jac = log_jacobian(fn, params, outputs, mode)

    def jac(values):
        R, out = log_jac(values)
        return R, jnp.stack([out[o] for o in outputs]), out["status"]

    compiled = jax.jit(jax.vmap(jac)) if batched else jax.jit(jac)
    if len(_COMPILED) >= _COMPILED_MAX:
        _COMPILED.pop(next(iter(_COMPILED)))
    _COMPILED[key] = compiled
    return compiled


def column_kinds(params: Sequence[str], point: Mapping) -> tuple:
    """Kind of each column (module docstring): ``dln/d`` for phases and for a parameter that is 0 anywhere.

    ``point`` maps each parameter to its value or to every value it takes in a batch (a
    sweep passes its grid axes), so that one column has one definition.
    """
    return tuple(KIND_LIN if is_phase(p) or np.any(np.asarray(point[p]) == 0.0) else KIND_LOG for p in params)


def scale_columns(model, params, outputs, R, point, kinds=None):
    """``(kinds, matrix, notes)`` from ``R = (1/O) ∂O/∂p`` (shape ``batch + (n_out, n_par)``).

    ``dln/dln`` columns are multiplied by ``p`` (``(p/O) ∂O/∂p = ∂ln|O|/∂ln|p|``);
    entries at a switch value (:data:`SWITCHES`) become NaN with a note.  ``kinds``
    default to :func:`column_kinds` of ``point`` (give them when ``point`` is one chunk of
    a larger batch).
    """
    kinds = column_kinds(params, point) if kinds is None else tuple(kinds)
    S = np.array(R, dtype=np.float64, copy=True)
    notes = []
    for j, (p, kind) in enumerate(zip(params, kinds)):
        pv = np.asarray(point[p], dtype=np.float64)
        if kind == KIND_LOG:
            S[..., :, j] *= pv[..., None]
        sw = SWITCHES.get((model, p))
        if sw is not None:
            at = pv == sw[0]
            rows = [i for i, o in enumerate(outputs) if o in sw[1]]
            if rows and np.any(at):
                for i in rows:
                    S[..., i, j] = np.where(at, np.nan, S[..., i, j])
                notes.append(sw[2])
    return kinds, S, tuple(notes)


@with_background
def sensitivity(model: str, given: Mapping | None = None, params: Sequence[str] | None = None,
                outputs: Sequence[str] | None = None, mode: str = "reverse") -> SensitivityResult:
    """Sensitivity matrix ``S[i, j] = ∂ ln|output_i| / ∂ ln|p_j|`` (or ``∂ ln|output_i| / ∂ p_j``) at one point.

    Parameters
    ----------
    model : str
        Registry name (``"wimp"``, ``"twin-higgs"``, ``"cogenesis"``, ``"leptogenesis"``).
    given : mapping, optional
        Parameter values (CLI strings or numbers); defaults elsewhere.
    params : sequence of str, optional
        Continuous parameters to differentiate with respect to (default: all but
        the numerical ``x0``, ``x_end``, ``x_max``).  Phases, and parameters at
        ``p = 0``, get ``∂ ln|O|/∂ p`` (kind ``"dln/d"``), every other one
        ``∂ ln|O|/∂ ln|p|`` (``"dln/dln"``); module docstring.
    outputs : sequence of str, optional
        Float outputs (default: :data:`DEFAULT_OUTPUTS` of the model).
    mode : {"reverse", "forward"}
        ``jax.jacrev`` with the reverse ODE adjoint or ``jax.jacfwd`` with the
        forward one (same numbers; cost ∝ outputs vs ∝ parameters).

    Returns
    -------
    SensitivityResult
        Scalar ``status``; ``matrix`` of shape (outputs, params), NaN if the solve failed.

    Raises
    ------
    ParameterError
        Unknown model, parameter or output (the message lists the allowed names),
        or a parameter value out of range.
    """
    params, outputs = _check_names(model, params, outputs)
    ev = get_model(model)
    fixed = resolve_point(model, dict(given or {}))
    jac = _compiled_jacobian(model, _discrete(model, fixed), params, outputs, mode, batched=False)
    R, vals, status = jac({k: np.float64(fixed[k]) for k in ev.bounds})
    point = {k: np.asarray(fixed[k]) for k in ev.bounds}
    kinds, S, notes = scale_columns(model, params, outputs, np.asarray(R), point)
    return SensitivityResult(
        model=model, outputs=outputs, params=params, kinds=kinds, matrix=S,
        values={o: np.asarray(vals[i]) for i, o in enumerate(outputs)},
        point=point, status=np.asarray(status), mode=mode, fixed=fixed, notes=notes,
    )


@with_background
def sensitivity_sweep(model: str, points: Mapping, given: Mapping | None = None,
                      params: Sequence[str] | None = None, outputs: Sequence[str] | None = None,
                      mode: str = "reverse", chunk_size: int | None = None) -> SensitivityResult:
    """Sensitivity matrices over a batch of points (``jax.jit(jax.vmap(jacobian))``).

    Parameters
    ----------
    model : str
        Registry name.
    points : mapping
        Continuous parameter name → array of values; all arrays broadcast to one
        ``batch`` shape (e.g. a meshgrid of a 2-D sweep).  Every value is checked
        against the parameter's allowed range.
    given : mapping, optional
        Fixed values of the other parameters.
    params, outputs, mode
        As in :func:`sensitivity`.
    chunk_size : int, optional
        Evaluate at most this many points per vmapped call (bounds memory); the
        compiled function is reused for every chunk (the last one is padded).

    Returns
    -------
    SensitivityResult
        ``matrix`` of shape ``batch + (n_outputs, n_params)``, ``status`` of shape ``batch``.
    """
    params, outputs = _check_names(model, params, outputs)
    ev = get_model(model)
    if not points:
        raise ParameterError("points must name at least one swept parameter; allowed: " + ", ".join(ev.bounds))
    for k in points:
        if k not in ev.bounds:
            raise ParameterError(f"unknown swept parameter {k!r} of model {model}; allowed: {', '.join(ev.bounds)}")
    arrays = np.broadcast_arrays(*[np.asarray(v, dtype=np.float64) for v in points.values()])
    batch = arrays[0].shape
    for k, a in zip(points, arrays):
        lo, hi, _ = ev.bounds[k]
        bad = ~np.isfinite(a) | (a < lo) | (a > hi)
        if np.any(bad):
            raise ParameterError(f"swept parameter {k} has values outside the allowed range [{lo:g}, {hi:g}] "
                                 f"(e.g. {a[bad].flat[0]!r})")
    fixed = resolve_point(model, {k: v for k, v in dict(given or {}).items() if k not in points})
    vjac = _compiled_jacobian(model, _discrete(model, fixed), params, outputs, mode, batched=True)
    n = int(np.prod(batch))
    flat = {k: np.full(n, float(fixed[k])) for k in ev.bounds}
    flat.update({k: a.reshape(-1) for k, a in zip(points, arrays)})
    size = n if chunk_size is None else max(1, min(int(chunk_size), n))
    parts = []
    for start in range(0, n, size):
        chunk = {k: v[start:start + size] for k, v in flat.items()}
        m = len(next(iter(chunk.values())))
        if m < size:  # pad with the last point to reuse the compiled shape
            chunk = {k: np.concatenate([v, np.full(size - m, v[-1])]) for k, v in chunk.items()}
        S, vals, status = vjac(chunk)
        parts.append((np.asarray(S)[:m], np.asarray(vals)[:m], np.asarray(status)[:m]))
    S = np.concatenate([p[0] for p in parts]).reshape(batch + (len(outputs), len(params)))
    vals = np.concatenate([p[1] for p in parts]).reshape(batch + (len(outputs),))
    status = np.concatenate([p[2] for p in parts]).reshape(batch)
    point = {k: flat[k].reshape(batch) for k in ev.bounds}
    kinds, S, notes = scale_columns(model, params, outputs, S, point)
    return SensitivityResult(
        model=model, outputs=outputs, params=params, kinds=kinds, matrix=S,
        values={o: vals[..., i] for i, o in enumerate(outputs)}, point=point, status=status,
        mode=mode, fixed=fixed, notes=notes,
    )
