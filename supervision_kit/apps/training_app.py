"""The training app under every local mode: "I am the trainer" signs in the way every app
does (the configured user, ``serve --as-user``, or the demo picker on the demo database),
restricted to trainers and admins; "I am a trainee" needs no account."""
from __future__ import annotations

from ..config import Settings
from .common import launch

TITLE = "Training"
TRAINER_ROLES = ("trainer", "admin")


def build(settings: Settings | None = None, *, query: str | None = None, live: bool = True):
    """The training app for the configured database and user."""
    from ..widgets.training import TrainingApp
    settings = settings or Settings()

    def sign_in(open_dashboard):
        # Built on the click: synchronously, so the dashboard is there when it returns.
        return launch(TITLE, open_dashboard, roles=TRAINER_ROLES, settings=settings,
                      background=False)
    return TrainingApp(settings, query=query, live=live, trainer_sign_in=sign_in)
