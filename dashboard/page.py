"""The Solara page: controls, network view, inspector, charts, replay, shock and exports.

All model access goes through :class:`dashboard.simulation.Simulation` (the public model API);
figures come from :mod:`dashboard.figures`, the same functions the benchmark times.
"""

from __future__ import annotations

import html
import threading
import time
from typing import Any

import solara
from solara.alias import rv

from abm.kinds import SERVICE_KINDS
from abm.params import Params
from abm.scenarios import SCENARIO_DESCRIPTIONS, SCENARIOS
from dashboard import figures
from dashboard.controls import (
    ROLE_TEXT,
    Control,
    build_params,
    coerce_value,
    grouped_controls,
    parse_seed,
)
from dashboard.plotly_view import PlotlyView
from dashboard.simulation import DEFAULT_MAX_SNAPSHOTS, KINDS, Simulation
from dashboard.teaching_page import TEACHING_CSS, CompareView, TeachingView

DEFAULT_SEED = 42
DEFAULT_SCENARIO = "baseline"
SPEEDS = (1, 2, 5, 10, 20)  # steps per second (at most; a slow step sets the pace)
MIN_FRAME_GAP_S = 0.06  # idle time between frames while running, so clicks get through

CSS = """
.step-counter { font-size: 1.35rem; font-weight: 600; }
.param-help { font-size: 0.78rem; color: #555; margin: 2px 0 12px 0; line-height: 1.25; }
.role-chip { font-size: 0.7rem; padding: 0 6px; border-radius: 8px; margin-left: 4px; }
.role-setup { background: #fde2cf; color: #8a3b00; }
.role-live { background: #d8f0dd; color: #155724; }
.inspector table { border-collapse: collapse; font-size: 0.85rem; width: 100%; }
.inspector td, .inspector th { padding: 2px 6px; border-bottom: 1px solid #eee; text-align: left; }
.param-label { font-size: 0.85rem; color: #333; margin-bottom: -8px; }
.status-line { color: #444; font-size: 0.9rem; }
"""


def _table(rows: list[list[Any]], header: list[str] | None = None) -> str:
    out = ["<table>"]
    if header:
        out.append("<tr>" + "".join(f"<th>{html.escape(str(h))}</th>" for h in header) + "</tr>")
    for r in rows:
        out.append("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in r) + "</tr>")
    out.append("</table>")
    return "".join(out)


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.3g}"
    if isinstance(v, dict):
        return ", ".join(f"{k} {_fmt(x)}" for k, x in v.items())
    try:  # numpy scalars
        return f"{float(v):.3g}" if hasattr(v, "dtype") else str(v)
    except (TypeError, ValueError):
        return str(v)


@solara.component
def ParamControl(control: Control, value: Any, on_change):
    """One parameter's widget, its role chip and help text."""

    def set_value(v):
        on_change(control, v)

    with solara.Column(gap="0px", classes=[f"param-{control.name}"]):
        if control.widget == "switch":
            solara.Switch(label=control.label, value=bool(value), on_value=set_value)
        elif control.widget == "select":
            solara.Select(
                label=control.label,
                values=list(control.choices or ()),
                value=value,
                on_value=set_value,
                dense=True,
            )
        elif control.widget == "slider_int":
            solara.Text(f"{control.label}: {value}", classes=["param-label"])
            solara.SliderInt(
                label="",
                value=int(value),
                min=int(control.min),
                max=int(control.max),
                step=int(control.step or 1),
                on_value=set_value,
            )
        elif control.widget == "slider_float":
            solara.Text(f"{control.label}: {value:g}", classes=["param-label"])
            solara.SliderFloat(
                label="",
                value=float(value),
                min=float(control.min),
                max=float(control.max),
                step=float(control.step or 0.01),
                on_value=set_value,
            )
        elif control.widget == "int":
            solara.InputInt(label=control.label, value=int(value), on_value=set_value, dense=True)
        else:
            solara.InputFloat(
                label=control.label, value=float(value), on_value=set_value, dense=True
            )
        bounds = f" Range {control.min}–{control.max}." if control.min is not None else ""
        solara.HTML(
            tag="div",
            unsafe_innerHTML=(
                f"<span class='role-chip role-{control.role}'>{control.role}</span> "
                + html.escape(control.help + bounds)
            ),
            classes=["param-help"],
        )


