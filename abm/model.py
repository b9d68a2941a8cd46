"""The collaborative-innovation model (DESIGN.md §3).

One step is the phase list of DESIGN §3, each phase a method::

    environment → opportunities → partner search → contract → pooling → execution → risk
    → benefit distribution → fairness & trust update → lifecycle → measure

Projects are assembled, executed and settled within one step. All random draws come from named
streams of the run's seed (:mod:`abm.streams`), and every money flow that enters or leaves the
system is booked in ``model.flows`` so that conservation can be checked (see :meth:`total_money`).
"""

from __future__ import annotations

import functools
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import accumulate, combinations
from typing import Any

import mesa
import networkx as nx
import numpy as np
import pandas as pd

from abm import metrics
from abm.kinds import (
    ACTOR_KINDS,
    KINDS,
    N_FIELDS,
    RESOURCE_PROFILE,
    STAGE_SUCCESS,
    STAGE_VALUE,
    STAGES,
)
from abm.network import TrustNetwork
from abm.params import Params, check_names, spec
from abm.reporters import ALL_REPORTERS, metric_getter
from abm.rules import (
    coupling,
    left_sum,
    member_sums,
    pairwise_sum,
    risk,
    sharing,
    short_mean,
    trust,
)
from abm.scenarios import SCENARIOS, get_scenario
from abm.services import ServiceDesk
from abm.streams import (
    make_streams,
    resolve_seed,
    sample_without_replacement,
    symmetric_dirichlet_list,
)
from agents.actors import ACTOR_CLASSES, FUNDS, Actor, MakerTeam, outlay_from
from agents.services import ServiceInstitution

EQUIPMENT = 1
INFORMATION = 3
_PROFILE = {kd: prof.tolist() for kd, prof in RESOURCE_PROFILE.items()}  # as plain floats


def _filled(have: list[float], need: list[float]) -> float:
    """How much of ``need`` (non-negative, per resource) ``have`` covers: Σ min(have, need),
    added left to right.

    Written out for the four resource dimensions (the unpacking checks the lengths), with
    ``n if n < h else h`` for ``min(h, n)``: this runs for every candidate, and a loop over
    ``zip(..., strict=True)`` with a ``min`` call cost four times as much.
    """
    h0, h1, h2, h3 = have
    n0, n1, n2, n3 = need
    return (
        0.0
        + (n0 if n0 < h0 else h0)
        + (n1 if n1 < h1 else h1)
        + (n2 if n2 < h2 else h2)
        + (n3 if n3 < h3 else h3)
    )


def _plus(a: list[float], b: list[float]) -> list[float]:
    """``a + b`` per resource, written out for the four resource dimensions (the unpacking
    checks the lengths): a member's offer added to the team's commitments, for every member
    who joins, at half the cost of a comprehension over ``zip(..., strict=True)``."""
    a0, a1, a2, a3 = a
    b0, b1, b2, b3 = b
    return [a0 + b0, a1 + b1, a2 + b2, a3 + b3]


def _minus(a: list[float], b: list[float]) -> list[float]:
    """``a - b`` per resource, written out as :func:`_plus` (the gap left by an offer)."""
    a0, a1, a2, a3 = a
    b0, b1, b2, b3 = b
    return [a0 - b0, a1 - b1, a2 - b2, a3 - b3]


@functools.lru_cache(maxsize=8)
def _scaled_profiles(project_size: float) -> dict[str, list[float]]:
    """The kind profiles in resource units (they are in units of ``project_size / 4``).

    Cached on the value of ``project_size``, a live parameter: the stranger search needs them
    for every candidate search, and they change only with that parameter. Read only.
    """
    unit = project_size / 4.0
    return {kd: [v * unit for v in prof] for kd, prof in _PROFILE.items()}


def _stage_thresholds(p: Params) -> dict[str, float]:
    """The trust-stage thresholds of :class:`TrustNetwork` from the parameters."""
    return dict(
        consolidation_trust=p.stage_trust_consolidation,
        cooperation_trust=p.stage_trust_cooperation,
        consolidation_projects=p.stage_projects_consolidation,
        cooperation_projects=p.stage_projects_cooperation,
    )


@functools.cache
def _coalition_masks(n: int) -> np.ndarray:
    """Every non-empty coalition of ``n`` members as a 0/1 row, row ``k`` = bitmask ``k + 1``."""
    codes = np.arange(1, 2**n)
    masks = ((codes[:, None] >> np.arange(n)) & 1).astype(float)
    masks.flags.writeable = False
    return masks


@dataclass(slots=True)
class Project:
    """One project from initiative to settlement (all money in model units)."""

    initiator: Actor
    stage: str
    required: np.ndarray
    fields: np.ndarray  # knowledge fields needed
    value: float  # V, already scaled by demand
    # The team, booked by add_member (not constructor arguments), one entry per member.
    members: list[Actor] = field(default_factory=list, init=False)
    commitments: list[np.ndarray] = field(default_factory=list, init=False)
    commitment_totals: list[float] = field(default_factory=list, init=False)  # left_sum of each
    origins: list[str] = field(default_factory=list, init=False)  # how each member was found
    priors: list[float] = field(default_factory=list, init=False)  # prior evidence of a new tie
    n: int = field(default=0, init=False)  # len(members), counted by add_member (read often)
    strict: bool = False
    strictness: float = 0.0
    risk_shares: np.ndarray | None = None
    delivered: list[np.ndarray] = field(default_factory=list)
    withheld: list[bool] = field(default_factory=list)
    detected: list[bool] = field(default_factory=list)
    outlays: np.ndarray | None = None
    grants: list[float] = field(default_factory=list)  # each member's subsidy on its outlay
    external: np.ndarray = field(default_factory=lambda: np.zeros(4))  # services' resources
    spread_factor: float = 1.0
    conversion_boost: float = 0.0
    success: bool = False
    p_success: float = 0.0
    gross_return: float = 0.0
    net_return: float = 0.0
    shares: np.ndarray | None = None
    borne: np.ndarray | None = None  # losses borne per member after transfers
    loss_split: np.ndarray | None = None  # the team's own split of a loss (before insurance)
    fairness: np.ndarray | None = None
    service_fees: float = 0.0
    served_by: list[ServiceInstitution] = field(default_factory=list)
    loan: tuple[ServiceInstitution, float, float] | None = None  # (lender, principal, rate)
    insurer: ServiceInstitution | None = None
    marketer: ServiceInstitution | None = None  # transfer institution marketing the result
    phi: np.ndarray | None = None  # members' Shapley values (marginal contributions)
    grand: float = 0.0  # v(N): the whole team's expected value
    capability_sum: float = 0.0  # of the members so far
    trust_rows: list[list[float]] | None = None  # members' pairwise trust, fixed at the contract
    tmat: np.ndarray | None = None  # trust_rows as an array, made on first use (large teams)
    mean_pair_trust: float = 0.0  # their mean (0 for a one-member team)
    delivered_rows: list[list[float]] | None = None  # delivered as plain floats
    delivered_sum: list[float] | None = None  # per resource, see delivered_totals()
    contrib: np.ndarray | None = None  # resource units delivered per member, set by pooling
    contrib_list: list[float] | None = None  # the same as plain floats
    # Bookkeeping for the acceptance decisions of partner search (its inner loop), not
    # constructor arguments: the sum of the commitments (kept up to date by add_member), its
    # total, whether an enterprise is in the team, and the requirement and its weights as plain
    # floats (set by __post_init__).
    committed: list[float] = field(default_factory=lambda: [0.0] * 4, init=False)
    committed_total: float = field(default=0.0, init=False)  # left_sum(committed)
    has_enterprise: bool = field(default=False, init=False)
    required_list: list[float] = field(init=False)
    weight_list: list[float] = field(init=False)
    _weights: np.ndarray | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.required_list = self.required.tolist()
        total = left_sum(self.required_list)
        # Importance of each resource: the same IEEE divisions as numpy's ``required / total``.
        self.weight_list = [r / total for r in self.required_list]

    @property
    def weights(self) -> np.ndarray:
        """Importance of each resource, ``required / Σ required``, as an array (made on first
        use: partner search reads :attr:`weight_list`)."""
        if self._weights is None:
            self._weights = np.array(self.weight_list)
        return self._weights

    def add_member(
        self,
        member: Actor,
        offer: list[float],
        origin: str,
        prior: float,
        offered: float | None = None,
    ) -> None:
        """Book a member who accepted, with its committed resources; ``offered`` is their
        ``left_sum`` when the caller has it already (partner search does)."""
        self.members.append(member)
        self.commitments.append(np.array(offer))
        self.commitment_totals.append(left_sum(offer) if offered is None else offered)
        self.origins.append(origin)
        self.priors.append(prior)
        self.n += 1
        self.committed = _plus(self.committed, offer)
        self.committed_total = left_sum(self.committed)
        self.capability_sum += member.capability
        self.has_enterprise = self.has_enterprise or member.kind == "enterprise"

    def delivered_totals(self) -> list[float]:
        """Units of each resource the team delivered (plain floats; each resource summed over
        the members in order, as numpy's axis-0 sum adds them). Computed once per project.

        Written out for the four resource dimensions in one pass (the unpacking checks the
        lengths): each total is left_sum of its column, at a third of the cost.
        """
        if self.delivered_sum is None:
            t0 = t1 = t2 = t3 = 0.0
            for d0, d1, d2, d3 in self.delivered_lists():
                t0 += d0
                t1 += d1
                t2 += d2
                t3 += d3
            self.delivered_sum = [t0, t1, t2, t3]
        return self.delivered_sum

    def delivered_lists(self) -> list[list[float]]:
        """Each member's delivered resources as plain floats (made once; read only)."""
        if self.delivered_rows is None:
            self.delivered_rows = [d.tolist() for d in self.delivered]
        return self.delivered_rows

    def contribution_values(self) -> np.ndarray:
        """Resource units delivered by each member (the basis of proportional shares)."""
        if self.contrib is None:
            self.contrib = np.array(self.contribution_list())
        return self.contrib

    def contribution_list(self) -> list[float]:
        """:meth:`contribution_values` as plain floats (each member's resources added left to
        right, as numpy's sum of a 4-vector). Computed once per project; read only."""
        if self.contrib_list is None:
            self.contrib_list = [left_sum(d) for d in self.delivered_lists()]
        return self.contrib_list


