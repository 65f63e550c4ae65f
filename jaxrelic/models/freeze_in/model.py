r"""Freeze-in dark matter: decays of a bath particle and UV (EFT) scattering.

Two one-species models for :func:`jaxrelic.engines.network.solve_network`; both give
their equilibrium reaction densities directly in log space (``log_gamma``), in the
network convention

    dY_χ/dt ⊃ −(1/s) γ_χχ (e^{2u} − 1) − (1/s) γ_χ (e^{u} − 1),   u = ln(Y_χ/Y_χ^eq),

so that with Y_χ = 0 the source is (γ_χχ + γ_χ)/s and Y = Y^eq is a fixed point
(detailed balance; the e^{u} parts are the inverse processes).  The dark matter χ
is self-conjugate with g_dm internal dof and Maxwell–Boltzmann statistics,
n_χ^eq = g_dm m² T K₂(m/T)/(2π²).  Derivations, normalisations and measured checks:
``docs/physics/freeze_in.md``.

:class:`FreezeInDecay` — a bath particle B (mass m_B, g_B dof, in equilibrium with
MB, FD or BE statistics) decays B → χ + SM with partial width Γ (SM products
massless, quantum factors of the final states neglected):

    γ_χ = Γ n_B^eq ⟨m_B/E_B⟩ = Γ g_B m_B/(2π²) ∫ p² f_B(E)/E dp
        = Γ g_B m_B² T K₁(m_B/T)/(2π²)                                (MB).

With constant g_* and production only (Hall, Jedamzik, March-Russell & West,
arXiv:0911.1120):

    Y_FI = 135 g_B Γ M_Pl / (8π³ (1.66) g_*s √g_*ρ m_B²) × {1, η(5), ζ(5)}  (MB, FD, BE),

with 1.66 → √(4π³/45) = 1.66020 here, η(5) = (15/16) ζ(5).

:class:`FreezeInUV` — non-renormalisable scattering bath bath → χχ, defined by its
reaction density (reactions per volume per time; each makes two χ)

    γ_reaction = c T⁶/Λ² (dim = 5)   or   c T⁸/Λ⁴ (dim = 6),   × F(m/T)²,

with F(x) = x² K₂(x)/2 = n_χ^eq(m)/n_χ^eq(m → 0) the Boltzmann threshold factor of a
massive χ pair (F → 1 for T ≫ m, so γ is the massless EFT rate there; F makes the
implied annihilation cross section ⟨σv⟩ = γ_χχ/n_eq² finite for T < m).  The
network density is γ_χχ = 2 γ_reaction.  ``coefficient`` = c (default 1); for a
reduced cross section σ̂(s) = κ s/Λ² (dim 5) or κ s²/Λ⁴ (dim 6), massless MB
initial states, c = κ/(2π⁴) or 12 κ/π⁴ respectively.  Constant g_*, T_RH ≫ m:

    Y = 2c M_Pl T_RH/(A Λ²),   Y = 2c M_Pl T_RH³/(3 A Λ⁴),   A = (2π²/45) g_*s √(4π³ g_*ρ/45).
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np

from ... import constants as c
from ...numerics import status as _st
from ...numerics.quadrature import legendre_on
from ...numerics.special import k1e
from ...engines import network as _net
from ...engines.network import AbstractNetworkModel, NetworkRates
from ...stats.equilibrium import STATISTICS
from ...stats.equilibrium import log_n_eq as _log_n_eq_mb
from ...thermo.background import Background
from ...thermo.dof import GStar
from ...interface.parameters import Condition, Parameter, ParameterTable

__all__ = [
    "FreezeInDecay",
    "FreezeInUV",
    "FREEZE_IN_DECAY_PARAMETERS",
    "FREEZE_IN_UV_PARAMETERS",
    "T_START_OVER_M_PARENT",
    "T_END_OVER_M_PARENT",
    "UV_X_END_MIN",
    "H_COEFF",
    "STATISTICS_FACTOR",
    "log_decay_density",
    "y_freeze_in_decay_analytic",
    "y_uv_analytic",
    "y_equilibrium_relativistic",
    "production_integral",
    "solve_freeze_in_decay",
    "solve_freeze_in_uv",
    "constant_gstar_background",
    "decay_regime",
]

#: H = H_COEFF √g_*ρ T²/M_Pl in radiation domination: √(4π³/45) (HJMW's "1.66").
H_COEFF = math.sqrt(4.0 * math.pi**3 / 45.0)
_ZETA5 = 1.0369277551433699
#: Y_FI(statistics)/Y_FI(MB) at constant g_*: Σ_k (∓1)^{k+1}/k⁵ = 1, η(5) = (15/16) ζ(5), ζ(5).
STATISTICS_FACTOR = {"MB": 1.0, "FD": 15.0 / 16.0 * _ZETA5, "BE": _ZETA5}

#: Decay model: χ starts at Y = 0 at T_start = 20 m_B (the production missed above
#: T_start is ∫_0^{0.05} x³K₁ dx/(3π/2) = 8.8e-6 of the total) and the solve ends at
#: T_end = m_B/500 (γ_χ ∝ e^{−500} there).
T_START_OVER_M_PARENT = 20.0
T_END_OVER_M_PARENT = 1.0 / 500.0
#: UV model: the solve ends at x = m_dm/T = max(UV_X_END_MIN, m_dm/1e-4 GeV), after the QCD era.
UV_X_END_MIN = 1000.0

#: Public parameters: name -> (unit, default, (low, high), description).
FREEZE_IN_DECAY_PARAMETERS = ParameterTable(
    Parameter("m_parent", "GeV", 1000.0, 1e-2, 1e15, "mass m_B of the bath particle B (B -> chi + SM)", log=True),
    Parameter("g_parent", "", 2.0, 1.0, 1000.0, "internal dof g_B of B", log=True),
    Parameter("width", "GeV", 5.75e-18, 0.0, 1e15, "partial width Gamma(B -> chi + SM) (0 < width < m_parent)",
              log=True),
    Parameter("m_dm", "GeV", 0.01, 1e-9, 1e15, "dark-matter mass (< m_parent)", log=True),
    Parameter("g_dm", "", 2.0, 1.0, 100.0, "internal dof of chi (self-conjugate)", log=True),
    Parameter("statistics", "", "MB", description="statistics of B: MB, FD or BE", kind="choice",
              choices=STATISTICS),
    conditions=(Condition(("width", "m_parent"), "0 < width < m_parent",
                          lambda v: (v["width"] > 0) & (v["width"] < v["m_parent"])),
                Condition(("m_dm", "m_parent"), "m_dm < m_parent", lambda v: v["m_dm"] < v["m_parent"])),
)
FREEZE_IN_UV_PARAMETERS = ParameterTable(
    Parameter("T_RH", "GeV", 1e10, 1e-3, 1e18, "reheating temperature (instantaneous; > m_dm, < Lambda)", log=True),
    Parameter("Lambda", "GeV", 8.5e17, 1e-3, 1e19, "EFT scale Lambda (> T_RH)", log=True),
    Parameter("dim", "", "5", description="operator dimension: gamma = c T^6/Lambda^2 (5) or c T^8/Lambda^4 (6)",
              kind="choice", choices=("5", "6")),
    Parameter("m_dm", "GeV", 1.0, 1e-9, 1e15, "dark-matter mass (< T_RH)", log=True),
    Parameter("g_dm", "", 2.0, 1.0, 100.0, "internal dof of chi (self-conjugate)", log=True),
    Parameter("coefficient", "", 1.0, 1e-12, 1e12, "c in gamma_reaction = c T^(2d-4)/Lambda^(2d-8)", log=True),
    conditions=(Condition(("T_RH", "m_dm", "Lambda"), "m_dm < T_RH < Lambda",
                          lambda v: (v["m_dm"] < v["T_RH"]) & (v["T_RH"] < v["Lambda"])),),
)


# --------------------------------------------------------------------------------------
# input checks
# --------------------------------------------------------------------------------------
def _check(name, value, lo, hi, *, lo_open=False, hi_open=False, unit="", text=None):
    """ValueError naming ``name`` and its range for concrete values; traced values pass and are
    flagged by the model's ``domain_status`` (status OUT_OF_RANGE)."""
    if text is None:
        text = ("(" if lo_open else "[") + f"{lo:g}, {hi:g}" + (")" if hi_open else "]")
    text = text + (f" {unit}" if unit else "")
    arr = jnp.asarray(value, dtype=jnp.float64)
    if isinstance(arr, jax.core.Tracer):
        return arr
    v = np.asarray(value, dtype=np.float64)
    ok = np.isfinite(v) & ((v > lo) if lo_open else (v >= lo)) & ((v < hi) if hi_open else (v <= hi))
    if not np.all(ok):
        raise ValueError(f"{name}={float(v) if v.ndim == 0 else v!r} outside the allowed range {text}")
    return arr


