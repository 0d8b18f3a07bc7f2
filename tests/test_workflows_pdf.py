"""The signed record's PDF shows the group's confidentiality agreement, the decision sent for
management oversight with the manager's answer, the exchange, and an escalated
disagreement's outcome (real nbconvert, real Chromium, read back with pypdf)."""
import datetime as dt
import re

import pytest
from pypdf import PdfReader

from tests.test_workflows import record

pytestmark = pytest.mark.browser


def text_of(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "record.pdf"
    path.write_bytes(pdf)
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(str(path)).pages))


def test_session_pdf_shows_oversight_outcome_and_group_confidentiality(world, tmp_path):
    sam, mia, pat = world.as_user("sam"), world.as_user("mia"), world.as_user("pat")
    rec = record(sam, ["P2", "P9"], dt.date(2026, 1, 12), decision="Step down to child in need",
                 disagreement="Whether the plan should end now",
                 confidentiality="Names stay in the room unless a child is at risk")
    (task,) = mia.oversight_tasks()
    mia.answer_oversight(task["discussion_id"], "more information requested",
                         "Send the latest school report")
    sam.reply_oversight(task["discussion_id"], "Attendance 96 per cent this term")
    mia.answer_oversight(task["discussion_id"], "disagreed", "Keep the plan until the review conference")
    (dis,) = pat.disagreements()
    pat.escalate_disagreement(dis["id"])
    mia.resolve_disagreement(dis["id"], "Plan continues; reviewed at conference")

    text = text_of(sam.session_pdf(rec.id), tmp_path)
    # A group record: both attendees and the confidentiality the group agreed.
    assert "Group attendees" in text and "Pat Practitioner" in text and "Nia Newly" in text
    assert "Group confidentiality agreement" in text
    assert "Names stay in the room unless a child is at risk" in text
    # The decision, the manager's oversight outcome with its reason, and the exchange.
    assert "Step down to child in need" in text and "Management oversight" in text
    assert "disagreed by Mia Manager" in text
    assert "Keep the plan until the review conference" in text
    assert "Send the latest school report" in text and "Attendance 96 per cent this term" in text
    # The escalated disagreement, to whom, and its outcome.
    assert "Yes, to Mia Manager" in text and "Plan continues; reviewed at conference" in text
    assert rec.content_hash in text.replace(" ", "")
    assert world.as_user("aud").verify_records() == []
