"""Innovating actors: maker teams, universities and enterprises (DESIGN §2).

Agents hold state and make their own decisions (how much to commit, whether to accept an offer,
how training and outcomes change them). Anything involving several agents (partner search,
contracts, sharing) is the model's job, done with the pure rules of :mod:`abm.rules`.
"""

from __future__ import annotations

from typing import Any

import mesa
import numpy as np

from abm.kinds import ORG_PROJECT_STAGE, STAGES
from abm.rules import left_sum
from abm.rules.risk import RESOURCE_DIMS

FUNDS = 0  # index of the funds dimension in resource vectors


class Actor(mesa.Agent):
    """Common state of every actor (DESIGN §2).

    Attributes:
        kind: one of :data:`abm.kinds.KINDS`.
        region: ``"leading"`` or ``"lagging"``.
        resources: capacity per step over (funds, equipment, talent, information); a read-only
            vector, changed by assigning a new one (see :attr:`resource_list`).
        resource_list: the same as plain floats, for partner search (kept by the setter).
        capability: technical competence in [0, 1].
        knowledge: expertise per field in [0, 1], read only like ``resources``.
        knowledge_list: the same as plain floats (kept by the setter).
        wealth: cash position (money units).
        openness, risk_aversion, opportunism: behavioural traits in [0, 1].
    """

    kind: str = "actor"

    def __init__(
        self,
        model: mesa.Model,
        *,
        region: str,
        resources: np.ndarray,
        capability: float,
        knowledge: np.ndarray,
        wealth: float,
        openness: float,
        risk_aversion: float,
        opportunism: float,
    ) -> None:
        super().__init__(model)
        self.region = region
        self.resources = resources
        self.capability = float(capability)
        self.knowledge = knowledge
        self.wealth = float(wealth)
        self.openness = float(openness)
        self.risk_aversion = float(risk_aversion)
        self.opportunism = float(opportunism)
        self.alive = True
        self.busy = False  # already in a project this step
        self.n_projects = 0
        self.n_successes = 0
        self.returns = 0.0

    @property
    def resources(self) -> np.ndarray:
        """Capacity per step per resource dimension (a read-only vector)."""
        return self._resources

    @resources.setter
    def resources(self, value: np.ndarray | list[float]) -> None:
        # Partner search reads every candidate's resources as plain floats: the list is made
        # here, once per change, and the vector is read only, so that no edit in place can
        # leave the list stale (change a resource by assigning a new vector).
        self._resources = _read_only(value)
        self.resource_list: list[float] = self._resources.tolist()

    @property
    def knowledge(self) -> np.ndarray:
        """Expertise per knowledge field (a read-only vector)."""
        return self._knowledge

    @knowledge.setter
    def knowledge(self, value: np.ndarray | list[float]) -> None:
        self._knowledge = _read_only(value)  # read only, as resources (see there)
        self.knowledge_list: list[float] = self._knowledge.tolist()

    @property
    def project_stage(self) -> str:
        """Stage of the projects this actor initiates."""
        return ORG_PROJECT_STAGE[self.kind]

    def initiative(self) -> float:
        """Propensity in [0, 1] to start a project (scaled by the opportunity rate)."""
        return self.capability

    def commitment(self, gap: list[float], inkind_cost: float) -> tuple[list[float], float]:
        """Resources offered towards ``gap`` and their total units (``left_sum`` of the offer):
        what it has, limited to what it can pay for.

        Funds cost one money unit each and other resources ``inkind_cost``; an actor never commits
        more than its cash can cover (a broke actor commits nothing). Plain floats, written out
        for the four resource dimensions (the unpacking checks the lengths), and the total
        handed back: partner search asks every candidate, and a loop over ``zip`` cost twice as
        much.
        """
        r0, r1, r2, r3 = self.resource_list
        g0, g1, g2, g3 = gap
        # min(r, max(g, 0.0)) per dimension, without calls: a need already met asks for nothing
        g0 = 0.0 if g0 < 0.0 else g0
        g1 = 0.0 if g1 < 0.0 else g1
        g2 = 0.0 if g2 < 0.0 else g2
        g3 = 0.0 if g3 < 0.0 else g3
        offer = [
            g0 if g0 < r0 else r0,
            g1 if g1 < r1 else r1,
            g2 if g2 < r2 else r2,
            g3 if g3 < r3 else r3,
        ]
        units = left_sum(offer)
        cost = outlay_from(offer[FUNDS], units, inkind_cost)
        cash = 0.0 if self.wealth < 0.0 else self.wealth  # max(wealth, 0.0)
        if cost > cash:
            scale = cash / cost if cost > 0 else 0.0
            offer = [o * scale for o in offer]
            units = left_sum(offer)
        return offer, units

    def accepts(
        self,
        trust_in_initiator: float,
        threshold: float | None,
        expected_share: float,
        outlay: float,
        outside_option: float,
    ) -> bool:
        """Join if trust clears the threshold (``None``: trust ignored) and the expected share
        beats the outlay plus the outside option's return on it. Positional arguments are
        allowed: partner search asks every candidate."""
        if threshold is not None and trust_in_initiator < threshold:
            return False
        return expected_share >= (1.0 + outside_option) * outlay

    def will_withhold(self, mean_trust_in_team: float, u: float) -> bool:
        """Opportunism: withhold with probability ``opportunism × (1 − trust)`` (``u`` uniform)."""
        return u < self.opportunism * (1.0 - mean_trust_in_team)

    def record_outcome(self, success: bool, payoff: float) -> None:
        """Book a finished project (``payoff``: money received from the split)."""
        self.n_projects += 1
        self.n_successes += int(success)
        self.returns += payoff

    def describe(self) -> dict[str, Any]:
        """State for the dashboard's hover and inspector."""
        return {
            "id": self.unique_id,
            "kind": self.kind,
            "region": self.region,
            "wealth": round(self.wealth, 3),
            "capability": round(self.capability, 3),
            "resources": {
                d: round(float(v), 3) for d, v in zip(RESOURCE_DIMS, self.resources, strict=True)
            },
            "openness": round(self.openness, 3),
            "risk_aversion": round(self.risk_aversion, 3),
            "opportunism": round(self.opportunism, 3),
            "n_projects": self.n_projects,
            "n_successes": self.n_successes,
            "returns": round(self.returns, 3),
            "alive": self.alive,
        }


