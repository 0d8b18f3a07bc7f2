"""Actions: ``ActionForm`` (add one, with SMART prompts) and ``ActionTracker`` (a table of
actions with owner, due date, status and overdue highlighting: click a row, then complete,
drop or reopen it; add)."""
from __future__ import annotations

import datetime as dt
from typing import Callable

import ipywidgets as w
import pandas as pd
from traitlets import Bool, HasTraits, List, Unicode, observe

from ..domain.records import ActionItem
from ..domain.smart import smart_warnings
from ..errors import SupervisionError, ValidationError
from .common import WIDE, Beside, Displayable, Field, esc, now_text, show_refusal
from .table import DataTable
from .dates import DateInput

COLUMNS = (("description", "Action"), ("owner", "Owner"), ("case", "Case"), ("due", "Due"),
           ("status", "Status"), ("smart", "SMART"))

NO_OWNER, NO_CASE = "— no owner —", "— no case —"
NONE = ""   # the value of the "no owner" / "no case" option (None would show a blank box)


def warnings_html(warnings: list[str]) -> str:
    """SMART warnings as an escaped list (empty when there are none)."""
    if not warnings:
        return ""
    return ('<ul style="color:#8a5a00;margin:0">'
            + "".join(f"<li>{esc(x)}</li>" for x in warnings) + "</ul>")


class ActionForm(Displayable):
    """Description, owner, due date and case, with live SMART warnings and field errors."""

    def __init__(self, owners: list[tuple[str, str]], cases: list[tuple[str, str]], *,
                 default_owner: str | None = None,
                 on_add: Callable[..., object] | None = None, button: str = "Add action"):
        ids = {v for _, v in owners}
        self.description = w.Text(value="", placeholder="What exactly will be done, with whom, "
                                  "and how will we know it is done?", layout=WIDE)
        self.owner = w.Dropdown(options=[(NO_OWNER, NONE), *owners], description="Owner",
                                value=default_owner if default_owner in ids else NONE)
        self.due = DateInput(value=None, description="Due")
        self.case = w.Dropdown(options=[(NO_CASE, NONE), *cases], description="Case", value=NONE)
        self.fields = {"description": Field("New action", self.description),
                       "owner_id": Field(None, self.owner), "due_date": Field(None, self.due),
                       "case_id": Field(None, self.case)}
        self.add_button = w.Button(description=button, icon="plus")
        self.smart = w.HTML(value="")
        self._on_add = on_add
        self.add_button.on_click(lambda _: self.submit())
        for x in (self.description, self.owner, self.due):
            x.observe(self._preview, names="value")
        self.button_row = w.HBox([self.fields[k].box for k in ("owner_id", "due_date", "case_id")]
                                 + [self.add_button])
        self.widget = w.VBox([self.fields["description"].box, self.button_row, self.smart])

    def values(self) -> dict:
        """What is typed, as keyword arguments of ``add_action``."""
        return dict(description=self.description.value, owner_id=self.owner.value or None,
                    due_date=self.due.value, case_id=self.case.value or None)

    def _preview(self, _=None) -> None:
        v = self.values()
        self.smart.value = warnings_html(smart_warnings(v)) if v["description"].strip() else ""

    def set_errors(self, errors: dict[str, str]) -> None:
        """Show each message beside its field; clear the others."""
        for k, f in self.fields.items():
            f.set_error(errors.get(k, ""))

    def clear(self) -> None:
        """Empty the form after an action was added (the owner stays)."""
        self.description.value = ""
        self.due.value = None
        self.case.value = NONE
        self.set_errors({})

    def submit(self):
        """The Add button: hand the values to ``on_add``; the form is cleared on success."""
        v = self.values()
        if not v["description"].strip():
            self.set_errors({"description": "Say what will be done"})
            return None
        result = self._on_add(**v) if self._on_add else None
        if result is not None:
            self.clear()
        return result


