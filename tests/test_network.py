"""Tests of abm.network.TrustNetwork (columnar store) and the sparse structure metrics.

* Hand calculations: beta trust (r+1)/(r+s+2), forgetting by (1−λ) per call, the pruning rules,
  priors and public reputation, trust stages.
* A hypothesis state machine drives random sequences of add / record / seed / remove / decay /
  reputation / shock against a plain dict-based reference written here, with a tiny initial
  capacity so slots are reused and the arrays grow; after every operation the store, its
  adjacency, its ``graph`` view, ``stats()``, ``kind_matrix()`` and ``undirected_pairs()`` must
  match the reference and networkx computations on the view.
* ``metrics.structure_from_edges`` against ``metrics.clustering`` / ``n_components`` /
  ``giant_component_share`` / ``mean_path_length`` and networkx on random graphs, with the same
  rng seed for the sampled path length.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from abm import metrics
from abm.network import ORIGINS, TrustNetwork

STAGE_KW = dict(
    consolidation_trust=0.6,
    cooperation_trust=0.8,
    consolidation_projects=2,
    cooperation_projects=4,
)
KINDS3 = ("maker", "university", "enterprise")


def make_net(capacity: int = 1024) -> TrustNetwork:
    return TrustNetwork(**STAGE_KW, kinds=KINDS3, capacity=capacity)


def hand_trust(r: float, s: float) -> float:
    return (r + 1.0) / (r + s + 2.0)


def hand_stage(t: float, n: int) -> str:
    """Seed 002's three stages with the thresholds of STAGE_KW (cooperation checked first)."""
    if t >= STAGE_KW["cooperation_trust"] and n >= STAGE_KW["cooperation_projects"]:
        return "trust_based_cooperation"
    if t >= STAGE_KW["consolidation_trust"] and n >= STAGE_KW["consolidation_projects"]:
        return "consolidation"
    return "formation"


# --------------------------------------------------------------------------- hand calculations


def test_record_and_trust_by_hand():
    net = make_net()
    for uid, kind in ((1, "maker"), (2, "university"), (3, "maker")):
        net.add_actor(uid, kind)
    assert net.trust(1, 2) == 0.5  # no evidence: (0+1)/(0+0+2)
    net.record(1, 2, positive=1.0, negative=0.0, step=3)
    assert math.isclose(net.trust(1, 2), 2 / 3)  # (1+1)/(1+0+2)
    assert net.trust(2, 1) == 0.5  # directed: 2 has seen nothing of 1
    net.record(1, 2, positive=0.0, negative=2.0, step=5)
    assert math.isclose(net.trust(1, 2), 2 / 5)  # (1+1)/(1+2+2)
    e = net.edge(1, 2)
    assert e["r"] == 1.0 and e["s"] == 2.0 and e["n_projects"] == 2
    assert e["first_step"] == 3 and e["last_step"] == 5 and e["origin"] == "direct"
    assert net.n_edges == 1 and net.has_tie(1, 2) and not net.has_tie(2, 1)
    assert list(net.partners(1)) == [2] and list(net.partners(2)) == []


def test_partners_of_any_by_hand():
    # 1 → 2, 1 → 3, 2 → 4, 3 → 4, 3 → 1: the partners of {2, 3} are {4, 1}; an id without
    # ties (4) or unknown to the network (99) adds nothing; no ids, no partners.
    net = make_net()
    for uid in (1, 2, 3, 4):
        net.add_actor(uid, "maker")
    for i, j in ((1, 2), (1, 3), (2, 4), (3, 4), (3, 1)):
        net.record(i, j, positive=1.0, negative=0.0, step=1)
    assert net.partners_of_any([2, 3]) == {4, 1}
    assert net.partners_of_any(net.partners(1)) == {4, 1}
    assert net.partners_of_any([4, 99]) == set()
    assert net.partners_of_any([]) == set()


def test_record_many_by_hand_and_as_sequential_records():
    # Three actors; 1 → 2 exists with r = 1 (one success), the rest are new ties. By hand after
    # record_many at step 7: 1 → 2: r = 1 + 1 = 2, s = 0 → trust 3/4, two projects;
    # 2 → 1 (new, prior 0.5, brokered): r = 0.5 + 0, s = 1 → trust 1.5/3.5 = 3/7.
    # Then the same calls made one by one through record() on a twin network must agree.
    nets = [make_net(capacity=2), make_net(capacity=2)]  # small: forces reallocation too
    for net in nets:
        for uid, kind in ((1, "maker"), (2, "university"), (3, "maker")):
            net.add_actor(uid, kind)
        net.record(1, 2, positive=1.0, negative=0.0, step=3)
    ties = [(1, 2, "direct", 0.0), (2, 1, "brokered", 0.5), (1, 3, "platform", 1.0)]
    pos, neg = np.array([1.0, 0.0, 1.0]), np.array([0.0, 1.0, 0.5])
    nets[0].record_many(ties, pos, neg, step=7)
    for (i, j, origin, prior), p_, n_ in zip(ties, pos, neg, strict=True):
        nets[1].record(i, j, positive=p_, negative=n_, step=7, origin=origin, prior_positive=prior)
    assert math.isclose(nets[0].trust(1, 2), 3 / 4)
    assert math.isclose(nets[0].trust(2, 1), 3 / 7)
    assert nets[0].edge(1, 2)["n_projects"] == 2 and nets[0].edge(2, 1)["origin"] == "brokered"
    for i, j, _, _ in ties:
        assert nets[0].edge(i, j) == nets[1].edge(i, j)
    assert list(nets[0].partners(1)) == list(nets[1].partners(1)) == [2, 3]


