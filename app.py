"""Dashboard entry point: ``solara run app.py`` (see ``make app``)."""

import solara


@solara.component
def Page():
    count, set_count = solara.use_state(0)
    solara.Title("Collaborative innovation ABM")
    solara.Text(f"Step {count}", classes=["step-counter"])
    solara.Button("Step", on_click=lambda: set_count(count + 1))
