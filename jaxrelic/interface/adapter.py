"""The adapter: the one place where a model meets its solver, for every workflow.

A model provides one :class:`ModelAdapter` (built-ins in ``jaxrelic/models/<name>/adapter.py``,
user models anywhere, registered with :func:`jaxrelic.register_model`).  It holds the model's
:class:`~jaxrelic.interface.parameters.ParameterTable` and three functions:

* ``solve(p, background, adjoint)`` — pure jnp: the model's solver at one point.  ``p`` maps
  every parameter name to its value: jnp float64 scalars for continuous (float) parameters,
  Python values for the static ones (bool, choice, int);
* ``observables(p, result)`` — pure jnp: ``{output: scalar}``, with ``"status"`` (int32,
  :mod:`jaxrelic.numerics.status`);
* ``summary(p, result)`` — eager: the JSON-able dict of ``jaxrelic relic`` (notes, spectra);
  ``plot(p, result, summary, path)`` draws it.

From these, :func:`point_function` gives the pure, jit/vmap/grad-able function of the free
parameters used by fit, sweep and sensitivity, and :func:`run_point` the CLI's eager run.
:class:`NetworkAdapter` turns any :class:`~jaxrelic.engines.network.AbstractNetworkModel`
subclass into an adapter in a few lines.
"""

from __future__ import annotations

import abc
import contextlib
import functools
import math
import time
from typing import Callable, Mapping, Sequence

import equinox as eqx
import jax
import jax.numpy as jnp

from ..engines.network import R_EQ_START, solve_network
from ..numerics import status as st
from ..thermo.background import Background
from .parameters import ParameterError, ParameterTable

__all__ = ["ModelAdapter", "NetworkAdapter", "point_function", "grouped_point_function", "resolve_point",
           "run_point", "default_background", "using_background", "with_background", "background_key"]

#: The background used where none is passed (None: the Standard Model); set by the CLI's --gstar
#: and, for the duration of one call, by the ``background=`` argument of the workflows.
_DEFAULT = {"background": None}


def default_background() -> Background:
    """The current default background: the one set by :func:`using_background`, else the
    Standard Model (Saikawa–Shirai g_*, g_*s)."""
    bg = _DEFAULT["background"]
    return Background.standard_model() if bg is None else bg


def background_key():
    """Hashable identity of the current default background (for caches of compiled programs)."""
    bg = _DEFAULT["background"]
    return None if bg is None else id(bg)


@contextlib.contextmanager
def using_background(background: Background | None):
    """Make ``background`` the default inside the block (None keeps the current one)."""
    previous = _DEFAULT["background"]
    if background is not None:
        if not isinstance(background, Background):
            raise ParameterError(f"background={background!r} must be a jaxrelic.Background (e.g. "
                                 "Background(GStar.from_file(path)))")
        _DEFAULT["background"] = background
    try:
        yield
    finally:
        _DEFAULT["background"] = previous


def with_background(func):
    """Give a workflow function a ``background=`` keyword (a g_*(T) background for every solve)."""

    @functools.wraps(func)
    def wrapped(*args, background: Background | None = None, **kwargs):
        with using_background(background):
            return func(*args, **kwargs)

    return wrapped


