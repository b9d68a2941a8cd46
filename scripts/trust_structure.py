"""How trust-based partner choice shapes clustering, compared with random choice.

Issue 4 expects trust on vs off (partners chosen at random) to give higher clustering. The
behavioural test (tests/test_behaviour_core.py) did not find it at the model's default
population until 2026-11-29 (the opposite, then no clear difference), because trust-based
choice left newcomers with fewer than two partners; it holds since strangers fill the places
the network leaves in a search (docs/validation.md). This script takes the
collaboration graph apart, with the behavioural batch's seeds and window (steps 1–60, default
population), for trust-based choice, random choice and trust-based choice without triadic
closure (each also without brokers for the last pair), and reports per setting, averaged over
steps:

* the share of innovators with fewer than two partners (their local clustering is 0 by
  networkx's convention and pulls the average down);
* the average local clustering among innovators with two or more partners;
* transitivity (3 × triangles / connected triples, the global clustering coefficient);
* the average local clustering itself;
* the mean pairwise trust inside teams of two or more;

transitivity and average clustering recomputed here with networkx from the tie table, which
must equal the model's ``transitivity`` and ``clustering`` reporters (an independent check of
those reporters);

and, about newcomers (maker teams that entered fewer than ``NEW`` steps before):

* at the last step, how many newcomers and how many older makers have fewer than two partners;
* over the run, how many projects newcomers led and how many places newcomers took in other
  initiators' teams;

and, about the new partners who join a team (not yet partners of the initiator), split into
friends of friends (the actors triadic closure may ask) and the others (screened strangers and
introductions), how many partners each shares with the initiator (each one a triangle the new
tie closes) and how many innovating partners it has, at search time.

These are post-hoc diagnostics, reported in docs/validation.md, not tests.

Usage::

    .venv/bin/python scripts/trust_structure.py            # 20 seeds, 2 workers, about 1 min
    .venv/bin/python scripts/trust_structure.py --seeds 5 --workers 1
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
for extra in (ROOT, ROOT / "tests"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

from behaviour_runs import (  # noqa: E402
    MASTER_SEED,
    N_SEEDS,
    SHORT,
    paired_difference,
    scenario_overrides,
)

from abm.kinds import ACTOR_KINDS  # noqa: E402
from abm.streams import run_seeds  # noqa: E402

NEW = 10  # steps since entry within which a maker team counts as a newcomer
MEASURES = (
    "share of innovators with < 2 partners",
    "clustering among innovators with 2+ partners",
    "transitivity (networkx; = the reporter)",
    "average clustering (networkx; = the reporter)",
    "mean pairwise trust inside teams",
)
JOINERS = ("friend of a friend", "other new partner")
COUNTS = (
    "newcomers at the last step",
    "of them with < 2 partners",
    "older makers at the last step",
    "of them with < 2 partners",
    "projects led by newcomers",
    "places newcomers took in others' teams",
)


def collaboration_graph(model: Any) -> nx.Graph:
    """Undirected graph of the living innovators and the ties between them."""
    ties = model.network.tie_table()
    inn = {a.unique_id for a in model.agents if getattr(a, "kind", None) in ACTOR_KINDS}
    g = nx.Graph()
    g.add_nodes_from(inn)
    g.add_edges_from(
        (u, v)
        for u, v in zip(ties["src"].tolist(), ties["dst"].tolist(), strict=True)
        if u in inn and v in inn and u != v
    )
    return g


def _is_newcomer(actor: Any, step: int) -> bool:
    return actor.kind == "maker" and step - actor.born_step < NEW


def instrumented(overrides: dict[str, Any], seed: int) -> Any:
    """The model, with each member who joins a team classified at search time as one of the
    initiator's partners, a friend of a friend (one of the actors triadic closure may ask) or
    another new partner (a screened stranger or an introduction). ``joiners[kind]`` collects,
    per joiner, (partners it shares with the initiator, its innovating partners) before the
    team's ties are written. The extra friends-of-friends look-up is pure (no draws, no
    state), so the run is the same as the plain model's (the reporter check below holds)."""
    from abm.model import InnovationModel

    class Instrumented(InnovationModel):
        def _candidates(self, project: Any, gap: list[float]) -> Any:
            uid = project.initiator.unique_id
            partners = list(self.network.partners(uid))
            fof = self._friends_of_friends(uid, partners) if partners else []
            self.search_view = (set(partners), set(fof))
            return super()._candidates(project, gap)

        def assemble_team(self, project: Any) -> bool:
            self.search_view = None
            formed = super().assemble_team(project)
            if formed and self.search_view is not None:
                partners, fof = self.search_view
                for m in project.members[1:]:
                    uid = m.unique_id
                    if uid in partners:
                        continue
                    kind = "friend of a friend" if uid in fof else "other new partner"
                    theirs = set(self.network.partners(uid))
                    innovating = sum(self._index[j].kind in ACTOR_KINDS for j in theirs)
                    self.joiners[kind].append((len(theirs & partners), innovating))
            return formed

    model = Instrumented(rng=seed, **overrides)
    model.joiners = {kind: [] for kind in JOINERS}
    return model


