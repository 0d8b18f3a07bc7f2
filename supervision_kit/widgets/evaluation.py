"""``EvaluationForm``: the supervisee answers the Supervision Evaluation Tool
[HSCB Appendix I] about their supervisor: ten statements (yes / no / maybe) and
"we need more of" / "we need less of"."""
from __future__ import annotations

import datetime as dt

import ipywidgets as w
from traitlets import Bool, HasTraits, Instance, List, TraitError, Unicode, observe, validate

from ..domain.enums import EVALUATION_STATEMENTS, Answer
from ..domain.records import Evaluation
from ..errors import SupervisionError
from .common import Displayable, Field, esc, now_text, show_refusal, textarea

CHOICES = [a.value for a in Answer]  # yes, no, maybe


class EvaluationForm(HasTraits, Displayable):
    """The signed-in supervisee's evaluation of supervision with ``supervisor_id``."""

    answers = List(help="Ten answers: 'yes', 'no', 'maybe' or None")
    submitted = Instance(Evaluation, allow_none=True, help="The stored evaluation")
    status = Unicode("", help="Last submission, or the problem that stopped it")
    disabled = Bool(False)

    def __init__(self, tk, supervisor_id: str, session_id: str | None = None, *, date=None,
                 supervisor_name: str | None = None):
        super().__init__()
        self.tk, self.supervisor_id, self.session_id = tk, supervisor_id, session_id
        self.date = date or dt.date.today()
        self.toggles = [w.ToggleButtons(options=CHOICES, value=None,
                                        style={"button_width": "70px"})
                        for _ in EVALUATION_STATEMENTS]
        for i, t in enumerate(self.toggles):
            t.observe(lambda c, i=i: self.set_answer(i, c["new"]), "value")
        self.more_of = textarea("We need more of", rows=3)
        self.less_of = textarea("We need less of", rows=3)
        self.fields = {"more_of": Field("We need more of", self.more_of),
                       "less_of": Field("We need less of", self.less_of)}
        self.submit_button = w.Button(description="Submit", icon="check", button_style="primary")
        self.submit_button.on_click(lambda _: self.submit())
        self._status = w.Label(value="")
        who = supervisor_name
        if who is None:
            try:
                who = tk.practitioner(supervisor_id).name
            except SupervisionError:  # a supervisee may not look their supervisor up
                who = "your supervisor"
        rows = [w.HBox([w.HTML(value=f"<b>{i + 1}.</b> {esc(s)}", layout={"width": "60%"}), t])
                for i, (s, t) in enumerate(zip(EVALUATION_STATEMENTS, self.toggles))]
        self.widget = w.VBox([
            w.HTML(value=f"<h2>Supervision evaluation</h2><p>About supervision with "
                         f"{esc(who)}. Answer yes, no or maybe.</p>"),
            *rows, self.fields["more_of"].box, self.fields["less_of"].box,
            self.submit_button, self._status])
        self.answers = [None] * len(EVALUATION_STATEMENTS)

    # -- state ------------------------------------------------------------------------------
    @validate("answers")
    def _valid_answers(self, proposal):
        a = list(proposal["value"])
        if len(a) != len(EVALUATION_STATEMENTS):
            raise TraitError(f"the tool has {len(EVALUATION_STATEMENTS)} statements, got {len(a)}")
        bad = [x for x in a if x not in (*CHOICES, None)]
        if bad:
            raise TraitError(f"answer {bad[0]!r}; use yes, no or maybe")
        return a

    @observe("answers")
    def _answers_changed(self, change):
        for t, a in zip(self.toggles, change["new"]):
            if t.value != a:
                t.value = a

    @observe("disabled")
    def _disabled_changed(self, change):
        for x in (*self.toggles, self.more_of, self.less_of, self.submit_button):
            x.disabled = change["new"]

    @observe("status")
    def _status_changed(self, change):
        self._status.value = change["new"]

    def set_answer(self, i: int, value: str | None) -> None:
        """Answer statement ``i`` (0-based) yes, no, maybe or None."""
        if self.answers[i] == value:
            return
        new = list(self.answers)
        new[i] = value
        try:
            self.answers = new
        except TraitError as e:
            self.status = str(e)

    # -- gesture ----------------------------------------------------------------------------
    def submit(self) -> Evaluation | None:
        """Store the answers (at least one statement answered); the form then locks."""
        if self.submitted is not None:
            self.status = "Already submitted, thank you"
            return None
        if not any(self.answers):
            self.status = "Answer at least one statement before submitting"
            return None
        e = Evaluation(supervisee_id=self.tk.me.id, supervisor_id=self.supervisor_id,
                       date=self.date, answers=list(self.answers), more_of=self.more_of.value,
                       less_of=self.less_of.value, session_id=self.session_id)
        for f in self.fields.values():
            f.set_error("")
        try:
            stored = self.tk.save_evaluation(e)
        except SupervisionError as err:
            show_refusal(self, err, "Not submitted", beside=self.fields)
            return None
        self.submitted = stored
        self.disabled = True
        left = sum(a is None for a in self.answers)
        self.status = (f"Submitted at {now_text()}, thank you"
                       + (f" ({left} statements left unanswered)" if left else ""))
        return stored
