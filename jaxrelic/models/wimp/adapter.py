"""Workflow adapter of the WIMP (``jaxrelic relic wimp``, fit, scan, sensitivity)."""

from __future__ import annotations

from ...interface.adapter import NetworkAdapter
from .model import PARAMETERS, WIMP

__all__ = ["ADAPTER"]


class WIMPAdapter(NetworkAdapter):
    """:class:`~jaxrelic.interface.adapter.NetworkAdapter` of :class:`WIMP` with its own notes and plot."""

    def summary(self, p, result, background=None) -> dict:
        out = super().summary(p, result, background)
        if out["notes"] and p["statistics"] == "MB":
            out["notes"][0] += ("; statistics=MB: a fermion (statistics=FD) has a 0.90x and a boson (BE) a 1.20x "
                                "smaller/larger relativistic yield")
        return out

    def plot(self, p, result, summary, path) -> None:
        from ...interface.plotting import plot_yield

        if p["b"]:  # σv = a + b v²
            xs = rf"$a={p['sigma_v']:.3g}$, $b={p['b']:.3g}$ cm$^3$/s"
        else:
            xs = rf"$\langle\sigma v\rangle={p['sigma_v']:.3g}$ cm$^3$/s"
        plot_yield(result, title=rf"WIMP $m={p['mass']:g}$ GeV, {xs}: $\Omega h^2={summary['omega_h2']:.4g}$",
                   path=path)


ADAPTER = WIMPAdapter(
    "wimp", WIMP, PARAMETERS,
    "thermal relic with σv = a + b v² (number-density Boltzmann equation; sigma_v=0, b>0: pure p-wave)",
)
