"""Twin-neutrino dark matter in the fraternal twin Higgs (arXiv:1805.12139).

Model point (:class:`TwinHiggs`), matrix elements and cross sections of the
processes A, C_A, C_S and S (:mod:`.processes`), and twin-tau / twin-photon
decay widths (:mod:`.widths`).  Physics reference: ``docs/physics/twin_model.md``
§2-3; derivations and checks: ``docs/physics/twin_processes.md``.
"""

from . import domain as domain
from .domain import PARAMETERS as PARAMETERS
from .model import TwinHiggs as TwinHiggs
from .processes import (
    msq_A as msq_A,
    msq_CA as msq_CA,
    msq_CS as msq_CS,
    msq_S as msq_S,
    s_threshold_A as s_threshold_A,
    s_threshold_CA as s_threshold_CA,
    s_threshold_CS as s_threshold_CS,
    s_threshold_S as s_threshold_S,
    sigma_A as sigma_A,
    sigma_CA as sigma_CA,
    sigma_CS as sigma_CS,
    sigma_CS_closed_form as sigma_CS_closed_form,
    sigma_S as sigma_S,
    sigma_v_swave_A as sigma_v_swave_A,
    sigma_v_swave_CS as sigma_v_swave_CS,
)
from .widths import (
    LEPTONS as LEPTONS,
    msq_D as msq_D,
    msq_two_body as msq_two_body,
    width_3body as width_3body,
    width_3body_channel as width_3body_channel,
    width_D as width_D,
    width_gamma_hat as width_gamma_hat,
    width_tau as width_tau,
    width_two_body as width_two_body,
    width_vector_to_ff as width_vector_to_ff,
)
from .thermal import (
    G_GAMMA as G_GAMMA,
    G_NU as G_NU,
    G_TAU as G_TAU,
    reaction_density_ID as reaction_density_ID,
    reaction_density_S as reaction_density_S,
    sigma_v_A as sigma_v_A,
    sigma_v_CA as sigma_v_CA,
    sigma_v_CS as sigma_v_CS,
    sigma_v_S as sigma_v_S,
)
from .grid import TwinGrid as TwinGrid
from .grid import make_grid as make_grid
from .collision import (
    CollisionOperators as CollisionOperators,
    CumulativeTable as CumulativeTable,
    TwinTables as TwinTables,
    c_tilde_CA as c_tilde_CA,
    c_tilde_CA_p0 as c_tilde_CA_p0,
    c_tilde_ID as c_tilde_ID,
    c_tilde_ID_p0 as c_tilde_ID_p0,
    c_tilde_S as c_tilde_S,
    c_tilde_S_p0 as c_tilde_S_p0,
    collision_operators as collision_operators,
    cumulative_table_CA as cumulative_table_CA,
    cumulative_table_S as cumulative_table_S,
    coupling_weights as coupling_weights,
    operators_from_tables as operators_from_tables,
    twin_tables as twin_tables,
)
from .solver import (
    METHODS as METHODS,
    PHASES as PHASES,
    CoannihilationSolution as CoannihilationSolution,
    MomentumSolution as MomentumSolution,
    TwinRelicResult as TwinRelicResult,
    solve_coannihilation as solve_coannihilation,
    solve_coscattering_integrated as solve_coscattering_integrated,
    solve_momentum as solve_momentum,
    exponential_step as exponential_step,
    iterate_tau as iterate_tau,
    freeze_out_temperatures as freeze_out_temperatures,
    classify_phase as classify_phase,
    relic_twin as relic_twin,
    relic_twin_theta_scan as relic_twin_theta_scan,
    solver_tables as solver_tables,
    relic_on_grid as relic_on_grid,
)
