"""Vanilla thermal leptogenesis (one heavy neutrino, Buchmüller–Di Bari–Plümacher)."""

from .model import VanillaLeptogenesis as VanillaLeptogenesis
from .model import PARAMETERS as PARAMETERS
from .model import UNFLAVOURED_M1_MIN as UNFLAVOURED_M1_MIN
from .model import davidson_ibarra_bound as davidson_ibarra_bound
from .model import validity_notes as validity_notes
from .model import INITIAL_CONDITIONS as INITIAL_CONDITIONS
from .model import C_SPHALERON as C_SPHALERON
from .model import n_eq as n_eq
from .model import decay_rate as decay_rate
from .model import inverse_decay_washout as inverse_decay_washout
from .model import delta_l2_washout as delta_l2_washout
from .model import washout as washout
from .model import rhs as rhs
from .model import efficiency_rhs as efficiency_rhs
from .model import bessel_factors as bessel_factors
from .model import relativistic_yield as relativistic_yield
from .model import eta_per_n_bl as eta_per_n_bl
from .model import m_star as m_star
from .model import kappa_f_bdp as kappa_f_bdp
from .model import z_b_bdp as z_b_bdp
from .solver import LeptogenesisResult as LeptogenesisResult
from .solver import solve_leptogenesis as solve_leptogenesis
from .solver import leptogenesis as leptogenesis
