"""Supervision quality audit [HSCB aim 2; Temple]: a stratified random sample with a
fixed seed is reproducible and covers each stratum; judgements stored, logged, shown."""
from __future__ import annotations

import datetime as dt

import pytest

from supervision_kit.apps.qa_app import QualityAssuranceApp
from supervision_kit.domain.quality_audit import draw, stratum
from supervision_kit.widgets.table import table_texts
from supervision_kit.domain.records import CaseDiscussion
from supervision_kit.errors import AccessDenied, ValidationError
from tests.helpers_widgets import beside
from tests.test_maintenance import signed_session

D = dt.date(2026, 1, 5)


def history(world):
    """C1: G, A (worsening), R (worsening), R (red); C2: A, A (amber)."""
    plan = [("P2", "C1", "G"), ("P2", "C1", "A"), ("P2", "C1", "R"), ("P2", "C1", "R"),
            ("P2", "C2", "A"), ("P2", "C2", "A")]
    for n, (who, case, rag) in enumerate(plan):
        signed_session(world, [who], D + dt.timedelta(days=7 * n),
                       discussions=[CaseDiscussion(case_id=case, rag=rag, decision="d")])


def test_strata():
    assert stratum("A", "G") == "worsening" and stratum("R", "A") == "worsening"
    assert stratum("R", "R") == "red" and stratum("A", None) == "amber"
    assert stratum("G", "R") is None and stratum(None, "A") is None


def test_draw_is_reproducible_and_covers_each_stratum():
    pool = [{"discussion_id": f"d{i:02}", "stratum": s}
            for i, s in enumerate(["red"] * 9 + ["amber"] * 7 + ["worsening"] * 2)]
    a = draw(pool, 3, seed=42)
    assert a == draw(list(reversed(pool)), 3, seed=42)  # row order does not matter
    assert [x["stratum"] for x in a] == ["worsening"] * 2 + ["red"] * 3 + ["amber"] * 3
    assert any(draw(pool, 3, seed=s) != a for s in range(1, 6))  # the seed matters
    with pytest.raises(ValidationError):
        draw(pool, 0, seed=1)


def test_sample_judge_and_results(world):
    history(world)
    aud = world.as_user("aud")
    first = aud.draw_audit_sample(D, D + dt.timedelta(days=60), per_stratum=2, seed=7)
    again = aud.draw_audit_sample(D, D + dt.timedelta(days=60), per_stratum=2, seed=7)
    ids = lambda a: [i["discussion_id"] for i in a["items"]]  # noqa: E731
    assert ids(first) == ids(again) and len(ids(first)) == 5
    assert {i["stratum"] for i in first["items"]} == {"worsening", "red", "amber"}
    assert len({i["discussion_id"] for i in first["items"]}) == 5
    item = first["items"][0]
    with pytest.raises(ValidationError) as e:
        aud.judge_audit_item(first["id"], item["discussion_id"], {"smart": "maybe"})
    assert e.value.field == "judgements.smart"
    aud.judge_audit_item(first["id"], item["discussion_id"],
                         {"decision": "yes", "smart": "no", "child": "partly"},
                         "Actions have no dates")
    res = aud.audit_results(first["id"])
    assert sorted(res["criterion"]) == ["child", "decision", "smart"]
    assert set(res["team"]) == {"North"}
    log = [(e["action"], e["entity"]) for e in world.audit_log(limit=20)]
    assert ("sample", "quality_audit") in log and ("judge", "quality_audit") in log
    with pytest.raises(AccessDenied):
        world.as_user("sam").draw_audit_sample(D, D, 1, 1)


def test_qa_app_audit_tab(world):
    history(world)
    qa = QualityAssuranceApp(world.as_user("aud"), as_of=D + dt.timedelta(days=60))
    tab = qa.governance_tabs["audit"]
    tab.seed.value = "7"
    tab.per_stratum.value = 1
    tab.draw_button.click()
    assert len(tab.items) == 3 and "seed 7" in tab.status.value
    assert "seed 7" in beside(tab.widget, tab.draw_button)       # beside the button clicked
    assert tab.sample.total == 3 and tab.sample.selected == tab.sample.row_keys[0]
    first = tab.select(tab.sample.row_keys[0])   # a click on the first sampled record
    assert first["reference"] in tab.chosen.value
    tab.answers["decision"].value = "yes"
    tab.answers["diversity"].value = "no"
    tab.comment.value = "No <b>diversity</b> discussion"
    tab.judge_button.click()
    assert tab.status.value == "Judgement saved"
    # The sample says it is judged; the results table follows at once.
    assert [r[3] for r in tab.sample.all_text()].count("yes") == 1
    assert tab.sample.row(first["discussion_id"])["judged"] == "yes"
    texts = table_texts(tab.widget)
    assert any(t.startswith("North\t") and "\tdiversity\t" in t for t in texts)
    # Another record opens blank; going back to the judged one shows what was saved.
    tab.select(next(k for k in tab.sample.row_keys if k != first["discussion_id"]))
    assert tab.answers["decision"].value == "" and tab.comment.value == ""
    tab.select(first["discussion_id"])
    assert tab.answers["decision"].value == "yes"
    assert tab.comment.value == "No <b>diversity</b> discussion"   # as typed, shown as text
    tab.results.select(tab.results.row_keys[0])   # a result row shown in full below it
    assert "% yes" in tab.widget.children[-1].detail.value
    assert beside(tab.widget, tab.judge_button) == "Judgement saved"
    assert beside(tab.widget, tab.draw_button) == ""
