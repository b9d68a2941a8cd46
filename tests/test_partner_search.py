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
from hypothesis import given, settings
from hypothesis import strategies as st

from abm.kinds import STAGE_SUCCESS
from abm.model import InnovationModel, Project, _minus, _plus
from abm.rules import left_sum

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


def test_a_broke_initiator_drops_its_initiative_before_searching() -> None:
    """An initiator with nothing to commit would not join anyone's team (a candidate with an
    empty offer is skipped), so it does not go ahead alone either: 0 ≥ (1 + outside option) × 0
    used to pass its own test, and such projects ran on services and luck alone."""
    model, project = _setup(candidate_capability=1.0)
    init = project.initiator
    fresh = Project(
        initiator=init, stage="idea", required=np.ones(4), fields=np.array([0]), value=10.0
    )
    init.wealth = 0.0
    before = model.tally["n_projects_abandoned"]
    assert model.assemble_team(fresh) is False
    assert model.tally["n_projects_abandoned"] == before + 1
    assert fresh.n == 0 and not init.busy
    assert init.wealth == 0.0  # no stranger screened, no search cost charged


@pytest.mark.parametrize("project_size", [2.0, 40.0])
def test_strangers_are_drawn_by_kind_in_proportion_to_how_their_means_fill_the_gap(
    project_size: float,
) -> None:
    """docs/model.md §7.3: a kind is drawn in proportion to how well its mean resources (profile
    × project_size / 4) fill the gap. By hand for a gap of (1, 0.3, 0, 0) such units: maker
    0.15 + 0.2 = 0.35, university 0.5 + 0.3 = 0.8, enterprise 1 + 0.3 = 1.3 (profiles in
    abm/kinds.py), so shares 0.143, 0.327, 0.531 whatever the project size. Before the fix the
    unscaled profile met an absolute gap: 0.070 / 0.412 / 0.518 at size 40."""
    model = InnovationModel(rng=5, project_size=project_size, integration_mode="none")
    unit = project_size / 4.0
    gap = [1.0 * unit, 0.3 * unit, 0.0, 0.0]
    n = 20000
    drawn = model._sample_strangers(gap, n, np.random.default_rng(1))
    share = {k: sum(a.kind == k for a in drawn) / n for k in ("maker", "university", "enterprise")}
    filled = {"maker": 0.35, "university": 0.8, "enterprise": 1.3}
    total = sum(v * unit + 1e-3 for v in filled.values())
    for kind, v in filled.items():
        p = (v * unit + 1e-3) / total
        assert share[kind] == pytest.approx(p, abs=4 * (p * (1 - p) / n) ** 0.5), (kind, share)


def test_one_call_of_2k_uniforms_draws_what_two_calls_of_k_draw() -> None:
    """``_sample_strangers`` draws its k kind draws and k member draws in one call of 2k
    uniforms: bit-identical to two calls of k (the former code), with the generator left in the
    same state, across seeds and sizes. A numpy that buffered or reordered its doubles would
    fail here."""
    for seed in range(2000):
        for k in (1, 2, 4, 9):
            two, one = np.random.default_rng(seed), np.random.default_rng(seed)
            before = two.random(k).tolist() + two.random(k).tolist()
            assert one.random(2 * k).tolist() == before, (seed, k)
            assert one.bit_generator.state == two.bit_generator.state, (seed, k)


def test_sample_strangers_takes_its_members_from_the_second_k_draws() -> None:
    """The former code drew k kind uniforms, then k member uniforms: each stranger must be
    ``pool[int(v × len(pool))]`` of its kind's pool for the matching uniform ``v`` of a second
    call of k, for gaps in several directions and with a kind left out."""
    model = InnovationModel(rng=7, integration_mode="none")
    gaps = [[3.0, 0.5, 0.0, 1.0], [0.0, 0.0, 0.0, 0.0], [-1.0, 2.0, 4.0, 0.1]]
    for seed in range(50):
        for gap in gaps:
            for other_than in (None, "maker"):
                rng = np.random.default_rng(seed)
                got = model._sample_strangers(gap, 5, rng, other_than=other_than)
                ref = np.random.default_rng(seed)
                ref.random(5)  # the kind draws
                member_draws = ref.random(5).tolist()
                assert rng.bit_generator.state == ref.bit_generator.state
                assert len(got) == 5
                for a, v in zip(got, member_draws, strict=True):
                    assert a.kind != other_than
                    pool = model._by_kind[a.kind]
                    assert a is pool[int(v * len(pool))]


