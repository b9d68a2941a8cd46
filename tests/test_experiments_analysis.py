"""Analysis of experiment results: SALib indices and the plotted confidence bands.

The SALib tests run the full pipeline (spec → runs → summary → sensitivity) on a registered
toy model whose output is a known function of its parameters, y = 3·a (b has no effect), so the
expected indices follow from hand calculation rather than from the code under test.
"""

from __future__ import annotations

import dataclasses
import textwrap
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pytest

from experiments import models
from experiments.__main__ import main
from experiments.engines import SerialEngine
from experiments.plotting import mean_ci
from experiments.runner import run_experiment
from experiments.spec import parse_spec


def _m(lo: float, hi: float) -> dict:
    return {"label": "toy", "min": lo, "max": hi, "step": None, "choices": None}


@dataclass(frozen=True)
class ToyParams:
    a: float = field(default=0.5, metadata=_m(0.0, 1.0))
    b: float = field(default=0.5, metadata=_m(0.0, 1.0))
    k: int = field(default=2, metadata=_m(1, 10))


def toy_run(params: ToyParams, *, rng: int, steps: int) -> pd.DataFrame:
    """y(t) = 3·a·t/steps: final value 3·a, independent of b, k and the seed."""
    t = np.arange(steps + 1)
    y = 3.0 * params.a * t / max(steps, 1)
    return pd.DataFrame({"y": y, "seed_parity": float(rng % 2)}, index=t)


@pytest.fixture
def toy_model(monkeypatch):
    entry = models.ModelEntry(
        name="toy",
        params_cls=ToyParams,
        run=toy_run,
        scenarios={},
        default_scenario=None,
    )
    monkeypatch.setitem(models.LOADERS, "toy", lambda: entry)
    models.get_model.cache_clear()
    yield entry
    models.get_model.cache_clear()


#: z(0.975) of the standard normal (normal table). The pipeline writes SALib's ``*_conf`` as the
#: half-width of a 95 % bootstrap interval, z(0.975) × bootstrap standard error, so
#: ``conf / Z95`` is the estimate's standard error.
Z95 = 1.959963984540054


def within_3_se(estimate: float, exact: float, conf: float) -> bool:
    """|estimate − exact| ≤ 3 standard errors, the standard error taken from the written 95 %
    confidence half-width (no tolerance sized to the observed estimate)."""
    assert conf > 0, f"no confidence half-width written ({conf})"
    return abs(estimate - exact) <= 3.0 * conf / Z95


def toy_spec(design: str, replicates: int = 2):
    text = f"""
    name = "toy"
    model = "toy"
    steps = 4
    replicates = {replicates}
    master_seed = 3
    reporters = ["y"]
    {textwrap.dedent(design)}
    """
    return parse_spec(textwrap.dedent(text), "toy.toml")


def test_sobol_indices_of_a_one_parameter_function(toy_model, tmp_path, capsys) -> None:
    spec = toy_spec("[design]\nkind = 'sobol'\nn = 64\nparameters = ['a', 'b']\n", replicates=1)
    assert len(spec.design.points) == 64 * (2 + 2)
    run_experiment(spec, tmp_path, SerialEngine(), quiet=True)
    assert main(["sensitivity", str(tmp_path / "toy")]) == 0
    written = capsys.readouterr().out.split()
    assert written[-1].endswith("sensitivity_y.png")
    table = pd.read_csv(tmp_path / "toy" / "sensitivity.csv").set_index("parameter")
    assert list(table.columns[:3]) == ["reporter", "statistic", "method"]
    # Saltelli's estimators: for b, f(A_B^(b)) = f(A) exactly, so S1_b and ST_b are exactly 0;
    # all variance is a's, so S1_a = ST_a = 1 exactly (hand calculation: y = 3a); the estimates
    # carry sampling error only (N = 64) and must lie within 3 standard errors of 1, the
    # standard error taken from the confidence half-width the pipeline writes.
    assert table.loc["b", "S1"] == pytest.approx(0.0, abs=1e-12)
    assert table.loc["b", "ST"] == pytest.approx(0.0, abs=1e-12)
    a = table.loc["a"]
    assert within_3_se(a["S1"], 1.0, a["S1_conf"]), a[["S1", "S1_conf"]].to_dict()
    assert within_3_se(a["ST"], 1.0, a["ST_conf"]), a[["ST", "ST_conf"]].to_dict()
    assert (table["replicates"] == 1).all() and (table["n_points"] == 256).all()
    pd.testing.assert_frame_equal(
        pd.read_parquet(tmp_path / "toy" / "sensitivity.parquet"),
        pd.read_csv(tmp_path / "toy" / "sensitivity.csv"),
        check_dtype=False,
    )


