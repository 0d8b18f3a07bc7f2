"""Buttons beside a case: its extract for the child's record, as text or PDF."""
from __future__ import annotations

import base64

import ipywidgets as w
from traitlets import HasTraits, Unicode, observe

from ..errors import SupervisionError
from .common import Displayable, esc, show_refusal


class CaseExtractPanel(HasTraits, Displayable):
    """Make a case extract (decisions, rationale, RAG, actions; nothing personal)."""

    status = Unicode("", help="The last problem or result, as text")
    text = Unicode("", help="The last text extract made")

    def __init__(self, tk, case_id: str):
        super().__init__()
        self.tk, self.case_id = tk, case_id
        self.pdf: bytes = b""
        self.text_button = w.Button(description="Case extract (text)", icon="file-text-o")
        self.pdf_button = w.Button(description="Case extract (PDF)", icon="file-pdf-o")
        self.text_button.on_click(lambda _: self.make_text())
        self.pdf_button.on_click(lambda _: self.make_pdf())
        self.output = w.HTML(value="")
        self._status = w.Label(value="")
        self.widget = w.VBox([w.HBox([self.text_button, self.pdf_button]), self._status,
                              self.output])

    @observe("status")
    def _status_changed(self, change):
        self._status.value = change["new"]

    def make_text(self) -> str:
        """The text extract, shown as text below the buttons (the export is logged)."""
        try:
            self.text = self.tk.case_extract(self.case_id, "text")
        except SupervisionError as e:
            show_refusal(self, e)
            return ""
        self.output.value = f"<pre style='white-space:pre-wrap'>{esc(self.text)}</pre>"
        self.status = "Case extract made: copy it to the child's record"
        return self.text

    def make_pdf(self) -> bytes:
        """The PDF extract, offered as a download link (the export is logged)."""
        try:
            self.pdf = self.tk.case_extract(self.case_id, "pdf")
        except SupervisionError as e:
            show_refusal(self, e)
            return b""
        data = base64.b64encode(self.pdf).decode("ascii")
        self.output.value = (f"<a download='case-extract-{esc(self.case_id)}.pdf' "
                             f"href='data:application/pdf;base64,{data}'>Download the case "
                             f"extract (PDF)</a>")
        self.status = "Case extract PDF made"
        return self.pdf
