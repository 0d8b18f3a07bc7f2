"""``ContractForm``: negotiate, save, sign and replace a supervision contract.

The contents follow Havering 6 and HSCB Appendix IV (purpose, frequency, duration, venue,
both parties' responsibilities, recording, ad-hoc arrangements, cancelling and rearranging,
agenda setting, disagreement and escalation, complaints and review). The rules come from
a policy preset, with an optional override of the frequency in days. A contract signed by
both is read only; a change of supervisor makes a new contract that replaces it.
"""
from __future__ import annotations

import contextlib
import dataclasses as dc
import datetime as dt

import ipywidgets as w
from traitlets import Bool, Dict, HasTraits, Instance, Unicode, observe, validate

from ..domain.periods import period_label, period_of
from ..domain.records import CONTRACT_TERMS, Contract
from ..domain.values import add_years
from ..domain.streams import STREAMS
from ..errors import SupervisionError, ValidationError
from .common import Beside, Displayable, Field, esc, now_text, show_refusal, textarea
from .dates import DateInput

# The label and hint of each of the contract's terms (``CONTRACT_TERMS``), in its order.
TERM_TEXT = {
    "purpose": ("Purpose of supervision", "why we meet: the four functions, the child's needs"),
    "frequency": ("Frequency", "how often; filled from the policy preset"),
    "duration": ("Duration", "how long a session lasts"),
    "venue": ("Venue", "where, free from interruptions"),
    "supervisor_responsibilities": ("Responsibilities of the supervisor", ""),
    "supervisee_responsibilities": ("Responsibilities of the supervisee", ""),
    "recording": ("Recording", "who records, where it is kept, within 2 working days"),
    "ad_hoc": ("Ad-hoc supervision", "how unplanned discussions are arranged and recorded"),
    "cancelling": ("Cancelling and rearranging", "setting dates; rearranging within 5 working days"),
    "agenda_setting": ("Agenda setting", "who brings what"),
    "disagreement": ("Disagreement and escalation", "how differences are recorded and escalated"),
    "complaints_review": ("Complaints and review", "how to complain; review at least annually"),
}
TERM_KEYS = CONTRACT_TERMS
TERMS = tuple((k, *TERM_TEXT[k]) for k in TERM_KEYS)


def _span(period: tuple[int, int] | None) -> str:
    if not period:
        return ""
    months, days = period
    if months and not days:
        return f"{months} month{'s' if months != 1 else ''}"
    if days % 7 == 0 and not months:
        return f"{days // 7} week{'s' if days != 7 else ''}"
    return f"{months} months and {days} days" if months else f"{days} days"


def preset_frequency(policy) -> str:
    """How often a preset says supervision happens, in words."""
    base = ("every half term" if policy.get("supervision.every_half_term")
            else period_label(policy.period("supervision.interval")))
    for key, who in (("newly_qualified", "newly qualified"), ("newly_appointed", "newly appointed")):
        phases = policy.get(f"supervision.{key}") or []
        if phases:
            steps = [f"{period_label(period_of(ph, 'interval'))} "
                     f"{'for the first' if i == 0 else 'up to'} {_span(period_of(ph, 'for'))}"
                     for i, ph in enumerate(phases)]
            base += f" ({who}: {', then '.join(steps)})"
    minutes = policy.get("supervision.duration_minutes")
    return base + (f"; about {minutes} minutes" if minutes else "")


