"""Teaching mode: guided lessons and A/B comparisons, as data plus a small engine (no Solara).

A :class:`Lesson` asks one question in plain language, offers 2–4 predictions, names the two
scenarios it compares (built from :data:`abm.scenarios.SCENARIOS` with ``Params.replace``, never
by re-declaring defaults) and the reporter that decides the answer. The answer is **not stored**:
:func:`decide` computes it from the runs' reporters, with paired replicate seeds (both arms share
each seed), and says "within noise" when the difference is smaller than the spread between seeds.
So the reveal stays honest when the model's calibration changes.

:class:`Comparison` steps several models in lock-step (one step of each per :meth:`tick`), so the
page can show progress and overlaid charts while a run is under way; the A/B view uses it with
one seed shared by both scenarios.
"""

from __future__ import annotations

import dataclasses
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from abm.model import InnovationModel
from abm.params import Params
from abm.reporters import REPORTERS
from abm.scenarios import SCENARIOS
from abm.streams import run_seeds

Outcome = Literal["a_higher", "b_higher", "same"]
How = Literal["final", "total", "mean"]

#: Small populations keep lessons fast (a lesson runs 2 arms × 3 seeds in a few seconds).
TEACHING_SIZE: dict[str, int] = {"n_makers": 30, "n_universities": 3, "n_enterprises": 10}
DEFAULT_STEPS = 50
DEFAULT_REPLICATES = 3
#: Differences smaller than this share of the larger mean count as "about the same" even when
#: the seeds agree (a 0.5 % change is not something to teach from).
MIN_EFFECT = 0.01
CONFIDENCE = 0.95


def small(params: Params) -> Params:
    """``params`` with the teaching population sizes (everything else unchanged)."""
    return params.replace(**TEACHING_SIZE)


@dataclass(frozen=True)
class Measure:
    """A reporter and how a run is summarised by it.

    ``how``: ``final`` = value at the last step (for stocks and cumulative counts), ``total`` =
    sum over the steps run (for per-step flows such as new ties), ``mean`` = mean over the steps
    run (for rates).
    """

    reporter: str
    how: How
    label: str

    def __post_init__(self) -> None:
        if self.reporter not in REPORTERS:
            raise ValueError(f"unknown reporter {self.reporter!r} in a lesson measure")
        if self.how not in ("final", "total", "mean"):
            raise ValueError(f"measure how must be final, total or mean, got {self.how!r}")

    def value(self, df: pd.DataFrame) -> float:
        """The run's summary value (row 0, the initial state, is left out of totals and means)."""
        y = pd.to_numeric(df[self.reporter], errors="coerce").to_numpy(dtype=float)
        if self.how == "final":
            return float(y[-1])
        run = y[1:] if len(y) > 1 else y
        return float(np.nansum(run) if self.how == "total" else np.nanmean(run))

    def series(self, df: pd.DataFrame) -> np.ndarray:
        """What a chart of this measure shows: running total for ``total``, else the reporter."""
        y = pd.to_numeric(df[self.reporter], errors="coerce").to_numpy(dtype=float)
        if self.how == "total":
            y = np.concatenate([[0.0], np.nancumsum(y[1:])])
        return y


@dataclass(frozen=True)
class Arm:
    """One side of a comparison: a label, what it means in words, and its parameters."""

    label: str
    text: str
    params: Params


@dataclass(frozen=True)
class Option:
    """A prediction the learner can pick, and the outcome (of the first measure) it stands for."""

    key: str
    text: str
    outcome: Outcome


