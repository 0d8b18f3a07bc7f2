"""The reflection app's "My agenda" tab: the supervisee's agenda for their next session
(``widgets.agenda.MyAgenda``), built when first opened."""
from __future__ import annotations

TITLE = "My agenda"


def add_agenda_tab(app) -> None:
    """Add the tab to ``app.tabs``; ``app.agenda`` is the widget once opened and
    ``app.show_agenda()`` opens it (the gesture as a method)."""
    from ..widgets.agenda import MyAgenda
    from .lazy_tabs import add_tab_on_first_open
    index = add_tab_on_first_open(app, TITLE, "agenda", MyAgenda)

    def show():
        app.tabs.selected_index = index
        return app.agenda

    app.show_agenda = show