def _read_only(values: np.ndarray | list[float]) -> np.ndarray:
    """A read-only float copy of ``values`` (the caller's array is left as it is)."""
    arr = np.array(values, dtype=float)
    arr.flags.writeable = False
    return arr


def outlay_of(commitment: np.ndarray | list[float], inkind_cost: float) -> float:
    """Cash cost of a commitment: funds at face value, other resources at ``inkind_cost``."""
    c = commitment.tolist() if isinstance(commitment, np.ndarray) else commitment
    return outlay_from(float(c[FUNDS]), float(left_sum(c)), inkind_cost)


def outlay_from(funds: float, units: float, inkind_cost: float) -> float:
    """:func:`outlay_of` given the commitment's funds and its total units (for partner search,
    which has the total already: every candidate is asked)."""
    return funds + inkind_cost * (units - funds)


class MakerTeam(Actor):
    """A maker team: rich in ideas and talent, poor in funds and equipment (seed 000)."""

    kind = "maker"

    def __init__(
        self, model: mesa.Model, *, maker_spirit: float, stage: str = "idea", **state: Any
    ) -> None:
        super().__init__(model, **state)
        if stage not in STAGES:
            raise ValueError(f"stage {stage!r} is not one of {STAGES}")
        self.maker_spirit = float(maker_spirit)
        self.stage = stage
        self.failures = 0
        self.stage_successes = 0  # own successes at the current stage
        self.rescued_at_failures = 0  # failures count at the last fault-tolerance rescue
        self.successes_since_award = 0
        self.born_step = model.steps

    @property
    def project_stage(self) -> str:
        return self.stage

    def initiative(self) -> float:
        return self.maker_spirit

    def advance_stage(self) -> None:
        """Move one stage along idea → prototype → R&D → transfer → venture (venture stays)."""
        self.stage = STAGES[min(STAGES.index(self.stage) + 1, len(STAGES) - 1)]

    def after_project(
        self, success: bool, spirit_gain: float, *, own: bool = True, per_stage: int = 1
    ) -> None:
        """Success lifts maker spirit and, on the team's own project, counts towards the next
        stage (``per_stage`` successes per stage); failure dents maker spirit by half as much."""
        if success:
            if own:  # helping in a partner's project teaches, but does not move our product on
                self.stage_successes += 1
                if self.stage_successes >= per_stage:
                    self.stage_successes = 0
                    self.advance_stage()
            self.successes_since_award += 1
            self.maker_spirit = min(1.0, self.maker_spirit + spirit_gain)
        else:
            self.failures += 1
            self.maker_spirit = max(0.0, self.maker_spirit - spirit_gain / 2.0)

    def train(self, intensity: float) -> None:
        """Makerspace training (seed 003): capability and maker spirit move toward 1."""
        self.capability += intensity * (1.0 - self.capability)
        self.maker_spirit += 0.5 * intensity * (1.0 - self.maker_spirit)

    def describe(self) -> dict[str, Any]:
        d = super().describe()
        d.update(stage=self.stage, maker_spirit=round(self.maker_spirit, 3), failures=self.failures)
        return d


class University(Actor):
    """A university: talent, equipment and knowledge; hosts a makerspace (seed 003)."""

    kind = "university"


class Enterprise(Actor):
    """An enterprise: funds and market access; the main body of innovation (seed 004)."""

    kind = "enterprise"


ACTOR_CLASSES: dict[str, type[Actor]] = {
    "maker": MakerTeam,
    "university": University,
    "enterprise": Enterprise,
}