def _check_table(table, name, value):
    """float64 ``value`` checked against ``table[name]`` (ValueError for concrete values out of range)."""
    table.check(name, value)
    return jnp.asarray(value, dtype=jnp.float64)


def _within(table, name, value, *, lo_open=False):
    """Traced-safe range test of ``value`` against ``table[name]`` (and ``> low`` with ``lo_open``)."""
    ok = table[name].contains(value)
    return ok & (jnp.asarray(value) > table[name].low) if lo_open else ok


def _domain_code(ok):
    return jnp.where(ok, _st.SUCCESS, _st.OUT_OF_RANGE).astype(jnp.int32)


def _concrete(*values) -> bool:
    return not any(isinstance(v, jax.core.Tracer) for v in values)


def _check_less(name, value, bound_name, bound, low_text):
    """``value < bound`` (both concrete) or ValueError naming ``name`` and the range."""
    if _concrete(value, bound) and not float(value) < float(bound):
        raise ValueError(
            f"{name}={float(value):g} outside the allowed range {low_text} GeV "
            f"(must be below {bound_name}={float(bound):g} GeV)"
        )


# --------------------------------------------------------------------------------------
# rate densities
# --------------------------------------------------------------------------------------
_PANELS = 12
_NODES = 24


#: η of the occupation 1/(e^{E/T} + η): MB 0, FD +1, BE −1.
ETA = {"MB": 0.0, "FD": 1.0, "BE": -1.0}


