"""The model's phase mechanics on two-member teams, against hand calculations.

A mutation audit (2026-11-29) found that changes to these mechanics (blame on the wrong edge,
risk appetite inverted, monitoring cost without strictness, the subsidy without the lagging
region's policy factor, trust read in the wrong direction, ...) got past every unit test and
were caught, if at all, only by the golden file or by noisy behavioural tests. Each test below
sets up one step of one project by hand and checks the formula of docs/model.md (ODD §7) with
numbers worked out in its docstring, not read from the model.
"""

from __future__ import annotations

import numpy as np
import pytest

from abm.model import InnovationModel, Project

ONE = [1.0, 0.0, 0.0, 0.0]  # one unit of funds


def _model(**overrides) -> InnovationModel:
    """Two makers, nothing else (no universities, enterprises or service institutions)."""
    return InnovationModel(
        rng=3, n_makers=2, n_universities=0, n_enterprises=0, integration_mode="none", **overrides
    )


def _project(model: InnovationModel, offers: list[list[float]], value: float = 10.0) -> Project:
    """The first maker initiates; the first ``len(offers)`` makers join with these offers."""
    members = model.actors_of("maker")[: len(offers)]
    pr = Project(
        initiator=members[0], stage="idea", required=np.ones(4), fields=np.array([0]), value=value
    )
    for i, (m, offer) in enumerate(zip(members, offers, strict=True)):
        pr.add_member(m, offer, "self" if i == 0 else "direct", 0.0)
    return pr


def _delivered(pr: Project, units: list[float]) -> None:
    """Members delivered ``units`` of funds each (outlay = units: funds count at face value)."""
    pr.delivered = [np.array([u, 0.0, 0.0, 0.0]) for u in units]
    pr.outlays = np.array(units)


def test_contributions_are_the_units_each_member_delivered() -> None:
    """Units delivered per member: (1 + 2 + 0 + 0.5, 3 + 0 + 0 + 0) = (3.5, 3), the same as a
    list (what the phases read) and as an array (numpy's row sums); per resource (1 + 3,
    2 + 0, 0 + 0, 0.5 + 0) = (4, 2, 0, 0.5)."""
    model = _model()
    pr = _project(model, [ONE, ONE])
    pr.delivered = [np.array([1.0, 2.0, 0.0, 0.5]), np.array([3.0, 0.0, 0.0, 0.0])]
    assert pr.delivered_lists() == [[1.0, 2.0, 0.0, 0.5], [3.0, 0.0, 0.0, 0.0]]
    assert pr.delivered_totals() == [4.0, 2.0, 0.0, 0.5]
    assert pr.contribution_list() == [3.5, 3.0]
    assert pr.contribution_values().tolist() == [3.5, 3.0]
    assert pr.contribution_values().tolist() == np.array(pr.delivered).sum(axis=1).tolist()


def test_delivered_totals_are_numpys_column_sums_bit_for_bit() -> None:
    """The per-resource totals (written out for four resources) against numpy's axis-0 sum,
    the independent reference, on random teams of 1 to 30 members with values spread over
    twelve orders of magnitude (where the order of the additions shows in the last bits)."""
    model = _model()
    rng = np.random.default_rng(11)
    for _ in range(300):
        n = int(rng.integers(1, 31))
        rows = rng.random((n, 4)) * 10.0 ** rng.integers(-6, 7, (n, 4))
        pr = _project(model, [ONE])
        pr.delivered = list(rows)
        assert pr.delivered_totals() == rows.sum(axis=0).tolist()


# ------------------------------------------------------------------------------- 7. risk
def test_negotiated_risk_shares_weigh_delivered_units_by_risk_appetite() -> None:
    """ODD §7.7: under a negotiated contract a member's share of the risk ∝ units delivered ×
    (1 − risk aversion). Units (1, 3), risk aversion (0.5, 0): appetite (0.5, 3), shares
    (1/7, 6/7). A strict contract splits by units alone: (1/4, 3/4)."""
    model = _model(contract_mode="negotiated")
    a, b = model.actors_of("maker")
    a.risk_aversion, b.risk_aversion = 0.5, 0.0
    pr = _project(model, [ONE, [3.0, 0.0, 0.0, 0.0]])
    _delivered(pr, [1.0, 3.0])
    pr.strict, pr.success = False, True
    model.bear_risk(pr)
    np.testing.assert_allclose(pr.risk_shares, [1 / 7, 6 / 7], rtol=1e-9)
    pr.contrib, pr.strict = None, True
    model.bear_risk(pr)
    np.testing.assert_allclose(pr.risk_shares, [1 / 4, 3 / 4], rtol=1e-12)


