"""Solara dashboard of the collaborative-innovation model.

Layers, each usable without the one above it:

* :mod:`dashboard.controls` — parameter controls described from ``abm.params.param_specs()``,
  seed parsing, building ``Params`` from the values on the page (no Solara).
* :mod:`dashboard.simulation` — the :class:`~dashboard.simulation.Simulation` controller: owns
  one model, steps it, keeps a bounded ring of snapshots for replay and an incremental, stable
  network layout (no Solara).
* :mod:`dashboard.figures` — Plotly figures (network view, time-series charts, heat map) and the
  PNG/CSV exports, built from snapshots and reporters (no Solara); the benchmark times these.
* :mod:`dashboard.page` — the Solara components; ``app.py`` serves :func:`dashboard.page.Page`.

The dashboard talks to the model only through its public API (``InnovationModel``, ``Params``
metadata, reporters, the trust network, ``actor(uid).describe()``).
"""
