"""Generic thermal relic (WIMP) with coannihilation partners, on the number-density network engine."""

from .model import WIMP as WIMP
from .model import WIMP_PARAMETERS as WIMP_PARAMETERS
from .model import NOTHING_ANNIHILATES as NOTHING_ANNIHILATES