def test_a_failed_projects_loss_is_moved_to_the_agreed_shares() -> None:
    """A failure loses the outlays (1 + 3 = 4); each member ends up bearing its agreed share,
    here strict (1/4, 3/4) = (1, 3): what each paid, so no transfer. With the negotiated
    shares (1/7, 6/7) member a bears 4/7 and b 24/7: a paid 1 and gets 3/7 back, b pays 3/7
    more. No insurance (no institutions) and no fault fund share (fault_tolerance_share 0)."""
    model = _model(contract_mode="negotiated", fault_tolerance_share=0.0)
    a, b = model.actors_of("maker")
    a.risk_aversion, b.risk_aversion = 0.5, 0.0
    pr = _project(model, [ONE, [3.0, 0.0, 0.0, 0.0]])
    _delivered(pr, [1.0, 3.0])
    pr.strict, pr.success = False, False
    wa, wb = a.wealth, b.wealth
    model.bear_risk(pr)
    np.testing.assert_allclose(pr.borne, [4 / 7, 24 / 7], rtol=1e-9)
    assert a.wealth - wa == pytest.approx(1.0 - 4 / 7, rel=1e-9)
    assert b.wealth - wb == pytest.approx(3.0 - 24 / 7, rel=1e-9)


# ---------------------------------------------------------------------- 9. trust evidence
def test_detected_withholding_is_negative_evidence_on_the_edge_into_the_withholder() -> None:
    """ODD §7.9: on edge a → b, positive evidence when the project succeeded, b was not caught
    withholding and a found its share fair; negative: b's blame (1 per detection) plus a's
    unfairness. A success, b caught, both shares fair: a → b gets (r, s) = (0, 1), b → a gets
    (1, 0)."""
    model = _model()
    a, b = model.actors_of("maker")
    pr = _project(model, [ONE, ONE])
    pr.success = True
    model._record_evidence(pr, [a.unique_id, b.unique_id], [1.0, 1.0], [False, True])
    ab = model.network.edge(a.unique_id, b.unique_id)
    ba = model.network.edge(b.unique_id, a.unique_id)
    assert (ab["r"], ab["s"]) == (0.0, 1.0)
    assert (ba["r"], ba["s"]) == (1.0, 0.0)


def test_failure_blames_every_partner_and_unfairness_is_said_by_whoever_felt_it() -> None:
    """A failure: every edge gets failure_blame as negative evidence; member a also found the
    split unfair (fairness 0.5 < tolerance), which adds 1 − 0.5 = 0.5 on a's edge to b only."""
    model = _model()
    p = model.params
    a, b = model.actors_of("maker")
    pr = _project(model, [ONE, ONE])
    pr.success = False
    assert p.fairness_tolerance > 0.5
    model._record_evidence(pr, [a.unique_id, b.unique_id], [0.5, 1.0], [False, False])
    ab = model.network.edge(a.unique_id, b.unique_id)
    ba = model.network.edge(b.unique_id, a.unique_id)
    assert (ab["r"], ab["s"]) == (0.0, pytest.approx(p.failure_blame + 0.5))
    assert (ba["r"], ba["s"]) == (0.0, pytest.approx(p.failure_blame))


