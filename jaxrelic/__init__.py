"""jaxrelic: differentiable early-universe Boltzmann solvers in JAX."""

from . import _x64  # noqa: F401  (float64 policy, see jaxrelic/_x64.py)
from ._x64 import check_x64 as check_x64

__version__ = "0.1.0"
