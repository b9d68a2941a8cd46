"""A Plotly ``FigureWidget`` updated in place from plain figure specs.

``solara.FigurePlotly`` replaces the layout and every trace on each update; Plotly validates the
whole layout each time, which costs tens of milliseconds for the dashboard's figures. Here the
figure spec (``{"data": [...], "layout": {...}}`` from :mod:`dashboard.figures`) is compared with
the last one applied and only what changed is sent, in one batched message: the trace arrays
each frame, the layout keys that changed (the title, the replay cursor, a range). When the
traces change in number or type the traces are replaced as a whole.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import solara
from plotly.basedatatypes import BaseFigure
from plotly.graph_objs._figurewidget import FigureWidget


def _is_dict_list(v: Any) -> bool:
    return BaseFigure._is_dict_list(v)


class DashboardFigureWidget(FigureWidget):
    """``FigureWidget`` whose sync of front-end defaults tolerates numpy-array properties.

    Plotly 7's ``_remove_overlapping_props`` evaluates ``not value`` on stored properties; for a
    numpy array (which the front end echoes back as a serialized dict) that raises "truth value
    of an array is ambiguous" on every redraw. Arrays are leaves here and are left alone.
    """

    @staticmethod
    def _remove_overlapping_props(input_data, delta_data, prop_path=()):
        removed: list[tuple] = []
        if isinstance(input_data, dict) and isinstance(delta_data, dict):
            for p, delta_val in delta_data.items():
                if p not in input_data or p == "uid":
                    continue
                input_val = input_data[p]
                nested = isinstance(delta_val, dict) or _is_dict_list(delta_val)
                if nested and isinstance(input_val, dict | list):
                    path = (*prop_path, p)
                    removed.extend(
                        DashboardFigureWidget._remove_overlapping_props(input_val, delta_val, path)
                    )
                    if len(input_val) == 0:
                        input_data.pop(p)
                        removed.append(path)
                elif not nested:
                    input_data.pop(p)
                    removed.append((*prop_path, p))
        elif isinstance(input_data, list) and isinstance(delta_data, list):
            for i, delta_val in enumerate(delta_data[: len(input_data)]):
                input_val = input_data[i]
                if isinstance(input_val, dict | list) and (
                    isinstance(delta_val, dict) or _is_dict_list(delta_val)
                ):
                    removed.extend(
                        DashboardFigureWidget._remove_overlapping_props(
                            input_val, delta_val, (*prop_path, i)
                        )
                    )
        return removed


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        try:
            return np.array_equal(np.asarray(a), np.asarray(b), equal_nan=True)
        except TypeError:
            return np.array_equal(np.asarray(a), np.asarray(b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def apply_spec(
    widget: FigureWidget, spec: dict[str, Any], previous: dict[str, Any] | None
) -> dict[str, Any]:
    """Bring ``widget`` from ``previous`` (the last applied spec, or None) to ``spec``.

    Returns ``spec`` (to be passed as ``previous`` next time).
    """
    data, layout = spec["data"], spec["layout"]
    old_data = previous["data"] if previous else None
    old_layout = previous["layout"] if previous else {}
    same_shape = (
        old_data is not None
        and len(old_data) == len(data) == len(widget.data)
        and all(a.get("type") == b.get("type") for a, b in zip(old_data, data, strict=True))
    )
    with widget.batch_update():
        changed_layout = {
            k: v for k, v in layout.items() if k not in old_layout or not _same(old_layout[k], v)
        }
        for k in old_layout:
            if k not in layout:
                changed_layout[k] = None
        if changed_layout:
            widget.layout.update(changed_layout, overwrite=True)
        if same_shape:
            for trace, old, new in zip(widget.data, old_data, data, strict=True):
                changes = {k: v for k, v in new.items() if k not in old or not _same(old[k], v)}
                changes.update({k: None for k in old if k not in new})
                if changes:
                    trace.update(changes, overwrite=True)
    if not same_shape:
        n = len(widget.data)
        widget.add_traces(data)
        widget.data = list(widget.data)[n:]
    return spec


@solara.component
def PlotlyView(
    spec: dict[str, Any],
    on_click: Callable[[dict], None] | None = None,
    key: Any = None,
):
    """Show a figure spec; ``on_click`` receives Plotly's click payload (``points`` etc.).

    Args:
        spec: ``{"data": [...], "layout": {...}}``.
        on_click: called with the event data of a click on a point.
        key: the spec is re-applied when this changes (defaults to the spec's identity).
    """
    last = solara.use_ref(None)

    def on_points(data):
        if data and data.get("event_type") == "plotly_click" and on_click is not None:
            on_click(data)

    element = DashboardFigureWidget.element(on__js2py_pointsCallback=on_points)

    def update():
        widget = solara.get_widget(element)
        last.current = apply_spec(widget, spec, last.current)

    solara.use_effect(update, [id(spec) if key is None else key])
    return element
