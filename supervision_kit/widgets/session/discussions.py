"""Case discussions with the recording templates' questions and a RAG rating
[HSCB Appendix III; Havering 9.2; Temple Appendix 3]. Widgets are built only when a
case is added; a follow-up starts from the case's last signed discussion, carrying only
its stable context (domain/lifecycle.py)."""
from __future__ import annotations

import ipywidgets as w

from ...domain import lifecycle as lc
from ...domain.enums import RAG
from ...domain.lifecycle import FollowUpBasis, day_text, unsigned_label
from ...domain.records import CaseDiscussion
from ...errors import SupervisionError, ValidationError
from ..common import Field, esc, textarea
from .carry import AnswerNote
from .sections import Section

QUESTIONS = [
    ("summary", "Summary of events since the last supervision", ""),
    ("worries", "What are we worried about, and why?", "risks to the child, from whom or what"),
    ("working_well", "What is working well?", "strengths and protective factors"),
    ("barriers", "Barriers to progress", ""),
    ("impact", "Impact on the child", ""),
    ("needs", "Needs of the child", ""),
    ("engagement", "Family engagement and capacity for change", ""),
    ("plan", "The plan, and each agency's part in it", "what needs to happen, by whom and when"),
]
AFTER_RAG = [
    ("proposed_amendment", "Proposed amendment to the plan",
     "to address escalating concern or drift, and how it will be shared with multi-agency colleagues"),
    ("refusal_action", "Action if parents refuse services",
     "when the significant harm threshold is not met"),
    ("decision", "Decision", "what was decided"),
    ("rationale", "Rationale", "why: the evidence and management oversight"),
]
TITLES = {k: t for k, t, _ in QUESTIONS + AFTER_RAG} | {"needs_oversight": "Management oversight"}
RAG_OPTIONS = [("G improving", RAG.G.value), ("A same", RAG.A.value), ("R worse", RAG.R.value)]
RAG_TIPS = ["Green: circumstances improving", "Amber: the same", "Red: worse"]
RANK = {RAG.G.value: 0, RAG.A.value: 1, RAG.R.value: 2}


def extra_questions(rec) -> list[tuple[str, str, str]]:
    """The preset's added questions for this record's discussions (asked once per recorder)."""
    if getattr(rec, "_extra_questions", None) is None:
        try:
            rec._extra_questions = rec.tk.discussion_questions(rec.record)
        except SupervisionError:
            rec._extra_questions = []
    return rec._extra_questions


def amendment_reason(rag: str | None, previous: str | None, drift: str | None) -> str:
    """Why a proposed amendment to the plan is needed ("" when it is not)."""
    if drift:
        return f"Drift is flagged for this case ({drift})"
    if rag and previous and RANK[rag] > RANK[previous]:
        return f"Concern is escalating ({previous} → {rag})"
    if rag and rag == previous and rag != RAG.G.value:
        return f"No improvement since the last discussion ({previous} → {rag})"
    return ""


