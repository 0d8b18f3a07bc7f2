"""The facade: the one door to the store for widgets, CLI, notebooks and exporters."""
from __future__ import annotations

from .context import Context
from .toolkit import Services, Toolkit


def open_toolkit(db=None, user: str | None = None) -> Toolkit:
    """A toolkit on the configured database as the configured user."""
    return Toolkit(db, user)


__all__ = ["Context", "Services", "Toolkit", "open_toolkit"]