@dataclass(frozen=True)
class Lesson:
    """A guided scenario: question, predictions, the two arms, the deciding measure, mechanism.

    The first measure decides the answer; further measures are shown for discussion.
    """

    key: str
    title: str
    question: str
    a: Arm
    b: Arm
    measures: tuple[Measure, ...]
    options: tuple[Option, ...]
    mechanism: str
    things_to_try: tuple[str, ...] = ()
    steps: int = DEFAULT_STEPS
    replicates: int = DEFAULT_REPLICATES
    seed: int = 2024

    def __post_init__(self) -> None:
        if not 2 <= len(self.options) <= 4:
            raise ValueError(f"lesson {self.key!r}: needs 2 to 4 options, has {len(self.options)}")
        if len({o.key for o in self.options}) != len(self.options):
            raise ValueError(f"lesson {self.key!r}: option keys must be unique")
        if not self.measures:
            raise ValueError(f"lesson {self.key!r}: needs at least one measure")
        if self.steps < 1 or self.replicates < 1:
            raise ValueError(f"lesson {self.key!r}: steps and replicates must be >= 1")

    @property
    def decider(self) -> Measure:
        return self.measures[0]

    def option(self, key: str) -> Option:
        for o in self.options:
            if o.key == key:
                return o
        raise ValueError(f"lesson {self.key!r} has no option {key!r}")

    def seeds(self, seed: int | None = None) -> list[int]:
        """Replicate seeds (each shared by both arms), derived from the lesson's seed."""
        return run_seeds(self.seed if seed is None else seed, self.replicates)


# ---------------------------------------------------------------------------- the lessons
_B = SCENARIOS["baseline"]
_FAST_FORGETTING = 0.15  # lesson "Trust takes time": trust_decay of the forgetful world


def _pct(x: float) -> str:
    """A share as the lessons write it: 0.08 → "8 %"."""
    return f"{100 * x:.0f} %"


