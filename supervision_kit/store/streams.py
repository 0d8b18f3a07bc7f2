"""Store queries for supervision streams: a supervisee's active contracts on a day."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import or_, select

from .schema import ContractRow

K = ContractRow.__table__


def active_contracts(conn, supervisee_id: str, day: dt.date) -> list:
    """Rows (id, supervisor_id, preset, overrides, stream, start_date) of the contracts of
    ``supervisee_id`` active on ``day``, oldest first."""
    return list(conn.execute(
        select(K.c.id, K.c.supervisor_id, K.c.preset, K.c.overrides, K.c.stream, K.c.start_date)
        .where(K.c.supervisee_id == supervisee_id, K.c.start_date <= day,
               or_(K.c.end_date.is_(None), K.c.end_date > day))
        .order_by(K.c.start_date, K.c.id)))
