"""What every app shares: the configured database and user, the facade opened as that
user, a "Sign in as" picker on the demo database only, and friendly messages instead of
tracebacks.

An app module provides ``make(tk) -> object with .widget`` and a ``build()`` that calls
:func:`launch`; the notebook shows what ``build()`` returns (an :class:`AppBox`).
"""
from __future__ import annotations

import os
import threading
from typing import Callable

import ipywidgets as w

from ..config import REPO_ROOT, Settings, sqlite_file
from ..domain.signing import DEMO_PICKER
from ..errors import SupervisionError
from ..widgets.common import esc, message, message_box

DEMO_DB = REPO_ROOT / "data" / "demo.sqlite"
STAFF_ROLES = ("supervisor", "manager", "admin")


class AppBox(w.VBox):
    """The app as shown: who is signed in, then the app (or a message).

    ``app`` is the app object once it is built (None while signing in or after a
    problem); ``tk`` the facade it acts through; ``notice`` the message shown, if any.
    """

    def __init__(self, title: str, **kw):
        super().__init__(**kw)
        self.app_title = title
        self.app = None
        self.tk = None
        self.notice = ""
        self.loading = None  # a threading.Event while the app is built in the background


def is_demo_db(db_url: str, demo_db=None) -> bool:
    """True only for the demo database (``data/demo.sqlite``, or ``Settings.demo_db``)."""
    path = sqlite_file(db_url)
    demo = sqlite_file(str(demo_db)) if demo_db else DEMO_DB.resolve()
    return path is not None and path == demo


def db_problem(db_url: str) -> str:
    """Why the configured database cannot be opened ("" when it looks fine)."""
    if not db_url:
        return "No database configured: set SUPERVISION_KIT_DB"
    path = sqlite_file(db_url)
    if path is not None and not path.exists():
        hint = ("run `make demo` (or `supervision-kit demo`) to create it" if is_demo_db(db_url)
                else "check SUPERVISION_KIT_DB")
        return f"No database at {path}: {hint}"
    return ""


def header_html(tk) -> w.HTML:
    """Who is acting (every call is made, and logged, as them). The notebook's markdown
    cell carries the app's title."""
    me = tk.me
    team = f", {me.team}" if me.team else ""
    return w.HTML(value=f"<div class='app-user'><small>Signed in as <b>{esc(me.name)}</b> "
                        f"({esc(me.role)}{esc(team)})</small></div>")


def _role_text(roles) -> str:
    names = [f"{r}s" for r in roles]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def signed_in_toolkit(settings: Settings, user: str | None = None, db=None):
    """The one place where settings become a toolkit acting as a signed-in person.

    ``user`` is whom the sign-in chose: the demo picker's choice, ``--as-user`` (which
    ``serve`` passes on as ``SUPERVISION_KIT_USER``), or "system" for the built-in
    account; None takes ``settings.user`` (``SUPERVISION_KIT_USER``, else
    ``JUPYTERHUB_USER``). ``db`` overrides ``settings.db_url``. A server-side sign-in
    plugs in here."""
    from ..facade import Toolkit
    return Toolkit(db or settings.db_url, settings.user if user is None else user,
                   settings=settings)


def open_app(box: AppBox, settings: Settings, user: str, make: Callable, roles=None,
             method: str | None = None) -> AppBox:
    """Open the facade as ``user`` and build the app into ``box`` (or show why not);
    ``method`` says how the user was established (stored with their signatures)."""
    try:
        tk = signed_in_toolkit(settings, user)
    except SupervisionError as e:
        return show_message(box, message(e), "error")
    if method:
        tk.sign_in_method = method
    box.tk = tk
    if roles and tk.me.role not in roles:
        return show_message(box, f"{tk.me.name} is signed in as {tk.me.role}: the {box.app_title} "
                                 f"app is for "
                                 f"{_role_text(roles)}.", "warning")
    try:
        app = make(tk)
    except SupervisionError as e:
        return show_message(box, message(e), "error", tk)
    box.app, box.notice = app, ""
    box.children = [header_html(tk), app.widget]
    return box


