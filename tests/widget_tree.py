"""Walk a rendered Solara page's ipywidgets tree (shared by the dashboard and teaching tests)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ipywidgets import Widget


def walk_widgets(roots: Iterable[object]) -> Iterator[Widget]:
    """Every widget reachable from ``roots`` (breadth first, each once)."""
    seen, queue = set(), list(roots)
    while queue:
        w = queue.pop(0)
        if id(w) in seen or not isinstance(w, Widget):
            continue
        seen.add(id(w))
        yield w
        for name in w.keys:
            value = getattr(w, name, None)
            if isinstance(value, Widget):
                queue.append(value)
            elif isinstance(value, list | tuple):
                queue.extend(x for x in value if isinstance(x, Widget))