def test_new_ties_are_counted_by_how_they_began_and_repeat_pairs_by_earlier_teams() -> None:
    """Three makers: a initiated (found itself), b was brokered, c found on the platform; the
    tie a → b and the pair a-b's collaboration exist already. A new tie takes how its target
    was found, or else how its source was (or else counts as direct), so by hand: a → c
    platform, b → a brokered, b → c platform, c → a platform, c → b brokered: five new ties,
    two brokered and three platform. Of the pairs ab, ac, bc, ab is a repeat."""
    model = InnovationModel(
        rng=3, n_makers=3, n_universities=0, n_enterprises=0, integration_mode="none"
    )
    a, b, c = model.actors_of("maker")
    pr = Project(initiator=a, stage="idea", required=np.ones(4), fields=np.array([0]), value=1.0)
    for m, origin in ((a, "self"), (b, "brokered"), (c, "platform")):
        pr.add_member(m, ONE, origin, 0.0)
    pr.success = True
    model.network.record(a.unique_id, b.unique_id, positive=1.0, negative=0.0, step=0)
    model._pair_history.add(tuple(sorted((a.unique_id, b.unique_id))))
    model._reset_tally()
    model._record_evidence(pr, [a.unique_id, b.unique_id, c.unique_id], [1.0] * 3, [False] * 3)
    t, net = model.tally, model.network
    assert t["new_stranger_ties"] == 5
    assert (t["new_brokered_ties"], t["new_platform_ties"], t["new_direct_ties"]) == (2, 3, 0)
    origin = {
        (i, j): net.edge(i.unique_id, j.unique_id)["origin"]
        for i in (a, b, c)
        for j in (a, b, c)
        if i is not j
    }
    assert origin == {
        (a, b): "direct",  # the existing tie keeps its origin
        (a, c): "platform",
        (b, a): "brokered",
        (b, c): "platform",
        (c, a): "platform",
        (c, b): "brokered",
    }
    assert (t["pairs"], t["repeat_pairs"]) == (3, 1)


# ------------------------------------------------------------------- 3. partner search
def test_a_candidate_decides_on_its_own_trust_in_the_initiator_not_the_reverse() -> None:
    """DESIGN §3: the candidate's trust in the initiator must clear the threshold. Candidate →
    initiator evidence (0, 3): beta trust (0 + 1)/(0 + 3 + 2) = 0.2, below the threshold;
    initiator → candidate (8, 0): 9/10, above. The offer is worth taking (a huge project
    value), so only the trust direction decides: refused. With the evidence the other way
    round the same offer is accepted."""
    model = _model()
    p = model.params
    assert 0.2 < p.trust_threshold < 0.9
    init, cand = model.actors_of("maker")
    pr = _project(model, [ONE], value=1e6)  # the initiator alone, as when the candidate is asked
    half = [0.5, 0.5, 0.5, 0.5]
    net = model.network
    net.record(cand.unique_id, init.unique_id, positive=0.0, negative=3.0, step=0)
    net.record(init.unique_id, cand.unique_id, positive=8.0, negative=0.0, step=0)
    assert net.trust(cand.unique_id, init.unique_id) == pytest.approx(0.2)
    assert model._accepts(cand, init, pr, half, 0.0) is False
    other = _model()
    i2, c2 = other.actors_of("maker")
    pr2 = _project(other, [ONE], value=1e6)
    other.network.record(c2.unique_id, i2.unique_id, positive=8.0, negative=0.0, step=0)
    other.network.record(i2.unique_id, c2.unique_id, positive=0.0, negative=3.0, step=0)
    assert other._accepts(c2, i2, pr2, half, 0.0) is True


