"""Parameter sweeps: named grids, vmapped chunks, device sharding, resumable NetCDF output.

A sweep evaluates the point function of a model (:func:`~jaxrelic.interface.point_function`)
on the Cartesian product of named one-dimensional grids::

    from jaxrelic.workflows.sweep import sweep
    res = sweep("wimp", ["mass=10:1000:64:log", "sigma_v=1e-26:5e-26:16"],
                given={"b": 0.0}, out="scan.nc")
    ds = res.open()                 # xarray Dataset: omega_h2(mass, sigma_v), status(mass, sigma_v), ...

The points are flattened in C order and evaluated in chunks of ``chunk_size``
points (default: the largest chunk whose estimated peak memory fits ``max_memory``,
:func:`choose_chunk_size`, :data:`MEMORY_COST`) by one compiled ``jax.jit(jax.vmap(fn))``; every chunk has the same shape
(the last one is padded by repeating its last valid point; the padding is
dropped), so the function is traced and compiled once per sweep.  Twin-Higgs sweeps
whose innermost (last) axis is θ₁ evaluate each chunk in θ₁ groups that share one set of
θ₁-independent collision tables (:func:`sweep_group`,
:func:`~jaxrelic.interface.grouped_point_function`; results equal the
per-point path to the solver accuracy); the function is still traced and compiled once per sweep
(``eqx.debug.assert_max_traces(max_traces=1)`` guards this) and results are
bit-for-bit reproducible.

Batch coupling: the adaptive ODE solves of one vmapped batch are not independent to
the last bit (diffrax's FSAL ``Kvaerno5`` re-evaluates the first stage of every
point when any point of the batch restarts, ``eqxi.unvmap_any``), and the stiff
solves amplify rounding differences.  A point's value therefore depends on its
chunk companions and on the device count at the level of the solver accuracy
(measured: up to 1.2e-5 relative for WIMP Ω h² between 1 and 4 devices); a given
file is still bit-for-bit reproducible and resumable, and ``chunk_size=1`` on one
device reproduces single-point evaluations (to 1e-12, tested).  Each chunk is sharded over the local devices along
the point axis (``jax.sharding.Mesh(devices, ("points",))`` with
``NamedSharding(mesh, P("points"))``); ``chunk_size`` is rounded up to a
multiple of the device count.

Gradients (``gradient_output``): one column per grid parameter, computed by the
Jacobian of :mod:`jaxrelic.workflows.sensitivity` (:func:`~jaxrelic.workflows.sensitivity.log_jacobian`,
reverse mode) with its definitions: ``d_ln_O_d_ln_p`` = ∂ ln|O|/∂ ln|p| for a parameter
that scales, ``d_ln_O_d_p`` = ∂ ln|O|/∂ p for a phase or a grid that contains ``p = 0``
(one definition per column over the whole grid), NaN where the solve failed, status
``NONFINITE`` where it succeeded but the derivative is not finite.

The file (layout, metadata, writing chunk by chunk, reading back for ``resume``) is
:mod:`jaxrelic.workflows.sweep_io`: every variable is preallocated, each chunk is
written and then flagged done, so a sweep killed at any moment leaves finished,
flagged chunks and at most one unflagged chunk, which ``resume=True`` recomputes
(finished chunks are never recomputed).

Multi-process (multi-host) sweeps: process ``k`` of ``n`` evaluates the chunks
``i`` with ``i % n == k`` on its local devices and writes ``FILE.part<k>.nc``;
:func:`~jaxrelic.workflows.sweep_io.merge` combines the part files into ``FILE.nc``.  ``process_index`` and
``process_count`` default to :func:`jax.process_index` / :func:`jax.process_count`,
so after ``jax.distributed.initialize()`` each host takes its share.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import math
import signal
import threading
import time
from pathlib import Path
from typing import Callable, Mapping, Sequence

import numpy as np

from ..interface.adapter import background_key, grouped_point_function, point_function, with_background
from ..interface.registry import get_model
from .output_meta import NOT_RUN, gradient_variable
from .progress import Progress
from ..interface.parameters import ParameterError
from .sensitivity import column_kinds, log_jacobian, scale_columns
from .sweep_io import (_attrs, _check_matches, _create, _file_chunk_size, _fixed_from_json, _json_fixed, _variables,
                       _write_chunk, open_dataset, part_path)

__all__ = [
    "NOT_RUN",
    "GridAxis",
    "parse_grid",
    "make_grid",
    "SweepResult",
    "sweep",
    "SweepInterrupted",
    "MEMORY_COST",
    "DEFAULT_MAX_MEMORY",
    "memory_estimate",
    "choose_chunk_size",
    "sweep_group",
]

#: Largest chunk picked automatically (larger chunks gain little on CPU; give --chunk-size on GPUs).
_MAX_AUTO_CHUNK = 256

#: Default memory budget of a sweep (bytes): peak resident memory that fits a 16 GB laptop.
DEFAULT_MAX_MEMORY = 6 * 10**9

#: Peak resident memory (RSS) of one sweep process = base + chunk_size · per_point (bytes).
#: Measured on CPU (jax 0.10, float64, one device; ``ru_maxrss`` of a process running one
#: chunk of 1, 8 and 32 points, docs/workflows/sweep.md "Memory"), rounded up:
#: WIMP 0.73/0.74/0.74 GB, leptogenesis 0.54/0.55/0.56 GB (slope below the resolution, taken
#: as 2 MB), cogenesis 0.89/0.95/1.01 GB, twin-Higgs 1.38 GB at 1 point and 2.46 GB at 32
#: points spread over the README ranges of r and θ₁ (35 MB per point; 10.26 GB measured for a
#: chunk of 256).  The twin-Higgs cost is for the default momentum grid (n_q = 128,
#: n_a = 600) and scales with n_q · n_a.
MEMORY_COST = {
    "wimp": (0.8e9, 2.0e6),
    "leptogenesis": (0.6e9, 2.0e6),
    "cogenesis": (1.0e9, 4.0e6),
    "twin-higgs": (1.5e9, 3.6e7),
}
_TWIN_DEFAULT_GRID = 128 * 600

#: Preferred points per compiled call on CPU, where a larger vmapped batch costs more per
#: point (the adaptive ODE solves of a batch share their steps): measured for the twin
#: point function on 2 CPU cores (docs/physics/twin_solvers.md, "Throughput").  The
#: automatic chunk is min(memory-budget fit, this, _MAX_AUTO_CHUNK); other backends
#: (GPU) use the memory fit up to _MAX_AUTO_CHUNK.
PREFERRED_CHUNK_CPU = {"twin-higgs": 24}
#: Smallest θ₁ group worth its collision tables (a group costs two operator evaluations).
MIN_GROUP = 4


# ----------------------------------------------------------------------------- grids


@dataclasses.dataclass(frozen=True)
class GridAxis:
    """One named grid axis: ``num`` values from ``start`` to ``stop`` (inclusive).

    Attributes
    ----------
    name : str
        Continuous parameter of the model.
    start, stop : float
        End points (``stop < start`` gives a descending grid).
    num : int
        Number of values (>= 1; ``num == 1`` gives ``[start]``).
    log : bool
        Logarithmic spacing (``numpy.geomspace``; both ends > 0) instead of linear.
    """

    name: str
    start: float
    stop: float
    num: int
    log: bool = False

    def values(self) -> np.ndarray:
        """The grid values (float64)."""
        if self.num == 1:
            return np.array([self.start], dtype=np.float64)
        if self.log:
            return np.geomspace(self.start, self.stop, self.num, dtype=np.float64)
        return np.linspace(self.start, self.stop, self.num, dtype=np.float64)

    def as_dict(self) -> dict:
        return {"name": self.name, "start": self.start, "stop": self.stop, "num": self.num, "log": self.log}


def _fmt_range(lo: float, hi: float) -> str:
    return f"[{lo:g}, {hi:g}]"


def _check_axis(model: str, axis: GridAxis) -> GridAxis:
    ev = get_model(model)
    name = axis.name
    if name not in ev.bounds:
        spec_names = list(get_model(model).parameters.names)
        if name in spec_names:
            raise ParameterError(
                f"grid parameter {name!r} of model {model} is not continuous and cannot be swept; "
                f"sweepable: {', '.join(ev.bounds)} (fix it with --set)"
            )
        raise ParameterError(f"unknown grid parameter {name!r} for model {model}; sweepable: {', '.join(ev.bounds)}")
    if isinstance(axis.num, bool) or int(axis.num) != axis.num or axis.num < 1:
        raise ParameterError(f"grid {name}: NUM={axis.num!r} must be an integer >= 1")
    lo, hi, _ = ev.bounds[name]
    for label, v in (("START", axis.start), ("STOP", axis.stop)):
        if not math.isfinite(v) or v < lo or v > hi:
            raise ParameterError(f"grid {name}: {label}={v!r} outside the allowed range {_fmt_range(lo, hi)} of {name}")
    if axis.log and (axis.start <= 0.0 or axis.stop <= 0.0):
        raise ParameterError(f"grid {name}: a log grid needs START > 0 and STOP > 0, got {axis.start!r}:{axis.stop!r}")
    return GridAxis(name, float(axis.start), float(axis.stop), int(axis.num), bool(axis.log))


def parse_grid(text: str, model: str) -> GridAxis:
    """Parse ``NAME=START:STOP:NUM[:log]`` (or ``:lin``) and validate it against ``model``.

    Raises
    ------
    ParameterError
        Unknown or non-continuous parameter, malformed text, NUM < 1, a log grid
        with a non-positive end, or an end outside the parameter's allowed range;
        the message names the parameter.
    """
    usage = "NAME=START:STOP:NUM[:log]"
    if "=" not in text:
        raise ParameterError(f"--grid expects {usage}, got {text!r}")
    name, rest = (s.strip() for s in text.split("=", 1))
    parts = [s.strip() for s in rest.split(":")]
    if len(parts) not in (3, 4) or not name:
        raise ParameterError(f"grid {name or text!r}: expected {usage}, got {text!r}")
    log = False
    if len(parts) == 4:
        if parts[3].lower() not in ("log", "lin"):
            raise ParameterError(f"grid {name}: spacing {parts[3]!r} invalid; allowed: log, lin")
        log = parts[3].lower() == "log"
    try:
        start, stop = float(parts[0]), float(parts[1])
    except ValueError:
        raise ParameterError(f"grid {name}: START and STOP must be numbers, got {parts[0]!r}:{parts[1]!r}") from None
    try:
        num = int(parts[2])
    except ValueError:
        raise ParameterError(f"grid {name}: NUM={parts[2]!r} must be an integer >= 1") from None
    return _check_axis(model, GridAxis(name, start, stop, num, log))


def make_grid(model: str, grid) -> tuple[GridAxis, ...]:
    """Validated grid axes from strings, :class:`GridAxis` objects or dicts (one per axis)."""
    if isinstance(grid, (str, GridAxis, Mapping)):
        grid = [grid]
    axes = []
    for g in grid:
        if isinstance(g, str):
            axes.append(parse_grid(g, model))
        elif isinstance(g, GridAxis):
            axes.append(_check_axis(model, g))
        elif isinstance(g, Mapping):
            axes.append(_check_axis(model, GridAxis(g["name"], float(g["start"]), float(g["stop"]), g["num"],
                                                    bool(g.get("log", False)))))
        else:
            raise ParameterError(f"grid axis {g!r} invalid; expected NAME=START:STOP:NUM[:log]")
    if not axes:
        raise ParameterError("a sweep needs at least one --grid NAME=START:STOP:NUM[:log]")
    names = [a.name for a in axes]
    dup = [n for n in names if names.count(n) > 1]
    if dup:
        raise ParameterError(f"grid parameter {dup[0]!r} given more than once")
    return tuple(axes)


# ----------------------------------------------------------------------------- memory budget


def memory_estimate(model: str, chunk_size: int, fixed: Mapping | None = None) -> tuple[float, float]:
    """Estimated peak RSS (bytes) of a sweep of ``model`` with chunks of ``chunk_size`` points.

    Returns ``(total, per_point)`` from :data:`MEMORY_COST`; for ``twin-higgs`` the
    per-point cost is scaled by n_q · n_a / (128 · 600) (the arrays of one point are
    n_a × n_q momentum distributions).
    """
    base, per_point = MEMORY_COST.get(model, max(MEMORY_COST.values()))
    if model == "twin-higgs" and fixed is not None:
        per_point *= float(fixed.get("n_q", 128)) * float(fixed.get("n_a", 600)) / _TWIN_DEFAULT_GRID
    return base + chunk_size * per_point, per_point


def choose_chunk_size(model: str, n_points: int, max_memory: float = DEFAULT_MAX_MEMORY, n_devices: int = 1,
                      fixed: Mapping | None = None, backend: str | None = None, group_len: int = 0) -> int:
    """Largest chunk (points per compiled call) whose estimated peak memory fits ``max_memory``.

    At most :data:`_MAX_AUTO_CHUNK` (256) points, on the ``"cpu"`` backend at most the
    model's :data:`PREFERRED_CHUNK_CPU` (or one group, if longer), and never more than the
    sweep has (``n_points`` rounded up to a multiple of ``n_devices``); a multiple of
    ``n_devices``.  With
    ``group_len`` (the length of the innermost grid axis when it is the model's group
    axis, :func:`sweep_group`) the chunk is rounded down to a multiple of it when it
    holds at least one group, so that every chunk consists of whole groups.

    Raises
    ------
    ParameterError
        ``max_memory`` is below the estimate for one point per device.
    """
    base, per_point = memory_estimate(model, 0, fixed)
    fit = int((max_memory - base) // per_point)
    if fit < n_devices:
        need, _ = memory_estimate(model, n_devices, fixed)
        raise ParameterError(f"max_memory (--max-memory) {max_memory / 1e9:.3g} GB is below the estimated "
                             f"{need / 1e9:.3g} GB "
                             f"for one {model} point per device ({per_point / 1e6:.0f} MB per point on top of "
                             f"{base / 1e9:.2g} GB); allowed: >= {need / 1e9:.3g} GB")
    whole = -(-n_points // n_devices) * n_devices
    chunk = min(fit, _MAX_AUTO_CHUNK, whole)
    if backend == "cpu" and model in PREFERRED_CHUNK_CPU:
        # one whole group (θ₁ column) per chunk even when it is longer than the preferred size:
        # its tables are then computed once
        chunk = min(chunk, max(PREFERRED_CHUNK_CPU[model], group_len))
    step = math.lcm(n_devices, group_len) if group_len > 1 else n_devices
    if chunk >= step:
        return chunk // step * step
    return max(n_devices, chunk // n_devices * n_devices)


def sweep_group(model: str, names: Sequence[str], shape: Sequence[int], chunk: int,
                gradient_output: str | None = None) -> int:
    """Points per group of a chunk for :func:`~jaxrelic.interface.grouped_point_function` (0: none).

    Grouping applies when the model has a group axis (twin-higgs: θ₁), it is the
    innermost (last) grid axis, so that consecutive points of a chunk differ only in it,
    and no gradient is requested.  The group is gcd(chunk, axis length) points (groups
    never straddle two values of the outer axes, nor two chunks); below
    :data:`MIN_GROUP` points grouping is not worth its tables and 0 is returned.
    """
    ev = get_model(model)
    if ev.group_axis is None or gradient_output is not None or not names or names[-1] != ev.group_axis:
        return 0
    g = math.gcd(int(chunk), int(shape[-1]))
    return g if g >= MIN_GROUP else 0


# ----------------------------------------------------------------------------- compiled chunk function


#: Key of the chunk function's result that holds the log-Jacobian of a gradient sweep.
_LOG_JACOBIAN = "log_jacobian"


@functools.lru_cache(maxsize=8)
def _compiled(model: str, fixed_json: str, names: tuple, gradient_output: str | None, device_ids: tuple,
              chunk: int, group: int = 0, bg_key=None):
    """One jitted, vmapped point function per (model, fixed values, free names, devices, chunk size).

    Cached so that repeated sweeps of the same setup (resume, parts, tests) reuse the
    compiled code; ``assert_max_traces(max_traces=1)`` fails loudly if a chunk retraces.
    ``group > 1`` (:func:`sweep_group`): the chunk is evaluated as chunk/group groups of
    consecutive points that differ only in the model's group axis, with
    :func:`~jaxrelic.interface.grouped_point_function` (twin-higgs: collision
    tables once per θ₁ group).
    """
    import equinox as eqx
    import jax
    from jax.sharding import Mesh, NamedSharding
    from jax.sharding import PartitionSpec as P

    given = _fixed_from_json(fixed_json)
    fn, _ = point_function(model, given, free=names)

    if gradient_output is not None:  # the sensitivity Jacobian (1/O) ∂O/∂p; columns scaled by _gradient_columns
        jac = log_jacobian(fn, names, (gradient_output,), "reverse")

        def fn(values):
            R, out = jac(values)
            return {**out, _LOG_JACOBIAN: R}

    by_id = {d.id: d for d in jax.local_devices()}
    mesh = Mesh(np.array([by_id[i] for i in device_ids]), ("points",))
    sharding = NamedSharding(mesh, P("points"))
    if group > 1:
        fn_group = grouped_point_function(model, given, free=names)

        def grouped(values):
            shaped = {k: v.reshape(chunk // group, group) for k, v in values.items()}
            out = jax.vmap(fn_group)(shaped)
            return {k: v.reshape(chunk) for k, v in out.items()}

        guarded = eqx.debug.assert_max_traces(grouped, max_traces=1)
        return jax.jit(guarded), guarded, sharding
    guarded = eqx.debug.assert_max_traces(jax.vmap(fn), max_traces=1)
    return jax.jit(guarded), guarded, sharding


def _gradient_columns(model: str, names: tuple, output: str, kinds: tuple, R, point: dict) -> dict:
    """Gradient variables of a chunk from its ``R = (1/O) ∂O/∂p``: the sensitivity's :func:`scale_columns`."""
    _, S, _ = scale_columns(model, names, (output,), np.asarray(R), point, kinds)
    return {gradient_variable(output, n, k): S[:, 0, j] for j, (n, k) in enumerate(zip(names, kinds))}


