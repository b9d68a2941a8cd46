"""Draw S(p) for several q with the team-assembly model (docs/img/validation/team_assembly_S_p.png).

For every (q, p, seed) it runs :func:`abm.team_assembly.run`, drops a burn-in and averages the
giant component share S and the share of repeat incumbent–incumbent pairs over the remaining
steps. Runs are serial (a few minutes with the defaults) and print one progress line each. Each
result is appended to a CSV next to the figure as soon as it is known, so an interrupted run
keeps its results and ``--resume`` computes only the missing ones; ``--plot-only`` redraws from
the CSV.

Usage::

    .venv/bin/python scripts/team_assembly_figure.py            # compute and draw
    .venv/bin/python scripts/team_assembly_figure.py --resume   # continue an interrupted run
    .venv/bin/python scripts/team_assembly_figure.py --plot-only
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from abm.streams import run_seeds  # noqa: E402
from abm.team_assembly import TeamAssemblyParams, run  # noqa: E402

OUT_DIR = ROOT / "docs" / "img" / "validation"
FIELDS = ("q", "p", "replicate", "seed", "S", "share_repeat", "n_active")


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text}")
    return value


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--steps", type=_positive, default=2000, help="teams per run (2000)")
    ap.add_argument("--burn-in", type=int, default=500, help="steps dropped before averaging")
    ap.add_argument("--seeds", type=_positive, default=3, help="replicates per point (3)")
    ap.add_argument("--master-seed", type=int, default=20050429, help="seed of the seeds")
    ap.add_argument("--team-size", type=int, default=4, help="m (4)")
    ap.add_argument("--max-downtime", type=int, default=40, help="τ (40)")
    ap.add_argument("--p-step", type=float, default=0.05, help="spacing of the p grid (0.05)")
    ap.add_argument(
        "--q", type=float, nargs="+", default=[0.0, 0.25, 0.5, 0.75, 1.0], help="q values"
    )
    ap.add_argument("--out", type=Path, default=OUT_DIR / "team_assembly_S_p.png")
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--resume", action="store_true", help="keep the CSV's rows, add missing")
    mode.add_argument("--plot-only", action="store_true", help="only redraw from the CSV")
    args = ap.parse_args(argv)
    if not 0 <= args.burn_in < args.steps:
        ap.error(f"--burn-in must be in [0, steps={args.steps}), got {args.burn_in}")
    if not 0 < args.p_step <= 1:
        ap.error(f"--p-step must be in (0, 1], got {args.p_step}")
    try:  # validates m, τ and every q against the model's parameter metadata
        for q in args.q:
            TeamAssemblyParams(team_size=args.team_size, max_downtime=args.max_downtime, q=q)
    except ValueError as e:
        ap.error(str(e))
    return args


def compute(args: argparse.Namespace, csv_path: Path) -> pd.DataFrame:
    """Run every missing (q, p, replicate) and append it to ``csv_path``; return all rows."""
    ps = np.round(np.arange(0.0, 1.0 + 1e-9, args.p_step), 4)
    seeds = run_seeds(args.master_seed, args.seeds)
    done: set[tuple[float, float, int]] = set()
    if args.resume and csv_path.exists():
        old = pd.read_csv(csv_path)
        done = {(r.q, r.p, int(r.replicate)) for r in old.itertuples()}
    else:
        with csv_path.open("w", newline="") as f:
            csv.writer(f).writerow(FIELDS)
    todo = [
        (q, float(p), i)
        for q in args.q
        for p in ps
        for i in range(args.seeds)
        if (q, float(p), i) not in done
    ]
    start = time.perf_counter()
    for k, (q, p, i) in enumerate(todo, 1):
        df = run(
            rng=seeds[i],
            steps=args.steps,
            team_size=args.team_size,
            max_downtime=args.max_downtime,
            p=p,
            q=q,
        )
        tail = df.iloc[args.burn_in + 1 :]
        row = (
            q,
            p,
            i,
            seeds[i],
            float(tail["giant_component_share"].mean()),
            float(tail["share_repeat"].mean()),
            float(tail["n_active"].mean()),
        )
        with csv_path.open("a", newline="") as f:
            csv.writer(f).writerow(row)
        elapsed = time.perf_counter() - start
        eta = elapsed / k * (len(todo) - k)
        print(
            f"[{k}/{len(todo)}] q={q:.2f} p={p:.2f} rep={i}  S={row[4]:.3f}  "
            f"{elapsed:.0f}s elapsed, ~{eta:.0f}s left",
            flush=True,
        )
    return pd.read_csv(csv_path)


def crossing(ps: np.ndarray, s: np.ndarray, level: float = 0.5) -> float:
    """First p where the mean S curve reaches ``level`` (linear interpolation; nan if never)."""
    above = np.nonzero(s >= level)[0]
    if above.size == 0:
        return float("nan")
    j = int(above[0])
    if j == 0:
        return float(ps[0])
    return float(ps[j - 1] + (level - s[j - 1]) * (ps[j] - ps[j - 1]) / (s[j] - s[j - 1]))


def plot(data: pd.DataFrame, args: argparse.Namespace) -> None:
    """Two panels: S(p) and the repeat-link share against p, one line per q, min–max bands."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4.2), constrained_layout=True)
    colors = plt.get_cmap("viridis")(np.linspace(0.0, 0.9, data["q"].nunique()))
    print("q      p where mean S first reaches 0.5")
    for color, (q, g) in zip(colors, data.groupby("q"), strict=True):
        stats = g.groupby("p").agg(
            S=("S", "mean"),
            S_lo=("S", "min"),
            S_hi=("S", "max"),
            R=("share_repeat", "mean"),
            R_lo=("share_repeat", "min"),
            R_hi=("share_repeat", "max"),
        )
        p = stats.index.to_numpy()
        ax1.plot(p, stats["S"], "o-", ms=3, color=color, label=f"q = {q:g}")
        ax1.fill_between(p, stats["S_lo"], stats["S_hi"], color=color, alpha=0.25, lw=0)
        ax2.plot(p, stats["R"], "o-", ms=3, color=color, label=f"q = {q:g}")
        ax2.fill_between(p, stats["R_lo"], stats["R_hi"], color=color, alpha=0.25, lw=0)
        print(f"{q:<6g} {crossing(p, stats['S'].to_numpy()):.3f}")
    n_rep = int(data.groupby(["q", "p"]).size().max())
    ax1.set(
        xlabel="p (probability that a slot goes to an incumbent)",
        ylabel="S (giant component / active agents)",
        title="Giant component share S(p)",
        xlim=(0, 1),
        ylim=(0, 1.02),
    )
    ax2.set(
        xlabel="p",
        ylabel="share of team pairs",
        title="Repeat incumbent–incumbent pairs",
        xlim=(0, 1),
        ylim=(0, 1.02),
    )
    ax1.legend(loc="upper left", fontsize=8)
    ax1.grid(alpha=0.3)
    ax2.grid(alpha=0.3)
    fig.suptitle(
        f"Team assembly (Guimerà et al. 2005), m = {args.team_size}, τ = {args.max_downtime}; "
        f"mean over steps {args.burn_in + 1}–{args.steps} and {n_rep} runs per point "
        "(band: min–max over runs)",
        fontsize=9,
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(args.out, dpi=120)
    print(f"wrote {args.out}")


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    csv_path = args.out.with_suffix(".csv")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    if args.plot_only:
        if not csv_path.exists():
            sys.exit(f"--plot-only: {csv_path} not found; run without --plot-only first")
        data = pd.read_csv(csv_path)
    else:
        try:
            data = compute(args, csv_path)
        except KeyboardInterrupt:
            sys.exit(f"\ninterrupted; results so far are in {csv_path} (continue with --resume)")
    plot(data, args)


if __name__ == "__main__":
    main()
