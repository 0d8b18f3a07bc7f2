"""The facade: the one door to the store for widgets, CLI, notebooks and exporters."""
from __future__ import annotations

from .context import Context
from .maintenance import restore
from .toolkit import Services, Toolkit


def open_toolkit(db=None, user: str | None = None, *, settings=None,
                 empty_store_as_system: bool = False) -> Toolkit:
    """A toolkit on ``db`` (default: the configured database) acting as ``user`` (default:
    the configured user). With ``empty_store_as_system`` a store with nobody in it yet is
    opened as the system account, so the first import can add the people."""
    from ..store.access import has_practitioners
    from ..store.engine import make_engine
    engine = make_engine(db) if db else None
    if engine is not None and empty_store_as_system:
        with engine.connect() as conn:
            if not has_practitioners(conn):
                return Toolkit.system(engine=engine, settings=settings)
    return Toolkit(db, user, engine=engine, settings=settings)


__all__ = ["Context", "Services", "Toolkit", "open_toolkit", "restore"]
