"""The mechanism switches of DESIGN §5 ("trust on/off, brokerage on/off, triadic closure on/off,
opportunism on/off, decay on/off"): switched off, the mechanism is gone from a run; switched on,
the same run shows it (so the check could fail).

Trust, brokerage and triadic closure change who meets whom and are checked by their effects
elsewhere (tests/test_behaviour_core.py, tests/test_services.py); this module checks the two
switches whose absence can be read directly from every step: nobody withholds without
opportunism, and no evidence is forgotten without decay.
"""

from __future__ import annotations

import pytest

from abm.model import InnovationModel

SMALL = {"n_makers": 30, "n_universities": 3, "n_enterprises": 10}
STEPS = 30


def _evidence(model: InnovationModel) -> dict[tuple[int, int], tuple[float, float]]:
    return {(u, v): (d["r"], d["s"]) for u, v, d in model.graph.edges(data=True)}


@pytest.mark.parametrize("on", [True, False])
def test_without_opportunism_nobody_withholds(on: bool) -> None:
    model = InnovationModel(rng=3, opportunism_on=on, **SMALL)
    withheld = 0
    for _ in range(STEPS):
        model.step()
        withheld += sum(sum(pr.withheld) for pr in model.projects)
    assert withheld == model.reporters().n_withholdings.sum()
    assert (withheld > 0) if on else (withheld == 0), withheld


@pytest.mark.parametrize("on", [True, False])
def test_without_decay_no_tie_loses_evidence(on: bool) -> None:
    """Between two steps a tie that survives can only gain evidence (new projects, public
    defections, shocks) when decay is off; with decay on, its evidence shrinks by the factor
    1 − λ unless new evidence makes up for it."""
    model = InnovationModel(rng=3, decay_on=on, **SMALL)
    shrunk, before = 0, {}
    for _ in range(STEPS):
        model.step()
        now = _evidence(model)
        for tie in before.keys() & now.keys():
            (r0, s0), (r1, s1) = before[tie], now[tie]
            shrunk += r1 < r0 or s1 < s0
        before = now
    assert (shrunk > 0) if on else (shrunk == 0), shrunk
