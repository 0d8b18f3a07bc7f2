"""Policy presets and calendars as data (issue 3, part 1)."""
import shutil
from pathlib import Path

import numpy as np
import pytest
import yaml

from supervision_kit.catalog.calendars import load_half_terms, load_holidays
from supervision_kit.catalog.policies import deep_merge, list_policies, load_policy
from supervision_kit.config import Settings
from supervision_kit.domain.periods import period_label
from supervision_kit.errors import ValidationError
from supervision_kit.rules import calendar as cal
from supervision_kit.rules.policy import PolicyBook

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
D = np.datetime64


def test_the_four_presets_load_with_the_seed_numbers():
    assert list_policies(TEMPLATES) == ["havering_social_work", "health_clinical",
                                        "hscb_multi_agency", "temple_school_dsl"]
    hav = load_policy("havering_social_work", TEMPLATES)
    assert hav.period("supervision.interval") == (1, 0)                      # Havering 5
    assert hav.get("supervision.sickness.within_working_days") == 5          # Havering 5
    assert [(p["for_weeks"] if "for_weeks" in p else None, p["interval_days"])
            for p in hav.get("supervision.newly_qualified")] == [(6, 7), (None, 14)]
    assert hav.get("cases.windows")["child protection plan"] == {"within_months": 2}   # 9.2
    assert "child in need" not in hav.get("cases.windows")    # all cases monthly (9.2)
    assert hav.get("cases.windows")["default"] == {"within_months": 1}
    assert hav.period("cases.quarterly_review") == (3, 0)
    assert hav.get("records.within_working_days") == 2
    assert hav.get("observations.per_year") == 2                              # Havering 8
    assert hav.period("contract.review") == (12, 0)
    assert hav.get("drift.consecutive_amber_red") == 3
    temple = load_policy("temple_school_dsl", TEMPLATES)
    assert temple.get("supervision.every_half_term") is True
    assert temple.get("supervision.duration_minutes") == 60                  # "about an hour"
    assert temple.get("supervision.term_calendar") == "england_school_terms"
    assert temple.get("supervision.newly_qualified") == []
    hscb = load_policy("hscb_multi_agency", TEMPLATES)
    assert hscb.period("supervision.interval") == (3, 0)                     # quarterly
    assert load_policy("health_clinical", TEMPLATES).get("setting") == "health"


def test_extends_replaces_a_period_given_in_another_unit():
    temple = load_policy("temple_school_dsl", TEMPLATES)
    # Havering says interval_months: 1; Temple's interval_weeks: 8 replaces it.
    assert temple.period("supervision.interval") == (0, 56)
    assert "interval_months" not in temple.get("supervision")


def test_contract_override_merges_deeply_and_replaces_the_unit():
    pol = load_policy("havering_social_work", TEMPLATES, {"supervision": {"interval_days": 21}})
    assert pol.period("supervision.interval") == (0, 21)
    assert pol.get("supervision.sickness.within_working_days") == 5        # untouched sibling
    pol = load_policy("havering_social_work", TEMPLATES,
                      {"cases": {"windows": {"child in need": {"within_weeks": 6}}}})
    assert pol.get("cases.windows")["child in need"] == {"within_weeks": 6}
    assert pol.get("cases.windows")["child protection plan"] == {"within_months": 2}


def test_deep_merge_replaces_lists_and_keeps_the_base_unchanged():
    base = {"a": {"x_months": 1, "keep": 1}, "l": [1, 2]}
    out = deep_merge(base, {"a": {"x_days": 3}, "l": [9]})
    assert out == {"a": {"keep": 1, "x_days": 3}, "l": [9]}
    assert base == {"a": {"x_months": 1, "keep": 1}, "l": [1, 2]}


@pytest.mark.parametrize("override, where, words", [
    ({"supervison": {}}, "overrides: supervison", "unknown key"),
    ({"supervision": {"interval_days": "x"}}, "overrides: supervision.interval_days", "whole number"),
    ({"supervision": {"interval_days": 0}}, "overrides: supervision.interval_days", "at least 1"),
    ({"cases": {"windows": {"child at risk": {"within_months": 1}}}},
     "overrides: cases.windows.child at risk", "unknown case status"),
    ({"functions": {"required": ["support", "coaching"]}}, "overrides: functions.required",
     "'coaching'"),
    ({"supervision": {"counts_types": ["walk"]}}, "overrides: supervision.counts_types", "'walk'"),
])
def test_bad_overrides_name_the_key(override, where, words):
    with pytest.raises(ValidationError) as e:
        load_policy("havering_social_work", TEMPLATES, override)
    assert e.value.field == where
    assert words in e.value.message


@pytest.fixture
def templates(tmp_path):
    dst = tmp_path / "templates"
    shutil.copytree(TEMPLATES / "policies", dst / "policies")
    shutil.copytree(TEMPLATES / "calendars", dst / "calendars")
    return dst