class ContractForm(HasTraits, Displayable):
    """One supervisee's contract with their supervisor: new (``contract_id=None``) or stored."""

    contract = Instance(Contract, allow_none=True, help="The contract as last saved")
    errors = Dict(help="Field → message shown beside it")
    status = Unicode("", help="Last save or signature, or the problem that stopped it")
    read_only = Bool(False, help="Signed by both: replace it rather than edit it")

    def __init__(self, tk, supervisee_id: str, contract_id: str | None = None, *,
                 supervisor_id: str | None = None, start_date: dt.date | None = None,
                 side_by_side: bool = False):
        super().__init__()
        self.tk, self.supervisee_id = tk, supervisee_id
        self.supervisor_id = supervisor_id or tk.me.id
        self._auto: dict[str, str] = {}
        self._loading = False
        self.replaces: Contract | None = None
        # A supervisee may not look their supervisor up, but is told who it is.
        self.names = tk.contract_names(supervisee_id) | {p.id: p.name for p in tk.practitioners()}
        self.names.setdefault(tk.me.id, tk.me.name)
        self._build()
        try:
            if contract_id:
                found = tk.contract(contract_id)
                if found.supervisee_id != supervisee_id:
                    raise ValidationError("contract", "this contract belongs to someone else")
                if found.replaces_id:  # the header names the contract it replaced
                    with contextlib.suppress(SupervisionError):  # e.g. destroyed by retention
                        self.replaces = tk.contract(found.replaces_id, log=False)
                self.contract = found
            else:
                tk.practitioner(supervisee_id)
                active = [c for c in tk.contracts(supervisee_id, active_only=True) if c.id]
                # A contract in another stream stands beside the current ones.
                self.replaces = active[0] if active and not side_by_side else None
                self._new(start_date or dt.date.today())
        except SupervisionError as e:
            show_refusal(self, e)
            self._disable(True, everything=True)

    @classmethod
    def for_supervisee(cls, tk, supervisee_id: str) -> "ContractForm":
        """The supervisee's current contract, or a new one when there is none."""
        try:
            active = tk.contracts(supervisee_id, active_only=True)
        except SupervisionError:
            active = []
        return cls(tk, supervisee_id, active[0].id if active else None)

    # -- layout ---------------------------------------------------------------------------
    def _build(self) -> None:
        self.header = w.HTML(value="")
        names = self.tk.policies()
        opts = []
        for n in names:
            try:
                pol = self.tk.preset(n)
                opts.append((f"{pol.get('title') or n} — {preset_frequency(pol).split(' (')[0]}", n))
            except ValidationError:
                continue
        default = self.tk.settings.default_preset
        self.preset = w.Dropdown(options=opts, value=default if default in names else
                                 (opts[0][1] if opts else None), layout={"width": "98%"})
        self.frequency_words = w.HTML(value="")
        # Streams side by side [HSCB "Definition"; Havering 1]: a name of the agency's own
        # may be typed; blank is the preset's stream.
        self.stream = w.Combobox(options=list(STREAMS), value="", ensure_option=False,
                                 placeholder="blank: the preset's", description="Stream")
        self.frequency_days = w.Text(value="", placeholder="blank: as the preset says",
                                     description="Every (days)")
        self.start = DateInput(description="Start")
        self.review = DateInput(description="Review by")
        self.inputs: dict[str, w.Widget] = {k: textarea(t, placeholder=h or t)
                                            for k, t, h in TERMS}
        self.fields: dict[str, Field] = {
            "preset": Field("Policy preset", self.preset),
            "stream": Field(None, self.stream, help_text="management, safeguarding, clinical, "
                            "professional or your own; one active contract per stream"),
            "frequency_days": Field(None, self.frequency_days,
                                    help_text="override the preset's frequency"),
            "start_date": Field(None, self.start), "review_date": Field(None, self.review),
            **{k: Field(t, self.inputs[k], help_text=h) for k, t, h in TERMS}}
        self.save_button = w.Button(description="Save", icon="save", button_style="primary")
        self.sign_supervisor_button = w.Button(description="Sign as supervisor", icon="pencil")
        self.sign_supervisee_button = w.Button(description="Sign as supervisee",
                                               icon="pencil", layout={"width": "auto"})
        self.save_button.on_click(lambda _: self.save())
        self.sign_supervisor_button.on_click(lambda _: self.sign_supervisor())
        self.sign_supervisee_button.on_click(lambda _: self.sign_supervisee())
        # Any supervisor may take over, also one this user cannot otherwise look up.
        sups = [(n, i) for n, i in self.tk.supervisors() if i != self.supervisee_id]
        self.names.update({i: n for n, i in sups})
        self.new_supervisor = w.Dropdown(options=sups, value=None, description="New supervisor")
        self.handover = textarea("Handover note", rows=3,
                                 placeholder="What the new supervisor needs to know")
        self.replace_button = w.Button(description="Replace contract", icon="exchange")
        self.replace_button.on_click(lambda _: self.replace(self.new_supervisor.value,
                                                            self.handover.value))
        self.fields["new_supervisor"] = Field(None, self.new_supervisor)
        self.fields["handover_note"] = Field("Handover note", self.handover)
        self.signatures = w.HTML(value="")
        self._status = w.Label(value="")
        self.preset.observe(self._preset_changed, "value")
        self.frequency_days.observe(lambda _: self._show_frequency(), "value")
        self.start.observe(self._start_changed, "value")
        beside = Beside(self._status)   # "Saved"/"Signed"/a refusal shows by its button
        buttons = beside.row(self.save_button, self.sign_supervisor_button,
                             self.sign_supervisee_button)
        self.change_box = w.Accordion(children=[w.VBox([
            self.fields["new_supervisor"].box, self.fields["handover_note"].box,
            beside.row(self.replace_button)])], titles=["Change of supervisor"], selected_index=None)
        self.widget = w.VBox([
            self.header, self.fields["preset"].box, self.fields["stream"].box, self.frequency_words,
            w.HBox([self.fields[k].box for k in ("frequency_days", "start_date", "review_date")]),
            *[self.fields[k].box for k in TERM_KEYS], self.signatures,
            buttons, self.change_box])

    # -- state ----------------------------------------------------------------------------
    def _new(self, start: dt.date) -> None:
        self._loading = True
        try:
            self.start.value, self.review.value = start, add_years(start)
            if self.replaces is not None:  # a review keeps last year's terms as the draft
                self.preset.value = self.replaces.preset if self.replaces.preset in \
                    dict((v, k) for k, v in self.preset.options) else self.preset.value
                for k in TERM_KEYS:
                    self.inputs[k].value = getattr(self.replaces, k) or ""
                self.stream.value = self.replaces.stream or ""
        finally:
            self._loading = False
        self._preset_changed()
        self._header()

    @validate("contract")
    def _valid_contract(self, proposal):
        c = proposal["value"]
        if c is not None and c.supervisee_id != self.supervisee_id:
            raise ValidationError("contract", "this contract belongs to someone else")
        return c

    @observe("contract")
    def _contract_changed(self, change):
        c = change["new"]
        if c is None:
            return
        self.supervisor_id = c.supervisor_id
        self._loading = True
        try:
            self.preset.value = c.preset if c.preset in [v for _, v in self.preset.options] \
                else self.preset.value
            days = (c.overrides or {}).get("supervision", {}).get("interval_days")
            self.frequency_days.value = "" if days is None else str(days)
            self.start.value, self.review.value = c.start_date, c.review_date
            self.stream.value = c.stream or ""
            for k in TERM_KEYS:
                self.inputs[k].value = getattr(c, k) or ""
        finally:
            self._loading = False
        self._show_frequency()
        self.read_only = bool(c.supervisor_signed_at and c.supervisee_signed_at)
        self._disable(self.read_only)
        self._header()

    @observe("read_only")
    def _read_only_changed(self, change):
        self._disable(change["new"])

    def _disable(self, on: bool, everything: bool = False) -> None:
        for x in (self.preset, self.stream, self.frequency_days, self.start, self.review,
                  *self.inputs.values(),
                  self.save_button, self.sign_supervisor_button, self.sign_supervisee_button):
            x.disabled = on
        for x in (self.new_supervisor, self.handover, self.replace_button):
            x.disabled = everything or self.contract is None

    @observe("errors")
    def _errors_changed(self, change):
        for k, f in self.fields.items():
            f.set_error(change["new"].get(k, ""))

    @observe("status")
    def _status_changed(self, change):
        self._status.value = change["new"]

    def _header(self) -> None:
        c = self.contract
        sup, sue = (self.names.get(self.supervisor_id, self.supervisor_id),
                    self.names.get(self.supervisee_id, self.supervisee_id))
        lines = [f"<h2>Supervision contract: {esc(sup)} (supervisor) and {esc(sue)} "
                 f"(supervisee)</h2>"]
        if c is None and self.replaces is not None:
            lines.append(f"<p>Saving this contract ends the current one (with "
                         f"{esc(self.names.get(self.replaces.supervisor_id, ''))}, from "
                         f"{esc(self.replaces.start_date)}) on the new start date.</p>")
        if c is not None and c.replaces_id:
            prev = self.replaces if self.replaces and self.replaces.id == c.replaces_id else None
            lines.append("<p>Replaces the contract " + (
                f"with {esc(self.names.get(prev.supervisor_id, prev.supervisor_id))} from "
                f"{esc(prev.start_date)}" if prev else esc(c.replaces_id)) + ".</p>")
        if c is not None and c.end_date:
            lines.append(f"<p><b>Ended on {esc(c.end_date)}.</b></p>")
        if c is not None and c.handover_note:
            lines.append(f"<p><i>Handover note:</i> <span style='white-space:pre-wrap'>"
                         f"{esc(c.handover_note)}</span></p>")
        self.header.value = "".join(lines)
        signed = []
        if c is not None:
            for who, at in (("supervisor", c.supervisor_signed_at),
                            ("supervisee", c.supervisee_signed_at)):
                signed.append(f"Signed by the {who} on {esc(f'{at.day} {at:%b %Y %H:%M}')}"
                              if at else f"Not yet signed by the {who}")
        note = ("<br><i>Signed by both: read only. A change needs a new contract.</i>"
                if self.read_only else "")
        self.signatures.value = (f"<p class='signatures'>{'; '.join(signed)}.{note}</p>"
                                 if signed else "")
        # Each party signs from their own sign-in, so each sees only their own button.
        me = self.tk.me.id
        self.sign_supervisor_button.layout.display = None if me == self.supervisor_id else "none"
        self.sign_supervisee_button.layout.display = None if me == self.supervisee_id else "none"

    def _policy(self):
        return self.tk.preset(self.preset.value)

    def _preset_changed(self, _=None) -> None:
        self._show_frequency()
        if self._loading or not self.preset.value:
            return
        pol = self._policy()
        minutes = pol.get("supervision.duration_minutes")
        auto = {"frequency": preset_frequency(pol).split(" (")[0].split(";")[0].capitalize()
                + " supervision, as the " + str(pol.get("title") or pol.name) + " policy says.",
                "duration": f"About {minutes} minutes." if minutes else ""}
        for k, text in auto.items():
            # Only fill what is empty or still our own earlier suggestion: typed text stays.
            if not self.inputs[k].value.strip() or self.inputs[k].value == self._auto.get(k):
                self.inputs[k].value = text
                self._auto[k] = text

    def _show_frequency(self) -> None:
        if not self.preset.value:
            self.frequency_words.value = ""
            return
        words = preset_frequency(self._policy())
        days = self.frequency_days.value.strip()
        extra = f" <b>Overridden: every {esc(days)} days.</b>" if days else ""
        self.frequency_words.value = f"<small>Supervision: {esc(words)}.{extra}</small>"

    def _start_changed(self, change) -> None:
        old, new = change["old"], change["new"]
        if self._loading or new is None:
            return
        if self.review.value is None or (old is not None and self.review.value == add_years(old)):
            self.review.value = add_years(new)

    # -- composing and saving ----------------------------------------------------------------
    def _overrides(self) -> tuple[dict, str]:
        text = self.frequency_days.value.strip()
        if not text:
            return {}, ""
        try:
            days = int(text)
        except ValueError:
            return {}, "a whole number of days, or blank for the preset's frequency"
        if days < 1:
            return {}, "at least 1 day"
        return {"supervision": {"interval_days": days}}, ""

    def compose(self) -> Contract:
        """The contract as the form shows it (not yet saved)."""
        overrides, _ = self._overrides()
        c = self.contract
        base = dict(id=c.id, replaces_id=c.replaces_id, handover_note=c.handover_note) if c else \
            dict(replaces_id=self.replaces.id if self.replaces else None)
        return Contract(supervisor_id=self.supervisor_id, supervisee_id=self.supervisee_id,
                        preset=self.preset.value or "", start_date=self.start.value,
                        overrides=overrides, review_date=self.review.value,
                        stream=self.stream.value or None,
                        **{k: self.inputs[k].value for k in TERM_KEYS}, **base)

    def _changed(self) -> bool:
        c, new = self.contract, self.compose()
        keys = ("preset", "stream", "start_date", "review_date", "overrides") + TERM_KEYS
        return c is None or any(getattr(c, k) != getattr(new, k) for k in keys)

    def _beside(self, key: str, text: str) -> None:
        key = {"overrides": "frequency_days", "supervision": "frequency_days"}.get(key, key)
        if key in self.fields:
            self.errors = {key: text}

    def save(self) -> Contract | None:
        """Save the contract as typed; messages appear beside the fields, nothing is lost."""
        if self.read_only:
            self.status = "This contract is signed by both: use a change of supervisor or a new contract"
            return None
        overrides, problem = self._overrides()
        if problem:
            self.errors = {"frequency_days": problem}
            self.status = "Not saved: see the message beside the field"
            return None
        try:
            if overrides:
                self.tk.preset(self.preset.value, overrides)
            saved = self.tk.save_contract(self.compose())
        except SupervisionError as e:
            show_refusal(self, e, "Not saved", beside=self._beside)
            return None
        self.errors = {}
        self.contract = saved
        self.status = f"Saved at {now_text()}"
        return saved

    def _sign(self, signer: str, who: str) -> Contract | None:
        if self.read_only:
            self.status = "Already signed by both"
            return None
        if self._changed() and self.save() is None:
            return None
        try:
            c = self.tk.sign_contract(self.contract.id, signer)
        except SupervisionError as e:
            show_refusal(self, e, "Not signed", beside=self._beside)
            return None
        self.contract = c
        self.status = f"Signed by the {who} at {now_text()}"
        return c

    def sign_supervisor(self) -> Contract | None:
        """The supervisor signs (saving any changes first)."""
        return self._sign(self.supervisor_id, "supervisor")

    def sign_supervisee(self) -> Contract | None:
        """The supervisee signs, from their own sign-in (the facade refuses anyone else)."""
        return self._sign(self.supervisee_id, "supervisee")

    def replace(self, new_supervisor_id: str | None, handover_note: str,
                start_date: dt.date | None = None) -> Contract | None:
        """A change of supervisor: a new contract with the same terms replaces this one,
        which ends on the new start date."""
        old = self.contract
        if old is None:
            self.status = "Save this contract before replacing it"
            return None
        errors = {}
        if not new_supervisor_id:
            errors["new_supervisor"] = "Choose the new supervisor"
        elif new_supervisor_id == old.supervisor_id:
            errors["new_supervisor"] = "Choose someone other than the current supervisor"
        if not (handover_note or "").strip():
            errors["handover_note"] = "Write a handover note for the new supervisor"
        if errors:
            self.errors = errors
            self.status = "Not replaced: see the messages beside the fields"
            return None
        start = start_date or dt.date.today()
        new = dc.replace(old, supervisor_id=new_supervisor_id, start_date=start,
                         review_date=add_years(start), end_date=None, supervisor_signed_at=None,
                         supervisee_signed_at=None, handover_note=handover_note,
                         replaces_id=old.id, id=None)
        try:
            saved = self.tk.save_contract(new)
        except SupervisionError as e:
            show_refusal(self, e, "Not replaced", beside=self._beside)
            return None
        self.errors = {}
        self.replaces = old
        self.contract = saved
        self.handover.value = ""
        self.status = (f"New contract with {self.names.get(new_supervisor_id, new_supervisor_id)} "
                       f"from {start}; the old one ended. Both of you sign the new one.")
        return saved
