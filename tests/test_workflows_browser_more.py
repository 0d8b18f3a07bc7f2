"""The rest of the seed workflows in real Voilà and Chromium [issue 10].

A supervisor agrees a contract in the caseload app, both sign, and it is handed over to a
new supervisor with a note; they record an observation of practice and a course of
safeguarding training. The supervisee finds all three in the reflection app's "My
supervision", signs the new contract and escalates a disagreement, which the line
manager resolves in the caseload app. A group session has its confidentiality agreement
recorded before each attendee signs. Every step is read back from the store as the
right user, and what the other party sees is checked in their browser or widgets.
"""
from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from supervision_kit.domain.records import Contract, Observation
from supervision_kit.store.schema import DisagreementRow
from supervision_kit.widgets.contract import ContractForm
from supervision_kit.widgets.escalation import DisagreementsPanel
from supervision_kit.widgets.observation import ObservationList
from supervision_kit.widgets.session import SessionRecorder
from supervision_kit.widgets.training_record import TrainingRecordPanel
from tests.conftest import ARTIFACTS
from tests.fixtures_db import build_world
from tests.helpers_browser import ROOT, fill_date
from tests.test_workflows import JAN, record, rows

pytestmark = pytest.mark.browser
NOTEBOOKS = ROOT / "notebooks"
SLOW = 120_000  # ms: a kernel per page on a small, busy machine
TODAY = dt.date.today()
HANDOVER = "Core group on the 20th <b>not bold</b>; see January's record"
COURSE = "Safeguarding Children Level 3"


def button(page, label: str):
    """A button by its label (its icon glyph may lead the accessible name)."""
    return page.get_by_role("button", name=re.compile(rf"(^|\W){re.escape(label)}$"))


def leave(locator, text: str) -> None:
    """Type into a field that reports its value on change (continuous_update=False)."""
    locator.fill(text)
    locator.press("Tab")


def shot(page, name: str) -> None:
    """A full-page screenshot into the tests' artifacts folder."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"workflow-{name}.png"), full_page=True)


def open_page(page, server, notebook: str):
    """Go to a notebook with the slow timeout for everything that follows."""
    page.context.set_default_timeout(SLOW)
    page.goto(server.url + f"voila/render/{notebook}")


def serve(voila, db, user):
    """Voilà serving notebooks/ on ``db`` as ``user``."""
    return voila(NOTEBOOKS, env={"SUPERVISION_KIT_DB": str(db), "SUPERVISION_KIT_USER": user},
                 timeout=120)


def tab(page, title: str) -> None:
    """Open an app's tab by its title."""
    page.get_by_role("tab", name=title, exact=True).click()


# -- a supervisor in the caseload app: contract (6), observation (2), training (5) -------------
def agree_and_hand_over_contract(page, tk) -> None:
    tab(page, "Contracts")
    page.get_by_role("combobox", name="Supervisee").select_option(label="Pat Practitioner")
    expect(page.get_by_text("Supervision contract: Sam Supervisor (supervisor) and Pat "
                            "Practitioner (supervisee)")).to_be_visible()
    expect(page.get_by_placeholder("how often; filled from the policy preset")).to_have_value(
        re.compile(r"^Monthly supervision, as the .* policy says\.$"))  # from the preset
    leave(page.get_by_placeholder("where, free from interruptions"), "Room 4, door closed")
    button(page, "Sign as supervisor").click()  # saves first
    expect(page.get_by_text(re.compile(r"^Signed by the supervisor at"))).to_be_visible()
    # Pat signs from her own sign-in, never on Sam's screen [issue 13].
    expect(button(page, "Sign as supervisee")).to_be_hidden()
    (draft,) = tk.as_user("pat").contracts("P2")
    tk.as_user("pat").sign_contract(draft.id)
    page.get_by_text("Change of supervisor", exact=True).click()
    page.get_by_role("combobox", name="New supervisor").select_option(label="Sue Southern")
    leave(page.get_by_placeholder("What the new supervisor needs to know"), HANDOVER)
    button(page, "Replace contract").click()
    expect(page.get_by_text(re.compile(r"^New contract with Sue Southern from"))).to_be_visible()
    expect(page.get_by_text(HANDOVER)).to_be_visible()  # markup typed is shown as text


