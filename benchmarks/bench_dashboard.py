"""Frame time of the dashboard: model step + snapshot/layout + figures + widget update.

A *frame* is what the page does when Step is pressed (or Run ticks): ``Simulation.step()``
(model step, then snapshot and incremental layout), then the network and charts figures
(``dashboard.figures``, the same functions the page calls), then pushing them into Plotly
``FigureWidget``s with ``dashboard.plotly_view.apply_spec`` as the page does. The browser's
own drawing is not included (it happens in another process).

Targets from issue 6: frame < 250 ms at 500 actors and < 1 s at 2,000. The model's step is
reported separately from the dashboard's own overhead, so it is clear which side a miss is on.

Usage::

    python -m benchmarks.bench_dashboard            # 500 and 2,000 actors
    python -m benchmarks.bench_dashboard --quick    # 100 and 500 actors, fewer frames

``run() -> dict`` is what ``benchmarks/__main__.py`` calls.
"""

from __future__ import annotations

import argparse
import gc
import inspect
import json
import os
import statistics
import time
import tracemalloc
from typing import Any

import plotly.graph_objects as go

from abm.model import InnovationModel
from abm.params import Params
from dashboard import figures
from dashboard.plotly_view import apply_spec
from dashboard.simulation import Simulation, capture

POPULATION_FIELDS = (
    "n_makers",
    "n_universities",
    "n_enterprises",
    "n_finance",
    "n_transfer",
    "n_advisory",
    "n_sharing",
)
TARGETS_S = {500: 0.25, 2000: 1.0}


def scaled_params(n_actors: int, base: Params | None = None) -> Params:
    """Baseline parameters with every population count scaled to about ``n_actors`` actors."""
    base = base or Params()
    total = sum(getattr(base, f) for f in POPULATION_FIELDS)
    factor = n_actors / total
    return base.replace(**{f: max(1, round(getattr(base, f) * factor)) for f in POPULATION_FIELDS})


class _Widget:
    """A FigureWidget and the last spec applied to it (as the page's PlotlyView keeps them)."""

    def __init__(self) -> None:
        self.widget = go.FigureWidget()
        self.last: dict | None = None

    def push(self, spec: dict) -> None:
        self.last = apply_spec(self.widget, spec, self.last)


def frame(sim: Simulation, net_widget: _Widget, chart_widget: _Widget) -> dict:
    """One Step press: returns the duration of each part in seconds."""
    t0 = time.perf_counter()
    sim.step()
    t1 = time.perf_counter()
    snap = sim.latest
    view = figures.network_figure(snap)
    t2 = time.perf_counter()
    charts = figures.charts_figure(sim.reporters(), snap, x_max=sim.steps)
    t3 = time.perf_counter()
    net_widget.push(view.spec)
    chart_widget.push(charts)
    t4 = time.perf_counter()
    return {
        "model_step": sim.timing.step,
        "snapshot_layout": sim.timing.snapshot,
        "network_figure": t2 - t1,
        "charts_figure": t3 - t2,
        "widget_update": t4 - t3,
        "frame": t4 - t0,
        "dashboard_overhead": (t4 - t0) - sim.timing.step,
    }


def bench_size(n_actors: int, *, warmup: int, frames: int, seed: int = 1) -> dict[str, Any]:
    """Median part timings of ``frames`` frames after ``warmup`` steps at ``n_actors`` actors."""
    sim = Simulation(scaled_params(n_actors), seed)
    sim.step(warmup)
    net_w, chart_w = _Widget(), _Widget()
    frame(sim, net_w, chart_w)  # first push creates the traces
    rows = [frame(sim, net_w, chart_w) for _ in range(frames)]
    med = {k: statistics.median(r[k] for r in rows) for k in rows[0]}
    snap = sim.latest
    target = TARGETS_S.get(n_actors)
    return {
        "n_actors": int(snap.n_actors),
        "tied_pairs": len(snap.edge_a),
        "directed_edges": int(snap.n_directed_edges),
        "steps_run": sim.steps,
        "frames_timed": frames,
        **{f"{k}_ms": round(1000 * v, 1) for k, v in med.items()},
        "target_ms": None if target is None else 1000 * target,
        "frame_within_target": None if target is None else med["frame"] <= target,
        "overhead_within_target": None if target is None else med["dashboard_overhead"] <= target,
    }


def _traced_mb() -> float:
    gc.collect()
    return tracemalloc.get_traced_memory()[0] / 2**20


