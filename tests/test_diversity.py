"""Diversity and anti-discriminatory practice in every record [Havering 7, 13.3; Temple;
Surrey; HSCB]: the section, its place in the widget and the PDF, and the QA measure."""
from __future__ import annotations

import io

from pypdf import PdfReader

from supervision_kit.apps.qa_app import QualityAssuranceApp
from supervision_kit.catalog.forms import diversity_form
from supervision_kit.widgets.session import SessionRecorder
from tests.test_maintenance import DAY, signed_session

ANSWER = "Family's faith <i>shapes</i> the safety plan; interpreter booked for mum"


def sue_session(world, day, **kw):
    """A signed one-to-one of Sue (South) with Quinn, her line report."""
    from supervision_kit.domain.records import SessionRecord
    sue = world.as_user("sue")
    rec = sue.save_session(SessionRecord(date=day, supervisor_id="P4", supervisee_ids=["P3"], **kw))
    sue.sign(rec.id)
    sue.as_user("P3").sign(rec.id)  # quinn signs from her own sign-in
    return rec


def test_the_prompts_are_the_seeds(world):
    form = diversity_form(world.settings.templates)
    sources = " ".join(p.source for p in form.prompts)
    for seed in ("Havering 7", "Havering 13.3", "Temple", "Surrey", "HSCB"):
        assert seed in sources
    assert any("anti-discriminatory practice" in p.question for p in form.prompts)


def test_a_record_without_the_section_is_counted(world):
    signed_session(world, ["P2"], DAY, diversity={"practice": ANSWER})
    signed_session(world, ["P9"], DAY.replace(day=14))  # not answered
    sue_session(world, DAY.replace(day=20), diversity={"confidence": "  "})  # blank
    m = world.as_user("aud").diversity_measure(as_of="2021-06-30")
    recs = m["records"]
    assert len(recs) == 3 and recs["considered"].tolist() == [True, False, False]
    month = m["by_month"].iloc[0]
    assert (month["month"], month["records"], month["considered"], month["pct"]) == (
        "2021-06", 3, 1, 33.3)
    groups = m["by_group"].set_index(["team", "supervisor"])
    assert groups.loc[("North", "Sam Supervisor"), "records"] == 2
    assert groups.loc[("North", "Sam Supervisor"), "considered"] == 1
    assert groups.loc[("South", "Sue Southern"), "considered"] == 0
    # Sue (South) sees only the record of Quinn, whom she line-manages.
    assert world.as_user("sue").diversity_measure(as_of="2021-06-30")["records"][
        "supervisees"].tolist() == ["Quinn Other"]
    # The QA app shows the reading and lists the record that missed it.
    qa = QualityAssuranceApp(world.as_user("aud"), as_of=DAY.replace(day=30))
    tab = qa.governance_tabs["diversity"]
    assert "considered in 1 of 3 records (33%)" in tab.text
    assert len(tab.frames["diversity_missing"]) == 2


def test_the_section_is_in_the_session_widget_and_the_pdf(world):
    sam = world.as_user("sam")
    r = SessionRecorder(sam, "P2", date=DAY)
    assert "diversity" in r.sections and "Diversity" in r.sections["diversity"].title
    r.inputs["diversity.practice"].value = ANSWER
    saved = sam.session(r.record.id, log=False)
    assert saved.diversity == {"practice": ANSWER}
    sam.sign(saved.id)
    sam.as_user("P2").sign(saved.id)  # pat signs from her own sign-in
    assert world.verify() == []
    pdf = sam.session_pdf(saved.id)
    text = " ".join(" ".join((p.extract_text() or "") for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Diversity and anti-discriminatory practice" in text
    assert ANSWER in text  # typed markup printed as text
    assert "Is the work with this child and family firmly based" in text  # the prompt
