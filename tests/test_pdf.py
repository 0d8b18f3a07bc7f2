"""Supervision record PDFs: real Chromium through nbconvert, read back with pypdf."""

from __future__ import annotations

import hashlib
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from supervision_kit.errors import ValidationError
from supervision_kit.export.pdf import SupervisionPDFExporter, render_pdf, write_pdf
from supervision_kit.export.record_notebook import build_record_notebook

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).parent / "artifacts"
MARKUP_NOTE = "Mother wrote <b>bold</b> in her text and pasted <script>alert(1)</script> into the portal."
RAG_CYCLE = ["R", "A", "G", "A", "R", "G", "A", "A", "R", "G"]


def timeline_png(case: int) -> bytes:
    """A small RAG-over-time chart like the analytics module draws."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    levels = [(case + i) % 3 for i in range(6)]
    fig, ax = plt.subplots(figsize=(5, 1.6), dpi=80)
    ax.step(range(6), levels, where="mid", color="#34506b")
    ax.set_yticks([0, 1, 2], ["G", "A", "R"])
    ax.set_xticks(range(6), [f"S{i + 1}" for i in range(6)])
    ax.set_title(f"RAG timeline, case {case}")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


def long_text(topic: str, case: int, sentences: int = 4) -> str:
    parts = [
        f"{topic} for case {case}: the social worker reported developments from two home visits and a core group.",
        f"School attendance for the eldest child in case {case} is {70 + case}% this half term, with late marks on Mondays.",
        "Health visitor notes that the baby's weight is tracking the centile line and appointments were kept.",
        f"Grandmother offered respite at weekends; her own health needs were discussed in relation to case {case}.",
        "The family asked for information in writing because the father finds long meetings hard to follow.",
    ]
    return " ".join(parts[:sentences])


def make_record(state: str = "signed", cases: int = 10, actions: int = 12) -> dict:
    """A realistic ten-case one-to-one supervision record as the store hands it over."""
    discussions = []
    for i in range(1, cases + 1):
        discussions.append(
            {
                "case_reference": f"CASE-{4100 + i}",
                "case_status": ["Child protection", "Child in need", "Looked after"][i % 3],
                "summary": long_text("Summary of events", i, 5),
                "worries": MARKUP_NOTE if i == 2 else long_text("Worries", i, 3),
                "working_well": long_text("Strengths", i, 2),
                "barriers": f"Parents cancelled two appointments in case {i}; interpreter availability is limited.",
                "impact": f"Child {i} is anxious at bedtime and has told school staff about shouting at home.",
                "needs": f"Stable routines, dental care and a speech and language assessment for child {i}.",
                "engagement": f"Mother engages well; father avoids contact, capacity for change uncertain in case {i}.",
                "plan": f"Core group on Tuesday; school nurse to review; family support worker twice weekly (case {i}).",
                "rag": RAG_CYCLE[i - 1],
                "previous_rag": RAG_CYCLE[i - 2] if i > 1 else None,
                "proposed_amendment": f"Bring forward the review conference for case {i} if no progress in four weeks.",
                "refusal_action": f"Discuss with team manager and consider a strategy meeting for case {i}.",
                "decision": f"Continue the current plan for case {i} with increased visiting.",
                "rationale": f"Risk is stable but drift is possible; visits give earlier warning in case {i}.",
                "oversight": {
                    "status": "Agreed",
                    "by": "Helen Okafor",
                    "reason": f"Plan proportionate to risk for case {i}.",
                    "at": f"2024-03-{10 + i:02d} 16:{10 + i:02d}",
                }
                if i % 2
                else None,
                "timeline_png": timeline_png(i) if i in (1, 4, 7) else None,
            }
        )
    record = {
        "id": f"SR-2024-{'0042' if state == 'signed' else '0043'}",
        "state": state,
        "content_hash": "",
        "date": "2024-03-12",
        "last_session_date": "2024-02-13",
        "session_type": "One-to-one case supervision",
        "supervisor": {"name": "Helen Okafor", "role": "Team manager"},
        "supervisees": [{"name": "Daniel Reyes", "role": "Social worker"}],
        "group_confidentiality": None,
        "agenda": "1. Review of previous actions\n2. Case discussions (ten cases)\n3. Wellbeing and workload\n4. Training",
        "previous_actions": [
            {"description": f"Chase health assessment for CASE-{4100 + k}", "owner": "Daniel Reyes",
             "due_date": f"2024-02-{20 + k}", "outcome": f"Completed, report filed on the {k + 1}th"}
            for k in range(1, 4)
        ],
        "discussions": discussions,
        "reflections": [
            {"framework": "Kolb reflective cycle", "stages": [
                {"title": "Concrete experience", "response": "A tense home visit where the father left the room."},
                {"title": "Reflective observation", "response": "I noticed I rushed the conversation to avoid conflict."},
                {"title": "Abstract conceptualisation", "response": "Avoidance may mirror the family's own patterns."},
                {"title": "Active experimentation", "response": "Plan shorter visits with a clear written agenda."},
            ]},
            {"framework": "Morrison 4x4x4", "stages": [
                {"title": "Feelings", "response": "Worried about being seen as the enemy by the father."},
            ]},
        ],
        "functions": ["Management", "Support", "Development", "Mediation"],
        "wellbeing": "Feeling stretched but supported; using the employee assistance line.",
        "workload": "Twenty-two cases, above the team's weighted caseload target of eighteen.",
        "sickness_absence": "Two days in February (migraine), back-to-work interview held.",
        "training_since": "Neglect toolkit refresher on 28 February 2024.",
        "learning_development": "Wants to shadow a senior practitioner at an ICPC next month.",
        "disagreements": [
            {"description": "Whether to step down CASE-4103 to child in need.", "resolution": "Agreed to wait one more review.",
             "escalated": False, "escalated_to": None, "outcome": "Revisit at next supervision."},
            {"description": "Threshold for legal planning meeting in CASE-4105.", "resolution": "Not resolved in session.",
             "escalated": True, "escalated_to": "Service manager Ruth Adeyemi", "outcome": "Legal planning meeting booked."},
        ],
        "actions": [
            {"description": f"Action {k}: arrange joint visit and update the chronology for CASE-{4100 + k % 10 + 1}",
             "owner": ["Daniel Reyes", "Helen Okafor", "Family support worker Amy Chen"][k % 3],
             "due_date": f"2024-04-{k + 1:02d}", "case_reference": f"CASE-{4100 + k % 10 + 1}"}
            for k in range(1, actions + 1)
        ],
        "next_session_date": "2024-04-09",
        "signatures": [],
        "addenda": [],
    }
    if state == "signed":
        record["signatures"] = [
            {"name": "Daniel Reyes", "role": "Social worker", "signed_at": "2024-03-13 09:14", "method": "Toolkit sign-off"},
            {"name": "Helen Okafor", "role": "Team manager", "signed_at": "2024-03-13 11:02", "method": "Toolkit sign-off"},
        ]
        record["addenda"] = [{"author": "Helen Okafor", "created_at": "2024-03-20 10:00",
                              "text": "Strategy meeting for CASE-4105 held on 19 March; outcome recorded on file."}]
    hashed = {k: v for k, v in record.items() if k not in ("content_hash", "discussions")}
    record["content_hash"] = hashlib.sha256(json.dumps(hashed, sort_keys=True).encode()).hexdigest()
    return record


def string_leaves(value, skip=("state", "rag", "previous_rag", "content_hash")):
    if isinstance(value, dict):
        for key, item in value.items():
            if key not in skip:
                yield from string_leaves(item, skip)
    elif isinstance(value, list):
        for item in value:
            yield from string_leaves(item, skip)
    elif isinstance(value, str) and value.strip():
        yield value


def norm(text: str) -> str:
    return " ".join(text.split())


def squash(text: str) -> str:
    """Whitespace-free text: line wrapping may add breaks where the value had none."""
    return "".join(text.split())


def page_texts(pdf: bytes) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.fixture(scope="module")
def exporter():
    return SupervisionPDFExporter()


@pytest.fixture(scope="module")
def rendered(exporter):
    """Signed and draft records printed through one browser."""
    signed, draft = make_record("signed"), make_record("draft")
    with exporter.batch():
        signed_pdf = render_pdf(signed, exporter=exporter)
        signed_blocked = list(exporter.blocked_requests)
        draft_pdf = render_pdf(draft, exporter=exporter)
        draft_blocked = list(exporter.blocked_requests)
    return {
        "signed": (signed, signed_pdf, page_texts(signed_pdf)),
        "draft": (draft, draft_pdf, page_texts(draft_pdf)),
        "blocked": signed_blocked + draft_blocked,
    }


def test_every_field_value_appears(rendered):
    for key in ("signed", "draft"):
        record, _, pages = rendered[key]
        text = squash(" ".join(pages))
        missing = [v for v in string_leaves(record) if squash(v) not in text]
        assert missing == [], f"{key}: {missing[:3]}"


def test_rag_badges_show_letter_and_word(rendered):
    text = norm(" ".join(rendered["signed"][2]))
    assert "R Red (worse)" in text and "A Amber (the same)" in text and "G Green (improving)" in text
    assert "are the child's circumstances improving (G), the same (A) or worse (R)" in text
    assert "Previous rating: R Red (worse)" in text


def test_footer_carries_hash_and_page_numbers_on_every_page(rendered):
    for key in ("signed", "draft"):
        record, _, pages = rendered[key]
        for number, text in enumerate(pages, start=1):
            assert record["content_hash"] in text
            assert "CONFIDENTIAL" in text
            assert f"Page {number} of {len(pages)}" in norm(text)


def test_pages_are_a4(rendered):
    from pypdf import PdfReader

    for page in PdfReader(io.BytesIO(rendered["signed"][1])).pages:
        assert abs(float(page.mediabox.width) - 595) <= 1
        assert abs(float(page.mediabox.height) - 842) <= 1


def test_draft_watermark_only_on_unsigned(rendered):
    assert all("DRAFT" in text for text in rendered["draft"][2])
    assert not any("DRAFT" in text for text in rendered["signed"][2])


def test_typed_markup_is_printed_literally(rendered, exporter):
    assert squash(MARKUP_NOTE) in squash(" ".join(rendered["signed"][2]))
    page_html, _ = exporter.build_html(build_record_notebook(make_record()))
    assert "<script" not in page_html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page_html


def test_long_session_spans_pages_without_splitting_rows(rendered):
    record, _, pages = rendered["signed"]
    assert len(pages) > 1
    flat = [squash(text) for text in pages]
    for action in record["actions"]:
        row = squash(f"{action['description']} {action['owner']} {action['due_date']}")
        assert sum(row in text for text in flat) == 1, row


def test_unsigned_record_has_blank_signature_lines(rendered):
    draft_text = norm(" ".join(rendered["draft"][2]))
    assert draft_text.count("Signed: ____") == 2 and "Date: ____" in draft_text
    signed_text = norm(" ".join(rendered["signed"][2]))
    assert "Signed: ____" not in signed_text and "2024-03-13 11:02" in signed_text


def test_page_one_preview_png(rendered):
    ARTIFACTS.mkdir(exist_ok=True)
    for key in ("signed", "draft"):
        pdf_path = ARTIFACTS / f"record-{key}.pdf"
        pdf_path.write_bytes(rendered[key][1])
        stem = ARTIFACTS / f"record-{key}-page1"
        command = ["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", "-singlefile", str(pdf_path), str(stem)]
        subprocess.run(command, check=True)
        png = stem.with_suffix(".png")
        assert png.exists() and png.stat().st_size > 10_000


def test_no_network_request_while_rendering(rendered, exporter):
    assert rendered["blocked"] == []
    page_html, _ = exporter.build_html(build_record_notebook(make_record("draft")))
    assert re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}/", page_html, re.I) is None  # no CDN, font or script URL
    assert "<script" not in page_html and "<link" not in page_html


def test_external_resources_are_refused(exporter):
    """The guard itself works: a notebook that does reference the network gets those requests refused."""
    remote = '<p>remote</p><img src="https://example.invalid/track.png">'
    remote += '<link rel="stylesheet" href="http://example.invalid/a.css">'
    nb = new_notebook(cells=[new_code_cell(source="", outputs=[new_output("display_data", data={"text/html": remote})])])
    pdf, _ = exporter.from_notebook_node(nb)
    assert pdf.startswith(b"%PDF")
    assert sorted(exporter.blocked_requests) == ["http://example.invalid/a.css", "https://example.invalid/track.png"]


def test_batch_reuses_one_browser(exporter):
    records = [make_record("draft", cases=1, actions=2) for _ in range(3)]
    for n, record in enumerate(records):
        record["id"] = f"SR-BATCH-{n}"
    before = exporter.browser_launches
    pdfs = exporter.export_many([build_record_notebook(r) for r in records])
    assert exporter.browser_launches == before + 1
    assert [f"SR-BATCH-{n}" in norm(" ".join(page_texts(p))) for n, p in enumerate(pdfs)] == [True] * 3


def test_write_pdf(tmp_path, exporter):
    path = write_pdf(make_record("draft", cases=1, actions=1), tmp_path / "r.pdf", exporter=exporter)
    assert path.read_bytes().startswith(b"%PDF")


def test_jupyter_nbconvert_entry_point(tmp_path):
    nb = new_notebook(cells=[
        new_markdown_cell("# Hello record"),
        new_code_cell(source="print('secret source code')", execution_count=1,
                      outputs=[new_output("stream", name="stdout", text="hello from the output\n")]),
        new_code_cell(source="w.IntSlider(3)", execution_count=2, outputs=[new_output("execute_result", execution_count=2, data={
            "text/plain": "IntSlider(value=3)",
            "application/vnd.jupyter.widget-view+json": {"model_id": "abc123", "version_major": 2, "version_minor": 0},
        })]),
    ])
    nb.metadata["supervision_kit"] = {"state": "signed", "content_hash": "f" * 64}
    path = tmp_path / "small.ipynb"
    nbformat.write(nb, path)
    jupyter = Path(sys.executable).parent / "jupyter"
    command = [str(jupyter), "nbconvert", "--to", "supervision_pdf", str(path)]
    subprocess.run(command, check=True, capture_output=True, cwd=tmp_path)
    pdf = (tmp_path / "small.pdf").read_bytes()
    text = norm(" ".join(page_texts(pdf)))
    assert "Hello record" in text and "hello from the output" in text and "f" * 64 in text
    assert "secret source code" not in text and "In [" not in text and "Out[" not in text and "DRAFT" not in text
    assert "IntSlider" not in text and "abc123" not in text


def test_record_notebook_is_static_and_valid():
    nb = build_record_notebook(make_record("awaiting_signatures", cases=3, actions=2))
    nbformat.validate(nb)
    assert nb.metadata["supervision_kit"]["state"] == "awaiting_signatures"
    assert all(c.cell_type == "code" and c.source == "" for c in nb.cells)
    kinds = {k for c in nb.cells for o in c.outputs for k in o.data}
    assert kinds <= {"text/html", "text/plain", "image/png"} and "image/png" in kinds


def test_record_notebook_refuses_bad_input():
    with pytest.raises(ValidationError):
        build_record_notebook({**make_record(cases=0, actions=0), "state": "final"})
    bad = make_record(cases=1, actions=0)
    bad["discussions"][0]["timeline_png"] = b"GIF89a not a png"
    with pytest.raises(ValidationError) as err:
        build_record_notebook(bad)
    assert err.value.field == "discussions[0].timeline_png"


def test_group_record_labels_attendees():
    record = make_record(cases=0, actions=0)
    record["supervisees"].append({"name": "Sam O'Neill", "role": "Family support worker"})
    record["group_confidentiality"] = "What is shared in the group stays in the group."
    html = build_record_notebook(record).cells[0].outputs[0].data["text/html"]
    assert "Group attendees" in html and "Sam O&#x27;Neill" in html and "stays in the group" in html
    assert re.search(r"Group confidentiality agreement", html)


def test_batch_reuses_pages_without_carrying_anything_over(exporter):
    """Pages are reused across a batch: a draft's watermark, a record's text and a refused
    request must not follow into the next record printed on the same page."""
    draft, signed = make_record("draft", cases=1, actions=1), make_record("signed", cases=1, actions=1)
    draft["id"], signed["id"] = "SR-REUSE-DRAFT", "SR-REUSE-SIGNED"
    remote = '<p>remote</p><img src="https://example.invalid/reused.png">'
    nb_remote = new_notebook(cells=[new_code_cell(source="", outputs=[new_output("display_data", data={"text/html": remote})])])
    order = [draft, signed, draft, signed, signed]
    with exporter.batch():
        results = list(exporter.iter_export([build_record_notebook(r) for r in order[:3]] + [nb_remote]
                                            + [build_record_notebook(r) for r in order[3:]]))
        assert exporter._browser._opened <= max(1, exporter.pipeline_depth)  # pages were reused
    texts = [norm(" ".join(page_texts(pdf))) for _, pdf in results]
    assert [node.metadata.get("supervision_kit", {}).get("record_id") for node, _ in results] == [
        "SR-REUSE-DRAFT", "SR-REUSE-SIGNED", "SR-REUSE-DRAFT", None, "SR-REUSE-SIGNED", "SR-REUSE-SIGNED"]
    for text, expected in zip(texts, ["DRAFT", "SIGNED", "DRAFT", None, "SIGNED", "SIGNED"]):
        if expected == "SIGNED":
            assert "DRAFT" not in text and "SR-REUSE-SIGNED" in text
        elif expected == "DRAFT":
            assert "DRAFT" in text and "SR-REUSE-SIGNED" not in text
        else:
            assert text.startswith("remote") and "SR-REUSE" not in text
    assert exporter.blocked_requests == ["https://example.invalid/reused.png"]


def test_missing_chromium_is_one_clear_error(tmp_path):
    """Chromium starts in the background while the HTML is built; a wrong path still ends
    in one message naming the path and the fix, and the exporter can be used again."""
    exporter = SupervisionPDFExporter(chromium_path=str(tmp_path / "no-chromium"))
    with pytest.raises(RuntimeError, match=r"Could not start Chromium at .*no-chromium.*apt-get install chromium"):
        render_pdf(make_record("draft", cases=1, actions=1), exporter=exporter)
    assert exporter._browser is None
    exporter.chromium_path = SupervisionPDFExporter().chromium_path
    assert render_pdf(make_record("draft", cases=1, actions=1), exporter=exporter).startswith(b"%PDF")
