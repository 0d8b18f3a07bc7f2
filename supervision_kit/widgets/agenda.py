"""``MyAgenda``: the supervisee's own agenda for their next session [Temple Appendix 2;
Havering 13.2; Surrey]: agenda items, the cases they bring with the reason, and their
pre-session reflection attached. The supervisor finds them in the draft when opening the
session (``tk.open_session``)."""
from __future__ import annotations

import ipywidgets as w
from traitlets import HasTraits, Unicode

from ..domain.agenda import CaseReason
from ..errors import SupervisionError
from .common import Displayable, Field, esc, now_text, show_refusal, textarea

NO_CASE = ""
NO_REFLECTION = ""


class MyAgenda(HasTraits, Displayable):
    """Add, list and remove what I bring to my next supervision."""

    status = Unicode("", help="Last change or problem, as text")

    def __init__(self, tk):
        super().__init__()
        self.tk = tk
        try:
            cases = tk.cases(worker_id=tk.me.id)
        except SupervisionError:
            cases = []
        self._refs = {c.id: c.reference for c in cases}
        self.text = textarea("Agenda item", rows=2, placeholder="What you want to discuss")
        self.case = w.Dropdown(options=[("No case", NO_CASE),
                                        *[(f"{c.reference} ({c.status})", c.id) for c in cases]],
                               value=NO_CASE, description="Case to bring",
                               style={"description_width": "auto"}, layout={"width": "26em"})
        self.reason = w.Dropdown(options=[("Why?", ""), *[(r.value.capitalize(), r.value)
                                                         for r in CaseReason]],
                                 value="", description="Reason", style={"description_width": "auto"})
        self.reflection = w.Dropdown(options=[], description="Attach my reflection",
                                     style={"description_width": "auto"}, layout={"width": "30em"})
        self.fields = {"text": Field(None, self.text), "case_id": Field(None, self.case),
                       "reason": Field(None, self.reason),
                       "reflection_id": Field(None, self.reflection)}
        self.add_button = w.Button(description="Add to my agenda", icon="plus",
                                   button_style="primary")
        self.add_button.on_click(lambda _: self.add())
        self.listing = w.VBox([])
        self._status = w.Label(value="")
        self.observe(lambda c: setattr(self._status, "value", c["new"]), "status")
        intro = w.HTML(value="<small>Before your next supervision, add what you want to "
                             "discuss and the cases you bring, with why (significant contact, "
                             "alleged harm, partner escalation or other). Only you and your "
                             "supervisor see them; they become part of the record.</small>")
        self.widget = w.VBox([intro, *[f.box for f in self.fields.values()], self.add_button,
                              self._status, w.HTML(value="<b>On my agenda</b>"), self.listing])
        self.refresh()

    def refresh(self) -> None:
        """Re-read my waiting items and my reflections not yet in a session."""
        try:
            mine = [r for r in self.tk.reflections(author_id=self.tk.me.id)
                    if not r.session_id and not r.exercise_id]
            self.items = self.tk.agenda_items()
        except SupervisionError as e:
            show_refusal(self, e)
            return
        self.reflection.options = [("None", NO_REFLECTION), *[
            (f"{r.framework} · {r.created:%d %b %Y %H:%M}" if r.created else r.framework, r.id)
            for r in mine]]
        rows = []
        self.remove_buttons = {}
        for it in self.items:
            what = (f"Case {self._refs.get(it.case_id, it.case_id)} ({it.reason})"
                    + (f": {it.text}" if it.text else "")) if it.case_id else it.text
            if it.reflection_id:
                what += " · reflection attached"
            b = w.Button(description="Remove", icon="trash", layout={"width": "auto"})
            b.on_click(lambda _, i=it.id: self.remove(i))
            self.remove_buttons[it.id] = b
            rows.append(w.HBox([w.HTML(value=esc(what)), b]))
        self.listing.children = rows or [w.HTML(value="<i>Nothing yet.</i>")]

    def add(self, text: str | None = None, case_id: str | None = None, reason: str | None = None,
            reflection_id: str | None = None):
        """Add an item (the typed values unless given); returns it, or None when refused."""
        for f in self.fields.values():
            f.set_error("")
        try:
            it = self.tk.add_agenda_item(
                self.text.value if text is None else text,
                case_id=(self.case.value if case_id is None else case_id) or None,
                reason=self.reason.value if reason is None else reason,
                reflection_id=(self.reflection.value if reflection_id is None
                               else reflection_id) or None)
        except SupervisionError as e:
            show_refusal(self, e, "Not added", beside=self.fields)
            return None
        self.text.value, self.case.value, self.reason.value = "", NO_CASE, ""
        self.status = f"Added to your agenda at {now_text()}"
        self.refresh()
        return it

    def remove(self, item_id: str) -> None:
        """Take an item off my agenda."""
        try:
            self.tk.remove_agenda_item(item_id)
        except SupervisionError as e:
            show_refusal(self, e, "Not removed")
            return
        self.status = "Removed from your agenda"
        self.refresh()
