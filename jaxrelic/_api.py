"""Public, jitted entry points (``jit`` lives here, at the boundary)."""

from __future__ import annotations

import equinox as eqx

from ._x64 import check_x64
from .engines.network import AbstractNetworkModel, RelicResult, solve_network
from .thermo.background import Background

__all__ = ["relic_density"]

_solve_jit = eqx.filter_jit(solve_network)


def relic_density(model: AbstractNetworkModel, background: Background | None = None, **options) -> RelicResult:
    """Relic abundance of a number-density network model (jitted).

    Thin jitted wrapper of :func:`jaxrelic.engines.solve_network`; keyword
    ``options`` (``x_start``, ``x_end``, ``n_save``, ``rtol``, ``atol``,
    ``max_steps``, ``adjoint``, ``tail``) are passed through.  Inside your own
    ``jax.jit`` / ``jax.vmap`` / ``jax.grad`` call :func:`solve_network` directly.

    Examples
    --------
    >>> import jaxrelic
    >>> r = jaxrelic.relic_density(jaxrelic.WIMP(mass=100.0, sigma_v=2.2e-26))
    >>> float(r.omega_h2)  # doctest: +SKIP
    0.1148...
    """
    check_x64()
    if background is None:
        background = Background.standard_model()
    return _solve_jit(model, background, **options)
