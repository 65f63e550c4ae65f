"""Sweep files: the NetCDF/xarray layout of :func:`jaxrelic.workflows.sweep.sweep`, written as it goes.

File format (an xarray Dataset written with ``engine="h5netcdf"``):

* one dimension per grid parameter, named after it, in grid order; coordinates
  are the grid values (float64);
* every float output of the model (float64, NaN where not yet computed) and
  every integer output (int32; ``status`` is :data:`NOT_RUN` = -1 where not yet
  computed); optionally, for one output ``O``, a gradient column per grid parameter
  ``p`` (float64; :func:`~jaxrelic.workflows.output_meta.gradient_variable`):
  ``d_ln_O_d_ln_p`` = ∂ ln|O|/∂ ln|p| or, for phases and a grid that contains
  ``p = 0``, ``d_ln_O_d_p`` = ∂ ln|O|/∂ p (the kinds of :mod:`jaxrelic.workflows.sensitivity`);
* ``chunk_done(chunk)`` (int8, 0/1) flags finished chunks;
* CF ``units`` / ``long_name`` on every variable and coordinate, ``flag_values`` /
  ``flag_meanings`` on ``status``, ``phase`` and ``chunk_done``
  (:mod:`jaxrelic.workflows.output_meta`);
* attributes ``model``, ``fixed`` (JSON of the fixed parameter values, complex as
  ``[re, im]``), ``grid`` (JSON list of ``{name, start, stop, num, log}``),
  ``chunk_size``, ``jaxrelic_version``, ``created`` (ISO time), and
  ``gradient_output`` when gradients are stored.  Part files of a multi-process
  sweep also carry ``process_index`` and ``process_count``.

The file is created with every variable preallocated (atomically:
:func:`jaxrelic.workflows.io.atomic_path`); after each chunk it is opened in append
mode, the chunk's points are written and its ``chunk_done`` flag is set last
(:func:`_write_chunk`).  A sweep killed at any moment therefore leaves finished,
flagged chunks and at most one unflagged chunk; :func:`_check_matches` reads a file
back for a resume.  :func:`merge` combines the part files of a multi-process sweep.
"""

from __future__ import annotations

import datetime
import json
import math
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np

from ..interface.registry import get_model
from .io import atomic_path
from .output_meta import NOT_RUN, coordinate_attrs, gradient_variable, inverse_units, variable_attrs
from ..interface.parameters import ParameterError

__all__ = ["NOT_RUN", "part_path", "open_dataset", "merge"]


def open_dataset(path):
    """A sweep file as an in-memory :class:`xarray.Dataset` (the file is closed again)."""
    import xarray as xr

    with xr.open_dataset(path, engine="h5netcdf") as ds:
        return ds.load()


def part_path(out, index: int) -> Path:
    """Part file of process ``index``: ``FILE.nc`` → ``FILE.part<index>.nc``."""
    p = Path(out)
    return p.with_name(f"{p.stem}.part{index}{p.suffix or '.nc'}")


def _json_fixed(fixed: Mapping) -> str:
    """The ``fixed`` attribute: JSON of the fixed values, complex as ``[re, im]`` (:func:`_fixed_from_json`)."""

    def enc(v):
        if isinstance(v, complex):
            return [v.real, v.imag]
        if isinstance(v, (bool, str)) or v is None:
            return v
        if isinstance(v, (int, np.integer)):
            return int(v)
        return float(v)

    return json.dumps({k: enc(v) for k, v in sorted(fixed.items())}, sort_keys=True)


def _fixed_from_json(text: str) -> dict:
    """The fixed values of a ``fixed`` attribute (:func:`_json_fixed`), complex ones as ``complex``."""
    return {k: complex(v[0], v[1]) if isinstance(v, list) else v for k, v in json.loads(text).items()}


def _slabs(start: int, stop: int, shape: tuple) -> list:
    """Cover the C-order flat range [start, stop) of ``shape`` by hyper-rectangles.

    Returns a list of ``(index tuple of slices, lo, hi)``: the slab's points are the
    flat indices ``lo..hi-1`` (contiguous), so ``flat[lo:hi].reshape(slab shape)``
    fills it.
    """
    if start >= stop:
        return []
    if len(shape) == 1:
        return [((slice(start, stop),), start, stop)]
    inner = math.prod(shape[1:])
    i0, r0 = divmod(start, inner)
    i1, r1 = divmod(stop, inner)
    out = []

    def row(i, a, b):
        return [((slice(i, i + 1),) + s, lo + i * inner, hi + i * inner) for s, lo, hi in _slabs(a, b, shape[1:])]

    if i0 == i1:
        return row(i0, r0, r1)
    if r0:
        out += row(i0, r0, inner)
        i0 += 1
    if i1 > i0:
        out.append(((slice(i0, i1),) + tuple(slice(0, n) for n in shape[1:]), i0 * inner, i1 * inner))
    if r1:
        out += row(i1, 0, r1)
    return out


