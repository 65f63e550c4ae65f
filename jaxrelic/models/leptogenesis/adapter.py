"""Workflow adapter of vanilla N₁ leptogenesis (``jaxrelic relic leptogenesis``).

Outputs Y_B = n_B/s, Y_B/Y_B^obs, η_B = n_B/n_γ (today), Y_{B−L}, the efficiency κ_f (with BDP's
analytic estimate), ``notes`` (``flavour_effects`` below M₁ = 1e12 GeV, ``epsilon_above_di_bound``
above the Davidson–Ibarra bound) and the status (docs/physics/leptogenesis.md).  g_* is the
parameter ``g_star`` (constant during leptogenesis): a g_*(T) background does not apply.
"""

from __future__ import annotations

from ... import constants as c
from ...interface.adapter import ModelAdapter
from .model import PARAMETERS, VanillaLeptogenesis, kappa_f_bdp, validity_notes
from .solver import solve_leptogenesis

__all__ = ["ADAPTER"]


class LeptogenesisAdapter(ModelAdapter):
    name = "leptogenesis"
    description = "vanilla N₁ thermal leptogenesis (decays, inverse decays, optional ΔL=2; BDP 2005)"
    parameters = PARAMETERS
    outputs = ("Y_B", "Y_B_over_observed", "Y_B_minus_L", "eta_B", "kappa_f")
    uses_background = False

    def solve(self, p, background, adjoint="reverse"):
        model = VanillaLeptogenesis(M1=p["M1"], epsilon=p["epsilon"], K=p["K"], initial=p["initial"],
                                    washout_delta_L2=bool(p["washout_delta_L2"]), g_star=p["g_star"],
                                    m_bar=p["m_bar"])
        return solve_leptogenesis(model, adjoint=adjoint)

    def observables(self, p, r) -> dict:
        return {"Y_B": r.Y_B, "Y_B_over_observed": r.Y_B / c.Y_B_OBS, "Y_B_minus_L": r.Y_BL, "eta_B": r.eta_B,
                "kappa_f": r.kappa_f, "status": r.status}

    def summary(self, p, res, background=None) -> dict:
        return {
            "Y_B": float(res.Y_B),
            "Y_B_over_observed": float(res.Y_B) / c.Y_B_OBS,
            "eta_B": float(res.eta_B),
            "Y_B_minus_L": float(res.Y_BL),
            "kappa_f": float(res.kappa_f),
            "kappa_f_bdp_estimate": float(kappa_f_bdp(p["K"])),
            "notes": validity_notes(p["M1"], p["epsilon"]),
            "status": int(res.status),
            "ode_steps": int(res.num_steps),
        }

    def plot(self, p, res, summary, path) -> None:
        from .plots import plot_leptogenesis, tex

        plot_leptogenesis(
            res,
            title=rf"$M_1={tex(p['M1'])}$ GeV, $\varepsilon_1={tex(p['epsilon'])}$, $K={tex(p['K'])}$, "
            rf"{p['initial']} $N_1$" + "\n" + rf"$\eta_B={tex(summary['eta_B'], 4)}$, "
            rf"$\kappa_f={tex(summary['kappa_f'], 4)}$",
            path=path,
        )


ADAPTER = LeptogenesisAdapter()
