"""PNG figures of an experiment's results (matplotlib, Agg backend: no display needed).

For each chosen reporter:

* ``timeseries_<reporter>.png`` — the mean over replicates per design point, with the 95%
  confidence band of that mean (Student t, n = replicates). Designs with more than
  :data:`MAX_LINES` points (sampled designs) show each point's mean as a thin line and the mean
  over all runs with its band instead.
* ``heatmap_<reporter>.png`` — two-parameter grids: the statistic (final value by default)
  averaged over replicates, one cell per grid point, annotated with the mean and the 95% CI
  half-width.
* ``effect_<reporter>.png`` — one-parameter grids: the statistic per value with its 95% CI.
* ``scatter_<reporter>.png`` — sampled designs: the statistic of each run against each varied
  parameter.

Plus ``overview.png``: every chosen reporter's time series in one figure, and for grids of one
or two parameters ``effects.png`` / ``heatmaps.png``: every chosen reporter's bars or heat map
in one figure.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy import stats

from experiments.results import Results, load_results
from experiments.spec import describe_point

MAX_LINES = 12
DPI = 110


def mean_ci(values: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean over columns (replicates) per row and its 95% CI (t-based); no band when n < 2."""
    arr = values.to_numpy(dtype=float)
    n = np.sum(~np.isnan(arr), axis=1)
    mean = np.nanmean(arr, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        sd = np.nanstd(arr, axis=1, ddof=1) if arr.shape[1] > 1 else np.full(len(arr), np.nan)
        half = stats.t.ppf(0.975, np.maximum(n - 1, 1)) * sd / np.sqrt(n)
    half = np.where(n >= 2, half, np.nan)
    return mean, mean - half, mean + half


def _default_reporters(res: Results) -> tuple[str, ...]:
    try:
        from experiments.models import get_model

        return get_model(str(res.manifest.get("model", "innovation"))).default_plot_reporters
    except Exception:  # the model's module may be gone; plotting only needs the files
        return ()


def _point_labels(res: Results) -> dict[int, str]:
    params = res.parameters
    labels = {}
    for _, row in res.design.iterrows():
        labels[int(row["point"])] = describe_point({p: row[p] for p in params})
    return labels


def _statistic(res: Results) -> str:
    return str(res.spec.get("analysis", {}).get("statistic", "final"))


def plot_experiment(
    folder: str | Path,
    reporters: Sequence[str] | None = None,
    to: str | Path | None = None,
    prefix: str = "",
) -> list[Path]:
    """Write the figures of the experiment in ``folder``; returns their paths."""
    res = load_results(folder)
    names = res.analysis_reporters(reporters, _default_reporters(res))
    out = Path(to) if to else res.folder / "figures"
    out.mkdir(parents=True, exist_ok=True)
    frames = res.run_frames(names)
    labels = _point_labels(res)
    stat = _statistic(res)
    paths = []
    for name in names:
        fig, ax = plt.subplots(figsize=(7, 4.2))
        _timeseries(ax, frames, name, labels)
        paths.append(_save(fig, out / f"{prefix}timeseries_{name}.png"))
        if res.kind == "grid" and len(res.parameters) == 2:
            paths.append(_heatmap(res, name, stat, out / f"{prefix}heatmap_{name}.png"))
        elif res.kind == "grid" and len(res.parameters) == 1:
            paths.append(_effect(res, name, stat, out / f"{prefix}effect_{name}.png"))
        elif res.kind != "grid":
            paths.append(_scatter(res, name, stat, out / f"{prefix}scatter_{name}.png"))
    paths.append(_overview(res, frames, names, labels, out / f"{prefix}overview.png"))
    if res.kind == "grid" and len(res.parameters) in (1, 2) and len(names) > 1:
        kind = "heatmaps" if len(res.parameters) == 2 else "effects"
        paths.append(_panels(res, names, stat, out / f"{prefix}{kind}.png"))
    return paths


def _save(fig: Any, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=DPI)
    plt.close(fig)
    return path


def _timeseries(ax: Any, frames: pd.DataFrame, name: str, labels: dict[int, str]) -> None:
    points = sorted(frames["point"].unique())
    if len(points) <= MAX_LINES:
        cmap = plt.get_cmap("viridis" if len(points) > 10 else "tab10")
        for i, p in enumerate(points):
            sel = frames[frames["point"] == p]
            wide = sel.pivot(index="step", columns="replicate", values=name)
            mean, lo, hi = mean_ci(wide)
            color = cmap(i / max(len(points) - 1, 1)) if len(points) > 10 else cmap(i)
            n = wide.shape[1]
            ax.plot(wide.index, mean, color=color, lw=1.6, label=f"{labels.get(p, p)} (n={n})")
            ax.fill_between(wide.index, lo, hi, color=color, alpha=0.18, lw=0)
        if len(points) > 1 or labels.get(points[0]) != "base":
            ax.legend(fontsize=7, loc="best", frameon=False)
    else:
        per_point = frames.groupby(["point", "step"])[name].mean().unstack("point")
        ax.plot(per_point.index, per_point.to_numpy(), color="0.6", lw=0.4, alpha=0.5)
        wide = frames.pivot_table(index="step", columns=["point", "replicate"], values=name)
        mean, lo, hi = mean_ci(wide)
        ax.plot(wide.index, mean, color="C3", lw=2, label=f"all runs (n={wide.shape[1]})")
        ax.fill_between(wide.index, lo, hi, color="C3", alpha=0.25, lw=0)
        ax.plot([], [], color="0.6", lw=0.8, label=f"{len(points)} design points")
        ax.legend(fontsize=8, frameon=False)
    ax.set_xlabel("step")
    ax.set_ylabel(name)
    ax.set_title(f"{name}: mean and 95% CI over replicates", fontsize=10)
    ax.grid(alpha=0.3)


def _overview(
    res: Results, frames: pd.DataFrame, names: list[str], labels: dict[int, str], path: Path
) -> Path:
    cols = 2 if len(names) > 1 else 1
    rows = int(np.ceil(len(names) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(6.2 * cols, 3.6 * rows), squeeze=False)
    for ax, name in zip(axes.flat, names, strict=False):
        _timeseries(ax, frames, name, labels)
        ax.set_title(name, fontsize=10)
        if ax is not axes.flat[0] and ax.get_legend() is not None:
            ax.get_legend().remove()
    for ax in list(axes.flat)[len(names) :]:
        ax.axis("off")
    fig.suptitle(f"{res.name}: mean and 95% CI over replicates", fontsize=11)
    return _save(fig, path)


def _per_point(res: Results, col: str) -> pd.DataFrame:
    done = res.done
    g = done.groupby("point")[col]
    out = pd.DataFrame({"mean": g.mean(), "sd": g.std(ddof=1), "n": g.count()})
    t = stats.t.ppf(0.975, np.maximum(out["n"] - 1, 1))
    out["half"] = np.where(out["n"] >= 2, t * out["sd"] / np.sqrt(out["n"]), np.nan)
    return out


def _heatmap(res: Results, name: str, stat: str, path: Path) -> Path:
    a, b = res.parameters
    n_rows = res.design[a].nunique()
    n_cols = res.design[b].nunique()
    fig, ax = plt.subplots(figsize=(1.2 * n_cols + 3, 0.7 * n_rows + 2.2))
    _draw_heatmap(fig, ax, res, name, stat)
    return _save(fig, path)


def _draw_heatmap(fig: Any, ax: Any, res: Results, name: str, stat: str) -> None:
    a, b = res.parameters
    col = f"{stat}_{name}"
    table = _per_point(res, col).join(res.design.set_index("point")[[a, b]])
    grid = table.pivot(index=a, columns=b, values="mean")
    half = table.pivot(index=a, columns=b, values="half").to_numpy(dtype=float)
    im = ax.imshow(grid.to_numpy(dtype=float), cmap="viridis", aspect="auto", origin="lower")
    ax.set_xticks(range(len(grid.columns)), [str(c) for c in grid.columns], fontsize=8)
    ax.set_yticks(range(len(grid.index)), [str(i) for i in grid.index], fontsize=8)
    ax.set_xlabel(b)
    ax.set_ylabel(a)
    vals = grid.to_numpy(dtype=float)
    finite = vals[np.isfinite(vals)]
    mid = (finite.min() + finite.max()) / 2 if finite.size else 0
    for i in range(vals.shape[0]):
        for j in range(vals.shape[1]):
            if np.isfinite(vals[i, j]):
                ci = f"\n±{half[i, j]:.2g}" if np.isfinite(half[i, j]) else ""
                ax.text(
                    j,
                    i,
                    f"{vals[i, j]:.3g}{ci}",
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="black" if vals[i, j] > mid else "white",
                )
    fig.colorbar(im, ax=ax, label=f"{stat} {name}")
    ax.set_title(f"{stat} {name}: mean ± 95% CI half-width over replicates", fontsize=10)


def _effect(res: Results, name: str, stat: str, path: Path) -> Path:
    n = res.design[res.parameters[0]].nunique()
    fig, ax = plt.subplots(figsize=(max(4.5, 1.1 * n + 2), 3.8))
    _draw_effect(ax, res, name, stat)
    return _save(fig, path)


def _draw_effect(ax: Any, res: Results, name: str, stat: str) -> None:
    (a,) = res.parameters
    col = f"{stat}_{name}"
    table = _per_point(res, col).join(res.design.set_index("point")[[a]])
    x = np.arange(len(table))
    ax.bar(x, table["mean"], color="C0", alpha=0.75)
    ax.errorbar(x, table["mean"], yerr=table["half"], fmt="none", ecolor="black", capsize=4)
    pos = {p: i for i, p in enumerate(table.index)}
    done = res.done
    ax.plot(done["point"].map(pos), done[col], "o", ms=3, color="0.25", alpha=0.6)
    ax.set_xticks(x, [str(v) for v in table[a]], fontsize=8)
    ax.set_xlabel(a)
    ax.set_ylabel(f"{stat} {name}")
    ax.set_title(f"{stat} {name}: mean, 95% CI and replicates", fontsize=10)
    ax.grid(alpha=0.3, axis="y")


def _panels(res: Results, names: list[str], stat: str, path: Path) -> Path:
    """All reporters' effect bars (1-parameter grid) or heat maps (2-parameter grid) together."""
    two = len(res.parameters) == 2
    cols = min(3, len(names))
    rows = int(np.ceil(len(names) / cols))
    n = len(res.design)
    w = (1.0 * res.design[res.parameters[1]].nunique() + 3.2) if two else max(4.2, 0.9 * n + 1.8)
    h = (0.6 * res.design[res.parameters[0]].nunique() + 2.0) if two else 3.4
    fig, axes = plt.subplots(rows, cols, figsize=(w * cols, h * rows), squeeze=False)
    for ax, name in zip(axes.flat, names, strict=False):
        if two:
            _draw_heatmap(fig, ax, res, name, stat)
        else:
            _draw_effect(ax, res, name, stat)
        ax.set_title(name, fontsize=10)
    for ax in list(axes.flat)[len(names) :]:
        ax.axis("off")
    what = "mean ± 95% CI half-width" if two else "mean, 95% CI and replicates"
    fig.suptitle(f"{res.name}: {stat} value per design point ({what})", fontsize=11)
    return _save(fig, path)


def _scatter(res: Results, name: str, stat: str, path: Path) -> Path:
    params = res.parameters
    col = f"{stat}_{name}"
    done = res.done
    cols = min(3, len(params))
    rows = int(np.ceil(len(params) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(3.6 * cols, 3.0 * rows), squeeze=False)
    for ax, p in zip(axes.flat, params, strict=False):
        ax.plot(done[p], done[col], ".", ms=3, alpha=0.5)
        ax.set_xlabel(p, fontsize=8)
        ax.set_ylabel(f"{stat} {name}", fontsize=8)
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(params) :]:
        ax.axis("off")
    fig.suptitle(f"{stat} {name} against each sampled parameter", fontsize=10)
    return _save(fig, path)
