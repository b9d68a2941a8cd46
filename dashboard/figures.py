"""Figures of the dashboard, built from a :class:`~dashboard.simulation.Snapshot` and reporters.

Pure functions (no Solara), so the page, the exports and ``benchmarks/bench_dashboard.py`` all
use the same code. Figures are built as plain dicts and wrapped in ``plotly.graph_objects.Figure``
once; ties are drawn as a few line traces (one per origin × trust band) with gaps between segments,
so the cost grows with the number of ties drawn, not with the number of traces.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from abm.rules.coupling import GRADES, grade_bounds
from dashboard.simulation import KINDS, ORIGINS, STAGES, Snapshot, rows_until

# Okabe–Ito colour-blind-safe palette, one colour per kind.
KIND_COLORS: dict[str, str] = {
    "maker": "#E69F00",
    "university": "#0072B2",
    "enterprise": "#009E73",
    "finance": "#CC79A7",
    "transfer": "#D55E00",
    "advisory": "#56B4E9",
    "sharing": "#8C6D31",
}
KIND_LABELS: dict[str, str] = {
    "maker": "maker teams",
    "university": "universities",
    "enterprise": "enterprises",
    "finance": "finance",
    "transfer": "transfer / brokers",
    "advisory": "advisory",
    "sharing": "sharing platforms",
}
# Tie style by origin: solid grey for direct ties, dashed vermillion for brokered introductions,
# dotted purple for platform ties.
ORIGIN_STYLE: dict[str, dict[str, str]] = {
    "direct": {"color": "#5f6b7a", "dash": "solid"},
    "brokered": {"color": "#D55E00", "dash": "dash"},
    "platform": {"color": "#7B3294", "dash": "dot"},
    "spinoff": {"color": "#009E73", "dash": "dashdot"},
}
# The same dash patterns in matplotlib's notation (the PNG export's tie lines and legend).
MPL_LINESTYLE: dict[str, str] = {"solid": "-", "dash": "--", "dot": ":", "dashdot": "-."}
# Trust bands: (lower bound, line width, opacity).
TRUST_BANDS: tuple[tuple[float, float, float], ...] = (
    (0.0, 0.5, 0.18),
    (0.4, 0.9, 0.30),
    (0.6, 1.6, 0.50),
    (0.8, 2.6, 0.80),
)
DEFAULT_MAX_EDGES = 4000
NETWORK_HEIGHT = 560
CHARTS_HEIGHT = 1000
AXIS_RANGE = 1.22
#: Plotly (d3) format of numbers on hover: 4 significant digits in plain decimal notation,
#: trailing zeros trimmed ("2,898", "0.5"); ".3g" switched to exponent notation ("2.90e+3").
HOVER_NUMBER = ",.4~r"


def as_figure(spec: dict[str, Any]) -> go.Figure:
    """A validated ``plotly.graph_objects.Figure`` from a figure spec (for export or checks)."""
    return go.Figure(data=spec["data"], layout=spec["layout"], skip_invalid=False)


@dataclass
class NetworkView:
    """A network figure spec (``{"data": [...], "layout": {...}}``) and what its points are."""

    spec: dict[str, Any]
    trace_uids: dict[int, np.ndarray] = field(default_factory=dict)  # trace index → uids
    n_pairs: int = 0
    n_pairs_drawn: int = 0

    def uid_at(self, trace_index: int, point_index: int) -> int | None:
        uids = self.trace_uids.get(int(trace_index))
        if uids is None or not 0 <= int(point_index) < len(uids):
            return None
        return int(uids[int(point_index)])


def node_sizes(snap: Snapshot, size_by: str) -> np.ndarray:
    """Marker sizes (px) by number of partners or by wealth."""
    if size_by == "wealth":
        w = np.sqrt(np.clip(snap.wealth.astype(float), 0.0, None))
        top = float(w.max()) if len(w) else 0.0
        return 6.0 + 22.0 * (w / top if top > 0 else w)
    d = np.sqrt(snap.degree.astype(float))
    top = float(d.max()) if len(d) else 0.0
    return 6.0 + 18.0 * (d / top if top > 0 else d)


def hover_texts(snap: Snapshot, idx: np.ndarray) -> list[str]:
    """One hover label per actor (state at the snapshot's step)."""
    out = []
    for i in idx.tolist():
        kind = KINDS[snap.kind[i]] if snap.kind[i] >= 0 else "?"
        parts = [f"<b>{kind} #{int(snap.uids[i])}</b>"]
        if snap.stage[i] >= 0:
            parts.append(f"stage: {STAGES[snap.stage[i]]}")
        parts.append(f"wealth: {snap.wealth[i]:.1f}")
        parts.append(f"capability: {snap.capability[i]:.2f}")
        if not math.isnan(snap.spirit[i]):
            parts.append(f"maker spirit: {snap.spirit[i]:.2f}")
        parts.append(f"partners: {int(snap.degree[i])}")
        parts.append("click to inspect")
        out.append("<br>".join(parts))
    return out


def _segments(xa: np.ndarray, ya: np.ndarray, xb: np.ndarray, yb: np.ndarray):
    n = len(xa)
    xs = np.empty(3 * n)
    ys = np.empty(3 * n)
    xs[0::3], xs[1::3], xs[2::3] = xa, xb, np.nan
    ys[0::3], ys[1::3], ys[2::3] = ya, yb, np.nan
    return xs, ys


def network_figure(
    snap: Snapshot,
    *,
    kinds: Iterable[str] | None = None,
    min_trust: float = 0.0,
    size_by: str = "degree",
    selected: int | None = None,
    max_edges: int = DEFAULT_MAX_EDGES,
    title: str | None = None,
) -> NetworkView:
    """The trust network at one snapshot.

    Args:
        snap: the snapshot to draw.
        kinds: kinds to show (all if None); ties need both ends visible.
        min_trust: hide ties whose mean trust (over existing directions) is below this.
        size_by: "degree" (number of partners) or "wealth".
        selected: uid highlighted with a ring and its ties in black.
        max_edges: draw at most this many ties (the most trusted first) to keep frames fast.
        title: figure title (a default names the step and counts).
    """
    visible = set(KINDS if kinds is None else kinds)
    node_ok = _shown_actors(snap, visible)
    pos_of = {int(u): i for i, u in enumerate(snap.uids.tolist())}

    traces: list[dict[str, Any]] = []
    trace_uids: dict[int, np.ndarray] = {}

    # ---- ties: always the same traces (one per origin × trust band, possibly empty), so the
    # page can update the widget in place from frame to frame.
    n_pairs = len(snap.edge_a)
    ia, ib, sel, n_visible = _ties_to_draw(snap, node_ok, min_trust, max_edges)
    drawn = len(sel)
    xy = snap.xy.astype(float)
    edge_xy: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = {}
    selected_xy = (np.zeros(0), np.zeros(0))
    if n_pairs:
        trust = snap.pair_trust
        for o in range(len(ORIGINS)):
            for b, (lo, _, _) in enumerate(TRUST_BANDS):
                hi = TRUST_BANDS[b + 1][0] if b + 1 < len(TRUST_BANDS) else 1.01
                m = sel[(snap.origin[sel] == o) & (trust[sel] >= lo) & (trust[sel] < hi)]
                if len(m):
                    edge_xy[(o, b)] = _segments(
                        xy[ia[m], 0], xy[ia[m], 1], xy[ib[m], 0], xy[ib[m], 1]
                    )
        if selected is not None and selected in pos_of:
            m = np.flatnonzero((snap.edge_a == selected) | (snap.edge_b == selected))
            if len(m):
                selected_xy = _segments(xy[ia[m], 0], xy[ia[m], 1], xy[ib[m], 0], xy[ib[m], 1])
    empty = (np.zeros(0), np.zeros(0))
    for o, origin in enumerate(ORIGINS):
        style = ORIGIN_STYLE[origin]
        for b, (_, width, opacity) in enumerate(TRUST_BANDS):
            xs, ys = edge_xy.get((o, b), empty)
            traces.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "x": xs,
                    "y": ys,
                    "line": {"color": style["color"], "width": width, "dash": style["dash"]},
                    "opacity": opacity,
                    "hoverinfo": "skip",
                    "name": f"{origin} ties",
                    "legendgroup": f"ties-{origin}",
                    "showlegend": False,
                }
            )
        # Legend entry: a one-point line far outside the view (empty traces get no legend).
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": [9.0, 9.5],
                "y": [9.0, 9.0],
                "line": {"color": style["color"], "width": 2, "dash": style["dash"]},
                "hoverinfo": "skip",
                "name": f"{origin} ties",
                "legendgroup": f"ties-{origin}",
                "showlegend": True,
            }
        )
    traces.append(
        {
            "type": "scatter",
            "mode": "lines",
            "x": selected_xy[0],
            "y": selected_xy[1],
            "line": {"color": "#111111", "width": 1.5},
            "opacity": 0.9,
            "hoverinfo": "skip",
            "name": "selected actor's ties",
            "showlegend": False,
        }
    )

    # ---- actors, one trace per kind (legend)
    sizes = node_sizes(snap, size_by)
    for k, kind in enumerate(KINDS):
        if kind not in visible:
            continue
        idx = np.flatnonzero(snap.kind == k)
        trace_uids[len(traces)] = snap.uids[idx]
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": snap.xy[idx, 0].astype(float),
                "y": snap.xy[idx, 1].astype(float),
                "marker": {
                    "color": KIND_COLORS[kind],
                    "size": sizes[idx],
                    "line": {"color": "white", "width": 0.6},
                    "opacity": 0.95,
                },
                "hovertext": hover_texts(snap, idx),
                "hoverinfo": "text",
                "name": f"{KIND_LABELS[kind]} ({len(idx)})",
                "legendgroup": kind,
            }
        )
    ring_x: list[float] = []
    ring_y: list[float] = []
    ring_size = 10.0
    if selected is not None and selected in pos_of:
        i = pos_of[selected]
        ring_x, ring_y = [float(snap.xy[i, 0])], [float(snap.xy[i, 1])]
        ring_size = float(sizes[i]) + 10
    traces.append(
        {
            "type": "scatter",
            "mode": "markers",
            "x": ring_x,
            "y": ring_y,
            "marker": {
                "symbol": "circle-open",
                "size": ring_size,
                "color": "#111111",
                "line": {"width": 3},
            },
            "hoverinfo": "skip",
            "name": "selected actor",
            "showlegend": False,
        }
    )

    if title is None:
        if drawn < n_visible:  # the cap on ties drawn applied
            shown = f" (strongest {drawn} of {n_visible} shown)"
        elif n_visible < n_pairs:  # the kind and trust filters hid some
            shown = f" ({n_visible} shown by the filters)"
        else:
            shown = ""
        title = (
            f"Trust network at step {snap.step}: {snap.n_actors} actors, "
            f"{n_pairs} tied pairs{shown}"
        )
    axis = {
        "visible": False,
        "range": [-AXIS_RANGE, AXIS_RANGE],
        "fixedrange": False,
        "zeroline": False,
    }
    layout = {
        "title": {"text": title, "x": 0.01, "font": {"size": 15}},
        "height": NETWORK_HEIGHT,
        "margin": {"l": 8, "r": 8, "t": 40, "b": 70},
        "xaxis": axis,
        "yaxis": {**axis, "scaleanchor": "x", "scaleratio": 1},
        "showlegend": True,
        "legend": {
            "orientation": "h",
            "y": -0.01,
            "yanchor": "top",
            "x": 0.0,
            "font": {"size": 12},
        },
        "hovermode": "closest",
        "clickmode": "event",
        "plot_bgcolor": "white",
        "paper_bgcolor": "white",
        "uirevision": "network",  # keep the user's zoom across frames
    }
    spec = {"data": traces, "layout": layout}
    return NetworkView(spec=spec, trace_uids=trace_uids, n_pairs=n_pairs, n_pairs_drawn=drawn)


