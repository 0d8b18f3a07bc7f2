"""Safeguarding training attended, and observations of practice sampled for quality assurance."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from . import tables


def insert_training_record(conn: Connection, **row) -> None:
    """Write one course attended."""
    conn.execute(insert(tables.training_records), [row])


def training_record_rows(conn: Connection, practitioner_id: str | None = None) -> list:
    """Courses attended, newest first (one practitioner's when given)."""
    q = select(tables.training_records).order_by(
        tables.training_records.c.attended.desc(), tables.training_records.c.id
    )
    if practitioner_id:
        q = q.where(tables.training_records.c.practitioner_id == practitioner_id)
    return list(conn.execute(q))


def practitioner_rows(conn: Connection, team: str | None = None) -> list:
    """Practitioner rows by name (one team's when given)."""
    q = select(tables.practitioners).order_by(tables.practitioners.c.name)
    if team:
        q = q.where(tables.practitioners.c.team == team)
    return list(conn.execute(q))


def courses_by_practitioner(conn: Connection, up_to: dt.date) -> dict[str, list]:
    """Practitioner id -> their courses attended on or before ``up_to``, oldest first."""
    recs: dict[str, list] = {}
    for r in conn.execute(
        select(tables.training_records)
        .where(tables.training_records.c.attended <= up_to)
        .order_by(tables.training_records.c.attended)
    ):
        recs.setdefault(r.practitioner_id, []).append(r)
    return recs


def observation_people(conn: Connection, supervisee_id: str | None = None) -> list:
    """(supervisee_id, observer_id) of every observation (one supervisee's when given)."""
    q = select(tables.observations.c.supervisee_id, tables.observations.c.observer_id)
    if supervisee_id:
        q = q.where(tables.observations.c.supervisee_id == supervisee_id)
    return list(conn.execute(q))


def unsampled_observations(conn: Connection, up_to: dt.date, since: dt.date | None) -> list:
    """(id, supervisee_id) of observations not yet in a QA sample, dated up to ``up_to``."""
    q = select(tables.observations.c.id, tables.observations.c.supervisee_id).where(
        tables.observations.c.qa_sample.is_(False), tables.observations.c.date <= up_to
    )
    if since:
        q = q.where(tables.observations.c.date >= since)
    return list(conn.execute(q))


def mark_qa_sample(conn: Connection, ids) -> None:
    """Mark these observations as sampled for the quality assurance audit."""
    conn.execute(
        update(tables.observations)
        .where(tables.observations.c.id.in_(ids))
        .values(qa_sample=True)
    )
