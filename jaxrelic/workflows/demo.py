"""``jaxrelic demo``: the built-in benchmarks, a summary table and plots.

Stages (one progress line each on stderr, ``[k/7] … (t s)``):

1. the s-wave Majorana WIMP benchmark (m = 100 GeV, ⟨σv⟩ = 2.2e-26 cm³/s): Ω h², x_f,
   Y(x) against Y_eq(x), and d ln Ω/d ln m, d ln Ω/d ln σv by forward-mode autodiff
   (one compiled call returns the solution and its Jacobian);
2. the thermal-relic curve: the ⟨σv⟩ giving Ω h² = 0.120 from 0.1 GeV to 10 TeV,
   solved for all masses at once (``jax.vmap`` of a fixed-point iteration
   σv ← σv Ω/Ω_target, Ω ∝ 1/σv to within a few per cent), drawn against the
   Steigman–Dasgupta–Beacom (2012) curve rescaled from Ω h² = 0.11 with its ratio
   (:func:`jaxrelic.workflows.plots.plot_relic_curve`);
3. a small fit: ⟨σv⟩ of a 100 GeV WIMP fitted to Ω h² = 0.120
   (:func:`jaxrelic.workflows.fit.fit`, L-BFGS with reverse-mode gradients);
4. twin-neutrino coscattering dark matter (arXiv:1805.12139), one point in each
   phase (the Ω h² ≈ 0.12 points of docs/physics/twin_model.md §6.3, m_ν̂ = 1 GeV), solved as one
   ``jax.vmap`` batch: phase label, Ω h² and the final momentum distributions;
5. freeze-in cogenesis (arXiv:2505.22710), the talk's benchmark (ξ_i = 0.36,
   M₁ = 5×10⁷ GeV, M₂ = 10 M₁, T_RH = M₁/5, couplings of the reference point P-A of docs/physics/cogenesis_model.md §10.3):
   Y_B, Y_χ, m_χ^ADM, ξ_∞ and |ΔY_B|, |ΔY_χ|, ξ versus x;
6. vanilla N₁ leptogenesis at its default point (M₁ = 10¹⁰ GeV, ε = 10⁻⁶, K = 10);
7. ``summary.md`` and ``summary.json``.

Outputs: ``summary.md``, ``summary.json``, ``wimp_yield.png``, ``thermal_relic_curve.png``,
``twin_phases.png``, ``cogenesis_benchmark.png``.  ``quick=True`` uses fewer masses on
the relic curve, the minimal twin grid (n_q = 100, n_a = 200) and no source-only
cogenesis curve.
"""

from __future__ import annotations

import pathlib

import jax
import jax.numpy as jnp
import numpy as np
from matplotlib.figure import Figure

from .. import constants as c
from .cli_common import dumps_json
from .io import atomic_write_text
from ..models.wimp import WIMP
from ..numerics.status import status_name
from ..engines.network import solve_network
from ..thermo.background import Background
from .plots import plot_relic_curve, plot_yield
from .progress import Progress

__all__ = ["run_demo", "thermal_relic_curve", "TWIN_POINTS", "COGENESIS_BENCHMARK"]

N_STAGES = 7

#: Twin-neutrino points (m_ν̂ = 1 GeV; Δ, r, θ₁) with Ω h² ≈ 0.12, one per phase
#: (docs/physics/twin_model.md §6.3(e)/(g)), and the phase each lies in.
TWIN_POINTS = (
    ("coscattering", 0.1, 0.5, 4.38e-4),
    ("S/C_S mixed", 0.18, 0.4, 4.64e-4),
    ("coannihilation", 0.18, 0.25, 1.37e-2),
    ("C_A/S mixed", 0.1, 0.9, 4.1e-2),
    ("decay-open", 0.18, 0.1, 1e-4),
)

#: The talk's cogenesis benchmark with the couplings of the reference point P-A.
COGENESIS_BENCHMARK = {
    "y": (0.0219, -0.0219j),
    "lam": (3.57e-4, 3.57e-4),
    "M1": 5e7,
    "M2": 5e8,
    "T_RH": 1e7,
    "xi_i": 0.36,
    "m_chi": 1e3,
    "m_phi": 1.5e3,
}


