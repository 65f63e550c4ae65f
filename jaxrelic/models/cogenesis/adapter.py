"""Workflow adapter of freeze-in cogenesis (``jaxrelic relic cogenesis``; arXiv:2505.22710).

The pipeline, written once: UV epoch (asymmetries, ξ) → dark-matter mass (``m_chi``, or for
``m_chi = 0`` the mass of purely asymmetric dark matter m_χ^ADM = (Ω_c/Ω_b) m_p |Y_B|/|Y_χ|) →
late dark freeze-out of the symmetric component → Ω_χ h² (docs/physics/cogenesis_solver.md).
Couplings are complex (``--set y2=0.025j``); the workflows use y1_abs, y1_arg, ….
"""

from __future__ import annotations

import math
from typing import NamedTuple

import jax
import jax.numpy as jnp

from ... import constants as c
from ...interface.adapter import ModelAdapter
from ...interface.parameters import ParameterError
from ...numerics import status as st
from .model import FLAVOUR_REGIME_T_RANGE, PARAMETERS, Cogenesis, cross_parameter_error
from .solver import CogenesisResult, DarkFreezeOut, dark_freeze_out, omega_chi_h2, solve_cogenesis
from .validity import eft_invalid_note, eft_validity

__all__ = ["ADAPTER", "CogenesisPoint", "MU_LINEAR_MAX"]

#: |μ/T| above which the linearisation of the asymmetry equations in μ is flagged (cogenesis_model.md §7.2).
MU_LINEAR_MAX = 0.1


class CogenesisPoint(NamedTuple):
    """One point of the pipeline: UV result, the late freeze-out at ``m_chi``, Ω_χ h² and statuses."""

    uv: CogenesisResult
    late: DarkFreezeOut
    m_chi: jax.Array
    m_chi_defined: jax.Array
    omega_h2: jax.Array


def _uv_model(p) -> Cogenesis:
    """The UV-epoch model (m_chi, m_phi, kappa at their constructor defaults: they enter only the late epoch)."""
    y = jnp.stack([jnp.asarray(p["y1"]), jnp.asarray(p["y2"])])
    lam = jnp.stack([jnp.asarray(p["lambda1"]), jnp.asarray(p["lambda2"])])
    return Cogenesis(y, lam, p["M1"], p["M2"], p["T_RH"], p["xi_i"], mixed=bool(p["mixed"]),
                     washout=bool(p["washout"]), nlo_dim5=bool(p["nlo_dim5"]), dark_sector=p["dark_sector"],
                     flavour_regime=p["flavour_regime"])


