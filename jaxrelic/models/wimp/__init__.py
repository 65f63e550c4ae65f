"""Generic thermal relic (WIMP) with coannihilation partners, on the number-density network engine."""

from .model import WIMP as WIMP
from .model import PARAMETERS as PARAMETERS
from .model import NOTHING_ANNIHILATES as NOTHING_ANNIHILATES
from .model import SIGMA_UNITS as SIGMA_UNITS
