"""Plots of the twin-neutrino relic solution (matplotlib object API only: no pyplot, no rcParams)."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from .plots import new_axes

__all__ = ["plot_twin_distribution", "plot_twin_yield", "plot_twin"]


def _positive(y, floor):
    y = np.asarray(y, dtype=float)
    return np.where(y > floor, y, np.nan)


def plot_twin_distribution(result, *, ax=None, title: str | None = None):
    """q² f_ν(q) at the end of the evolution, with the two terms of Eq. (38).

    Parameters
    ----------
    result : TwinRelicResult
        Single-point output of :func:`jaxrelic.solvers.twin_higgs.relic_twin`.
    ax : matplotlib Axes, optional
        Draw there (default: a new :class:`~matplotlib.figure.Figure`).
    title : str, optional
        Axes title.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = new_axes(ax)
    q = np.asarray(result.q)
    f = np.asarray(result.f_end)
    first = np.asarray(result.f_first_end)
    f38 = np.asarray(result.f38_end)
    top = float(np.nanmax(np.concatenate([q**2 * f, q**2 * f38])))
    floor = top * 1e-6
    ax.loglog(q, _positive(q**2 * f, floor), color="purple", lw=2, label="result")
    ax.loglog(q, _positive(q**2 * first, floor), color="red", lw=1.2, ls="--", label="Eq. (38) first term")
    ax.loglog(q, _positive(q**2 * (f38 - first), floor), color="blue", lw=1.2, ls="--",
              label="Eq. (38) second term (where > 0)")
    ax.set_ylim(floor, top * 3.0)
    ax.set_xlabel(r"comoving momentum $q$ [GeV]")
    ax.set_ylabel(r"$q^2 f_{\hat\nu}(q)$ [GeV$^2$]")
    if title:
        ax.set_title(title)
    ax.legend(frameon=False, fontsize=8)
    return fig


def plot_twin_yield(result, m_nu: float, *, ax=None, title: str | None = None):
    """Y(x) = Y_ν + Y_τ of the solution against Y^eq(x) (log-log), with x_CS, x_CA marked.

    Parameters
    ----------
    result : TwinRelicResult
        Single-point output of :func:`jaxrelic.solvers.twin_higgs.relic_twin`.
    m_nu : float
        ν̂ mass in GeV (x = m_ν/T for the freeze-out markers).
    ax : matplotlib Axes, optional
        Draw there (default: a new Figure).
    title : str, optional
        Axes title.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = new_axes(ax)
    x = np.asarray(result.x)
    Y = np.asarray(result.Y)
    floor = float(Y[-1]) * 1e-4
    ax.loglog(x, _positive(Y, floor), color="k", lw=2, label=r"$Y_{\hat\nu}+Y_{\hat\tau}$")
    ax.loglog(x, _positive(result.Y_eq, floor), color="grey", ls="--", lw=1, label=r"$Y^{\rm eq}$")
    for T, name, color in ((result.T_CS, r"$x_{C_S}$", "red"), (result.T_CA, r"$x_{C_A}$", "green")):
        ax.axvline(m_nu / float(T), color=color, lw=0.8, ls=":", label=name)
    ax.set_ylim(bottom=floor)
    ax.set_xlabel(r"$x = m_{\hat\nu}/T$")
    ax.set_ylabel(r"$Y = n/s$ (particles)")
    if title:
        ax.set_title(title)
    ax.legend(frameon=False, fontsize=8)
    return fig


def plot_twin(result, m_nu: float, *, title: str | None = None, path=None):
    """Two panels: q² f_ν(q) at the end (left) and Y(x) (right).

    Parameters
    ----------
    result : TwinRelicResult
        Single-point output of :func:`jaxrelic.solvers.twin_higgs.relic_twin`.
    m_nu : float
        ν̂ mass in GeV.
    title : str, optional
        Figure title.
    path : str or path-like, optional
        Save the figure there (format from the extension).

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig = Figure(figsize=(11.0, 4.2), layout="constrained")
    ax_f, ax_y = fig.subplots(1, 2)
    plot_twin_distribution(result, ax=ax_f)
    plot_twin_yield(result, m_nu, ax=ax_y)
    if title:
        fig.suptitle(title)
    if path is not None:
        fig.savefig(path, dpi=130)
    return fig
