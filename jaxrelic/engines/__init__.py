"""Generic engines: the number-density network solver (with its analytic approximations) and the
general 2→2 collision kernels on a momentum grid (docs/physics/kernel_engine.md)."""

from .analytic import GriestSeckel as GriestSeckel
from .analytic import kolb_turner as kolb_turner
from .network import AbstractNetworkModel as AbstractNetworkModel
from .network import NetworkRates as NetworkRates
from .network import RelicResult as RelicResult
from .network import solve_network as solve_network
from .kernel import AnnihilationKernel as AnnihilationKernel
from .kernel import ConversionKernel as ConversionKernel
from .kernel import ElasticKernel as ElasticKernel
from .kernel import MomentumGrid as MomentumGrid
from .kernel import annihilation_kernel as annihilation_kernel
from .kernel import conversion_kernel as conversion_kernel
from .kernel import decay_kernel as decay_kernel
from .kernel import elastic_kernel as elastic_kernel
from .kernel import fokker_planck_gamma as fokker_planck_gamma
from .kernel import fokker_planck_kernel as fokker_planck_kernel
from .kernel import momentum_grid as momentum_grid
