"""Agreed actions (with SMART warnings inline) and disagreements [Havering 10, 13.1]."""
from __future__ import annotations

import ipywidgets as w

from ...domain.records import ActionItem, Disagreement
from ...domain.smart import smart_warnings
from ...errors import ValidationError
from ..actions import NO_CASE, NO_OWNER, NONE, ActionForm, warnings_html
from ..common import Field, textarea
from .sections import Section
from ..dates import DateInput


class ActionRow:
    """One agreed action, editable in place, with its SMART warnings below it."""

    def __init__(self, rec, section, a: ActionItem):
        self.rec, self.a = rec, a
        owners = list(rec.owner_options)
        if a.owner_id and a.owner_id not in {v for _, v in owners}:
            owners.append((rec.name_of(a.owner_id), a.owner_id))
        cases = list(rec.case_options)
        if a.case_id and a.case_id not in {v for _, v in cases}:
            cases.append((rec.case_label(a.case_id), a.case_id))
        self.inputs = {
            "description": w.Text(value=a.description, continuous_update=False,
                                  layout={"width": "34em"}),
            "owner_id": w.Dropdown(options=[(NO_OWNER, NONE), *owners], value=a.owner_id or NONE,
                                   layout={"width": "14em"}),
            "due_date": DateInput(value=a.due_date, description="Due by"),
            "case_id": w.Dropdown(options=[(NO_CASE, NONE), *cases], value=a.case_id or NONE,
                                  layout={"width": "12em"}),
        }
        self.fields = {k: Field(None, x) for k, x in self.inputs.items()}
        for k, x in self.inputs.items():
            rec.bind(x, a, k, after=self._warn,
                     convert=(lambda v: v or None) if k in ("owner_id", "case_id") else None)
        self.remove_button = w.Button(description="Remove", icon="trash", layout={"width": "auto"})
        self.remove_button.on_click(lambda _: rec.remove_action(section.rows.index(self)))
        self.smart = w.HTML(value="")
        self.widget = w.VBox([w.HBox([*(f.box for f in self.fields.values()), self.remove_button]),
                              self.smart])
        self._warn()

    def _warn(self) -> None:
        self.smart.value = warnings_html(smart_warnings(self.a))


class AgreedActionsSection(Section):
    """The actions agreed in this session: an add form and one editable row per action."""

    title = "Agreed actions"
    fields_handled = ("actions",)

    def __init__(self, rec):
        super().__init__(rec)
        self.form = ActionForm(rec.owner_options, rec.case_options,
                               default_owner=rec.default_owner, on_add=self.add)
        self.rows: list[ActionRow] = [ActionRow(rec, self, a) for a in rec.record.actions]
        self.box = w.VBox([r.widget for r in self.rows])
        self.widget.children = [w.HTML(value="<small>Specific, measurable, achievable, relevant, "
                                             "timely: each with an owner and a date.</small>"),
                                self.box, self.form.widget]

    def add(self, description: str, owner_id: str | None = None, due_date=None,
            case_id: str | None = None) -> ActionItem | None:
        """Add an action to the record (saved at once; problems shown beside its fields)."""
        if not (description or "").strip():
            self.form.set_errors({"description": "Say what will be done"})
            return None
        problems = {}
        if owner_id and owner_id not in {v for _, v in self.rec.owner_options} \
                and self.rec.name_of(owner_id) == owner_id:
            problems["owner_id"] = f"{owner_id} is not a practitioner you can see"
        if case_id and case_id not in self.rec._cases:
            problems["case_id"] = f"{case_id} is not an open case of this supervisee"
        self.form.set_errors(problems)
        if problems:
            return None
        return self.add_item(ActionItem(description=description.strip(), owner_id=owner_id,
                                        due_date=due_date, case_id=case_id))

    def add_item(self, a: ActionItem, *, save: bool = True) -> ActionItem:
        """Append an action (e.g. from a reflection's action plan) unless already listed."""
        for existing in self.rec.record.actions:
            if existing.description.strip() == a.description.strip():
                return existing
        a.status = "open"
        self.rec.record.actions.append(a)
        row = ActionRow(self.rec, self, a)
        self.rows.append(row)
        self.box.children = [*self.box.children, row.widget]
        if save:
            self.rec.changed()
        return a

    def remove(self, a: ActionItem) -> None:
        """Take an action out of the draft."""
        acts = self.rec.record.actions
        i = next((i for i, x in enumerate(acts) if x is a), None)
        if i is None:
            raise ValidationError("actions", "no such action in this record")
        del acts[i]
        del self.rows[i]
        self.box.children = [r.widget for r in self.rows]
        self.rec.changed()

    def error_field(self, name, index, attr):
        if index is None or index >= len(self.rows):
            return self.form.fields["description"]
        row = self.rows[index]
        return row.fields.get(attr or "", row.fields["description"])


