"""CLI spec of twin-neutrino dark matter (``jaxrelic relic twin-higgs``, arXiv:1805.12139)."""

from __future__ import annotations

import math

from ..registry import ModelSpec, Parameter, ParameterError

_METHODS = ("eq38", "iterate", "coannihilation", "coscattering_integrated", "coscattering_unintegrated")


def _twin_run(params: dict) -> dict:
    import time

    import jax

    from ...models.twin_higgs import TwinHiggs
    from ...numerics.status import status_name
    from ...solvers.twin_higgs import PHASES, relic_twin

    for name in ("m_nu", "delta", "r", "theta1"):
        v = params[name]
        if v <= 0.0 or (name == "theta1" and v >= math.pi / 4):
            allowed = "0 < theta1 < pi/4 (rad)" if name == "theta1" else f"{name} > 0"
            raise ParameterError(f"parameter {name}={v!r} outside the allowed range {allowed}")
    for name in ("n_q", "n_a"):
        if float(params[name]) != int(params[name]):
            raise ParameterError(f"parameter {name}={params[name]!r} must be an integer")
    t0 = time.perf_counter()
    try:
        model = TwinHiggs(params["m_nu"], params["delta"], params["r"], params["theta1"])
    except ValueError as e:
        raise ParameterError(str(e)) from None
    res = relic_twin(model, method=params["method"], n_q=int(params["n_q"]), n_a=int(params["n_a"]),
                     x0=params["x0"], x_end=params["x_end"], twin_photon_dof=params["twin_photon_dof"])
    jax.block_until_ready(res.omega_h2)
    T_S = [float(v) for v in res.T_S]
    out = {
        "model": "twin-higgs",
        "parameters": params,
        "method": params["method"],
        "omega_h2": float(res.omega_h2),
        "phase": PHASES[int(res.phase)],
        "T_S": {"q_GeV": [float(v) for v in res.q[:: max(1, len(T_S) // 16)]],
                "T_GeV": T_S[:: max(1, len(T_S) // 16)]},
        "T_S_min_GeV": min(T_S),
        "T_S_max_GeV": max(T_S),
        "T_CS": float(res.T_CS),
        "T_CA": float(res.T_CA),
        "omega_h2_first_term": float(res.omega_first),
        "omega_h2_second_term": float(res.omega_second),
        "omega_h2_eq38": float(res.omega_38),
        "omega_h2_coannihilation": float(res.omega_CA),
        "omega_h2_eq35": float(res.omega_35),
        "omega_h2_eq28": float(res.omega_28),
        "iterations": int(res.n_iter),
        "status": status_name(res.status),
        "status_code": int(res.status),
        "wall_time_s": time.perf_counter() - t0,
        "_result": res,
    }
    return out


def _twin_plot(out: dict, path: str) -> None:
    from ..plots_twin import plot_twin

    p = out["parameters"]
    plot_twin(
        out["_result"],
        p["m_nu"],
        title=rf"twin $\hat\nu$: $m_\nu={p['m_nu']:g}$ GeV, $\Delta={p['delta']:g}$, $r={p['r']:g}$, "
        rf"$\theta_1={p['theta1']:.3g}$ ({out['method']}, {out['phase']}): $\Omega h^2={out['omega_h2']:.4g}$",
        path=path,
    )


def spec() -> ModelSpec:
    params = (
        Parameter("m_nu", "GeV", 1.0, 0.0, math.inf, "twin-neutrino (DM) mass, > 0"),
        Parameter("delta", "", 0.1, 0.0, math.inf, "Δ = (m_τ̂ − m_ν̂)/m_ν̂, > 0"),
        Parameter("r", "", 0.5, 0.0, math.inf, "r = m_γ̂/m_ν̂, > 0"),
        Parameter("theta1", "rad", 4.378e-4, 0.0, math.pi / 4, "right-handed τ̂–ν̂ mixing, 0 < θ₁ < π/4"),
        Parameter("method", "", "eq38", None, None, "Boltzmann equation(s) solved", "choice", _METHODS),
        Parameter("n_q", "", 128, 100, 1024, "comoving-momentum nodes"),
        Parameter("n_a", "", 600, 100, 8192, "ln a nodes"),
        Parameter("x0", "", 5.0, 1.0, 50.0, "start x = m_ν/T"),
        Parameter("x_end", "", 300.0, 100.0, 600.0, "end x = m_ν/T"),
        Parameter("twin_photon_dof", "", False, None, None, "include γ̂ in g_*, g_*s", "bool"),
    )
    return ModelSpec(
        name="twin-higgs",
        description="twin-neutrino DM: coscattering/coannihilation (momentum-dependent Eq. 38, arXiv:1805.12139)",
        parameters=params,
        run=_twin_run,
        plot=_twin_plot,
    )
