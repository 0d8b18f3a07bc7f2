"""Case extract [Temple (CPOMS); Havering 9.2; HSCB "separate documentation"]: the case's
decisions for the child's record, none of the personal parts of supervision."""
from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from supervision_kit.cli.main import main as cli_main
from supervision_kit.domain.records import ActionItem, CaseDiscussion, Reflection
from supervision_kit.errors import AccessDenied
from tests.test_maintenance import DAY, signed_session

PERSONAL = {"wellbeing": "Pat feels exhausted after the bereavement",
            "workload": "caseload of 31 is too high",
            "learning_development": "wants the ASYE portfolio reviewed",
            "sickness_absence": "two days off with migraine"}
DECISION = "Convene a strategy discussion within 48 hours"
RATIONALE = "Jamie's <b>disclosure</b> at school on Monday"


def a_record(world, **extra):
    return signed_session(
        world, ["P2"], DAY, agenda="Pat's agenda: caseload worries", **PERSONAL,
        discussions=[CaseDiscussion(case_id="C1", rag="R", summary="neighbour reports shouting",
                                    decision=DECISION, rationale=RATIONALE),
                     CaseDiscussion(case_id="C2", rag="G", decision="Step down to early help")],
        actions=[ActionItem("Book strategy meeting", owner_id="P2", due_date=DAY, case_id="C1"),
                 ActionItem("Attend bereavement counselling", owner_id="P2")],
        reflections=[Reflection("gibbs", "P2", {"feelings": "I felt out of my depth"})], **extra)


def test_text_extract_holds_the_decisions_and_nothing_personal(world):
    a_record(world)
    text = world.as_user("sam").case_extract("CR-2025-000001")
    assert "Case extract: CR-2025-000001 (child protection plan)" in text
    assert f"Decision: {DECISION}" in text and f"Rationale: {RATIONALE}" in text
    assert "RAG rating: Red (worse)" in text
    assert "Action: Book strategy meeting (who: Pat Practitioner; by 7 Jun 2021; open)" in text
    for secret in [*PERSONAL.values(), "bereavement counselling", "out of my depth",
                   "Step down to early help", "caseload worries"]:
        assert secret not in text
    entry = world.audit_log(limit=5)[0]
    assert (entry["action"], entry["entity"], entry["entity_id"]) == ("export", "case_extract", "C1")


def test_pdf_extract_reads_back(world):
    a_record(world)
    pdf = world.as_user("mia").case_extract("C1", "pdf")
    text = " ".join((p.extract_text() or "") for p in PdfReader(io.BytesIO(pdf)).pages)
    text = " ".join(text.split())
    assert "Case extract: CR-2025-000001" in text and DECISION in text
    assert "Jamie's <b>disclosure</b>" in text  # typed text printed as text, not markup
    assert "Book strategy meeting" in text
    for secret in PERSONAL.values():
        assert secret not in text


def test_who_may_make_an_extract(world):
    a_record(world)
    with pytest.raises(AccessDenied):
        world.as_user("pat").case_extract("C1")  # a practitioner: no
    with pytest.raises(AccessDenied):
        world.as_user("sue").case_extract("C1")  # another team's supervisor: no
    with pytest.raises(AccessDenied):
        world.as_user("rae").case_extract("C1")


def test_cli_and_button(world, tmp_path, capsys):
    a_record(world)
    db = world.engine.url.database
    assert cli_main(["extract", "C1", "--db", db, "--as-user", "sam"]) == 0
    assert DECISION in capsys.readouterr().out
    from supervision_kit.widgets.caseload import CaseloadOverview
    view = CaseloadOverview(world.as_user("sam"), as_of=DAY)
    view.open_case("C1")
    from supervision_kit.widgets.case_detail import EXTRACT
    extract = view.case_view.open_section(EXTRACT)  # made when its section is opened
    assert extract.make_text().startswith("Case extract: CR-2025-000001")
    assert "&lt;b&gt;disclosure&lt;/b&gt;" in extract.output.value
