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
from dashboard.simulation import Simulation

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


def _heap_growth(step, steps: int) -> tuple[float, float]:
    """Traced Python heap growth (MB) over the first and second half of ``steps`` calls."""
    gc.collect()
    tracemalloc.start()
    start, _ = tracemalloc.get_traced_memory()
    half = steps // 2
    for _ in range(half):
        step()
    gc.collect()
    mid, _ = tracemalloc.get_traced_memory()
    for _ in range(steps - half):
        step()
    gc.collect()
    end, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return (mid - start) / 2**20, (end - mid) / 2**20


def memory_check(steps: int = 1000, max_snapshots: int = 50, n_actors: int = 60) -> dict:
    """Heap growth of the dashboard over ``steps`` steps, beyond the bounded snapshot ring.

    The model itself grows (its reporters gain a row per step, its network gains ties), so the
    same run is also stepped without the dashboard, from the same seed, and the dashboard's
    share is the difference. New maker teams are switched off (``entry_rate=0``) so the
    population, and hence each snapshot's size, stays about constant; the ring is filled
    before measuring starts. Bounded means: the dashboard's growth stays near zero once the
    ring is full, whatever the number of steps.
    """
    params = scaled_params(n_actors).replace(entry_rate=0.0)
    sim = Simulation(params, 5, max_snapshots=max_snapshots)
    sim.step(max_snapshots)
    ring0 = sim.memory_bytes()
    sim_1, sim_2 = _heap_growth(sim.step, steps)
    bare = InnovationModel(params, rng=5)
    for _ in range(max_snapshots):
        bare.step()
    model_1, model_2 = _heap_growth(bare.step, steps)
    ring_change = (sim.memory_bytes() - ring0) / 2**20
    return {
        "steps": steps,
        "max_snapshots": max_snapshots,
        "snapshots_kept": len(sim.snapshots),
        "snapshot_ring_mb": round(sim.memory_bytes() / 2**20, 2),
        "snapshot_ring_change_mb": round(ring_change, 2),
        "heap_growth_with_dashboard_mb": [round(sim_1, 2), round(sim_2, 2)],
        "heap_growth_model_alone_mb": [round(model_1, 2), round(model_2, 2)],
        "dashboard_growth_beyond_ring_mb": round(
            (sim_1 + sim_2) - (model_1 + model_2) - ring_change, 2
        ),
        "actors_end": int(sim.latest.n_actors),
        "tied_pairs_end": len(sim.latest.edge_a),
    }


def run(quick: bool | None = None) -> dict[str, Any]:
    """Benchmark results as a JSON-friendly dict (``BENCH_QUICK=1`` or ``quick`` for a fast run)."""
    if quick is None:
        quick = os.environ.get("BENCH_QUICK", "") not in ("", "0")
    sizes = {100: (10, 3), 500: (5, 2)} if quick else {500: (10, 3), 2000: (5, 2)}
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