def test_an_agency_adds_a_preset_by_adding_a_file(templates):
    (templates / "policies" / "fostering_team.yaml").write_text(yaml.safe_dump({
        "extends": "havering_social_work", "name": "fostering_team", "title": "Fostering",
        "supervision": {"interval_weeks": 6}}))
    assert "fostering_team" in list_policies(templates)
    pol = load_policy("fostering_team", templates)
    assert pol.period("supervision.interval") == (0, 42)
    assert pol.get("observations.per_year") == 2


def test_a_broken_preset_file_is_refused_naming_file_and_key(templates):
    text = (templates / "policies" / "hscb_multi_agency.yaml").read_text()
    (templates / "policies" / "hscb_multi_agency.yaml").write_text(
        text.replace("interval_months: 3", "interval_months: three"))
    with pytest.raises(ValidationError) as e:
        load_policy("hscb_multi_agency", templates)
    assert e.value.field == "hscb_multi_agency.yaml: supervision.interval_months"
    (templates / "policies" / "bad.yaml").write_text("name: [unclosed\n")
    with pytest.raises(ValidationError) as e:
        load_policy("bad", templates)
    assert e.value.field == "bad.yaml" and "YAML" in e.value.message
    (templates / "policies" / "twice.yaml").write_text(yaml.safe_dump({
        "extends": "havering_social_work", "supervision": {"interval_days": 3,
                                                           "interval_weeks": 1}}))
    with pytest.raises(ValidationError, match="one unit only"):
        load_policy("twice", templates)


def test_unknown_preset_falls_back_to_the_default_with_a_note():
    book = PolicyBook(TEMPLATES, "havering_social_work")
    pol, note = book.resolve("no_such_preset", "{}")
    assert pol.name == "havering_social_work" and "no_such_preset" in note
    with pytest.raises(ValidationError, match="available"):
        load_policy("no_such_preset", TEMPLATES)


def test_policy_through_the_facade(tmp_path):
    from supervision_kit.facade import Toolkit
    tk = Toolkit.system(tmp_path / "p.sqlite")
    assert tk.policy()["name"] == Settings().default_preset
    assert tk.policy("temple_school_dsl")["supervision"]["every_half_term"] is True
    assert "health_clinical" in tk.policies()


# -- calendars ------------------------------------------------------------------------
def test_bank_holidays_2024_to_2028_eight_a_year_on_weekdays():
    h = load_holidays("england_bank_holidays", TEMPLATES)
    years = h.astype("datetime64[Y]").astype(int) + 1970
    assert sorted(set(years)) == [2024, 2025, 2026, 2027, 2028]
    assert all((years == y).sum() == 8 for y in range(2024, 2029))
    assert np.is_busday(h).all()                       # substitute days are weekdays
    for d in ("2025-08-25", "2026-04-03", "2026-04-06", "2026-12-28", "2027-12-27", "2028-01-03"):
        assert D(d) in h


def test_half_terms_cover_2024_to_2028_in_order():
    starts, ends, names = load_half_terms("england_school_terms", TEMPLATES)
    assert (starts <= ends).all() and (ends[:-1] < starts[1:]).all()
    assert starts[0] <= D("2024-01-08") and ends[-1] >= D("2028-12-15")
    assert len(names) == 30 and names[10] == "Autumn 1 2025"
    assert np.is_busday(starts).all() and np.is_busday(ends).all()


def test_calendar_months_clip_to_the_end_of_the_month():
    d = np.array(["2025-12-31", "2027-12-31", "2025-11-30", "2025-01-31", "NaT"], dtype="datetime64[D]")
    assert cal.add_months(d, 2).astype(str).tolist() == [
        "2026-02-28", "2028-02-29", "2026-01-30", "2025-03-31", "NaT"]
    assert cal.add_months(d[:1], 3)[0] == D("2026-03-31")


def test_working_days_skip_weekends_and_bank_holidays():
    h = load_holidays("england_bank_holidays", TEMPLATES)
    thu = np.array(["2025-08-21"], dtype="datetime64[D]")       # Thursday before a bank-holiday Monday
    assert cal.add_working_days(thu, 5, h)[0] == D("2025-08-29")
    assert cal.add_working_days(thu, 5, np.array([], dtype="datetime64[D]"))[0] == D("2025-08-28")
    easter = np.array(["2026-04-02"], dtype="datetime64[D]")    # Thursday before Good Friday
    assert cal.add_working_days(easter, 5, h)[0] == D("2026-04-13")
    sat = np.array(["2025-08-23"], dtype="datetime64[D]")       # a Saturday starts on Tuesday
    assert cal.add_working_days(sat, 2, h)[0] == D("2025-08-28")
    assert cal.working_days_between(thu, np.array(["2025-08-29"], dtype="datetime64[D]"), h)[0] == 5


def test_period_labels():
    assert [period_label(p) for p in [(1, 0), (0, 7), (0, 14), (3, 0), (2, 0), (0, 21), (0, 56)]] == [
        "monthly", "weekly", "fortnightly", "quarterly", "every 2 months", "every 3 weeks",
        "every 8 weeks"]