class DiscussionForm:
    """The questions for one case, bound to its ``CaseDiscussion``. A follow-up shows where
    it started (the last signed discussion), any later unsigned ones, and beside each
    answer where its text came from."""

    def __init__(self, rec, d: CaseDiscussion, basis: FollowUpBasis | None, drift: str | None):
        self.rec, self.d = rec, d
        self.basis = basis or FollowUpBasis(case_id=d.case_id)
        self.previous, self.previous_date = self.basis.previous, self.basis.previous_date
        self.previous_rag = self.previous.rag if self.previous else None
        self.drift = drift
        self._setting = False
        self.inputs: dict[str, w.Widget] = {}
        self.fields: dict[str, Field] = {}
        self.notes: dict[str, AnswerNote] = {}
        self.head = Field(None, w.HTML(value=self._head_html()))
        self.unsigned_buttons: dict[str, w.Button] = {}
        rows = []
        for u in self.basis.unsigned:
            b = w.Button(description="Open it", icon="external-link", layout={"width": "auto"})
            b.on_click(lambda _, sid=u.session_id: rec.request_record(sid))
            self.unsigned_buttons[u.session_id] = b
            rows.append(w.HBox([w.HTML(value=f"<small>Not copied: the {esc(unsigned_label(u))}"
                                             f"</small>"), b]))
        self.unsigned_box = w.VBox(rows)
        for key, title, help_text in QUESTIONS:
            self._text(key, title, help_text)
        self.extra = extra_questions(rec)  # the preset's own [Temple Appendix 3]
        for key, title, help_text in self.extra:
            self._text(key, title, help_text)
        self.rag = w.ToggleButtons(options=RAG_OPTIONS, value=d.rag or None,
                                   style={"button_width": "auto"}, tooltips=RAG_TIPS)
        self.rag.add_class("sk-rag")  # green/amber/red, and a check on the chosen one
        prev = (f"Previous rating: {self.previous_rag} ({RAG(self.previous_rag).meaning})"
                if self.previous_rag else "No previous rating")
        self.previous_label = w.Label(value=prev)
        self.rag.observe(self._rated, names="value")
        self.inputs["rag"] = self.rag
        self.fields["rag"] = Field("RAG: are the child's circumstances improving (G), the same "
                                   "(A) or worse (R)?", w.HBox([self.rag, self.previous_label]))
        for key, title, help_text in AFTER_RAG:
            self._text(key, title, help_text)
        self.amendment_prompt = w.Label(value="", style={"text_color": "#8a5a00"})
        amend = self.fields["proposed_amendment"].box
        amend.children = (*amend.children[:1], self.amendment_prompt, *amend.children[1:])
        self.oversight = w.Checkbox(value=d.needs_oversight, description="Needs management oversight",
                                    indent=False)
        self.quarterly = w.Checkbox(value=d.quarterly_review, description="Quarterly case review",
                                    indent=False)
        rec.bind(self.oversight, d, "needs_oversight")
        rec.bind(self.quarterly, d, "quarterly_review")
        self.inputs.update(needs_oversight=self.oversight, quarterly_review=self.quarterly)
        self.fields["needs_oversight"] = Field(None, w.VBox([
            w.HBox([self.oversight, self.quarterly]), w.HTML(value=self._oversight_before())]))
        self.confirm_all_button = w.Button(description="Confirm all carried answers unchanged",
                                           icon="check", layout={"width": "auto"})
        self.confirm_all_button.on_click(lambda _: self.confirm_all())
        self.remove_button = w.Button(description="Remove this discussion", icon="trash",
                                      layout={"width": "auto"})
        self.remove_button.on_click(lambda _: rec.remove_discussion(d.case_id))
        self.reflect_button = w.Button(description="Reflect on this case", icon="refresh",
                                       layout={"width": "auto"})
        self.reflect_button.on_click(lambda _: rec.reflect_on_case(d.case_id))
        self.widget = w.VBox([self.head.box, self.unsigned_box, self.confirm_all_button,
                              *[self.fields[k].box for k, _, _ in QUESTIONS + self.extra],
                              self.fields["rag"].box,
                              *[self.fields[k].box for k, _, _ in AFTER_RAG],
                              self.fields["needs_oversight"].box,
                              w.HBox([self.reflect_button, self.remove_button])],
                             layout={"border": "1px solid #ccc", "padding": "6px", "margin": "6px 0"})
        self._show_amendment()
        self._show_confirm_all()

    def _head_html(self) -> str:
        head = f"<h3 style='margin:4px 0'>{esc(self.rec.case_label(self.d.case_id))}</h3>"
        if self.d.chosen_by:  # brought by the supervisee on their agenda [Temple Appendix 2]
            head += (f"<div><b>Brought by {esc(self.rec.name_of(self.d.chosen_by))}</b>"
                     f"{' (' + esc(self.d.choice_reason) + ')' if self.d.choice_reason else ''}"
                     f"</div>")
        if self.previous is not None:
            head += (f"<small><i>Follow-up of the signed discussion of "
                     f"{esc(day_text(self.previous_date))}: the child's needs, the plan and "
                     f"family engagement are carried (confirm or change each); what belongs to "
                     f"this meeting starts empty, with last time's answer shown for "
                     f"reference.</i></small>")
        if self.drift:
            head += f"<div style='color:#b00020'>Drift flagged: {esc(self.drift)}</div>"
        return head

    def _oversight_before(self) -> str:
        p = self.previous
        if p is None or not p.needs_oversight:
            return ""
        status = f" ({p.oversight.status})" if p.oversight else ""
        return (f"<small style='color:#555'><i>Last time ({esc(day_text(self.previous_date))}) "
                f"the decision went to management oversight{esc(status)}.</i></small>")

    def _text(self, key: str, title: str, help_text: str) -> None:
        box = textarea(title, getattr(self.d, key), rows=2)
        self.rec.bind(box, self.d, key, after=lambda k=key: self._edited(k))
        self.inputs[key] = box
        # the amendment is asked for only when needed, so its box is shown and hidden
        self.fields[key] = Field(title, box, help_text, hideable=key == "proposed_amendment")
        self.notes[key] = AnswerNote(self, key, self.fields[key])

    def _edited(self, key: str) -> None:
        if self._setting:
            return
        lc.edited(self.d, key)  # typed here: today's own text
        self.notes[key].show()
        self._show_confirm_all()

    def confirm(self, key: str) -> bool:
        """Confirm a carried answer unchanged, or take last time's answer as today's."""
        try:
            lc.confirm(self.d, key, self.previous, self.previous_date)
        except ValidationError as e:
            self.fields[key].set_error(e.message)
            return False
        self._setting = True
        try:
            self.inputs[key].value = getattr(self.d, key)
        finally:
            self._setting = False
        self.fields[key].set_error("")
        self.notes[key].show()
        self._show_confirm_all()
        self.rec.changed()
        return True

    def confirm_all(self) -> int:
        """Confirm every carried answer unchanged (one step); how many were confirmed."""
        keys = [k for k in lc.STABLE if lc.how(self.d, k) == lc.CARRIED]
        for k in keys:
            self.confirm(k)
        return len(keys)

    def _show_confirm_all(self) -> None:
        carried = any(lc.how(self.d, k) == lc.CARRIED for k in lc.STABLE)
        self.confirm_all_button.layout.display = None if carried else "none"

    @property
    def amendment_reason(self) -> str:
        """Why this discussion needs a proposed amendment ("" if it does not)."""
        return amendment_reason(self.d.rag, self.previous_rag, self.drift)

    def problems(self) -> dict[str, str]:
        """What must be confirmed or written here before signing, by answer."""
        return lc.today_problems(self.d, self.previous, self.previous_date,
                                 self.amendment_reason, TITLES)

    def _show_amendment(self) -> None:
        reason = self.amendment_reason
        self.amendment_prompt.value = (f"{reason}: propose an amendment to the plan "
                                       f"(required before signing)." if reason else "")
        show = bool(reason) or bool(self.d.proposed_amendment.strip())
        self.fields["proposed_amendment"].box.layout.display = None if show else "none"

    def _rated(self, change) -> None:
        self.d.rag = change["new"]
        self._show_amendment()
        self.rec.changed()


