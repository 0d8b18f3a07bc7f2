"""Turn a supervision record dict into a notebook of static outputs, laid out like the paper record.

The store hands over one plain ``dict`` per record. Keys (every text value is what a
person typed and is shown as text, never markup; dates/times may be ISO strings or
``date``/``datetime`` objects; ``None`` or "" prints as "Not recorded"):

- ``id``: record identifier; ``state``: ``"draft" | "awaiting_signatures" | "signed"``;
  ``content_hash``: SHA-256 hex of the signed content (printed in every page footer).
- ``date``, ``last_session_date``, ``next_session_date``, ``session_type``.
- ``supervisor``: ``{name, role}``; ``supervisees``: ``[{name, role}]`` (several = group).
- ``group_confidentiality``: str or None; ``agenda``: str.
- ``previous_actions``: ``[{description, owner, due_date, outcome}]``.
- ``discussions``: ``[{case_reference, case_status, summary, worries, working_well,
  barriers, impact, needs, engagement, plan, rag, previous_rag, proposed_amendment,
  refusal_action, decision, rationale, oversight, timeline_png, provenance}]`` where ``rag`` and
  ``previous_rag`` are ``"R" | "A" | "G"`` or None, ``oversight`` is
  ``{status, by, reason, at}`` or None, ``timeline_png`` is PNG ``bytes`` or None and
  ``provenance`` maps an answer to a note such as "confirmed from 2 Apr 2024"; optional
  ``chosen_by`` (who brought the case, and why), ``actions_taken``, ``designate_role``.
- ``reflections``: ``[{framework, stages: [{title, response}]}]``.
- ``functions``: list of str (functions of supervision covered).
- ``diversity``: ``{title, items: [{question, answer}]}`` (anti-discriminatory practice).
- ``wellbeing``, ``workload``, ``sickness_absence``, ``training_since``,
  ``learning_development``: str.
- ``disagreements``: ``[{description, resolution, escalated (bool), escalated_to, outcome}]``.
- ``actions``: ``[{description, owner, due_date, case_reference}]``.
- ``signatures``: ``[{name, role, signed_at, method, comment, disagrees}]`` (how each
  signed, and the signer's comment or disagreement); ``addenda``: ``[{author, created_at, text}]``.

Only ``id`` and ``state`` are required; every other key may be missing or empty.
"""

from __future__ import annotations

import base64
import datetime as _dt
import html

import nbformat
from nbformat import NotebookNode

from supervision_kit.domain.agenda import EXTRA_QUESTIONS
from supervision_kit.errors import ValidationError

STATES = ("draft", "awaiting_signatures", "signed")


def escape(text: str) -> str:
    """Typed text as HTML text, hidden characters shown as ``<U+202E>`` (issue 19)."""
    from supervision_kit.domain.identifiers import visible
    return html.escape(visible(text))
STATE_LABELS = {"draft": "Draft", "awaiting_signatures": "Awaiting signatures", "signed": "Signed"}
RAG_WORDS = {"R": ("Red", "worse"), "A": ("Amber", "the same"), "G": ("Green", "improving")}
RAG_LABEL = "RAG rating: are the child's circumstances improving (G), the same (A) or worse (R)"

# (key, label) pairs in the order of the paper case-discussion template.
CASE_FIELDS = [
    ("summary", "Summary of events since last supervision"),
    ("worries", "What are we worried about and why"),
    ("working_well", "What is working well"),
    ("barriers", "Barriers to progress"),
    ("impact", "Impact on the child"),
    ("needs", "Identified needs of the child"),
    ("engagement", "Engagement of family and capacity for change"),
    ("plan", "Plan and agency contributions"),
]
CASE_FIELDS_AFTER_RAG = [
    ("proposed_amendment", "Proposed amendment to plan for escalating concern/drift"),
    ("refusal_action", "Action if parents refuse services below the significant-harm threshold"),
]
WELLBEING_FIELDS = [
    ("wellbeing", "Wellbeing and support"),
    ("workload", "Workload"),
    ("sickness_absence", "Sickness absence"),
    ("training_since", "Training attended since last supervision"),
    ("learning_development", "Learning and development"),
]
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_NOT_RECORDED = '<span class="sk-muted">Not recorded</span>'
_BLANK = "_" * 22