def test_an_actors_plain_resource_and_knowledge_lists_follow_its_vectors() -> None:
    """Partner search reads ``resource_list`` and ``knowledge_list``, kept by the setters of
    ``resources`` and ``knowledge``: a new vector refreshes them, the vectors are read only (an
    edit in place, which would leave the lists stale, raises), and the caller's array is
    copied, not frozen."""
    model = InnovationModel(rng=3, n_makers=2, n_universities=0, n_enterprises=0)
    a = model.actors_of("maker")[0]
    assert a.resource_list == a.resources.tolist() and len(a.resource_list) == 4
    assert a.knowledge_list == a.knowledge.tolist()
    new = np.array([1.0, 2.0, 3.0, 4.0])
    a.resources, a.knowledge = new, [0.25, 0.5, 0.75, 1.0]
    assert a.resource_list == [1.0, 2.0, 3.0, 4.0]
    assert a.knowledge_list == [0.25, 0.5, 0.75, 1.0]
    assert isinstance(a.knowledge, np.ndarray) and a.knowledge.tolist() == a.knowledge_list
    new[0] = 9.0  # the caller's array stays writable and is not the actor's
    assert a.resources[0] == 1.0 and a.resource_list[0] == 1.0
    with pytest.raises(ValueError, match="read-only"):
        a.resources[0] = 5.0
    with pytest.raises(ValueError, match="read-only"):
        a.knowledge[0] = 5.0
    a.wealth = 100.0
    offer = [0.5, 2.0, 0.0, 0.0]  # min(r, max(g, 0))
    assert a.commitment([0.5, 9.0, 0.0, -1.0], 0.0) == (offer, 2.5)


def test_add_member_counts_the_team_and_keeps_each_commitments_units() -> None:
    """``Project.n`` and ``commitment_totals`` (the units of each commitment, which a strict
    contract's monitoring cost is split by) are kept by ``add_member``: from the ``offered``
    the caller passes, or summed left to right when it passes none."""
    model, project = _setup(candidate_capability=1.0)
    cand = model.actors_of("maker")[1]
    assert project.n == 1 and project.commitment_totals == [2.0]
    project.add_member(cand, [0.1, 0.2, 0.3, 0.4], "direct", 0.0)
    assert project.n == len(project.members) == 2
    assert project.commitment_totals == [2.0, ((0.1 + 0.2) + 0.3) + 0.4]
    project.add_member(cand, [1.0, 1.0, 1.0, 1.0], "direct", 0.0, 4.0)
    assert project.n == 3 and project.commitment_totals[-1] == 4.0


def _commitment_oracle(resources: list[float], wealth: float, gap: list[float], cost: float):
    """The former loop of ``Actor.commitment`` (before it was written out per dimension), with
    the offer's units summed by the caller as partner search did."""
    offer = []
    for r, g in zip(resources, gap, strict=True):
        if g < 0.0:
            g = 0.0
        offer.append(g if g < r else r)
    outlay = offer[0] + cost * (left_sum(offer) - offer[0])
    cash = 0.0 if wealth < 0.0 else wealth
    if outlay > cash:
        scale = cash / outlay if outlay > 0 else 0.0
        offer = [o * scale for o in offer]
    return offer, left_sum(offer)


_need = st.floats(-10.0, 10.0) | st.sampled_from([0.0, -0.0])
_have = st.floats(0.0, 10.0) | st.sampled_from([0.0, -0.0])


