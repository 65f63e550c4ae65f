"""Model registry for the CLI and workflows: parameters, units, ranges, runners.

Each entry describes one model's public parameters (name → unit, default,
allowed range, description), how to parse and validate user input, and how to
run it into a JSON-able dict.  Validation errors are :class:`ParameterError`
(a ``ValueError``) whose message names the parameter and its allowed range.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any, Callable

__all__ = ["ParameterError", "Parameter", "ModelSpec", "MODELS", "parse_value", "resolve_parameters"]


class ParameterError(ValueError):
    """Bad user input for a model parameter (message names parameter and range)."""


@dataclasses.dataclass(frozen=True)
class Parameter:
    """One public model parameter."""

    name: str
    unit: str
    default: Any
    low: Any
    high: Any
    description: str
    kind: str = "float"  # float | bool | choice | complex
    choices: tuple = ()

    def bounds(self) -> tuple:
        """(min, max) as numbers, None where unbounded or not numeric (``models --json``)."""
        if self.kind not in ("float", "complex"):
            return None, None
        lo = None if self.kind == "complex" else self.low
        fin = lambda v: float(v) if v is not None and math.isfinite(float(v)) else None  # noqa: E731
        return fin(lo), fin(self.high)

    def range_text(self) -> str:
        if self.kind == "bool":
            return "true or false"
        if self.kind == "choice":
            return "one of " + ", ".join(self.choices)
        if self.kind == "complex":
            return f"|value| <= {self.high}"
        return f"[{self.low:g}, {self.high:g}]" + (f" {self.unit}" if self.unit else "")


@dataclasses.dataclass(frozen=True)
class ModelSpec:
    """A model available to the CLI."""

    name: str
    description: str
    parameters: tuple
    run: Callable[[dict], dict]
    plot: Callable[[dict, str], None] | None = None
    #: Cross-parameter conditions of the physical domain, in words (``jaxrelic models``).
    conditions: tuple = ()


def parse_value(p: Parameter, text) -> Any:
    """Parse and validate one value (string from the CLI, or a Python value)."""
    if p.kind == "bool":
        if isinstance(text, bool):
            return text
        t = str(text).strip().lower()
        if t in ("true", "1", "yes", "on"):
            return True
        if t in ("false", "0", "no", "off"):
            return False
        raise ParameterError(f"parameter {p.name}={text!r} is not a boolean; allowed: true or false")
    if p.kind == "choice":
        t = str(text).strip()
        if t not in p.choices:
            raise ParameterError(f"parameter {p.name}={text!r} invalid; allowed: {p.range_text()}")
        return t
    if p.kind == "complex":
        try:
            v = complex(str(text).replace(" ", "")) if not isinstance(text, complex) else text
        except ValueError:
            raise ParameterError(f"parameter {p.name}={text!r} is not a complex number (e.g. 0.1+0.2j)") from None
        if not (math.isfinite(v.real) and math.isfinite(v.imag)) or abs(v) > p.high:
            raise ParameterError(f"parameter {p.name}={text!r} outside the allowed range {p.range_text()}")
        return v
    try:
        v = float(text)
    except (TypeError, ValueError):
        raise ParameterError(f"parameter {p.name}={text!r} is not a number; allowed range {p.range_text()}") from None
    if not math.isfinite(v) or v < p.low or v > p.high:
        raise ParameterError(f"parameter {p.name}={text!r} outside the allowed range {p.range_text()}")
    return v


def resolve_parameters(spec: ModelSpec, given: dict) -> dict:
    """Defaults overridden by ``given`` (validated); unknown names raise ParameterError."""
    known = {p.name: p for p in spec.parameters}
    out = {p.name: p.default for p in spec.parameters}
    for name, text in given.items():
        if name not in known:
            raise ParameterError(
                f"unknown parameter {name!r} for model {spec.name}; allowed: {', '.join(known)}"
            )
        out[name] = parse_value(known[name], text)
    return out


#: CLI model name -> module in jaxrelic.workflows.specs exposing ``spec() -> ModelSpec``.
_SPEC_MODULES = {
    "wimp": "wimp",
    "leptogenesis": "leptogenesis",
    "twin-higgs": "twin_higgs",
    "cogenesis": "cogenesis",
}


def _loader(module: str) -> Callable[[], ModelSpec]:
    def load() -> ModelSpec:
        import importlib

        return importlib.import_module(f"jaxrelic.workflows.specs.{module}").spec()

    return load


MODELS: dict[str, Callable[[], ModelSpec]] = {name: _loader(mod) for name, mod in _SPEC_MODULES.items()}
#: Freeze-in: two specs in one module (jaxrelic/workflows/specs/freeze_in.py: decay_spec, uv_spec).
MODELS["freeze-in-decay"] = lambda: __import__("jaxrelic.workflows.specs.freeze_in", fromlist=["_"]).decay_spec()
MODELS["freeze-in-uv"] = lambda: __import__("jaxrelic.workflows.specs.freeze_in", fromlist=["_"]).uv_spec()
