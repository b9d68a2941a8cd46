"""Tests of abm.params (issue 3): metadata, validation, helpful errors, round trips, scenarios.

Expected values come from the field declarations read through independent routes (type hints,
the ``Literal`` choices, a hand-written reading of each scenario's description), never from the
validation code's own output.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import re
import typing

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from abm.params import GROUPS, Params, check_names, coerce, param_specs, spec
from abm.scenarios import SCENARIO_DESCRIPTIONS, SCENARIOS, get_scenario

SPECS = param_specs()
NAMES = [s.name for s in SPECS]
NUMERIC = [s for s in SPECS if s.type in (int, float)]
INTS = [s for s in SPECS if s.type is int]
FLOATS = [s for s in SPECS if s.type is float]
CHOICES = [s for s in SPECS if s.type is str]
BOOLS = [s for s in SPECS if s.type is bool]
HINTS = typing.get_type_hints(Params)
BASE = Params()

#: Cross-field rules documented in the parameters' help: (lower, upper) must satisfy lower <= upper.
ORDERED_PAIRS = [
    ("stage_trust_consolidation", "stage_trust_cooperation"),
    ("stage_projects_consolidation", "stage_projects_cooperation"),
]


def _numbers(text: str) -> list[float]:
    return [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?(?:e[+-]?\d+)?", text)]


# --------------------------------------------------------------------------- metadata


def test_every_field_has_a_spec_and_the_spec_list_is_complete():
    assert [f.name for f in dataclasses.fields(Params)] == NAMES
    assert len(set(NAMES)) == len(NAMES)
    assert len(NAMES) >= 60, "DESIGN.md lists dozens of parameters"


@pytest.mark.parametrize("s", SPECS, ids=lambda s: s.name)
def test_metadata_is_complete(s):
    assert isinstance(s.label, str) and s.label.strip(), f"{s.name}: empty label"
    assert isinstance(s.help, str) and len(s.help.strip()) >= 10, f"{s.name}: no help"
    assert s.group in GROUPS, f"{s.name}: group {s.group!r} not in {GROUPS}"
    assert s.role in ("setup", "live"), f"{s.name}: role {s.role!r}"
    assert isinstance(s.unit, str) and isinstance(s.source, str)
    hint = HINTS[s.name]
    if s.type in (int, float):
        assert hint is s.type, f"{s.name}: annotated {hint}, default is {s.type.__name__}"
        assert s.min is not None and s.max is not None, f"{s.name}: numeric without a range"
        assert s.min <= s.default <= s.max, f"{s.name}: default {s.default} outside range"
        assert s.min < s.max
        assert s.step is not None and 0 < s.step <= s.max - s.min, f"{s.name}: bad step"
        assert s.choices is None
    elif s.type is bool:
        assert hint is bool and s.choices is None and s.min is None and s.max is None
    else:
        assert s.type is str
        # the choices are exactly the Literal the field is annotated with
        assert typing.get_origin(hint) is typing.Literal, f"{s.name}: {hint}"
        assert s.choices == typing.get_args(hint)
        assert s.default in s.choices


def test_groups_are_all_used():
    assert {s.group for s in SPECS} == set(GROUPS)


def test_spec_lookup_and_ranges_agree_with_fields():
    for f in dataclasses.fields(Params):
        s = spec(f.name)
        assert s.default == f.default
        assert s.min == f.metadata["min"] and s.max == f.metadata["max"]


@pytest.mark.parametrize(("lower", "upper"), ORDERED_PAIRS)
def test_defaults_respect_cross_field_rules(lower, upper):
    assert getattr(BASE, lower) <= getattr(BASE, upper)


# --------------------------------------------------------------------------- validation


def _assert_names(exc: pytest.ExceptionInfo, name: str, value: object) -> str:
    msg = str(exc.value)
    assert name in msg, f"error does not name the field: {msg}"
    assert repr(value) in msg or str(value) in msg, f"error does not show the value: {msg}"
    return msg


def _outside(s) -> list:
    """Values just outside the range, on the field's own grid."""
    if s.type is int:
        return [int(s.min) - 1, int(s.max) + 1]
    return [s.min - max(s.step, 1e-6), s.max + max(s.step, 1e-6)]


