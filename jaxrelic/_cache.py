"""Persistent compilation cache (repeated CLI calls and scripts skip XLA compilation).

The CLI calls :func:`enable_compilation_cache` at start-up; from Python call it yourself
(``jaxrelic.enable_compilation_cache()``) — a library does not change JAX's global
configuration behind your back.  The directory is

* ``$JAXRELIC_CACHE_DIR`` when set (``off``, ``0`` or an empty value disables the cache),
* else ``$XDG_CACHE_HOME/jaxrelic/jax`` or ``~/.cache/jaxrelic/jax``.

JAX only caches programs without host callbacks, which is why jaxrelic's solvers report
bad traced inputs as status codes (:mod:`jaxrelic.numerics.status`) instead of
``equinox.error_if``.  Entries are keyed by JAX/XLA version, program and backend, so a
stale cache is never used; delete the folder to reclaim disk space.
"""

from __future__ import annotations

import os
from pathlib import Path

import jax

__all__ = ["enable_compilation_cache", "cache_dir"]


def cache_dir() -> Path | None:
    """The cache folder jaxrelic uses, or None when disabled by ``JAXRELIC_CACHE_DIR``."""
    env = os.environ.get("JAXRELIC_CACHE_DIR")
    if env is not None:
        return None if env.strip().lower() in ("", "0", "off", "false", "no") else Path(env).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "jaxrelic" / "jax"


def enable_compilation_cache(path: str | os.PathLike | None = None) -> Path | None:
    """Turn on JAX's persistent compilation cache in ``path`` (default :func:`cache_dir`).

    Returns the folder, or None when disabled or not writable (the cache is an
    optimisation: failure to create it never stops a computation).
    """
    folder = Path(path).expanduser() if path is not None else cache_dir()
    if folder is None:
        return None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not os.access(folder, os.W_OK):
            return None
    except OSError:
        return None
    jax.config.update("jax_compilation_cache_dir", str(folder))
    # cache every program: the solves compile in seconds, tracing and lowering stay
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
    jax.config.update("jax_persistent_cache_min_entry_size_bytes", 0)
    return folder
