"""Transitional view of the model adapters for fit/sweep/sensitivity (removed when they use
:mod:`jaxrelic.interface` directly)."""

from __future__ import annotations

from ..interface.adapter import grouped_point_function, point_function, resolve_point
from ..interface.registry import get_model

__all__ = ["evaluator", "point_function", "grouped_point_function", "resolve_point"]


class _View:
    def __init__(self, ad):
        self.model = ad.name
        self.continuous = ad.bounds
        self.outputs = ad.outputs
        self.integer_outputs = ad.integer_outputs
        self.group_axis = ad.group_axis


def evaluator(model) -> _View:
    return _View(get_model(model))
