"""The trust network: directed ties with beta-reputation evidence (DESIGN §2, §3.9, seed 002).

Edge ``i → j`` holds what ``i`` has seen of ``j``: positive evidence ``r``, negative
evidence ``s``, ``trust = (r+1)/(r+s+2)``, the number of joint projects, the first and last
interaction steps, the trust stage and how the tie began (``direct``, ``brokered``,
``platform``, ``spinoff``). No Mesa here: ties are keyed by the agents' ``unique_id`` and the
model keeps them in step with the agents.

Storage is columnar (one numpy array per edge attribute, a slot per edge, freed slots reused)
so that forgetting, pruning and the per-step network statistics are vectorised: a Python loop
over every edge every step was the model's main cost (see docs/performance.md). Adjacency dicts
give O(1) lookups for partner search. :attr:`TrustNetwork.graph` materialises the same ties as
a ``networkx.DiGraph`` (cached until the next change) for analysis and the dashboard.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import networkx as nx
import numpy as np

from abm.rules.trust import (
    TRUST_STAGES,
    beta_trust_unchecked,
    check_stage_thresholds,
    trust_stage_code_unchecked,
    trust_stage_codes_unchecked,
)

ORIGINS: tuple[str, ...] = ("direct", "brokered", "platform", "spinoff")
_ORIGIN_CODE = {o: i for i, o in enumerate(ORIGINS)}


Evidence = Sequence[float] | np.ndarray | float
"""Evidence for a batch of ties: one number per tie (a list or a vector), or one for all."""


def _per_tie(evidence: Evidence, n: int) -> Sequence[float]:
    """Evidence for each of ``n`` ties: a list as it is, a vector as plain floats, one number
    repeated."""
    if isinstance(evidence, list | tuple):
        return evidence
    if isinstance(evidence, np.ndarray) and evidence.ndim == 1:
        return evidence.tolist()
    return [evidence] * n


class TrustNetwork:
    """Owns every tie of the trust network and every change to its evidence."""

    def __init__(
        self,
        *,
        consolidation_trust: float,
        cooperation_trust: float,
        consolidation_projects: int,
        cooperation_projects: int,
        kinds: tuple[str, ...] = (),
        capacity: int = 1024,
    ) -> None:
        self.kinds = tuple(kinds)
        self._kind_code: dict[str, int] = {k: i for i, k in enumerate(self.kinds)}
        self.node_kind: dict[int, str] = {}
        self._out: dict[int, dict[int, int]] = {}  # i -> {j: slot}
        self._in: dict[int, dict[int, int]] = {}  # j -> {i: slot}
        self._free: list[int] = []
        self._alloc(capacity)
        self._version = 0
        self._graph_cache: tuple[int, nx.DiGraph] | None = None
        #: Public negative evidence about an actor (supermarket platform reputation).
        self.public_negative: dict[int, float] = {}
        self.set_stage_thresholds(
            consolidation_trust=consolidation_trust,
            cooperation_trust=cooperation_trust,
            consolidation_projects=consolidation_projects,
            cooperation_projects=cooperation_projects,
        )

    def _alloc(self, capacity: int) -> None:
        old = getattr(self, "alive", None)
        n_old = 0 if old is None else len(old)
        specs = {
            "src": np.int64,
            "dst": np.int64,
            "src_kind": np.int8,
            "dst_kind": np.int8,
            "r": float,
            "s": float,
            "trust_arr": float,
            "n_projects": np.int32,
            "first_step": np.int32,
            "last_step": np.int32,
            "origin": np.int8,
            "stage": np.int8,
            "alive": bool,
        }
        for name, dtype in specs.items():
            arr = np.zeros(capacity, dtype=dtype)
            if old is not None:
                arr[:n_old] = getattr(self, name)
            setattr(self, name, arr)
        self._free.extend(range(capacity - 1, n_old - 1, -1))

    # --- nodes ------------------------------------------------------------------------------
    def add_actor(self, uid: int, kind: str) -> None:
        """Add an actor without ties (``ValueError`` if ``uid`` is already in the network)."""
        if uid in self.node_kind:
            raise ValueError(f"actor {uid} is already in the trust network")
        if kind not in self._kind_code:
            self._kind_code[kind] = len(self.kinds)
            self.kinds = (*self.kinds, kind)
        self.node_kind[uid] = kind
        self._out[uid] = {}
        self._in[uid] = {}
        self._version += 1

    def remove_actor(self, uid: int) -> None:
        """Remove an actor and every tie to or from it."""
        if uid not in self.node_kind:
            return
        # A self-loop is both an out- and an in-edge: listed once, in first place.
        slots = dict.fromkeys([*self._out[uid].values(), *self._in[uid].values()])
        self._drop(np.array(list(slots), dtype=np.int64))
        del self._out[uid], self._in[uid], self.node_kind[uid]
        self.public_negative.pop(uid, None)
        self._version += 1

    def __contains__(self, uid: int) -> bool:
        return uid in self.node_kind

    @property
    def n_nodes(self) -> int:
        return len(self.node_kind)

    @property
    def n_edges(self) -> int:
        return len(self.alive) - len(self._free)

    # --- reading ----------------------------------------------------------------------------
    def trust(self, i: int, j: int, prior_positive: float = 0.0) -> float:
        """``i``'s trust in ``j``; with no edge, the beta prior plus ``prior_positive`` evidence
        (brokered or platform introductions) and any public negative evidence about ``j``."""
        out_i = self._out.get(i)
        slot = None if out_i is None else out_i.get(j)
        if slot is not None:
            return self.trust_arr.item(slot)  # a Python float, as float(trust_arr[slot])
        return (prior_positive + 1.0) / (prior_positive + self.public_negative.get(j, 0.0) + 2.0)

    def trusts_from(self, i: int, others: Iterable[tuple[int, float]]) -> list[float]:
        """:meth:`trust` of ``i`` in each ``(j, prior_positive)``, in one call (partner search
        reads a whole candidate list at once)."""
        out_i, trust_arr, public = self._out.get(i, {}), self.trust_arr, self.public_negative
        values = []
        for j, prior in others:
            slot = out_i.get(j)
            if slot is not None:
                values.append(trust_arr.item(slot))
            else:
                values.append((prior + 1.0) / (prior + public.get(j, 0.0) + 2.0))
        return values

    def partners(self, i: int) -> Iterable[int]:
        """Actors ``i`` has a tie to (its successors), in order of tie creation."""
        return self._out.get(i, {}).keys()

    def partners_of_any(self, ids: Iterable[int]) -> set[int]:
        """Every actor that one of ``ids`` has a tie to: the union of their :meth:`partners`
        (an actor's friends of friends when ``ids`` are its partners).

        One ``set.union`` over the adjacency dicts themselves, which it reads with their stored
        hashes: faster than a union of ``partners`` views (partner search asks it every search).
        """
        out = self._out
        return set().union(*[out.get(j, ()) for j in ids])

    def has_tie(self, i: int, j: int) -> bool:
        return j in self._out.get(i, ())

    def edge(self, i: int, j: int) -> dict[str, object] | None:
        """Attributes of edge ``i → j`` as a dict (``None`` if there is no such edge)."""
        slot = self._out.get(i, {}).get(j)
        return None if slot is None else self._edge_dict(slot)

    def _edge_dict(self, slot: int) -> dict[str, object]:
        return {
            "r": float(self.r[slot]),
            "s": float(self.s[slot]),
            "trust": float(self.trust_arr[slot]),
            "n_projects": int(self.n_projects[slot]),
            "first_step": int(self.first_step[slot]),
            "last_step": int(self.last_step[slot]),
            "stage": TRUST_STAGES[self.stage[slot]],
            "origin": ORIGINS[self.origin[slot]],
        }

    def live_slots(self) -> np.ndarray:
        """Slots of the live edges (indices into the attribute arrays)."""
        return np.flatnonzero(self.alive)

    # --- writing ----------------------------------------------------------------------------
    def _new_edge(self, i: int, j: int, *, r: float, step: int, origin: str) -> int:
        """A new edge ``i → j`` with prior evidence ``r`` (see :meth:`_new_edges`)."""
        return self._new_edges([(i, j, origin, r)], step=step)[0]

    def _new_edges(self, ties: list[tuple[int, int, str, float]], *, step: int) -> list[int]:
        """New edges ``i → j`` for ``(i, j, origin, prior evidence)``, in that order; ``j``'s
        public record (platform reputation) is each one's starting negative evidence. Their
        trust and stage are left to the caller's :meth:`_refresh`, after any evidence it adds.

        The slots are those that creating the edges one by one would take (free slots, last
        freed first; more allocated when none is left), so the slot order, which sets the
        order of the vectorised sums over edges, does not depend on the batching. The
        attributes are written slot by slot: a team creates a handful of edges at a time, for
        which a scalar write costs far less than a numpy call."""
        free, slots = self._free, []
        while len(slots) < len(ties):
            if not free:
                self._alloc(2 * len(self.alive))
            cut = max(len(free) - (len(ties) - len(slots)), 0)  # pop the free slots from the end
            slots += free[cut:][::-1]
            del free[cut:]
        code, kind, public = self._kind_code, self.node_kind, self.public_negative
        out, into = self._out, self._in
        src, dst, src_kind, dst_kind = self.src, self.dst, self.src_kind, self.dst_kind
        r, s, n_projects, origin_code = self.r, self.s, self.n_projects, self.origin
        first, last, alive = self.first_step, self.last_step, self.alive
        for (i, j, origin, prior), slot in zip(ties, slots, strict=True):
            src[slot], dst[slot] = i, j
            src_kind[slot], dst_kind[slot] = code[kind[i]], code[kind[j]]
            r[slot], s[slot], n_projects[slot] = prior, public.get(j, 0.0), 0
            first[slot] = last[slot] = step
            origin_code[slot] = _ORIGIN_CODE[origin]
            alive[slot] = True
            out[i][j] = into[j][i] = slot
        return slots

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
        self.record_many([(i, j, origin, prior_positive)], [positive], [negative], step=step)

    def record_many(
        self,
        ties: list[tuple[int, int, str, float]],
        positive: Evidence,
        negative: Evidence,
        *,
        step: int,
    ) -> list[int]:
        """:meth:`record` for distinct ties at once (every ordered pair of a team).

        ``ties`` holds ``(i, j, origin, prior_positive)``; ``origin`` and the prior only matter
        for a tie that is new. Ties are created in the given order, then updated.
        ``positive`` and ``negative`` hold the evidence per tie, or one number for all.

        Returns the positions in ``ties`` of the ties that were new. The ties are updated one
        by one in plain floats (a team has at most a few dozen): the same IEEE operations as
        :meth:`_refresh` on arrays, so the same bits, without numpy's per-call cost.
        """
        if len({(i, j) for i, j, _, _ in ties}) != len(ties):
            raise ValueError(
                "record_many needs distinct ties (a tie listed twice would count once)"
            )
        out = self._out
        slots = [out[i].get(j) for i, j, _, _ in ties]
        fresh = [k for k, slot in enumerate(slots) if slot is None]
        if fresh:
            new = self._new_edges([ties[k] for k in fresh], step=step)
            for k, slot in zip(fresh, new, strict=True):
                slots[k] = slot
        pos, neg = _per_tie(positive, len(ties)), _per_tie(negative, len(ties))
        r_col, s_col, n_col, last = self.r, self.s, self.n_projects, self.last_step
        trust_col, stage_col, limits = self.trust_arr, self.stage, self._stage_limits
        for slot, add_r, add_s in zip(slots, pos, neg, strict=True):
            r, s, n = r_col.item(slot) + add_r, s_col.item(slot) + add_s, n_col.item(slot) + 1
            r_col[slot], s_col[slot], n_col[slot], last[slot] = r, s, n, step
            trust = beta_trust_unchecked(r, s)
            trust_col[slot], stage_col[slot] = trust, trust_stage_code_unchecked(trust, n, *limits)
        self._version += 1
        return fresh

    def add_negative_to_all(
        self, j: int, amount: float, *, except_from: Iterable[int] = ()
    ) -> None:
        """Public defection (platform reputation): everyone's view of ``j`` gets worse, except
        the views of ``except_from``, who saw the defection themselves and have recorded it."""
        self.public_negative[j] = self.public_negative.get(j, 0.0) + amount
        skip = set(except_from)
        into = self._in.get(j, {})
        slots = np.fromiter((s for i, s in into.items() if i not in skip), dtype=np.int64)
        if len(slots):
            self.s[slots] += amount
            self._refresh(slots)
            self._version += 1

    def seed_tie(self, i: int, j: int, *, positive: float, step: int, origin: str) -> None:
        """A tie that starts with prior evidence but no joint project (e.g. a spin-off's parent)."""
        if j not in self._out[i]:
            slot = self._new_edge(i, j, r=positive, step=step, origin=origin)  # + public record
            self._refresh(np.array([slot]))
            self._version += 1

    def shock(self, amount: float) -> None:
        """A scandal: every edge's trust drops by about ``amount`` (as added negative evidence)."""
        if not 0.0 <= amount <= 1.0:
            raise ValueError(f"trust shock amount must be in [0, 1], got {amount!r}")
        idx = self.live_slots()
        target = np.maximum(self.trust_arr[idx] - amount, 0.01)
        # Solve (r+1)/(r+s'+2) = target for the negative evidence s'.
        r = self.r[idx]
        self.s[idx] = np.maximum(self.s[idx], (r + 1.0) / target - r - 2.0)
        self._refresh(idx)
        self._version += 1

    def decay_and_prune(
        self, *, rate: float, step: int, prune_trust: float, prune_after: int, min_evidence: float
    ) -> int:
        """Forget evidence at ``rate`` (on the ties and in the platform's public record) and
        drop forgotten or stale low-trust edges.

        An edge is forgotten when its evidence has decayed below ``min_evidence``: never when
        nothing decays (``rate`` 0), and not in the step it was last recorded (a new tie from a
        mildly unfair success holds little evidence, but it was just made).

        Returns the number of edges removed.
        """
        idx = self.live_slots()
        last_step = self.last_step[idx]
        forgotten = np.zeros(len(idx), dtype=bool)
        if rate > 0.0:
            keep = 1.0 - rate
            if len(idx):
                r, s = self.r[idx] * keep, self.s[idx] * keep
                self.r[idx], self.s[idx] = r, s
                self._set_trust(idx, r, s, self.n_projects[idx])
                forgotten = (r + s < min_evidence) & (last_step < step)
            public = self.public_negative
            for uid in public:
                public[uid] *= keep
        stale = (step - last_step) > prune_after
        doomed = idx[forgotten | (stale & (self.trust_arr[idx] < prune_trust))]
        self._drop(doomed)
        self._version += 1
        return len(doomed)

    def set_stage_thresholds(
        self,
        *,
        consolidation_trust: float,
        cooperation_trust: float,
        consolidation_projects: int,
        cooperation_projects: int,
    ) -> None:
        """New thresholds of the trust stages (at construction, or a live parameter change),
        checked once and kept as arrays ``[consolidation, cooperation]`` of trust and of
        projects for :func:`trust_stage_codes_unchecked`; every edge's stage is reclassified
        at once."""
        check_stage_thresholds(
            consolidation_trust, cooperation_trust, consolidation_projects, cooperation_projects
        )
        self._stage_thresholds = (
            np.array([consolidation_trust, cooperation_trust], dtype=float),
            np.array([consolidation_projects, cooperation_projects]),
        )
        #: The same thresholds as numbers, for :func:`trust_stage_code_unchecked`.
        self._stage_limits = (
            consolidation_trust,
            cooperation_trust,
            consolidation_projects,
            cooperation_projects,
        )
        idx = self.live_slots()
        if len(idx):
            self._refresh(idx)
        self._version += 1

    def _drop(self, slots: np.ndarray) -> None:
        """Delete the edges in ``slots`` (distinct live slots); their slots are freed in the
        order given (the last freed is the first reused)."""
        out, into = self._out, self._in
        for i, j in zip(self.src[slots].tolist(), self.dst[slots].tolist(), strict=True):
            del out[i][j], into[j][i]
        self.alive[slots] = False
        self._free.extend(slots.tolist())

    def _refresh(self, slots: np.ndarray) -> None:
        """Trust and stage of the edges in ``slots`` from their evidence."""
        self._set_trust(slots, self.r[slots], self.s[slots], self.n_projects[slots])

    def _set_trust(
        self, slots: np.ndarray, r: np.ndarray, s: np.ndarray, n_projects: np.ndarray
    ) -> None:
        """:meth:`_refresh` given the evidence and project counts of ``slots`` (as stored)."""
        trust = beta_trust_unchecked(r, s)
        self.trust_arr[slots] = trust
        self.stage[slots] = trust_stage_codes_unchecked(trust, n_projects, *self._stage_thresholds)

    # --- views ------------------------------------------------------------------------------
    def stats(self) -> dict[str, float]:
        """Cheap whole-network statistics (vectorised, every step)."""
        alive = self.alive
        idx = np.flatnonzero(alive)
        m, n = len(idx), self.n_nodes
        # Counts over every slot with the dead ones masked out, cheaper than gathering the live
        # ones; the share is count / m, the float np.mean of the booleans gives (exact sum).
        cross = int(np.count_nonzero((self.src_kind != self.dst_kind) & alive))
        out = {
            "n_edges": m,
            "n_nodes": n,
            "mean_trust": float(self.trust_arr[idx].mean()) if m else 0.0,
            "density": m / (n * (n - 1)) if n > 1 else 0.0,
            "mean_degree": 2.0 * m / n if n else 0.0,
            "share_cross_kind_edges": cross / m if m else 0.0,
            "n_brokered_ties": int(
                np.count_nonzero((self.origin == _ORIGIN_CODE["brokered"]) & alive)
            ),
        }
        for code, name in enumerate(TRUST_STAGES):
            out[f"n_edges_stage_{name}"] = int(np.count_nonzero((self.stage == code) & alive))
        return out

    def kind_matrix(self, kinds: tuple[str, ...]) -> np.ndarray:
        """Directed edge counts between kinds (rows: source kind), in the order of ``kinds``."""
        idx = self.live_slots()
        k = len(self.kinds)
        counts = np.bincount(
            self.src_kind[idx].astype(np.int64) * k + self.dst_kind[idx], minlength=k * k
        ).reshape(k, k)
        order = [self._kind_code.get(kd, -1) for kd in kinds]
        out = np.zeros((len(kinds), len(kinds)), dtype=int)
        for a, ka in enumerate(order):
            for b, kb in enumerate(order):
                if ka >= 0 and kb >= 0:
                    out[a, b] = counts[ka, kb]
        return out

    def undirected_pairs(
        self, among: set[int] | None = None, *, kinds: Iterable[str] | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Endpoints ``(u, v)`` of the live ties, both directions kept (possibly duplicated),
        in slot order; when given, only the ties between actors in ``among`` and only those
        between actors of ``kinds`` (read from the ties' kind codes, cheaper than a set of
        ids)."""
        idx = self.live_slots()
        if kinds is not None:
            inside = np.zeros(len(self.kinds), dtype=bool)
            inside[[self._kind_code[k] for k in kinds if k in self._kind_code]] = True
            idx = idx[inside[self.src_kind[idx]] & inside[self.dst_kind[idx]]]
        u, v = self.src[idx], self.dst[idx]
        if among is not None:
            members = np.fromiter(among, dtype=np.int64, count=len(among))
            keep = np.isin(u, members) & np.isin(v, members)
            u, v = u[keep], v[keep]
        return u, v

    def tie_table(self) -> dict[str, np.ndarray]:
        """The live ties as columns (copies): ``src``, ``dst``, ``trust``, ``origin`` (codes
        into :data:`ORIGINS`) and ``n_projects``; cheaper than :attr:`graph` for drawing."""
        idx = self.live_slots()
        return {
            "src": self.src[idx],
            "dst": self.dst[idx],
            "trust": self.trust_arr[idx],
            "origin": self.origin[idx],
            "n_projects": self.n_projects[idx],
        }

    @property
    def graph(self) -> nx.DiGraph:
        """The ties as a ``networkx.DiGraph`` (nodes carry ``kind``; edges every attribute).

        Rebuilt only after a change; treat it as read-only (changes go through this class).
        """
        if self._graph_cache is not None and self._graph_cache[0] == self._version:
            return self._graph_cache[1]
        g = nx.DiGraph()
        g.add_nodes_from((uid, {"kind": kind}) for uid, kind in self.node_kind.items())
        idx = self.live_slots()
        cols = {
            "r": self.r[idx].tolist(),
            "s": self.s[idx].tolist(),
            "trust": self.trust_arr[idx].tolist(),
            "n_projects": self.n_projects[idx].tolist(),
            "first_step": self.first_step[idx].tolist(),
            "last_step": self.last_step[idx].tolist(),
        }
        stages = [TRUST_STAGES[c] for c in self.stage[idx].tolist()]
        origins = [ORIGINS[c] for c in self.origin[idx].tolist()]
        names = list(cols)
        g.add_edges_from(
            (
                u,
                v,
                {
                    **{name: cols[name][e] for name in names},
                    "stage": stages[e],
                    "origin": origins[e],
                },
            )
            for e, (u, v) in enumerate(
                zip(self.src[idx].tolist(), self.dst[idx].tolist(), strict=True)
            )
        )
        self._graph_cache = (self._version, g)
        return g
