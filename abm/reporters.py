"""Every model output, declared once with its one-line meaning (DESIGN §6).

The model fills ``model.metrics`` in its measure phase; the DataCollector reads these names from it.
Names are snake_case with prefixes ``n_``, ``new_``, ``cum_``, ``mean_``, ``share_``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from abm.kinds import ACTOR_KINDS, STAGES

REPORTERS: dict[str, str] = {
    # Population
    "n_makers_alive": "Maker teams alive at the end of the step",
    "new_makers_entered": "Maker teams that entered this step (entry and spin-offs)",
    "new_makers_exited": "Maker teams that exited this step (broke and unsupported)",
    "new_makers_rescued": "Broke maker teams rescued by the fault-tolerance fund this step",
    "new_spinoffs": "Maker teams spun off by ventures this step",
    **{f"n_makers_stage_{s}": f"Maker teams alive at stage {s!r}" for s in STAGES},
    "mean_maker_spirit": "Mean maker spirit of living maker teams",
    "mean_maker_capability": "Mean capability of living maker teams",
    # Projects
    "n_projects_started": "Projects whose team was assembled and executed this step",
    "n_projects_succeeded": "Projects that succeeded this step",
    "n_projects_failed": "Projects that failed this step",
    "n_projects_abandoned": "Initiatives dropped because no viable team formed",
    "success_rate": "Succeeded / started this step (0 when none started)",
    "cum_projects_started": "Projects started since step 0",
    "cum_projects_succeeded": "Projects succeeded since step 0",
    "mean_team_size": "Mean members per project started this step",
    "mean_coverage": "Mean resource coverage (geometric, weighted) of projects this step",
    "share_repeat_collaborations": "Share of partner pairs this step that had collaborated before",
    # Money
    "new_returns": "Market returns captured by successful projects this step",
    "cum_returns": "Market returns captured since step 0 (gross: before loan repayments and "
    "broker commissions)",
    **{
        f"cum_returns_{k}": f"Shares of net returns paid out to {k} actors since step 0"
        for k in ACTOR_KINDS
    },
    "gini_wealth": "Gini index of wealth over living maker teams, universities and enterprises",
    "mean_maker_wealth": "Mean wealth of living maker teams",
    "new_losses": "Project outlays lost in failed projects this step",
    "transaction_costs": "Search and monitoring costs paid this step",
    "cum_transaction_costs": "Search and monitoring costs since step 0",
    "conversion_rate": "Mean share of value turned into captured returns by successes this step",
    # Trust and contracts
    "mean_trust": "Mean trust over all edges of the trust network",
    "mean_contract_strictness": "Mean strictness (1 − mean pairwise trust) of this step's teams "
    "of two or more",
    "share_strict_contracts": "Share of this step's projects under a strict contract",
    "mean_fairness": "Mean perceived fairness of members of this step's projects",
    "n_withholdings": "Members who withheld committed resources this step",
    **{
        f"n_edges_stage_{s}": f"Edges in trust stage {s!r}"
        for s in ("formation", "consolidation", "trust_based_cooperation")
    },
    # Network structure
    "n_edges": "Directed trust edges",
    "n_nodes": "Actors in the network",
    "density": "Edge density of the trust network",
    # Structure of the innovators' (makers, universities, enterprises) undirected collaboration
    # graph; service institutions are hubs and would join every component (docs/model.md).
    "clustering": "Average clustering of the innovators' collaboration graph",
    "transitivity": "Closed triads / connected triads of the collaboration graph",
    "collab_density": "Density of the collaboration graph (ties / possible pairs of innovators)",
    "clustering_vs_random": "Clustering / density: 1 = as clustered as a random graph as dense",
    "n_components": "Connected components of the collaboration graph (isolated actors count)",
    "giant_component_share": "Largest connected component of the collaboration graph / innovators",
    "mean_path_length": "Mean shortest path in the giant component (sampled on large graphs)",
    "share_cross_kind_edges": "Share of edges linking actors of different kinds",
    "mean_degree": "Mean (in + out) degree",
    # Services and policy
    **{
        f"revenue_{k}": f"Fees and interest earned by {k} institutions since step 0 (closed "
        "ones included)"
        for k in ("finance", "transfer", "advisory", "sharing")
    },
    **{
        f"losses_{k}": f"Losses borne by {k} institutions since step 0 (closed ones included)"
        for k in ("finance", "transfer", "advisory", "sharing")
    },
    **{
        f"capacity_use_{k}": f"Share of {k} institutions' capacity used this step "
        "(co-construction: of the joint entity's pooled capacity, the same for every kind)"
        for k in ("finance", "transfer", "advisory", "sharing")
    },
    "cum_service_fees": "Fees (incl. interest and premiums) paid to service institutions so far",
    "mean_service_fee_per_project": "Service fees paid per served project executed this step",
    "cum_insurance_payouts": "Losses absorbed by insurance since step 0",
    "cum_fault_compensation": (
        "Paid by the fault-tolerance fund since step 0: makers' borne losses compensated, plus "
        "rescues (debts paid and restart grants)"
    ),
    "cum_policy_spending": "Subsidies, fault-tolerance compensation and awards paid since step 0",
    "new_brokered_ties": "Directed team ties first formed through a broker this step",
    "n_brokered_ties": "Live edges that began as brokered introductions",
    "new_platform_ties": "Directed team ties first formed through the platform this step",
    "new_stranger_ties": "Directed ties formed this step inside project teams between members "
    "who had none (ties to service institutions and of spin-offs not counted)",
    "mean_equipment_coverage": "Mean coverage of projects' equipment need this step",
    # Coupling coordination (seed 000)
    "u1_maker": "Maker subsystem index U1 in [0, 1] (see docs/model.md)",
    "u2_innovation": "S&T innovation subsystem index U2 in [0, 1] (see docs/model.md)",
    "coupling_coordination": "Coupling coordination degree D = sqrt(C·T) of U1 and U2",
}

#: Reporters that are text rather than numbers.
TEXT_REPORTERS: dict[str, str] = {
    "coupling_grade": "Grade band of the coupling coordination degree",
}

ALL_REPORTERS: dict[str, str] = {**REPORTERS, **TEXT_REPORTERS}


def metric_getter(name: str) -> Callable[[Any], Any]:
    """A DataCollector model reporter reading ``model.metrics[name]`` (filled by the measure
    phase), named after the reporter."""

    def get(model: Any) -> Any:
        return model.metrics[name]

    get.__name__ = name
    return get


def run_headless(make_model: Callable[[], Any], steps: int) -> pd.DataFrame:
    """Check ``steps``, then build a model with ``make_model()``, step it ``steps`` times and
    return its reporters (one row per step, row 0 the initial state) with ``attrs["seed"]``
    and ``attrs["params"]`` (the run's parameters as a dict).

    The shared body of :func:`abm.run` and :func:`abm.team_assembly.run`; ``steps`` is checked
    before the model (and any agent) exists.
    """
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 0:
        raise ValueError(f"steps must be a non-negative integer, got {steps!r}")
    model = make_model()
    for _ in range(steps):
        model.step()
    df = model.reporters()
    df.attrs["seed"] = model.seed
    df.attrs["params"] = model.params.to_dict()
    return df