def record_observation(page) -> None:
    tab(page, "Observations")
    page.get_by_role("combobox", name="Supervisee").select_option(label="Pat Practitioner")
    fill_date(page, "Date", TODAY - dt.timedelta(days=3))
    leave(page.get_by_placeholder("where, with whom, what kind of work"), "Home visit with Jamie's mother")
    leave(page.get_by_placeholder("from the service users or professionals present"),
          "Mother agreed on the phone the day before")
    leave(page.get_by_placeholder("for discussion at the next supervision"), "Summarise the plan")
    button(page, "Save observation").click()
    expect(page.get_by_text(re.compile(r"^Saved at"))).to_be_visible()
    # Listed at once in the table, its row selected (the form above it is its detail).
    row = page.get_by_role("table", name="Observations", exact=True).locator(
        "tbody tr", has_text="Pat Practitioner")
    expect(row).to_contain_text("Sam Supervisor")
    expect(row).to_contain_text("recorded")
    expect(row).to_have_class(re.compile("sk-selected"))


def record_training(page) -> None:
    tab(page, "Training records")
    page.get_by_role("combobox", name="Practitioner").select_option(label="Pat Practitioner")
    expect(page.get_by_text("no safeguarding training recorded")).to_be_visible()
    page.get_by_placeholder("e.g. Safeguarding Children Level 3").fill(COURSE)
    fill_date(page, "Attended", dt.date(2025, 11, 3))
    button(page, "Add course").click()
    expect(page.get_by_text(re.compile(r"^Added at"))).to_be_visible()
    expect(page.get_by_role("table", name="Courses attended", exact=True)).to_contain_text(COURSE)
    expect(page.get_by_text("Up to date", exact=True)).to_be_visible()


def test_supervisor_agrees_a_contract_observes_practice_and_records_training(tmp_path, voila, page):
    db = tmp_path / "world.sqlite"
    tk = build_world(db)
    tk.engine.dispose()  # the kernel opens the file itself
    open_page(page, serve(voila, db, "sam"), "caseload.ipynb")
    agree_and_hand_over_contract(page, tk)
    record_observation(page)
    record_training(page)
    shot(page, "caseload-practice")

    sam, sue, pat = tk.as_user("sam"), tk.as_user("sue"), tk.as_user("pat")
    old, new = sorted(sam.contracts("P2"), key=lambda c: c.replaces_id is not None)
    assert (old.supervisor_id, old.venue, old.end_date) == ("P1", "Room 4, door closed", TODAY)
    assert old.frequency.startswith("Monthly supervision")
    assert old.supervisor_signed_at and old.supervisee_signed_at
    assert (new.supervisor_id, new.replaces_id, new.handover_note) == ("P4", old.id, HANDOVER)
    assert new.venue == old.venue and new.supervisor_signed_at is None  # both sign it anew
    # The supervisee finds the contract to sign; once they have (an unsigned contract grants
    # nothing, issue 19), the new supervisor finds the handover.
    assert [c.id for c in pat.contracts("P2", active_only=True)] == [new.id]
    assert sue.supervisees() == []
    pat.sign_contract(new.id)
    sue = tk.as_user("sue")
    assert [p.id for p in sue.supervisees()] == ["P2"]
    theirs = ContractForm.for_supervisee(sue, "P2")
    assert theirs.contract.id == new.id and "Core group on the 20th &lt;b&gt;" in theirs.header.value

    (obs,) = sam.observations("P2")
    assert (obs.observer_id, obs.date, obs.planned) == ("P1", TODAY - dt.timedelta(days=3), True)
    assert obs.permissions == "Mother agreed on the phone the day before"
    seen = ObservationList(pat, "P2")
    assert [o.id for o in seen.items] == [obs.id] and seen.table.all_text()[0][2] == "Sam Supervisor"

    (course,) = sam.training_records("P2")
    assert (course["course"], course["level"], course["attended"]) == (COURSE, 3, dt.date(2025, 11, 3))
    assert "Up to date" in TrainingRecordPanel(pat).summary.value