@pytest.mark.parametrize("s", NUMERIC, ids=lambda s: s.name)
def test_out_of_range_raises_naming_field_value_and_range(s):
    for value in _outside(s):
        with pytest.raises(ValueError) as exc:
            Params(**{s.name: value})
        msg = _assert_names(exc, s.name, value)
        nums = _numbers(msg.split("expected", 1)[-1]) if "expected" in msg else _numbers(msg)
        assert any(math.isclose(x, s.min) for x in nums), f"lower bound missing: {msg}"
        assert any(math.isclose(x, s.max) for x in nums), f"upper bound missing: {msg}"


@pytest.mark.parametrize("s", NUMERIC, ids=lambda s: s.name)
def test_wrong_types_raise(s):
    for value in ("3", None, [1], True, False, float("nan")):
        with pytest.raises(ValueError) as exc:
            Params(**{s.name: value})
        assert s.name in str(exc.value)
    if s.type is float:
        for value in (float("inf"), float("-inf")):
            with pytest.raises(ValueError, match=s.name):
                Params(**{s.name: value})


@pytest.mark.parametrize("s", INTS, ids=lambda s: s.name)
def test_int_fields_reject_floats_and_bools(s):
    lo = int(s.min)
    for value in (lo + 0.5, float(lo), True):
        if isinstance(value, bool) and not (s.min <= int(value) <= s.max):
            continue  # out of range anyway; the type check is tested where bool is in range
        with pytest.raises(ValueError) as exc:
            Params(**{s.name: value})
        _assert_names(exc, s.name, value)


@pytest.mark.parametrize("s", FLOATS, ids=lambda s: s.name)
def test_float_fields_accept_ints_and_store_floats(s):
    # an integer inside the range that keeps the cross-field order with the defaults
    upper = any(s.name == hi for _, hi in ORDERED_PAIRS)
    value = math.ceil(s.default) if upper else math.floor(s.default)
    if not s.min <= value <= s.max:
        value = math.ceil(s.min)
    if value > s.max:
        pytest.skip("no integer inside the range")
    p = Params(**{s.name: value})
    got = getattr(p, s.name)
    assert type(got) is float and got == value


@pytest.mark.parametrize("s", CHOICES, ids=lambda s: s.name)
def test_unknown_choice_lists_choices(s):
    with pytest.raises(ValueError) as exc:
        Params(**{s.name: "no_such_option"})
    msg = _assert_names(exc, s.name, "no_such_option")
    for c in s.choices:
        assert c in msg, f"choice {c!r} missing from: {msg}"
    with pytest.raises(ValueError, match=s.name):
        Params(**{s.name: 1})


@pytest.mark.parametrize("s", BOOLS, ids=lambda s: s.name)
def test_bool_fields_reject_non_bools(s):
    for value in (1, 0, "True", None):
        with pytest.raises(ValueError) as exc:
            Params(**{s.name: value})
        assert s.name in str(exc.value)
    assert getattr(Params(**{s.name: not s.default}), s.name) is (not s.default)


@pytest.mark.parametrize(("lower", "upper"), ORDERED_PAIRS)
def test_cross_field_violation_names_both_fields(lower, upper):
    lo_spec, hi_spec = spec(lower), spec(upper)
    with pytest.raises(ValueError) as exc:
        Params(**{lower: lo_spec.max, upper: hi_spec.min})
    assert lower in str(exc.value) and upper in str(exc.value)


# --------------------------------------------------------------------------- unknown names


@pytest.mark.parametrize("name", NAMES[::7])
def test_misspelt_keyword_suggests_the_nearest_name(name):
    typo = name[:-1] if len(name) > 4 else name + "x"
    # the suggestion we expect, computed independently with difflib over the field names
    nearest = difflib.get_close_matches(typo, NAMES, n=1)[0]
    for make in (
        lambda: Params(**{typo: 1}),
        lambda: Params.from_dict({typo: 1}),
        lambda: BASE.replace(**{typo: 1}),
        lambda: dataclasses.replace(BASE, **{typo: 1}),
        lambda: check_names([typo]),
        lambda: spec(typo),
    ):
        with pytest.raises(ValueError) as exc:
            make()
        msg = str(exc.value)
        assert typo in msg and nearest in msg, msg


def test_unrelated_unknown_name_is_still_a_value_error():
    with pytest.raises(ValueError, match="zzzzqqq"):
        Params(zzzzqqq=1)


def test_positional_arguments_are_not_a_way_around_validation():
    with pytest.raises((TypeError, ValueError)):
        Params(-5)


# --------------------------------------------------------------------------- round trips


