"""Standard-Model chemical equilibrium: spectator coefficients and the sphaleron B/(B−L) factor.

Exact rational solution of the SM chemical-potential system (massless species, gauge,
quark-Yukawa, QCD and electroweak sphaleron equilibrium, hypercharge neutrality);
derivation in docs/physics/cogenesis_derivation.md §7.  Used by every asymmetry model
(leptogenesis, cogenesis).
"""

from __future__ import annotations

from fractions import Fraction
from typing import NamedTuple

__all__ = ["SpectatorCoefficients", "spectator_coefficients", "LEPTON_FLAVOURS"]

LEPTON_FLAVOURS = ("e", "mu", "tau")
_LEPTON_FLAVOURS = LEPTON_FLAVOURS


def _solve_exact(rows, rhs):
    """Gauss–Jordan elimination over the rationals (small dense systems)."""
    n = len(rows)
    m = [list(r) + [b] for r, b in zip(rows, rhs)]
    for col in range(n):
        piv = next(r for r in range(col, n) if m[r][col] != 0)
        m[col], m[piv] = m[piv], m[col]
        p = m[col][col]
        m[col] = [v / p for v in m[col]]
        for r in range(n):
            if r != col and m[r][col] != 0:
                f = m[r][col]
                m[r] = [a - f * b for a, b in zip(m[r], m[col])]
    return [m[r][n] for r in range(n)]


class SpectatorCoefficients(NamedTuple):
    """Exact SM chemical-equilibrium coefficients per unit Y_{Δα} (cogenesis_model.md §7.1).

    Attributes
    ----------
    c_lH : Fraction
        μ_a/T ≡ (μ_{L_α} + μ_H)/T = −c_ℓH G Y_{B−L} (E7.1), dimensionless.
    lepton_doublet : Fraction
        Y_{L_α} (both doublet components) / Y_{Δα}.
    higgs : Fraction
        Y_H (both components) / Y_{Δα}.
    baryon : Fraction
        Y_B / Y_{B−L} in this regime (28/79 with every Yukawa in equilibrium).
    """

    c_lH: Fraction
    lepton_doublet: Fraction
    higgs: Fraction
    baryon: Fraction


def spectator_coefficients(yukawa_equilibrium=("e", "mu", "tau"), coupled: str = "tau") -> SpectatorCoefficients:
    """Solve the SM chemical-equilibrium system exactly (cogenesis_model.md §7.1, E7.1); exact fractions.

    Massless SM species with n − n̄ = g T² μ/6 (fermions) and g T² μ/3 (bosons) per internal state. Assumed in
    equilibrium: gauge interactions, all quark Yukawas (μ_u = μ_Q + μ_H, μ_d = μ_Q − μ_H, flavour-universal μ_Q),
    QCD and electroweak sphalerons (Σ_i (3μ_{Q_i} + μ_{L_i}) = 0), hypercharge neutrality, and the charged-lepton
    Yukawas of ``yukawa_equilibrium`` ⊂ {"e", "mu", "tau"} (μ_{e_i} = μ_{L_i} − μ_H); a right-handed lepton whose
    Yukawa is out of equilibrium carries no asymmetry. Conserved: Δ_i = B/3 − L_i, with Δ = 1 for the flavour
    ``coupled`` to N_{1,2} and 0 for the others. ``c_lH`` of the result is the coefficient of E7.1.
    """
    eq = set(yukawa_equilibrium)
    if not eq <= set(_LEPTON_FLAVOURS) or coupled not in _LEPTON_FLAVOURS:
        raise ValueError(
            f"spectator_coefficients: flavours must be among {_LEPTON_FLAVOURS}, got "
            f"yukawa_equilibrium={tuple(yukawa_equilibrium)!r}, coupled={coupled!r}"
        )
    ic = _LEPTON_FLAVOURS.index(coupled)
    F = Fraction
    # unknowns: 0 μ_Q, 1 μ_H, 2-4 μ_{L_i}, 5-7 μ_{e_i}   (units: T²/6 per state)
    rows, rhs = [], []
    # hypercharge: Σ_i [6·(1/6)μ_Q + 3·(2/3)μ_u − 3·(1/3)μ_d − 2·(1/2)μ_L − μ_e] + 2·2·(1/2)μ_H = 0
    r = [F(0)] * 8
    r[0] = F(3 * (1 + 2 - 1))
    r[1] = F(3 * (2 + 1) + 2)
    for i in range(3):
        r[2 + i] -= 1
        r[5 + i] -= 1
    rows.append(r), rhs.append(F(0))
    # electroweak sphaleron: Σ_i (3 μ_Q + μ_{L_i}) = 0
    r = [F(0)] * 8
    r[0] = F(9)
    for i in range(3):
        r[2 + i] = F(1)
    rows.append(r), rhs.append(F(0))
    for i, fl in enumerate(_LEPTON_FLAVOURS):
        r = [F(0)] * 8
        r[5 + i] = F(1)
        if fl in eq:  # μ_e = μ_L − μ_H
            r[2 + i], r[1] = F(-1), F(1)
        rows.append(r), rhs.append(F(0))
    # Δ_i = B/3 − L_i;  B = Σ_i (2μ_Q + μ_u + μ_d) = 12 μ_Q,  L_i = 2μ_{L_i} + μ_{e_i}
    for i in range(3):
        r = [F(0)] * 8
        r[0], r[2 + i], r[5 + i] = F(4), F(-2), F(-1)
        rows.append(r), rhs.append(F(1) if i == ic else F(0))
    sol = _solve_exact(rows, rhs)
    mu_q, mu_h, mu_l = sol[0], sol[1], sol[2 + ic]
    return SpectatorCoefficients(
        c_lH=-(mu_l + mu_h), lepton_doublet=2 * mu_l, higgs=4 * mu_h, baryon=12 * mu_q
    )
