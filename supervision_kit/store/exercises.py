"""Training exercises and trainees' ratings in the store (rows; ``training.exercises`` makes
them ``Exercise`` objects). A trainee's guided reflection is the ratings row with
``update_index = -1`` (``REFLECTION_INDEX``) for that vignette."""
from __future__ import annotations

from sqlalchemy import delete, insert, or_, select
from sqlalchemy.engine import Connection

from . import tables


def exercise_row(conn: Connection, keys):
    """The exercise whose id or join code is one of ``keys``, or None."""
    return conn.execute(
        select(tables.exercises).where(
            or_(tables.exercises.c.id.in_(keys), tables.exercises.c.code.in_(keys))
        )
    ).first()


def updates_rated(conn: Connection, exercise_id: str) -> dict[str, int]:
    """Vignette id -> how many updates have a rating row (highest index + 1)."""
    counts: dict[str, int] = {}
    q = select(tables.ratings.c.vignette, tables.ratings.c.update_index).where(
        tables.ratings.c.exercise_id == exercise_id
    )
    for vid, i in conn.execute(q):
        counts[vid] = max(counts.get(vid, 0), int(i) + 1)
    return counts


def exercise_rows(conn: Connection, trainer_id: str | None = None) -> list:
    """Exercises newest first, only ``trainer_id``'s when given."""
    q = select(tables.exercises).order_by(tables.exercises.c.created.desc())
    if trainer_id is not None:
        q = q.where(tables.exercises.c.trainer_id == trainer_id)
    return list(conn.execute(q))


def join_codes(conn: Connection) -> set[str]:
    """Every join code in use."""
    return set(conn.execute(select(tables.exercises.c.code)).scalars())


def insert_exercise(conn: Connection, row: dict) -> None:
    """Write a new exercise."""
    conn.execute(insert(tables.exercises), [row])


def upsert_rating(conn: Connection, row: dict) -> None:
    """Insert or replace one rating row (saved as they go: the same key is overwritten)."""
    keys = ("exercise_id", "alias", "vignette", "update_index")
    values = {k: v for k, v in row.items() if k not in keys}
    name = conn.dialect.name
    if name in ("sqlite", "postgresql"):
        if name == "sqlite":
            from sqlalchemy.dialects.sqlite import insert as dialect_insert
        else:
            from sqlalchemy.dialects.postgresql import insert as dialect_insert
        stmt = dialect_insert(tables.ratings).values(**row)
        conn.execute(stmt.on_conflict_do_update(index_elements=list(keys), set_=values))
        return
    where = [tables.ratings.c[k] == row[k] for k in keys]
    conn.execute(delete(tables.ratings).where(*where))
    conn.execute(insert(tables.ratings), [row])


def rating_rows(conn: Connection, exercise_id: str, alias: str | None = None) -> list:
    """The exercise's ratings (not reflections), by alias, vignette and update."""
    q = select(tables.ratings).where(
        tables.ratings.c.exercise_id == exercise_id, tables.ratings.c.update_index >= 0
    )
    if alias is not None:
        q = q.where(tables.ratings.c.alias == alias)
    return list(
        conn.execute(
            q.order_by(
                tables.ratings.c.alias, tables.ratings.c.vignette, tables.ratings.c.update_index
            )
        )
    )


def reflection_rows(conn: Connection, exercise_id: str, reflection_index: int,
                    alias: str | None = None, vignette: str | None = None) -> list:
    """Trainees' reflection rows in the exercise, one trainee's or one vignette's when given."""
    q = select(tables.ratings).where(
        tables.ratings.c.exercise_id == exercise_id,
        tables.ratings.c.update_index == reflection_index,
    )
    if alias is not None:
        q = q.where(tables.ratings.c.alias == alias)
    if vignette is not None:
        q = q.where(tables.ratings.c.vignette == vignette)
    return list(conn.execute(q))
