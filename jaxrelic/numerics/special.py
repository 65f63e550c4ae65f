"""Modified Bessel functions of the second kind in JAX.

``jax.scipy.special`` has no K_n (only i0/i0e/i1/i1e), so jaxrelic evaluates
the exponentially scaled functions

    K_ν^e(z) = e^{z} K_ν(z) = ∫_0^∞ exp[-z (cosh t - 1)] cosh(ν t) dt

(DLMF 10.32.9) with the trapezoidal rule on [0, t_max(z)].  The integrand is
entire and even in t, so the trapezoidal rule converges exponentially
(Trefethen & Weideman, SIAM Rev. 56 (2014) 385).  The cut-off
t_max = arccosh(1 + 80/z) drops terms below e^{-80} relative to the t = 0
value and the step h = t_max / N with N = 96 keeps the discretisation error
exp(-2π²/(h² z)) and exp(-π²/h) below 1e-16 for 1e-3 ≤ z ≤ 1e4.
Relative error against ``scipy.special.kve`` is < 1e-13 on that range
(tests/test_special.py).  Derivatives are exact through
K_ν' = -(K_{ν-1} + K_{ν+1})/2, implemented as a custom JVP.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

__all__ = ["kve", "k0e", "k1e", "k2e", "log_kv"]

_N_NODES = 96
_CUT = 80.0


def _kve_quad(nu, z):
    z = jnp.asarray(z, dtype=jnp.float64)
    zs = jnp.maximum(z, 1e-300)
    t_max = jnp.arccosh(1.0 + _CUT / zs)
    h = t_max / _N_NODES
    k = jnp.arange(_N_NODES + 1, dtype=jnp.float64)
    w = jnp.where(k == 0, 0.5, 1.0)
    t = k * h[..., None]
    # cosh t - 1 = 2 sinh^2(t/2) avoids cancellation near t = 0.
    arg = -2.0 * zs[..., None] * jnp.sinh(0.5 * t) ** 2
    vals = jnp.exp(arg) * jnp.cosh(nu * t)
    return h * jnp.sum(w * vals, axis=-1)


@jax.custom_jvp
def _k0e(z):
    return _kve_quad(0.0, z)


@jax.custom_jvp
def _k1e(z):
    return _kve_quad(1.0, z)


@jax.custom_jvp
def _k2e(z):
    return _kve_quad(2.0, z)


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
    """Scaled Bessel function e^{z} K_ν(z) for integer order ν ∈ {0, 1, 2}.

    Parameters
    ----------
    nu : int
        Order (static Python int: 0, 1 or 2).
    z : array_like
        Argument, z > 0.
    """
    try:
        return {0: k0e, 1: k1e, 2: k2e}[int(nu)](z)
    except KeyError:
        raise ValueError(f"kve: order nu must be 0, 1 or 2, got {nu!r}") from None


def log_kv(nu: int, z):
    """ln K_ν(z) = ln K_ν^e(z) - z, finite for arguments where K_ν underflows."""
    z = jnp.asarray(z, dtype=jnp.float64)
    return jnp.log(kve(nu, z)) - z
