"""Bad input gets a clear ValueError naming what is wrong, before any agent exists.

"Before any agent is created" is checked by spying on the population builder and on the agents'
base class: neither may run when the parameters or the seed are bad.
"""

from __future__ import annotations

import pytest

import abm
from abm.model import InnovationModel
from abm.params import spec
from abm.scenarios import SCENARIOS, get_scenario
from abm.streams import run_seed, run_seeds
from agents.actors import Actor


@pytest.fixture
def no_agents(monkeypatch):
    """Fails the test if the model starts building its population or any agent."""
    calls: list[str] = []

    def spy_population(self, *a, **k):
        calls.append("population")
        raise AssertionError("population built despite bad input")

    original_init = Actor.__init__

    def spy_actor(self, *a, **k):
        calls.append("actor")
        original_init(self, *a, **k)

    monkeypatch.setattr(InnovationModel, "_create_population", spy_population)
    monkeypatch.setattr(Actor, "__init__", spy_actor)
    yield calls
    assert calls == [], f"agents were created before the error: {calls}"


BAD_PARAMS = [
    ({"n_maker": 10}, ["n_maker", "n_makers"]),  # unknown name → nearest name
    ({"trust_decya": 0.1}, ["trust_decya", "trust_decay"]),
    ({"n_makers": 1}, ["n_makers", "1", "2", "20000"]),  # below range: names range
    ({"n_makers": 20_001}, ["n_makers", "20001"]),
    ({"trust_decay": 0.9}, ["trust_decay", "0.9", "0.5"]),
    ({"n_makers": 20.5}, ["n_makers", "20.5"]),
    ({"sharing_rule": "greedy"}, ["sharing_rule", "greedy", "shapley", "nash"]),
    ({"integration_mode": "market"}, ["integration_mode", "market", "supermarket"]),
    ({"trust_on": "yes"}, ["trust_on", "yes"]),
]


@pytest.mark.parametrize(("kw", "must_mention"), BAD_PARAMS)
def test_model_rejects_bad_parameters_before_creating_agents(no_agents, kw, must_mention):
    with pytest.raises(ValueError) as exc:
        InnovationModel(rng=1, **kw)
    for text in must_mention:
        assert text in str(exc.value), f"{text!r} missing from: {exc.value}"


@pytest.mark.parametrize(("kw", "must_mention"), BAD_PARAMS[:4])
def test_run_rejects_bad_parameters_before_creating_agents(no_agents, kw, must_mention):
    with pytest.raises(ValueError) as exc:
        abm.run(rng=1, steps=3, **kw)
    for text in must_mention:
        assert text in str(exc.value)


def test_bad_override_on_a_scenario(no_agents):
    with pytest.raises(ValueError, match="trust_threshold"):
        InnovationModel(SCENARIOS["low_trust"], rng=1, trust_threshold=1.5)


def test_params_must_be_a_params_instance(no_agents):
    with pytest.raises(ValueError, match="Params"):
        InnovationModel({"n_makers": 10}, rng=1)  # type: ignore[arg-type]


@pytest.mark.parametrize("rng", [-1, 1.5, True, False, "7", [7]])
def test_bad_seed_is_refused_before_creating_agents(no_agents, rng):
    with pytest.raises(ValueError, match="rng") as exc:
        InnovationModel(rng=rng)
    assert repr(rng) in str(exc.value)
    with pytest.raises(ValueError, match="rng"):
        abm.run(rng=rng, steps=1)


@pytest.mark.parametrize("steps", [-1, 1.5, True, "10", None])
def test_run_rejects_bad_step_counts(no_agents, steps):
    with pytest.raises(ValueError, match="steps") as exc:
        abm.run(rng=1, steps=steps)
    assert repr(steps) in str(exc.value)


def test_unknown_scenario_suggests_the_nearest():
    with pytest.raises(ValueError) as exc:
        get_scenario("basline")
    assert "basline" in str(exc.value) and "'baseline'" in str(exc.value)
    with pytest.raises(ValueError) as exc:
        get_scenario("nope")
    msg = str(exc.value)
    assert "nope" in msg
    for name in SCENARIOS:  # nothing close: every scenario is listed
        assert name in msg


def test_unknown_scenario_name_in_the_model(no_agents):
    with pytest.raises(ValueError, match="supermarket_platform"):
        InnovationModel(scenario="supermarket_platfrom", rng=1)


@pytest.fixture
def small_model() -> InnovationModel:
    return InnovationModel(rng=3, n_makers=8, n_universities=1, n_enterprises=2)


def test_set_live_refuses_setup_parameters(small_model):
    before = small_model.params
    assert spec("n_makers").role == "setup"
    with pytest.raises(ValueError) as exc:
        small_model.set_live(n_makers=50)
    assert "n_makers" in str(exc.value) and "setup" in str(exc.value)
    with pytest.raises(ValueError, match="integration_mode"):
        small_model.set_live(trust_decay=0.2, integration_mode="none")
    assert small_model.params is before  # nothing applied, not even the live part