# -- the supervisee's side in "My supervision", and escalation (4) to the line manager ----------
@pytest.fixture
def handed_over(tmp_path):
    """Pat's contract handed over from Sam to Sue (signed by Sue), an observation and a
    course recorded by Sam, and a signed session whose disagreement was not resolved."""
    db = tmp_path / "world.sqlite"
    tk = build_world(db)
    sam, pat, sue = tk.as_user("sam"), tk.as_user("pat"), tk.as_user("sue")
    first = sam.save_contract(Contract("P1", "P2", "havering_social_work", dt.date(2025, 1, 6),
                                       venue="Room 4"))
    sam.sign_contract(first.id)
    pat.sign_contract(first.id)
    new = ContractForm(sam, "P2", first.id).replace("P4", HANDOVER)
    sue.sign_contract(new.id)
    sam.save_observation(Observation("P2", "P1", TODAY - dt.timedelta(days=10),
                                     setting="Core group meeting", permissions="All agreed",
                                     development_points="Summarise the plan"))
    sam.add_training_record("P2", COURSE, 3, "2025-11-03")
    session = record(sam, "P2", JAN, disagreement="Whether a strategy discussion is needed")
    tk.engine.dispose()  # the kernels open the file themselves
    return tk, db, new.id, session.id


def test_supervisee_signs_and_escalates_and_the_manager_resolves_it(voila, page, handed_over):
    tk, db, contract_id, session_id = handed_over
    as_pat, as_mia = serve(voila, db, "pat"), serve(voila, db, "mia")

    open_page(page, as_pat, "reflection.ipynb")
    tab(page, "My supervision")
    expect(page.get_by_text("Supervision contract: Sue Southern (supervisor) and Pat "
                            "Practitioner (supervisee)")).to_be_visible()
    expect(page.get_by_text("Replaces the contract with Sam Supervisor")).to_be_visible()
    expect(page.get_by_text(HANDOVER)).to_be_visible()
    observations = page.get_by_role("table", name="Observations", exact=True)
    expect(observations).to_contain_text("Sam Supervisor")
    observations.locator("tbody tr").first.click()  # shown in full below the table
    expect(page.locator(".observation-detail")).to_contain_text("Summarise the plan")
    expect(page.get_by_role("table", name="Courses attended", exact=True)).to_contain_text(COURSE)
    expect(button(page, "Sign as supervisor")).to_be_hidden()  # the supervisor signs in theirs
    button(page, "Sign as supervisee").click()
    expect(page.get_by_text("Signed by both: read only.")).to_be_visible()
    expect(page.get_by_text("Whether a strategy discussion is needed")).to_be_visible()
    button(page, "Escalate to the line manager").click()
    expect(page.get_by_text(re.compile(r"^Escalated to Mia Manager at"))).to_be_visible()
    shot(page, "my-supervision")

    pat, sam, mia = tk.as_user("pat"), tk.as_user("sam"), tk.as_user("mia")
    assert pat.contract(contract_id).supervisee_signed_at is not None
    (dis,) = rows(tk, DisagreementRow, session_id=session_id)
    assert dis.escalated_to_id == "P5" and dis.outcome in (None, "")
    assert any(a.text.startswith("Disagreement escalated to Mia Manager by Pat Practitioner")
               for a in sam.addenda(session_id))  # both parties know

    # The line manager finds it in the caseload app and records the outcome.
    open_page(page, as_mia, "caseload.ipynb")
    tab(page, "Management oversight")
    expect(page.get_by_text("Whether a strategy discussion is needed")).to_be_visible()
    leave(page.get_by_placeholder("Outcome, shared with both parties"),
          "Strategy discussion held on Monday; both agreed")
    button(page, "Record outcome").click()
    expect(page.get_by_text("No disagreements are waiting for you.")).to_be_visible()
    (d,) = mia.disagreements()
    assert d["outcome"] == "Strategy discussion held on Monday; both agreed" and d["resolved_date"]
    for who in (pat, sam):  # both parties see the outcome beside the disagreement
        shown = DisagreementsPanel(who).box.children[0].children[0].value
        assert "Resolved on" in shown and "by Mia Manager" in shown and "both agreed" in shown


