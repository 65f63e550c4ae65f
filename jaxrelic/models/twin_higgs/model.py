r"""Twin-neutrino dark-matter model of the fraternal twin Higgs.

Model of H.-C. Cheng, L. Li, R. Zheng, *Coscattering/Coannihilation Dark Matter
in a Fraternal Twin Higgs Model*, arXiv:1805.12139: a Dirac twin neutrino
:math:`\hat\nu` (the dark matter), a Dirac twin tau :math:`\hat\tau` (charge
-1 under twin U(1)) and a massive twin photon :math:`\hat\gamma`, with a small
:math:`\hat\nu`-:math:`\hat\tau` mixing induced by the U(1)-breaking Dirac mass
:math:`\mu_1` (:math:`\mu_2 = 0`).

Section numbers (§) refer to
``docs/physics/twin_model.md``; the derivations used here are collected in
``docs/physics/twin_processes.md``.
"""

from __future__ import annotations

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
from jax import Array

from ..._x64 import check_x64
from .domain import MODEL_FIELDS, check_concrete, condition_violations

__all__ = ["TwinHiggs"]

def _check_concrete(name: str, x) -> None:
    """Raise ``ValueError`` naming ``name`` and its range if concrete ``x`` is invalid."""
    x = np.asarray(x)
    if x.ndim != 0:
        raise ValueError(
            f"TwinHiggs: {name} must be a scalar, got shape {x.shape}; "
            "use jax.vmap over the constructor for batches."
        )
    try:
        check_concrete(name, x)
    except ValueError as e:
        raise ValueError(f"TwinHiggs: {e}") from None


