"""Metadata of every named output: CF ``units`` and ``long_name``, and flag tables.

One table for the files the workflows write (the sweep NetCDF writer attaches these
attributes to every variable and coordinate).  Units follow the CF conventions
(UDUNITS syntax, ``"1"`` for dimensionless numbers).  Integer label outputs carry
``flag_values`` / ``flag_meanings`` (CF §3.5): ``status`` from
:mod:`jaxrelic.numerics.status`, the twin-Higgs ``phase`` from
:data:`jaxrelic.models.twin_higgs.solver.PHASES`, both with ``-1`` = ``not_run`` for points of
a sweep that have not been computed yet.

Unknown names are tolerated: :func:`variable_attrs` gives them ``long_name = name`` and no
``units``.
"""

from __future__ import annotations

import re

__all__ = ["OUTPUTS", "STATUS_REASONS", "variable_attrs", "coordinate_attrs", "status_flags", "phase_flags",
           "flag_word", "failure_reason", "gradient_variable", "inverse_units"]

#: Value of an integer output (``status``, ``phase``, …) of a point not computed yet.
NOT_RUN = -1

#: output name -> (CF units, long_name).  Abundances Y are n/s (entropy density s);
#: temperatures and masses in GeV.
OUTPUTS: dict[str, tuple[str, str]] = {
    # relic density (every dark-matter model)
    "omega_h2": ("1", "relic density Omega h^2"),
    "x_f": ("1", "freeze-out m/T_f"),
    "Y_today": ("1", "dark-matter yield n/s today"),
    # twin-Higgs coscattering (arXiv:1805.12139)
    "omega_h2_first_term": ("1", "Omega h^2, first term of Eq. (38) (coscattering freeze-out of S)"),
    "omega_h2_second_term": ("1", "Omega h^2, second term of Eq. (38) (late C_A annihilation)"),
    "omega_h2_coannihilation": ("1", "Omega h^2 of the coannihilation estimate"),
    "omega_h2_eq28": ("1", "Omega h^2 of Eq. (28)"),
    "omega_h2_eq35": ("1", "Omega h^2 of Eq. (35)"),
    "T_CS": ("GeV", "freeze-out temperature of C_S (coscattering)"),
    "T_CA": ("GeV", "freeze-out temperature of C_A (coannihilation)"),
    "T_S_min_GeV": ("GeV", "lowest S decoupling temperature over the relic-carrying momenta"),
    "T_S_max_GeV": ("GeV", "highest S decoupling temperature over the relic-carrying momenta"),
    "n_iter": ("1", "iterations of the tau fixed point"),
    "start_memory": ("1", "sensitivity d ln Y_end / d ln Y_start of the relic to its initial condition"),
    "eq38_cancellation": ("1", "(|first| + |second|)/|Omega| of the two terms of Eq. (38)"),
    # baryogenesis / leptogenesis / cogenesis (arXiv:2505.22710)
    "Y_B": ("1", "baryon asymmetry n_B/s"),
    "eta_B": ("1", "baryon-to-photon ratio n_B/n_gamma today"),
    "Y_B_over_observed": ("1", "Y_B divided by the observed value"),
    "Y_B_minus_L": ("1", "B-L asymmetry n_(B-L)/s"),
    "kappa_f": ("1", "final efficiency factor kappa_f"),
    "Y_chi": ("1", "dark asymmetry n_chi/s"),
    "Y_chibar": ("1", "symmetric dark remnant n_chibar/s"),
    "xi_final": ("1", "final dark-to-visible temperature ratio T'/T"),
    "m_chi_adm": ("GeV", "dark-matter mass for Omega_ADM = Omega_DM"),
    "m_chi": ("GeV", "dark-matter mass"),
    "delta_neff": ("1", "extra effective neutrino number Delta N_eff"),
    "onshell_fraction": ("1", "on-shell N production over the EFT dark-pair production (docs/physics/"
                              "cogenesis_eft_validity.md)"),
    "eft_valid": ("1", "1 where onshell_fraction < 1 % (the dimension-5 EFT holds), else 0"),
    # labels
    "status": ("1", "solver status per point"),
    "phase": ("1", "twin-Higgs relic phase (Section 6.1 criteria)"),
    "chunk_done": ("1", "sweep chunk finished and written"),
}

_GRADIENT = re.compile(r"^d_ln_(?P<out>.+)_d_ln_(?P<par>[^_].*)$")
_GRADIENT_LIN = re.compile(r"^d_ln_(?P<out>.+)_d_(?P<par>[^_].*)$")


def gradient_variable(output: str, param: str, kind: str) -> str:
    """Name of a sweep's gradient column: ``d_ln_<output>_d_ln_<param>`` for kind ``dln/dln``
    (∂ ln|O|/∂ ln|p|), ``d_ln_<output>_d_<param>`` for kind ``dln/d`` (∂ ln|O|/∂ p; phases, and
    parameters whose grid contains 0), the kinds of :mod:`jaxrelic.workflows.sensitivity`."""
    return f"d_ln_{output}_d_ln_{param}" if kind == "dln/dln" else f"d_ln_{output}_d_{param}"


def flag_word(text: str) -> str:
    """A label as one CF flag word (letters, digits and ``_ - . + @`` only)."""
    return re.sub(r"[^A-Za-z0-9_.+@-]", "_", text.replace("/", "-").strip()).strip("_")


