"""Freeze-in by decays and by UV (dimension-5) scattering, on the number-density network engine."""

from .model import FreezeInDecay as FreezeInDecay
from .model import FreezeInUV as FreezeInUV
from .model import FREEZE_IN_DECAY_PARAMETERS as FREEZE_IN_DECAY_PARAMETERS
from .model import FREEZE_IN_UV_PARAMETERS as FREEZE_IN_UV_PARAMETERS
from .model import T_START_OVER_M_PARENT as T_START_OVER_M_PARENT
from .model import T_END_OVER_M_PARENT as T_END_OVER_M_PARENT
from .model import UV_X_END_MIN as UV_X_END_MIN
from .model import H_COEFF as H_COEFF
from .model import STATISTICS_FACTOR as STATISTICS_FACTOR
from .model import log_decay_density as log_decay_density
from .model import y_freeze_in_decay_analytic as y_freeze_in_decay_analytic
from .model import y_uv_analytic as y_uv_analytic
from .model import y_equilibrium_relativistic as y_equilibrium_relativistic
from .model import production_integral as production_integral
from .model import solve_freeze_in_decay as solve_freeze_in_decay
from .model import solve_freeze_in_uv as solve_freeze_in_uv
from .model import constant_gstar_background as constant_gstar_background
from .model import decay_regime as decay_regime
