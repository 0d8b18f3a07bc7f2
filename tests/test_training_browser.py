"""The training app in real Voilà and Chromium: a trainer's page and three trainees' pages in
one browser; the trainees rate two vignettes and the trainer's page shows the agreement
figures without a reload."""
from __future__ import annotations

import re

import pandas as pd
import pytest
from playwright.sync_api import expect

from supervision_kit.analytics import agreement
from supervision_kit.catalog.vignettes import load_vignettes
from supervision_kit.domain.records import Practitioner
from supervision_kit.training.results import fmt
from tests.conftest import ARTIFACTS
from tests.fixtures_db import build_world
from tests.helpers_browser import ROOT, RequestLog

VIGNETTES = ["cp_substance_testing", "hv_fear_of_mother_partner"]  # the picker's order
ITEMS = [(v, i) for v in VIGNETTES for i in range(2)]
LABELS = {"G": "G — improving", "A": "A — the same", "R": "R — worse"}
# Each trainee's ratings of the four updates, in reading order.
TRAINEES = {"Robin": "ARAR", "Sasha": "ARGR", "Kit": "GRAA"}
SLOW = 120_000  # a kernel per page on a small machine


def expected_figures() -> dict[str, str]:
    long = pd.DataFrame([dict(rater=a, item=f"{v}#{i + 1}", rating=r)
                         for a, rs in TRAINEES.items() for (v, i), r in zip(ITEMS, rs)])
    return {"percent": f"Percent agreement: {fmt(agreement.percent_agreement(long), True)}",
            "fleiss": f"Fleiss' kappa (nominal): {fmt(agreement.fleiss_kappa(long))}",
            "alpha": "Krippendorff's alpha (ordinal, R < A < G): "
                     f"{fmt(agreement.krippendorff_alpha(long, level='ordinal'))}"}


def open_app(pg, url: str) -> None:
    pg.goto(url)
    expect(pg.get_by_role("button", name="I am a trainee")).to_be_visible(timeout=SLOW)


def join_and_rate(pg, code: str, alias: str, ratings: str) -> None:
    pg.get_by_role("button", name="I am a trainee").click()
    pg.get_by_placeholder("e.g. K7QX2M").fill(code)
    pg.get_by_placeholder("a first name or nickname").fill(alias)
    pg.get_by_role("button", name="Join").click()
    for n, ((vid, i), rating) in enumerate(zip(ITEMS, ratings)):
        # wait until the kernel shows this update before answering it
        expect(pg.locator(f"[data-item='{vid}#{i + 1}']")).to_be_visible(timeout=SLOW)
        pg.get_by_role("button", name=LABELS[rating], exact=True).click()
        pg.get_by_placeholder("Why? What in this update").fill(f"{alias}: {rating} because …")
        if n < len(ITEMS) - 1:
            pg.get_by_role("button", name="Next").click()
        else:
            pg.get_by_role("button", name="Save").click()
    expect(pg.get_by_text(f"rated {len(ITEMS)} of {len(ITEMS)}").first).to_be_visible(timeout=SLOW)


@pytest.mark.browser
def test_trainer_sees_agreement_live_as_three_trainees_rate(tmp_path, voila, browser, page):
    tk = build_world(tmp_path / "training.sqlite")
    tk.add_practitioners([Practitioner("T1", "Tess Trainer", "tess", role="trainer")])
    server = voila(ROOT / "notebooks", env={"SUPERVISION_KIT_DB": str(tmp_path / "training.sqlite"),
                                            "SUPERVISION_KIT_USER": "tess"})
    url = server.url + "voila/render/training.ipynb"

    # the trainer: choose two vignettes, create the exercise, read the join code
    trainer = page
    trainer.context.set_default_timeout(SLOW)
    open_app(trainer, url)
    trainer.get_by_role("button", name="I am the trainer").click()
    library = load_vignettes(ROOT / "templates")
    labels = [f"{library[v].title} [{library[v].setting}; {len(library[v].updates)} updates]"
              for v in VIGNETTES]
    trainer.locator("select[multiple]").select_option(label=labels)
    expect(trainer.get_by_text(library[VIGNETTES[1]].title).first).to_be_visible(timeout=SLOW)
    trainer.get_by_role("button", name="Create exercise").click()
    code_box = trainer.locator(".join-code")
    expect(code_box).to_have_text(re.compile(r"^[A-Z2-9]{6}$"), timeout=SLOW)
    code = code_box.inner_text().strip()
    expect(trainer.get_by_text("Trainees: 0; ratings: 0")).to_be_visible(timeout=SLOW)

    # three trainees, each in their own tab of the same browser
    log = RequestLog()
    context = browser.new_context()
    context.set_default_timeout(SLOW)
    log.attach(context)
    try:
        tabs = {alias: context.new_page() for alias in TRAINEES}
        for pg in tabs.values():
            open_app(pg, url)
        for alias, pg in tabs.items():
            join_and_rate(pg, code, alias, TRAINEES[alias])

        # the trainer's page updates by itself: no reload, no sleeps
        expect(trainer.get_by_text(f"Trainees: 3; ratings: {3 * len(ITEMS)}")).to_be_visible(timeout=SLOW)
        for text in expected_figures().values():
            expect(trainer.get_by_text(text, exact=True)).to_be_visible(timeout=SLOW)
        for key in ("percent", "fleiss", "alpha"):  # a plain sentence beside each figure
            expect(trainer.locator(f"[data-meaning='{key}']")).not_to_be_empty()
        # the expert's answers are not in the page until the trainer reveals them
        expect(trainer.locator("th", has_text="Expert")).to_have_count(0)
        trainer.get_by_role("button", name="Reveal expert ratings").click()
        expect(trainer.locator("th", has_text="Expert").first).to_be_visible(timeout=SLOW)
        for alias in TRAINEES:
            expect(trainer.locator(".training-table").get_by_text(alias, exact=True)).to_be_visible(timeout=SLOW)
        expect(trainer.locator("img").first).to_be_visible(timeout=SLOW)
        ARTIFACTS.mkdir(exist_ok=True)
        trainer.set_viewport_size({"width": 1280, "height": 2600})  # Voilà scrolls inside the page
        trainer.screenshot(path=str(ARTIFACTS / "training_trainer_dashboard.png"), full_page=True)
        tabs["Kit"].screenshot(path=str(ARTIFACTS / "training_trainee_page.png"), full_page=True)

        # the export is a data: link with trainees pseudonymised
        trainer.get_by_role("button", name="Export results (CSV)").click()
        link = trainer.get_by_role("link", name=re.compile(r"Download exercise-"))
        expect(link).to_have_attribute("href", re.compile(r"^data:text/csv;base64,"), timeout=SLOW)
    finally:
        context.close()
    assert log.external() == []
