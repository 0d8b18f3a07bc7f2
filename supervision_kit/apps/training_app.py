"""The training app (``notebooks/training.ipynb``): a trainer's dashboard or a trainee's page.

The page opens with two buttons, "I am the trainer" and "I am a trainee". The trainer acts
as the configured user (``SUPERVISION_KIT_USER`` or ``serve --as-user``, who must be a
trainer or an admin) or, on the demo database, whoever they pick in the apps' "Sign in
as" picker (``build`` wires that in); a trainee needs no account.
``?role=trainee&code=K7QX2M`` in the page's URL opens the
trainee's page with the code filled in (Voilà passes the query string to a kernel it
starts for the page as ``QUERY_STRING``).
"""
from __future__ import annotations

import os
from urllib.parse import parse_qs

import ipywidgets as w
from traitlets import HasTraits, Unicode

from ..config import Settings
from ..domain.enums import Role
from ..errors import SupervisionError
from ..widgets.common import Displayable, esc, message
from ..widgets.training_dashboard import TrainerDashboard
from ..widgets.training_trainee import TraineeView
from .common import launch, signed_in_toolkit

__all__ = ["TrainerDashboard", "TraineeView", "TrainingApp", "build", "trainee_view"]
TRAINER_ROLES = (Role.TRAINER, Role.ADMIN)
TRAINER_ROLE_NAMES = tuple(r.value for r in TRAINER_ROLES)
TITLE = "Training"


def query_params(query: str | None = None) -> dict[str, str]:
    """The page's URL parameters (first value of each), from ``QUERY_STRING`` by default."""
    raw = os.environ.get("QUERY_STRING", "") if query is None else query
    return {k: v[0] for k, v in parse_qs(raw or "").items() if v}


class TrainingApp(HasTraits, Displayable):
    """Choose a role, then show the trainer's dashboard or the trainee's page."""

    role = Unicode("", help="'trainer' or 'trainee' once chosen")
    status = Unicode("", help="Why the chosen role could not open, as text")

    def __init__(self, settings: Settings | None = None, *, db=None, user: str | None = None,
                 query: str | None = None, live: bool = True, trainer_sign_in=None):
        super().__init__()
        self.settings = settings or Settings()
        self._db, self._user, self._live = db, user, live
        # ``trainer_sign_in(open_dashboard) -> widget``: the apps' own sign-in (the demo
        # picker, or the configured user), which calls ``open_dashboard(tk)`` once signed in.
        self._trainer_sign_in = trainer_sign_in
        self.sign_in_box = None
        self.dashboard: TrainerDashboard | None = None
        self.trainee: TraineeView | None = None
        self.trainer_button = w.Button(description="I am the trainer", icon="chalkboard-teacher",
                                       layout={"width": "220px", "height": "48px"})
        self.trainee_button = w.Button(description="I am a trainee", icon="user",
                                       button_style="primary",
                                       layout={"width": "220px", "height": "48px"})
        self.trainer_button.on_click(lambda _: self.as_trainer())
        self.trainee_button.on_click(lambda _: self.as_trainee())
        self._choice = w.VBox([w.HTML("<h2>Rating calibration</h2><p>Practitioners rating the "
                                      "same case often disagree about risk. In this exercise "
                                      "everyone rates the same vignettes, and the trainer shows "
                                      "how far the ratings agree, and why.</p>"),
                               w.HBox([self.trainer_button, self.trainee_button])])
        self._status = w.HTML(value="")
        self._body = w.VBox([])
        self.widget = w.VBox([self._choice, self._status, self._body])
        params = query_params(query)
        if params.get("role") == "trainee":
            self.as_trainee(params.get("code"))

    def _show(self, text: str) -> None:
        self.status = text
        self._status.value = f"<p style='color:#b00020'>{esc(text)}</p>" if text else ""

    def as_trainer(self) -> TrainerDashboard | None:
        """Open the trainer's dashboard as the configured user (a trainer or an admin); with
        the apps' sign-in and no user given, show it first (the demo picker on the demo
        database) and open the dashboard once someone has signed in."""
        if self._trainer_sign_in is not None and self._user is None:
            self._show("")
            self._choice.layout.display = "none"
            self.sign_in_box = self._trainer_sign_in(self._signed_in)
            self._body.children = [self.sign_in_box]
            return self.dashboard
        try:
            tk = signed_in_toolkit(self.settings, self._user, self._db)
        except SupervisionError as e:
            self._show(f"{message(e)}. The trainer's page needs SUPERVISION_KIT_USER set to a "
                       "trainer or an admin.")
            return None
        return self.open_dashboard(tk)

    def _signed_in(self, tk):
        """The sign-in's ``make``: the dashboard (its widget goes in the sign-in box)."""
        dash = self.open_dashboard(tk, show=False)
        if dash is None:
            raise SupervisionError(self.status)
        return dash

    def open_dashboard(self, tk, show: bool = True) -> TrainerDashboard | None:
        """The trainer's dashboard as ``tk``'s user, if they are a trainer or an admin."""
        if tk.role not in TRAINER_ROLES:
            self._show(f"{tk.me.name} ({tk.me.role}) is not a trainer: ask an admin for the "
                       "trainer role, or choose “I am a trainee”.")
            return None
        try:
            self.dashboard = TrainerDashboard(tk)
        except SupervisionError as e:
            self._show(message(e))
            return None
        if self._live:
            self.dashboard.start_live()
        self.role = "trainer"
        self._show("")
        self._choice.layout.display = "none"
        if show:
            self._body.children = [self.dashboard.widget]
        return self.dashboard

    def as_trainee(self, code: str | None = None) -> TraineeView:
        """Open the trainee's page (no login), with ``code`` filled in if given."""
        self.trainee = trainee_view(self._db, code, settings=self.settings)
        self.role = "trainee"
        self._show("")
        self._choice.layout.display = "none"
        self._body.children = [self.trainee.widget]
        return self.trainee


def trainee_view(db=None, code: str | None = None, *, settings: Settings | None = None
                 ) -> TraineeView:
    """A trainee's page on ``db`` (default: the configured database), no account needed."""
    from ..facade import Toolkit
    return TraineeView(Toolkit.trainee_door(db, settings=settings), code)


def build(settings: Settings | None = None, **kwargs) -> TrainingApp:
    """The training notebook's whole app (display it). "I am the trainer" signs in as
    every app does: the configured user (``serve --as-user``), or on the demo database
    the "Sign in as" picker (trainers and admins); a trainee needs no account."""
    settings = settings or Settings()

    def sign_in(open_dashboard):
        # Built on the click: synchronously, so the dashboard is there when it returns.
        return launch(TITLE, open_dashboard, roles=TRAINER_ROLE_NAMES, settings=settings,
                      background=False)
    kwargs.setdefault("trainer_sign_in", sign_in)
    return TrainingApp(settings, **kwargs)