# ---------------------------------------------------------------------------- charts
PANELS: tuple[str, ...] = (
    "Projects per step and success rate",
    "Mean trust and contract strictness",
    "Giant component share and clustering",
    "Cumulative returns by kind",
    "Maker teams alive by stage",
    "Coupling coordination D (grade bands)",
    "Collaboration between kinds (ties)",
    "Trust distribution (tied pairs)",
)
_ROWS, _COLS = 4, 2
_HGAP, _VGAP = 0.13, 0.095
STAGE_COLORS = ("#fde0c5", "#facba6", "#f59e72", "#e8743b", "#b5452a")
SERIES_COLORS = ("#0072B2", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#E69F00", "#8C6D31")
GRADE_FILL = (
    "#d7301f",
    "#ef6548",
    "#fc8d59",
    "#fdbb84",
    "#fdd49e",
    "#d9f0a3",
    "#addd8e",
    "#78c679",
    "#41ab5d",
    "#238443",
)


def _domains(panel: int) -> tuple[list[float], list[float]]:
    r, c = divmod(panel, _COLS)
    w = (1.0 - _HGAP * (_COLS - 1)) / _COLS
    h = (1.0 - _VGAP * (_ROWS - 1)) / _ROWS
    x0 = c * (w + _HGAP)
    y1 = 1.0 - r * (h + _VGAP)
    clamp = lambda v: min(max(round(v, 6), 0.0), 1.0)  # noqa: E731
    return [clamp(x0), clamp(x0 + w)], [clamp(y1 - h), clamp(y1)]


def _axis_names(panel: int) -> tuple[str, str, str, str]:
    n = panel + 1
    suffix = "" if n == 1 else str(n)
    return f"xaxis{suffix}", f"yaxis{suffix}", f"x{suffix}", f"y{suffix}"


def _col(df: pd.DataFrame, name: str) -> np.ndarray | None:
    if name not in df.columns:
        return None
    return pd.to_numeric(df[name], errors="coerce").to_numpy(dtype=float)


def current_grade(d: float) -> str:
    """Grade band name of a coordination degree (clamped to [0, 1])."""
    d = min(max(float(d), 0.0), 1.0)
    for g in GRADES:
        lo, hi = grade_bounds(g)
        if lo <= d < hi:
            return g
    return GRADES[-1]


def charts_figure(
    reporters: pd.DataFrame,
    snap: Snapshot,
    *,
    x_max: int | None = None,
) -> dict[str, Any]:
    """Time series up to the snapshot's step, the collaboration heat map and trust histogram.

    Args:
        reporters: the model's reporters (one row per step, row 0 the initial state); rows after
            the snapshot's step are not drawn (replay).
        snap: the snapshot shown (its step is marked on every time axis).
        x_max: right end of the time axes (the latest step run), so replay keeps the scale.
    """
    df = rows_until(reporters, snap)
    steps = (
        df.index.to_numpy(dtype=float)
        if df.index.dtype.kind in "iu"
        else np.arange(len(df), dtype=float)
    )
    x_max = max(int(x_max if x_max is not None else snap.step), 1)
    traces: list[dict[str, Any]] = []
    layout: dict[str, Any] = {
        "height": CHARTS_HEIGHT,
        "margin": {"l": 55, "r": 30, "t": 50, "b": 40},
        "showlegend": False,
        "hovermode": "x unified",
        "plot_bgcolor": "white",
        "paper_bgcolor": "white",
        "annotations": [],
        "shapes": [],
        "uirevision": "charts",
        "font": {"size": 11},
    }

    def panel_axes(panel: int, *, time_axis: bool = True, y_title: str = "", y_range=None):
        xname, yname, xref, yref = _axis_names(panel)
        xdom, ydom = _domains(panel)
        layout[xname] = {
            "domain": xdom,
            "anchor": yref,
            "showgrid": True,
            "gridcolor": "#eeeeee",
            "zeroline": False,
        }
        if time_axis:
            layout[xname].update({"range": [0, x_max], "title": {"text": "step", "standoff": 2}})
        layout[yname] = {
            "domain": ydom,
            "anchor": xref,
            "showgrid": True,
            "gridcolor": "#eeeeee",
            "zeroline": False,
            "title": {"text": y_title},
        }
        if y_range is not None:
            layout[yname]["range"] = y_range
        layout["annotations"].append(
            {
                "text": f"<b>{PANELS[panel]}</b>",
                "xref": "paper",
                "yref": "paper",
                "x": xdom[0],
                "y": ydom[1] + 0.024,
                "xanchor": "left",
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": 13},
            }
        )
        if time_axis:
            layout["shapes"].append(
                {
                    "type": "line",
                    "xref": xref,
                    "yref": f"{yref} domain",
                    "x0": snap.step,
                    "x1": snap.step,
                    "y0": 0,
                    "y1": 1,
                    "line": {"color": "#999999", "width": 1, "dash": "dot"},
                }
            )
        return xref, yref

    def line(xref, yref, name, col, color, *, legend_text=True, **extra):
        y = _col(df, col)
        if y is None:
            return
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": steps,
                "y": y,
                "name": name,
                "xaxis": xref,
                "yaxis": yref,
                "line": {"color": color, "width": 2},
                "hovertemplate": f"{name}: %{{y:{HOVER_NUMBER}}}<extra></extra>",
                **extra,
            }
        )

    def legend(panel: int, items: list[tuple[str, str]]):
        xdom, ydom = _domains(panel)
        text = "   ".join(f"<span style='color:{c}'>━</span> {n}" for n, c in items)
        layout["annotations"].append(
            {
                "text": text,
                "xref": "paper",
                "yref": "paper",
                "x": xdom[1],
                "y": ydom[1] + 0.004,
                "xanchor": "right",
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": 10},
            }
        )

    # 1. projects and success rate (right axis)
    x, y = panel_axes(0, y_title="projects")
    line(x, y, "started", "n_projects_started", SERIES_COLORS[0])
    line(x, y, "succeeded", "n_projects_succeeded", SERIES_COLORS[1])
    layout["yaxis9"] = {
        "overlaying": "y",
        "side": "right",
        "range": [0, 1.02],
        "tickmode": "linear",
        "tick0": 0,
        "dtick": 0.25,
        "showgrid": False,
        "title": {"text": "success rate"},
        "anchor": "x",
    }
    line(x, "y9", "success rate", "success_rate", SERIES_COLORS[2], line_dash="dot")
    if traces and "line_dash" in traces[-1]:
        traces[-1]["line"]["dash"] = traces[-1].pop("line_dash")
    legend(
        0,
        [
            ("started", SERIES_COLORS[0]),
            ("succeeded", SERIES_COLORS[1]),
            ("success rate (right)", SERIES_COLORS[2]),
        ],
    )

    # 2. mean trust and contract strictness
    x, y = panel_axes(1, y_range=[0, 1.02])
    line(x, y, "mean trust", "mean_trust", SERIES_COLORS[0])
    line(x, y, "contract strictness", "mean_contract_strictness", SERIES_COLORS[2])
    legend(1, [("mean trust", SERIES_COLORS[0]), ("strictness", SERIES_COLORS[2])])

    # 3. giant component and clustering
    x, y = panel_axes(2, y_range=[0, 1.02])
    line(x, y, "giant component share", "giant_component_share", SERIES_COLORS[0])
    line(x, y, "clustering", "clustering", SERIES_COLORS[1])
    legend(2, [("giant component", SERIES_COLORS[0]), ("clustering", SERIES_COLORS[1])])

    # 4. returns by kind
    x, y = panel_axes(3, y_title="money")
    items = []
    for kind in KINDS:
        col = f"cum_returns_{kind}"
        if col in df.columns:
            line(x, y, kind, col, KIND_COLORS[kind])
            items.append((kind, KIND_COLORS[kind]))
    legend(3, items[:4])

    # 5. makers alive by stage (stacked)
    x, y = panel_axes(4, y_title="teams")
    items = []
    for s, stage in enumerate(STAGES):
        col = f"n_makers_stage_{stage}"
        if col in df.columns:
            line(x, y, stage, col, STAGE_COLORS[s], stackgroup="stages", fillcolor=STAGE_COLORS[s])
            traces[-1]["line"] = {"color": STAGE_COLORS[s], "width": 0.5}
            items.append((stage, STAGE_COLORS[s]))
    legend(4, items)

    # 6. coupling coordination with grade bands
    x, y = panel_axes(5, y_range=[0, 1], y_title="D")
    d = _col(df, "coupling_coordination")
    d_now = float(d[-1]) if d is not None and len(d) and np.isfinite(d[-1]) else None
    grade_now = current_grade(d_now) if d_now is not None else None
    for g, grade in enumerate(GRADES):
        lo, hi = grade_bounds(grade)
        layout["shapes"].append(
            {
                "type": "rect",
                "xref": f"{x} domain",
                "yref": y,
                "x0": 0,
                "x1": 1,
                "y0": lo,
                "y1": hi,
                "fillcolor": GRADE_FILL[g],
                "opacity": 0.45 if grade == grade_now else 0.13,
                "line": {"width": 1.5 if grade == grade_now else 0, "color": "#333333"},
                "layer": "below",
            }
        )
    line(x, y, "D", "coupling_coordination", "#111111")
    if grade_now is not None:
        legend(5, [(f"D = {d_now:.2f}: {grade_now}", "#111111")])

    # 7. collaboration heat map
    x, y = panel_axes(6, time_axis=False)
    m = snap.matrix
    if m is not None and not m.empty:
        xdom, ydom = _domains(6)
        traces.append(
            {
                "type": "heatmap",
                "z": m.to_numpy(dtype=float),
                "x": [str(c) for c in m.columns],
                "y": [str(r) for r in m.index],
                "xaxis": x,
                "yaxis": y,
                "colorscale": "Blues",
                "colorbar": {
                    "x": xdom[1] + 0.005,
                    "y": (ydom[0] + ydom[1]) / 2,
                    "len": ydom[1] - ydom[0],
                    "thickness": 10,
                },
                "hovertemplate": "%{y} → %{x}: %{z}<extra></extra>",
            }
        )
        layout[_axis_names(6)[1]]["autorange"] = "reversed"

    # 8. trust histogram
    x, y = panel_axes(7, time_axis=False, y_title="pairs")
    layout[_axis_names(7)[0]].update({"range": [0, 1], "title": {"text": "trust"}})
    counts, edges = np.histogram(
        snap.pair_trust if len(snap.edge_a) else np.zeros(0), bins=20, range=(0.0, 1.0)
    )
    # Always drawn (possibly all zero) so the trace list is stable across frames.
    traces.append(
        {
            "type": "bar",
            "x": (edges[:-1] + edges[1:]) / 2,
            "y": counts,
            "width": 0.045,
            "xaxis": x,
            "yaxis": y,
            "marker": {"color": "#0072B2"},
            "hovertemplate": "trust %{x:.2f}: %{y} pairs<extra></extra>",
        }
    )
    return {"data": traces, "layout": layout}


