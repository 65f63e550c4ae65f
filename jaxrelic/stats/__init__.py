"""Equilibrium statistics and thermal averages."""

from .equilibrium import f_eq as f_eq
from .equilibrium import log_n_eq as log_n_eq
from .equilibrium import log_n_eq_quantum as log_n_eq_quantum
from .equilibrium import n_eq as n_eq
from .equilibrium import n_eq_quantum as n_eq_quantum
from .thermal_average import kallen as kallen
from .thermal_average import kallen_masses as kallen_masses
from .thermal_average import sigma_from_sigma_v as sigma_from_sigma_v
from .thermal_average import thermal_average as thermal_average
from .thermal_average import thermal_average_checked as thermal_average_checked
from .thermal_average import v_lab as v_lab
