"""Plots (matplotlib object API only: no pyplot state, no rcParams changes)."""

from __future__ import annotations

from importlib import resources

import numpy as np
from matplotlib.figure import Figure

from ..interface.plotting import new_axes, plot_yield

__all__ = ["new_axes", "plot_yield", "steigman2012", "plot_relic_curve"]

#: Ω h² of the Steigman–Dasgupta–Beacom (2012) curve (their Fig. 5, arXiv:1204.3622).
STEIGMAN2012_OMEGA_H2 = 0.11


def steigman2012():
    """The thermal-relic ⟨σv⟩(m) of Steigman, Dasgupta & Beacom (2012), arXiv:1204.3622, Fig. 5.

    s-wave, self-conjugate (Majorana) WIMP, Ω h² = 0.11 (``STEIGMAN2012_OMEGA_H2``); the
    numerical-solution curve digitised from the printed figure (provenance, digitisations
    and their agreement: the header of ``jaxrelic/data/steigman2012.csv``).

    Returns
    -------
    mass : ndarray
        WIMP mass [GeV], 0.1 … 10⁴.
    sigma_v : ndarray
        ⟨σv⟩ [cm³/s] giving Ω h² = 0.11.
    rel_unc : ndarray
        1σ relative digitisation uncertainty (0.03, 0.04 on the 3–6 GeV QCD edge).
    """
    text = resources.files("jaxrelic").joinpath("data/steigman2012.csv").read_text()
    rows = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    table = np.array([[float(v) for v in ln.split(",")[:3]] for ln in rows])
    return table[:, 0], table[:, 1], table[:, 2]


def plot_relic_curve(mass, sigma_v, *, omega_h2=0.12, status=None, title=None, path=None, ax=None):
    """⟨σv⟩ giving Ω h² = ``omega_h2`` against mass, compared with Steigman–Dasgupta–Beacom 2012.

    The published curve is for Ω h² = 0.11; it is drawn rescaled to ``omega_h2`` with
    ⟨σv⟩ ∝ 1/Ω h² (exact up to the logarithmic growth of x_f, ≲ 1 % for a 9 % change in Ω),
    with its digitisation band.  Without ``ax`` the figure has a second panel with the
    ratio jaxrelic / SDB.  Points with ``status != 0`` are marked with red crosses.

    Parameters
    ----------
    mass, sigma_v : array_like
        Masses [GeV] and the ⟨σv⟩ [cm³/s] found for them.
    omega_h2 : float
        Relic density the curve was solved for (Planck 2018: 0.120).
    status : array_like of int, optional
        Solver status per mass (0 = success).
    title : str, optional
        Axes title.
    path : str or path-like, optional
        Save the figure there.
    ax : matplotlib Axes, optional
        Draw the main panel into an existing axes (no ratio panel).

    Returns
    -------
    matplotlib.figure.Figure
    """
    mass = np.asarray(mass, dtype=float)
    sv = np.asarray(sigma_v, dtype=float)
    m_sdb, sv_sdb, unc = steigman2012()
    scale = STEIGMAN2012_OMEGA_H2 / omega_h2
    ref = sv_sdb * scale
    if ax is None:
        fig = Figure(figsize=(6.0, 5.2), layout="constrained")
        ax, rax = fig.subplots(2, 1, sharex=True, height_ratios=(3, 1.2))
    else:
        fig, rax = ax.figure, None
    ax.fill_between(m_sdb, ref * (1 - unc) / 1e-26, ref * (1 + unc) / 1e-26, color="0.85", lw=0,
                    label="SDB digitisation band (1σ)")
    ax.semilogx(m_sdb, ref / 1e-26, color="k", ls="--", lw=1.2,
                label=rf"Steigman, Dasgupta & Beacom 2012 (SDB) $\times\,{STEIGMAN2012_OMEGA_H2}/{omega_h2:g}$")
    ok = np.ones(mass.shape, bool) if status is None else np.asarray(status) == 0
    ax.semilogx(mass, np.where(ok, sv, np.nan) / 1e-26, color="C0", lw=2, marker="o", ms=3,
                label=rf"jaxrelic, $\Omega h^2 = {omega_h2:g}$")
    if not ok.all():
        ax.plot(mass[~ok], sv[~ok] / 1e-26, "x", color="red", ms=7, label="solver failed")
    ax.set_ylabel(r"$\langle\sigma v\rangle$ [$10^{-26}$ cm$^3$ s$^{-1}$]")
    ax.set_title(title or r"Thermal-relic cross section (s-wave, Majorana)")
    ax.set_ylim(bottom=0.0)
    ax.legend(frameon=False, fontsize=8, loc="best")
    if rax is None:
        ax.set_xlabel(r"$m_\chi$ [GeV]")
    else:
        ratio = sv / np.exp(np.interp(np.log(mass), np.log(m_sdb), np.log(ref), left=np.nan, right=np.nan))
        band = np.interp(np.log(mass), np.log(m_sdb), unc)
        rax.fill_between(mass, 1 - band, 1 + band, color="0.85", lw=0)
        rax.axhline(1.0, color="k", ls="--", lw=1)
        rax.semilogx(mass, np.where(ok, ratio, np.nan), color="C0", lw=2, marker="o", ms=3)
        rax.set_ylabel("jaxrelic / SDB")
        rax.set_xlabel(r"$m_\chi$ [GeV]")
    if path is not None:
        fig.savefig(path, dpi=130)
    return fig