@settings(max_examples=300, deadline=None)
@given(
    st.lists(_have, min_size=4, max_size=4),
    st.lists(_need, min_size=4, max_size=4),
    st.floats(-5.0, 50.0) | st.just(0.0),
    st.floats(0.0, 2.0),
)
def test_commitment_matches_the_former_loop_bit_for_bit(
    resources: list[float], gap: list[float], wealth: float, inkind_cost: float
) -> None:
    """The written-out ``Actor.commitment`` gives the former loop's offer and units to the last
    bit (signs of zero included), capped by cash or not."""
    model = InnovationModel(rng=3, n_makers=2, n_universities=0, n_enterprises=0)
    a = model.actors_of("maker")[0]
    a.resources, a.wealth = resources, wealth
    got = a.commitment(gap, inkind_cost)
    ref = _commitment_oracle(resources, wealth, gap, inkind_cost)
    assert [x.hex() for x in got[0]] == [x.hex() for x in ref[0]]
    assert got[1].hex() == ref[1].hex()


_four = st.lists(st.floats(allow_nan=False) | st.sampled_from([0.0, -0.0]), min_size=4, max_size=4)


@settings(max_examples=300, deadline=None)
@given(_four, _four)
def test_plus_and_minus_add_and_subtract_per_resource_bit_for_bit(
    a: list[float], b: list[float]
) -> None:
    """The written-out team sums and gaps of partner search against the comprehensions they
    replaced, to the last bit; other lengths than the four resources are refused."""
    plus = [x + y for x, y in zip(a, b, strict=True)]
    minus = [x - y for x, y in zip(a, b, strict=True)]
    assert [x.hex() for x in _plus(a, b)] == [x.hex() for x in plus]
    assert [x.hex() for x in _minus(a, b)] == [x.hex() for x in minus]
    with pytest.raises(ValueError):
        _plus(a, b[:3])
    with pytest.raises(ValueError):
        _minus(a[:3], b)


def _referral_setup(**overrides) -> tuple[InnovationModel, list, object]:
    """Maker 0 has partners maker 1 and a transfer institution T. Through maker 1 it reaches
    makers 2 (idle), 5 (busy) and 6 (already its own partner); through T only, makers 3 and 4
    (T's other clients); maker 1's tie back to maker 0 leads to maker 0 itself. No
    institutions unless ``overrides`` names an integration mode."""
    overrides = {"integration_mode": "none", **overrides}
    model = InnovationModel(rng=11, n_makers=7, n_universities=0, n_enterprises=0, **overrides)
    m = model.actors_of("maker")
    hub = model.add_service("transfer", capacity=10, wealth=10.0)
    net = model.network
    ties = [(m[0], m[1]), (m[0], hub), (m[0], m[6]), (m[1], m[0]), (m[1], m[2])]
    ties += [(m[1], m[5]), (m[1], m[6]), (hub, m[3]), (hub, m[4])]
    for a, b in ties:
        net.record(a.unique_id, b.unique_id, positive=1.0, negative=0.0, step=0)
    m[5].busy = True
    return model, m, hub


def _project_of(initiator) -> Project:
    """A one-field idea-stage project of (1, 1, 1, 1) units led by ``initiator``."""
    return Project(
        initiator=initiator, stage="idea", required=np.ones(4), fields=np.array([0]), value=1.0
    )


def test_friends_of_friends_are_idle_innovating_partners_of_innovating_partners() -> None:
    """docs/model.md §7.3, by hand from the ties of ``_referral_setup``: only maker 2 is a
    friend of a friend that could be asked (3 and 4 are T's clients, 5 is busy, 6 is already a
    partner, 0 is the initiator)."""
    model, m, hub = _referral_setup()
    partners = list(model.network.partners(m[0].unique_id))
    assert set(partners) == {m[1].unique_id, hub.unique_id, m[6].unique_id}
    assert model._friends_of_friends(m[0].unique_id, partners) == [m[2].unique_id]


def test_each_friend_of_friend_draw_is_someone_to_ask() -> None:
    """With one friend of a friend drawn per search and no strangers, maker 2 (the only one
    that could join) is a candidate in every search, and T's clients never are. Before
    2026-11-29 the draw was over all partners' partners not yet candidates, makers 2, 3, 4 and
    the busy 5: maker 2 came up in a quarter of the searches, T's clients in half. (No
    strangers: the search's breadth, 0 + 1 + 2, is filled by the three known candidates.)"""
    model, m, _ = _referral_setup(n_friends_of_friends=1, n_strangers=0, max_team_size=2)
    project = _project_of(m[0])
    for _ in range(50):
        got = {a.unique_id for a, _, _ in model._candidates(project, [1.0, 1.0, 1.0, 1.0])}
        assert got == {m[1].unique_id, m[6].unique_id, m[2].unique_id}