def show_message(box: AppBox, text: str, kind: str = "warning", tk=None) -> AppBox:
    """Replace the app with a message (who is signed in stays)."""
    box.notice = text
    box.children = ([header_html(tk)] if tk is not None else []) + [message_box(text, kind)]
    return box


def demo_people(settings: Settings, roles=None) -> list[tuple[str, str]]:
    """(label, username) of the demo agency's current staff who may use the app,
    supervisors first."""
    tk = signed_in_toolkit(settings, "system")
    people = [p for p in tk.practitioners(include_left=False) if not roles or p.role in roles]
    order = {"supervisor": 0, "manager": 1, "practitioner": 2, "auditor": 3, "admin": 4}
    people.sort(key=lambda p: (order.get(p.role, 5), p.name))
    return [(f"{p.name} — {p.role}" + (f", {p.team}" if p.team else ""), p.username)
            for p in people]


def query_value(name: str, environ=None) -> str:
    """``name`` in the page's query string (Voilà puts it in ``QUERY_STRING``), or ""."""
    from urllib.parse import parse_qs
    qs = (os.environ if environ is None else environ).get("QUERY_STRING", "")
    return (parse_qs(str(qs).lstrip("?")).get(name) or [""])[0]


def demo_link(tk, page: str) -> str:
    """``page`` as a link that opens as the same person when ``tk`` was signed in through
    the demo picker (``?as=username``); any other page is linked as it is: there the
    server's sign-in decides who acts, never the link."""
    if tk.sign_in_method != DEMO_PICKER:
        return page
    from urllib.parse import quote
    return f"{page}?as={quote(tk.me.username)}"


def sign_in(box: AppBox, settings: Settings, make: Callable, roles=None,
            wanted: str = "") -> AppBox:
    """The demo database's "Sign in as" picker; signing in builds the app in ``box``.
    ``wanted`` (a demo link's ``as``) signs in at once as that person, as choosing them
    would: the picker, and so the link, exists only on the demo database."""
    people = demo_people(settings, roles)
    picker = w.Dropdown(options=people, description="Sign in as", layout={"width": "32em"},
                        style={"description_width": "auto"})
    go = w.Button(description="Sign in", icon="sign-in", button_style="primary")
    note = message_box("Demo database: choose whom to act as. This picker exists only for the "
                       "demo database; any other database takes the user from "
                       "SUPERVISION_KIT_USER (or `supervision-kit serve --as-user`).", "info")

    def chosen(_=None):
        # Nobody proved who they are here: their signatures say so.
        open_app(box, settings, picker.value, make, roles, method=DEMO_PICKER)
    def as_person(username: str) -> bool:
        # Only someone the picker offers: a link cannot reach past it (e.g. "system").
        if username not in {u for _, u in people}:
            return False
        picker.value = username
        chosen()
        return True
    go.on_click(chosen)
    box.sign_in = chosen  # the gesture as a method, for tests and notebooks
    box.sign_in_as = as_person
    box.picker = picker
    box.notice = "sign in"
    box.children = [note, w.HBox([picker, go])]
    if wanted:
        as_person(wanted)
    return box


def cold_voila_kernel(environ=None) -> bool:
    """True in a kernel Voilà started for a page request (not a preheated one): Voilà sets
    ``VOILA_PREHEAT=False`` there; it is unset outside Voilà."""
    return (os.environ if environ is None else environ).get("VOILA_PREHEAT") == "False"


def _fill(box: AppBox, settings: Settings, make: Callable, roles, demo) -> AppBox:
    problem = db_problem(settings.db_url)
    if problem:
        return show_message(box, problem, "error")
    if settings.user:
        return open_app(box, settings, settings.user, make, roles)
    if is_demo_db(settings.db_url, settings.demo_db) if demo is None else demo:
        try:
            return sign_in(box, settings, make, roles, wanted=query_value("as"))
        except SupervisionError as e:
            return show_message(box, message(e), "error")
    return show_message(box, "No user configured: set SUPERVISION_KIT_USER to your username "
                             "(or start the server with `supervision-kit serve --as-user NAME`).")