def one_run(
    args: tuple[dict[str, Any], int, int],
) -> tuple[np.ndarray, np.ndarray, dict[str, list[tuple[int, int]]]]:
    """The measures of one run, each averaged over its steps, the newcomer counts and the
    joiners by how they were found (see the module docstring)."""
    overrides, seed, steps = args
    model = instrumented(overrides, seed)
    rows, team_trust = [], []
    led = joined = 0
    for _ in range(steps):
        model.step()
        for pr in model.projects:
            led += _is_newcomer(pr.initiator, model.steps)
            joined += sum(_is_newcomer(m, model.steps) for m in pr.members[1:])
        team_trust += [
            float(np.array(pr.trust_rows)[~np.eye(pr.n, dtype=bool)].mean())
            for pr in model.projects
            if pr.n > 1 and pr.trust_rows is not None
        ]
        g = collaboration_graph(model)
        deg = dict(g.degree())
        local = nx.clustering(g)
        two_plus = [local[n] for n in g if deg[n] >= 2]
        avg = nx.average_clustering(g) if len(g) else 0.0
        trans = nx.transitivity(g)
        for name, value in (("clustering", avg), ("transitivity", trans)):
            reporter = float(model.metrics[name])
            if abs(value - reporter) > 1e-9:
                raise AssertionError(f"networkx {name} {value} != reporter {reporter}")
        rows.append(
            (
                float(np.mean([d < 2 for d in deg.values()])) if deg else np.nan,
                float(np.mean(two_plus)) if two_plus else np.nan,
                trans,
                avg,
            )
        )
    makers = [a for a in model.agents if getattr(a, "kind", None) == "maker"]
    new = [a for a in makers if _is_newcomer(a, model.steps)]
    old = [a for a in makers if not _is_newcomer(a, model.steps)]
    counts = np.array(
        [
            len(new),
            sum(deg[a.unique_id] < 2 for a in new),
            len(old),
            sum(deg[a.unique_id] < 2 for a in old),
            led,
            joined,
        ]
    )
    measures = np.r_[np.nanmean(np.array(rows), axis=0), np.mean(team_trust)]
    return measures, counts, model.joiners


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", type=int, default=N_SEEDS, help=f"paired seeds ({N_SEEDS})")
    ap.add_argument("--workers", type=int, default=2, help="worker processes (2)")
    args = ap.parse_args(argv)
    if args.seeds < 2 or args.workers < 1:
        ap.error("--seeds must be at least 2 and --workers at least 1")
    seeds = run_seeds(MASTER_SEED, args.seeds)
    settings = {
        "trust on": {},
        "trust off": scenario_overrides("trust_off"),
        "no triadic closure": {"triadic_closure_on": False},
        "no brokers": {"brokerage_on": False},
        "no brokers, no triadic closure": {"brokerage_on": False, "triadic_closure_on": False},
    }
    out: dict[str, np.ndarray] = {}
    counts: dict[str, np.ndarray] = {}
    joiners: dict[str, dict[str, list[tuple[int, int]]]] = {}
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(args.workers, mp_context=ctx) as pool:
        for name, over in settings.items():
            print(f"{name}: {args.seeds} runs × {SHORT} steps …", flush=True)
            res = list(pool.map(one_run, [(over, s, SHORT) for s in seeds]))
            out[name] = np.array([r[0] for r in res])
            counts[name] = np.sum([r[1] for r in res], axis=0)
            joiners[name] = {kind: [j for r in res for j in r[2][kind]] for kind in JOINERS}
    pairs = (
        ("trust on", "trust off"),
        ("trust on", "no triadic closure"),
        ("no brokers", "no brokers, no triadic closure"),
    )
    for first, other in pairs:
        print(
            f"\ndefault population, steps 1–{SHORT}, {args.seeds} paired seeds "
            f"({first} − {other} ± SE):"
        )
        for i, label in enumerate(MEASURES):
            on, off = out[first][:, i], out[other][:, i]
            mean, se, _ = paired_difference(on, off)
            print(
                f"  {label}: {first} {on.mean():.3f}, {other} {off.mean():.3f}, "
                f"difference {mean:+.3f} ± {se:.3f} (z = {mean / se:.1f})"
            )
    print(f"\nnewcomers (makers entered < {NEW} steps before), summed over the seeds:")
    for i, label in enumerate(COUNTS):
        print(f"  {label}: " + ", ".join(f"{name} {counts[name][i]}" for name in settings))
    print("\nnew partners who joined a team, by how they were found at search time (all seeds):")
    for name in settings:
        parts = []
        for kind in JOINERS:
            rows = np.array(joiners[name][kind], dtype=float).reshape(-1, 2)
            if len(rows):
                parts.append(
                    f"{kind} {len(rows)}, sharing {rows[:, 0].mean():.2f} partners with the "
                    f"initiator, with {rows[:, 1].mean():.1f} innovating partners"
                )
            else:
                parts.append(f"{kind} 0")
        print(f"  {name}: " + "; ".join(parts))


if __name__ == "__main__":
    main()