class ModelAdapter(abc.ABC):
    """Interface of one model to the workflows (subclass and set the class attributes).

    Attributes
    ----------
    name : str
        Registry name (``jaxrelic relic <name>``).
    description : str
        One line for ``jaxrelic models``.
    parameters : ParameterTable
        The model's one parameter table.
    outputs : tuple of str
        Float outputs of :meth:`observables` (differentiable).
    integer_outputs : tuple of str
        Integer outputs (``"status"`` and labels such as ``"phase"``).
    group_axis : str or None
        A parameter on which the expensive work does not depend (twin-higgs: θ₁); then
        :meth:`solve_group` solves a whole 1-D group of it at once.
    uses_background : bool
        Whether :meth:`solve` uses the g_*(T) background (False: a custom one is rejected).
    """

    name: str = ""
    description: str = ""
    parameters: ParameterTable = ParameterTable()
    outputs: tuple = ("omega_h2",)
    integer_outputs: tuple = ("status",)
    group_axis: str | None = None
    uses_background: bool = True

    #: Optional ``solve_group(p, background, adjoint) -> dict``: the observables of a group, with
    #: ``p[group_axis]`` a 1-D array and everything else shared (needed when ``group_axis`` is set).
    solve_group = None
    #: Optional ``plot(p, result, summary, path)``: draw ``result`` (``jaxrelic relic --plot``).
    plot = None

    @abc.abstractmethod
    def solve(self, p: Mapping, background: Background, adjoint: str = "reverse"):
        """The model's solution at one point (pure jnp)."""

    @abc.abstractmethod
    def observables(self, p: Mapping, result) -> dict:
        """``{output: jnp scalar}`` of a solution, with ``"status"`` (pure jnp)."""

    def check(self, p: Mapping) -> None:
        """Concrete cross-parameter checks beyond the table (ParameterError); default: the
        table's conditions."""
        self.parameters.check_conditions(p)

    def summary(self, p: Mapping, result, background=None) -> dict:
        """JSON-able output of ``jaxrelic relic`` (eager; ``background`` as solved).  Default: the observables."""
        obs = self.observables(p, result)
        out = {k: float(v) for k, v in obs.items() if k in self.outputs}
        out.update({k: int(v) for k, v in obs.items() if k in self.integer_outputs and k != "status"})
        out["status"] = int(obs["status"])
        return out

    @property
    def has_plot(self) -> bool:
        return self.plot is not None

    def continuous(self) -> dict:
        """Parameters that may be free: name → Parameter (complex ones as _abs/_arg)."""
        return self.parameters.continuous()

    @property
    def bounds(self) -> dict:
        """Free-able parameters as name → (low, high, log) with ±inf for open ends (fits, sweeps)."""
        return {n: (-math.inf if p.low is None else float(p.low), math.inf if p.high is None else float(p.high),
                    bool(p.log)) for n, p in self.continuous().items()}

    def describe(self) -> dict:
        return {"description": self.description, **self.parameters.describe()}


# ------------------------------------------------------------------------------ networks


class NetworkAdapter(ModelAdapter):
    """Adapter of a number-density network model.

    ``model`` is an :class:`~jaxrelic.engines.network.AbstractNetworkModel` subclass (or any
    callable) built as ``model(**values)`` from the table's parameters (static ones included);
    outputs are ``omega_h2``, ``x_f``, ``Y_today`` and ``status`` of
    :func:`~jaxrelic.engines.network.solve_network`.
    """

    outputs = ("omega_h2", "x_f", "Y_today")

    def __init__(self, name: str, model: Callable, parameters: ParameterTable, description: str = "",
                 solver_options: Mapping | None = None):
        self.name = name
        self.model = model
        self.parameters = parameters
        self.description = description or f"number-density network model {name}"
        self.solver_options = dict(solver_options or {})

    def build(self, p: Mapping):
        """The network model at ``p``."""
        return self.model(**{k: p[k] for k in self.parameters.names})

    def solve(self, p, background, adjoint="reverse"):
        return solve_network(self.build(p), background, adjoint=adjoint, **self.solver_options)

    def observables(self, p, result) -> dict:
        return {"omega_h2": result.omega_h2, "x_f": result.x_f, "Y_today": result.Y_today, "status": result.status}

    def check(self, p) -> None:
        try:  # the model's own concrete checks (its messages), in Python before any compilation
            self.build(p)
        except ValueError as e:
            raise ParameterError(str(e) if str(e).startswith("parameter ") else f"parameter {e}") from None
        super().check(p)

    def summary(self, p, result, background=None) -> dict:
        out = super().summary(p, result, background)
        out["x_start"] = float(result.x[0])
        out["ode_steps"] = int(result.num_steps)
        notes = []
        if out["x_start"] < 1.0:
            notes.append(f"relativistic_decoupling: the annihilation rate is below {R_EQ_START:g} H at x = 1, so "
                         f"the solve starts in equilibrium at x = {out['x_start']:.3g} where it is faster (a hot "
                         "or warm relic)")
        out["notes"] = notes
        return out

    def plot(self, p, result, summary, path) -> None:
        from .plotting import plot_yield

        plot_yield(result, title=rf"{self.name}: $\Omega h^2={summary['omega_h2']:.4g}$", path=path)


# ------------------------------------------------------------------------------ resolving


