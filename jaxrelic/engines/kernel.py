"""General 2→2 collision-kernel engine on a momentum grid (docs/physics/kernel_engine.md).

Builds dense (n_p × n_p′) collision operators for isotropic distributions f(p) of one or two
unknown species from a spin-summed |M|²(s, t):

* :func:`conversion_kernel` — 1 + b ↔ 2 + b (b in the bath; linear in f₁, f₂);
* :func:`elastic_kernel` — 1 + b ↔ 1 + b (full kernel) and :func:`fokker_planck_kernel` with
  :func:`fokker_planck_gamma` (its m ≫ T limit);
* :func:`decay_kernel` — 1 ↔ 2 + b (decays and inverse decays in flight);
* :func:`annihilation_kernel` — 1 + 2 ↔ b + b′ (bilinear, inverse from detailed balance).

Conventions
-----------
* Grid: physical momentum p at temperature T (:class:`MomentumGrid`; comoving q enters as p = q/a).
* f: occupation per internal state; g: internal dof.  n = g Σ_i μ_i f_i, μ_i = w_i p_i²/(2π²).
* |M|²(s, t): summed over the spins of *all* external particles, jnp-vectorised; symmetry factors
  of identical particles (1/2 for identical final-state bath particles, etc.) are the user's, i.e.
  must be included in |M|² — the engine adds none.
* Statistics: the unknown species enter linearly (no blocking of 1 or 2; their equilibrium is
  f^eq = e^{−E/T}); the bath b, b′ can be MB, FD or BE (equilibrium occupation, blocking and
  enhancement of bath final states included).
* Exactness on the grid: every linear operator is written through a non-negative matrix S with
  equilibrium flux N_ij = e^{−(E_i + E_j)/2T} S_ij,

      C₁_i = (1/(g₁μ_i)) Σ_j S_ij [e^{(E₂j−E₁i)/2T} f₂_j − e^{(E₁i−E₂j)/2T} f₁_i],
      C₂_j = (1/(g₂μ_j)) Σ_i S_ij [e^{(E₁i−E₂j)/2T} f₁_i − e^{(E₂j−E₁i)/2T} f₂_j],

  so C[f^eq] = 0 and g₁Σμ C₁ + g₂Σμ C₂ = 0 hold to round-off for any S (elastic: S symmetric).
  The annihilation operator uses the bracket f₁_i f₂_j − f₁^eq_i f₂^eq_j with one matrix.

All builders are jnp/lax code (vmapped contractions, ``lax.map`` over rows of p₁ in batches),
differentiable in masses, T and any parameter closed over by ``msq``; the only Python-level
checks (ValueError) are on concrete inputs at build time.
"""

from __future__ import annotations

from typing import Callable

import equinox as eqx
import jax
import jax.numpy as jnp

from .kernel_grid import MomentumGrid, check_grid, check_mass, check_positive, momentum_grid, stat_eta
from .kernel_reduce import annihilation_w, decay_fractions, fp_gamma, scatter_hat

__all__ = [
    "MomentumGrid",
    "momentum_grid",
    "ConversionKernel",
    "ElasticKernel",
    "AnnihilationKernel",
    "conversion_kernel",
    "elastic_kernel",
    "decay_kernel",
    "annihilation_kernel",
    "fokker_planck_gamma",
    "fokker_planck_kernel",
]

_EXP_CLIP = 700.0


def _xexp(E1, E2, T):
    X = jnp.clip((E2[None, :] - E1[:, None]) / (2.0 * T), -_EXP_CLIP, _EXP_CLIP)
    return jnp.exp(X), jnp.exp(-X)


