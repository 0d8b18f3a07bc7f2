"""Shared test worlds built through the facade (plain functions, no fixtures).

``small_world(path)`` gives a supervisor ``sup`` (username ``sam``) with one supervisee
``pw`` (``pat``, line manager ``sup``), a second supervisee ``pw2`` (``kim``), cases
``c1`` (child protection plan), ``c2`` (child in need) and ``c3`` (early help) worked by
``pw``, ``c4`` worked by ``pw2``, and a first session on ``FIRST`` that discussed c1 (A) and
c2 (G), agreed three actions and was signed by both.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from supervision_kit.config import Settings
from supervision_kit.domain.records import (ActionItem, Case, CaseDiscussion, Practitioner,
                                            SessionRecord)
from supervision_kit.facade import Toolkit

FIRST = dt.date(2024, 3, 4)
SECOND = dt.date(2024, 4, 2)
FIRST_ACTIONS = ("Visit Amy at school and speak to her alone",
                 "Book the core group meeting with health and school",
                 "Send the housing referral for the family")


def people() -> list[Practitioner]:
    """A supervisor, two supervisees and a manager."""
    return [
        Practitioner(id="mgr", name="Morgan Manager", username="morgan", role="manager",
                     team="North"),
        Practitioner(id="sup", name="Sam Supervisor", username="sam", role="supervisor",
                     team="North", line_manager_id="mgr"),
        Practitioner(id="pw", name="Pat Worker", username="pat", role="practitioner",
                     team="North", line_manager_id="sup", qualified_date=dt.date(2019, 9, 1)),
        Practitioner(id="pw2", name="Kim Worker", username="kim", role="practitioner",
                     team="North", line_manager_id="sup", qualified_date=dt.date(2018, 9, 1)),
    ]


def cases() -> list[Case]:
    """Four open cases."""
    opened = dt.date(2023, 6, 1)
    return [Case(id="c1", reference="NC-0001", worker_id="pw", status="child protection plan", opened=opened),
            Case(id="c2", reference="NC-0002", worker_id="pw", status="child in need", opened=opened),
            Case(id="c3", reference="NC-0003", worker_id="pw", status="early help", opened=opened),
            Case(id="c4", reference="NC-0004", worker_id="pw2", status="child in need", opened=opened)]


def empty_world(path, *, templates_dir: str | Path | None = None) -> Toolkit:
    """People and cases only; returns the supervisor's toolkit."""
    settings = Settings(templates_dir=str(templates_dir)) if templates_dir else None
    system = Toolkit.system(Path(path), settings=settings)
    system.add_practitioners(people())
    system.add_cases(cases())
    return system.as_user("sam")


def first_session(tk: Toolkit, *, note: str = "") -> SessionRecord:
    """The first, signed session of ``pw`` with three actions (one with ``note`` appended)."""
    rec = tk.open_session("pw", date=FIRST)
    rec.agenda = "Caseload review"
    rec.discussions = [
        CaseDiscussion(case_id="c1", summary="Strategy meeting held", worries="Neglect at home",
                       working_well="Good school attendance", plan="CP plan: weekly visits",
                       rag="A"),
        CaseDiscussion(case_id="c2", summary="Family engaging", worries="Housing",
                       rag="G")]
    rec.functions = ["management", "support"]
    rec.actions = [
        ActionItem(FIRST_ACTIONS[0] + note, owner_id="pw", due_date=dt.date(2024, 3, 15), case_id="c1"),
        ActionItem(FIRST_ACTIONS[1], owner_id="pw", due_date=dt.date(2024, 3, 20), case_id="c1"),
        ActionItem(FIRST_ACTIONS[2], owner_id="sup", due_date=dt.date(2024, 3, 25), case_id="c2")]
    rec.next_session_date = SECOND
    rec = tk.save_session(rec)
    tk.sign(rec.id)
    tk.as_user("pat").sign(rec.id)  # each person signs from their own sign-in
    return tk.session(rec.id, log=False)


def small_world(path, *, templates_dir=None, note: str = "") -> Toolkit:
    """``empty_world`` plus ``first_session``; returns the supervisor's toolkit."""
    tk = empty_world(path, templates_dir=templates_dir)
    first_session(tk, note=note)
    return tk


def supervisee_signs(recorder, who: str, **how) -> bool:
    """``who`` signs the recorder's record from their own sign-in (nobody signs for anyone
    else [issue 13]); the supervisor's recorder then shows the record as stored."""
    tk = recorder.tk
    tk.as_user(who).sign(recorder.record.id, **how)
    recorder.record = tk.session(recorder.record.id, log=False)
    return True
