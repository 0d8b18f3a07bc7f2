"""Case meetings [HSCB aim 4] and everything due in one place: the caseload app, the QA
app and ``supervision-kit due --format json``, with hand-worked dates, on SQLite and
PostgreSQL."""
import json

from supervision_kit.apps.qa_app import QualityAssuranceApp
from supervision_kit.cli.main import main
from supervision_kit.domain.meetings import CaseMeeting
from supervision_kit.widgets.caseload import CaseloadOverview
from supervision_kit.widgets.common import html_values
from supervision_kit.widgets.table import table_texts
from tests.fixtures_pg import db_url, pg_server  # noqa: F401
from tests.rules_store import D, case, contract, day, hold, person, row, store


def world(tmp_path, url=None):
    tk = store(tmp_path, [person("A")], [case("CP", "A", "child protection plan",
                                               opened="2025-06-02"),
                                          case("CIN", "A", "child in need", opened="2025-06-02")],
               url=url)
    contract(tk, "A", "havering_social_work", start="2024-12-02")   # review due 2 Dec 2025
    hold(tk, "A", "2025-11-03", discussions=[("CP", "A"), ("CIN", "G")])
    hold(tk, "A", "2025-12-01", discussions=[("CIN", "G")])
    tk.add_case_meeting(CaseMeeting("CP", "review cp conference", D("2025-12-20")))
    tk.add_case_meeting(CaseMeeting("CIN", "cin review", D("2025-12-12")))
    return tk


def test_a_cp_conference_in_ten_days_with_no_discussion_since_is_flagged(db_url, tmp_path):
    tk = world(tmp_path, db_url)
    m = tk.meetings_due(as_of="2025-12-10")
    cp = row(m, "case_id", "CP")
    # 14 days before 20 Dec is 6 Dec; CP was last discussed on 3 Nov: flagged.
    assert cp["flag"] and day(cp["discuss_from"]) == D("2025-12-06")
    assert cp["reason"] == ("Review child protection conference on 20 Dec 2025: not discussed in "
                            "the 14 days before it; last discussed 3 Nov 2025.")
    cin = row(m, "case_id", "CIN")   # discussed on 1 Dec, within 14 days of 12 Dec
    assert not cin["flag"] and cin["reason"].endswith("discussed on 1 Dec 2025.")
    # Not yet in its window on 1 Dec: listed, not flagged.
    assert not row(tk.meetings_due(as_of="2025-12-01"), "case_id", "CP")["flag"]
    # A discussion in the window clears it.
    hold(tk, "A", "2025-12-11", discussions=[("CP", "A")])
    assert not row(tk.meetings_due(as_of="2025-12-12"), "case_id", "CP")["flag"]


def test_contract_review_due_in_the_caseload_qa_and_due_json(tmp_path, capsys):
    tk = world(tmp_path)
    sam = tk.as_user("sam")
    ov = CaseloadOverview(sam, as_of=D("2025-12-10"))
    also = ov.frames["arranged"]
    review = also[also["kind"] == "contract review"].iloc[0]
    assert review["person"] == "Worker A" and review["days_overdue"] == 8
    assert review["reason"] == "Overdue by 8 days: contract review due 2 Dec 2025."
    shown = " ".join(html_values(ov.widget) + table_texts(ov.widget))  # what the app shows
    assert "Overdue by 8 days: contract review due 2 Dec 2025." in shown
    qa = QualityAssuranceApp(tk.as_user("system"), as_of=D("2025-12-10"))
    kinds = set(qa.topics["frequency"].frames["arranged"]["kind"])
    assert {"contract review", "case meeting"} <= kinds
    code = main(["due", "--db", str(tk.engine.url.database), "--as-user", "sam",
                 "--as-of", "2025-12-10", "--format", "json"])
    rows = json.loads(capsys.readouterr().out)
    assert code == 0
    by_kind = {}
    for r in rows:
        by_kind.setdefault(r["kind"], []).append(r)
    [rev] = by_kind["contract review"]
    assert (rev["person_id"], rev["due"], rev["days_overdue"]) == ("A", "2025-12-02", 8)
    assert {r["item"] for r in by_kind["case meeting"]} == {
        "REF-CP: Review child protection conference", "REF-CIN: Child in need review"}
    assert [r["flag"] for r in by_kind["case meeting"] if r["item"].startswith("REF-CP")] == [True]
    assert by_kind["observation"][0]["item"] == "observation of practice"
    assert by_kind["supervision"][0]["item"] == "Management (line) supervision"
    assert by_kind["quarterly case review"]
