"""Check the seed papers' stylized facts on the innovation model over many seeds.

Every fact compares two settings (A and B) of a small population run with the same seeds
(paired: run *i* of A and run *i* of B share seed *i*). A metric is read from each run, and the
per-seed differences A − B give a mean difference and its standard error. A fact **holds** when
the difference has the expected sign and exceeds ``Z`` (2) standard errors, **fails** when it is
that far in the opposite direction, and is **inconclusive** otherwise. One comparison has no
expected sign (which partner choice gives the larger giant component); it is only reported.

Writes ``docs/img/validation/stylized_facts.csv`` (one row per fact) and the figures
``docs/img/validation/stylized_*.png``. Each finished run is cached under
``artifacts/stylized_facts/`` as soon as it is known, so an interrupted run keeps its work and a
second call computes only what is missing (``--fresh`` ignores the cache). The test module
``tests/test_stylized_facts.py`` imports the facts and the runner from here.

Usage::

    .venv/bin/python scripts/stylized_facts.py                # 20 seeds, 200 steps, 2 workers
    .venv/bin/python scripts/stylized_facts.py --seeds 10 --steps 120
    .venv/bin/python scripts/stylized_facts.py --plot-only    # redraw from the cached runs
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import multiprocessing
import os
import sys
import time
import warnings
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from abm.params import Params  # noqa: E402
from abm.scenarios import SCENARIOS  # noqa: E402
from abm.streams import run_seeds  # noqa: E402

OUT_DIR = ROOT / "docs" / "img" / "validation"
CACHE_DIR = ROOT / "artifacts" / "stylized_facts"
#: Small-to-medium population of every run: 30 maker teams, 3 universities, 10 enterprises (plus
#: the service institutions of the integration mode: 7 in the baseline).
SMALL: dict[str, Any] = {"n_makers": 30, "n_universities": 3, "n_enterprises": 10}
MASTER_SEED = 20240601
Z = 2.0  # standard errors a difference must exceed

FUNDS, EQUIPMENT = 0, 1
#: A maker is *resource-poor* when its own funds + equipment capacity is below the maker
#: profile's mean (0.15 + 0.2 units of project_size / 4, see abm/kinds.py) before the random
#: spread and the regional factor: about two thirds of makers, most lagging-region ones included.
POOR_UNITS = 0.35


# ---------------------------------------------------------------------------------- settings
def scenario_overrides(name: str) -> dict[str, Any]:
    """The parameters in which scenario ``name`` differs from the baseline."""
    base, scen = SCENARIOS["baseline"].to_dict(), SCENARIOS[name].to_dict()
    return {k: v for k, v in scen.items() if v != base[k]}


#: Every policy lever of seed 000 at zero: no subsidies, no fault-tolerance fund, no makerspace
#: training, no awards.
NO_POLICY: dict[str, Any] = {
    "subsidy_rate": 0.0,
    "subsidy_budget": 0.0,
    "fault_tolerance_share": 0.0,
    "fault_budget": 0.0,
    "training_intensity": 0.0,
    "n_awards": 0,
}

#: Settings compared by the facts: name → parameter overrides on top of ``SMALL``.
CONFIGS: dict[str, dict[str, Any]] = {
    "baseline": {},
    "trust_off": scenario_overrides("trust_off"),
    "fair_sharing": scenario_overrides("fair_sharing"),
    "strict_contracts": scenario_overrides("strict_contracts"),
    "low_trust_strict": {**scenario_overrides("low_trust"), "contract_mode": "strict"},
    "low_trust_negotiated": {**scenario_overrides("low_trust"), "contract_mode": "negotiated"},
    "fault_tolerant": scenario_overrides("fault_tolerant"),
    "open_alliance": scenario_overrides("open_alliance"),
    "open_alliance_no_platform": {**scenario_overrides("open_alliance"), "n_sharing": 0},
    "supermarket_platform": scenario_overrides("supermarket_platform"),
    "no_services_no_policy": {**scenario_overrides("no_services"), **NO_POLICY},
}


# ---------------------------------------------------------------------------------- one run
def run_case(overrides: dict[str, Any], steps: int, seed: int) -> pd.DataFrame:
    """Run one model of ``SMALL`` size with ``overrides`` for ``steps`` steps.

    Returns the model's reporters (row 0 = initial state) plus three columns read each step
    through the public API (``model.projects``, ``model.actors_of``):

    * ``poor_started`` / ``poor_succeeded``: projects initiated by resource-poor makers (see
      ``POOR_UNITS``) that were executed / succeeded this step;
    * ``n_poor_makers``: resource-poor makers alive.
    """
    from abm.model import InnovationModel

    model = InnovationModel(rng=seed, **{**SMALL, **overrides})
    unit = model.params.project_size / 4.0

    def poor(actor: Any) -> bool:
        return float(actor.resources[FUNDS] + actor.resources[EQUIPMENT]) < POOR_UNITS * unit

    started, succeeded = [0], [0]
    n_poor = [sum(poor(m) for m in model.actors_of("maker"))]
    for _ in range(steps):
        model.step()
        mine = [pr for pr in model.projects if pr.initiator.kind == "maker" and poor(pr.initiator)]
        started.append(len(mine))
        succeeded.append(sum(pr.success for pr in mine))
        n_poor.append(sum(poor(m) for m in model.actors_of("maker")))
    df = model.reporters().copy()
    df["poor_started"] = started
    df["poor_succeeded"] = succeeded
    df["n_poor_makers"] = n_poor
    return df


@functools.lru_cache(maxsize=1)
def model_source_hash() -> str:
    """Hash of the model's code (abm/, agents/): a cached run is reused only for the same code."""
    h = hashlib.sha1()
    for path in sorted([*(ROOT / "abm").rglob("*.py"), *(ROOT / "agents").rglob("*.py")]):
        h.update(path.relative_to(ROOT).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:12]


