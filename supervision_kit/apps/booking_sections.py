"""Caseload and session apps: a supervisee's bookings (book, cancel, rearrange)."""
from __future__ import annotations

import ipywidgets as w

from ..widgets.common import Displayable

NEW = ""
BOOKING_ROLES = ("supervisor", "manager", "admin")


class BookingsSection(Displayable):
    """Choose one of my supervisees, then book, cancel or rearrange their sessions."""

    def __init__(self, tk, today=None):
        from .practice_sections import supervisee_picker
        self.tk, self.today = tk, today
        self.panel = None
        self.person = supervisee_picker(self, tk)
        self.area = w.VBox([])
        self.widget = w.VBox([self.person, self.area])

    def choose(self, supervisee_id: str):
        """Show ``supervisee_id``'s bookings (a ``BookingPanel``)."""
        from ..widgets.booking import BookingPanel
        if self.person.value != supervisee_id:
            self.person.value = supervisee_id  # observed: comes back here once
            return self.panel
        self.panel = BookingPanel(self.tk, supervisee_id, today=self.today) if supervisee_id else None
        self.area.children = [self.panel.widget] if self.panel else []
        return self.panel
