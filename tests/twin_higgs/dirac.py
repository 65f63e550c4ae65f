"""Brute-force Feynman amplitudes with explicit Dirac matrices (numpy, complex128).

Independent cross-check of the closed-form matrix elements of
``jaxrelic.models.twin_higgs`` (arXiv:1805.12139;
docs/physics/twin_model.md §3.2-3.10).  Nothing here uses a trace
identity or a polarisation-sum formula: amplitudes are built from

* gamma matrices in the Dirac representation, metric (+,-,-,-);
* explicit Dirac spinors u(p, s), v(p, s) (normalisation ubar u = 2m);
* explicit polarisation vectors of a massive vector boson (two transverse, one
  longitudinal, all three physical states of a massive twin photon), or of a
  massless one (two transverse) for the QED limit;

and |M|^2 is summed numerically over every spin and polarisation state.  Momenta
are generated in the centre-of-mass frame and then boosted with a random Lorentz
boost, so the Lorentz invariance of the closed forms is exercised as well.

The vertex of a twin photon with the fermion line psibar_i ... psi_j is
``e_hat * gamma^mu (gL P_L + gR P_R)`` (§3.2); overall phases (factors of i) drop
out of |M|^2.
"""

from __future__ import annotations

import numpy as np

METRIC = np.diag([1.0, -1.0, -1.0, -1.0]).astype(np.complex128)

_I2 = np.eye(2, dtype=np.complex128)
_Z2 = np.zeros((2, 2), dtype=np.complex128)
PAULI = np.array(
    [[[0, 1], [1, 0]], [[0, -1j], [1j, 0]], [[1, 0], [0, -1]]], dtype=np.complex128
)

#: Dirac-representation gamma matrices gamma^mu, mu = 0..3 (upper index).
GAMMA = np.array(
    [np.block([[_I2, _Z2], [_Z2, -_I2]])]
    + [np.block([[_Z2, PAULI[i]], [-PAULI[i], _Z2]]) for i in range(3)]
)
GAMMA5 = 1j * GAMMA[0] @ GAMMA[1] @ GAMMA[2] @ GAMMA[3]
P_L = 0.5 * (np.eye(4) - GAMMA5)
P_R = 0.5 * (np.eye(4) + GAMMA5)