def _key(config: str, steps: int, seed: int) -> str:
    blob = json.dumps(
        [SMALL, CONFIGS[config], steps, seed, model_source_hash()], sort_keys=True, default=str
    )
    digest = hashlib.sha1(blob.encode()).hexdigest()[:10]
    return f"{config}_{steps}_{seed}_{digest}"


def _job(args: tuple[str, dict[str, Any], int, int]) -> tuple[str, int, pd.DataFrame, float]:
    config, overrides, steps, seed = args
    t0 = time.perf_counter()
    df = run_case(overrides, steps, seed)
    return config, seed, df, time.perf_counter() - t0


def run_all(
    configs: Iterable[str],
    seeds: list[int],
    steps: int,
    *,
    workers: int = 2,
    cache_dir: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, list[pd.DataFrame]]:
    """Run every config with every seed in ``workers`` processes.

    Returns ``{config: [frame per seed, in the order of seeds]}``. With ``cache_dir`` each run is
    saved there as soon as it finishes and read back instead of recomputed.
    """
    configs = list(dict.fromkeys(configs))
    for c in configs:
        Params(**{**SMALL, **CONFIGS[c]})  # fail early, naming the field, on a bad setting
    out: dict[str, list[pd.DataFrame | None]] = {c: [None] * len(seeds) for c in configs}
    where = {s: i for i, s in enumerate(seeds)}
    todo = []
    for c in configs:
        for i, s in enumerate(seeds):
            path = cache_dir / f"{_key(c, steps, s)}.parquet" if cache_dir else None
            if path is not None and path.exists():
                out[c][i] = pd.read_parquet(path)
            else:
                todo.append((c, CONFIGS[c], steps, s))
    say = progress or (lambda _msg: None)
    say(f"{len(todo)} runs to compute ({sum(len(v) for v in out.values()) - len(todo)} cached)")
    t0 = time.perf_counter()

    def store(config: str, seed: int, df: pd.DataFrame, secs: float, done: int) -> None:
        out[config][where[seed]] = df
        if cache_dir is not None:
            cache_dir.mkdir(parents=True, exist_ok=True)
            path = cache_dir / f"{_key(config, steps, seed)}.parquet"
            tmp = path.with_suffix(".tmp")
            df.to_parquet(tmp)
            os.replace(tmp, path)
        say(
            f"[{done}/{len(todo)}] {config} seed {seed}: {secs:.1f} s "
            f"(elapsed {time.perf_counter() - t0:.0f} s)"
        )

    if workers <= 1:
        for n, job in enumerate(todo, 1):
            store(*_job(job), n)
    elif todo:
        # spawn: the caller (pytest, a notebook) may run threads, which fork() would copy, and a
        # fork server started earlier would not know this module's path; spawn passes sys.path.
        ctx = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
            futures = [pool.submit(_job, job) for job in todo]
            for n, fut in enumerate(as_completed(futures), 1):
                store(*fut.result(), n)
    return out  # type: ignore[return-value]


