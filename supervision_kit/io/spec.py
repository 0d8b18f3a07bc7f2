"""The dataset format: per-table column specs derived from the schema, and its JSON Schema.

A dataset is one JSON object: {"format": "supervision_kit.dataset", "version": 1,
"practitioners": [row, ...], "cases": [...], ...} with one list of rows per table, in
foreign-key order (the audit log and discarded drafts are never part of a dataset; a backup
keeps them). A row is an object with one
key per column: dates as YYYY-MM-DD, date-times as YYYY-MM-DDTHH:MM:SS[.ffffff] (no
offset), JSON columns as objects or lists. A missing or null column takes its default;
required columns have none. Rows are exported sorted by primary key.

Regenerate ``templates/dataset.schema.json`` with ``python -m supervision_kit.io.spec``.
"""
from __future__ import annotations

import dataclasses as dc
import functools
import json
from pathlib import Path

FORMAT = "supervision_kit.dataset"
VERSION = 1
TABLE_ORDER = (
    "practitioners", "cases", "case_people", "case_status_history", "case_meetings",
    "contracts", "sessions",
    "bookings", "session_attendees", "case_discussions", "actions", "action_reviews", "disagreements",
    "reflections", "agenda_items", "signatures", "addenda", "evaluations", "observations", "requests",
    "training_records", "exercises", "exercise_ratings")
SCHEMA_FILE = Path(__file__).resolve().parents[2] / "templates" / "dataset.schema.json"
REQUIRED = object()  # marker: a column with no default that must be given

TABLE_DOCS = {
    "practitioners": "Users and practitioners: supervisors, supervisees, managers, auditors, "
                     "researchers, trainers, admins.",
    "cases": "A child or family worked by a practitioner.",
    "case_people": "The people in a case (names, dates of birth, addresses are identifiers).",
    "case_status_history": "Each status a case has had, from a date.",
    "case_meetings": "Meetings about a case (CIN review, core group, initial or review CP "
                     "conference, looked-after review) to discuss the case before.",
    "contracts": "Supervision contract between a supervisor and a supervisee; review_date is "
                 "when the next annual review is due.",
    "sessions": "A supervision record, draft to signed; free-text sections live in content.",
    "session_attendees": "The supervisee(s) of a session, in order.",
    "bookings": "Sessions booked ahead (date, time, place, length, stream) and whether each "
                "was held, cancelled (why, by whom, return from sickness) or rearranged.",
    "case_discussions": "One case discussed in a session, with the structured answers and RAG.",
    "actions": "Actions agreed in a session; status is where they stand now.",
    "action_reviews": "What a later session decided about an earlier action.",
    "disagreements": "Disagreements recorded in a session and how they were resolved or escalated.",
    "reflections": "A guided reflection (Gibbs, Kolb, ...): one response per stage.",
    "agenda_items": "What a supervisee brought to a session: an agenda item, or a case and why "
                    "(significant contact, alleged harm, partner escalation, other), with their "
                    "pre-session reflection; session_id is empty while it waits.",
    "signatures": "Who signed a session, when, and the content hash they signed.",
    "addenda": "Notes added to a signed (locked) record.",
    "evaluations": "The Supervision Evaluation Tool: ten answers yes / no / maybe.",
    "observations": "Observation of practice.",
    "requests": "Entitlement requests: three-way meetings, urgent discussions.",
    "training_records": "Safeguarding training attended.",
    "exercises": "A training exercise: vignettes and a join code.",
    "exercise_ratings": "One trainee's RAG rating of one vignette update.",
}
COLUMN_DOCS = {
    ("sessions", "content"): "Free-text sections: agenda, wellbeing, workload, sickness_absence, "
                             "training_since, learning_development, group_confidentiality.",
    ("sessions", "content_hash"): "SHA-256 of the canonical record, set when signed.",
    ("sessions", "functions"): "Functions of supervision covered in the session.",
    ("case_discussions", "answers"): "Structured answers: summary, worries, working_well, barriers, "
                                     "impact, needs, engagement, plan, proposed_amendment, "
                                     "refusal_action, decision, rationale; when a preset asks, "
                                     "actions_taken and designate_role [Temple Appendix 3].",
    ("case_discussions", "chosen_by"): "Who brought the case to the session; empty: the supervisor.",
    ("case_discussions", "choice_reason"): "Why it was brought: significant contact, alleged harm, "
                                           "partner escalation or other.",
    ("case_discussions", "rag"): "Circumstances improving (G), the same (A), worse (R).",
    ("case_discussions", "provenance"): "Answers carried or confirmed from an earlier discussion: "
                                        "{answer: {how: carried | confirmed, from: date}}.",
    ("case_people", "role"): "child, parent, carer, sibling or other.",
    ("evaluations", "answers"): "Ten answers to the evaluation statements, in order.",
    ("observations", "notes"): "setting, permissions, went_well, development_points.",
    ("practitioners", "started_in_post"): "Start in post; newly appointed phases count from it.",
    ("practitioners", "working_percent"): "Share of full time (50: half time); null: full time.",
    ("contracts", "terms"): "Agreed terms by heading (purpose, frequency, duration, venue, ...).",
    ("reflections", "responses"): "One response per stage key of the framework.",
    ("case_status_history", "id"): "Integer; may be omitted to have one assigned.",
}
# Names, references and usernames: refused with hidden characters (issue 19).
NAME_COLUMNS = {("practitioners", "name"), ("practitioners", "username"), ("practitioners", "team"),
                ("cases", "reference"), ("case_people", "first_name"), ("case_people", "last_name")}
