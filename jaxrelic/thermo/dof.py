"""Effective degrees of freedom g_*(T), g_*s(T) of the plasma.

:class:`GStar` holds a tabulation of the Standard-Model g_*ρ(T) and g_*s(T)
(default: Saikawa & Shirai, JCAP 05 (2018) 035, arXiv:1803.01038, shipped as
package data) and, optionally, extra species in kinetic and chemical
equilibrium with the bath (e.g. the massive twin photon of arXiv:1805.12139),
whose contributions are computed exactly from their masses and statistics.

Interpolation is a natural cubic spline of ln g in ln T (smooth and
differentiable, so d ln g_*s / d ln T is the analytic derivative of the
spline).  **Outside the table** (default 1e-5 GeV ≤ T ≤ 1.47e6 GeV) the SM
values are held constant at their end values, with zero derivative: physically
correct below T ≈ 10 keV (after e⁺e⁻ annihilation) and a documented
approximation above 1e6 GeV.  :meth:`GStar.check_range` raises a clear error
for public entry points that want to forbid extrapolation.
"""

from __future__ import annotations

import importlib.resources


import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np

from ..numerics.interpolate import CubicSpline
from ..numerics.quadrature import gauss_laguerre

__all__ = ["GStar", "species_dof"]

_LAGUERRE_N = 48


def species_dof(x, g, fermion: bool):
    """(Δg_*ρ, Δg_*s) of one massive species (g internal dof) in equilibrium, x = m/T ≥ 0.

    Δg_*ρ = g 15/π⁴ ∫ du u² E/(e^E ∓ 1),
    Δg_*s = g 45/(4π⁴) ∫ du u² (E + u²/(3E))/(e^E ∓ 1),   E = √(u² + x²)
    (Kolb & Turner, *The Early Universe*, eqs. 3.61–3.62; the twin photon of arXiv:1805.12139 is g = 3, boson);
    ``fermion=True``: Fermi–Dirac (e^E + 1), else Bose–Einstein (e^E − 1). Massless limits: g (boson), 7g/8
    (fermion).
    """
    u, w = gauss_laguerre(_LAGUERRE_N)
    u = jnp.asarray(u)
    w = jnp.asarray(w)
    x = jnp.asarray(x, dtype=jnp.float64)[..., None]
    E = jnp.sqrt(u**2 + x**2)
    sign = 1.0 if fermion else -1.0
    # e^{u} / (e^{E} ± 1) = e^{u - E} / (1 ± e^{-E})
    occ = jnp.exp(u - E) / (1.0 + sign * jnp.exp(-E))
    g_rho = 15.0 / jnp.pi**4 * jnp.sum(w * u**2 * E * occ, axis=-1)
    g_s = 45.0 / (4.0 * jnp.pi**4) * jnp.sum(w * u**2 * (E + u**2 / (3.0 * E)) * occ, axis=-1)
    return g * g_rho, g * g_s