def _text(value) -> str:
    """Plain text for any value the store may hand over."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, _dt.datetime):
        return f"{value.day} {value:%b %Y %H:%M}"   # British, as people read dates
    if isinstance(value, _dt.date):
        return f"{value.day} {value:%b %Y}"
    return str(value)


def _val(value) -> str:
    """Escaped text, or a muted "Not recorded"."""
    text = _text(value)
    return escape(text) if text.strip() else _NOT_RECORDED


def _person(person) -> str:
    person = person or {}
    name, role = _text(person.get("name")), _text(person.get("role"))
    return escape(f"{name} ({role})" if role else name) if name else _NOT_RECORDED


def _form(rows) -> str:
    """A two-column label/answer table; ``rows`` holds (label, already-escaped html)."""
    body = "".join(
        f'<tr><th scope="row">{escape(label)}</th><td class="sk-text">{value}</td></tr>' for label, value in rows
    )
    return f'<table class="sk-form"><tbody>{body}</tbody></table>'


def _grid(headers, rows, empty: str, widths=(), css: str = "sk-grid") -> str:
    """A table whose header row repeats on each page; ``rows`` hold escaped cells, ``widths`` percentages."""
    if not rows:
        return f'<p class="sk-muted">{escape(empty)}</p>'
    cols = "".join(f'<col style="width:{w}%">' for w in widths)
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in headers)
    body = "".join("<tr>" + "".join(f'<td class="sk-text">{c}</td>' for c in row) + "</tr>" for row in rows)
    return f'<table class="{css}"><colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


# record key -> (section title, [(column header, item key, width %)], text when there are none)
_TABLES = {
    "previous_actions": (
        "Follow-up of actions from the last supervision",
        [("Action", "description", 42), ("Who", "owner", 18), ("By when", "due_date", 15), ("Outcome", "outcome", 25)],
        "No previous actions.",
    ),
    "disagreements": (
        "Disagreements",
        [("Disagreement", "description", 30), ("Resolution", "resolution", 28), ("Escalated", "escalated", 17),
         ("Outcome", "outcome", 25)],
        "No disagreements recorded.",
    ),
    "actions": (
        "Agreed actions",
        [("What", "description", 47), ("Who", "owner", 20), ("By when", "due_date", 15),
         ("Case", "case_reference", 18)],
        "No actions agreed.",
    ),
}


def _table_section(key: str, items) -> nbformat.NotebookNode:
    title, columns, empty = _TABLES[key]
    rows = [[_val(item.get(field)) for _, field, _ in columns] for item in items or []]
    headers, widths = [c[0] for c in columns], [c[2] for c in columns]
    return _section(title, _grid(headers, rows, empty, widths))


def rag_badge(rag) -> str:
    """Coloured badge with the letter, then the colour word and its meaning."""
    letter = _text(rag).strip().upper()
    if letter not in RAG_WORDS:
        return f'<span class="sk-rag sk-rag-none">?</span>{_val(rag) if letter else "Not rated"}'
    word, meaning = RAG_WORDS[letter]
    return f'<span class="sk-rag sk-rag-{letter}">{letter}</span>{word} ({meaning})'


# Nodes are built as plain NotebookNodes: nbformat's new_output/new_code_cell validate
# each node against the JSON schema, which cost more than rendering the record itself.
# The shapes below are fixed and valid (tests validate a whole record notebook).
def _display(data: dict) -> NotebookNode:
    return NotebookNode(output_type="display_data", data=NotebookNode(data), metadata=NotebookNode())


def _cell(outputs: list) -> NotebookNode:
    return NotebookNode(cell_type="code", execution_count=None, metadata=NotebookNode(), source="",
                        outputs=outputs)


def _html_output(html: str, plain: str):
    return _display({"text/html": html, "text/plain": plain})


def _section(title: str, body: str):
    return _cell([_html_output(f"<h2>{escape(title)}</h2>{body}", title)])


def _oversight(oversight) -> str:
    if not oversight:
        return _NOT_RECORDED
    parts = [f"<b>{_val(oversight.get('status'))}</b>"]
    if _text(oversight.get("by")).strip():
        parts.append(f"by {_val(oversight.get('by'))}")
    if _text(oversight.get("at")).strip():
        parts.append(f"on {_val(oversight.get('at'))}")
    reason = _text(oversight.get("reason")).strip()
    return " ".join(parts) + (f"\nReason: {escape(reason)}" if reason else "")


def _png(value, field: str) -> str:
    if not isinstance(value, (bytes, bytearray)) or not bytes(value).startswith(_PNG_MAGIC):
        raise ValidationError(field, "must be PNG image bytes")
    return base64.b64encode(bytes(value)).decode("ascii")


def _noted(case: dict, key: str) -> str:
    """An answer, with where it came from when kept from an earlier discussion."""
    note = _text((case.get("provenance") or {}).get(key)).strip()
    return _val(case.get(key)) + (f' <span class="sk-muted">({escape(note)})</span>' if note else "")


def _case_cell(number: int, case: dict):
    ref, status = _text(case.get("case_reference")), _text(case.get("case_status"))
    title = f"Case {number}: {ref}" + (f" ({status})" if status.strip() else "")
    rows = [("Chosen by", _val(case.get("chosen_by")))] if _text(case.get("chosen_by")).strip() else []
    rows += [(label, _noted(case, key)) for key, label in CASE_FIELDS]
    # Temple Appendix 3's questions, when the preset asked them.
    rows += [(title, _val(case.get(key))) for key, (title, _) in EXTRA_QUESTIONS.items()
             if _text(case.get(key)).strip()]
    rag = rag_badge(case.get("rag"))
    if _text(case.get("previous_rag")).strip():
        rag += f'<br><span class="sk-muted">Previous rating:</span> {rag_badge(case.get("previous_rag"))}'
    rows.append((RAG_LABEL, rag))
    rows += [(label, _noted(case, key)) for key, label in CASE_FIELDS_AFTER_RAG]
    decision = (f"<b>Decision:</b> {_noted(case, 'decision')}\n"
                f"<b>Rationale:</b> {_noted(case, 'rationale')}")
    rows.append(("Decision and rationale", decision))
    rows.append(("Management oversight", _oversight(case.get("oversight"))))
    html = f'<div class="sk-case"><h3>{escape(title)}</h3>{_form(rows)}'
    outputs = []
    if case.get("timeline_png"):
        html += f'<p class="sk-muted sk-caption">RAG timeline for {escape(ref)}</p>'
        png = _png(case["timeline_png"], f"discussions[{number - 1}].timeline_png")
        outputs.append(_display({"image/png": png, "text/plain": f"RAG timeline {ref}"}))
    return _cell([_html_output(html + "</div>", title), *outputs])


def _header_cell(record: dict):
    state = record["state"]
    supervisees = record.get("supervisees") or []
    group = len(supervisees) > 1 or "group" in _text(record.get("session_type")).lower()
    rows = [
        ("Supervisor", _person(record.get("supervisor"))),
        ("Group attendees" if group else "Supervisee", "\n".join(map(_person, supervisees)) or _NOT_RECORDED),
        ("Date of supervision", _val(record.get("date"))),
        ("Date of last supervision", _val(record.get("last_session_date"))),
        ("Type of supervision session", _val(record.get("session_type"))),
    ]
    if record.get("group_confidentiality") is not None:
        rows.append(("Group confidentiality agreement", _val(record.get("group_confidentiality"))))
    html = (
        "<h1>Safeguarding supervision record</h1>"
        f'<p class="sk-meta">Record {escape(_text(record["id"]))} &middot; Status: {STATE_LABELS[state]}</p>'
        f"{_form(rows)}<h2>Agenda</h2><div class=\"sk-text\">{_val(record.get('agenda'))}</div>"
    )
    return _cell([_html_output(html, "Safeguarding supervision record")])


def _signature_rows(record: dict) -> list[list[str]]:
    people = [record.get("supervisor") or {}, *(record.get("supervisees") or [])]
    signatures = list(record.get("signatures") or [])
    rows = []
    for person in people:
        name = _text(person.get("name"))
        sig = next((s for s in signatures if _text(s.get("name")) == name), None)
        if sig is not None:
            signatures.remove(sig)
        rows.append(_signature_row(person, sig))
    rows += [_signature_row(sig, sig) for sig in signatures]
    return rows


def _signature_row(person: dict, sig: dict | None) -> list[str]:
    name, role = _val(person.get("name")), _val(person.get("role"))
    if sig is None:
        blank = f'<span class="sk-blank">Signed: {_BLANK}</span>', f'<span class="sk-blank">Date: {_BLANK[:12]}</span>'
        return [name, role, *blank]
    method = _text(sig.get("method")).strip()
    signed = "Signed" + (f" ({escape(method)})" if method else "")
    comment = _text(sig.get("comment")).strip()
    if sig.get("disagrees"):  # the signer's disagreement travels with the signature [Havering 10]
        signed += f'<br><b>Disagrees with the record:</b> {escape(comment) or _NOT_RECORDED}'
    elif comment:
        signed += f"<br><b>Comment:</b> {escape(comment)}"
    at = sig.get("signed_at")
    if isinstance(at, _dt.datetime):  # British: 2 Dec 2026 14:05
        at = f"{at.day} {at:%b %Y %H:%M}"
    return [name, role, signed, _val(at)]


def _escalation(disagreement: dict) -> dict:
    to = _text(disagreement.get("escalated_to")).strip()
    escalated = ("Yes" + (f", to {to}" if to else "")) if disagreement.get("escalated") else "No"
    return {**disagreement, "escalated": escalated}


def _body_cells(record: dict) -> list:
    cells = [_table_section("previous_actions", record.get("previous_actions"))]
    discussions = record.get("discussions") or []
    if not discussions:
        cells.append(_section("Case discussions", '<p class="sk-muted">No cases discussed.</p>'))
    for number, case in enumerate(discussions, start=1):
        cell = _case_cell(number, case)
        if number == 1:  # the section heading travels with the first case
            cell.outputs[0].data["text/html"] = "<h2>Case discussions</h2>" + cell.outputs[0].data["text/html"]
        cells.append(cell)
    reflections = ""
    for reflection in record.get("reflections") or []:
        stages = [(_text(s.get("title")) or "Stage", _val(s.get("response"))) for s in reflection.get("stages") or []]
        reflections += f"<h3>{_val(reflection.get('framework'))}</h3>{_form(stages)}"
    cells.append(_section("Reflection", reflections or '<p class="sk-muted">No structured reflection recorded.</p>'))
    functions = ", ".join(escape(_text(f)) for f in record.get("functions") or []) or _NOT_RECORDED
    diversity = record.get("diversity") or {}
    if diversity:
        rows = [(_text(i.get("question")), _val(i.get("answer"))) for i in diversity.get("items") or []]
        cells.append(_section(_text(diversity.get("title")) or "Diversity and anti-discriminatory practice",
                              _form(rows)))
    cells.append(_section("Functions of supervision covered", f'<p class="sk-text">{functions}</p>'))
    wellbeing = _form([(label, _val(record.get(key))) for key, label in WELLBEING_FIELDS])
    cells.append(_section("Wellbeing, workload and development", wellbeing))
    cells.append(_table_section("disagreements", [_escalation(d) for d in record.get("disagreements") or []]))
    cells.append(_table_section("actions", record.get("actions")))
    next_session = _form([("Date of next supervision", _val(record.get("next_session_date")))])
    cells.append(_section("Next supervision", next_session))
    headers = ("Name", "Role", "Signature", "Date and time")
    signatures = _grid(headers, _signature_rows(record), "No signatories.", (24, 22, 30, 24), "sk-grid sk-signature")
    cells.append(_section("Signatures", signatures))
    addenda = "".join(
        f'<div class="sk-addendum"><p><b>{_val(a.get("author"))}</b>, {_val(a.get("created_at"))}</p>'
        f'<div class="sk-text">{_val(a.get("text"))}</div></div>'
        for a in record.get("addenda") or []
    )
    if addenda:
        cells.append(_section("Addenda (added after signing)", addenda))
    return cells


def build_record_notebook(record: dict) -> nbformat.NotebookNode:
    """A notebook of static HTML/PNG outputs for ``record``; metadata carries id, state and hash."""
    if not isinstance(record, dict):
        raise ValidationError("record", "must be a dict")
    if _text(record.get("id")).strip() == "":
        raise ValidationError("id", "is required")
    if record.get("state") not in STATES:
        raise ValidationError("state", f"must be one of {', '.join(STATES)}")
    cells = [_header_cell(record), *_body_cells(record)]
    for number, cell in enumerate(cells):
        cell["id"] = f"sk-{number}"  # stable ids: the same record always gives the same HTML
    metadata = NotebookNode(
        title=f"Supervision record {_text(record['id'])} – {_text(record.get('date'))}".strip(" –"),
        supervision_kit=NotebookNode(record_id=_text(record["id"]), state=record["state"],
                                     content_hash=_text(record.get("content_hash"))),
    )
    return NotebookNode(nbformat=4, nbformat_minor=5, metadata=metadata, cells=cells)


def record_html(record: dict) -> str:
    """The record's whole layout as one HTML fragment (typed text escaped), for reading on
    screen exactly what the PDF prints; timelines, if any, as inline PNG images."""
    parts = []
    for cell in build_record_notebook(record).cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if "text/html" in data:
                parts.append(data["text/html"])
            elif "image/png" in data:
                parts.append(f'<img alt="RAG timeline" src="data:image/png;base64,{data["image/png"]}">')
    return "".join(parts)