def test_to_dict_from_dict_round_trip():
    d = BASE.to_dict()
    assert list(d) == NAMES
    assert Params.from_dict(d) == BASE
    changed = {**d, "n_makers": 17, "sharing_rule": "nash", "trust_on": False}
    p = Params.from_dict(changed)
    assert p.to_dict() == changed


def test_from_dict_validates_values():
    with pytest.raises(ValueError, match="n_makers"):
        Params.from_dict({"n_makers": -3})


def test_replace_validates_and_leaves_the_original_alone():
    p = dataclasses.replace(BASE, n_makers=12)
    assert p.n_makers == 12 and BASE.n_makers == spec("n_makers").default
    with pytest.raises(ValueError, match="trust_decay"):
        dataclasses.replace(BASE, trust_decay=2.0)
    with pytest.raises(ValueError, match="trust_decay"):
        BASE.replace(trust_decay=-0.1)


def test_frozen_and_slotted():
    with pytest.raises(dataclasses.FrozenInstanceError):
        BASE.n_makers = 3  # type: ignore[misc]
    with pytest.raises((AttributeError, TypeError)):
        BASE.new_attribute = 1  # type: ignore[attr-defined]
    assert hash(BASE) == hash(Params())


def test_coerce_converts_whole_numbers_but_never_clamps():
    assert coerce("n_makers", 12.0) == 12 and type(coerce("n_makers", 12.0)) is int
    assert coerce("trust_decay", 0) == 0.0 and type(coerce("trust_decay", 0)) is float
    assert coerce("n_makers", 12.5) == 12.5  # left for Params to reject
    assert coerce("n_makers", 10**9) == 10**9  # no clamping to the maximum
    with pytest.raises(ValueError, match="n_makers"):
        coerce("n_maker", 3)


# --------------------------------------------------------------------------- hypothesis


def _value_strategy(s) -> st.SearchStrategy:
    if s.type is bool:
        return st.booleans()
    if s.type is str:
        return st.sampled_from(s.choices)
    if s.type is int:
        return st.integers(int(s.min), int(s.max))
    return st.floats(s.min, s.max, allow_nan=False, allow_infinity=False)


@st.composite
def params_dicts(draw) -> dict:
    d = {s.name: draw(_value_strategy(s)) for s in SPECS}
    for lower, upper in ORDERED_PAIRS:  # the documented cross-field rule
        a, b = sorted((d[lower], d[upper]))
        d[lower], d[upper] = a, b
    return d


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(params_dicts())
def test_any_value_inside_the_metadata_ranges_is_accepted(d):
    p = Params(**d)
    out = p.to_dict()
    for s in SPECS:
        assert out[s.name] == d[s.name]
        assert isinstance(out[s.name], s.type)
    assert Params.from_dict(out) == p


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_single_field_inside_range_accepted_outside_rejected(data):
    s = data.draw(st.sampled_from(NUMERIC), label="field")
    value = data.draw(_value_strategy(s), label="value")
    pair = next(((lo, hi) for lo, hi in ORDERED_PAIRS if s.name in (lo, hi)), None)
    if pair is not None:
        other = pair[1] if s.name == pair[0] else pair[0]
        ok = (
            (value <= getattr(BASE, other))
            if s.name == pair[0]
            else (value >= getattr(BASE, other))
        )
        if not ok:
            with pytest.raises(ValueError, match=other):
                Params(**{s.name: value})
            return
    assert getattr(Params(**{s.name: value}), s.name) == value
    above = data.draw(
        st.integers(int(s.max) + 1, int(s.max) + 10**6)
        if s.type is int
        else st.floats(s.max, s.max * 4 + 1, exclude_min=True, allow_nan=False)
    )
    with pytest.raises(ValueError, match=s.name):
        Params(**{s.name: above})


# --------------------------------------------------------------------------- scenarios

