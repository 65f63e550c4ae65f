"""Transitional names for fit/sweep (removed when they use :mod:`jaxrelic.interface` directly)."""

from __future__ import annotations

from ..interface.parameters import ParameterError
from ..interface.registry import get_model, model_names


class _Models:
    def __contains__(self, name):
        return name in model_names()

    def __getitem__(self, name):
        return lambda: get_model(name)


MODELS = _Models()

__all__ = ["MODELS", "ParameterError"]
