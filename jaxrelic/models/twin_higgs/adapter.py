"""Workflow adapter of twin-neutrino dark matter (``jaxrelic relic twin-higgs``, arXiv:1805.12139)."""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp

from ...interface.adapter import ModelAdapter
from ...interface.parameters import ParameterError
from . import domain
from .grid import make_grid
from .model import TwinHiggs
from .solver import CANCELLATION_MAX, MEMORY_MAX, PHASES, relic_on_grid, solver_tables

__all__ = ["ADAPTER", "TwinAdapter"]


def _finite_or_none(x):
    """float(x), or None (JSON null) when x is NaN or ±inf."""
    v = float(x)
    return v if math.isfinite(v) else None


def notes(res, method: str, undefined: dict) -> list:
    """``notes`` entries of a twin result (slug: sentence; docs/physics/twin_domain.md)."""
    out = []
    memory = float(res.memory)
    if not memory <= MEMORY_MAX:
        size = f"= {memory:.3g} > {MEMORY_MAX:g}" if math.isfinite(memory) else "undefined (NaN)"
        out.append(
            f"late_start: the relic depends on its initial condition at x0 (d ln Y_end/d ln Y_start {size}); "
            "x0 lies after the decoupling that sets it, start earlier (smaller x0)"
        )
    cancel = float(res.cancellation)
    if not cancel <= CANCELLATION_MAX:
        size = f"to 1 part in {cancel:.3g} (> {CANCELLATION_MAX:g})" if math.isfinite(cancel) else "completely"
        out.append(
            f"eq38_cancellation: the two terms of Eq. (38) cancel {size}; the Eq. (38) number has no "
            "reliable digits"
            + ("" if method in ("eq38", "iterate") else " (diagnostic only for this method)")
        )
    for key, why in undefined.items():
        out.append(f"{key}_undefined: {key} is not finite ({why}); reported as null")
    return out


class TwinAdapter(ModelAdapter):
    """Twin neutrino: model fields and grid settings of :data:`domain.PARAMETERS`; θ₁ is the group axis
    (the collision tables do not depend on it, docs/physics/twin_solvers.md "θ₁ dependence")."""

    name = "twin-higgs"
    description = "twin-neutrino DM: coscattering/coannihilation (momentum-dependent Eq. 38, arXiv:1805.12139)"
    parameters = domain.PARAMETERS
    outputs = ("omega_h2", "omega_h2_first_term", "omega_h2_second_term", "omega_h2_coannihilation",
               "omega_h2_eq28", "omega_h2_eq35", "T_CS", "T_CA", "T_S_min_GeV", "T_S_max_GeV", "start_memory",
               "eq38_cancellation")
    integer_outputs = ("phase", "n_iter", "status")
    group_axis = "theta1"

    def check(self, p) -> None:
        bad = domain.condition_violations(p)
        if bad:
            raise ParameterError(f"parameter {bad[0]}")

    @staticmethod
    def _model(p, theta1):
        return TwinHiggs(p["m_nu"], p["delta"], p["r"], theta1)

    @staticmethod
    def _grid(model, p, background):
        return make_grid(model, x0=p["x0"], x_end=p["x_end"], n_a=int(p["n_a"]), n_q=int(p["n_q"]),
                         twin_photon_dof=bool(p["twin_photon_dof"]), background=background)

    def solve(self, p, background, adjoint="reverse"):
        model = self._model(p, p["theta1"])
        grid = self._grid(model, p, background)
        return relic_on_grid(model, grid, p["method"], adjoint=adjoint, x_range=(p["x0"], p["x_end"]))

    def solve_group(self, p, background, adjoint="reverse") -> dict:
        ref = self._model(p, p["theta1"][0])
        grid = self._grid(ref, p, background)
        tables = solver_tables(ref, grid)

        def one(theta1):
            r = relic_on_grid(self._model(p, theta1), grid, p["method"], adjoint=adjoint,
                              x_range=(p["x0"], p["x_end"]), tables=tables)
            return self.observables(p, r)

        return jax.vmap(one)(p["theta1"])

    def observables(self, p, r) -> dict:
        return {
            "omega_h2": r.omega_h2,
            "omega_h2_first_term": r.omega_first,
            "omega_h2_second_term": r.omega_second,
            "omega_h2_coannihilation": r.omega_CA,
            "omega_h2_eq28": r.omega_28,
            "omega_h2_eq35": r.omega_35,
            "T_CS": r.T_CS,
            "T_CA": r.T_CA,
            "T_S_min_GeV": jnp.min(r.T_S),
            "T_S_max_GeV": jnp.max(r.T_S),
            "start_memory": r.memory,
            "eq38_cancellation": r.cancellation,
            "phase": r.phase.astype(jnp.int32),
            "n_iter": jnp.asarray(r.n_iter, dtype=jnp.int32),
            "status": r.status,
        }

    def summary(self, p, res, background=None) -> dict:
        T_S = [float(v) for v in res.T_S]
        terms = {
            "omega_h2_first_term": res.omega_first,
            "omega_h2_second_term": res.omega_second,
            "omega_h2_eq38": res.omega_38,
            "omega_h2_coannihilation": res.omega_CA,
            "omega_h2_eq35": res.omega_35,
            "omega_h2_eq28": res.omega_28,
        }
        undefined = {k: "its solver gave NaN or inf at this point"
                     for k, v in {"omega_h2": res.omega_h2, **terms}.items() if not math.isfinite(float(v))}
        step = max(1, len(T_S) // 16)
        return {
            "method": p["method"],
            "omega_h2": _finite_or_none(res.omega_h2),
            "phase": PHASES[int(res.phase)],
            "T_S": {"q_GeV": [float(v) for v in res.q[::step]], "T_GeV": [_finite_or_none(v) for v in T_S[::step]]},
            "T_S_min_GeV": _finite_or_none(min(T_S)),
            "T_S_max_GeV": _finite_or_none(max(T_S)),
            "T_CS": _finite_or_none(res.T_CS),
            "T_CA": _finite_or_none(res.T_CA),
            **{k: _finite_or_none(v) for k, v in terms.items()},
            "start_memory": _finite_or_none(res.memory),
            "eq38_cancellation": _finite_or_none(res.cancellation),
            "iterations": int(res.n_iter),
            "notes": notes(res, p["method"], undefined),
            "status": int(res.status),
        }

    def plot(self, p, res, summary, path) -> None:
        from .plots import plot_twin

        plot_twin(
            res, p["m_nu"],
            title=rf"twin $\hat\nu$: $m_\nu={p['m_nu']:g}$ GeV, $\Delta={p['delta']:g}$, $r={p['r']:g}$, "
            rf"$\theta_1={p['theta1']:.3g}$ ({p['method']}, {summary['phase']}): "
            rf"$\Omega h^2={summary['omega_h2']:.4g}$",
            path=path,
        )


ADAPTER = TwinAdapter()
