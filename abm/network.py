"""The trust network: a directed graph of beta-reputation evidence (DESIGN §2, §3.9).

Edge ``i → j`` holds what ``i`` has seen of ``j``: positive evidence ``r``, negative
evidence ``s``, ``trust = (r+1)/(r+s+2)``, the number of joint projects, the last interaction
step, the trust stage and how the tie began (``direct``, ``brokered`` or ``platform``). No Mesa
here: the graph is keyed by the agents' ``unique_id`` and the model keeps it in step with the
agents.
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

from abm.rules.trust import beta_trust, trust_stage

ORIGINS: tuple[str, ...] = ("direct", "brokered", "platform", "spinoff")


class TrustNetwork:
    """Owns the ``networkx.DiGraph`` and every change to its trust evidence."""

    def __init__(
        self,
        *,
        consolidation_trust: float,
        cooperation_trust: float,
        consolidation_projects: int,
        cooperation_projects: int,
    ) -> None:
        self.graph = nx.DiGraph()
        self._stage_kw = dict(
            consolidation_trust=consolidation_trust,
            cooperation_trust=cooperation_trust,
            consolidation_projects=consolidation_projects,
            cooperation_projects=cooperation_projects,
        )
        #: Public negative evidence about an actor (supermarket platform reputation).
        self.public_negative: dict[int, float] = {}

    # --- nodes ------------------------------------------------------------------------------
    def add_actor(self, uid: int, kind: str) -> None:
        self.graph.add_node(uid, kind=kind)

    def remove_actor(self, uid: int) -> None:
        if uid in self.graph:
            self.graph.remove_node(uid)
        self.public_negative.pop(uid, None)

    # --- reading ----------------------------------------------------------------------------
    def trust(self, i: int, j: int, prior_positive: float = 0.0) -> float:
        """``i``'s trust in ``j``; with no edge, the beta prior plus ``prior_positive`` evidence
        (brokered or platform introductions) and any public negative evidence about ``j``."""
        data = self.graph.get_edge_data(i, j)
        if data is not None:
            return data["trust"]
        return beta_trust(prior_positive, self.public_negative.get(j, 0.0))

    def partners(self, i: int) -> Iterable[int]:
        """Actors ``i`` has a tie to (its successors)."""
        return self.graph.successors(i)

    def has_tie(self, i: int, j: int) -> bool:
        return self.graph.has_edge(i, j)

    # --- writing ----------------------------------------------------------------------------
    def record(
        self,
        i: int,
        j: int,
        *,
        positive: float,
        negative: float,
        step: int,
        origin: str = "direct",
        prior_positive: float = 0.0,
    ) -> None:
        """Add one joint project's evidence to edge ``i → j`` (creating it if new)."""
        g = self.graph
        data = g.get_edge_data(i, j)
        if data is None:
            g.add_edge(
                i,
                j,
                r=prior_positive,
                s=self.public_negative.get(j, 0.0),
                n_projects=0,
                origin=origin,
                first_step=step,
            )
            data = g[i][j]
        data["r"] += positive
        data["s"] += negative
        data["n_projects"] += 1
        data["last_step"] = step
        self._refresh(data)

    def add_negative_to_all(self, j: int, amount: float) -> None:
        """Public defection (platform reputation): everyone's view of ``j`` gets worse."""
        self.public_negative[j] = self.public_negative.get(j, 0.0) + amount
        for i in list(self.graph.predecessors(j)):
            data = self.graph[i][j]
            data["s"] += amount
            self._refresh(data)

    def seed_tie(self, i: int, j: int, *, positive: float, step: int, origin: str) -> None:
        """A tie that starts with prior evidence but no joint project (e.g. a spin-off's parent)."""
        if not self.graph.has_edge(i, j):
            self.graph.add_edge(
                i,
                j,
                r=positive,
                s=0.0,
                n_projects=0,
                origin=origin,
                first_step=step,
                last_step=step,
            )
            self._refresh(self.graph[i][j])

    def shock(self, amount: float) -> None:
        """A scandal: every edge's trust drops by about ``amount`` (as added negative evidence)."""
        if not 0.0 <= amount <= 1.0:
            raise ValueError(f"trust shock amount must be in [0, 1], got {amount!r}")
        for _, _, data in self.graph.edges(data=True):
            target = max(data["trust"] - amount, 0.01)
            # Solve (r+1)/(r+s'+2) = target for the negative evidence s'.
            data["s"] = max(data["s"], (data["r"] + 1.0) / target - data["r"] - 2.0)
            self._refresh(data)

    def decay_and_prune(
        self, *, rate: float, step: int, prune_trust: float, prune_after: int, min_evidence: float
    ) -> int:
        """Forget evidence at ``rate`` and drop forgotten or stale low-trust edges.

        Returns the number of edges removed. One pass over the edges per step.
        """
        keep = 1.0 - rate
        doomed = []
        for i, j, data in self.graph.edges(data=True):
            if rate > 0.0:
                data["r"] *= keep
                data["s"] *= keep
                self._refresh(data)
            stale = step - data["last_step"] > prune_after
            if data["r"] + data["s"] < min_evidence or (stale and data["trust"] < prune_trust):
                doomed.append((i, j))
        self.graph.remove_edges_from(doomed)
        return len(doomed)

    def _refresh(self, data: dict) -> None:
        data["trust"] = beta_trust(data["r"], data["s"])
        data["stage"] = trust_stage(data["trust"], data["n_projects"], **self._stage_kw)
