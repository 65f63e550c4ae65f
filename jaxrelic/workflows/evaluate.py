"""Pure, differentiable point functions of every model (the layer under fit, sweep, sensitivity).

The CLI specs (:mod:`jaxrelic.workflows.registry`) describe parameters for humans
and run one point eagerly.  The workflows need more: a *pure jnp function* of the
continuous parameters that can be jitted, vmapped over a sweep chunk and
differentiated.  :func:`point_function` builds one::

    fn, fixed = point_function("twin-higgs", {"m_nu": 1.0, "delta": 0.1}, free=("r", "theta1"))
    out = jax.jit(jax.vmap(fn))({"r": r_batch, "theta1": theta_batch})
    out["omega_h2"], out["status"]

``fn`` maps ``{name: float64 scalar}`` for the ``free`` names to
``{output: scalar}``; it always contains ``"status"`` (int32, see
:mod:`jaxrelic.numerics.status`).  Every other (fixed) parameter is validated in
Python once, here, with a :class:`~jaxrelic.workflows.registry.ParameterError`
naming the parameter and its range; traced (free) values are checked inside the
models without host callbacks: a point outside its model's domain comes back with
status ``out_of_range`` (``late_start``/``out_of_domain`` where the start or the
method is outside its validity, :mod:`jaxrelic.numerics.status`).

Complex cogenesis couplings enter the continuous interface as modulus and phase,
``y1_abs``, ``y1_arg``, … (``--set y1=0.015`` is split into both).
"""

from __future__ import annotations

import dataclasses
import math
from typing import Callable, Mapping, Sequence

import jax.numpy as jnp

from .registry import MODELS, ParameterError, resolve_parameters

__all__ = ["Evaluator", "EVALUATORS", "evaluator", "point_function", "grouped_point_function",
           "continuous_parameters"]


@dataclasses.dataclass(frozen=True)
class Evaluator:
    """Differentiable interface of one model.

    Attributes
    ----------
    model : str
        Registry name (``"wimp"``, ``"twin-higgs"``, ``"cogenesis"``, ``"leptogenesis"``).
    continuous : dict
        Continuous parameters that may be free (traced): name → (low, high, positive).
        ``positive`` marks parameters on which log transforms and d ln/d ln p make sense.
    outputs : tuple of str
        Float outputs of the point function (all differentiable).
    integer_outputs : tuple of str
        Integer outputs (``status`` and labels such as ``phase``).
    build : callable
        ``build(fixed: dict, adjoint: str) -> fn(values: dict) -> dict``; ``fixed``
        holds every parameter (validated), ``values`` the free ones (override).
    group_build : callable, optional
        ``group_build(fixed, adjoint) -> fn_group(values) -> dict`` for models whose
        expensive work does not depend on ``group_axis``: ``values[group_axis]`` is a
        1-D array, every other value a scalar shared by the group; outputs have the
        group's length (:func:`grouped_point_function`).
    group_axis : str, optional
        The parameter a group varies (twin-higgs: ``"theta1"``).
    """

    model: str
    continuous: dict
    outputs: tuple
    integer_outputs: tuple
    build: Callable
    group_build: Callable | None = None
    group_axis: str | None = None


def _f64(v):
    return jnp.asarray(v, dtype=jnp.float64)


# ---------------------------------------------------------------------------- WIMP


def _wimp_build(fixed: dict, adjoint: str):
    from ..models.wimp import WIMP
    from ..engines.network import solve_network
    from ..thermo.background import Background

    background = Background.standard_model()

    def fn(p):
        model = WIMP(mass=p["mass"], sigma_v=p["sigma_v"], b=p["b"], g=p["g"], self_conjugate=fixed["self_conjugate"],
                     statistics=fixed["statistics"])
        r = solve_network(model, background, adjoint=adjoint)
        return {"omega_h2": r.omega_h2, "x_f": r.x_f, "Y_today": r.Y_today, "status": r.status}

    return fn


def _wimp() -> Evaluator:
    from ..models.wimp import WIMP_PARAMETERS

    cont = {}
    for name in ("mass", "sigma_v", "b", "g"):
        lo, hi = WIMP_PARAMETERS[name][2]
        cont[name] = (lo, hi, name != "b")
    return Evaluator("wimp", cont, ("omega_h2", "x_f", "Y_today"), ("status",), _wimp_build)


# ---------------------------------------------------------------------------- twin Higgs