# ---------------------------------------------------------------------------- exports
def reporters_csv(reporters: pd.DataFrame) -> str:
    """The run's reporters as CSV text (index column ``step``)."""
    return reporters.to_csv(index=True, index_label="step")


def _mpl_figure(w: float, h: float):
    from matplotlib.figure import Figure  # no pyplot: thread-safe, no global state

    return Figure(figsize=(w, h), dpi=110)


def _shown_actors(snap: Snapshot, visible: set[str]) -> np.ndarray:
    """Per actor of the snapshot: is its kind among the ``visible`` ones."""
    kind_ok = np.array([k in visible for k in KINDS] + [True])  # index -1 → True
    return kind_ok[snap.kind]


def _ties_to_draw(
    snap: Snapshot, node_ok: np.ndarray, min_trust: float, max_edges: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Endpoint positions of every tied pair, the pairs to draw, and how many pass the filters.

    A pair passes when both actors are shown and its trust is at least ``min_trust``; beyond
    ``max_edges`` only the most trusted are drawn. The page and the PNG export share this.
    """
    n = len(snap.edge_a)
    pos_of = {int(u): i for i, u in enumerate(snap.uids.tolist())}
    ia = np.fromiter((pos_of[int(a)] for a in snap.edge_a), dtype=np.int64, count=n)
    ib = np.fromiter((pos_of[int(b)] for b in snap.edge_b), dtype=np.int64, count=n)
    trust = snap.pair_trust
    sel = np.flatnonzero(node_ok[ia] & node_ok[ib] & (trust >= min_trust)) if n else ia[:0]
    n_visible = len(sel)
    if n_visible > max_edges:
        sel = sel[np.argsort(-trust[sel], kind="stable")[:max_edges]]
    return ia, ib, sel, n_visible


def network_png(
    snap: Snapshot,
    *,
    kinds: Iterable[str] | None = None,
    min_trust: float = 0.0,
    size_by: str = "degree",
    max_edges: int = DEFAULT_MAX_EDGES,
) -> bytes:
    """PNG of the network view (same filters and layout as the page, drawn with matplotlib)."""
    from matplotlib.collections import LineCollection
    from matplotlib.lines import Line2D

    fig = _mpl_figure(9, 9)
    ax = fig.add_subplot(1, 1, 1)
    visible = set(KINDS if kinds is None else kinds)
    node_ok = _shown_actors(snap, visible)
    ia, ib, sel, _ = _ties_to_draw(snap, node_ok, min_trust, max_edges)
    if len(snap.edge_a):
        trust = snap.pair_trust
        for o, origin in enumerate(ORIGINS):
            m = sel[snap.origin[sel] == o]
            if not len(m):
                continue
            segs = np.stack([snap.xy[ia[m]], snap.xy[ib[m]]], axis=1)
            t = trust[m]
            style = ORIGIN_STYLE[origin]
            ax.add_collection(
                LineCollection(
                    segs,
                    linewidths=0.3 + 2.2 * t**2,
                    colors=style["color"],
                    alpha=0.35,
                    linestyles=MPL_LINESTYLE[style["dash"]],
                    zorder=1,
                )
            )
    sizes = node_sizes(snap, size_by) ** 2 * 0.6
    handles = []
    for k, kind in enumerate(KINDS):
        if kind not in visible:
            continue
        idx = np.flatnonzero(snap.kind == k)
        ax.scatter(
            snap.xy[idx, 0],
            snap.xy[idx, 1],
            s=sizes[idx],
            c=KIND_COLORS[kind],
            edgecolors="white",
            linewidths=0.5,
            zorder=2,
        )
        handles.append(
            Line2D([], [], marker="o", ls="", color=KIND_COLORS[kind], label=KIND_LABELS[kind])
        )
    for origin, style in ORIGIN_STYLE.items():
        handles.append(
            Line2D(
                [],
                [],
                color=style["color"],
                ls=MPL_LINESTYLE[style["dash"]],
                label=f"{origin} ties",
            )
        )
    ax.legend(handles=handles, loc="upper left", fontsize=8, ncol=2, frameon=False)
    ax.set_xlim(-AXIS_RANGE, AXIS_RANGE)
    ax.set_ylim(-AXIS_RANGE, AXIS_RANGE)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(f"Trust network at step {snap.step} ({snap.n_actors} actors)")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    return buf.getvalue()


def charts_png(reporters: pd.DataFrame, snap: Snapshot) -> bytes:
    """PNG of the time-series charts up to the snapshot's step (matplotlib)."""
    df = rows_until(reporters, snap)
    fig = _mpl_figure(12, 11)
    axes = fig.subplots(3, 2).ravel()
    x = np.arange(len(df))
    specs = [
        (PANELS[0], [("n_projects_started", "started"), ("n_projects_succeeded", "succeeded")]),
        (PANELS[1], [("mean_trust", "mean trust"), ("mean_contract_strictness", "strictness")]),
        (PANELS[2], [("giant_component_share", "giant comp."), ("clustering", "clustering")]),
        (PANELS[3], [(f"cum_returns_{k}", k) for k in KINDS]),
        (PANELS[4], [(f"n_makers_stage_{s}", s) for s in STAGES]),
        (PANELS[5], [("coupling_coordination", "D")]),
    ]
    for ax, (title, series) in zip(axes, specs, strict=True):
        for col, name in series:
            y = _col(df, col)
            if y is not None:
                ax.plot(x, y, label=name, lw=1.5)
        if title == PANELS[5]:
            for g, grade in enumerate(GRADES):
                lo, hi = grade_bounds(grade)
                ax.axhspan(lo, hi, color=GRADE_FILL[g], alpha=0.15, lw=0)
            ax.set_ylim(0, 1)
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("step")
        ax.legend(fontsize=7, frameon=False)
        ax.grid(alpha=0.3)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


# ---------------------------------------------------------------------------- A/B overlays
AB_COLORS: tuple[str, ...] = ("#0072B2", "#D55E00")
AB_DASH: tuple[str, ...] = ("solid", "dash")
AB_ROW_HEIGHT = 250
AB_PANEL_WIDTH = 390  # px; a fixed width reads the same on a laptop and a projector


def comparison_figure(
    measures: Sequence[Any],
    frames: Sequence[Sequence[pd.DataFrame]],
    labels: Sequence[str],
    *,
    steps: int,
    cols: int = 2,
) -> dict[str, Any]:
    """Charts of two (or more) arms overlaid, one panel per measure.

    Args:
        measures: objects with ``label`` and ``series(df) -> array`` (``dashboard.teaching``).
        frames: reporters per arm, per seed (all runs of an arm have the same length).
        labels: one label per arm (legend).
        steps: right end of the time axes (the run's planned length), so the charts fill up
            from left to right while the run goes on.
        cols: panels per row.

    Each arm gets a thick line for the mean over its seeds (solid for the first arm, dashed for
    the second, so the chart also reads in black and white) and, when there are several seeds,
    a thin line per seed. The number of traces does not depend on progress, so the page can
    update the figure in place.
    """
    n = len(measures)
    cols = max(1, min(cols, n))
    rows = math.ceil(n / cols)
    hgap, vgap = 0.12 / max(cols - 1, 1), 0.3 / rows
    w = (1.0 - hgap * (cols - 1)) / cols
    h = (1.0 - vgap * (rows - 1)) / rows
    traces: list[dict[str, Any]] = []
    height = 110 + AB_ROW_HEIGHT * rows
    margin = {"l": 55, "r": 20, "t": 80, "b": 40}
    plot_h = height - margin["t"] - margin["b"]
    layout: dict[str, Any] = {
        "height": height,
        "width": margin["l"] + margin["r"] + AB_PANEL_WIDTH * cols,
        "margin": margin,
        "showlegend": True,
        # Above the panels' titles: 30 px over the top of the plotting area.
        "legend": {"orientation": "h", "x": 0.0, "y": 1.0 + 30 / plot_h, "yanchor": "bottom"},
        "hovermode": "x unified",
        "plot_bgcolor": "white",
        "paper_bgcolor": "white",
        "annotations": [],
        "uirevision": "comparison",
        "font": {"size": 11},
    }
    for p, measure in enumerate(measures):
        r, c = divmod(p, cols)
        x0 = c * (w + hgap)
        y1 = 1.0 - r * (h + vgap)
        xname, yname, xref, yref = _axis_names(p)
        layout[xname] = {
            "domain": [round(x0, 6), round(min(x0 + w, 1.0), 6)],
            "anchor": yref,
            "range": [0, max(int(steps), 1)],
            "showgrid": True,
            "gridcolor": "#eeeeee",
            "title": {"text": "step", "standoff": 2},
        }
        layout[yname] = {
            "domain": [round(max(y1 - h, 0.0), 6), round(y1, 6)],
            "anchor": xref,
            "showgrid": True,
            "gridcolor": "#eeeeee",
            "zeroline": False,
        }
        layout["annotations"].append(
            {
                "text": f"<b>{measure.label}</b>",
                "xref": "paper",
                "yref": "paper",
                "x": round(x0, 6),
                "y": round(y1, 6),
                "xanchor": "left",
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": 12},
            }
        )
        for k, (runs, label) in enumerate(zip(frames, labels, strict=True)):
            color, dash = AB_COLORS[k % len(AB_COLORS)], AB_DASH[k % len(AB_DASH)]
            series = [measure.series(df) for df in runs]
            length = min((len(s) for s in series), default=0)
            x = np.arange(length, dtype=float)
            stack = np.vstack([s[:length] for s in series]) if series else np.zeros((0, 0))
            if len(series) > 1:
                for i in range(len(series)):
                    traces.append(
                        {
                            "type": "scatter",
                            "mode": "lines",
                            "x": x,
                            "y": stack[i],
                            "xaxis": xref,
                            "yaxis": yref,
                            "line": {"color": color, "width": 0.8, "dash": dash},
                            "opacity": 0.35,
                            "hoverinfo": "skip",
                            "showlegend": False,
                            "legendgroup": f"arm{k}",
                            "name": f"{label} (one seed)",
                        }
                    )
            mean = stack.mean(axis=0) if len(series) else np.zeros(0)
            traces.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "x": x,
                    "y": mean,
                    "xaxis": xref,
                    "yaxis": yref,
                    "line": {"color": color, "width": 2.6, "dash": dash},
                    "name": label if len(series) <= 1 else f"{label} (mean of {len(series)} seeds)",
                    "legendgroup": f"arm{k}",
                    "showlegend": p == 0,
                    "hovertemplate": f"{label}: %{{y:{HOVER_NUMBER}}}<extra></extra>",
                }
            )
    return {"data": traces, "layout": layout}