# ---------------------------------------------------------------------------------- metrics
def window(df: pd.DataFrame) -> pd.DataFrame:
    """The steps metrics average: all but the first quarter of the run (while the network forms
    from nothing), i.e. steps T/4 + 1 … T of a T-step run."""
    n = len(df) - 1
    return df.iloc[1 + n // 4 :]


def _pooled(num: pd.Series, den: pd.Series) -> float:
    total = float(den.sum())
    return float(num.sum()) / total if total else float("nan")


def m_window_mean(column: str) -> Callable[[pd.DataFrame], float]:
    def f(df: pd.DataFrame) -> float:
        return float(window(df)[column].mean())

    return f


def m_repeat_share(df: pd.DataFrame) -> float:
    """Mean share of this step's partner pairs that had collaborated before (steps with teams)."""
    w = window(df)
    return float(w.loc[w["n_projects_started"] > 0, "share_repeat_collaborations"].mean())


def m_costs_per_project(df: pd.DataFrame) -> float:
    """Search and monitoring costs per executed project."""
    w = window(df)
    return _pooled(w["transaction_costs"], w["n_projects_started"])


def m_success_rate(df: pd.DataFrame) -> float:
    """Succeeded / started projects, pooled over the window."""
    w = window(df)
    return _pooled(w["n_projects_succeeded"], w["n_projects_started"])


def m_poor_success(df: pd.DataFrame) -> float:
    """Success rate of projects initiated by resource-poor makers, pooled over the whole run."""
    return _pooled(df["poor_succeeded"], df["poor_started"])


def m_stranger_ties(df: pd.DataFrame) -> float:
    """New ties between actors who had no tie before, per step, over the whole run."""
    return float(df["new_stranger_ties"].iloc[1:].mean())


@dataclass(frozen=True)
class Fact:
    """One stylized fact: setting A should give a larger (sign +1) or smaller (−1) metric than B.

    ``sign = 0`` marks a comparison that is only reported (no expectation).
    """

    key: str
    statement: str
    source: str  # seed file and a short quotation
    a: str
    b: str
    metric: str
    sign: int
    fn: Callable[[pd.DataFrame], float] = field(repr=False)


S002_TRUST = (
    'seed 002 §2.2: trust "can effectively improve the efficiency of cooperation and reduce '
    'friction and conflict"; trust-based cooperation is built in stages'
)
S002_LOOP = (
    'seed 002 §3: "If the benefit distribution mechanism is effective, it will enhance the '
    'trust of players"; "Reasonable and effective benefit distribution can also promote the '
    'improvement of trust"'
)
S002_STRICT = (
    'seed 002 §3: "because of the low degree of mutual trust, benefit allocation agreements are '
    'often stricter and harsh"; trust reduces "friction and conflict" (§2.2)'
)
S000_FAULT = (
    'seed 000 §1.2.1: a "double mechanism" of fault tolerance so that "students who commit '
    'mistakes in the early stage can continue to dedicate to the venture without worries"'
)
S001_SHARING = (
    "seed 001 (abstract): sharing of S&T resources addresses student innovators' \"making "
    'bricks without straw"'
)
S002_SUPERMARKET = (
    'seed 002 §4.3.3: the supermarket is "an open and autonomous service mode" whose staff '
    'monitor "the credibility of both suppliers and consumers"'
)
S000_COUPLING = (
    'seed 000: a "coupling guarantee mechanism" for the "coordination, win-win and synchronous '
    'benign development" of maker spirit and S&T innovation, with "the support and assistance of '
    'the government" and institutions (§1.1.2)'
)

FACTS: tuple[Fact, ...] = (
    Fact("trust_clustering", "Trust-based partner choice gives a more clustered network",
         S002_TRUST, "baseline", "trust_off", "clustering (mean, after T/4)", +1,
         m_window_mean("clustering")),
    Fact("trust_repeat", "Trust-based partner choice gives more repeat ties",
         S002_TRUST, "baseline", "trust_off", "share of repeat partner pairs (after T/4)", +1,
         m_repeat_share),
    Fact("trust_costs", "Trust-based partner choice gives lower transaction costs",
         S002_TRUST, "baseline", "trust_off", "transaction costs per project (after T/4)", -1,
         m_costs_per_project),
    Fact("trust_giant", "Which partner choice gives the larger giant component (reported)",
         S002_TRUST, "baseline", "trust_off", "giant component share (mean, after T/4)", 0,
         m_window_mean("giant_component_share")),
    Fact("trust_density", "Which partner choice gives the denser collaboration graph (reported)",
         S002_TRUST, "baseline", "trust_off", "collaboration-graph density (mean, after T/4)", 0,
         m_window_mean("collab_density")),
    Fact("trust_clustering_vs_random",
         "Clustering relative to a random graph of the same density (reported)",
         S002_TRUST, "baseline", "trust_off", "clustering / density (mean, after T/4)", 0,
         m_window_mean("clustering_vs_random")),
    Fact("trust_transitivity",
         "Transitivity: closed / connected triads (reported)",
         S002_TRUST, "baseline", "trust_off", "transitivity (mean, after T/4)", 0,
         m_window_mean("transitivity")),
    Fact("fair_trust", "Fair sharing raises trust",
         S002_LOOP, "fair_sharing", "strict_contracts", "mean trust (after T/4)", +1,
         m_window_mean("mean_trust")),
    Fact("fair_survival", "Fair sharing raises the survival of makers",
         S002_LOOP, "fair_sharing", "strict_contracts", "makers alive (mean, after T/4)", +1,
         m_window_mean("n_makers_alive")),
    Fact("strict_costs", "Strict contracts under low trust raise transaction costs",
         S002_STRICT, "low_trust_strict", "low_trust_negotiated",
         "transaction costs per project (after T/4)", +1, m_costs_per_project),
    Fact("strict_success", "Strict contracts under low trust lower success",
         S002_STRICT, "low_trust_strict", "low_trust_negotiated",
         "success rate (pooled, after T/4)", -1, m_success_rate),
    Fact("fault_alive", "Fault-tolerance support keeps more makers alive",
         S000_FAULT, "fault_tolerant", "baseline", "makers alive (mean, after T/4)", +1,
         m_window_mean("n_makers_alive")),
    Fact("sharing_poor", "Resource sharing raises the success of resource-poor makers",
         S001_SHARING, "open_alliance", "open_alliance_no_platform",
         "success rate of projects initiated by resource-poor makers (pooled, whole run)", +1,
         m_poor_success),
    Fact("supermarket_strangers", "The supermarket platform creates more ties between strangers",
         S002_SUPERMARKET, "supermarket_platform", "baseline",
         "new ties between strangers per step (whole run)", +1, m_stranger_ties),
    Fact("coupling_services_policy",
         "Coupling coordination is higher with service institutions and policy support",
         S000_COUPLING, "baseline", "no_services_no_policy",
         "coupling coordination D (mean, after T/4)", +1, m_window_mean("coupling_coordination")),
)  # fmt: skip


@dataclass(frozen=True)
class Verdict:
    """Outcome of one fact over paired seeds."""

    fact: Fact
    mean_a: float
    se_a: float
    mean_b: float
    se_b: float
    diff: float
    se_diff: float
    n: int

    @property
    def z(self) -> float:
        return self.diff / self.se_diff if self.se_diff > 0 else float("inf") * np.sign(self.diff)

    @property
    def verdict(self) -> str:
        s = self.fact.sign
        if s == 0:
            if abs(self.z) > Z:
                return "A larger" if self.diff > 0 else "B larger"
            return "no clear difference"
        if s * self.z > Z:
            return "holds"
        if s * self.z < -Z:
            return "fails (opposite)"
        return "inconclusive"

    def message(self) -> str:
        """Numbers for assertion messages and progress lines."""
        f = self.fact
        return (
            f"{f.key}: {f.metric}: A={f.a} {self.mean_a:.4g} ± {self.se_a:.2g}, "
            f"B={f.b} {self.mean_b:.4g} ± {self.se_b:.2g}; A−B = {self.diff:.4g} ± "
            f"{self.se_diff:.2g} (SE, {self.n} paired seeds, z = {self.z:.2f}) → {self.verdict}"
        )


def _se(x: np.ndarray) -> float:
    return float(x.std(ddof=1) / np.sqrt(len(x))) if len(x) > 1 else float("inf")


def evaluate(fact: Fact, runs: dict[str, list[pd.DataFrame]], steps: int | None = None) -> Verdict:
    """Metric per seed for A and B, and the paired difference with its standard error.

    With ``steps``, every run is read up to that step (a prefix: a model does not know how long
    it will run, so the first rows of a longer run are those of a shorter one). Seeds where
    either side's metric is undefined (e.g. no project by a resource-poor maker) are dropped
    from the pairs.
    """

    def metric(df: pd.DataFrame) -> float:
        if steps is not None:
            if len(df) < steps + 1:
                raise ValueError(f"{fact.key}: a run has {len(df) - 1} steps, {steps} needed")
            df = df.iloc[: steps + 1]
        return fact.fn(df)

    a = np.array([metric(df) for df in runs[fact.a]])
    b = np.array([metric(df) for df in runs[fact.b]])
    ok = np.isfinite(a) & np.isfinite(b)
    a, b = a[ok], b[ok]
    d = a - b
    return Verdict(
        fact, float(a.mean()), _se(a), float(b.mean()), _se(b), float(d.mean()), _se(d), len(d)
    )


def needed_configs(facts: Iterable[Fact] = FACTS) -> list[str]:
    """Settings the facts compare, each once."""
    return list(dict.fromkeys(c for f in facts for c in (f.a, f.b)))


# ---------------------------------------------------------------------------------- outputs
def write_csv(verdicts: list[Verdict], path: Path, steps: int) -> pd.DataFrame:
    rows = [
        {
            "fact": v.fact.key,
            "statement": v.fact.statement,
            "source": v.fact.source,
            "condition_a": v.fact.a,
            "condition_b": v.fact.b,
            "metric": v.fact.metric,
            "expected": {1: "A > B", -1: "A < B", 0: "(report only)"}[v.fact.sign],
            "mean_a": v.mean_a,
            "se_a": v.se_a,
            "mean_b": v.mean_b,
            "se_b": v.se_b,
            "diff": v.diff,
            "se_diff": v.se_diff,
            "z": v.z,
            "n_seeds": v.n,
            "steps": steps,
            "verdict": v.verdict,
        }
        for v in verdicts
    ]
    df = pd.DataFrame(rows)
    tmp = path.with_suffix(".tmp")
    df.to_csv(tmp, index=False, float_format="%.6g")
    os.replace(tmp, path)
    return df


def markdown_table(table: pd.DataFrame) -> str:
    """The CSV's rows as the Markdown table of docs/validation.md."""

    def num(x: float) -> str:
        return f"{x:.3g}"

    lines = [
        "| Fact | A vs B | Metric | A (mean ± SE) | B (mean ± SE) | A − B (± SE) | z | Verdict |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in table.itertuples():
        lines.append(
            f"| {r.statement} | `{r.condition_a}` vs `{r.condition_b}` | {r.metric} | "
            f"{num(r.mean_a)} ± {r.se_a:.2g} | {num(r.mean_b)} ± {r.se_b:.2g} | "
            f"{num(r.diff)} ± {r.se_diff:.2g} | {r.z:.1f} | **{r.verdict}** |"
        )
    return "\n".join(lines)


def _series(frames: list[pd.DataFrame], fn: Callable[[pd.DataFrame], pd.Series]) -> pd.DataFrame:
    """Mean and SE across seeds, by step, of a per-run series."""
    mat = np.vstack([fn(df).to_numpy(dtype=float) for df in frames])
    n = np.sum(np.isfinite(mat), axis=0)
    with warnings.catch_warnings():  # steps where no run has a value (e.g. no team yet): NaN
        warnings.simplefilter("ignore", RuntimeWarning)
        mean = np.nanmean(mat, axis=0)
        se = np.nanstd(mat, axis=0, ddof=1) / np.sqrt(np.maximum(n, 1))
    return pd.DataFrame({"mean": mean, "se": se}, index=frames[0].index)


def _smooth(s: pd.Series, k: int = 10) -> pd.Series:
    return s.rolling(k, min_periods=1).mean()


def draw(runs: dict[str, list[pd.DataFrame]], out_dir: Path) -> list[Path]:
    """The figures of docs/validation.md; returns their paths."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    def band(ax: Any, frames: list[pd.DataFrame], fn: Callable, label: str, color: str) -> None:
        s = _series(frames, fn)
        ax.plot(s.index, s["mean"], color=color, label=label, lw=1.6)
        ax.fill_between(
            s.index, s["mean"] - s["se"], s["mean"] + s["se"], color=color, alpha=0.25, lw=0
        )

    paths = []
    n = len(next(iter(runs.values())))
    # 1. Trust-based vs random partner choice.
    if {"baseline", "trust_off"} <= set(runs):
        panels = [
            ("clustering", lambda d: d["clustering"], "average clustering"),
            (
                "repeat",
                lambda d: _smooth(
                    d["share_repeat_collaborations"].where(d["n_projects_started"] > 0)
                ),
                "share of repeat partner pairs (10-step mean)",
            ),
            (
                "costs",
                lambda d: _smooth(d["transaction_costs"]) / _smooth(d["n_projects_started"]),
                "transaction costs per project (10-step mean)",
            ),
            ("giant", lambda d: d["giant_component_share"], "giant component share"),
        ]
        fig, axes = plt.subplots(2, 2, figsize=(10, 6.5), sharex=True)
        for ax, (_, fn, title) in zip(axes.flat, panels, strict=True):
            band(ax, runs["baseline"], fn, "trust-based choice (baseline)", "tab:blue")
            band(ax, runs["trust_off"], fn, "random choice (trust_off)", "tab:orange")
            ax.set_title(title, fontsize=10)
            ax.grid(alpha=0.3)
        for ax in axes[1]:
            ax.set_xlabel("step")
        axes[0, 0].legend(fontsize=8)
        fig.suptitle(f"Partner choice: mean ± SE over {n} seeds (30 makers, 3 univ., 10 ent.)")
        fig.tight_layout()
        paths.append(out_dir / "stylized_partner_choice.png")
        fig.savefig(paths[-1], dpi=110)
        plt.close(fig)
    # 2. Makers alive: fault tolerance, and fair vs harsh sharing.
    pairs = [
        ("fault_tolerant", "fault-tolerant", "tab:green"),
        ("baseline", "baseline", "tab:blue"),
        ("fair_sharing", "fair sharing", "tab:purple"),
        ("strict_contracts", "strict contracts", "tab:red"),
    ]
    if all(c in runs for c, _, _ in pairs):
        fig, axes = plt.subplots(1, 2, figsize=(10, 3.8), sharex=True)
        for c, label, color in pairs:
            band(axes[0], runs[c], lambda d: d["n_makers_alive"], label, color)
            band(axes[1], runs[c], lambda d: d["mean_trust"], label, color)
        axes[0].set_title("maker teams alive", fontsize=10)
        axes[1].set_title("mean trust", fontsize=10)
        for ax in axes:
            ax.set_xlabel("step")
            ax.grid(alpha=0.3)
        axes[0].legend(fontsize=8)
        fig.suptitle(f"Survival and trust: mean ± SE over {n} seeds")
        fig.tight_layout()
        paths.append(out_dir / "stylized_survival.png")
        fig.savefig(paths[-1], dpi=110)
        plt.close(fig)
    # 3. Coupling coordination with and without services and policy; stranger ties.
    if {"baseline", "no_services_no_policy", "supermarket_platform"} <= set(runs):
        fig, axes = plt.subplots(1, 2, figsize=(10, 3.8), sharex=True)
        band(axes[0], runs["baseline"], lambda d: d["coupling_coordination"],
             "services + policy (baseline)", "tab:blue")  # fmt: skip
        band(axes[0], runs["no_services_no_policy"], lambda d: d["coupling_coordination"],
             "no services, policy levers 0", "tab:gray")  # fmt: skip
        axes[0].set_title("coupling coordination D", fontsize=10)
        for c, label, color in (
            ("supermarket_platform", "supermarket platform", "tab:cyan"),
            ("baseline", "contract (baseline)", "tab:blue"),
        ):
            band(axes[1], runs[c], lambda d: _smooth(d["new_stranger_ties"]), label, color)
        axes[1].set_title("new ties between strangers per step (10-step mean)", fontsize=10)
        for ax in axes:
            ax.set_xlabel("step")
            ax.grid(alpha=0.3)
            ax.legend(fontsize=8)
        fig.suptitle(f"Services and policy: mean ± SE over {n} seeds")
        fig.tight_layout()
        paths.append(out_dir / "stylized_services.png")
        fig.savefig(paths[-1], dpi=110)
        plt.close(fig)
    return paths


# ---------------------------------------------------------------------------------- CLI
def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text}")
    return value


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", type=_positive, default=20, help="paired seeds per setting (20)")
    ap.add_argument("--steps", type=_positive, default=200, help="steps per run (200)")
    ap.add_argument("--workers", type=_positive, default=2, help="worker processes (2)")
    ap.add_argument("--master-seed", type=int, default=MASTER_SEED, help="seed of the seeds")
    ap.add_argument("--out-dir", type=Path, default=OUT_DIR, help="where the CSV and PNGs go")
    ap.add_argument("--fresh", action="store_true", help="ignore cached runs")
    ap.add_argument("--plot-only", action="store_true", help="use cached runs only; never run")
    args = ap.parse_args(argv)
    if args.seeds < 2:
        ap.error("--seeds must be at least 2 (a standard error needs two runs)")
    if args.steps < 4:
        ap.error(f"--steps must be at least 4, got {args.steps}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    seeds = run_seeds(args.master_seed, args.seeds)
    cache = None if args.fresh else CACHE_DIR
    configs = needed_configs()
    if args.plot_only:
        missing = [
            (c, s) for c in configs for s in seeds
            if not (CACHE_DIR / f"{_key(c, args.steps, s)}.parquet").exists()
        ]  # fmt: skip
        if missing:
            print(
                f"--plot-only: {len(missing)} runs are not cached (e.g. {missing[0]}); "
                "run without --plot-only first",
                file=sys.stderr,
            )
            return 2
    print(
        f"{len(configs)} settings × {len(seeds)} seeds × {args.steps} steps, "
        f"population {SMALL}, {args.workers} workers",
        flush=True,
    )
    runs = run_all(
        configs, seeds, args.steps, workers=args.workers, cache_dir=cache,
        progress=lambda msg: print(msg, flush=True),
    )  # fmt: skip
    verdicts = [evaluate(f, runs) for f in FACTS]
    args.out_dir.mkdir(parents=True, exist_ok=True)
    table = write_csv(verdicts, args.out_dir / "stylized_facts.csv", args.steps)
    for v in verdicts:
        print(v.message())
    print(f"\nmodel code {model_source_hash()}; table for docs/validation.md:\n")
    print(markdown_table(table) + "\n")
    for p in draw(runs, args.out_dir):
        print(f"wrote {p.relative_to(ROOT) if p.is_relative_to(ROOT) else p}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
