"""Tabs whose content is worked out when first shown, not when the page opens [issue 15].

The QA app's page shows one tab; the others are refreshed when the person opens them
(or when code asks for them by key, so every tab stays a Python object to drive).
"""
from __future__ import annotations

import ipywidgets as w

from ..errors import SupervisionError
from ..widgets.common import esc, message


class OnDemand(dict):
    """A dict of tabs by key whose item is brought up to date (``ensure(key)``) when
    first read after a refresh."""

    def __init__(self, items: dict, ensure):
        super().__init__(items)
        self._ensure = ensure

    def __getitem__(self, key):
        self._ensure(key)
        return super().__getitem__(key)


def lazy_tabs(app, tabs: dict, load) -> OnDemand:
    """Refresh each of ``tabs`` (key → tab whose widget is a child of ``app.tabs``) by
    ``load(key)`` only when its tab is shown or it is read by key; ``app.refresh_button``
    marks them all stale and refreshes the one on screen."""
    stale = set(tabs)

    def ensure(key) -> None:
        if key in stale:
            stale.discard(key)
            load(key)

    def shown(index) -> None:
        children = list(app.tabs.children)
        for key, tab in tabs.items():
            if index is not None and index < len(children) and children[index] is tab.widget:
                ensure(key)

    def refresh(_=None) -> None:
        stale.update(tabs)
        shown(app.tabs.selected_index)

    app.tabs.observe(lambda c: shown(c["new"]), "selected_index")
    app.refresh_button.on_click(refresh)
    return OnDemand(tabs, ensure)


def add_tab_on_first_open(app, title: str, attr: str, build) -> int:
    """Append a tab titled ``title`` to ``app.tabs`` whose content ``build(app.tk)`` makes when
    the tab is first opened; ``app.<attr>`` holds it (None until then). A refusal is shown in
    the tab. Returns the tab's index."""
    setattr(app, attr, None)
    box = w.VBox([])
    titles = tuple(app.tabs.titles)
    app.tabs.children = (*app.tabs.children, box)
    app.tabs.titles = (*titles, title)
    index = len(app.tabs.children) - 1

    def opened(change):
        if change["new"] == index and getattr(app, attr) is None:
            try:
                made = build(app.tk)
                setattr(app, attr, made)
                box.children = [made.widget]
            except SupervisionError as e:
                box.children = [w.HTML(value=f"<i>{esc(message(e))}</i>")]

    app.tabs.observe(opened, "selected_index")
    return index
