"""What each table of the research export reads from the store and how a chunk is released.

Each ``Table`` has one SQL query (SQLite and PostgreSQL alike) whose filters follow
``--since`` and ``--team``, and a ``release(chunk, ctx)`` that turns a chunk of rows
(columns as tuples) into the released columns, with real dates still in place plus, per
row, whose offset moves them (``_offset``) and the anchor of ``days_since_open`` mode
(``_anchor``). ``anonymise`` then applies the date mode and writes the chunk.
"""
from __future__ import annotations

import dataclasses as dc
import datetime as dt
import json
from typing import Callable

import numpy as np

from ..store.sessions import ANSWERS, SESSION_TEXT
from .kanon import age_band, years_band

FUNCTIONS = ("management", "support", "development", "mediation")
ANSWER_WORDS = ("yes", "no", "maybe")
NAT = np.datetime64("NaT", "D")


def dates(values) -> np.ndarray:
    """ISO strings, dates or date-times (None: NaT) as ``datetime64[D]``."""
    out = []
    for v in values:
        if v is None or v == "":
            out.append(None)
        elif isinstance(v, str):
            out.append(v[:10])
        elif isinstance(v, dt.datetime):
            out.append(v.date())
        else:
            out.append(v)
    return np.array(out, dtype="datetime64[D]")


def loads(v, empty):
    """A JSON column's value: parsed already (PostgreSQL) or a string (SQLite)."""
    if v is None or v == "":
        return empty
    if isinstance(v, (str, bytes)):
        try:
            v = json.loads(v)
        except ValueError:
            return empty
    return v if isinstance(v, type(empty)) else empty


