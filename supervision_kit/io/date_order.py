"""Dates in an import that cannot both be true: closed before opened, due before made,
left before started. Checked on the converted rows; the message names record and field."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ..errors import ImportFailed
from .convert import label

# (table, earlier column, later column, what the later one means)
PAIRS = (("cases", "opened", "closed", "closed before it opened"),
         ("contracts", "start_date", "end_date", "ends before it starts"),
         ("practitioners", "asye_start", "leaving_date", "left before starting the ASYE"),
         ("sessions", "date", "next_session_date", "the next session is before this one"))


def check_date_order(conn: Connection, checked: dict) -> None:
    """Raise ``ImportFailed`` for the first row whose dates are in an impossible order.

    ``checked`` maps table name to the importer's checked table (``values``, ``raw``)."""
    for table, early, late, what in PAIRS:
        t = checked[table]
        for i, (a, b) in enumerate(zip(t.values((early,)), t.values((late,)))):
            if a is not None and b is not None and b < a:
                raise ImportFailed(label(table, i, t.raw[i]), f"{early}, {late}", f"{what}: {late} {b} is before "
                                                                     f"{early} {a}")
    acts, sess = checked["actions"], checked["sessions"]
    made = dict(zip(sess.values(("id",)), sess.values(("date",))))
    wanted = {s for s in acts.values(("session_id",)) if s is not None and s not in made}
    if wanted:
        from ..store.schema import SessionRow
        S = SessionRow.__table__
        ids = sorted(wanted)
        for k in range(0, len(ids), 900):
            made.update(conn.execute(select(S.c.id, S.c.date).where(S.c.id.in_(ids[k:k + 900]))).all())
    for i, (sid, due) in enumerate(zip(acts.values(("session_id",)), acts.values(("due_date",)))):
        day = made.get(sid)
        if due is not None and day is not None and due < day:
            raise ImportFailed(label("actions", i, acts.raw[i]), "due_date",
                               f"due {due} before it was made at the session of {day}")
