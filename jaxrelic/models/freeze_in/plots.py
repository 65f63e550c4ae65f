"""Plot of a freeze-in solution (matplotlib object API only: no pyplot state, no rcParams)."""

from __future__ import annotations

import numpy as np

from ...interface.plotting import new_axes

__all__ = ["plot_freeze_in"]


def plot_freeze_in(result, out: dict, m_dm: float, path) -> None:
    """Y_χ(T) against Y_χ^eq(T) and the constant-g_* analytic yield."""
    import numpy as np

    res = result
    m = m_dm
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
