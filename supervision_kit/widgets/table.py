"""``DataTable``: the one table widget for every list of rows (caseload, QA, actions, records).

An ``anywidget`` (its script is inline, so it works offline under Voilà) that draws a
semantic ``<table>``: a ``<caption>``, ``<th scope="col">`` header buttons with
``aria-sort``, one focusable button per row (click, Enter or Space selects it), a labelled
text filter and Previous/Next paging. Python keeps every row and does the sorting,
filtering and paging: the browser is sent only the rows on screen (``data``). Every cell is
sent as text and written with ``textContent``, so typed markup shows as typed. Each
gesture is also a method: ``sort``, ``filter``, ``go_to``/``next_page``/``previous_page``,
``select``.
"""
from __future__ import annotations

import dataclasses as dc
import math

import anywidget
import ipywidgets as w
import pandas as pd
from traitlets import Bool, Dict, Int, List, Unicode, observe

from .cells import cell_text, date_text, row_keys  # noqa: F401 - the tables' cell text
from .cells import sort_key as _sort_key
from .common import esc

PAGE_SIZE = 25

# el(tag, attrs, text): an element whose text is text, never markup (shared by the inline
# anywidgets: this table and ``dates.DateInput``)
EL_JS = r"""
function el(tag, attrs, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;   // text, never markup
  return e;
}
"""

_ESM = EL_JS + r"""
function render({ model, el: root }) {
  root.classList.add("sk-table");
  const uid = "skt" + Math.random().toString(36).slice(2, 9);
  const tools = el("div", { class: "sk-table-tools" });
  const flabel = el("label", { for: uid + "-f" }, "Filter");
  const filter = el("input", { id: uid + "-f", type: "search", autocomplete: "off" });
  const count = el("span", { class: "sk-table-count", role: "status", "aria-live": "polite" });
  tools.append(flabel, filter, count);
  const wrap = el("div", { class: "sk-table-wrap" });
  const table = el("table");
  const caption = el("caption");
  const thead = el("thead");
  const tbody = el("tbody");
  table.append(caption, thead, tbody);
  wrap.append(table);
  const pager = el("nav", { class: "sk-table-pager", "aria-label": "Pages" });
  const prev = el("button", { type: "button", class: "sk-prev" }, "Previous page");
  const where = el("span", { class: "sk-table-page" });
  const next = el("button", { type: "button", class: "sk-next" }, "Next page");
  pager.append(prev, where, next);
  const empty = el("p", { class: "sk-table-empty" });
  root.append(tools, wrap, empty, pager);

  let timer = null;
  filter.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => { model.set("filter_text", filter.value); model.save_changes(); }, 250);
  });
  prev.addEventListener("click", () => model.send({ event: "page", delta: -1 }));
  next.addEventListener("click", () => model.send({ event: "page", delta: 1 }));

  function draw() {
    caption.textContent = model.get("caption");
    caption.hidden = !model.get("caption");
    pager.setAttribute("aria-label", "Pages of " + (model.get("caption") || "the table"));
    if (document.activeElement !== filter) filter.value = model.get("filter_text");
    const cols = model.get("columns");
    const sortBy = model.get("sort_by"), asc = model.get("ascending");
    const htr = el("tr");
    for (const c of cols) {
      const th = el("th", { scope: "col" });
      if (c.key === sortBy) th.setAttribute("aria-sort", asc ? "ascending" : "descending");
      const b = el("button", { type: "button", class: "sk-sort", "data-key": c.key }, c.label);
      const mark = el("span", { "aria-hidden": "true" }, c.key === sortBy ? (asc ? " ▲" : " ▼") : "");
      b.append(mark);
      b.addEventListener("click", () => model.send({ event: "sort", key: c.key }));
      th.append(b);
      htr.append(th);
    }
    thead.replaceChildren(htr);
    const sel = model.get("selected");
    const rows = [];
    for (const r of model.get("data")) {
      const tr = el("tr", { "data-key": r.k, class: (r.t || "") + (r.k === sel ? " sk-selected" : "") });
      r.c.forEach((text, i) => {
        if (i === 0) {
          const th = el("th", { scope: "row" });
          const b = el("button", { type: "button", class: "sk-row" }, text);
          if (r.k === sel) b.setAttribute("aria-current", "true");
          th.append(b);
          tr.append(th);
        } else {
          tr.append(el("td", {}, text));
        }
      });
      tr.addEventListener("click", () => model.send({ event: "select", key: r.k }));
      rows.push(tr);
    }
    tbody.replaceChildren(...rows);
    const total = model.get("total"), size = model.get("page_size"), page = model.get("page");
    const pages = Math.max(1, Math.ceil(total / size));
    const first = total ? page * size + 1 : 0, last = Math.min(total, (page + 1) * size);
    count.textContent = total ? `Rows ${first}–${last} of ${total.toLocaleString("en-GB")}` : "";
    where.textContent = `Page ${page + 1} of ${pages}`;
    prev.disabled = page <= 0;
    next.disabled = page >= pages - 1;
    pager.hidden = pages <= 1;
    empty.textContent = total ? "" : model.get("empty_text");
    empty.hidden = !!total;
    wrap.hidden = !total;
  }
  model.on("change", draw);
  draw();
}
export default { render };
"""

