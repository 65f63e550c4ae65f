"""The basics a user looks for: ``--version``, ``python -m jaxrelic``, LICENSE, CITATION.cff, ``cite``.

No solver runs here; the whole file takes a few seconds (one subprocess imports jaxrelic).
"""

import importlib.metadata
import pathlib
import re
import subprocess
import sys

import pytest

from jaxrelic.workflows.cli import main
from jaxrelic.workflows.cli_cite import MODEL_REFERENCES, REFERENCES, bibtex
from jaxrelic.interface.registry import BUILTIN as MODELS

ROOT = pathlib.Path(__file__).resolve().parents[1]
VERSION = importlib.metadata.version("jaxrelic")


def _pyproject() -> dict:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        tomllib = pytest.importorskip("tomli")
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


# --------------------------------------------------------------------------- version


def test_version_flag(capsys):
    """`jaxrelic --version` prints the installed distribution's version and exits 0."""
    with pytest.raises(SystemExit) as e:
        main(["--version"])
    assert e.value.code == 0
    assert capsys.readouterr().out == f"jaxrelic {VERSION}\n"
    assert VERSION == _pyproject()["version"]


def test_python_m_jaxrelic():
    """`python -m jaxrelic` is the CLI: --version exits 0, an unknown model for cite exits 2."""
    r = subprocess.run([sys.executable, "-m", "jaxrelic", "--version"], cwd=ROOT, capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout == f"jaxrelic {VERSION}\n"
    r = subprocess.run([sys.executable, "-m", "jaxrelic", "cite", "nope"], cwd=ROOT, capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 2
    assert r.stderr.startswith("jaxrelic: error: unknown model 'nope'")


# --------------------------------------------------------------------------- licence, CITATION.cff


def test_license_matches_pyproject():
    """LICENSE is the MIT text, as pyproject's SPDX `license = "MIT"` says, and is shipped (license-files)."""
    project = _pyproject()
    assert project["license"] == "MIT"
    assert project["license-files"] == ["LICENSE"]
    text = (ROOT / "LICENSE").read_text()
    assert text.splitlines()[0] == "MIT License"
    assert re.search(r"^Copyright \(c\) \d{4} \S", text, re.M)
    flat = " ".join(text.split())
    for sentence in (
        "Permission is hereby granted, free of charge, to any person obtaining a copy of this software",
        "The above copyright notice and this permission notice shall be included in all copies or "
        "substantial portions of the Software.",
        'THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND',
    ):
        assert sentence in flat


def test_citation_cff():
    """CITATION.cff parses (YAML if available, else line checks) and names this version and licence."""
    text = (ROOT / "CITATION.cff").read_text()
    try:
        import yaml
    except ModuleNotFoundError:
        yaml = None
    if yaml is not None:
        cff = yaml.safe_load(text)
        assert cff["cff-version"] == "1.2.0" and cff["type"] == "software"
        assert str(cff["version"]) == VERSION and cff["license"] == "MIT"
        assert cff["title"].startswith("jaxrelic") and cff["authors"] and cff["message"]
    else:
        top = dict(re.findall(r"^([a-z][a-z-]*):[ \t]*(.*)$", text, re.M))
        assert top["cff-version"] == "1.2.0" and top["type"] == "software"
        assert top["version"].strip("\"'") == VERSION and top["license"] == "MIT"
        assert top["title"].strip("\"'").startswith("jaxrelic")
        assert {"message", "authors", "references"} <= set(top)
        assert "\t" not in text  # YAML forbids tab indentation
    assert "10.1088/1475-7516/2018/05/035" in text  # the g_* table's DOI, as in `jaxrelic cite`


# --------------------------------------------------------------------------- cite

ENTRY = re.compile(r"^@(\w+)\{([^,\s]+),\n(.*?)\n\}$", re.M | re.S)
FIELD = re.compile(r"^\s+(\w+)\s*=\s*\{(.*)\},$", re.M)


def _entries(text: str) -> dict:
    out = {}
    for kind, key, body in ENTRY.findall(text):
        assert key not in out, key
        fields = dict(FIELD.findall(body))
        assert len(fields) == len(body.splitlines()), body  # every body line is one `name = {value},`
        out[key] = (kind, fields)
    return out


def test_cite_all_is_bibtex(capsys):
    """`jaxrelic cite`: jaxrelic + every reference, each @type{key, with title, author and year."""
    assert main(["cite"]) == 0
    text = capsys.readouterr().out
    assert text.count("{") == text.count("}")
    entries = _entries(text)
    assert text.count("\n@") + text.startswith("@") == len(entries) == 1 + len(REFERENCES)
    assert entries["jaxrelic"][0] == "software" and entries["jaxrelic"][1]["version"] == VERSION
    for key, (kind, f) in entries.items():
        assert {"title", "author", "year"} <= set(f), key
        assert re.fullmatch(r"(19|20)\d\d", f["year"]), key
        if "doi" in f:
            assert re.fullmatch(r"10\.\d{4,5}/\S+", f["doi"]), key
        if "eprint" in f:
            assert re.fullmatch(r"\d{4}\.\d{4,5}|hep-ph/\d{7}", f["eprint"]) and f["archivePrefix"] == "arXiv", key


def test_cite_models_match_registry():
    """Every CLI model has its reference list, and every listed key exists."""
    assert set(MODEL_REFERENCES) == set(MODELS)
    for keys in MODEL_REFERENCES.values():
        assert set(keys) <= set(REFERENCES)


@pytest.mark.parametrize(
    "model, must",
    [
        ("twin-higgs", ["eprint        = {1805.12139}", "10.1088/1475-7516/2018/05/035"]),
        ("cogenesis", ["eprint        = {2505.22710}", "10.1088/1475-7516/2018/05/035"]),
        ("wimp", ["10.1016/0550-3213(91)90438-4", "10.1103/PhysRevD.43.3191", "{1204.3622}"]),
        ("leptogenesis", ["{hep-ph/0401240}", "10.1016/j.aop.2004.02.003"]),
        ("freeze-in-decay", ["{0911.1120}"]),
        ("freeze-in-uv", ["{0911.1120}"]),
    ],
)
def test_cite_model(model, must, capsys):
    """`jaxrelic cite MODEL`: jaxrelic + that model's papers and data, nothing of other models."""
    assert main(["cite", model]) == 0
    text = capsys.readouterr().out
    assert text == bibtex(model)
    entries = _entries(text)
    assert list(entries) == ["jaxrelic", *MODEL_REFERENCES[model]]
    for s in must:
        assert s in text, s
    others = {"twin-higgs": "1805.12139", "cogenesis": "2505.22710", "leptogenesis": "hep-ph/0401240"}
    for name, eprint in others.items():
        if name != model:
            assert eprint not in text


def test_cite_unknown_model_exits_2(capsys):
    assert main(["cite", "twin_higgs"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("jaxrelic: error: unknown model 'twin_higgs' for cite; allowed:")
    assert "twin-higgs" in err and "freeze-in-uv" in err


def test_cli_persistent_compilation_cache(tmp_path):
    """The CLI caches its compiled programs in JAXRELIC_CACHE_DIR (no host callbacks block it):
    the folder fills on the first call and a repeated call gives the same numbers."""
    import json
    import os
    import subprocess
    import sys

    env = dict(os.environ, JAXRELIC_CACHE_DIR=str(tmp_path / "cache"))
    cmd = [sys.executable, "-m", "jaxrelic", "relic", "wimp", "--set", "mass=50", "--json"]
    runs = []
    for _ in range(2):
        p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
        assert p.returncode == 0, p.stderr
        runs.append(json.loads(p.stdout))
        assert any((tmp_path / "cache").iterdir())
    for key in ("omega_h2", "x_f", "Y_today", "status"):
        assert runs[0][key] == runs[1][key]
