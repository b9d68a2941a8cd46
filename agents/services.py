"""Professional S&T service institutions (DESIGN §2, §4; seed 002)."""

from __future__ import annotations

from typing import Any

import mesa
import numpy as np

from agents.actors import Actor


class ServiceInstitution(Actor):
    """A finance, transfer, advisory or sharing institution with a per-step capacity and a fee.

    Its work in each phase is carried out by :mod:`abm.services`; the agent holds its state and
    its books (revenue, losses, capacity used).
    """

    def __init__(self, model: mesa.Model, *, service: str, capacity: int, **state: Any) -> None:
        state.setdefault("resources", np.zeros(4))
        super().__init__(model, **state)
        self.service = service
        self.capacity = int(capacity)
        self.used = 0  # capacity used this step
        self.revenue = 0.0
        self.losses = 0.0
        self.served = 0
        self.member_ids: tuple[int, ...] = ()  # for a co-constructed joint entity

    @property
    def kind(self) -> str:  # type: ignore[override]
        return self.service

    def has_capacity(self) -> bool:
        return self.used < self.capacity

    def describe(self) -> dict[str, Any]:
        d = super().describe()
        d.update(
            service=self.service,
            capacity=self.capacity,
            used=self.used,
            revenue=round(self.revenue, 3),
            losses=round(self.losses, 3),
            served=self.served,
        )
        return d
