"""CLI spec of the generic WIMP (``jaxrelic relic wimp``)."""

from __future__ import annotations

from ..registry import ModelSpec, Parameter, ParameterError


def _wimp_run(params: dict) -> dict:
    import time

    from ..._api import relic_density
    from ...models.wimp import WIMP
    from ...numerics.status import status_name
    from ...engines.network import R_EQ_START

    t0 = time.perf_counter()
    try:  # cross-parameter check: sigma_v = b = 0 (nothing annihilates) is rejected
        model = WIMP(
            mass=params["mass"],
            sigma_v=params["sigma_v"],
            b=params["b"],
            g=params["g"],
            self_conjugate=params["self_conjugate"],
            statistics=params["statistics"],
        )
    except ValueError as e:
        raise ParameterError(str(e)) from None
    res = relic_density(model)
    omega = float(res.omega_h2)
    x_start = float(res.x[0])
    notes = []
    if x_start < 1.0:
        notes.append(
            f"relativistic_decoupling: the annihilation rate is below {R_EQ_START:g} H at x = 1, so the "
            f"solve starts in equilibrium at x = {x_start:.3g} where it is faster (a hot or warm relic)"
            + ("; statistics=MB: a fermion (statistics=FD) has a 0.90x and a boson (BE) a 1.20x smaller/larger "
               "relativistic yield" if params["statistics"] == "MB" else ""))
    out = {
        "model": "wimp",
        "parameters": params,
        "omega_h2": omega,
        "x_f": float(res.x_f),
        "x_start": x_start,
        "Y_today": float(res.Y_today),
        "status": status_name(res.status),
        "status_code": int(res.status),
        "ode_steps": int(res.num_steps),
        "notes": notes,
        "wall_time_s": time.perf_counter() - t0,
        "_result": res,
    }
    return out


def _wimp_plot(out: dict, path: str) -> None:
    from ..plots import plot_yield

    p = out["parameters"]
    if p["b"]:  # σv = a + b v²
        xs = rf"$a={p['sigma_v']:.3g}$, $b={p['b']:.3g}$ cm$^3$/s"
    else:
        xs = rf"$\langle\sigma v\rangle={p['sigma_v']:.3g}$ cm$^3$/s"
    plot_yield(
        out["_result"],
        title=rf"WIMP $m={p['mass']:g}$ GeV, {xs}: $\Omega h^2={out['omega_h2']:.4g}$",
        path=path,
    )


def spec() -> ModelSpec:
    from ...models.wimp import WIMP_PARAMETERS

    params = []
    for name, (unit, default, rng, desc) in WIMP_PARAMETERS.items():
        if unit == "choice":
            params.append(Parameter(name, "", default, None, None, desc, "choice", tuple(rng)))
            continue
        kind = "bool" if unit == "bool" else "float"
        params.append(Parameter(name, "" if kind == "bool" else unit, default, rng[0], rng[1], desc, kind))
    return ModelSpec(
        name="wimp",
        description="thermal relic with σv = a + b v² (number-density Boltzmann equation; sigma_v=0, b>0: pure p-wave)",
        parameters=tuple(params),
        run=_wimp_run,
        plot=_wimp_plot,
        conditions=("sigma_v > 0 or b > 0 (something annihilates)",),
    )
