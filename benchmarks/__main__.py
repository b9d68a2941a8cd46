"""``make bench``: every benchmark of the repository, its targets, one results file.

Runs the full model against Mesa's Boltzmann reference (:mod:`benchmarks.bench_model`), the
dashboard frame time (:mod:`benchmarks.bench_dashboard`) and the batch runner's speed-up and
overhead (:mod:`benchmarks.bench_batch`); writes ``benchmarks/results.json`` (with machine and
package versions; ``--quick`` writes ``results_quick.json``) and prints a table of the
targets of issues 4, 6, 7 and 9.

Usage::

    python -m benchmarks                  # full sizes (about 8 minutes on 2 cores)
    python -m benchmarks --quick          # small sizes (a few minutes), for a smoke check
    python -m benchmarks --only model     # one part: model, dashboard or batch
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import Any

PARTS = ("model", "dashboard", "batch")
RESULTS = Path(__file__).with_name("results.json")
#: ``--quick`` results: a smoke check must not replace the full run's committed numbers.
QUICK_RESULTS = Path(__file__).with_name("results_quick.json")
#: "No memory growth beyond the stored snapshots" (issue 6), allowing for allocator noise.
MAX_GROWTH_MB = 0.5


def _dashboard_targets(result: dict[str, Any]) -> dict[str, bool]:
    out = {}
    for row in result["sizes"]:
        if row.get("target_ms"):
            out[f"dashboard frame at {row['n_actors']} actors < {row['target_ms']:.0f} ms"] = (
                row["frame_ms"] < row["target_ms"]
            )
    mem = result.get("memory")
    if mem:
        out[
            f"dashboard heap growth beyond the snapshot ring < {MAX_GROWTH_MB} MB per "
            f"{mem['steps'] // 2} steps"
        ] = max(mem["dashboard_growth_beyond_ring_mb"]) < MAX_GROWTH_MB
    return out


def _run_part(name: str, quick: bool) -> dict[str, Any]:
    print(f"[bench] {name} ...", file=sys.stderr, flush=True)
    t0 = time.perf_counter()
    if name == "model":
        from benchmarks import bench_model as mod
    elif name == "dashboard":
        from benchmarks import bench_dashboard as mod
    else:
        from benchmarks import bench_batch as mod
    result = mod.run(quick=quick)
    if name == "dashboard":
        result["targets"] = _dashboard_targets(result)
    result["wall_seconds"] = round(time.perf_counter() - t0, 1)
    return result


def _environment() -> dict[str, Any]:
    versions = {}
    for pkg in ("mesa", "numpy", "networkx", "pandas", "scipy", "solara", "dask"):
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = None
    return {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "packages": versions,
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke check")
    parser.add_argument("--only", choices=PARTS, action="append", help="run only these parts")
    parser.add_argument(
        "--out",
        type=Path,
        help=f"results file (JSON; default {RESULTS.name}, with --quick {QUICK_RESULTS.name})",
    )
    args = parser.parse_args(argv)
    if args.out is None:
        args.out = QUICK_RESULTS if args.quick else RESULTS
    parts = args.only or list(PARTS)
    results: dict[str, Any] = {}
    if args.only and args.out.exists():  # a partial rerun keeps the other parts' results
        results = json.loads(args.out.read_text())
    results.update({"environment": _environment(), "quick": args.quick})
    for name in parts:
        results[name] = _run_part(name, args.quick)
        results[name]["measured"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    tmp = args.out.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(results, indent=2) + "\n")
    tmp.replace(args.out)
    print(table(results))
    print(f"\nwritten {args.out}")
    failed = [
        t for name in PARTS for t, ok in results.get(name, {}).get("targets", {}).items() if not ok
    ]
    return 1 if failed else 0


def table(results: dict[str, Any]) -> str:
    """The numbers and targets as a plain-text table."""
    lines = []
    if "model" in results:
        lines.append("Full model vs Mesa Boltzmann reference (same process)")
        lines.append(
            f"{'actors':>8} {'steps':>6} {'s':>7} {'µs/agent-step':>14} "
            f"{'ref (tutorial)':>15} {'ratio':>6} {'ref (list)':>11} {'ratio':>6} {'RSS MiB':>8}"
        )
        for r in results["model"]["model"]:
            lines.append(
                f"{r['n_actors']:>8} {r['steps']:>6} {r['seconds']:>7} "
                f"{r['us_per_agent_step']:>14} {r['reference_us_per_agent_step']:>15} "
                f"{r['ratio_to_reference']:>6} {r['reference_list_us_per_agent_step']:>11} "
                f"{r['ratio_to_list_reference']:>6} {r['peak_rss_mib']:>8}"
            )
        lines.append(f"scaling (µs/agent-step large / small): {results['model']['scaling']}")
    if "dashboard" in results:
        lines.append("\nDashboard frame (step + redraw), median ms")
        for r in results["dashboard"]["sizes"]:
            lines.append(
                f"  {r['n_actors']:>6} actors: frame {r['frame_ms']} ms "
                f"(model step {r['model_step_ms']} ms)"
            )
        mem = results["dashboard"].get("memory")
        if mem:
            lines.append(
                f"  memory over {mem['steps']} steps: snapshot ring (max {mem['max_snapshots']}) "
                f"{mem['snapshot_ring_heap_mb'][-1]} MB; growth beyond it per half run "
                f"{mem['dashboard_growth_beyond_ring_mb']} MB "
                f"(model alone {mem['heap_growth_model_alone_mb']} MB)"
            )
    if "batch" in results:
        b = results["batch"]
        lines.append(
            f"\nBatch: 2 workers {b['speedup']['speedup']}x serial; overhead per run "
            f"{b['overhead_pct_of_big_run']}% of a 1,000-actor x 200-step run"
        )
    lines.append("\nTargets")
    for name in PARTS:
        for target, ok in results.get(name, {}).get("targets", {}).items():
            lines.append(f"  [{'ok' if ok else 'MISS'}] {target}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
