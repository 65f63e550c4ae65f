"""Physical constants, unit conversions and cosmological parameters (natural units, GeV).

Grouped as in LINX ``linx/const.py``; every number carries its source.
Derived constants are computed from the primary ones.
"""

from __future__ import annotations

import math

# --- Gravity -----------------------------------------------------------------
#: Non-reduced Planck mass M_Pl = (ħc/G)^{1/2} c² [GeV] (PDG 2024, "Astrophysical constants").
M_PL = 1.22089e19
#: Reduced Planck mass M̄_Pl = M_Pl / sqrt(8π) [GeV].
M_PL_REDUCED = M_PL / math.sqrt(8.0 * math.pi)

# --- Unit conversions ----------------------------------------------------------
#: ħc [GeV cm] (PDG 2024).
HBARC_GEV_CM = 1.973269804e-14
#: ħ [GeV s] (PDG 2024).
HBAR_GEV_S = 6.582119569e-25
#: Speed of light [cm/s].
C_CM_S = 2.99792458e10
#: 1 GeV⁻² expressed as a velocity-weighted cross section σv in cm³ s⁻¹
#: ((ħc)² c = 1.16733e-17 cm³/s).
GEV2_TO_CM3_S = HBARC_GEV_CM**2 * C_CM_S
#: 1 GeV⁻² in cm².
GEV2_TO_CM2 = HBARC_GEV_CM**2
#: 1 cm³/s in GeV⁻².
CM3_S_TO_GEV2 = 1.0 / GEV2_TO_CM3_S
#: Kelvin per GeV (1 GeV / k_B).
KELVIN_PER_GEV = 1.160451812e13

# --- Masses (PDG 2024) ---------------------------------------------------------
#: Proton mass [GeV].
M_PROTON = 0.93827208816
#: Electron mass [GeV].
M_ELECTRON = 0.51099895e-3
#: Muon mass [GeV].
M_MUON = 0.1056583755
#: Tau mass [GeV].
M_TAU = 1.77686

# --- Today's universe ------------------------------------------------------------
#: CMB temperature today T₀ [K] (Fixsen 2009, ApJ 707, 916).
T0_KELVIN = 2.7255
#: CMB temperature today [GeV].
T0 = T0_KELVIN / KELVIN_PER_GEV
#: Entropy density today s₀ [cm⁻³] (PDG 2024, "Astrophysical constants": 2891.2 (T₀/2.7255)³).
S0_CM3 = 2891.2
#: Critical density over h² [GeV cm⁻³] (PDG 2024: ρ_c = 1.05375e-5 h² GeV cm⁻³).
RHO_CRIT_OVER_H2 = 1.05375e-5
#: Ω h² per unit (m/GeV × Y), Y = n/s: Ω h² = OMEGA_H2_PER_MY · m · Y (= 2.7437e8).
OMEGA_H2_PER_MY = S0_CM3 / RHO_CRIT_OVER_H2

# --- Planck 2018 (TT,TE,EE+lowE+lensing, arXiv:1807.06209 Table 2) ----------------
#: Cold dark matter density Ω_c h² (Planck 2018).
OMEGA_C_H2 = 0.1200
#: Its 1σ uncertainty.
OMEGA_C_H2_ERR = 0.0012
#: Baryon density Ω_b h² (Planck 2018).
OMEGA_B_H2 = 0.02237
#: Its 1σ uncertainty.
OMEGA_B_H2_ERR = 0.00015
#: Observed baryon yield Y_B = n_B/s = Ω_b h² ρ_c/h² / (m_p s₀) ≈ 8.69e-11 (from Planck 2018 Ω_b h²).
Y_B_OBS = OMEGA_B_H2 * RHO_CRIT_OVER_H2 / (M_PROTON * S0_CM3)
#: Photon number density today n_γ0 = 2ζ(3)/π² T₀³ [cm⁻³] (T₀ from Fixsen 2009).
N_GAMMA0_CM3 = 2.0 * 1.2020569031595942 / math.pi**2 * (T0 / HBARC_GEV_CM) ** 3
#: Baryon-to-photon ratio η_B = n_B/n_γ = Y_B s₀/n_γ0 (≈ 6.1e-10).
ETA_B_OBS = Y_B_OBS * S0_CM3 / N_GAMMA0_CM3

# --- Mathematical constants ---------------------------------------------------------
ZETA3 = 1.2020569031595942