def _eta(statistics):
    if isinstance(statistics, str):
        if statistics not in ETA:
            raise ValueError(f"statistics={statistics!r} invalid; allowed: one of {', '.join(STATISTICS)}")
        return ETA[statistics]
    return jnp.asarray(statistics, dtype=jnp.float64)


def log_decay_density(m, T, g, statistics="MB"):
    """ln[n^eq⟨m/E⟩] [ln GeV³] of a bath particle of mass m, g dof, zero chemical potential.

    n^eq⟨m/E⟩ = g m/(2π²) ∫_0^∞ p² f(E)/E dp:  g m² T K₁(m/T)/(2π²) for MB (closed form);
    for FD/BE composite Gauss–Legendre in u = p/T with e^{−m/T} factored out,

        g m T²/(2π²) e^{−x} ∫ u² e^{−(ε−x)} / (ε (1 + η e^{−ε})) du,   ε = √(u² + x²),

    panels as in :func:`jaxrelic.stats.equilibrium.log_n_eq_quantum` (tail < e^{−60}).
    ``statistics`` is "MB", "FD", "BE" or a (possibly traced) η ∈ {0, 1, −1}; for η = 0 the
    closed form is returned.  Multiplied by a width Γ this is the rate density of B → χ + SM.
    """
    eta = _eta(statistics)
    m = jnp.asarray(m, dtype=jnp.float64)
    T = jnp.asarray(T, dtype=jnp.float64)
    x = m / T
    ln_mb = jnp.log(g * m**2 * T / (2.0 * jnp.pi**2)) + jnp.log(k1e(x)) - x
    if isinstance(eta, float) and eta == 0.0:
        return ln_mb
    u_max = jnp.sqrt((x + 60.0) ** 2 - x**2)
    edges = u_max[..., None] * jnp.linspace(0.0, 1.0, _PANELS + 1) ** 2
    u, w = legendre_on(edges[..., :-1], edges[..., 1:], _NODES)
    xb = x[..., None, None]
    E = jnp.sqrt(u**2 + xb**2)
    integrand = u**2 * jnp.exp(-(u**2) / (E + xb)) / (E * (1.0 + eta * jnp.exp(-E)))
    integral = jnp.sum(integrand * w, axis=(-1, -2))
    ln_q = jnp.log(g * m * T**2 / (2.0 * jnp.pi**2)) + jnp.log(integral) - x
    return jnp.where(eta == 0.0, ln_mb, ln_q)


