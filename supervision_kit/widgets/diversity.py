"""The record's diversity and anti-discriminatory practice section: one text box per
prompt from ``templates/forms/diversity.yaml`` [Havering 7, 13.3; Temple; Surrey; HSCB]."""
from __future__ import annotations

import ipywidgets as w

from ..errors import SupervisionError
from .common import Field, esc, textarea


class DiversitySection:
    """A section of the ``SessionRecorder``: answers land in ``record.diversity[key]``."""

    fields_handled = ("diversity",)

    def __init__(self, rec, form=None):
        self.rec = rec
        if form is None:
            try:
                form = rec.tk.diversity_form()
            except SupervisionError as e:
                self.title, self.fields = "Diversity and anti-discriminatory practice", {}
                self.widget = w.VBox([w.Label(value=f"The diversity prompts could not be read: {e}")])
                return
        self.title = form.title
        self.fields: dict[str, Field] = {}
        answers = rec.record.diversity or {}
        for p in form.prompts:
            box = textarea(p.question, answers.get(p.key, ""), rows=2)
            box.observe(lambda change, key=p.key: self._typed(key, change["new"]), names="value")
            self.fields[p.key] = Field(p.question, box, f"from {p.source}")
            rec.inputs[f"diversity.{p.key}"] = box
        intro = w.HTML(value=f"<small>{esc(form.intro)}</small>")
        self.widget = w.VBox([intro, *(f.box for f in self.fields.values())])

    def _typed(self, key: str, value: str) -> None:
        if self.rec._loading or self.rec.record is None:
            return
        answers = dict(self.rec.record.diversity or {})
        answers[key] = value
        self.rec.record.diversity = answers
        self.rec.changed()

    def error_field(self, name: str, index, attr):
        """The box a ``diversity.<key>`` refusal is shown beside."""
        return self.fields.get(attr) if attr else next(iter(self.fields.values()), None)