@solara.component
def Controls(
    values: dict,
    on_change,
    scenario: str,
    on_scenario,
    seed_text: str,
    on_seed,
    seed_error: str | None,
):
    """Sidebar: scenario, seed and every parameter grouped as in the metadata."""
    solara.Select(
        label="Scenario",
        values=list(SCENARIOS),
        value=scenario if scenario in SCENARIOS else None,
        on_value=on_scenario,
    )
    if scenario in SCENARIO_DESCRIPTIONS:
        solara.Text(SCENARIO_DESCRIPTIONS[scenario], classes=["param-help"])
    elif scenario:
        solara.Text(scenario, classes=["param-help"])
    solara.InputText(
        label="Seed (whole number)",
        value=seed_text,
        on_value=on_seed,
        error=seed_error or False,
        message=seed_error,
        classes=["seed-input"],
    )
    solara.HTML(
        tag="div",
        unsafe_innerHTML=(
            "<span class='role-chip role-setup'>setup</span> "
            + html.escape(ROLE_TEXT["setup"])
            + "<br><span class='role-chip role-live'>live</span> "
            + html.escape(ROLE_TEXT["live"])
        ),
        classes=["param-help"],
    )
    for group, controls in grouped_controls().items():
        n_setup = sum(c.role == "setup" for c in controls)
        summary = f"{group} ({len(controls)}{', ' + str(n_setup) + ' setup' if n_setup else ''})"
        ParamGroup(summary, controls, values, on_change, expand=(group == "Population"))


@solara.component
def ParamGroup(summary: str, controls: list, values: dict, on_change, expand: bool = False):
    """A collapsible group whose controls exist only while it is open.

    Keeping closed groups empty keeps the page's widget count small, which keeps every frame's
    reconciliation cheap while the model runs.
    """
    is_open, set_open = solara.use_state(expand)
    with (
        rv.ExpansionPanels(
            v_model=0 if is_open else None,
            on_v_model=lambda v: set_open(v == 0),
            class_=f"param-group group-{summary.split(' (')[0].lower().replace(' ', '-')}",
        ),
        rv.ExpansionPanel(),
    ):
        rv.ExpansionPanelHeader(children=[summary])
        with rv.ExpansionPanelContent():
            if is_open:
                for c in controls:
                    ParamControl(c, values[c.name], on_change)


@solara.component
def Inspector(sim: Simulation, snap, uid: int | None, is_live: bool, on_close):
    """State of the selected actor and its partners with trust in both directions."""
    with solara.Card("Inspector", classes=["inspector"]):
        if uid is None:
            solara.Text("Click an actor in the network (or type its id) to inspect it.")
            return
        row = snap.actor_row(uid)
        live = sim.describe(uid) if is_live else None
        if row is None and live is None:
            solara.Warning(f"Actor #{uid} does not exist at step {snap.step}.")
            solara.Button("Close", on_click=on_close, text=True)
            return
        state = dict(row or {})
        if live:
            state.update(live)
        kind = state.get("kind", "?")
        solara.HTML(
            tag="div",
            unsafe_innerHTML=f"<b>{html.escape(str(kind))} #{uid}</b> at step {snap.step}"
            + ("" if is_live else " (replay: stored snapshot)"),
            classes=["inspector-title"],
        )
        main_keys = [
            "region",
            "stage",
            "wealth",
            "resources",
            "capability",
            "maker_spirit",
            "partners",
        ]
        more_keys = [k for k in state if k not in main_keys and k not in ("id", "kind")]
        solara.HTML(
            tag="div",
            unsafe_innerHTML=_table([[k, _fmt(state[k])] for k in main_keys if k in state]),
        )
        partners = snap.partners(uid)
        solara.Text(f"Partners ({len(partners)}): trust out = its trust in them, in = theirs in it")
        top = partners.head(12)
        solara.HTML(
            tag="div",
            unsafe_innerHTML=_table(
                [
                    [
                        f"#{r.partner}",
                        r.kind,
                        _fmt(r.trust_out),
                        _fmt(r.trust_in),
                        r.projects,
                        r.origin,
                    ]
                    for r in top.itertuples()
                ],
                header=["partner", "kind", "trust out", "trust in", "projects", "origin"],
            ),
            classes=["partners-table"],
        )
        if len(partners) > len(top):
            solara.Text(f"… and {len(partners) - len(top)} more", classes=["param-help"])
        if more_keys:
            with solara.Details(summary="More state"):
                solara.HTML(
                    tag="div",
                    unsafe_innerHTML=_table([[k, _fmt(state[k])] for k in more_keys]),
                )
        solara.Button("Close inspector", on_click=on_close, text=True)


