"""``jaxrelic cite [MODEL]``: BibTeX for jaxrelic, the model papers and the data it uses.

    jaxrelic cite                 # every entry
    jaxrelic cite twin-higgs      # jaxrelic + what the twin-neutrino model uses

An unknown model exits with code 2.  Each entry is preceded by a ``%`` comment (ignored by
BibTeX) saying what jaxrelic takes from it.  Only fields that could be checked (the arXiv
listing or the paper's own front page, and for journal references independent citations)
are given; where a journal reference could not be checked the entry carries the arXiv number
only (the twin, cogenesis and freeze-in papers).
"""

from __future__ import annotations

from .cli_common import UserError

__all__ = ["register", "REFERENCES", "MODEL_REFERENCES", "bibtex", "package_version"]


def _jaxrelic_entry(version: str) -> str:
    return (
        "@software{jaxrelic,\n"
        "  author  = {{jaxrelic developers}},\n"
        "  title   = {jaxrelic: differentiable early-universe Boltzmann solvers in JAX},\n"
        f"  version = {{{version}}},\n"
        "  year    = {2026},\n"
        "  license = {MIT},\n"
        "}"
    )


#: key -> (what jaxrelic uses it for, BibTeX entry).  The jaxrelic entry itself is built
#: with the installed version (:func:`bibtex`).
REFERENCES: dict[str, tuple[str, str]] = {
    "SaikawaShirai2018": (
        "g_*(T) and g_*s(T) table of the Standard Model (jaxrelic/thermo/data)",
        """@article{SaikawaShirai2018,
  author        = {Saikawa, Ken'ichi and Shirai, Satoshi},
  title         = {{Primordial gravitational waves, precisely: The role of thermodynamics in the Standard Model}},
  journal       = {JCAP},
  volume        = {05},
  pages         = {035},
  year          = {2018},
  doi           = {10.1088/1475-7516/2018/05/035},
  eprint        = {1803.01038},
  archivePrefix = {arXiv},
  primaryClass  = {hep-ph},
}""",
    ),
    "Planck2018VI": (
        "observed Omega_c h^2 = 0.1200 and Omega_b h^2 = 0.02237 (hence Y_B) in jaxrelic.constants",
        """@article{Planck2018VI,
  author        = {Aghanim, N. and others},
  collaboration = {Planck},
  title         = {{Planck 2018 results. VI. Cosmological parameters}},
  journal       = {Astron. Astrophys.},
  volume        = {641},
  pages         = {A6},
  year          = {2020},
  doi           = {10.1051/0004-6361/201833910},
  eprint        = {1807.06209},
  archivePrefix = {arXiv},
  primaryClass  = {astro-ph.CO},
}""",
    ),
    "GondoloGelmini1991": (
        "relativistic thermal average <sigma v> and equilibrium densities",
        """@article{GondoloGelmini1991,
  author  = {Gondolo, Paolo and Gelmini, Graciela},
  title   = {{Cosmic abundances of stable particles: improved analysis}},
  journal = {Nucl. Phys. B},
  volume  = {360},
  pages   = {145--179},
  year    = {1991},
  doi     = {10.1016/0550-3213(91)90438-4},
}""",
    ),
    "EdsjoGondolo1997": (
        "thermal average for unequal masses (coannihilation network)",
        """@article{EdsjoGondolo1997,
  author        = {Edsj{\\"o}, Joakim and Gondolo, Paolo},
  title         = {{Neutralino relic density including coannihilations}},
  journal       = {Phys. Rev. D},
  volume        = {56},
  pages         = {1879},
  year          = {1997},
  doi           = {10.1103/PhysRevD.56.1879},
  eprint        = {hep-ph/9704361},
  archivePrefix = {arXiv},
}""",
    ),
    "GriestSeckel1991": (
        "coannihilation (effective cross section, the GriestSeckel reduction)",
        """@article{GriestSeckel1991,
  author  = {Griest, Kim and Seckel, David},
  title   = {{Three exceptions in the calculation of relic abundances}},
  journal = {Phys. Rev. D},
  volume  = {43},
  pages   = {3191},
  year    = {1991},
  doi     = {10.1103/PhysRevD.43.3191},
}""",
    ),
    "SteigmanDasguptaBeacom2012": (
        "thermal-relic <sigma v>(m) curve that the demo's relic-curve figure is compared with "
        "(jaxrelic/data/steigman2012.csv, digitised Fig. 5)",
        """@article{SteigmanDasguptaBeacom2012,
  author        = {Steigman, Gary and Dasgupta, Basudeb and Beacom, John F.},
  title         = {{Precise Relic WIMP Abundance and its Impact on Searches for Dark Matter Annihilation}},
  journal       = {Phys. Rev. D},
  volume        = {86},
  pages         = {023506},
  year          = {2012},
  doi           = {10.1103/PhysRevD.86.023506},
  eprint        = {1204.3622},
  archivePrefix = {arXiv},
  primaryClass  = {hep-ph},
}""",
    ),
    "ChengLiZheng2018": (
        "twin-neutrino coscattering/coannihilation dark matter (the twin-higgs model)",
        """@article{ChengLiZheng2018,
  author        = {Cheng, Hsin-Chia and Li, Lingfeng and Zheng, Rui},
  title         = {{Coscattering/Coannihilation Dark Matter in a Fraternal Twin Higgs Model}},
  year          = {2018},
  eprint        = {1805.12139},
  archivePrefix = {arXiv},
  primaryClass  = {hep-ph},
}""",
    ),
    "Asadi2025": (
        "freeze-in cogenesis of baryon and dark-matter asymmetries (the cogenesis model)",
        """@article{Asadi2025,
  author        = {Asadi, Pouya and Moore, Marianne and Morrissey, David E. and Shamma, Michael},
  title         = {{Genesis of Baryon and Dark Matter Asymmetries through Ultraviolet Scattering Freeze-in}},
  year          = {2025},
  eprint        = {2505.22710},
  archivePrefix = {arXiv},
  primaryClass  = {hep-ph},
}""",
    ),
    "BuchmullerDiBariPlumacher2005": (
        "kinetic equations of vanilla N_1 leptogenesis (the leptogenesis model)",
        """@article{BuchmullerDiBariPlumacher2005,
  author        = {Buchm{\\"u}ller, W. and Di Bari, P. and Pl{\\"u}macher, M.},
  title         = {{Leptogenesis for pedestrians}},
  journal       = {Annals Phys.},
  volume        = {315},
  pages         = {305--351},
  year          = {2005},
  doi           = {10.1016/j.aop.2004.02.003},
  eprint        = {hep-ph/0401240},
  archivePrefix = {arXiv},
}""",
    ),
    "Hall2010": (
        "freeze-in production (the freeze-in-decay and freeze-in-uv models)",
        """@article{Hall2010,
  author        = {Hall, Lawrence J. and Jedamzik, Karsten and March-Russell, John and West, Stephen M.},
  title         = {{Freeze-In Production of FIMP Dark Matter}},
  year          = {2010},
  eprint        = {0911.1120},
  archivePrefix = {arXiv},
  primaryClass  = {hep-ph},
}""",
    ),
}

