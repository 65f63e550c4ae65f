"""General 2→2 collision-kernel engine (jaxrelic/engines/kernel*.py; docs/physics/kernel_engine.md).

* detailed balance C[f^eq] = 0 to ≤ 1e-12 (every kernel, MB and FD/BE bath);
* number conservation to round-off (elastic, conversion pair, decay pair, annihilation pair);
* kernel entries Â(p, p′) against an independent quasi-Monte-Carlo integration over 3-D momenta
  (tests/engines/mc_reference.py, NumPy only);
* annihilation: integrated rate = n₁^eq n₂^eq ⟨σv⟩ of jaxrelic.thermal_average for σ(s) from the same |M|²;
* decays: loss rate Γ m/E, daughter production = parent decay rate;
* Fokker–Planck limit vs the full elastic kernel for m/T = 100 and 400;
* jax.grad of a kernel-derived scalar vs central finite differences;
* bad inputs → ValueError naming the parameter.
Every kernel is built once per module (fixtures) with fixed shapes.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxrelic  # noqa: F401  (float64)
from jaxrelic.engines.kernel import (
    annihilation_kernel,
    conversion_kernel,
    decay_kernel,
    elastic_kernel,
    fokker_planck_gamma,
    fokker_planck_kernel,
    momentum_grid,
    MomentumGrid,
)
from jaxrelic.engines.kernel_reduce import annihilation_w, scatter_hat
from jaxrelic.stats import thermal_average

from .mc_reference import mc_annihilation_w, mc_scatter_hat, mc_scatter_hat_kframe

T0 = 0.05
M1, M2, MB = 1.0, 1.1, 0.1


def msq_np(s, t):
    return 1.0 + 0.3 * s - 0.2 * t


def msq(s, t):
    return 1.0 + 0.3 * s - 0.2 * t


@pytest.fixture(scope="module")
def grid():
    return momentum_grid(1.5, 48)


@pytest.fixture(scope="module", params=[("MB", MB), ("BE", MB), ("FD", 0.25)])
def conv(request, grid):
    stats, mbp = request.param
    return conversion_kernel(msq, grid, T0, m1=M1, m2=M2, g1=2, g2=4, m_b=MB, m_b_out=mbp, bath_stats=stats)


@pytest.fixture(scope="module", params=["MB", "FD"])
def elastic(request):
    g = momentum_grid(1.4, 48)
    return elastic_kernel(msq, g, T0, m=M1, g=2, m_b=MB, bath_stats=request.param)


@pytest.fixture(scope="module", params=["MB", "BE"])
def decay(request, grid):
    return decay_kernel(1e-3, grid, T0, m1=1.2, m2=0.8, m_b=0.1, g1=2, g2=2, bath_stats=request.param)


@pytest.fixture(scope="module", params=["MB", "FD"])
def annih(request, grid):
    return annihilation_kernel(msq, grid, T0, m1=M1, m2=M1, g1=2, g2=2, m_b=0.0, bath_stats=request.param)


def _rel(x, scale):
    return float(jnp.max(jnp.abs(x) / scale))


# ---------------------------------------------------------------- detailed balance


def test_detailed_balance_conversion(conv):
    K12, G1, K21, G2 = conv.matrices()
    f1, f2 = conv.f_eq1(), conv.f_eq2()
    C1, C2 = conv.apply(f1, f2)
    assert _rel(C1, G1 * f1) <= 1e-12
    assert _rel(C2, G2 * f2) <= 1e-12
    assert float(jnp.min(conv.S)) >= 0.0 and float(jnp.max(G1)) > 0.0


def test_detailed_balance_elastic(elastic):
    f = elastic.f_eq()
    assert _rel(elastic.apply(f), elastic.rate() * f) <= 1e-12
    assert _rel(elastic.matrix() @ f, elastic.rate() * f) <= 1e-12


def test_detailed_balance_decay(decay):
    C1, C2 = decay.apply(decay.f_eq1(), decay.f_eq2())
    _, G1, _, G2 = decay.matrices()
    assert _rel(C1, G1 * decay.f_eq1()) <= 1e-12
    assert _rel(C2, G2 * decay.f_eq2()) <= 1e-12


def test_detailed_balance_annihilation(annih):
    f1, f2 = annih.f_eq1(), annih.f_eq2()
    C1, C2 = annih.apply(f1, f2)
    A1, _ = annih.matrices()
    scale = jnp.sum(A1 * f2[None, :], axis=1) * f1
    assert float(jnp.max(jnp.abs(C1) / scale)) <= 1e-12
    assert float(jnp.max(jnp.abs(C2))) <= 1e-12 * float(jnp.max(scale))


def test_detailed_balance_fokker_planck():
    m, T = 1.0, 0.01
    g = momentum_grid(0.6, 64, rule="midpoint")
    F = fokker_planck_kernel(1e-7, g, T, m=m, g=2)
    f = F.f_eq()
    assert _rel(F.apply(f), F.rate() * f) <= 1e-12


# ---------------------------------------------------------------- number conservation


def _smooth_f(E, T, m):
    return jnp.exp(-(E - m) / (1.3 * T)) * (1.0 + 0.5 * jnp.sin(7.0 * (E - m) / (10 * T)))


def test_number_conservation_elastic(elastic):
    f = _smooth_f(elastic.E, T0, M1)
    C = elastic.apply(f)
    flux = jnp.sum(elastic.g * elastic.mu * elastic.rate() * f)
    assert abs(float(jnp.sum(elastic.g * elastic.mu * C))) <= 1e-13 * float(flux)
    assert float(jnp.max(jnp.abs(C))) > 1e-3 * float(jnp.max(elastic.rate() * f))  # not trivially zero


def test_number_conservation_conversion_pair(conv):
    f1 = _smooth_f(conv.E1, T0, M1)
    f2 = 0.2 * _smooth_f(conv.E2, T0, M2)
    C1, C2 = conv.apply(f1, f2)
    n1 = jnp.sum(conv.g1 * conv.mu1 * C1)
    n2 = jnp.sum(conv.g2 * conv.mu2 * C2)
    flux = jnp.sum(conv.g1 * conv.mu1 * conv.rate1() * f1)
    assert abs(float(n1 + n2)) <= 1e-13 * float(flux)
    assert abs(float(n1)) > 1e-3 * float(flux)


def test_number_conservation_annihilation_pair(annih):
    f1 = 2.0 * _smooth_f(annih.E1, T0, M1)
    C1, C2 = annih.apply(f1, 1.5 * f1)
    n1 = jnp.sum(annih.g1 * annih.mu1 * C1)
    n2 = jnp.sum(annih.g2 * annih.mu2 * C2)
    assert abs(float(n1 - n2)) <= 1e-13 * abs(float(n1))


# ---------------------------------------------------------------- kernel entries vs Monte Carlo

MC_POINTS = [
    # (m1, m2, m_b, m_b′, p1, p2, η_b, sampling, tol)
    (1.0, 1.1, 0.1, 0.1, 0.3, 0.5, 0.0, "lab", 1e-4),  # conversion ν γ̂ → τ γ̂-like, MB bath
    (1.0, 1.1, 0.1, 0.1, 0.2, 0.25, -1.0, "lab", 1e-4),  # conversion, BE bath
    (1.0, 1.0, 0.1, 0.1, 0.3, 0.35, 0.0, "q", 2e-6),  # elastic, MB bath
    (1.0, 1.0, 0.1, 0.1, 0.3, 0.35, -1.0, "q", 2e-6),  # elastic, BE bath
    (1.0, 1.1, 0.1, 0.1, 0.3, 0.5, 1.0, "q", 2e-6),  # conversion, FD bath
    (1.2, 1.0, 0.0, 0.1, 0.1, 0.12, 0.0, "q", 1e-4),  # m_b′ ≠ m_b with a t > 0 sector (bounded E_b)
    (1.0, 1.1, 0.25, 0.1, 0.3, 0.5, 1.0, "q", 1e-4),  # m_b′ < m_b, FD bath
]


@pytest.mark.parametrize("m1,m2,mb,mbp,p1,p2,eta,frame,tol", MC_POINTS)
def test_kernel_entries_vs_monte_carlo(m1, m2, mb, mbp, p1, p2, eta, frame, tol):
    ours = float(scatter_hat(msq, jnp.asarray(p1), jnp.asarray(p2), m1, m2, mb, T0, eta, eta, mbp=mbp))
    if frame == "lab":  # p⃗_b sampled in the lab frame (fully independent parametrisation); 4 × 2^20 Sobol points
        ref, err = mc_scatter_hat(msq_np, p1, p2, m1, m2, mb, T0, eta, eta, log2n=20, mbp=mbp)
    else:  # sampling box aligned with q⃗ (forward-peaked elastic integrand)
        ref, err = mc_scatter_hat_kframe(msq_np, p1, p2, m1, m2, mb, T0, eta, eta, log2n=20, mbp=mbp)
    assert err / ref < 0.5 * tol
    assert abs(ours / ref - 1.0) < tol, (ours, ref, err)


@pytest.mark.parametrize(
    "m1,m2,mb,mbp,p1,p2,eta,T",
    [(1.0, 1.0, 0.0, 0.0, 0.3, 0.2, 0.0, 0.05), (1.0, 1.0, 0.0, 0.0, 0.3, 0.2, 1.0, 0.5), (1.0, 1.2, 0.1, 0.3, 0.3, 0.5, -1.0, 0.4)],
)
def test_annihilation_entries_vs_monte_carlo(m1, m2, mb, mbp, p1, p2, eta, T):
    """W(p₁, p₂) (MB: 2-D (s, cos θ*); FD/BE: 3-D about the boost axis) against lab-frame quasi-MC
    (the hot T makes the blocking/enhancement factors O(10 %))."""
    ours = float(annihilation_w(msq, jnp.asarray(p1), jnp.asarray(p2), m1, m2, mb, mbp, T, eta, eta))
    ref, err = mc_annihilation_w(msq_np, p1, p2, m1, m2, mb, mbp, T, eta, eta, log2n=18)
    assert err / ref < 1e-6
    assert abs(ours / ref - 1.0) < 1e-6


# ---------------------------------------------------------------- annihilation vs ⟨σv⟩


def test_annihilation_rate_vs_thermal_average():
    m, T, a, b, c = 1.0, 0.05, 2.0, 0.5, -0.7
    g1 = g2 = 2

    def msq_a(s, t):
        return a + b * s + c * t

    def sigma(s):  # massless final state: ⟨t⟩ over cos θ* = m² − s/2, ∫dΦ₂ = 1/(8π) ⟨Σ|M|²⟩
        phi = (a + b * s + c * (m**2 - 0.5 * s)) / (8.0 * jnp.pi)
        return phi / (g1 * g2 * 2.0 * jnp.sqrt(s * (s - 4.0 * m**2)))

    grid = momentum_grid(2.0, 64)  # E − m = 24.7 T at p_max: truncation e^{−24.7}
    A = annihilation_kernel(msq_a, grid, T, m1=m, m2=m, g1=g1, g2=g2, m_b=0.0)
    f = 2.0 * A.f_eq1()
    C1, _ = A.apply(f, f)
    rate = -float(jnp.sum(g1 * A.mu1 * C1)) / 3.0  # f = 2 f^eq: (4 − 1) n_eq² ⟨σv⟩
    neq = float(jnp.sum(g1 * A.mu1 * A.f_eq1()))
    sv = float(thermal_average(sigma, m, m, jnp.asarray(T)))
    assert abs(rate / (neq**2 * sv) - 1.0) < 1e-8
    # the FD path (3-D angular integral about the boost axis) with vanishing blocking = MB path
    p1, p2 = jnp.asarray(0.3), jnp.asarray(0.2)
    w_mb = annihilation_w(msq_a, p1, p2, m, m, 0.0, 0.0, T, 0.0, 0.0)
    w_fd = annihilation_w(msq_a, p1, p2, m, m, 0.0, 0.0, T, 1e-300, 1e-300)
    assert abs(float(w_fd / w_mb) - 1.0) < 1e-12


# ---------------------------------------------------------------- decays


def test_decay_rate_and_daughter_spectrum(grid):
    m1, m2, mb, width = 1.2, 0.8, 0.1, 1e-3
    D = decay_kernel(width, grid, T0, m1=m1, m2=m2, m_b=mb, g1=2, g2=3)
    E1 = D.E1
    assert _rel(D.rate1() - width * m1 / E1, width * m1 / E1) < 1e-13
    f1 = D.f_eq1() * 3.0
    C1, C2 = D.apply(f1, jnp.zeros_like(D.E2))
    parents = -float(jnp.sum(2 * D.mu1 * C1))
    daughters = float(jnp.sum(3 * D.mu2 * C2))
    assert abs(daughters / parents - 1.0) < 1e-13
    # the spectrum of one parent node against the analytic box dΓ/dE₂ = Γ m₁/E₁ · m₁/(2p₁p*) on [E₋, E₊]
    i = 30
    p1 = float(grid.p[i])
    e1 = np.hypot(m1, p1)
    ps = np.sqrt((m1**2 - (m2 + mb) ** 2) * (m1**2 - (m2 - mb) ** 2)) / (2 * m1)
    e2s = (m1**2 + m2**2 - mb**2) / (2 * m1)
    em, ep = (e1 * e2s - p1 * ps) / m1, (e1 * e2s + p1 * ps) / m1
    edges = np.sqrt(m2**2 + np.asarray(grid.edges()) ** 2)
    edges[-1] = np.inf
    box = np.clip(np.minimum(edges[1:], ep) - np.maximum(edges[:-1], em), 0, None) / (ep - em) * width * m1 / e1
    K12, G1, K21, G2 = D.matrices()
    prod = np.asarray(K21[:, i]) * 3 * np.asarray(D.mu2) / (2 * float(D.mu1[i]))  # daughters into cell j per parent
    assert np.max(np.abs(prod - box)) < 1e-13 * width


def test_decay_bose_enhancement_positive(grid):
    Dm = decay_kernel(1e-3, grid, T0, m1=1.2, m2=0.8, m_b=0.1, g1=2, g2=2)
    Db = decay_kernel(1e-3, grid, T0, m1=1.2, m2=0.8, m_b=0.1, g1=2, g2=2, bath_stats="BE")
    ratio = Db.rate1() / Dm.rate1()
    assert float(jnp.min(ratio)) > 1.0 and float(jnp.max(ratio)) < 1.2


# ---------------------------------------------------------------- Fokker–Planck limit


def _fp_vs_full(m_over_T, n):
    m = 1.0
    T = m / m_over_T

    def msq_c(s, t):
        return 1.0e3 * jnp.ones_like(s + t)

    pc = np.sqrt((m + 12 * T) ** 2 - m * m)
    g = momentum_grid(1.2 * pc, n, rule="midpoint")
    K = elastic_kernel(msq_c, g, T, m=m, g=2, m_b=0.0, n_phi=1)
    gam = fokker_planck_gamma(msq_c, T, m=m, g=2, m_b=0.0)
    F = fokker_planck_kernel(gam, g, T, m=m, g=2)
    f = jnp.exp(-(g.energy(m) - m) / (1.2 * T))  # DM 20 % hotter than the bath
    c_full, c_fp = K.apply(f), F.apply(f)
    w = g.measure()
    return float(jnp.sqrt(jnp.sum(w * (c_full - c_fp) ** 2) / jnp.sum(w * c_fp**2)))


def test_fokker_planck_limit():
    """Relative (phase-space weighted L2) difference full − FP: 0.147 at m/T = 100, 0.041 at 400 (∝ T/m)."""
    e100 = _fp_vs_full(100.0, 64)
    e400 = _fp_vs_full(400.0, 96)
    assert e100 < 0.2 and e400 < 0.06
    assert e400 / e100 < 0.35  # the difference falls like T/m


def test_fokker_planck_gamma_closed_form():
    """Constant Σ|M|² = c, massless MB bath: γ = c T⁴/(2π³ g m³) (Bringmann–Hofmann with t-weighting)."""
    c, m, T, g = 3.0, 1.0, 0.01, 2
    gam = fokker_planck_gamma(lambda s, t: c * jnp.ones_like(s + t), T, m=m, g=g, m_b=0.0)
    assert abs(float(gam) / (c * T**4 / (2 * jnp.pi**3 * g * m**3)) - 1.0) < 1e-12


# ---------------------------------------------------------------- gradients


def test_gradient_vs_finite_differences():
    grid = momentum_grid(1.5, 8)
    T = 0.08

    def scalar(params):
        lam, mb, m2 = params
        K = conversion_kernel(
            lambda s, t: lam**2 * (1.0 + 0.3 * s - 0.2 * t), grid, T, m1=1.0, m2=m2, g1=2, g2=2, m_b=mb, m_b_out=0.2, n_q=8, n_e=8, n_phi=4, check=False
        )
        f1 = K.f_eq1() * 1.5
        C1, _ = K.apply(f1, K.f_eq2())
        return jnp.sum(K.mu1 * C1)

    scalar = jax.jit(scalar)
    x0 = jnp.array([0.7, 0.1, 1.1])
    gr = jax.jit(jax.grad(scalar))(x0)
    for k in range(3):
        h = 1e-5 * float(x0[k])
        e = jnp.zeros(3).at[k].set(h)
        fd = (scalar(x0 + e) - scalar(x0 - e)) / (2 * h)
        assert abs(float(gr[k]) / float(fd) - 1.0) < 1e-6, (k, gr[k], fd)


def test_vmap_over_coupling_and_comoving_grid():
    """vmap of a kernel build over a coupling (∝ λ² exactly), and a comoving grid q/a gives the same operator."""
    g = momentum_grid(1.5, 8)

    def rate(lam):
        K = conversion_kernel(lambda s, t: lam**2 * msq(s, t), g, 0.08, m1=1.0, m2=1.1, g1=2, g2=2, m_b=0.1, n_q=8, n_e=8, n_phi=2, check=False)
        return K.rate1()

    r = jax.vmap(rate)(jnp.array([1.0, 2.0]))
    assert float(jnp.max(jnp.abs(r[1] / (4.0 * r[0]) - 1.0))) < 1e-13
    a = 3.0
    gq = MomentumGrid(g.p * a, g.w * a)  # comoving q = a p
    Kq = conversion_kernel(msq, MomentumGrid(gq.p / a, gq.w / a), 0.08, m1=1.0, m2=1.1, g1=2, g2=2, m_b=0.1, n_q=8, n_e=8, n_phi=2, check=False)
    assert float(jnp.max(jnp.abs(Kq.rate1() / r[0] - 1.0))) < 1e-13


def test_layering():
    """The engine imports only the generic layers (constants, numerics, thermo, stats) and itself."""
    import ast
    import pathlib

    root = pathlib.Path(jaxrelic.__file__).parent / "engines"
    for path in sorted(root.glob("kernel*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level > 0:
                mod = (node.module or "").split(".")[0]
                if node.level == 1:
                    assert mod.startswith("kernel"), (path.name, node.module)
                else:
                    assert mod in ("constants", "numerics", "thermo", "stats"), (path.name, node.module)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module]
                assert not any(n.startswith("jaxrelic.models") or n.startswith("jaxrelic.workflows") for n in names)


# ---------------------------------------------------------------- cross-check with the twin model's 1-D operator


@pytest.mark.parametrize("x,stats_in,stats_out,tol", [(20.0, "MB", "MB", 2e-4), (10.0, "BE", "MB", 3e-4)])
def test_twin_coscattering_rate_vs_c_tilde_S(x, stats_in, stats_out, tol):
    """Loss rate Γ₁(p) = Σ_j (ν̂ γ̂ → τ̂ γ̂ into τ̂ node j) of the general engine, with Σ|M|²_S of the twin
    model (arXiv:1805.12139), against the model-specific C̃_S(p, T) (Form I with tabulated G_S,
    docs/physics/twin_collision_operators.md §3.1), for p < 1.5 m_ν.  C̃_S(BE) has a BE *incoming*
    γ̂ only (no stimulated-emission factor 1 + f_γ̂ for the outgoing one), hence bath_out_stats="MB"."""
    from jaxrelic.models.twin_higgs import TwinHiggs, c_tilde_S
    from jaxrelic.models.twin_higgs.processes import msq_S

    mod = TwinHiggs(1.0, 0.1, 0.5, 1e-3)
    mnu, mtau, mg = float(mod.m_nu), float(mod.m_tau), float(mod.m_gamma)
    T = mnu / x
    g = momentum_grid(3.0, 128)
    K = conversion_kernel(
        lambda s, t: msq_S(mod, s, mnu**2 + mtau**2 + 2 * mg**2 - s - t),
        g,
        T,
        m1=mnu,
        m2=mtau,
        g1=2,
        g2=2,
        m_b=mg,
        bath_stats=stats_in,
        bath_out_stats=stats_out,
    )
    ref = np.asarray(c_tilde_S(mod, g.p, T, statistics=stats_in))
    sel = np.asarray(g.p) < 1.5 * mnu
    rel = np.abs(np.asarray(K.rate1()) / ref - 1.0)[sel]
    assert rel.max() < tol, rel.max()


# ---------------------------------------------------------------- bad inputs


def test_bad_inputs(grid):
    with pytest.raises(ValueError, match="bath_stats"):
        conversion_kernel(msq, grid, T0, m1=M1, m2=M2, g1=2, g2=2, m_b=MB, bath_stats="XY")
    with pytest.raises(ValueError, match="m_b"):
        conversion_kernel(msq, grid, T0, m1=M1, m2=M2, g1=2, g2=2, m_b=-0.1)
    with pytest.raises(ValueError, match="m1"):
        annihilation_kernel(msq, grid, T0, m1=-1.0, m2=M1, g1=2, g2=2, m_b=0.0)
    with pytest.raises(ValueError, match="p_max"):
        conversion_kernel(msq, momentum_grid(0.5, 48), T0, m1=M1, m2=M2, g1=2, g2=2, m_b=MB)
    with pytest.raises(ValueError, match="nodes below"):
        conversion_kernel(msq, MomentumGrid([0.1, 0.5, 1.0, 1.5], [0.3, 0.4, 0.5, 0.3]), T0, m1=M1, m2=M2, g1=2, g2=2, m_b=MB)
    with pytest.raises(ValueError, match="spacing"):
        elastic_kernel(msq, momentum_grid(1.5, 16), T0, m=M1, g=2, m_b=MB)
    with pytest.raises(ValueError, match="m1 must be > m2 \\+ m_b"):
        decay_kernel(1e-3, grid, T0, m1=1.0, m2=0.95, m_b=0.1, g1=2, g2=2)
    with pytest.raises(ValueError, match="T"):
        conversion_kernel(msq, grid, -1.0, m1=M1, m2=M2, g1=2, g2=2, m_b=MB)
    with pytest.raises(ValueError, match="rule"):
        momentum_grid(1.0, 16, rule="simpson")
