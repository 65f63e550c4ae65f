"""CLI spec of twin-neutrino dark matter (``jaxrelic relic twin-higgs``, arXiv:1805.12139)."""

from __future__ import annotations

import math

from ..registry import ModelSpec, Parameter, ParameterError

_METHODS = ("eq38", "iterate", "coannihilation", "coscattering_integrated", "coscattering_unintegrated")


class _DomainParameter(Parameter):
    """A :class:`Parameter` whose allowed range is printed from the model's validity
    domain (``jaxrelic models``; open ends and the cross condition r < 1 + delta)."""

    def range_text(self) -> str:
        from ...models.twin_higgs.domain import range_text

        return range_text(self.name) + (f" ({self.unit})" if self.unit and self.unit != "GeV" else "")


def _finite_or_none(x):
    """float(x), or None (JSON null) when x is NaN or ±inf."""
    v = float(x)
    return v if math.isfinite(v) else None


def _notes(res, method: str, diagnostics: dict) -> list:
    """``notes`` entries of a twin result (slug: sentence; docs/physics/twin_domain.md)."""
    from ...models.twin_higgs.solver import CANCELLATION_MAX, MEMORY_MAX

    notes = []
    memory = float(res.memory)
    if not memory <= MEMORY_MAX:
        size = f"= {memory:.3g} > {MEMORY_MAX:g}" if math.isfinite(memory) else "undefined (NaN)"
        notes.append(
            f"late_start: the relic depends on its initial condition at x0 (d ln Y_end/d ln Y_start {size}); "
            "x0 lies after the decoupling that sets it, start earlier (smaller x0)"
        )
    cancel = float(res.cancellation)
    if not cancel <= CANCELLATION_MAX:
        size = f"to 1 part in {cancel:.3g} (> {CANCELLATION_MAX:g})" if math.isfinite(cancel) else "completely"
        notes.append(
            f"eq38_cancellation: the two terms of Eq. (38) cancel {size}; the Eq. (38) number has no "
            "reliable digits"
            + ("" if method in ("eq38", "iterate") else " (diagnostic only for this method)")
        )
    for key, why in diagnostics.items():
        notes.append(f"{key}_undefined: {key} is not finite ({why}); reported as null")
    return notes


def _twin_run(params: dict) -> dict:
    import time

    import jax

    from ...models.twin_higgs import TwinHiggs, domain
    from ...numerics.status import status_name
    from ...models.twin_higgs.solver import PHASES, relic_twin

    for name in ("m_nu", "delta", "r", "theta1", "x0", "x_end"):
        v = params[name]
        try:
            domain.check_concrete(name, v)
        except ValueError:
            raise ParameterError(f"parameter {name}={v!r} outside the allowed range {domain.range_text(name)}") from None
    bad = domain.condition_violations(params)
    if bad:
        raise ParameterError(f"parameter {bad[0]}")
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
    outputs = {
        "omega_h2_first_term": res.omega_first,
        "omega_h2_second_term": res.omega_second,
        "omega_h2_eq38": res.omega_38,
        "omega_h2_coannihilation": res.omega_CA,
        "omega_h2_eq35": res.omega_35,
        "omega_h2_eq28": res.omega_28,
    }
    undefined = {k: "its solver gave NaN or inf at this point" for k, v in {"omega_h2": res.omega_h2, **outputs}.items()
                 if not math.isfinite(float(v))}
    out = {
        "model": "twin-higgs",
        "parameters": params,
        "method": params["method"],
        "omega_h2": _finite_or_none(res.omega_h2),
        "phase": PHASES[int(res.phase)],
        "T_S": {"q_GeV": [float(v) for v in res.q[:: max(1, len(T_S) // 16)]],
                "T_GeV": [_finite_or_none(v) for v in T_S[:: max(1, len(T_S) // 16)]]},
        "T_S_min_GeV": _finite_or_none(min(T_S)),
        "T_S_max_GeV": _finite_or_none(max(T_S)),
        "T_CS": _finite_or_none(res.T_CS),
        "T_CA": _finite_or_none(res.T_CA),
        **{k: _finite_or_none(v) for k, v in outputs.items()},
        "start_memory": _finite_or_none(res.memory),
        "eq38_cancellation": _finite_or_none(res.cancellation),
        "iterations": int(res.n_iter),
        "status": status_name(res.status),
        "status_code": int(res.status),
        "notes": _notes(res, params["method"], undefined),
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
    from ...models.twin_higgs.domain import CONDITIONS

    from ...models.twin_higgs.domain import BOUNDS as B

    params = (
        _DomainParameter("m_nu", "GeV", 1.0, B["m_nu"][0], B["m_nu"][1], "twin-neutrino (DM) mass, 0.02 ≤ m_ν̂ ≤ 100 GeV"),
        _DomainParameter("delta", "", 0.1, 0.0, math.inf, "Δ = (m_τ̂ − m_ν̂)/m_ν̂, > 0"),
        _DomainParameter("r", "", 0.5, 0.0, math.inf, "r = m_γ̂/m_ν̂, 0 < r < 1 + Δ (m_γ̂ < m_τ̂)"),
        _DomainParameter("theta1", "rad", 4.378e-4, 0.0, math.pi / 4, "right-handed τ̂–ν̂ mixing, 0 < θ₁ < π/4"),
        Parameter("method", "", "eq38", None, None, "Boltzmann equation(s) solved", "choice", _METHODS),
        Parameter("n_q", "", 128, 100, 1024, "comoving-momentum nodes"),
        Parameter("n_a", "", 600, 100, 8192, "ln a nodes"),
        _DomainParameter("x0", "", 5.0, B["x0"][0], B["x0"][1], "start x = m_ν/T (before freeze-out: a late start is flagged)"),
        _DomainParameter("x_end", "", 300.0, B["x_end"][0], B["x_end"][1], "end x = m_ν/T"),
        Parameter("twin_photon_dof", "", False, None, None, "include γ̂ in g_*, g_*s", "bool"),
    )
    return ModelSpec(
        name="twin-higgs",
        description="twin-neutrino DM: coscattering/coannihilation (momentum-dependent Eq. 38, arXiv:1805.12139)",
        parameters=params,
        run=_twin_run,
        plot=_twin_plot,
        conditions=tuple(text for _, text in CONDITIONS),
    )
