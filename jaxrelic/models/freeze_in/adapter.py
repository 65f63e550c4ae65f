"""Workflow adapters of the freeze-in models (``jaxrelic relic freeze-in-decay`` and ``freeze-in-uv``).

Both run on the Standard-Model background (Saikawa–Shirai g_*) and start the dark matter at
Y = 0: at T_start = 20 m_parent (decays) or at T_RH (UV scattering, instantaneous
reheating).  Besides ``Y_today``, ``omega_h2`` and ``status`` the output carries the
analytic constant-g_* yield (``Y_freeze_in_analytic``, g_* taken at T = m_parent/3 for decays,
at T_RH for UV), the production-only integral ∫ γ/(sH) d ln T on the same SM background
(``Y_production_integral``: what the solver must give when inverse processes are negligible),
the relativistic equilibrium yield 45 g_dm/(2π⁴ g_*s) at that T (``Y_eq_relativistic``), the
largest χ equilibrium yield along the solution (``Y_eq_max``: the detailed-balance ceiling of
Y_today, which exceeds Y_eq_relativistic when g_*s falls before χ decouples) and the ``regime``
("freeze-in", "transition" or "equilibrium" by Y_freeze_in_analytic / Y_eq_relativistic
< 0.1, 0.1 … 10, > 10).  Physics and checks: ``docs/physics/freeze_in.md``.
"""

from __future__ import annotations

import equinox as eqx

from ...interface.adapter import NetworkAdapter
from . import model as fi

__all__ = ["DECAY_ADAPTER", "UV_ADAPTER"]

_production_integral = eqx.filter_jit(fi.production_integral)


class _FreezeInAdapter(NetworkAdapter):
    """Freeze-in: the network solve starting at Y = 0, plus the analytic comparisons in the summary."""

    def summary(self, p, result, background=None) -> dict:
        out = super().summary(p, result, background)
        out.pop("x_start"), out.pop("notes")
        out["error_estimate"] = float(result.error_estimate)
        model = self.build(p)
        bg = background
        out.update(self.extra(p, model, bg, result))
        return out

    def plot(self, p, result, summary, path) -> None:
        from .plots import plot_freeze_in

        plot_freeze_in(result, {"model": self.name, **summary}, p["m_dm"], path)


class DecayAdapter(_FreezeInAdapter):
    def solve(self, p, background, adjoint="reverse"):
        return fi.solve_freeze_in_decay(self.build(p), background, adjoint=adjoint)

    def extra(self, p, model, bg, res) -> dict:
        T_start = fi.T_START_OVER_M_PARENT * p["m_parent"]
        T_end = fi.T_END_OVER_M_PARENT * p["m_parent"]
        T_ref = p["m_parent"] / 3.0
        g_s, g_rho = float(bg.gstar.g_s(T_ref)), float(bg.gstar.g_rho(T_ref))
        y_an = float(fi.y_freeze_in_decay_analytic(p["m_parent"], p["g_parent"], p["width"], g_s, g_rho,
                                                   p["statistics"]))
        y_eq = float(fi.y_equilibrium_relativistic(p["g_dm"], g_s))
        return {
            "Y_freeze_in_analytic": y_an,
            "Y_production_integral": float(_production_integral(model, bg, T_start, T_end)),
            "Y_eq_relativistic": y_eq,
            "Y_eq_max": float(res.Y_eq.max()),
            "regime": fi.decay_regime(y_an, y_eq),
            "Y_over_analytic": float(res.Y_today) / y_an,
            "g_star_s_at_m_parent_over_3": g_s,
            "T_start_GeV": T_start,
            "T_end_GeV": T_end,
        }


class UVAdapter(_FreezeInAdapter):
    def solve(self, p, background, adjoint="reverse"):
        return fi.solve_freeze_in_uv(self.build(p), background, adjoint=adjoint)

    def extra(self, p, model, bg, res) -> dict:
        x_end = max(fi.UV_X_END_MIN, p["m_dm"] / 1e-4)
        g_s, g_rho = float(bg.gstar.g_s(p["T_RH"])), float(bg.gstar.g_rho(p["T_RH"]))
        y_an = float(fi.y_uv_analytic(p["T_RH"], p["Lambda"], int(p["dim"]), g_s, g_rho, p["coefficient"]))
        y_eq = float(fi.y_equilibrium_relativistic(p["g_dm"], g_s))
        return {
            "Y_freeze_in_analytic": y_an,
            "Y_production_integral": float(_production_integral(model, bg, p["T_RH"], p["m_dm"] / x_end)),
            "Y_eq_relativistic": y_eq,
            "Y_eq_max": float(res.Y_eq.max()),
            "regime": fi.decay_regime(y_an, y_eq),
            "Y_over_analytic": float(res.Y_today) / y_an,
            "gamma_reaction": "c T^6/Lambda^2 F(m/T)^2" if p["dim"] == "5" else "c T^8/Lambda^4 F(m/T)^2",
            "g_star_s_at_T_RH": g_s,
        }


DECAY_ADAPTER = DecayAdapter(
    "freeze-in-decay", fi.FreezeInDecay, fi.FREEZE_IN_DECAY_PARAMETERS,
    "freeze-in of chi from decays B -> chi + SM of a bath particle (with inverse decays)")
UV_ADAPTER = UVAdapter(
    "freeze-in-uv", fi.FreezeInUV, fi.FREEZE_IN_UV_PARAMETERS,
    "UV freeze-in from T_RH: gamma = c T^6/Lambda^2 (dim 5) or c T^8/Lambda^4 (dim 6)")