def _log_threshold(m, T):
    """ln F(m/T), F(x) = x² K₂(x)/2 = n^eq(m)/n^eq(0) (MB), → 0 as T ≫ m."""
    return _log_n_eq_mb(m, T, 1.0) - jnp.log(jnp.asarray(T, dtype=jnp.float64) ** 3 / jnp.pi**2)


# --------------------------------------------------------------------------------------
# models
# --------------------------------------------------------------------------------------
class FreezeInDecay(AbstractNetworkModel):
    """χ produced by decays B → χ + SM of a bath particle B (one species: χ).

    Parameters
    ----------
    m_parent : float
        m_B [GeV], 1e-2 ≤ m_B ≤ 1e15.
    width : float
        Partial width Γ(B → χ + SM) [GeV], 0 < Γ < m_B.
    m_dm : float
        m_χ [GeV], 1e-9 ≤ m_χ < m_B.
    g_parent, g_dm : float
        Internal dof of B (1 … 1000) and χ (1 … 100).
    statistics : {"MB", "FD", "BE"} or float
        Equilibrium distribution of B, or its η (0, +1, −1).  Stored as the array field
        ``eta`` (not static), so one compiled solve serves all three (``jax.vmap`` over models).
    """

    m_parent: jax.Array
    width: jax.Array
    m_dm: jax.Array
    g_parent: jax.Array
    g_dm: jax.Array
    eta: jax.Array

    def __init__(self, m_parent=1000.0, width=5.75e-18, m_dm=0.01, g_parent=2.0, g_dm=2.0, statistics="MB"):
        P = FREEZE_IN_DECAY_PARAMETERS
        eta = _eta(statistics)
        if _concrete(eta) and float(eta) not in (0.0, 1.0, -1.0):
            raise ValueError(f"statistics={statistics!r} invalid; allowed: one of {', '.join(STATISTICS)}")
        self.eta = jnp.asarray(eta, dtype=jnp.float64)
        self.m_parent = _check_table(P, "m_parent", m_parent)
        self.width = _check("width", width, 0.0, float(P["width"].high), lo_open=True, unit="GeV",
                            text="(0, m_parent)")
        _check_less("width", width, "m_parent", m_parent, "(0, m_parent)")
        self.m_dm = _check_table(P, "m_dm", m_dm)
        _check_less("m_dm", m_dm, "m_parent", m_parent, f"[{P['m_dm'].low:g}, m_parent)")
        self.g_parent = _check_table(P, "g_parent", g_parent)
        self.g_dm = _check_table(P, "g_dm", g_dm)

    def domain_status(self):
        """OUT_OF_RANGE where a traced parameter leaves FREEZE_IN_DECAY_PARAMETERS or the
        conditions width < m_parent, m_dm < m_parent."""
        P = FREEZE_IN_DECAY_PARAMETERS
        ok = (_within(P, "m_parent", self.m_parent) & _within(P, "width", self.width, lo_open=True)
              & _within(P, "m_dm", self.m_dm) & _within(P, "g_parent", self.g_parent) & _within(P, "g_dm", self.g_dm)
              & (self.width < self.m_parent) & (self.m_dm < self.m_parent))
        return _domain_code(ok)

    @property
    def statistics(self) -> str:
        """"MB", "FD" or "BE" (concrete models only)."""
        return {0.0: "MB", 1.0: "FD", -1.0: "BE"}[float(self.eta)]

    @property
    def masses(self):
        return jnp.reshape(self.m_dm, (1,))

    def log_n_eq(self, T):
        return jnp.reshape(_log_n_eq_mb(self.m_dm, T, self.g_dm), (1,))

    def log_gamma_decay(self, T):
        """ln γ_χ = ln[Γ n_B^eq ⟨m_B/E_B⟩] [ln GeV⁴]."""
        return jnp.log(self.width) + log_decay_density(self.m_parent, T, self.g_parent, self.eta)

    def log_gamma(self, T):
        ln_ann = jnp.full((1, 1), _net.LOG_ZERO, dtype=jnp.float64)
        return ln_ann, jnp.reshape(self.log_gamma_decay(T), (1,))

    def rates(self, T):
        # decay rate per χ: γ_χ/n_χ^eq (the default log_gamma multiplies it back by n_χ^eq)
        decay = jnp.exp(self.log_gamma_decay(T) - _log_n_eq_mb(self.m_dm, T, self.g_dm))
        z = jnp.zeros((1, 1), dtype=jnp.float64)
        return NetworkRates(sigma_v=z, conversion=z, decay=jnp.reshape(decay, (1,)))


