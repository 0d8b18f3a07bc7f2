"""Small helpers shared by the widgets: escaped HTML, error messages, field factories."""
from __future__ import annotations

import datetime as dt
import functools
import html
from collections.abc import Iterator

import ipywidgets as w

from ..errors import (AccessDenied, NotFound, RecordLocked, StaleRecord, SupervisionError,
                      ValidationError)

WIDE = {"width": "98%"}
ERROR_STYLE = {"text_color": "#b00020"}


def esc(value) -> str:
    """Text as HTML-safe text (typed text is never markup); bidirectional and invisible
    characters shown as ``<U+202E>`` so text reads as what it says (issue 19)."""
    from ..domain.identifiers import visible
    return html.escape(visible("" if value is None else str(value)), quote=True)


def message(exc: BaseException) -> str:
    """A readable one-line message for a facade error."""
    if isinstance(exc, ValidationError):
        return exc.message
    if isinstance(exc, StaleRecord):
        return f"Not saved: {exc}"
    if isinstance(exc, RecordLocked):
        return f"Locked: {exc}"
    if isinstance(exc, AccessDenied):
        return f"Not allowed: {exc}"
    if isinstance(exc, NotFound):
        return f"Not found: {exc}"
    if isinstance(exc, SupervisionError):
        return str(exc)
    return f"Unexpected problem: {exc}"


def now_text() -> str:
    """The time now, for "saved at" messages."""
    return dt.datetime.now().strftime("%H:%M:%S")


class SharedLayout(w.Layout):
    """A layout many widgets share, which refuses to be changed: changing it
    (``x.layout.display = "none"``) would change every widget sharing it, so a widget
    that is shown and hidden needs a layout of its own."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._sealed = True

    def __setattr__(self, name, value):
        if getattr(self, "_sealed", False) and name in self.keys and not name.startswith("_"):
            raise AttributeError(f"a shared layout cannot be changed ({name}): give the widget "
                                 f"a layout of its own")
        super().__setattr__(name, value)


@functools.cache
def shared_look(name: str):
    """One layout or style model ("plain", "wide", "auto" (its own width, even in a
    column), "html", "text", "button")
    shared by every widget whose look never changes: each widget otherwise brings two
    models of its own for the browser to create, and a session record is hundreds of
    widgets [issue 15]. The layouts refuse to be changed (see ``SharedLayout``)."""
    from ipywidgets.widgets.widget_string import HTMLStyle, TextStyle
    makers = {"plain": SharedLayout, "wide": lambda: SharedLayout(**WIDE),
              "auto": lambda: SharedLayout(width="auto", align_self="flex-start"), "html": HTMLStyle,
              "text": TextStyle, "button": w.ButtonStyle}
    return makers[name]()


def html_text(value: str) -> w.HTML:
    """An HTML line that is only ever given new text (its look is shared)."""
    return w.HTML(value=value, layout=shared_look("plain"), style=shared_look("html"))


def textarea(label: str, value: str = "", rows: int = 3, placeholder: str = "") -> w.Textarea:
    """A full-width text box that reports its value when the user leaves it (cheap saves);
    its layout and style are shared (see ``shared_look``)."""
    return w.Textarea(value=value or "", description="", placeholder=placeholder or label,
                      rows=rows, continuous_update=False, layout=shared_look("wide"),
                      style=shared_look("text"))


def error_label() -> w.Label:
    """A red line beside a field for its validation message (a Label shows text, never markup)."""
    return w.Label(value="", style=ERROR_STYLE)


def walk(widget) -> Iterator[w.Widget]:
    """The widget and every widget inside it."""
    stack = [widget]
    while stack:
        x = stack.pop()
        if not isinstance(x, w.Widget):
            continue
        yield x
        stack.extend(reversed(list(getattr(x, "children", ()) or ())))


def html_values(widget) -> list[str]:
    """Every ``HTML`` value inside ``widget`` (what the browser would render as markup)."""
    return [x.value for x in walk(widget) if isinstance(x, (w.HTML, w.HTMLMath))]


def show_refusal(owner, e: SupervisionError, refused: str = "", *, beside=None) -> None:
    """The one translation of a facade error at a widget's edge.

    Every refusal goes into ``owner.status`` as "<refused>: why" (just "why" without
    ``refused``). A ``ValidationError`` also goes ``beside`` its control: a field
    (``set_error``), a mapping of field names to fields (``e.field`` picks one), or a
    function called with the field's last name part and the message. What was typed stays
    where it is."""
    if isinstance(e, ValidationError) and beside is not None:
        if hasattr(beside, "set_error"):
            beside.set_error(e.message)
        elif isinstance(beside, dict):
            if e.field in beside:
                beside[e.field].set_error(e.message)
        else:
            beside(e.field.rsplit(".", 1)[-1], e.message)
    text = message(e)
    owner.status = f"{refused}: {text}" if refused else text


def attempt(owner, field, refused: str, call):
    """``call()``'s result, or None with the refusal shown (``show_refusal``)."""
    try:
        return call()
    except SupervisionError as e:
        show_refusal(owner, e, refused, beside=field)
    return None