class DiscussionsSection(Section):
    """Pick a case of the supervisee, add its discussion; forms in the record's order."""

    title = "Case discussions"
    fields_handled = ("discussions",)

    def __init__(self, rec):
        super().__init__(rec)
        self.picker = w.Dropdown(options=[("Choose a case…", ""), *rec.case_options],
                                 value="", description="Case")
        self.add_button = w.Button(description="Add discussion", icon="plus",
                                   layout={"width": "auto"})
        # The button names the case it adds, set by the kernel when the choice reaches it:
        # a browser sends a click at once but holds a list's later steps while the kernel
        # is busy, so a click could overtake them; what the button says is what is added.
        self.picker.observe(self._name_choice, names="value")
        # An empty choice is answered with "Choose a case" beside the picker, not silence.
        self.add_button.on_click(lambda _: rec.add_discussion(self.picker.value))
        self.picker_field = Field(None, w.HBox([self.picker, self.add_button]))
        self.forms: dict[str, DiscussionForm] = {}
        self.box = w.VBox([])
        for d in rec.record.discussions:  # drawing the record opened: not a new view
            self._build(d, self._basis(d.case_id, log=False))
        self.widget.children = [self.picker_field.box, self.box]

    def _name_choice(self, change) -> None:
        case_id = change["new"]
        self.add_button.description = (f"Add discussion of {self.rec.case_label(case_id)}"
                                       if case_id else "Add discussion")

    def _basis(self, case_id: str, log: bool = True) -> FollowUpBasis | None:
        r = self.rec.record
        try:
            return self.rec.tk.follow_up_basis(case_id, before=r.date, exclude_session=r.id,
                                               log=log)
        except SupervisionError:
            return None

    def _build(self, d: CaseDiscussion, basis) -> DiscussionForm:
        form = DiscussionForm(self.rec, d, basis, self.rec.drift_reason(d.case_id))
        self.forms[d.case_id] = form
        self.box.children = [*self.box.children, form.widget]
        return form

    def add(self, case_id: str) -> DiscussionForm | None:
        """Add a discussion of ``case_id``: its stable context carried from the last signed
        discussion, each carried answer to be confirmed or changed."""
        self.picker_field.set_error("")
        if case_id in self.forms:
            self.picker_field.set_error("This case is already discussed in this session")
            return self.forms[case_id]
        if not case_id:
            self.picker_field.set_error("Choose a case")
            return None
        if case_id not in self.rec._cases:
            self.picker_field.set_error(f"{case_id} is not an open case of this supervisee")
            return None
        basis = self._basis(case_id)
        d = lc.follow_up(basis) if basis else CaseDiscussion(case_id=case_id)
        self.rec.record.discussions.append(d)
        form = self._build(d, basis)
        self.picker.value = ""
        self.rec.changed()
        return form

    def remove(self, case_id: str) -> None:
        """Take a case's discussion out of the draft."""
        form = self.forms.pop(case_id, None)
        if form is None:
            raise ValidationError("discussions", f"{case_id} is not discussed in this session")
        self.rec.record.discussions = [d for d in self.rec.record.discussions if d.case_id != case_id]
        self.box.children = [f.widget for f in self.forms.values()]
        self.rec.changed()

    def sign_problems(self) -> dict[str, str]:
        """Required before signing, by field: carried answers confirmed or changed, and
        what today's situation asks for written (or confirmed) today."""
        out = {}
        for i, d in enumerate(self.rec.record.discussions):
            form = self.forms.get(d.case_id)
            if form is not None:
                out.update({f"discussions[{i}].{k}": m for k, m in form.problems().items()})
        return out

    def error_field(self, name, index, attr):
        ds = self.rec.record.discussions
        if index is None or index >= len(ds):
            return self.picker_field
        form = self.forms.get(ds[index].case_id)
        if form is None:
            return self.picker_field
        return form.fields.get(attr or "", form.head)
