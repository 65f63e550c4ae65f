"""The package's layers point one way (README, "Layout"), checked by walking every import.

constants → numerics → thermo → stats → engines → interface → models → workflows.  A module may
import its own layer and the layers below; a model package may import no other model package.
Every ``import`` statement counts, including the lazy ones inside functions.
"""

from __future__ import annotations

import ast
from pathlib import Path

import jaxrelic

ROOT = Path(jaxrelic.__file__).parent

#: Layer of each top-level part of the package (lower number = lower layer).
LAYERS = {
    "_x64": 0, "constants": 0, "_cache": 0, "data": 0,
    "numerics": 1,
    "thermo": 2,
    "stats": 3,
    "engines": 4,
    "interface": 5,
    "models": 6,
    "workflows": 7,
}
#: The public facade (``jaxrelic/__init__.py``, ``_api.py``, ``__main__.py``) may import every layer.
FACADE = {"__init__", "_api", "__main__"}


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: Path):
    """Absolute names of every jaxrelic module imported by ``path`` (any depth in the file)."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name.split(".")[0] == "jaxrelic":
                    yield a.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            if mod.split(".")[0] != "jaxrelic":
                continue
            if node.module is None or mod == "jaxrelic":  # from . import x / from jaxrelic import x
                for a in node.names:
                    yield f"{mod}.{a.name}"
            else:
                yield mod


def _place(module: str):
    """(layer, model package or None) of a jaxrelic module name; None for the facade."""
    parts = module.split(".")
    if len(parts) == 1 or parts[1] in FACADE or parts[1].startswith("__"):
        return None
    top = parts[1]
    assert top in LAYERS, f"{module}: top-level part {top!r} has no layer in tests/test_layers.py"
    model = parts[2] if top == "models" and len(parts) > 2 else None
    return LAYERS[top], model


def test_every_import_points_down():
    bad = []
    files = sorted(ROOT.rglob("*.py"))
    assert len(files) > 50
    for path in files:
        here = _place(_module_name(path))
        if here is None:
            continue
        for target in _imports(path):
            there = _place(target)
            if there is None:
                if target != "jaxrelic.__version__":  # metadata, not code
                    bad.append(f"{_module_name(path)} imports the facade {target}")
                continue
            if there[0] > here[0]:
                bad.append(f"{_module_name(path)} (layer {here[0]}) imports {target} (layer {there[0]})")
            elif here[0] == there[0] == LAYERS["models"] and here[1] and there[1] and here[1] != there[1]:
                bad.append(f"{_module_name(path)} imports another model's package {target}")
    assert not bad, "back-edges:\n" + "\n".join(bad)


def test_walker_sees_lazy_and_relative_imports(tmp_path):
    """The walker itself: a lazy relative import inside a function is found and resolved."""
    src = ROOT / "models" / "twin_higgs" / "plots.py"
    found = set(_imports(src))
    assert "jaxrelic.interface.plotting" in found and "jaxrelic.models.twin_higgs.solver" in found
