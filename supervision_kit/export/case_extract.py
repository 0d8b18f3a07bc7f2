"""A case extract for the child's record: decisions, rationale, RAG and actions from
supervision, without its personal parts [Temple (CPOMS); Havering 9.2; Surrey;
HSCB "separate documentation"]. Plain text and a notebook for the PDF exporter."""
from __future__ import annotations

import datetime as dt
from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # nbformat is imported when a notebook is made: importing it (through
    # jsonschema's IRI checker) took 1.4 s of every page's kernel start [issue 15]
    from nbformat import NotebookNode

RAG_WORDS = {"R": "Red (worse)", "A": "Amber (the same)", "G": "Green (improving)"}
INTRO = ("Case decisions from safeguarding supervision, for the child's record. Personal "
         "parts of supervision (wellbeing, workload, development, reflection) are not included.")


def _d(x) -> str:
    """A British date (``2 Dec 2026``), or "not set"."""
    if isinstance(x, dt.datetime):
        x = x.date()
    return f"{x.day} {x:%b %Y}" if isinstance(x, dt.date) else "not set"


def _rag(r) -> str:
    return RAG_WORDS.get((r or "").upper(), "not rated")


def _oversight(o) -> str:
    if not o:
        return "none recorded"
    by = f" by {o['by']}" if o.get("by") else ""
    reason = f": {o['reason']}" if o.get("reason") else ""
    return f"{o['status']}{by}{reason}"


def extract_text(case: dict, items: list[dict], made_by: str, made_on: dt.date) -> str:
    """The extract as plain text (what a person typed stays as typed)."""
    lines = [f"Case extract: {case['reference']} ({case['status']})",
             f"Made by {made_by} on {_d(made_on)}", INTRO, ""]
    if not items:
        lines.append("No signed supervision discussions of this case.")
    for it in items:
        lines += [f"Supervision of {_d(it['date'])} (supervisor {it['supervisor']})",
                  f"  RAG rating: {_rag(it['rag'])}",
                  f"  Decision: {it['decision'] or 'not recorded'}",
                  f"  Rationale: {it['rationale'] or 'not recorded'}",
                  f"  Management oversight: {_oversight(it['oversight'])}"]
        for a in it["actions"] or []:
            lines.append(f"  Action: {a['description']} (who: {a['owner'] or 'not set'}; "
                         f"by {_d(a['due_date'])}; {a['status']})")
        if not it["actions"]:
            lines.append("  Actions: none set on this case")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _cell(html: str, plain: str) -> NotebookNode:
    from nbformat import NotebookNode
    out = NotebookNode(output_type="display_data", metadata=NotebookNode(),
                       data=NotebookNode({"text/html": html, "text/plain": plain}))
    return NotebookNode(cell_type="code", execution_count=None, metadata=NotebookNode(),
                        source="", outputs=[out])


def _row(label: str, value: str) -> str:
    return f'<tr><th scope="row">{escape(label)}</th><td class="sk-text">{escape(value)}</td></tr>'


def extract_notebook(case: dict, items: list[dict], made_by: str, made_on: dt.date,
                     digest: str) -> NotebookNode:
    """The extract as a notebook of static HTML for ``SupervisionPDFExporter``."""
    from nbformat import NotebookNode
    head = (f"<h1>Case extract: {escape(case['reference'])}</h1>"
            f'<p class="sk-meta">{escape(case["status"])} &middot; made by {escape(made_by)} on '
            f"{_d(made_on)}</p><p>{escape(INTRO)}</p>")
    cells = [_cell(head, f"Case extract {case['reference']}")]
    if not items:
        cells.append(_cell("<p>No signed supervision discussions of this case.</p>", "none"))
    for it in items:
        rows = [_row("RAG rating", _rag(it["rag"])),
                _row("Decision", it["decision"] or "not recorded"),
                _row("Rationale", it["rationale"] or "not recorded"),
                _row("Management oversight", _oversight(it["oversight"]))]
        acts = "".join(f"<tr><td>{escape(a['description'])}</td><td>{escape(a['owner'] or '')}"
                       f"</td><td>{_d(a['due_date'])}</td><td>{escape(a['status'])}</td></tr>"
                       for a in it["actions"])
        table = ('<table class="sk-grid"><thead><tr><th>Action</th><th>Who</th><th>By when</th>'
                 f"<th>Status</th></tr></thead><tbody>{acts}</tbody></table>" if acts
                 else '<p class="sk-muted">No actions set on this case.</p>')
        cells.append(_cell(f"<h2>Supervision of {_d(it['date'])}</h2>"
                           f"<p>Supervisor: {escape(it['supervisor'])}</p>"
                           f'<table class="sk-form"><tbody>{"".join(rows)}</tbody></table>'
                           f"<h3>Actions</h3>{table}", f"Supervision of {_d(it['date'])}"))
    for n, c in enumerate(cells):
        c["id"] = f"ext-{n}"
    meta = NotebookNode(title=f"Case extract {case['reference']}",
                        supervision_kit=NotebookNode(record_id=f"extract-{case['id']}",
                                                     state="signed", content_hash=digest))
    return NotebookNode(nbformat=4, nbformat_minor=5, metadata=meta, cells=cells)
