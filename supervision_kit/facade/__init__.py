"""The facade: the one door to the store for widgets, CLI, notebooks and exporters."""
from __future__ import annotations

from .base import ToolkitBase
from .data import DataMixin
from .documents import DocumentsMixin
from .maintenance import MaintenanceMixin
from .people import PeopleMixin
from .records import RecordsMixin
from .research import ResearchMixin
from .rules import RulesMixin
from .sessions import SessionsMixin
from .signing import SigningMixin
from .training import TrainingMixin
from .workflows import WorkflowsMixin


class Toolkit(SessionsMixin, SigningMixin, RecordsMixin, RulesMixin, PeopleMixin, DataMixin,
              ResearchMixin, TrainingMixin, DocumentsMixin, MaintenanceMixin, WorkflowsMixin,
              ToolkitBase):
    """Everything a user can do, each call made as ``self.me`` and logged."""


def open_toolkit(db=None, user: str | None = None) -> Toolkit:
    """A toolkit on the configured database as the configured user."""
    return Toolkit(db, user)


__all__ = ["Toolkit", "open_toolkit"]