def _twin_check(fixed: dict):
    from ..models.twin_higgs import domain

    for name in ("n_q", "n_a"):
        if float(fixed[name]) != int(fixed[name]):
            raise ParameterError(f"parameter {name}={fixed[name]!r} must be an integer")
    # Fixed values: the whole validity domain (twin_domain.md) in Python, once.  Values
    # that become free are checked per point (status out_of_range, no host callback).
    # (the cross condition r < 1 + delta is left to the per-point status: one of the two may be free)
    for name in ("m_nu", "delta", "r", "theta1", "x0", "x_end"):
        try:
            domain.check_concrete(name, fixed[name])
        except ValueError:
            raise ParameterError(f"parameter {name}={fixed[name]!r} outside the allowed range "
                                 f"{domain.range_text(name)}") from None
    return fixed["method"], int(fixed["n_q"]), int(fixed["n_a"]), bool(fixed["twin_photon_dof"])


def _twin_outputs(r) -> dict:
    return {
        "omega_h2": r.omega_h2,
        "omega_h2_first_term": r.omega_first,
        "omega_h2_second_term": r.omega_second,
        "omega_h2_coannihilation": r.omega_CA,
        "omega_h2_eq28": r.omega_28,
        "omega_h2_eq35": r.omega_35,
        "T_CS": r.T_CS,
        "T_CA": r.T_CA,
        "T_S_min_GeV": jnp.min(r.T_S),
        "T_S_max_GeV": jnp.max(r.T_S),
        "start_memory": r.memory,
        "eq38_cancellation": r.cancellation,
        "phase": r.phase.astype(jnp.int32),
        "n_iter": jnp.asarray(r.n_iter, dtype=jnp.int32),
        "status": r.status,
    }


def _twin_build(fixed: dict, adjoint: str):
    from ..models.twin_higgs.grid import make_grid
    from ..models.twin_higgs.model import TwinHiggs
    from ..models.twin_higgs.solver import _relic_on_grid

    method, n_q, n_a, dof = _twin_check(fixed)

    def fn(p):
        model = TwinHiggs(p["m_nu"], p["delta"], p["r"], p["theta1"])
        grid = make_grid(model, x0=p["x0"], x_end=p["x_end"], n_a=n_a, n_q=n_q, twin_photon_dof=dof)
        r = _relic_on_grid(model, grid, method, adjoint=adjoint, x_range=(p["x0"], p["x_end"]))
        return _twin_outputs(r)

    return fn


def _twin_group_build(fixed: dict, adjoint: str):
    """Point function of a θ₁ group: collision tables once per (m_ν, Δ, r, x₀, x_end), then
    ``jax.vmap`` over θ₁ (exact θ₁ factorisation, docs/physics/twin_solvers.md)."""
    import jax

    from ..models.twin_higgs.grid import make_grid
    from ..models.twin_higgs.model import TwinHiggs
    from ..models.twin_higgs.solver import _relic_on_grid, solver_tables

    method, n_q, n_a, dof = _twin_check(fixed)

    def fn_group(p):
        ref = TwinHiggs(p["m_nu"], p["delta"], p["r"], p["theta1"][0])
        grid = make_grid(ref, x0=p["x0"], x_end=p["x_end"], n_a=n_a, n_q=n_q, twin_photon_dof=dof)
        tables = solver_tables(ref, grid)

        def one(theta1):
            model = TwinHiggs(p["m_nu"], p["delta"], p["r"], theta1)
            r = _relic_on_grid(model, grid, method, adjoint=adjoint, x_range=(p["x0"], p["x_end"]),
                               tables=tables)
            return _twin_outputs(r)

        return jax.vmap(one)(p["theta1"])

    return fn_group


def _twin() -> Evaluator:
    from ..models.twin_higgs.domain import BOUNDS

    def bound(v, default):
        return default if v is None else v

    # ranges of the validity domain (models/twin_higgs/domain.py); open ends and the
    # cross condition r < 1 + delta are enforced by _twin_build / the solver status
    cont = {name: (bound(BOUNDS[name][0], -math.inf), bound(BOUNDS[name][1], math.inf), True)
            for name in ("m_nu", "delta", "r", "theta1", "x0", "x_end")}
    outs = ("omega_h2", "omega_h2_first_term", "omega_h2_second_term", "omega_h2_coannihilation", "omega_h2_eq28",
            "omega_h2_eq35", "T_CS", "T_CA", "T_S_min_GeV", "T_S_max_GeV", "start_memory", "eq38_cancellation")
    return Evaluator("twin-higgs", cont, outs, ("phase", "n_iter", "status"), _twin_build,
                     group_build=_twin_group_build, group_axis="theta1")


