"""``BookingPanel``: book a supervisee's next sessions, cancel one (why, by whom, the
return from sickness), rearrange one to the earliest date, and add one to a calendar.

[Havering 5; Surrey.] The booked sessions are a ``DataTable``: clicking a row chooses the
session that Cancel and Rearrange act on. Every button is also a method (``book``,
``select``, ``cancel``, ``rearrange``, ``calendar_link``), so tests drive it by setting
values and clicking.
"""
from __future__ import annotations

import base64
import datetime as dt

import ipywidgets as w
from traitlets import HasTraits, List, Unicode, observe

from ..domain.bookings import CANCEL_REASONS, CANCELLED_BY, Booking
from ..domain.streams import stream_label
from ..errors import SupervisionError
from .common import Beside, Displayable, Field, attempt, esc, message, show_refusal, status_html
from .dates import DateInput
from .table import DataTable, cell_text

COLUMNS = (("date", "Date"), ("time", "Time"), ("minutes", "Minutes"), ("place", "Place"),
           ("stream", "Stream"), ("state", "State"))
CHOOSE = "<small>Click a booked session in the table to cancel or rearrange it.</small>"


def booking_state(b: Booking) -> str:
    """What became of a booking, in words: booked, or why and by whom it was cancelled,
    or why it was rearranged."""
    what = b.status
    if b.status == "cancelled":
        what += (f": {CANCEL_REASONS.get(b.cancelled_reason, b.cancelled_reason)}, by "
                 f"{b.cancelled_by}" + (f", back {cell_text(b.return_date)}" if b.return_date else ""))
    elif b.status == "rearranged" and b.note:
        what += f": {b.note}"
    return what


