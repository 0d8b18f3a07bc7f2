"""``SessionRecorder``: run and record one supervision session, draft to signed.

Sections follow the seeds' order of a session [PG41 4; Temple Appendix 2; HSCB
Appendix III]. Every change is saved as a draft through the facade; a problem is shown
beside its field and nothing typed is lost; a signed record is read only, with addenda.
"""
from __future__ import annotations

import copy
import threading

import ipywidgets as w
from traitlets import Bool, Dict, HasTraits, Instance, TraitError, Unicode, observe, validate

from ...domain.enums import SessionState, SessionType
from ...domain.lifecycle import day_text
from ...domain.records import ActionItem, SessionRecord
from ...errors import SupervisionError, ValidationError
from ..common import Beside, Displayable, Field, esc, now_text, shared_look, show_refusal
from .assembly import SectionsMixin
from .context import ContextMixin
from .drafts import DraftsMixin
from .lazy import LazyInputs, LazySections
from .saving import FIELD, SavingMixin
from .signing import SignSection

LOCKED = (SessionState.AWAITING.value, SessionState.SIGNED.value, SessionState.CANCELLED.value)


class SessionRecorder(SectionsMixin, ContextMixin, SavingMixin, DraftsMixin, HasTraits,
                      Displayable):
    """One supervisor with one supervisee (or a group): the whole record in an Accordion."""

    record = Instance(SessionRecord, allow_none=True, help="The record being written")
    status = Unicode("", help="Last save, or the problem that stopped it")
    errors = Dict(help="Field (as the facade names it) → message shown beside it")
    locked = Bool(False, help="Signed by someone: read only, addenda only")
    requested_record = Unicode("", help="Another record the user asked to open (the app opens it)")

    def __init__(self, tk, supervisee_ids, date=None, *, type: str | None = None,
                 session_id: str | None = None, autosave: bool = True, frameworks=None):
        super().__init__()
        self.tk, self.autosave = tk, autosave
        self.supervisee_ids = [supervisee_ids] if isinstance(supervisee_ids, str) else list(supervisee_ids)
        self._status = w.HTML(value="")
        self.answers = Beside(self._status, home=w.VBox())   # by the button clicked, else on top
        self.widget = w.VBox([self.answers.home])
        self.inputs: dict[str, w.Widget] = {}
        self.sections = LazySections({}, lambda key, section: None)
        self.accordion: w.Accordion | None = None
        self._by_field: dict = {}
        self._shown: list[Field] = []
        self._loading, self.dirty = False, False
        self._last_saved: SessionRecord | None = None
        self._drift: dict[str, str] | None = None
        self._drift_lock = threading.Lock()
        self._suggested = None
        self.parties: dict[str, str] = {}
        self._cases: dict = {}
        self._frameworks = frameworks
        self.pending_draft: SessionRecord | None = None
        self._wanted = (type, date)
        # Records whose opening is logged: a redraw reads them again without a new "view".
        self._logged: set[str] = set()
        self._last_date: tuple[str, object] | None = None
        self._quiet = False
        try:
            rec = (tk.session(session_id) if session_id
                   else tk.open_session(self.supervisee_ids, date=date, type=type))
            if session_id or rec.version:
                self._logged.add(rec.id)  # tk.session / open_session logged this opening
            self._context(rec)
        except SupervisionError as e:
            show_refusal(self, e)
            return
        if not session_id and rec.version and rec.date != self.wanted_date:
            self._ask_about(rec)  # never type into an old draft without being told
            return
        self._last_saved = copy.deepcopy(rec) if rec.version else None
        self.record = rec
        if not session_id and rec.version:  # the same day's draft: said, not silent
            names = ", ".join(self.name_of(p) for p in rec.supervisee_ids)
            self.status = f"Continuing the draft of {day_text(rec.date)} already open for {names}"

    # -- traitlets state ----------------------------------------------------------------
    @validate("record")
    def _valid_record(self, proposal):
        r = proposal["value"]
        if r is not None and not r.id:
            raise TraitError("a session record needs an id")
        return r

    @observe("record")
    def _record_changed(self, change):
        if change["new"] is not None and not self._quiet:
            self._render()

    @observe("status")
    def _status_changed(self, change):
        text = change["new"]
        bad = text.startswith(("Not", "Cannot", "Locked", "Unexpected"))
        self._status.value = (f"<div style='color:{'#b00020' if bad else '#555'}'>{esc(text)}</div>"
                              if text else "")

    @observe("errors")
    def _errors_changed(self, change):
        for f in self._shown:
            f.set_error("")
        self._shown = []
        for field, msg in change["new"].items():
            f = self.field_for(field)
            if f is not None:
                f.set_error(msg)
                self._shown.append(f)

    def field_for(self, field: str) -> Field | None:
        """The widget field a facade field name (``actions[2].due_date``) refers to."""
        m = FIELD.match(field or "")
        if not m:
            return None
        name, idx, attr = m.group(1), m.group(2), m.group(3)
        key = self._by_field.get(name)
        sec = self.sections[key] if key else None  # a closed section is built to show it
        return sec.error_field(name, None if idx is None else int(idx), attr) if sec else None

    def error_for(self, field: str) -> str:
        """The message shown beside ``field`` ("" if none)."""
        f = self.field_for(field)
        return f.error.value if f is not None and f.error is not None else ""

    # -- building -----------------------------------------------------------------------
    def _render(self) -> None:
        rec = self.record
        self._loading = True
        try:
            self.locked = rec.state in LOCKED
            self._shown = []
            group = rec.type == SessionType.GROUP.value or len(rec.supervisee_ids) > 1
            try:  # logged once per opening, not per redraw
                carried = self.tk.carried_actions(rec, log=rec.id not in self._logged)
            except SupervisionError:
                carried = []
            self._logged.add(rec.id)
            self.accordion = None
            self.inputs = LazyInputs(lambda: self.sections.build_all())
            specs = self._section_specs(group, carried)
            self.sections = LazySections({k: make for k, _, _, make in specs}, self._built)
            self._by_field = {f: k for k, _, fields, _ in specs for f in fields}
            self.sections["arrangement"]  # built already: it says where it goes
            first = len(specs) - 1 if self.locked else 0
            # Each section has a slot, empty until the section is built (see lazy.py). The
            # accordion's children never change: ipywidgets 8 moves the open section when
            # they do (its view re-selects a child made anew).
            self._slots = [w.VBox([], layout=shared_look("plain")) for _ in specs]
            self.accordion = w.Accordion(children=self._slots,
                                         titles=[f"{i + 1}. {t}" for i, (_, t, _, _) in enumerate(specs)],
                                         selected_index=first)
            for k, section in self.sections.built_items():
                self._place(k, section)
            self.sections[specs[first][0]]  # the section open on arrival
            self.accordion.observe(self._opened, names="selected_index")
            self.widget.children = [self._header(), self.answers.home, self.accordion]
            if self.locked:
                self._read_only()
            self.errors = {}
        finally:
            self._loading = False

    def _last_session(self):
        r = self.record
        if self._last_date is not None and self._last_date[0] == (r.id, r.date):
            return self._last_date[1]
        last = None
        try:
            for s in self.tk.sessions(supervisee_id=r.supervisee_ids[0]):
                if s["id"] != r.id and s["state"] != SessionState.CANCELLED and s["date"] <= r.date:
                    last = s["date"]
                    break
        except SupervisionError:
            pass
        self._last_date = ((r.id, r.date), last)
        return last

    def _header(self) -> w.HTML:
        r = self.record
        last = self._last_session()
        rows = [("Supervisee" + ("s" if len(r.supervisee_ids) > 1 else ""),
                 ", ".join(self.name_of(p) for p in r.supervisee_ids)),
                ("Supervisor", self.name_of(r.supervisor_id)), ("Supervision date", day_text(r.date)),
                ("Date of last supervision", day_text(last) or "none recorded"), ("Type", r.type),
                ("State", r.state)]
        cells = "".join(f"<tr><th style='text-align:left;padding-right:1em'>{esc(k)}</th>"
                        f"<td>{esc(v)}</td></tr>" for k, v in rows)
        return w.HTML(value=f"<h2 style='margin:2px 0'>Supervision record</h2><table>{cells}</table>")

    # -- gestures (each button is also a method) ---------------------------------------------
    def _guard(self, section: str, method: str, *args):
        if self.record is None:
            return None
        if self.locked:
            self.status = "Locked: this record is signed; add an addendum instead"
            return None
        try:
            return getattr(self.sections[section], method)(*args)
        except SupervisionError as e:  # red in the status line, like every other refusal
            show_refusal(self, e, "Not done" if isinstance(e, ValidationError) else "")
            return None

    def add_discussion(self, case_id: str):
        """Discuss a case (its last discussion's answers are the starting point)."""
        return self._guard("discussions", "add", case_id)

    def remove_discussion(self, case_id: str) -> None:
        """Take a case's discussion out of the draft."""
        self._guard("discussions", "remove", case_id)

    def discussion(self, case_id: str):
        """The form of a case discussed in this session."""
        return self.sections["discussions"].forms[case_id]

    def add_action(self, description: str, owner_id: str | None = None, due_date=None,
                   case_id: str | None = None) -> ActionItem | None:
        """Agree an action (SMART warnings show beside it)."""
        return self._guard("actions", "add", description, owner_id, due_date, case_id)

    def remove_action(self, index: int) -> None:
        """Take agreed action ``index`` (record order) out of the draft."""
        sec = self.sections.get("actions")
        if sec is not None and not 0 <= index < len(sec.rows):
            self.status = f"Not removed: there is no action {index + 1} in this record"
            return
        self._guard("actions", "remove", sec.rows[index].a if sec else None)

    @property
    def action_rows(self) -> list:
        """The agreed actions' rows (``inputs``, ``fields``, ``smart``), in record order."""
        return self.sections["actions"].rows

    def review(self, action_id: str, outcome: str | None, note: str | None = None) -> None:
        """Mark a carried action done, carried forward or dropped."""
        self._guard("reviews", "review", action_id, outcome, note)

    def add_disagreement(self, description: str, resolution: str = "", escalated: bool = False):
        """Record a disagreement and how it was resolved or escalated."""
        return self._guard("disagreements", "add", description, resolution, escalated)

    def remove_disagreement(self, index: int) -> None:
        """Take recorded disagreement ``index`` (record order) out of the draft."""
        sec = self.sections.get("disagreements")
        if sec is not None and not 0 <= index < len(sec.rows):
            self.status = f"Not removed: there is no disagreement {index + 1} in this record"
            return
        self._guard("disagreements", "remove", sec.rows[index].d if sec else None)

    def escalate_disagreement(self, index: int):
        """Escalate disagreement ``index`` of the signed record to the supervisor's line
        manager, with both parties' knowledge (an addendum); the row's button does the same."""
        if self.record is None:
            return None
        controls = self.sections["sign"].escalations
        if not 0 <= index < len(controls):
            self.status = f"Not escalated: there is no disagreement {index + 1} in this record"
            return None
        return controls[index].escalate()

    def start_reflection(self, framework: str = "gibbs", case_id: str | None = None):
        """A ``ReflectionGuide`` inside this record."""
        return self._guard("reflection", "start", framework, case_id)

    def reflect_on_case(self, case_id: str, framework: str | None = None):
        """A reflection on one discussed case, with the framework chosen in the Reflection section."""
        fw = framework or self.sections["reflection"].choice.value or "gibbs"
        guide = self._guard("reflection", "start", fw, case_id)
        if guide is not None:
            self.accordion.selected_index = list(self.sections).index("reflection")
        return guide

    def _sign_problems(self) -> dict[str, str]:
        r, out = self.record, {}
        if (r.type == SessionType.GROUP.value or len(r.supervisee_ids) > 1) \
                and not r.group_confidentiality.strip():
            out["group_confidentiality"] = "Record the group's confidentiality agreement before signing"
        out.update(self.sections["discussions"].sign_problems())
        return out

    def _sign(self, signer: str | None, **how) -> bool:
        if self.record is None:
            return False
        if not self.locked:
            if (self.dirty or not self.record.version) and not self.save():
                self.status = f"Cannot sign: {self.status}"
                return False
            problems = self._sign_problems()
            if problems:
                self.errors = problems
                self.status = "Cannot sign yet: " + "; ".join(problems.values())
                return False
        try:
            rec = self.tk.sign(self.record.id, signer, **how)
        except SupervisionError as e:
            show_refusal(self, e)
            return False
        self._last_saved = rec
        self._show_signed(rec)
        self.status = ("Signed by everyone: the record is locked" if rec.state == SessionState.SIGNED
                       else f"Signed by {self.name_of(signer or self.tk.me.id)}: awaiting the other "
                            f"signature(s); the record is now read only")
        return True

    def _show_signed(self, rec: SessionRecord) -> None:
        """Redraw only what a signature changes: the sign section, the header's state and
        the lock (the signed record ``sign`` returned is reused; nothing else is re-read)."""
        self._quiet = True
        try:
            self.record = rec
        finally:
            self._quiet = False
        self._loading = True
        try:
            self.locked = rec.state in LOCKED
            keys = list(self.sections)
            i = keys.index("sign")
            sign = SignSection(self)
            self.sections["sign"] = sign
            self._place("sign", sign)
            self.widget.children = [self._header(), self.answers.home, self.accordion]
            if self.locked:
                self._read_only()
                self.accordion.selected_index = i
            self.errors = {}
        finally:
            self._loading = False

    def sign_supervisor(self) -> bool:
        """Sign as the supervisor (the acting user)."""
        return self._sign(None)

    def sign_supervisee(self, pid: str, comment: str = "", disagrees: bool = False) -> bool:
        """Sign as supervisee ``pid``, who must be the acting user (the facade refuses
        anyone else), with an optional comment or disagreement [Havering 10]."""
        return self._sign(pid, comment=comment, disagrees=disagrees)

    def add_addendum(self, text: str):
        """A later note on a signed record (the record itself is never altered)."""
        if self.record is None:
            return None
        if not self.locked:
            self.status = "Not added: the record is still a draft; edit it instead"
            return None
        try:
            a = self.tk.add_addendum(self.record.id, text)
        except SupervisionError as e:
            show_refusal(self, e, "Not added" if isinstance(e, ValidationError) else "",
                         beside=lambda _, text: setattr(self, "errors", {"text": text}))
            return None
        sign = self.sections["sign"]
        sign.addendum_text.value = ""
        sign.show_addenda()
        self.errors = {}
        self.status = f"Addendum added at {now_text()}"
        return a