# ---------------------------------------------------------------------------- leptogenesis


def _lepto_build(fixed: dict, adjoint: str):
    from ..constants import Y_B_OBS
    from ..models.leptogenesis import VanillaLeptogenesis
    from ..models.leptogenesis.solver import solve_leptogenesis

    def fn(p):
        model = VanillaLeptogenesis(
            M1=p["M1"], epsilon=p["epsilon"], K=p["K"], initial=fixed["initial"],
            washout_delta_L2=bool(fixed["washout_delta_L2"]), g_star=p["g_star"], m_bar=p["m_bar"],
        )
        r = solve_leptogenesis(model, adjoint=adjoint)
        return {"Y_B": r.Y_B, "Y_B_over_observed": r.Y_B / Y_B_OBS, "Y_B_minus_L": r.Y_BL, "eta_B": r.eta_B,
                "kappa_f": r.kappa_f, "status": r.status}

    return fn


def _lepto() -> Evaluator:
    from ..models.leptogenesis import LEPTOGENESIS_PARAMETERS as P

    cont = {name: (*P[name][2], name not in ("epsilon", "m_bar")) for name in ("M1", "epsilon", "K", "g_star", "m_bar")}
    outs = ("Y_B", "Y_B_over_observed", "Y_B_minus_L", "eta_B", "kappa_f")
    return Evaluator("leptogenesis", cont, outs, ("status",), _lepto_build)


# ---------------------------------------------------------------------------- cogenesis

_COUPLINGS = ("y1", "y2", "lambda1", "lambda2")


def _cogenesis_build(fixed: dict, adjoint: str):
    from ..constants import Y_B_OBS
    from ..models.cogenesis import Cogenesis
    from ..numerics import status as st
    from ..models.cogenesis.solver import dark_freeze_out, omega_chi_h2, solve_cogenesis

    kw = dict(mixed=bool(fixed["mixed"]), washout=bool(fixed["washout"]), nlo_dim5=bool(fixed["nlo_dim5"]),
              dark_sector=fixed["dark_sector"], flavour_regime=fixed["flavour_regime"])

    def coupling(p, name):
        return p[name + "_abs"] * jnp.exp(1j * p[name + "_arg"])

    def fn(p):
        y = jnp.stack([coupling(p, "y1"), coupling(p, "y2")])
        lam = jnp.stack([coupling(p, "lambda1"), coupling(p, "lambda2")])
        # The UV epoch does not depend on m_chi, m_phi, kappa: build it with the constructor defaults
        # for those three (they enter only the late epoch) and evaluate that epoch below with the actual (or ADM) mass.
        model = Cogenesis(y, lam, p["M1"], p["M2"], p["T_RH"], p["xi_i"], **kw)
        r = solve_cogenesis(model, x_max=p["x_max"], freeze_out=False, adjoint=adjoint)
        m_adm = r.m_chi_adm
        use_adm = p["m_chi"] <= 0.0
        m_chi = jnp.where(use_adm, jnp.where(jnp.isfinite(m_adm), m_adm, 1.0), p["m_chi"])
        late = dark_freeze_out(r.Y_chi, r.xi_final, m_chi=m_chi, m_phi=p["m_phi_ratio"] * m_chi,
                               kappa=p["kappa"], g_dark=model.g_dark, adjoint=adjoint)
        omega = omega_chi_h2(m_chi, r.Y_chi, late.Y_chibar)
        status = st.combine(r.status, late.status)
        status = jnp.where(use_adm & ~jnp.isfinite(m_adm), st.NOT_CONVERGED, status)
        status = st.flag_nonfinite(status, r.Y_B, r.Y_chi, omega)
        return {
            "Y_B": r.Y_B,
            "Y_B_over_observed": r.Y_B / Y_B_OBS,
            "Y_chi": r.Y_chi,
            "Y_B_minus_L": r.Y_BL,
            "xi_final": r.xi_final,
            "m_chi_adm": m_adm,
            "m_chi": m_chi,
            "Y_chibar": late.Y_chibar,
            "omega_h2": omega,
            "delta_neff": r.delta_neff,
            "onshell_fraction": r.onshell_fraction,
            "eft_valid": r.eft_valid.astype(jnp.int32),
            "status": jnp.asarray(status, dtype=jnp.int32),
        }

    return fn


