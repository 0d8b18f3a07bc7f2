"""The session app: pick a supervisee (or a group), run and record the session with the
``SessionRecorder``, sign it, then download the signed record as a PDF. A supervisee
signs from their own sign-in: a practitioner opening this app gets their own records
to read, comment on and sign (``widgets.my_records``); staff get theirs in a tab.

Opened as ``session.ipynb?supervisee=ID`` (the caseload's "Open session" link) the
supervisee is preselected. The recorder's module is imported only when a session is
opened, so the page is ready to use as soon as the picker shows.
"""
from __future__ import annotations

import json
import os
import threading

import ipywidgets as w

from ..domain.enums import Role
from ..errors import SupervisionError
from ..widgets.session_picker import SessionApp
from .common import STAFF_ROLES, launch, on_kernel_loop, query_value

__all__ = ["SessionApp", "build", "make", "requested_supervisee"]

TITLE = "Supervision session"
# Practitioners sign in too: to read and sign their own records [issue 13].
ROLES = (Role.PRACTITIONER.value, *STAFF_ROLES)


def requested_supervisee(environ=None) -> str:
    """The ``supervisee`` of the page's query string (Voilà puts it in ``QUERY_STRING``)."""
    return query_value("supervisee", environ)


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
        query = {"QUERY_STRING": str(info.get("QUERY_STRING", ""))}
        on_kernel_loop(lambda: _answer_query(box, query))
    threading.Thread(target=run, name="await-voila-request", daemon=True).start()


def _answer_query(box, query: dict) -> None:
    # a demo link names whom the demo picker had signed in (see common.demo_link); the
    # picker, and so sign_in_as, exists only on the demo database with no user configured
    demo_user = query_value("as", query)
    if demo_user and box.notice == "sign in" and hasattr(box, "sign_in_as"):
        box.sign_in_as(demo_user)
    elif isinstance(box.app, SessionApp):
        box.app.renew()  # built when the pool was filled, maybe yesterday
    wanted = requested_supervisee(query)
    if wanted and isinstance(box.app, SessionApp):
        box.app.preselect(wanted)


def make(tk, supervisee: str = ""):
    """A practitioner's own records to read and sign; for staff the session recorder,
    with their own records (supervisors are supervised too) in a second tab."""
    from ..widgets.my_records import MyRecords
    if tk.me.role == Role.PRACTITIONER:
        return MyRecords(tk)
    return add_my_records(SessionApp(tk, supervisee))


def add_my_records(app: SessionApp) -> SessionApp:
    """Put the recorder in a "Supervise" tab beside "My records" (the acting user's own
    supervision records, built when first opened: ``app.my_records``)."""
    from ..widgets.my_records import MyRecords
    try:
        n = sum(1 for r in app.tk.my_records() if r["awaiting_me"])
    except SupervisionError:
        return app
    app.my_records = None
    box = w.VBox([])
    title = f"My records ({n} awaiting your signature)" if n else "My records"
    tabs = w.Tab(children=[app.widget, box], titles=["Supervise", title])

    def opened(change):
        if change["new"] == 1 and app.my_records is None:
            app.my_records = MyRecords(app.tk)
            box.children = [app.my_records.widget]
    tabs.observe(opened, "selected_index")
    app.tabs = tabs
    app.widget = w.VBox([tabs], layout={"width": "100%"})
    return app


def warm(box) -> None:
    """In a preheated kernel, before anyone asks for its page: import the recorder and the
    PDF exporter, and run the rules once for nobody, so opening a session, its first save
    and its first discussion pay no imports or first-use costs while a person waits
    [issue 15]."""
    from ..widgets.session import SessionRecorder  # noqa: F401 (imported for later)
    tk = getattr(box, "tk", None)
    if tk is None or not isinstance(box.app, SessionApp):
        return
    try:
        tk.import_exporter()
        tk.warm_rules()
    except Exception:  # a warm-up failing changes nothing: the gesture pays, as before
        pass


def build(settings=None, **kw):
    """The session app for the configured database and user."""
    box = launch(TITLE, lambda tk: make(tk, requested_supervisee()), roles=ROLES,
                 settings=settings, **kw)
    url = request_info_url()
    if url:
        warm(box)
        _await_query(box, url)
    return box
