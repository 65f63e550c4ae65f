"""jaxrelic: differentiable early-universe Boltzmann solvers in JAX.

``import jaxrelic`` switches JAX to float64 (``jax_enable_x64``) unless the
environment variable ``JAXRELIC_NO_X64=1`` is set; see :mod:`jaxrelic._x64`.
"""

from . import _x64  # noqa: F401  (float64 policy, must come first)
from ._api import relic_density as relic_density
from ._x64 import check_x64 as check_x64
from .models.wimp import WIMP as WIMP
from .numerics import status as status
from .solvers.network import solve_network as solve_network
from .thermo.background import Background as Background
from .thermo.dof import GStar as GStar

__version__ = "0.1.0"

__all__ = ["relic_density", "solve_network", "WIMP", "Background", "GStar", "check_x64", "status"]