def thermal_relic_curve(masses, target=c.OMEGA_C_H2, background=None, iterations: int = 6):
    """⟨σv⟩ [cm³/s] giving Ω h² = target for s-wave Majorana WIMPs (vmapped).

    ``iterations`` fixed-point updates σv ← σv Ω/target from 2.2e-26 cm³/s, then Ω at
    the final σv.  Returns (sigma_v, omega_h2, status) arrays over ``masses``.
    """
    if background is None:
        background = Background.standard_model()

    def one(m):
        def body(sv, _):
            r = solve_network(WIMP(mass=m, sigma_v=sv), background)
            return sv * r.omega_h2 / target, (sv, r.omega_h2, r.status)

        # iterations + 1 solves in one traced body: the last one evaluates the final σv
        _, (sv, om, stat) = jax.lax.scan(body, jnp.asarray(2.2e-26), None, length=iterations + 1)
        return sv[-1], om[-1], stat[-1]

    return jax.jit(jax.vmap(one))(jnp.asarray(masses, dtype=jnp.float64))


def _wimp_benchmark(bg):
    """Solution at the benchmark and (d ln Ω/d ln m, d ln Ω/d ln σv), one compiled call."""

    def ln_omega(p):
        r = solve_network(WIMP(mass=jnp.exp(p[0]), sigma_v=jnp.exp(p[1])), bg, adjoint="forward")
        return jnp.log(r.omega_h2), r

    jac, res = jax.jit(jax.jacfwd(ln_omega, has_aux=True))(jnp.log(jnp.array([100.0, 2.2e-26])))
    return res, np.asarray(jac)


def _twin_phases(quick: bool):
    from ..models.twin_higgs.model import TwinHiggs
    from ..models.twin_higgs.solver import PHASES, relic_twin

    n_q, n_a = (100, 200) if quick else (128, 600)
    d, r, th = (jnp.array([p[k] for p in TWIN_POINTS]) for k in (1, 2, 3))
    res = jax.vmap(lambda d_, r_, t_: relic_twin(TwinHiggs(1.0, d_, r_, t_), n_q=n_q, n_a=n_a))(d, r, th)
    rows = []
    for i, (expected, *_p) in enumerate(TWIN_POINTS):
        rows.append({
            "delta": _p[0], "r": _p[1], "theta1": _p[2],
            "expected_phase": expected,
            "phase": PHASES[int(res.phase[i])],
            "omega_h2": float(res.omega_h2[i]),
            "omega_h2_coannihilation": float(res.omega_CA[i]),
            "status": status_name(res.status[i]),
        })
    return res, rows, (n_q, n_a)


def _plot_twin_phases(res, rows, path):
    from ..models.twin_higgs.plots import plot_twin_distribution

    fig = Figure(figsize=(16.0, 4.2), layout="constrained")
    axes = fig.subplots(1, len(rows))
    for i, (ax, row) in enumerate(zip(axes, rows)):
        one = jax.tree_util.tree_map(lambda a: a[i], res)
        plot_twin_distribution(one, ax=ax, title=f"{row['phase']}: Δ={row['delta']:g}, r={row['r']:g}, "
                                                 f"θ₁={row['theta1']:.3g}\nΩh²={row['omega_h2']:.4f}")
        ax.title.set_fontsize(8)
        ax.get_legend().remove()
    # one legend for all panels, below them, so that it covers no curve
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center", ncols=3, frameon=False,
               fontsize=9)
    fig.suptitle(r"Twin-neutrino dark matter, $m_{\hat\nu} = 1$ GeV: final $q^2 f_{\hat\nu}(q)$ in each phase")
    fig.savefig(path, dpi=110)


def _cogenesis_benchmark(quick: bool):
    from ..models.cogenesis import Cogenesis
    from ..models.cogenesis.solver import cogenesis

    b = COGENESIS_BENCHMARK

    def make(**kw):
        return Cogenesis(list(b["y"]), list(b["lam"]), b["M1"], b["M2"], b["T_RH"], b["xi_i"], m_chi=b["m_chi"],
                         m_phi=b["m_phi"], **kw)

    full = cogenesis(make())
    source = None if quick else cogenesis(make(washout=False))
    return full, source