def test_candidates_are_ranked_by_trust_to_the_beta_times_complementarity_times_openness() -> None:
    """DESIGN §3: score = trust^β × complementarity × openness, best first. Complementarity =
    ¾ × (share of the gap the candidate's resources fill) + ¼ × (its expertise in the project's
    fields). Gap (1, 0, 0, 0); both candidates hold ≥ 1 unit of funds (fit 1) and expertise
    0 in field 0: complementarity ¾ each. Trust 0.9 (evidence (8, 0)) vs 0.5 (a stranger),
    openness 0.5 vs 1.0, β = 2: scores 0.81 × 0.75 × 0.5 = 0.30375 and 0.25 × 0.75 × 1 =
    0.1875, so the trusted candidate comes first; with openness 0.2 instead of 0.5 its score
    0.1215 puts it second."""
    model = InnovationModel(
        rng=3, n_makers=3, n_universities=0, n_enterprises=0, integration_mode="none"
    )
    assert model.params.beta_trust == 2.0
    init, trusted, stranger = model.actors_of("maker")
    for c in (trusted, stranger):
        c.resources = np.array([2.0, 2.0, 2.0, 2.0])
        c.knowledge = np.zeros_like(c.knowledge)
    trusted.openness, stranger.openness = 0.5, 1.0
    model.network.record(init.unique_id, trusted.unique_id, positive=8.0, negative=0.0, step=0)
    pr = Project(initiator=init, stage="idea", required=np.ones(4), fields=np.array([0]), value=1.0)
    cands = [(stranger, "direct", 0.0), (trusted, "direct", 0.0)]
    gap = [1.0, 0.0, 0.0, 0.0]
    assert model.complementarity([trusted, stranger], gap, pr.fields) == [0.75, 0.75]
    assert [c for c, _, _ in model._rank(init, cands, gap, pr)] == [trusted, stranger]
    trusted.openness = 0.2
    assert [c for c, _, _ in model._rank(init, cands, gap, pr)] == [stranger, trusted]


# -------------------------------------------------------------------------- 4. contract
def test_a_strict_contract_costs_monitoring_times_strictness_times_value() -> None:
    """ODD §7.4: strictness = 1 − mean pairwise trust; two strangers trust each other 0.5
    (beta prior), so strictness 0.5; a strict contract costs monitoring_cost × 0.5 × V, paid
    in proportion to the commitments (1 and 3 units: ¼ and ¾)."""
    model = _model(contract_mode="strict")
    p = model.params
    a, b = model.actors_of("maker")
    pr = _project(model, [ONE, [3.0, 0.0, 0.0, 0.0]], value=20.0)
    wa, wb, costs = a.wealth, b.wealth, model.tally["transaction_costs"]
    model.write_contract(pr)
    cost = p.monitoring_cost * 0.5 * 20.0
    assert cost > 0 and pr.strict and pr.strictness == pytest.approx(0.5)
    assert model.tally["transaction_costs"] - costs == pytest.approx(cost)
    assert wa - a.wealth == pytest.approx(cost / 4) and wb - b.wealth == pytest.approx(cost * 3 / 4)


# ----------------------------------------------------------------------- 5. pooling
def test_a_lagging_region_makers_subsidy_is_scaled_by_its_policy_factor() -> None:
    """ODD §7.5: a maker's subsidy = subsidy_rate × policy × its outlay, policy =
    lagging_policy_factor in the lagging region, 1 elsewhere (while the pool lasts). Outlays 2
    each, subsidy_rate 0.4, lagging_policy_factor 0.25: the leading maker gets 0.8, the lagging
    one 0.2. Opportunism off, so both deliver what they committed."""
    model = _model(subsidy_rate=0.4, lagging_policy_factor=0.25, opportunism_on=False)
    a, b = model.actors_of("maker")
    a.region, b.region = "leading", "lagging"
    model.subsidy_pool = 100.0
    two = [2.0, 0.0, 0.0, 0.0]
    pr = _project(model, [two, two])
    wa, wb = a.wealth, b.wealth
    model.pool_resources(pr)
    np.testing.assert_allclose(pr.outlays, [2.0, 2.0])
    assert a.wealth - wa == pytest.approx(-2.0 + 0.8)
    assert b.wealth - wb == pytest.approx(-2.0 + 0.2)
    assert model.subsidy_pool == pytest.approx(100.0 - 1.0)


def test_outlays_count_funds_at_face_value_and_other_resources_at_the_inkind_cost() -> None:
    """ODD §7.5: outlay = funds + inkind_cost × (units − funds). Delivered (1, 2, 0, 0) and
    (0, 0, 3, 0.5) at inkind_cost 0.25: 1 + 0.25 × 2 = 1.5 and 0.25 × 3.5 = 0.875, paid from
    each member's wealth (no subsidy: subsidy_rate 0; opportunism off: all delivered)."""
    model = _model(inkind_cost=0.25, subsidy_rate=0.0, opportunism_on=False)
    a, b = model.actors_of("maker")
    pr = _project(model, [[1.0, 2.0, 0.0, 0.0], [0.0, 0.0, 3.0, 0.5]])
    wa, wb = a.wealth, b.wealth
    model.pool_resources(pr)
    assert pr.outlays.tolist() == [1.5, 0.875]
    assert (wa - a.wealth, wb - b.wealth) == pytest.approx((1.5, 0.875), rel=1e-12)


