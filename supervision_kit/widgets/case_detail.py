"""``CaseDetail``: the case opened below the caseload's tables: a heading, its RAG timeline,
and, when asked for, its extract for the child's record and its professional differences.

Made with the caseload and reused for every case opened: a row click sends the page the
new values of the same widgets, not a new set of them; the extract and differences panels are made
only when their section is opened [issue 15].
"""
from __future__ import annotations

import ipywidgets as w
from traitlets import HasTraits, Unicode

from ..errors import SupervisionError
from .common import esc, show_refusal
from .timeline import RAGTimeline

EXTRACT = "Case extract for the child's record"
DIFFERENCES = "Professional differences with other agencies"
EXTRACT_ROLES = ("supervisor", "manager", "admin")


class CaseDetail(HasTraits):
    """One case's heading, RAG timeline and (opened on request) extract and differences."""

    status = Unicode("", help="The last problem, as text")

    def __init__(self, tk):
        super().__init__()
        self.tk = tk
        self.case_id = ""
        # made now (ahead of the first row clicked, in a preheated kernel before the page
        # is asked for): every case opened then only changes their values
        self.timeline = RAGTimeline(tk, "")
        self.extract = None      # CaseExtractPanel, once its section is opened
        self.differences = None  # DifferencesPanel, once its section is opened
        self.heading = w.HTML(value="")
        self.sections = ([EXTRACT] if tk.role in EXTRACT_ROLES else []) + [DIFFERENCES]
        self.more = w.Accordion(children=[w.VBox([]) for _ in self.sections],
                                titles=self.sections, selected_index=None)
        self.more.observe(lambda c: self._fill(c["new"]), "selected_index")

    @property
    def parts(self) -> tuple:
        """The widgets the page shows for the case, in order (empty before one is shown)."""
        if self.timeline.data is None:
            return ()
        return (self.heading, self.timeline.widget, self.more)

    def show(self, case_id: str, as_of=None, *, drift=None, window=None) -> RAGTimeline | None:
        """Show ``case_id`` in the same widgets; None (and ``status`` says why) if it
        cannot be shown."""
        self.status = ""
        try:
            self.timeline.show(case_id, as_of, drift=drift, window=window)
        except SupervisionError as e:
            show_refusal(self, e)
            return None
        if self.timeline.data is None:
            self.status = self.timeline.status
            return None
        case = self.timeline.data.case
        self.case_id = case.id
        self.heading.value = f"<h2>RAG timeline: {esc(case.reference)}</h2>"
        self.extract = self.differences = None
        for i in range(len(self.sections)):
            if i != self.more.selected_index:
                self.more.children[i].children = []
        self._fill(self.more.selected_index)  # an open section follows the case
        return self.timeline

    def open_section(self, title: str):
        """Open the section ``title`` (as a click on it does); its panel, or None."""
        self.more.selected_index = self.sections.index(title)
        return self.extract if title == EXTRACT else self.differences

    def _fill(self, index: int | None) -> None:
        if index is None or not self.case_id:
            return
        title = self.sections[index]
        if title == EXTRACT and self.extract is None:
            from .case_extract import CaseExtractPanel
            self.extract = CaseExtractPanel(self.tk, self.case_id)
            self.more.children[index].children = [self.extract.widget]
        elif title == DIFFERENCES and self.differences is None:
            from .professional_differences import DifferencesPanel  # HSCB professional differences
            self.differences = DifferencesPanel(self.tk, self.case_id)
            self.more.children[index].children = [self.differences.widget]
