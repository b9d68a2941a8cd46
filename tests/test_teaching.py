"""Teaching mode: lessons as data, the data-driven verdict, the predict → run → reveal flow and
the A/B view (server-side, Solara's test helpers; no browser)."""

from __future__ import annotations

import dataclasses
import math
import re
import time

import ipyvuetify as v
import pandas as pd
import pytest
import solara
from widget_tree import walk_widgets

import abm
from abm.params import Params
from abm.reporters import REPORTERS
from abm.scenarios import SCENARIOS
from dashboard import teaching
from dashboard.page import Page
from dashboard.teaching import Measure, decide

FAST_STEPS = 4
FAST_REPLICATES = 2


# ---------------------------------------------------------------------------- lessons as data
def test_at_least_six_complete_lessons():
    assert len(teaching.LESSONS) >= 6
    assert len({x.key for x in teaching.LESSONS}) == len(teaching.LESSONS)
    for item in teaching.LESSONS:
        assert item.question.strip().endswith("?"), item.key
        assert 2 <= len(item.options) <= 4, item.key
        # The options stand for different outcomes, so the data can single one out.
        outcomes = [o.outcome for o in item.options]
        assert len(set(outcomes)) == len(outcomes), item.key
        assert all(m.reporter in REPORTERS for m in item.measures), item.key
        assert item.a.params != item.b.params, item.key
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", item.mechanism.strip()) if s]
        assert 2 <= len(sentences) <= 3, (item.key, len(sentences))
        assert item.steps <= 100 and item.replicates >= 2, item.key


def test_lesson_arms_are_scenarios_with_few_changes():
    """Arms are built from SCENARIOS with ``replace``: each is a named scenario plus the teaching
    population and at most two named changes (no re-declared parameter sets)."""
    sizes = set(teaching.TEACHING_SIZE)
    for item in teaching.LESSONS:
        for arm in (item.a, item.b):
            assert isinstance(arm.params, Params)
            for name, value in teaching.TEACHING_SIZE.items():
                assert getattr(arm.params, name) == value
            d = arm.params.to_dict()
            fewest = min(
                len([k for k, x in s.to_dict().items() if d[k] != x and k not in sizes])
                for s in SCENARIOS.values()
            )
            assert fewest <= 2, (item.key, arm.label, fewest)


def test_trust_time_quotes_the_forgetting_rates_it_runs():
    """Lesson 2's question, arm texts and guide state the rates its arms run with (they said
    2 % for a baseline that forgets 8 %)."""
    from pathlib import Path

    item = teaching.lesson("trust_time")
    a, b = (f"{100 * arm.params.trust_decay:.0f} %" for arm in (item.a, item.b))
    assert a in item.a.text and b in item.b.text
    assert a in item.question and b in item.question
    guide = Path(__file__).parents[1] / "docs" / "teaching.md"
    section = guide.read_text().split("## Lesson 2")[1].split("## Lesson 3")[0]
    assert a in section and b in section


def test_pie_lesson_changes_only_the_sharing_rule():
    """ "A and B are identical except for the one thing the question is about": in lesson 3
    that is the split (world A kept the baseline's adaptive contracts, whose strict contracts
    split by contribution, while B negotiates)."""
    item = teaching.lesson("pie")
    a, b = item.a.params.to_dict(), item.b.params.to_dict()
    assert sorted(k for k in a if a[k] != b[k]) == ["sharing_rule"]


def test_bad_lesson_definitions_are_refused():
    item = teaching.LESSONS[0]
    with pytest.raises(ValueError, match="2 to 4 options"):
        dataclasses.replace(item, options=item.options[:1])
    with pytest.raises(ValueError, match="unknown reporter"):
        Measure("no_such_reporter", "final", "x")
    with pytest.raises(ValueError, match="unknown lesson"):
        teaching.lesson("nope")


def test_measure_summaries():
    # Row 0 is the initial state: totals and means are over the steps run (rows 1..n).
    df = pd.DataFrame({"new_stranger_ties": [5.0, 1.0, 2.0, 3.0]})
    assert Measure("new_stranger_ties", "final", "x").value(df) == 3.0
    assert Measure("new_stranger_ties", "total", "x").value(df) == 6.0
    assert Measure("new_stranger_ties", "mean", "x").value(df) == 2.0
    assert list(Measure("new_stranger_ties", "total", "x").series(df)) == [0.0, 1.0, 3.0, 6.0]


# ---------------------------------------------------------------------------- the verdict
M = Measure("mean_trust", "final", "mean trust")


def test_decide_clear_difference():
    # Paired differences 10, 10, 10: no spread between seeds, B clearly higher.
    out = decide([1, 2, 3], [11, 12, 13], M)
    assert out.outcome == "b_higher" and out.diff == 10 and out.half_width == 0
    assert decide([11, 12, 13], [1, 2, 3], M).outcome == "a_higher"