#: What each scenario's description says it changes, read by hand from SCENARIO_DESCRIPTIONS:
#: field -> predicate on (scenario value, baseline value). A scenario must change exactly these.
_gt = lambda v, b: v > b  # noqa: E731
_lt = lambda v, b: v < b  # noqa: E731
SCENARIO_CHANGES: dict[str, dict[str, typing.Callable[[object, object], bool]]] = {
    "baseline": {},
    # "higher acceptance threshold, harsher blame for failure and unfair splits, faster forgetting"
    "low_trust": {
        "trust_threshold": _gt,
        "failure_blame": _gt,
        "fairness_tolerance": _gt,
        "trust_decay": _gt,
    },
    # "Negotiated contracts that split returns by risk-corrected Shapley values"
    "fair_sharing": {
        "contract_mode": lambda v, b: v == "negotiated",
        "sharing_rule": lambda v, b: v == "risk_shapley",
    },
    # "Every team signs a strict contract"
    "strict_contracts": {"contract_mode": lambda v, b: v == "strict"},
    # "Partners are chosen at random and accept regardless of trust; …"
    "trust_off": {"trust_on": lambda v, b: v is False},
    # "No professional S&T service institutions at all"
    "no_services": {"integration_mode": lambda v, b: v == "none"},
    "co_construction": {"integration_mode": lambda v, b: v == "co_construction"},
    "supermarket_platform": {"integration_mode": lambda v, b: v == "supermarket"},
    # "most equipment on two cheap sharing platforms; returns split by risk-corrected Shapley"
    "open_alliance": {
        "platform_equipment_share": lambda v, b: v > 0.5 and v > b,
        "n_sharing": lambda v, b: v == 2,
        "sharing_fee": _lt,
        "sharing_rule": lambda v, b: v == "risk_shapley",
    },
    # "Generous fault-tolerance fund compensating most of makers' losses"
    "fault_tolerant": {
        "fault_tolerance_share": lambda v, b: v > 0.5 and v > b,
        "fault_budget": _gt,
    },
    # "Most actors in a lagging region with fewer resources and weaker policy"
    "lagging_region": {
        "share_lagging": lambda v, b: v > 0.5 and v > b,
        "lagging_resource_factor": _lt,
        "lagging_policy_factor": _lt,
    },
}


def test_every_scenario_is_described_and_checked_here():
    assert set(SCENARIOS) == set(SCENARIO_DESCRIPTIONS)
    assert set(SCENARIOS) == set(SCENARIO_CHANGES), "add new scenarios to SCENARIO_CHANGES"
    for name, desc in SCENARIO_DESCRIPTIONS.items():
        assert len(desc) > 20, name


def test_baseline_is_the_defaults():
    assert SCENARIOS["baseline"] == Params()
    assert get_scenario("baseline") is SCENARIOS["baseline"]


@pytest.mark.parametrize("name", list(SCENARIO_CHANGES))
def test_scenario_is_valid_and_changes_what_its_description_says(name):
    p = SCENARIOS[name]
    assert isinstance(p, Params)
    assert Params.from_dict(p.to_dict()) == p  # valid under the same validation
    base = BASE.to_dict()
    changed = {k for k, v in p.to_dict().items() if v != base[k]}
    expected = SCENARIO_CHANGES[name]
    assert changed == set(expected), (
        f"{name} changes {sorted(changed)}; its description implies {sorted(expected)}"
    )
    for field_name, ok in expected.items():
        value = getattr(p, field_name)
        assert ok(value, base[field_name]), f"{name}.{field_name} = {value!r}"


# ------------------------------------------------------- one check for every entry point
_ODD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.text(max_size=5),
    st.integers(-(10**400), 10**400),
    st.floats(allow_nan=True, allow_infinity=True),
)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_params_the_spec_files_and_the_dashboard_accept_the_same_values(data):
    """A value read from an experiment spec (TOML) or a dashboard widget is accepted exactly
    when ``Params`` accepts it after the text-ish reading (a whole float for an int field):
    there is one check, so a spec can never run a model that ``Params`` would refuse or refuse
    one it would run. (Before, the spec runner had its own copy of the check.)"""
    from dashboard.controls import build_params, coerce_value, controls
    from experiments.spec import SpecError, check_value

    s = data.draw(st.sampled_from(SPECS), label="field")
    value = data.draw(st.one_of(_ODD_VALUES, _value_strategy(s)), label="value")
    read = coerce(s.name, value)
    paired = {name for pair in ORDERED_PAIRS for name in pair}  # cross-field rules aside
    try:
        p = None if s.name in paired else Params(**{s.name: read})
    except ValueError:
        p = "refused"
    try:
        from_spec = check_value(s, value, "spec.toml")
    except SpecError as err:
        from_spec = "refused"
        assert s.name in str(err) and s.describe_range() in str(err)
    if p is not None:
        assert (p == "refused") == (from_spec == "refused")
        if p != "refused":
            assert getattr(p, s.name) == from_spec and type(from_spec) is s.type
    control = next(c for c in controls() if c.name == s.name)
    from_widget, err = build_params({s.name: coerce_value(control, value)})
    if p is not None:
        assert from_widget == (None if p == "refused" else p)
        assert err is None or s.name in err