class FreezeInUV(AbstractNetworkModel):
    """χχ pairs produced by a dimension-5 or -6 operator (one species: χ).

    Parameters
    ----------
    T_RH : float
        Reheating temperature [GeV] (instantaneous reheating), m_dm < T_RH < Λ.
    Lambda : float
        EFT scale Λ [GeV].
    dim : {5, 6}
        γ_reaction = c T⁶/Λ² (5) or c T⁸/Λ⁴ (6), times F(m/T)² (module docstring).  Stored
        as a float array (not static): one compiled solve serves both dimensions.
    m_dm : float
        m_χ [GeV].
    g_dm : float
        Internal dof of χ.
    coefficient : float
        c (default 1).
    """

    T_RH: jax.Array
    Lambda: jax.Array
    m_dm: jax.Array
    g_dm: jax.Array
    coefficient: jax.Array
    dim: jax.Array

    def __init__(self, T_RH=1e10, Lambda=8.5e17, dim=5, m_dm=1.0, g_dm=2.0, coefficient=1.0):
        P = FREEZE_IN_UV_PARAMETERS
        if _concrete(dim):
            d = {"5": 5.0, "6": 6.0, "5.0": 5.0, "6.0": 6.0}.get(str(dim).strip())
            if d is None:
                raise ValueError(f"dim={dim!r} invalid; allowed: one of 5, 6")
            dim = d
        self.dim = jnp.asarray(dim, dtype=jnp.float64)
        self.T_RH = _check_table(P, "T_RH", T_RH)
        self.Lambda = _check_table(P, "Lambda", Lambda)
        self.m_dm = _check_table(P, "m_dm", m_dm)
        self.g_dm = _check_table(P, "g_dm", g_dm)
        self.coefficient = _check_table(P, "coefficient", coefficient)
        if _concrete(T_RH, m_dm) and not float(T_RH) > float(m_dm):
            raise ValueError(
                f"T_RH={float(T_RH):g} outside the allowed range (m_dm, Lambda) GeV "
                f"(UV freeze-in needs T_RH > m_dm={float(m_dm):g} GeV)"
            )
        _check_less("T_RH", T_RH, "Lambda", Lambda, "(m_dm, Lambda)")

    def domain_status(self):
        """OUT_OF_RANGE where a traced parameter leaves FREEZE_IN_UV_PARAMETERS or m_dm < T_RH < Λ."""
        P = FREEZE_IN_UV_PARAMETERS
        ok = (_within(P, "T_RH", self.T_RH) & _within(P, "Lambda", self.Lambda) & _within(P, "m_dm", self.m_dm)
              & _within(P, "g_dm", self.g_dm) & _within(P, "coefficient", self.coefficient)
              & (self.m_dm < self.T_RH) & (self.T_RH < self.Lambda))
        return _domain_code(ok)

    @property
    def powers(self):
        """(power of T, power of Λ) in γ_reaction: (2d − 4, 2d − 8) = (6, 2) for d = 5, (8, 4) for d = 6."""
        return 2.0 * self.dim - 4.0, 2.0 * self.dim - 8.0

    @property
    def masses(self):
        return jnp.reshape(self.m_dm, (1,))

    def log_n_eq(self, T):
        return jnp.reshape(_log_n_eq_mb(self.m_dm, T, self.g_dm), (1,))

    def log_gamma_reaction(self, T):
        """ln γ_reaction [ln GeV⁴] of bath bath → χχ (reactions per volume and time)."""
        kT, kL = self.powers
        T = jnp.asarray(T, dtype=jnp.float64)
        return (
            jnp.log(self.coefficient)
            + kT * jnp.log(T)
            - kL * jnp.log(self.Lambda)
            + 2.0 * _log_threshold(self.m_dm, T)
        )

    def log_gamma(self, T):
        ln_ann = jnp.reshape(jnp.log(2.0) + self.log_gamma_reaction(T), (1, 1))
        return ln_ann, jnp.full((1,), _net.LOG_ZERO, dtype=jnp.float64)

    def rates(self, T):
        # ⟨σv⟩ = γ_χχ/n_eq² = 2c T^kT/(Λ^kL (g T³/π²)²): finite at every T (threshold factor)
        kT, kL = self.powers
        T = jnp.asarray(T, dtype=jnp.float64)
        ln_sv = (
            jnp.log(2.0 * self.coefficient)
            + kT * jnp.log(T)
            - kL * jnp.log(self.Lambda)
            - 2.0 * jnp.log(self.g_dm * T**3 / jnp.pi**2)
        )
        z = jnp.zeros((1, 1), dtype=jnp.float64)
        return NetworkRates(sigma_v=jnp.reshape(jnp.exp(ln_sv), (1, 1)), conversion=z, decay=jnp.zeros(1))


