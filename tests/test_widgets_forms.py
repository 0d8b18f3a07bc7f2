"""ContractForm and EvaluationForm driven headlessly (values set, real buttons clicked),
asserting what lands in the store; plus the evaluation summary and chart."""
import datetime as dt
import io

import pandas as pd
import pytest
from matplotlib import image as mpimg
from traitlets import TraitError

from supervision_kit.analytics.evaluation import evaluation_chart_png, evaluation_summary
from supervision_kit.domain.enums import EVALUATION_STATEMENTS
from supervision_kit.domain.records import Evaluation
from supervision_kit.widgets.common import html_values
from tests.helpers_widgets import beside
from supervision_kit.widgets.contract import TERM_KEYS, ContractForm, preset_frequency
from supervision_kit.widgets.evaluation import EvaluationForm

TODAY = dt.date.today()
EVIL = "<script>alert(1)</script> & more"


def fill(form: ContractForm) -> dict:
    """Type every term, as supervisor and supervisee would agree them."""
    typed = {k: f"{k.replace('_', ' ')}: agreed text" for k in TERM_KEYS}
    typed["venue"] = "Room 2, " + EVIL
    for k, v in typed.items():
        form.inputs[k].value = v
    return typed


@pytest.fixture
def sam(world):
    return world.as_user("sam")


# -- contracts ---------------------------------------------------------------------------------
def test_contract_form_offers_presets_with_frequency_in_words(sam):
    form = ContractForm(sam, "P2")
    names = [v for _, v in form.preset.options]
    assert set(names) == set(sam.policies()) and form.preset.value == "havering_social_work"
    assert "monthly" in dict((v, k) for k, v in form.preset.options)["havering_social_work"]
    assert "newly qualified: weekly for the first 6 weeks" in form.frequency_words.value
    # The frequency and duration terms start from the preset; the review a year on.
    assert form.inputs["frequency"].value.startswith("Monthly supervision")
    assert form.inputs["duration"].value == "About 90 minutes."
    assert form.start.value == TODAY and form.review.value.year == TODAY.year + 1
    form.preset.value = "temple_school_dsl"
    assert form.inputs["frequency"].value.startswith("Every half term")
    assert "every half term" in form.frequency_words.value
    form.inputs["frequency"].value = "Every other Tuesday"  # typed text is never replaced
    form.preset.value = "hscb_multi_agency"
    assert form.inputs["frequency"].value == "Every other Tuesday"
    form.frequency_days.value = "21"
    assert "Overridden: every 21 days" in form.frequency_words.value
    # Moving the start moves the default review date with it.
    form.start.value = dt.date(2026, 2, 1)
    assert form.review.value == dt.date(2027, 2, 1)