def _heap_without_ring(sim: Simulation) -> tuple[float, float]:
    """(traced heap, the part of it allocated while capturing snapshots), in MB.

    Every live block whose allocation traceback passes through :func:`capture` belongs to a
    stored snapshot (anything else ``capture`` allocates is freed when it returns), so this
    is the ring's true heap, not an estimate from array sizes.
    """
    total = _traced_mb()
    lines, first = inspect.getsourcelines(capture)
    span = range(first, first + len(lines))
    path = inspect.getsourcefile(capture)
    ring = 0
    for stat in tracemalloc.take_snapshot().statistics("traceback"):
        if any(f.filename == path and f.lineno in span for f in stat.traceback):
            ring += stat.size
    return total, ring / 2**20


def memory_check(steps: int = 1000, max_snapshots: int = 50, n_actors: int = 60) -> dict:
    """Heap growth of the dashboard over ``steps`` steps, beyond the bounded snapshot ring.

    The model itself grows (its reporters gain a row per step, its network gains ties), so the
    same run is also stepped without the dashboard, from the same seed; the dashboard's own
    growth is the difference, with the ring's heap taken out (the ring is bounded in count, but
    each snapshot grows with the network). New maker teams are switched off
    (``entry_rate=0``) so the population stays about constant; the ring is filled before
    measuring starts. Growth is reported for each half of the run: bounded means it stays near
    zero in both, whatever the number of steps.
    """
    params = scaled_params(n_actors).replace(entry_rate=0.0)
    half = steps // 2
    gc.collect()
    tracemalloc.start(16)  # deep enough to see capture() under every snapshot's arrays
    sim = Simulation(params, 5, max_snapshots=max_snapshots)
    sim.step(max_snapshots)
    marks = [_heap_without_ring(sim)]
    for n in (half, steps - half):
        sim.step(n)
        marks.append(_heap_without_ring(sim))
    snapshots_kept = len(sim.snapshots)
    ring_mb = round(sim.memory_bytes() / 2**20, 2)
    actors_end, pairs_end = int(sim.latest.n_actors), len(sim.latest.edge_a)
    del sim
    tracemalloc.stop()
    gc.collect()
    tracemalloc.start()
    bare = InnovationModel(params, rng=5)
    for _ in range(max_snapshots):
        bare.step()
    bare_marks = [_traced_mb()]
    for n in (half, steps - half):
        for _ in range(n):
            bare.step()
        bare_marks.append(_traced_mb())
    tracemalloc.stop()
    without_ring = [total - ring for total, ring in marks]
    sim_growth = [without_ring[i + 1] - without_ring[i] for i in range(2)]
    model_growth = [bare_marks[i + 1] - bare_marks[i] for i in range(2)]
    beyond = [s - m for s, m in zip(sim_growth, model_growth, strict=True)]
    return {
        "steps": steps,
        "max_snapshots": max_snapshots,
        "snapshots_kept": snapshots_kept,
        "snapshot_ring_estimate_mb": ring_mb,
        "snapshot_ring_heap_mb": [round(ring, 2) for _, ring in marks],
        "heap_growth_without_ring_mb": [round(g, 2) for g in sim_growth],
        "heap_growth_model_alone_mb": [round(g, 2) for g in model_growth],
        "dashboard_growth_beyond_ring_mb": [round(b, 2) for b in beyond],
        "actors_end": actors_end,
        "tied_pairs_end": pairs_end,
    }


def run(quick: bool | None = None) -> dict[str, Any]:
    """Benchmark results as a JSON-friendly dict (``BENCH_QUICK=1`` or ``quick`` for a fast run)."""
    if quick is None:
        quick = os.environ.get("BENCH_QUICK", "") not in ("", "0")
    # (warm-up steps, frames timed): the median of several frames, as this machine's timings
    # vary by a third from one frame to the next.
    sizes = {100: (10, 3), 500: (5, 2)} if quick else {500: (10, 7), 2000: (5, 3)}
    results = {
        "benchmark": "dashboard frame time (step + snapshot/layout + figures + widget update)",
        "sizes": [bench_size(n, warmup=w, frames=f) for n, (w, f) in sizes.items()],
        "memory": memory_check(steps=100 if quick else 1000),
    }
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, fewer frames")
    args = parser.parse_args()
    print(json.dumps(run(quick=args.quick), indent=2))


if __name__ == "__main__":
    main()
