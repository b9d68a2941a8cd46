"""A candidate's acceptance decision in partner search (DESIGN §3), against a hand calculation.

DESIGN §3: a candidate accepts if its expected share under the likely contract beats its
outside option. docs/model.md §7.3 writes the test as

    p̂ · V · conversion · (offer units / all committed units) ≥ (1 + outside_option) · outlay,

with p̂ the success probability of DESIGN §6 for the team *with the candidate in it* and the
trust synergy set to zero: p̂ = base(stage) × Π_d κ_d^w_d × (0.5 + 0.5 · mean capability) ×
technology. The golden numbers below are computed from these formulas by hand, not by the
model.
"""

from __future__ import annotations

import numpy as np
import pytest

from abm.kinds import STAGE_SUCCESS
from abm.model import InnovationModel, Project

HALF = [0.5, 0.5, 0.5, 0.5]  # the initiator's and the candidate's commitments


def _setup(candidate_capability: float) -> tuple[InnovationModel, Project]:
    """Initiator with capability 0 holding half of a (1, 1, 1, 1) requirement; a candidate
    offering the other half; the project's value V is where the decision turns on whether the
    candidate's capability counts in p̂."""
    model = InnovationModel(
        rng=3, n_makers=2, n_universities=0, n_enterprises=0, integration_mode="none"
    )
    p = model.params
    init, cand = model.actors_of("maker")
    init.capability, cand.capability = 0.0, candidate_capability
    # Coverage 1 in every dimension with the candidate: Π κ^w = 1. Offer units / all units: ½.
    outlay = HALF[0] + p.inkind_cost * sum(HALF[1:])  # funds at face value, the rest in kind
    due = (1.0 + p.outside_option) * outlay
    base = p.base_success * STAGE_SUCCESS["idea"] * model.technology
    # With the candidate's capability 1 counted, mean capability ½: p̂ = base × 0.75; with
    # only the initiator's counted, p̂ = base × 0.5. V puts the threshold halfway between.
    value = due / (base * 0.625 * p.base_conversion * 0.5)
    project = Project(
        initiator=init,
        stage="idea",
        required=np.ones(4),
        fields=np.array([0]),
        value=value,
    )
    project.add_member(init, HALF, "self", 0.0)
    return model, project


def test_expected_success_counts_the_candidates_capability() -> None:
    model, project = _setup(candidate_capability=1.0)
    cand = model.actors_of("maker")[1]
    p = model.params
    base = p.base_success * STAGE_SUCCESS["idea"] * model.technology
    assert model._expected_success(project, HALF, joiner=cand) == pytest.approx(base * 0.75)
    # The team as it stands (the initiator alone, capability 0), short of half its needs:
    # Π_d 0.5^(1/4) = 0.5, times (0.5 + 0.5 · 0).
    assert model._expected_success(project) == pytest.approx(base * 0.5 * 0.5)


@pytest.mark.parametrize(("capability", "joins"), [(1.0, True), (0.0, False)])
def test_a_capable_candidate_joins_where_an_incapable_one_declines(
    capability: float, joins: bool
) -> None:
    """At the V of :func:`_setup` the expected share is 1.2 × the outlay plus outside option
    for a candidate of capability 1 (p̂ = 0.75 base) and 0.8 × for capability 0 (0.5 base)."""
    model, project = _setup(candidate_capability=capability)
    cand = model.actors_of("maker")[1]
    threshold_ok = model.network.trust(cand.unique_id, project.initiator.unique_id, 0.0) >= (
        model.params.trust_threshold
    )
    assert threshold_ok, "the test needs the default trust threshold to let a stranger in"
    assert model._accepts(cand, project.initiator, project, HALF, 0.0) is joins