def test_contract_save_sign_and_replace_land_in_the_store(world, sam):
    form = ContractForm(sam, "P2")
    typed = fill(form)
    form.frequency_days.value = "21"
    form.save_button.click()
    c = form.contract
    assert c is not None and form.status.startswith("Saved")
    assert "Saved" in beside(form.widget, form.save_button)     # beside the button clicked
    stored = sam.contract(c.id)
    assert {k: getattr(stored, k) for k in TERM_KEYS} == typed
    assert stored.overrides == {"supervision": {"interval_days": 21}}
    assert (stored.supervisor_id, stored.supervisee_id) == ("P1", "P2")
    assert stored.review_date == form.review.value

    form.sign_supervisor_button.click()
    assert sam.contract(c.id).supervisor_signed_at is not None and not form.read_only
    assert form.status and form.status in beside(form.widget, form.sign_supervisor_button)
    assert "Signed by the supervisor on" in form.signatures.value
    assert form.sign_supervisee_button.layout.display == "none"  # nobody signs for Pat
    ContractForm(world.as_user("pat"), "P2", contract_id=c.id).sign_supervisee_button.click()
    form = ContractForm(sam, "P2", contract_id=c.id)  # Sam's screen, reopened
    signed = sam.contract(c.id)
    assert signed.supervisee_signed_at is not None and form.read_only
    assert "Signed by the supervisee on " + f"{signed.supervisee_signed_at.day} {signed.supervisee_signed_at:%b %Y}" \
        in form.signatures.value
    # Signed by both: read only.
    assert form.save_button.disabled and all(form.inputs[k].disabled for k in TERM_KEYS)
    assert form.save() is None and "signed by both" in form.status
    assert all("<script>" not in h for h in html_values(form.widget))

    # Someone outside the arrangement cannot replace it: a message, not a traceback.
    other = ContractForm(world.as_user("sue"), "P3")
    assert other.replace("P5", "Not mine") is None and len(sam.contracts("P2")) == 1

    # The team manager records the change of supervisor with a handover note.
    mia = world.as_user("mia")
    change = ContractForm(mia, "P2", contract_id=c.id)
    assert change.read_only and change.inputs["venue"].value == typed["venue"]
    assert not change.replace_button.disabled
    change.new_supervisor.value = "P5"
    change.handover.value = "Sam leaves on Friday; C1 core group next week. " + EVIL
    change.replace_button.click()
    new = change.contract
    assert new.id != c.id and new.replaces_id == c.id and new.supervisor_id == "P5"
    assert new.start_date == TODAY and new.handover_note.startswith("Sam leaves")
    assert {k: getattr(new, k) for k in TERM_KEYS} == typed
    assert new.supervisor_signed_at is None and not change.read_only
    old = mia.contract(c.id)
    assert old.end_date == TODAY
    assert [x.id for x in mia.contracts("P2", active_only=True)] == [new.id]
    assert "&lt;script&gt;" in change.header.value and "Replaces the contract" in change.header.value
    assert all("<script>" not in h for h in html_values(change.widget))
    # The new supervisor and the supervisee sign the new contract.
    change.sign_supervisor()
    assert change.sign_supervisee() is None and "Not signed" in change.status  # not Mia's to sign
    ContractForm(world.as_user("pat"), "P2", contract_id=new.id).sign_supervisee()
    assert ContractForm(mia, "P2", contract_id=new.id).read_only
    assert mia.contract(new.id).supervisee_signed_at is not None


def test_bad_review_date_shows_message_and_keeps_what_was_typed(sam):
    form = ContractForm(sam, "P2")
    typed = fill(form)
    form.preset.value = "temple_school_dsl"
    form.start.value = dt.date(2026, 9, 1)
    form.review.value = dt.date(2026, 8, 1)
    form.save_button.click()
    assert form.contract is None and sam.contracts("P2") == []
    assert form.fields["review_date"].error.value == "the review must come after the start"
    assert "Not saved" in form.status
    assert {k: form.inputs[k].value for k in TERM_KEYS} == typed
    assert form.preset.value == "temple_school_dsl" and form.start.value == dt.date(2026, 9, 1)
    assert form.review.value == dt.date(2026, 8, 1)
    # A frequency that is not a number is refused beside its field, too.
    form.review.value = dt.date(2027, 9, 1)
    form.frequency_days.value = "fortnightly"
    assert form.save() is None and "whole number" in form.fields["frequency_days"].error.value
    assert form.fields["review_date"].error.value == ""
    form.frequency_days.value = ""
    saved = form.save()
    assert saved is not None and form.fields["frequency_days"].error.value == ""
    assert sam.contract(saved.id).preset == "temple_school_dsl"


def test_replace_needs_a_new_supervisor_and_a_handover_note(world):
    mia = world.as_user("mia")
    form = ContractForm(mia, "P2", supervisor_id="P1")
    fill(form)
    assert form.replace("P5", "note") is None and "Save this contract" in form.status
    form.save()
    assert form.replace(None, "") is None
    assert form.fields["new_supervisor"].error.value == "Choose the new supervisor"
    assert form.fields["handover_note"].error.value.startswith("Write a handover note")
    assert form.replace("P1", "x") is None and "someone other" in form.fields["new_supervisor"].error.value
    assert len(mia.contracts("P2")) == 1


def test_a_new_contract_replaces_the_active_one_at_its_annual_review(sam):
    first = ContractForm(sam, "P2")
    fill(first)
    first.start.value = dt.date(2025, 1, 6)
    c1 = first.save()
    review = ContractForm(sam, "P2", start_date=dt.date(2026, 1, 6))
    assert review.replaces.id == c1.id and "ends the current one" in review.header.value
    assert review.inputs["purpose"].value == first.inputs["purpose"].value  # last year's terms
    c2 = review.save()
    assert c2.replaces_id == c1.id and sam.contract(c1.id).end_date == dt.date(2026, 1, 6)
    assert ContractForm.for_supervisee(sam, "P2").contract.id == c2.id
    assert ContractForm.for_supervisee(sam, "P9").contract is None


