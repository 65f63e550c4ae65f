"""``jaxrelic plot FILE --out fig.png``: plot a sweep file (``.nc``) or a sensitivity JSON.

    jaxrelic plot sweep.nc --out omega.png                  # log10(Ω/Ω_obs) contours (2-D) or line (1-D)
    jaxrelic plot sweep.nc --out yb.png --output Y_B
    jaxrelic sensitivity wimp --json > s.json && jaxrelic plot s.json --out s.png   # bar chart

A missing file, an unknown output variable, or an output figure that cannot be written (missing
or unwritable folder, a folder, an unknown image extension) exits with code 2 and one line.
The figure is written atomically (temporary file, then ``os.replace``).
"""

from __future__ import annotations

import json
from pathlib import Path

from .cli_common import UserError
from .io import atomic_path, check_output_file

__all__ = ["register"]


def _cmd(args) -> int:
    from .plots_sweep import load_sweep, plot_sensitivity, plot_sweep

    path = Path(args.file)
    out = check_output_file(args.out, "--out", image=True)
    if not path.is_file():
        raise UserError(f"file {args.file!r} not found")
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(path.read_text())
        except ValueError as e:
            raise UserError(f"{args.file!r} is not valid JSON: {e}") from None
        if not isinstance(data, dict) or "matrix" not in data or "kinds" not in data:
            raise UserError(f"{args.file!r} is not the JSON of `jaxrelic sensitivity --json`")
        with atomic_path(out) as tmp:
            plot_sensitivity(data, path=tmp)
    else:
        ds = load_sweep(path)
        output = args.output or ("omega_h2" if "omega_h2" in ds else _first_output(ds, args))
        with atomic_path(out) as tmp:
            plot_sweep(ds, output, path=tmp)
    print(f"plot: {args.out}")
    return 0


def _first_output(ds, args):
    for name in ("Y_B", "eta_B"):
        if name in ds:
            return name
    floats = [k for k, v in ds.data_vars.items() if v.dtype.kind == "f"]
    if not floats:
        raise UserError(f"{args.file!r} has no float output to plot")
    return floats[0]


def register(subparsers) -> None:
    """Add the ``plot`` subcommand."""
    p = subparsers.add_parser("plot", help="plot a sweep file (.nc) or a sensitivity JSON")
    p.add_argument("file", help="sweep file (netCDF, from `jaxrelic scan`) or the JSON of `jaxrelic sensitivity --json`")
    p.add_argument("--out", required=True, metavar="FIG", help="output figure (PNG/PDF by extension)")
    p.add_argument("--output", metavar="NAME",
                   help="sweep variable to plot (default: omega_h2, else Y_B, else the first float output)")
    p.set_defaults(func=_cmd)