class BookingPanel(HasTraits, Displayable):
    """One supervisee's bookings: the diary, a form to book, and cancel / rearrange."""

    bookings = List(help="The supervisee's bookings, soonest first")
    status = Unicode("")

    def __init__(self, tk, supervisee_id: str, *, today: dt.date | None = None):
        super().__init__()
        self.tk, self.supervisee_id = tk, supervisee_id
        self.today = today or dt.date.today()
        auto = {"description_width": "auto"}
        # click a row (or Enter on it) to choose the session Cancel and Rearrange act on
        self.table = DataTable(COLUMNS, caption="Booked sessions", sort_by="date",
                               empty_text="Nothing booked yet.")
        try:
            streams = tk.streams(supervisee_id, as_of=self.today)
        except SupervisionError:
            streams = []
        sopts = [(s["label"], s["stream"]) for s in streams] or [("Supervision", "")]
        # Book
        self.date = DateInput(value=self.today, description="Book for")
        self.time = w.Text(value="10:00", description="Time", placeholder="HH:MM", style=auto,
                           layout={"width": "10em"})
        self.minutes = w.BoundedIntText(value=90, min=0, max=600, description="Minutes",
                                        style=auto, layout={"width": "10em"})
        self.place = w.Text(value="", description="Place", placeholder="room, site or call",
                            style=auto, layout={"width": "22em"})
        self.stream = w.Dropdown(options=sopts, value=sopts[0][1], description="Stream",
                                 style=auto, layout={"width": "22em"})
        self.book_button = w.Button(description="Book session", icon="calendar-plus-o",
                                    button_style="primary")
        self.fields = {"date": Field(None, self.date), "start_time": Field(None, self.time),
                       "duration_minutes": Field(None, self.minutes),
                       "place": Field(None, self.place), "stream": Field(None, self.stream)}
        # Cancel or rearrange the booked one chosen in the table
        self.chosen = w.HTML(value=CHOOSE)
        self.reason = w.Dropdown(options=[(v, k) for k, v in CANCEL_REASONS.items()],
                                 value="sickness", description="Why", style=auto)
        self.by = w.Dropdown(options=[(v, k) for k, v in CANCELLED_BY.items()],
                             value="supervisee", description="Cancelled by", style=auto)
        self.return_date = DateInput(value=None, description="Back at work on")
        self.note = w.Text(value="", description="Note", style=auto, layout={"width": "30em"})
        self.cancel_button = w.Button(description="Cancel session", icon="ban",
                                      button_style="warning")
        self.new_date = DateInput(value=None, description="New date")
        self.new_time = w.Text(value="", description="New time", placeholder="HH:MM", style=auto,
                               layout={"width": "12em"})
        self.why = w.Text(value="", description="Reason", placeholder="why it moves",
                          style=auto, layout={"width": "30em"})
        self.rearrange_button = w.Button(description="Rearrange", icon="exchange")
        self.calendar = w.HTML(value="")
        for k, f in (("cancelled_reason", self.reason), ("cancelled_by", self.by),
                     ("return_date", self.return_date), ("note", self.why),
                     ("new_date", self.new_date), ("new_time", self.new_time)):
            self.fields[k] = Field(None, f)
        self._status = w.HTML(value="")
        self.book_button.on_click(lambda _: self.book())
        self.cancel_button.on_click(lambda _: self.cancel())
        self.rearrange_button.on_click(lambda _: self.rearrange())
        self.table.observe(lambda _: self._chosen(), "selected")
        beside = Beside(self._status)   # "Booked"/"Cancelled"/a refusal shows by its button
        self.widget = w.VBox([
            w.HTML(value="<small>Sessions are arranged in advance by agreement; a change is "
                         "rebooked for the earliest date [Havering 5].</small>"),
            self.table,
            w.HBox([self.fields[k].box for k in ("date", "start_time", "duration_minutes")]),
            beside.row(self.fields["place"].box, self.fields["stream"].box, self.book_button),
            self.chosen, self.calendar,
            w.HBox([self.fields["cancelled_reason"].box, self.fields["cancelled_by"].box,
                    self.fields["return_date"].box]),
            beside.row(self.note, self.cancel_button),
            w.HBox([self.fields["new_date"].box, self.fields["new_time"].box]),
            beside.row(self.fields["note"].box, self.rearrange_button)])
        self.refresh()
        self._chosen()

    # -- state -------------------------------------------------------------------------
    def refresh(self) -> None:
        """Reload the supervisee's bookings."""
        try:
            self.bookings = self.tk.bookings(self.supervisee_id)
        except SupervisionError as e:
            show_refusal(self, e)

    @observe("bookings")
    def _bookings_changed(self, change) -> None:
        # The selection stays on its row if that booking is still there (a cancelled one is).
        self.table.set_records({"id": b.id, "date": b.date, "time": b.start_time or "—",
                                "minutes": b.duration_minutes or "—", "place": b.place or "—",
                                "stream": stream_label(b.stream), "state": booking_state(b)}
                               for b in change["new"])

    @property
    def chosen_booking(self) -> Booking | None:
        """The booking whose row is selected (None when none is)."""
        return self.table.chosen_in(self.bookings)

    def select(self, booking_id: str) -> Booking | None:
        """Choose a booking (clicking its row); Cancel and Rearrange act on it."""
        self.table.select(booking_id)
        return self.chosen_booking

    @observe("status")
    def _status_changed(self, change) -> None:
        self._status.value = status_html(change["new"])

    def _chosen(self) -> None:
        b, booked = self.chosen_booking, self._booked_chosen()
        for button in (self.cancel_button, self.rearrange_button):
            button.disabled = not booked
        if b is None:
            self.chosen.value, self.calendar.value = CHOOSE, ""
            return
        when = cell_text(b.date) + (f" at {b.start_time}" if b.start_time else "")
        self.chosen.value = (f"<b>Chosen:</b> {esc(when)}, {esc(stream_label(b.stream))} "
                             f"({esc(booking_state(b))})")
        # A cancelled booking's file cancels the invitation in the parties' calendars.
        self.calendar.value = (self.calendar_link(b.id) if booked else
                               self.calendar_link(b.id, "Cancel in calendar")
                               if b.status == "cancelled" else "")
        if booked and self.new_date.value is None:
            try:
                self.new_date.value = self.tk.earliest_date(self.supervisee_id, self.today)
            except SupervisionError:
                pass

    def _booked_chosen(self) -> bool:
        b = self.chosen_booking
        return b is not None and b.status == "booked"

    def _clear_errors(self) -> None:
        for f in self.fields.values():
            f.set_error("")

    def _refused(self, e: SupervisionError, what: str) -> None:
        def beside(field: str, text: str) -> None:
            key = {"date": "new_date" if what == "Not rearranged" else "date"}.get(field, field)
            if key in self.fields:
                self.fields[key].set_error(text)
        show_refusal(self, e, what, beside=beside)

    # -- gestures ------------------------------------------------------------------------
    def book(self) -> Booking | None:
        """Book a session with the date, time, length, place and stream shown."""
        self._clear_errors()
        b = Booking(supervisee_id=self.supervisee_id, supervisor_id=self.tk.me.id,
                    date=self.date.value, start_time=self.time.value,
                    duration_minutes=self.minutes.value or None, place=self.place.value,
                    stream=self.stream.value or None)
        try:
            b = self.tk.book_session(b)
        except SupervisionError as e:
            self._refused(e, "Not booked")
            return None
        self.status = f"Booked for {b.date:%d %b %Y}" + (f" at {b.start_time}" if b.start_time else "")
        self.refresh()
        self.select(b.id)
        return b

    def cancel(self) -> Booking | None:
        """Cancel the chosen booking with the reason, who cancelled and any return date."""
        self._clear_errors()
        if not self._booked_chosen():
            self.status = "Not cancelled: choose a booked session"
            return None
        out = attempt(self, self.fields["cancelled_reason"], "Not cancelled", lambda: self.tk.cancel_booking(
            self.table.selected, self.reason.value, self.by.value,
            self.return_date.value if self.reason.value == "sickness" else None, self.note.value))
        if out is not None:
            back = f"; back {out.return_date:%d %b %Y}" if out.return_date else ""
            self.status = f"Cancelled the session of {out.date:%d %b %Y} ({out.cancelled_reason}{back})"
            self.refresh()  # the row stays chosen: its calendar file is now the cancellation
            self._chosen()
        return out

    def rearrange(self) -> Booking | None:
        """Move the chosen booking to the new date and time, keeping the reason."""
        self._clear_errors()
        if not self._booked_chosen():
            self.status = "Not rearranged: choose a booked session"
            return None
        try:
            new = self.tk.rearrange_booking(self.table.selected, self.new_date.value,
                                            self.new_time.value, self.why.value)
        except SupervisionError as e:
            self._refused(e, "Not rearranged")
            return None
        self.status = f"Rearranged to {new.date:%d %b %Y}"
        self.refresh()
        self.select(new.id)
        return new

    def calendar_link(self, booking_id: str, label: str = "Add to calendar") -> str:
        """An "Add to calendar" download (an .ics file) for a booking, as HTML (for a
        cancelled booking the file is its cancellation)."""
        try:
            data = self.tk.booking_ics(booking_id)
        except SupervisionError as e:
            return f"<span style='color:#b00020'>{esc(message(e))}</span>"
        b64 = base64.b64encode(data).decode("ascii")
        return (f"<a class='ics-download' download='supervision-{esc(booking_id)}.ics' "
                f"href='data:text/calendar;base64,{b64}'>{esc(label)}</a>")
