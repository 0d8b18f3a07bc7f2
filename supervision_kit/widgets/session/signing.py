"""Signing by every party, and addenda once the record is signed [Havering 9]."""
from __future__ import annotations

import ipywidgets as w

from ...errors import SupervisionError
from ..common import Field, esc, textarea
from ..signature_form import SignatureForm, signers_html
from .sections import Section


class SignSection(Section):
    """The acting user's own signature (never anyone else's), who has signed when and how
    and who has not, and the addendum box for a locked record."""

    title = "Sign"
    fields_handled = ("signer", "text", "state")

    def __init__(self, rec):
        super().__init__(rec)
        r = rec.record
        self.signed: dict[str, object] = {}
        if r.version > 0:
            try:
                self.signed = {s.practitioner_id: s for s in rec.tk.signatures(r.id)}
            except SupervisionError:
                self.signed = {}
        self.buttons: dict[str, w.Button] = {}
        self.form: SignatureForm | None = None
        me = rec.tk.me.id
        # Only the acting user signs, from their own sign-in: no "sign for X" [issue 13].
        if me == r.supervisor_id:
            b = w.Button(description="Sign as supervisor", icon="pencil", layout={"width": "auto"})
            b.on_click(lambda _: rec.sign_supervisor())
            self.buttons[me] = b
        elif me in r.supervisee_ids:
            self.form = SignatureForm(rec.name_of(me), lambda text, disagrees:
                                      rec.sign_supervisee(me, comment=text, disagrees=disagrees))
            self.buttons[me] = self.form.button
        for pid, b in self.buttons.items():
            b.disabled = pid in self.signed
        if self.form is not None and me in self.signed:
            self.form.close_form()
        parties = [(p, rec.name_of(p)) for p in (r.supervisor_id, *r.supervisee_ids)]
        self.signatures = w.HTML(value=signers_html(parties, self.signed) + (
            "" if self.signed else "<br><i>Once anyone signs, the record is locked and "
                                   "changes are addenda.</i>"))
        # "Signed" or why not shows beside the button that signs [issue 14]
        if self.form is not None:
            rec.answers.adopt(self.form.button_row, key="sign")
        self.sign_field = Field(None, self.form.widget if self.form else
                                rec.answers.row(*self.buttons.values(), key="sign"))
        self.addendum_text = textarea("Addendum", rows=3, placeholder="A later note on this "
                                      "record (the record itself is never altered)")
        self.addendum_button = w.Button(description="Add addendum", icon="plus")
        self.addendum_button.on_click(lambda _: rec.add_addendum(self.addendum_text.value))
        self.addendum_field = Field("Add addendum", self.addendum_text)
        self.addenda = w.HTML(value="")
        # A disagreement the signed record could not resolve goes to the supervisor's line
        # manager, with both parties' knowledge; the escalation is itself an addendum [Havering 10].
        from ..escalation import EscalationControl
        self.escalations = [EscalationControl(rec, d, on_done=self.show_addenda)
                            for d in r.disagreements]
        self.addendum_box = w.VBox([self.addenda, *(e.widget for e in self.escalations),
                                    self.addendum_field.box, rec.answers.row(self.addendum_button, key="addendum")])
        self.addendum_box.layout.display = None if rec.locked else "none"
        if rec.locked:
            self.show_addenda()
        self.widget.children = [self.sign_field.box, self.signatures, self.addendum_box]

    def show_addenda(self) -> None:
        """List the record's addenda (text escaped)."""
        try:
            # Part of the record opened (logged then): a redraw is not a new view.
            found = self.rec.tk.addenda(self.rec.record.id, log=False)
        except SupervisionError:
            found = []
        items = "".join(f"<li><small>{esc(a.created_at)} {esc(self.rec.name_of(a.author_id))}"
                        f"</small><div style='white-space:pre-wrap'>{esc(a.text)}</div></li>"
                        for a in found)
        self.addenda.value = f"<b>Addenda</b><ul>{items}</ul>" if items else "<i>No addenda.</i>"

    def error_field(self, name, index, attr):
        return self.addendum_field if name == "text" else self.sign_field
