"""Lists of practitioners and cases from CSV files (UTF-8, optional BOM, header row first).

practitioners.csv columns — id, name, username, role (practitioner, supervisor, manager,
auditor, researcher, trainer, admin) and, optionally, team, agency_type (children's social
care, school, health, early help, other; default children's social care), email,
qualified_date, asye_start, leaving_date, started_in_post (YYYY-MM-DD), line_manager_id and
working_percent (share of full time, e.g. 50; blank: full time).

cases.csv columns — id, reference, worker_id, status (early help, child in need, child
protection plan, looked after, other, closed), opened (YYYY-MM-DD) and, optionally, closed
and people: the people in the case separated by ";", each ``role:First Last:dob`` where
role is child, parent, carer, sibling or other, the last word of the name is the surname
and ``:dob`` (YYYY-MM-DD) may be left out, e.g.
``child:Jamie Testington:2016-04-02;parent:Dana Testington``.

Rows are numbered as a spreadsheet shows them: the header is row 1, the first record row 2.
The first problem raises ``ImportFailed(record="row 7 (id P12)", field, message)`` and
nothing is returned; the facade inserts what these functions return.
"""
from __future__ import annotations

import csv
from pathlib import Path
from typing import Callable

from ..domain.records import Case, CasePerson, Practitioner
from ..domain.validation import validate_case, validate_practitioner
from ..domain.values import parse_date
from ..errors import ImportFailed, ValidationError

PRACTITIONER_COLUMNS = ("id", "name", "username", "role", "team", "agency_type", "email",
                        "qualified_date", "asye_start", "leaving_date", "line_manager_id",
                        "started_in_post", "working_percent")
PRACTITIONER_REQUIRED = ("id", "name", "username", "role")
CASE_COLUMNS = ("id", "reference", "worker_id", "status", "opened", "closed", "people")
CASE_REQUIRED = ("id", "reference", "worker_id", "status", "opened")
PERSON_ROLES = ("child", "parent", "carer", "sibling", "other")


def _rows(path: str | Path, columns: tuple[str, ...], required: tuple[str, ...]):
    """(row number, cleaned dict) for each non-blank record, after checking the header."""
    try:
        f = open(path, newline="", encoding="utf-8-sig")
    except OSError as e:
        raise ImportFailed(str(path), "", f"cannot open the file: {e.strerror}") from None
    with f:
        reader = csv.reader(f)
        try:
            header = [h.strip().lower() for h in next(reader, [])]
            unknown = [h for h in header if h not in columns]
            if unknown:
                raise ImportFailed("row 1 (header)", unknown[0],
                                   f"unknown column; use {', '.join(columns)}")
            missing = [c for c in required if c not in header]
            if missing:
                raise ImportFailed("row 1 (header)", missing[0], "required column is missing")
            for n, values in enumerate(reader, start=2):
                if not any(v.strip() for v in values):
                    continue
                if len(values) > len(header):
                    raise ImportFailed(f"row {n}", "", f"{len(values)} values for "
                                                        f"{len(header)} columns")
                yield n, {h: v.strip() for h, v in zip(header, values)}
        except UnicodeDecodeError:
            raise ImportFailed(str(path), "", "not UTF-8 text; save the file as CSV UTF-8") from None
        except csv.Error as e:
            raise ImportFailed(f"row {reader.line_num}", "", f"not valid CSV: {e}") from None


def _read(path, columns, required, build: Callable[[dict], object],
          validate: Callable[[object], object], unique: tuple[str, ...],
          row_numbers: list | None = None) -> list:
    out = []
    seen: dict[tuple, int] = {}
    for n, row in _rows(path, columns, required):
        record = f"row {n} (id {row.get('id') or '?'})"
        try:
            item = validate(build(row))
        except ValidationError as e:
            raise ImportFailed(record, e.field, e.message) from None
        for name in unique:
            key = (name, getattr(item, name))
            if key in seen:
                raise ImportFailed(record, name, f"{name} {key[1]!r} is also on row {seen[key]}")
            seen[key] = n
        out.append(item)
        if row_numbers is not None:
            row_numbers.append(n)
    return out


def _practitioner(row: dict) -> Practitioner:
    return Practitioner(
        id=row.get("id", ""), name=row.get("name", ""), username=row.get("username", ""),
        role=row.get("role", "").lower(), team=row.get("team", ""),
        agency_type=(row.get("agency_type") or "children's social care").lower(),
        email=row.get("email", ""), qualified_date=row.get("qualified_date") or None,
        asye_start=row.get("asye_start") or None, leaving_date=row.get("leaving_date") or None,
        line_manager_id=row.get("line_manager_id") or None,
        started_in_post=row.get("started_in_post") or None,
        working_percent=row.get("working_percent") or None)


def read_practitioners_csv(path: str | Path, row_numbers: list | None = None) -> list[Practitioner]:
    """Practitioners from a CSV file, each checked; the first problem raises ``ImportFailed``.
    ``row_numbers``, when given, receives each returned item's row in the file."""
    return _read(path, PRACTITIONER_COLUMNS, PRACTITIONER_REQUIRED, _practitioner,
                 validate_practitioner, ("id", "username"), row_numbers)


def parse_people(text: str) -> list[CasePerson]:
    """``role:First Last:dob;...`` -> people; ``ValidationError`` names the person."""
    people = []
    for i, part in enumerate(p for p in text.split(";") if p.strip()):
        field = f"people[{i}]"
        bits = [b.strip() for b in part.split(":")]
        if len(bits) not in (2, 3):
            raise ValidationError(field, f"{part.strip()!r}: write role:First Last or role:First Last:dob")
        role, name = bits[0].lower(), bits[1].split()
        if role not in PERSON_ROLES:
            raise ValidationError(f"{field}.role", f"unknown value {bits[0]!r}; use one of "
                                                   f"{', '.join(PERSON_ROLES)}")
        if not name:
            raise ValidationError(f"{field}.first_name", "a name is required")
        dob = parse_date(bits[2], f"{field}.dob") if len(bits) == 3 else None
        people.append(CasePerson(role=role, first_name=" ".join(name[:-1]) or name[0],
                                 last_name=name[-1] if len(name) > 1 else "", dob=dob))
    return people


def _case(row: dict) -> Case:
    return Case(id=row.get("id", ""), reference=row.get("reference", ""),
                worker_id=row.get("worker_id", ""), status=row.get("status", "").lower(),
                opened=row.get("opened") or None, closed=row.get("closed") or None,
                people=parse_people(row.get("people", "")))


def read_cases_csv(path: str | Path, row_numbers: list | None = None) -> list[Case]:
    """Cases (with their people) from a CSV file; the first problem raises ``ImportFailed``.
    ``row_numbers``, when given, receives each returned item's row in the file."""
    return _read(path, CASE_COLUMNS, CASE_REQUIRED, _case, validate_case, ("id", "reference"),
                 row_numbers)
