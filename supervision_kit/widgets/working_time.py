"""``WorkingTimeForm``: a practitioner's share of full time and start date in post,
beside their contracts. Part-time staff are supervised "at least monthly or the
equivalent of one month's work" [Havering 5]; newly appointed staff more often at first
[Temple; HSCB]. ``save`` is the button as a method."""
from __future__ import annotations

import ipywidgets as w
from traitlets import HasTraits, Unicode, observe

from ..domain.lifecycle import day_text
from ..errors import SupervisionError
from .common import Beside, Displayable, Field, attempt, esc, message, status_html
from .dates import DateInput


def describe(p) -> str:
    """"Works 50% of full time; in post since 2 Dec 2025" in words."""
    share = (f"Works {p.working_percent}% of full time" if p.working_percent
             and p.working_percent < 100 else "Works full time")
    since = (f"in post since {day_text(p.started_in_post)}" if p.started_in_post
             else "start date in post not recorded")
    return f"{share}; {since}."


class WorkingTimeForm(HasTraits, Displayable):
    """The working time of one practitioner, read and changed by their supervisor,
    line manager or an admin."""

    status = Unicode("")

    def __init__(self, tk, practitioner_id: str):
        super().__init__()
        self.tk, self.practitioner_id = tk, practitioner_id
        self.summary = w.HTML(value="")
        self.percent = w.Text(value="", placeholder="100", layout={"width": "8em"})
        self.started = DateInput(value=None, description="Started in post",
                                 hint="newly appointed phases count from this date")
        self.fields = {"working_percent": Field(
            "Share of full time (%)", self.percent,
            "e.g. 50 for half time; blank for full time. A pro-rata preset stretches the "
            "supervision interval by it."),
            "started_in_post": Field(None, self.started)}
        self.save_button = w.Button(description="Save working time", icon="save")
        self.save_button.on_click(lambda _: self.save())
        self._status = w.HTML(value="")
        self.widget = w.VBox([w.HTML(value="<b>Working time</b>"), self.summary,
                              w.HBox([f.box for f in self.fields.values()]),
                              Beside(self._status).row(self.save_button)],
                             layout={"border": "1px solid #ddd", "padding": "4px",
                                     "margin": "0 0 8px 0"})
        self.refresh()

    def refresh(self) -> None:
        """Show what is recorded now."""
        try:
            p = self.tk.practitioner(self.practitioner_id)
        except SupervisionError as e:
            self.status = message(e)
            return
        self.summary.value = esc(describe(p))
        self.percent.value = str(p.working_percent or "")
        self.started.value = p.started_in_post

    def save(self):
        """Record the share of full time and the start date in post."""
        for f in self.fields.values():
            f.set_error("")
        p = attempt(self, self.fields, "Not saved", lambda: self.tk.set_working_time(
            self.practitioner_id, self.percent.value.strip() or None, self.started.value))
        if p is not None:
            self.status = "Saved: " + describe(p)
            self.refresh()
        return p

    @observe("status")
    def _status_changed(self, change) -> None:
        self._status.value = status_html(change["new"])
