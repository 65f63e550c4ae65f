"""Shared helpers of the CLI subcommands (argument parsing, strict JSON encoding, user errors)."""

from __future__ import annotations

import json
import math
import re

__all__ = ["CLI_OPTIONS", "UserError", "parse_sets", "json_default", "strict_json", "dumps_json", "parse_bytes"]


#: Options that apply to every subcommand (set by the CLI's ``--gstar``): the g_*(T) background.
CLI_OPTIONS = {"background": None}


class UserError(Exception):
    """A user mistake on the command line (exit code 2, one line)."""


def parse_sets(items) -> dict:
    """``["a=1", "b=x"]`` → ``{"a": "1", "b": "x"}`` (strings; validation is the model's)."""
    given = {}
    for item in items or []:
        if "=" not in item:
            raise UserError(f"--set expects NAME=VALUE, got {item!r}")
        name, value = item.split("=", 1)
        given[name.strip()] = value.strip()
    return given


def json_default(o):
    """JSON encoder fallback: complex as {real, imag}, numpy/jax scalars as numbers, NaN/inf as null."""
    if isinstance(o, complex):
        return {"real": o.real, "imag": o.imag}
    if hasattr(o, "item") and getattr(o, "shape", None) == ():
        v = o.item()
        return None if isinstance(v, float) and not math.isfinite(v) else v
    if hasattr(o, "tolist"):
        return strict_json(o.tolist())
    return str(o)


def strict_json(o):
    """``o`` with every non-finite float replaced by ``None`` (recursively), numpy/jax values as Python.

    Strict JSON (RFC 8259) has no NaN or Infinity; a non-finite number becomes ``null`` and
    the result's ``status`` says why.
    """
    if isinstance(o, float):
        return o if math.isfinite(o) else None
    if isinstance(o, complex):
        return {"real": strict_json(o.real), "imag": strict_json(o.imag)}
    if isinstance(o, dict):
        return {k: strict_json(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [strict_json(v) for v in o]
    if isinstance(o, (str, int, bool)) or o is None:
        return o
    if hasattr(o, "item") and getattr(o, "shape", None) == ():
        return strict_json(o.item())
    if hasattr(o, "tolist"):
        return strict_json(o.tolist())
    return str(o)


def dumps_json(o, **kw) -> str:
    """Strict JSON text of ``o`` (``null`` for NaN/inf; ``json.dumps(..., allow_nan=False)``)."""
    return json.dumps(strict_json(o), allow_nan=False, **kw)


_UNITS = {"": 1, "b": 1, "k": 10**3, "kb": 10**3, "m": 10**6, "mb": 10**6, "g": 10**9, "gb": 10**9,
          "t": 10**12, "tb": 10**12, "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}


def parse_bytes(text, option: str = "--max-memory") -> int:
    """Memory size in bytes: ``"4GB"`` → 4·10⁹, ``"512MiB"`` → 512·2²⁰, ``"3e9"`` → 3·10⁹.

    K/M/G/T (with or without B) are decimal, KiB/MiB/GiB/TiB binary.

    Raises
    ------
    UserError
        Not a positive size; the message names ``option``.
    """
    m = re.fullmatch(r"\s*([0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)\s*([A-Za-z]*)\s*", str(text))
    unit = m.group(2).lower() if m else None
    if m is None or unit not in _UNITS:
        raise UserError(f"{option} {text!r} is not a memory size; use e.g. 4GB, 512MB, 8GiB or a number of bytes")
    value = float(m.group(1)) * _UNITS[unit]
    if not math.isfinite(value) or value < 1:
        raise UserError(f"{option} {text!r} must be a positive memory size")
    return int(value)