LESSONS: tuple[Lesson, ...] = (
    Lesson(
        key="partners",
        title="Why do makers need partners?",
        question=(
            "Maker teams are full of ideas but short of money, equipment and market access. "
            "What happens to the number of successful projects if every team has to work "
            "alone instead of teaming up with up to four partners?"
        ),
        a=Arm(
            "Alone",
            "Every project team has one member (team size cap 1).",
            small(_B.replace(max_team_size=1)),
        ),
        b=Arm("With partners", "Baseline: teams of up to 5 members.", small(_B)),
        measures=(
            Measure("cum_projects_succeeded", "final", "successful projects (total)"),
            Measure("n_makers_alive", "final", "maker teams alive at the end"),
        ),
        options=(
            Option("alone", "More successes alone: nobody has to share the returns", "a_higher"),
            Option("partners", "More successes with partners", "b_higher"),
            Option("same", "About the same: a good idea succeeds either way", "same"),
        ),
        mechanism=(
            "A project needs four resources (funds, equipment, talent and information) and its "
            "chance of success falls with every resource it lacks. A maker team brings ideas "
            "and talent but little money or equipment, so alone it covers only part of the "
            "need; partners fill the gaps, and each success brings money and maker spirit back."
        ),
        things_to_try=(
            "In Explore mode set 'Maximum team size' (Partner search) to 2 or 3: "
            "how much does one partner help?",
            "Switch off 'Trust-based partner choice' (Mechanism switches): does it "
            "matter who you team up with?",
        ),
    ),
    Lesson(
        key="trust_time",
        title="Trust takes time",
        question=(
            "Trust between two partners grows one good project at a time, and people slowly "
            "forget. What happens to the number of deep, trust-based partnerships if everyone "
            f"forgets much faster ({_pct(_FAST_FORGETTING)} of what they learned each step "
            f"instead of {_pct(_B.trust_decay)})?"
        ),
        a=Arm(
            "Remember",
            f"Baseline: {_pct(_B.trust_decay)} of trust evidence forgotten per step.",
            small(_B),
        ),
        b=Arm(
            "Forget fast",
            f"{_pct(_FAST_FORGETTING)} of trust evidence forgotten per step.",
            small(_B.replace(trust_decay=_FAST_FORGETTING)),
        ),
        measures=(
            # Averaged over the run: the count at the last step alone swings so much between
            # seeds (a few deep ties more or less) that three seeds could not tell 8 % from
            # 15 % apart; its mean over the run can.
            Measure(
                "n_edges_stage_trust_based_cooperation",
                "mean",
                "ties in the trust-based cooperation stage (mean over the run)",
            ),
            Measure("mean_trust", "final", "mean trust"),
        ),
        options=(
            Option("remember", "More deep partnerships when people remember", "a_higher"),
            Option(
                "forget", "More when people forget fast: everyone gets a fresh start", "b_higher"
            ),
            Option("same", "About the same", "same"),
        ),
        mechanism=(
            "A tie moves from formation to consolidation to trust-based cooperation only after "
            "several joint projects and enough good evidence. Forgetting wipes out part of that "
            "evidence every step, so with fast forgetting pairs must work together again and "
            "again just to stand still, and few ties ever reach the deepest stage."
        ),
        things_to_try=(
            "In Explore mode run 40 steps, press 'Trust shock' and count the steps until "
            "mean trust recovers.",
            "In Explore mode raise 'Trust forgetting λ' (Trust) while the model runs and "
            "watch mean trust and the trust histogram.",
        ),
    ),
    Lesson(
        key="pie",
        title="How should we split the pie?",
        question=(
            "When a team project earns money, it can be split equally among the members, or "
            "according to what each member contributed and how much risk it carried "
            "(a risk-corrected Shapley split, agreed in a negotiated contract). Which way leaves "
            "partners trusting each other more?"
        ),
        a=Arm(
            "Equal split",
            "Returns split equally among members, agreed in a negotiated contract.",
            # Negotiated, as in B: under the baseline's adaptive contracts low-trust teams get
            # strict ones, which split by contribution whatever the rule (a quarter of them).
            small(_B.replace(sharing_rule="equal", contract_mode="negotiated")),
        ),
        b=Arm(
            "Contribution and risk",
            "Scenario 'fair_sharing': risk-corrected Shapley split, negotiated contracts.",
            small(SCENARIOS["fair_sharing"]),
        ),
        measures=(
            Measure("mean_trust", "final", "mean trust"),
            Measure("mean_fairness", "mean", "perceived fairness (average)"),
            Measure("n_makers_alive", "final", "maker teams alive at the end"),
        ),
        options=(
            Option("equal", "Equal split: same share for all, nothing to argue about", "a_higher"),
            Option(
                "shapley", "Contribution-and-risk split: everyone gets what they earned", "b_higher"
            ),
            Option("same", "It makes no difference to trust", "same"),
        ),
        mechanism=(
            "After each project every member compares what it received with what it thinks it "
            "is due for its contribution and risk; a split below its tolerance counts as unfair "
            "and becomes negative evidence about its partners. Which rule feels fair therefore "
            "depends on how unequal the contributions are, and trust follows the feeling of "
            "fairness, which in turn sets how strict (and costly) the next contract is."
        ),
        things_to_try=(
            "Try the 'proportional' and 'nash' values of 'Benefit sharing rule' in Explore mode.",
            "Lower 'Fairness tolerance' (people accept more): does the rule still matter?",
        ),
    ),
    Lesson(
        key="fault",
        title="Failing safely: fault tolerance",
        question=(
            "Most new projects fail. A fault-tolerance fund pays back part of a maker team's "
            "loss when a project fails. What happens to the number of maker teams still alive "
            "if the fund is generous (70 % of losses, three times the budget)?"
        ),
        a=Arm("Small fund", "Baseline: 20 % of losses compensated, 10 per step.", small(_B)),
        b=Arm(
            "Generous fund",
            "Scenario 'fault_tolerant': 70 % of losses compensated, 30 per step.",
            small(SCENARIOS["fault_tolerant"]),
        ),
        measures=(
            Measure("n_makers_alive", "final", "maker teams alive at the end"),
            Measure("cum_projects_started", "final", "projects started (total)"),
            Measure("cum_fault_compensation", "final", "losses paid by the fund (total)"),
        ),
        options=(
            Option("more", "More teams survive with a generous fund", "b_higher"),
            Option("fewer", "Fewer survive: a safety net makes teams careless", "a_higher"),
            Option("same", "About the same: good teams survive anyway", "same"),
        ),
        mechanism=(
            "A failed project wipes out the money a maker team put in, and a team whose cash "
            "runs out exits. The fund gives back part of the loss, and rescues a team that a "
            "failure left broke with a restart grant, so a team can survive a failure or two, "
            "keep learning and try again; the cost is public money, shown as the losses the "
            "fund paid."
        ),
        things_to_try=(
            "In Explore mode set 'Fault-tolerance share' (Policy) to 0 and watch "
            "'Maker teams alive by stage'.",
            "Compare 'fault_tolerant' with 'baseline' in the A/B view for 150 steps.",
        ),
    ),
    Lesson(
        key="platform",
        title="The platform economy",
        question=(
            "Instead of separate contracts with banks, brokers and consultants, actors can use "
            "a self-service 'supermarket' platform that lists services and publishes everyone's "
            "reputation. Does the platform create more new ties between strangers?"
        ),
        a=Arm(
            "Contracts", "Baseline: service institutions work under separate contracts.", small(_B)
        ),
        b=Arm(
            "Platform",
            "Scenario 'supermarket_platform': catalogue, credibility monitoring, reputations.",
            small(SCENARIOS["supermarket_platform"]),
        ),
        measures=(
            Measure("new_stranger_ties", "total", "new ties between strangers (total)"),
            Measure("giant_component_share", "final", "share of actors in the largest group"),
            Measure("cum_projects_succeeded", "final", "successful projects (total)"),
        ),
        options=(
            Option("more", "More ties between strangers on the platform", "b_higher"),
            Option("fewer", "Fewer: people still only work with partners they know", "a_higher"),
            Option("same", "About the same", "same"),
        ),
        mechanism=(
            "On the platform a searcher sees extra strangers, and the platform's credibility "
            "monitoring lets strangers start with some trust instead of none, so they pass the "
            "trust threshold more often. More first meetings mean more new ties, and the "
            "network knits together faster."
        ),
        things_to_try=(
            "Raise 'Platform extra strangers' in Explore mode with the "
            "supermarket_platform scenario.",
            "Compare 'co_construction' with 'supermarket_platform' in the A/B view.",
        ),
    ),
    Lesson(
        key="lagging",
        title="Lagging regions",
        question=(
            "Suppose most actors sit in a lagging region with fewer resources and weaker policy "
            "support. How well do the makers and the science-and-technology system develop "
            "together, measured by their coupling coordination D (0 = out of step, 1 = in step)?"
        ),
        a=Arm("Baseline", "30 % of actors in the lagging region.", small(_B)),
        b=Arm(
            "Lagging",
            "Scenario 'lagging_region': 80 % lagging, half the resources, weak policy.",
            small(SCENARIOS["lagging_region"]),
        ),
        measures=(
            Measure("coupling_coordination", "final", "coupling coordination D"),
            Measure("n_makers_alive", "final", "maker teams alive at the end"),
            Measure("cum_returns", "final", "market returns (total)"),
        ),
        options=(
            Option("baseline", "D is higher in the baseline", "a_higher"),
            Option("lagging", "D is higher in the lagging region: less competition", "b_higher"),
            Option("same", "About the same", "same"),
        ),
        mechanism=(
            "D combines how developed the maker subsystem (U1) and the science-and-technology "
            "subsystem (U2) are with how balanced they are. In a lagging region actors start "
            "with fewer resources and get less subsidy, fault tolerance and training, so "
            "projects are less well resourced and both subsystems grow more slowly."
        ),
        things_to_try=(
            "With the lagging_region scenario raise 'Lagging-region policy "
            "strength': does D catch up?",
            "Set 'Lagging-region resources' to 1.0 to separate the resource gap "
            "from the policy gap.",
        ),
    ),
)