# --------------------------------------------------------------------------------------
# analytic formulas
# --------------------------------------------------------------------------------------
def y_freeze_in_decay_analytic(m_parent, g_parent, width, g_s, g_rho=None, statistics="MB", m_planck=c.M_PL):
    """HJMW freeze-in yield from decays, constant g_* (production only, T from ∞ to 0).

    Y = 135 g_B Γ M_Pl / (8π³ H_COEFF g_*s √g_*ρ m_B²) × STATISTICS_FACTOR[statistics].
    """
    g_rho = g_s if g_rho is None else g_rho
    pref = 135.0 / (8.0 * jnp.pi**3 * H_COEFF)
    return STATISTICS_FACTOR[statistics] * pref * g_parent * width * m_planck / (g_s * jnp.sqrt(g_rho) * m_parent**2)


def y_uv_analytic(T_RH, Lambda, dim, g_s, g_rho=None, coefficient=1.0, T_end=0.0, m_planck=c.M_PL):
    """UV freeze-in yield at constant g_* for a massless χ (F = 1), production only.

    Y = ∫_{T_end}^{T_RH} 2 γ_reaction/(s H T) dT = 2c M_Pl (T_RH^k − T_end^k)/(k A Λ^{k+1}),
    k = 1 (dim 5: Λ²) or 3 (dim 6: Λ⁴), A = (2π²/45) g_*s H_COEFF √g_*ρ.
    """
    g_rho = g_s if g_rho is None else g_rho
    d = int(dim)
    k, kL = (1, 2) if d == 5 else (3, 4)
    A = 2.0 * jnp.pi**2 / 45.0 * g_s * H_COEFF * jnp.sqrt(g_rho)
    return 2.0 * coefficient * m_planck * (T_RH**k - T_end**k) / (k * A * Lambda**kL)


def y_equilibrium_relativistic(g_dm, g_s):
    """Y_χ^eq for T ≫ m_χ (MB): 45 g/(2π⁴ g_*s); at constant g_*s the detailed-balance ceiling of Y_χ."""
    return 45.0 * g_dm / (2.0 * jnp.pi**4 * g_s)


def production_integral(model, background: Background, T_start, T_end, panels: int = 256, nodes: int = 16):
    """Production-only yield ∫ (γ_χχ + γ_χ)/(s H) (1 + δ) d ln T from T_end to T_start.

    The Y = 0 limit of the network (no inverse processes), for any background:
    dt = −(1 + δ) d ln T / H with δ = (1/3) d ln g_*s/d ln T.  Composite Gauss–Legendre in
    ln T.  For constant g_* and MB decays this is the HJMW integral truncated to
    [T_end, T_start]; for the UV model it includes the threshold factor F².
    """
    a = jnp.log(jnp.asarray(T_end, dtype=jnp.float64))
    b = jnp.log(jnp.asarray(T_start, dtype=jnp.float64))
    edges = a + (b - a) * jnp.linspace(0.0, 1.0, panels + 1)
    lt, w = legendre_on(edges[:-1], edges[1:], nodes)
    T = jnp.exp(lt.reshape(-1))

    def integrand(T):
        H, s, jac = background.state(T)
        ln_ann, ln_bath = model.log_gamma(T)
        ln_g = jnp.logaddexp(ln_ann[0, 0], ln_bath[0])
        return jnp.exp(ln_g - jnp.log(s) - jnp.log(H)) * jac

    return jnp.sum(jax.vmap(integrand)(T) * w.reshape(-1))