class ConversionKernel(eqx.Module):
    """Linear two-species operator (conversion 1 + b ↔ 2 + b, or decay 1 ↔ 2 + b).

    C₁ = K₁₂ f₂ − Γ₁ f₁,  C₂ = K₂₁ f₁ − Γ₂ f₂ (dense matrices from :meth:`matrices`).
    """

    S: jax.Array  # (n1, n2), ≥ 0, GeV⁴ per (GeV · dof) — see module docstring
    E1: jax.Array
    E2: jax.Array
    mu1: jax.Array
    mu2: jax.Array
    g1: float
    g2: float
    T: jax.Array

    def f_eq1(self):
        return jnp.exp(-self.E1 / self.T)

    def f_eq2(self):
        return jnp.exp(-self.E2 / self.T)

    def matrices(self):
        """(K₁₂ (n1,n2), Γ₁ (n1,), K₂₁ (n2,n1), Γ₂ (n2,)) [GeV]: C₁ = K₁₂f₂ − Γ₁f₁, C₂ = K₂₁f₁ − Γ₂f₂."""
        ep, em = _xexp(self.E1, self.E2, self.T)
        a = self.g1 * self.mu1
        b = self.g2 * self.mu2
        K12 = self.S * ep / a[:, None]
        G1 = jnp.sum(self.S * em, axis=1) / a
        K21 = (self.S * em).T / b[:, None]
        G2 = jnp.sum(self.S * ep, axis=0) / b
        return K12, G1, K21, G2

    def rate1(self):
        """Γ₁(p_i) [GeV]: loss rate of species 1."""
        return self.matrices()[1]

    def apply(self, f1, f2):
        """(C₁, C₂) = (df₁/dt, df₂/dt) [GeV] from the collisions."""
        K12, G1, K21, G2 = self.matrices()
        return K12 @ f2 - G1 * f1, K21 @ f1 - G2 * f2


class ElasticKernel(eqx.Module):
    """Elastic (number-conserving) operator of one species: C = M f, S symmetric."""

    S: jax.Array  # (n, n) symmetric
    E: jax.Array
    mu: jax.Array
    g: float
    T: jax.Array

    def f_eq(self):
        return jnp.exp(-self.E / self.T)

    def matrix(self):
        """M (n, n) [GeV] with C = M f (gain minus diagonal loss)."""
        ep, em = _xexp(self.E, self.E, self.T)
        a = (self.g * self.mu)[:, None]
        K = self.S * ep / a
        G = jnp.sum(self.S * em, axis=1) / (self.g * self.mu)
        return K - jnp.diag(G)

    def rate(self):
        """Total scattering rate Γ(p_i) [GeV] (on the grid)."""
        _, em = _xexp(self.E, self.E, self.T)
        return jnp.sum(self.S * em, axis=1) / (self.g * self.mu)

    def apply(self, f):
        ep, em = _xexp(self.E, self.E, self.T)
        a = self.g * self.mu
        return ((self.S * ep) @ f - jnp.sum(self.S * em, axis=1) * f) / a


class AnnihilationKernel(eqx.Module):
    """Bilinear 1 + 2 ↔ b + b′ operator: C₁_i = −Σ_j A₁_ij (f₁_i f₂_j − f₁^eq_i f₂^eq_j), likewise C₂."""

    W: jax.Array  # (n1, n2) [GeV²]: ½∫dcosθ₁₂ ∫dΦ₂ Σ|M|² (× bath blocking)
    E1: jax.Array
    E2: jax.Array
    mu1: jax.Array
    mu2: jax.Array
    g1: float
    g2: float
    T: jax.Array

    def f_eq1(self):
        return jnp.exp(-self.E1 / self.T)

    def f_eq2(self):
        return jnp.exp(-self.E2 / self.T)

    def rate_matrix(self):
        """R_ij = μ₁_i μ₂_j W_ij/(4E₁_iE₂_j): reaction density Σ_ij R_ij f₁_i f₂_j [GeV⁴]."""
        return self.mu1[:, None] * self.mu2[None, :] * self.W / (4.0 * self.E1[:, None] * self.E2[None, :])

    def matrices(self):
        """(A₁ (n1,n2), A₂ (n2,n1)) [GeV⁻²·GeV³ … i.e. GeV]: C₁ = −Σ_j A₁_ij B_ij, C₂ = −Σ_i A₂_ji B_ij."""
        R = self.rate_matrix()
        return R / (self.g1 * self.mu1)[:, None], R.T / (self.g2 * self.mu2)[:, None]

    def apply(self, f1, f2):
        R = self.rate_matrix()
        B = f1[:, None] * f2[None, :] - (self.f_eq1()[:, None] * self.f_eq2()[None, :])
        RB = R * B
        return -jnp.sum(RB, axis=1) / (self.g1 * self.mu1), -jnp.sum(RB, axis=0) / (self.g2 * self.mu2)


