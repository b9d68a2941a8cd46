"""Dashboard entry point: ``solara run app.py`` (``make app`` serves it offline on localhost)."""

import solara.server.settings

from dashboard.page import Page

# In front of a class the whole page is on the projector: Solara's "This website runs on
# Solara" badge would sit over the inspector's table in the bottom right corner.
solara.server.settings.theme.show_banner = False

__all__ = ["Page"]