class ActionTracker(HasTraits, Displayable):
    """Actions (all, or one owner's, or one case's) with overdue ones highlighted."""

    actions = List(help="The actions shown")
    status = Unicode("")
    show_all = Bool(False, help="Include done and dropped actions")

    def __init__(self, tk, owner_id: str | None = None, case_id: str | None = None, *,
                 session_id: str | None = None, as_of=None):
        super().__init__()
        self.tk, self.owner_id, self.case_id, self.session_id = tk, owner_id, case_id, session_id
        self.as_of = as_of or dt.date.today()
        self.names = {p.id: p.name for p in tk.practitioners()}
        self.names.setdefault(tk.me.id, tk.me.name)
        try:
            cases = tk.cases(worker_id=owner_id) if owner_id else tk.cases()
        except SupervisionError:
            cases = []
        self.case_refs = {c.id: c.reference for c in cases}
        # click a row (or Enter on it) to choose the action the buttons act on
        self.table = DataTable(COLUMNS, caption="Actions", sort_by="due",
                               empty_text="No actions.")
        self.complete_button = w.Button(description="Complete", icon="check")
        self.drop_button = w.Button(description="Drop", icon="times")
        self.reopen_button = w.Button(description="Reopen", icon="undo")
        self.complete_button.on_click(lambda _: self._on_chosen(self.complete))
        self.drop_button.on_click(lambda _: self._on_chosen(self.drop))
        self.reopen_button.on_click(lambda _: self._on_chosen(self.reopen))
        self._show = w.Checkbox(value=False, description="Show done and dropped")
        self._show.observe(lambda c: setattr(self, "show_all", c["new"]), names="value")
        self._status = w.Label(value="")
        owners = sorted(((n, i) for i, n in self.names.items()), key=lambda x: x[0].lower())
        case_opts = sorted(((r, i) for i, r in self.case_refs.items()), key=lambda x: x[0])
        self.form = ActionForm(owners, case_opts, default_owner=owner_id, on_add=self.add)
        if case_id:
            self.form.case.value = case_id if case_id in self.case_refs else NONE
        self.can_add = True
        self.form.widget.layout.display = None if self.can_add else "none"
        beside = Beside(self._status)   # "Done"/"Added"/a refusal shows by its button
        self.widget = w.VBox([self._show, self.table,
                              beside.row(self.complete_button, self.drop_button,
                                         self.reopen_button), self.form.widget])
        beside.adopt(self.form.button_row)
        self.refresh()

    # -- state -------------------------------------------------------------------------
    @observe("show_all")
    def _show_changed(self, change):
        self._show.value = change["new"]
        self.refresh()

    @observe("status")
    def _status_changed(self, change):
        self._status.value = change["new"]

    @observe("actions")
    def _actions_changed(self, change):
        self.table.set_rows(self.rows(), key="id",
                            tone=lambda r: "late" if r["late"] else "")

    def refresh(self) -> None:
        """Reload the actions from the store."""
        try:
            self.actions = self.tk.actions(owner_id=self.owner_id, case_id=self.case_id,
                                           status=None if self.show_all else "open")
        except SupervisionError as e:
            show_refusal(self, e)

    def is_overdue(self, a: ActionItem) -> bool:
        """Open and past its due date."""
        return a.status == "open" and a.due_date is not None and a.due_date < self.as_of

    def rows(self) -> pd.DataFrame:
        """One row per action as the table shows it (overdue ones say by how much)."""
        out = []
        for a in self.actions:
            late = self.is_overdue(a)
            out.append({"id": a.id, "description": a.description, "late": late,
                        "owner": self.names.get(a.owner_id, a.owner_id or "no owner"),
                        "case": self.case_refs.get(a.case_id, a.case_id or ""),
                        "due": a.due_date,  # a date, so it sorts as one; shown 2 Dec 2026
                        "status": a.status + (f": overdue {(self.as_of - a.due_date).days} days"
                                              if late else ""),
                        "smart": " ".join(smart_warnings(a)) if a.status == "open" else ""})
        return pd.DataFrame(out, columns=["id", "late", *(k for k, _ in COLUMNS)])

    def select(self, action_id: str) -> ActionItem | None:
        """Choose an action (clicking its row); the buttons act on it."""
        self.table.select(action_id)
        return next((a for a in self.actions if a.id == action_id), None)

    # -- gestures ------------------------------------------------------------------------
    def _set(self, action_id: str, status: str, when=None) -> ActionItem | None:
        try:
            a = self.tk.set_action_status(action_id, status, when)
        except SupervisionError as e:
            show_refusal(self, e)
            return None
        self.status = f"{status.capitalize()} at {now_text()}"
        self.refresh()
        return a

    def _on_chosen(self, gesture):
        if not self.table.selected:  # a button that does nothing would look broken
            self.status = "Choose an action first: click its row"
            return None
        return gesture(self.table.selected)

    def complete(self, action_id: str, when=None) -> ActionItem | None:
        """Mark an action done (today unless ``when``)."""
        return self._set(action_id, "done", when)

    def drop(self, action_id: str) -> ActionItem | None:
        """Mark an action dropped."""
        return self._set(action_id, "dropped")

    def reopen(self, action_id: str) -> ActionItem | None:
        """Make a done or dropped action open again."""
        return self._set(action_id, "open")

    def add(self, description: str, owner_id: str | None = None, due_date=None,
            case_id: str | None = None) -> ActionItem | None:
        """Store a new action (through ``tk.add_action`` or the given draft session)."""
        item = ActionItem(description=description, owner_id=owner_id, due_date=due_date,
                          case_id=case_id or self.case_id)
        if not (description or "").strip():
            self.form.set_errors({"description": "Say what will be done"})
            return None
        try:
            if self.session_id:
                # Agreed in this session: part of its record, checked against its date.
                rec = self.tk.session(self.session_id, log=False)
                rec.actions.append(item)
                stored = self.tk.save_session(rec).actions[-1]
            else:
                stored = self.tk.add_action(item)
        except SupervisionError as e:
            # A refusal of what was typed is "Not added"; others (access) speak for themselves.
            show_refusal(self, e, "Not added" if isinstance(e, ValidationError) else "",
                         beside=self._beside)
            return None
        self.form.set_errors({})
        self.status = f"Action added at {now_text()}"
        self.refresh()
        return stored

    def _beside(self, attr: str, text: str) -> None:
        if attr in self.form.fields:
            self.form.set_errors({attr: text})