def test_sobol_second_order_index_of_a_product(toy_model, monkeypatch, tmp_path) -> None:
    """y = a·b with a, b ~ U(0, 1): Var y = 1/9 − 1/16 = 7/144, Var E[y|a] = Var(a/2) = 1/48,
    so S1_a = S1_b = 3/7, the interaction S2_ab = 1 − 6/7 = 1/7 and the totals ST_a = ST_b =
    1 − 3/7 = 4/7 (hand calculation). With
    ``second_order`` the indices are written to sensitivity_second_order.csv (they used to be
    computed and thrown away)."""

    def product_run(params: ToyParams, *, rng: int, steps: int) -> pd.DataFrame:
        t = np.arange(steps + 1)
        return pd.DataFrame({"y": params.a * params.b * t / max(steps, 1)}, index=t)

    monkeypatch.setitem(
        models.LOADERS, "toy", lambda: dataclasses.replace(toy_model, run=product_run)
    )
    models.get_model.cache_clear()
    spec = toy_spec(
        "[design]\nkind = 'sobol'\nn = 1024\nsecond_order = true\nparameters = ['a', 'b']\n",
        replicates=1,
    )
    assert len(spec.design.points) == 1024 * (2 * 2 + 2)
    run_experiment(spec, tmp_path, SerialEngine(), quiet=True)
    assert main(["sensitivity", str(tmp_path / "toy")]) == 0
    first = pd.read_csv(tmp_path / "toy" / "sensitivity.csv").set_index("parameter")
    # N = 1024 Sobol points: each estimate must lie within 3 standard errors (from the written
    # confidence half-width) of the exact value of the docstring (S1 = 3/7, S2 = 1/7, by hand);
    # an S2 that is not computed or not written (NaN) fails below.
    for name in ("a", "b"):
        row = first.loc[name]
        assert within_3_se(row["S1"], 3 / 7, row["S1_conf"]), (name, row.to_dict())
        assert within_3_se(row["ST"], 4 / 7, row["ST_conf"]), (name, row.to_dict())
    pairs = pd.read_csv(tmp_path / "toy" / "sensitivity_second_order.csv")
    assert pairs[["parameter", "with_parameter"]].values.tolist() == [["a", "b"]]
    assert within_3_se(pairs.loc[0, "S2"], 1 / 7, pairs.loc[0, "S2_conf"]), pairs.loc[0].to_dict()
    # The bootstrap interval of S2 (about ±0.11 here) is wider than S2 itself, so the check
    # above would pass an S2 written as 0. The interaction is what second-order indices are
    # for: S2 must also be closer to its exact 1/7 than to 0 or to twice that (|S2 − 1/7| <
    # 1/14), which a lost or doubled interaction term fails.
    assert abs(pairs.loc[0, "S2"] - 1 / 7) < 1 / 14, pairs.loc[0].to_dict()