class GStar(eqx.Module):
    """g_*ρ(T) and g_*s(T): an SM table plus optional extra equilibrium species.

    Build with :meth:`saikawa_shirai` (default), :meth:`from_file` or
    :meth:`from_arrays`; add species with :meth:`with_species`.

    Attributes
    ----------
    ln_T : array
        Knots ln(T/GeV) of the SM table.
    spline : CubicSpline
        Natural cubic spline of (ln g_*ρ, ln g_*s) in ln T.
    extra_mass : array, shape (k,)
        Masses of extra species [GeV].
    extra_g : array, shape (k,)
        Their internal degrees of freedom.
    extra_fermion : tuple of bool (static)
        Their statistics.
    source : str (static)
        Provenance of the SM table.
    """

    ln_T: jax.Array
    spline: CubicSpline
    extra_mass: jax.Array
    extra_g: jax.Array
    extra_fermion: tuple = eqx.field(static=True, default=())
    source: str = eqx.field(static=True, default="")

    # ---- construction ----------------------------------------------------------
    @classmethod
    def from_arrays(cls, T, g_rho, g_s, source: str = "user arrays") -> "GStar":
        """Table from arrays of T [GeV] (increasing), g_*ρ and g_*s."""
        T = np.asarray(T, dtype=np.float64)
        g_rho = np.asarray(g_rho, dtype=np.float64)
        g_s = np.asarray(g_s, dtype=np.float64)
        if T.ndim != 1 or T.shape != g_rho.shape or T.shape != g_s.shape:
            raise ValueError("GStar.from_arrays: T, g_rho, g_s must be 1-D arrays of equal length")
        if np.any(np.diff(T) <= 0) or np.any(T <= 0):
            raise ValueError("GStar.from_arrays: T must be positive and strictly increasing")
        if np.any(g_rho <= 0) or np.any(g_s <= 0):
            raise ValueError("GStar.from_arrays: g_rho and g_s must be positive")
        ln_T = np.log(T)
        spline = CubicSpline(ln_T, np.stack([np.log(g_rho), np.log(g_s)], axis=1))
        return cls(
            ln_T=jnp.asarray(ln_T),
            spline=spline,
            extra_mass=jnp.zeros((0,)),
            extra_g=jnp.zeros((0,)),
            extra_fermion=(),
            source=source,
        )

    @classmethod
    def from_file(
        cls,
        path,
        *,
        T_col: int = 0,
        g_rho_col: int = 1,
        g_s_col: int = 2,
        T_unit: float = 1.0,
        log10_T: bool = False,
        delimiter: str | None = None,
        skiprows: int = 0,
        source: str | None = None,
    ) -> "GStar":
        """Load a whitespace-separated table (``#`` comments) of T, g_*ρ, g_*s.

        Parameters
        ----------
        path : str or path-like
            File to read.
        T_col, g_rho_col, g_s_col : int
            Zero-based column indices.
        T_unit : float
            Multiply T by this to get GeV (e.g. 1e-3 for a table in MeV).
        log10_T : bool
            The T column holds log10(T) (as in micrOMEGAs-style tables).
        delimiter : str, optional
            Column separator (default: whitespace; ``","`` for CSV files).
        skiprows : int
            Header lines to skip (besides ``#`` comments).
        source : str, optional
            Provenance label (default: the path).

        Examples
        --------
        hazma's ``smdof.dat`` (CSV: T [GeV], g_*^{1/2}, h_eff = g_*s, g_eff = g_*ρ)::

            GStar.from_file(path, delimiter=",", skiprows=1, T_col=0, g_rho_col=3, g_s_col=2)
        """
        data = np.loadtxt(path, comments="#", delimiter=delimiter, skiprows=skiprows)
        T = data[:, T_col]
        if log10_T:
            T = 10.0**T
        T = T * T_unit
        order = np.argsort(T)
        return cls.from_arrays(
            T[order],
            data[order, g_rho_col],
            data[order, g_s_col],
            source=str(path) if source is None else source,
        )

    @classmethod
    def saikawa_shirai(cls) -> "GStar":
        """Default SM table: Saikawa & Shirai (2018), arXiv:1803.01038 (package data)."""
        ref = importlib.resources.files("jaxrelic.thermo") / "data" / "g_star_saikawa_shirai.dat"
        with importlib.resources.as_file(ref) as p:
            return cls.from_file(
                p, T_col=0, g_rho_col=3, g_s_col=2, source="Saikawa & Shirai 2018 (arXiv:1803.01038)"
            )

    def with_species(self, mass, g, fermion: bool) -> "GStar":
        """Copy with one more species (mass [GeV], g dof, ``fermion`` statistics) in equilibrium with the bath.

        The mass may be a traced JAX value: g_* is then differentiable in it.
        """
        mass = jnp.reshape(jnp.asarray(mass, dtype=jnp.float64), (1,))
        g = jnp.reshape(jnp.asarray(g, dtype=jnp.float64), (1,))
        return GStar(
            ln_T=self.ln_T,
            spline=self.spline,
            extra_mass=jnp.concatenate([self.extra_mass, mass]),
            extra_g=jnp.concatenate([self.extra_g, g]),
            extra_fermion=self.extra_fermion + (bool(fermion),),
            source=self.source,
        )

    # ---- range ----------------------------------------------------------------------
    @property
    def T_min(self) -> float:
        """Lowest tabulated temperature [GeV]."""
        return float(np.exp(self.ln_T[0]))

    @property
    def T_max(self) -> float:
        """Highest tabulated temperature [GeV]."""
        return float(np.exp(self.ln_T[-1]))

    def check_range(self, T, name: str = "T") -> None:
        """Raise ``ValueError`` if a concrete temperature lies outside the table."""
        T = np.asarray(T, dtype=np.float64)
        lo, hi = self.T_min, self.T_max
        if not np.all(np.isfinite(T)) or np.any(T < lo * (1 - 1e-12)) or np.any(T > hi * (1 + 1e-12)):
            raise ValueError(
                f"{name} must lie within the g_* table range [{lo:.4g}, {hi:.4g}] GeV "
                f"({self.source}); got {T.min():.4g} … {T.max():.4g} GeV"
            )

    # ---- evaluation -------------------------------------------------------------------
    def _sm_ln(self, ln_T):
        ln_T = jnp.asarray(ln_T, dtype=jnp.float64)
        inside = (ln_T >= self.ln_T[0]) & (ln_T <= self.ln_T[-1])
        lt = jnp.clip(ln_T, self.ln_T[0], self.ln_T[-1])
        val, der = self.spline.value_and_derivative(lt)
        der = jnp.where(inside[..., None], der, 0.0)
        return val, der  # (..., 2): (ln g_rho, ln g_s) and d/dlnT

    def _extra(self, T):
        T = jnp.asarray(T, dtype=jnp.float64)
        g_rho = jnp.zeros_like(T)
        g_s = jnp.zeros_like(T)
        for k, fermion in enumerate(self.extra_fermion):
            dr, ds = species_dof(self.extra_mass[k] / T, self.extra_g[k], fermion)
            g_rho = g_rho + dr
            g_s = g_s + ds
        return g_rho, g_s

    def g_rho(self, T):
        """Energy-density dof g_*ρ(T) (T in GeV)."""
        return self.all(T)[0]

    def g_s(self, T):
        """Entropy dof g_*s(T) (T in GeV)."""
        return self.all(T)[1]

    def dln_gs_dln_T(self, T):
        """d ln g_*s / d ln T (enters dT/dt and the x-Jacobian of Boltzmann equations)."""
        return self.all(T)[2]

    def all(self, T):
        """(g_*ρ, g_*s, d ln g_*s/d ln T) at T [GeV] in one pass."""
        T = jnp.asarray(T, dtype=jnp.float64)
        ln_T = jnp.log(T)
        val, der = self._sm_ln(ln_T)
        g_rho_sm = jnp.exp(val[..., 0])
        g_s_sm = jnp.exp(val[..., 1])
        dgs_sm = g_s_sm * der[..., 1]  # d g_s / d ln T
        if not self.extra_fermion:
            return g_rho_sm, g_s_sm, der[..., 1]
        dr, ds = self._extra(T)
        _, d_ds = jax.jvp(lambda lt: self._extra(jnp.exp(lt))[1], (ln_T,), (jnp.ones_like(ln_T),))
        g_s = g_s_sm + ds
        return g_rho_sm + dr, g_s, (dgs_sm + d_ds) / g_s


def default_gstar() -> GStar:
    """The default table (Saikawa–Shirai), loaded once per call site."""
    return GStar.saikawa_shirai()


