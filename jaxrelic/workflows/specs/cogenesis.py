"""CLI spec of freeze-in cogenesis (``jaxrelic relic cogenesis``; arXiv:2505.22710).

Couplings are complex (``--set y2=0.025j``, ``--set lambda2=-0.2121+0.2121j``).  The
dark-matter mass ``m_chi`` defaults to 0, meaning "the mass of purely asymmetric dark
matter implied by the computed asymmetries", m_χ^ADM = (Ω_c/Ω_b) m_p |Y_B|/|Y_χ|;
``omega_h2`` is then Ω_χ h² for that mass including the symmetric remnant of the late
dark freeze-out (docs/physics/cogenesis_solver.md).
"""

from __future__ import annotations

import math

from ...models.cogenesis.model import COGENESIS_PARAMETERS, FLAVOUR_REGIME_T_RANGE
from ..registry import ModelSpec, Parameter

_G = math.sqrt(4.0 * math.pi)

_COUPLINGS = (
    Parameter("y1", "", complex(0.015), 0.0, round(_G, 4), "Yukawa y_1 of y_i (L.H) N_i", "complex"),
    Parameter("y2", "", complex(0.025j), 0.0, round(_G, 4), "Yukawa y_2", "complex"),
    Parameter("lambda1", "", complex(0.03), 0.0, round(_G, 4), "portal coupling lambda_1 of lambda_i (chi phi*) N_i",
              "complex"),
    Parameter("lambda2", "", complex(-0.2121, 0.2121), 0.0, round(_G, 4), "portal coupling lambda_2", "complex"),
)
_SWITCHES = (
    Parameter("mixed", "", True, None, None, "include the mixed (t-channel) crossings", "bool"),
    Parameter("washout", "", True, None, None, "keep wash-out/wash-in terms (false: source only)", "bool"),
    Parameter("nlo_dim5", "", False, None, None, "include the O(s^2) term of the dim-5 pair channel", "bool"),
    Parameter("dark_sector", "", "minimal", None, None, "dark-sector dof option", "choice",
              ("minimal", "dirac", "weyl_no_sink", "dirac_no_sink")),
    Parameter("flavour_regime", "", "all", None, None, "SM spectator regime (c_lH)", "choice",
              ("all", "mu_tau:tau", "mu_tau:e", "tau:tau", "tau:e")),
)


def _real(name: str) -> Parameter:
    unit, default, (lo, hi), desc = COGENESIS_PARAMETERS[name]
    return Parameter(name, unit, default, lo, hi, desc)


#: CLI parameters; the real ranges come from the model's table COGENESIS_PARAMETERS.
_PARAMETERS = (
    *_COUPLINGS,
    *(_real(n) for n in ("M1", "M2", "T_RH", "xi_i", "m_chi", "m_phi_ratio", "kappa")),
    *_SWITCHES,
    _real("x_max"),
)

#: |μ/T| above which the linearisation of the asymmetry equations in μ is flagged (reference §7.2).
MU_LINEAR_MAX = 0.1