def _cogenesis() -> Evaluator:
    """Cogenesis evaluator; ranges from the model's table COGENESIS_PARAMETERS (shared with the CLI spec).

    A traced point outside the model's domain (M2 <= M1, T_RH >= M1, ...) gets status
    OUT_OF_RANGE; ``eft_valid`` (0/1) flags points where on-shell N production, absent
    from the EFT, exceeds 1 % of the EFT production (docs/physics/cogenesis_eft_validity.md).
    """
    from ..models.cogenesis.model import COGENESIS_PARAMETERS, PERTURBATIVE_COUPLING

    g = PERTURBATIVE_COUPLING
    cont = {}
    for name in _COUPLINGS:
        cont[name + "_abs"] = (0.0, g, True)
        cont[name + "_arg"] = (-math.inf, math.inf, False)
    for name in ("M1", "M2", "T_RH", "xi_i", "m_chi", "m_phi_ratio", "kappa", "x_max"):
        lo, hi = COGENESIS_PARAMETERS[name][2]
        cont[name] = (lo, hi, name not in ("xi_i", "m_chi"))
    outs = ("Y_B", "Y_B_over_observed", "Y_chi", "Y_B_minus_L", "xi_final", "m_chi_adm", "m_chi", "Y_chibar",
            "omega_h2", "delta_neff", "onshell_fraction")
    return Evaluator("cogenesis", cont, outs, ("eft_valid", "status"), _cogenesis_build)


EVALUATORS: dict[str, Callable[[], Evaluator]] = {
    "wimp": _wimp,
    "twin-higgs": _twin,
    "leptogenesis": _lepto,
    "cogenesis": _cogenesis,
}


def evaluator(model: str) -> Evaluator:
    """The :class:`Evaluator` of a registered model (ParameterError for unknown names)."""
    if model not in EVALUATORS:
        raise ParameterError(f"unknown model {model!r}; allowed: {', '.join(EVALUATORS)}")
    return EVALUATORS[model]()


def continuous_parameters(model: str) -> tuple:
    """Names of the parameters of ``model`` that can be free, swept or differentiated."""
    return tuple(evaluator(model).continuous)


def _split_complex(given: Mapping) -> tuple[dict, dict]:
    """Move ``*_abs`` / ``*_arg`` entries out of ``given`` (cogenesis); the rest go to the spec."""
    polar, rest = {}, {}
    for k, v in given.items():
        if k.endswith("_abs") or k.endswith("_arg"):
            polar[k] = v
        else:
            rest[k] = v
    return polar, rest


def _check_value(ev: Evaluator, name: str, value) -> float:
    lo, hi, _ = ev.continuous[name]
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ParameterError(f"parameter {name}={value!r} is not a number; allowed range [{lo:g}, {hi:g}]") from None
    if not math.isfinite(v) or v < lo or v > hi:
        raise ParameterError(f"parameter {name}={value!r} outside the allowed range [{lo:g}, {hi:g}]")
    return v


def resolve_point(model: str, given: Mapping) -> dict:
    """All parameters of ``model``: defaults, overridden by ``given`` (validated).

    For cogenesis the complex couplings are returned as ``*_abs`` / ``*_arg``
    too; ``given`` may use either form (not both for one coupling).
    """
    ev = evaluator(model)
    spec = MODELS[model]()
    polar, rest = _split_complex(given) if model == "cogenesis" else ({}, dict(given))
    unknown = [k for k in rest if k not in {p.name for p in spec.parameters}]
    if unknown:
        allowed = ", ".join([p.name for p in spec.parameters] + [k for k in ev.continuous if k not in rest])
        raise ParameterError(f"unknown parameter {unknown[0]!r} for model {model}; allowed: {allowed}")
    full = resolve_parameters(spec, rest)
    if model == "cogenesis":
        for name in _COUPLINGS:
            z = complex(full[name])
            full[name + "_abs"], full[name + "_arg"] = abs(z), math.atan2(z.imag, z.real)
        for k, v in polar.items():
            base = k[:-4]
            if base not in _COUPLINGS:
                raise ParameterError(f"unknown parameter {k!r} for model cogenesis; allowed: "
                                     + ", ".join(ev.continuous))
            if base in rest:
                # both forms are accepted only when they agree (a resolved point, e.g. a sweep's fixed values)
                try:
                    same = math.isclose(float(v), full[k], rel_tol=1e-12, abs_tol=1e-15)
                except (TypeError, ValueError):
                    same = False
                if not same:
                    raise ParameterError(f"parameter {k}={v!r} given together with {base}={full[base]!r} and "
                                         "different from it; give one form of the coupling")
                continue
            full[k] = _check_value(ev, k, v)
    for name in ev.continuous:
        full[name] = _check_value(ev, name, full[name])
    return full


