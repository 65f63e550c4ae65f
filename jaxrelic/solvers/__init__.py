"""Boltzmann solvers: number-density networks, coscattering (q, a) grids, cogenesis and leptogenesis."""

from .analytic import GriestSeckel as GriestSeckel
from .analytic import kolb_turner as kolb_turner
from .network import AbstractNetworkModel as AbstractNetworkModel
from .network import NetworkRates as NetworkRates
from .network import RelicResult as RelicResult
from .network import solve_network as solve_network
from .cogenesis import CogenesisResult as CogenesisResult
from .cogenesis import solve_cogenesis as solve_cogenesis
from .leptogenesis import solve_leptogenesis as solve_leptogenesis
from .twin_higgs import relic_twin as relic_twin
