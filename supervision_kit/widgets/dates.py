"""``DateInput``: the one date field, day/month/year whatever the browser's locale (issue 14).

Built on the GOV.UK Design System "date input" pattern: a fieldset whose legend names the
date and three labelled text boxes, Day, Month and Year, with a numeric keyboard on phones.
Three boxes rather than one with a hint because the order can never be misread (a native
``<input type=date>`` shows 12/02/2026 in a US-English browser) and nothing has to be parsed
from a free format. An inline anywidget (its script works offline under Voilà, like
``table.DataTable``). What was typed reaches Python when the focus leaves the three boxes (or
on Enter); a date that does not exist shows a message beside the boxes, keeps what was typed,
and ``value`` becomes None until a real date is typed: a Book or Save pressed meanwhile is
refused for want of a date, never done on an earlier date the person has typed over.
"""
from __future__ import annotations

import datetime as dt

import anywidget
from traitlets import Bool, Instance, Unicode, observe, validate

from .table import EL_JS

_ESM = EL_JS + r"""
function render({ model, el: root }) {
  root.classList.add("sk-date");
  const uid = "skd" + Math.random().toString(36).slice(2, 9);
  const set = el("fieldset", { class: "sk-date-set", "aria-describedby": uid + "-h " + uid + "-e" });
  const legend = el("legend");
  const hint = el("p", { id: uid + "-h", class: "sk-date-hint" });
  const error = el("p", { id: uid + "-e", class: "sk-date-error", "aria-live": "polite" });
  const row = el("div", { class: "sk-date-row" });
  const boxes = {};
  for (const [key, label, size] of [["day", "Day", 2], ["month", "Month", 2], ["year", "Year", 4]]) {
    const item = el("div", { class: "sk-date-item" });
    const lab = el("label", { for: uid + "-" + key }, label);
    const box = el("input", { id: uid + "-" + key, class: "sk-date-" + key, type: "text",
                              inputmode: "numeric", autocomplete: "off", maxlength: String(size + 2) });
    boxes[key] = box;
    item.append(lab, box);
    row.append(item);
  }
  set.append(legend, hint, row, error);
  root.append(set);
  function send() {
    const typed = { day: boxes.day.value, month: boxes.month.value, year: boxes.year.value };
    if (typed.day === model.get("day") && typed.month === model.get("month")
        && typed.year === model.get("year")) return;
    model.send({ event: "typed", ...typed });
  }
  // the date is read when the focus leaves the three boxes, so typing the day alone is no error
  set.addEventListener("focusout", (e) => { if (!set.contains(e.relatedTarget)) send(); });
  set.addEventListener("keydown", (e) => { if (e.key === "Enter") send(); });
  function draw() {
    legend.textContent = model.get("description") || "Date";
    hint.textContent = model.get("hint");
    hint.hidden = !model.get("hint");
    const err = model.get("error");
    error.textContent = err;
    error.hidden = !err;
    for (const key of ["day", "month", "year"]) {
      const box = boxes[key];
      if (document.activeElement !== box) box.value = model.get(key);
      box.disabled = model.get("disabled");
      if (err) box.setAttribute("aria-invalid", "true"); else box.removeAttribute("aria-invalid");
    }
  }
  model.on("change", draw);
  draw();
}
export default { render };
"""

_CSS = r"""
.sk-date { margin: 2px 0 6px; font-size: 14px; }
.sk-date fieldset.sk-date-set { border: 0; margin: 0; padding: 0; min-width: 0; }
.sk-date legend { font-weight: bold; padding: 0; margin-bottom: 2px; color: #1a1a1a; }
.sk-date-hint { color: #505a5f; margin: 0 0 2px; }
.sk-date-row { display: flex; gap: 12px; align-items: flex-end; }
.sk-date-item { display: flex; flex-direction: column; }
.sk-date-item label { color: #1a1a1a; }
.sk-date-item input { padding: 3px 6px; border: 1px solid #6b6b6b; border-radius: 3px; font-size: 14px; }
.sk-date-item input.sk-date-day, .sk-date-item input.sk-date-month { width: 2.8em; }
.sk-date-item input.sk-date-year { width: 4.2em; }
.sk-date-item input[aria-invalid] { border: 2px solid #b00020; }
.sk-date-item input:focus-visible { outline: 3px solid #ffbf47; outline-offset: 0; }
.sk-date-error { color: #b00020; font-weight: bold; margin: 4px 0 0; }
"""


