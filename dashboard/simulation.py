"""The dashboard's controller: one model, its snapshots and its layout (no Solara here).

:class:`Simulation` is what the page's buttons call. It talks to the model only through the
public API (``InnovationModel(params, rng=seed)``, ``step()``, ``steps``, the trust network,
``actor(uid).describe()``, ``reporters()``, ``collaboration_matrix()``, ``trust_shock()``,
``set_live()``). After every step it stores a compact :class:`Snapshot` (actors, ties, layout
positions, collaboration matrix) in a bounded ring, so the replay slider can show any stored step
(network and charts together) without re-running the model. Memory is bounded by both a count
(``max_snapshots``) and a byte budget (``max_snapshot_bytes``); the oldest snapshots go first.
"""

from __future__ import annotations

import os
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from abm.kinds import KINDS, STAGES
from abm.model import InnovationModel
from abm.network import ORIGINS
from abm.params import Params
from dashboard.layout import IncrementalLayout

REGIONS: tuple[str, ...] = ("leading", "lagging")

DEFAULT_MAX_SNAPSHOTS = int(os.environ.get("DASHBOARD_MAX_SNAPSHOTS", "300"))
DEFAULT_MAX_SNAPSHOT_BYTES = int(os.environ.get("DASHBOARD_MAX_SNAPSHOT_MB", "256")) * 2**20


_CODES: tuple[dict[Any, int], ...] = tuple(
    {v: i for i, v in enumerate(values)} for values in (KINDS, STAGES, REGIONS)
)


def model_graph(model: Any) -> nx.DiGraph:
    """The trust network as a ``networkx.DiGraph`` (``model.network`` or ``model.graph``)."""
    net = model.network
    return net if isinstance(net, nx.Graph) else model.graph


def rows_until(reporters: pd.DataFrame, snap: Snapshot) -> pd.DataFrame:
    """The reporter rows that existed when ``snap`` was taken (all of them for a live view)."""
    return reporters.iloc[: snap.n_rows] if snap.n_rows >= 0 else reporters


@dataclass
class Snapshot:
    """Everything the page draws for one step, in compact arrays.

    Ties are stored once per unordered pair ``a < b`` with the trust in both directions
    (``nan`` where that direction does not exist), so the inspector can show trust both ways.
    """

    step: int
    uids: np.ndarray  # int64 (n,)
    kind: np.ndarray  # int8 index into KINDS
    stage: np.ndarray  # int8 index into STAGES, -1 for non-makers
    region: np.ndarray  # int8 index into REGIONS
    wealth: np.ndarray  # float32
    capability: np.ndarray  # float32
    spirit: np.ndarray  # float32, nan for non-makers
    degree: np.ndarray  # int32: number of distinct partners
    xy: np.ndarray  # float32 (n, 2) layout positions
    edge_a: np.ndarray  # int64 uid (pairs, a < b)
    edge_b: np.ndarray  # int64 uid
    trust_ab: np.ndarray  # float32, nan if no a→b edge
    trust_ba: np.ndarray  # float32, nan if no b→a edge
    origin: np.ndarray  # int8 index into ORIGINS (of the a→b edge, else b→a)
    n_projects: np.ndarray  # int32 joint projects (max of both directions)
    matrix: pd.DataFrame  # kinds × kinds collaboration matrix
    n_rows: int  # reporters rows that existed when the snapshot was taken
    n_directed_edges: int = 0

    @property
    def n_actors(self) -> int:
        return len(self.uids)

    @property
    def pair_trust(self) -> np.ndarray:
        """Mean trust of each pair over the directions that exist."""
        return np.nanmean(np.vstack([self.trust_ab, self.trust_ba]), axis=0)

    def nbytes(self) -> int:
        arrays = [v for v in vars(self).values() if isinstance(v, np.ndarray)]
        return sum(a.nbytes for a in arrays) + 4096

    def index_of(self, uid: int) -> int | None:
        hits = np.flatnonzero(self.uids == uid)
        return int(hits[0]) if len(hits) else None

    def actor_row(self, uid: int) -> dict[str, Any] | None:
        """State of one actor in this snapshot (for hover and a replayed inspector)."""
        i = self.index_of(uid)
        if i is None:
            return None
        row: dict[str, Any] = {
            "id": int(uid),
            "kind": KINDS[self.kind[i]] if self.kind[i] >= 0 else "?",
            "region": REGIONS[self.region[i]] if self.region[i] >= 0 else "?",
            "wealth": round(float(self.wealth[i]), 3),
            "capability": round(float(self.capability[i]), 3),
            "partners": int(self.degree[i]),
        }
        if self.stage[i] >= 0:
            row["stage"] = STAGES[self.stage[i]]
        if not np.isnan(self.spirit[i]):
            row["maker_spirit"] = round(float(self.spirit[i]), 3)
        return row

    def partners(self, uid: int) -> pd.DataFrame:
        """Partners of ``uid`` with trust in both directions, strongest first."""
        as_a = self.edge_a == uid
        as_b = self.edge_b == uid
        other = np.concatenate([self.edge_b[as_a], self.edge_a[as_b]])
        out = np.concatenate([self.trust_ab[as_a], self.trust_ba[as_b]])
        inn = np.concatenate([self.trust_ba[as_a], self.trust_ab[as_b]])
        origin = np.concatenate([self.origin[as_a], self.origin[as_b]])
        projects = np.concatenate([self.n_projects[as_a], self.n_projects[as_b]])
        kind_of = dict(zip(self.uids.tolist(), self.kind.tolist(), strict=True))
        df = pd.DataFrame(
            {
                "partner": other.astype(int),
                "kind": [
                    KINDS[kind_of.get(int(o), -1)] if int(o) in kind_of else "?" for o in other
                ],
                "trust_out": np.round(out.astype(float), 3),
                "trust_in": np.round(inn.astype(float), 3),
                "projects": projects.astype(int),
                "origin": [ORIGINS[o] if o >= 0 else "?" for o in origin],
            }
        )
        return df.sort_values("trust_out", ascending=False, na_position="last").reset_index(
            drop=True
        )


