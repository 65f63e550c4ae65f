"""Plots of the twin-neutrino relic solution (matplotlib object API only: no pyplot, no rcParams)."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from ...interface.plotting import new_axes

__all__ = ["plot_twin_distribution", "plot_twin_yield", "plot_twin", "overlay_twin_sweep", "TWIN_AXIS_LABELS"]


def _positive(y, floor):
    y = np.asarray(y, dtype=float)
    return np.where(y > floor, y, np.nan)


def plot_twin_distribution(result, *, ax=None, title: str | None = None):
    """q² f_ν(q) at the end of the evolution, with the two terms of Eq. (38).

    Parameters
    ----------
    result : TwinRelicResult
        Single-point output of :func:`jaxrelic.models.twin_higgs.solver.relic_twin`.
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
        Single-point output of :func:`jaxrelic.models.twin_higgs.solver.relic_twin`.
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
        Single-point output of :func:`jaxrelic.models.twin_higgs.solver.relic_twin`.
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


# ----------------------------------------------------------------------------- sweep overlay
#: Axis labels of twin sweep parameters (θ₁ in rad, masses in GeV).
TWIN_AXIS_LABELS = {
    "r": r"$r = m_{\hat\gamma}/m_{\hat\nu}$",
    "theta1": r"$\theta_1$ (rad)",
    "delta": r"$\Delta = (m_{\hat\tau} - m_{\hat\nu})/m_{\hat\nu}$",
    "m_nu": r"$m_{\hat\nu}$ (GeV)",
    "x0": r"$x_0 = m_{\hat\nu}/T_0$",
    "x_end": r"$x_{\rm end} = m_{\hat\nu}/T_{\rm end}$",
}


def _region_anchor(x, y, mask, xlog, ylog):
    """A point inside the region ``mask`` (indexed [iy, ix]): the region node nearest to its centroid."""
    iy, ix = np.nonzero(mask)
    fx = np.log(x[ix]) if xlog else x[ix]
    fy = np.log(y[iy]) if ylog else y[iy]
    cx, cy = fx.mean(), fy.mean()
    sx = np.ptp(fx) or 1.0
    sy = np.ptp(fy) or 1.0
    k = int(np.argmin(((fx - cx) / sx) ** 2 + ((fy - cy) / sy) ** 2))
    return x[ix[k]], y[iy[k]]


def _cell_edges(v, log):
    """Lower and upper edges of the grid cells around the nodes ``v`` (midpoints, geometric
    on a log axis; the outer edges are the first and last node)."""
    mid = np.sqrt(v[1:] * v[:-1]) if log else 0.5 * (v[1:] + v[:-1])
    return np.r_[v[0], mid], np.r_[mid, v[-1]], mid


def _phase_edges(x, y, phase, xlog, ylog) -> list:
    """Segments between neighbouring grid nodes of different (valid, ≥ 0) phase.

    ``phase`` is indexed [iy, ix].  A boundary is drawn on the cell edge half-way
    between the two nodes, so it follows the grid (no interpolation of a label).
    """
    xlo, xhi, xmid = _cell_edges(x, xlog)
    ylo, yhi, ymid = _cell_edges(y, ylog)
    seg = []
    diff_x = (phase[:, 1:] != phase[:, :-1]) & (phase[:, 1:] >= 0) & (phase[:, :-1] >= 0)
    for i, j in zip(*np.nonzero(diff_x)):
        seg.append([(xmid[j], ylo[i]), (xmid[j], yhi[i])])
    diff_y = (phase[1:, :] != phase[:-1, :]) & (phase[1:, :] >= 0) & (phase[:-1, :] >= 0)
    for i, j in zip(*np.nonzero(diff_y)):
        seg.append([(xlo[j], ymid[i]), (xhi[j], ymid[i])])
    return seg


