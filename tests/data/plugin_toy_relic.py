"""A user's one-file model, as a plug-in: a scalar relic with constant ⟨σv⟩ (tests/test_plugins.py).

Written against the public surface only (``import jaxrelic``), the way an external user would.
"""

import jax.numpy as jnp

import jaxrelic
from jaxrelic import constants as c


class ToyRelic(jaxrelic.AbstractNetworkModel):
    """Real scalar (g = 1) with an s-wave ⟨σv⟩ [cm³/s]: the WIMP equation with other dof."""

    mass: jnp.ndarray
    sigma_v: jnp.ndarray

    def __init__(self, mass, sigma_v):
        self.mass = jnp.asarray(PARAMETERS.check("mass", mass), dtype=jnp.float64)
        self.sigma_v = jnp.asarray(PARAMETERS.check("sigma_v", sigma_v), dtype=jnp.float64)

    @property
    def masses(self):
        return self.mass[None]

    def log_n_eq(self, T):
        return jaxrelic.WIMP(mass=self.mass, sigma_v=self.sigma_v, g=1.0).log_n_eq(T)

    def rates(self, T):
        sv = self.sigma_v / c.GEV2_TO_CM3_S
        return jaxrelic.NetworkRates(sigma_v=sv[None, None], conversion=jnp.zeros((1, 1)), decay=jnp.zeros(1))

    def domain_status(self):
        ok = PARAMETERS.contains({"mass": self.mass, "sigma_v": self.sigma_v})
        return jnp.where(ok, jaxrelic.status.SUCCESS, jaxrelic.status.OUT_OF_RANGE).astype(jnp.int32)


PARAMETERS = jaxrelic.ParameterTable(
    jaxrelic.Parameter("mass", "GeV", 100.0, 1.0, 1e4, "scalar mass", log=True),
    jaxrelic.Parameter("sigma_v", "cm^3/s", 2.2e-26, 1e-30, 1e-20, "s-wave annihilation cross section", log=True),
)

ADAPTER = jaxrelic.NetworkAdapter("toy-relic", ToyRelic, PARAMETERS, "toy scalar relic (a test plug-in)")
jaxrelic.register_model(ADAPTER, replace=True)