def test_set_live_validates_names_and_values(small_model):
    before = small_model.params
    with pytest.raises(ValueError, match="trust_decay"):
        small_model.set_live(trust_decya=0.2)
    with pytest.raises(ValueError, match="trust_decay"):
        small_model.set_live(trust_decay=0.9)
    assert small_model.params is before


def test_set_live_applies_live_parameters(small_model):
    assert spec("trust_decay").role == "live"
    small_model.set_live(trust_decay=0.2, opportunity_rate=0.0)
    assert small_model.params.trust_decay == 0.2
    small_model.step()
    assert small_model.metrics["n_projects_started"] == 0  # no opportunities any more


@pytest.mark.parametrize("amount", [-0.1, 1.5])
def test_trust_shock_out_of_range(small_model, amount):
    with pytest.raises(ValueError, match="shock"):
        small_model.trust_shock(amount)


# Found in a review on 2026-11-29; each failed (a traceback, a silent coercion or a silently
# ignored argument) before the fix.


def test_an_integer_too_large_for_a_float_is_out_of_range(no_agents):
    with pytest.raises(ValueError, match="'opportunity_rate'"):
        InnovationModel(rng=1, opportunity_rate=10**400)  # was OverflowError


def test_numpy_and_enum_values_are_stored_as_plain_python():
    import enum

    import numpy as np

    from abm.params import Params

    class Size(enum.IntEnum):
        SEVEN = 7

    p = Params(opportunity_rate=np.float64(0.3), n_makers=Size.SEVEN)
    assert type(p.opportunity_rate) is float and type(p.n_makers) is int
    assert p.to_dict()["n_makers"] == 7 and type(p.to_dict()["n_makers"]) is int


def test_numpy_scalars_are_read_as_numbers_and_stored_plain():
    """Design points often come out of numpy arrays: np.int64, np.float32 and np.bool_ are
    numbers and booleans (they were refused as such, np.int64 is no Python int), stored as plain
    Python values; a numpy NaN or a whole np.float64 for an integer parameter is still refused."""
    import numpy as np

    from abm.params import Params

    p = Params(n_makers=np.int64(12), trust_decay=np.float32(0.25), trust_on=np.bool_(False))
    assert (p.n_makers, p.trust_decay, p.trust_on) == (12, 0.25, False)
    assert [type(v) for v in (p.n_makers, p.trust_decay, p.trust_on)] == [int, float, bool]
    with pytest.raises(ValueError, match=r"'trust_decay' = np.float32\(nan\) is invalid"):
        Params(trust_decay=np.float32("nan"))
    with pytest.raises(ValueError, match=r"'n_makers' = .* expected an integer in \[2, "):
        Params(n_makers=np.float64(12.0))
    with pytest.raises(ValueError, match=r"'n_makers' = .* expected an integer in \[2, "):
        Params(n_makers=np.int64(1))
    with pytest.raises(ValueError, match="'sharing_rule' = array"):
        Params(sharing_rule=np.array(["equal"]))


def test_positional_parameters_are_refused_by_name():
    from abm.params import Params

    with pytest.raises(ValueError, match="by name"):
        Params(5, n_makers=6)  # was a TypeError from __init__


def test_scenario_must_be_a_name_and_not_given_with_params(no_agents):
    from abm.params import Params

    with pytest.raises(ValueError, match="scenario must be a scenario name"):
        InnovationModel(rng=1, scenario=5)  # was silently the baseline
    with pytest.raises(ValueError, match="either params or scenario"):
        InnovationModel(Params(n_makers=7), rng=1, scenario="trust_off")  # scenario was ignored
    with pytest.raises(ValueError, match="scenario must be a scenario name"):
        abm.run(rng=1, steps=1, scenario=3)


def test_a_mesa_scenario_object_is_ignored():
    """Mesa's SolaraViz may pass its own scenario object; the model accepts and ignores it."""
    mesa_scenario = type("Scenario", (), {"__module__": "mesa.experimental.scenarios"})()
    model = InnovationModel(rng=1, scenario=mesa_scenario, n_makers=5)
    assert model.params.n_makers == 5 and model.params.trust_on


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: run_seeds(2.7, 3), "master_seed"),
        (lambda: run_seed("7", 0), "master_seed"),
        (lambda: run_seed(True, 0), "master_seed"),
        (lambda: run_seed(7, 1.9), "index"),
        (lambda: run_seeds(7, "3"), "n_runs"),
        (lambda: run_seeds(7, -1), "n_runs"),
    ],
)
def test_batch_seeds_refuse_non_integers(call, name):
    with pytest.raises(ValueError, match=f"{name} must be a non-negative integer"):
        call()  # floats, strings and bools were coerced (2.7 gave the seeds of 2)