def resolve_point(adapter, given: Mapping, *, cross: bool = False) -> dict:
    """Every parameter of ``adapter``: defaults overridden by ``given`` (ranges validated; with
    ``cross`` also the cross-parameter conditions and the model's own constructor checks, as for a
    single run — in workflows a point that violates them gets status ``out_of_range`` instead).

    Complex parameters are returned in both forms (``z`` and ``z_abs``/``z_arg``); ``given``
    may use either (both only when they agree).
    """
    adapter = _adapter(adapter)
    table = adapter.parameters
    cont = adapter.continuous()
    polar = {k: v for k, v in given.items() if k not in table and k in cont}
    rest = {k: v for k, v in given.items() if k not in polar}
    unknown = [k for k in rest if k not in table]
    if unknown:
        allowed = ", ".join(list(table.names) + [k for k in cont if k not in table])
        raise ParameterError(f"unknown parameter {unknown[0]!r} for model {adapter.name}; allowed: {allowed}")
    full = table.defaults()
    for name, text in rest.items():
        full[name] = table[name].parse(text)
    for p in table:
        if p.kind == "complex":
            z = complex(full[p.name])
            full[p.name + "_abs"], full[p.name + "_arg"] = abs(z), math.atan2(z.imag, z.real)
    for k, v in polar.items():
        base = k[:-4]
        if base in rest:
            try:
                same = math.isclose(float(v), full[k], rel_tol=1e-12, abs_tol=1e-15)
            except (TypeError, ValueError):
                same = False
            if not same:
                raise ParameterError(f"parameter {k}={v!r} given together with {base}={full[base]!r} and "
                                     "different from it; give one form of the coupling")
            continue
        full[k] = cont[k].parse(v)
    for p in table:  # a complex value given in polar form
        if p.kind == "complex" and p.name not in rest and (p.name + "_abs" in polar or p.name + "_arg" in polar):
            full[p.name] = complex(full[p.name + "_abs"] * math.cos(full[p.name + "_arg"]),
                                   full[p.name + "_abs"] * math.sin(full[p.name + "_arg"]))
    for name in cont:
        full[name] = cont[name].check(full[name], prefix="parameter ")
    if cross:
        adapter.check(full)
    return full


def _check_background(adapter: ModelAdapter, background):
    if background is None:
        if _DEFAULT["background"] is not None and not adapter.uses_background:
            raise ParameterError(f"--gstar/background: model {adapter.name} does not use a g_*(T) table (allowed: "
                                 "the default background only)")
        return default_background()
    if not isinstance(background, Background):
        raise ParameterError(f"background={background!r} must be a jaxrelic.Background (e.g. "
                             "Background(GStar.from_file(path)))")
    if not adapter.uses_background:
        raise ParameterError(f"background: model {adapter.name} does not use a g_*(T) table (allowed: the "
                             "default background only)")
    return background


def _f64(v):
    return jnp.asarray(v, dtype=jnp.float64)


def _assemble(adapter: ModelAdapter, fixed: Mapping, values: Mapping) -> dict:
    """Parameter dict of one point: statics from ``fixed``, continuous as float64 arrays,
    complex parameters rebuilt from their _abs/_arg values."""
    p = {}
    for prm in adapter.parameters:
        if prm.kind in ("float",):
            p[prm.name] = _f64(values.get(prm.name, fixed[prm.name]))
        elif prm.kind == "complex":
            if prm.name + "_abs" in values or prm.name + "_arg" in values:
                a = _f64(values.get(prm.name + "_abs", fixed[prm.name + "_abs"]))
                ph = _f64(values.get(prm.name + "_arg", fixed[prm.name + "_arg"]))
                p[prm.name] = a * jnp.exp(1j * ph)
            else:
                p[prm.name] = jnp.asarray(fixed[prm.name], dtype=jnp.complex128)
        else:
            p[prm.name] = fixed[prm.name]
    return p


def _free_names(adapter: ModelAdapter, free: Sequence[str]) -> tuple:
    cont = adapter.continuous()
    for name in free:
        if name not in cont:
            raise ParameterError(f"parameter {name!r} of model {adapter.name} cannot be free; allowed: "
                                 f"{', '.join(cont)}")
    if len(set(free)) != len(free):
        raise ParameterError(f"free parameters must be distinct, got {list(free)}")
    return tuple(free)


def _adapter(model):
    if isinstance(model, ModelAdapter):
        return model
    from .registry import get_model

    return get_model(model)