class TwinHiggs(eqx.Module):
    r"""Parameter point of the twin-neutrino model (arXiv:1805.12139, §2).

    Inputs are the paper's dimensionless parametrisation (§2.4) with the exact
    :math:`\mu_2 = 0` mixing relation of §2.3.  All fields are float64 JAX
    scalars, so ``jax.grad``/``jax.vmap`` over any of them work (construct the
    model inside the transformed function).

    Parameters
    ----------
    m_nu : float
        Twin-neutrino (dark-matter) mass :math:`m_{\hat\nu}` in GeV, 0.02 to 100.
    delta : float
        :math:`\Delta = (m_{\hat\tau} - m_{\hat\nu})/m_{\hat\nu}`, > 0.
    r : float
        :math:`r = m_{\hat\gamma}/m_{\hat\nu}`, 0 < r < 1 + Δ (m_γ̂ < m_τ̂;
        the paper studies r < 1).
    theta1 : float
        Right-handed mixing angle :math:`\theta_1` in rad, 0 < theta1 < pi/4.
    e_hat : float, optional
        Twin U(1) gauge coupling :math:`\hat e` (paper: 0.3, §1), 0 < ê ≤ √(4π).
    epsilon : float, optional
        Photon-twin-photon kinetic mixing :math:`\epsilon` (§2.1, §7.1), >= 0.
        It only enters the late three-body decays of the twin tau and the twin
        photon width (``widths.py``).  Default 1e-9, the paper's lower bound for
        thermalisation of the twin sector.

    Raises
    ------
    ValueError
        For concrete (non-traced) values outside the validity domain
        (:mod:`~jaxrelic.models.twin_higgs.domain`, docs/physics/twin_domain.md),
        NaN, inf, or non-scalar input; the message names the parameter and its
        range.  Traced values (inside ``jit``/``vmap``/``grad``) are not checked
        here: :func:`~jaxrelic.models.twin_higgs.solver.relic_twin` returns status
        ``OUT_OF_RANGE`` for such a point (no host callback in compiled code).

    Notes
    -----
    Derived quantities (properties, §2.3-2.5): ``m_tau = (1+delta) m_nu``,
    ``m_gamma = r m_nu``, ``tan(theta2) = tan(theta1)/(1+delta)`` (exact for
    mu2 = 0), off-diagonal twin-photon couplings ``g_L = -sin(theta2)cos(theta2)``,
    ``g_R = -sin(theta1)cos(theta1)`` (units of e_hat), and
    ``mu1 = sin(theta1) cos(theta2) (m_tau^2 - m_nu^2)/m_tau``.
    """

    m_nu: Array
    delta: Array
    r: Array
    theta1: Array
    e_hat: Array
    epsilon: Array

    def __init__(self, m_nu, delta, r, theta1, e_hat=0.3, epsilon=1e-9):
        check_x64()
        concrete = {}
        for name, raw in zip(MODEL_FIELDS, (m_nu, delta, r, theta1, e_hat, epsilon)):
            x = jnp.asarray(raw, dtype=jnp.float64)
            if not isinstance(raw, jax.core.Tracer):
                # also a concrete input staged into a trace (a constant inside jit)
                _check_concrete(name, raw)
                concrete[name] = float(np.asarray(raw))
            setattr(self, name, x)
        bad = condition_violations(concrete)
        if bad:
            raise ValueError(f"TwinHiggs: invalid {bad[0]}")

    def __check_init__(self):
        """Raise ``ValueError`` for concrete values outside the domain (§2.3-2.4).

        Traced fields are skipped (the solver flags them with status ``OUT_OF_RANGE``).
        """
        concrete = {}
        for name in MODEL_FIELDS:
            x = getattr(self, name)
            if not isinstance(x, jax.core.Tracer):
                _check_concrete(name, x)
                concrete[name] = float(x)
        bad = condition_violations(concrete)
        if bad:
            raise ValueError(f"TwinHiggs: invalid {bad[0]}")

    # ---------------------------------------------------------------- masses
    @property
    def m_tau(self) -> Array:
        """Twin-tau mass :math:`m_{\\hat\\tau} = (1+\\Delta) m_{\\hat\\nu}` in GeV (§2.4)."""
        return (1.0 + self.delta) * self.m_nu

    @property
    def m_gamma(self) -> Array:
        """Twin-photon mass :math:`m_{\\hat\\gamma} = r m_{\\hat\\nu}` in GeV (§2.4)."""
        return self.r * self.m_nu

    @property
    def alpha_hat(self) -> Array:
        """Twin fine-structure constant :math:`\\hat\\alpha = \\hat e^2/4\\pi` (§1)."""
        return self.e_hat**2 / (4.0 * jnp.pi)

    @property
    def decay_open(self) -> Array:
        """True when the on-shell decay tau_hat -> nu_hat gamma_hat is open, r < delta (§2.4)."""
        return self.r < self.delta

    # ---------------------------------------------------------------- mixing
    @property
    def theta2(self) -> Array:
        """Left-handed mixing angle in rad, tan(theta2) = tan(theta1)/(1+delta) (exact, §2.3)."""
        return jnp.arctan(jnp.tan(self.theta1) / (1.0 + self.delta))

    @property
    def g_L(self) -> Array:
        """Off-diagonal left-handed coupling -sin(theta2) cos(theta2), units of e_hat (§2.5)."""
        return -0.5 * jnp.sin(2.0 * self.theta2)

    @property
    def g_R(self) -> Array:
        """Off-diagonal right-handed coupling -sin(theta1) cos(theta1), units of e_hat (§2.5)."""
        return -0.5 * jnp.sin(2.0 * self.theta1)

    @property
    def mu1(self) -> Array:
        """U(1)-breaking off-diagonal Dirac mass mu1 in GeV (§2.3, exact for mu2 = 0).

        mu1 = sin(theta1) cos(theta2) m_tau - cos(theta1) sin(theta2) m_nu
            = sin(theta1) cos(theta2) (m_tau^2 - m_nu^2)/m_tau.
        """
        m_tau = self.m_tau
        return (
            jnp.sin(self.theta1)
            * jnp.cos(self.theta2)
            * (m_tau - self.m_nu)
            * (m_tau + self.m_nu)
            / m_tau
        )

    @property
    def m_tau_B(self) -> Array:
        """Gauge-basis twin-tau Dirac mass m_{tau_B} in GeV (§2.3)."""
        c1, s1 = jnp.cos(self.theta1), jnp.sin(self.theta1)
        c2, s2 = jnp.cos(self.theta2), jnp.sin(self.theta2)
        return c1 * c2 * self.m_tau + s1 * s2 * self.m_nu

    @property
    def m_nu_B(self) -> Array:
        """Gauge-basis twin-neutrino Dirac mass m_{nu_B} in GeV (§2.3)."""
        c1, s1 = jnp.cos(self.theta1), jnp.sin(self.theta1)
        c2, s2 = jnp.cos(self.theta2), jnp.sin(self.theta2)
        return s1 * s2 * self.m_tau + c1 * c2 * self.m_nu

    def mass_matrix(self) -> Array:
        """Gauge-basis mass matrix [[m_tauB, mu2], [mu1, m_nuB]] in GeV (§2.2, mu2 = 0).

        Rows (tau^c_B, nu^c_B), columns (tau_B,L, nu_B,L).  Returned as
        R(theta1)^T diag(m_tau, m_nu) R(theta2), so the (0, 1) entry is mu2,
        zero up to rounding (a consistency check of theta2).
        """

        def rot(theta):
            c, s = jnp.cos(theta), jnp.sin(theta)
            return jnp.array([[c, s], [-s, c]])

        diag = jnp.diag(jnp.stack([self.m_tau, self.m_nu]))
        return rot(self.theta1).T @ diag @ rot(self.theta2)