def constant_gstar_background(g_star=106.75, T_min=1e-12, T_max=1e20) -> Background:
    """Background with g_*ρ = g_*s = g_star at all T (the analytic formulas' assumption)."""
    T = np.geomspace(T_min, T_max, 8)
    g = np.full_like(T, float(g_star))
    return Background(GStar.from_arrays(T, g, g, source=f"constant g_* = {g_star:g}"))


def decay_regime(y_fi_analytic, y_eq_rel):
    """'freeze-in' (R < 0.1), 'transition' or 'equilibrium' (R > 10), R = Y_FI^analytic / Y_χ^eq,rel."""
    r = float(y_fi_analytic) / float(y_eq_rel)
    if r < 0.1:
        return "freeze-in"
    if r > 10.0:
        return "equilibrium"
    return "transition"


# --------------------------------------------------------------------------------------
# solve helpers (pure: wrap in jit / grad / vmap at the call site)
# --------------------------------------------------------------------------------------
def solve_freeze_in_decay(
    model: FreezeInDecay,
    background: Background | None = None,
    *,
    T_start=None,
    T_end=None,
    inverse: bool = True,
    seed: bool = True,
    **options,
):
    """Relic yield of :class:`FreezeInDecay` (:class:`~jaxrelic.engines.network.RelicResult`).

    χ starts at Y = 0 at T_start (default ``T_START_OVER_M_PARENT`` m_B = 20 m_B) and the
    network is integrated to T_end (default m_B/500), with no residual-annihilation tail (χ
    has no annihilation).  ``inverse=False`` drops the inverse decays χ + SM → B (production
    only).  ``seed`` (default) integrates the first steps after the zero start by quadrature
    (:func:`_seed`); ``seed=False`` hands Y_start = 0 to the engine directly.  Further
    ``options`` go to ``solve_network``.
    """
    if background is None:
        background = Background.standard_model()
    if T_start is None:
        T_start = T_START_OVER_M_PARENT * model.m_parent
    if T_end is None:
        T_end = T_END_OVER_M_PARENT * model.m_parent
    options.setdefault("tail", False)
    return _solve_from_zero(model, background, model.m_dm / T_start, model.m_dm / T_end, False, inverse, seed,
                            options)


def solve_freeze_in_uv(model: FreezeInUV, background: Background | None = None, *, x_end=None,
                       inverse: bool = True, seed: bool = True, **options):
    """Relic yield of :class:`FreezeInUV`: Y = 0 at T_RH, integrated to x = m_dm/T = x_end.

    Default x_end = max(``UV_X_END_MIN``, m_dm/1e-4 GeV); the network's analytic tail of
    residual χχ → bath annihilation beyond x_end is kept (it matters only when χ thermalised).
    ``seed`` as in :func:`solve_freeze_in_decay`.
    """
    if background is None:
        background = Background.standard_model()
    if x_end is None:
        x_end = jnp.maximum(UV_X_END_MIN, model.m_dm / 1e-4)
    return _solve_from_zero(model, background, model.m_dm / model.T_RH, x_end, True, inverse, seed, options)


def _solve_from_zero(model, background, x_start, x_end, pair, inverse, seed, options):
    """The engine from Y = 0 at x_start; ``seed`` integrates its first steps by quadrature
    (:func:`jaxrelic.engines.network._seeded_start`)."""
    return _net.solve_network(
        model,
        background,
        x_start=x_start,
        x_end=x_end,
        Y_start=jnp.zeros(1),
        inverse=inverse,
        seed=bool(seed),
        **options,
    )
