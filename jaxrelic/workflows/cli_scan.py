"""``jaxrelic scan``: grid sweeps written chunk by chunk to a resumable NetCDF file.

::

    jaxrelic scan wimp --grid mass=10:1000:64:log --grid sigma_v=1e-26:5e-26:16 \\
        --set b=0 --out scan.nc [--resume | --overwrite] [--max-memory 4GB | --chunk-size 64] [--quiet]
    jaxrelic scan --merge --out scan.nc          # combine scan.part<k>.nc of a multi-process run

Exit codes: 0 when the sweep (this process's share) finished, 1 when it finished
but no point succeeded (every ``status`` non-zero; the status counts on stderr), 2 for
user errors (bad grid, bad parameter, an output path that cannot be written, existing
file without ``--resume``/``--overwrite``, mismatching resume, a damaged file under
``--resume``), 130 for Ctrl-C (the finished chunks stay in the file; the message says
to resume with ``--resume``).  The chunk size follows from ``--max-memory`` (default
6 GB) unless ``--chunk-size`` is given.  See :mod:`jaxrelic.workflows.sweep` and ``docs/workflows/sweep.md``.
"""

from __future__ import annotations


import sys

from .cli_common import UserError, dumps_json, parse_bytes, parse_sets
from .io import check_output_file

__all__ = ["register"]


def _cmd_scan(args) -> int:
    from . import sweep as sw
    from .sweep_io import merge, part_path

    if args.merge:
        if args.out is None:
            raise UserError("--merge needs --out FILE.nc (the parts are FILE.part<k>.nc)")
        check_output_file(args.out, "--out")
        info = merge(args.out, overwrite=args.overwrite)
        info["path"] = str(info["path"])
        if args.json:
            print(dumps_json(info, indent=2))
        else:
            print(f"merged {info['chunks_done']}/{info['n_chunks']} chunks into {info['path']}")
            if info["missing_chunks"]:
                print(f"missing chunks: {info['missing_chunks']} (resume the part files, then merge again)")
        return 0 if not info["missing_chunks"] else 1
    if args.model is None:
        raise UserError("scan needs a MODEL (see `jaxrelic models`), or --merge")
    if not args.grid:
        raise UserError("scan needs at least one --grid NAME=START:STOP:NUM[:log]")
    if args.out is None:
        raise UserError("scan needs --out FILE.nc")
    if args.resume and args.overwrite:
        raise UserError("--resume and --overwrite exclude each other")
    if (args.process_index is None) != (args.process_count is None):
        raise UserError("--process-index and --process-count go together")
    if args.chunk_size is not None and args.chunk_size < 1:
        raise UserError(f"--chunk-size {args.chunk_size} must be an integer >= 1")
    if args.chunk_size is not None and args.max_memory is not None:
        raise UserError("--chunk-size and --max-memory exclude each other (the budget picks the chunk size)")
    max_memory = None if args.max_memory is None else parse_bytes(args.max_memory, "--max-memory")
    out = check_output_file(args.out, "--out")  # before any compilation
    if args.process_count is not None and args.process_count > 1 and args.process_index is not None:
        check_output_file(part_path(out, args.process_index), "--out")
    from ..interface.registry import get_model

    get_model(args.model)  # unknown model -> ParameterError (exit 2) before anything else
    if args.distributed:
        import jax

        jax.distributed.initialize()
    res = sw.sweep(
        args.model,
        args.grid,
        parse_sets(args.set),
        args.out,
        chunk_size=args.chunk_size,
        max_memory=max_memory,
        resume=args.resume,
        overwrite=args.overwrite,
        progress=not args.quiet,
        gradient_output=args.gradients,
        process_index=args.process_index,
        process_count=args.process_count,
    )
    ds = res.open()
    status = ds["status"].values
    import numpy as np

    codes, counts = np.unique(status, return_counts=True)
    from ..numerics.status import status_name

    summary = {
        "path": str(res.path),
        "model": args.model,
        "points": res.n_points,
        "chunks": res.n_chunks,
        "chunk_size": res.chunk_size,
        "devices": res.n_devices,
        "computed_chunks": res.computed_chunks,
        "seconds": res.seconds,
        "status_counts": {("not_run" if c == sw.NOT_RUN else status_name(c)): int(n) for c, n in zip(codes, counts)},
    }
    if args.json:
        print(dumps_json(summary, indent=2))
    else:
        print(f"wrote {summary['path']}: {res.n_points} points in {res.n_chunks} chunks of {res.chunk_size} "
              f"on {res.n_devices} device(s); computed {len(res.computed_chunks)} chunks in {res.seconds:.1f} s")
        print("status: " + ", ".join(f"{k}={v}" for k, v in summary["status_counts"].items()))
    ran = status[status != sw.NOT_RUN]
    if ran.size and not np.any(ran == 0):
        counts = ", ".join(f"{k}={v}" for k, v in summary["status_counts"].items())
        print(f"jaxrelic: scan {args.model}: no point succeeded ({counts}); "
              f"status codes: jaxrelic.numerics.status", file=sys.stderr)
        return 1
    return 0


def register(subparsers) -> None:
    """Add ``jaxrelic scan`` to the CLI."""
    p = subparsers.add_parser(
        "scan",
        help="grid sweep of a model into a resumable NetCDF file",
        description="Evaluate MODEL on the Cartesian product of --grid axes (vmapped chunks sharded over the "
        "local devices) and write an xarray/NetCDF file chunk by chunk with per-point status.",
    )
    p.add_argument("model", nargs="?", help="model name (see `jaxrelic models`)")
    p.add_argument("--grid", action="append", metavar="NAME=START:STOP:NUM[:log]",
                   help="grid axis over a continuous parameter, linear or log (repeatable; dimension order)")
    p.add_argument("--set", action="append", metavar="NAME=VALUE", help="fixed parameter value (repeatable)")
    p.add_argument("--out", metavar="FILE.nc", help="output NetCDF file")
    p.add_argument("--resume", action="store_true", help="continue an interrupted sweep in FILE.nc")
    p.add_argument("--overwrite", action="store_true", help="replace an existing FILE.nc")
    p.add_argument("--chunk-size", type=int, default=None,
                   help="points per compiled call (rounded up to a multiple of the device count; default: from "
                        "--max-memory, at most 256; on --resume the file's)")
    p.add_argument("--max-memory", metavar="SIZE",
                   help="memory budget that picks the chunk size, e.g. 4GB, 16GiB (default 6GB; "
                        "docs/workflows/sweep.md lists the memory per point of each model)")
    p.add_argument("--gradients", metavar="OUTPUT",
                   help="also store d_ln_OUTPUT_d_ln_PARAM for every grid parameter (d_ln_OUTPUT_d_PARAM for a "
                        "phase or a grid through 0), as `jaxrelic sensitivity` defines them")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--json", action="store_true", help="print a JSON summary")
    p.add_argument("--distributed", action="store_true",
                   help="call jax.distributed.initialize() (multi-host; each process writes FILE.part<k>.nc)")
    p.add_argument("--process-index", type=int, help="this process's index of a multi-process sweep (manual)")
    p.add_argument("--process-count", type=int, help="number of processes of a multi-process sweep (manual)")
    p.add_argument("--merge", action="store_true", help="merge FILE.part<k>.nc into --out FILE.nc and exit")
    p.set_defaults(func=_cmd_scan)

