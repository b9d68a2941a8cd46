"""Solara views of teaching mode: guided lessons (predict → run → reveal) and the A/B view.

The lessons and the verdict live in :mod:`dashboard.teaching` (plain data and functions); this
module only draws them. Runs are stepped in a background thread (``solara.use_thread``), one
step of every model per tick, and the page is refreshed a few times a second with a progress
bar and the overlaid charts, so the page stays responsive while a lesson runs.
"""

from __future__ import annotations

import html
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import solara

from abm.scenarios import SCENARIO_DESCRIPTIONS, SCENARIOS
from dashboard import figures, teaching
from dashboard.controls import parse_seed
from dashboard.layout import IncrementalLayout
from dashboard.plotly_view import PlotlyView
from dashboard.simulation import capture

REFRESH_S = 0.3  # seconds between page refreshes while a run goes on
AB_NETWORK_HEIGHT = 430

TEACHING_CSS = """
.lesson-question { font-size: 1.15rem; line-height: 1.45; margin: 4px 0 10px 0; }
.lesson-arms td { padding: 2px 10px 2px 0; vertical-align: top; }
.lesson-mechanism { font-size: 1.0rem; line-height: 1.45; }
.lesson-card-title { font-weight: 600; }
.lesson-heading { margin: 12px 0 4px 0; }
.option-button { text-transform: none !important; white-space: normal; height: auto !important;
  min-height: 40px; padding: 6px 14px !important; margin: 3px 0; justify-content: flex-start; }
.reveal-values td, .reveal-values th { padding: 2px 10px; border-bottom: 1px solid #eee; }
"""


@dataclass(eq=False)
class RunState:
    """What the page shows of a run: steps done and the reporters at that moment.

    ``eq=False``: identity comparison, so setting a new state always refreshes the page (data
    frames cannot be compared with ``==``).
    """

    comparison: teaching.Comparison
    done: int = 0
    frames: list[list[pd.DataFrame]] = field(default_factory=list)
    networks: list[Any] = field(default_factory=list)  # snapshots of the first seed, per arm
    error: str | None = None

    @property
    def finished(self) -> bool:
        return self.comparison.finished and self.done >= self.comparison.steps


def _is_current(state: solara.Reactive, comp: teaching.Comparison) -> bool:
    value = state.value
    return value is not None and value.comparison is comp


def run_in_background(
    state: solara.Reactive,
    running: solara.Reactive,
    cancel: threading.Event,
    layouts: list[IncrementalLayout] | None = None,
) -> None:
    """Tick ``state.value.comparison`` to its end, publishing a new :class:`RunState` often.

    Called by ``solara.use_thread``; stops when cancelled (Pause, another lesson, unmount).
    ``layouts`` (one per arm) asks for network snapshots of each arm's first seed.
    """
    current: RunState | None = state.value
    if current is None or not running.value:
        return
    comp = current.comparison
    last = 0.0
    try:
        while not comp.finished and not cancel.is_set():
            comp.tick()
            if cancel.is_set() or not _is_current(state, comp):
                return  # another lesson or a reset replaced this run: publish nothing
            now = time.perf_counter()
            if comp.finished or now - last >= REFRESH_S:
                last = now
                networks = (
                    [capture(runs[0], lay) for runs, lay in zip(comp.models, layouts, strict=True)]
                    if layouts
                    else []
                )
                state.set(RunState(comp, comp.done, comp.frames(), networks))
    except Exception as exc:  # show it on the page instead of a dead thread
        state.set(RunState(comp, comp.done, comp.frames(), [], error=f"Run failed: {exc}"))
    finally:
        if _is_current(state, comp) and (comp.finished or state.value.error):
            running.set(False)


def _html(tag: str, inner: str, cls: str) -> None:
    """Plain HTML (``solara.Markdown`` would need math/diagram bundles from the CDN)."""
    solara.HTML(tag=tag, unsafe_innerHTML=inner, classes=[cls])


def _progress(state: RunState | None, running: bool) -> None:
    if state is None:
        return
    comp = state.comparison
    pct = 100.0 * state.done / comp.steps
    label = "finished" if state.finished else ("running" if running else "paused")
    with solara.Row(style={"align-items": "center"}):
        with solara.Column(style={"flex": "1 1 0"}):
            solara.ProgressLinear(value=pct, color="primary")
        solara.Text(
            f"Step {state.done} of {comp.steps} ({label})", classes=["lesson-progress-text"]
        )
    if state.error:
        solara.Error(state.error)