@solara.component
def Toolbar(playing: bool, speed: int, shock: float, close_kind: str, actions: dict):
    """Two rows: Step, Run/Pause, Reset and speed; then the shocks (a trust scandal of a chosen
    size, the closure of a service institution of a chosen kind)."""
    row = {"align-items": "center", "flex-wrap": "wrap"}
    with solara.Column(gap="0px"):
        with solara.Row(gap="10px", style=row):
            solara.Button(
                "Step",
                on_click=actions["step"],
                color="primary",
                disabled=playing,
                classes=["step-button"],
            )
            solara.Button(
                "Pause" if playing else "Run",
                on_click=actions["toggle_run"],
                color="warning" if playing else "success",
                classes=["run-button"],
            )
            solara.Button("Reset", on_click=actions["reset"], classes=["reset-button"])
            with solara.Column(style={"width": "300px"}):
                solara.SliderInt(
                    "Speed (steps/s)",
                    value=speed,
                    min=1,
                    max=SPEEDS[-1],
                    on_value=actions["speed"],
                )
        with solara.Row(gap="10px", style=row):
            with solara.Column(style={"width": "240px"}):
                solara.SliderFloat(
                    "Shock size",
                    value=shock,
                    min=0.05,
                    max=0.9,
                    step=0.05,
                    on_value=actions["shock_size"],
                )
            solara.Button(
                "Trust shock",
                on_click=actions["shock"],
                color="error",
                outlined=True,
                classes=["shock-button"],
            )
            with solara.Column(style={"width": "130px"}):
                solara.Select(
                    "Institution kind",
                    value=close_kind,
                    values=list(SERVICE_KINDS),
                    on_value=actions["close_kind"],
                )
            solara.Button(
                "Close one",
                on_click=actions["close"],
                color="error",
                outlined=True,
                classes=["close-institution-button"],
            )


@solara.component
def ViewOptions(size_by: str, set_size_by, actions: dict):
    """Node size toggle and the explicit re-layout button."""
    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
        solara.ToggleButtonsSingle(value=size_by, values=["degree", "wealth"], on_value=set_size_by)
        solara.Text("node size", classes=["param-help"])
        solara.Button("Tidy layout", on_click=actions["tidy"], text=True, classes=["tidy-button"])


@solara.component
def Filters(kinds: list, min_trust: float, selected: int | None, setters: dict):
    """Which kinds and ties are shown; an actor id to inspect."""
    with solara.Card("Filters"):
        solara.SelectMultiple(
            "Kinds shown",
            values=kinds,
            all_values=list(KINDS),
            on_value=setters["kinds"],
            dense=True,
        )
        solara.SliderFloat(
            "Minimum trust of ties shown",
            value=min_trust,
            min=0.0,
            max=1.0,
            step=0.05,
            on_value=setters["min_trust"],
        )
        solara.InputInt(
            "Inspect actor id",
            value=selected if selected is not None else 0,
            on_value=setters["selected"],
            dense=True,
            classes=["inspect-input"],
        )


@solara.component
def Exports(sim: Simulation, state: dict):
    """PNG of the network view and charts, CSV of the reporters (built when clicked)."""

    def snap():
        replay = state["replay"].value
        return sim.snapshot_at(-1 if replay is None else replay)

    def network_png():
        return figures.network_png(
            snap(),
            kinds=state["kinds"].value,
            min_trust=state["min_trust"].value,
            size_by=state["size_by"].value,
        )

    with solara.Card("Export"):
        with solara.Row(style={"flex-wrap": "wrap"}):
            solara.FileDownload(
                network_png,
                filename="network.png",
                label="Network view (PNG)",
                mime_type="image/png",
            )
            solara.FileDownload(
                lambda: figures.charts_png(sim.reporters(), snap()),
                filename="charts.png",
                label="Charts (PNG)",
                mime_type="image/png",
            )
            solara.FileDownload(
                lambda: figures.reporters_csv(sim.reporters_until(snap())),
                filename="reporters.csv",
                label="Reporters (CSV)",
                mime_type="text/csv",
            )
        solara.Text(
            "Each chart also has a camera button (top right) to save it as PNG. Files are "
            "built for the step shown when you click.",
            classes=["param-help"],
        )