# ---------------------------------------------------------------------- 6. execution
@pytest.mark.parametrize(("imitation", "ip", "factor"), [(0.5, 0.8, 0.9), (0.4, 0.0, 0.6)])
def test_a_successful_projects_return_loses_what_imitators_take(imitation, ip, factor) -> None:
    """ODD §7.6: gross return = V × min(1, conversion) × (1 − imitation × (1 − IP protection)).
    Imitation 0.5 with protection 0.8 keeps 1 − 0.5 × 0.2 = 0.9 of it; 0.4 with none keeps
    0.6. A team of two makers: conversion = base_conversion (no enterprise). Success is forced
    by full coverage and a certain draw (risk_spread 0, base_success 1)."""
    model = _model(imitation_rate=imitation, ip_protection=ip, base_success=1.0, risk_spread=0.0)
    p = model.params
    pr = _project(model, [[1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0]], value=10.0)
    pr.delivered = [np.ones(4), np.ones(4)]
    model.technology = 10.0  # p(success) is capped at 1
    model.execute(pr)
    assert pr.success
    assert pr.gross_return == pytest.approx(10.0 * min(1.0, p.base_conversion) * factor)


# ---------------------------------------------------------------------- 10. lifecycle
def test_a_broke_team_is_rescued_once_per_failure() -> None:
    """ODD §7.10 (deviation 27): a broke team that has failed since its last rescue gets its
    debt paid and a restart grant of fault_tolerance_share × initial wealth. Wealth −1, share
    0.5, initial wealth W: grant 1 + 0.5 W. Broke again without a new failure: no rescue; after
    one more failure: rescued again."""
    model = _model(fault_tolerance_share=0.5)
    p = model.params
    maker = model.actors_of("maker")[0]
    maker.region = "leading"
    model.fault_fund = 1e6
    maker.failures, maker.wealth = 1, -1.0
    assert model._rescue(maker) is True
    assert maker.wealth == pytest.approx(0.5 * p.initial_maker_wealth)
    assert model.fault_fund == pytest.approx(1e6 - 1.0 - 0.5 * p.initial_maker_wealth)
    maker.wealth = -1.0
    assert model._rescue(maker) is False and maker.wealth == -1.0
    maker.failures += 1
    assert model._rescue(maker) is True


# ------------------------------------------------------------- 9. detection of withholding
def _failed_project_with_a_withholder(model: InnovationModel, *, strict: bool) -> Project:
    """A failed two-maker project in which member b withheld (delivered half of 2 units)."""
    pr = _project(model, [[2.0, 0.0, 0.0, 0.0], [2.0, 0.0, 0.0, 0.0]])
    _delivered(pr, [2.0, 1.0])
    pr.withheld, pr.strict, pr.success = [False, True], strict, False
    pr.loss_split = np.array([2.0, 1.0])
    pr.borne = pr.loss_split.copy()
    return pr


def test_a_strict_contract_always_detects_withholding_a_negotiated_one_half_the_time() -> None:
    """ODD §7.9: a withholder is detected with probability 1 under a strict contract
    (monitoring) and ½ otherwise. Strict: detected in 20 of 20 projects. Negotiated: over 400
    projects the detected share is ½ ± 4 binomial SE (√(¼/400) = 0.025); the honest member is
    never detected."""
    model = _model(withholding_penalty=0.0)
    for _ in range(20):
        pr = _failed_project_with_a_withholder(model, strict=True)
        model.update_trust(pr)
        assert pr.detected == [False, True]
    hits = 0
    for _ in range(400):
        pr = _failed_project_with_a_withholder(model, strict=False)
        model.update_trust(pr)
        assert pr.detected[0] is False
        hits += bool(pr.detected[1])
    assert abs(hits / 400 - 0.5) < 4 * (0.25 / 400) ** 0.5, hits
