r"""Background and comoving-momentum grid for the twin-neutrino momentum equation.

The unintegrated Boltzmann equation of arXiv:1805.12139 (Eqs. (34)-(38)) is
solved at fixed comoving momentum q = p a on a uniform grid in ln a
(``docs/physics/twin_model.md`` §4.1, §8):

* scale factor normalised by entropy conservation,
  a(T) = [g_*s(T_ref)/g_*s(T)]^{1/3} (T_ref/T), T_ref = m_ν/x_ref (default
  x_ref = 20, so q = p at x = 20);
* ln a uniform from x₀ = m_ν/T₀ (≈ 5) to x_end (≈ 200-400); T(ln a) from
  :meth:`jaxrelic.thermo.Background.temperature`;
* H, s, 1 + δ (δ = (1/3) d ln g_*s/d ln T) from :meth:`Background.state`,
  d ln T/d ln a = −1/(1 + δ);
* q log-spaced in [q_min, q_max] m_ν (defaults 1e-3 and 5, N_q ≥ 100).

Optionally the massive twin photon (g = 3, Bose–Einstein, in equilibrium with
the SM bath) is added to g_* and g_*s with
:meth:`jaxrelic.thermo.GStar.with_species` (§4.1; the [N] numbers of
twin_model.md exclude it).  Note: those [N] values use a micrOMEGAs-like SM g_*
table, jaxrelic ships Saikawa–Shirai (2018); H and s differ accordingly
(≲ 1 % at 10-200 MeV, see docs/physics/twin_collision_operators.md).

:class:`TwinGrid` has static shapes (n_a, n_q are Python ints), so it can be
built inside ``jit`` and ``vmap`` over model parameters.
"""

from __future__ import annotations

import equinox as eqx
import jax.numpy as jnp
from jax import Array

from ...thermo import Background
from .model import TwinHiggs
from .thermal import G_GAMMA, G_NU

__all__ = ["TwinGrid", "make_grid"]


class TwinGrid(eqx.Module):
    r"""(ln a, q) grid with the background quantities at every ln a node (§4.1, §8).

    Arrays over ln a have shape (n_a,), arrays over q shape (n_q,); 2-D
    quantities are indexed ``[i_a, i_q]`` (time first, as scanned by a solver).

    Attributes
    ----------
    m_nu : Array
        ν̂ mass in GeV.
    T_ref : Array
        Reference temperature in GeV, a(T_ref) = 1.
    g_s_ref : Array
        g_*s(T_ref) of the background used.
    ln_a, a : Array, shape (n_a,)
        ln of the scale factor (uniform) and a.
    T : Array, shape (n_a,)
        Temperature in GeV.
    x : Array, shape (n_a,)
        m_ν/T.
    H : Array, shape (n_a,)
        Hubble rate in GeV.
    s : Array, shape (n_a,)
        Entropy density in GeV³.
    one_plus_delta : Array, shape (n_a,)
        1 + (1/3) d ln g_*s/d ln T.
    dlnT_dlna : Array, shape (n_a,)
        d ln T/d ln a = −1/(1 + δ).
    q : Array, shape (n_q,)
        Comoving momenta in GeV (log-spaced).
    q_weights : Array, shape (n_q,)
        Trapezoidal weights in ln q: Σ w_i g(q_i) ≈ ∫_{q_min}^{q_max} g(q) dq.
    twin_photon_dof : bool
        Whether γ̂ is included in g_*, g_*s (static).
    """

    m_nu: Array
    T_ref: Array
    g_s_ref: Array
    ln_a: Array
    a: Array
    T: Array
    x: Array
    H: Array
    s: Array
    one_plus_delta: Array
    dlnT_dlna: Array
    q: Array
    q_weights: Array
    twin_photon_dof: bool = eqx.field(static=True, default=False)

    @property
    def n_a(self) -> int:
        """Number of ln a nodes."""
        return self.ln_a.shape[-1]

    @property
    def n_q(self) -> int:
        """Number of q nodes."""
        return self.q.shape[-1]

    def p(self) -> Array:
        """Physical momenta p = q/a in GeV, shape (n_a, n_q)."""
        return self.q[None, :] / self.a[:, None]

    def energy(self) -> Array:
        """E_p = √(p² + m_ν²) in GeV, shape (n_a, n_q)."""
        p = self.p()
        return jnp.sqrt(p * p + self.m_nu**2)

    def log_f_eq(self) -> Array:
        """ln f_ν^eq(q, a) = −E_p/T (MB, zero chemical potential, §4.2), shape (n_a, n_q)."""
        return -self.energy() / self.T[:, None]

    def dlog_f_eq_dln_a(self) -> Array:
        """∂ ln f_ν^eq/∂ ln a at fixed q (§4.2), shape (n_a, n_q).

        p²/(E T) − (E/T)/(1 + δ).
        """
        p = self.p()
        E = jnp.sqrt(p * p + self.m_nu**2)
        T = self.T[:, None]
        return p * p / (E * T) - (E / T) / self.one_plus_delta[:, None]

    def yield_from_f(self, f) -> Array:
        r"""Yield Y_ν = n_ν/s (particles only), shape (...), of f(q) per spin state, shape (..., n_q) (§5.9).

        Y_ν = 45 g_ν ∫ q² f dq/(4π⁴ g_*s(T_ref) T_ref³), using s a³ = (2π²/45) g_*s(T_ref) T_ref³ (exact for this
        normalisation of a); trapezoidal rule in ln q over [q_min, q_max].
        """
        integral = jnp.sum(self.q_weights * self.q**2 * f, axis=-1)
        return 45.0 * G_NU * integral / (4.0 * jnp.pi**4 * self.g_s_ref * self.T_ref**3)