def parse_day_month_year(day: str, month: str, year: str, name: str = "The date") -> dt.date | None:
    """The date typed as day, month and year (None when all three are blank); a ValueError
    whose text says what is wrong, in words a person can act on."""
    parts = {"day": day.strip(), "month": month.strip(), "year": year.strip()}
    if not any(parts.values()):
        return None
    missing = [k for k, v in parts.items() if not v]
    if missing:
        raise ValueError(f"{name} must include a {' and a '.join(missing)}")
    if not all(v.isdigit() for v in parts.values()):
        raise ValueError(f"{name} must be a real date, in numbers, for example 2 12 2026")
    if len(parts["year"]) != 4:
        raise ValueError("The year must include 4 numbers, for example 2026")
    d, m, y = (int(parts[k]) for k in ("day", "month", "year"))
    try:
        return dt.date(y, m, d)
    except ValueError:
        raise ValueError(f"{name} must be a real date: {d}/{m}/{y} does not exist") from None


class DateInput(anywidget.AnyWidget):
    """A date typed as day, month and year; ``value`` is a ``datetime.date`` or None.

    Set ``value`` from Python as with ipywidgets' ``DatePicker`` and ``observe`` it; a person
    types into the boxes (``enter(day, month, year)`` is that gesture). ``set_error`` shows a
    message beside the boxes, as ``widgets.common.Field`` does."""

    _esm = _ESM
    _css = _CSS
    value = Instance(dt.date, allow_none=True)
    description = Unicode("").tag(sync=True)
    hint = Unicode("", help="A line under the legend, e.g. what the date is for").tag(sync=True)
    disabled = Bool(False).tag(sync=True)
    day = Unicode("").tag(sync=True)
    month = Unicode("").tag(sync=True)
    year = Unicode("").tag(sync=True)
    error = Unicode("").tag(sync=True)

    def __init__(self, value: dt.date | None = None, description: str = "", **kw):
        kw.pop("style", None)   # DatePicker's description width: the legend needs none
        super().__init__(description=description, **kw)
        self.value = value
        self._show(value)
        self.on_msg(self._on_msg)

    @validate("value")
    def _valid_value(self, proposal):
        v = proposal["value"]
        # a datetime is a date too; keep only the day, as a date field means
        return v.date() if isinstance(v, dt.datetime) else v

    @observe("value")
    def _value_changed(self, change):
        self._show(change["new"])

    def _show(self, d: dt.date | None) -> None:
        with self.hold_sync():
            self.day, self.month, self.year = ((str(d.day), str(d.month), str(d.year))
                                               if d else ("", "", ""))
            self.error = ""

    def _on_msg(self, _widget, content, _buffers) -> None:
        if content.get("event") == "typed":
            self.enter(str(content.get("day", "")), str(content.get("month", "")),
                       str(content.get("year", "")))

    def enter(self, day: str, month: str, year: str) -> None:
        """What a person typed: a real date becomes ``value``; otherwise the message shows
        beside the boxes, what was typed stays and ``value`` is None (nothing acts on a date
        the person has typed over)."""
        try:
            d = parse_day_month_year(day, month, year)
        except ValueError as e:
            with self.hold_sync():
                self.value = None  # clears the boxes: what was typed is put back below
                self.day, self.month, self.year = day, month, year
                self.error = str(e)
            return
        if d == self.value:
            self._show(d)
        else:
            self.value = d

    def set_error(self, text: str) -> None:
        """Show (or clear, with "") a message beside the boxes."""
        self.error = text