# ---------------------------------------------------------------------------- lessons
@solara.component
def LessonPicker(current: str | None, on_pick):
    """One button per guided scenario."""
    with solara.Row(style={"flex-wrap": "wrap"}, classes=["lesson-picker"]):
        for i, item in enumerate(teaching.LESSONS, start=1):
            solara.Button(
                f"{i}. {item.title}",
                on_click=lambda key=item.key: on_pick(key),
                color="primary" if item.key == current else None,
                outlined=item.key != current,
                classes=["lesson-button", f"lesson-{item.key}"],
                style={"text-transform": "none"},
            )


@solara.component
def RevealCard(lesson: teaching.Lesson, result: teaching.Reveal):
    """The reveal: prediction vs data, numbers, mechanism, things to try."""
    with solara.Card("What happened", classes=["lesson-reveal"]):
        show = solara.Success if result.matched else solara.Warning
        show(result.headline, classes=["reveal-headline"])
        _html(
            "div", f"<b>You predicted:</b> {html.escape(result.predicted.text)}", "reveal-predicted"
        )
        solara.Text(result.result, classes=["reveal-result"])
        rows = [result.verdict, *result.others]
        header = f"<tr><th>measure</th><th>{html.escape(lesson.a.label)}</th>"
        header += f"<th>{html.escape(lesson.b.label)}</th><th>verdict</th></tr>"
        body = ""
        for v in rows:
            verdict = {
                "same": "about the same" + (" (noise)" if v.within_noise else ""),
                "a_higher": f"higher: {lesson.a.label}",
                "b_higher": f"higher: {lesson.b.label}",
            }[v.outcome]
            body += (
                f"<tr><td>{html.escape(v.measure.label)}</td>"
                f"<td>{teaching._num(v.mean_a)}</td><td>{teaching._num(v.mean_b)}</td>"
                f"<td>{html.escape(verdict)}</td></tr>"
            )
        solara.HTML(tag="table", unsafe_innerHTML=header + body, classes=["reveal-values"])
        solara.Text(
            f"Means over {result.verdict.n} seeds; both sides ran with the same seeds. "
            "\u201cNoise\u201d: the difference is smaller than the spread between seeds.",
            classes=["param-help"],
        )
        _html("div", "<b>Why (the mechanism in the model)</b>", "lesson-heading")
        solara.Text(lesson.mechanism, classes=["lesson-mechanism"])
        if lesson.things_to_try:
            items = "".join(f"<li>{html.escape(t)}</li>" for t in lesson.things_to_try)
            _html("div", f"<b>Things to try</b><ul>{items}</ul>", "lesson-try")


