"""CLI specs of the freeze-in models (``jaxrelic relic freeze-in-decay`` and ``freeze-in-uv``).

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

from ..registry import ModelSpec, Parameter, ParameterError


def _parameters(table: dict) -> tuple:
    out = []
    for name, (unit, default, rng, desc) in table.items():
        if isinstance(default, str):
            out.append(Parameter(name, unit, default, None, None, desc, "choice", tuple(rng)))
        else:
            out.append(Parameter(name, unit, default, rng[0], rng[1], desc))
    return tuple(out)


_JIT = {}


def _jitted(name):
    """eqx.filter_jit of a function of jaxrelic.models.freeze_in, compiled once per process."""
    if name not in _JIT:
        import equinox as eqx

        from ...models import freeze_in as fi

        _JIT[name] = eqx.filter_jit(getattr(fi, name))
    return _JIT[name]


def _build(cls, **kw):
    try:
        return cls(**kw)
    except ValueError as e:  # cross-parameter ranges (m_dm < m_parent, T_RH in (m_dm, Lambda), width > 0 …)
        raise ParameterError(f"parameter {e}") from None


def _common_out(name, params, res, t0, extra):
    import time

    from ...numerics.status import status_name

    out = {
        "model": name,
        "parameters": params,
        "Y_today": float(res.Y_today),
        "omega_h2": float(res.omega_h2),
        "status": status_name(res.status),
        "status_code": int(res.status),
    }
    out.update(extra)
    out.update(
        {
            "ode_steps": int(res.num_steps),
            "error_estimate": float(res.error_estimate),
            "wall_time_s": time.perf_counter() - t0,
            "_result": res,
        }
    )
    return out


def _decay_run(params: dict) -> dict:
    import time

    from ...models import freeze_in as fi
    from ...thermo.background import Background

    t0 = time.perf_counter()
    p = params
    model = _build(
        fi.FreezeInDecay,
        m_parent=p["m_parent"],
        width=p["width"],
        m_dm=p["m_dm"],
        g_parent=p["g_parent"],
        g_dm=p["g_dm"],
        statistics=p["statistics"],
    )
    bg = Background.standard_model()
    res = _jitted("solve_freeze_in_decay")(model, bg)
    T_start = fi.T_START_OVER_M_PARENT * p["m_parent"]
    T_end = fi.T_END_OVER_M_PARENT * p["m_parent"]
    T_ref = p["m_parent"] / 3.0
    g_s, g_rho = float(bg.gstar.g_s(T_ref)), float(bg.gstar.g_rho(T_ref))
    y_an = float(fi.y_freeze_in_decay_analytic(p["m_parent"], p["g_parent"], p["width"], g_s, g_rho, p["statistics"]))
    y_eq = float(fi.y_equilibrium_relativistic(p["g_dm"], g_s))
    y_prod = float(_jitted("production_integral")(model, bg, T_start, T_end))
    extra = {
        "Y_freeze_in_analytic": y_an,
        "Y_production_integral": y_prod,
        "Y_eq_relativistic": y_eq,
        "Y_eq_max": float(res.Y_eq.max()),
        "regime": fi.decay_regime(y_an, y_eq),
        "Y_over_analytic": float(res.Y_today) / y_an,
        "g_star_s_at_m_parent_over_3": g_s,
        "T_start_GeV": T_start,
        "T_end_GeV": T_end,
    }
    return _common_out("freeze-in-decay", params, res, t0, extra)


def _uv_run(params: dict) -> dict:
    import time

    from ...models import freeze_in as fi
    from ...thermo.background import Background

    t0 = time.perf_counter()
    p = params
    model = _build(
        fi.FreezeInUV,
        T_RH=p["T_RH"],
        Lambda=p["Lambda"],
        dim=p["dim"],
        m_dm=p["m_dm"],
        g_dm=p["g_dm"],
        coefficient=p["coefficient"],
    )
    bg = Background.standard_model()
    res = _jitted("solve_freeze_in_uv")(model, bg)
    x_end = max(fi.UV_X_END_MIN, p["m_dm"] / 1e-4)
    g_s, g_rho = float(bg.gstar.g_s(p["T_RH"])), float(bg.gstar.g_rho(p["T_RH"]))
    y_an = float(fi.y_uv_analytic(p["T_RH"], p["Lambda"], int(p["dim"]), g_s, g_rho, p["coefficient"]))
    y_eq = float(fi.y_equilibrium_relativistic(p["g_dm"], g_s))
    y_prod = float(_jitted("production_integral")(model, bg, p["T_RH"], p["m_dm"] / x_end))
    extra = {
        "Y_freeze_in_analytic": y_an,
        "Y_production_integral": y_prod,
        "Y_eq_relativistic": y_eq,
        "Y_eq_max": float(res.Y_eq.max()),
        "regime": fi.decay_regime(y_an, y_eq),
        "Y_over_analytic": float(res.Y_today) / y_an,
        "gamma_reaction": "c T^6/Lambda^2 F(m/T)^2" if p["dim"] == "5" else "c T^8/Lambda^4 F(m/T)^2",
        "g_star_s_at_T_RH": g_s,
    }
    return _common_out("freeze-in-uv", params, res, t0, extra)


def _plot(out: dict, path: str) -> None:
    import numpy as np

    from ..plots import new_axes

    res = out["_result"]
    m = out["parameters"]["m_dm"]
    T = m / np.asarray(res.x)
    Y = np.asarray(res.Y)[:, 0]
    Yeq = np.asarray(res.Y_eq)[:, 0]
    fig, ax = new_axes()
    ax.loglog(T, np.where(Y > 0, Y, np.nan), lw=2, label=r"$Y_\chi$")
    ax.loglog(T, Yeq, ls="--", lw=1, label=r"$Y_\chi^{\rm eq}$")
    ax.axhline(out["Y_freeze_in_analytic"], color="grey", lw=0.8, ls=":", label="analytic (const. $g_*$)")
    ax.set_ylim(bottom=max(float(np.nanmin(np.where(Y > 0, Y, np.nan))), out["Y_today"] * 1e-6),
                top=max(out["Y_today"], float(np.max(Yeq)), out["Y_freeze_in_analytic"]) * 3)
    ax.invert_xaxis()
    ax.set_xlabel(r"$T$ [GeV]")
    ax.set_ylabel(r"$Y = n/s$")
    ax.set_title(rf"{out['model']}: $Y_\infty = {out['Y_today']:.4g}$, $\Omega h^2 = {out['omega_h2']:.4g}$ "
                 f"({out['regime']})", fontsize=9)
    ax.legend(frameon=False, fontsize=8)
    fig.savefig(path, dpi=130)


def decay_spec() -> ModelSpec:
    """``jaxrelic relic freeze-in-decay``: B → χ + SM with B in equilibrium."""
    from ...models.freeze_in import FREEZE_IN_DECAY_PARAMETERS

    return ModelSpec(
        name="freeze-in-decay",
        description="freeze-in of chi from decays B -> chi + SM of a bath particle (with inverse decays)",
        parameters=_parameters(FREEZE_IN_DECAY_PARAMETERS),
        run=_decay_run,
        plot=_plot,
        conditions=("0 < width < m_parent", "m_dm < m_parent"),
    )


def uv_spec() -> ModelSpec:
    """``jaxrelic relic freeze-in-uv``: bath bath → χχ through a dim-5/6 operator from T_RH."""
    from ...models.freeze_in import FREEZE_IN_UV_PARAMETERS

    return ModelSpec(
        name="freeze-in-uv",
        description="UV freeze-in from T_RH: gamma = c T^6/Lambda^2 (dim 5) or c T^8/Lambda^4 (dim 6)",
        parameters=_parameters(FREEZE_IN_UV_PARAMETERS),
        run=_uv_run,
        plot=_plot,
        conditions=("m_dm < T_RH < Lambda",),
    )
