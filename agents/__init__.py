"""Mesa agent classes: they hold state and call the pure rules of :mod:`abm.rules`."""

from agents.actors import Actor, Enterprise, MakerTeam, University
from agents.services import ServiceInstitution

__all__ = ["Actor", "Enterprise", "MakerTeam", "ServiceInstitution", "University"]
