"""Shared helpers of the CLI subcommands (argument parsing, JSON encoding, user errors)."""

from __future__ import annotations

import math

__all__ = ["UserError", "parse_sets", "json_default"]


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
        return o.tolist()
    return str(o)