@solara.component
def Explorer():
    """Explore mode: one model with every control, the network view, charts and replay."""
    base = SCENARIOS[DEFAULT_SCENARIO]
    sim: Simulation = solara.use_memo(
        lambda: Simulation(base, DEFAULT_SEED, max_snapshots=DEFAULT_MAX_SNAPSHOTS), []
    )
    revision = solara.use_reactive(sim.revision)
    values = solara.use_reactive(base.to_dict())
    scenario = solara.use_reactive(DEFAULT_SCENARIO)
    seed_text = solara.use_reactive(str(DEFAULT_SEED))
    seed_error = solara.use_reactive(None)
    message = solara.use_reactive(("info", "Press Step or Run to watch the trust network form."))
    playing = solara.use_reactive(False)
    speed = solara.use_reactive(5)
    replay = solara.use_reactive(None)  # index into the snapshot ring, None = live
    selected = solara.use_reactive(None)
    kinds = solara.use_reactive(list(KINDS))
    min_trust = solara.use_reactive(0.0)
    size_by = solara.use_reactive("degree")
    shock = solara.use_reactive(0.3)
    close_kind = solara.use_reactive("transfer")

    def refresh():
        revision.set(sim.revision)

    # ------------------------------------------------------------------ actions
    def do_step():
        """One step (the Step button and each frame of Run). An info message (the start hint,
        "rebuilt at step 0", …) described the state before it and goes; warnings and errors
        stay until replaced."""
        replay.set(None)
        sim.step()
        refresh()
        if message.value[0] == "info" and message.value[1]:
            message.set(("info", ""))

    def do_reset(params: Params | None = None, seed: int | None = None, why: str = "") -> None:
        playing.set(False)
        replay.set(None)
        selected.set(None)
        sim.reset(params, seed)
        refresh()
        message.set(("info", f"Model rebuilt at step 0 (seed {sim.seed}){why}."))

    def on_reset_click():
        params, err = build_params(values.value)
        if err:
            message.set(("error", err))
            return
        seed, serr = parse_seed(seed_text.value)
        if serr:
            seed_error.set(serr)
            message.set(("error", serr))
            return
        do_reset(params, seed)

    def on_param(control: Control, raw: Any) -> None:
        value = coerce_value(control, raw)
        if values.value.get(control.name) == value:
            return
        new_values = {**values.value, control.name: value}
        params, err = build_params(new_values)
        if err:
            message.set(("error", f"{control.label}: not applied. {err}"))
            return
        values.set(new_values)
        if not scenario.value.endswith("(modified)"):
            scenario.set(f"{scenario.value} (modified)")
        if control.role == "setup":
            do_reset(params, None, f": setup parameter '{control.label}' changed")
        else:
            try:
                sim.set_live(**{control.name: value})
            except ValueError as exc:
                message.set(("error", str(exc)))
                return
            refresh()
            message.set(
                (
                    "info",
                    f"Live parameter '{control.label}' = {value} applies from step "
                    f"{sim.steps + 1}.",
                )
            )

    def on_scenario(name: str | None) -> None:
        if not name or name not in SCENARIOS:
            return
        scenario.set(name)
        values.set(SCENARIOS[name].to_dict())
        do_reset(SCENARIOS[name], None, f": scenario '{name}'")

    def on_seed(text: str | None) -> None:
        seed_text.set(text or "")
        seed, err = parse_seed(text)
        if err:
            seed_error.set(err)
            message.set(("error", err))
            return
        seed_error.set(None)
        params, perr = build_params(values.value)
        if perr:
            message.set(("error", perr))
            return
        do_reset(params, seed, "")

    def do_shock():
        sim.trust_shock(float(shock.value))
        replay.set(None)
        refresh()
        message.set(
            (
                "warning",
                f"Trust shock at step {sim.steps}: every tie lost about "
                f"{shock.value:.2f} trust. Run on to see recovery or collapse.",
            )
        )

    def do_close():
        kind = close_kind.value
        uid = sim.close_institution(kind)
        replay.set(None)
        refresh()
        if uid is None:
            message.set(("info", f"No {kind} institution is left to close."))
        else:
            message.set(
                (
                    "warning",
                    f"{kind} institution #{uid} closed at step {sim.steps}, with all its ties. "
                    "Run on to see how the network copes without it.",
                )
            )

    def do_tidy():
        sim.tidy_layout()
        refresh()

    # The handlers only read reactive variables and `sim` (stable objects), so the first
    # render's versions stay valid; passing the same function objects lets reacton skip
    # re-rendering the ~90 parameter controls on every frame (their arguments are unchanged).
    stable_on_param = solara.use_memo(lambda: on_param, [])
    stable_on_scenario = solara.use_memo(lambda: on_scenario, [])
    stable_on_seed = solara.use_memo(lambda: on_seed, [])

    # ------------------------------------------------------------------ run loop
    def run_loop(cancel: threading.Event):
        if not playing.value:
            return
        while not cancel.is_set():
            t0 = time.perf_counter()
            try:
                do_step()
            except Exception as exc:  # show the error, stop running
                playing.set(False)
                message.set(("error", f"Step failed: {exc}"))
                return
            if not getattr(sim.model, "running", True):
                playing.set(False)
                return
            # Always pause a little: button clicks (Pause!) are handled by another thread that
            # needs the render lock this loop takes on every frame.
            wait = max(1.0 / speed.value - (time.perf_counter() - t0), MIN_FRAME_GAP_S)
            if cancel.wait(wait):
                return

    solara.use_thread(run_loop, dependencies=[playing.value], intrusive_cancel=False)

    # ------------------------------------------------------------------ views
    n_snaps = len(sim.snapshots)
    index = replay.value if replay.value is not None and replay.value < n_snaps else n_snaps - 1
    is_live = index == n_snaps - 1
    snap = sim.snapshot_at(index)
    kinds_key = tuple(kinds.value)

    def make_network():
        t0 = time.perf_counter()
        view = figures.network_figure(
            snap,
            kinds=kinds.value,
            min_trust=min_trust.value,
            size_by=size_by.value,
            selected=selected.value,
        )
        sim.timing.extra["network_figure"] = time.perf_counter() - t0
        return view

    net_key = (revision.value, index, kinds_key, min_trust.value, size_by.value, selected.value)
    view = solara.use_memo(make_network, net_key)

    def make_charts():
        t0 = time.perf_counter()
        fig = figures.charts_figure(sim.reporters(), snap, x_max=sim.steps)
        sim.timing.extra["charts_figure"] = time.perf_counter() - t0
        return fig

    charts_key = (revision.value, index)
    charts = solara.use_memo(make_charts, charts_key)

    def on_click(data):
        pts = (data or {}).get("points") or {}
        traces, points = pts.get("trace_indexes") or [], pts.get("point_indexes") or []
        if traces and points:
            uid = view.uid_at(traces[0], points[0])
            if uid is not None:
                selected.set(uid)

    # Stable callbacks and state holders: child components whose arguments do not change are
    # not re-rendered on each frame (reacton compares arguments), which keeps frames cheap.
    def make_actions():
        return {
            "step": do_step,
            "toggle_run": lambda: playing.set(not playing.value),
            "reset": on_reset_click,
            "shock": do_shock,
            "tidy": do_tidy,
            "speed": speed.set,
            "shock_size": shock.set,
            "close": do_close,
            "close_kind": close_kind.set,
            "close_inspector": lambda: selected.set(None),
        }

    actions = solara.use_memo(make_actions, [])
    filters_setters = solara.use_memo(
        lambda: {
            "kinds": kinds.set,
            "min_trust": min_trust.set,
            "selected": lambda v: selected.set(v if v else None),
        },
        [],
    )
    export_state = solara.use_memo(
        lambda: {"replay": replay, "kinds": kinds, "min_trust": min_trust, "size_by": size_by}, []
    )

    # ------------------------------------------------------------------ layout
    # One `with` per container mirrors the page's structure.
    with solara.Row(
        gap="0px", style={"align-items": "flex-start", "width": "100%", "flex-wrap": "nowrap"}
    ):
        with solara.Column(
            classes=["controls-panel"],
            style={
                "width": "340px",
                "flex": "0 0 340px",
                "padding": "10px",
                "height": "100vh",
                "overflow-y": "auto",
                "border-right": "1px solid #ddd",
                "position": "sticky",
                "top": "0",
            },
        ):
            Controls(
                values.value,
                stable_on_param,
                scenario.value,
                stable_on_scenario,
                seed_text.value,
                stable_on_seed,
                seed_error.value,
            )

        with solara.Column(style={"padding": "8px", "flex": "1 1 0", "min-width": "0"}):
            solara.HTML(
                tag="h2",
                unsafe_innerHTML="Collaborative innovation: watch a trust network emerge",
                style={"font-weight": "500", "margin": "4px 0 8px 4px", "font-size": "1.4rem"},
            )
            with solara.Card():
                with solara.Row(gap="10px", style={"align-items": "center", "flex-wrap": "wrap"}):
                    solara.Text(f"Step {snap.step}", classes=["step-counter"])
                    Toolbar(playing.value, speed.value, shock.value, close_kind.value, actions)
                t = sim.timing
                extra = t.extra
                draw = extra.get("network_figure", 0.0) + extra.get("charts_figure", 0.0)
                solara.Text(
                    f"{snap.n_actors} actors · {len(snap.edge_a)} tied pairs · model step "
                    f"{1000 * t.step:.0f} ms · snapshot {1000 * t.snapshot:.0f} ms · figures "
                    f"{1000 * draw:.0f} ms · {len(sim.snapshots)} snapshots kept "
                    f"({sim.memory_bytes() / 2**20:.1f} MB, max {sim.max_snapshots})",
                    classes=["status-line"],
                )
                kind, text = message.value
                if text:
                    {"error": solara.Error, "warning": solara.Warning}.get(kind, solara.Info)(
                        text, dense=True, classes=["page-message"]
                    )

            with solara.Columns([8, 4]):
                with solara.Column(classes=["network-view"]):
                    PlotlyView(view.spec, on_click=on_click, key=net_key)
                    ViewOptions(size_by.value, size_by.set, actions)
                with solara.Column():
                    Filters(kinds.value, min_trust.value, selected.value, filters_setters)
                    Inspector(sim, snap, selected.value, is_live, actions["close_inspector"])

            with solara.Card("Replay"):
                solara.SliderInt(
                    f"Showing step {snap.step}" + (" (live)" if is_live else " (replay)"),
                    value=index,
                    min=0,
                    max=max(n_snaps - 1, 0),
                    on_value=lambda i: replay.set(None if i >= len(sim.snapshots) - 1 else i),
                    disabled=playing.value,
                )
                oldest = sim.snapshots[0].step
                solara.Text(
                    f"Stored steps {oldest}–{sim.steps}; network and charts show the chosen "
                    "step from stored snapshots (nothing is re-run).",
                    classes=["param-help"],
                )
                if not is_live:
                    solara.Button("Back to live", on_click=lambda: replay.set(None), text=True)

            with solara.Column(classes=["charts-view"]):
                PlotlyView(charts, key=charts_key)

            Exports(sim, export_state)


MODES: tuple[tuple[str, str], ...] = (
    ("explore", "Explore"),
    ("teaching", "Teaching: guided scenarios"),
    ("compare", "A/B comparison"),
)


@solara.component
def Page():
    """The app: a mode bar over Explore, Teaching and A/B views (one shown at a time)."""
    solara.Title("Collaborative innovation: trust networks")
    solara.Style(CSS + TEACHING_CSS)
    mode = solara.use_reactive("explore")
    with solara.Row(
        gap="6px",
        classes=["mode-bar"],
        style={"padding": "6px 10px", "border-bottom": "1px solid #ddd", "align-items": "center"},
    ):
        for key, label in MODES:
            solara.Button(
                label,
                on_click=lambda key=key: mode.set(key),
                color="primary" if mode.value == key else None,
                text=mode.value != key,
                classes=["mode-button", f"mode-{key}"],
            )
    if mode.value == "teaching":
        TeachingView()
    elif mode.value == "compare":
        CompareView()
    else:
        Explorer()
