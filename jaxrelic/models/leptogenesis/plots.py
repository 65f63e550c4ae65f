"""Plots of vanilla leptogenesis (matplotlib object API only: no pyplot state, no rcParams)."""

from __future__ import annotations

from ...interface.plotting import new_axes

__all__ = ["plot_leptogenesis", "tex"]


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


def tex(x: float, digits: int = 3) -> str:
    """x in TeX scientific notation, e.g. 1e10 -> '10^{10}', 3.1e-10 -> '3.1\\times10^{-10}'."""
    if x == 0 or 1e-2 <= abs(x) < 1e3:
        return f"{x:.{digits}g}"
    exp = int(f"{x:e}".split("e")[1])
    mant = float(f"{x / 10.0**exp:.{digits}g}")
    if mant in (1.0, -1.0):
        return ("-" if mant < 0 else "") + f"10^{{{exp}}}"
    return f"{mant:g}\\times10^{{{exp}}}"