def _rows(fn, p1, batch_size):
    """Row-wise lax.map (bounded memory: batch_size × n2 × quadrature nodes per intermediate)."""
    return jax.lax.map(fn, p1, batch_size=min(batch_size, p1.shape[0]))


def _common_checks(T, masses: dict, stats: dict):
    check_positive(T, "T")
    for k, v in masses.items():
        check_mass(v, k)
    return {k: stat_eta(v, k) for k, v in stats.items()}


def conversion_kernel(
    msq: Callable,
    grid1: MomentumGrid,
    T,
    *,
    m1,
    m2,
    g1: float,
    g2: float,
    m_b,
    m_b_out=None,
    bath_stats: str = "MB",
    bath_out_stats: str | None = None,
    grid2: MomentumGrid | None = None,
    n_q: int = 16,
    n_e: int = 16,
    n_phi: int = 8,
    batch_size: int = 8,
    check: bool = True,
) -> ConversionKernel:
    """Linear kernel of 1 + b ↔ 2 + b′ with b, b′ bath species in equilibrium (μ = 0).

    ``msq(s, t)``: Σ_spins |M|² of 1 + b → 2 + b′ (s = (p₁+p_b)², t = (p₁−p₂)²), symmetric factors
    included.  ``m_b_out`` = m_b′ (default m_b, e.g. ν̂ γ̂ ↔ τ̂ γ̂); ``bath_stats`` of b (incoming),
    ``bath_out_stats`` of b′ (default: same).  S_ij = μ₁_i μ₂_j Â(p₁_i, p₂_j)/(4E₁_iE₂_j)
    (kernel_reduce.scatter_hat); the reverse process 2 + b′ → 1 + b uses the same S.
    """
    m_b_out = m_b if m_b_out is None else m_b_out
    eta = _common_checks(
        T, {"m1": m1, "m2": m2, "m_b": m_b, "m_b_out": m_b_out}, {"bath_stats": bath_stats, "bath_out_stats": bath_out_stats or bath_stats}
    )
    grid2 = grid1 if grid2 is None else grid2
    if check:
        check_grid(grid1, m1, T, "grid1")
        check_grid(grid2, m2, T, "grid2")
    T = jnp.asarray(T, dtype=jnp.float64)
    E1, E2 = grid1.energy(m1), grid2.energy(m2)
    mu1, mu2 = grid1.measure(), grid2.measure()

    def row(p):
        return scatter_hat(msq, p, grid2.p, m1, m2, m_b, T, eta["bath_stats"], eta["bath_out_stats"], n_q, n_e, n_phi, mbp=m_b_out)

    A = _rows(row, grid1.p, batch_size)
    S = mu1[:, None] * mu2[None, :] * A / (4.0 * E1[:, None] * E2[None, :])
    return ConversionKernel(S, E1, E2, mu1, mu2, float(g1), float(g2), T)


# elastic: spacing below the thermal region ≤ this × T (momentum transfer per collision ~ T)
_ELASTIC_SPACING_T = 1.5


