"""Solver settings of the collision operators (``collision_operators`` row stride, fewer nodes).

The relic solvers evaluate C̃_S, C̃_CA on every ``ROW_STRIDE_FAST``-th ln a row with
``N_PANEL_FAST``/``N_TAIL_FAST``/``N_TAIL_CA_FAST`` nodes and spline-interpolate in ln a
(docs/performance.md).  Checked here against the full-accuracy defaults on a grid with the
default ln a spacing (600 nodes over x = 5…300 ⇒ Δ ln a ≈ 0.0068) around S freeze-out.
"""

import jax
import numpy as np
import pytest

import jaxrelic  # noqa: F401  (enables float64)
from jaxrelic.models.twin_higgs import TwinHiggs, collision_operators, make_grid
from jaxrelic.models.twin_higgs import collision as col

N_A = 61  # x = 15 … ≈ 22.5 at the default spacing
POINTS = [(1.0, 0.1, 0.5, 1e-3), (1.0, 0.18, 0.2, 1e-3), (1.0, 0.1, 0.05, 1e-3)]


@jax.jit
def _both(params):
    model = TwinHiggs(*params)
    x_end = 15.0 * np.exp(np.log(300.0 / 5.0) * (N_A - 1) / 599)
    grid = make_grid(model, x0=15.0, x_end=x_end, n_a=N_A, n_q=24)
    exact = collision_operators(model, grid)
    fast = collision_operators(model, grid, n_panel=col.N_PANEL_FAST, n_tail=col.N_TAIL_FAST,
                               n_tail_ca=col.N_TAIL_CA_FAST, row_stride=col.ROW_STRIDE_FAST)
    return exact, fast


@pytest.mark.parametrize("params", POINTS)
def test_fast_settings_against_full_accuracy(params):
    """Row stride 4 + fewer nodes: C̃_S, C̃_CA within 3e-4 of the full-accuracy operators on every
    node (≤ 3e-5 on the evaluated rows, where only the node counts differ); C̃_ID exact."""
    exact, fast = _both(np.asarray(params))
    rows = np.unique(np.r_[np.arange(0, N_A, col.ROW_STRIDE_FAST), N_A - 1])
    for key in ("S", "CA"):
        e, f = np.asarray(getattr(exact, key)), np.asarray(getattr(fast, key))
        err = np.abs(f / e - 1.0)
        assert np.max(err) < 3e-4, (key, np.max(err))
        assert np.max(err[rows]) < 3e-5, (key, np.max(err[rows]))
    np.testing.assert_array_equal(np.asarray(fast.ID), np.asarray(exact.ID))


def test_row_stride_validation():
    """A row stride below 1 is rejected with a message naming it (traced only, no evaluation)."""
    model = TwinHiggs(1.0, 0.1, 0.5, 1e-3)
    with pytest.raises(ValueError, match="row_stride must be >= 1, got 0"):
        jax.eval_shape(lambda: collision_operators(model, make_grid(model, n_a=8, n_q=4), row_stride=0))