@solara.component
def TeachingView():
    """Guided scenarios: pick a lesson → predict → run → reveal."""
    lesson_key = solara.use_reactive(None)
    prediction = solara.use_reactive(None)
    state = solara.use_reactive(None)  # RunState of the current lesson, or None
    running = solara.use_reactive(False)
    attempt = solara.use_reactive(0)
    note = solara.use_reactive(None)

    item = None
    if lesson_key.value is not None:
        item = next((x for x in teaching.LESSONS if x.key == lesson_key.value), None)

    def pick(key: str) -> None:
        running.set(False)
        state.set(None)
        prediction.set(None)
        attempt.set(0)
        note.set(None)
        lesson_key.set(key)

    def predict(key: str) -> None:
        if state.value is not None:  # locked once the run has started
            return
        prediction.set(key)
        note.set(None)

    def start() -> None:
        if item is None:
            return
        if prediction.value is None:  # the gate, also enforced here (not only by the button)
            note.set("Make a prediction first: pick one of the answers above.")
            return
        if state.value is not None and not state.value.finished:
            running.set(True)  # resume
            return
        comp = teaching.lesson_comparison(item, seed=item.seed + attempt.value)
        state.set(RunState(comp, 0, comp.frames()))
        running.set(True)

    def again() -> None:
        running.set(False)
        state.set(None)
        prediction.set(None)
        attempt.set(attempt.value + 1)

    def loop(cancel: threading.Event) -> None:
        run_in_background(state, running, cancel)

    solara.use_thread(loop, dependencies=[running.value], intrusive_cancel=False)

    with solara.Column(style={"padding": "10px", "max-width": "1250px"}, classes=["teaching-view"]):
        solara.HTML(
            tag="h2",
            unsafe_innerHTML="Teaching mode: guided scenarios",
            style={"font-weight": "500", "font-size": "1.4rem", "margin": "4px 0"},
        )
        solara.Text(
            "Pick a question, predict the answer, run the model, then compare. Each run "
            f"compares two worlds with the same seeds ({teaching.DEFAULT_REPLICATES} seeds, "
            "small populations) so the only difference is the one the question asks about.",
            classes=["param-help"],
        )
        LessonPicker(lesson_key.value, pick)
        if item is None:
            solara.Info("Choose one of the questions above to start.")
            return
        with solara.Card(classes=["lesson-card"]):
            solara.HTML(
                tag="div", unsafe_innerHTML=html.escape(item.title), classes=["lesson-card-title"]
            )
            solara.Text(item.question, classes=["lesson-question"])
            solara.HTML(
                tag="table",
                unsafe_innerHTML=(
                    f"<tr><td><b>A: {html.escape(item.a.label)}</b></td>"
                    f"<td>{html.escape(item.a.text)}</td></tr>"
                    f"<tr><td><b>B: {html.escape(item.b.label)}</b></td>"
                    f"<td>{html.escape(item.b.text)}</td></tr>"
                ),
                classes=["lesson-arms"],
            )
            solara.Text(
                f"Measured: {item.decider.label}, after {item.steps} steps.",
                classes=["param-help"],
            )
            _html("div", "<b>1. Your prediction</b>", "lesson-heading")
            locked = state.value is not None
            with solara.Column(gap="2px", classes=["lesson-options"]):
                for opt in item.options:
                    chosen = prediction.value == opt.key
                    solara.Button(
                        ("\u2714 " if chosen else "") + opt.text,
                        on_click=lambda key=opt.key: predict(key),
                        color="primary" if chosen else None,
                        outlined=not chosen,
                        disabled=locked and not chosen,
                        classes=["option-button", f"option-{opt.key}"],
                    )
            _html("div", "<b>2. Run the experiment</b>", "lesson-heading")
            with solara.Row(style={"align-items": "center"}):
                is_running = running.value
                finished = state.value is not None and state.value.finished
                paused = state.value is not None and not finished
                solara.Button(
                    "Pause" if is_running else ("Resume" if paused else "Run"),
                    on_click=(lambda: running.set(False)) if is_running else start,
                    color="success",
                    disabled=prediction.value is None or finished,
                    classes=["lesson-run"],
                )
                if prediction.value is None:
                    solara.Text("Make a prediction first.", classes=["param-help"])
                if finished:
                    solara.Button(
                        "Predict again with new seeds",
                        on_click=again,
                        text=True,
                        classes=["lesson-again"],
                    )
            if note.value:
                solara.Warning(note.value, classes=["lesson-note"])
            _progress(state.value, running.value)

        st = state.value
        if st is not None and st.frames:
            labels = [item.a.label, item.b.label]
            spec = figures.comparison_figure(
                item.measures, st.frames, labels, steps=item.steps, cols=3
            )
            with solara.Column(classes=["lesson-charts"]):
                PlotlyView(spec, key=(id(st.comparison), st.done))
        if st is not None and st.finished and prediction.value is not None:
            fa, fb = st.frames
            RevealCard(item, teaching.reveal(item, prediction.value, fa, fb))