def _slab_shape(slices: tuple) -> tuple:
    return tuple(s.stop - s.start for s in slices)


def _attrs(model, fixed_json, axes, chunk, gradient_output, process_index, process_count) -> dict:
    from .. import __version__

    attrs = {
        "model": model,
        "fixed": fixed_json,
        "grid": json.dumps([a.as_dict() for a in axes]),
        "chunk_size": int(chunk),
        "jaxrelic_version": __version__,
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(),
    }
    if gradient_output is not None:
        attrs["gradient_output"] = gradient_output
    if process_count > 1:
        attrs["process_index"] = int(process_index)
        attrs["process_count"] = int(process_count)
    return attrs


def _variables(model: str, names: tuple, gradient_output: str | None, kinds: tuple = ()) -> tuple[list, list]:
    """Float and integer variables of a sweep file; the gradient columns of ``names`` with their ``kinds``."""
    ev = get_model(model)
    floats = list(ev.outputs)
    if gradient_output is not None:
        floats += [gradient_variable(gradient_output, n, k) for n, k in zip(names, kinds, strict=True)]
    return floats, list(ev.integer_outputs)


def _create(path: Path, axes, floats, ints, n_chunks, attrs) -> None:
    import xarray as xr

    shape = tuple(a.num for a in axes)
    dims = tuple(a.name for a in axes)
    data = {v: (dims, np.full(shape, np.nan, dtype=np.float64)) for v in floats}
    data.update({v: (dims, np.full(shape, NOT_RUN, dtype=np.int32)) for v in ints})
    data["chunk_done"] = (("chunk",), np.zeros(n_chunks, dtype=np.int8))
    coords = {a.name: (a.name, a.values()) for a in axes}
    ds = xr.Dataset(data, coords=coords, attrs=attrs)
    _add_metadata(ds, attrs["model"])
    with atomic_path(path) as tmp:  # a kill during creation never leaves a half-written FILE.nc
        ds.to_netcdf(tmp, engine="h5netcdf")


def _add_metadata(ds, model: str) -> None:
    """CF ``units``/``long_name`` on every variable and coordinate; flag tables on integer labels."""
    for name, var in ds.data_vars.items():
        meta = variable_attrs(name)
        for key in ("flag_values",):
            if key in meta:
                meta[key] = np.asarray(meta[key], dtype=var.dtype)
        var.attrs.update(meta)
    output = ds.attrs.get("gradient_output")
    for name in ds.coords:
        coord = coordinate_attrs(model, name)
        ds[name].attrs.update(coord)
        lin = gradient_variable(output, name, "dln/d") if output is not None else None
        if lin in ds.data_vars and "units" in coord:  # d ln|O| / d p: units 1/(units of p)
            ds[lin].attrs["units"] = inverse_units(coord["units"])


def _unreadable(path: Path, err: Exception) -> ParameterError:
    size = path.stat().st_size
    why = str(err).splitlines()[0] if str(err) else type(err).__name__
    return ParameterError(
        f"cannot resume {path}: the file ({size} bytes) is not a readable sweep file ({why}); its finished chunks "
        f"cannot be recovered; move it away and start again with overwrite (--overwrite)")


def _check_matches(path: Path, attrs: dict, variables: Sequence[str] = ()) -> np.ndarray:
    """Compare a file's sweep definition (and its ``variables``) with the request; return its ``chunk_done`` flags."""
    import h5netcdf

    try:
        with h5netcdf.File(path, "r") as f:
            have = {k: f.attrs[k] for k in f.attrs}
            lacking = [v for v in variables if v not in f.variables]
            done = np.asarray(f.variables["chunk_done"][...], dtype=np.int8) if "chunk_done" in f.variables else None
            for name in f.variables:  # every variable must read back in full (a truncated file fails here)
                f.variables[name][...]
    except OSError as e:
        raise _unreadable(path, e) from None
    if done is None:
        raise ParameterError(f"{path}: not a jaxrelic sweep file (no chunk_done variable); cannot resume")

    def text(v):
        return v.decode() if isinstance(v, bytes) else v

    if text(have.get("model")) != attrs["model"]:
        raise ParameterError(f"cannot resume {path}: model differs (file {text(have.get('model'))!r}, "
                             f"request {attrs['model']!r})")
    f_fixed, r_fixed = json.loads(text(have.get("fixed", "{}"))), json.loads(attrs["fixed"])
    for k in sorted(set(f_fixed) | set(r_fixed)):
        if f_fixed.get(k, "<absent>") != r_fixed.get(k, "<absent>"):
            raise ParameterError(f"cannot resume {path}: fixed parameter {k} differs (file "
                                 f"{f_fixed.get(k, '<absent>')!r}, request {r_fixed.get(k, '<absent>')!r})")
    f_grid, r_grid = json.loads(text(have.get("grid", "[]"))), json.loads(attrs["grid"])
    if f_grid != r_grid:
        fn = [g["name"] for g in f_grid]
        rn = [g["name"] for g in r_grid]
        if fn != rn:
            raise ParameterError(f"cannot resume {path}: grid parameters differ (file {fn}, request {rn})")
        for a, b in zip(f_grid, r_grid):
            if a != b:
                raise ParameterError(f"cannot resume {path}: grid {a['name']} differs (file {a}, request {b})")
    for key in ("chunk_size", "gradient_output", "process_index", "process_count"):
        fv, rv = have.get(key), attrs.get(key)
        fv = text(fv.item() if hasattr(fv, "item") else fv)
        if fv != rv:
            raise ParameterError(f"cannot resume {path}: {key} differs (file {fv!r}, request {rv!r})")
    if lacking:  # e.g. a gradient column named by an older jaxrelic (d_ln_O_d_ln_p for a grid through 0)
        raise ParameterError(f"cannot resume {path}: the file has no variable {', '.join(lacking)}; "
                             "start again with overwrite (--overwrite)")
    return done