def _kernel_loop():
    """The running kernel's event loop (it handles the browser's widget messages), or None
    outside a kernel."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return getattr(getattr(get_ipython(), "kernel", None), "io_loop", None)


def on_kernel_loop(fn: Callable) -> None:
    """Run ``fn`` (which makes or changes widgets) on the kernel's loop, between the
    messages it answers, never beside them from another thread (see
    ``_fill_in_background``); outside a kernel, now."""
    loop = _kernel_loop()
    if loop is None:
        fn()
    else:
        loop.add_callback(fn)


def _after_the_browser_has_loaded(timeout: float = 10.0, settle: float = 0.2) -> None:
    """Wait (in a thread) until the page's widget manager has asked for the widgets'
    state (ipywidgets' control comm is open), then ``settle`` seconds more, or ``timeout``
    in all. An app built while the browser was still making the models of its first
    snapshot left the caseload page at "widget model not found" (1 cold page in 4, once
    the toolkit's imports took 1 s instead of 2.4 s) [issue 15]."""
    import time

    from ipywidgets import Widget
    deadline = time.monotonic() + timeout
    while Widget._control_comm is None and time.monotonic() < deadline:
        time.sleep(0.05)  # bounded by the deadline: no browser (a script) builds at once after
    time.sleep(min(settle, max(0.0, deadline - time.monotonic())))


def _fill_in_background(box: AppBox, settings: Settings, make: Callable, roles, demo) -> AppBox:
    """Show "Opening…" at once, load the toolkit in a thread, then build the app.

    In a cold Voilà kernel the notebook's output reaches the browser only when the cell
    ends; the browser then loads Voilà's scripts and connects to the kernel. Importing
    the toolkit (pandas, SQLAlchemy) meanwhile, instead of before, overlaps the two. The
    widgets themselves are made on the kernel's own loop, between the messages it answers:
    made in the thread, they raced the browser's request for every widget's state, which
    could then name a widget the browser had not been sent ("Error displaying widget: model
    not found", seen on the research app's first load). Made on the loop but while the
    browser was still making the models of its first snapshot, they did the same (the
    caseload page, 1 cold open in 4): the build waits for the browser to ask first
    (``_after_the_browser_has_loaded``).
    """
    box.children = [message_box(f"Opening the {box.app_title.lower()} app…", "info")]
    box.loading = threading.Event()
    loop = _kernel_loop()

    def build():
        try:
            _fill(box, settings, make, roles, demo)
        except Exception as e:  # never leave the page saying "Opening…" for ever
            show_message(box, message(e), "error")
        finally:
            box.loading.set()

    def run():
        if loop is None:   # not in a kernel (tests): build here
            return build()
        try:
            from .. import facade  # noqa: F401 - the slow imports, off the kernel's loop
            import pandas  # noqa: F401
            _after_the_browser_has_loaded()
        finally:
            loop.add_callback(build)
    threading.Thread(target=run, name=f"open-{box.app_title}", daemon=True).start()
    return box


def launch(title: str, make: Callable, *, roles=None, settings: Settings | None = None,
           demo: bool | None = None, background: bool | None = None) -> AppBox:
    """The app for the configured database and user, or a friendly message.

    No user configured: on the demo database a "Sign in as" picker, elsewhere a message
    saying how to configure one. ``demo`` overrides the demo-database check (tests).
    ``background`` (default: in a cold Voilà kernel) loads the toolkit in a thread while
    the page loads, then builds the app; ``box.loading`` is then an Event set once built.
    """
    settings = settings or Settings()
    box = AppBox(title)
    if cold_voila_kernel() if background is None else background:
        return _fill_in_background(box, settings, make, roles, demo)
    return _fill(box, settings, make, roles, demo)