def test_morris_elementary_effects_of_a_linear_function(toy_model, tmp_path) -> None:
    spec = toy_spec(
        "[design]\nkind = 'morris'\nn = 6\nparameters = ['a', 'b']\n[design.bounds]\nk = [1, 5]\n"
    )
    run_experiment(spec, tmp_path, SerialEngine(), quiet=True)
    assert main(["sensitivity", str(tmp_path / "toy"), "--statistic", "final"]) == 0
    table = pd.read_csv(tmp_path / "toy" / "sensitivity.csv").set_index("parameter")
    # Final y = 3a on a ∈ [0, 1]: every elementary effect of a is dy/da = 3, so μ = μ* = 3 and
    # σ = 0; b and k never change y, so their effects are all 0.
    assert table.loc["a", "mu"] == pytest.approx(3.0, rel=1e-9)
    assert table.loc["a", "mu_star"] == pytest.approx(3.0, rel=1e-9)
    assert table.loc["a", "sigma"] == pytest.approx(0.0, abs=1e-9)
    assert table.loc["b", "mu_star"] == 0.0 and table.loc["k", "mu_star"] == 0.0
    # The time mean over steps 1..4 of 3a·t/4 is 3a·(1+2+3+4)/16 = 1.875a: effects of 1.875.
    assert main(["sensitivity", str(tmp_path / "toy"), "--statistic", "mean"]) == 0
    table = pd.read_csv(tmp_path / "toy" / "sensitivity.csv").set_index("parameter")
    assert table.loc["a", "mu_star"] == pytest.approx(1.875, rel=1e-9)


def test_sensitivity_refuses_incomplete_results(toy_model, tmp_path, capsys) -> None:
    spec = toy_spec("[design]\nkind = 'sobol'\nn = 4\nparameters = ['a', 'b']\n")

    calls = []

    def one_fails(task):
        from experiments.runner import execute, failure

        calls.append(task.run_id)
        return failure(task, "boom") if len(calls) == 3 else execute(task)

    run_experiment(spec, tmp_path, SerialEngine(one_fails), quiet=True)
    assert main(["sensitivity", str(tmp_path / "toy")]) == 2
    err = capsys.readouterr().err
    assert "1 of 32 runs are not done" in err and "--resume" in err


def test_mean_ci_matches_a_hand_computed_t_interval() -> None:
    # Replicates 1, 2, 3: mean 2, s = 1, t(0.975, 2) = 4.302653 (t table), half = 4.302653/√3.
    values = pd.DataFrame([[1.0, 2.0, 3.0], [5.0, 5.0, 5.0]])
    mean, lo, hi = mean_ci(values)
    assert mean.tolist() == [2.0, 5.0]
    half = 4.302652729911275 / np.sqrt(3)
    assert lo[0] == pytest.approx(2 - half, rel=1e-9) and hi[0] == pytest.approx(2 + half, rel=1e-9)
    assert lo[1] == hi[1] == 5.0
    single = mean_ci(pd.DataFrame([[4.0]]))
    assert single[0][0] == 4.0 and np.isnan(single[1][0])  # no band from one replicate


def test_heatmap_for_a_two_parameter_grid(toy_model, tmp_path) -> None:
    spec = toy_spec("[design.grid]\na = [0.0, 0.5, 1.0]\nb = [0.1, 0.9]\n")
    run_experiment(spec, tmp_path, SerialEngine(), quiet=True)
    assert main(["plot", str(tmp_path / "toy"), "--to", str(tmp_path / "fig")]) == 0
    names = sorted(p.name for p in (tmp_path / "fig").iterdir())
    assert names == ["heatmap_y.png", "overview.png", "timeseries_y.png"]
    summary = pd.read_parquet(tmp_path / "toy" / "summary.parquet")
    assert summary.groupby("a")["final_y"].mean().to_dict() == {0.0: 0.0, 0.5: 1.5, 1.0: 3.0}
    # b has no effect: for either b the mean of 3a over a ∈ {0, 0.5, 1} is 1.5 (by hand).
    assert summary.groupby("b")["final_y"].mean().to_dict() == {0.1: 1.5, 0.9: 1.5}