def overlay_twin_sweep(ax, ds, xd: str, yd: str) -> dict:
    """Twin-Higgs decorations of a 2-D sweep contour plot (``jaxrelic plot twin.nc``).

    Draws, on the axes of :func:`~jaxrelic.workflows.plots_sweep.plot_sweep`:

    * the boundaries of the phases of §6.1 (``phase`` variable of the sweep, an
      index into :data:`~jaxrelic.models.twin_higgs.solver.PHASES`) as thin dotted
      lines on the cell edges between grid points of different phase (points
      with a non-success status are left out), each region labelled with its
      phase name;
    * the kinematic line r = Δ (m_τ̂ = m_ν̂ + m_γ̂): for r < Δ the decay
      τ̂ → ν̂ γ̂ and its inverse are open (the "decay-open" phase);
    * the edge of the validity domain r = 1 + Δ (m_γ̂ = m_τ̂,
      docs/physics/twin_domain.md), when it lies inside the plotted range.

    Δ is read from the sweep axis ``delta`` or from the fixed parameters
    (``ds.attrs["fixed"]``).  Axis labels are set from :data:`TWIN_AXIS_LABELS`.

    Returns
    -------
    dict
        ``"phase_boundaries"``: list with one LineCollection, ``"phase_labels"``: list of
        Text, ``"r_equals_delta"`` / ``"r_equals_1_plus_delta"``: Line2D or None.
    """
    import json

    from .solver import PHASES

    out = {"phase_boundaries": [], "phase_labels": [], "r_equals_delta": None, "r_equals_1_plus_delta": None}
    x = np.asarray(ds[xd].values, dtype=float)
    y = np.asarray(ds[yd].values, dtype=float)
    xlog, ylog = ax.get_xscale() == "log", ax.get_yscale() == "log"
    if "phase" in ds:
        phase = np.asarray(ds["phase"].transpose(yd, xd).values)
        if "status" in ds:
            phase = np.where(np.asarray(ds["status"].transpose(yd, xd).values) == 0, phase, -1)
        present = [k for k in range(len(PHASES)) if np.any(phase == k)]
        segments = _phase_edges(x, y, phase, xlog, ylog)
        if segments:
            from matplotlib.collections import LineCollection

            coll = LineCollection(segments, colors="k", linewidths=0.9, linestyles=":", label="_phase boundaries")
            ax.add_collection(coll, autolim=False)
            out["phase_boundaries"].append(coll)
        for k in present:
            px, py = _region_anchor(x, y, phase == k, xlog, ylog)
            t = ax.text(px, py, PHASES[k], fontsize=7, ha="center", va="center")
            t.set_bbox({"facecolor": "white", "edgecolor": "none", "alpha": 0.6, "pad": 0.8})
            out["phase_labels"].append(t)
    try:
        fixed = json.loads(ds.attrs.get("fixed", "{}"))
    except ValueError:
        fixed = {}

    def line(offset, **kw):
        if "r" not in (xd, yd):
            return None
        other = yd if xd == "r" else xd
        if other == "delta":  # r = Δ + offset along the Δ axis
            d = np.asarray(ds["delta"].values, dtype=float)
            r = d + offset
            lo, hi = float(np.min(ds["r"])), float(np.max(ds["r"]))
            keep = (r >= lo) & (r <= hi)
            if not np.any(keep):
                return None
            xs, ys = (r[keep], d[keep]) if xd == "r" else (d[keep], r[keep])
            return ax.plot(xs, ys, **kw)[0]
        if "delta" not in fixed:
            return None
        r0 = float(fixed["delta"]) + offset
        rs = np.asarray(ds["r"].values, dtype=float)
        if not rs.min() <= r0 <= rs.max():
            return None
        return (ax.axvline if xd == "r" else ax.axhline)(r0, **kw)

    out["r_equals_delta"] = line(0.0, color="C3", lw=1.6, ls="--",
                                 label=r"$r = \Delta$ ($\hat\tau\to\hat\nu\hat\gamma$ open for $r<\Delta$)")
    out["r_equals_1_plus_delta"] = line(1.0, color="grey", lw=1.6, ls="-.",
                                        label=r"$r = 1+\Delta$ (edge of validity domain)")
    ax.set_xlabel(TWIN_AXIS_LABELS.get(xd, xd))
    ax.set_ylabel(TWIN_AXIS_LABELS.get(yd, yd))
    return out