# -- group supervision (7): confidentiality agreed, then every attendee signs --------------------
def test_group_session_records_confidentiality_and_every_attendee_signs(tmp_path, voila, page):
    db = tmp_path / "world.sqlite"
    tk = build_world(db)
    for pid in ("P2", "P9"):  # Sam's supervisees: he has supervised them before
        record(tk.as_user("sam"), pid, JAN)
    tk.engine.dispose()
    open_page(page, serve(voila, db, "sam"), "session.ipynb")
    button(page, "Group").click()
    page.get_by_role("listbox", name="Group").select_option(
        label=["Pat Practitioner (North)", "Nia Newly (North)"])
    button(page, "Open session").click()
    page.get_by_text(re.compile(r"^\d+\. Sign$")).click()
    button(page, "Sign as supervisor").click()
    # said by the Sign button, and beside the confidentiality box (in its closed section)
    expect(page.get_by_text("Record the group's confidentiality agreement before signing")
           .filter(visible=True).first).to_be_visible()
    page.get_by_text(re.compile(r"^\d+\. Group: attendees and confidentiality")).click()
    leave(page.get_by_placeholder(re.compile("^What the group agreed about confidentiality")),
          "What we share stays here unless a child is at risk")
    expect(page.get_by_text(re.compile("Draft saved at"))).to_be_visible()
    page.get_by_text(re.compile(r"^\d+\. Sign$")).click()
    button(page, "Sign as supervisor").click()
    expect(page.get_by_text(re.compile("awaiting the other signature"))).to_be_visible()
    # Each attendee signs from their own sign-in: the supervisor's screen only shows who has not.
    not_signed = page.locator(".not-signed")
    expect(not_signed).to_contain_text("Pat Practitioner")
    expect(not_signed).to_contain_text("Nia Newly")
    expect(page.get_by_role("button", name=re.compile("^Sign for"))).to_have_count(0)
    shot(page, "group-session")

    nia = tk.as_user("nia")
    group = [s for s in nia.sessions(supervisee_id="P9") if s["type"] == "group"]
    (sid,) = [s["id"] for s in group]
    for who in ("pat", "nia"):
        tk.as_user(who).sign(sid)
    stored = nia.session(sid)
    assert stored.state == "signed" and sorted(stored.supervisee_ids) == ["P2", "P9"]
    assert stored.group_confidentiality == "What we share stays here unless a child is at risk"
    assert {s.practitioner_id for s in nia.signatures(stored.id)} == {"P1", "P2", "P9"}
    # Each attendee sees the locked group record with the agreement and everyone's signature.
    mine = SessionRecorder(nia, ["P2", "P9"], session_id=stored.id)
    assert mine.locked and mine.inputs["group_confidentiality"].disabled
    assert mine.inputs["group_confidentiality"].value.startswith("What we share stays here")
    signed = mine.sections["sign"].signatures.value
    assert signed.count("class='signed-by'") == 3 and "Nia Newly" in signed
    assert "Nia Newly" in mine.sections["group"].attendees.value
