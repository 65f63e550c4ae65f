"""Shared test configuration for the jaxrelic foundation suite.

float64 must be switched on before anything touches JAX arrays: relic yields
are ~1e-12 and Boltzmann factors span hundreds of e-folds (jaxrelic/_x64.py).
``import jaxrelic`` does this too, but the suite must not rely on import order.
"""

import jax

jax.config.update("jax_enable_x64", True)

import pytest  # noqa: E402

import jaxrelic  # noqa: E402


@pytest.fixture(scope="session")
def background():
    """Standard-Model background with the Saikawa–Shirai (2018) g_* table."""
    return jaxrelic.Background.standard_model()