def days_between(later: np.ndarray, earlier: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(whole days ``later - earlier`` as int32, mask of missing)."""
    missing = np.isnat(later) | np.isnat(earlier)
    diff = np.where(missing, 0, (later - earlier).astype("timedelta64[D]").astype(np.int64))
    return diff.astype(np.int32), missing


@dc.dataclass
class Context:
    """What every chunk needs: pseudonyms, text scrubber, per-practitioner facts, options."""
    pseudo: object
    scrub: object
    as_of: dt.date
    anchors: dict            # practitioner id -> datetime64[D] first session (days mode)
    policies: dict           # practitioner id -> (setting, interval days, counts types)
    kanon: object = None

    def offsets(self, kind: str, ids) -> np.ndarray:
        f = self.pseudo.shift_days
        return np.array([f(kind, i) for i in ids], dtype=np.int64)

    def person_anchors(self, ids) -> np.ndarray:
        a = self.anchors
        return np.array([a.get(i, NAT) for i in ids], dtype="datetime64[D]")

    def text(self, values, case_ids) -> list[str]:
        out = self.scrub.column(values, case_ids)
        self.scrub.account(out)
        return out


@dc.dataclass(frozen=True)
class Table:
    name: str
    select: str
    frm: str
    order: str
    team: str = ""       # SQL condition on :team
    since: str = ""      # SQL condition on :since
    release: Callable = None

    def query(self, since, team) -> tuple[str, str, dict]:
        """(select SQL, count SQL, parameters) for these filters."""
        where, params = [], {}
        if team is not None and self.team:
            where.append(self.team)
            params["team"] = team
        if since is not None and self.since:
            where.append(self.since)
            params["since"] = since.isoformat()
        w = (" WHERE " + " AND ".join(f"({c})" for c in where)) if where else ""
        return (f"SELECT {self.select} FROM {self.frm}{w} ORDER BY {self.order}",
                f"SELECT COUNT(*) FROM {self.frm}{w}", params)


def text_keys(case_ids, session_ids) -> list:
    """The redaction key of each row's text: its case, else its session (whose discussed
    cases give the people their roles), else None."""
    return [c if c else (("session", s) if s else None) for c, s in zip(case_ids, session_ids)]


def _practitioners(c: dict, ctx: Context) -> dict:
    ids = c["id"]
    p = ctx.pseudo
    pol = [ctx.policies.get(i, (None, None, "")) for i in ids]
    asye, left = dates(c["asye_start"]), dates(c["leaving_date"])
    return {
        "id": p.ids("practitioner", ids),
        "line_manager_id": p.ids("practitioner", c["line_manager_id"]),
        "role": list(c["role"]), "team": [p.team(t) for t in c["team"]],
        "agency_type": list(c["agency_type"]), "newly_qualified": ~np.isnat(asye),
        "asye_start": asye,
        "qualified_years_band": [years_band(q, ctx.as_of) if q else "unknown"
                                 for q in c["qualified_date"]],
        "left": ~np.isnat(left) & (left <= np.datetime64(ctx.as_of, "D")),
        "policy_setting": [x[0] for x in pol], "policy_interval_days": [x[1] for x in pol],
        "policy_counts_types": [x[2] for x in pol],
        "_offset": ctx.offsets("practitioner", ids), "_anchor": ctx.person_anchors(ids)}


def case_qi(row: dict, pseudo) -> tuple:
    """The recorded quasi-identifiers of one case row."""
    return (pseudo.team(row["team"]), row["agency_type"] or "", row["status"] or "",
            age_band(row["child_dob"], row["opened"]))


def _cases(c: dict, ctx: Context) -> dict:
    ids = c["id"]
    p = ctx.pseudo
    keys = list(c)
    released = [ctx.kanon.release(case_qi(dict(zip(keys, r)), p)) for r in zip(*c.values())]
    opened = dates(c["opened"])
    return {
        "id": p.ids("case", ids), "worker_id": p.ids("practitioner", c["worker_id"]),
        "team": [r[0] for r in released], "agency_type": [r[1] for r in released],
        "status": [r[2] for r in released], "child_age_band": [r[3] for r in released],
        "n_children": c["n_children"], "n_adults": c["n_adults"],
        "status_changes": c["status_changes"], "opened": opened, "closed": dates(c["closed"]),
        "_offset": ctx.offsets("case", ids), "_anchor": opened}


def _sessions(c: dict, ctx: Context) -> dict:
    p = ctx.pseudo
    who = c["supervisee_id"]
    fns = [[x for x in loads(f, []) if x in FUNCTIONS] for f in c["functions"]]
    content = [loads(x, {}) for x in c["content"]]
    keys = [("session", s) for s in c["id"]]
    out = {
        "id": p.ids("session", c["id"]), "supervisee_id": p.ids("practitioner", who),
        "supervisor_id": p.ids("practitioner", c["supervisor_id"]),
        "supervisee_position": c["supervisee_position"], "n_supervisees": c["n_supervisees"],
        "date": dates(c["date"]), "type": list(c["type"]), "state": list(c["state"]),
        "functions": [";".join(str(x) for x in f) for f in fns],
        **{f"covers_{f}": [f in fs for fs in fns] for f in FUNCTIONS},
        "next_session_date": dates(c["next_session_date"]),
        "duration_minutes": c["duration_minutes"],
        "cancelled_reason": ctx.text(c["cancelled_reason"], keys),
        "return_date": dates(c["return_date"]), "recorded_date": dates(c["recorded_date"]),
        "_offset": ctx.offsets("practitioner", who), "_anchor": ctx.person_anchors(who)}
    for k in SESSION_TEXT:
        out[k] = ctx.text([x.get(k) for x in content], keys)
    return out


def _discussions(c: dict, ctx: Context) -> dict:
    p = ctx.pseudo
    cases = c["case_id"]
    day, opened = dates(c["date"]), dates(c["opened"])
    since_open, miss = days_between(day, opened)
    ov, ov_miss = days_between(dates(c["oversight_at"]), day)
    answers = [loads(x, {}) for x in c["answers"]]
    out = {
        "id": p.ids("discussion", c["id"]), "session_id": p.ids("session", c["session_id"]),
        "case_id": p.ids("case", cases),
        "oversight_manager_id": p.ids("practitioner", c["oversight_manager_id"]),
        "position": c["position"], "date": day,
        "days_since_case_open": np.ma.masked_array(since_open, miss),
        "case_status": list(c["case_status"]), "session_type": list(c["session_type"]),
        "session_state": list(c["session_state"]), "rag": list(c["rag"]),
        "quarterly_review": [bool(x) for x in c["quarterly_review"]],
        "needs_oversight": [bool(x) for x in c["needs_oversight"]],
        "oversight_status": list(c["oversight_status"]),
        "oversight_days": np.ma.masked_array(ov, ov_miss),
        "oversight_reason": ctx.text(c["oversight_reason"], cases),
        "_offset": ctx.offsets("case", cases), "_anchor": opened}
    for k in ANSWERS:
        out[k] = ctx.text([a.get(k) for a in answers], cases)
    return out


def _owner_offsets(c: dict, ctx: Context) -> tuple[np.ndarray, np.ndarray]:
    """Per action: (offset, anchor) of its case, else its owner, else its supervisor."""
    offs, anchors = [], []
    f = ctx.pseudo.shift_days
    made = dates(c["made_date"])
    opened = dates(c["opened"])
    for i, (case, owner, sup) in enumerate(zip(c["case_id"], c["owner_id"], c["supervisor_id"])):
        if case:
            offs.append(f("case", case))
            anchors.append(opened[i])
        elif owner or sup:
            offs.append(f("practitioner", owner or sup))
            anchors.append(ctx.anchors.get(owner or sup, made[i]))
        else:
            offs.append(f("action", c["id"][i]))
            anchors.append(made[i])
    return np.array(offs, dtype=np.int64), np.array(anchors, dtype="datetime64[D]")


def _actions(c: dict, ctx: Context) -> dict:
    p = ctx.pseudo
    due, done_on = dates(c["due_date"]), dates(c["completed_date"])
    status = list(c["status"])
    today = np.datetime64(ctx.as_of, "D")
    is_open = np.array([s == "open" for s in status], dtype=bool)
    is_done = np.array([s == "done" for s in status], dtype=bool)
    both = is_done & ~np.isnat(due) & ~np.isnat(done_on)
    off, anchor = _owner_offsets(c, ctx)
    return {
        "id": p.ids("action", c["id"]), "session_id": p.ids("session", c["session_id"]),
        "case_id": p.ids("case", c["case_id"]), "owner_id": p.ids("practitioner", c["owner_id"]),
        "reviewed_session_id": p.ids("session", c["reviewed_session_id"]),
        "position": c["position"], "status": status, "made_date": dates(c["made_date"]),
        "due_date": due, "completed_date": done_on, "reviewed_date": dates(c["reviewed_date"]),
        "has_owner": [bool(o) for o in c["owner_id"]], "has_due_date": ~np.isnat(due),
        "overdue_at_export": is_open & ~np.isnat(due) & (due < today),
        "completed_on_time": np.ma.masked_array(both & (done_on <= due), ~both),
        "description": ctx.text(c["description"], text_keys(c["case_id"], c["session_id"])),
        "_offset": off, "_anchor": anchor}


def _reflections(c: dict, ctx: Context) -> dict:
    p = ctx.pseudo
    cases, authors = c["case_id"], c["author_id"]
    created = dates(c["created"])
    created = np.where(np.isnat(created), dates(c["session_date"]), created)
    f = ctx.pseudo.shift_days
    offs = np.array([f("case", k) if k else f("practitioner", a) for k, a in zip(cases, authors)],
                    dtype=np.int64)
    opened = dates(c["opened"])
    anchors = np.where(np.isnat(opened), ctx.person_anchors(authors), opened)
    responses, n = [], []
    keys = text_keys(cases, c["session_id"])
    for raw, case in zip(c["responses"], keys):
        r = loads(raw, {})
        clean = {ctx.scrub(str(k), case): ctx.scrub(v if isinstance(v, str) else json.dumps(v), case)
                 for k, v in r.items()}
        n.append(sum(1 for v in r.values() if v))
        responses.append(json.dumps(clean, ensure_ascii=False))
    ctx.scrub.account(responses)
    return {
        "id": p.ids("reflection", c["id"]), "author_id": p.ids("practitioner", authors),
        "session_id": p.ids("session", c["session_id"]), "case_id": p.ids("case", cases),
        "exercise_id": p.ids("exercise", c["exercise_id"]),
        "framework": ctx.scrub.column(c["framework"], keys),
        "created": created, "n_stages": n, "responses": responses,
        "_offset": offs, "_anchor": anchors}


def _evaluations(c: dict, ctx: Context) -> dict:
    p = ctx.pseudo
    who = c["supervisee_id"]
    answers = [loads(a, []) for a in c["answers"]]
    keys = text_keys([None] * len(who), c["session_id"])
    out = {
        "id": p.ids("evaluation", c["id"]), "supervisee_id": p.ids("practitioner", who),
        "supervisor_id": p.ids("practitioner", c["supervisor_id"]),
        "session_id": p.ids("session", c["session_id"]), "date": dates(c["date"]),
        "more_of": ctx.text(c["more_of"], keys), "less_of": ctx.text(c["less_of"], keys),
        "_offset": ctx.offsets("practitioner", who), "_anchor": ctx.person_anchors(who)}
    for i in range(10):
        # Only the tool's three answers: anything else typed into the JSON is not released.
        out[f"q{i + 1}"] = [a[i] if i < len(a) and a[i] in ANSWER_WORDS else None for a in answers]
    return out


_IN_TEAM = "SELECT id FROM practitioners WHERE team = :team"
_STATUS_AT = ("(SELECT h.status FROM case_status_history h WHERE h.case_id = d.case_id "
              "AND h.from_date <= s.date ORDER BY h.from_date DESC, h.id DESC LIMIT 1)")
_STATUS_FIRST = ("(SELECT h.status FROM case_status_history h WHERE h.case_id = d.case_id "
                 "ORDER BY h.from_date, h.id LIMIT 1)")
_CASE_SQL = (
    "c.id, c.worker_id, c.status, c.opened, c.closed, w.team, w.agency_type, "
    "(SELECT p.dob FROM case_people p WHERE p.case_id = c.id AND p.role = 'child' "
    "ORDER BY p.position, p.id LIMIT 1) AS child_dob, "
    "(SELECT COUNT(*) FROM case_people p WHERE p.case_id = c.id AND p.role = 'child') AS n_children, "
    "(SELECT COUNT(*) FROM case_people p WHERE p.case_id = c.id AND p.role <> 'child') AS n_adults, "
    "(SELECT COUNT(*) FROM case_status_history h WHERE h.case_id = c.id) AS status_changes")

TABLES = (
    Table("practitioners",
          "p.id, p.line_manager_id, p.role, p.team, p.agency_type, p.asye_start, "
          "p.qualified_date, p.leaving_date", "practitioners p", "p.id",
          team="p.team = :team", release=_practitioners),
    Table("cases", _CASE_SQL, "cases c JOIN practitioners w ON w.id = c.worker_id", "c.id",
          team="w.team = :team", since="c.closed IS NULL OR c.closed >= :since", release=_cases),
    Table("sessions",
          "s.id, a.practitioner_id AS supervisee_id, a.position AS supervisee_position, "
          "(SELECT COUNT(*) FROM session_attendees x WHERE x.session_id = s.id) AS n_supervisees, "
          "s.date, s.type, s.supervisor_id, s.state, s.functions, s.next_session_date, "
          "s.duration_minutes, s.cancelled_reason, s.return_date, s.recorded_date, s.content",
          "sessions s JOIN session_attendees a ON a.session_id = s.id", "s.id, a.position",
          team=f"a.practitioner_id IN ({_IN_TEAM})", since="s.date >= :since", release=_sessions),
    Table("case_discussions",
          "d.id, d.session_id, d.case_id, d.position, s.date, c.opened, "
          f"COALESCE({_STATUS_AT}, {_STATUS_FIRST}, c.status) AS case_status, "
          "s.type AS session_type, s.state AS session_state, d.rag, d.quarterly_review, "
          "d.needs_oversight, d.oversight_status, d.oversight_manager_id, d.oversight_at, "
          "d.oversight_reason, d.answers",
          "case_discussions d JOIN sessions s ON s.id = d.session_id "
          "JOIN cases c ON c.id = d.case_id", "d.id",
          team=f"c.worker_id IN ({_IN_TEAM})", since="s.date >= :since", release=_discussions),
    Table("actions",
          "a.id, a.session_id, a.case_id, a.owner_id, a.reviewed_session_id, a.position, "
          "a.status, s.date AS made_date, a.due_date, a.completed_date, r.date AS reviewed_date, "
          "c.opened, s.supervisor_id, a.description",
          "actions a LEFT JOIN sessions s ON s.id = a.session_id "
          "LEFT JOIN sessions r ON r.id = a.reviewed_session_id LEFT JOIN cases c ON c.id = a.case_id",
          "a.id", team=f"a.owner_id IN ({_IN_TEAM}) OR c.worker_id IN ({_IN_TEAM})",
          since="s.date >= :since OR (s.date IS NULL AND a.due_date >= :since)", release=_actions),
    Table("reflections",
          "r.id, r.author_id, r.session_id, r.case_id, r.exercise_id, r.framework, r.created, "
          "c.opened, s.date AS session_date, r.responses",
          "reflections r LEFT JOIN cases c ON c.id = r.case_id "
          "LEFT JOIN sessions s ON s.id = r.session_id", "r.id",
          team=f"r.author_id IN ({_IN_TEAM})",
          since="r.created >= :since OR (r.created IS NULL AND s.date >= :since)",
          release=_reflections),
    Table("evaluations",
          "e.id, e.supervisee_id, e.supervisor_id, e.session_id, e.date, e.answers, e.more_of, "
          "e.less_of", "evaluations e", "e.id",
          team=f"e.supervisee_id IN ({_IN_TEAM})", since="e.date >= :since", release=_evaluations),
)
