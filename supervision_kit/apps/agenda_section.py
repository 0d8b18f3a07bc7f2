"""The reflection app's "My agenda" tab: the supervisee's agenda for their next session
(``widgets.agenda.MyAgenda``), built when first opened."""
from __future__ import annotations

import ipywidgets as w

TITLE = "My agenda"


def add_agenda_tab(app) -> None:
    """Add the tab to ``app.tabs``; ``app.agenda`` is the widget once opened and
    ``app.show_agenda()`` opens it (the gesture as a method)."""
    from ..widgets.agenda import MyAgenda
    app.agenda = None
    box = w.VBox([])
    titles = tuple(app.tabs.titles)
    app.tabs.children = (*app.tabs.children, box)
    app.tabs.titles = (*titles, TITLE)
    index = len(app.tabs.children) - 1

    def opened(change):
        if change["new"] == index and app.agenda is None:
            app.agenda = MyAgenda(app.tk)
            box.children = [app.agenda.widget]

    def show():
        app.tabs.selected_index = index
        return app.agenda

    app.tabs.observe(opened, "selected_index")
    app.show_agenda = show