def _file_chunk_size(path: Path) -> int:
    """``chunk_size`` attribute of an existing sweep file (for a resume without --chunk-size)."""
    import h5netcdf

    try:
        with h5netcdf.File(path, "r") as f:
            value = f.attrs.get("chunk_size")
    except OSError as e:
        raise _unreadable(path, e) from None
    if value is None:
        raise ParameterError(f"{path}: not a jaxrelic sweep file (no chunk_size attribute); cannot resume")
    return int(np.asarray(value).item())


def _write_chunk(path: Path, shape: tuple, lo: int, hi: int, k: int, results: dict) -> None:
    import h5netcdf

    with h5netcdf.File(path, "a") as f:
        for name, flat in results.items():
            var = f.variables[name]
            for slices, a, b in _slabs(lo, hi, shape):
                var[slices] = flat[a - lo:b - lo].reshape(_slab_shape(slices))
        f.flush()
        f.variables["chunk_done"][k] = 1  # last: the chunk counts as done only once its data is written
        f.flush()


def merge(out, parts: Sequence | None = None, *, overwrite: bool = False) -> dict:
    """Combine the part files of a multi-process sweep into one file ``out``.

    Parameters
    ----------
    out : str or path
        Merged file; the parts default to ``FILE.part<k>.nc`` for k = 0 … process_count-1.
    parts : sequence of paths, optional
        Explicit part files.
    overwrite : bool
        Replace an existing ``out``.

    Returns
    -------
    dict
        ``{"path", "chunks_done", "n_chunks", "missing_chunks"}``.  Chunks not done in
        any part stay NaN / :data:`NOT_RUN`; the merged file can be resumed as a
        single-process sweep.
    """
    out = Path(out)
    if out.exists() and not overwrite:
        raise ParameterError(f"output file {out} exists; use overwrite (--overwrite)")
    if parts is None:
        found = sorted(out.parent.glob(f"{out.stem}.part*{out.suffix or '.nc'}"))
        if not found:
            raise ParameterError(f"no part files {part_path(out, 0).name}, … next to {out}")
        import xarray as xr

        with xr.open_dataset(found[0], engine="h5netcdf") as ds:  # lazily: only the attributes are read
            count = int(ds.attrs.get("process_count", 1))
        parts = [part_path(out, k) for k in range(count)]
        missing = [str(p) for p in parts if not p.exists()]
        if missing:
            raise ParameterError(f"part files missing: {', '.join(missing)}")
    parts = [Path(p) for p in parts]
    if not parts:
        raise ParameterError("merge needs at least one part file")
    keys = ("model", "fixed", "grid", "chunk_size", "gradient_output")
    merged = None
    for p in parts:
        ds = open_dataset(p)
        if merged is None:
            merged, ref = ds, p
            continue
        for key in keys:
            if str(ds.attrs.get(key)) != str(merged.attrs.get(key)):
                raise ParameterError(f"cannot merge {p} with {ref}: attribute {key} differs")
        chunk = int(merged.attrs["chunk_size"])
        shape = tuple(merged.sizes[d] for d in merged["status"].dims)
        point_chunk = (np.arange(math.prod(shape)) // chunk).reshape(shape)
        take = ds["chunk_done"].values.astype(bool)[point_chunk]
        for name in merged.data_vars:
            if name == "chunk_done":
                continue
            merged[name].values[...] = np.where(take, ds[name].values, merged[name].values)
        merged["chunk_done"].values[...] = np.maximum(merged["chunk_done"].values, ds["chunk_done"].values)
    merged.attrs.pop("process_index", None)
    merged.attrs.pop("process_count", None)
    with atomic_path(out) as tmp:
        merged.to_netcdf(tmp, engine="h5netcdf")
    done = merged["chunk_done"].values
    return {"path": out, "chunks_done": int(done.sum()), "n_chunks": int(done.size),
            "missing_chunks": [int(k) for k in np.flatnonzero(done == 0)]}
