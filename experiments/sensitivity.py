"""Global sensitivity analysis with SALib from a ``sobol`` or ``morris`` design.

The output of a design point is the chosen statistic (``final`` value or time ``mean``) of a
reporter, averaged over the point's replicates (averaging reduces the model's own noise, which
otherwise inflates the indices' variance). The design points are in SALib's sample order, so
``Y[i]`` is point ``i``.

* Sobol: first-order ``S1`` and total-order ``ST`` with their 95% bootstrap confidence
  half-widths (``SALib.analyze.sobol``).
* Morris: ``mu_star`` (mean absolute elementary effect) with its 95% bootstrap confidence
  half-width, ``mu`` and ``sigma`` (``SALib.analyze.morris``; SALib gives no interval for
  ``sigma``). Morris reads the raw, unrounded sample so integer parameters stay analysable.

Writes ``sensitivity.csv`` and ``sensitivity.parquet`` (one row per reporter × parameter) into
the experiment folder and a bar chart per reporter, ``sensitivity_<reporter>.png``.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from experiments import storage
from experiments.results import Results, load_results
from experiments.spec import STATISTICS, SpecError

NUM_RESAMPLES = 1000
CONF_LEVEL = 0.95


def _problem(res: Results) -> dict:
    d = res.manifest["design"]
    return {
        "num_vars": len(d["parameters"]),
        "names": list(d["parameters"]),
        "bounds": [list(d["bounds"][p]) for p in d["parameters"]],
    }


def _outputs(res: Results, column: str) -> np.ndarray:
    n_points = int(res.manifest["design"]["n_points"])
    y = res.done.groupby("point")[column].mean().reindex(range(n_points))
    if y.isna().any():
        bad = [int(i) for i in y.index[y.isna()][:5]]
        raise SpecError(
            f"{res.folder}: {column} is missing (or NaN) for design points {bad}; "
            "sensitivity needs every point"
        )
    return y.to_numpy(dtype=float)


def analyze(res: Results, reporter: str, statistic: str) -> pd.DataFrame:
    """Sensitivity indices of one reporter's statistic; one row per parameter."""
    return _analyze(res, reporter, statistic)[0]


