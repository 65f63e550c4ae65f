"""CLI spec of vanilla N₁ thermal leptogenesis (``jaxrelic relic leptogenesis``).

Example::

    jaxrelic relic leptogenesis --set M1=1e10 --set epsilon=1e-6 --set K=10 --set initial=zero --json

Outputs Y_B = n_B/s, Y_B/Y_B^obs, η_B = n_B/n_γ (today), Y_{B−L}, the efficiency κ_f
(with BDP's analytic estimate for comparison), ``notes`` (``flavour_effects`` below
M₁ = 1e12 GeV, ``epsilon_above_di_bound`` above the Davidson–Ibarra bound) and the
solver status; ``--plot FILE`` draws
N_N1(z), N_N1^eq(z) and |N_B−L|(z) (docs/physics/leptogenesis.md).
"""

from __future__ import annotations

from ..registry import ModelSpec, Parameter


def _run(params: dict) -> dict:
    import time

    from ... import constants as c
    from ...models.leptogenesis import VanillaLeptogenesis, kappa_f_bdp, validity_notes
    from ...numerics.status import status_name
    from ...models.leptogenesis.solver import leptogenesis

    t0 = time.perf_counter()
    model = VanillaLeptogenesis(
        M1=params["M1"],
        epsilon=params["epsilon"],
        K=params["K"],
        initial=params["initial"],
        washout_delta_L2=params["washout_delta_L2"],
        g_star=params["g_star"],
        m_bar=params["m_bar"],
    )
    res = leptogenesis(model)
    eta = float(res.eta_B)
    return {
        "model": "leptogenesis",
        "parameters": params,
        "Y_B": float(res.Y_B),
        "Y_B_over_observed": float(res.Y_B) / c.Y_B_OBS,
        "eta_B": eta,
        "Y_B_minus_L": float(res.Y_BL),
        "kappa_f": float(res.kappa_f),
        "kappa_f_bdp_estimate": float(kappa_f_bdp(params["K"])),
        "notes": validity_notes(params["M1"], params["epsilon"]),
        "status": status_name(res.status),
        "status_code": int(res.status),
        "ode_steps": int(res.num_steps),
        "wall_time_s": time.perf_counter() - t0,
        "_result": res,
    }


def plot_leptogenesis(result, *, title: str | None = None, path=None, ax=None):
    """N_N1(z), N_N1^eq(z) and |N_B−L|(z) (normalised to N_N1^eq(0) = 1), log-log.

    Matplotlib object API only (no pyplot state, no rcParams).  Dashed
    |N_B−L| marks z where N_B−L < 0.

    Parameters
    ----------
    result : LeptogenesisResult
        Single-point output of :func:`jaxrelic.models.leptogenesis.solver.leptogenesis`.
    title : str, optional
    path : str or path-like, optional
        Save the figure there.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    import numpy as np

    from ..plots import new_axes

    z = np.asarray(result.z)
    n1 = np.asarray(result.N_N1)
    neq = np.asarray(result.N_N1_eq)
    nbl = np.asarray(result.N_BL)
    fig, ax = new_axes(ax)
    top = max(float(np.max(np.abs(n1))), float(np.max(neq)), float(np.max(np.abs(nbl))), 1e-300)
    floor = max(float(np.max(np.abs(nbl))) * 1e-4, top * 1e-14, 1e-300)

    def masked(v):
        return np.where(v > floor, v, np.nan)

    ax.loglog(z, masked(n1), lw=2, color="C0", label=r"$N_{N_1}$")
    ax.loglog(z, masked(neq), lw=1, ls="--", color="C0", label=r"$N_{N_1}^{\rm eq}$")
    ax.loglog(z, masked(np.where(nbl >= 0, nbl, 0.0)), lw=2, color="C3", label=r"$N_{B-L} > 0$")
    if np.any(nbl < 0):
        ax.loglog(z, masked(np.where(nbl < 0, -nbl, 0.0)), lw=2, ls="--", color="C3", label=r"$|N_{B-L}|,\ N_{B-L}<0$")
    ax.set_ylim(bottom=floor, top=top * 3.0)
    ax.set_xlabel(r"$z = M_1/T$")
    ax.set_ylabel(r"$N$ (per comoving volume with $N_{N_1}^{\rm eq}(0)=1$)")
    ax.set_title(title or rf"$\eta_B = {float(result.eta_B):.4g}$, $\kappa_f = {float(result.kappa_f):.4g}$", fontsize=10)
    ax.legend(frameon=False, fontsize=8)
    if path is not None:
        fig.savefig(path, dpi=130)
    return fig


def _tex(x: float, digits: int = 3) -> str:
    """x in TeX scientific notation, e.g. 1e10 -> '10^{10}', 3.1e-10 -> '3.1\\times10^{-10}'."""
    if x == 0 or 1e-2 <= abs(x) < 1e3:
        return f"{x:.{digits}g}"
    exp = int(f"{x:e}".split("e")[1])
    mant = float(f"{x / 10.0**exp:.{digits}g}")
    if mant in (1.0, -1.0):
        return ("-" if mant < 0 else "") + f"10^{{{exp}}}"
    return f"{mant:g}\\times10^{{{exp}}}"


def _plot(out: dict, path: str) -> None:
    p = out["parameters"]
    plot_leptogenesis(
        out["_result"],
        title=rf"$M_1={_tex(p['M1'])}$ GeV, $\varepsilon_1={_tex(p['epsilon'])}$, $K={_tex(p['K'])}$, "
        rf"{p['initial']} $N_1$" + "\n" + rf"$\eta_B={_tex(out['eta_B'], 4)}$, $\kappa_f={_tex(out['kappa_f'], 4)}$",
        path=path,
    )


def spec() -> ModelSpec:
    from ...models.leptogenesis import INITIAL_CONDITIONS, LEPTOGENESIS_PARAMETERS

    params = []
    for name, (unit, default, (lo, hi), desc) in LEPTOGENESIS_PARAMETERS.items():
        params.append(Parameter(name, unit, default, lo, hi, desc, "float"))
    initial = Parameter(
        "initial", "", "thermal", None, None, "N₁ abundance at z_start = 1e-3", "choice", tuple(INITIAL_CONDITIONS)
    )
    delta_l2 = Parameter("washout_delta_L2", "", False, False, True, "include the ΔL = 2 washout ∝ M₁ m̄²", "bool")
    params[3:3] = [initial, delta_l2]
    return ModelSpec(
        name="leptogenesis",
        description="vanilla N₁ thermal leptogenesis (decays, inverse decays, optional ΔL=2; BDP 2005)",
        parameters=tuple(params),
        run=_run,
        plot=_plot,
    )
