"""The session app: pick a supervisee (or a group), run and record the session with the
``SessionRecorder``, sign it, then download the signed record as a PDF. A supervisee
signs from their own sign-in: a practitioner opening this app gets their own records
to read, comment on and sign (``widgets.my_records``); staff get theirs in a tab.

Opened as ``session.ipynb?supervisee=ID`` (the caseload's "Open session" link) the
supervisee is preselected. The recorder's module is imported only when a session is
opened, so the page is ready to use as soon as the picker shows.
"""
from __future__ import annotations

import base64
import datetime as dt
import json
import os
import threading
from urllib.parse import parse_qs

import ipywidgets as w

from ..domain.enums import Role, SessionState, SessionType
from ..errors import SupervisionError
from ..widgets.common import Displayable, esc, message
from .common import STAFF_ROLES, launch, message_box

TITLE = "Supervision session"
# Practitioners sign in too: to read and sign their own records [issue 13].
ROLES = (Role.PRACTITIONER.value, *STAFF_ROLES)
ONE, GROUP = "one", "group"
KINDS = [("Formal one-to-one", SessionType.ONE_TO_ONE.value), ("Ad hoc", SessionType.AD_HOC.value),
         ("Clinical", SessionType.CLINICAL.value)]


def requested_supervisee(environ=None) -> str:
    """The ``supervisee`` of the page's query string (Voilà puts it in ``QUERY_STRING``)."""
    qs = (os.environ if environ is None else environ).get("QUERY_STRING", "")
    return (parse_qs(qs.lstrip("?")).get("supervisee") or [""])[0]


class SessionApp(Displayable):
    """Choose who, open the record, sign, export."""

    def __init__(self, tk, supervisee: str = "", date=None):
        self.tk = tk
        self.recorder = None
        self.pdf: bytes | None = None
        self.people = tk.supervisees()
        self.names = {p.id: p.name for p in self.people}
        opts = [(p.name + (f" ({p.team})" if p.team else ""), p.id) for p in self.people]
        self.mode = w.ToggleButtons(options=[("One-to-one", ONE), ("Group", GROUP)], value=ONE)
        auto = {"description_width": "auto"}
        self.person = w.Dropdown(options=[("Choose a supervisee…", ""), *opts], value="",
                                 description="Supervisee", layout={"width": "24em"}, style=auto)
        self.group = w.SelectMultiple(options=opts, description="Group", rows=min(6, max(len(opts), 2)),
                                      layout={"width": "24em", "display": "none"}, style=auto)
        self.kind = w.Dropdown(options=KINDS, value=SessionType.ONE_TO_ONE.value,
                               description="Type", layout={"width": "15em"}, style=auto)
        self.date = w.DatePicker(value=date or dt.date.today(), description="Date", style=auto,
                                 layout={"width": "12em"})
        self.open_button = w.Button(description="Open session", icon="folder-open",
                                    button_style="primary", disabled=True)
        self.earlier = w.Dropdown(options=[], description="Earlier records", style=auto,
                                  layout={"width": "24em", "display": "none"})
        self.earlier_button = w.Button(description="Open record", icon="file-text-o",
                                       layout={"display": "none"})
        self.status = w.HTML(value="")
        self.area = w.VBox([])
        self.pdf_button = w.Button(description="Prepare PDF", icon="file-pdf-o")
        self.pdf_link = w.HTML(value="")
        self.pdf_box = w.HBox([self.pdf_button, self.pdf_link], layout={"display": "none"})
        self.can_export = hasattr(tk, "session_pdf")  # absent until the PDF export exists
        self.mode.observe(lambda c: self._mode_changed(), "value")
        self.person.observe(lambda c: self._chosen(), "value")
        self.group.observe(lambda c: self._chosen(), "value")
        self.open_button.on_click(lambda _: self.open_session())
        self.earlier_button.on_click(lambda _: self.earlier.value and self.open_record(self.earlier.value))
        self.pdf_button.on_click(lambda _: self.prepare_pdf())
        top = [w.HBox([self.mode]),
               w.HBox([self.person, self.group, self.kind, self.date, self.open_button]),
               w.HBox([self.earlier, self.earlier_button])]
        if not self.people:
            top.append(message_box("You have no current supervisees: a supervisee appears here "
                                   "once a supervision contract names you, or you have "
                                   "supervised them before.", "info"))
        self.widget = w.VBox([*top, self.status, self.area, self.pdf_box],
                             layout={"width": "100%"})
        if supervisee:
            self.preselect(supervisee)

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
        sessions = []
        if len(ids) == 1:
            try:
                sessions = self.tk.sessions(supervisee_id=ids[0])
            except SupervisionError:
                sessions = []
        self.earlier.options = [("Choose a record…", ""), *[
            (f"{s['date']} · {s['type']} · {s['state']}", s["id"]) for s in sessions]]
        self.earlier.value = ""
        shown = None if sessions else "none"
        self.earlier.layout.display = self.earlier_button.layout.display = shown

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
        if rec.record is None:  # the facade refused: the recorder says why
            self._say(rec.status, bad=True)
            return None
        self.recorder = rec
        rec.observe(lambda _: self._signed_state(), names="record")
        self.area.children = [rec.widget]
        self._signed_state()
        return rec

    # -- my own records -----------------------------------------------------------------------
    def add_my_records(self) -> None:
        """Put the recorder in a "Supervise" tab beside "My records" (the acting user's
        own supervision records, built when first opened; ``self.my_records``)."""
        from ..widgets.my_records import MyRecords
        try:
            n = sum(1 for r in self.tk.my_records() if r["awaiting_me"])
        except SupervisionError:
            return
        self.my_records = None
        box = w.VBox([])
        title = f"My records ({n} awaiting your signature)" if n else "My records"
        tabs = w.Tab(children=[self.widget, box], titles=["Supervise", title])

        def opened(change):
            if change["new"] == 1 and self.my_records is None:
                self.my_records = MyRecords(self.tk)
                box.children = [self.my_records.widget]
        tabs.observe(opened, "selected_index")
        self.tabs = tabs
        self.widget = w.VBox([tabs], layout={"width": "100%"})

    # -- the PDF ----------------------------------------------------------------------------
    def _signed_state(self) -> None:
        r = self.recorder.record if self.recorder else None
        signed = r is not None and r.state == SessionState.SIGNED.value
        self.pdf_box.layout.display = None if (signed and self.can_export) else "none"

    def prepare_pdf(self) -> bytes | None:
        """Render the signed record as a PDF and offer it as a download link."""
        r = self.recorder.record if self.recorder else None
        if not self.can_export or r is None or r.state != SessionState.SIGNED.value:
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
        from ..io.paths import safe_name
        name = safe_name("supervision", r.id, suffix=".pdf")
        data = base64.b64encode(self.pdf).decode("ascii")
        self.pdf_link.value = (f"<a class='pdf-download' download='{esc(name)}' "
                               f"href='data:application/pdf;base64,{data}'>Download {esc(name)}</a>")
        return self.pdf


