"""Generic engines: the number-density network solver and its analytic approximations."""

from .analytic import GriestSeckel as GriestSeckel
from .analytic import kolb_turner as kolb_turner
from .network import AbstractNetworkModel as AbstractNetworkModel
from .network import NetworkRates as NetworkRates
from .network import RelicResult as RelicResult
from .network import solve_network as solve_network
