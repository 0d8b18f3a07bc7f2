"""Streams in the apps, headlessly: the contract form and the caseload's Contracts tab put
a second contract beside the first; the session recorder asks which stream and records
the length."""
import datetime as dt

from supervision_kit.apps.practice_sections import ContractsSection
from supervision_kit.domain.records import Practitioner
from supervision_kit.widgets.contract import ContractForm
from supervision_kit.widgets.session.recorder import SessionRecorder
from tests.rules_store import contract, person, store

D = dt.date.fromisoformat


def world(tmp_path):
    tk = store(tmp_path, [person("W"), Practitioner("R", "Rita Registered", "rita",
                                                    role="supervisor", team="North")])
    contract(tk, "W", "havering_social_work", start="2025-06-02")
    return tk


def test_a_second_contract_in_another_stream_stands_beside_the_first(tmp_path):
    tk = world(tmp_path)
    sam = tk.as_user("sam")
    tab = ContractsSection(sam)
    tab.choose("W")
    labels = [label for label, _ in tab.which.options]
    assert labels == ["Management (line) supervision with Sam Supervisor",
                      "New contract in another stream"]
    tab.which.value = ""                                  # the new one
    form = tab.form
    assert form.replaces is None
    form.preset.value = "hscb_multi_agency"
    form.stream.value = "professional"
    form.start.value = D("2025-09-01")
    form.save()
    assert form.status.startswith("Saved"), form.status
    saved = {c.stream or "": c for c in tk.contracts("W", active_only=True)}
    assert set(saved) == {"", "professional"}             # the first is not ended
    assert saved["professional"].preset == "hscb_multi_agency"
    assert [s["stream"] for s in tk.streams("W")] == ["management", "professional"]
    tab.choose("W")
    assert len(tab.which.options) == 3


def test_the_recorder_asks_which_stream_and_records_the_length(tmp_path):
    tk = world(tmp_path)
    contract(tk, "W", "hscb_multi_agency", start="2025-06-02", stream="professional")
    r = SessionRecorder(tk.as_user("sam"), "W", date=D("2025-10-06"))
    assert list(r.sections)[0] == "arrangement"           # asked first: there are two
    r.inputs["agenda"].value = "Caseload"                 # autosave: refused without a stream
    assert "management or professional" in r.error_for("stream")
    r.inputs["stream"].value = "management"
    r.inputs["duration_minutes"].value = 95
    assert r.save() and r.error_for("stream") == ""
    rec = tk.session(r.record.id)
    assert (rec.stream, rec.duration_minutes, rec.agenda) == ("management", 95, "Caseload")
    due = tk.due(as_of="2025-10-20")
    w = due[due["supervisee_id"] == "W"].set_index("stream")
    assert str(w.loc["management", "last_held"].date()) == "2025-10-06"
    assert w.loc["professional", "last_held"] != w.loc["professional", "last_held"]   # NaT


def test_one_stream_needs_no_choice(tmp_path):
    tk = world(tmp_path)
    r = SessionRecorder(tk.as_user("sam"), "W", date=D("2025-10-06"))
    assert list(r.sections)[0] != "arrangement"
    r.inputs["agenda"].value = "Caseload"
    assert tk.session(r.record.id).stream == "management"