def reply_in(owner, field, refused: str, call, said):
    """``attempt`` what was typed in ``field``; once accepted ``owner.status`` is
    ``said(result)``, the typed text is cleared and ``owner`` refreshed."""
    result = attempt(owner, field, refused, call)
    if result is None:
        return None
    owner.status = said(result)
    field.input.value = ""
    owner.refresh()
    return result


def status_label(owner) -> w.Label:
    """A line of text that always shows ``owner.status`` (a Label: text, never markup)."""
    label = w.Label(value="")
    w.dlink((owner, "status"), (label, "value"))
    return label


def status_html(text: str) -> str:
    """``owner.status`` as a line of HTML: red for a refusal ("Not ..."), grey otherwise."""
    colour = "#b00020" if text.startswith("Not") else "#555"
    return f"<div style='color:{colour}'>{esc(text)}</div>" if text else ""


class Beside:
    """One status line that shows beside the button last clicked (issue 14: the answer to a
    gesture appears next to the control that caused it, not at the foot of the panel).

    ``row(*controls)`` lays the controls out in a row; a click on a Button among them moves
    ``line`` to the end of that row. The line starts in ``home`` (a box placed by the
    caller), or else in the first row made; ``go_home()`` puts it back."""

    def __init__(self, line: w.Widget, home: w.Box | None = None):
        self.line, self.home = line, home
        self.rows: list[w.Box] = []
        self.keyed: dict[str, w.Box] = {}
        if home is not None:
            home.children = (line,)

    def row(self, *controls: w.Widget, key: str = "") -> w.HBox:
        """The controls in a row whose buttons' answers show at its end (``key``: see
        ``adopt``)."""
        return self.adopt(w.HBox(list(controls),
                                 layout={"flex_flow": "row wrap", "align_items": "center"}), key)

    def adopt(self, box: w.Box, key: str = "") -> w.Box:
        """``box`` (a row made elsewhere): its buttons' answers show at its end. A row
        redrawn under the same ``key`` takes over the answer shown by the one it replaces."""
        old = self.keyed.get(key) if key else None
        if (not self.rows and self.home is None) or (
                old is not None and any(x is self.line for x in old.children)):
            self.move_to(box)
        if key:
            self.keyed[key] = box
        self.rows.append(box)
        for c in box.children:
            if isinstance(c, w.Button):
                # the click may redraw the row (signing does): its answer goes to the new one
                c.on_click(lambda _b, box=box: self.move_to(self.keyed.get(key, box) if key
                                                            else box))
        return box

    def go_home(self) -> None:
        """Show the line in its home again (an answer to typing, not to a button)."""
        if self.home is not None:
            self.move_to(self.home)

    def move_to(self, box: w.Box) -> None:
        """Show the line at the end of ``box`` (and nowhere else)."""
        for r in (self.home, *self.rows) if self.home is not None else self.rows:
            if r is not box and any(x is self.line for x in r.children):
                r.children = tuple(x for x in r.children if x is not self.line)
        if not any(x is self.line for x in box.children):
            box.children = (*box.children, self.line)


def nav_buttons(owner, save: str = "Save") -> tuple[w.Button, w.Button, w.Button]:
    """Back, Save and Next buttons wired to ``owner.back``, ``save`` and ``next``."""
    back = w.Button(description="Back", icon="arrow-left")
    keep = w.Button(description=save)
    onward = w.Button(description="Next", icon="arrow-right")
    back.on_click(lambda _: owner.back())
    keep.on_click(lambda _: owner.save())
    onward.on_click(lambda _: owner.next())
    return back, keep, onward


class Displayable:
    """Displays as its ``widget`` in Jupyter and Voilà."""

    widget: w.Widget

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    def _ipython_display_(self):
        from IPython.display import display
        display(self.widget)


class Field:
    """An input with an optional heading and an error line created only when needed.
    Its box shares one layout, unless ``hideable`` (a box that is shown and hidden)."""

    def __init__(self, title: str | None, input_widget: w.Widget, help_text: str = "",
                 hideable: bool = False):
        self.input = input_widget
        kids = [] if title is None else [html_text(
            f"<b>{esc(title)}</b>" + (f" <small>{esc(help_text)}</small>" if help_text else ""))]
        self.box = w.VBox([*kids, input_widget],
                          **({} if hideable else {"layout": shared_look("plain")}))
        self.error: w.Label | None = None

    def set_error(self, text: str) -> None:
        """Show (or clear, with "") the message beside the input."""
        if self.error is None:
            if not text:
                return
            self.error = error_label()
            self.box.children = (*self.box.children, self.error)
        self.error.value = text


def message_box(text: str, kind: str = "warning") -> w.HTML:
    """A coloured box with one plain-text message (never markup)."""
    colours = {"warning": ("#fff4d6", "#8a5a00"), "error": ("#fde2e2", "#b00020"),
               "info": ("#e8f0fe", "#1a3d7c")}
    bg, fg = colours.get(kind, colours["info"])
    return w.HTML(value=f"<div class='app-message' style='background:{bg};color:{fg};"
                        f"padding:8px 12px;border-radius:4px;margin:6px 0'>{esc(text)}</div>")