def make_grid(
    model: TwinHiggs,
    *,
    x0=5.0,
    x_end=300.0,
    n_a: int = 600,
    n_q: int = 160,
    q_min=1e-3,
    q_max=5.0,
    x_ref=20.0,
    twin_photon_dof: bool = False,
    background: Background | None = None,
) -> TwinGrid:
    r"""Build the (ln a, q) grid and background of a model point (§4.1, §8).

    Parameters
    ----------
    model : TwinHiggs
        Parameter point (m_ν sets T_ref and the q units; m_γ the optional twin-photon dof).
    x0, x_end : float
        First and last x = m_ν/T (reference: x₀ ≈ 5, x_end ≈ 200-400); may be traced.
    n_a : int
        Number of ln a nodes (static; reference prototype 500-700).
    n_q : int
        Number of q nodes (static; ≥ 100 recommended, prototype 120-160).
    q_min, q_max : float
        q range in units of m_ν (log-spaced nodes).
    x_ref : float
        T_ref = m_ν/x_ref, where a = 1 and q = p (reference: 20).
    twin_photon_dof : bool
        Add γ̂ (g = 3, boson, mass m_γ) to g_*, g_*s via ``GStar.with_species`` (static).
    background : Background, optional
        SM background (default: :meth:`Background.standard_model`, Saikawa–Shirai).

    Returns
    -------
    TwinGrid
        Grid with T, x, H, s, 1 + δ, d ln T/d ln a on the ln a nodes and the q nodes.
    """
    if n_a < 2 or n_q < 2:
        raise ValueError(f"make_grid: need n_a >= 2 and n_q >= 2, got n_a={n_a}, n_q={n_q}")
    bg = Background.standard_model() if background is None else background
    if twin_photon_dof:
        bg = Background(bg.gstar.with_species(model.m_gamma, G_GAMMA, fermion=False), bg.m_planck)
    m = model.m_nu
    x0 = jnp.asarray(x0, dtype=jnp.float64)
    x_end = jnp.asarray(x_end, dtype=jnp.float64)
    T_ref = m / jnp.asarray(x_ref, dtype=jnp.float64)
    g_s_ref = bg.gstar.g_s(T_ref)

    def ln_a_of_T(T):
        return jnp.log(T_ref / T) + (jnp.log(g_s_ref) - jnp.log(bg.gstar.g_s(T))) / 3.0

    ln_a = jnp.linspace(ln_a_of_T(m / x0), ln_a_of_T(m / x_end), n_a)
    T = bg.temperature(ln_a, T_ref, 0.0)
    H, s, one_plus_delta = bg.state(T)
    q = m * jnp.geomspace(jnp.asarray(q_min, dtype=jnp.float64), q_max, n_q)
    h = (jnp.log(q[-1]) - jnp.log(q[0])) / (n_q - 1)
    trap = jnp.ones(n_q).at[0].set(0.5).at[-1].set(0.5)
    return TwinGrid(
        m_nu=m,
        T_ref=T_ref,
        g_s_ref=g_s_ref,
        ln_a=ln_a,
        a=jnp.exp(ln_a),
        T=T,
        x=m / T,
        H=H,
        s=s,
        one_plus_delta=one_plus_delta,
        dlnT_dlna=-1.0 / one_plus_delta,
        q=q,
        q_weights=h * trap * q,
        twin_photon_dof=bool(twin_photon_dof),
    )
