"""Parameter transforms: bijections between a parameter's allowed range and the real line.

Fits (:mod:`jaxrelic.workflows.fit`) and root solves (:mod:`jaxrelic.workflows.roots`)
work on unconstrained variables, so that every trial point lies in the allowed range.
Each free parameter ``p`` with allowed range ``(lo, hi)`` and ``positive`` flag
(:meth:`ModelAdapter.continuous`) is mapped to an unconstrained ``u`` by
:class:`Transform`:

==============================  ============================  =====================================
range                           ``u``                          ``p(u)``
==============================  ============================  =====================================
finite, positive, ``lo > 0``    logit of ``ln p`` in            ``exp(ln lo + (ln hi − ln lo) σ(u))``
                                ``(ln lo, ln hi)``
finite otherwise                ``ln((p − lo)/(hi − p))``      ``lo + (hi − lo) σ(u)``
``[lo, ∞)``                     ``ln(p − lo)``                 ``lo + eˣ``
``(−∞, hi]``                    ``ln(hi − p)``                 ``hi − eˣ``
``(−∞, ∞)``                     ``p``                          ``u``
==============================  ============================  =====================================

(σ is the logistic function; the result is clipped to ``[lo, hi]`` against
round-off).  On a range ``[0, hi]`` (WIMP ``sigma_v`` and ``b``) the logit is
``ln p − ln(hi − p) ≈ ln p`` far below ``hi``, i.e. logarithmic: a free parameter
there must start above 0.  The solvers work on ``v = (u − u₀)/c`` with
``c = min(1, |p₀ du/dp(p₀)|)`` (:func:`start_and_scale`): one unit of ``v`` is at most
one e-fold of ``p`` near the start (for ``epsilon = 10⁻⁶`` in ``[−1, 1]`` one unit is a
relative change of one instead of 5×10⁵ e-folds).  :func:`at_bound` tells whether an
iterate has run into an end of the range (for the failure messages).
"""

from __future__ import annotations

import dataclasses
import math

import jax
import jax.numpy as jnp

from ..interface.parameters import ParameterError

__all__ = ["Transform", "transform_for", "start_and_scale", "at_bound", "bound_text"]


@dataclasses.dataclass(frozen=True)
class Transform:
    """Bijection between an allowed range and the real line (see module docstring).

    Attributes
    ----------
    kind : {"log-logit", "logit", "log", "neg-log", "identity"}
    lo, hi : float
        Allowed range (``±inf`` for open ends).
    """

    kind: str
    lo: float
    hi: float

    def to_unconstrained(self, p):
        """``u(p)``; ``±inf`` on a bound, NaN outside the range."""
        p = jnp.asarray(p, dtype=jnp.float64)
        if self.kind == "log-logit":
            q = jnp.log(p)
            return jnp.log(q - math.log(self.lo)) - jnp.log(math.log(self.hi) - q)
        if self.kind == "logit":
            return jnp.log(p - self.lo) - jnp.log(self.hi - p)
        if self.kind == "log":
            return jnp.log(p - self.lo)
        if self.kind == "neg-log":
            return jnp.log(self.hi - p)
        return p

    def to_physical(self, u):
        """``p(u)``, always inside ``[lo, hi]``."""
        u = jnp.asarray(u, dtype=jnp.float64)
        if self.kind == "log-logit":
            a, b = math.log(self.lo), math.log(self.hi)
            p = jnp.exp(_logistic_between(a, b, u))
        elif self.kind == "logit":
            p = _logistic_between(self.lo, self.hi, u)
        elif self.kind == "log":
            p = self.lo + jnp.exp(jnp.minimum(u, _U_MAX))
        elif self.kind == "neg-log":
            p = self.hi - jnp.exp(jnp.minimum(u, _U_MAX))
        else:
            return u
        return jnp.clip(p, self.lo, self.hi)


#: Cap of ``u`` in the exponential transforms: ``p`` stays finite (e⁷⁰⁰ ≈ 1e304).
_U_MAX = 700.0


def _logistic_between(a: float, b: float, u):
    """``a + (b − a) σ(u)``, accurate near both ends."""
    w = b - a
    return jnp.where(u < 0, a + w * jax.nn.sigmoid(u), b - w * jax.nn.sigmoid(-u))


def transform_for(lo: float, hi: float, positive: bool) -> Transform:
    """The :class:`Transform` of a parameter with range ``[lo, hi]`` and ``positive`` flag."""
    lo_f, hi_f = math.isfinite(lo), math.isfinite(hi)
    if lo_f and hi_f:
        return Transform("log-logit" if positive and lo > 0 else "logit", float(lo), float(hi))
    if lo_f:
        return Transform("log", float(lo), math.inf)
    if hi_f:
        return Transform("neg-log", -math.inf, float(hi))
    return Transform("identity", -math.inf, math.inf)


def start_and_scale(name: str, tr: Transform, p0: float) -> tuple[float, float]:
    """Unconstrained start ``u₀`` and scale ``c`` (module docstring); error on a bound."""
    u0 = float(tr.to_unconstrained(p0))
    if not math.isfinite(u0):
        raise ParameterError(
            f"start value of free parameter {name}={p0!r} lies on the boundary of its allowed range "
            f"[{tr.lo:g}, {tr.hi:g}]; start strictly inside"
        )
    dudp = abs(float(jax.grad(tr.to_unconstrained)(jnp.float64(p0))))
    c = abs(p0) * dudp
    c = min(1.0, c) if (math.isfinite(c) and c > 0.0) else 1.0
    return u0, c


def at_bound(tr: Transform, u: float, slope: float | None = None) -> str | None:
    """The bound that the parameter with unconstrained value ``u`` has (nearly) reached, if any.

    Near a bound means within 1 % of the range (of the log-range for log-logit) of
    an end where the transform saturates, or within 10⁻¹⁰ of the range of the
    lower end 0 of a logit range (``p ≈ hi·eᵘ`` there is logarithmic, it does not
    saturate: ``sigma_v = 3e-26`` in ``[0, 1e-18]`` is not "at 0").  With ``slope``
    (∂loss/∂u) a bound only counts when descent points at it: towards the end at
    ``u → −∞`` if ``slope > 0``, at ``u → +∞`` if ``slope < 0``.
    """
    down = slope is None or slope > 0.0  # descent lowers u
    up = slope is None or slope < 0.0
    if tr.kind in ("logit", "log-logit"):
        lo_cut = -23.0 if (tr.kind == "logit" and tr.lo == 0.0) else -4.6
        if u < lo_cut and down:
            return f"{tr.lo:g}"
        if u > 4.6 and up:
            return f"{tr.hi:g}"
    elif tr.kind == "log" and u < -23.0 and down:
        return f"{tr.lo:g}"
    elif tr.kind == "neg-log" and u < -23.0 and down:
        return f"{tr.hi:g}"
    return None


def bound_text(tr: Transform, b: str) -> str:
    """``"<b> (lower|upper end of the allowed range [lo, hi])"`` for a bound ``b`` from :func:`at_bound`."""
    end = "lower end" if b == f"{tr.lo:g}" else "upper end"
    return f"{b} ({end} of the allowed range [{tr.lo:g}, {tr.hi:g}])"
