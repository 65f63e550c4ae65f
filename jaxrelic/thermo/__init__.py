"""SM thermodynamics and cosmology: g_*(T), g_*s(T), H(T), s(T), T(a)."""

from .background import Background as Background
from .dof import GStar as GStar
from .dof import species_dof as species_dof
