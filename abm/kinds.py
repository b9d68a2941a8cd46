"""Actor kinds and their structural resource profiles (DESIGN §2).

The profiles are structural assumptions, not tunable parameters: they encode *who is rich in what*
(makers in talent, universities in equipment and talent, enterprises in funds), which is what makes
collaboration necessary. Their overall scale is set by ``Params.project_size`` through the model.
"""

from __future__ import annotations

import numpy as np

ACTOR_KINDS: tuple[str, ...] = ("maker", "university", "enterprise")
SERVICE_KINDS: tuple[str, ...] = ("finance", "transfer", "advisory", "sharing")
KINDS: tuple[str, ...] = ACTOR_KINDS + SERVICE_KINDS

#: Mean resource endowment per kind over (funds, equipment, talent, information), in units of
#: ``project_size / 4`` (so a kind with 1.0 in a dimension covers an average project's need there).
RESOURCE_PROFILE: dict[str, np.ndarray] = {
    "maker": np.array([0.15, 0.2, 1.3, 0.7]),
    "university": np.array([0.5, 1.6, 1.4, 0.9]),
    "enterprise": np.array([1.8, 0.8, 0.6, 0.6]),
}

#: Maker stages, in order (seed 000's creative prototype → R&D → achievement transformation path).
STAGES: tuple[str, ...] = ("idea", "prototype", "rnd", "transfer", "venture")
#: Multiplier of ``base_success`` by project stage: R&D is the riskiest stage.
STAGE_SUCCESS: dict[str, float] = {
    "idea": 1.0,
    "prototype": 0.92,
    "rnd": 0.8,
    "transfer": 0.88,
    "venture": 0.95,
}
#: Multiplier of project value by stage: later results are worth more on the market.
STAGE_VALUE: dict[str, float] = {
    "idea": 0.7,
    "prototype": 0.85,
    "rnd": 1.0,
    "transfer": 1.25,
    "venture": 1.4,
}
#: Stage of projects initiated by organisations.
ORG_PROJECT_STAGE: dict[str, str] = {"university": "rnd", "enterprise": "transfer"}

N_FIELDS = 4  # knowledge fields (for complementarity)
