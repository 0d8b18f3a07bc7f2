"""``DifferencesPanel``: a case's professional differences with other agencies, recorded
with the agency, the stage reached and the outcome, and moved on stage by stage [HSCB
"Managing Professional Differences"]. Shown below a case's RAG timeline in the caseload app."""
from __future__ import annotations

import datetime as dt

import ipywidgets as w
from traitlets import HasTraits, Unicode

from ..domain.escalation import DifferenceStage
from ..errors import SupervisionError
from .common import Displayable, Field, esc, show_refusal, textarea

STAGES = [s.value for s in DifferenceStage]


def _day(x) -> str:
    return f"{x.day} {x:%b %Y}" if isinstance(x, dt.date) else ""


class DifferenceRow:
    """One recorded difference: its stage and outcome, to move on or resolve."""

    def __init__(self, panel, d: dict):
        self.d = d
        self.stage = w.Dropdown(options=STAGES, value=d["stage"], description="Stage",
                                style={"description_width": "auto"})
        self.outcome = textarea("Outcome", d.get("outcome") or "", rows=2)
        self.resolved = w.Checkbox(value=d.get("resolved_on") is not None, description="Resolved",
                                   indent=False)
        self.save_button = w.Button(description="Save", icon="check", layout={"width": "auto"})
        self.save_button.on_click(lambda _: panel.update(d["id"], self.stage.value,
                                                         self.outcome.value, self.resolved.value))
        done = f"; resolved {_day(d['resolved_on'])}" if d.get("resolved_on") else ""
        head = (f"<b>{esc(d['agency'])}</b> · raised {esc(_day(d['raised_on']))}{esc(done)}"
                + (f"<br><small>{esc(d['description'])}</small>" if d.get("description") else ""))
        self.widget = w.VBox([w.HTML(value=head), w.HBox([self.stage, self.resolved]),
                              self.outcome, self.save_button],
                             layout={"border": "1px solid #ddd", "padding": "4px", "margin": "4px 0"})


class DifferencesPanel(HasTraits, Displayable):
    """Record a difference with another agency about this case, and move each one on."""

    status = Unicode("", help="The last change or problem, as text")

    def __init__(self, tk, case_id: str):
        super().__init__()
        self.tk, self.case_id = tk, case_id
        self.agency = w.Text(placeholder="The other agency (police, school, health visiting...)")
        self.stage = w.Dropdown(options=STAGES, value=STAGES[0])
        self.description = textarea("What the difference is about", rows=2)
        self.fields = {"agency": Field("Agency", self.agency), "stage": Field("Stage reached", self.stage),
                       "description": Field(None, self.description)}
        self.record_button = w.Button(description="Record professional difference", icon="plus")
        self.record_button.on_click(lambda _: self.record())
        self.listing = w.VBox([])
        self._status = w.Label(value="")
        self.observe(lambda c: setattr(self._status, "value", c["new"]), "status")
        self.rows: dict[str, DifferenceRow] = {}
        self.widget = w.VBox([w.HTML(value="<h3>Professional differences with other agencies</h3>"),
                              self.listing, *[f.box for f in self.fields.values()],
                              self.record_button, self._status])
        self.refresh()

    def refresh(self) -> None:
        """Re-read the case's differences."""
        try:
            found = self.tk.professional_differences(self.case_id)
        except SupervisionError as e:
            show_refusal(self, e)
            return
        self.rows = {d["id"]: DifferenceRow(self, d) for d in found}
        self.listing.children = [r.widget for r in self.rows.values()] or [
            w.HTML(value="<i>None recorded.</i>")]

    def record(self, agency: str | None = None, stage: str | None = None,
               description: str | None = None) -> dict | None:
        """Record a new difference (the typed values unless given)."""
        for f in self.fields.values():
            f.set_error("")
        try:
            d = self.tk.record_professional_difference(
                self.case_id, self.agency.value if agency is None else agency,
                self.stage.value if stage is None else stage,
                self.description.value if description is None else description)
        except SupervisionError as e:
            show_refusal(self, e, "Not recorded", beside=self.fields)
            return None
        self.agency.value, self.description.value = "", ""
        self.status = f"Recorded: {d['agency']} ({d['stage']})"
        self.refresh()
        return d

    def update(self, diff_id: str, stage: str, outcome: str, resolved: bool) -> dict | None:
        """Move a difference to ``stage``, record its outcome and whether it is resolved."""
        row = self.rows.get(diff_id)
        was = row.d.get("resolved_on") if row else None
        try:
            d = self.tk.update_professional_difference(
                diff_id, stage=stage, outcome=outcome,
                resolved_on=(was or dt.date.today()) if resolved else None)
        except SupervisionError as e:
            show_refusal(self, e, "Not saved")
            return None
        self.status = f"Saved: {d['agency']} now at {d['stage']}" + (
            " (resolved)" if d.get("resolved_on") else "")
        self.refresh()
        return d