def test_record_many_takes_slots_as_one_by_one_records_do():
    """The order of the ties' slots sets the order of every vectorised sum over ties (e.g. the
    mean trust), so a batch must take the slots sequential records take: here a freed slot
    first, then one from a reallocation (taking two fresh slots would move the first new tie
    behind the old ones in the tie table)."""
    nets = [make_net(capacity=4), make_net(capacity=4)]
    for net in nets:
        for uid in (1, 2, 3, 4, 5):
            net.add_actor(uid, "maker")
        for j in (2, 3, 4, 5):  # the four slots taken
            net.record(1, j, positive=1.0, negative=0.0, step=1)
        net.remove_actor(2)  # frees the slot of 1 -> 2
    ties = [(3, 4, "direct", 0.0), (4, 3, "direct", 0.0)]
    nets[0].record_many(ties, np.ones(2), np.zeros(2), step=2)
    for i, j, _, _ in ties:
        nets[1].record(i, j, positive=1.0, negative=0.0, step=2)
    table = nets[0].tie_table()
    assert list(zip(table["src"].tolist(), table["dst"].tolist(), strict=True)) == [
        (3, 4),  # the freed slot 0
        (1, 3),
        (1, 4),
        (1, 5),
        (4, 3),  # the first slot of the reallocation
    ]
    for column, values in table.items():
        np.testing.assert_array_equal(values, nets[1].tie_table()[column], err_msg=column)


def test_record_many_with_one_evidence_number_for_every_tie():
    nets = [make_net(), make_net()]
    for net in nets:
        for uid in (1, 2, 3):
            net.add_actor(uid, "maker")
    ties = [(1, 2, "direct", 0.0), (2, 1, "direct", 0.0), (1, 3, "direct", 0.0)]
    nets[0].record_many(ties, 1.0, 0.5, step=2)
    nets[1].record_many(ties, np.full(3, 1.0), np.full(3, 0.5), step=2)
    for i, j, _, _ in ties:
        assert nets[0].edge(i, j) == nets[1].edge(i, j)
        assert math.isclose(nets[0].trust(i, j), hand_trust(1.0, 0.5))  # 2 / 3.5