_CSS = r"""
.sk-table { font-size: 14px; margin: 4px 0 8px; }
.sk-table-tools { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; margin-bottom: 4px; }
.sk-table-tools input { min-width: 16em; padding: 3px 6px; border: 1px solid #6b6b6b; border-radius: 3px; }
.sk-table-count { color: #333; }
.sk-table-wrap { max-width: 100%; overflow-x: auto; }
.sk-table table { border-collapse: collapse; width: 100%; }
.sk-table caption { text-align: left; font-weight: bold; padding: 4px 0; color: #1a1a1a; }
.sk-table th, .sk-table td { text-align: left; vertical-align: top; padding: 4px 8px;
  border-bottom: 1px solid #d0d0d0; color: #1a1a1a; overflow-wrap: break-word; }  /* whole words: "Supervisee", not "Superv isee" */
.sk-table thead th { background: #eef1f5; }
.sk-table button.sk-sort { all: unset; cursor: pointer; font-weight: bold; }
.sk-table button.sk-row { all: unset; cursor: pointer; font-weight: normal; text-decoration: underline;
  color: #0b4f9c; }
.sk-table button:focus-visible { outline: 3px solid #ffbf47; outline-offset: 1px; }
.sk-table tbody tr { cursor: pointer; }
.sk-table tbody tr:hover { background: #f3f6fb; }
.sk-table tr.late { background: #fde2e2; }
.sk-table tr.drift { background: #fff4d6; }
.sk-table tr.sk-selected { background: #d7e6fb; outline: 2px solid #0b4f9c; }
.sk-table-pager { display: flex; gap: 8px; align-items: center; margin-top: 4px; }
.sk-table-pager button { padding: 3px 10px; border: 1px solid #6b6b6b; border-radius: 3px;
  background: #fff; color: #1a1a1a; cursor: pointer; }
.sk-table-pager button:disabled { color: #595959; cursor: default; }
.sk-table-empty { font-style: italic; color: #333; }
"""


@dc.dataclass(frozen=True)
class Section:
    """One table: its key, caption, columns ``(key, heading)``, first sort ``(column,
    ascending)`` and the column whose value > 0 marks a row late."""
    key: str
    title: str
    columns: tuple[tuple[str, str], ...]
    sort: tuple[str, bool]
    late: str | None = None


