"""Model registry: built-in models, models registered at run time, and installed plug-ins.

* Built-ins are named here by module path (imported on first use, so ``jaxrelic models`` and
  ``--version`` stay fast and this generic layer imports no model).
* :func:`register_model` adds a :class:`~jaxrelic.interface.adapter.ModelAdapter` at run time.
* Installed packages declare adapters in the entry-point group ``jaxrelic.models``
  (``[project.entry-points."jaxrelic.models"] my-model = "my_package:ADAPTER"``); the value is
  an adapter or a zero-argument callable returning one.  They are loaded on first lookup.
* ``JAXRELIC_PLUGINS`` (``os.pathsep``-separated ``.py`` files or module names) and the CLI's
  ``--plugin`` load one-file models that call :func:`register_model` when imported.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from pathlib import Path

from .adapter import ModelAdapter
from .parameters import ParameterError

__all__ = ["register_model", "unregister_model", "get_model", "model_names", "load_plugin", "ENTRY_POINT_GROUP"]

ENTRY_POINT_GROUP = "jaxrelic.models"

#: Built-in models: name -> "module:attribute" of their adapter.
BUILTIN = {
    "wimp": "jaxrelic.models.wimp.adapter:ADAPTER",
    "leptogenesis": "jaxrelic.models.leptogenesis.adapter:ADAPTER",
    "twin-higgs": "jaxrelic.models.twin_higgs.adapter:ADAPTER",
    "cogenesis": "jaxrelic.models.cogenesis.adapter:ADAPTER",
    "freeze-in-decay": "jaxrelic.models.freeze_in.adapter:DECAY_ADAPTER",
    "freeze-in-uv": "jaxrelic.models.freeze_in.adapter:UV_ADAPTER",
}

_REGISTERED: dict = {}
_LOADED = {"entry_points": False, "env": False}


def _resolve(target: str):
    module, _, attr = target.partition(":")
    obj = getattr(importlib.import_module(module), attr)
    return obj() if callable(obj) and not isinstance(obj, ModelAdapter) else obj


def register_model(adapter: ModelAdapter, *, replace: bool = False) -> ModelAdapter:
    """Make ``adapter`` available to ``relic``/``fit``/``scan``/``sensitivity``/``plot`` and the
    Python workflows under ``adapter.name``; ``replace=True`` overrides an existing name."""
    if not isinstance(adapter, ModelAdapter):
        raise TypeError(f"register_model: expected a jaxrelic ModelAdapter, got {type(adapter).__name__}")
    name = adapter.name
    if not name or not all(ch.isalnum() or ch in "-_" for ch in name):
        raise ParameterError(f"model name {name!r} invalid; allowed: letters, digits, '-' and '_'")
    if not replace and (name in BUILTIN or name in _REGISTERED):
        raise ParameterError(f"model {name!r} is already registered (pass replace=True to override it)")
    _REGISTERED[name] = adapter
    return adapter


def unregister_model(name: str) -> None:
    """Remove a model registered at run time (built-ins stay)."""
    _REGISTERED.pop(name, None)


def _load_entry_points() -> None:
    if _LOADED["entry_points"]:
        return
    _LOADED["entry_points"] = True
    from importlib.metadata import entry_points

    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name in _REGISTERED or ep.name in BUILTIN:
            continue
        try:
            adapter = ep.load()
            adapter = adapter() if callable(adapter) and not isinstance(adapter, ModelAdapter) else adapter
            if isinstance(adapter, ModelAdapter):
                _REGISTERED.setdefault(adapter.name, adapter)
        except Exception as e:  # noqa: BLE001 -- a broken plug-in must not break the built-ins
            print(f"jaxrelic: warning: plug-in {ep.name!r} ({ep.value}) not loaded: {e}", file=sys.stderr)


def load_plugin(spec: str) -> None:
    """Import a one-file model (``path/to/model.py``) or a module name; it registers itself."""
    path = Path(spec)
    if spec.endswith(".py"):
        if not path.is_file():
            raise ParameterError(f"--plugin {spec!r}: no such file")
        name = f"jaxrelic_plugin_{path.stem}"
        if name in sys.modules:  # loaded before: re-register what it registered (if removed since)
            for obj in vars(sys.modules[name]).values():
                if isinstance(obj, ModelAdapter) and obj.name not in _REGISTERED:
                    _REGISTERED[obj.name] = obj
            return
        mod_spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(mod_spec)
        sys.modules[name] = module
        try:
            mod_spec.loader.exec_module(module)
        except Exception:
            del sys.modules[name]
            raise
    else:
        try:
            importlib.import_module(spec)
        except ImportError as e:
            raise ParameterError(f"--plugin {spec!r}: cannot import it ({e})") from None


def _load_env() -> None:
    if _LOADED["env"]:
        return
    _LOADED["env"] = True
    for item in filter(None, os.environ.get("JAXRELIC_PLUGINS", "").split(os.pathsep)):
        load_plugin(item)


def model_names() -> tuple:
    """Every available model name (built-ins first)."""
    _load_env()
    _load_entry_points()
    return tuple(BUILTIN) + tuple(n for n in _REGISTERED if n not in BUILTIN)


def get_model(name) -> ModelAdapter:
    """The adapter registered under ``name`` (ParameterError listing the available ones); an
    adapter is returned as it is."""
    if isinstance(name, ModelAdapter):
        return name
    if name in _REGISTERED:
        return _REGISTERED[name]
    if name in BUILTIN:
        adapter = _resolve(BUILTIN[name])
        _REGISTERED[name] = adapter
        return adapter
    names = model_names()
    if name in _REGISTERED:
        return _REGISTERED[name]
    raise ParameterError(f"unknown model {name!r}; available: {', '.join(names)}")