@settings(max_examples=60, deadline=None)
@given(
    batches=st.lists(
        st.lists(
            st.tuples(
                st.integers(1, 4),
                st.integers(1, 4),
                st.floats(0.0, 3.0),
                st.floats(0.0, 3.0),
                st.floats(0.0, 2.0),
            ),
            min_size=1,
            max_size=8,
            unique_by=lambda t: (t[0], t[1]),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_record_many_tie_by_tie_as_the_array_refresh(batches):
    """record_many updates ties one by one in plain floats; the vectorised refresh of every
    edge from the stored evidence must then find the same trust and stage, bit for bit, and
    record_many must report exactly the ties that were new."""
    net = make_net(capacity=2)
    for uid in (1, 2, 3, 4):
        net.add_actor(uid, "maker")
    for step, batch in enumerate(batches):
        ties = [(i, j, "brokered", prior) for i, j, _, _, prior in batch if i != j]
        if not ties:
            continue
        was_new = [k for k, (i, j, _, _) in enumerate(ties) if not net.has_tie(i, j)]
        pos = [p for i, j, p, _, _ in batch if i != j]
        neg = [n for i, j, _, n, _ in batch if i != j]
        assert net.record_many(ties, pos, neg, step=step) == was_new
        trust, stage = net.trust_arr.copy(), net.stage.copy()
        net._refresh(net.live_slots())
        np.testing.assert_array_equal(net.trust_arr, trust)
        np.testing.assert_array_equal(net.stage, stage)


def test_record_many_rejects_a_tie_listed_twice():
    net = make_net()
    net.add_actor(1, "maker")
    net.add_actor(2, "maker")
    with pytest.raises(ValueError, match="distinct ties"):
        net.record_many([(1, 2, "direct", 0.0)] * 2, np.ones(2), np.zeros(2), step=1)
    assert net.n_edges == 0  # rejected before anything was written


def test_decay_multiplies_evidence_each_call():
    net = make_net()
    net.add_actor(1, "maker")
    net.add_actor(2, "maker")
    net.record(1, 2, positive=4.0, negative=2.0, step=0)
    for k in range(1, 4):
        net.decay_and_prune(rate=0.1, step=0, prune_trust=0.0, prune_after=100, min_evidence=0.0)
        e = net.edge(1, 2)
        # after k calls: r = 4·0.9^k, s = 2·0.9^k
        assert math.isclose(e["r"], 4.0 * 0.9**k) and math.isclose(e["s"], 2.0 * 0.9**k)
        assert math.isclose(e["trust"], hand_trust(4.0 * 0.9**k, 2.0 * 0.9**k))


def test_rate_zero_keeps_evidence():
    net = make_net()
    net.add_actor(1, "maker")
    net.add_actor(2, "maker")
    net.record(1, 2, positive=1.0, negative=0.5, step=0)
    net.decay_and_prune(rate=0.0, step=1, prune_trust=0.0, prune_after=100, min_evidence=0.0)
    assert net.edge(1, 2)["r"] == 1.0 and net.edge(1, 2)["s"] == 0.5


def test_pruning_rules():
    net = make_net()
    for uid in range(1, 7):
        net.add_actor(uid, "maker")
    # forgotten: total evidence 0.1 decays to 0.099 < min_evidence 0.2 (trusted, still goes)
    net.record(1, 2, positive=0.1, negative=0.0, step=9)
    # stale (10 − 0 > 5) and low trust (1/4 < 0.4): goes
    net.record(3, 4, positive=0.0, negative=2.0, step=0)
    # stale but trusted (3/4 ≥ 0.4): stays
    net.record(5, 6, positive=2.0, negative=0.0, step=0)
    # low trust but fresh (10 − 9 ≤ 5): stays
    net.record(6, 5, positive=0.0, negative=2.0, step=9)
    removed = net.decay_and_prune(
        rate=0.01, step=10, prune_trust=0.4, prune_after=5, min_evidence=0.2
    )
    assert removed == 2
    assert not net.has_tie(1, 2) and not net.has_tie(3, 4)
    assert net.has_tie(5, 6) and net.has_tie(6, 5) and net.n_edges == 2
    assert list(net.partners(1)) == [] and list(net.partners(3)) == []


def test_forgetting_needs_decay_and_a_step_without_news():
    """``min_evidence`` forgets ties whose evidence has *decayed* below it: a new tie holding
    little evidence (a success judged mildly unfair: r = 0, s = 0.15) is kept while nothing
    decays and in the step it was recorded; it goes once its evidence has faded."""
    net = make_net()
    for uid in (1, 2):
        net.add_actor(uid, "maker")
    net.record(1, 2, positive=0.0, negative=0.15, step=5)
    kw = dict(prune_trust=0.0, prune_after=100, min_evidence=0.2)
    assert net.decay_and_prune(rate=0.0, step=9, **kw) == 0  # decay off: nothing is forgotten
    assert net.decay_and_prune(rate=0.1, step=5, **kw) == 0  # recorded this step: kept
    assert math.isclose(net.edge(1, 2)["s"], 0.135)  # 0.15 × 0.9, by hand
    assert net.decay_and_prune(rate=0.1, step=6, **kw) == 1  # 0.1215 < 0.2 a step later
    assert not net.has_tie(1, 2)


def test_public_record_decays_with_the_evidence():
    """The platform's public record of defections is evidence too (DESIGN §9: all evidence
    decays): 1 unit after two decays at λ = 0.1 is 0.81, and a new tie starts from that."""
    net = make_net()
    for uid in (1, 2, 3):
        net.add_actor(uid, "maker")
    net.add_negative_to_all(2, 1.0)
    for step in (1, 2):
        net.decay_and_prune(rate=0.1, step=step, prune_trust=0.0, prune_after=100, min_evidence=0)
    assert math.isclose(net.public_negative[2], 0.81)
    assert math.isclose(net.trust(3, 2), 1.0 / (0.81 + 2.0))  # (0+1)/(0+0.81+2)
    net.record(3, 2, positive=1.0, negative=0.0, step=3)
    assert math.isclose(net.edge(3, 2)["s"], 0.81)


def test_a_public_defection_is_not_told_twice_to_its_witnesses():
    """Supermarket platform: a detected defection by 2 adds one unit of negative evidence to
    every tie into 2 and to the public record, except the ties of the witnesses (2's teammates),
    whose own evidence already counts the detection. By hand: 1 → 2 (a witness) keeps s = 1,
    3 → 2 goes from 0 to 1, trust (0+1)/(0+1+2) = 1/3."""
    net = make_net()
    for uid in (1, 2, 3):
        net.add_actor(uid, "maker")
    net.record(1, 2, positive=0.0, negative=1.0, step=1)  # the witness's own detection
    net.record(3, 2, positive=0.0, negative=0.0, step=1)
    net.add_negative_to_all(2, 1.0, except_from=[1])
    assert net.edge(1, 2)["s"] == 1.0
    assert net.edge(3, 2)["s"] == 1.0
    assert math.isclose(net.trust(3, 2), 1.0 / 3.0)
    assert net.public_negative[2] == 1.0


def test_stage_thresholds_can_change_on_a_running_network():
    """A live change of the stage thresholds reclassifies every edge at once (by hand: one
    success each, trust 2/3 and one project; with thresholds 0.6 / 1 project it is in
    consolidation, with 0.7 back in formation)."""
    net = make_net()
    for uid in (1, 2):
        net.add_actor(uid, "maker")
    net.record(1, 2, positive=1.0, negative=0.0, step=0)
    assert net.edge(1, 2)["stage"] == "formation"  # one project < 2
    low = dict(STAGE_KW, consolidation_projects=1, cooperation_projects=1, cooperation_trust=0.9)
    net.set_stage_thresholds(**low)
    assert net.edge(1, 2)["stage"] == "consolidation"
    net.set_stage_thresholds(**dict(low, consolidation_trust=0.7))
    assert net.edge(1, 2)["stage"] == "formation"


def test_remove_actor_removes_every_tie_and_keeps_the_rest():
    net = make_net(capacity=2)  # forces growth; freed slots get reused below
    for uid in range(1, 6):
        net.add_actor(uid, "maker")
    pairs = [(1, 2), (2, 1), (3, 2), (2, 4), (4, 5), (5, 3), (1, 3)]
    for k, (i, j) in enumerate(pairs):
        net.record(i, j, positive=float(k), negative=1.0, step=k)
    net.remove_actor(2)
    assert 2 not in net and net.n_nodes == 4
    assert not any(2 in (i, j) for i, j in net.graph.edges)
    survivors = [(i, j) for i, j in pairs if 2 not in (i, j)]
    assert sorted(net.graph.edges) == sorted(survivors) and net.n_edges == len(survivors)
    for i, j in survivors:
        k = pairs.index((i, j))
        assert net.edge(i, j)["r"] == float(k) and net.edge(i, j)["first_step"] == k
    # new ties reuse freed slots without disturbing the survivors
    net.add_actor(6, "university")
    net.record(6, 1, positive=3.0, negative=0.0, step=20)
    net.record(1, 6, positive=0.0, negative=3.0, step=20)
    for i, j in survivors:
        assert net.edge(i, j)["r"] == float(pairs.index((i, j)))
    assert math.isclose(net.trust(6, 1), 4 / 5) and math.isclose(net.trust(1, 6), 1 / 5)
    net.remove_actor(99)  # unknown: nothing happens
    assert net.n_edges == len(survivors) + 2


def test_remove_actor_with_a_self_loop_frees_each_slot_once():
    """A self-loop is both an out- and an in-tie of its actor; removing the actor frees its
    slot once (a slot freed twice would later hold two ties)."""
    net = make_net(capacity=4)
    for uid in (1, 2):
        net.add_actor(uid, "maker")
    net.record(1, 2, positive=1.0, negative=0.0, step=0)
    net.record(1, 1, positive=1.0, negative=0.0, step=0)
    net.record(2, 1, positive=1.0, negative=0.0, step=0)
    net.remove_actor(1)
    assert net.n_edges == 0 and sorted(net._free) == [0, 1, 2, 3]
    # slots are freed in the order out-ties, then in-ties: the last freed is reused first
    net.add_actor(3, "maker")
    net.record(2, 3, positive=1.0, negative=0.0, step=1)
    assert net._out[2][3] == 2  # the slot of 2 -> 1, freed last


def test_adding_an_existing_actor_does_not_orphan_its_ties():
    net = make_net()
    net.add_actor(1, "maker")
    net.add_actor(2, "maker")
    net.record(1, 2, positive=1.0, negative=0.0, step=0)
    net.record(2, 1, positive=0.0, negative=2.0, step=0)
    with pytest.raises(ValueError, match="actor 1 is already in the trust network"):
        net.add_actor(1, "maker")
    # the refused call left both ties and their evidence as they were
    assert net.n_nodes == 2 and net.n_edges == 2
    assert list(net.partners(1)) == [2]
    assert net.edge(1, 2)["r"] == 1.0 and net.edge(1, 2)["s"] == 0.0
    assert net.edge(2, 1)["r"] == 0.0 and net.edge(2, 1)["s"] == 2.0
    assert math.isclose(net.trust(1, 2), 2 / 3)  # (r+1)/(r+s+2) = 2/3, by hand
    assert math.isclose(net.trust(2, 1), 1 / 4)  # (0+1)/(0+2+2) = 1/4
    net.remove_actor(1)
    assert net.n_edges == 0 and 1 not in net.graph


def test_priors_and_public_reputation():
    net = make_net()
    for uid in (1, 2, 3):
        net.add_actor(uid, "maker")
    # a brokered introduction: 1.5 prior positive evidence → (1.5+1)/(1.5+2) before any project
    assert math.isclose(net.trust(1, 2, prior_positive=1.5), 2.5 / 3.5)
    net.record(1, 2, positive=1.0, negative=0.0, step=0, origin="brokered", prior_positive=1.5)
    assert math.isclose(net.trust(1, 2), 3.5 / 4.5) and net.edge(1, 2)["origin"] == "brokered"
    # the prior applies only when the tie is created
    net.record(1, 2, positive=0.0, negative=0.0, step=1, prior_positive=5.0)
    assert math.isclose(net.edge(1, 2)["r"], 2.5)
    # a public defection by 2: existing ties into 2 and strangers' priors both get worse
    net.add_negative_to_all(2, 1.0)
    assert math.isclose(net.trust(1, 2), 3.5 / 5.5)
    assert math.isclose(net.trust(3, 2), 1 / 3)  # stranger: (0+1)/(0+1+2)
    net.record(3, 2, positive=1.0, negative=0.0, step=2)
    assert net.edge(3, 2)["s"] == 1.0  # a new tie starts from the public record
    net.seed_tie(2, 3, positive=2.0, step=2, origin="spinoff")
    e = net.edge(2, 3)
    assert e["r"] == 2.0 and e["n_projects"] == 0 and e["origin"] == "spinoff"


def test_stages_by_hand():
    net = make_net()
    net.add_actor(1, "maker")
    net.add_actor(2, "maker")
    expected = [
        "formation",  # n=1, trust 2/3: below 2 projects
        "consolidation",  # n=2, trust 3/4 ≥ 0.6
        "consolidation",  # n=3, trust 4/5 ≥ 0.8 but fewer than 4 projects
        "trust_based_cooperation",  # n=4, trust 5/6
    ]
    for k, stage in enumerate(expected):
        net.record(1, 2, positive=1.0, negative=0.0, step=k)
        assert net.edge(1, 2)["stage"] == stage
    net.record(1, 2, positive=0.0, negative=6.0, step=9)  # trust 6/12 = 0.5 → formation
    assert net.edge(1, 2)["stage"] == "formation"


def test_shock_lowers_trust_by_about_the_amount():
    net = make_net()
    for uid in (1, 2, 3):
        net.add_actor(uid, "maker")
    net.record(1, 2, positive=8.0, negative=0.0, step=0)  # 9/10
    net.record(2, 3, positive=0.0, negative=0.0, step=0)  # 1/2
    net.shock(0.3)
    assert math.isclose(net.trust(1, 2), 0.6)  # 0.9 − 0.3
    assert math.isclose(net.trust(2, 3), 0.2)  # 0.5 − 0.3
    assert net.edge(1, 2)["r"] == 8.0  # only negative evidence is added
    with pytest.raises(ValueError, match="shock"):
        net.shock(1.5)


# --------------------------------------------------------------------------- reference model


class Reference:
    """Plain dicts: what the columnar store must behave like (from its documentation)."""

    def __init__(self) -> None:
        self.kind: dict[int, str] = {}
        self.edges: dict[tuple[int, int], dict] = {}  # insertion order = creation order
        self.public: dict[int, float] = {}

    def add(self, uid: int, kind: str) -> None:
        self.kind[uid] = kind

    def remove(self, uid: int) -> None:
        self.kind.pop(uid, None)
        self.public.pop(uid, None)
        self.edges = {k: e for k, e in self.edges.items() if uid not in k}

    def _new(self, i, j, r, s, step, origin):
        self.edges[(i, j)] = dict(r=r, s=s, n=0, first=step, last=step, origin=origin)

    def record(self, i, j, pos, neg, step, origin, prior):
        if (i, j) not in self.edges:
            self._new(i, j, prior, self.public.get(j, 0.0), step, origin)
        e = self.edges[(i, j)]
        e["r"] += pos
        e["s"] += neg
        e["n"] += 1
        e["last"] = step

    def seed(self, i, j, pos, step, origin):
        if (i, j) not in self.edges:  # starts from j's public record, as record() does
            self._new(i, j, pos, self.public.get(j, 0.0), step, origin)

    def public_negative(self, j, amount):
        self.public[j] = self.public.get(j, 0.0) + amount
        for (_, b), e in self.edges.items():
            if b == j:
                e["s"] += amount

    def shock(self, amount):
        for e in self.edges.values():
            target = max(hand_trust(e["r"], e["s"]) - amount, 0.01)
            e["s"] = max(e["s"], (e["r"] + 1.0) / target - e["r"] - 2.0)

    def decay_prune(self, rate, step, prune_trust, prune_after, min_evidence):
        for e in self.edges.values():
            e["r"] *= 1.0 - rate
            e["s"] *= 1.0 - rate
        for j in self.public:  # the public record fades like any evidence
            self.public[j] *= 1.0 - rate
        keep = {}
        for k, e in self.edges.items():
            t = hand_trust(e["r"], e["s"])
            # forgotten: evidence that decayed below the floor, on a tie not recorded this step
            forgotten = rate > 0 and e["r"] + e["s"] < min_evidence and e["last"] < step
            stale_low = (step - e["last"]) > prune_after and t < prune_trust
            if not (forgotten or stale_low):
                keep[k] = e
        removed = len(self.edges) - len(keep)
        self.edges = keep
        return removed

    def trust(self, i, j, prior=0.0):
        e = self.edges.get((i, j))
        if e is not None:
            return hand_trust(e["r"], e["s"])
        return (prior + 1.0) / (prior + self.public.get(j, 0.0) + 2.0)


evidence = st.floats(0.0, 5.0, allow_nan=False)


class NetworkMachine(RuleBasedStateMachine):
    """Random operation sequences on a TrustNetwork and on the reference, compared throughout."""

    @initialize()
    def start(self):
        self.net = TrustNetwork(**STAGE_KW, kinds=KINDS3, capacity=2)
        self.ref = Reference()
        self.next_uid = 0
        self.step = 0

    def _pair(self, data):
        uids = sorted(self.ref.kind)
        i = data.draw(st.sampled_from(uids))
        j = data.draw(st.sampled_from([u for u in uids if u != i]))
        return i, j

    @rule(kind=st.sampled_from((*KINDS3, "finance")))
    def add_actor(self, kind):
        self.net.add_actor(self.next_uid, kind)
        self.ref.add(self.next_uid, kind)
        self.next_uid += 1

    @precondition(lambda self: len(self.ref.kind) >= 2)
    @rule(
        data=st.data(),
        pos=evidence,
        neg=evidence,
        origin=st.sampled_from(ORIGINS),
        prior=st.sampled_from([0.0, 1.0, 1.5]),
    )
    def record(self, data, pos, neg, origin, prior):
        i, j = self._pair(data)
        self.net.record(
            i, j, positive=pos, negative=neg, step=self.step, origin=origin, prior_positive=prior
        )
        self.ref.record(i, j, pos, neg, self.step, origin, prior)

    @precondition(lambda self: len(self.ref.kind) >= 2)
    @rule(data=st.data(), pos=evidence)
    def seed_tie(self, data, pos):
        i, j = self._pair(data)
        self.net.seed_tie(i, j, positive=pos, step=self.step, origin="spinoff")
        self.ref.seed(i, j, pos, self.step, "spinoff")

    @precondition(lambda self: len(self.ref.kind) >= 1)
    @rule(data=st.data())
    def remove_actor(self, data):
        uid = data.draw(st.sampled_from(sorted(self.ref.kind)))
        self.net.remove_actor(uid)
        self.ref.remove(uid)

    @rule(
        rate=st.sampled_from([0.0, 0.05, 0.3]),
        dt=st.integers(0, 4),
        prune_trust=st.sampled_from([0.0, 0.4, 0.6]),
        prune_after=st.integers(1, 6),
        min_evidence=st.sampled_from([0.0, 0.2, 1.0]),
    )
    def decay_and_prune(self, rate, dt, prune_trust, prune_after, min_evidence):
        self.step += dt
        kw = dict(prune_trust=prune_trust, prune_after=prune_after, min_evidence=min_evidence)
        got = self.net.decay_and_prune(rate=rate, step=self.step, **kw)
        want = self.ref.decay_prune(rate, self.step, **kw)
        assert got == want

    @precondition(lambda self: len(self.ref.kind) >= 1)
    @rule(data=st.data(), amount=st.sampled_from([0.5, 1.0]))
    def publicise(self, data, amount):
        j = data.draw(st.sampled_from(sorted(self.ref.kind)))
        self.net.add_negative_to_all(j, amount)
        self.ref.public_negative(j, amount)

    @rule(amount=st.sampled_from([0.0, 0.1, 0.4]))
    def shock(self, amount):
        self.net.shock(amount)
        self.ref.shock(amount)

    @invariant()
    def store_matches_reference(self):
        net, ref = self.net, self.ref
        assert net.n_nodes == len(ref.kind) and net.n_edges == len(ref.edges)
        assert dict(net.node_kind) == ref.kind
        for (i, j), e in ref.edges.items():
            got = net.edge(i, j)
            assert got is not None, (i, j)
            assert math.isclose(got["r"], e["r"], rel_tol=1e-9, abs_tol=1e-12)
            assert math.isclose(got["s"], e["s"], rel_tol=1e-9, abs_tol=1e-12)
            t = hand_trust(e["r"], e["s"])
            assert math.isclose(got["trust"], t, rel_tol=1e-9)
            assert 0.0 < got["trust"] < 1.0
            assert got["n_projects"] == e["n"]
            assert got["first_step"] == e["first"] and got["last_step"] == e["last"]
            assert got["origin"] == e["origin"]
            assert got["stage"] == hand_stage(t, e["n"])
        for i in ref.kind:
            want = [b for (a, b) in ref.edges if a == i]
            assert list(net.partners(i)) == want  # in order of tie creation
            # friends of friends: the reference's partners of i's partners
            fof = {b for (a, b) in ref.edges if a in want}
            assert net.partners_of_any(want) == fof
        # trust lookups for ties and non-ties (priors and public reputation)
        uids = sorted(ref.kind)[:6]
        for i in uids:
            for j in uids:
                if i != j:
                    assert math.isclose(net.trust(i, j, 1.0), ref.trust(i, j, 1.0))
                    assert net.has_tie(i, j) == ((i, j) in ref.edges)

    @invariant()
    def graph_view_matches_store(self):
        g, ref = self.net.graph, self.ref
        assert dict(g.nodes(data="kind")) == ref.kind
        assert set(g.edges) == set(ref.edges)
        for (i, j), e in ref.edges.items():
            d = g.edges[i, j]
            assert math.isclose(d["trust"], hand_trust(e["r"], e["s"]), rel_tol=1e-9)
            assert d["n_projects"] == e["n"] and d["origin"] == e["origin"]
            assert d["last_step"] == e["last"]

    @invariant()
    def stats_match_networkx(self):
        net = self.net
        g = net.graph
        st_ = net.stats()
        n, m = g.number_of_nodes(), g.number_of_edges()
        assert st_["n_nodes"] == n and st_["n_edges"] == m
        assert math.isclose(st_["density"], nx.density(g) if n > 1 else 0.0)
        deg = sum(d for _, d in g.degree()) / n if n else 0.0
        assert math.isclose(st_["mean_degree"], deg)
        trusts = [d["trust"] for _, _, d in g.edges(data=True)]
        assert math.isclose(st_["mean_trust"], float(np.mean(trusts)) if m else 0.0)
        assert math.isclose(st_["share_cross_kind_edges"], metrics.share_cross_kind_edges(g))
        origins = [d["origin"] for _, _, d in g.edges(data=True)]
        assert st_["n_brokered_ties"] == origins.count("brokered")
        stages = [d["stage"] for _, _, d in g.edges(data=True)]
        for s in ("formation", "consolidation", "trust_based_cooperation"):
            assert st_[f"n_edges_stage_{s}"] == stages.count(s)
        kinds = (*KINDS3, "finance", "unused")
        want = metrics.collaboration_matrix(g, kinds).to_numpy()
        np.testing.assert_array_equal(net.kind_matrix(kinds), want)
        u, v = net.undirected_pairs()
        assert sorted(zip(u.tolist(), v.tolist(), strict=True)) == sorted(g.edges)
        among = set(sorted(self.ref.kind)[::2])
        u, v = net.undirected_pairs(among)
        sub = [(a, b) for a, b in g.edges if a in among and b in among]
        assert sorted(zip(u.tolist(), v.tolist(), strict=True)) == sorted(sub)
        for kinds in (("maker", "university"), ("finance", "unused"), ()):
            of_kinds = {uid for uid, kind in self.ref.kind.items() if kind in kinds}
            by_kind = net.undirected_pairs(kinds=kinds)
            by_id = net.undirected_pairs(of_kinds)
            for got, want in zip(by_kind, by_id, strict=True):
                np.testing.assert_array_equal(got, want)  # the same ties, in the same order


NetworkMachine.TestCase.settings = settings(
    max_examples=60,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestNetworkAgainstReference = NetworkMachine.TestCase


# --------------------------------------------------------------------------- structure metrics


@st.composite
def random_graphs(draw):
    n = draw(st.integers(0, 30))
    ids = draw(st.lists(st.integers(0, 10_000), min_size=n, max_size=n, unique=True))
    m = draw(st.integers(0, 3 * n)) if n else 0
    edges = [
        (draw(st.sampled_from(ids)), draw(st.sampled_from(ids))) for _ in range(m)
    ]  # may hold duplicates, reversed pairs and self-loops
    samples = draw(st.integers(1, 12))
    seed = draw(st.integers(0, 2**32 - 1))
    return ids, edges, samples, seed


@settings(max_examples=120, deadline=None)
@given(random_graphs())
def test_structure_from_edges_matches_metrics_and_networkx(case):
    ids, edges, samples, seed = case
    G = nx.Graph()
    G.add_nodes_from(ids)
    G.add_edges_from(edges)
    u = np.array([a for a, _ in edges], dtype=np.int64)
    v = np.array([b for _, b in edges], dtype=np.int64)
    got = metrics.structure_from_edges(
        ids, u, v, path_samples=samples, rng=np.random.default_rng(seed)
    )
    assert math.isclose(got["clustering"], metrics.clustering(G), abs_tol=1e-12)
    assert got["n_components"] == metrics.n_components(G)
    assert math.isclose(got["giant_component_share"], metrics.giant_component_share(G))
    want_mpl = metrics.mean_path_length(G, samples=samples, rng=np.random.default_rng(seed))
    assert math.isclose(got["mean_path_length"], want_mpl, rel_tol=1e-12, abs_tol=1e-12)
    # and networkx itself, where no sampling is involved
    simple = nx.Graph(G)
    simple.remove_edges_from(list(nx.selfloop_edges(simple)))
    if ids:
        assert math.isclose(got["clustering"], nx.average_clustering(simple), abs_tol=1e-12)
        assert got["n_components"] == nx.number_connected_components(simple)
        giant = max(nx.connected_components(simple), key=len)
        assert math.isclose(got["giant_component_share"], len(giant) / len(ids))
        assert math.isclose(got["collab_density"], nx.density(simple), abs_tol=1e-12)
        assert math.isclose(got["transitivity"], nx.transitivity(simple), abs_tol=1e-12)
        if 2 <= len(giant) <= samples:
            exact = nx.average_shortest_path_length(simple.subgraph(giant))
            assert math.isclose(got["mean_path_length"], exact, rel_tol=1e-12)


def test_structure_from_edges_by_hand():
    # a triangle 1-2-3 with a tail 3-4, plus an isolated node 5:
    # local clustering 1, 1, 1/3, 0, 0 → mean 7/15; components 2; giant 4/5;
    # connected triads (k choose 2 per node) 1 + 1 + 3 = 5, closed 3 (the triangle's corners)
    # → transitivity 3/5;
    # path lengths in the giant: 1-2 1, 1-3 1, 1-4 2, 2-3 1, 2-4 2, 3-4 1 → 8/6
    u = np.array([1, 2, 3, 3])
    v = np.array([2, 3, 1, 4])
    got = metrics.structure_from_edges(
        [1, 2, 3, 4, 5], u, v, path_samples=10, rng=np.random.default_rng(0)
    )
    assert math.isclose(got["clustering"], 7 / 15)
    assert math.isclose(got["transitivity"], 3 / 5)
    assert got["n_components"] == 2
    assert math.isclose(got["giant_component_share"], 4 / 5)
    assert math.isclose(got["mean_path_length"], 8 / 6)
    # 4 ties of 5·4/2 = 10 possible pairs; a random graph that dense has clustering 0.4
    assert math.isclose(got["collab_density"], 0.4)
    assert math.isclose(got["clustering_vs_random"], (7 / 15) / 0.4)


@settings(max_examples=80, deadline=None)
@given(
    ids=st.lists(st.integers(-50, 500), min_size=1, max_size=40, unique=True),
    spread=st.sampled_from([1, 10**9]),
    dense=st.sampled_from([0, 8, 10**6]),
    data=st.data(),
)
def test_positions_by_table_and_by_binary_search(ids, spread, dense, data):
    """Both ways of finding the endpoints' positions (a lookup table for dense ids, a binary
    search for spread-out ones; ``_DENSE_IDS`` 0 forces the search, 10**6 the table on ids
    that are not spread out) against a dict; an id that is not a node is refused either way."""
    nodes = np.array(ids, dtype=np.int64) * spread
    lookups = data.draw(st.lists(st.sampled_from(nodes.tolist()), max_size=60))
    where = {uid: k for k, uid in enumerate(nodes.tolist())}
    stranger = data.draw(st.sampled_from([int(nodes.max()) + 1, int(nodes.min()) - 1, 501]))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(metrics, "_DENSE_IDS", 0 if spread > 1 and dense > 8 else dense)
        got = metrics._positions(nodes, np.array(lookups, dtype=np.int64))
        assert got.tolist() == [where[x] for x in lookups]
        if stranger not in where:
            with pytest.raises(ValueError, match="endpoint"):
                metrics._positions(nodes, np.array([*lookups, stranger], dtype=np.int64))


def test_structure_from_edges_rejects_unknown_endpoints():
    with pytest.raises(ValueError, match="endpoint"):
        metrics.structure_from_edges(
            [1, 2], np.array([1]), np.array([3]), path_samples=2, rng=np.random.default_rng(0)
        )


def test_model_structure_reporters_match_networkx_on_the_living_innovators():
    """The model's structure reporters, every step of a small run, against networkx on the graph
    that scripts/trust_structure.py builds without the model's metric code: the living makers,
    universities and enterprises as nodes (service institutions left out, docs/model.md) and
    every tie between two of them as an undirected edge. Checks the model's wiring of the
    metrics (which nodes and ties go in), not only the metric functions."""
    from abm.model import InnovationModel

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
    from trust_structure import collaboration_graph

    model = InnovationModel(rng=3, n_makers=20, n_universities=2, n_enterprises=6)
    for _ in range(25):
        model.step()
        row = model.reporters().iloc[-1]
        g = collaboration_graph(model)
        n = g.number_of_nodes()
        giant = max((len(c) for c in nx.connected_components(g)), default=0)
        assert math.isclose(row.clustering, nx.average_clustering(g), abs_tol=1e-12)
        assert row.n_components == nx.number_connected_components(g)
        assert math.isclose(row.giant_component_share, giant / n, abs_tol=1e-12)
        assert math.isclose(row.collab_density, nx.density(g), abs_tol=1e-12)
    assert g.number_of_edges() > 0  # the run did build a network to compare


def test_trust_structure_instrumented_model_runs_as_the_plain_model():
    """scripts/trust_structure.py classifies the new partners who join a team with a subclass
    whose extra friends-of-friends look-up must draw nothing and change nothing: its reporters
    equal the plain model's, step for step. Its classes by hand: a friend of a friend is an
    actor the initiator's partners have ties to, so it shares at least one partner with the
    initiator whenever the tie back from it to that partner still stands, which holds for most
    of them (both directions are written for every team)."""
    from abm.model import InnovationModel

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
    from trust_structure import JOINERS, instrumented

    small = {"n_makers": 20, "n_universities": 2, "n_enterprises": 6}
    plain = InnovationModel(rng=5, **small)
    model = instrumented(small, 5)
    for _ in range(30):
        plain.step()
        model.step()
    import pandas as pd

    pd.testing.assert_frame_equal(model.reporters(), plain.reporters())
    assert set(model.joiners) == set(JOINERS)
    fof = model.joiners["friend of a friend"]
    assert fof and model.joiners["other new partner"]  # both kinds occur in 30 steps
    assert sum(shared >= 1 for shared, _ in fof) > len(fof) / 2