class CogenesisAdapter(ModelAdapter):
    name = "cogenesis"
    description = ("freeze-in cogenesis of baryon and dark-matter asymmetries (arXiv:2505.22710): "
                   "Y_B, Y_chi, xi, ADM mass, relic density")
    parameters = PARAMETERS
    outputs = ("Y_B", "Y_B_over_observed", "Y_chi", "Y_B_minus_L", "xi_final", "m_chi_adm", "m_chi", "Y_chibar",
               "omega_h2", "delta_neff", "onshell_fraction")
    integer_outputs = ("eft_valid", "status")

    def check(self, p) -> None:
        bad = cross_parameter_error(p["M1"], p["M2"], p["T_RH"])
        if bad:
            raise ParameterError(f"parameter {bad}")

    def solve(self, p, background, adjoint="reverse") -> CogenesisPoint:
        model = _uv_model(p)
        r = solve_cogenesis(model, x_max=p["x_max"], freeze_out=False, adjoint=adjoint)
        m_adm = r.m_chi_adm
        use_adm = p["m_chi"] <= 0.0
        defined = jnp.where(use_adm, jnp.isfinite(m_adm) & (m_adm > 0.0), True)
        m_chi = jnp.where(use_adm, jnp.where(jnp.isfinite(m_adm) & (m_adm > 0.0), m_adm, 1.0), p["m_chi"])
        late = dark_freeze_out(r.Y_chi, r.xi_final, m_chi=m_chi, m_phi=p["m_phi_ratio"] * m_chi, kappa=p["kappa"],
                               g_dark=model.g_dark, adjoint=adjoint, background=background)
        return CogenesisPoint(r, late, m_chi, defined, omega_chi_h2(m_chi, r.Y_chi, late.Y_chibar))

    def observables(self, p, pt: CogenesisPoint) -> dict:
        r, late = pt.uv, pt.late
        status = st.combine(r.status, late.status)
        status = jnp.where(pt.m_chi_defined, status, st.NOT_CONVERGED)
        status = st.flag_nonfinite(status, r.Y_B, r.Y_chi, pt.omega_h2)
        return {
            "Y_B": r.Y_B,
            "Y_B_over_observed": r.Y_B / c.Y_B_OBS,
            "Y_chi": r.Y_chi,
            "Y_B_minus_L": r.Y_BL,
            "xi_final": r.xi_final,
            "m_chi_adm": r.m_chi_adm,
            "m_chi": pt.m_chi,
            "Y_chibar": late.Y_chibar,
            "omega_h2": pt.omega_h2,
            "delta_neff": r.delta_neff,
            "onshell_fraction": r.onshell_fraction,
            "eft_valid": r.eft_valid.astype(jnp.int32),
            "status": jnp.asarray(status, dtype=jnp.int32),
        }

    def summary(self, p, pt: CogenesisPoint, background=None) -> dict:
        res = pt.uv
        notes = []
        eft_valid = bool(res.eft_valid)
        if not eft_valid:
            notes.append(eft_invalid_note(eft_validity(_uv_model(p)), p["M1"], p["T_RH"]))
        lo, hi = FLAVOUR_REGIME_T_RANGE[p["flavour_regime"]]
        if not lo <= p["T_RH"] <= hi:
            span = f"T <~ {hi:.3g} GeV" if lo == 0 else f"{lo:.3g} <~ T <~ {hi:.3g} GeV"
            notes.append(f"flavour_regime: regime {p['flavour_regime']!r} (spectator coefficient c_lH) is typical "
                         f"of {span}, but T_RH = {p['T_RH']:.3g} GeV; c_lH enters the wash-out/wash-in terms")
        mu_max = max(float(res.mu_a_max), float(res.mu_b_max))
        if mu_max > MU_LINEAR_MAX:
            notes.append(f"mu_nonlinear: max |mu/T| = {mu_max:.3g} > {MU_LINEAR_MAX:g}; the asymmetry equations "
                         "are linear in the chemical potentials")
        status = int(res.status)
        m_adm = float(res.m_chi_adm)
        m_chi = y_chibar = omega = None
        if bool(pt.m_chi_defined):
            m_chi = float(pt.m_chi)
            y_chibar = float(pt.late.Y_chibar)
            omega = float(pt.omega_h2)
            status = int(st.combine(jnp.asarray(status), pt.late.status))
            if p["m_phi_ratio"] * m_chi > p["T_RH"] / 10:
                notes.append(f"massive_dark: m_phi = {p['m_phi_ratio'] * m_chi:.3g} GeV > T_RH/10; the UV rates "
                             "treat chi and phi as massless")
        elif float(res.Y_chi) == 0.0:
            notes.append("no_dark_asymmetry: Y_chi = 0, no ADM mass; set m_chi to get the symmetric relic")
        else:
            notes.append("no_baryon_asymmetry: Y_B = 0, the ADM mass would be 0; set m_chi to get the relic")
        onshell = float(res.onshell_fraction)
        return {
            "Y_B": float(res.Y_B),
            "Y_B_over_observed": float(res.Y_B) / c.Y_B_OBS,
            "Y_B_minus_L": float(res.Y_BL),
            "Y_chi": float(res.Y_chi),
            "xi_final": float(res.xi_final),
            "m_chi_adm": m_adm if math.isfinite(m_adm) else None,
            "m_chi": m_chi,
            "Y_chibar": y_chibar,
            "omega_h2": omega,
            "delta_neff": float(res.delta_neff),
            "m_nu_eV": float(res.m_nu) * 1e9,
            "Y_S": float(res.Y_S),
            "eft_valid": eft_valid,
            "onshell_fraction": onshell if math.isfinite(onshell) else None,
            "eft_parameter": float(res.eft_parameter),
            "mu_a_max": float(res.mu_a_max),
            "mu_b_max": float(res.mu_b_max),
            "notes": notes,
            "status": status,
            "ode_steps": int(res.num_steps),
        }

    def plot(self, p, pt, summary, path) -> None:
        from .plots import latex_sci as f
        from .plots import plot_cogenesis

        m_adm = f(summary["m_chi_adm"]) if summary["m_chi_adm"] is not None else r"\infty"
        flag = "" if summary["eft_valid"] else ("\nEFT invalid: on-shell $N$ production (not included) exceeds 1 % "
                                                "(see notes)")
        plot_cogenesis(
            pt.uv,
            title=rf"cogenesis: $M_1={f(p['M1'])}$, $M_2={f(p['M2'])}$, $T_{{\rm RH}}={f(p['T_RH'])}$ GeV, "
            rf"$\xi_i={p['xi_i']:g}$:  $Y_B={f(summary['Y_B'])}$, $Y_\chi={f(summary['Y_chi'])}$, "
            rf"$m_\chi^{{\rm ADM}}={m_adm}$ GeV" + flag,
            path=path,
        )


ADAPTER = CogenesisAdapter()
