"""``jaxrelic sensitivity MODEL``: the Jacobian d ln|output|/d ln|parameter| at one point.

    jaxrelic sensitivity wimp --set mass=100 --set sigma_v=2.2e-26 --json
    jaxrelic sensitivity leptogenesis --params K,epsilon --outputs Y_B --plot sens.png

Columns of kind ``dln/dln`` are d ln|O|/d ln|p|, of kind ``dln/d`` d ln|O|/d p per unit
of p (phases ``*_arg``: per radian; a parameter at p = 0); see
:mod:`jaxrelic.workflows.sensitivity`.  The JSON and the ``--plot`` chart show the
same numbers.

Exit codes: 0 success, 1 the solve failed (the matrix is NaN, the status is
printed), 2 a user mistake (unknown model/parameter/output, value out of range).
"""

from __future__ import annotations

from .cli_common import UserError, dumps_json, parse_sets

__all__ = ["register"]


def _names(text):
    if text is None:
        return None
    names = [s.strip() for s in text.split(",") if s.strip()]
    if not names:
        raise UserError(f"expected a comma-separated list of names, got {text!r}")
    return names


def _cmd(args) -> int:
    from ..interface.registry import get_model
    from .sensitivity import sensitivity

    get_model(args.model)  # unknown model -> ParameterError (exit 2) before anything else
    res = sensitivity(args.model, parse_sets(args.set), params=_names(args.params),
                      outputs=_names(args.outputs), mode=args.mode)
    out = res.as_dict()
    if args.plot:
        from .plots_sweep import plot_sensitivity

        plot_sensitivity(res, path=args.plot)
        out["plot"] = args.plot
    if args.json:
        print(dumps_json(out, indent=2))
    else:
        print(f"model: {res.model}   status: {out['status']}   mode: {res.mode}")
        print("outputs: " + ", ".join(f"{k}={v:.6g}" for k, v in out["outputs"].items()))
        width = max(len(p) for p in res.params)
        print(" " * (width + 10) + "".join(f"{o:>14}" for o in res.outputs))
        for j, p in enumerate(res.params):
            row = "".join(f"{res.matrix[i, j]:>14.6g}" for i in range(len(res.outputs)))
            print(f"{p:<{width}} {res.kinds[j]:>8} {row}")
        for kind, text in out["definitions"].items():
            print(f"{kind}: {text}")
        for note in out["notes"]:
            print(f"note: {note}")
        if "plot" in out:
            print(f"plot: {out['plot']}")
    return 0 if res.ok else 1


def register(subparsers) -> None:
    """Add the ``sensitivity`` subcommand."""
    p = subparsers.add_parser(
        "sensitivity",
        help="Jacobian d ln|output| / d ln|parameter| at one point (autodiff)",
        description="Sensitivity matrix S = d ln|output| / d ln|p| (kind dln/dln); for phases *_arg "
                    "(per radian) and for parameters at p = 0 S = d ln|output| / d p (kind dln/d).",
    )
    p.add_argument("model", help="model name (see `jaxrelic models`)")
    p.add_argument("--set", action="append", metavar="NAME=VALUE", help="parameter value (repeatable)")
    p.add_argument("--params", metavar="A,B,...", help="parameters to differentiate by (default: all physical)")
    p.add_argument("--outputs", metavar="O1,O2,...", help="outputs (default: the model's main outputs)")
    p.add_argument("--mode", choices=("reverse", "forward"), default="reverse",
                   help="reverse (jacrev, default) or forward (jacfwd) differentiation")
    p.add_argument("--json", action="store_true", help="print a JSON object")
    p.add_argument("--plot", metavar="FILE", help="write a bar chart of the sensitivities (PNG/PDF)")
    p.set_defaults(func=_cmd)
