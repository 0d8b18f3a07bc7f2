"""Domain validation: every refusal names its field and says what is wrong."""
import datetime as dt

import pytest

from supervision_kit.domain.records import (ActionItem, ActionReview, Case, CaseDiscussion,
                                            Contract, Disagreement, Evaluation, Observation,
                                            Practitioner, SessionRecord)
from supervision_kit.domain.validation import (validate_case, validate_contract,
                                               validate_evaluation, validate_observation,
                                               validate_practitioner, validate_session)
from supervision_kit.errors import ValidationError


def session(**kw):
    base = dict(date=dt.date(2026, 3, 2), supervisor_id="P1", supervisee_ids=["P2"])
    base.update(kw)
    return SessionRecord(**base)


@pytest.mark.parametrize("kw, field, words", [
    (dict(supervisee_ids=[]), "supervisee_ids", "at least one supervisee"),
    (dict(supervisee_ids=["P2", "P2"]), "supervisee_ids", "twice"),
    (dict(supervisee_ids=["P1"]), "supervisee_ids", "cannot also be a supervisee"),
    (dict(supervisee_ids=["P2", "P3"], type="one-to-one"), "type", "choose group"),
    (dict(date="2026-02-30"), "date", "not a date"),
    (dict(date=None), "date", "required"),
    (dict(type="coffee"), "type", "unknown value 'coffee'"),
    (dict(functions=["gossip"]), "functions[0]", "unknown value"),
    (dict(next_session_date="2026-03-01"), "next_session_date", "not after"),
    (dict(discussions=[CaseDiscussion(case_id="C1", rag="X")]), "discussions[0].rag", "use one of G, A, R"),
    (dict(discussions=[CaseDiscussion(case_id="")]), "discussions[0].case_id", "choose the case"),
    (dict(discussions=[CaseDiscussion(case_id="C1"), CaseDiscussion(case_id="C1")]),
     "discussions[1].case_id", "already discussed"),
    (dict(actions=[ActionItem("Visit", due_date=dt.date(2026, 3, 1))]), "actions[0].due_date",
     "before the session date"),
    (dict(actions=[ActionItem("   ")]), "actions[0].description", "required"),
    (dict(actions=[ActionItem("Visit", due_date="next week")]), "actions[0].due_date", "not a date"),
    (dict(reviews=[ActionReview("a1", "maybe later")]), "reviews[0].outcome", "unknown value"),
    (dict(disagreements=[Disagreement("")]), "disagreements[0].description", "required"),
    (dict(wellbeing="ok\x00"), "wellbeing", "control characters"),
    (dict(duration_minutes="long"), "duration_minutes", "whole number"),
])
def test_session_refusals_name_the_field(kw, field, words):
    with pytest.raises(ValidationError) as e:
        validate_session(session(**kw))
    assert e.value.field == field
    assert words in e.value.message


def test_valid_session_is_normalised():
    rec = validate_session(session(date="2026-03-02", functions=["support", "management", "support"],
                                   discussions=[CaseDiscussion(case_id="C1", rag="", summary="<b>x</b>")]))
    assert rec.date == dt.date(2026, 3, 2)
    assert rec.functions == ["management", "support"]
    assert rec.discussions[0].rag is None
    assert rec.discussions[0].summary == "<b>x</b>"  # text kept as typed, never interpreted


@pytest.mark.parametrize("make, field", [
    (lambda: validate_practitioner(Practitioner("P1", "", "u")), "name"),
    (lambda: validate_practitioner(Practitioner("P1", "A", "u", role="boss")), "role"),
    (lambda: validate_practitioner(Practitioner("P1", "A", "u", asye_start="soon")), "asye_start"),
    (lambda: validate_case(Case("C1", "CR-1", "P1", "unknown", dt.date(2025, 1, 1))), "status"),
    (lambda: validate_case(Case("C1", "CR-1", "", "child in need", dt.date(2025, 1, 1))), "worker_id"),
    (lambda: validate_case(Case("C1", "CR-1", "P1", "child in need", dt.date(2025, 1, 1),
                                closed=dt.date(2024, 1, 1))), "closed"),
    (lambda: validate_contract(Contract("P1", "P2", "havering_social_work", dt.date(2025, 1, 1),
                                        review_date=dt.date(2024, 1, 1))), "review_date"),
    (lambda: validate_evaluation(Evaluation("P2", "P1", dt.date(2025, 1, 1), answers=["yes"])), "answers"),
    (lambda: validate_evaluation(Evaluation("P2", "P1", dt.date(2025, 1, 1),
                                            answers=["yes"] * 9 + ["often"])), "answers[9]"),
    (lambda: validate_observation(Observation("P2", "", dt.date(2025, 1, 1))), "observer_id"),
])
def test_other_records_refusals_name_the_field(make, field):
    with pytest.raises(ValidationError) as e:
        make()
    assert e.value.field == field