# JSON objects whose values are typed text.
TEXT_DICTS = {("sessions", "content"), ("case_discussions", "answers"),
              ("reflections", "responses"), ("observations", "notes"), ("contracts", "terms")}


@dc.dataclass(frozen=True)
class ColSpec:
    """How one column is written in a dataset and checked on import."""
    name: str
    kind: str                      # str, int, bool, date, datetime, dict, list
    default: object = None         # REQUIRED, None (nullable) or the value a gap takes
    nullable: bool = True
    max_len: int | None = None
    enum: tuple[str, ...] | None = None
    ref: str | None = None         # table whose id this column refers to
    items_enum: tuple[str, ...] | None = None
    items_nullable: bool = False
    length: int | None = None
    text_values: bool = False
    autoincrement: bool = False
    id_like: bool = False          # matches ``domain.identifiers.ID_PATTERN``
    plain: bool = False            # a name: no control, bidirectional or invisible characters


def _enums() -> dict:
    from ..domain.enums import (RAG, ActionStatus, AgencyType, CaseStatus, OversightStatus,
                                ReviewOutcome, Role, SessionState, SessionType)
    return {("practitioners", "role"): Role, ("practitioners", "agency_type"): AgencyType,
            ("cases", "status"): CaseStatus, ("case_status_history", "status"): CaseStatus,
            ("sessions", "type"): SessionType, ("sessions", "state"): SessionState,
            ("case_discussions", "rag"): RAG, ("case_discussions", "oversight_status"): OversightStatus,
            ("actions", "status"): ActionStatus, ("action_reviews", "outcome"): ReviewOutcome,
            ("exercise_ratings", "rating"): RAG}


def _json_kinds() -> dict:
    """dict or list for every JSON column, read from the ORM annotations (Mapped[dict])."""
    from sqlalchemy import JSON

    from ..store.schema import Base
    out = {}
    for mapper in Base.registry.mappers:
        cls = mapper.class_
        for prop in mapper.column_attrs:
            col = prop.columns[0]
            if isinstance(col.type, JSON):
                ann = str(cls.__annotations__.get(prop.key, "")).replace(" ", "")
                kind = "dict" if ann.startswith("Mapped[dict") else \
                    "list" if ann.startswith("Mapped[list") else None
                if kind is None:
                    raise TypeError(f"{col.table.name}.{col.name}: annotate as Mapped[dict] or Mapped[list]")
                out[(col.table.name, col.name)] = kind
    return out