def elastic_kernel(
    msq: Callable,
    grid: MomentumGrid,
    T,
    *,
    m,
    g: float,
    m_b,
    bath_stats: str = "MB",
    n_q: int = 16,
    n_e: int = 16,
    n_phi: int = 8,
    batch_size: int = 8,
    check: bool = True,
) -> ElasticKernel:
    """Full elastic kernel of 1 + b ↔ 1 + b on one grid; S is symmetrised, (S + Sᵀ)/2.

    Requires node spacing ≤ 1.5 T in the thermal region (the kernel's width in p′ is a few T);
    for m ≫ T prefer :func:`fokker_planck_kernel`.
    """
    eta = _common_checks(T, {"m": m, "m_b": m_b}, {"bath_stats": bath_stats})
    if check:
        check_grid(grid, m, T, "grid", max_spacing_over_T=_ELASTIC_SPACING_T)
    T = jnp.asarray(T, dtype=jnp.float64)
    E, mu = grid.energy(m), grid.measure()

    def row(p):
        return scatter_hat(msq, p, grid.p, m, m, m_b, T, eta["bath_stats"], eta["bath_stats"], n_q, n_e, n_phi)

    A = _rows(row, grid.p, batch_size)
    S = mu[:, None] * mu[None, :] * A / (4.0 * E[:, None] * E[None, :])
    return ElasticKernel(0.5 * (S + S.T), E, mu, float(g), T)


def decay_kernel(
    width,
    grid1: MomentumGrid,
    T,
    *,
    m1,
    m2,
    m_b,
    g1: float,
    g2: float,
    bath_stats: str = "MB",
    grid2: MomentumGrid | None = None,
    check: bool = True,
) -> ConversionKernel:
    """Decays 1 → 2 + b and inverse decays 2 + b → 1 (b in the bath), rest-frame partial width Γ.

    The lab daughter spectrum is flat in E₂ on [E₋, E₊] (isotropic 2-body decay); it is integrated
    exactly over the cells of grid2 (:func:`kernel_reduce.decay_fractions`), so for an MB bath the
    loss rate is Γ m₁/E₁ to round-off and the daughters' production rate equals the parent decay
    rate.  FD/BE bath: blocking/enhancement (1 ∓ f_b(E₁ − E₂)) at the overlap midpoint.
    """
    eta = _common_checks(T, {"m1": m1, "m2": m2, "m_b": m_b}, {"bath_stats": bath_stats})["bath_stats"]
    check_mass(m1, "m1", positive=True)
    check_positive(width, "width")
    if not any(isinstance(x, jax.core.Tracer) for x in (m1, m2, m_b)):
        if not float(m1) > float(m2) + float(m_b):
            raise ValueError(f"m1 must be > m2 + m_b for the decay 1 → 2 + b, got m1={m1}, m2={m2}, m_b={m_b}")
    if check:
        check_grid(grid1, m1, T, "grid1")
    grid2 = grid1 if grid2 is None else grid2
    T = jnp.asarray(T, dtype=jnp.float64)
    E1, E2 = grid1.energy(m1), grid2.energy(m2)
    mu1, mu2 = grid1.measure(), grid2.measure()
    frac, E2mid = decay_fractions(grid1.p, m1, m2, m_b, grid2.edges())
    Eb = E1[:, None] - E2mid
    block = 1.0 / (1.0 + eta * jnp.exp(-Eb / T)) if eta != 0.0 else 1.0
    lab = width * m1 / E1
    S = (g1 * mu1 * lab)[:, None] * frac * block * jnp.exp(jnp.clip(-(E1[:, None] - E2[None, :]) / (2.0 * T), -_EXP_CLIP, _EXP_CLIP))
    return ConversionKernel(S, E1, E2, mu1, mu2, float(g1), float(g2), T)


