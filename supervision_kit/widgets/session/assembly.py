"""How the recorder's sections are put together: which sections a record has, in the
seeds' order of a session [PG41 4; Temple Appendix 2; HSCB Appendix III], each built
when first opened and placed in its accordion slot, read only on a locked record."""
from __future__ import annotations

import ipywidgets as w

from ...domain.enums import SessionState
from ...errors import SupervisionError
from ..common import walk
from ..diversity import DiversitySection
from .arrangement import ArrangementSection
from .discussions import DiscussionsSection
from .items import AgreedActionsSection, DisagreementsSection
from .reflect import ReflectionSection
from .reviews import ReviewSection
from .sections import FunctionsSection, GroupSection, NextSessionSection, TextSection
from .signing import SignSection

WELLBEING = [("wellbeing", "Wellbeing", "how the supervisee is; staff safety"),
             ("workload", "Workload", "caseload, capacity, pressures"),
             ("sickness_absence", "Sickness absence since the last supervision", ""),
             ("training_since", "Safeguarding training since the last supervision", "")]


class SectionsMixin:
    """The recorder's sections: specified, built on demand, placed and locked."""

    def _section_specs(self, group: bool, carried: list) -> list[tuple]:
        """(key, title, fields it shows, maker) per section, in the record's order."""
        arrangement = ArrangementSection(self)
        try:
            diversity = self.tk.diversity_form()
        except SupervisionError:  # the section says why when opened
            diversity = None
        div_title = diversity.title if diversity else "Diversity and anti-discriminatory practice"

        def text(key, title, fields, rows=3):
            return (key, title, tuple(f[0] for f in fields),
                    lambda: TextSection(self, title, fields, rows=rows))

        def made(key, cls, *args):
            return (key, cls.title, cls.fields_handled, lambda: cls(self, *args))

        specs = [made("group", GroupSection)] if group else []
        # Opened first when the writer must choose between streams, else near the end.
        where = ("arrangement", ArrangementSection.title, ArrangementSection.fields_handled,
                 lambda: arrangement)
        specs += [where] if arrangement.must_choose else []
        specs += [
            text("agenda", "Agree the agenda",
                 [("agenda", "Agenda", "issues for discussion, from both of you")], rows=4),
            made("reviews", ReviewSection, carried),
            made("discussions", DiscussionsSection),
            text("wellbeing", "Wellbeing, workload, sickness absence and training", WELLBEING),
            ("diversity", div_title, DiversitySection.fields_handled,
             lambda: DiversitySection(self, diversity)),
            made("functions", FunctionsSection),
            text("learning", "Learning and development", [
                ("learning_development", "Learning and development",
                 "areas of learning, professional development opportunities")]),
            made("disagreements", DisagreementsSection),
            made("reflection", ReflectionSection, self._frameworks or {}),
            made("actions", AgreedActionsSection),
            *([] if arrangement.must_choose else [where]),
            made("next", NextSessionSection),
            made("sign", SignSection),
        ]
        return specs

    def _built(self, key: str, section) -> None:
        """A section just built: shown in its place, read only if the record is locked."""
        if self.accordion is not None:
            self._place(key, section)
        if self.locked and key != "sign":
            self._lock_section(key, section)
        if key == "next" and self._suggested:
            section.show_suggestion(*self._suggested)

    def _place(self, key: str, section) -> None:
        slot = self._slots[list(self.sections).index(key)]
        if tuple(slot.children) != (section.widget,):
            slot.children = (section.widget,)

    def _opened(self, change) -> None:
        keys = list(self.sections)
        i = change["new"]
        if i is None:
            return
        self.sections[keys[i]]  # built (and shown) when first opened
        if keys[i] == "next":
            self.suggest_next_session()

    @property
    def function_boxes(self) -> dict[str, w.Checkbox]:
        """The four functions' check boxes (the section is built if need be)."""
        return self.sections["functions"].boxes if "functions" in self.sections else {}

    @property
    def review_buttons(self) -> dict[str, w.ToggleButtons]:
        """Outcome buttons of the carried actions, by action id."""
        return self.sections["reviews"].buttons if "reviews" in self.sections else {}

    def _lock_section(self, key: str, section) -> None:
        keep = set()
        if key == "reflection":  # paging through a reflection stays possible
            for g in section.guides.values():
                keep |= {id(g.back_button), id(g.next_button)}
        for x in walk(section.widget):
            if id(x) not in keep and "disabled" in x.trait_names():
                x.disabled = True

    def _read_only(self) -> None:
        for key, section in self.sections.built_items():
            if key != "sign":
                self._lock_section(key, section)
        sign = self.sections["sign"]
        for pid, b in sign.buttons.items():
            b.disabled = pid in sign.signed or self.record.state != SessionState.AWAITING.value

