"""``MyRecords``: the supervisee's own side of supervision records [PG41 5; Havering 9, 10, 13.1].

After signing in, a practitioner sees the records awaiting their signature, reads the
whole record (laid out as the paper record, read only), records a comment or a
disagreement, signs as themselves, reads all their earlier records, and downloads their
own PDF copy. Every call goes through the facade as the signed-in person.
"""
from __future__ import annotations

import base64

import ipywidgets as w
import pandas as pd

from ..domain.enums import SessionState
from ..errors import SupervisionError
from .common import Displayable, esc, message
from .signature_form import SignatureForm, signers_html
from .table import DataTable

COLUMNS = (("date", "Date"), ("type", "Type"), ("with", "With"), ("state", "State"))

# The paper-record HTML carries classes styled for print; on screen a few rules suffice.
STYLE = ("<style>.my-record table{border-collapse:collapse;width:100%;margin:4px 0}"
         ".my-record th,.my-record td{border:1px solid #ccc;padding:3px 6px;text-align:left;"
         "vertical-align:top}.my-record .sk-text{white-space:pre-wrap}"
         ".my-record .sk-muted{color:#777}</style>")


def british(d) -> str:
    """2 Dec 2026."""
    try:
        return f"{d.day} {d:%b %Y}"
    except (AttributeError, ValueError):
        return str(d or "")


def awaiting_line(tk) -> str:
    """One line for a landing page: how many records await the acting user's signature."""
    try:
        n = sum(1 for r in tk.my_records() if r["awaiting_me"])
    except SupervisionError:
        return ""
    if not n:
        return "No supervision records await your signature."
    return f"{n} supervision record{'s' if n != 1 else ''} await{'' if n != 1 else 's'} your signature."


