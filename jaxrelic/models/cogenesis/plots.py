"""Plots of freeze-in cogenesis solutions (matplotlib object API only: no pyplot, no rcParams changes)."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from ... import constants as c
from ...interface.plotting import new_axes

__all__ = ["latex_sci", "plot_asymmetries", "plot_cogenesis"]


def latex_sci(value: float, digits: int = 3) -> str:
    """Mathtext form of a number, e.g. 2e10 → ``2\\times10^{10}``, 0.36 → ``0.36``."""
    v = float(value)
    if v == 0.0 or not np.isfinite(v) or 1e-2 <= abs(v) < 1e4:
        return f"{v:.{digits}g}"
    exp = int(np.floor(np.log10(abs(v))))
    mant = v / 10.0**exp
    if abs(round(mant, digits - 1) - 1.0) < 1e-12:
        return f"10^{{{exp}}}" if v > 0 else f"-10^{{{exp}}}"
    return f"{mant:.{digits}g}\\times10^{{{exp}}}"


def plot_asymmetries(result, *, ax=None, label: str = "", ls: str = "-", show_observed: bool = True):
    """|ΔY_B|(x) and |ΔY_χ|(x) of a :class:`~jaxrelic.models.cogenesis.solver.CogenesisResult` (log-log).

    Parameters
    ----------
    result : CogenesisResult
        Single-point result (histories on ``result.x``).
    ax : matplotlib Axes, optional
        Draw into this axes (default: a new figure).
    label : str
        Suffix of the legend entries (e.g. "source only").
    ls : str
        Line style.
    show_observed : bool
        Draw the observed baryon yield Y_B^obs = 8.69e-11.

    Returns
    -------
    matplotlib.axes.Axes
    """
    _, ax = new_axes(ax, figsize=(5.5, 4.0))
    x = np.asarray(result.x)[1:]
    suffix = f" ({label})" if label else ""
    for y, color, name in ((result.Y_B_x, "C0", r"|\Delta Y_B|"), (result.Y_chi_x, "C3", r"|\Delta Y_\chi|")):
        y = np.abs(np.asarray(y))[1:]
        ax.loglog(x, np.where(y > 0, y, np.nan), color=color, ls=ls, label=rf"${name}${suffix}")
    if show_observed:
        ax.axhline(c.Y_B_OBS, color="grey", lw=0.8, ls=":", label=r"$Y_B^{\rm obs}$")
    ax.set_xlabel(r"$x = T_{\rm RH}/T$")
    ax.set_ylabel(r"$|\Delta Y|$")
    ax.legend(frameon=False, fontsize=8)
    return ax


def plot_cogenesis(result, *, title: str | None = None, path=None, source_only=None):
    """Two panels: |ΔY_B|, |ΔY_χ| versus x, and ξ = T'/T versus x.

    Parameters
    ----------
    result : CogenesisResult
        Single-point result of :func:`~jaxrelic.models.cogenesis.solver.solve_cogenesis`.
    title : str, optional
        Figure title.
    path : str or path-like, optional
        Save the figure there (PNG, PDF, … by extension).
    source_only : CogenesisResult, optional
        The same point without wash-out, drawn dashed.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig = Figure(figsize=(10.0, 4.0), layout="constrained")
    ax, bx = fig.subplots(1, 2)
    plot_asymmetries(result, ax=ax, label="with wash-out/in" if source_only is not None else "")
    if source_only is not None:
        plot_asymmetries(source_only, ax=ax, label="source only", ls="--", show_observed=False)
    bx.semilogx(np.asarray(result.x), np.asarray(result.xi_x), color="k")
    bx.set_xlabel(r"$x = T_{\rm RH}/T$")
    bx.set_ylabel(r"$\xi = T'/T$")
    bx.set_title(rf"$\xi_\infty = {float(result.xi_final):.4f}$", fontsize=9)
    if title:
        fig.suptitle(title, fontsize=10)
    if path is not None:
        fig.savefig(path, dpi=130)
    return fig