@pytest.mark.parametrize(
    ("initiator", "overrides", "screened"),
    [
        # No ties: as wide as random choice, breadth 4 + 4 + 5 = 13 (4 until 2026-11-29).
        (3, {}, 13),
        # Makers 1 and 6 (partners) and 2 (friend of a friend) known: 13 − 3 = 10 strangers.
        (0, {}, 10),
        # Breadth 4 + 0 + 1 = 5, two known partners: the floor of n_strangers = 4 binds.
        (0, {"n_friends_of_friends": 0, "max_team_size": 1}, 4),
        # Random choice: the breadth, whatever the ties.
        (0, {"trust_on": False}, 13),
    ],
)
def test_strangers_fill_the_places_the_network_leaves(
    initiator: int, overrides: dict, screened: int
) -> None:
    """docs/model.md §7.3: a search looks at n_strangers + n_friends_of_friends +
    max_team_size candidates with trust on or off; with trust on, the initiator's idle
    innovating partners and friends of friends come first and strangers fill the rest, at
    least n_strangers. Every stranger screened costs ``search_cost``, so the cost of one search
    counts the strangers (hand counts from the ties of ``_referral_setup``)."""
    model, m, _ = _referral_setup(**overrides)
    before = model.tally["transaction_costs"]
    model._candidates(_project_of(m[initiator]), [1.0, 1.0, 1.0, 1.0])
    cost = model.tally["transaction_costs"] - before
    assert cost / model.params.search_cost == pytest.approx(screened)


def test_the_set_of_institutions_follows_openings_and_closures() -> None:
    """Triadic closure leaves out the ids in ``_institutions``: it must hold exactly the
    institutions the model has, before and after one closes (a stale set would hide a bug in
    the bookkeeping)."""
    model = InnovationModel(rng=2, integration_mode="contract")
    living = {a.unique_id for a in model.services.institutions}
    assert living and model._institutions == living
    closed = min(living)
    model.close_institution(closed)
    model.step()
    assert model._institutions == living - {closed}


def test_in_a_low_trust_culture_strangers_are_refused_unless_introduced() -> None:
    """The ``low_trust`` scenario's "higher acceptance threshold" must screen out strangers:
    with no ties yet and no institutions to introduce anyone, no team of two or more forms in
    the first step, while the baseline threshold lets strangers in. At 0.5, as until
    2026-11-29, a stranger's trust (1/2) passed the threshold and the scenario's threshold
    did nothing."""
    from abm.scenarios import SCENARIOS

    def teams_in_first_step(params) -> int:
        model = InnovationModel(params, rng=4, integration_mode="none")
        model.step()
        return sum(pr.n > 1 for pr in model.projects)

    assert teams_in_first_step(SCENARIOS["baseline"]) > 0
    assert teams_in_first_step(SCENARIOS["low_trust"]) == 0


def test_on_the_supermarket_platform_every_untied_candidate_starts_with_its_prior() -> None:
    """docs/model.md deviation 24: on the supermarket platform "every stranger, also one found
    by the initiator's own search, starts with ``platform_prior``". A friend of a friend has no
    tie to the initiator, so it is a stranger too; until 2026-11-29 it started with no prior
    evidence and ranked below the platform's strangers. The ties of ``_referral_setup``: maker 2
    is maker 0's friend of a friend."""
    model, m, _ = _referral_setup(integration_mode="supermarket", n_strangers=0)
    got = model._candidates(_project_of(m[0]), [1.0, 1.0, 1.0, 1.0])
    init, net = m[0].unique_id, model.network
    untied = {c.unique_id: prior for c, _, prior in got if not net.has_tie(init, c.unique_id)}
    assert m[2].unique_id in untied  # the friend of a friend
    assert set(untied.values()) == {model.params.platform_prior}