def annihilation_kernel(
    msq: Callable,
    grid1: MomentumGrid,
    T,
    *,
    m1,
    m2,
    g1: float,
    g2: float,
    m_b,
    m_b2=None,
    bath_stats: str = "MB",
    bath2_stats: str | None = None,
    grid2: MomentumGrid | None = None,
    n_s: int = 24,
    n_th: int = 16,
    n_phi: int = 8,
    batch_size: int = 8,
    check: bool = True,
) -> AnnihilationKernel:
    """Bilinear annihilation/coannihilation 1 + 2 → b + b′ into bath particles (inverse included).

    ``msq(s, t)``: Σ_spins |M|², t = (p₁ − p_b)², identical-final-state factor ½ included by the user.
    With an MB bath the inverse term is exactly −W f₁^eq f₂^eq (detailed balance); for FD/BE
    bath final states W carries (1 ∓ f_b)(1 ∓ f_b′) and the inverse term is the same (the identity
    f_b f_b′ = (1 ∓ f_b)(1 ∓ f_b′) e^{−(E₁+E₂)/T}).
    """
    m_b2 = m_b if m_b2 is None else m_b2
    eta = _common_checks(
        T, {"m1": m1, "m2": m2, "m_b": m_b, "m_b2": m_b2}, {"bath_stats": bath_stats, "bath2_stats": bath2_stats or bath_stats}
    )
    grid2 = grid1 if grid2 is None else grid2
    if check:
        check_grid(grid1, m1, T, "grid1")
        check_grid(grid2, m2, T, "grid2")
    T = jnp.asarray(T, dtype=jnp.float64)
    E1, E2 = grid1.energy(m1), grid2.energy(m2)

    def row(p):
        return annihilation_w(msq, p, grid2.p, m1, m2, m_b, m_b2, T, eta["bath_stats"], eta["bath2_stats"], n_s, n_th, n_phi)

    W = _rows(row, grid1.p, batch_size)
    return AnnihilationKernel(W, E1, E2, grid1.measure(), grid2.measure(), float(g1), float(g2), T)


def fokker_planck_gamma(msq: Callable, T, *, m, g: float, m_b, bath_stats: str = "MB", n_e: int = 48, n_t: int = 16):
    """γ(T) [GeV] of the Fokker–Planck operator for a heavy species (kernel_reduce.fp_gamma)."""
    eta = _common_checks(T, {"m": m, "m_b": m_b}, {"bath_stats": bath_stats})["bath_stats"]
    check_mass(m, "m", positive=True)
    T = jnp.asarray(T, dtype=jnp.float64)
    return fp_gamma(msq, m, g, m_b, T, eta, n_e, n_t)


def fokker_planck_kernel(gamma, grid: MomentumGrid, T, *, m, g: float, check: bool = True) -> ElasticKernel:
    """Fokker–Planck limit of elastic scattering (relativistic form, docs §5):

        C = (1/p²) ∂_p [p² D e^{−E/T} ∂_p(f e^{E/T})],  D = γ E T/2,
          = (γ/2)[T E ∂²_p + (p + 2TE/p + Tp/E) ∂_p + 3] f,

    discretised as nearest-neighbour fluxes in the same S form as the full kernel (exact detailed
    balance and number conservation): S_{i,i+1} = g e_i² D(e_i)/(2π² (p_{i+1} − p_i)), e_i the cell face
    between nodes i and i+1 (finite volumes of width w_i).
    """
    check_mass(m, "m", positive=True)
    check_positive(T, "T")
    if check:
        check_grid(grid, m, T, "grid")
    T = jnp.asarray(T, dtype=jnp.float64)
    p = grid.p
    pm = grid.edges()[1:-1]  # finite-volume faces e_i = Σ_{k≤i} w_k (midpoint grid: halfway between nodes)
    Em = jnp.sqrt(m**2 + pm**2)
    D = 0.5 * gamma * Em * T
    c = g * pm**2 * D / (2.0 * jnp.pi**2 * (p[1:] - p[:-1]))
    S = jnp.diag(c, 1) + jnp.diag(c, -1)
    return ElasticKernel(S, grid.energy(m), grid.measure(), float(g), T)