def _steps_override(text: str | None) -> int | None:
    """``DASHBOARD_LESSON_STEPS``: shorter (or longer) lessons for slow machines and tests."""
    if text is None or not text.strip():
        return None
    s = text.strip()
    if not s.isdigit() or not 1 <= int(s) <= 500:
        raise ValueError(
            f"DASHBOARD_LESSON_STEPS must be a whole number from 1 to 500, got {text!r}"
        )
    return int(s)


_STEPS = _steps_override(os.environ.get("DASHBOARD_LESSON_STEPS"))
if _STEPS is not None:
    LESSONS = tuple(dataclasses.replace(x, steps=_STEPS) for x in LESSONS)


def lesson(key: str) -> Lesson:
    """The lesson called ``key`` (``ValueError`` listing the keys if unknown)."""
    for item in LESSONS:
        if item.key == key:
            return item
    raise ValueError(f"unknown lesson {key!r} (lessons: {', '.join(x.key for x in LESSONS)})")


# ---------------------------------------------------------------------------- the verdict
@dataclass(frozen=True)
class Verdict:
    """What the runs say about one measure (B − A, paired by seed)."""

    measure: Measure
    a_values: tuple[float, ...]
    b_values: tuple[float, ...]
    mean_a: float
    mean_b: float
    diff: float  # mean of B − A over paired seeds
    half_width: float  # confidence half-width of the mean difference (nan with one seed)
    outcome: Outcome
    within_noise: bool  # |diff| not larger than the seed-to-seed noise
    negligible: bool  # |diff| below MIN_EFFECT of the larger mean

    @property
    def n(self) -> int:
        return len(self.a_values)