def run_demo(out_dir="jaxrelic_demo", quick: bool = False) -> dict:
    """Run the demo and write its files into ``out_dir``; returns the summary dict."""
    from ..models.leptogenesis import VanillaLeptogenesis
    from ..models.leptogenesis.solver import leptogenesis
    from .fit import fit
    from ..models.cogenesis.plots import latex_sci, plot_cogenesis

    out = pathlib.Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    bg = Background.standard_model()
    summary: dict = {"quick": bool(quick)}
    prog = Progress(N_STAGES, unit="stages", lines=True)  # one line per stage: [k/7] ... (t s)

    # 1. WIMP benchmark and its sensitivities
    res, jac = _wimp_benchmark(bg)
    plot_yield(res, title=r"WIMP $m=100$ GeV, $\langle\sigma v\rangle=2.2\times10^{-26}$ cm$^3$/s",
               path=out / "wimp_yield.png")
    summary["wimp_benchmark"] = {
        "mass_GeV": 100.0,
        "sigma_v_cm3_s": 2.2e-26,
        "omega_h2": float(res.omega_h2),
        "x_f": float(res.x_f),
        "status": status_name(res.status),
    }
    summary["sensitivity"] = {"dlnOmega_dlnm": float(jac[0]), "dlnOmega_dlnsigmav": float(jac[1])}
    prog.update(1, f"WIMP benchmark: Omega h^2 = {float(res.omega_h2):.5f}, x_f = {float(res.x_f):.2f}, "
                     f"dlnΩ/dln m = {jac[0]:+.4f}, dlnΩ/dln σv = {jac[1]:+.4f}")

    # 2. thermal-relic curve
    masses = np.logspace(-1, 4, 11 if quick else 41)
    sv, om, stat = (np.asarray(a) for a in thermal_relic_curve(masses, background=bg))
    plot_relic_curve(masses, sv, omega_h2=c.OMEGA_C_H2, status=stat, path=out / "thermal_relic_curve.png",
                     title=r"Thermal-relic $\langle\sigma v\rangle$ for $\Omega h^2 = 0.120$ (s-wave, Majorana)")
    summary["thermal_relic_curve"] = {
        "mass_GeV": masses.tolist(),
        "sigma_v_cm3_s": sv.tolist(),
        "omega_h2": om.tolist(),
        "status": [status_name(s) for s in stat],
    }
    prog.update(1, f"thermal-relic curve: {len(masses)} masses, <sigma v> = {sv.min():.3e} … {sv.max():.3e} cm^3/s")

    # 3. a small fit
    fr = fit("wimp", {"sigma_v": 2e-26}, {"omega_h2": c.OMEGA_C_H2}, given={"mass": 100.0}, strict=False)
    summary["fit"] = {
        "model": "wimp",
        "given": {"mass_GeV": 100.0},
        "target": {"omega_h2": c.OMEGA_C_H2},
        "sigma_v_cm3_s": float(fr.values["sigma_v"]),
        "omega_h2": float(fr.outputs["omega_h2"]),
        "iterations": int(fr.iterations),
        "converged": bool(fr.converged),
        "status": status_name(fr.status),
    }
    prog.update(1, f"fit of <sigma v> to Omega h^2 = {c.OMEGA_C_H2} at m = 100 GeV: {fr.values['sigma_v']:.5e} cm^3/s "
                     f"({fr.iterations} iterations, converged={fr.converged})")

    # 4. twin-neutrino phases
    tres, rows, grid = _twin_phases(quick)
    _plot_twin_phases(tres, rows, out / "twin_phases.png")
    summary["twin_neutrino"] = {"m_nu_GeV": 1.0, "n_q": grid[0], "n_a": grid[1], "points": rows}
    prog.update(1, "twin-neutrino phases: " + ", ".join(f"{r['phase']} {r['omega_h2']:.4f}" for r in rows))

    # 5. cogenesis benchmark
    full, source = _cogenesis_benchmark(quick)
    b = COGENESIS_BENCHMARK
    plot_cogenesis(full, source_only=source, path=out / "cogenesis_benchmark.png",
                   title=rf"Freeze-in cogenesis: $M_1 = {latex_sci(b['M1'])}$ GeV, $M_2 = 10 M_1$, "
                         rf"$T_{{\rm RH}} = M_1/5$, $\xi_i = {b['xi_i']}$")
    summary["cogenesis_benchmark"] = {
        "M1_GeV": b["M1"], "M2_GeV": b["M2"], "T_RH_GeV": b["T_RH"], "xi_i": b["xi_i"],
        "m_chi_GeV": b["m_chi"], "m_phi_GeV": b["m_phi"],
        "Y_B": float(full.Y_B), "Y_chi": float(full.Y_chi), "m_chi_adm_GeV": float(full.m_chi_adm),
        "xi_final": float(full.xi_final), "omega_h2": float(full.omega_h2), "status": status_name(full.status),
    }
    if source is not None:
        summary["cogenesis_benchmark"].update(source_only_Y_B=float(source.Y_B), source_only_Y_chi=float(source.Y_chi))
    prog.update(1, f"cogenesis benchmark: Y_B = {float(full.Y_B):.4e}, Y_chi = {float(full.Y_chi):.4e}, "
                     f"xi_final = {float(full.xi_final):.5f}")

    # 6. leptogenesis
    lres = leptogenesis(VanillaLeptogenesis())
    summary["leptogenesis"] = {
        "M1_GeV": 1e10, "epsilon": 1e-6, "K": 10.0,
        "eta_B": float(lres.eta_B), "Y_B": float(lres.Y_B), "kappa_f": float(lres.kappa_f),
        "status": status_name(lres.status),
    }
    prog.update(1, f"leptogenesis: eta_B = {float(lres.eta_B):.4e}, kappa_f = {float(lres.kappa_f):.5f}")

    # 7. summary
    summary["stage_seconds"] = prog.seconds  # wall time of stages 1-6 (compilation included)
    (out / "summary.md").write_text(_summary_markdown(summary, masses, sv, om, stat))
    atomic_write_text(out / "summary.json", dumps_json(summary, indent=2))
    prog.update(1, f"wrote {out / 'summary.md'}, summary.json, wimp_yield.png, thermal_relic_curve.png, "
                     "twin_phases.png, cogenesis_benchmark.png")
    print((out / "summary.md").read_text())
    return summary


