"""Freeze-in cogenesis of baryon and dark-matter asymmetries (arXiv:2505.22710).

Model point (:class:`Cogenesis`), EFT coefficients, reduced cross sections,
thermal rates and energy transfer (:mod:`.rates`), CP-odd invariants and
asymmetries (:mod:`.cp`), the EFT validity domain (:mod:`.validity`), and the right-hand sides of the UV-epoch Boltzmann
system (:mod:`.equations`).  Physics reference: ``docs/physics/cogenesis_model.md``;
independent re-derivation and corrections: ``docs/physics/cogenesis_derivation.md``.
"""

from .cp import (
    CPAsymmetries as CPAsymmetries,
    CPOddReducedCrossSections as CPOddReducedCrossSections,
    cp_asymmetries as cp_asymmetries,
    cp_invariants as cp_invariants,
    cp_invariants_two_flavour as cp_invariants_two_flavour,
    cp_odd_reaction_densities as cp_odd_reaction_densities,
    cp_odd_reduced_cross_sections as cp_odd_reduced_cross_sections,
    epsilon_chi as epsilon_chi,
    epsilon_L as epsilon_L,
    partial_wave_amplitudes as partial_wave_amplitudes,
    unitarity_cp_asymmetry as unitarity_cp_asymmetry,
)
from .equations import (
    G_STAR_SM as G_STAR_SM,
    MIXED_WEIGHT_DIM5 as MIXED_WEIGHT_DIM5,
    MIXED_WEIGHT_DIM6 as MIXED_WEIGHT_DIM6,
    CogenesisState as CogenesisState,
    RateConstants as RateConstants,
    asymmetry_matrix as asymmetry_matrix,
    asymmetry_rhs as asymmetry_rhs,
    asymmetry_source as asymmetry_source,
    energy_transfer_rhs as energy_transfer_rhs,
    entropy_density as entropy_density,
    hubble_rate as hubble_rate,
    number_density_rhs as number_density_rhs,
    rate_constants as rate_constants,
    rhs as rhs,
    symmetric_yield_rhs as symmetric_yield_rhs,
    xi_from_u as xi_from_u,
)
from .model import (
    PARAMETERS as PARAMETERS,
    cross_parameter_error as cross_parameter_error,
    DARK_SECTORS as DARK_SECTORS,
    FLAVOUR_REGIMES as FLAVOUR_REGIMES,
    PERTURBATIVE_COUPLING as PERTURBATIVE_COUPLING,
    Cogenesis as Cogenesis,
    DarkCoefficients as DarkCoefficients,
    SpectatorCoefficients as SpectatorCoefficients,
    dark_coefficients as dark_coefficients,
    spectator_coefficients as spectator_coefficients,
)
from .rates import (
    HIGGS_VEV as HIGGS_VEV,
    PROCESSES as PROCESSES,
    EFTCoefficients as EFTCoefficients,
    Process as Process,
    ThermalRates as ThermalRates,
    eft_coefficients as eft_coefficients,
    energy_density_rate as energy_density_rate,
    energy_transfer_rate as energy_transfer_rate,
    mixed_energy_transfer as mixed_energy_transfer,
    neutrino_mass as neutrino_mass,
    reaction_density as reaction_density,
    reaction_density_power as reaction_density_power,
    reduced_cross_section as reduced_cross_section,
    thermal_rates as thermal_rates,
)
from .validity import (
    EFT_ONSHELL_THRESHOLD as EFT_ONSHELL_THRESHOLD,
    EFTValidity as EFTValidity,
    eft_invalid_note as eft_invalid_note,
    eft_validity as eft_validity,
    n_widths as n_widths,
    onshell_integral as onshell_integral,
)
from .solver import (
    C_SPHALERON as C_SPHALERON,
    OMEGA_RATIO as OMEGA_RATIO,
    CogenesisResult as CogenesisResult,
    DarkFreezeOut as DarkFreezeOut,
    UVCoefficients as UVCoefficients,
    uv_coefficients as uv_coefficients,
    solve_cogenesis as solve_cogenesis,
    cogenesis as cogenesis,
    dark_freeze_out as dark_freeze_out,
    adm_mass as adm_mass,
    omega_chi_h2 as omega_chi_h2,
    delta_neff as delta_neff,
    annihilation_cross_section as annihilation_cross_section,
)