def request_info_url(environ=None) -> str:
    """Where a preheated kernel hears about the request it is given (Voilà's
    ``/voila/query/<kernel id>`` websocket); "" outside a preheated Voilà kernel."""
    env = os.environ if environ is None else environ
    if env.get("VOILA_PREHEAT") != "True" or not env.get("VOILA_KERNEL_ID"):
        return ""
    host = env.get("VOILA_APP_IP") or "127.0.0.1"
    base = env.get("VOILA_WS_BASE_URL") or env.get("VOILA_SERVER_URL") or "/"
    return (f"{env.get('VOILA_WS_PROTOCOL', 'ws')}://{host}:{env.get('VOILA_APP_PORT', '8866')}"
            f"{base}voila/query/{env['VOILA_KERNEL_ID']}")


def _await_query(box, url: str) -> None:
    """In a preheated kernel the notebook ran before anyone asked for the page: wait, in
    the background, for Voilà to pass on the request, then preselect its supervisee.

    Voilà's own ``voila.utils.wait_for_request`` hung in a background thread of the
    kernel here (Voilà 0.5.13), so the websocket is read with the synchronous client."""
    def run():
        try:
            from websockets.sync.client import connect
            with connect(url, open_timeout=10) as ws:
                info = json.loads(ws.recv())
        except Exception:  # no Voilà to ask, or it did not say: no preselection
            return
        wanted = requested_supervisee({"QUERY_STRING": str(info.get("QUERY_STRING", ""))})
        if wanted and isinstance(box.app, SessionApp):
            box.app.preselect(wanted)
    threading.Thread(target=run, name="await-voila-request", daemon=True).start()


def make(tk, supervisee: str = ""):
    """A practitioner's own records to read and sign; for staff the session recorder,
    with their own records (supervisors are supervised too) in a second tab."""
    from ..widgets.my_records import MyRecords
    if tk.me.role == Role.PRACTITIONER:
        return MyRecords(tk)
    app = SessionApp(tk, supervisee)
    app.add_my_records()
    return app


def build(settings=None, **kw):
    """The session app for the configured database and user."""
    box = launch(TITLE, lambda tk: make(tk, requested_supervisee()), roles=ROLES,
                 settings=settings, **kw)
    url = request_info_url()
    if url:
        _await_query(box, url)
    return box