class MyRecords(Displayable):
    """Records awaiting my signature, my earlier records, one record open to read and sign."""

    def __init__(self, tk):
        self.tk = tk
        self.records: list[dict] = []
        self.current: dict | None = None
        self.form: SignatureForm | None = None
        self.pdf: bytes | None = None
        auto = {"description_width": "auto"}
        self.summary = w.HTML(value="")
        # Two tables: click a record's row (or Enter on it) to read it (and sign it).
        self.awaiting = DataTable(COLUMNS, caption="Awaiting your signature", sort_by="date",
                                  ascending=False, page_size=10,
                                  empty_text="No records await your signature.")
        self.earlier = DataTable(COLUMNS, caption="Your earlier records", sort_by="date",
                                 ascending=False, page_size=10, empty_text="No earlier records.")
        for t in (self.awaiting, self.earlier):
            t.observe(lambda c: c["new"] and self.open(c["new"]), "selected")
        self.status = w.HTML(value="")
        self.signers = w.HTML(value="")
        self.record = w.HTML(value="")
        self.sign_area = w.VBox([])
        self.pdf_button = w.Button(description="Prepare my PDF copy", icon="file-pdf-o",
                                   layout={"width": "auto"})
        self.pdf_button.on_click(lambda _: self.prepare_pdf())
        self.pdf_link = w.HTML(value="")
        self.pdf_box = w.HBox([self.pdf_button, self.pdf_link], layout={"display": "none"})
        self.reader = w.VBox([self.signers, self.sign_area, self.pdf_box, self.record])
        intro = w.HTML(value="<small>Your own supervision records: read each one, add a comment "
                             "or say you disagree, and sign it yourself. Signed records are read "
                             "only; download your own copy as a PDF.</small>")
        self.widget = w.VBox([intro, self.summary, self.awaiting, self.earlier, self.status,
                              self.reader], layout={"width": "100%"})
        self.refresh()

    # -- the lists ------------------------------------------------------------------------
    def _label(self, r: dict) -> str:
        sup = r["names"].get(r["supervisor_id"], r["supervisor_id"])
        return f"{british(r['date'])} · {r['type']} · with {sup} · {r['state']}"

    def refresh(self) -> None:
        """Reload my records and who has signed them."""
        try:
            self.records = self.tk.my_records()
        except SupervisionError as e:
            self._say(message(e), bad=True)
            self.records = []
        todo = [r for r in self.records if r["awaiting_me"]]
        drafts = [r for r in self.records if r["state"] == SessionState.DRAFT.value]
        rest = [r for r in self.records if not r["awaiting_me"] and r not in drafts]
        n = len(todo)
        line = (f"<b>{n} record{'s' if n != 1 else ''} await{'' if n != 1 else 's'} your "
                f"signature.</b>" if n else "<b>No records await your signature.</b>")
        if drafts:
            line += (f" <small>{len(drafts)} still being written by your supervisor: you can "
                     f"read and sign it once they have signed.</small>")
        self.summary.value = f"<p class='awaiting-count'>{line}</p>"
        for table, rows in ((self.awaiting, todo), (self.earlier, rest)):
            table.set_rows(pd.DataFrame(
                [{"id": r["id"], "date": r["date"], "type": r["type"], "state": r["state"],
                  "with": r["names"].get(r["supervisor_id"], r["supervisor_id"])} for r in rows],
                columns=["id", *(k for k, _ in COLUMNS)]), key="id")

    @property
    def awaiting_ids(self) -> list[str]:
        """Ids of the records awaiting my signature, newest first."""
        return [r["id"] for r in self.records if r["awaiting_me"]]

    @property
    def earlier_ids(self) -> list[str]:
        """Ids of my other records (signed by me, or signed by everyone), newest first."""
        return [r["id"] for r in self.records
                if not r["awaiting_me"] and r["state"] != SessionState.DRAFT.value]

    def _say(self, text: str, bad: bool = False) -> None:
        colour = "#b00020" if bad else "#555"
        self.status.value = f"<div style='color:{colour}'>{esc(text)}</div>" if text else ""

    # -- one record -----------------------------------------------------------------------
    def open(self, session_id: str) -> bool:
        """Show one of my records, whole and read only, with signing if it awaits me."""
        r = next((x for x in self.records if x["id"] == session_id), None)
        if r is None or r["state"] == SessionState.DRAFT.value:
            self._say(f"Not found: {session_id} is not a record of yours to read", bad=True)
            return False
        try:
            html = f"<div class='my-record'>{STYLE}{self.tk.session_html(session_id)}</div>"
        except SupervisionError as e:
            self._say(message(e), bad=True)
            return False
        self._say("")
        self.current, self.pdf, self.pdf_link.value = r, None, ""
        self.record.value = html
        parties = [(p, r["names"].get(p, p)) for p in (r["supervisor_id"], *r["supervisee_ids"])]
        self.signers.value = signers_html(parties, r["signed"])
        self.form = None
        if r["awaiting_me"]:
            self.form = SignatureForm(self.tk.me.name, self._sign)
            self.sign_area.children = [w.HTML(value="<b>Read the whole record below, then sign "
                                                    "it as yourself.</b>"), self.form.widget]
        else:
            self.sign_area.children = []
        self.pdf_box.layout.display = None
        return True

    def _sign(self, comment: str, disagrees: bool) -> bool:
        sid = self.current["id"] if self.current else None
        if sid is None:
            return False
        try:
            self.tk.sign(sid, comment=comment, disagrees=disagrees)
        except SupervisionError as e:
            self.form.set_error(message(e))
            self._say(f"Not signed: {message(e)}", bad=True)
            return False
        self.refresh()
        self.open(sid)
        self._say("Signed as " + self.tk.me.name + (": your disagreement is recorded with your "
                  "signature" if disagrees else "") + ".")
        return True

    def sign(self, comment: str = "", disagrees: bool = False) -> bool:
        """Sign the open record as myself (the form's button, as a method)."""
        if self.form is None:
            self._say("Not signed: open a record that awaits your signature first", bad=True)
            return False
        self.form.comment.value, self.form.disagree.value = comment, disagrees
        return self.form.sign()

    def prepare_pdf(self) -> bytes | None:
        """My own copy of the open record as a PDF, offered as a browser download."""
        if self.current is None:
            return None
        sid = self.current["id"]
        self.pdf_button.disabled = True
        self.pdf_link.value = "<i>Preparing the PDF…</i>"
        try:
            self.pdf = self.tk.session_pdf(sid)
        except Exception as e:  # the renderer (Chromium) failing is not the user's fault
            self.pdf_link.value = f"<span style='color:#b00020'>{esc(message(e))}</span>"
            return None
        finally:
            self.pdf_button.disabled = False
        name = f"supervision-{sid}.pdf"
        data = base64.b64encode(self.pdf).decode("ascii")
        self.pdf_link.value = (f"<a class='pdf-download jupyter-button mod-primary' "
                               f"style='padding:4px 10px;text-decoration:none' "
                               f"download='{esc(name)}' href='data:application/pdf;base64,{data}'>"
                               f"Download my copy ({esc(name)})</a>")
        return self.pdf
