"""``SessionApp``: pick a supervisee (or a group), run and record the session with the
``SessionRecorder``, both parties sign, then download the signed record as a PDF.

The recorder's module is imported only when a session is opened, so the page is ready
to use as soon as the picker shows.
"""
from __future__ import annotations

import base64
import datetime as dt

import ipywidgets as w
import pandas as pd

from ..domain.enums import SessionState, SessionType
from ..errors import SupervisionError
from .common import Displayable, esc, message, message_box
from .table import DataTable
from .dates import DateInput

EARLIER_COLUMNS = (("date", "Date"), ("type", "Type"), ("state", "State"))

ONE, GROUP = "one", "group"
KINDS = [("Formal one-to-one", SessionType.ONE_TO_ONE.value), ("Ad hoc", SessionType.AD_HOC.value),
         ("Clinical", SessionType.CLINICAL.value)]


def person_options(people) -> list[tuple[str, str]]:
    """(label, id) of supervisees as the pickers show them: "Name (Team)"."""
    return [(p.name + (f" ({p.team})" if p.team else ""), p.id) for p in people]


class SessionApp(Displayable):
    """Choose who, open the record, sign, export."""

    def __init__(self, tk, supervisee: str = "", date=None):
        self.tk = tk
        self.recorder = None
        self.pdf: bytes | None = None
        self._warmed: set = set()  # records whose PDF is made ready ahead (None: Chromium)
        self.people = tk.supervisees()
        self.names = {p.id: p.name for p in self.people}
        opts = person_options(self.people)
        self.mode = w.ToggleButtons(options=[("One-to-one", ONE), ("Group", GROUP)], value=ONE)
        auto = {"description_width": "auto"}
        self.person = w.Dropdown(options=[("Choose a supervisee…", ""), *opts], value="",
                                 description="Supervisee", layout={"width": "24em"}, style=auto)
        self.group = w.SelectMultiple(options=opts, description="Group", rows=min(6, max(len(opts), 2)),
                                      layout={"width": "24em", "display": "none"}, style=auto)
        self.kind = w.Dropdown(options=KINDS, value=SessionType.ONE_TO_ONE.value,
                               description="Type", layout={"width": "15em"}, style=auto)
        self.built_on = dt.date.today()
        self.date = DateInput(value=date or self.built_on, description="Date")
        self.open_button = w.Button(description="Open session", icon="folder-open",
                                    button_style="primary", disabled=True)
        # The chosen supervisee's records: click one (or press Enter on it) to open it.
        self.earlier = DataTable(EARLIER_COLUMNS, caption="Earlier records", sort_by="date",
                                 ascending=False, page_size=10,
                                 layout={"display": "none"})
        self.earlier.observe(lambda c: c["new"] and self.open_record(c["new"]), "selected")
        self.status = w.HTML(value="")
        # The chosen supervisee's booked sessions: book, cancel, rearrange, add to calendar.
        self.booking = None
        self.bookings_box = w.Accordion(children=[w.VBox([])], titles=["Bookings"],
                                        selected_index=None, layout={"display": "none"})
        self.bookings_box.observe(lambda c: c["new"] == 0 and self.show_bookings(), "selected_index")
        self.area = w.VBox([])
        self.pdf_button = w.Button(description="Prepare PDF", icon="file-pdf-o")
        self.pdf_link = w.HTML(value="")
        self.pdf_box = w.HBox([self.pdf_button, self.pdf_link], layout={"display": "none"})
        self.mode.observe(lambda c: self._mode_changed(), "value")
        self.person.observe(lambda c: self._chosen(), "value")
        self.group.observe(lambda c: self._chosen(), "value")
        self.open_button.on_click(lambda _: self.open_session())
        self.pdf_button.on_click(lambda _: self.prepare_pdf())
        top = [w.HBox([self.mode]),
               w.HBox([self.person, self.group, self.kind, self.date, self.open_button]),
               self.earlier]
        if not self.people:
            top.append(message_box("You have no current supervisees: a supervisee appears here "
                                   "once a supervision contract names you, or you have "
                                   "supervised them before.", "info"))
        self.widget = w.VBox([*top, self.bookings_box, self.status, self.area, self.pdf_box],
                             layout={"width": "100%"})
        if supervisee:
            self.preselect(supervisee)

    def renew(self) -> None:
        """Bring an app built ahead of its page (a preheated kernel) up to the moment the
        page is opened: today's date if the day has turned, and the current supervisees."""
        today = dt.date.today()
        if self.date.value == self.built_on and today != self.built_on:
            self.date.value = today
        self.built_on = today
        try:
            people = self.tk.supervisees()
        except SupervisionError:
            return
        if [p.id for p in people] != [p.id for p in self.people]:
            self.people, self.names = people, {p.id: p.name for p in people}
            opts = person_options(people)
            chosen = self.person.value if self.person.value in self.names else ""
            self.person.options = [("Choose a supervisee…", ""), *opts]
            self.person.value = chosen
            self.group.options = opts

    # -- choosing -------------------------------------------------------------------------
    @property
    def chosen(self) -> list[str]:
        """The supervisee ids the session would be for."""
        if self.mode.value == GROUP:
            return list(self.group.value)
        return [self.person.value] if self.person.value else []

    def _mode_changed(self) -> None:
        group = self.mode.value == GROUP
        self.person.layout.display = "none" if group else None
        self.group.layout.display = None if group else "none"
        self.kind.layout.display = "none" if group else None
        self._chosen()

    def _chosen(self) -> None:
        ids = self.chosen
        need = 2 if self.mode.value == GROUP else 1
        self.open_button.disabled = len(ids) < need
        self._say("" if len(ids) >= need or not ids else "Choose at least two people for a group")
        self.list_earlier()
        self.booking = None
        self.bookings_box.children = [w.VBox([])]
        self.bookings_box.selected_index = None
        self.bookings_box.layout.display = None if len(ids) == 1 and self.mode.value == ONE \
            else "none"

    def list_earlier(self, keep: bool = False) -> list[str]:
        """List the chosen supervisee's records (again after a save or signature, ``keep``ing
        the open one selected); their ids."""
        ids = self.chosen
        sessions = []
        if len(ids) == 1:
            try:
                sessions = self.tk.sessions(supervisee_id=ids[0])
            except SupervisionError:
                sessions = []
        if not keep:
            self.earlier.selected = ""
        self.earlier.set_rows(pd.DataFrame(sessions, columns=["id", "date", "type", "state"]),
                              key="id")
        self.earlier.layout.display = None if sessions else "none"
        return [s["id"] for s in sessions]

    def show_bookings(self):
        """Build the chosen supervisee's ``BookingPanel`` (on opening "Bookings")."""
        from .booking import BookingPanel
        ids = self.chosen
        if len(ids) != 1:
            return None
        if self.booking is None or self.booking.supervisee_id != ids[0]:
            self.booking = BookingPanel(self.tk, ids[0], today=self.date.value)
            self.bookings_box.children = [self.booking.widget]
        self.bookings_box.selected_index = 0
        return self.booking

    def choose(self, supervisee_id: str) -> None:
        """Choose one supervisee (one-to-one)."""
        self.mode.value = ONE
        self.person.value = supervisee_id

    def choose_group(self, supervisee_ids) -> None:
        """Choose the attendees of a group session."""
        self.mode.value = GROUP
        self.group.value = tuple(supervisee_ids)

    def preselect(self, supervisee_id: str) -> bool:
        """Choose the supervisee a link asked for, if they are one of mine."""
        if supervisee_id in self.names:
            self.choose(supervisee_id)
            return True
        self._say(f"Not found: {supervisee_id} is not one of your current supervisees", bad=True)
        return False

    def _say(self, text: str, bad: bool = False) -> None:
        colour = "#b00020" if bad else "#555"
        self.status.value = f"<div style='color:{colour}'>{esc(text)}</div>" if text else ""

    # -- opening --------------------------------------------------------------------------
    def open_session(self):
        """Open the draft for the chosen supervisee(s), or start a new record."""
        ids = self.chosen
        if not ids:
            self._say("Choose a supervisee first", bad=True)
            return None
        kind = SessionType.GROUP.value if self.mode.value == GROUP else self.kind.value
        return self._show(ids, date=self.date.value, type=kind)

    def open_record(self, session_id: str):
        """Open an earlier record (a signed one read only, with its addenda)."""
        ids = self.chosen
        return self._show(ids, session_id=session_id)

    def _show(self, ids, **kw):
        from ..widgets.session import SessionRecorder
        self._say("")
        self.pdf, self.pdf_link.value = None, ""
        rec = SessionRecorder(self.tk, ids, **kw)
        if rec.record is None and rec.pending_draft is None:  # the facade refused: it says why
            self._say(rec.status, bad=True)
            return None
        self.recorder = rec
        if not rec.locked:
            rec.prefetch_drift()  # ready before the first discussion is added
        rec.observe(lambda _: self._signed_state(), names="record")
        # A later unsigned discussion of a case, opened from its link in a discussion.
        rec.observe(lambda c: c["new"] and self.open_record(c["new"]), names="requested_record")
        self.area.children = [rec.widget]
        self._signed_state()
        return rec

    # -- the PDF ----------------------------------------------------------------------------
    def _signed_state(self) -> None:
        r = self.recorder.record if self.recorder else None
        signed = r is not None and r.state == SessionState.SIGNED.value
        self.pdf_box.layout.display = None if signed else "none"
        # Chromium starts in the background once a record is open (not while the page
        # opens), and a signed record's figures are drawn while it is read, so "Prepare
        # PDF" costs what a record in a batch costs.
        ahead = r.id if signed else None
        if r is not None and ahead not in self._warmed:
            self._warmed.add(ahead)
            self.tk.warm_pdf(ahead)
        # the list below the picker follows what was just saved or signed
        if r is not None and len(self.chosen) == 1:
            self.list_earlier(keep=True)

    def prepare_pdf(self) -> bytes | None:
        """Render the signed record as a PDF and offer it as a download link."""
        r = self.recorder.record if self.recorder else None
        if r is None or r.state != SessionState.SIGNED.value:
            return None
        self.pdf_button.disabled = True
        self.pdf_link.value = "<i>Preparing the PDF…</i>"
        try:
            self.pdf = self.tk.session_pdf(r.id)
        except SupervisionError as e:
            self.pdf_link.value = f"<span style='color:#b00020'>{esc(message(e))}</span>"
            return None
        except Exception as e:  # the PDF renderer (Chromium) failing is not the user's fault
            self.pdf_link.value = f"<span style='color:#b00020'>{esc(message(e))}</span>"
            return None
        finally:
            self.pdf_button.disabled = False
        name = self.tk.pdf_name(r.id)
        data = base64.b64encode(self.pdf).decode("ascii")
        self.pdf_link.value = (f"<a class='pdf-download' download='{esc(name)}' "
                               f"href='data:application/pdf;base64,{data}'>Download {esc(name)}</a>")
        return self.pdf
