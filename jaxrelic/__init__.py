"""jaxrelic: differentiable early-universe Boltzmann solvers in JAX.

``import jaxrelic`` switches JAX to float64 (``jax_enable_x64``) unless the
environment variable ``JAXRELIC_NO_X64=1`` is set; see :mod:`jaxrelic._x64`.
"""

from . import _x64  # noqa: F401  (float64 policy, must come first)
from ._api import relic_density as relic_density
from ._cache import enable_compilation_cache as enable_compilation_cache
from ._x64 import check_x64 as check_x64
from .models.wimp import WIMP as WIMP
from .numerics import status as status
from .engines.network import AbstractNetworkModel as AbstractNetworkModel
from .engines.network import NetworkRates as NetworkRates
from .engines.network import RelicResult as RelicResult
from .engines.network import solve_network as solve_network
from .stats.thermal_average import thermal_average as thermal_average
from .stats.thermal_average import thermal_average_checked as thermal_average_checked
from .thermo.background import Background as Background
from .thermo.dof import GStar as GStar

__version__ = "0.1.0"

#: Workflow functions, imported on first use (they pull in xarray/h5netcdf and optax).
_WORKFLOWS = {
    "fit": "fit",
    "solve_for": "roots",
    "trace_contour": "roots",
    "sweep": "sweep",
    "sensitivity": "sensitivity",
    "point_function": "evaluate",
}


def __getattr__(name):
    if name in _WORKFLOWS:
        import importlib

        module = importlib.import_module(f"jaxrelic.workflows.{_WORKFLOWS[name]}")
        return getattr(module, name)
    raise AttributeError(f"module 'jaxrelic' has no attribute {name!r}")


__all__ = ["relic_density", "enable_compilation_cache", "solve_network", "AbstractNetworkModel", "NetworkRates",
           "RelicResult", "thermal_average", "thermal_average_checked", "WIMP", "Background", "GStar", "check_x64",
           "status", *_WORKFLOWS]