# ---------------------------------------------------------------------------- A/B view
@solara.component
def CompareView():
    """Two scenarios side by side with the same seed; charts overlaid."""
    a = solara.use_reactive("baseline")
    b = solara.use_reactive("trust_off")
    seed_text = solara.use_reactive("42")
    seed_error = solara.use_reactive(None)
    steps = solara.use_reactive(60)
    small_pop = solara.use_reactive(True)
    state = solara.use_reactive(None)
    running = solara.use_reactive(False)
    layouts = solara.use_ref(None)

    def start() -> None:
        seed, err = parse_seed(seed_text.value)
        seed_error.set(err)
        if err:
            return
        if state.value is not None and not state.value.finished and not running.value:
            running.set(True)  # resume the paused run
            return
        comp = teaching.ab_comparison(
            a.value, b.value, seed, int(steps.value), small_population=small_pop.value
        )
        layouts.current = [IncrementalLayout(seed=seed) for _ in comp.arms]
        nets = [
            capture(runs[0], lay) for runs, lay in zip(comp.models, layouts.current, strict=True)
        ]
        state.set(RunState(comp, 0, comp.frames(), nets))
        running.set(True)

    def changed(setter):
        def set_and_clear(v):
            running.set(False)
            state.set(None)
            setter(v)

        return set_and_clear

    def on_seed(text: str | None) -> None:
        seed_text.set(text or "")
        seed_error.set(parse_seed(text)[1])
        running.set(False)
        state.set(None)

    def loop(cancel: threading.Event) -> None:
        run_in_background(state, running, cancel, layouts.current)

    solara.use_thread(loop, dependencies=[running.value], intrusive_cancel=False)

    st = state.value
    with solara.Column(style={"padding": "10px"}, classes=["compare-view"]):
        solara.HTML(
            tag="h2",
            unsafe_innerHTML="A/B comparison: two scenarios, same seed",
            style={"font-weight": "500", "font-size": "1.4rem", "margin": "4px 0"},
        )
        with solara.Row(style={"flex-wrap": "wrap", "align-items": "flex-start"}):
            for name, var, cls in (("Scenario A", a, "ab-a"), ("Scenario B", b, "ab-b")):
                with solara.Column(style={"width": "320px"}, classes=[cls]):
                    solara.Select(
                        label=name,
                        values=list(SCENARIOS),
                        value=var.value,
                        on_value=changed(var.set),
                    )
                    solara.Text(SCENARIO_DESCRIPTIONS.get(var.value, ""), classes=["param-help"])
            with solara.Column(style={"width": "200px"}):
                solara.InputText(
                    "Seed (both sides)",
                    value=seed_text.value,
                    on_value=on_seed,
                    error=seed_error.value or False,
                    message=seed_error.value,
                    classes=["ab-seed"],
                )
            with solara.Column(style={"width": "260px"}):
                solara.Text(f"Steps: {steps.value}", classes=["param-label"])
                solara.SliderInt(
                    "Steps",
                    value=steps.value,
                    min=10,
                    max=300,
                    step=10,
                    on_value=changed(steps.set),
                )
                solara.Switch(
                    label=f"Small population ({teaching.TEACHING_SIZE['n_makers']} makers)",
                    value=small_pop.value,
                    on_value=changed(small_pop.set),
                )
        with solara.Row(style={"align-items": "center"}):
            finished = st is not None and st.finished
            solara.Button(
                "Pause"
                if running.value
                else ("Run A and B" if st is None or finished else "Resume"),
                on_click=(lambda: running.set(False)) if running.value else start,
                color="success",
                disabled=bool(seed_error.value),
                classes=["ab-run"],
            )
            solara.Text(
                "Both sides use the same seed, so they start from the same population and "
                "differ only in their parameters. One seed can mislead: change it and rerun.",
                classes=["param-help"],
            )
        _progress(st, running.value)
        if st is None:
            return
        labels = [name for name, _ in st.comparison.arms]
        if st.networks:
            with solara.Columns([6, 6]):
                for k, snap in enumerate(st.networks):
                    view = figures.network_figure(
                        snap,
                        title=f"{labels[k]} at step {snap.step}: {snap.n_actors} actors, "
                        f"{len(snap.edge_a)} tied pairs",
                    )
                    view.spec["layout"]["height"] = AB_NETWORK_HEIGHT
                    with solara.Column(classes=[f"ab-network-{k}"]):
                        PlotlyView(view.spec, key=(id(st.comparison), st.done, k))
        spec = figures.comparison_figure(
            teaching.AB_MEASURES, st.frames, labels, steps=st.comparison.steps, cols=3
        )
        with solara.Column(classes=["ab-charts"]):
            PlotlyView(spec, key=(id(st.comparison), st.done))
        if st.finished:
            rows = ""
            for m in teaching.AB_MEASURES:
                va = m.value(st.frames[0][0])
                vb = m.value(st.frames[1][0])
                rows += (
                    f"<tr><td>{html.escape(m.label)}</td><td>{teaching._num(va)}</td>"
                    f"<td>{teaching._num(vb)}</td><td>{teaching._num(vb - va)}</td></tr>"
                )
            with solara.Column(classes=["ab-summary"], style={"max-width": "900px"}):
                solara.HTML(
                    tag="table",
                    unsafe_innerHTML=(
                        f"<tr><th>at step {st.done}</th><th>{html.escape(labels[0])}</th>"
                        f"<th>{html.escape(labels[1])}</th><th>B − A</th></tr>" + rows
                    ),
                    classes=["reveal-values"],
                )