def _t_quantile(p: float, df: int) -> float:
    from scipy.stats import t

    return float(t.ppf(p, df))


def decide(
    a_values: Sequence[float],
    b_values: Sequence[float],
    measure: Measure,
    *,
    min_effect: float = MIN_EFFECT,
    confidence: float = CONFIDENCE,
) -> Verdict:
    """Compare paired runs (same seed on both sides) of arm A and arm B.

    The difference counts as real when the mean of the paired differences B − A is larger than
    the ``confidence`` half-width (Student t over the seeds) **and** than ``min_effect`` of the
    larger mean; otherwise the outcome is ``same`` and ``within_noise`` or ``negligible`` say
    why. With a single seed there is no noise estimate and only ``min_effect`` applies.
    """
    a = np.asarray(a_values, dtype=float)
    b = np.asarray(b_values, dtype=float)
    if len(a) != len(b) or len(a) == 0:
        raise ValueError("decide needs the same number (>= 1) of runs for A and B")
    d = b - a
    diff = float(d.mean())
    if len(d) >= 2:
        se = float(d.std(ddof=1)) / math.sqrt(len(d))
        half = _t_quantile(0.5 + confidence / 2, len(d) - 1) * se
    else:
        half = float("nan")
    scale = max(abs(float(a.mean())), abs(float(b.mean())))
    negligible = abs(diff) <= min_effect * scale or diff == 0.0
    within_noise = bool(not math.isnan(half) and abs(diff) <= half)
    outcome: Outcome = "b_higher" if diff > 0 else "a_higher"
    if negligible or within_noise:
        outcome = "same"
    return Verdict(
        measure=measure,
        a_values=tuple(float(x) for x in a),
        b_values=tuple(float(x) for x in b),
        mean_a=float(a.mean()),
        mean_b=float(b.mean()),
        diff=diff,
        half_width=half,
        outcome=outcome,
        within_noise=within_noise,
        negligible=negligible,
    )


def verdicts(
    measures: Sequence[Measure],
    frames_a: Sequence[pd.DataFrame],
    frames_b: Sequence[pd.DataFrame],
) -> list[Verdict]:
    """One :class:`Verdict` per measure from the runs' reporters (paired by position)."""
    return [
        decide([m.value(df) for df in frames_a], [m.value(df) for df in frames_b], m)
        for m in measures
    ]


def correct_options(lesson_: Lesson, verdict: Verdict) -> list[Option]:
    """The options whose outcome is what the data showed (may be empty)."""
    return [o for o in lesson_.options if o.outcome == verdict.outcome]


def _num(x: float) -> str:
    if math.isnan(x):
        return "n/a"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    return f"{x:.3g}"


def describe(verdict: Verdict, a_label: str, b_label: str) -> str:
    """One plain-language sentence about what the runs showed."""
    m = verdict.measure
    seeds = f"mean of {verdict.n} seed{'s' if verdict.n != 1 else ''}"
    label = m.label[:1].upper() + m.label[1:]
    if verdict.outcome == "same":
        values = f"{a_label} {_num(verdict.mean_a)}, {b_label} {_num(verdict.mean_b)}; {seeds}"
        if verdict.within_noise:
            why = (
                f"The difference ({_num(verdict.diff)}) is within the noise between seeds "
                f"(±{_num(verdict.half_width)}), so the model shows no clear effect."
            )
        else:
            why = f"The difference ({_num(verdict.diff)}) is too small to matter."
        return f"{label}: about the same ({values}). {why}"
    if verdict.outcome == "b_higher":
        (hi, hv), (lo, lv) = (b_label, verdict.mean_b), (a_label, verdict.mean_a)
    else:
        (hi, hv), (lo, lv) = (a_label, verdict.mean_a), (b_label, verdict.mean_b)
    noise = "" if math.isnan(verdict.half_width) else f" ± {_num(verdict.half_width)}"
    return (
        f"{label}: higher with \u201c{hi}\u201d ({_num(hv)}) than with \u201c{lo}\u201d "
        f"({_num(lv)}); {seeds}, difference {_num(abs(verdict.diff))}{noise}."
    )


