"""Live parameters apply to a running model (``InnovationModel.set_live``), also the few whose
value is held outside ``params``: the trust-stage thresholds (kept by the trust network) and
the service capacity (kept by each institution). Until 2026-11-29 both were read once, at
construction, so the dashboard's sliders for them did nothing."""

from __future__ import annotations

from abm.model import InnovationModel
from abm.params import Params
from abm.rules.trust import trust_stage

SMALL = dict(n_makers=20, n_universities=2, n_enterprises=6)


def _stages(graph, p: Params) -> list[str]:
    """Every edge's stage by the scalar rule under ``p``'s thresholds (independent of the
    network's vectorised classification)."""
    kw = dict(
        consolidation_trust=p.stage_trust_consolidation,
        cooperation_trust=p.stage_trust_cooperation,
        consolidation_projects=p.stage_projects_consolidation,
        cooperation_projects=p.stage_projects_cooperation,
    )
    return [trust_stage(d["trust"], d["n_projects"], **kw) for _, _, d in graph.edges(data=True)]


def test_stage_thresholds_changed_live_reclassify_every_edge():
    model = InnovationModel(rng=2, **SMALL)
    for _ in range(15):
        model.step()
    model.set_live(
        stage_trust_consolidation=0.55,
        stage_trust_cooperation=0.62,
        stage_projects_consolidation=1,
        stage_projects_cooperation=2,
    )
    model.step()
    stages = [d["stage"] for _, _, d in model.graph.edges(data=True)]
    assert stages == _stages(model.graph, model.params)
    # the change matters: under the default thresholds fewer edges would be cooperating
    coop = "trust_based_cooperation"
    assert stages.count(coop) > _stages(model.graph, Params()).count(coop)


def test_service_capacity_changed_live_limits_every_institution():
    model = InnovationModel(rng=2, **SMALL)
    for _ in range(5):
        model.step()
    assert max(i.used for i in model.services.institutions) > 1  # default capacity 6 in use
    model.set_live(service_capacity=1)
    peak = 0
    for _ in range(5):
        model.step()
        used = [i.used for i in model.services.institutions]
        assert max(used) <= 1, used
        peak = max(peak, *used)
    assert peak == 1


def test_successes_per_stage_is_live():
    """Read at every success, never at construction, so a live change applies (it was marked
    setup, so its slider rebuilt the model and wiped the class's run)."""
    model = InnovationModel(rng=2, successes_per_stage=20, **SMALL)
    for _ in range(10):
        model.step()
    assert all(m.stage == "idea" for m in model.actors_of("maker"))  # 20 successes: nobody moved
    model.set_live(successes_per_stage=1)
    for _ in range(10):
        model.step()
    assert any(m.stage != "idea" for m in model.actors_of("maker"))
