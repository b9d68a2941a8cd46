"""Experiment specs: validation errors name the field and range; designs and seeds are right.

No model runs here (only spec parsing and planning), so these tests take well under a second.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pytest
from test_streams import _independent_run_seed

from abm.params import Params
from abm.streams import run_seeds
from experiments.runner import plan
from experiments.spec import SpecError, load_spec, parse_spec

SPECS = Path(__file__).resolve().parent.parent / "experiments" / "specs"

BASE = """
name = "t"
steps = 10
replicates = 2
master_seed = 7
[overrides]
n_makers = 10
"""


def spec_of(extra: str, base: str = BASE):
    return parse_spec(textwrap.dedent(base) + textwrap.dedent(extra), "t.toml")


def error_of(text: str) -> str:
    with pytest.raises(SpecError) as e:
        parse_spec(textwrap.dedent(text), "t.toml")
    return str(e.value)


# --- Validation errors -----------------------------------------------------------------------


def test_unknown_parameter_names_the_nearest_and_its_line() -> None:
    msg = error_of(BASE + "trust_decy = 0.1\n")
    assert "unknown parameter 'trust_decy'" in msg
    assert "did you mean 'trust_decay'?" in msg
    assert "t.toml, line 8" in msg  # BASE is 7 lines (its first is empty); this is the 8th


def test_unknown_grid_parameter_and_unknown_top_level_key() -> None:
    msg = error_of(BASE + "[design]\nkind = 'grid'\n[design.grid]\nbeta_trusst = [1.0, 2.0]\n")
    assert "'beta_trusst'" in msg and "did you mean 'beta_trust'?" in msg
    msg = error_of(BASE.replace("replicates", "replicats"))
    assert "unknown key 'replicats'" in msg and "did you mean 'replicates'?" in msg


def test_out_of_range_value_and_bounds_name_the_allowed_range() -> None:
    msg = error_of(BASE + "trust_decay = 0.9\n")
    assert "trust_decay = 0.9 is invalid" in msg and "[0.0, 0.5]" in msg
    msg = error_of(
        BASE + "[design]\nkind = 'lhs'\nn = 4\n[design.bounds]\ntrust_decay = [0.0, 0.8]\n"
    )
    assert "bounds [0.0, 0.8] of 'trust_decay' are outside its range [0.0, 0.5]" in msg
    msg = error_of(
        BASE + "[design]\nkind = 'lhs'\nn = 4\n[design.bounds]\ntrust_decay = [0.3, 0.1]\n"
    )
    assert "low < high" in msg


def test_wrong_types_are_rejected_not_coerced() -> None:
    msg = error_of(BASE.replace("n_makers = 10", 'n_makers = "ten"'))
    assert "n_makers = 'ten' is invalid" in msg and "an integer in [2, 20000]" in msg
    msg = error_of(BASE.replace("n_makers = 10", "n_makers = 10.5"))
    assert "n_makers = 10.5 is invalid" in msg
    msg = error_of(BASE + "trust_on = 1\n")
    assert "trust_on = 1 is invalid" in msg and "true or false" in msg
    msg = error_of(BASE + "sharing_rule = 'fair'\n")
    assert "one of 'equal', 'proportional'" in msg
    msg = error_of(BASE.replace("steps = 10", "steps = 'ten'"))
    assert "steps = 'ten' is invalid" in msg
    msg = error_of(BASE.replace("replicates = 2", "replicates = 0"))
    assert "replicates = 0 is invalid; expected an integer in [1," in msg


def test_integers_too_large_for_a_float_are_refused_by_name() -> None:
    """TOML allows integers of any size; beyond 1.8e308 ``float()`` overflows. They are out of
    range like any other value (an OverflowError traceback escaped before)."""
    huge = "1" + "0" * 340
    msg = error_of(BASE + f"trust_decay = {huge}\n")
    assert "trust_decay = " in msg and "[0.0, 0.5]" in msg
    msg = error_of(
        BASE + f"[design]\nkind = 'lhs'\nn = 4\n[design.bounds]\ntrust_decay = [0, {huge}]\n"
    )
    assert "bounds of 'trust_decay'" in msg


def test_whole_float_for_an_int_parameter_is_accepted_as_int() -> None:
    spec = parse_spec(BASE.replace("n_makers = 10", "n_makers = 12.0"), "t.toml")
    assert spec.overrides["n_makers"] == 12 and isinstance(spec.overrides["n_makers"], int)


def test_toml_syntax_error_reports_the_line() -> None:
    msg = error_of('name = "t"\nsteps = 10\nreplicates = [1,\n')
    assert msg == "t.toml: TOML syntax error: Invalid value (at end of document, line 3)"
    msg = error_of('name = "t"\nreplicates = [1,\nsteps = 10\n')
    assert "TOML syntax error" in msg and "(at line 3, column 1)" in msg
    msg = error_of('name = "t"\nsteps 10\n')
    assert "TOML syntax error" in msg and "(at line 2, column 7)" in msg


def test_missing_file_and_directory() -> None:
    with pytest.raises(SpecError, match="spec file not found"):
        load_spec("/nonexistent/spec.toml")
    with pytest.raises(SpecError, match="is a directory"):
        load_spec(SPECS)


def test_choice_parameters_only_in_grids() -> None:
    msg = error_of(BASE + "[design]\nkind = 'sobol'\nn = 4\nparameters = ['sharing_rule']\n")
    assert "'sharing_rule' takes one of" in msg and "only be varied in a 'grid' design" in msg
    msg = error_of(BASE + "[design]\nkind = 'lhs'\nn = 4\nparameters = ['trust_on']\n")
    assert "'trust_on' takes a boolean (true or false)" in msg


def test_sobol_n_must_be_a_power_of_two_and_keys_are_checked_per_kind() -> None:
    msg = error_of(BASE + "[design]\nkind = 'sobol'\nn = 6\nparameters = ['trust_decay']\n")
    assert "n = 6 is invalid for a Sobol design; use a power of 2 (e.g. 4 or 8)" in msg
    msg = error_of(BASE + "[design]\nkind = 'grid'\nn = 4\n")
    assert "unknown key 'n' in [design] of kind 'grid'" in msg
    msg = error_of(BASE + "[design]\nkind = 'sobbol'\n")
    assert "did you mean 'sobol'?" in msg


def test_cross_field_constraint_of_a_design_point_is_reported_with_the_point() -> None:
    msg = error_of(BASE + "[design.grid]\nstage_trust_consolidation = [0.5, 0.9]\n")
    assert "design point 1 (stage_trust_consolidation=0.9)" in msg
    assert "must not exceed 'stage_trust_cooperation'" in msg


def test_unknown_scenario_and_model() -> None:
    assert "did you mean 'low_trust'?" in error_of("scenario = 'low_trusst'\n" + BASE)
    assert "unknown model 'inovation'; did you mean 'innovation'?" in error_of(
        "model = 'inovation'\n" + BASE
    )


def test_parameter_in_overrides_and_design_is_ambiguous() -> None:
    msg = error_of(BASE + "[design.grid]\nn_makers = [10, 20]\n")
    assert "'n_makers' is both in [overrides] and in the design" in msg


# --- Designs ---------------------------------------------------------------------------------


def test_grid_is_the_cartesian_product_in_declared_order() -> None:
    spec = spec_of("[design.grid]\ntrust_on = [true, false]\ntrust_decay = [0.0, 0.05, 0.1]\n")
    assert spec.design.parameters == ("trust_on", "trust_decay")
    assert spec.design.points[:4] == (
        {"trust_on": True, "trust_decay": 0.0},
        {"trust_on": True, "trust_decay": 0.05},
        {"trust_on": True, "trust_decay": 0.1},
        {"trust_on": False, "trust_decay": 0.0},
    )
    assert spec.n_runs == 6 * 2


def test_sampled_bounds_default_to_metadata_and_ints_are_rounded() -> None:
    spec = spec_of(
        "[design]\nkind = 'lhs'\nn = 20\nparameters = ['beta_trust']\n"
        "[design.bounds]\nmax_team_size = [2, 6]\n"
    )
    assert spec.design.bounds == {"beta_trust": (0.0, 10.0), "max_team_size": (2.0, 6.0)}
    sizes = [p["max_team_size"] for p in spec.design.points]
    assert all(isinstance(s, int) and 2 <= s <= 6 for s in sizes)
    raw = spec.design.raw[:, 1]
    assert sizes == [round(x) for x in raw]
    # Latin hypercube: each of the 20 equal strata of beta_trust's range holds exactly one point.
    strata = np.floor(spec.design.raw[:, 0] / 10.0 * 20).astype(int)
    assert sorted(strata) == list(range(20))


def test_sobol_and_morris_sizes_follow_salib() -> None:
    # Saltelli's scheme without second order: N (D + 2) points; Morris: r (D + 1) points.
    sobol = spec_of(
        "[design]\nkind = 'sobol'\nn = 8\nparameters = ['beta_trust', 'trust_decay', 'synergy']\n"
    )
    assert len(sobol.design.points) == 8 * (3 + 2)
    second = spec_of(
        "[design]\nkind = 'sobol'\nn = 8\nsecond_order = true\n"
        "parameters = ['beta_trust', 'trust_decay', 'synergy']\n"
    )
    assert len(second.design.points) == 8 * (2 * 3 + 2)
    morris = spec_of(
        "[design]\nkind = 'morris'\nn = 5\nparameters = ['beta_trust', 'trust_decay']\n"
    )
    assert len(morris.design.points) == 5 * (2 + 1)


def test_design_sample_is_deterministic_in_the_master_seed() -> None:
    text = "[design]\nkind = 'lhs'\nn = 6\nparameters = ['beta_trust']\n"
    a, b = spec_of(text), spec_of(text)
    c = spec_of(text, BASE.replace("master_seed = 7", "master_seed = 8"))
    assert a.design.points == b.design.points and a.digest() == b.digest()
    assert a.design.points != c.design.points and a.digest() != c.digest()


# --- Seeds -----------------------------------------------------------------------------------


def test_run_seeds_come_from_the_master_seed_before_dispatch() -> None:
    spec = spec_of("[design.grid]\ntrust_decay = [0.0, 0.05, 0.1]\n")
    tasks = plan(spec)
    assert [t.index for t in tasks] == list(range(6))
    # Independent derivation (tests/test_streams.py): child i of SeedSequence(master), as in
    # numpy's docs for parallel runs, 64 bits from two 32-bit words with the top bit dropped.
    assert [t.seed for t in tasks] == [_independent_run_seed(7, i) for i in range(6)]
    assert [t.seed for t in tasks] == run_seeds(7, 6)  # and the public helper agrees
    assert len({t.seed for t in tasks}) == 6
    assert [(t.point, t.replicate) for t in tasks[:3]] == [(0, 0), (0, 1), (1, 0)]
    assert tasks[2].params == Params(n_makers=10, trust_decay=0.05).to_dict()


def test_common_seeds_reuse_replicate_seeds_across_points() -> None:
    spec = spec_of("[design.grid]\ntrust_decay = [0.0, 0.05]\n", "common_seeds = true\n" + BASE)
    seeds = [(t.point, t.replicate, t.seed) for t in plan(spec)]
    assert seeds[0][2] == seeds[2][2] and seeds[1][2] == seeds[3][2]
    assert seeds[0][2] != seeds[1][2]


@pytest.mark.parametrize("path", sorted(SPECS.glob("*.toml")), ids=lambda p: p.stem)
def test_every_shipped_spec_is_valid(path: Path) -> None:
    spec = load_spec(path)
    assert spec.name == path.stem
    assert spec.n_runs >= 1
    assert len(spec.question) > 40, "each example spec states the question it answers"