#: CLI model name -> the references its results rest on (besides jaxrelic itself).
MODEL_REFERENCES: dict[str, tuple[str, ...]] = {
    "wimp": ("SaikawaShirai2018", "GondoloGelmini1991", "EdsjoGondolo1997", "GriestSeckel1991",
             "SteigmanDasguptaBeacom2012", "Planck2018VI"),
    "twin-higgs": ("ChengLiZheng2018", "SaikawaShirai2018", "GondoloGelmini1991", "Planck2018VI"),
    "cogenesis": ("Asadi2025", "SaikawaShirai2018", "Planck2018VI"),
    "leptogenesis": ("BuchmullerDiBariPlumacher2005", "Planck2018VI"),
    "freeze-in-decay": ("Hall2010", "SaikawaShirai2018", "Planck2018VI"),
    "freeze-in-uv": ("Hall2010", "SaikawaShirai2018", "Planck2018VI"),
}


def package_version() -> str:
    """The installed distribution's version (importlib.metadata), else ``jaxrelic.__version__``."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("jaxrelic")
    except PackageNotFoundError:  # running from a source tree that is not installed
        from .. import __version__

        return __version__


def bibtex(model: str | None = None) -> str:
    """BibTeX text: jaxrelic and every reference (``model=None``) or those of ``model``.

    Raises :class:`UserError` (CLI exit 2) for a model name not in :data:`MODEL_REFERENCES`.
    """
    if model is None:
        keys = list(REFERENCES)
    elif model in MODEL_REFERENCES:
        keys = list(MODEL_REFERENCES[model])
    else:
        raise UserError(f"unknown model {model!r} for cite; allowed: {', '.join(MODEL_REFERENCES)}")
    parts = ["% jaxrelic itself\n" + _jaxrelic_entry(package_version())]
    parts += [f"% {REFERENCES[k][0]}\n{REFERENCES[k][1]}" for k in keys]
    return "\n\n".join(parts) + "\n"


def _cmd(args) -> int:
    print(bibtex(args.model), end="")
    return 0


def register(sub) -> None:
    """Add the ``cite`` subcommand to the CLI's subparsers."""
    p = sub.add_parser("cite", help="BibTeX for jaxrelic, the model papers and the data used")
    p.add_argument("model", nargs="?", default=None,
                   help=f"one of {', '.join(MODEL_REFERENCES)} (default: everything)")
    p.set_defaults(func=_cmd)