def point_function(model, given: Mapping | None = None, free: Sequence[str] = (), *, adjoint: str = "reverse",
                   background: Background | None = None) -> tuple[Callable, dict]:
    """Pure point function of a model with ``free`` parameters as inputs.

    ``model`` is a registry name or a :class:`ModelAdapter`; ``given`` fixed values (CLI strings or
    Python values; defaults elsewhere, validated here with :class:`ParameterError`); ``free`` the
    continuous parameters that become inputs; ``adjoint`` "reverse" (for ``jax.grad``/``jacrev``)
    or "forward" (``jvp``/``jacfwd``); ``background`` a g_*(T) background (default SM).

    Returns ``(fn, fixed)``: ``fn(values: dict[str, scalar]) -> dict[str, scalar]`` (pure jnp;
    jit, vmap and differentiate at the call site; always contains ``"status"``, and a traced
    value outside the model's domain gives ``out_of_range`` there) and every parameter value used.
    """
    ad = _adapter(model)
    if adjoint not in ("reverse", "forward"):
        raise ParameterError(f"adjoint={adjoint!r} invalid; allowed: reverse, forward")
    bg = _check_background(ad, background)
    fixed = resolve_point(ad, dict(given or {}))
    free = _free_names(ad, free)

    def fn(values: Mapping):
        missing = [k for k in free if k not in values]
        if missing:
            raise ParameterError(f"point function of {ad.name}: missing values for {missing}")
        p = _assemble(ad, fixed, {k: values[k] for k in free})
        out = dict(ad.observables(p, ad.solve(p, bg, adjoint)))
        # traced values outside the model's table: status out_of_range (no host callback)
        inside = ad.parameters.contains({k: p[k] for k in ad.parameters.names if k in p})
        out["status"] = st.combine(jnp.where(inside, st.SUCCESS, st.OUT_OF_RANGE), out["status"])
        return out

    return fn, fixed


def grouped_point_function(model, given: Mapping | None = None, free: Sequence[str] = (), *,
                           adjoint: str = "reverse", background: Background | None = None) -> Callable | None:
    """Point function of a *group* of points differing only in the model's group axis.

    ``fn_group(values)`` takes 1-D arrays of one length g for every free name (the other free
    names must be equal within the group; the first value is used) and returns arrays of length
    g.  ``None`` when the model has no group axis or it is not free.
    """
    ad = _adapter(model)
    if ad.group_axis is None or ad.group_axis not in tuple(free):
        return None
    if ad.solve_group is None:
        raise ParameterError(f"model {ad.name} declares group_axis={ad.group_axis!r} but no solve_group")
    if adjoint not in ("reverse", "forward"):
        raise ParameterError(f"adjoint={adjoint!r} invalid; allowed: reverse, forward")
    bg = _check_background(ad, background)
    fixed = resolve_point(ad, dict(given or {}))
    free = _free_names(ad, free)
    axis = ad.group_axis

    def fn_group(values: Mapping):
        missing = [k for k in free if k not in values]
        if missing:
            raise ParameterError(f"group point function of {ad.name}: missing values for {missing}")
        p = _assemble(ad, fixed, {k: _f64(values[k])[0] for k in free if k != axis})
        p[axis] = _f64(values[axis])
        return ad.solve_group(p, bg, adjoint)

    return fn_group


_SOLVE_JIT = eqx.filter_jit(lambda ad, p, bg: ad.solve(p, bg, "reverse"))


def run_point(model, given: Mapping, background: Background | None = None) -> tuple[dict, dict, object]:
    """One point, eagerly (``jaxrelic relic``): ``(parameters, summary, result)``.

    The solve is jitted once per model and static settings (the compiled program is cached on
    disk by the CLI); ``summary`` is the adapter's JSON-able dict plus ``model``,
    ``parameters``, ``status`` (name), ``status_code`` and ``wall_time_s``.
    """
    ad = _adapter(model)
    bg = _check_background(ad, background)
    full = resolve_point(ad, dict(given), cross=True)
    t0 = time.perf_counter()
    p = _assemble(ad, full, {})
    result = _SOLVE_JIT(_Static(ad), p, bg)
    jax.block_until_ready(result)
    out = ad.summary(full, result, bg)
    code = int(out.pop("status"))
    shown = {k: v for k, v in full.items() if k in ad.parameters}
    summary = {"model": ad.name, "parameters": shown, **out, "status": st.status_name(code), "status_code": code,
               "wall_time_s": time.perf_counter() - t0}
    return full, summary, result


class _Static:
    """Hashable static wrapper of an adapter for :func:`eqx.filter_jit` (one compile per adapter)."""

    __slots__ = ("ad",)

    def __init__(self, ad):
        self.ad = ad

    def __hash__(self):
        return hash(id(self.ad))

    def __eq__(self, other):
        return isinstance(other, _Static) and other.ad is self.ad

    def solve(self, p, bg, adjoint):
        return self.ad.solve(p, bg, adjoint)
