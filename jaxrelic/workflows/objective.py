"""What fits and root solves share: observed targets, the residual variable, compiled problems.

* :data:`DEFAULT_TARGETS` — observed values and 1σ errors of ``omega_h2`` and ``Y_B``;
* :class:`FitError` — raised by :func:`~jaxrelic.workflows.fit.fit`,
  :func:`~jaxrelic.workflows.roots.solve_for` when they do not converge;
* the residual variable ``h(x) = asinh(x / 2a)`` (``≈ ln x`` for ``x ≫ a``, finite and
  odd for ``x ≤ 0``) in which both compare an output with its target;
* the model as a traced function of *every* continuous parameter and the cache of
  compiled (jitted) problems built from it, shared by fits and root solves.
"""

from __future__ import annotations

import collections

import jax.numpy as jnp

from ..interface.adapter import background_key, point_function
from ..interface.registry import get_model
from ..interface.parameters import ParameterError

__all__ = ["DEFAULT_TARGETS", "FitError"]

#: Observed values and 1σ errors used when a target is given by name only or without σ.
#: Ω_c h² = 0.120 ± 0.001: Planck 2018 VI (arXiv:1807.06209), abstract.
#: Y_B = n_B/s = (8.7 ± 0.06)×10⁻¹¹ from η_B = (6.12 ± 0.04)×10⁻¹⁰ (PDG 2024, BBN review,
#: Planck 2018 Ω_b h² = 0.0224 ± 0.0001) with Y_B = η_B n_γ0/s₀ = η_B/7.04.
DEFAULT_TARGETS = {"omega_h2": (0.120, 0.001), "Y_B": (8.7e-11, 0.06e-11)}


class FitError(RuntimeError):
    """A fit or root solve did not converge; ``.result`` holds what was reached."""

    def __init__(self, message: str, result=None):
        super().__init__(message)
        self.result = result


#: ``a / max(|t|, σ)`` of the residual variable: logarithmic for outputs above 1e-10 t.
_A_REL = 1e-10


def _h(x, a):
    """Residual variable ``asinh(x / 2a)``: ``≈ sign(x) ln(|x|/a)`` for ``|x| ≫ a``, linear near 0."""
    return jnp.arcsinh(x / (2.0 * a))


def _dh(x, a):
    return 1.0 / jnp.sqrt(4.0 * a * a + x * x)


# ------------------------------------------------------------------------ compiled problems


class _ProblemCache(collections.OrderedDict):
    """Compiled problems by key, least recently used first, at most ``size`` of them."""

    def __init__(self, size: int):
        super().__init__()
        self.size = size

    def get_or_build(self, key, build):
        """The problem under ``key``; ``build()`` it (evicting the oldest) if absent."""
        if key in self:
            self.move_to_end(key)
            return self[key]
        obj = build()
        self[key] = obj
        while len(self) > self.size:
            self.popitem(last=False)
        return obj


_CACHE = _ProblemCache(16)


def _static_key(model: str, fixed: dict) -> tuple:
    ev = get_model(model)
    return (background_key(), *sorted((k, repr(v)) for k, v in fixed.items() if k not in ev.bounds))


def _point(model: str, given: dict, adjoint: str):
    """Point function with *every* continuous parameter as an input.

    Fixed continuous values are then traced arguments rather than compile-time
    constants, so one compilation serves every fit/solve of the same model,
    discrete options, free names and target names.
    """
    ev = get_model(model)
    fn, _ = point_function(model, given, free=tuple(ev.bounds), adjoint=adjoint)
    return fn


def _check_annihilates(model: str, fixed: dict, free) -> None:
    """WIMP with sigma_v = b = 0 held fixed: nothing annihilates, reject in one line.

    A pure p-wave WIMP (sigma_v = 0 fixed, b > 0 or b free) is fine: only *free*
    parameters are transformed (a free one must start strictly inside its range, so
    a free sigma_v or b starts above 0), fixed values enter the model untransformed.
    """
    if model == "wimp" and not {"sigma_v", "b"} & set(free) and fixed["sigma_v"] == 0.0 and fixed["b"] == 0.0:
        from ..models.wimp import NOTHING_ANNIHILATES

        raise ParameterError(NOTHING_ANNIHILATES)
