"""Plot helpers shared by models and workflows (matplotlib object API only: no pyplot state,
no rcParams changes)."""

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
    """Y(x) of every species against Y_eq(x) (log-log), with x_f marked and Ω h² in the legend.

    The x axis ends 3× past the point where the total yield has settled to 0.1 % of its
    final value (at least 10 x_f), not at the end of the integration (x ~ 10⁷ at 100 GeV).

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
    omega = float(result.omega_h2)
    for i in range(Y.shape[1]):
        label = "$Y$" if Y.shape[1] == 1 else f"$Y_{i}$"
        (line,) = ax.loglog(x, np.where(Y[:, i] > floor, Y[:, i], np.nan), lw=2,
                            label=label + (rf" ($\Omega h^2 = {omega:.4g}$)" if Y.shape[1] == 1 else ""))
        ax.loglog(
            x,
            np.where(Yeq[:, i] > floor, Yeq[:, i], np.nan),
            ls="--",
            color=line.get_color(),
            lw=1,
            label=label[:-1] + r"^{\rm eq}$",
        )
    Ytot = np.sum(Y, axis=1)
    if Y.shape[1] > 1:
        ax.loglog(x, Ytot, color="k", lw=1.5, label=rf"$\sum_i Y_i$ ($\Omega h^2 = {omega:.4g}$)")
    x_f = float(result.x_f)
    ax.axvline(x_f, color="grey", lw=0.8, ls=":")
    ax.text(x_f, 0.97, r" $x_f$", color="grey", va="top", transform=ax.get_xaxis_transform())
    # right edge: 3x past the point where the total yield has settled to 0.1 % of its final value
    # (the solution runs to T ~ 10 keV, x ~ 1e7 at 100 GeV, where nothing happens any more)
    final = Ytot[-1]
    if np.isfinite(final) and final > 0:
        moving = np.flatnonzero(np.abs(Ytot / final - 1.0) > 1e-3)
        x_settled = x[min(moving[-1] + 1, x.size - 1)] if moving.size else x[0]
        right = min(float(x[-1]), max(3.0 * float(x_settled), 10.0 * x_f))
        ax.set_xlim(float(x[0]), right)
    ax.set_ylim(bottom=max(floor, float(final) * 1e-4))
    ax.set_xlabel(r"$x = m/T$")
    ax.set_ylabel(r"$Y = n/s$")
    ax.set_title(title or rf"$\Omega h^2 = {omega:.4g}$")
    ax.legend(frameon=False, fontsize=8, loc="best")
    if path is not None:
        fig.savefig(path, dpi=130)
    return fig
