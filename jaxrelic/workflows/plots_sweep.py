"""Plots of sweep files and sensitivity matrices (matplotlib object API only: no pyplot, no rcParams changes).

* :func:`plot_sweep` — a sweep file (xarray Dataset, see :mod:`jaxrelic.workflows.sweep`):
  for two grid parameters filled contours of log10(output/observed) with the
  observed value (Ω h² = 0.120, Y_B = 8.69e-11, η_B = 6.1e-10) drawn thick and
  labelled (seed Fig. 4 style); for one grid parameter the output against it with
  the observed value as a horizontal line.  Points whose ``status`` is not 0 are
  marked (× failed, · not run) and left out of the contours.
* :func:`plot_sensitivity` — grouped horizontal bars of a sensitivity matrix.

Evolution plots (Y(x), f(q), ξ(x), ΔY(x)) live in :mod:`~jaxrelic.workflows.plots`,
:mod:`~jaxrelic.models.twin_higgs.plots`, :mod:`~jaxrelic.models.cogenesis.plots`.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from .. import constants as c
from ..numerics.status import LATE_START, OUT_OF_DOMAIN, OUT_OF_RANGE
from .plots import new_axes
from ..interface.parameters import ParameterError

__all__ = ["observed_value", "load_sweep", "plot_sweep", "plot_sensitivity"]

_LABELS = {
    "omega_h2": r"\Omega h^2",
    "Y_B": "Y_B",
    "eta_B": r"\eta_B",
    "Y_chi": r"Y_\chi",
    "kappa_f": r"\kappa_f",
    "xi_final": r"\xi_\infty",
}


def observed_value(output: str):
    """Observed value an output is compared with (None if there is none).

    ``omega_h2`` and its parts → Ω_c h² = 0.120 (Planck 2018); ``Y_B`` → 8.69e-11;
    ``eta_B`` → 6.1e-10.
    """
    if output.startswith("omega_h2"):
        return c.OMEGA_C_H2
    return {"Y_B": c.Y_B_OBS, "eta_B": c.ETA_B_OBS}.get(output)


def _tex(name: str) -> str:
    return _LABELS.get(name, name.replace("_", r"\_"))


def load_sweep(path_or_dataset):
    """An in-memory xarray Dataset from a sweep file path (h5netcdf) or a Dataset (returned as is).

    Raises
    ------
    FileNotFoundError
        The path does not exist.
    ParameterError
        The file is not a readable sweep file.
    """
    import xarray as xr

    if isinstance(path_or_dataset, xr.Dataset):
        return path_or_dataset
    path = Path(path_or_dataset)
    if not path.is_file():
        raise FileNotFoundError(f"sweep file {str(path)!r} not found")
    from .sweep_io import open_dataset

    try:
        return open_dataset(path)
    except (OSError, ValueError) as e:
        raise ParameterError(f"cannot read sweep file {str(path)!r} (expected a netCDF4/HDF5 file "
                             f"written by `jaxrelic scan`): {e}") from None


def _grid_info(ds) -> dict:
    """name → log-spaced? from the ``grid`` attribute (or the coordinates if absent)."""
    info = {}
    try:
        for g in json.loads(ds.attrs.get("grid", "[]")):
            info[g["name"]] = bool(g.get("log", False))
    except (TypeError, ValueError, KeyError):
        info = {}
    return info


def _is_log(ds, dim, info) -> bool:
    if dim in info:
        return info[dim]
    v = np.asarray(ds[dim].values, dtype=float)
    if v.size < 3 or np.any(v <= 0):
        return False
    r = v[1:] / v[:-1]
    return bool(np.allclose(r, r[0], rtol=1e-6) and not np.isclose(r[0], 1.0))


def _float_outputs(ds) -> list:
    return [k for k, v in ds.data_vars.items() if np.issubdtype(v.dtype, np.floating) and k not in ("chunk_done",)]


def plot_sweep(path_or_dataset, output: str = "omega_h2", *, ax=None, path=None, title: str | None = None):
    """Sweep file → contour (2 grid parameters) or line (1 grid parameter) plot of ``output``.

    Parameters
    ----------
    path_or_dataset : str, path-like or xarray.Dataset
        Sweep file (read with ``engine="h5netcdf"``) or the Dataset itself: one
        dimension per grid parameter, float outputs (NaN = not computed) and an
        int ``status`` (−1 not run, 0 success, > 0 failure code).
    output : str
        Data variable to plot.  With an observed value (:func:`observed_value`) a
        2-D sweep shows log10(output/observed) with the contour output = observed
        thick and labelled; otherwise log10|output|.
    ax : matplotlib Axes, optional
        Draw there (default: a new Figure).
    path : str or path-like, optional
        Save the figure there (format from the extension).
    title : str, optional
        Axes title (default: model name and fixed parameters).

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ParameterError
        ``output`` is not a float variable of the file (the message lists them), or the
        sweep has more than two grid dimensions of size > 1.
    """
    ds = load_sweep(path_or_dataset)
    floats = _float_outputs(ds)
    if output not in floats:
        raise ParameterError(f"output {output!r} not in the sweep file; allowed: {', '.join(floats) or '(none)'}")
    da = ds[output]
    dims = [d for d in da.dims if da.sizes[d] > 1]
    if not dims or len(dims) > 2:
        raise ParameterError(f"plot_sweep needs 1 or 2 grid parameters with more than one value, "
                             f"got {dict(da.sizes)}")
    da = da.squeeze([d for d in da.dims if d not in dims])
    status = ds["status"].squeeze([d for d in ds["status"].dims if d not in dims]) if "status" in ds else None
    info = _grid_info(ds)
    target = observed_value(output)
    fig, ax = new_axes(ax, figsize=(6.2, 4.8) if len(dims) == 2 else (6.0, 4.2))
    label = _tex(output)
    if len(dims) == 1:
        _line(ax, ds, da, status, dims[0], info, target, label)
    else:
        _contours(fig, ax, ds, da, status, dims, info, target, label)
    ax.set_title(title if title is not None else _default_title(ds), fontsize=9)
    if path is not None:
        fig.savefig(path, dpi=130)
    return fig


def _default_title(ds) -> str:
    model = ds.attrs.get("model", "")
    try:
        fixed = json.loads(ds.attrs.get("fixed", "{}"))
    except ValueError:
        fixed = {}
    shown = ", ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}"
                      for k, v in list(fixed.items())[:6] if k not in ds.dims)
    return f"{model}: {shown}" if shown else str(model)


def _status_masks(status, shape):
    if status is None:
        return np.zeros(shape, bool), np.zeros(shape, bool)
    s = np.asarray(status.values)
    return s > 0, s < 0


def _line(ax, ds, da, status, dim, info, target, label):
    x = np.asarray(ds[dim].values, dtype=float)
    y = np.asarray(da.values, dtype=float)
    failed, not_run = _status_masks(status, y.shape)
    good = ~failed & ~not_run & np.isfinite(y)
    y_plot = np.where(good, np.abs(y), np.nan)
    ax.plot(x, y_plot, color="k", lw=1.8, marker="." if x.size <= 30 else None, label=rf"${label}$")
    if target is not None:
        ax.axhline(target, color="C3", lw=2.0, ls="--", label=rf"${{{label}}}^{{\rm obs}} = {target:.3g}$")
    if np.any(good) and np.all(y_plot[good] > 0):
        ax.set_yscale("log")
    if _is_log(ds, dim, info):
        ax.set_xscale("log")
    ymark = np.nanmin(y_plot) if np.any(good) else (target if target is not None else 1.0)
    if np.any(failed):
        ax.plot(x[failed], np.full(failed.sum(), ymark), "x", color="C3", ms=7, label="solver failed")
    if np.any(not_run):
        ax.plot(x[not_run], np.full(not_run.sum(), ymark), ".", color="grey", ms=5, label="not run")
    ax.set_xlabel(dim)
    ax.set_ylabel(rf"$|{label}|$" if np.any(y[good] < 0) else rf"${label}$")
    ax.legend(frameon=False, fontsize=8)


def _contours(fig, ax, ds, da, status, dims, info, target, label):
    xd, yd = dims
    da = da.transpose(yd, xd)
    if status is not None:
        status = status.transpose(yd, xd)
    x = np.asarray(ds[xd].values, dtype=float)
    y = np.asarray(ds[yd].values, dtype=float)
    z = np.asarray(da.values, dtype=float)
    failed, not_run = _status_masks(status, z.shape)
    good = ~failed & ~not_run & np.isfinite(z) & (z != 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        lz = np.log10(np.abs(z) / (target if target is not None else 1.0))
    lz = np.ma.masked_where(~good, lz)
    zlabel = (rf"$\log_{{10}}({label}/{{{label}}}^{{\rm obs}})$" if target is not None
              else rf"$\log_{{10}}|{label}|$")
    if np.any(good):
        from matplotlib.ticker import MaxNLocator

        lo, hi = float(lz.min()), float(lz.max())
        if hi - lo < 1e-12:
            lo, hi = lo - 0.5, hi + 0.5
        # round level values (so the colour-bar ticks are round numbers) covering [lo, hi]
        levels = MaxNLocator(nbins=20).tick_values(lo, hi)
        if target is not None and lo < 0.0 < hi:
            span = max(-lo, hi)
            levels = MaxNLocator(nbins=20, symmetric=True).tick_values(-span, span)
            cmap = "RdBu_r"
        else:
            cmap = "viridis"
        filled = ax.contourf(x, y, lz, levels=levels, cmap=cmap, extend="neither")
        cbar = fig.colorbar(filled, ax=ax, label=zlabel)
        cbar.locator = MaxNLocator(nbins=8, steps=[1, 2, 2.5, 5, 10])
        cbar.update_ticks()
        if target is not None and lo < 0.0 < hi:
            line = ax.contour(x, y, lz, levels=[0.0], colors="k", linewidths=2.5)
            # not inline: the labelled line keeps its full geometry (a white box keeps the text legible)
            for text in ax.clabel(line, fmt={0.0: rf"${label} = {target:.3g}$"}, fontsize=8, inline=False):
                text.set_bbox({"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 1.0})
        elif target is not None:
            ax.text(0.02, 0.02, rf"${label} = {target:.3g}$ not reached in this range",
                    transform=ax.transAxes, fontsize=8)
    X, Y = np.meshgrid(x, y)
    flagged = (failed & np.isin(np.asarray(status.values), (OUT_OF_RANGE, LATE_START, OUT_OF_DOMAIN))
               if status is not None else failed)
    failed = failed & ~flagged
    if np.any(failed):
        ax.plot(X[failed], Y[failed], "x", color="k", ms=6, label="solver failed", clip_on=False)
    if np.any(flagged):
        ax.plot(X[flagged], Y[flagged], "+", color="dimgrey", ms=5, label="outside validity domain", clip_on=False)
    if np.any(not_run):
        ax.plot(X[not_run], Y[not_run], ".", color="grey", ms=4, label="not run", clip_on=False)
    if _is_log(ds, xd, info):
        ax.set_xscale("log")
    if _is_log(ds, yd, info):
        ax.set_yscale("log")
    ax.set_xlabel(xd)
    ax.set_ylabel(yd)
    if ds.attrs.get("model") == "twin-higgs":
        from ..models.twin_higgs.plots import overlay_twin_sweep

        overlay_twin_sweep(ax, ds, xd, yd)
    if ax.get_legend_handles_labels()[0]:
        # below the axes: a legend never covers data
        ax.legend(frameon=False, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=2)


def plot_sensitivity(result, *, ax=None, path=None, title: str | None = None):
    """Grouped horizontal bars of a sensitivity matrix (one group per parameter, one bar per output).

    Parameters
    ----------
    result : SensitivityResult or dict
        Single-point result of :func:`jaxrelic.workflows.sensitivity.sensitivity`, or its
        ``as_dict()`` form (the JSON of ``jaxrelic sensitivity --json``).
    ax : matplotlib Axes, optional
        Draw there (default: a new Figure whose height grows with the number of bars).
    path : str or path-like, optional
        Save the figure there.
    title : str, optional
        Axes title (default: model and status).

    Returns
    -------
    matplotlib.figure.Figure

    Notes
    -----
    Every bar is the number of the JSON (``as_dict()["matrix"]``), with the
    definition of its column (``"kinds"``): solid bars ∂ln|O|/∂ln|p| (``dln/dln``),
    hatched bars ∂ln|O|/∂p per unit of p (``dln/d``: phases per radian, parameters
    at p = 0); the legend says so.  The axis range is set by the ``dln/dln`` and
    phase entries; a longer bar (e.g. ∂ln Ω/∂b ≈ −6e24 per cm³/s at b = 0) is cut
    at the axis edge and marked "▸" (or "◂") in its value label.  Each bar is labelled with
    its value to 3 digits; null/NaN entries (failed solve, no derivative) have no
    bar and read "n/a".
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    d = result.as_dict() if hasattr(result, "as_dict") else dict(result)
    outputs = list(d["matrix"])
    params = list(d["kinds"])
    M = np.array([[np.nan if d["matrix"][o][p] is None else float(d["matrix"][o][p]) for p in params]
                  for o in outputs])
    n_out, n_par = M.shape
    per_unit = np.array([d["kinds"][p] == "dln/d" for p in params])
    ticks = [f"{p}  (∂/∂p)" if u else p for p, u in zip(params, per_unit)]
    # the axis range: dimensionless entries (dln/dln, and phases, per radian)
    scaled = ~per_unit | np.array([p.endswith("_arg") for p in params])
    finite = np.isfinite(M)
    ref = np.abs(M[:, scaled][finite[:, scaled]])
    lim = float(ref.max()) if ref.size and ref.max() > 0 else 0.0
    if lim == 0.0:
        everything = np.abs(M[finite])
        lim = float(everything.max()) if everything.size and everything.max() > 0 else 1.0
    lim *= 1.1
    bar_in, gap_in = 0.15, 0.15  # inches per bar and between parameter groups
    height = 1.5 + 0.3 * ((n_out + 2 + 2) // 3) + n_par * (bar_in * n_out + gap_in)
    own = ax is None
    fig, ax = new_axes(ax, figsize=(7.0, max(2.8, height)))
    height_bar = 0.8 / n_out
    ypos = np.arange(n_par)[::-1].astype(float)
    cut = False
    for i, o in enumerate(outputs):
        yy = ypos + 0.4 - height_bar * (i + 0.5)
        vals = M[i]
        width = np.where(np.isfinite(vals), np.clip(vals, -lim, lim), 0.0)
        bars = ax.barh(yy, width, height=height_bar * 0.9, color=f"C{i}", label=rf"${_tex(o)}$",
                       edgecolor="k", linewidth=0.3)
        for bar, hatched, v in zip(bars, per_unit, vals):
            if hatched:
                bar.set_hatch("///")
            if not np.isfinite(v):
                bar.set_visible(False)
        for y_, w, v in zip(yy, width, vals):
            clipped = bool(np.isfinite(v) and abs(v) > lim)
            cut |= clipped
            mark = ("◂" if v < 0 else "▸") if clipped else ""
            text = (" n/a" if not np.isfinite(v) else f" {mark}{v:.3g} " if v < 0 else f" {v:.3g}{mark} ")
            ax.text(w, y_, text, va="center", ha="right" if w < 0 else "left", fontsize=6.5, clip_on=False)
    ax.set_yticks(ypos)
    ax.set_yticklabels(ticks, fontsize=8)
    ax.set_ylim(-0.6, n_par - 0.4)
    ax.axvline(0.0, color="k", lw=0.8)
    ax.set_xlim(-1.45 * lim, 1.45 * lim)
    ax.tick_params(axis="x", labelsize=8)
    ax.set_xlabel(r"sensitivity: solid $\partial\ln|O|/\partial\ln|p|$,   hatched $\partial\ln|O|/\partial p$",
                  fontsize=9)
    status = d.get("status", "")
    ax.set_title(title if title is not None else f"{d.get('model', '')} sensitivities ({status})", fontsize=9)
    handles, labels = ax.get_legend_handles_labels()
    handles += [Patch(facecolor="white", edgecolor="k", label=r"solid: $\partial\ln|O|/\partial\ln|p|$")]
    if per_unit.any():
        handles += [Patch(facecolor="white", edgecolor="k", hatch="///",
                          label=r"hatched: $\partial\ln|O|/\partial p$ per unit $p$ (phases: per rad; $p=0$)")]
    if cut:
        handles += [Line2D([], [], linestyle="none",
                           label=f"◂ ▸ bar cut at ±{lim:.3g}; its label gives the value")]
    if own:  # below the axes, outside (constrained layout makes room)
        fig.legend(handles=handles, fontsize=7, frameon=False, loc="outside lower center", ncol=3)
    else:
        ax.legend(handles=handles, fontsize=7, frameon=False)
    if path is not None:
        fig.savefig(path, dpi=130)
    return fig
