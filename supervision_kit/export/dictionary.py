"""The research export's tables, columns and placeholders, and its data dictionary.

``TABLES`` is the one description of the export: ``anonymise`` builds its Arrow schemas
from it and ``write_dictionary`` writes it out as ``dictionary.md`` and ``dictionary.json``
with the Parquet, DuckDB and Spark type of every column.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import NamedTuple

from ..store.sessions import ANSWERS, SESSION_TEXT


class Col(NamedTuple):
    name: str
    kind: str          # id, str, text (de-identified free text), bool, int, date
    doc: str
    anchor: str = ""   # dates: "case" or "person" (whose offset / anchor applies)


def _ids(*pairs) -> list[Col]:
    return [Col(n, "id", d) for n, d in pairs]


_FUNCTIONS = ("management", "support", "development", "mediation")

TABLES: dict[str, tuple[str, list[Col]]] = {
    "practitioners": ("One row per practitioner or user (no names, usernames or e-mails).", [
        *_ids(("id", "Pseudonymous practitioner id."),
              ("line_manager_id", "Pseudonymous id of the line manager.")),
        Col("role", "str", "practitioner, supervisor, manager, auditor, researcher, trainer, admin."),
        Col("team", "str", "Pseudonymous team (TEAM_ + 8 hex digits; empty when none): a "
                           "team's name can name a school or a clinic."),
        Col("agency_type", "str", "children's social care, school, health, early help, other."),
        Col("newly_qualified", "bool", "Has an ASYE (newly qualified) start date."),
        Col("asye_start", "date", "ASYE start, moved like the practitioner's sessions.", "person"),
        Col("qualified_years_band", "str", "Years since qualifying at the export date: "
                                           "<2, 2-4, 5-9, 10+ or unknown."),
        Col("left", "bool", "Had left the agency at the export date."),
        Col("policy_setting", "str", "Setting of the supervision policy of the latest contract "
                                     "as supervisee (the agency default without one): children's "
                                     "social care, school, health, other. Preset names are not "
                                     "released: an agency may name one after a school."),
        Col("policy_interval_days", "int", "Nominal longest gap between supervisions that "
                                           "the preset allows, in days (a month counts as up to 31 days: "
                                           "monthly 31, two months 62, quarterly 92)."),
        Col("policy_counts_types", "str", "Session types counting towards that frequency, "
                                          "';'-separated."),
    ]),
    "cases": ("One row per case. team, agency_type, status and child_age_band are the "
              "quasi-identifiers of the k-anonymity report, released generalised or "
              "suppressed ('*') as that report says.", [
        *_ids(("id", "Pseudonymous case id (no case reference survives)."),
              ("worker_id", "Pseudonymous id of the allocated worker.")),
        Col("team", "str", "Worker's pseudonymous team ('*' when generalised away)."),
        Col("agency_type", "str", "Worker's agency type ('*' when suppressed)."),
        Col("status", "str", "Case status at the export date ('*' when suppressed)."),
        Col("child_age_band", "str", "Age band of the first-listed child when the case "
                                     "opened: under 1, 1-4, 5-9, 10-15, 16+ (or 0-4, 5-15, "
                                     "16+ when generalised; unknown; '*')."),
        Col("n_children", "int", "Children named in the case."),
        Col("n_adults", "int", "Parents, carers and others named in the case."),
        Col("status_changes", "int", "Entries in the case's status history."),
        Col("opened", "date", "Date the case opened.", "case"),
        Col("closed", "date", "Date the case closed (null while open).", "case"),
    ]),
    "sessions": ("One row per session and supervisee (a group session has one row per "
                 "supervisee). Dates move by the supervisee's offset, so each supervisee's "
                 "intervals between sessions are exact.", [
        *_ids(("id", "Pseudonymous session id."), ("supervisee_id", "Pseudonymous supervisee."),
              ("supervisor_id", "Pseudonymous supervisor.")),
        Col("supervisee_position", "int", "Order of this supervisee in the session (0 first)."),
        Col("n_supervisees", "int", "Supervisees in the session."),
        Col("date", "date", "Date of the session.", "person"),
        Col("type", "str", "one-to-one, group, ad-hoc, clinical."),
        Col("state", "str", "draft, awaiting signatures, signed, cancelled."),
        Col("functions", "str", "Functions of supervision covered, ';'-separated."),
        *[Col(f"covers_{f}", "bool", f"The {f} function was covered.") for f in _FUNCTIONS],
        Col("next_session_date", "date", "Date set for the next session.", "person"),
        Col("duration_minutes", "int", "Length of the session in minutes."),
        Col("cancelled_reason", "text", "Why a cancelled session was cancelled."),
        Col("return_date", "date", "Return to work after sickness (cancelled sessions).", "person"),
        Col("recorded_date", "date", "Date the record was entered.", "person"),
        *[Col(k, "text", f"Free text: {k.replace('_', ' ')}.") for k in SESSION_TEXT],
    ]),
    "case_discussions": ("One row per case discussed in a session. Dates move by the "
                         "case's offset: a discussion's date can differ from its session's "
                         "row in sessions, which moves by the supervisee's offset.", [
        *_ids(("id", "Pseudonymous discussion id."), ("session_id", "Pseudonymous session."),
              ("case_id", "Pseudonymous case."),
              ("oversight_manager_id", "Pseudonymous manager giving oversight.")),
        Col("position", "int", "Order of the discussion in the session."),
        Col("date", "date", "Date of the session that discussed the case.", "case"),
        Col("days_since_case_open", "int", "Days from the case opening to this discussion."),
        Col("case_status", "str", "Case status on the date of the discussion."),
        Col("session_type", "str", "Type of the session."),
        Col("session_state", "str", "State of the session."),
        Col("rag", "str", "G improving, A the same, R worse (null: not rated)."),
        Col("quarterly_review", "bool", "Marked as the quarterly case review."),
        Col("needs_oversight", "bool", "Decision needs management oversight."),
        Col("oversight_status", "str", "Where that oversight stands."),
        Col("oversight_days", "int", "Days from the session to the oversight answer."),
        Col("oversight_reason", "text", "Free text: the manager's reason."),
        *[Col(k, "text", f"Free text: {k.replace('_', ' ')}.") for k in ANSWERS],
    ]),
    "actions": ("One row per action. Dates move by the case's offset (by the owner's, or "
                "else the supervisor's, for an action without a case).", [
        *_ids(("id", "Pseudonymous action id."), ("session_id", "Session that agreed it."),
              ("case_id", "Pseudonymous case (null: not about one case)."),
              ("owner_id", "Pseudonymous owner."),
              ("reviewed_session_id", "Session that last reviewed it.")),
        Col("position", "int", "Order in its session."),
        Col("status", "str", "open, done, dropped."),
        Col("made_date", "date", "Date of the session that agreed it.", "case"),
        Col("due_date", "date", "Due date.", "case"),
        Col("completed_date", "date", "Date completed.", "case"),
        Col("reviewed_date", "date", "Date of the session that last reviewed it.", "case"),
        Col("has_owner", "bool", "Has an owner (SMART)."),
        Col("has_due_date", "bool", "Has a due date (SMART)."),
        Col("overdue_at_export", "bool", "Open and past its due date at the export date."),
        Col("completed_on_time", "bool", "Done by its due date (null unless done with both dates)."),
        Col("description", "text", "Free text: what is to be done."),
    ]),
    "reflections": ("One row per guided reflection. Dates move by the case's offset (by "
                    "the author's without a case).", [
        *_ids(("id", "Pseudonymous reflection id."), ("author_id", "Pseudonymous author."),
              ("session_id", "Pseudonymous session (null: own reflection)."),
              ("case_id", "Pseudonymous case (null: none)."),
              ("exercise_id", "Pseudonymous training exercise (null: none).")),
        Col("framework", "str", "Reflection framework (gibbs, kolb, ...)."),
        Col("created", "date", "Date written.", "case"),
        Col("n_stages", "int", "Stages with a response."),
        Col("responses", "text", "Free text: a JSON object, stage -> response."),
    ]),
    "evaluations": ("One row per completed Supervision Evaluation Tool. Dates move by the "
                    "supervisee's offset.", [
        *_ids(("id", "Pseudonymous evaluation id."), ("supervisee_id", "Who evaluated."),
              ("supervisor_id", "Supervisor evaluated."),
              ("session_id", "Session evaluated (null: none).")),
        Col("date", "date", "Date of the evaluation.", "person"),
        *[Col(f"q{i}", "str", f"Answer to statement {i}: yes, no, maybe or null.")
          for i in range(1, 11)],
        Col("more_of", "text", "Free text: more of."),
        Col("less_of", "text", "Free text: less of."),
    ]),
}

PLACEHOLDERS = {
    "[CHILD_n]": "The n-th child of the case (numbered in the case's list; the same child "
                 "has the same number everywhere in that case). In a session's own notes "
                 "(sessions table, and actions, reflections and evaluations with no case) the "
                 "people of the cases the session discussed, numbered across those cases in "
                 "the order discussed (with one case, as in that case).",
    "[PARENT_n]": "The n-th parent of the case.", "[CARER_n]": "The n-th carer of the case.",
    "[SIBLING_n]": "The n-th sibling of the case.",
    "[OTHER_n]": "The n-th other person of the case.",
    "[FAMILY_n]": "A surname shared by two or more people of the case.",
    "[WORKER]": "A practitioner or other member of staff.",
    "[PERSON]": "A person known to the store but not part of this case (or text with no case); "
                "also an initial with a surname that fits no single adult of the case (an "
                "initial is never resolved to a child), and a word one letter from the names "
                "of two different people.",
    "[ORGANISATION]": "An organisation named after a recorded person, with the rest of its "
                      "name: '(surname) Medical Centre', 'St (name)'s Primary School', "
                      "'(surname) Surgery' (a surname in a school's or surgery's name tells "
                      "where a family lives, so it is not labelled as a person).",
    "[TEAM]": "The name of a team, school or clinic known to the store.",
    "[POSTCODE]": "A UK postcode.", "[PHONE]": "A telephone number.",
    "[EMAIL]": "An e-mail address.", "[URL]": "A web address.", "[HANDLE]": "A social-media handle.",
    "[NHS_NUMBER]": "A 10-digit NHS number with a valid check digit.",
    "[NI_NUMBER]": "A National Insurance number.",
    "[NUMBER]": "Any other long number (6+ digits, or 10 digits failing the NHS check).",
    "[DATE]": "A date (day and month, or month and year, in any common format).",
    "[ADDRESS]": "A street address or flat number.", "[CASE_REF]": "A case reference.",
}
FILES = {
    "<table>.parquet": "The table in Parquet: one row group per chunk read from the store.",
    "<table>.csv": "The same table as CSV: UTF-8, a header row, dates YYYY-MM-DD, true/false, "
                   "empty for null, text in double quotes (values may hold line breaks).",
    "dictionary.md / dictionary.json": "This data dictionary.",
    "report.md / report.json": "Rows per table, placeholders used, residual risk and k-anonymity.",
    "residual_risk.csv": "What is left in the free text that may still identify someone, "
                         "grouped by reason (reason, word, count; the reasons are explained "
                         "in report.md): capitalised words that are neither common English "
                         "words nor placeholders. Review before release.",
    "kanon_cells.csv": "The released quasi-identifier cells of the cases table and their sizes.",
}
_TYPES = {  # kind -> (arrow, parquet, duckdb, spark)
    "id": ("string", "BYTE_ARRAY (UTF8)", "VARCHAR", "STRING"),
    "str": ("string", "BYTE_ARRAY (UTF8)", "VARCHAR", "STRING"),
    "text": ("string", "BYTE_ARRAY (UTF8)", "VARCHAR", "STRING"),
    "bool": ("bool", "BOOLEAN", "BOOLEAN", "BOOLEAN"),
    "int": ("int32", "INT32", "INTEGER", "INT"),
    "date": ("date32", "INT32 (DATE)", "DATE", "DATE"),
}


def columns(table: str, date_mode: str) -> list[Col]:
    """The columns of ``table`` as released: in ``days_since_open`` mode every date ``x``
    becomes the integer ``x_day``."""
    out = []
    for c in TABLES[table][1]:
        if c.kind == "date" and date_mode != "shift":
            what = "case opened" if c.anchor == "case" else "practitioner's first session"
            out.append(Col(c.name + "_day", "int", f"{c.doc} Days since the {what}.", c.anchor))
        else:
            out.append(c)
    return out


def arrow_schema(table: str, date_mode: str):
    """The Arrow schema of one released table."""
    import pyarrow as pa
    types = {"id": pa.string(), "str": pa.string(), "text": pa.string(), "bool": pa.bool_(),
             "int": pa.int32(), "date": pa.date32()}
    return pa.schema([pa.field(c.name, types[c.kind]) for c in columns(table, date_mode)])


def dictionary(date_mode: str, settings: dict) -> dict:
    """The data dictionary as JSON-ready data."""
    tables = {}
    for name, (doc, _) in TABLES.items():
        cols = []
        for c in columns(name, date_mode):
            arrow, parquet, duck, spark = _TYPES[c.kind]
            cols.append({"name": c.name, "description": c.doc, "arrow": arrow,
                         "parquet": parquet, "duckdb": duck, "spark": spark,
                         "free_text": c.kind == "text", "nullable": True})
        tables[name] = {"description": doc, "files": [f"{name}.parquet", f"{name}.csv"],
                        "columns": cols,
                        "spark_ddl": ", ".join(f"`{c['name']}` {c['spark']}" for c in cols)}
    return {"format": "supervision_kit.research_export", "version": 1, "settings": settings,
            "files": FILES, "tables": tables, "placeholders": PLACEHOLDERS}


def write_dictionary(out: Path, date_mode: str, settings: dict) -> dict:
    """Write ``dictionary.json`` and ``dictionary.md`` into ``out``; return the JSON data."""
    data = dictionary(date_mode, settings)
    (out / "dictionary.json").write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n",
                                         encoding="utf-8")
    lines = ["# Research export: data dictionary", "",
             "Every table is in Parquet (one file, row groups of at most one chunk) and CSV "
             "(UTF-8, header row, dates YYYY-MM-DD, true/false, empty = null). The Parquet "
             "files use only strings, booleans, 32-bit integers and dates, so DuckDB "
             "(`SELECT * FROM 'cases.parquet'`), pandas/pyarrow and Spark "
             "(`spark.read.parquet(...)`) read them unchanged.", "",
             "## How the data was de-identified", ""]
    lines += [f"- **{k}**: {v}" for k, v in _method_notes(date_mode, settings).items()]
    lines += ["", "## Files", ""] + [f"- `{k}`: {v}" for k, v in FILES.items()]
    for name, t in data["tables"].items():
        lines += ["", f"## {name}", "", t["description"], "",
                  "| column | description | Parquet | DuckDB | Spark |", "| --- | --- | --- | --- | --- |"]
        lines += [f"| {c['name']} | {c['description']} | {c['parquet']} | {c['duckdb']} | "
                  f"{c['spark']} |" for c in t["columns"]]
        lines += ["", f"Spark DDL: `{t['spark_ddl']}`"]
    lines += ["", "## Placeholders in free text", "", "| placeholder | meaning |", "| --- | --- |"]
    lines += [f"| `{k}` | {v} |" for k, v in PLACEHOLDERS.items()]
    (out / "dictionary.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return data


def _method_notes(date_mode: str, s: dict) -> dict:
    dates = ("every date of a case is moved by the same secret number of whole weeks "
             f"(between 1 and {s.get('max_shift_weeks')} weeks, earlier or later; the day "
             "of the week is kept), so intervals inside a case are exact; practitioner-level "
             "dates (sessions, evaluations) move by the practitioner's own offset."
             if date_mode == "shift" else
             "dates are given as days since the case opened (case-level tables) or since "
             "the practitioner's first supervision session (practitioner-level tables)")
    return {
        "ids": "every id is a keyed HMAC-SHA256 of the real id (first 80 bits, hex, with a "
               "letter for the kind); the same key gives the same ids in every export, and "
               "they cannot be reversed without it. No real id, case reference, name, "
               "username, e-mail, address, postcode, phone or date of birth is exported.",
        "dates": dates,
        "dates of birth": "replaced by the child's age band when the case opened",
        "free text": "every name the store knows for the case and its workers, and pattern "
                     "identifiers (postcodes, phones, e-mails, NHS and NI numbers, dates, "
                     "street addresses, case references), replaced by the placeholders below",
        "name matching": "names are compared after Unicode NFC normalisation, with accents "
                         "removed and letters that do not decompose spelled as typed on an "
                         "English keyboard ('ł' = 'l', 'ø' = 'o', 'ß' = 'ss', 'æ' = 'ae'); "
                         "a placeholder replaces whole characters with their accents. Name "
                         "parts of two letters (common in Irish and Vietnamese names) are "
                         "replaced only as recorded, with their capitals and accents, so "
                         "abbreviations that share their letters stay. Nicknames of the case's "
                         "people (a curated table of diminutives) and capitalised words one "
                         "letter from a recorded name of the case or a worker (misspellings) "
                         "are replaced too; report.md counts them",
        "names that are words": "a recorded name that is also an English word (many first "
                                "names and surnames are) is replaced in any case, lower case "
                                "too, in text about that person's case (and in the notes of a "
                                "session that discussed it): there the store knows the word is "
                                "a person, and a leaked child's name costs more than a lost "
                                "word of prose ('we [CHILD_1] she is safe'). In other text only "
                                "its capitalised forms are replaced, so ordinary prose survives; "
                                + ("strict_case was set: the lower-case form is replaced in all "
                                   "text" if s.get("strict_case") else
                                   "the stricter option strict_case replaces the lower-case "
                                   "form in all text"),
        "punctuation": "placeholders replace only the identifier: brackets, quotes and "
                       "possessive apostrophes around it stay ('([PHONE])', \"[CHILD_1]'s\")",
        "k-anonymity": f"cases with a quasi-identifier cell smaller than k = {s.get('k')} are "
                       "generalised, then suppressed ('*'); see report.md",
        "key": f"key fingerprint {s.get('key_fingerprint')} (identifies the key, does not reveal it)",
    }