def _resolve_devices(devices):
    import jax

    local = jax.local_devices()
    if devices is None:
        return tuple(local)
    if isinstance(devices, int):
        if devices < 1 or devices > len(local):
            raise ParameterError(f"devices={devices} invalid; allowed: 1 to {len(local)} local devices")
        return tuple(local[:devices])
    devices = tuple(devices)
    if not devices:
        raise ParameterError("devices must not be empty")
    return devices


# ----------------------------------------------------------------------------- sweep


@dataclasses.dataclass
class SweepResult:
    """Summary of one :func:`sweep` call.

    Attributes
    ----------
    path : pathlib.Path
        File written (``FILE.part<k>.nc`` for a process of a multi-process sweep).
    computed_chunks : list of int
        Chunks evaluated by this call (finished chunks of a resumed file are skipped).
    n_chunks, chunk_size, n_points : int
        Chunk count, points per chunk, total grid points.
    n_devices : int
        Devices the chunks were sharded over.
    input_devices : int
        Devices spanned by the sharding of the last evaluated chunk's inputs (0 if none ran).
    seconds : float
        Wall time of the evaluation loop (including compilation).
    complete : bool
        Whether every chunk of this process's share is flagged done in the file.
    traces : int
        Times the chunk function has been traced (1 after any evaluation: no retracing
        between chunks; it is cached and shared by sweeps of the same setup).
    """

    path: Path
    computed_chunks: list
    n_chunks: int
    chunk_size: int
    n_points: int
    n_devices: int
    input_devices: int
    seconds: float
    complete: bool
    traces: int = 0

    def open(self):
        """The file as an in-memory :class:`xarray.Dataset`."""
        return open_dataset(self.path)