def _run(params: dict) -> dict:
    import time

    import jax.numpy as jnp

    from ... import constants as c
    from ...models.cogenesis import Cogenesis, cross_parameter_error, eft_invalid_note, eft_validity
    from ...numerics import status as st
    from ...models.cogenesis.solver import cogenesis, omega_chi_h2
    from ..registry import ParameterError

    t0 = time.perf_counter()
    p = params
    bad = cross_parameter_error(p["M1"], p["M2"], p["T_RH"])
    if bad:
        raise ParameterError(f"parameter {bad}")
    kw = dict(mixed=p["mixed"], washout=p["washout"], nlo_dim5=p["nlo_dim5"], dark_sector=p["dark_sector"],
              flavour_regime=p["flavour_regime"])
    y, lam = [p["y1"], p["y2"]], [p["lambda1"], p["lambda2"]]
    # the UV epoch does not depend on m_chi; the late epoch below uses the real m_chi
    uv_model = Cogenesis(y, lam, p["M1"], p["M2"], p["T_RH"], p["xi_i"], **kw)
    res = cogenesis(uv_model, x_max=p["x_max"], freeze_out=False)
    m_adm = float(res.m_chi_adm)
    m_chi = p["m_chi"] if p["m_chi"] > 0 else m_adm
    notes = []
    eft_valid = bool(res.eft_valid)
    if not eft_valid:
        notes.append(eft_invalid_note(eft_validity(uv_model), p["M1"], p["T_RH"]))
    lo, hi = FLAVOUR_REGIME_T_RANGE[p["flavour_regime"]]
    if not lo <= p["T_RH"] <= hi:
        span = f"T <~ {hi:.3g} GeV" if lo == 0 else f"{lo:.3g} <~ T <~ {hi:.3g} GeV"
        notes.append(f"flavour_regime: regime {p['flavour_regime']!r} (spectator coefficient c_lH) is typical of "
                     f"{span}, but T_RH = {p['T_RH']:.3g} GeV; c_lH enters the wash-out/wash-in terms")
    mu_max = max(float(res.mu_a_max), float(res.mu_b_max))
    if mu_max > MU_LINEAR_MAX:
        notes.append(f"mu_nonlinear: max |mu/T| = {mu_max:.3g} > {MU_LINEAR_MAX:g}; the asymmetry equations are "
                     "linear in the chemical potentials")
    y_chibar = omega = None
    status = int(res.status)
    if math.isfinite(m_chi) and m_chi > 0:
        model = Cogenesis(y, lam, p["M1"], p["M2"], p["T_RH"], p["xi_i"], m_chi=m_chi,
                          m_phi=p["m_phi_ratio"] * m_chi, kappa=p["kappa"], **kw)
        late = _late(res.Y_chi, res.xi_final, model.m_chi, model.m_phi, model.kappa, model.g_dark)
        y_chibar = float(late.Y_chibar)
        omega = float(omega_chi_h2(m_chi, res.Y_chi, y_chibar))
        status = int(st.combine(jnp.asarray(status), late.status))
        if p["m_phi_ratio"] * m_chi > p["T_RH"] / 10:
            notes.append(f"massive_dark: m_phi = {p['m_phi_ratio'] * m_chi:.3g} GeV > T_RH/10; the UV rates treat "
                         "chi and phi as massless")
    elif m_chi > 0:
        m_chi = None
        notes.append("no_dark_asymmetry: Y_chi = 0, no ADM mass; set m_chi to get the symmetric relic")
    else:
        m_chi = None
        notes.append("no_baryon_asymmetry: Y_B = 0, the ADM mass would be 0; set m_chi to get the relic")
    out = {
        "model": "cogenesis",
        "parameters": params,
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
        "onshell_fraction": float(res.onshell_fraction) if math.isfinite(float(res.onshell_fraction)) else None,
        "eft_parameter": float(res.eft_parameter),
        "mu_a_max": float(res.mu_a_max),
        "mu_b_max": float(res.mu_b_max),
        "notes": notes,
        "status": st.status_name(status),
        "status_code": status,
        "ode_steps": int(res.num_steps),
        "wall_time_s": time.perf_counter() - t0,
        "_result": res,
    }
    return out


_LATE_JIT = None


def _late(y_chi, xi, m_chi, m_phi, kappa, g_dark):
    """Jitted late dark freeze-out (compiled once per process)."""
    global _LATE_JIT
    if _LATE_JIT is None:
        import jax

        from ...models.cogenesis.solver import dark_freeze_out

        _LATE_JIT = jax.jit(lambda *a: dark_freeze_out(a[0], a[1], m_chi=a[2], m_phi=a[3], kappa=a[4], g_dark=a[5]))
    return _LATE_JIT(y_chi, xi, m_chi, m_phi, kappa, g_dark)


def _plot(out: dict, path: str) -> None:
    from ..plots_cogenesis import latex_sci as f
    from ..plots_cogenesis import plot_cogenesis

    p = out["parameters"]
    m_adm = f(out["m_chi_adm"]) if out["m_chi_adm"] is not None else r"\infty"
    flag = "" if out["eft_valid"] else "\nEFT invalid: on-shell $N$ production (not included) exceeds 1 % (see notes)"
    plot_cogenesis(
        out["_result"],
        title=rf"cogenesis: $M_1={f(p['M1'])}$, $M_2={f(p['M2'])}$, $T_{{\rm RH}}={f(p['T_RH'])}$ GeV, "
        rf"$\xi_i={p['xi_i']:g}$:  $Y_B={f(out['Y_B'])}$, $Y_\chi={f(out['Y_chi'])}$, "
        rf"$m_\chi^{{\rm ADM}}={m_adm}$ GeV" + flag,
        path=path,
    )


def spec() -> ModelSpec:
    """CLI description of the freeze-in cogenesis model (parameters, runner, plot)."""
    return ModelSpec(
        name="cogenesis",
        description="freeze-in cogenesis of baryon and dark-matter asymmetries (arXiv:2505.22710): "
        "Y_B, Y_chi, xi, ADM mass, relic density",
        parameters=_PARAMETERS,
        run=_run,
        plot=_plot,
        conditions=("M1 < M2", "T_RH < M1 (reheating below the lighter N; eft_valid flags "
                    "T_RH where on-shell N production exceeds 1 % of the EFT production)"),
    )
