"""Command-line interface: ``jaxrelic relic|models|demo|fit|scan|sensitivity|plot``.

User errors (unknown parameter, value out of range, NaN, bad syntax, an output
path that cannot be written) exit with code 2 and one line naming the parameter
and its allowed range; a failed solve exits with 1 and its reason on stderr;
Ctrl-C exits with 130.  JSON output is strict (``null`` for NaN/inf, with the status).
"""

from __future__ import annotations

import argparse
import sys

from ..interface.adapter import run_point, using_background
from ..interface.parameters import ParameterError
from ..interface.registry import get_model, load_plugin, model_names
from .cli_common import CLI_OPTIONS, UserError, dumps_json, parse_sets
from .io import atomic_path, check_output_dir, check_output_file
from .output_meta import failure_reason

__all__ = ["main"]


def _cmd_relic(args) -> int:
    adapter = get_model(args.model)
    plot_path = None
    if args.plot:  # checked before the solve: a bad path costs no computation
        if not adapter.has_plot:
            raise UserError(f"model {adapter.name} has no plot")
        plot_path = check_output_file(args.plot, "--plot", image=True)
    full, out, result = run_point(adapter, parse_sets(args.set), background=CLI_OPTIONS["background"])
    plot_error = None
    if plot_path is not None:
        try:
            with atomic_path(plot_path) as tmp:
                adapter.plot(full, result, out, str(tmp))
            out["plot"] = args.plot
        except Exception as e:  # noqa: BLE001 -- the computed point is printed whatever the plot does
            if isinstance(e, OSError) and e.strerror:
                reason = e.strerror
            else:
                reason = (str(e).splitlines() or [type(e).__name__])[0]
            plot_error = f"--plot {args.plot!r}: plot not written ({reason}); the result is printed above"
    if args.json:
        print(dumps_json(out, indent=2))
    else:
        for k, v in out.items():
            if k == "parameters":
                print("parameters: " + ", ".join(f"{a}={b}" for a, b in v.items()))
            else:
                print(f"{k}: {v}")
    code = int(out.get("status_code", 0))
    if code != 0:
        print(f"jaxrelic: {adapter.name}: solve failed: {failure_reason(code, out.get('notes'))}", file=sys.stderr)
    if plot_error is not None:
        print(f"jaxrelic: error: {plot_error}", file=sys.stderr)
        return 2
    return 0 if code == 0 else 1


def _cmd_models(args) -> int:
    adapters = [get_model(n) for n in model_names()]
    if args.json:
        print(dumps_json({a.name: a.describe() for a in adapters}, indent=2))
        return 0
    for a in adapters:
        print(f"{a.name}: {a.description}")
        for p in a.parameters:
            print(f"  {p.name:<16} default {str(p.default):<10} allowed {p.range_text():<28} {p.description}")
        for cond in a.parameters.conditions:
            print(f"  condition: {cond.text}")
    return 0


def _cmd_demo(args) -> int:
    from .demo import run_demo

    check_output_dir(args.out, "--out")  # before the (minutes-long) benchmarks
    run_demo(args.out, quick=args.quick)
    return 0


#: Modules of further subcommands; each exposes ``register(subparsers)`` which adds its
#: parser and sets ``func`` (raise :class:`UserError` / ParameterError for user mistakes).
_SUBCOMMAND_MODULES = (
    "cli_fit",
    "cli_sensitivity",
    "cli_plot",
    "cli_scan",
    "cli_cite",
)


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="jaxrelic", description="Differentiable relic-density solvers in JAX.")
    from .cli_cite import package_version

    ap.add_argument("--version", action="version", version=f"jaxrelic {package_version()}")
    ap.add_argument("--plugin", metavar="FILE_OR_MODULE", action="append",
                    help="load a user model (a .py file or module that calls jaxrelic.register_model); "
                         "repeatable, accepted anywhere on the command line; also JAXRELIC_PLUGINS")
    ap.add_argument("--gstar", metavar="FILE",
                    help="g_*(T) table for every solve (columns T [GeV], g_*rho, g_*s; '#' comments); "
                         "accepted anywhere on the command line")
    sub = ap.add_subparsers(dest="command", required=True)
    r = sub.add_parser("relic", help="relic abundance of one model point")
    r.add_argument("model", help="model name (see `jaxrelic models`)")
    r.add_argument("--set", action="append", metavar="NAME=VALUE", help="parameter value (repeatable)")
    r.add_argument("--json", action="store_true", help="print a JSON object")
    r.add_argument("--plot", metavar="FILE", help="write a plot (PNG/PDF)")
    r.set_defaults(func=_cmd_relic)
    m = sub.add_parser("models", help="list models, parameters, units, defaults, ranges")
    m.add_argument("--json", action="store_true")
    m.set_defaults(func=_cmd_models)
    d = sub.add_parser("demo", help="run the built-in benchmarks, write a summary and plots")
    d.add_argument("--out", default="jaxrelic_demo", help="output folder")
    d.add_argument("--quick", action="store_true", help="fewer points")
    d.set_defaults(func=_cmd_demo)
    import importlib

    for module in _SUBCOMMAND_MODULES:
        importlib.import_module(f"jaxrelic.workflows.{module}").register(sub)
    return ap


def _global_options(argv: list) -> list:
    """Apply ``--plugin`` and ``--gstar`` wherever they appear; return the other arguments."""
    rest, plugins, gstar = [], [], None
    i = 0
    while i < len(argv):
        a = argv[i]
        for opt in ("--plugin", "--gstar"):
            if a == opt or a.startswith(opt + "="):
                if a == opt:
                    if i + 1 >= len(argv):
                        raise UserError(f"{opt} expects a value")
                    value, i = argv[i + 1], i + 2
                else:
                    value, i = a.split("=", 1)[1], i + 1
                if opt == "--plugin":
                    plugins.append(value)
                else:
                    gstar = value
                break
        else:
            rest.append(a)
            i += 1
    for item in plugins:
        load_plugin(item)
    CLI_OPTIONS["background"] = None
    if gstar is not None:
        from ..thermo.background import Background
        from ..thermo.dof import GStar

        try:
            CLI_OPTIONS["background"] = Background(GStar.from_file(gstar))
        except (OSError, ValueError, IndexError) as e:
            raise UserError(f"--gstar {gstar!r}: cannot read a table of T [GeV], g_*rho, g_*s ({e})") from None
    return rest


def main(argv=None) -> int:
    """Run the CLI; returns the exit code.

    0 success; 1 a solve failed or a fit did not converge (the reason on stderr);
    2 a user error or an output that cannot be written (one line ``jaxrelic: error: ...``);
    130 interrupted (Ctrl-C; a sweep keeps its finished chunks and says how to resume).
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        argv = _global_options(argv)
    except (ParameterError, UserError) as e:
        print(f"jaxrelic: error: {e}", file=sys.stderr)
        return 2
    ap = build_parser()
    args = ap.parse_args(argv)
    from .._cache import enable_compilation_cache

    enable_compilation_cache()  # repeated calls skip XLA compilation (JAXRELIC_CACHE_DIR=off disables)
    try:
        with using_background(CLI_OPTIONS["background"]):  # --gstar: every solve of this command, then restored
            return args.func(args)
    except (ParameterError, UserError) as e:
        print(f"jaxrelic: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as e:
        print(f"jaxrelic: {str(e) or 'interrupted'}", file=sys.stderr)
        return 130
    except OSError as e:  # an output that became unwritable while running (disk full, permissions, ...)
        where = f"{e.filename}: " if e.filename else ""
        print(f"jaxrelic: error: cannot write or read {where}{e.strerror or e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
