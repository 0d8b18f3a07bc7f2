"""The simple sections of the record: free-text fields, the four functions, next session date."""
from __future__ import annotations

import datetime as dt

import ipywidgets as w

from ...domain.enums import Function
from ..common import Field, esc, textarea
from ..dates import DateInput
from ..table import date_text

FUNCTION_HELP = {
    Function.MANAGEMENT: "competent, accountable performance and practice",
    Function.SUPPORT: "supportive and restorative: the emotional impact of the work",
    Function.DEVELOPMENT: "continuing professional development",
    Function.MEDIATION: "engaging the individual with the organisation",
}


class Section:
    """A part of the record: ``widget`` to show and ``error_field`` to put messages beside."""

    title = ""
    fields_handled: tuple[str, ...] = ()

    def __init__(self, rec):
        self.rec = rec
        self.widget = w.VBox([])

    def error_field(self, name: str, index: int | None, attr: str | None) -> Field | None:
        """The field a facade ``ValidationError`` names, if it is in this section."""
        return None


class TextSection(Section):
    """One or more free-text fields of the record itself."""

    def __init__(self, rec, title: str, fields: list[tuple[str, str, str]], rows: int = 3):
        super().__init__(rec)
        self.title = title
        self.fields_handled = tuple(f[0] for f in fields)
        self.fields: dict[str, Field] = {}
        for attr, heading, help_text in fields:
            box = textarea(heading, getattr(rec.record, attr), rows=rows)
            rec.bind(box, rec.record, attr)
            self.fields[attr] = Field(heading, box, help_text)
            rec.inputs[attr] = box
        self.widget.children = [f.box for f in self.fields.values()]

    def error_field(self, name, index, attr):
        return self.fields.get(name)


class FunctionsSection(Section):
    """The four functions of supervision covered in this session [PG41 1; Havering 4]."""

    title = "Functions covered"
    fields_handled = ("functions",)

    def __init__(self, rec):
        super().__init__(rec)
        chosen = set(rec.record.functions)
        self.boxes: dict[str, w.Checkbox] = {}
        for f in Function:
            cb = w.Checkbox(value=f.value in chosen, description=f"{f.value.capitalize()}",
                            indent=False, layout={"width": "auto"})
            cb.observe(self._toggled, names="value")
            self.boxes[f.value] = cb
        help_html = w.HTML(value="<small>" + "; ".join(
            f"<b>{esc(f.value)}</b>: {esc(h)}" for f, h in FUNCTION_HELP.items()) + "</small>")
        self.field = Field("Which functions did this session cover?",
                           w.VBox([w.HBox(list(self.boxes.values())), help_html]),
                           "balance them over time, not within one session")
        self.widget.children = [self.field.box]

    def _toggled(self, _):
        self.rec.record.functions = [k for k, cb in self.boxes.items() if cb.value]
        self.rec.changed()

    def error_field(self, name, index, attr):
        return self.field


class NextSessionSection(Section):
    """Date of the next session, pre-filled from the policy preset's suggestion."""

    title = "Date of next session"
    fields_handled = ("next_session_date",)

    def __init__(self, rec):
        super().__init__(rec)
        self.picker = DateInput(value=rec.record.next_session_date,
                                description="Date of next session")
        rec.bind(self.picker, rec.record, "next_session_date")
        rec.inputs["next_session_date"] = self.picker
        self.hint = w.HTML(value="")
        self.field = Field(None, self.picker)
        self.widget.children = [self.field.box, self.hint]

    def show_suggestion(self, suggestion: dt.date | None, note: str) -> None:
        """Say where the pre-filled date came from (or why there is none)."""
        text = (f"Suggested from the supervision policy: {date_text(suggestion)}"
                if suggestion else note)
        self.hint.value = f"<small>{esc(text)}</small>" if text else ""

    def error_field(self, name, index, attr):
        return self.field


class GroupSection(Section):
    """Attendees and the group's confidentiality agreement (Temple group supervision)."""

    title = "Group: attendees and confidentiality"
    fields_handled = ("group_confidentiality", "supervisee_ids")

    def __init__(self, rec):
        super().__init__(rec)
        names = [rec.parties.get(p, p) for p in rec.record.supervisee_ids]
        self.attendees = w.HTML(value="<b>Attendees</b><ul>" + "".join(
            f"<li>{esc(n)}</li>" for n in names) + "</ul>")
        box = textarea("Group confidentiality agreed", rec.record.group_confidentiality, rows=3,
                       placeholder="What the group agreed about confidentiality "
                                   "(required before the record is signed)")
        rec.bind(box, rec.record, "group_confidentiality")
        rec.inputs["group_confidentiality"] = box
        self.field = Field("Group confidentiality agreed", box,
                           "required before a group record is signed")
        self.widget.children = [self.attendees, self.field.box]

    def error_field(self, name, index, attr):
        return self.field