class DataTable(anywidget.AnyWidget):
    """A sortable, filterable, paged table of ``rows`` whose row click selects it.

    ``columns`` is ``[(key, heading), ...]``; ``set_rows(frame, key=..., tone=...)`` gives the
    rows (``key`` names the column whose value identifies a row; ``tone`` an optional
    function of a row giving a class: ``"late"`` or ``"drift"``). ``selected`` is the chosen
    row's key ("" when none); ``row()`` is that row of the frame."""

    _esm = _ESM
    _css = _CSS
    caption = Unicode("").tag(sync=True)
    columns = List(Dict(), help="[{key, label}] in order").tag(sync=True)
    data = List(Dict(), help="The page shown: [{k: key, c: [cell text], t: class}]").tag(sync=True)
    sort_by = Unicode("").tag(sync=True)
    ascending = Bool(True).tag(sync=True)
    filter_text = Unicode("").tag(sync=True)
    page = Int(0).tag(sync=True)
    page_size = Int(PAGE_SIZE).tag(sync=True)
    total = Int(0, help="Rows after the filter").tag(sync=True)
    selected = Unicode("").tag(sync=True)
    empty_text = Unicode("Nothing to show.").tag(sync=True)

    def __init__(self, columns, *, caption: str = "", sort_by: str = "", ascending: bool = True,
                 page_size: int = PAGE_SIZE, empty_text: str = "Nothing to show.", **kw):
        super().__init__(caption=caption, page_size=page_size, empty_text=empty_text, **kw)
        self.columns = [{"key": k, "label": h} for k, h in columns]
        self.sort_by, self.ascending = sort_by, ascending
        self.frame = pd.DataFrame(columns=[k for k, _ in columns])
        self.shown = self.frame   # filtered and sorted: what the pages are cut from
        self._keys: list[str] = []
        self._tone = None
        self._quiet = False
        self.on_msg(self._gesture)

    # -- rows --------------------------------------------------------------------------------
    def set_rows(self, frame: pd.DataFrame, key: str | None = None, tone=None) -> None:
        """Show these rows (the selection stays if its row is still there, else clears)."""
        frame = frame.reset_index(drop=True)
        self._keys = ([str(v) for v in frame[key]] if key is not None
                      else [str(i) for i in range(len(frame))])
        self.frame = frame.assign(_key=self._keys)
        self._tone = tone
        if self.selected and self.selected not in set(self._keys):
            self.selected = ""
        self._recompute()

    def set_records(self, records, key: str = "id") -> None:
        """Show one row per dict of ``records`` (the value under ``key`` identifies it)."""
        cols = [key, *(c["key"] for c in self.columns if c["key"] != key)]
        self.set_rows(pd.DataFrame(list(records), columns=cols), key=key)

    def chosen_in(self, items, key=lambda x: x.id):
        """The item of ``items`` whose ``key`` is the selected row's (None when none is)."""
        return next((x for x in items if self.selected and str(key(x)) == self.selected), None)

    @property
    def row_keys(self) -> list[str]:
        """The keys of every row after filtering and sorting, in order."""
        return list(self.shown["_key"]) if "_key" in self.shown else []

    def _recompute(self, keep_page: bool = True) -> None:
        df = self.frame
        text = self.filter_text.strip().lower()
        if text and len(df):
            cols = [c["key"] for c in self.columns if c["key"] in df]
            hay = df[cols].apply(lambda r: " ".join(cell_text(v) for v in r).lower(), axis=1)
            df = df[hay.str.contains(text, regex=False)]
        if self.sort_by in df.columns and len(df):
            df = df.sort_values(self.sort_by, ascending=self.ascending, kind="stable",
                                na_position="last", key=_sort_key)
        self.shown = df
        pages = max(1, math.ceil(len(df) / self.page_size))
        page = min(self.page, pages - 1) if keep_page else 0
        self._quiet = True
        try:
            self.total, self.page = len(df), page
        finally:
            self._quiet = False
        self._send_page()

    def _send_page(self) -> None:
        start = self.page * self.page_size
        part = self.shown.iloc[start:start + self.page_size]
        keys = [c["key"] for c in self.columns]
        rows = []
        for _, r in part.iterrows():
            rows.append({"k": r["_key"], "c": [cell_text(r.get(k)) for k in keys],
                         "t": (self._tone(r) or "") if self._tone else ""})
        self.data = rows

    # -- gestures ----------------------------------------------------------------------------
    def _gesture(self, _widget, content, _buffers) -> None:
        event = content.get("event") if isinstance(content, dict) else None
        if event == "sort":
            self.sort(str(content.get("key", "")))
        elif event == "select":
            self.select(str(content.get("key", "")))
        elif event == "page":
            self.go_to(self.page + int(content.get("delta", 0)))

    def sort(self, column: str, ascending: bool | None = None) -> list[str]:
        """Sort by a column (key or heading); the same column again reverses the order.
        Returns the row keys in their new order."""
        by_label = {c["label"].lower(): c["key"] for c in self.columns}
        key = by_label.get(column.lower(), column)
        if key not in {c["key"] for c in self.columns}:
            raise ValueError(f"no column {column!r} in {self.caption or 'this table'}")
        if ascending is None:
            ascending = not self.ascending if key == self.sort_by else True
        with self.hold_trait_notifications():
            self._quiet = True
            self.sort_by, self.ascending = key, bool(ascending)
            self._quiet = False
        self._recompute(keep_page=False)
        return self.row_keys

    def filter(self, text: str) -> int:
        """Keep the rows whose text contains ``text`` (any column, any case); returns how many."""
        self.filter_text = text
        return self.total

    @observe("filter_text")
    def _filter_changed(self, _change) -> None:
        self.page = 0
        self._recompute(keep_page=False)

    @observe("page")
    def _page_changed(self, _change) -> None:
        if not self._quiet:
            self._send_page()

    def go_to(self, page: int) -> int:
        """Show page ``page`` (0-based, kept within the pages there are); returns it."""
        pages = max(1, math.ceil(self.total / self.page_size))
        self.page = max(0, min(int(page), pages - 1))
        return self.page

    def next_page(self) -> int:
        """The next page."""
        return self.go_to(self.page + 1)

    def previous_page(self) -> int:
        """The previous page."""
        return self.go_to(self.page - 1)

    def select(self, key: str) -> pd.Series | None:
        """Select the row whose key is ``key`` ("" clears); returns that row."""
        key = str(key or "")
        if key and key not in set(self._keys):
            raise ValueError(f"no row {key!r} in {self.caption or 'this table'}")
        self.selected = ""  # so choosing the same row again notifies again
        self.selected = key
        self._send_page()  # the row's look follows the selection
        return self.row()

    def row(self, key: str | None = None) -> pd.Series | None:
        """The row (of the full frame) with this key, default the selected one."""
        key = self.selected if key is None else key
        if not key:
            return None
        hit = self.frame[self.frame["_key"] == key]
        return None if hit.empty else hit.iloc[0]

    def all_text(self) -> list[list[str]]:
        """The cells of every row after filtering and sorting, as text (tests, notebooks)."""
        keys = [c["key"] for c in self.columns]
        return [[cell_text(r.get(k)) for k in keys] for _, r in self.shown.iterrows()]

    def page_text(self) -> list[list[str]]:
        """The cells of the page shown, as the browser shows them (tests, notebooks)."""
        return [r["c"] for r in self.data]