def point_function(model: str, given: Mapping | None = None, free: Sequence[str] = (), *,
                   adjoint: str = "reverse") -> tuple[Callable, dict]:
    """Pure point function of ``model`` with ``free`` parameters as inputs.

    Parameters
    ----------
    model : str
        Registry name.
    given : mapping, optional
        Fixed parameter values (CLI strings or Python values); defaults elsewhere.
    free : sequence of str
        Continuous parameters that become inputs of the returned function
        (their values in ``given``, if any, are ignored by ``fn``).
    adjoint : {"reverse", "forward"}
        Differentiation mode of the ODE solves: ``"reverse"`` for ``jax.grad`` /
        ``jax.jacrev``, ``"forward"`` for ``jax.jvp`` / ``jax.jacfwd``.

    Returns
    -------
    fn : callable
        ``fn(values: dict[str, scalar]) -> dict[str, scalar]`` (pure jnp; jit,
        vmap and differentiate at the call site).  Always contains ``"status"``.
    fixed : dict
        Every parameter value used (validated), including the free ones' defaults.
    """
    ev = evaluator(model)
    if adjoint not in ("reverse", "forward"):
        raise ParameterError(f"adjoint={adjoint!r} invalid; allowed: reverse, forward")
    fixed = resolve_point(model, dict(given or {}))
    for name in free:
        if name not in ev.continuous:
            raise ParameterError(
                f"parameter {name!r} of model {model} cannot be free; allowed: {', '.join(ev.continuous)}"
            )
    if len(set(free)) != len(free):
        raise ParameterError(f"free parameters must be distinct, got {list(free)}")
    inner = ev.build(fixed, adjoint)
    const = {name: fixed[name] for name in ev.continuous if name not in free}
    free = tuple(free)

    def fn(values: Mapping):
        missing = [k for k in free if k not in values]
        if missing:
            raise ParameterError(f"point function of {model}: missing values for {missing}")
        p = {k: _f64(v) for k, v in const.items()}
        p.update({k: _f64(values[k]) for k in free})
        return inner(p)

    return fn, fixed


def grouped_point_function(model: str, given: Mapping | None = None, free: Sequence[str] = (), *,
                           adjoint: str = "reverse") -> Callable | None:
    """Point function of a *group* of points that differ only in the model's group axis.

    For twin-higgs the group axis is θ₁: the collision tables, which do not depend
    on θ₁, are computed once per group and every θ₁ is solved with the exact θ₁
    prefactors (docs/physics/twin_solvers.md, "θ₁ dependence"); results equal
    :func:`point_function` up to the ln G spline interpolation (Ω ≲ 1e-8 relative) and
    the step sharing of a vmapped batch.

    Parameters
    ----------
    model, given, free, adjoint :
        As in :func:`point_function`.

    Returns
    -------
    callable or None
        ``fn_group(values)`` with ``values[name]`` 1-D arrays of one length g for every
        free name; the values of the other free names must be equal within the group
        (the first one is used).  Outputs are arrays of length g.  ``None`` when the
        model has no group axis or it is not free.
    """
    ev = evaluator(model)
    if ev.group_build is None or ev.group_axis not in tuple(free):
        return None
    if adjoint not in ("reverse", "forward"):
        raise ParameterError(f"adjoint={adjoint!r} invalid; allowed: reverse, forward")
    fixed = resolve_point(model, dict(given or {}))
    inner = ev.group_build(fixed, adjoint)
    free = tuple(free)
    const = {name: fixed[name] for name in ev.continuous if name not in free}
    axis = ev.group_axis

    def fn_group(values: Mapping):
        missing = [k for k in free if k not in values]
        if missing:
            raise ParameterError(f"group point function of {model}: missing values for {missing}")
        p = {k: _f64(v) for k, v in const.items()}
        p.update({k: _f64(values[k])[0] for k in free if k != axis})
        p[axis] = _f64(values[axis])
        return inner(p)

    return fn_group
