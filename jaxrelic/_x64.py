"""Double precision policy.

Relic yields are ~1e-12 and Boltzmann factors span hundreds of e-folds, so
jaxrelic computes in float64.  JAX defaults to float32; ``import jaxrelic``
therefore switches on ``jax_enable_x64`` *once, at import* (documented in the
README).  Set the environment variable ``JAXRELIC_NO_X64=1`` before importing
to keep JAX's global default untouched: every public entry point then calls
:func:`check_x64`, which raises a clear error instead of silently returning
float32 numbers.
"""

from __future__ import annotations

import os

import jax

__all__ = ["check_x64", "enable_x64"]


def enable_x64() -> None:
    """Switch JAX to 64-bit floats (``jax_enable_x64=True``)."""
    jax.config.update("jax_enable_x64", True)


def check_x64() -> None:
    """Raise ``RuntimeError`` when JAX runs in 32-bit mode."""
    if not jax.config.read("jax_enable_x64"):
        raise RuntimeError(
            "jaxrelic needs 64-bit floats but jax_enable_x64 is False. Call "
            "jax.config.update('jax_enable_x64', True) before using jaxrelic "
            "(or unset JAXRELIC_NO_X64 so that `import jaxrelic` does it)."
        )


if os.environ.get("JAXRELIC_NO_X64", "") not in ("1", "true", "True", "yes"):
    enable_x64()