def _analyze(
    res: Results, reporter: str, statistic: str
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """First-order and total indices (one row per parameter) and, for a Sobol design with
    ``second_order``, the second-order indices (one row per pair of parameters)."""
    column = f"{statistic}_{reporter}"
    problem = _problem(res)
    y = _outputs(res, column)
    seed = int(res.manifest.get("master_seed", 0)) % 2**32
    d = res.manifest["design"]
    base = pd.DataFrame(
        {"reporter": reporter, "statistic": statistic, "parameter": problem["names"]}
    )
    constant = float(np.nanstd(y)) == 0.0
    second = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        if res.kind == "sobol":
            from SALib.analyze import sobol

            if constant:
                si = {
                    k: np.full(problem["num_vars"], np.nan)
                    for k in ("S1", "S1_conf", "ST", "ST_conf")
                }
            else:
                si = sobol.analyze(
                    problem,
                    y,
                    calc_second_order=bool(d.get("second_order", False)),
                    num_resamples=NUM_RESAMPLES,
                    conf_level=CONF_LEVEL,
                    seed=seed,
                )
            out = base.assign(
                method="sobol",
                S1=si["S1"],
                S1_conf=si["S1_conf"],
                ST=si["ST"],
                ST_conf=si["ST_conf"],
            )
            if d.get("second_order", False):
                names, k = problem["names"], problem["num_vars"]
                pairs = [(i, j) for i in range(k) for j in range(i + 1, k)]
                s2 = si.get("S2", np.full((k, k), np.nan))
                s2_conf = si.get("S2_conf", np.full((k, k), np.nan))
                second = pd.DataFrame(
                    {
                        "reporter": reporter,
                        "statistic": statistic,
                        "parameter": [names[i] for i, _ in pairs],
                        "with_parameter": [names[j] for _, j in pairs],
                        "method": "sobol",
                        "S2": [float(s2[i, j]) for i, j in pairs],
                        "S2_conf": [float(s2_conf[i, j]) for i, j in pairs],
                    }
                )
        else:
            from SALib.analyze import morris

            x = res.design.sort_values("point")[[f"raw_{p}" for p in problem["names"]]].to_numpy()
            if constant:
                si = {
                    k: np.zeros(problem["num_vars"])
                    for k in ("mu", "mu_star", "sigma", "mu_star_conf")
                }
            else:
                si = morris.analyze(
                    problem,
                    x,
                    y,
                    num_resamples=NUM_RESAMPLES,
                    conf_level=CONF_LEVEL,
                    num_levels=int(d.get("num_levels", 4)),
                    seed=seed,
                )
            out = base.assign(
                method="morris",
                mu=np.asarray(si["mu"], dtype=float),
                mu_star=np.asarray(si["mu_star"], dtype=float),
                mu_star_conf=np.asarray(si["mu_star_conf"], dtype=float),
                sigma=np.asarray(si["sigma"], dtype=float),
            )
    out["n_points"] = len(y)
    out["replicates"] = int(res.done.groupby("point").size().min())
    return out, second


def sensitivity_experiment(
    folder: str | Path,
    reporters: Sequence[str] | None = None,
    statistic: str | None = None,
    to: str | Path | None = None,
    prefix: str = "",
) -> list[Path]:
    """Indices and figures for the experiment in ``folder``; returns the written paths."""
    res = load_results(folder)
    if res.kind not in ("sobol", "morris"):
        raise SpecError(
            f"{res.folder}: sensitivity needs a 'sobol' or 'morris' design; this experiment's "
            f"design is {res.kind!r}"
        )
    missing = res.summary[res.summary["status"] != "done"]
    if len(missing):
        raise SpecError(
            f"{res.folder}: {len(missing)} of {len(res.summary)} runs are not done (e.g. "
            f"{missing['run_id'].iloc[0]}); finish them with `run --resume` first"
        )
    stat = statistic or str(res.spec.get("analysis", {}).get("statistic", "final"))
    if stat not in STATISTICS:
        raise SpecError(f"statistic {stat!r} is invalid; expected one of {', '.join(STATISTICS)}")
    names = res.analysis_reporters(reporters)
    results = [_analyze(res, r, stat) for r in names]
    table = pd.concat([first for first, _ in results], ignore_index=True)
    out = Path(to) if to else res.folder / "figures"
    out.mkdir(parents=True, exist_ok=True)
    paths = [res.folder / "sensitivity.csv", res.folder / "sensitivity.parquet"]
    with storage.atomic_path(paths[0]) as tmp:
        table.to_csv(tmp, index=False)
    storage.write_frame(paths[1], table)
    seconds = [s for _, s in results if s is not None]
    if seconds:  # second-order Sobol indices: one row per reporter and pair of parameters
        pairs = pd.concat(seconds, ignore_index=True)
        csv2 = res.folder / "sensitivity_second_order.csv"
        parquet2 = res.folder / "sensitivity_second_order.parquet"
        with storage.atomic_path(csv2) as tmp:
            pairs.to_csv(tmp, index=False)
        storage.write_frame(parquet2, pairs)
        paths += [csv2, parquet2]
    for r in names:
        paths.append(
            _plot(table[table["reporter"] == r], res, r, stat, out / f"{prefix}sensitivity_{r}.png")
        )
    return paths


def _plot(rows: pd.DataFrame, res: Results, reporter: str, stat: str, path: Path) -> Path:
    params = rows["parameter"].tolist()
    y = np.arange(len(params))
    fig, ax = plt.subplots(figsize=(6.4, 0.45 * len(params) + 1.8))
    if res.kind == "sobol":
        h = 0.38
        ax.barh(
            y - h / 2,
            rows["S1"],
            h,
            xerr=rows["S1_conf"],
            label="S1 (first order)",
            color="C0",
            capsize=3,
        )
        ax.barh(
            y + h / 2,
            rows["ST"],
            h,
            xerr=rows["ST_conf"],
            label="ST (total order)",
            color="C1",
            capsize=3,
        )
        ax.axvline(0, color="0.3", lw=0.8)
        ax.set_xlabel("Sobol index (bars: 95% CI)")
    else:
        h = 0.38
        ax.barh(
            y - h / 2,
            rows["mu_star"],
            h,
            xerr=rows["mu_star_conf"],
            label="μ* (95% CI)",
            color="C0",
            capsize=3,
        )
        ax.barh(y + h / 2, rows["sigma"], h, label="σ", color="C2")
        ax.set_xlabel(f"elementary effect on {stat} {reporter}")
    ax.set_yticks(y, params, fontsize=8)
    ax.invert_yaxis()
    ax.legend(fontsize=8, frameon=False)
    ax.grid(alpha=0.3, axis="x")
    n = int(rows["n_points"].iloc[0])
    reps = int(rows["replicates"].iloc[0])
    ax.set_title(
        f"{res.kind.capitalize()}: {stat} {reporter} ({n} points × {reps} replicates)", fontsize=10
    )
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