def _summary_markdown(s: dict, masses, sv, om, stat) -> str:
    w, f, cg, lp = s["wimp_benchmark"], s["fit"], s["cogenesis_benchmark"], s["leptogenesis"]
    lines = [
        "# jaxrelic demo summary",
        "",
        "| quantity | value |",
        "|---|---|",
        f"| WIMP m = 100 GeV, ⟨σv⟩ = 2.2e-26 cm³/s: Ω h² | {w['omega_h2']:.5f} |",
        f"| … x_f (Y = 2 Y_eq) | {w['x_f']:.3f} |",
        f"| … d ln Ω / d ln m | {s['sensitivity']['dlnOmega_dlnm']:+.4f} |",
        f"| … d ln Ω / d ln ⟨σv⟩ | {s['sensitivity']['dlnOmega_dlnsigmav']:+.4f} |",
        f"| fit: ⟨σv⟩ for Ω h² = {f['target']['omega_h2']} at m = 100 GeV | {f['sigma_v_cm3_s']:.5e} cm³/s "
        f"(Ω h² = {f['omega_h2']:.5f}, {f['iterations']} iterations, converged: {f['converged']}) |",
        f"| cogenesis benchmark: Y_B | {cg['Y_B']:.5e} |",
        f"| … Y_χ | {cg['Y_chi']:.5e} |",
        f"| … m_χ^ADM | {cg['m_chi_adm_GeV']:.4g} GeV |",
        f"| … ξ_∞ = T′/T | {cg['xi_final']:.6f} |",
        f"| … Ω_χ h² (m_χ = {cg['m_chi_GeV']:g} GeV, m_φ = {cg['m_phi_GeV']:g} GeV) | {cg['omega_h2']:.4g} |",
        f"| leptogenesis M₁ = 10¹⁰ GeV, ε = 10⁻⁶, K = 10: η_B | {lp['eta_B']:.5e} |",
        f"| … κ_f | {lp['kappa_f']:.5f} |",
        "",
        f"## Twin-neutrino dark matter (m_ν̂ = 1 GeV, n_q = {s['twin_neutrino']['n_q']}, "
        f"n_a = {s['twin_neutrino']['n_a']})",
        "",
        "| Δ | r | θ₁ | phase | Ω h² | Ω_CA h² | status |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in s["twin_neutrino"]["points"]:
        lines.append(f"| {r['delta']:g} | {r['r']:g} | {r['theta1']:.3g} | {r['phase']} | {r['omega_h2']:.5f} | "
                     f"{r['omega_h2_coannihilation']:.5f} | {r['status']} |")
    lines += [
        "",
        "## ⟨σv⟩ for Ω h² = 0.120 (s-wave, Majorana)",
        "",
        "| m [GeV] | ⟨σv⟩ [cm³/s] | Ω h² | status |",
        "|---|---|---|---|",
    ]
    for m, s_, o, st_ in zip(masses, sv, om, stat):
        lines.append(f"| {m:.4g} | {s_:.4e} | {o:.5f} | {status_name(st_)} |")
    return "\n".join(lines) + "\n"