def test_contract_form_for_someone_not_visible_shows_a_message(world):
    form = ContractForm(world.as_user("sue"), "P2")
    assert form.status.startswith("Not found") and form.save_button.disabled


def test_preset_frequency_words(sam):
    from supervision_kit.catalog.policies import load_policy
    t = sam.settings.templates
    assert preset_frequency(load_policy("hscb_multi_agency", t)) == \
        "quarterly (newly appointed: monthly for the first 6 months)"
    # Health has no ASYE: its first months are for newly appointed staff [HSCB].
    assert preset_frequency(load_policy("health_clinical", t)).startswith(
        "quarterly (newly appointed: monthly for the first 6 months)")


# -- evaluation ---------------------------------------------------------------------------------
def test_evaluation_submit_stores_ten_answers(world):
    pat = world.as_user("pat")
    form = EvaluationForm(pat, "P1")
    assert len(form.toggles) == 10 and form.answers == [None] * 10
    assert "About supervision with your supervisor" in form.widget.children[0].value
    named = EvaluationForm(pat, "P1", supervisor_name="Sam <Supervisor>")
    assert "Sam &lt;Supervisor&gt;" in named.widget.children[0].value
    form.submit_button.click()
    assert "Answer at least one" in form.status and pat.evaluations() == []
    choices = ["yes", "no", "maybe", "yes", "yes", "maybe", "yes", "no", "yes", "yes"]
    for t, a in zip(form.toggles, choices):
        t.value = a
    assert form.answers == choices
    form.set_answer(9, "maybe")
    assert form.toggles[9].value == "maybe"
    form.more_of.value = "Time to reflect " + EVIL
    form.less_of.value = "Rushing through cases"
    form.submit_button.click()
    assert form.status.startswith("Submitted") and form.disabled
    stored = pat.evaluations()
    assert len(stored) == 1 and len(stored[0].answers) == 10
    assert stored[0].answers == choices[:9] + ["maybe"]
    assert stored[0].more_of == "Time to reflect " + EVIL and stored[0].supervisor_id == "P1"
    assert stored[0].supervisee_id == "P2"
    assert all(t.disabled for t in form.toggles)
    assert form.submit() is None and "Already submitted" in form.status
    assert len(pat.evaluations()) == 1
    with pytest.raises(TraitError):
        form.answers = ["yes"] * 9
    with pytest.raises(TraitError):
        form.answers = ["perhaps"] * 10


def test_evaluation_leaving_some_unanswered_and_errors_as_messages(world):
    pat = world.as_user("pat")
    form = EvaluationForm(pat, "P1", session_id=None)
    form.toggles[0].value = "yes"
    assert form.submit() is not None and "9 statements left unanswered" in form.status
    # An auditor cannot answer the tool: a message, no traceback.
    aud = EvaluationForm(world.as_user("aud"), "P1")
    aud.toggles[0].value = "no"
    assert aud.submit() is None and aud.status.startswith("Not submitted: Not allowed")


def test_evaluation_summary_and_chart():
    day = dt.date(2026, 1, 1)
    evs = [Evaluation("P2", "P1", day, answers=["yes"] * 10),
           Evaluation("P9", "P1", day, answers=["no"] * 5 + ["maybe"] * 5),
           Evaluation("P3", "P1", day, answers=["yes"] + [None] * 9)]
    df = evaluation_summary(evs)
    assert list(df["statement"]) == list(EVALUATION_STATEMENTS)
    first = df.iloc[0]
    assert (first["yes"], first["no"], first["maybe"], first["answered"]) == (2, 1, 0, 3)
    assert first["yes_pct"] == pytest.approx(66.7) and first["no_pct"] == pytest.approx(33.3)
    last = df.iloc[9]
    assert (last["yes_pct"], last["maybe_pct"], last["unanswered"]) == (50.0, 50.0, 1)
    # Dicts and a DataFrame of answers work too; nobody answering gives NaN, not an error.
    assert evaluation_summary([{"answers": e.answers} for e in evs]).equals(df)
    assert evaluation_summary(pd.DataFrame({"answers": [e.answers for e in evs]})).equals(df)
    empty = evaluation_summary([])
    assert empty["answered"].sum() == 0 and empty["yes_pct"].isna().all()
    for frame in (df, empty):
        png = evaluation_chart_png(frame)
        img = mpimg.imread(io.BytesIO(png), format="png")
        assert png.startswith(b"\x89PNG") and img.shape[0] > 300
