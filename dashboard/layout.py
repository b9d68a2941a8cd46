"""Incremental, stable layout of the trust network.

Rules (never a full re-layout per frame):

* An actor without ties waits on an outer ring, at a slot fixed when it appears.
* The first time an actor gets a tie it moves into the disc, next to its placed partners (or to
  a free spot when none of them is placed yet), and a few seeded force-directed iterations
  settle **only the newcomers**: they are pushed away from every placed actor and pulled towards
  their partners. This is ``networkx.spring_layout(pos=..., fixed=old_nodes)`` restricted to the
  new nodes and vectorised, so its cost grows with (new nodes × placed nodes), not (nodes²).
* Once placed an actor never moves again, so the picture stays readable while it grows.
  :meth:`IncrementalLayout.tidy` is an explicit, on-demand re-layout (a warm-started
  ``networkx.spring_layout``) behind a button.
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np

RING_RADIUS = 1.12  # waiting ring, just outside the unit disc where placed actors live
GOLDEN_ANGLE = math.pi * (3.0 - math.sqrt(5.0))
MAX_REPULSORS = 400  # fixed actors pushing newcomers away (a seeded sample beyond this)


class IncrementalLayout:
    """Positions of actors, kept between frames.

    Args:
        seed: seed of the jitter and free-spot draws (same seed, same history → same picture).
        iterations: force iterations for newcomers per update.
    """

    def __init__(self, seed: int = 0, iterations: int = 12) -> None:
        self.rng = np.random.default_rng(seed)
        self.iterations = iterations
        self.pos: dict[int, np.ndarray] = {}
        self.placed: set[int] = set()  # in the disc (ever had a tie)
        self._ring_slots = 0

    # ------------------------------------------------------------------ public
    def update(self, graph: nx.Graph) -> dict[int, np.ndarray]:
        """Bring positions up to date with ``graph``; returns the position dict (uid → xy)."""
        nodes = graph.nodes
        for uid in [u for u in self.pos if u not in nodes]:
            del self.pos[uid]
            self.placed.discard(uid)
        newcomers = []
        for uid in nodes:
            has_ties = graph.degree(uid) > 0
            if uid not in self.pos and not has_ties:
                self.pos[uid] = self._ring_slot()
            elif uid not in self.placed and has_ties:
                newcomers.append(uid)
        if newcomers:
            self._place(graph, newcomers)
        return self.pos

    def tidy(self, graph: nx.Graph, iterations: int = 50, seed: int = 0) -> None:
        """On-demand re-layout: actors with ties are laid out afresh in the disc (warm start
        from their current positions); placed actors that have lost every tie go back to the
        waiting ring, as if they had never had one.

        The layout is scaled so that nine in ten actors lie within 0.85 of the centre and the
        rest are pulled onto the rim: a far-off group or a lone pair must not squeeze everyone
        else into a dot (scaling by the largest coordinate did, and the dot stayed).
        """
        und = graph.to_undirected(as_view=True) if graph.is_directed() else graph
        placed = [u for u in graph.nodes if u in self.placed]
        tied = [u for u in placed if und.degree(u) > 0]
        for u in placed:
            if und.degree(u) == 0:
                self.placed.discard(u)
                self.pos[u] = self._ring_slot()
        if len(tied) < 3:
            return
        new = nx.spring_layout(
            und.subgraph(tied),
            pos={u: self.pos[u] for u in tied},
            iterations=iterations,
            seed=seed,
            k=self._spacing(),
        )
        xy = np.array([new[u] for u in tied])
        xy -= np.median(xy, axis=0)
        radius = np.sqrt((xy * xy).sum(axis=1))
        scale = float(np.quantile(radius, 0.9)) or 1.0
        xy = self._clip(xy * (0.85 / scale), radius=0.97)
        for u, p in zip(tied, xy, strict=True):
            self.pos[u] = p

    def array(self, uids: list[int] | np.ndarray) -> np.ndarray:
        """Positions of ``uids`` as an (n, 2) float array."""
        if len(uids) == 0:
            return np.zeros((0, 2))
        return np.array([self.pos[int(u)] for u in uids], dtype=float)

    # ------------------------------------------------------------------ internals
    def _ring_slot(self) -> np.ndarray:
        angle = self._ring_slots * GOLDEN_ANGLE
        self._ring_slots += 1
        r = RING_RADIUS + 0.04 * ((self._ring_slots * 7) % 5) / 4
        return np.array([r * math.cos(angle), r * math.sin(angle)])

    def _spacing(self) -> float:
        # Natural distance between actors so that the placed ones fill the unit disc.
        return 1.6 / math.sqrt(max(len(self.placed), 25))

    def _place(self, graph: nx.Graph, newcomers: list[int]) -> None:
        und = graph.to_undirected(as_view=True) if graph.is_directed() else graph
        spacing = self._spacing()
        # Place newcomers with the most placed partners first, so chains of newcomers end up
        # next to each other (one sort, not a search per newcomer).
        order = sorted(
            newcomers,
            key=lambda u: (-sum(1 for v in und.adj[u] if v in self.placed), u),
        )
        for uid in order:
            partners = [v for v in und.adj[uid] if v in self.placed]
            if partners:
                centre = np.mean([self.pos[v] for v in partners], axis=0)
            else:
                centre = self._free_spot()
            jitter = self.rng.normal(0.0, 0.5 * spacing, size=2)
            self.pos[uid] = self._clip(centre + jitter)
            self.placed.add(uid)
        self._relax(und, order, spacing)

    def _free_spot(self) -> np.ndarray:
        r = 0.85 * math.sqrt(self.rng.random())
        a = self.rng.random() * 2 * math.pi
        return np.array([r * math.cos(a), r * math.sin(a)])

    def _relax(self, und: nx.Graph, new: list[int], k: float) -> None:
        """Fruchterman–Reingold iterations moving only ``new`` (others fixed)."""
        new_set = set(new)
        others = [u for u in self.placed if u not in new_set]
        new_xy = np.array([self.pos[u] for u in new], dtype=float)
        # Repulsion from every fixed actor costs (new × fixed) per iteration; beyond
        # MAX_REPULSORS fixed actors a seeded sample stands in (scaled up to the same total).
        repulsors = others
        weight = 1.0
        if len(others) > MAX_REPULSORS:
            pick = self.rng.choice(len(others), size=MAX_REPULSORS, replace=False)
            repulsors = [others[i] for i in np.sort(pick)]
            weight = len(others) / MAX_REPULSORS
        fixed_xy = np.array([self.pos[u] for u in repulsors], dtype=float).reshape(-1, 2)
        n_fixed = len(fixed_xy)
        index = {u: i for i, u in enumerate(new)}
        # Attraction edges: (new index, partner xy source) — partners may be new or fixed.
        pairs_new, pairs_other = [], []
        for u in new:
            for v in und.adj[u]:
                if v in index:
                    pairs_new.append((index[u], index[v]))
                elif v in self.placed:
                    pairs_other.append((index[u], v))
        other_src = np.array([i for i, _ in pairs_other], dtype=int)
        other_xy = np.array([self.pos[v] for _, v in pairs_other], dtype=float).reshape(-1, 2)
        nn = np.array(pairs_new, dtype=int).reshape(-1, 2)
        temperature = 0.5 * k
        for _ in range(self.iterations):
            everyone = np.vstack([fixed_xy, new_xy]) if len(fixed_xy) else new_xy
            delta = new_xy[:, None, :] - everyone[None, :, :]  # (n_new, n_all, 2)
            dist2 = np.einsum("ijk,ijk->ij", delta, delta) + 1e-9
            scale = (k * k) / dist2
            if weight != 1.0:
                scale[:, :n_fixed] *= weight
            force = np.einsum("ijk,ij->ik", delta, scale)  # repulsion
            if len(other_xy):
                d = other_xy - new_xy[other_src]
                dist = np.sqrt((d * d).sum(axis=1, keepdims=True)) + 1e-9
                np.add.at(force, other_src, d * dist / k)
            if len(nn):
                d = new_xy[nn[:, 1]] - new_xy[nn[:, 0]]
                dist = np.sqrt((d * d).sum(axis=1, keepdims=True)) + 1e-9
                np.add.at(force, nn[:, 0], d * dist / k)
            length = np.sqrt((force * force).sum(axis=1, keepdims=True)) + 1e-9
            new_xy = new_xy + force / length * np.minimum(length, temperature)
            new_xy = self._clip(new_xy)
            temperature *= 0.8
        for u, p in zip(new, new_xy, strict=True):
            self.pos[u] = p

    @staticmethod
    def _clip(xy: np.ndarray, radius: float = 1.0) -> np.ndarray:
        xy = np.asarray(xy, dtype=float)
        r = np.sqrt((xy * xy).sum(axis=-1, keepdims=True))
        return np.where(r > radius, xy * radius / np.maximum(r, 1e-12), xy)