class DisagreementRow:
    """One recorded disagreement: what, how it was resolved, whether it was escalated."""

    def __init__(self, rec, section, d: Disagreement):
        self.d = d
        self.inputs = {"description": textarea("Disagreement", d.description, rows=2),
                       "resolution": textarea("How it was resolved (or why not)", d.resolution, rows=2),
                       "escalated": w.Checkbox(value=d.escalated, indent=False,
                                               description="Escalated to the supervisor's line manager")}
        for k, x in self.inputs.items():
            rec.bind(x, d, k)
        self.fields = {"description": Field("Disagreement", self.inputs["description"]),
                       "resolution": Field("Resolution", self.inputs["resolution"]),
                       "escalated": Field(None, self.inputs["escalated"])}
        self.remove_button = w.Button(description="Remove", icon="trash")
        self.remove_button.on_click(lambda _: rec.remove_disagreement(section.rows.index(self)))
        self.widget = w.VBox([*(f.box for f in self.fields.values()), self.remove_button],
                             layout={"border": "1px solid #ddd", "padding": "4px"})


class DisagreementsSection(Section):
    """Areas of disagreement and how they were resolved or escalated [Havering 10]."""

    title = "Disagreements"
    fields_handled = ("disagreements",)

    def __init__(self, rec):
        super().__init__(rec)
        self.rows = [DisagreementRow(rec, self, d) for d in rec.record.disagreements]
        self.box = w.VBox([r.widget for r in self.rows])
        self.new_text = textarea("What is disagreed", rows=2)
        self.new_resolution = textarea("Resolution", rows=2)
        self.new_escalated = w.Checkbox(value=False, indent=False, description="Escalated")
        self.new_field = Field("Record a disagreement", self.new_text)
        self.add_button = w.Button(description="Add disagreement", icon="plus")
        self.add_button.on_click(lambda _: rec.add_disagreement(
            self.new_text.value, self.new_resolution.value, self.new_escalated.value))
        self.widget.children = [self.box, self.new_field.box, self.new_resolution,
                                w.HBox([self.new_escalated, self.add_button])]

    def add(self, description: str, resolution: str = "", escalated: bool = False) -> Disagreement | None:
        """Record a disagreement (its description is required)."""
        if not (description or "").strip():
            self.new_field.set_error("Describe the disagreement")
            return None
        self.new_field.set_error("")
        d = Disagreement(description=description, resolution=resolution or "", escalated=bool(escalated))
        self.rec.record.disagreements.append(d)
        row = DisagreementRow(self.rec, self, d)
        self.rows.append(row)
        self.box.children = [*self.box.children, row.widget]
        self.new_text.value = self.new_resolution.value = ""
        self.new_escalated.value = False
        self.rec.changed()
        return d

    def remove(self, d: Disagreement) -> None:
        """Take a disagreement out of the draft."""
        items = self.rec.record.disagreements
        i = next((i for i, x in enumerate(items) if x is d), None)
        if i is None:
            raise ValidationError("disagreements", "no such disagreement in this record")
        del items[i]
        del self.rows[i]
        self.box.children = [r.widget for r in self.rows]
        self.rec.changed()

    def error_field(self, name, index, attr):
        if index is None or index >= len(self.rows):
            return self.new_field
        row = self.rows[index]
        return row.fields.get(attr or "", row.fields["description"])