def test_decide_half_width_by_hand():
    # d = 1, 2, 3: mean 2, sd 1, se 1/sqrt(3); Student t(0.975, 2 df) = 4.303 (t table)
    out = decide([0, 0, 0], [1, 2, 3], M)
    assert out.half_width == pytest.approx(4.303 / math.sqrt(3), abs=1e-3)
    assert out.outcome == "same" and out.within_noise  # 2 < 2.484


def test_decide_within_noise_and_negligible():
    # d = 1, -1, 1: mean 1/3, far inside the seed-to-seed spread.
    noisy = decide([10, 12, 8], [11, 11, 9], M)
    assert noisy.outcome == "same" and noisy.within_noise
    # Seeds agree but the change is 0.5 % of the level: too small to teach from.
    tiny = decide([100, 100], [100.5, 100.5], M)
    assert tiny.outcome == "same" and tiny.negligible and not tiny.within_noise
    # One seed: no noise estimate, only the size threshold applies.
    single = decide([1.0], [2.0], M)
    assert single.outcome == "b_higher" and math.isnan(single.half_width)


def _frames(values: list[float]) -> list[pd.DataFrame]:
    item = teaching.LESSONS[0]
    return [pd.DataFrame({m.reporter: [0.0, x] for m in item.measures}) for x in values]


def test_reveal_follows_the_data_not_a_stored_answer():
    item = teaching.LESSONS[0]
    by_outcome = {o.outcome: o for o in item.options}
    low, high = _frames([10, 11, 12]), _frames([30, 32, 31])
    pick = item.options[0].key
    assert teaching.reveal(item, pick, low, high).correct == (by_outcome["b_higher"],)
    assert teaching.reveal(item, pick, high, low).correct == (by_outcome["a_higher"],)
    same = teaching.reveal(item, pick, low, low)
    assert same.correct == (by_outcome["same"],)
    assert "about the same" in same.result
    right = teaching.reveal(item, by_outcome["b_higher"].key, low, high)
    assert right.matched and "matches" in right.headline
    wrong = teaching.reveal(item, by_outcome["a_higher"].key, low, high)
    assert not wrong.matched and by_outcome["b_higher"].text in wrong.headline


# ---------------------------------------------------------------------------- runs
@pytest.fixture
def fast_lessons(monkeypatch):
    fast = tuple(
        dataclasses.replace(x, steps=FAST_STEPS, replicates=FAST_REPLICATES)
        for x in teaching.LESSONS
    )
    monkeypatch.setattr(teaching, "LESSONS", fast)
    return fast


def test_lesson_runs_share_seeds_and_match_independent_runs(fast_lessons):
    item = fast_lessons[0]
    comp = teaching.lesson_comparison(item)
    assert [m.seed for m in comp.models[0]] == [m.seed for m in comp.models[1]] == item.seeds()
    comp.run()
    fa, _fb = comp.frames()
    for s, df in zip(item.seeds(), fa, strict=True):
        expected = abm.run(item.a.params, rng=s, steps=FAST_STEPS)
        pd.testing.assert_series_equal(df[item.decider.reporter], expected[item.decider.reporter])


def test_ab_uses_the_same_seed_for_both():
    comp = teaching.ab_comparison("baseline", "trust_off", seed=7, steps=3)
    assert [runs[0].seed for runs in comp.models] == [7, 7]
    comp.run()
    fa, _fb = comp.frames()
    pd.testing.assert_frame_equal(
        _fb[0], abm.run(teaching.small(SCENARIOS["trust_off"]), rng=7, steps=3)
    )
    # Same scenario on both sides: the same seed gives identical runs.
    twin = teaching.ab_comparison("baseline", "baseline", seed=7, steps=3)
    twin.run()
    pd.testing.assert_frame_equal(twin.frames()[0][0], twin.frames()[1][0])
    pd.testing.assert_frame_equal(twin.frames()[0][0], fa[0])


# ---------------------------------------------------------------------------- the page
def _widgets(rc, cls: str):
    return [
        w
        for w in walk_widgets(rc.find().widgets)
        if cls in (getattr(w, "class_", "") or "").split()
    ]


def _one(rc, cls: str):
    found = _widgets(rc, cls)
    assert len(found) == 1, f"{cls}: {len(found)} widgets"
    return found[0]


def _text(widget) -> str:
    out = []
    for w in walk_widgets([widget]):
        for attr in ("children", "unsafe_innerHTML", "value"):
            val = getattr(w, attr, None)
            if isinstance(val, str):
                out.append(val)
            elif isinstance(val, list):
                out.extend(x for x in val if isinstance(x, str))
    return " ".join(out)