def status_flags() -> dict:
    """``flag_values`` (int32 list) and ``flag_meanings`` of ``status``, ``-1`` = ``not_run``."""
    from ..numerics import status as st

    codes = sorted(st._NAMES)
    return {"flag_values": [NOT_RUN] + codes,
            "flag_meanings": " ".join(["not_run"] + [flag_word(st.status_name(c)) for c in codes])}


def phase_flags() -> dict:
    """``flag_values`` / ``flag_meanings`` of the twin-Higgs ``phase`` (index into ``PHASES``).

    ``"S/C_S mixed"`` becomes ``S-C_S_mixed`` (CF words carry no ``/`` or blanks);
    ``phase_names`` keeps the original labels, ``;``-separated.
    """
    from ..models.twin_higgs.solver import PHASES

    return {"flag_values": [NOT_RUN] + list(range(len(PHASES))),
            "flag_meanings": " ".join(["not_run"] + [flag_word(p) for p in PHASES]),
            "phase_names": "; ".join(PHASES)}


def variable_attrs(name: str) -> dict:
    """CF attributes of the output ``name`` (``units``/``long_name``, flags for labels).

    ``d_ln_<output>_d_ln_<param>`` gradients get units ``"1"``, ``d_ln_<output>_d_<param>``
    ones a ``long_name`` (their units depend on the parameter); unknown names get
    ``long_name = name`` and no units.
    """
    if name in OUTPUTS:
        units, long_name = OUTPUTS[name]
        attrs = {"units": units, "long_name": long_name}
    else:
        m, lin = _GRADIENT.match(name), _GRADIENT_LIN.match(name)
        if m:
            attrs = {"units": "1", "long_name": f"d ln|{m['out']}| / d ln {m['par']}"}
        elif lin:  # units 1/(units of the parameter): the sweep writer adds them (it knows the model)
            attrs = {"long_name": f"d ln|{lin['out']}| / d {lin['par']}"}
        else:
            attrs = {"long_name": name}
    if name == "status":
        attrs.update(status_flags())
    elif name == "phase":
        attrs.update(phase_flags())
    elif name == "chunk_done":
        attrs.update({"flag_values": [0, 1], "flag_meanings": "pending done"})
    return attrs


_UNIT_TEXT = {"": "1", "cm^3/s": "cm3 s-1", "GeV": "GeV", "eV": "eV", "rad": "rad"}


def inverse_units(units: str) -> str:
    """CF units of ``1/x`` for units of ``x``: ``"GeV"`` → ``"GeV-1"``, ``"cm3 s-1"`` → ``"cm-3 s"``."""
    if units == "1":
        return "1"
    terms = []
    for term in units.split():
        m = re.fullmatch(r"([A-Za-z]+)(-?\d+)?", term)
        if m is None:
            return f"1/({units})"
        power = -int(m[2] or 1)
        terms.append(m[1] if power == 1 else f"{m[1]}{power}")
    return " ".join(terms)


def coordinate_attrs(model: str, name: str) -> dict:
    """CF ``units`` and ``long_name`` of the grid parameter ``name`` of ``model`` (from the registry).

    Cogenesis couplings swept as ``<c>_abs`` / ``<c>_arg`` get ``"1"`` / ``"rad"``.
    """
    from ..interface.parameters import ParameterError
    from ..interface.registry import get_model

    try:
        params = {p.name: p for p in get_model(model).parameters}
    except ParameterError:
        params = {}
    if name in params:
        p = params[name]
        attrs = {"long_name": p.description or name}
        unit = _UNIT_TEXT.get(p.unit, p.unit)
        if unit:
            attrs["units"] = unit
        return attrs
    if name.endswith("_abs") and name[:-4] in params:
        return {"units": "1", "long_name": f"|{name[:-4]}|"}
    if name.endswith("_arg") and name[:-4] in params:
        return {"units": "rad", "long_name": f"arg {name[:-4]}"}
    return {"long_name": name}


#: Why a point failed, per status name (the one-line reason the CLI prints on stderr).
STATUS_REASONS = {
    "max_steps_reached": "the ODE solver reached its step limit before the end of the integration",
    "solver_failed": "the ODE solver stopped (step size collapsed or the implicit stage did not converge)",
    "nonfinite_result": "the result is NaN or infinite",
    "not_converged": "the solve is not converged: its error estimate, a fixed point or a root exceeds its tolerance, "
                     "or a thermal average of a user cross section is not certified (pass its resonances)",
    "out_of_range": "a parameter lies outside the domain in which the model is valid",
    "out_of_domain": "the point is outside the validity domain of the method (e.g. a cancellation that leaves "
                     "no significant digits)",
    "late_start": "the start lies after the decoupling that sets the result: the initial condition "
                  "(equilibrium) is not justified there; start earlier",
}


def failure_reason(code: int, notes=None) -> str:
    """One line: ``status <name> (<why>)`` for a non-zero status, plus the result's notes if any."""
    from ..numerics.status import status_name

    name = status_name(code)
    text = f"status {name} ({STATUS_REASONS.get(name, 'see jaxrelic.numerics.status')})"
    if notes:
        text += "; " + "; ".join(str(n) for n in notes)
    return text
