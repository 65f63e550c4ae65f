"""Benchmark of jaxrelic sweeps: points/s on 1 vs N devices, gradient/forward cost, no-retrace guard.

Usage::

    python scripts/bench_sweep.py                               # 1000-point twin-neutrino sweep, 1 vs 2 CPU devices
    python scripts/bench_sweep.py --points 128 --chunk-size 32  # smaller (2 shared CPU cores)
    python scripts/bench_sweep.py --platform default --points 10000 --chunk-size 2048   # on a GPU

Each configuration runs in its own subprocess, because the number of host devices
(``XLA_FLAGS=--xla_force_host_platform_device_count=N``) is fixed when JAX starts.
A worker runs :func:`jaxrelic.workflows.sweep.sweep` into a temporary file and reports
the time to the first chunk (tracing + compilation + one chunk) and the steady
throughput over the remaining chunks; the number of traces of the chunk function
(``eqx.debug.assert_max_traces(max_traces=1)`` inside the sweep; 1 = nothing retraced
between chunks); and, on one device, the per-point cost of ``jax.grad`` of ln(output)
with respect to the swept parameter (reverse-mode ODE adjoint) and of ``jax.jacfwd``
(``adjoint="forward"``) against the forward evaluation (all vmapped).
Results are printed as a table and as JSON (``--json FILE``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

DEFAULT_GRID = {
    "twin-higgs": "m_nu=0.5:2:{n}:log",
    "wimp": "mass=10:1000:{n}:log",
    "leptogenesis": "K=0.1:100:{n}:log",
    "cogenesis": "T_RH=1e11:1e13:{n}:log",
}
DEFAULT_SETS = {"twin-higgs": ["n_q=100", "n_a=300"]}


def _device_info() -> dict:
    import jax

    d = jax.devices()
    return {"backend": jax.default_backend(), "n_devices": len(d), "device_kind": d[0].device_kind,
            "devices": [str(x) for x in d], "jax": jax.__version__, "cpu_count": os.cpu_count()}


def _worker(args) -> dict:
    import jax
    import jax.numpy as jnp
    import numpy as np

    from jaxrelic.workflows import sweep as sw
    from jaxrelic.workflows.cli_common import parse_sets
    from jaxrelic.interface import get_model, point_function

    given = parse_sets(args.set)
    grid = args.grid or DEFAULT_GRID[args.model].format(n=args.points)
    info = {"config": _device_info(), "model": args.model, "grid": grid, "set": args.set}
    stamps = []
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        res = sw.sweep(args.model, [grid], given, os.path.join(tmp, "bench.nc"), chunk_size=args.chunk_size,
                       progress=False, devices=args.devices, on_chunk=lambda k, n: stamps.append(time.perf_counter()))
        ds = res.open()
    total = time.perf_counter() - t0
    n_pts, chunk = res.n_points, res.chunk_size
    first = stamps[0] - t0
    steady_pts = n_pts - min(chunk, n_pts)
    steady_s = stamps[-1] - stamps[0]
    axes = sw.make_grid(args.model, [grid])
    status = ds["status"].values
    info.update({
        "points": n_pts, "chunk_size": chunk, "chunks": res.n_chunks, "sweep_devices": res.n_devices,
        "total_s": total, "first_chunk_s": first,
        "steady_points_per_s": steady_pts / steady_s if steady_pts and steady_s > 0 else float("nan"),
        "overall_points_per_s": n_pts / total,
        "traces": res.traces,
        "status_success": int(np.sum(status == 0)), "status_failed": int(np.sum(status != 0)),
    })
    if args.grad_points:
        name = axes[0].name
        out = get_model(args.model).outputs[0]
        fwd_fn, _ = point_function(args.model, given, free=(name,))
        tan_fn, _ = point_function(args.model, given, free=(name,), adjoint="forward")
        vals = {name: jnp.asarray(axes[0].values()[: args.grad_points])}

        def ln_out(v):
            return jnp.log(jnp.abs(fwd_fn(v)[out]))

        def ln_out_tan(v):
            return jnp.log(jnp.abs(tan_fn(v)[out]))

        fwd = jax.jit(jax.vmap(lambda v: fwd_fn(v)[out]))
        grd = jax.jit(jax.vmap(jax.grad(ln_out)))
        jfw = jax.jit(jax.vmap(jax.jacfwd(ln_out_tan)))
        timings = {}
        for label, f in (("forward", fwd), ("gradient", grd), ("jacfwd", jfw)):
            t = time.perf_counter()
            jax.block_until_ready(f(vals))
            compile_run = time.perf_counter() - t
            reps = []
            for _ in range(args.repeats):
                t = time.perf_counter()
                jax.block_until_ready(f(vals))
                reps.append(time.perf_counter() - t)
            timings[label] = {"first_call_s": compile_run, "per_point_s": min(reps) / args.grad_points}
        info["gradient"] = {"output": out, "parameter": name, "points": args.grad_points, **timings,
                            "grad_over_forward": timings["gradient"]["per_point_s"] / timings["forward"]["per_point_s"],
                            "jacfwd_over_forward": timings["jacfwd"]["per_point_s"] / timings["forward"]["per_point_s"]}
    return info


def _run_worker(args, n_devices: int | None) -> dict:
    cmd = [sys.executable, os.path.abspath(__file__), "--worker", "--model", args.model, "--points", str(args.points),
           "--chunk-size", str(args.chunk_size), "--repeats", str(args.repeats)]
    for s in args.set:
        cmd += ["--set", s]
    if args.grid:
        cmd += ["--grid", args.grid]
    env = dict(os.environ)
    if args.platform == "cpu":
        env["JAX_PLATFORMS"] = "cpu"
        env["XLA_FLAGS"] = (env.get("XLA_FLAGS", "") + f" --xla_force_host_platform_device_count={n_devices}").strip()
    if n_devices is not None:
        cmd += ["--devices", str(n_devices)]
    cmd += ["--grad-points", str(args.grad_points if n_devices in (None, 1) else 0)]
    p = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit(f"worker ({n_devices} devices) failed:\n{p.stderr}")
    return json.loads(p.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", default="twin-higgs", choices=sorted(DEFAULT_GRID))
    ap.add_argument("--points", type=int, default=1000, help="grid points of the default 1-D log grid")
    ap.add_argument("--grid", help="explicit grid NAME=START:STOP:NUM[:log] (overrides --points)")
    ap.add_argument("--set", action="append", default=None, metavar="NAME=VALUE",
                    help="fixed parameters (default for twin-higgs: n_q=100, n_a=300)")
    ap.add_argument("--chunk-size", type=int, default=128)
    ap.add_argument("--platform", choices=("cpu", "default"), default="cpu",
                    help="cpu: compare --device-counts forced host devices; default: all devices of the "
                         "default backend (GPU)")
    ap.add_argument("--device-counts", default="1,2", help="CPU device counts to compare (platform cpu)")
    ap.add_argument("--grad-points", type=int, default=8, help="batch for the gradient/forward cost (0: skip)")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--devices", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.set is None:
        args.set = list(DEFAULT_SETS.get(args.model, []))
    if args.worker:
        print(json.dumps(_worker(args)))
        return 0

    print(f"host: {os.cpu_count()} CPU cores; model {args.model}, {args.points} points, chunk {args.chunk_size}, "
          f"set {args.set}")
    counts = [int(c) for c in args.device_counts.split(",")] if args.platform == "cpu" else [None]
    results = [_run_worker(args, n) for n in counts]
    base = results[0]["steady_points_per_s"]
    print(f"{'devices':>8} {'device':>14} {'first chunk s':>14} {'steady pts/s':>13} {'speed-up':>9} "
          f"{'traces':>7} {'ok/failed':>10}")
    for r in results:
        c = r["config"]
        print(f"{r['sweep_devices']:>8} {c['device_kind'][:14]:>14} {r['first_chunk_s']:>14.1f} "
              f"{r['steady_points_per_s']:>13.2f} {r['steady_points_per_s'] / base:>9.2f} {r['traces']:>7} "
              f"{r['status_success']:>5}/{r['status_failed']}")
    g = results[0].get("gradient")
    if g:
        print(f"gradient cost: d ln {g['output']}/d {g['parameter']} over {g['points']} vmapped points: "
              f"forward {g['forward']['per_point_s'] * 1e3:.2f} ms/point, gradient "
              f"{g['gradient']['per_point_s'] * 1e3:.2f} ms/point (ratio {g['grad_over_forward']:.2f}), jacfwd "
              f"{g['jacfwd']['per_point_s'] * 1e3:.2f} ms/point (ratio {g['jacfwd_over_forward']:.2f}); "
              f"first calls incl. compile: {g['forward']['first_call_s']:.1f} s, "
              f"{g['gradient']['first_call_s']:.1f} s, {g['jacfwd']['first_call_s']:.1f} s")
    if any(r["traces"] != 1 for r in results):
        print("ERROR: the chunk function was traced more than once", file=sys.stderr)
        return 1
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
