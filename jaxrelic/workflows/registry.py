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


# --------------------------------------------------------------------------- WIMP


def _wimp_run(params: dict) -> dict:
    import time

    from .._api import relic_density
    from ..models.wimp import WIMP
    from ..numerics.status import status_name

    t0 = time.perf_counter()
    model = WIMP(
        mass=params["mass"],
        sigma_v=params["sigma_v"],
        b=params["b"],
        g=params["g"],
        self_conjugate=params["self_conjugate"],
    )
    res = relic_density(model)
    omega = float(res.omega_h2)
    out = {
        "model": "wimp",
        "parameters": params,
        "omega_h2": omega,
        "x_f": float(res.x_f),
        "Y_today": float(res.Y_today),
        "status": status_name(res.status),
        "status_code": int(res.status),
        "ode_steps": int(res.num_steps),
        "wall_time_s": time.perf_counter() - t0,
        "_result": res,
    }
    return out


def _wimp_plot(out: dict, path: str) -> None:
    from .plots import plot_yield

    p = out["parameters"]
    plot_yield(
        out["_result"],
        title=rf"WIMP $m={p['mass']:g}$ GeV, $\langle\sigma v\rangle={p['sigma_v']:.3g}$ cm$^3$/s: "
        rf"$\Omega h^2={out['omega_h2']:.4g}$",
        path=path,
    )


def _wimp_spec() -> ModelSpec:
    from ..models.wimp import WIMP_PARAMETERS

    params = []
    for name, (unit, default, (lo, hi), desc) in WIMP_PARAMETERS.items():
        kind = "bool" if unit == "bool" else "float"
        params.append(Parameter(name, "" if kind == "bool" else unit, default, lo, hi, desc, kind))
    return ModelSpec(
        name="wimp",
        description="thermal relic with σv = a + b v² (number-density Boltzmann equation)",
        parameters=tuple(params),
        run=_wimp_run,
        plot=_wimp_plot,
    )


MODELS: dict[str, Callable[[], ModelSpec]] = {"wimp": _wimp_spec}