class InnovationModel(mesa.Model):
    """Makers, universities, enterprises and service institutions building a trust network.

    Args:
        params: a :class:`~abm.params.Params`; defaults to the named ``scenario`` or the baseline.
        rng: the run's seed (an int). ``None`` draws one from OS entropy and records it in
            ``self.seed`` so the run can be repeated.
        scenario: a scenario name from :mod:`abm.scenarios` used as the base when ``params`` is
            None (giving both is an error). Mesa's SolaraViz may pass its own scenario object;
            that one is ignored. Anything else is refused.
        **overrides: parameter values replacing those of the base, validated by ``Params``.
    """

    def __init__(
        self,
        params: Params | None = None,
        *,
        rng: int | None = None,
        scenario: Any = None,
        **overrides: Any,
    ) -> None:
        base = params
        if isinstance(scenario, str):
            if base is not None:
                raise ValueError(
                    f"give either params or scenario={scenario!r}, not both (overrides apply to "
                    "either)"
                )
            base = get_scenario(scenario)
        elif scenario is not None and not type(scenario).__module__.startswith("mesa."):
            raise ValueError(
                f"scenario must be a scenario name (one of {', '.join(SCENARIOS)}), got "
                f"{scenario!r}"
            )
        if base is None:
            base = Params()
        elif not isinstance(base, Params):
            raise ValueError(f"params must be a Params instance, got {type(base).__name__}")
        check_names(overrides)
        self.params: Params = base.replace(**overrides) if overrides else base
        self.seed = resolve_seed(rng)
        super().__init__(rng=self.seed)
        self.rngs = make_streams(self.seed)

        p = self.params
        self.network = TrustNetwork(**_stage_thresholds(p), kinds=KINDS)
        self._by_kind: dict[str, list[Actor]] = {k: [] for k in KINDS}
        self._index: dict[int, Actor] = {}
        self._institutions: set[int] = set()  # ids of the service institutions in the index
        self.demand = p.demand_mean
        self.technology = 1.0
        self.subsidy_pool = 0.0
        self.fault_fund = 0.0
        self.flows: dict[str, float] = defaultdict(float)  # this step's external flows
        self.cum: dict[str, float] = defaultdict(float)  # cumulative tallies
        self.tally: dict[str, Any] = {}
        self.projects: list[Project] = []  # this step's executed projects
        self.metrics: dict[str, Any] = {}
        self._pair_history: set[tuple[int, int]] = set()
        self._structure_cache: dict[str, float] = {}

        self._create_population()
        self.services = ServiceDesk(self)
        self.datacollector = mesa.DataCollector(
            model_reporters={name: metric_getter(name) for name in ALL_REPORTERS}
        )
        self._reset_tally()
        self.measure()

    # ------------------------------------------------------------------ public API
    @property
    def graph(self) -> nx.DiGraph:
        """The trust network as a ``networkx.DiGraph`` (same object as ``network.graph``)."""
        return self.network.graph

    def actor(self, uid: int) -> Actor:
        """The living actor with ``unique_id == uid`` (``KeyError`` if none)."""
        return self._index[uid]

    def actors_of(self, kind: str) -> list[Actor]:
        """Living actors of one kind (a copy)."""
        return list(self._by_kind[kind])

    def reporters(self) -> pd.DataFrame:
        """All reporters so far, one row per step (row 0 is the initial state)."""
        df = self.datacollector.get_model_vars_dataframe()
        df.index.name = "step"
        return df

    def collaboration_matrix(self, weight: str | None = None) -> pd.DataFrame:
        """Directed ties between kinds (7×7), optionally weighted by an edge attribute."""
        if weight is not None:
            return metrics.collaboration_matrix(self.graph, KINDS, weight=weight)
        mat = self.network.kind_matrix(KINDS)
        return pd.DataFrame(mat, index=pd.Index(KINDS), columns=pd.Index(KINDS))

    def collaboration_graph(self) -> nx.Graph:
        """Undirected ties among innovating actors (makers, universities, enterprises).

        Structural reporters (clustering, components, giant component, path length) are
        measured on this graph: service institutions serve many teams and would otherwise join
        every component through their hub ties (see docs/model.md).
        """
        collab = nx.Graph()
        collab.add_nodes_from(self._innovator_ids())
        u, v = self.network.undirected_pairs(kinds=ACTOR_KINDS)
        collab.add_edges_from(zip(u.tolist(), v.tolist(), strict=True))
        return collab

    def _innovator_ids(self) -> list[int]:
        return [a.unique_id for k in ACTOR_KINDS for a in self._by_kind[k]]

    def trust_shock(self, amount: float) -> None:
        """A scandal: every tie loses about ``amount`` of trust (applied now)."""
        self.network.shock(amount)

    def close_institution(self, uid: int) -> None:
        """A service institution closes (a shock, applied now): it leaves the trust network
        with all its ties and serves no more projects; its cash leaves the model. When the
        last sharing platform closes, the pooled equipment goes back to the universities."""
        inst = self._index.get(uid)
        if not isinstance(inst, ServiceInstitution):
            living = sorted(i.unique_id for i in self.services.institutions)
            raise ValueError(
                f"close_institution: {uid!r} is not a living service institution "
                f"(living institutions: {living or 'none'})"
            )
        self.services.close(inst)
        self.flows["closure_wealth"] += inst.wealth  # its cash leaves the books with it
        self._remove_actor(inst)

    def set_live(self, **changes: Any) -> None:
        """Change ``live`` parameters; they apply from the next step. Setup ones need a reset."""
        check_names(changes)
        setup = [n for n in changes if spec(n).role != "live"]
        if setup:
            raise ValueError(
                f"{', '.join(setup)} are setup parameters: rebuild the model to change them"
            )
        self.params = p = self.params.replace(**changes)
        # The few live parameters held outside ``params`` (read once into other objects).
        self.network.set_stage_thresholds(**_stage_thresholds(p))
        self.services.set_capacity(p.service_capacity)

    def total_money(self) -> float:
        """Cash of every living actor plus the policy pools (for conservation checks)."""
        return sum(a.wealth for a in self._index.values()) + self.subsidy_pool + self.fault_fund

    # ------------------------------------------------------------------ the step
    def step(self) -> None:
        """One period: the phases of DESIGN §3, in order."""
        self.update_environment()
        projects = self.open_projects()
        projects = [p for p in projects if self.assemble_team(p)]
        for project in projects:
            self.write_contract(project)
            self.pool_resources(project)
            self.execute(project)
            self.bear_risk(project)
            self.distribute_benefits(project)
            self.update_trust(project)
        self.projects = projects
        self.forget()
        self.lifecycle()
        self.measure()

    # ------------------------------------------------------------------ 1. environment
    def update_environment(self) -> None:
        """Mean-reverting demand, decaying technology shocks, replenished policy pools."""
        p, rng = self.params, self.rngs["market"]
        self._reset_tally()
        shock = rng.standard_normal()
        self.demand = max(
            0.05,
            self.demand
            + p.demand_reversion * (p.demand_mean - self.demand)
            + p.demand_volatility * shock,
        )
        self.technology = 1.0 + 0.9 * (self.technology - 1.0)
        if rng.random() < p.tech_shock_prob:
            self.technology += p.tech_shock_size
        self.subsidy_pool += p.subsidy_budget
        self.fault_fund += p.fault_budget
        self.flows["policy_budget"] += p.subsidy_budget + p.fault_budget
        for a in self._index.values():
            a.busy = False
        self.services.new_step()

    # ------------------------------------------------------------------ 2. opportunities
    def open_projects(self) -> list[Project]:
        """Idle actors start projects with probability ``opportunity_rate × initiative``."""
        p, rng = self.params, self.rngs["opportunity"]
        initiators = [a for k in ACTOR_KINDS for a in self._by_kind[k]]
        if not initiators:
            return []
        rate, draws = p.opportunity_rate, rng.random(len(initiators)).tolist()
        chosen = [a for a, u in zip(initiators, draws, strict=True) if u < rate * a.initiative()]
        order = rng.permutation(len(chosen)).tolist()
        projects = []
        for i in order:
            a = chosen[i]
            size = p.project_size * rng.lognormal(0.0, 0.3)
            required = np.array([size * s for s in symmetric_dirichlet_list(rng, 3.0, 4)])
            n_fields = 1 + int(rng.random() < 0.5)
            # rng.choice(N_FIELDS, size=n_fields, replace=False), the same draws, less set-up
            fields = np.array(sample_without_replacement(rng, N_FIELDS, n_fields))
            stage = a.project_stage
            value = p.value_multiple * size * STAGE_VALUE[stage] * self.demand
            projects.append(
                Project(initiator=a, stage=stage, required=required, fields=fields, value=value)
            )
        return projects

    # ------------------------------------------------------------------ 3. partner search
    def assemble_team(self, project: Project) -> bool:
        """Fill the initiator's resource and knowledge gaps from neighbours, friends of friends
        and strangers; returns False (initiative abandoned) when no viable team forms."""
        p = self.params
        init = project.initiator
        if init.busy:
            return False
        # The gap and the offers are plain floats: this loop runs for every candidate.
        gap = list(project.required_list)
        own, own_total = init.commitment(gap, p.inkind_cost)
        if own_total <= 1e-9:  # nothing to put in (broke): as a candidate, it would not join
            self.tally["n_projects_abandoned"] += 1
            return False
        project.add_member(init, own, "self", 0.0, own_total)
        gap = _minus(gap, own)
        candidates = self._candidates(project, gap)
        order = self._rank(init, candidates, gap, project)
        max_team_size, inkind_cost = p.max_team_size, p.inkind_cost
        # The open need and the team's size change only when a member joins.
        still_needed, n_members = left_sum(gap), project.n
        for cand, origin, prior in order:
            if n_members >= max_team_size or still_needed <= 1e-9:
                break
            offer, offered = cand.commitment(gap, inkind_cost)
            if offered <= 1e-9:
                continue
            if not self._joins(cand, init, project, offer, offered, prior):
                continue
            project.add_member(cand, offer, origin, prior, offered)
            gap = _minus(gap, offer)
            still_needed = left_sum(gap)
            n_members += 1
            cand.busy = True
        # The initiator goes ahead only if its own expected share beats its outlay.
        viable = self._accepts(init, init, project, own, 0.0, initiator=True)
        if not viable:
            for m in project.members[1:]:
                m.busy = False
            self.tally["n_projects_abandoned"] += 1
            return False
        init.busy = True
        return True

    def _candidates(self, project: Project, gap: list[float]) -> list[tuple[Actor, str, float]]:
        """(candidate, origin, prior evidence) from the network, triadic closure, strangers,
        brokers and the platform. Strangers are sampled per kind, never by scanning all."""
        p, rng = self.params, self.rngs["search"]
        init = project.initiator
        index = self._index
        seen = {init.unique_id}
        out: list[tuple[Actor, str, float]] = []

        def add(actors: Iterable[Actor | None], origin: str, prior: float) -> None:
            """Keep each actor of ``actors`` not seen yet, idle and innovating, in order;
            ``None`` (an id not in the index) is skipped."""
            for a in actors:
                if a is None:
                    continue
                uid = a.unique_id
                if uid not in seen and not a.busy and a.kind in ACTOR_KINDS:
                    seen.add(uid)
                    out.append((a, origin, prior))

        stranger_prior = self.services.stranger_prior()
        # How many candidates a search looks at, with trust or without: trust changes which
        # actors are asked, not how widely an initiator searches (docs/model.md, 7.3).
        breadth = p.n_strangers + p.n_friends_of_friends + p.max_team_size
        if p.trust_on:  # known partners first, then friends of friends, then strangers
            neighbours = list(self.network.partners(init.unique_id))
            # An actor's ties leave the network with it, so every partner is in the index.
            add(map(index.get, neighbours), "direct", 0.0)
            if p.triadic_closure_on and neighbours and p.n_friends_of_friends:
                fof_list = self._friends_of_friends(init.unique_id, neighbours)
                k = min(p.n_friends_of_friends, len(fof_list))
                if k:  # rng.choice(len(fof_list), size=k, replace=False): the same draws
                    picks = sample_without_replacement(rng, len(fof_list), k)
                    # A friend of a friend has no tie yet: a stranger, with a stranger's prior
                    # (the platform's credibility monitoring in supermarket mode).
                    add([index[fof_list[i]] for i in picks], "direct", stranger_prior)
            # Strangers fill the places the network leaves, at least n_strangers of them: an
            # initiator with few ties searches as widely as under random choice, where it has
            # no trust to go on either. Until 2026-11-29 it screened n_strangers whatever its
            # ties, so newcomers searched a third as widely with trust on as with it off.
            k = max(p.n_strangers, breadth - len(out))
            screened = self._sample_strangers(gap, k, rng)
        else:
            # Random partner choice (DESIGN §5): no use of the network; everyone is a stranger
            # to be screened, as many as the search's breadth.
            screened = self._sample_uniform(breadth, rng)
        # Strangers and introductions come from the index by kind: no look-up needed.
        # Introductions first, so that an actor also screened keeps the introducer's prior.
        intros = self.services.introductions(project, gap, self.rngs["services"], exclude=seen)
        for a, origin, prior in intros:
            add([a], origin, prior)
        add(screened, "direct", stranger_prior)
        cost = p.search_cost * len(screened)  # every stranger screened costs a search
        self.tally["transaction_costs"] += cost
        self._pay(init, cost, "transaction_costs")
        return out

    def _friends_of_friends(self, uid: int, partners: list[int]) -> list[int]:
        """The actors triadic closure may ask: partners of ``uid``'s innovating partners that
        could join (idle innovating actors) and are not ``uid`` or its partners, sorted (the
        draw must not depend on the order of a set).

        Only innovating partners refer: a service institution's other clients are not friends
        of friends (brokers and platforms introduce strangers through their own channels), and
        those who could not join are left out before the draw, so that each of the
        ``n_friends_of_friends`` draws is someone to ask. Until 2026-11-29 the draw was over
        all partners' partners, institutions' clients, busy actors and own partners included,
        and triadic closure did not raise transitivity (docs/validation.md).
        """
        index, institutions = self._index, self._institutions
        fof = self.network.partners_of_any([j for j in partners if j not in institutions])
        fof.difference_update(partners)
        fof -= institutions
        fof.discard(uid)
        # Every tie's ends are in the index (an actor's ties leave with it).
        return sorted([j for j in fof if not index[j].busy])

    def _sample_uniform(self, k: int, rng: np.random.Generator) -> list[Actor]:
        """``k`` innovating actors drawn uniformly (with replacement) from the population.

        The kind of a draw is found with ``bisect_right`` on plain cumulative sizes, the same
        answer as ``np.searchsorted(..., side="right")`` without a numpy call per draw.
        """
        pools = [self._by_kind[kd] for kd in ACTOR_KINDS]
        bounds = list(accumulate(len(pool) for pool in pools))
        total = bounds[-1]
        if k <= 0 or total == 0:
            return []
        out = []
        for i in rng.integers(0, total, size=k).tolist():
            kind_i = bisect_right(bounds, i)
            start = bounds[kind_i - 1] if kind_i else 0
            out.append(pools[kind_i][i - start])
        return out

    def _sample_strangers(
        self, gap: list[float], k: int, rng: np.random.Generator, *, other_than: str | None = None
    ) -> list[Actor]:
        """``k`` random actors, each from a kind drawn in proportion to how well the kind's
        profile fills the gap (an index by kind: no scan of all agents); ``other_than``
        leaves one kind out (a broker's introductions cross organisational boundaries)."""
        if k <= 0:
            return []
        by_kind = self._by_kind
        kinds = [kd for kd in ACTOR_KINDS if by_kind[kd] and kd != other_than]
        if not kinds:
            return []
        g = [0.0 if x < 0.0 else x for x in gap]  # max(x, 0.0) without a call
        profiles = _scaled_profiles(self.params.project_size)
        fit = [_filled(profiles[kd], g) + 1e-3 for kd in kinds]
        total, cum, acc = left_sum(fit), [], 0.0
        for f in fit:
            acc += f / total
            cum.append(acc)
        # The last kind takes every draw above the bound before it, also one above the rounded
        # sum of the shares (which may fall short of 1).
        cum[-1] = float("inf")
        # The k kind draws, then the k member draws: one call of 2k uniforms gives the same
        # numbers, and leaves the generator in the same state, as two calls of k.
        draws = rng.random(2 * k).tolist()
        pools = [by_kind[kd] for kd in kinds]
        out = []
        for u, v in zip(draws[:k], draws[k:], strict=True):
            pool = pools[bisect_right(cum, u)]
            out.append(pool[int(v * len(pool))])
        return out

    @staticmethod
    def complementarity(cands: list[Actor], gap: list[float], fields: np.ndarray) -> list[float]:
        """How much of the gap (resources and knowledge fields) each candidate would fill, in
        [0, 1]: 3/4 resource fit plus 1/4 mean expertise in the project's fields."""
        g = [0.0 if x < 0.0 else x for x in gap]  # max(x, 0.0) without a call (inner loop)
        total, fl = left_sum(g), fields.tolist()
        n_fields = len(fl)
        out = []
        for c in cands:
            fit = _filled(c.resource_list, g) / total if total > 1e-9 else 0.0
            kn = c.knowledge_list
            know = 0.0
            for f in fl:  # left to right, as left_sum (one or two fields: no list, no call)
                know += kn[f]
            know /= n_fields
            out.append(0.75 * fit + 0.25 * know)
        return out

    def _rank(
        self,
        init: Actor,
        candidates: list[tuple[Actor, str, float]],
        gap: list[float],
        project: Project,
    ) -> list[tuple[Actor, str, float]]:
        """Order candidates by trust^β × complementarity × openness, or at random when trust
        is switched off (DESIGN §5)."""
        if not candidates:
            return []
        p = self.params
        if not p.trust_on:
            order = self.rngs["search"].permutation(len(candidates)).tolist()  # plain ints
            return [candidates[i] for i in order]
        cands = [c for c, _, _ in candidates]
        trusts = self.network.trusts_from(
            init.unique_id, [(c.unique_id, pr) for c, _, pr in candidates]
        )
        fits = self.complementarity(cands, gap, project.fields)
        beta = p.beta_trust
        scores = [
            (t * t if beta == 2.0 else t**beta) * f * c.openness  # t * t: what numpy does for 2
            for t, f, c in zip(trusts, fits, cands, strict=True)
        ]
        # Best first; a stable sort keeps the candidate order among equal scores.
        order = sorted(range(len(scores)), key=scores.__getitem__, reverse=True)
        return [candidates[i] for i in order if scores[i] > 0]

    def _expected_success(
        self, project: Project, extra: list[float] | None = None, joiner: Actor | None = None
    ) -> float:
        """Success probability a member can expect before the contract (no trust synergy), for
        the team as it stands plus ``extra`` resources and, if given, ``joiner`` (whose
        capability counts in the team's mean capability, as its resources count in ``extra``)."""
        p = self.params
        capability_sum, n = project.capability_sum, project.n
        if joiner is not None:
            capability_sum, n = capability_sum + joiner.capability, n + 1
        base = p.base_success * STAGE_SUCCESS[project.stage]
        if extra is not None:  # every candidate asked: coverage and success in one rule call
            return risk.joined_success_unchecked(
                project.committed,
                extra,
                project.required_list,
                project.weight_list,
                base,
                capability_sum / n,
                self.technology,
            )
        kappa = risk.coverage_unchecked(project.committed, project.required_list)
        return risk.expected_success_unchecked(
            base, kappa, project.weight_list, capability_sum / n, 0.0, p.synergy, self.technology
        )

    def _accepts(
        self,
        cand: Actor,
        init: Actor,
        project: Project,
        offer: list[float],
        prior: float,
        *,
        initiator: bool = False,
    ) -> bool:
        """A candidate's decision: trust in the initiator and expected share vs outside option."""
        if not initiator:
            return self._joins(cand, init, project, offer, left_sum(offer), prior)
        p = self.params
        offered = left_sum(offer)
        p_est = self._expected_success(project)
        total = project.committed_total
        share = offered / total if total > 0 else 0.0
        expected = p_est * project.value * self._conversion(project, cand) * share
        return cand.accepts(
            trust_in_initiator=1.0,
            threshold=None,
            expected_share=expected,
            outlay=outlay_from(offer[FUNDS], offered, p.inkind_cost),
            outside_option=p.outside_option,
        )

    def _joins(
        self,
        cand: Actor,
        init: Actor,
        project: Project,
        offer: list[float],
        offered: float,
        prior: float,
    ) -> bool:
        """:meth:`_accepts` for a candidate (not the initiator), given ``offered``, the
        ``left_sum`` of ``offer`` that partner search has already taken. Positional calls and
        the outlay from that sum: this runs for every candidate asked (~570 times a step)."""
        p = self.params
        p_est = self._expected_success(project, offer, cand)
        total = project.committed_total + offered
        share = offered / total if total > 0 else 0.0
        expected = p_est * project.value * self._conversion(project, cand) * share
        trust_in = self.network.trust(cand.unique_id, init.unique_id, prior)
        outlay = outlay_from(offer[FUNDS], offered, p.inkind_cost)
        threshold = p.trust_threshold if p.trust_on else None
        return cand.accepts(trust_in, threshold, expected, outlay, p.outside_option)

    # ------------------------------------------------------------------ 4. contract
    def write_contract(self, project: Project) -> None:
        """Strictness = 1 − mean pairwise trust; strict contracts fix shares by contribution (the
        units delivered) and pay monitoring; trusted teams negotiate (seed 002)."""
        p = self.params
        project.strictness = (  # a lone actor has no partner to guard against
            trust.contract_strictness_unchecked(self._mean_pair_trust(project))
            if project.n > 1
            else 0.0
        )
        if p.contract_mode == "strict":
            project.strict = True
        elif p.contract_mode == "negotiated":
            project.strict = False
        else:
            project.strict = project.n > 1 and project.strictness > p.strict_threshold
        if project.strict:
            cost = p.monitoring_cost * project.strictness * project.value
            self._charge_team(
                project,
                cost,
                project.commitment_totals,
                "transaction_costs",
            )
            self.tally["transaction_costs"] += cost
        if project.n > 1:  # a one-member project has no pairwise trust to be strict about
            self.tally["strictness"].append(project.strictness)
        self.tally["strict"] += int(project.strict)

    def _read_team_trust(self, project: Project) -> None:
        """The members' trust in each other, read once at the contract (nothing writes this
        team's ties before its trust update): ``project.trust_rows[a][b]``, member a's trust in
        b (a new tie: the pair's prior evidence; 0 on the diagonal), and
        ``project.mean_pair_trust``, the mean over the ordered pairs ``a != b`` (0 for a
        one-member team), rounded as ``numpy.mean`` rounds it."""
        if project.trust_rows is not None:
            return
        ids, pri, n = [m.unique_id for m in project.members], project.priors, project.n
        trusts_from = self.network.trusts_from
        rows, pairs = [], []
        for a, pa in enumerate(pri):  # a new tie's prior: max(pri[a], pri[b]), without a call
            row = trusts_from(
                ids[a], [(ids[b], pb if pb > pa else pa) for b, pb in enumerate(pri) if b != a]
            )
            pairs.extend(row)
            row.insert(a, 0.0)
            rows.append(row)
        project.trust_rows = rows
        project.mean_pair_trust = pairwise_sum(pairs) / len(pairs) if n > 1 else 0.0

    def _trust_matrix(self, project: Project) -> np.ndarray:
        """``tmat[a, b]``: member a's trust in member b (see :meth:`_read_team_trust`), as an
        array, made on first use: only the numpy Shapley values of teams above
        ``risk.PLAIN_COALITIONS_MAX`` members need it (everything else reads the plain rows)."""
        if project.tmat is None:
            self._read_team_trust(project)
            project.tmat = np.array(project.trust_rows)
        return project.tmat

    def _mean_pair_trust(self, project: Project) -> float:
        """Mean trust over the ordered pairs of members (see :meth:`_read_team_trust`)."""
        self._read_team_trust(project)
        return project.mean_pair_trust

    # ------------------------------------------------------------------ 5. pooling
    def pool_resources(self, project: Project) -> None:
        """Members deliver (opportunists may withhold), services add resources, members pay
        their outlays and makers receive subsidies."""
        p, rng = self.params, self.rngs["execution"]
        self._read_team_trust(project)
        rows, n = project.trust_rows, project.n
        delivered, withheld = [], []
        for idx, (m, c) in enumerate(zip(project.members, project.commitments, strict=True)):
            u = rng.random()
            # A member's mean trust in its teammates (the same pairwise trust as the contract's):
            # its row of the trust matrix summed as numpy's ``tmat.sum(axis=1)`` sums it.
            w = (
                p.opportunism_on
                and idx > 0
                and m.will_withhold(pairwise_sum(rows[idx]) / (n - 1), u)
            )
            withheld.append(w)
            delivered.append(c * 0.5 if w else c)
        project.delivered, project.withheld = delivered, withheld
        self.tally["n_withholdings"] += sum(withheld)
        # outlay_of(d) for each member, from the units and funds already at hand
        outlays = [
            outlay_from(d[FUNDS], units, p.inkind_cost)
            for d, units in zip(project.delivered_lists(), project.contribution_list(), strict=True)
        ]
        project.outlays = np.array(outlays)
        for m, cost in zip(project.members, outlays, strict=True):
            self._pay(m, cost, "project_spending")
        self.services.serve(project)
        grants = project.grants = [0.0] * project.n
        for idx, (m, cost) in enumerate(zip(project.members, outlays, strict=True)):
            if m.kind == "maker" and cost > 0:
                grant = min(self.subsidy_pool, p.subsidy_rate * self._policy(m) * cost)
                self.subsidy_pool -= grant
                m.wealth += grant
                grants[idx] = grant
                self.cum["cum_policy_spending"] += grant

    # ------------------------------------------------------------------ 6. execution
    def execute(self, project: Project) -> None:
        """Draw success from coverage, capability, trust synergy and technology (DESIGN §3.6)."""
        p = self.params
        external = project.external.tolist()
        total = [d + e for d, e in zip(project.delivered_totals(), external, strict=True)]
        # Unchecked rules: the inputs are valid by construction (non-negative resources).
        kappa_list = risk.coverage_unchecked(total, project.required_list)
        mean_trust = self._mean_pair_trust(project)
        cap = short_mean([m.capability for m in project.members])
        project.p_success = risk.expected_success_unchecked(
            p.base_success * STAGE_SUCCESS[project.stage],
            kappa_list,
            project.weight_list,
            cap,
            mean_trust,
            p.synergy,
            self.technology,
        )
        success, _ = risk.draw_success_unchecked(
            project.p_success, p.risk_spread * project.spread_factor, self.rngs["execution"]
        )
        project.success = bool(success)
        self.tally["coverage"].append(
            risk.coverage_index_unchecked(kappa_list, project.weight_list)
        )
        self.tally["equipment_coverage"].append(kappa_list[EQUIPMENT])
        if success:
            conv = self._conversion(project) + project.conversion_boost
            conv = min(1.0, conv) * (1.0 - p.imitation_rate * (1.0 - p.ip_protection))
            project.gross_return = project.value * conv
            self.flows["market_returns"] += project.gross_return
            self.tally["conversion"].append(conv)
        for m in project.members:
            if isinstance(m, MakerTeam):
                m.after_project(
                    success,
                    p.spirit_gain,
                    own=m is project.initiator,
                    per_stage=p.successes_per_stage,
                )

    def _conversion(self, project: Project, extra_member: Actor | None = None) -> float:
        p = self.params
        has_ent = project.has_enterprise or (
            extra_member is not None and extra_member.kind == "enterprise"
        )
        conversion = p.base_conversion + (p.enterprise_conversion_boost if has_ent else 0.0)
        return conversion if conversion < 1.0 else 1.0  # min(1.0, ·) without a call (inner loop)

    # ------------------------------------------------------------------ 7. risk
    def bear_risk(self, project: Project) -> None:
        """On failure, outlays are lost; the contract moves money so each member bears its agreed
        share; insurance and the fault-tolerance fund absorb part of makers' losses."""
        p = self.params
        # Plain floats and unchecked rules: the inputs are valid by construction.
        contrib = project.contribution_list()
        if project.strict or project.n == 1:
            shares = sharing.proportional_split_unchecked(1.0, contrib)
        else:  # negotiated: the less risk-averse and the larger contributors bear more
            appetite = [
                c * (1.0 - m.risk_aversion) + 1e-12
                for c, m in zip(contrib, project.members, strict=True)
            ]
            shares = sharing.proportional_split_unchecked(1.0, appetite)
        project.risk_shares = np.array(shares)
        if project.success:
            project.borne = project.loss_split = np.zeros(project.n)
            return
        outlays = project.outlays.tolist()
        loss = pairwise_sum(outlays)  # float(project.outlays.sum()), without numpy's call
        split = risk.split_loss_unchecked(loss, shares)
        for m, paid, owed in zip(project.members, outlays, split, strict=True):
            m.wealth += paid - owed  # transfers within the team; they sum to zero
        project.loss_split = np.array(split)
        project.borne = project.loss_split.copy()  # what insurance sees
        self.tally["losses"] += loss
        payouts = self.services.settle_failure(project).tolist()
        borne = [b - x for b, x in zip(split, payouts, strict=True)]  # after insurance
        for idx, m in enumerate(project.members):
            # The fund compensates what the maker lost: its borne loss less the subsidy it got
            # on this outlay (until 2026-11-29 the subsidy was not netted, so a failure could
            # leave a maker better off).
            uncovered = borne[idx] - (project.grants[idx] if project.grants else 0.0)
            if m.kind == "maker" and uncovered > 0:
                comp = min(self.fault_fund, p.fault_tolerance_share * self._policy(m) * uncovered)
                self.fault_fund -= comp
                m.wealth += comp
                borne[idx] -= comp
                self.cum["cum_fault_compensation"] += comp
                self.cum["cum_policy_spending"] += comp
        project.borne = np.array(borne)

    # ------------------------------------------------------------------ 8. benefits
    def distribute_benefits(self, project: Project) -> None:
        """Split net returns by the configured rule (strict contracts: by units delivered)."""
        p = self.params
        if not project.success:
            project.shares = np.zeros(project.n)
            return
        net = self.services.settle_success(project, project.gross_return)
        project.net_return = net
        rule = "proportional" if project.strict else p.sharing_rule
        # Plain floats and unchecked rules: the inputs are valid by construction.
        if project.n == 1:
            shares = [net]
        elif rule == "equal":
            shares = sharing.equal_split(net, project.n).tolist()
        elif rule == "proportional":
            shares = sharing.proportional_split_unchecked(net, project.contribution_list())
        elif rule in ("shapley", "risk_shapley"):
            fractions = self._shapley_fractions(project, risk_corrected=rule == "risk_shapley")
            shares = [net * f for f in fractions]
        else:  # nash
            d = (1.0 + p.outside_option) * project.outlays
            shares = (
                sharing.nash_split_unchecked(net, d.tolist())
                if net >= d.sum()
                else sharing.proportional_split_unchecked(net, d.tolist())
            )
        project.shares = np.array(shares)
        for m, s in zip(project.members, shares, strict=True):
            m.wealth += s
            m.record_outcome(True, s)
            self.cum[f"cum_returns_{m.kind}"] += s
        self.cum["cum_returns"] += project.gross_return

    def _shapley_fractions(self, project: Project, *, risk_corrected: bool) -> list[float]:
        """Fractions of the net return by Shapley value (optionally risk-corrected, seed 002's
        φ_i / v(N) + R_i − 1/n), summing to 1. The Shapley rules split by them and every
        member of a successful team judges fairness against the risk-corrected ones. A member
        with a negative value gets nothing rather than a bill (limited liability). Plain floats
        and unchecked rules: the inputs are valid by construction."""
        if project.n == 1:
            return [1.0]
        phi, grand = self.marginal_values(project)
        if grand <= 0:
            return sharing.proportional_split_unchecked(1.0, project.contribution_list())
        values = phi.tolist()
        if risk_corrected:
            values = sharing.risk_adjusted_shapley_unchecked(
                values, project.risk_shares.tolist(), grand
            )
        return [v / grand for v in sharing.limited_liability_unchecked(values)]

    def marginal_values(self, project: Project) -> tuple[np.ndarray, float]:
        """Shapley values φ of the members on v(S) = V × p(S) and the grand value v(N).

        p(S) comes from S's own delivered resources (plus the services'), capability and
        internal trust. Computed once per project: the Shapley rules split by it and every
        member judges fairness against it (:meth:`update_trust`).
        """
        if project.phi is not None:
            return project.phi, project.grand
        p = self.params
        n = project.n
        base = p.base_success * STAGE_SUCCESS[project.stage]
        # Per member: its delivered resources, its trust in each member, its capability (plain
        # floats, as pooling and the contract already read them).
        delivered = project.delivered_lists()
        self._read_team_trust(project)
        trust_rows = project.trust_rows
        caps = [m.capability for m in project.members]
        external = project.external.tolist()

        def successes(coalitions: list[tuple[int, ...]] | None = None) -> list[float]:
            """p(S) for every coalition by bitmask (or for the given ones), in plain floats."""
            return risk.coalition_successes_unchecked(
                base,
                delivered,
                trust_rows,
                caps,
                external,
                project.required_list,
                project.weight_list,
                p.synergy,
                self.technology,
                coalitions=coalitions,
            )

        if n <= min(p.shapley_exact_max, risk.PLAIN_COALITIONS_MAX):  # small teams, most teams
            table = [0.0, *[project.value * q for q in successes()]]
            project.phi = np.array(sharing.shapley_from_table_unchecked(table, n))
            project.grand = table[-1]
            return project.phi, project.grand
        if n <= p.shapley_exact_max:  # larger teams: numpy, every coalition at once
            # The same numbers as successes(), bit for bit (see coalition_successes_unchecked).
            d = len(project.required_list)
            tmat = self._trust_matrix(project)
            rows = np.column_stack([np.array(project.delivered), tmat, caps])
            masks = _coalition_masks(n)
            sizes = masks.sum(axis=1)
            sums = member_sums(masks, rows)  # masks @ rows, the same on every machine
            kappa = np.minimum((sums[:, :d] + project.external) / project.required[None, :], 1.0)
            inner = (sums[:, d : d + n] * masks).sum(axis=1)
            mt = np.where(sizes > 1, inner / np.maximum(sizes * (sizes - 1), 1), 0.0)
            table = np.zeros(2**n)  # v by coalition bitmask; v(empty) = 0
            table[1:] = project.value * risk.success_probabilities_unchecked(
                base, kappa, project.weights, sums[:, -1] / sizes, mt, p.synergy, self.technology
            )
            project.phi = sharing.shapley_from_table(table, n)
            project.grand = float(table[-1])
            return project.phi, project.grand
        cache: dict[frozenset[int], float] = {}  # sampled Shapley: coalitions on demand

        def v(s: frozenset[int]) -> float:
            if not s:
                return 0.0
            if s not in cache:
                cache[s] = project.value * successes([tuple(sorted(s))])[0]
            return cache[s]

        project.phi = sharing.shapley(v, n, samples=p.shapley_samples, rng=self.rngs["execution"])
        project.grand = v(frozenset(range(n)))
        return project.phi, project.grand

    # ------------------------------------------------------------------ 9. fairness and trust
    def update_trust(self, project: Project) -> None:
        """Perceived fairness, then evidence on every directed edge inside the team."""
        rng = self.rngs["execution"]
        n = project.n
        # Plain floats and unchecked rules: the inputs are valid by construction.
        if project.success:
            # What a member considers due is seed 002's fair share: what it added to the team's
            # prospects (its Shapley value) corrected for the share of the risk it carried.
            net = project.net_return
            due = [net * f for f in self._shapley_fractions(project, risk_corrected=True)]
            fairness = sharing.perceived_fairness_unchecked(project.shares.tolist(), due)
        else:
            # Judged on the partners' own split of the loss: what insurance or the fault fund
            # later made good is not something the partners gave each other.
            loss = pairwise_sum(project.outlays.tolist())  # as numpy's project.outlays.sum()
            contrib = project.contribution_list()
            due_loss = [loss * s for s in sharing.proportional_split_unchecked(1.0, contrib)]
            split = [x if x > 0.0 else 0.0 for x in project.loss_split.tolist()]  # np.maximum
            fairness = sharing.perceived_fairness_unchecked(due_loss, split)
        project.fairness = np.array(fairness)
        if n > 1:
            self.tally["fairness"].extend(fairness)
        detect_p = 1.0 if project.strict else 0.5
        detected = [w and rng.random() < detect_p for w in project.withheld]
        project.detected = detected
        if project.strict:
            self._penalise_withholders(project)
        if n > 1:
            self._record_evidence(
                project, [m.unique_id for m in project.members], fairness, detected
            )
        for b, m in enumerate(project.members):
            if detected[b]:
                self.services.publicise_defection(
                    m.unique_id, [o.unique_id for o in project.members if o is not m]
                )
            if not project.success:
                m.record_outcome(False, -float(project.borne[b]))
        self.services.record_service_ties(project)

    def _record_evidence(
        self, project: Project, ids: list[int], fairness: list[float], detected: list[bool]
    ) -> None:
        """Evidence on every directed edge ``a → b`` of the team: positive when the project
        succeeded, ``b`` was not caught withholding and ``a`` found its share fair; negative for
        a failure (blame), for ``b``'s detected withholding and for ``a``'s unfairness."""
        p = self.params
        # What a says about b: a's unfairness (1 - fairness) and b's blame and detection.
        unfair = [f < p.fairness_tolerance for f in fairness]
        unfairness = [1.0 - f if u else 0.0 for f, u in zip(fairness, unfair, strict=True)]
        blame = [(0.0 if project.success else p.failure_blame) + float(d) for d in detected]
        # How a new tie a → b began: how b was found, or else how a was (the initiator found
        # itself), or else directly.
        found = [o if o != "self" else None for o in project.origins]
        priors = project.priors
        ties, pos, neg = [], [], []
        for a, i in enumerate(ids):
            for b, j in enumerate(ids):
                if a == b:
                    continue
                origin = found[b] or found[a] or "direct"
                ties.append((i, j, origin, max(priors[a], priors[b])))
                good = project.success and not detected[b] and not unfair[a]
                pos.append(1.0 if good else 0.0)
                neg.append(blame[b] + unfairness[a])
        fresh = self.network.record_many(ties, pos, neg, step=self.steps)
        self.tally["new_stranger_ties"] += len(fresh)
        for k in fresh:
            self.tally[f"new_{ties[k][2]}_ties"] += 1
        # Repeat collaborations: the team's pairs (smaller id first) seen in an earlier team.
        history, pairs = self._pair_history, len(ids) * (len(ids) - 1) // 2
        known = len(history)
        history.update(combinations(sorted(ids), 2))
        self.tally["repeat_pairs"] += pairs - (len(history) - known)
        self.tally["pairs"] += pairs

    def _penalise_withholders(self, project: Project) -> None:
        detected = project.detected
        if not any(detected):  # the usual case: nobody was caught
            return
        p = self.params
        honest = [m for m, d in zip(project.members, detected, strict=True) if not d]
        if not honest:
            return
        totals = project.commitment_totals  # each commitment's units (left_sum, as booked)
        for m, units, d in zip(project.members, totals, detected, strict=True):
            if d:  # half the commitment was withheld
                fine = p.withholding_penalty * (units / 2.0)
                fine = min(fine, max(m.wealth, 0.0))
                m.wealth -= fine
                for h in honest:
                    h.wealth += fine / len(honest)

    def forget(self) -> None:
        """Evidence decays at rate λ (when decay is on); stale low-trust and forgotten edges go."""
        p = self.params
        self.network.decay_and_prune(
            rate=p.trust_decay if p.decay_on else 0.0,
            step=self.steps,
            prune_trust=p.prune_trust,
            prune_after=p.prune_after,
            min_evidence=p.min_evidence,
        )

    # ------------------------------------------------------------------ 10. lifecycle
    def lifecycle(self) -> None:
        """Upkeep, makerspace training, contests, spin-offs, exits of broke teams, entry."""
        p = self.params
        rng = self.rngs["lifecycle"]
        makers = self._by_kind["maker"]
        upkeep = p.maker_upkeep
        if upkeep and makers:  # _pay for every maker, inline: the same additions, in order
            booked = self.flows["upkeep"]
            for m in makers:
                m.wealth -= upkeep
                booked += upkeep
            self.flows["upkeep"] = booked
        if makers and p.training_capacity and p.training_intensity:
            for _uni in self._by_kind["university"]:
                k = min(p.training_capacity, len(makers))
                # rng.choice(len(makers), size=k, replace=False): the same draws, less set-up
                for i in sample_without_replacement(rng, len(makers), k):
                    m = makers[i]
                    m.train(p.training_intensity * self._policy(m))
        if self.steps % p.award_period == 0 and p.n_awards and makers:
            ranked = sorted(makers, key=lambda m: (-m.successes_since_award, m.unique_id))
            for m in ranked[: p.n_awards]:
                if m.successes_since_award == 0:
                    break
                prize = min(self.subsidy_pool, p.award_size)
                self.subsidy_pool -= prize
                m.wealth += prize
                self.cum["cum_policy_spending"] += prize
            for m in makers:
                m.successes_since_award = 0
        for m in list(makers):
            if m.stage == "venture" and m.wealth > 2.0 * p.spinoff_wealth > 0.0:
                m.wealth -= p.spinoff_wealth
                child = self._add_actor(
                    "maker",
                    rng,
                    region=m.region,
                    wealth=p.spinoff_wealth,
                    maker_spirit=m.maker_spirit,
                )
                self.network.seed_tie(
                    m.unique_id, child.unique_id, positive=2.0, step=self.steps, origin="spinoff"
                )
                self.network.seed_tie(
                    child.unique_id, m.unique_id, positive=2.0, step=self.steps, origin="spinoff"
                )
                self.tally["new_spinoffs"] += 1
                self.tally["new_makers_entered"] += 1
        for m in list(makers):
            if m.wealth < 0 and not self._rescue(m):
                self.flows["exit_wealth"] += m.wealth
                self._remove_actor(m)
                self.tally["new_makers_exited"] += 1
        spirit = float(np.mean([m.maker_spirit for m in makers])) if makers else 0.5
        incentive = self.entry_incentive()
        for _ in range(rng.poisson(p.entry_rate * p.n_makers * spirit * incentive)):
            self._add_actor("maker", rng, wealth=p.initial_maker_wealth)
            self.flows["entry_endowment"] += p.initial_maker_wealth
            self.tally["new_makers_entered"] += 1

    def entry_incentive(self) -> float:
        """Factor on the entry rate from policy (seed 000's training and incentives): 1, plus
        ``training_intensity`` where universities run makerspaces, plus up to ½ from contests,
        growing with the prizes of a contest relative to what a new team brings.

        Until 2026-11-29 training counted with no makerspace to train in, and any prize at all
        gave the full ½, so the size of the awards had no effect on entry.
        """
        p = self.params
        makerspaces = p.training_capacity > 0 and bool(self._by_kind["university"])
        training = p.training_intensity if makerspaces else 0.0
        prizes = p.award_size * p.n_awards
        contests = 0.5 * prizes / (prizes + p.initial_maker_wealth) if prizes > 0 else 0.0
        return 1.0 + training + contests

    def _rescue(self, maker: MakerTeam) -> bool:
        """Fault tolerance (seed 000): a broke team that has failed since its last rescue (the
        failure need not be what made it broke; docs/model.md, deviation 27) gets its debt paid
        and a restart grant of ``fault_tolerance_share`` × the initial endowment from the
        fault-tolerance fund, if the fund can pay it all."""
        p = self.params
        share = p.fault_tolerance_share * self._policy(maker)
        if share <= 0.0 or maker.failures <= maker.rescued_at_failures:
            return False
        grant = -maker.wealth + share * p.initial_maker_wealth
        if grant > self.fault_fund:
            return False
        self.fault_fund -= grant
        maker.wealth += grant
        maker.rescued_at_failures = maker.failures
        self.cum["cum_fault_compensation"] += grant
        self.cum["cum_policy_spending"] += grant
        self.tally["new_makers_rescued"] += 1
        return True

    # ------------------------------------------------------------------ 11. measure
    def measure(self) -> None:
        """Compute this step's outputs into ``self.metrics`` and collect them."""
        p = self.params
        t, m = self.tally, self.metrics
        makers = self._by_kind["maker"]
        m["n_makers_alive"] = len(makers)
        for key in (
            "new_makers_entered",
            "new_makers_exited",
            "new_makers_rescued",
            "new_spinoffs",
            "n_projects_abandoned",
            "n_withholdings",
            "new_brokered_ties",
            "new_platform_ties",
            "new_stranger_ties",
        ):
            m[key] = t[key]
        stages = defaultdict(int)
        for mk in makers:
            stages[mk.stage] += 1
        for s in STAGES:
            m[f"n_makers_stage_{s}"] = stages[s]
        m["mean_maker_spirit"] = _mean([mk.maker_spirit for mk in makers])
        m["mean_maker_capability"] = _mean([mk.capability for mk in makers])
        m["mean_maker_wealth"] = _mean([mk.wealth for mk in makers])
        started = len(self.projects)
        succeeded = sum(pr.success for pr in self.projects)
        m["n_projects_started"] = started
        m["n_projects_succeeded"] = succeeded
        m["n_projects_failed"] = started - succeeded
        m["success_rate"] = succeeded / started if started else 0.0
        self.cum["cum_projects_started"] += started
        self.cum["cum_projects_succeeded"] += succeeded
        m["mean_team_size"] = _mean([pr.n for pr in self.projects])
        m["mean_coverage"] = _mean(t["coverage"])
        m["mean_equipment_coverage"] = _mean(t["equipment_coverage"])
        m["share_repeat_collaborations"] = t["repeat_pairs"] / t["pairs"] if t["pairs"] else 0.0
        m["new_returns"] = sum(pr.gross_return for pr in self.projects)
        m["new_losses"] = t["losses"]
        m["transaction_costs"] = t["transaction_costs"]
        self.cum["cum_transaction_costs"] += t["transaction_costs"]
        m["conversion_rate"] = _mean(t["conversion"])
        m["gini_wealth"] = metrics.gini([a.wealth for k in ACTOR_KINDS for a in self._by_kind[k]])
        m["mean_contract_strictness"] = _mean(t["strictness"])
        m["share_strict_contracts"] = t["strict"] / started if started else 0.0
        m["mean_fairness"] = _mean(t["fairness"])
        # Network: cheap statistics every step, structure every `metrics_every` steps.
        m.update(self.network.stats())
        if self.steps % p.metrics_every == 0 or not self._structure_cache:
            u, v = self.network.undirected_pairs(kinds=ACTOR_KINDS)  # ties among innovators
            self._structure_cache = metrics.structure_from_edges(
                self._innovator_ids(), u, v, path_samples=p.path_samples, rng=self.rngs["measure"]
            )
        m.update(self._structure_cache)
        m.update(self.services.report())
        for key in (
            "cum_returns",
            "cum_projects_started",
            "cum_projects_succeeded",
            "cum_transaction_costs",
            "cum_policy_spending",
            "cum_fault_compensation",
        ):
            m[key] = self.cum[key]
        for k in ACTOR_KINDS:  # service institutions earn fees (revenue_*), not returns
            m[f"cum_returns_{k}"] = self.cum[f"cum_returns_{k}"]
        u1, u2 = self.subsystem_indices()
        m["u1_maker"], m["u2_innovation"] = u1, u2
        _, _, d = coupling.coupling_coordination(u1, u2)
        m["coupling_coordination"] = d
        m["coupling_grade"] = coupling.coordination_grade(d)
        self.datacollector.collect(self)

    def subsystem_indices(self) -> tuple[float, float]:
        """U1 (maker subsystem) and U2 (S&T innovation subsystem), each in [0, 1].

        U1 = mean of: makers alive relative to the initial number (capped at 1), mean maker
        spirit, and the share of makers beyond the idea stage.
        U2 = mean of: this step's success rate, conversion rate, and giant-component share.
        """
        m, p = self.metrics, self.params
        alive = m["n_makers_alive"]
        beyond = 1.0 - m["n_makers_stage_idea"] / alive if alive else 0.0
        u1 = (min(1.0, alive / p.n_makers) + m["mean_maker_spirit"] + beyond) / 3.0
        u2 = (m["success_rate"] + m["conversion_rate"] + m["giant_component_share"]) / 3.0
        return float(np.clip(u1, 0, 1)), float(np.clip(u2, 0, 1))

    # ------------------------------------------------------------------ helpers
    def _reset_tally(self) -> None:
        self.flows = defaultdict(float)
        self.tally = defaultdict(int)
        for key in ("strictness", "coverage", "equipment_coverage", "conversion", "fairness"):
            self.tally[key] = []
        self.tally["transaction_costs"] = 0.0
        self.tally["losses"] = 0.0

    def _policy(self, actor: Actor) -> float:
        """Policy strength where ``actor`` is (weaker in the lagging region)."""
        return self.params.lagging_policy_factor if actor.region == "lagging" else 1.0

    def _pay(self, actor: Actor, amount: float, flow: str) -> None:
        """Money leaving the system (spending, costs, upkeep), booked under ``flow``."""
        if amount:
            actor.wealth -= amount
            self.flows[flow] += amount

    def _charge_team(
        self, project: Project, amount: float, weights: list[float], flow: str
    ) -> None:
        parts = sharing.proportional_split_unchecked(amount, weights)  # weights >= 0
        for m, part in zip(project.members, parts, strict=True):
            self._pay(m, part, flow)

    def _create_population(self) -> None:
        p, rng = self.params, self.rngs["init"]
        for kind, n in (
            ("maker", p.n_makers),
            ("university", p.n_universities),
            ("enterprise", p.n_enterprises),
        ):
            for _ in range(n):
                wealth = p.initial_maker_wealth if kind == "maker" else p.initial_org_wealth
                self._add_actor(kind, rng, wealth=wealth)

    def _add_actor(
        self,
        kind: str,
        rng: np.random.Generator,
        *,
        wealth: float,
        region: str | None = None,
        maker_spirit: float | None = None,
    ) -> Actor:
        """Create an actor with resources drawn around its kind's profile."""
        p = self.params
        if region is None:
            region = "lagging" if rng.random() < p.share_lagging else "leading"
        factor = p.lagging_resource_factor if region == "lagging" else 1.0
        unit = p.project_size / 4.0
        resources = RESOURCE_PROFILE[kind] * unit * factor * rng.lognormal(0.0, 0.35, 4)
        state = dict(
            region=region,
            resources=resources,
            capability=float(rng.beta(2, 3) if kind == "maker" else rng.beta(4, 2)),
            knowledge=rng.beta(1.2, 2.0, N_FIELDS),
            wealth=wealth,
            openness=float(rng.beta(4, 2)),
            risk_aversion=float(rng.beta(2, 2)),
            opportunism=float(rng.beta(1.5, 6)),
        )
        if kind == "maker":
            spirit = maker_spirit if maker_spirit is not None else float(rng.beta(3, 2))
            agent = MakerTeam(self, maker_spirit=spirit, **state)
        else:
            agent = ACTOR_CLASSES[kind](self, **state)
        self._register(agent)
        return agent

    def add_service(self, service: str, *, capacity: int, wealth: float) -> ServiceInstitution:
        """Create a service institution (used by :class:`~abm.services.ServiceDesk`)."""
        rng = self.rngs["init"]
        inst = ServiceInstitution(
            self,
            service=service,
            capacity=capacity,
            region="leading",
            capability=0.8,
            knowledge=np.zeros(N_FIELDS),
            wealth=wealth,
            openness=1.0,
            risk_aversion=float(rng.beta(2, 2)),
            opportunism=0.0,
        )
        self._register(inst)
        return inst

    def _register(self, agent: Actor) -> None:
        self._by_kind[agent.kind].append(agent)
        self._index[agent.unique_id] = agent
        if agent.kind not in ACTOR_KINDS:
            self._institutions.add(agent.unique_id)
        self.network.add_actor(agent.unique_id, agent.kind)

    def _remove_actor(self, agent: Actor) -> None:
        agent.alive = False
        self._by_kind[agent.kind].remove(agent)
        del self._index[agent.unique_id]
        self._institutions.discard(agent.unique_id)
        self.network.remove_actor(agent.unique_id)
        agent.remove()


def _mean(values: list[float]) -> float:
    return float(np.mean(values)) if len(values) else 0.0


__all__ = ["InnovationModel", "Project"]
