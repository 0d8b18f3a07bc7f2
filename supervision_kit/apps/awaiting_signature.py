"""The landing page's line for the signed-in person: how many of their supervision records
await their signature, linking to where they read and sign them [issue 13]."""
from __future__ import annotations

import ipywidgets as w

from ..widgets.common import Displayable, esc
from .common import launch

TITLE = "Home"
SUPERVISED = ("practitioner", "supervisor", "manager")  # roles that are themselves supervised


class AwaitingSignature(Displayable):
    """"2 supervision records await your signature" with a link to read and sign them."""

    def __init__(self, tk):
        from ..widgets.my_records import awaiting_line
        self.tk = tk
        self.line = awaiting_line(tk) if tk.me.role in SUPERVISED else ""
        # Practitioners read and sign in the session app; staff in its "My records" tab.
        self.widget = w.HTML(value=(
            f"<p class='awaiting-signature'><b>{esc(self.line)}</b> "
            f"<a href='session.ipynb'>Read and sign now</a></p>"
            if self.line and not self.line.startswith("No ") else
            f"<p class='awaiting-signature'>{esc(self.line)}</p>"))


def build(settings=None, **kw):
    """The landing page's line for the configured (or, on the demo database, chosen) user."""
    return launch(TITLE, AwaitingSignature, settings=settings, **kw)
