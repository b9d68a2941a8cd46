"""Invariants of the core model and the service institutions, checked after every step.

Randomized runs (hypothesis over seeds, population sizes and mechanism settings, every
integration mode, sharing rule and contract mode) must keep, at every step:

* Money: the change of ``total_money()`` equals the money the step created minus the money it
  destroyed, as booked in ``model.flows``. Reading abm/model.py and abm/services.py, money
  enters the system as the policy budget, market returns of successes and new makers'
  endowments, and leaves it as project spending (members' outlays and loan principal), search and
  monitoring costs, upkeep and the (negative) wealth of exiting makers. Everything else (fees,
  interest, premiums, insurance payouts, usage fees, subsidies, fault-tolerance compensation,
  awards, withholding fines, loss transfers inside a team, spin-off endowments) must be a
  transfer between agents and pools, so any unbooked creation or destruction breaks the
  balance. A flow name outside these two lists fails the test until it is classified here.
* The policy pools' own books: Δ(subsidy pool + fault fund) = budget added − policy spending;
  neither pool goes negative.
* The service institutions' books: Σ revenue over kinds = cumulative service fees.
* Trust: every edge has r, s ≥ 0 and trust = (r+1)/(r+s+2) strictly inside (0, 1).
* Shares: every executed project's shares sum to its net return (0 for failures), the net
  return lies between 0 and the gross return, and a success bills nobody (no negative share,
  whatever the sharing rule).
* Fairness of a failure: judged on the partners' own split of the lost outlays (the risk rule
  applied to them, recomputed here), not on what insurance or the fault fund made good later.
* The network holds exactly the living agents (no edge to or from a dead agent), with their kinds,
  and ``n_edges`` (store, graph view and reporter) agree; the model's set of institution ids
  (partner search leaves them out of triadic closure) holds exactly the living institutions.

One more consistency check runs on its own: withholding reads the same pairwise trust as the
contract (the pair's larger prior evidence for a pair without a tie).
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from abm.kinds import KINDS, SERVICE_KINDS
from abm.model import InnovationModel
from abm.params import CONTRACT_MODES, INTEGRATION_MODES, SHARING_RULES
from abm.rules import risk, sharing

CREATED = ("policy_budget", "market_returns", "entry_endowment")
DESTROYED = ("project_spending", "transaction_costs", "upkeep", "exit_wealth")
STEPS = 30


def _books(model: InnovationModel) -> dict[str, float]:
    m = model.metrics
    return {
        "money": model.total_money(),
        "pools": model.subsidy_pool + model.fault_fund,
        "policy_spending": m["cum_policy_spending"],
        "fees": m["cum_service_fees"],
    }


def check_step(model: InnovationModel, before: dict[str, float], seen: Counter) -> None:
    """All invariants after one step (``before``: the books before it)."""
    after = _books(model)
    flows = dict(model.flows)
    unknown = set(flows) - set(CREATED) - set(DESTROYED)
    assert not unknown, f"unclassified money flows {unknown}: add them to CREATED or DESTROYED"
    created = sum(flows.get(k, 0.0) for k in CREATED)
    destroyed = sum(flows.get(k, 0.0) for k in DESTROYED)
    scale = 1.0 + abs(after["money"]) + abs(created) + abs(destroyed)
    delta = after["money"] - before["money"]
    assert math.isclose(delta, created - destroyed, abs_tol=1e-9 * scale), (
        f"step {model.steps}: money changed by {delta!r} but flows say "
        f"{created - destroyed!r} (created {created!r}, destroyed {destroyed!r}; {flows})"
    )
    for k in flows:
        seen[k] += 1

    # policy pools
    budget = flows.get("policy_budget", 0.0)
    spent = after["policy_spending"] - before["policy_spending"]
    assert math.isclose(after["pools"] - before["pools"], budget - spent, abs_tol=1e-9 * scale)
    assert model.subsidy_pool >= -1e-9 and model.fault_fund >= -1e-9

    # service institutions' books
    m = model.metrics
    revenue = sum(m[f"revenue_{k}"] for k in SERVICE_KINDS)
    assert math.isclose(revenue, m["cum_service_fees"], abs_tol=1e-9 * scale)
    for k in SERVICE_KINDS:
        assert 0.0 <= m[f"capacity_use_{k}"] <= 1.0 + 1e-12
    if model.params.integration_mode == "none":
        assert revenue == 0.0 and not any(model.actors_of(k) for k in SERVICE_KINDS)

    # trust on every edge
    g = model.graph
    for _, _, d in g.edges(data=True):
        assert d["r"] >= 0.0 and d["s"] >= 0.0
        assert 0.0 < d["trust"] < 1.0
        assert math.isclose(d["trust"], (d["r"] + 1.0) / (d["r"] + d["s"] + 2.0), rel_tol=1e-9)

    # shares of every executed project
    for pr in model.projects:
        shares = np.asarray(pr.shares, dtype=float)
        assert len(shares) == pr.n == len(pr.members)
        if pr.success:
            seen["success"] += 1
            assert math.isclose(shares.sum(), pr.net_return, rel_tol=1e-9, abs_tol=1e-9)
            assert -1e-12 <= pr.net_return <= pr.gross_return + 1e-9
            assert np.all(shares >= 0.0), f"a success billed a member: shares {shares}"
            if pr.n > 1 and not pr.strict and model.params.sharing_rule == "risk_shapley":
                # The risk-corrected Shapley split is what every member considers due (seed
                # 002's fair share), so nobody can find it unfair.
                np.testing.assert_allclose(pr.fairness, 1.0, rtol=0.0, atol=1e-12)
                seen["risk_shapley_team"] += 1
        else:
            seen["failure"] += 1
            assert np.all(shares == 0.0) and pr.net_return == 0.0
            lost = float(pr.outlays.sum())
            split = risk.split_loss(lost, risk_shares=pr.risk_shares)
            due = sharing.proportional_split(lost, pr.contribution_values())
            expected = sharing.perceived_fairness(due, np.maximum(split, 0.0))
            np.testing.assert_allclose(pr.fairness, expected, rtol=1e-12, atol=1e-12)
            if pr.insurer is not None and lost > 0:
                seen["insured_failure"] += 1
        if pr.n > 1:
            seen["team"] += 1
        if pr.loan is not None:
            seen["loan"] += 1

    # the network holds exactly the living agents, with their kinds
    living = {a.unique_id: a for a in model.agents}
    assert set(g.nodes) == set(living), (
        f"nodes without a living agent: {set(g.nodes) - set(living)}; "
        f"living agents missing: {set(living) - set(g.nodes)}"
    )
    for uid, kind in g.nodes(data="kind"):
        assert living[uid].alive and living[uid].kind == kind
    for u, v in g.edges:
        assert u in living and v in living
    by_kind = sum(len(model.actors_of(k)) for k in KINDS)
    assert by_kind == len(living)
    # partner search's set of institutions (no referrals through them) follows the population
    assert model._institutions == {u for u, a in living.items() if a.kind in SERVICE_KINDS}
    assert model.network.n_edges == g.number_of_edges() == m["n_edges"]
    assert m["n_makers_alive"] == len(model.actors_of("maker"))
    seen["exits"] += m["new_makers_exited"]
    seen["spinoffs"] += m["new_spinoffs"]


def run_checked(seed: int, steps: int = STEPS, **overrides) -> Counter:
    """Run a model, checking every invariant after every step; returns what happened."""
    model = InnovationModel(rng=seed, **overrides)
    seen: Counter = Counter()
    for _ in range(steps):
        before = _books(model)
        model.step()
        check_step(model, before, seen)
    assert len(model.reporters()) == steps + 1
    return seen


SMALL = dict(n_makers=15, n_universities=2, n_enterprises=4)
#: A harsh lifecycle so that exits and entries happen within 30 steps.
STRESS = dict(
    maker_upkeep=1.5,
    entry_rate=0.1,
    successes_per_stage=1,
    spinoff_wealth=3.0,
    initial_maker_wealth=4.0,
)
#: A generous one so that teams reach the venture stage rich enough to spin off.
BOOM = dict(
    maker_upkeep=0.0,
    initial_maker_wealth=30.0,
    successes_per_stage=1,
    spinoff_wealth=2.0,
    opportunity_rate=0.8,
)


@st.composite
def settings_strategy(draw) -> dict:
    d = dict(
        n_makers=draw(st.integers(4, 24)),
        n_universities=draw(st.integers(0, 3)),
        n_enterprises=draw(st.integers(0, 6)),
        sharing_rule=draw(st.sampled_from(SHARING_RULES)),
        contract_mode=draw(st.sampled_from(CONTRACT_MODES)),
        trust_on=draw(st.booleans()),
        opportunism_on=draw(st.booleans()),
        decay_on=draw(st.booleans()),
        brokerage_on=draw(st.booleans()),
        max_team_size=draw(st.integers(1, 8)),
        shapley_exact_max=draw(st.sampled_from([2, 10])),  # 2: sampled Shapley for teams of 3+
    )
    d.update(draw(st.sampled_from([{}, STRESS, BOOM])))
    return d


@pytest.mark.parametrize("mode", INTEGRATION_MODES)
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(seed=st.integers(0, 2**32 - 1), kw=settings_strategy())
def test_invariants_hold_every_step(mode, seed, kw):
    run_checked(seed, integration_mode=mode, **kw)


@pytest.mark.parametrize(
    ("rule", "mode"),
    [(r, INTEGRATION_MODES[i % len(INTEGRATION_MODES)]) for i, r in enumerate(SHARING_RULES)],
)
def test_every_sharing_rule_conserves_money_and_splits_net_returns(rule, mode):
    seen = run_checked(
        11, sharing_rule=rule, contract_mode="negotiated", integration_mode=mode, **SMALL
    )
    assert seen["success"] > 0 and seen["team"] > 0  # the rule was actually used
    if rule == "risk_shapley":
        assert seen["risk_shapley_team"] > 0


@pytest.mark.parametrize("contract_mode", CONTRACT_MODES)
def test_every_contract_mode_under_stress(contract_mode):
    seen = run_checked(5, contract_mode=contract_mode, **SMALL, **STRESS)
    assert seen["failure"] > 0 and seen["success"] > 0


def test_the_checked_runs_exercise_every_money_flow():
    """The invariant is not vacuous: in these runs every booked flow, exits, spin-offs, loans
    and insurance actually occur."""
    seen: Counter = Counter()
    for seed in (1, 2):
        seen += run_checked(seed, **SMALL, **STRESS)
        seen += run_checked(seed, **SMALL, **BOOM)
    for flow in CREATED + DESTROYED:
        assert seen[flow] > 0, f"flow {flow!r} never occurred: {dict(seen)}"
    for event in ("exits", "spinoffs", "loan", "success", "failure", "insured_failure"):
        assert seen[event] > 0, f"{event} never occurred: {dict(seen)}"


def test_withholding_reads_the_same_pairwise_trust_as_the_contract(monkeypatch):
    """A member's chance to withhold uses its mean trust in its teammates as the contract reads
    it: a pair without a tie starts from the beta prior with the *larger* of the two members'
    prior evidence (docs/model.md §7.4–7.5). Recomputed here from the network at pooling time
    (nothing has written this team's ties yet), on a supermarket run where strangers and
    brokered partners bring prior evidence, so the two priors of a pair often differ."""
    from agents.actors import Actor

    model = InnovationModel(
        rng=5, n_makers=25, n_universities=3, n_enterprises=8, integration_mode="supermarket"
    )
    seen: list[tuple[float, float]] = []
    current: dict[str, object] = {}
    pool = InnovationModel.pool_resources
    will_withhold = Actor.will_withhold

    def pooling(self, project):
        current["project"] = project
        return pool(self, project)

    def withholding(self, mean_trust_in_team, u):
        project = current["project"]
        members, priors = project.members, project.priors
        a = next(i for i, m in enumerate(members) if m is self)
        others = [
            model.network.trust(self.unique_id, o.unique_id, max(priors[a], priors[b]))
            for b, o in enumerate(members)
            if b != a
        ]
        seen.append((mean_trust_in_team, sum(others) / len(others)))
        return will_withhold(self, mean_trust_in_team, u)

    monkeypatch.setattr(InnovationModel, "pool_resources", pooling)
    monkeypatch.setattr(Actor, "will_withhold", withholding)
    differing_priors = 0
    for _ in range(30):
        model.step()
        differing_priors += sum(len(set(p.priors[1:])) > 1 for p in model.projects if p.n > 2)
    assert len(seen) > 100 and differing_priors > 0
    for got, expected in seen:
        assert math.isclose(got, expected, rel_tol=1e-12)


def test_coalition_masks_are_built_once_per_team_size():
    """The exact Shapley values read every coalition's mask from one cached, read-only table per
    team size (a cost the golden baseline cannot see: on 2026-11-29 a new function inserted
    between it and its cache decorator took the decorator, and every project rebuilt its
    masks)."""
    from abm.model import _coalition_masks

    assert _coalition_masks(4) is _coalition_masks(4)
    assert not _coalition_masks(4).flags.writeable