def minkowski_dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Minkowski product a.b with metric (+,-,-,-); arrays of shape (..., 4)."""
    return a[..., 0] * b[..., 0] - np.sum(a[..., 1:] * b[..., 1:], axis=-1)


def slash(p: np.ndarray) -> np.ndarray:
    """Feynman slash gamma^mu p_mu for p of shape (..., 4) -> (..., 4, 4)."""
    p_lower = p * np.array([1.0, -1.0, -1.0, -1.0])
    return np.einsum("...m,mij->...ij", p_lower.astype(np.complex128), GAMMA)


def dirac_bar(spinor: np.ndarray) -> np.ndarray:
    """Dirac adjoint psi^dagger gamma^0 of spinors of shape (..., 4)."""
    return np.einsum("...i,ij->...j", np.conj(spinor), GAMMA[0])


def _two_spinors() -> np.ndarray:
    return np.eye(2, dtype=np.complex128)


def u_spinor(p: np.ndarray, m: float, s: int) -> np.ndarray:
    """Positive-energy Dirac spinor u(p, s) (Dirac rep.), ubar u = 2m.

    ``p`` has shape (..., 4) with p^0 = sqrt(|p|^2 + m^2); ``s`` in {0, 1}
    labels an orthonormal basis of two-component spinors.
    """
    chi = _two_spinors()[s]
    e = p[..., 0]
    sp = np.einsum("...k,kij->...ij", p[..., 1:].astype(np.complex128), PAULI)
    n = np.sqrt(e + m)[..., None]
    upper = n * chi
    lower = np.einsum("...ij,j->...i", sp, chi) / n
    return np.concatenate([upper, lower], axis=-1)


def v_spinor(p: np.ndarray, m: float, s: int) -> np.ndarray:
    """Negative-energy Dirac spinor v(p, s) (Dirac rep.), vbar v = -2m."""
    eta = _two_spinors()[s]
    e = p[..., 0]
    sp = np.einsum("...k,kij->...ij", p[..., 1:].astype(np.complex128), PAULI)
    n = np.sqrt(e + m)[..., None]
    upper = np.einsum("...ij,j->...i", sp, eta) / n
    lower = n * eta
    return np.concatenate([upper, lower], axis=-1)


def polarisations(k: np.ndarray, mass: float) -> list[np.ndarray]:
    """Explicit polarisation vectors eps^mu(k) of a vector boson.

    Massive (``mass > 0``): two real transverse vectors orthogonal to the
    three-momentum plus the longitudinal one (|k|/M, E khat/M).  Massless
    (``mass == 0``): only the two transverse vectors.  Shape (..., 4) each.
    """
    kvec = k[..., 1:]
    kabs = np.linalg.norm(kvec, axis=-1)
    khat = kvec / kabs[..., None]
    trial = np.where(
        (np.abs(khat[..., 2]) < 0.9)[..., None],
        np.array([0.0, 0.0, 1.0]),
        np.array([1.0, 0.0, 0.0]),
    )
    e1 = np.cross(khat, trial)
    e1 /= np.linalg.norm(e1, axis=-1)[..., None]
    e2 = np.cross(khat, e1)
    zero = np.zeros(kabs.shape + (1,))
    pols = [np.concatenate([zero, e1], -1), np.concatenate([zero, e2], -1)]
    if mass > 0.0:
        eps_l = np.concatenate(
            [(kabs / mass)[..., None], (k[..., 0] / mass)[..., None] * khat], -1
        )
        pols.append(eps_l)
    return pols


def kallen(x, y, z):
    """Källén function lambda(x, y, z) (§1)."""
    return x * x + y * y + z * z - 2 * x * y - 2 * x * z - 2 * y * z


def kallen_masses(s, m1, m2):
    """lambda(s, m1^2, m2^2) in factorised form (no cancellation near threshold)."""
    return (s - (m1 + m2) ** 2) * (s - (m1 - m2) ** 2)


def random_boost(rng: np.random.Generator, n: int, beta_max: float = 0.6):
    """n random Lorentz boost matrices Lambda^mu_nu with speed < beta_max."""
    direction = rng.normal(size=(n, 3))
    direction /= np.linalg.norm(direction, axis=-1)[:, None]
    beta = beta_max * rng.uniform(size=n)
    gam = 1.0 / np.sqrt(1.0 - beta**2)
    lam = np.zeros((n, 4, 4))
    lam[:, 0, 0] = gam
    lam[:, 0, 1:] = (gam * beta)[:, None] * direction
    lam[:, 1:, 0] = lam[:, 0, 1:]
    lam[:, 1:, 1:] = np.eye(3)[None] + ((gam - 1.0)[:, None, None]) * np.einsum(
        "ni,nj->nij", direction, direction
    )
    return lam


def two_to_two_momenta(rng, sqrt_s, m1, m2, m3, m4, cos_theta, boost=True):
    """Momenta p1 + p2 -> p3 + p4 at CM energy sqrt_s and CM angle theta.

    The initial state is along a random axis; the final-state azimuth is random;
    optionally every momentum is boosted by a common random boost.  Returns an
    array of shape (4, n, 4) = (particle, point, component).
    """
    sqrt_s = np.asarray(sqrt_s, float)
    cos_theta = np.asarray(cos_theta, float)
    n = cos_theta.size
    sqrt_s = np.broadcast_to(sqrt_s, (n,))
    s = sqrt_s**2
    pin = np.sqrt(kallen_masses(s, m1, m2)) / (2 * sqrt_s)
    pout = np.sqrt(kallen_masses(s, m3, m4)) / (2 * sqrt_s)
    axis = rng.normal(size=(n, 3))
    axis /= np.linalg.norm(axis, axis=-1)[:, None]
    trial = np.where((np.abs(axis[:, 2]) < 0.9)[:, None], [0, 0, 1.0], [1.0, 0, 0])
    ex = np.cross(axis, trial)
    ex /= np.linalg.norm(ex, axis=-1)[:, None]
    ey = np.cross(axis, ex)
    phi = rng.uniform(0, 2 * np.pi, size=n)
    sin_theta = np.sqrt(1 - cos_theta**2)
    out_dir = (
        cos_theta[:, None] * axis
        + (sin_theta * np.cos(phi))[:, None] * ex
        + (sin_theta * np.sin(phi))[:, None] * ey
    )

    def four(e, vec):
        return np.concatenate([e[:, None], vec], -1)

    p1 = four(np.sqrt(pin**2 + m1**2), pin[:, None] * axis)
    p2 = four(np.sqrt(pin**2 + m2**2), -pin[:, None] * axis)
    p3 = four(np.sqrt(pout**2 + m3**2), pout[:, None] * out_dir)
    p4 = four(np.sqrt(pout**2 + m4**2), -pout[:, None] * out_dir)
    moms = np.stack([p1, p2, p3, p4])
    if boost:
        lam = random_boost(rng, n)
        moms = np.einsum("nij,anj->ani", lam, moms)
    return moms


def _vertex(eps: np.ndarray, g_l: float, g_r: float) -> np.ndarray:
    """eps-slash (gL P_L + gR P_R) for polarisation vectors of shape (..., 4)."""
    return slash(eps) @ (g_l * P_L + g_r * P_R)


def _propagator(q: np.ndarray, m: float) -> np.ndarray:
    """Fermion propagator numerator/denominator (qslash + m)/(q^2 - m^2)."""
    den = minkowski_dot(q, q) - m * m
    return (slash(q) + m * np.eye(4)) / den[..., None, None]


def _sandwich(bar: np.ndarray, mat: np.ndarray, ket: np.ndarray) -> np.ndarray:
    return np.einsum("...i,...ij,...j->...", bar, mat, ket)


def msq_annihilation(
    p1, p2, k1, k2, m_a, m_b, m_c, m_vec, vtx_a, vtx_b, e_hat=1.0, massless=False
):
    """Sum over all spins/polarisations of |M|^2 for a(p1) bbar(p2) -> V(k1) V(k2).

    t- and u-channel exchange of a fermion c of mass ``m_c``.  The vertex next to
    the incoming particle a is ``vtx_a = (gL, gR)`` (c-a-V), the vertex next to
    the incoming antiparticle bbar is ``vtx_b`` (b-c-V).  Amplitude

        M = vbar_b(p2) [V_b(eps2*) S_c(p1-k1) V_a(eps1*)
                        + V_b(eps1*) S_c(p1-k2) V_a(eps2*)] u_a(p1).

    ``massless=True`` uses the two transverse polarisations of a massless photon
    (QED limit).  Returns shape (n,), including the factor e_hat^4.
    """
    prop_t = _propagator(p1 - k1, m_c)
    prop_u = _propagator(p1 - k2, m_c)
    pol1 = polarisations(k1, 0.0 if massless else m_vec)
    pol2 = polarisations(k2, 0.0 if massless else m_vec)
    total = np.zeros(p1.shape[0])
    for s1 in range(2):
        ua = u_spinor(p1, m_a, s1)
        for s2 in range(2):
            vb = dirac_bar(v_spinor(p2, m_b, s2))
            for e1 in pol1:
                for e2 in pol2:
                    mat = _vertex(e2, *vtx_b) @ prop_t @ _vertex(e1, *vtx_a)
                    mat = mat + _vertex(e1, *vtx_b) @ prop_u @ _vertex(e2, *vtx_a)
                    amp = _sandwich(vb, mat, ua)
                    total += np.abs(amp) ** 2
    return e_hat**4 * total


def feynman_polarisations(n: int) -> list[tuple[float, np.ndarray]]:
    """Weighted unit vectors (w, e_lambda) with sum_lambda w e^mu e^nu = -g^{mu nu}.

    Used to evaluate the "-g^{mu nu} only" polarisation sum of twin_model.md §2.6
    (unphysical for a massive vector with a non-conserved current; it drops the
    longitudinal k^mu k^nu / M^2 pieces).
    """
    out = []
    for lam, w in zip(range(4), (-1.0, 1.0, 1.0, 1.0)):
        e = np.zeros((n, 4))
        e[:, lam] = 1.0
        out.append((w, e))
    return out


def msq_scattering(
    p1, k1, p2, k2, m_in, m_out, m_c, m_vec, vtx_in, vtx_out, e_hat=1.0, pol_sum="physical"
):
    """Sum over all spins/polarisations of |M|^2 for f(p1) V(k1) -> F(p2) V(k2).

    s- and u-channel exchange of fermion c (mass ``m_c``); ``vtx_in`` = (gL, gR)
    of the c-f-V vertex, ``vtx_out`` of the F-c-V vertex.  Amplitude

        M = ubar_F(p2) [V_out(eps2*) S_c(p1+k1) V_in(eps1)
                        + V_out(eps1) S_c(p1-k2) V_in(eps2*)] u_f(p1).

    ``pol_sum="physical"`` sums the three physical polarisations of each massive
    vector; ``pol_sum="feynman"`` replaces each sum by -g^{mu nu}.  Returns shape
    (n,), including the factor e_hat^4.
    """
    prop_s = _propagator(p1 + k1, m_c)
    prop_u = _propagator(p1 - k2, m_c)
    if pol_sum == "physical":
        pol1 = [(1.0, e) for e in polarisations(k1, m_vec)]
        pol2 = [(1.0, e) for e in polarisations(k2, m_vec)]
    elif pol_sum == "feynman":
        pol1 = pol2 = feynman_polarisations(p1.shape[0])
    else:
        raise ValueError(f"unknown pol_sum {pol_sum!r}")
    total = np.zeros(p1.shape[0])
    for s1 in range(2):
        u_in = u_spinor(p1, m_in, s1)
        for s2 in range(2):
            ubar_out = dirac_bar(u_spinor(p2, m_out, s2))
            for w1, e1 in pol1:
                for w2, e2 in pol2:
                    mat = _vertex(e2, *vtx_out) @ prop_s @ _vertex(e1, *vtx_in)
                    mat = mat + _vertex(e1, *vtx_out) @ prop_u @ _vertex(e2, *vtx_in)
                    total += w1 * w2 * np.abs(_sandwich(ubar_out, mat, u_in)) ** 2
    return e_hat**4 * total


def msq_decay(p, q, k, m_in, m_out, m_vec, vtx, e_hat=1.0):
    """Sum over spins/polarisations of |M|^2 for F(p) -> f(q) V(k), M = ubar_f V(eps*) u_F."""
    total = np.zeros(p.shape[0])
    for s1 in range(2):
        u_in = u_spinor(p, m_in, s1)
        for s2 in range(2):
            ubar = dirac_bar(u_spinor(q, m_out, s2))
            for eps in polarisations(k, m_vec):
                total += np.abs(_sandwich(ubar, _vertex(eps, *vtx), u_in)) ** 2
    return e_hat**2 * total


def msq_three_body(p, q, pf, pfbar, m_in, m_out, m_f, m_vec, vtx, e_hat, g_f):
    """Sum over spins of |M|^2 for F(p) -> f(q) ferm(pf) antiferm(pfbar) via V*.

    The vector V (mass ``m_vec``) is internal and off shell, K = pf + pfbar, with
    the unitary-gauge propagator (-g^{mu nu} + K^mu K^nu / M^2)/(K^2 - M^2)
    written out as a 4x4 tensor; its coupling to the final fermion pair is
    ``g_f * gamma^mu`` (vector-like).  Returns shape (n,).
    """
    kk = pf + pfbar
    k2 = minkowski_dot(kk, kk)
    g_upper = np.diag([1.0, -1.0, -1.0, -1.0])
    prop = (
        -g_upper[None] + np.einsum("ni,nj->nij", kk, kk) / m_vec**2
    ) / (k2 - m_vec**2)[:, None, None]
    lower = np.array([1.0, -1.0, -1.0, -1.0])
    chiral = vtx[0] * P_L + vtx[1] * P_R
    total = np.zeros(p.shape[0])
    for s1 in range(2):
        u_in = u_spinor(p, m_in, s1)
        for s2 in range(2):
            ubar = dirac_bar(u_spinor(q, m_out, s2))
            # heavy current J^mu = ubar gamma^mu (gL PL + gR PR) u   (upper index)
            j_heavy = np.einsum("ni,mij,jk,nk->nm", ubar, GAMMA, chiral, u_in)
            for s3 in range(2):
                ubar_f = dirac_bar(u_spinor(pf, m_f, s3))
                for s4 in range(2):
                    v_f = v_spinor(pfbar, m_f, s4)
                    j_light = np.einsum("ni,mij,nj->nm", ubar_f, GAMMA, v_f)
                    # contract J^mu g_{mu a} P^{ab} g_{b nu} L^nu
                    j_low = j_heavy * lower
                    l_low = j_light * lower
                    amp = np.einsum("na,nab,nb->n", j_low, prop, l_low)
                    total += np.abs(e_hat * g_f * amp) ** 2
    return total


def boost(p: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """Boost four-vectors p (..., 4) from a frame moving with velocity ``beta`` (..., 3)."""
    b2 = np.sum(beta * beta, axis=-1)
    gam = 1.0 / np.sqrt(1.0 - b2)
    bp = np.sum(beta * p[..., 1:], axis=-1)
    e = gam * (p[..., 0] + bp)
    coef = np.where(b2 > 0, (gam - 1.0) * bp / np.where(b2 > 0, b2, 1.0), 0.0)
    vec = p[..., 1:] + (coef + gam * p[..., 0])[..., None] * beta
    return np.concatenate([e[..., None], vec], -1)


def three_body_momenta(rng, m_in, m_out, m_f, q2, cos_star):
    """Momenta of F(p) -> f(q) ferm(pf) antiferm(pfbar) with F at rest.

    ``q2`` is the fermion-pair invariant mass squared, ``cos_star`` the cosine
    of the angle between the fermion and the pair's flight direction in the
    pair rest frame; the orientation in space and the azimuth are random.
    Returns (p, q, pf, pfbar), each of shape (n, 4).
    """
    q2 = np.asarray(q2, float)
    cos_star = np.asarray(cos_star, float)
    n = cos_star.size
    q2 = np.broadcast_to(q2, (n,))
    p_star = np.sqrt(kallen(m_in**2, m_out**2, q2)) / (2 * m_in)
    axis = rng.normal(size=(n, 3))
    axis /= np.linalg.norm(axis, axis=-1)[:, None]
    trial = np.where((np.abs(axis[:, 2]) < 0.9)[:, None], [0, 0, 1.0], [1.0, 0, 0])
    ex = np.cross(axis, trial)
    ex /= np.linalg.norm(ex, axis=-1)[:, None]
    ey = np.cross(axis, ex)
    p = np.zeros((n, 4))
    p[:, 0] = m_in
    q = np.concatenate(
        [np.sqrt(p_star**2 + m_out**2)[:, None], p_star[:, None] * axis], -1
    )
    big_q = p - q  # pair momentum, flies along -axis
    k_star = np.sqrt(q2 / 4 - m_f**2)
    phi = rng.uniform(0, 2 * np.pi, size=n)
    sin_star = np.sqrt(1 - cos_star**2)
    direction = (
        cos_star[:, None] * (-axis)
        + (sin_star * np.cos(phi))[:, None] * ex
        + (sin_star * np.sin(phi))[:, None] * ey
    )
    e_f = np.sqrt(k_star**2 + m_f**2)
    pf_rest = np.concatenate([e_f[:, None], k_star[:, None] * direction], -1)
    pfbar_rest = np.concatenate([e_f[:, None], -k_star[:, None] * direction], -1)
    beta = big_q[:, 1:] / big_q[:, :1]
    return p, q, boost(pf_rest, beta), boost(pfbar_rest, beta)
