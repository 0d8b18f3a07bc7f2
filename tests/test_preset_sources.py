"""Every number in every preset has its source: a seed and section whose quoted words are
really there, or the agency's choice; the Havering, health and observation corrections."""
from pathlib import Path

import pytest

from supervision_kit.config import Settings
from supervision_kit.catalog.policies import list_policies, load_policy
from supervision_kit.rules.sources import check_source, numbers, problems, seed_texts

SEEDS = Path("/work/shared/seeds")
TEMPLATES = Settings().templates


@pytest.fixture(scope="module")
def texts():
    if not SEEDS.is_dir():
        pytest.skip("the seed policies are not on this machine")
    return seed_texts(SEEDS)


@pytest.mark.parametrize("name", list_policies(TEMPLATES))
def test_every_number_has_a_checked_source(name, texts):
    assert problems(name, TEMPLATES, SEEDS) == []
    assert list(numbers(load_policy(name, TEMPLATES).data))  # there are numbers to check


def _copy_presets(tmp_path):
    (tmp_path / "policies").mkdir()
    for p in Path(TEMPLATES, "policies").glob("*.yaml"):
        (tmp_path / "policies" / p.name).write_text(p.read_text(encoding="utf-8"), encoding="utf-8")
    return tmp_path / "policies"


def test_a_number_without_a_source_fails(tmp_path, texts):
    pol = _copy_presets(tmp_path)
    f = pol / "havering_social_work.yaml"
    f.write_text(f.read_text().replace('  contract.review_months: "Havering 6: which will be '
                                       'reviewed at least annually"\n', ""))
    assert problems("havering_social_work", tmp_path, SEEDS) == [
        "havering_social_work.yaml: contract.review_months: no source "
        "(cite '<Seed> <section>: <quote>' or 'agency: <why>')"]


def test_an_inherited_havering_number_in_a_school_preset_fails(tmp_path, texts):
    """Temple must restate Havering's sickness rule: it cites a seed Temple is not built from."""
    pol = _copy_presets(tmp_path)
    f = pol / "temple_school_dsl.yaml"
    text = f.read_text()
    text = text.replace("  sickness:\n    reason: sickness\n    within_working_days: 5\n", "")
    text = "\n".join(l for l in text.splitlines() if "sickness.within_working_days" not in l)
    f.write_text(text)
    out = problems("temple_school_dsl", tmp_path, SEEDS)
    assert len(out) == 1 and "supervision.sickness.within_working_days: cites Havering" in out[0]


def test_quotes_and_sections_are_checked_against_the_seeds(texts):
    ok = "Havering 9.2: Cases should be discussed on a monthly basis"
    assert check_source("x", ok, ["Havering"], texts) is None
    assert "not in Havering" in check_source(
        "x", "Havering 9.2: child in need cases every three months", ["Havering"], texts)
    assert "no section '14'" in check_source("x", "Havering 14: monthly", ["Havering"], texts)
    assert "no section '8'" in check_source("x", "PG41 8: supervision", ["PG41"], texts)
    assert check_source("x", "agency: our choice", [], texts) is None
    assert "neither" in check_source("x", "a guess", ["Havering"], texts)


def test_havering_child_in_need_is_monthly_and_cp_two_monthly():
    pol = load_policy("havering_social_work", TEMPLATES)
    wins = pol.get("cases.windows")
    assert "child in need" not in wins  # falls to the default: all cases monthly (Havering 9.2)
    assert wins["default"] == {"within_months": 1}
    assert wins["child protection plan"] == {"within_months": 2}
    assert load_policy("hscb_multi_agency", TEMPLATES).get("cases.windows")["child in need"] == \
        {"within_months": 3}


def test_health_preset_cites_sections_pg41_has():
    text = Path(TEMPLATES, "policies", "health_clinical.yaml").read_text()
    assert "PG41 8" not in text and "PG41 6 (Health Service)" in text
