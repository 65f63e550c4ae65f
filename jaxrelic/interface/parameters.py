"""One parameter table per model, and the one helper that checks values against it.

A :class:`ParameterTable` lists a model's public parameters (:class:`Parameter`: unit,
default, allowed range with open or closed ends, kind) and its cross-parameter
conditions (:class:`Condition`, e.g. r < 1 + Δ).  The same table is used by

* the model's constructor: :meth:`ParameterTable.check` raises :class:`ParameterError`
  (a ``ValueError`` naming the parameter and its range) for concrete values and lets
  traced ones pass;
* the model's ``domain_status`` under ``jit``/``vmap``: :meth:`ParameterTable.contains`
  is a pure-jnp mask (no host callback, which would block JAX's compilation cache);
* the CLI (``--set`` parsing, ``jaxrelic models [--json]``) and the workflows
  (fit/sweep/sensitivity bounds, log axes): :meth:`ParameterTable.resolve`,
  :meth:`ParameterTable.continuous`, :meth:`ParameterTable.describe`.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any, Callable, Iterable, Mapping

import jax
import jax.numpy as jnp
import numpy as np

__all__ = ["ParameterError", "Parameter", "Condition", "ParameterTable", "is_traced"]

KINDS = ("float", "int", "bool", "choice", "complex")


class ParameterError(ValueError):
    """Bad value of a model parameter; the message names the parameter and its allowed range."""


def is_traced(value) -> bool:
    """True if any leaf of ``value`` is a JAX tracer (unknown at trace time)."""
    return any(isinstance(leaf, jax.core.Tracer) for leaf in jax.tree_util.tree_leaves(value))


def _g(v: float) -> str:
    return "inf" if v == math.inf else ("-inf" if v == -math.inf else f"{v:g}")


@dataclasses.dataclass(frozen=True)
class Parameter:
    """One public parameter.

    ``low``/``high`` ``None`` mean unbounded; ``open_low``/``open_high`` exclude the end.
    ``log`` marks a positive parameter (log axes, log transforms in fits, d ln O/d ln p).
    ``text`` replaces the generated range text (e.g. to state a cross condition with it).
    A ``complex`` parameter has ``|value| <= high`` and enters the workflows as two
    continuous parameters ``<name>_abs`` and ``<name>_arg`` (radians).
    """

    name: str
    unit: str = ""
    default: Any = 0.0
    low: float | None = None
    high: float | None = None
    description: str = ""
    kind: str = "float"
    choices: tuple = ()
    log: bool = False
    open_low: bool = False
    open_high: bool = False
    text: str = ""

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"Parameter {self.name}: kind={self.kind!r}; allowed: {', '.join(KINDS)}")

    # ----------------------------------------------------------------- description
    def bounds(self) -> tuple:
        """(min, max) as finite floats, ``None`` where unbounded or not numeric."""
        if self.kind not in ("float", "int", "complex"):
            return None, None
        fin = lambda v: float(v) if v is not None and math.isfinite(float(v)) else None  # noqa: E731
        return (None if self.kind == "complex" else fin(self.low)), fin(self.high)

    def range_text(self) -> str:
        """The allowed range in words, e.g. ``(0, 0.785398) rad`` or ``one of MB, FD, BE``
        (``text`` when given, e.g. ``0 < theta1 < pi/4``)."""
        if self.text:
            return self.text
        if self.kind == "bool":
            return "true or false"
        if self.kind == "choice":
            return "one of " + ", ".join(self.choices)
        if self.kind == "complex":
            return f"|value| <= {_g(self.high)}"
        lo = -math.inf if self.low is None else self.low
        hi = math.inf if self.high is None else self.high
        text = ("(" if self.open_low or lo == -math.inf else "[") + f"{_g(lo)}, {_g(hi)}" + (
            ")" if self.open_high or hi == math.inf else "]")
        if self.kind == "int":
            text += " (integer)"
        return text + (f" {self.unit}" if self.unit else "")

    def describe(self) -> dict:
        """JSON description (``jaxrelic models --json``)."""
        lo, hi = self.bounds()
        out = {"unit": self.unit, "default": self.default, "kind": self.kind, "min": lo, "max": hi,
               "min_open": bool(self.open_low), "max_open": bool(self.open_high),
               "allowed": self.range_text(), "description": self.description}
        if self.kind == "choice":
            out["choices"] = list(self.choices)
        return out

    # ----------------------------------------------------------------- checks
    def _outside(self, x, xp):
        bad = xp.logical_not(xp.isfinite(x))
        if self.low is not None:
            bad = bad | ((x <= self.low) if self.open_low else (x < self.low))
        if self.high is not None:
            bad = bad | ((x >= self.high) if self.open_high else (x > self.high))
        return bad

    def valid(self, value) -> bool:
        """Concrete (NumPy) test: every entry of ``value`` in range (safe inside a jit trace)."""
        if self.kind == "complex":
            x = np.asarray(value)
            return bool(np.all(np.isfinite(x) & (np.abs(x) <= self.high)))
        return not bool(np.any(self._outside(np.asarray(value, dtype=np.float64), np)))

    def contains(self, value) -> jax.Array:
        """Pure-jnp mask: True where ``value`` (any shape, traced or not) is in range."""
        if self.kind == "complex":
            x = jnp.asarray(value)
            return jnp.isfinite(x) & (jnp.abs(x) <= self.high)
        return ~self._outside(jnp.asarray(value, dtype=jnp.float64), jnp)

    def error(self, shown, prefix: str = "") -> ParameterError:
        """:class:`ParameterError` "<prefix><name>=<shown!r> outside the allowed range <range>"."""
        v = np.asarray(shown) if not isinstance(shown, str) else None
        if v is not None and v.dtype != object:
            shown = v.tolist() if v.ndim else v.item()
        return ParameterError(f"{prefix}{self.name}={shown!r} outside the allowed range {self.range_text()}")

    def check(self, value, *, shown=None, prefix: str = ""):
        """Concrete ``value``: returned if in range (NaN and ±inf never are), else
        :class:`ParameterError` naming the parameter and its range (``shown`` replaces the
        value in the message).  Traced values are returned unchanged (flag them with
        :meth:`contains`)."""
        if is_traced(value):
            return value
        shown = value if shown is None else shown
        if self.kind in ("float", "int"):
            v = np.asarray(value, dtype=np.float64)
            if np.any(self._outside(v, np)):
                raise self.error(shown, prefix)
            if self.kind == "int" and np.any(v != np.round(v)):
                raise ParameterError(f"{prefix}{self.name}={shown!r} must be an integer; allowed range "
                                     f"{self.range_text()}")
        elif self.kind == "complex":
            z = complex(value)
            if not (math.isfinite(z.real) and math.isfinite(z.imag)) or abs(z) > self.high:
                raise self.error(shown, prefix)
        elif self.kind == "choice" and value not in self.choices:
            raise ParameterError(f"{prefix}{self.name}={shown!r} invalid; allowed: {self.range_text()}")
        elif self.kind == "bool" and not isinstance(value, (bool, np.bool_)):
            raise ParameterError(f"{prefix}{self.name}={shown!r} is not a boolean; allowed: true or false")
        return value

    def parse(self, text):
        """A value from CLI text or a Python value, validated (:class:`ParameterError`)."""
        if self.kind == "bool":
            if isinstance(text, (bool, np.bool_)):
                return bool(text)
            t = str(text).strip().lower()
            if t in ("true", "1", "yes", "on"):
                return True
            if t in ("false", "0", "no", "off"):
                return False
            raise ParameterError(f"parameter {self.name}={text!r} is not a boolean; allowed: true or false")
        if self.kind == "choice":
            t = str(text).strip()
            if t not in self.choices:
                raise ParameterError(f"parameter {self.name}={text!r} invalid; allowed: {self.range_text()}")
            return t
        if self.kind == "complex":
            try:
                v = text if isinstance(text, complex) else complex(str(text).replace(" ", ""))
            except ValueError:
                raise ParameterError(f"parameter {self.name}={text!r} is not a complex number "
                                     "(e.g. 0.1+0.2j)") from None
            return self.check(v, shown=text, prefix="parameter ")
        try:
            v = float(text)
        except (TypeError, ValueError):
            raise ParameterError(f"parameter {self.name}={text!r} is not a number; allowed range "
                                 f"{self.range_text()}") from None
        self.check(v, shown=text, prefix="parameter ")
        return int(v) if self.kind == "int" else v


@dataclasses.dataclass(frozen=True)
class Condition:
    """A cross-parameter condition of the physical domain.

    ``holds(values)`` must work on Python floats and on (traced) jnp arrays and return a
    boolean (mask); ``text`` states it in words (``jaxrelic models``); ``name`` is the
    parameter named in the error message.
    """

    names: tuple
    text: str
    holds: Callable[[Mapping], Any]

    @property
    def name(self) -> str:
        return self.names[0]


class ParameterTable:
    """The parameters and cross conditions of one model (the one table the model owns)."""

    def __init__(self, *parameters: Parameter, conditions: Iterable[Condition] = ()):
        self.parameters = tuple(parameters)
        self._by_name = {p.name: p for p in self.parameters}
        if len(self._by_name) != len(self.parameters):
            raise ValueError("ParameterTable: parameter names must be distinct")
        self.conditions = tuple(conditions)

    def __getitem__(self, name: str) -> Parameter:
        return self._by_name[name]

    def __contains__(self, name) -> bool:
        return name in self._by_name

    def __iter__(self):
        return iter(self.parameters)

    @property
    def names(self) -> tuple:
        return tuple(self._by_name)

    def defaults(self) -> dict:
        return {p.name: p.default for p in self.parameters}

    # ----------------------------------------------------------------- checks
    def check(self, name: str, value):
        """Concrete ``value`` of ``name`` checked (:class:`ParameterError`); traced passes."""
        return self._by_name[name].check(value)

    def check_conditions(self, values: Mapping) -> None:
        """:class:`ParameterError` for the first cross condition that concrete ``values`` violate."""
        for c in self.conditions:
            vals = [values.get(n) for n in c.names]
            if any(v is None for v in vals) or is_traced(vals):
                continue
            if not bool(c.holds(values)):
                shown = ", ".join(f"{n}={values[n]!r}" for n in c.names)
                raise ParameterError(f"parameter {c.name} outside the allowed domain: {c.text} ({shown})")

    def contains(self, values: Mapping, conditions: bool = True) -> jax.Array:
        """Pure-jnp mask: every given float/complex value in range and (``conditions``) every
        condition whose parameters are all given holds (for ``domain_status`` under ``jit``/``vmap``)."""
        ok = jnp.asarray(True)
        for name, v in values.items():
            p = self._by_name.get(name)
            if p is not None and p.kind in ("float", "int", "complex"):
                ok = ok & jnp.all(p.contains(v))
        for c in self.conditions if conditions else ():
            if all(n in values for n in c.names):
                ok = ok & jnp.all(jnp.asarray(c.holds(values)))
        return ok

    def resolve(self, given: Mapping) -> dict:
        """Defaults overridden by ``given`` (parsed, checked, conditions applied); an unknown
        name raises :class:`ParameterError` listing the known ones."""
        out = self.defaults()
        for name, text in given.items():
            if name not in self._by_name:
                raise ParameterError(f"unknown parameter {name!r}; allowed: {', '.join(self._by_name)}")
            out[name] = self._by_name[name].parse(text)
        self.check_conditions(out)
        return out

    # ----------------------------------------------------------------- workflows
    def continuous(self) -> dict:
        """Parameters that can be free (traced) in fit/sweep/sensitivity: name → Parameter.
        A complex parameter z gives ``z_abs`` (|z|, positive) and ``z_arg`` (radians)."""
        out = {}
        for p in self.parameters:
            if p.kind == "float":
                out[p.name] = p
            elif p.kind == "complex":
                out[p.name + "_abs"] = dataclasses.replace(p, name=p.name + "_abs", kind="float", low=0.0,
                                                           default=abs(complex(p.default)), log=True,
                                                           description=f"|{p.name}|")
                out[p.name + "_arg"] = dataclasses.replace(p, name=p.name + "_arg", kind="float", low=None,
                                                           high=None, default=_arg(p.default), log=False,
                                                           unit="rad", description=f"arg {p.name}")
        return out

    def describe(self) -> dict:
        """``{"parameters": {name: {...}}, "conditions": [...]}`` (``jaxrelic models --json``)."""
        return {"parameters": {p.name: p.describe() for p in self.parameters},
                "conditions": [c.text for c in self.conditions]}


def _arg(z) -> float:
    z = complex(z)
    return math.atan2(z.imag, z.real)