@dataclass(frozen=True)
class Reveal:
    """The reveal shown after a lesson's run."""

    verdict: Verdict
    others: tuple[Verdict, ...]
    predicted: Option
    correct: tuple[Option, ...]
    matched: bool
    headline: str
    result: str


def reveal(
    lesson_: Lesson,
    predicted_key: str,
    frames_a: Sequence[pd.DataFrame],
    frames_b: Sequence[pd.DataFrame],
) -> Reveal:
    """Compare the learner's prediction with what the runs' reporters show."""
    predicted = lesson_.option(predicted_key)
    found = verdicts(lesson_.measures, frames_a, frames_b)
    main = found[0]
    correct = tuple(correct_options(lesson_, main))
    matched = predicted in correct
    if matched:
        headline = "Your prediction matches what the model shows."
    elif correct:
        headline = f"Not this time: the model's answer is \u201c{correct[0].text}\u201d."
    else:
        headline = "None of the predictions fits: the model shows no clear difference."
    return Reveal(
        verdict=main,
        others=tuple(found[1:]),
        predicted=predicted,
        correct=correct,
        matched=matched,
        headline=headline,
        result=describe(main, lesson_.a.label, lesson_.b.label),
    )


# ---------------------------------------------------------------------------- the runs
@dataclass
class Comparison:
    """Models of several arms × seeds stepped in lock-step, for progress and live charts.

    Every arm runs with the same list of seeds, so arm A's run *i* and arm B's run *i* differ
    only in their parameters.
    """

    arms: Sequence[tuple[str, Params]]
    seeds: Sequence[int]
    steps: int
    models: list[list[InnovationModel]] = field(init=False)
    done: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        if self.steps < 1:
            raise ValueError(f"steps must be >= 1, got {self.steps}")
        if not self.seeds:
            raise ValueError("a comparison needs at least one seed")
        self.models = [[InnovationModel(p, rng=int(s)) for s in self.seeds] for _, p in self.arms]

    @property
    def finished(self) -> bool:
        return self.done >= self.steps

    @property
    def progress(self) -> float:
        return min(self.done / self.steps, 1.0)

    def tick(self) -> None:
        """One step of every model (nothing once finished)."""
        if self.finished:
            return
        for runs in self.models:
            for m in runs:
                m.step()
        self.done += 1

    def run(self) -> None:
        """Step to the end (tests and scripts; the page ticks with progress instead)."""
        while not self.finished:
            self.tick()

    def frames(self) -> list[list[pd.DataFrame]]:
        """Reporters per arm, per seed (same order as ``arms`` and ``seeds``)."""
        return [[m.reporters() for m in runs] for runs in self.models]


def lesson_comparison(lesson_: Lesson, seed: int | None = None) -> Comparison:
    """The runs of a lesson: its two arms with the same replicate seeds."""
    return Comparison(
        arms=[(lesson_.a.label, lesson_.a.params), (lesson_.b.label, lesson_.b.params)],
        seeds=lesson_.seeds(seed),
        steps=lesson_.steps,
    )


#: What the A/B view overlays (reporter, how, label).
AB_MEASURES: tuple[Measure, ...] = (
    Measure("cum_projects_succeeded", "final", "successful projects (total)"),
    Measure("mean_trust", "final", "mean trust"),
    Measure("giant_component_share", "final", "share of actors in the largest group"),
    Measure("n_makers_alive", "final", "maker teams alive"),
    Measure("coupling_coordination", "final", "coupling coordination D"),
    Measure("cum_returns", "final", "market returns (total)"),
)


def ab_comparison(
    a: str, b: str, seed: int, steps: int, *, small_population: bool = True
) -> Comparison:
    """Two named scenarios, one shared seed (the A/B view)."""
    pa, pb = SCENARIOS[a], SCENARIOS[b]
    if small_population:
        pa, pb = small(pa), small(pb)
    return Comparison(arms=[(f"A: {a}", pa), (f"B: {b}", pb)], seeds=[int(seed)], steps=steps)
