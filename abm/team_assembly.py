"""Team self-assembly validation model after Guimerà, Uzzi, Spiro & Amaral (2005).

A benchmark for the project's network code: a published model whose qualitative result is known,
run with the same tools (Mesa, networkx, :mod:`abm.metrics`, named random streams) as the
innovation model. Reference: R. Guimerà, B. Uzzi, J. Spiro, L. A. N. Amaral, "Team assembly
mechanisms determine collaboration network structure and team performance", *Science* 308:697–702
(2005), doi:10.1126/science.1106340 (author manuscript PMC2128751).

Rules, as implemented (one step = one team):

1. A team of ``team_size`` (the paper's *m*) members forms, slot by slot.
2. Each slot, the first one included, is filled by an *incumbent* (an agent who took part in an
   earlier team and has not retired) with probability ``p``; otherwise a *newcomer* is created
   and joins. The paper: "each agent in a team has a probability p of being drawn from the pool
   of incumbents and a probability 1 − p of being drawn from the pool of newcomers".
3. For an incumbent slot, when the team already holds at least one incumbent: with probability
   ``q`` the slot goes to a past collaborator of an incumbent already on the team (first one of
   those incumbents at random, then one of its collaborators at random); otherwise, and always
   while the team holds no incumbent yet, to an incumbent drawn uniformly from all incumbents.
   This is the paper's rule as summarised in its Fig. 2 legend and restated in the NetLogo
   library's documentation of its adaptation ("an incumbent will be chosen at random from the
   pool of previous collaborators of an incumbent already on the team").
4. All members of the team are linked pairwise. Links are classified when the team forms, with
   the paper's four types: newcomer–newcomer, newcomer–incumbent, incumbent–incumbent (first
   time) and repeat incumbent–incumbent (the two had a link already).
5. Agents inactive for more than ``max_downtime`` (the paper's τ) steps retire: they and their
   links leave the network. The paper motivates this by agents ageing, retiring or changing
   careers, uses it so that the network reaches a steady state, and reports that its results do
   not depend on the value of τ (details in its supporting material, which we have not read).

Sources actually read for these rules: the paper's abstract and the start of its Fig. 2 legend
(PubMed 15860629 / PMC2128751); the NetLogo Models Library page "Team Assembly" (its description
text only; its code's licence forbids copying and none was copied); secondary notes that quote
the paper's full text, in the repository filipinascimento/scisci-wiki (concepts/methods/
inactive_agent_turnover_rule.md on τ, concepts/measures/team_link_type_composition.md on the
link types, concepts/mechanisms/collaboration_percolation_transition.md on the critical line
p_c(m, q)).

Where the paper (as far as we could read it) is silent, we chose:

* Initial condition: one seed team of ``team_size`` agents linked pairwise at step 0; they are
  the first incumbents. (The paper's Fig. 2A starts from a small existing network of
  incumbents.) The seed team's links are not counted in the link-type tallies.
* Not enough incumbents: cannot happen here. The previous team's m members are always active
  incumbents at the start of a step (idle 0 steps), so at least one incumbent is outside the
  team for every slot. (The code would fill such a slot with a newcomer.)
* A past-collaborator draw that finds none (every collaborator of every incumbent on the team is
  already on it, or they have none) falls back to a uniform incumbent.
* An agent that joins in step t is idle ``t' − t`` steps at the end of step t' and retires at the
  end of the first step where that exceeds ``max_downtime``. Newcomers become incumbents from the
  next step on.
* "Active agents" are the agents not retired; the network holds exactly them, so
  ``giant_component_share`` is the largest component of the active network over its size.

Speed: incumbents sit in a list with swap-removal (uniform draws in O(1)); retirement uses
buckets keyed by an agent's last active step, so no step scans all agents. A run of 5,000 teams
of 4 takes about a second.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import mesa
import networkx as nx
import pandas as pd

from abm.metrics import giant_component_share
from abm.params import ParamsBase, ParamSpec, meta
from abm.params import check_names as _check_names
from abm.reporters import metric_getter, run_headless
from abm.streams import resolve_seed, stream

__all__ = [
    "DEFAULT_PLOT_REPORTERS",
    "LINK_TYPES",
    "REPORTERS",
    "Member",
    "TeamAssemblyModel",
    "TeamAssemblyParams",
    "check_names",
    "param_specs",
    "run",
]

SOURCE = "Guimerà, Uzzi, Spiro & Amaral, Science 308:697 (2005)"

#: Link types of the paper, in display order: newcomer–newcomer, newcomer–incumbent,
#: incumbent–incumbent (first collaboration), repeat incumbent–incumbent.
LINK_TYPES: tuple[str, ...] = ("nn", "ni", "ii", "repeat")

_LINK_MEANING = {
    "nn": "newcomer–newcomer",
    "ni": "newcomer–incumbent",
    "ii": "incumbent–incumbent (first time)",
    "repeat": "repeat incumbent–incumbent",
}

#: Every output of the model with its one-line meaning (row 0 of a run is the seed team).
REPORTERS: dict[str, str] = {
    "giant_component_share": "Largest connected component of active agents / active agents",
    "n_active": "Agents not retired at the end of the step",
    "mean_degree": "Mean number of distinct collaborators of active agents",
    "new_members": "Newcomers who joined this step's team",
    "new_retired": "Agents retired at the end of this step",
    "cum_retired": "Agents retired since step 0",
    **{f"new_{t}": f"{_LINK_MEANING[t]} pairs in this step's team" for t in LINK_TYPES},
    **{
        f"share_{t}": f"Share of this step's team pairs that are {_LINK_MEANING[t]} (0 if none)"
        for t in LINK_TYPES
    },
    **{f"cum_{t}": f"{_LINK_MEANING[t]} pairs in all teams since step 1" for t in LINK_TYPES},
    **{
        f"cum_share_{t}": f"Share of all team pairs since step 1 that are {_LINK_MEANING[t]}"
        for t in LINK_TYPES
    },
}


#: Reporters the experiment runner plots when a spec names none.
DEFAULT_PLOT_REPORTERS: tuple[str, ...] = (
    "giant_component_share",
    "n_active",
    "mean_degree",
    "cum_share_repeat",
)


# ---------------------------------------------------------------------------- parameters
@dataclass(frozen=True, slots=True)
class TeamAssemblyParams(ParamsBase):
    """Parameters of the team-assembly model (the paper's m, p, q and τ).

    Construct with keywords; unknown names and values outside the metadata range raise
    ``ValueError`` naming the field, the value and the allowed range.
    """

    team_size: int = field(
        default=4,
        metadata=meta(
            "Team size m",
            2,
            50,
            step=1,
            unit="agents",
            group="Population",
            role="setup",
            help="Members of every team (the paper's m).",
            source=SOURCE,
        ),
    )
    p: float = field(
        default=0.6,
        metadata=meta(
            "Incumbent probability p",
            0.0,
            1.0,
            step=0.01,
            group="Partner search",
            help="Probability that a team slot is filled by an incumbent rather than a newcomer.",
            source=SOURCE,
        ),
    )
    q: float = field(
        default=0.5,
        metadata=meta(
            "Repeat-collaboration probability q",
            0.0,
            1.0,
            step=0.01,
            group="Partner search",
            help=(
                "Probability that an incumbent slot goes to a past collaborator of an incumbent "
                "already on the team rather than to a random incumbent."
            ),
            source=SOURCE,
        ),
    )
    max_downtime: int = field(
        default=40,
        metadata=meta(
            "Maximum downtime τ",
            0,
            100_000,
            step=1,
            unit="steps",
            group="Population",
            help="Agents idle for more than this many steps (teams) retire with their links.",
            source=SOURCE,
        ),
    )

    model_name = "team_assembly"


def param_specs() -> list[ParamSpec]:
    """Metadata of every parameter of the team-assembly model, in declaration order."""
    return TeamAssemblyParams.specs()


def check_names(names: Any) -> None:
    """Raise ``ValueError`` for any name that is not a parameter, suggesting the closest one."""
    _check_names(names, TeamAssemblyParams)


# ---------------------------------------------------------------------------- model
class Member(mesa.Agent):
    """A practitioner: joined in step ``born``, last in a team in step ``last_active``."""

    def __init__(self, model: TeamAssemblyModel, born: int) -> None:
        super().__init__(model)
        self.born = born
        self.last_active = born
        self.n_teams = 0


class TeamAssemblyModel(mesa.Model):
    """One team per step from newcomers and incumbents; links between all team members.

    Args:
        params: a :class:`TeamAssemblyParams` (default: its defaults).
        rng: the run's seed (an int). ``None`` draws one from OS entropy and records it in
            ``self.seed`` so the run can be repeated.
        scenario: accepted for Mesa's SolaraViz, which may pass its own object; ignored. This
            model has no named scenarios, so a string is an error.
        **overrides: parameter values replacing those of ``params``.

    Attributes:
        graph: the active collaboration network (``networkx.Graph`` keyed by ``unique_id``;
            edges carry ``n_teams`` and ``last_step``).
        last_team: unique ids of the latest team's members, in slot order.
        last_team_newcomer: for each of them, whether it joined as a newcomer.
        metrics: the reporters of the latest step (see :data:`REPORTERS`).
    """

    def __init__(
        self,
        params: TeamAssemblyParams | None = None,
        *,
        rng: int | None = None,
        scenario: Any = None,
        **overrides: Any,
    ) -> None:
        if isinstance(scenario, str):
            raise ValueError(
                f"scenario {scenario!r}: the team_assembly model has no named scenarios"
            )
        base = TeamAssemblyParams() if params is None else params
        if not isinstance(base, TeamAssemblyParams):
            raise ValueError(
                f"params must be a TeamAssemblyParams instance, got {type(base).__name__}"
            )
        self.params: TeamAssemblyParams = base.replace(**overrides) if overrides else base
        self.seed = resolve_seed(rng)
        super().__init__(rng=self.seed)
        # Separate streams: slot kind (incumbent or newcomer) and which incumbent, so changing
        # how incumbents are chosen (q) never shifts the newcomer/incumbent draws.
        self._slot_rng = stream(self.seed, "team_slots")
        self._pick_rng = stream(self.seed, "team_picks")

        self.graph: nx.Graph = nx.Graph()
        self._members: dict[int, Member] = {}
        self._pool: list[int] = []  # active incumbents, for uniform draws
        self._pos: dict[int, int] = {}  # uid → index in _pool
        self._by_last_active: dict[int, list[int]] = defaultdict(list)
        self._cum = dict.fromkeys(LINK_TYPES, 0)
        self._cum_retired = 0
        self.last_team: list[int] = []
        self.last_team_newcomer: list[bool] = []
        self.metrics: dict[str, Any] = {}

        self._seed_team()
        self.datacollector = mesa.DataCollector(
            model_reporters={name: metric_getter(name) for name in REPORTERS}
        )
        self.datacollector.collect(self)

    # ------------------------------------------------------------------ public API
    def reporters(self) -> pd.DataFrame:
        """All reporters so far, one row per step (row 0 is the seed team)."""
        df = self.datacollector.get_model_vars_dataframe()
        df.index.name = "step"
        return df

    def member(self, uid: int) -> Member:
        """The active agent with ``unique_id == uid`` (``KeyError`` if retired or unknown)."""
        return self._members[uid]

    @property
    def n_active(self) -> int:
        """Number of agents not retired."""
        return len(self._members)

    # ------------------------------------------------------------------ the step
    def step(self) -> None:
        """Assemble one team, link its members, retire idle agents, measure."""
        t = self.steps
        team, newcomer = self._assemble()
        counts = self._link(team, newcomer, t)
        retired = self._retire(t)
        self._measure(counts, n_new=sum(newcomer), n_retired=retired)
        self.datacollector.collect(self)

    # ------------------------------------------------------------------ internals
    def _seed_team(self) -> None:
        """Step 0: one team of newcomers, linked pairwise; not counted in link tallies."""
        m = self.params.team_size
        team = [self._new_member(0) for _ in range(m)]
        self._link(team, [True] * m, 0)
        self._measure(dict.fromkeys(LINK_TYPES, 0), n_new=m, n_retired=0, count=False)

    def _new_member(self, t: int) -> int:
        agent = Member(self, born=t)
        uid = agent.unique_id
        self._members[uid] = agent
        self.graph.add_node(uid)
        return uid

    def _assemble(self) -> tuple[list[int], list[bool]]:
        """Fill the team's slots; newcomers are created but join the pool only afterwards."""
        p, q = self.params.p, self.params.q
        team: list[int] = []
        newcomer: list[bool] = []
        in_team: set[int] = set()
        incumbents: list[int] = []  # incumbents already on the team
        for _ in range(self.params.team_size):
            uid = None
            if self._slot_rng.random() < p:
                if incumbents and self._pick_rng.random() < q:
                    uid = self._pick_collaborator(incumbents, in_team)
                if uid is None:
                    uid = self._pick_incumbent(in_team, len(incumbents))
            if uid is None:
                team.append(self._new_member(self.steps))
                newcomer.append(True)
            else:
                team.append(uid)
                newcomer.append(False)
                incumbents.append(uid)
            in_team.add(team[-1])
        return team, newcomer

    def _pick_incumbent(self, in_team: set[int], n_in_team: int) -> int | None:
        """A uniform incumbent not on the team (rejection sampling), or None if there is none."""
        n = len(self._pool)
        if n - n_in_team <= 0:
            return None
        rng = self._pick_rng
        while True:
            uid = self._pool[int(rng.random() * n)]
            if uid not in in_team:
                return uid

    def _pick_collaborator(self, incumbents: list[int], in_team: set[int]) -> int | None:
        """A random collaborator (not on the team) of a random incumbent on the team."""
        rng = self._pick_rng
        adj = self.graph.adj
        options = [[v for v in adj[u] if v not in in_team] for u in incumbents]
        options = [o for o in options if o]
        if not options:
            return None
        chosen = options[int(rng.random() * len(options))]
        return chosen[int(rng.random() * len(chosen))]

    def _link(self, team: list[int], newcomer: list[bool], t: int) -> dict[str, int]:
        """Classify and add the team's pairwise links; mark members active; grow the pool."""
        g = self.graph
        counts = dict.fromkeys(LINK_TYPES, 0)
        for i in range(len(team)):
            a = team[i]
            for j in range(i + 1, len(team)):
                b = team[j]
                if newcomer[i] and newcomer[j]:
                    kind = "nn"
                elif newcomer[i] or newcomer[j]:
                    kind = "ni"
                else:
                    kind = "repeat" if g.has_edge(a, b) else "ii"
                counts[kind] += 1
                if kind == "repeat":
                    data = g.edges[a, b]
                    data["n_teams"] += 1
                    data["last_step"] = t
                else:
                    g.add_edge(a, b, n_teams=1, last_step=t)
        for uid, new in zip(team, newcomer, strict=True):
            agent = self._members[uid]
            agent.last_active = t
            agent.n_teams += 1
            self._by_last_active[t].append(uid)
            if new:  # becomes an incumbent from the next step on
                self._pos[uid] = len(self._pool)
                self._pool.append(uid)
        self.last_team = list(team)
        self.last_team_newcomer = list(newcomer)
        return counts

    def _retire(self, t: int) -> int:
        """Retire agents whose last team was more than ``max_downtime`` steps ago."""
        s = t - self.params.max_downtime - 1
        bucket = self._by_last_active.pop(s, None)
        if not bucket:
            return 0
        n = 0
        for uid in bucket:
            agent = self._members.get(uid)
            if agent is None or agent.last_active != s:
                continue  # active again since (listed in a later bucket) or already gone
            del self._members[uid]
            self.graph.remove_node(uid)
            i = self._pos.pop(uid)
            last = self._pool.pop()
            if last != uid:
                self._pool[i] = last
                self._pos[last] = i
            agent.remove()
            n += 1
        self._cum_retired += n
        return n

    def _measure(
        self, counts: dict[str, int], *, n_new: int, n_retired: int, count: bool = True
    ) -> None:
        if count:
            for k in LINK_TYPES:
                self._cum[k] += counts[k]
        g = self.graph
        n = g.number_of_nodes()
        pairs = sum(counts.values())
        cum_pairs = sum(self._cum.values())
        mt = self.metrics
        mt["giant_component_share"] = giant_component_share(g)
        mt["n_active"] = n
        mt["mean_degree"] = 2.0 * g.number_of_edges() / n if n else 0.0
        mt["new_members"] = n_new
        mt["new_retired"] = n_retired
        mt["cum_retired"] = self._cum_retired
        for k in LINK_TYPES:
            mt[f"new_{k}"] = counts[k]
            mt[f"share_{k}"] = counts[k] / pairs if pairs else 0.0
            mt[f"cum_{k}"] = self._cum[k]
            mt[f"cum_share_{k}"] = self._cum[k] / cum_pairs if cum_pairs else 0.0


def run(
    params: TeamAssemblyParams | None = None,
    *,
    rng: int | None = None,
    steps: int = 100,
    **overrides: Any,
) -> pd.DataFrame:
    """Run the team-assembly model headless; one row per step (row 0: the seed team).

    Args:
        params: base parameters (default: :class:`TeamAssemblyParams` defaults).
        rng: the run's seed; the same seed and parameters give an identical frame.
        steps: number of teams to assemble (>= 0).
        **overrides: parameter values replacing those of ``params``.

    Returns:
        DataFrame indexed by ``step`` with the columns of :data:`REPORTERS`;
        ``df.attrs`` holds ``seed`` and ``params``.
    """
    return run_headless(lambda: TeamAssemblyModel(params, rng=rng, **overrides), steps)