@functools.cache
def table_specs() -> dict[str, tuple[ColSpec, ...]]:
    """Column specs of every dataset table, in ``TABLE_ORDER``."""
    from sqlalchemy import JSON, Boolean, Date, DateTime, Integer, String, Text

    from ..domain.enums import Answer, Function
    from ..store.schema import Base
    enums, json_kinds = _enums(), _json_kinds()
    specs = {}
    for tname in TABLE_ORDER:
        table = Base.metadata.tables[tname]
        cols = []
        for c in table.columns:
            key = (tname, c.name)
            extra: dict = {}
            if isinstance(c.type, DateTime):
                kind = "datetime"
            elif isinstance(c.type, Date):
                kind = "date"
            elif isinstance(c.type, Boolean):
                kind = "bool"
            elif isinstance(c.type, Integer):
                kind = "int"
            elif isinstance(c.type, JSON):
                kind = json_kinds[key]
                extra["text_values"] = key in TEXT_DICTS
            elif isinstance(c.type, (String, Text)):
                kind = "str"
                extra["max_len"] = getattr(c.type, "length", None)
                extra["id_like"] = c.name == "id" or c.name.endswith("_id")
                extra["plain"] = key in NAME_COLUMNS
            else:  # a new column type: teach the dataset format about it
                raise TypeError(f"{tname}.{c.name}: unsupported type {c.type!r}")
            if c.default is not None:
                default = ({} if kind == "dict" else []) if c.default.is_callable else c.default.arg
            elif c.nullable:
                default = None
            else:
                default = REQUIRED
            autoinc = c.primary_key and kind == "int" and len(table.primary_key.columns) == 1
            if autoinc:
                default = None
            if key in enums:
                extra["enum"] = tuple(m.value for m in enums[key])
            fks = list(c.foreign_keys)
            cols.append(ColSpec(c.name, kind, default, c.nullable or autoinc,
                                ref=fks[0].column.table.name if fks else None,
                                autoincrement=autoinc, **extra))
        specs[tname] = tuple(cols)
    specs["sessions"] = tuple(
        dc.replace(c, items_enum=tuple(m.value for m in Function)) if c.name == "functions" else c
        for c in specs["sessions"])
    specs["evaluations"] = tuple(
        dc.replace(c, items_enum=tuple(m.value for m in Answer), items_nullable=True, length=10)
        if c.name == "answers" else c for c in specs["evaluations"])
    return specs


def primary_key(table: str) -> tuple[str, ...]:
    """Primary-key column names of a dataset table."""
    from ..store.schema import Base
    return tuple(c.name for c in Base.metadata.tables[table].primary_key.columns)


DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
DATETIME_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?$"


def _column_schema(table: str, c: ColSpec) -> dict:
    if c.kind == "str":
        s: dict = {"type": "string"}
        if c.max_len:
            s["maxLength"] = c.max_len
        if c.enum:
            s["enum"] = list(c.enum)
        if c.id_like:
            from ..domain.identifiers import ID_PATTERN
            s["pattern"] = ID_PATTERN
    elif c.kind == "int":
        s = {"type": "integer"}
    elif c.kind == "bool":
        s = {"type": "boolean"}
    elif c.kind == "date":
        s = {"type": "string", "pattern": DATE_PATTERN}
    elif c.kind == "datetime":
        s = {"type": "string", "pattern": DATETIME_PATTERN}
    elif c.kind == "dict":
        s = {"type": "object"}
        if c.text_values:
            s["additionalProperties"] = {"type": "string"}
    else:
        s = {"type": "array"}
        if c.items_enum:
            s["items"] = {"enum": list(c.items_enum) + ([None] if c.items_nullable else [])}
        if c.length:
            s["minItems"] = s["maxItems"] = c.length
    if c.nullable and c.default is None:
        s = ({**s, "type": ["string", "null"], "enum": s["enum"] + [None]} if "enum" in s
             else {"anyOf": [s, {"type": "null"}]})
    doc = COLUMN_DOCS.get((table, c.name))
    if c.ref:
        doc = (doc + " " if doc else "") + f"Refers to {c.ref}.{primary_key(c.ref)[0]}."
    if doc:
        s = {"description": doc, **s}
    return s


def json_schema() -> dict:
    """The JSON Schema (draft 2020-12) of a dataset, built from ``table_specs``."""
    tables = {}
    for tname, cols in table_specs().items():
        tables[tname] = {
            "type": "array", "description": TABLE_DOCS[tname],
            "items": {"type": "object", "additionalProperties": False,
                      "required": [c.name for c in cols if c.default is REQUIRED],
                      "properties": {c.name: _column_schema(tname, c) for c in cols}}}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://supervision-kit.example/dataset.schema.json",
        "title": "supervision_kit dataset",
        "description": __doc__.split("\n\n")[1].replace("\n", " "),
        "type": "object", "additionalProperties": False,
        "required": ["format", "version"],
        "properties": {"format": {"const": FORMAT}, "version": {"const": VERSION}, **tables}}


if __name__ == "__main__":
    SCHEMA_FILE.write_text(json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {SCHEMA_FILE}")
