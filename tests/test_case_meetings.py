"""Case meetings entered in the caseload app and the CLI [HSCB aim 4]: add, change and
remove through ``CaseMeetingsPanel`` as a supervisor or the case's worker would, with
access refused to others and every change logged; the entered meeting flags the case
when it was not discussed before it; ``supervision-kit meetings add/list``; on SQLite and PostgreSQL."""
import datetime as dt
import json

from supervision_kit.apps.workflow_sections import caseload_tabs
from supervision_kit.cli.main import main
from supervision_kit.widgets.case_meetings import CaseMeetingsPanel
from tests.helpers_widgets import beside
from supervision_kit.widgets.caseload import CaseloadOverview
from supervision_kit.widgets.common import html_values
from supervision_kit.widgets.table import table_texts
from tests.fixtures_pg import db_url, pg_server  # noqa: F401
from tests.rules_store import D, case, contract, hold, person, row, store


def world(tmp_path, url=None):
    tk = store(tmp_path, [person("A"), person("Z", team="South", line_manager_id=None)],
               [case("CP", "A", "child protection plan", opened="2025-06-02"),
                case("ZC", "Z", "child in need", opened="2025-06-02")], url=url)
    contract(tk, "A", "havering_social_work", start="2025-06-02")
    hold(tk, "A", "2025-11-03", discussions=[("CP", "A")])
    return tk


def test_a_supervisor_enters_a_conference_that_flags_the_case_then_moves_and_removes_it(
        db_url, tmp_path):
    tk = world(tmp_path, db_url)
    sam = tk.as_user("sam")
    p = CaseMeetingsPanel(sam)
    assert [v for _, v in p.case.options] == ["", "CP"]      # only cases Sam may see
    p.case.value = "CP"
    assert p.table.total == 0 and p.table.empty_text == "No meetings entered for this case."
    p.kind.value, p.date.value, p.note.value = "initial cp conference", D("2025-12-20"), "<b>IRO</b>"
    p.add_button.click()
    assert p.status == "Added: Initial child protection conference on 20 Dec 2025"
    # Listed at once (the note as typed, as text); the form is ready for another.
    assert [r[:3] for r in p.table.all_text()] == [
        ["20 Dec 2025", "Initial child protection conference", "<b>IRO</b>"]]
    assert p.table.selected == "" and not p.add_button.disabled
    assert "Added: Initial child protection" in beside(p.widget, p.add_button)
    # Ten days before, with no discussion since 3 Nov: flagged in the caseload's "Also due".
    ov = CaseloadOverview(sam, as_of=D("2025-12-10"))
    shown = " ".join(html_values(ov.widget) + table_texts(ov.widget))  # what the app shows
    assert ("Initial child protection conference on 20 Dec 2025: not discussed in the 14 days "
            "before it; last discussed 3 Nov 2025.") in shown
    # Moved to 5 Jan: chosen, changed, saved; no longer in its window on 10 Dec.
    [m] = p.meetings
    p.table.select(m.id)   # a click on its row puts it in the form
    assert (p.kind.value, p.date.value) == ("initial cp conference", D("2025-12-20"))
    assert p.add_button.disabled and "Changing:" in p.chosen.value
    p.date.value = D("2026-01-05")
    p.save_button.click()
    assert p.status == "Saved: Initial child protection conference on 5 Jan 2026"
    assert [x.date for x in tk.case_meetings("CP")] == [D("2026-01-05")]
    assert p.table.all_text()[0][0] == "5 Jan 2026"   # the list follows the change
    assert not row(tk.meetings_due(as_of="2025-12-10"), "case_id", "CP")["flag"]
    # A bad date is named beside its field and nothing changes.
    p.table.select(m.id)
    p.date.value = None
    p.save_button.click()
    assert p.status.startswith("Not saved") and p.fields["date"].error.value
    p.table.select(m.id)
    p.remove_button.click()
    assert p.status == "Removed: Initial child protection conference on 5 Jan 2026"
    assert tk.case_meetings("CP") == [] and p.table.total == 0 and p.chosen_meeting is None
    assert p.remove_button.disabled
    log = [(e["action"], e["user"]) for e in tk.audit_log(limit=500)
           if e["entity"] == "case_meeting"]
    assert log.count(("create", "sam")) == 1 and ("update", "sam") in log
    assert ("delete", "sam") in log


def test_the_worker_may_enter_a_meeting_about_their_case_others_are_refused(tmp_path):
    tk = world(tmp_path)
    a = tk.as_user("a")
    p = CaseMeetingsPanel(a, case_id="CP")
    p.kind.value, p.date.value = "core group", D("2025-12-15")
    assert p.add() is not None and [m.kind for m in tk.case_meetings("CP")] == ["core group"]
    # A worker in another team may neither list nor enter meetings about CP.
    z = CaseMeetingsPanel(tk.as_user("z"))
    assert "CP" not in [v for _, v in z.case.options]
    z.case.options = [*z.case.options, ("REF-CP", "CP")]     # as if a stale page offered it
    z.case.value = "CP"
    assert z.status.startswith("Not allowed")
    z.kind.value, z.date.value = "core group", D("2025-12-16")
    assert z.add() is None and z.status.startswith("Not added: Not allowed")
    assert len(tk.case_meetings("CP")) == 1
    # The tab is in the caseload app for the worker, and not for an auditor.
    tk.add_practitioners([person("AU", role="auditor", line_manager_id=None)])
    assert "Case meetings" in caseload_tabs(a)
    assert "Case meetings" not in caseload_tabs(tk.as_user("au"))


def test_meetings_add_and_list_on_the_command_line(tmp_path, capsys):
    tk = world(tmp_path)
    db = str(tk.engine.url.database)
    code = main(["meetings", "add", "--db", db, "--as-user", "sam", "--case", "REF-CP",
                 "--kind", "core group", "--date", "2025-12-15", "--note", "monthly"])
    out = capsys.readouterr().out
    assert code == 0 and "Core group on 15 Dec 2025" in out
    code = main(["meetings", "list", "--db", db, "--as-user", "sam", "--format", "json"])
    [m] = json.loads(capsys.readouterr().out)
    assert (m["case"], m["kind"], m["date"], m["note"]) == ("REF-CP", "core group",
                                                            "2025-12-15", "monthly")
    assert main(["meetings", "list", "--db", db, "--as-user", "z"]) == 0
    assert capsys.readouterr().out.strip() == "no case meetings"   # not Z's to see
    code = main(["meetings", "add", "--db", db, "--as-user", "z", "--case", "REF-CP",
                 "--kind", "core group", "--date", "2025-12-16"])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1 and "no case 'REF-CP'" in err
    code = main(["meetings", "add", "--db", db, "--as-user", "sam", "--case", "CP",
                 "--kind", "core group", "--date", "15/13/2025"])
    assert code == 2 and "date" in capsys.readouterr().err
    assert [x.date for x in tk.case_meetings()] == [dt.date(2025, 12, 15)]