def section_table(sec: Section, df: pd.DataFrame | None = None, **kw) -> DataTable:
    """A ``DataTable`` for a ``Section`` (caption, columns, first sort, late rows marked)."""
    t = DataTable(sec.columns, caption=sec.title, sort_by=sec.sort[0], ascending=sec.sort[1],
                  empty_text=f"Nothing in “{sec.title}”.", **kw)
    if df is not None:
        show_rows(t, sec, df)
    return t


def show_rows(t: DataTable, sec: Section, df: pd.DataFrame, tone=None) -> None:
    """Give a section's table its rows, keyed by their text, late rows marked."""
    df = df.reset_index(drop=True)
    late = sec.late

    def marked(r):
        if tone is not None:
            return tone(r)
        v = r.get(late) if late else None
        return "late" if isinstance(v, (int, float)) and not pd.isna(v) and v > 0 else ""
    t.set_rows(df.assign(_rowkey=row_keys(df, [c for c, _ in sec.columns])), key="_rowkey",
               tone=marked)


def table_texts(widget) -> list[str]:
    """The caption and every row (cells joined by tabs) of each ``DataTable`` in ``widget``:
    the text the tables show, across all their pages."""
    from .common import walk
    out: list[str] = []
    for t in walk(widget):
        if isinstance(t, DataTable):
            out.append(t.caption)
            out.extend("\t".join(r) for r in t.all_text())
    return out


def with_detail(table: DataTable) -> w.VBox:
    """The table and, below it, the clicked row's every column as text (or nothing)."""
    detail = w.HTML(value="")

    def chosen(change):
        r = table.row(change["new"]) if change["new"] else None
        if r is None:
            detail.value = ""
            return
        items = "".join(f"<dt>{esc(c['label'])}</dt><dd>{esc(cell_text(r.get(c['key'])))}</dd>"
                        for c in table.columns)
        detail.value = f"<dl class='sk-row-detail'>{items}</dl>"
    table.observe(chosen, "selected")
    box = w.VBox([table, detail])
    box.detail = detail
    return box