def _wait_for(rc, cls: str, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = _widgets(rc, cls)
        if found:
            return found[0]
        time.sleep(0.1)
    raise AssertionError(
        f"{cls} did not appear within {timeout} s: {_text(rc.find().widgets[0])[-1500:]}"
    )


@pytest.fixture
def dash_page():
    _box, rc = solara.render(Page(), handle_error=False)
    yield rc
    rc.close()


def test_predict_gates_run_and_reveal_uses_the_runs(dash_page, fast_lessons):
    rc = dash_page
    _one(rc, "mode-teaching").click()
    item = fast_lessons[0]
    _one(rc, f"lesson-{item.key}").click()
    run = _one(rc, "lesson-run")
    assert run.disabled and "Make a prediction first" in _text(_one(rc, "teaching-view"))
    run.click()  # even a forced click does not start a run without a prediction
    assert "Make a prediction first" in _text(_one(rc, "lesson-note"))
    assert not _widgets(rc, "lesson-charts") and not _widgets(rc, "lesson-reveal")

    pick = item.options[0]
    _one(rc, f"option-{pick.key}").click()
    assert not _one(rc, "lesson-run").disabled
    _one(rc, "lesson-run").click()
    reveal = _wait_for(rc, "lesson-reveal")
    # Options are locked once the run has started.
    others = [o for o in item.options if o.key != pick.key]
    assert all(_one(rc, f"option-{o.key}").disabled for o in others)

    # The reveal is computed from the runs: recompute it from independent headless runs.
    fa = [abm.run(item.a.params, rng=s, steps=FAST_STEPS) for s in item.seeds()]
    fb = [abm.run(item.b.params, rng=s, steps=FAST_STEPS) for s in item.seeds()]
    expected = teaching.reveal(item, pick.key, fa, fb)
    assert _text(_one(rc, "reveal-result")) == expected.result
    assert expected.headline in _text(reveal)
    assert item.mechanism in _text(reveal)
    assert f"Step {FAST_STEPS} of {FAST_STEPS}" in _text(_one(rc, "lesson-progress-text"))


def test_reveal_says_noise_when_both_arms_are_the_same(dash_page, fast_lessons, monkeypatch):
    item = fast_lessons[1]
    twin = dataclasses.replace(item, b=dataclasses.replace(item.b, params=item.a.params))
    monkeypatch.setattr(teaching, "LESSONS", (twin, *fast_lessons[2:]))
    rc = dash_page
    _one(rc, "mode-teaching").click()
    _one(rc, f"lesson-{twin.key}").click()
    same = next(o for o in twin.options if o.outcome == "same")
    wrong = next(o for o in twin.options if o.outcome != "same")
    _one(rc, f"option-{wrong.key}").click()
    _one(rc, "lesson-run").click()
    reveal = _wait_for(rc, "lesson-reveal")
    text = _text(reveal)
    assert "about the same" in _text(_one(rc, "reveal-result"))
    assert same.text in text and "Not this time" in text


def test_ab_view_runs_both_with_the_typed_seed(dash_page):
    rc = dash_page
    _one(rc, "mode-compare").click()
    seed = rc.find(v.TextField, label="Seed (both sides)").widget
    seed.v_model = "x1"
    seed.fire_event("keyup.enter", None)
    assert _one(rc, "ab-run").disabled
    seed.v_model = "11"
    seed.fire_event("keyup.enter", None)
    assert not _one(rc, "ab-run").disabled
    steps = 10
    rc.find(v.Slider, label="Steps").widget.v_model = steps
    _one(rc, "ab-run").click()
    table = _wait_for(rc, "ab-summary")
    assert f"at step {steps}" in _text(table)
    expected = abm.run(teaching.small(SCENARIOS["trust_off"]), rng=11, steps=steps)
    final = float(expected["mean_trust"].iloc[-1])
    assert f"{final:.3g}" in _text(table)
    assert len(_widgets(rc, "ab-network-0")) == len(_widgets(rc, "ab-network-1")) == 1


@pytest.mark.parametrize("text", ["0", "abc", "-5", "12.5", "501"])
def test_lesson_steps_setting_refuses_bad_values(text):
    with pytest.raises(ValueError, match=r"DASHBOARD_LESSON_STEPS.*1 to 500"):
        teaching._steps_override(text)
    assert teaching._steps_override(" 15 ") == 15 and teaching._steps_override("") is None


def test_teaching_guide_has_a_plan_per_lesson():
    from pathlib import Path

    guide = (Path(__file__).resolve().parents[1] / "docs" / "teaching.md").read_text()
    for i, item in enumerate(teaching.LESSONS, start=1):
        assert f"## Lesson {i}: {item.title}" in guide, item.title
    assert "## The A/B comparison view" in guide and "make app" in guide
