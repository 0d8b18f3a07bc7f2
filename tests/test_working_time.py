"""Working time and start in post entered in the caseload app's "Contracts" tab
(``WorkingTimeForm``) and used by the rules: half time under the Havering preset
[Havering 5], newly appointed under Temple [Temple]; the field is named when wrong;
only the supervisor, line manager or an admin may set it, never for oneself."""
import pytest

from supervision_kit.apps.practice_sections import ContractsSection
from supervision_kit.errors import AccessDenied, NotFound
from supervision_kit.widgets.common import html_values
from tests.helpers_widgets import beside
from tests.rules_store import D, contract, day, hold, person, row, store


def test_half_time_entered_in_the_contracts_tab_stretches_the_havering_month(tmp_path):
    tk = store(tmp_path, [person("H"), person("O", team="South", line_manager_id=None)])
    contract(tk, "H", "havering_social_work", start="2025-06-02")
    hold(tk, "H", "2025-10-06")
    assert day(row(tk.due(as_of="2025-12-10"), "supervisee_id", "H")["next_due"]) == D("2025-11-06")
    sam = tk.as_user("sam")
    section = ContractsSection(sam)
    section.choose("H")
    form = section.hours
    assert form.widget in section.area.children
    assert form.summary.value == "Works full time; start date in post not recorded."
    # Out of range: named beside the field, nothing saved.
    form.percent.value = "0"
    form.save_button.click()
    assert form.status.startswith("Not saved") and "between 5 and 100" in form.fields[
        "working_percent"].error.value
    assert "Not saved" in beside(form.widget, form.save_button)
    assert tk.practitioner("H").working_percent is None
    form.percent.value, form.started.value = "50", D("2025-06-02")
    form.save_button.click()
    assert form.status == "Saved: Works 50% of full time; in post since 2 Jun 2025."
    assert "Works 50% of full time; in post since 2 Jun 2025." in " ".join(
        html_values(section.widget))
    # Monthly at half time: two months after 6 Oct is 6 Dec; 4 days late on 10 Dec.
    h = row(tk.due(as_of="2025-12-10"), "supervisee_id", "H")
    assert day(h["next_due"]) == D("2025-12-06") and h["days_overdue"] == 4
    assert "pro rata for 50% of full time" in h["reason"]
    log = [e["detail"] for e in tk.audit_log(action="update") if e["entity"] == "practitioner"
           and e["user"] == "sam"]
    assert log == ["working 50%; in post from 2025-06-02"]
    # Not for someone Sam may not see, nor for Sam himself.
    with pytest.raises(NotFound):
        sam.set_working_time("O", 50)
    with pytest.raises(AccessDenied):
        sam.set_working_time("S", 50)


def test_a_start_in_post_entered_makes_a_temple_dsl_newly_appointed(tmp_path):
    tk = store(tmp_path, [person("N", team="School")])
    contract(tk, "N", "temple_school_dsl", start="2025-09-01")
    hold(tk, "N", "2025-09-15")
    # Not known to be new: once a half term, the end of Autumn 2 2025.
    assert day(row(tk.due(as_of="2025-09-20"), "supervisee_id", "N")["next_due"]) == D("2025-12-19")
    section = ContractsSection(tk.as_user("sam"))
    section.choose("N")
    section.hours.started.value = D("2025-09-01")
    section.hours.save()
    n = row(tk.due(as_of="2025-09-20"), "supervisee_id", "N")
    assert day(n["next_due"]) == D("2025-10-15")              # monthly for six months
    assert "monthly in the first 6 months in post" in n["reason"]
