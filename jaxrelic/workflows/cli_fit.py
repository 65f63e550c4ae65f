"""``jaxrelic fit MODEL``: fit free parameters to observed abundances.

    jaxrelic fit wimp --free sigma_v=2e-26 --set mass=100 --target omega_h2=0.12 --json
    jaxrelic fit leptogenesis --free epsilon=1e-6 --free K=5 --target Y_B --target kappa_f=0.05+-0.0005

``--target NAME`` uses the observed value (Ω h² = 0.120 ± 0.001, Y_B = (8.7 ± 0.06)×10⁻¹¹),
``NAME=VALUE`` a σ relative to VALUE (the observed relative error, 0.83 % for Ω h² and
0.69 % for Y_B, else 1 %), ``NAME=VALUE+-SIGMA`` an explicit σ.
``--free NAME`` starts at the model default, ``--free NAME=START`` at START; a parameter
cannot be both ``--free`` and ``--set`` (exit 2).

Exit codes: 0 converged, 1 not converged (the reason is printed), 2 a user mistake
(unknown model/parameter/output, value out of range, malformed argument).
"""

from __future__ import annotations

import math
import sys

from .cli_common import UserError, dumps_json, parse_sets

__all__ = ["register", "parse_target", "parse_free"]


def parse_target(item: str) -> tuple[str, object]:
    """``"omega_h2"`` / ``"omega_h2=0.12"`` / ``"Y_B=8.7e-11+-1e-12"`` → ``(name, None | value | (value, sigma))``."""
    name, sep, rest = item.partition("=")
    name = name.strip()
    if not name or (sep and not rest.strip()):
        raise UserError(f"--target expects NAME, NAME=VALUE or NAME=VALUE+-SIGMA, got {item!r}")
    if not sep:
        return name, None
    value, pm, sigma = rest.partition("+-")
    try:
        v = float(value)
        s = float(sigma) if pm else None
    except ValueError:
        raise UserError(f"--target {name}: expected VALUE or VALUE+-SIGMA (numbers), got {rest!r}") from None
    if not math.isfinite(v) or (s is not None and not (math.isfinite(s) and s > 0)):
        raise UserError(f"--target {name}: value must be finite and sigma finite and > 0, got {rest!r}")
    return name, (v if s is None else (v, s))


def parse_free(items) -> dict:
    """``["sigma_v=2e-26", "mass"]`` → ``{"sigma_v": "2e-26", "mass": None}``."""
    free = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not name or (sep and not value.strip()):
            raise UserError(f"--free expects NAME or NAME=START, got {item!r}")
        if name in free:
            raise UserError(f"--free {name} given twice")
        free[name] = value.strip() if sep else None
    if not free:
        raise UserError("at least one --free NAME[=START] is needed")
    return free


def _cmd(args) -> int:
    from .fit import FitError, fit

    given = parse_sets(args.set)
    free = parse_free(args.free)
    for name in free:
        if name in given:
            raise UserError(f"parameter {name} is given both as --free and as --set; use --free {name}=START "
                            f"to choose its start, or --set {name}=VALUE to fix it")
    targets = {}
    for item in args.target or []:
        name, spec = parse_target(item)
        if name in targets:
            raise UserError(f"--target {name} given twice")
        targets[name] = spec
    if not targets:
        raise UserError("at least one --target NAME[=VALUE[+-SIGMA]] is needed")
    try:
        res = fit(args.model, free, targets, given, max_iter=args.max_iter, chi2_tol=args.chi2_tol)
    except FitError as e:
        res = e.result
        if res is None:
            print(f"jaxrelic: fit failed: {e}", file=sys.stderr)
            return 1
        print(f"jaxrelic: fit did not converge: {res.reason}", file=sys.stderr)
    out = res.as_dict()
    if args.json:
        print(dumps_json(out, indent=2))
    else:
        print(f"model: {out['model']}")
        for k, v in out["fitted"].items():
            print(f"fitted {k} = {v:.10g}   (start {out['start'][k]:.6g})")
        for k, d in out["targets"].items():
            print(f"target {k} = {d['target']:.6g} ± {d['sigma']:.3g}: achieved {d['achieved']:.10g} "
                  f"(pull {d['pull']:+.3g})")
        print(f"chi2 = {out['chi2']:.4g}, |grad| = {out['grad_norm']:.3g}, iterations {out['iterations']} "
              f"({out['evaluations']} evaluations), {out['wall_time_s']:.1f} s")
        print(f"converged: {out['converged']} ({out['reason']}); status: {out['status']}")
        for note in out["notes"]:
            print(f"note: {note}")
    return 0 if res.converged else 1


def register(subparsers) -> None:
    """Add the ``fit`` subcommand."""
    p = subparsers.add_parser("fit", help="fit free parameters to Ω h², Y_B or other outputs (χ², L-BFGS)")
    p.add_argument("model", help="model name (see `jaxrelic models`)")
    p.add_argument("--free", action="append", metavar="NAME[=START]",
                   help="free parameter, started at START or its default (repeatable; not also --set)")
    p.add_argument("--set", action="append", metavar="NAME=VALUE", help="fixed parameter value (repeatable)")
    p.add_argument("--target", action="append", metavar="NAME[=VALUE[+-SIGMA]]",
                   help="target output (repeatable); omega_h2 and Y_B default to Planck 2018; "
                        "VALUE without +-SIGMA gets a relative sigma (0.83%% for omega_h2, 0.69%% for Y_B, else 1%%)")
    p.add_argument("--max-iter", type=int, default=100, help="maximum L-BFGS iterations (default 100)")
    p.add_argument("--chi2-tol", type=float, default=None, help="converged when chi2 <= this (default 1e-4 per target)")
    p.add_argument("--json", action="store_true", help="print a JSON object")
    p.set_defaults(func=_cmd)
