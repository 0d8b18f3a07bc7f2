"""``ReminderChoices``: which e-mail reminders the signed-in person receives, one box
per kind, beside their own records. Unticking is an opt-out (logged); ``choose`` is the
gesture as a method. The e-mails themselves carry counts and a link only."""
from __future__ import annotations

import ipywidgets as w
from traitlets import HasTraits, Unicode, observe

from ..errors import SupervisionError
from .common import Displayable, esc, message, status_html


class ReminderChoices(HasTraits, Displayable):
    """A checkbox per kind of reminder for the acting user."""

    status = Unicode("")

    def __init__(self, tk):
        super().__init__()
        self.tk = tk
        self.boxes: dict[str, w.Checkbox] = {}
        self._quiet = False
        try:
            choices = tk.reminder_choices()
        except SupervisionError as e:
            choices, self.status = [], message(e)
        for kind, label, on in choices:
            box = w.Checkbox(value=on, description=label, indent=False,
                             layout={"width": "34em"})
            box.observe(lambda c, k=kind: self._quiet or self.choose(k, c["new"]), "value")
            self.boxes[kind] = box
        self._status = w.HTML(value="")
        email = getattr(tk.me, "email", "") or ""
        where = (f"to {esc(email)}" if email else
                 "once an e-mail address is recorded for you (ask an admin)")
        self.widget = w.VBox([
            w.HTML(value=f"<b>E-mail reminders</b> <small>sent {where}; counts and a link "
                         "only, never names or case references. Untick what you do not want."
                         "</small>"),
            *self.boxes.values(), self._status],
            layout={"border": "1px solid #ddd", "padding": "4px", "margin": "8px 0 0 0"})

    def choose(self, kind: str, on: bool) -> bool:
        """Receive (``on``) or stop one kind of reminder; False when refused."""
        try:
            self.tk.set_reminder_opt_out(kind, not on)
        except SupervisionError as e:
            self.status = f"Not changed: {message(e)}"
            ok = False
        else:
            label = self.boxes[kind].description if kind in self.boxes else kind
            self.status = f"{label}: {'e-mailed' if on else 'not e-mailed'}"
            ok = True
        self._quiet = True  # the box shows what is stored, also after a refusal
        try:
            for k, _, stored in self.tk.reminder_choices():
                if k in self.boxes:
                    self.boxes[k].value = stored
        except SupervisionError:
            pass
        finally:
            self._quiet = False
        return ok

    @observe("status")
    def _status_changed(self, change) -> None:
        self._status.value = status_html(change["new"])
