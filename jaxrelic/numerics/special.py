"""Modified Bessel functions of the second kind in JAX.

``jax.scipy.special`` has no K_n (only i0/i0e/i1/i1e), so jaxrelic evaluates the
exponentially scaled functions K_ν^e(z) = e^{z} K_ν(z) with Chebyshev expansions in
the form of Cephes (S. L. Moshier, k0.c/k1.c):

    0 < z ≤ 2 :  K₀ = −ln(z/2) I₀(z) + A₀(z²/2 − 1),   K₁ = ln(z/2) I₁(z) + A₁(z²/2 − 1)/z,
    z > 2     :  K_ν^e(z) = B_ν(8/z − 2)/√z                     (ν = 0, 1),
    K₂ = K₀ + (2/z) K₁                                       (DLMF 10.29.1),

with I_ν from ``jax.scipy.special.i0e/i1e`` and coefficients fitted once by
``scripts/gen_bessel_chebyshev.py`` (stored in ``_bessel_coeffs.py``).  Relative
error against ``scipy.special.kve`` < 2e-14 for 1e-3 ≤ z ≤ 1e4
(tests/test_special.py).  This replaced a 97-node trapezoidal rule of the integral
representation (DLMF 10.32.9), which was 88 % of the run time of the relic solver.
Derivatives are exact through K_ν' = −(K_{ν−1} + K_{ν+1})/2 (custom JVPs).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax.scipy.special import i0e, i1e

from . import _bessel_coeffs as _C

__all__ = ["kve", "k0e", "k1e", "k2e", "log_kv"]

def _chebval(t, coeffs):
    """Clenshaw recurrence for Σ c_k T_k(t) (numpy's Chebyshev convention)."""
    b0 = jnp.zeros_like(t)
    b1 = jnp.zeros_like(t)
    for c in coeffs[:0:-1]:
        b0, b1 = 2.0 * t * b0 - b1 + c, b0
    return t * b0 - b1 + coeffs[0]


def _k01e(z):
    """(K₀^e(z), K₁^e(z)) for z > 0 (module docstring)."""
    z = jnp.asarray(z, dtype=jnp.float64)
    zs = jnp.clip(z, 1e-300, 2.0)
    zl = jnp.maximum(z, 2.0)
    t_small = zs * zs / 2.0 - 1.0
    log_half = jnp.log(zs / 2.0)
    e2 = jnp.exp(2.0 * zs)  # e^{z} I_ν(z) = e^{2z} I_ν^e(z)
    k0_small = (_chebval(t_small, _C.A0) - log_half * i0e(zs) * jnp.exp(zs)) * jnp.exp(zs)
    k1_small = (_chebval(t_small, _C.A1) / zs) * jnp.exp(zs) + log_half * i1e(zs) * e2
    t_large = (8.0 / zl - 2.0) / 2.0
    root = jnp.sqrt(zl)
    k0_large = _chebval(t_large, _C.B0) / root
    k1_large = _chebval(t_large, _C.B1) / root
    small = z <= 2.0
    return jnp.where(small, k0_small, k0_large), jnp.where(small, k1_small, k1_large)


@jax.custom_jvp
def _k0e(z):
    return _k01e(z)[0]


@jax.custom_jvp
def _k1e(z):
    return _k01e(z)[1]


@jax.custom_jvp
def _k2e(z):
    k0, k1 = _k01e(z)
    return k0 + 2.0 * k1 / z


# d/dz [e^z K_ν(z)] = K_ν^e(z) - (K_{ν-1}^e + K_{ν+1}^e)/2, with K_{-1} = K_1, K_3 = K_1 + 4 K_2 / z.
@_k0e.defjvp
def _k0e_jvp(primals, tangents):
    (z,), (dz,) = primals, tangents
    k0, k1 = _k0e(z), _k1e(z)
    return k0, (k0 - k1) * dz


@_k1e.defjvp
def _k1e_jvp(primals, tangents):
    (z,), (dz,) = primals, tangents
    k0, k1, k2 = _k0e(z), _k1e(z), _k2e(z)
    return k1, (k1 - 0.5 * (k0 + k2)) * dz


@_k2e.defjvp
def _k2e_jvp(primals, tangents):
    (z,), (dz,) = primals, tangents
    k1, k2 = _k1e(z), _k2e(z)
    k3 = k1 + 4.0 * k2 / z
    return k2, (k2 - 0.5 * (k1 + k3)) * dz


def k0e(z):
    """Scaled Bessel function e^{z} K_0(z) for real z > 0 (float64)."""
    return _k0e(jnp.asarray(z, dtype=jnp.float64))


def k1e(z):
    """Scaled Bessel function e^{z} K_1(z) for real z > 0 (float64)."""
    return _k1e(jnp.asarray(z, dtype=jnp.float64))


def k2e(z):
    """Scaled Bessel function e^{z} K_2(z) for real z > 0 (float64)."""
    return _k2e(jnp.asarray(z, dtype=jnp.float64))


def kve(nu: int, z):
    """Scaled Bessel function e^{z} K_ν(z), z > 0, for a static integer order ν ∈ {0, 1, 2}."""
    try:
        return {0: k0e, 1: k1e, 2: k2e}[int(nu)](z)
    except KeyError:
        raise ValueError(f"kve: order nu must be 0, 1 or 2, got {nu!r}") from None


def log_kv(nu: int, z):
    """ln K_ν(z) = ln K_ν^e(z) - z, finite for arguments where K_ν underflows."""
    z = jnp.asarray(z, dtype=jnp.float64)
    return jnp.log(kve(nu, z)) - z
