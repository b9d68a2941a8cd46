"""Dashboard entry point: ``solara run app.py`` (``make app`` serves it offline on localhost)."""

from dashboard.page import Page

__all__ = ["Page"]
