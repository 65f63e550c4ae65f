"""jaxrelic: differentiable early-universe Boltzmann solvers in JAX.

``import jaxrelic`` switches JAX to float64 (``jax_enable_x64``) unless the
environment variable ``JAXRELIC_NO_X64=1`` is set; see :mod:`jaxrelic._x64`.

One naming scheme: every model class, its ``solve_<model>`` function and its result type are
importable from here (the twin-Higgs, cogenesis, leptogenesis and freeze-in ones on first use);
workflows (``fit``, ``sweep``, ``sensitivity``, ``point_function``) likewise.
"""

from . import _x64  # noqa: F401  (float64 policy, must come first)
from ._api import relic_density as relic_density
from ._cache import enable_compilation_cache as enable_compilation_cache
from ._x64 import check_x64 as check_x64
from .engines.network import AbstractNetworkModel as AbstractNetworkModel
from .engines.network import NetworkRates as NetworkRates
from .engines.network import RelicResult as RelicResult
from .engines.network import solve_network as solve_network
from .interface import Condition as Condition
from .interface import ModelAdapter as ModelAdapter
from .interface import NetworkAdapter as NetworkAdapter
from .interface import Parameter as Parameter
from .interface import ParameterError as ParameterError
from .interface import ParameterTable as ParameterTable
from .interface import get_model as get_model
from .interface import model_names as model_names
from .interface import register_model as register_model
from .models.wimp import WIMP as WIMP
from .numerics import status as status
from .stats.thermal_average import thermal_average as thermal_average
from .stats.thermal_average import thermal_average_checked as thermal_average_checked
from .thermo.background import Background as Background
from .thermo.dof import GStar as GStar

__version__ = "0.1.0"

#: Names imported on first use: name -> module (models pull in their solvers; workflows pull in
#: xarray/h5netcdf and optax).
_LAZY = {
    "solve_wimp": "jaxrelic.engines.network:solve_network",
    "TwinHiggs": "jaxrelic.models.twin_higgs:TwinHiggs",
    "solve_twin_higgs": "jaxrelic.models.twin_higgs:relic_twin",
    "relic_twin": "jaxrelic.models.twin_higgs:relic_twin",
    "TwinRelicResult": "jaxrelic.models.twin_higgs:TwinRelicResult",
    "Cogenesis": "jaxrelic.models.cogenesis:Cogenesis",
    "solve_cogenesis": "jaxrelic.models.cogenesis:solve_cogenesis",
    "CogenesisResult": "jaxrelic.models.cogenesis:CogenesisResult",
    "VanillaLeptogenesis": "jaxrelic.models.leptogenesis:VanillaLeptogenesis",
    "solve_leptogenesis": "jaxrelic.models.leptogenesis:solve_leptogenesis",
    "LeptogenesisResult": "jaxrelic.models.leptogenesis:LeptogenesisResult",
    "FreezeInDecay": "jaxrelic.models.freeze_in:FreezeInDecay",
    "solve_freeze_in_decay": "jaxrelic.models.freeze_in:solve_freeze_in_decay",
    "FreezeInUV": "jaxrelic.models.freeze_in:FreezeInUV",
    "solve_freeze_in_uv": "jaxrelic.models.freeze_in:solve_freeze_in_uv",
    "point_function": "jaxrelic.interface.adapter:point_function",
    "fit": "jaxrelic.workflows.fit:fit",
    "solve_for": "jaxrelic.workflows.roots:solve_for",
    "trace_contour": "jaxrelic.workflows.roots:trace_contour",
    "sweep": "jaxrelic.workflows.sweep:sweep",
    "sensitivity": "jaxrelic.workflows.sensitivity:sensitivity",
}


def __getattr__(name):
    if name in _LAZY:
        import importlib

        module, _, attr = _LAZY[name].partition(":")
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'jaxrelic' has no attribute {name!r}")


__all__ = ["relic_density", "enable_compilation_cache", "check_x64", "solve_network", "AbstractNetworkModel",
           "NetworkRates", "RelicResult", "Condition", "ModelAdapter", "NetworkAdapter", "Parameter",
           "ParameterError", "ParameterTable", "get_model", "model_names", "register_model", "WIMP", "status",
           "thermal_average", "thermal_average_checked", "Background", "GStar", *_LAZY]
