"""Shared test configuration for the jaxrelic foundation suite.

float64 must be switched on before anything touches JAX arrays: relic yields
are ~1e-12 and Boltzmann factors span hundreds of e-folds (jaxrelic/_x64.py).
``import jaxrelic`` does this too, but the suite must not rely on import order.
"""

import os

import jax

jax.config.update("jax_enable_x64", True)
# the CLI's persistent compilation cache (jaxrelic/_cache.py) stays off in the suite:
# tests do not write into the user's cache folder (tests/test_basics.py turns it on in a tmp dir)
os.environ.setdefault("JAXRELIC_CACHE_DIR", "off")

import pytest  # noqa: E402

import jaxrelic  # noqa: E402


@pytest.fixture(scope="session")
def background():
    """Standard-Model background with the Saikawa–Shirai (2018) g_* table."""
    return jaxrelic.Background.standard_model()