def fold_pairs(ties: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Directed ties folded into unordered pairs ``a < b`` with the trust both ways, the origin
    of the ``a → b`` tie (else of ``b → a``) and the larger joint-project count."""
    src, dst = ties["src"].astype(np.int64), ties["dst"].astype(np.int64)
    a, b = np.minimum(src, dst), np.maximum(src, dst)
    forward = src < dst
    key = np.stack([a, b], axis=1)
    keys, inv = np.unique(key, axis=0, return_inverse=True)
    inv = inv.reshape(-1)
    m = len(keys)
    trust_ab = np.full(m, np.nan, dtype=np.float32)
    trust_ba = np.full(m, np.nan, dtype=np.float32)
    trust_ab[inv[forward]] = ties["trust"][forward]
    trust_ba[inv[~forward]] = ties["trust"][~forward]
    origin = np.full(m, -1, dtype=np.int8)
    origin[inv[~forward]] = ties["origin"][~forward]
    origin[inv[forward]] = ties["origin"][forward]  # the a → b tie wins
    n_projects = np.zeros(m, dtype=np.int32)
    np.maximum.at(n_projects, inv, ties["n_projects"].astype(np.int32))
    return {
        "edge_a": keys[:, 0].copy() if m else np.zeros(0, dtype=np.int64),
        "edge_b": keys[:, 1].copy() if m else np.zeros(0, dtype=np.int64),
        "trust_ab": trust_ab,
        "trust_ba": trust_ba,
        "origin": origin,
        "n_projects": n_projects,
    }


def capture(model: Any, layout: IncrementalLayout) -> Snapshot:
    """Snapshot of the model's current state; also brings the layout up to date."""
    net = model.network  # the model's TrustNetwork: its tie table, not a networkx copy
    uids = np.fromiter(net.node_kind, dtype=np.int64, count=len(net.node_kind))
    ties = net.tie_table()
    pairs = fold_pairs(ties)
    n, m = len(uids), len(pairs["edge_a"])
    # The layout sees the undirected pairs only (plain graph, no attributes: cheap to build).
    und = nx.Graph()
    und.add_nodes_from(uids.tolist())
    und.add_edges_from(zip(pairs["edge_a"].tolist(), pairs["edge_b"].tolist(), strict=True))
    pos = layout.update(und)
    kind = np.full(n, -1, dtype=np.int8)
    stage = np.full(n, -1, dtype=np.int8)
    region = np.full(n, -1, dtype=np.int8)
    wealth = np.zeros(n, dtype=np.float32)
    capability = np.zeros(n, dtype=np.float32)
    spirit = np.full(n, np.nan, dtype=np.float32)
    xy = np.zeros((n, 2), dtype=np.float32)
    kind_code, stage_code, region_code = _CODES
    for i, uid in enumerate(uids.tolist()):
        # Read the few attributes drawn here straight from the actor (``describe()`` rounds and
        # copies its whole state, which costs most of a frame at 2,000 actors); actors without
        # them fall back to ``describe()``.
        try:
            a = model.actor(uid)
        except KeyError:
            a = None
        if a is not None and hasattr(a, "wealth") and hasattr(a, "capability"):
            d = {
                "kind": a.kind,
                "stage": getattr(a, "stage", None),
                "region": getattr(a, "region", None),
                "wealth": a.wealth,
                "capability": a.capability,
                "maker_spirit": getattr(a, "maker_spirit", None),
            }
        elif a is not None:
            d = a.describe()
        else:
            d = {"kind": net.node_kind.get(uid)}
        kind[i] = kind_code.get(d.get("kind"), -1)
        stage[i] = stage_code.get(d.get("stage"), -1)
        region[i] = region_code.get(d.get("region"), -1)
        wealth[i] = float(d.get("wealth", 0.0) or 0.0)
        capability[i] = float(d.get("capability", 0.0) or 0.0)
        if d.get("maker_spirit") is not None:
            spirit[i] = float(d["maker_spirit"])
        xy[i] = pos[uid]
    degree = np.zeros(n, dtype=np.int32)
    if m:
        index = {u: i for i, u in enumerate(uids.tolist())}
        ia = np.array([index[a] for a in pairs["edge_a"].tolist()], dtype=np.int64)
        ib = np.array([index[b] for b in pairs["edge_b"].tolist()], dtype=np.int64)
        degree = (np.bincount(ia, minlength=n) + np.bincount(ib, minlength=n)).astype(np.int32)
    try:
        matrix = model.collaboration_matrix()
    except Exception:  # the heat map is optional; never break a frame for it
        matrix = pd.DataFrame()
    return Snapshot(
        step=int(model.steps),
        uids=uids,
        kind=kind,
        stage=stage,
        region=region,
        wealth=wealth,
        capability=capability,
        spirit=spirit,
        degree=degree,
        xy=xy,
        **pairs,
        matrix=matrix,
        n_rows=-1,
        n_directed_edges=len(ties["src"]),
    )


@dataclass
class Timing:
    """Durations (seconds) of the last frame's parts."""

    step: float = 0.0
    snapshot: float = 0.0
    extra: dict[str, float] = field(default_factory=dict)


class Simulation:
    """One model run driven by the dashboard.

    Args:
        params: model parameters.
        seed: the run's seed.
        max_snapshots: most snapshots kept for replay (oldest dropped first).
        max_snapshot_bytes: memory budget of the snapshots.
    """

    def __init__(
        self,
        params: Params | None = None,
        seed: int = 42,
        *,
        max_snapshots: int = DEFAULT_MAX_SNAPSHOTS,
        max_snapshot_bytes: int = DEFAULT_MAX_SNAPSHOT_BYTES,
    ) -> None:
        self.lock = threading.RLock()
        self.max_snapshots = max(1, int(max_snapshots))
        self.max_snapshot_bytes = int(max_snapshot_bytes)
        self.timing = Timing()
        self.events: list[tuple[int, str]] = []  # (step, text): shocks and live changes
        self.revision = 0  # bumped by every change the page must redraw for
        self.reset(params or Params(), seed)

    # ------------------------------------------------------------------ actions
    def reset(self, params: Params | None = None, seed: int | None = None) -> None:
        """Rebuild the model (step 0) with ``params`` and ``seed`` (current ones if None)."""
        with self.lock:
            if params is not None:
                self.params = params
            if seed is not None:
                self.seed = int(seed)
            self.model = InnovationModel(self.params, rng=self.seed)
            self.layout = IncrementalLayout(seed=self.seed)
            self.snapshots: deque[Snapshot] = deque()
            self._bytes = 0
            self.events = []
            self._reporters_cache: tuple[int, pd.DataFrame] | None = None
            self._record()

    def step(self, n: int = 1) -> None:
        """Advance the model ``n`` steps, recording a snapshot after each."""
        with self.lock:
            for _ in range(n):
                t0 = time.perf_counter()
                self.model.step()
                t1 = time.perf_counter()
                self._record()
                self.timing.step = t1 - t0
                self.timing.snapshot = time.perf_counter() - t1

    def set_live(self, **changes: Any) -> None:
        """Apply live parameters from the next step (``ValueError`` for setup ones)."""
        with self.lock:
            self.model.set_live(**changes)
            self.params = self.model.params
            self.revision += 1
            text = ", ".join(f"{k}={v}" for k, v in changes.items())
            self.events.append((self.steps, f"live change: {text}"))

    def trust_shock(self, amount: float) -> None:
        """A scandal cutting trust on every tie now; the current snapshot is refreshed."""
        with self.lock:
            self.model.trust_shock(float(amount))
            self.events.append((self.steps, f"trust shock −{amount:.2f}"))
            self._refresh_latest()

    def _refresh_latest(self) -> None:
        """Replace this step's snapshot after a change made between steps."""
        if self.snapshots and self.snapshots[-1].step == self.steps:
            old = self.snapshots.pop()
            self._bytes -= old.nbytes()
        self._record()

    def close_institution(self, service: str) -> int | None:
        """Close the ``service`` institution with the most ties (a shock, applied now); returns
        its id, or ``None`` when none of that service is left. The current snapshot is
        refreshed."""
        with self.lock:
            insts = self.model.actors_of(service)
            if not insts:
                return None
            net = self.model.network
            inst = max(insts, key=lambda i: (len(net.partners(i.unique_id)), -i.unique_id))
            self.model.close_institution(inst.unique_id)
            self.events.append((self.steps, f"{service} institution #{inst.unique_id} closed"))
            self._refresh_latest()
            return int(inst.unique_id)

    def tidy_layout(self) -> None:
        """Explicit, on-demand re-layout of the placed actors (not per frame)."""
        with self.lock:
            self.layout.tidy(model_graph(self.model), seed=self.seed)
            if self.snapshots:
                old = self.snapshots.pop()
                self._bytes -= old.nbytes()
            self._record()

    # ------------------------------------------------------------------ views
    @property
    def steps(self) -> int:
        return int(self.model.steps)

    @property
    def latest(self) -> Snapshot:
        return self.snapshots[-1]

    def snapshot_at(self, index: int) -> Snapshot:
        """Snapshot by position in the ring (``-1`` = latest), clamped. Never blocks."""
        snaps = list(self.snapshots)  # a copy: the ring may change while a step runs
        if index < 0 or index >= len(snaps):
            return snaps[-1]
        return snaps[index]

    def reporters(self) -> pd.DataFrame:
        """The model's reporters as of the last completed step. Never blocks on a running step.

        The frame is rebuilt (under the lock) only when it is stale and no step is running;
        while a step runs, the last complete frame is returned.
        """
        cache = self._reporters_cache
        if cache is not None and cache[0] == self.revision:
            return cache[1]
        if self.lock.acquire(blocking=cache is None):
            try:
                df = self.model.reporters()
                self._reporters_cache = (self.revision, df)
                return df
            finally:
                self.lock.release()
        return cache[1]

    def reporters_until(self, snap: Snapshot) -> pd.DataFrame:
        """Reporter rows up to and including the snapshot's step."""
        return rows_until(self.reporters(), snap)

    def describe(self, uid: int) -> dict[str, Any] | None:
        """Live state of an actor (``None`` when it is gone or while a step is running)."""
        if not self.lock.acquire(blocking=False):
            return None
        try:
            return dict(self.model.actor(int(uid)).describe())
        except KeyError:
            return None
        finally:
            self.lock.release()

    def memory_bytes(self) -> int:
        return self._bytes

    # ------------------------------------------------------------------ internals
    def _record(self) -> None:
        self.revision += 1
        snap = capture(self.model, self.layout)
        snap.n_rows = self._row_count()
        self.snapshots.append(snap)
        self._bytes += snap.nbytes()
        while len(self.snapshots) > 1 and (
            len(self.snapshots) > self.max_snapshots or self._bytes > self.max_snapshot_bytes
        ):
            self._bytes -= self.snapshots.popleft().nbytes()

    def _row_count(self) -> int:
        # Rows are one per step with row 0 the initial state, so the row count at a step is
        # steps + 1; the reporters frame itself is read lazily (it is costly on long runs).
        return self.steps + 1
