"""Plots (matplotlib object API only: no pyplot state, no rcParams changes)."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

__all__ = ["new_axes", "plot_yield"]


def new_axes(ax=None, figsize=(6.0, 4.2)):
    """The figure and axes to draw into: ``ax`` and its figure, or a new single-axes Figure.

    Parameters
    ----------
    ax : matplotlib Axes, optional
        Existing axes (returned unchanged with ``ax.figure``).
    figsize : tuple of float
        Size in inches of the new :class:`~matplotlib.figure.Figure` (constrained layout)
        made when ``ax`` is None.

    Returns
    -------
    fig : matplotlib.figure.Figure
    ax : matplotlib.axes.Axes
    """
    if ax is not None:
        return ax.figure, ax
    fig = Figure(figsize=figsize, layout="constrained")
    return fig, fig.add_subplot()


def plot_yield(result, *, title: str | None = None, path=None, ax=None):
    """Y(x) of every species against Y_eq(x) (log-log), with x_f marked.

    Parameters
    ----------
    result : RelicResult
        Output of :func:`jaxrelic.relic_density` (single point).
    title : str, optional
        Axes title.
    path : str or path-like, optional
        Save the figure there (PNG, PDF, … by extension).
    ax : matplotlib Axes, optional
        Draw into an existing axes instead of a new figure.

    Returns
    -------
    matplotlib.figure.Figure
    """
    x = np.asarray(result.x)
    Y = np.asarray(result.Y).reshape(x.shape[0], -1)
    Yeq = np.asarray(result.Y_eq).reshape(x.shape[0], -1)
    fig, ax = new_axes(ax)
    floor = max(float(np.min(Y[Y > 0])) * 1e-3, 1e-40) if np.any(Y > 0) else 1e-40
    for i in range(Y.shape[1]):
        label = "Y" if Y.shape[1] == 1 else f"Y_{i}"
        (line,) = ax.loglog(x, np.where(Y[:, i] > floor, Y[:, i], np.nan), lw=2, label=label)
        ax.loglog(
            x,
            np.where(Yeq[:, i] > floor, Yeq[:, i], np.nan),
            ls="--",
            color=line.get_color(),
            lw=1,
            label=label + r"$^{\rm eq}$",
        )
    if Y.shape[1] > 1:
        ax.loglog(x, np.sum(Y, axis=1), color="k", lw=1.5, label=r"$\sum_i Y_i$")
    ax.axvline(float(result.x_f), color="grey", lw=0.8, ls=":")
    ax.text(float(result.x_f), ax.get_ylim()[0] * 10, r" $x_f$", color="grey")
    ax.set_ylim(bottom=max(floor, float(np.sum(Y[-1])) * 1e-4))
    ax.set_xlabel(r"$x = m/T$")
    ax.set_ylabel(r"$Y = n/s$")
    ax.set_title(title or rf"$\Omega h^2 = {float(result.omega_h2):.4g}$")
    ax.legend(frameon=False, fontsize=8)
    if path is not None:
        fig.savefig(path, dpi=130)
    return fig