class SweepInterrupted(KeyboardInterrupt):
    """Ctrl-C during :func:`sweep`; the message names the file and how to resume (finished chunks are kept)."""


@contextlib.contextmanager
def _sigint_deferred():
    """Hold back SIGINT (Ctrl-C) while a chunk is written; yields a list that records held-back signals.

    The caller raises :class:`KeyboardInterrupt` after the write when the list is not empty.
    Only in the main thread (where Python delivers signals); elsewhere a no-op.
    """
    caught: list = []
    if threading.current_thread() is not threading.main_thread():
        yield caught
        return
    try:
        previous = signal.signal(signal.SIGINT, lambda *a: caught.append(a))
    except ValueError:  # not allowed here (embedded interpreter)
        yield caught
        return
    try:
        yield caught
    finally:
        signal.signal(signal.SIGINT, previous)


@with_background
def sweep(model: str, grid, given: Mapping | None = None, out=None, *, chunk_size: int | None = None,
          max_memory: float | None = None,
          resume: bool = False, overwrite: bool = False, progress: bool = True, devices=None,
          gradient_output: str | None = None, process_index: int | None = None,
          process_count: int | None = None,
          on_chunk: Callable[[int, int], None] | None = None) -> SweepResult:
    """Evaluate ``model`` on the Cartesian product of ``grid`` and write a NetCDF file chunk by chunk.

    Parameters
    ----------
    model : str
        Registry name (``"wimp"``, ``"twin-higgs"``, ``"cogenesis"``, ``"leptogenesis"``).
    grid : sequence of str, GridAxis or dict
        Axes ``NAME=START:STOP:NUM[:log]`` over continuous parameters, in dimension order.
    given : mapping, optional
        Fixed parameter values (as for ``jaxrelic relic --set``); defaults elsewhere.
        A swept parameter must not be given.
    out : str or path
        Output file (``.nc``).  With ``process_count > 1`` the process writes
        :func:`~jaxrelic.workflows.sweep_io.part_path` ``(out, process_index)`` instead.
    chunk_size : int, optional
        Points per compiled call, rounded up to a multiple of the device count.  Default:
        the chunk of a resumed file, else :func:`choose_chunk_size` from ``max_memory``.
    max_memory : float, optional
        Memory budget in bytes for the automatic chunk size (default
        :data:`DEFAULT_MAX_MEMORY`); ignored when ``chunk_size`` is given.
    resume : bool
        Continue an existing file: its model, fixed values, grid and chunk size must
        match the request; only chunks not flagged done are computed.
    overwrite : bool
        Replace an existing file (without ``resume``; otherwise an existing file is an error).
    progress : bool
        Text progress bar on stderr.
    devices : None, int or sequence of jax devices
        Devices to shard each chunk over: all local devices (default), the first ``n``,
        or an explicit list.
    gradient_output : str, optional
        Also store the sensitivity of this output to every grid parameter (reverse mode;
        ``d_ln_<output>_d_ln_<param>``, or ``d_ln_<output>_d_<param>`` for a phase or a grid
        through 0: module docstring).
    process_index, process_count : int, optional
        This process's share of a multi-process sweep (chunks ``i % count == index``);
        default :func:`jax.process_index` / :func:`jax.process_count`.
    on_chunk : callable, optional
        ``on_chunk(chunk_index, n_computed_so_far)`` after each chunk is written.

    Returns
    -------
    SweepResult

    Raises
    ------
    ParameterError
        Bad grid or parameter, ``out`` a folder, an existing file without ``resume`` or
        ``overwrite``, a resume that does not match or an unreadable (truncated) file.
    SweepInterrupted
        Ctrl-C; the chunks finished so far are in the file (resume with ``resume=True``).
    """
    import jax

    if out is None:
        raise ParameterError("out: an output file FILE.nc is required")
    axes = make_grid(model, grid)
    names = tuple(a.name for a in axes)
    given = dict(given or {})
    clash = [n for n in names if n in given]
    if clash:
        raise ParameterError(f"parameter {clash[0]} is both swept (grid) and fixed (set); give one")
    ev = get_model(model)
    if gradient_output is not None and gradient_output not in ev.outputs:
        raise ParameterError(f"gradient output {gradient_output!r} invalid; allowed: {', '.join(ev.outputs)}")
    if chunk_size is not None and (isinstance(chunk_size, bool) or int(chunk_size) != chunk_size or chunk_size < 1):
        raise ParameterError(f"chunk_size={chunk_size!r} must be an integer >= 1")
    if max_memory is not None and not (isinstance(max_memory, (int, float)) and max_memory > 0):
        raise ParameterError(f"max_memory={max_memory!r} must be a positive number of bytes")
    _, fixed = point_function(model, given, free=names)  # validates every fixed parameter
    swept = set(names)
    if model == "cogenesis":
        swept |= {n[:-4] for n in names if n.endswith(("_abs", "_arg"))}
    fixed = {k: v for k, v in fixed.items() if k not in swept}
    if model == "cogenesis":  # a fixed coupling once, as given (complex), not also as its _abs/_arg pair
        fixed = {k: v for k, v in fixed.items() if not (k.endswith(("_abs", "_arg")) and k[:-4] in fixed)}
    fixed_json = _json_fixed(fixed)

    devs = _resolve_devices(devices)
    ndev = len(devs)
    pindex = jax.process_index() if process_index is None else int(process_index)
    pcount = jax.process_count() if process_count is None else int(process_count)
    if pcount < 1 or not 0 <= pindex < pcount:
        raise ParameterError(f"process_index={pindex} invalid for process_count={pcount}; allowed 0 to {pcount - 1}")
    path = part_path(out, pindex) if pcount > 1 else Path(out)
    if path.is_dir():
        raise ParameterError(f"output {str(path)!r} is a folder; give a file name such as {str(path / 'scan.nc')!r}")
    empty = path.is_file() and path.stat().st_size == 0  # e.g. killed before the first write: nothing to keep

    shape = tuple(a.num for a in axes)
    n_points = math.prod(shape)
    if chunk_size is None and resume and path.is_file() and not empty:
        chunk_size = _file_chunk_size(path)
    if chunk_size is None:
        inner = shape[-1] if sweep_group(model, names, shape, shape[-1], gradient_output) else 0
        chunk_size = choose_chunk_size(model, n_points, DEFAULT_MAX_MEMORY if max_memory is None else max_memory,
                                       ndev, fixed, backend=devs[0].platform, group_len=inner)
    chunk = -(-int(chunk_size) // ndev) * ndev
    group = sweep_group(model, names, shape, chunk, gradient_output)
    n_chunks = -(-n_points // chunk)
    attrs = _attrs(model, fixed_json, axes, chunk, gradient_output, pindex, pcount)
    values = [a.values() for a in axes]
    # one definition per gradient column over the whole grid (dln/d for phases and a grid through 0)
    kinds = column_kinds(names, dict(zip(names, values))) if gradient_output is not None else ()
    floats, ints = _variables(model, names, gradient_output, kinds)

    if path.exists() and not (empty and resume):
        if resume:
            done = _check_matches(path, attrs, floats + ints)
        elif overwrite:
            path.unlink()
            done = None
        else:
            raise ParameterError(f"output file {path} exists; use resume (--resume) or overwrite (--overwrite)")
    else:
        done = None  # no file, or an empty one under resume (nothing was finished): start it
    if done is None:
        path.parent.mkdir(parents=True, exist_ok=True)
        _create(path, axes, floats, ints, n_chunks, attrs)
        done = np.zeros(n_chunks, dtype=np.int8)

    mine = [k for k in range(n_chunks) if k % pcount == pindex]
    todo = [k for k in mine if not done[k]]
    batched, guarded, sharding = _compiled(model, fixed_json, names, gradient_output, tuple(d.id for d in devs), chunk,
                                           group, background_key())

    def n_in(k):
        return min((k + 1) * chunk, n_points) - k * chunk

    bar = Progress(sum(n_in(k) for k in mine), sum(n_in(k) for k in mine if done[k]), unit="points", quiet=not progress)
    computed, input_devices = [], 0
    t0 = time.perf_counter()
    try:
        for k in todo:  # Ctrl-C: finished chunks stay flagged in the file (SweepInterrupted says how to resume)
            lo, hi = k * chunk, min((k + 1) * chunk, n_points)
            flat = np.arange(lo, lo + chunk)
            flat[hi - lo:] = hi - 1  # pad the last chunk by repeating its last valid point
            idx = np.unravel_index(flat, shape)
            inputs = {n: jax.device_put(v[i], sharding) for n, v, i in zip(names, values, idx)}
            input_devices = len(next(iter(inputs.values())).sharding.device_set)
            res = dict(batched(inputs))
            if gradient_output is not None:
                res.update(_gradient_columns(model, names, gradient_output, kinds, res.pop(_LOG_JACOBIAN),
                                             {n: v[i] for n, v, i in zip(names, values, idx)}))
            res = {name: np.asarray(res[name])[: hi - lo] for name in floats + ints}
            res = {name: v.astype(np.float64 if name in floats else np.int32) for name, v in res.items()}
            with _sigint_deferred() as ctrl_c:  # a chunk is written completely or not at all
                _write_chunk(path, shape, lo, hi, k, res)
            computed.append(k)
            bar.update(hi - lo)
            if ctrl_c:
                raise KeyboardInterrupt
            if on_chunk is not None:
                on_chunk(k, len(computed))
    except KeyboardInterrupt:
        n_done = int(np.sum(done[mine])) + len(computed)
        raise SweepInterrupted(
            f"interrupted: {n_done} of {len(mine)} chunks are finished and saved in {path}; "
            f"resume with --resume (same arguments; resume=True from Python)") from None
    finally:
        bar.close()
    seconds = time.perf_counter() - t0
    import equinox as eqx

    return SweepResult(path, computed, n_chunks, chunk, n_points, ndev, input_devices, seconds,
                       complete=len(computed) == len(todo), traces=eqx.debug.get_num_traces(guarded))
