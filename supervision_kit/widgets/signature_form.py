"""Signing as oneself: a comment or disagreement, then "Sign as <me>"; and who has signed.

Used by the supervisor's record (``session.signing``) and the supervisee's own records
(``my_records``). Nobody signs for anyone else: the facade signs as the acting user,
whose sign-in says how they proved who they are.
"""
from __future__ import annotations

import ipywidgets as w

from ..domain.signing import signature_words
from .common import Field, esc, textarea


def _when(at) -> str:
    """A signature's time, British style (2 Dec 2026 14:05)."""
    try:
        return f"{at.day} {at:%b %Y %H:%M}"
    except (AttributeError, ValueError):
        return str(at or "")


def signers_html(parties: list[tuple[str, str]], signed: dict) -> str:
    """Who has signed (when, how, and what they said) and who has not, as escaped HTML.

    ``parties`` is [(practitioner id, name)] in record order; ``signed`` maps an id to an
    object or dict with signed_at, method, disagrees and comment."""
    def get(s, k, default=None):
        return s.get(k, default) if isinstance(s, dict) else getattr(s, k, default)
    done, todo = [], []
    for pid, name in parties:
        s = signed.get(pid)
        if s is None:
            todo.append(esc(name))
            continue
        comment = (get(s, "comment") or "").strip()
        said = ""
        if get(s, "disagrees"):
            said = f"<br><b>Disagrees with the record:</b> <span style='white-space:pre-wrap'>{esc(comment)}</span>"
        elif comment:
            said = f"<br><b>Comment:</b> <span style='white-space:pre-wrap'>{esc(comment)}</span>"
        words = signature_words(get(s, "method") or "", bool(get(s, "disagrees")), comment)
        done.append(f"<li class='signed-by'>{esc(name)}: signed {esc(_when(get(s, 'signed_at')))} "
                    f"({esc(words)}){said}</li>")
    out = f"<b>Signed</b><ul>{''.join(done)}</ul>" if done else "<i>Not signed by anyone yet.</i>"
    if todo:
        out += (f"<div class='not-signed'><b>Not signed yet:</b> {', '.join(todo)} "
                f"<small>(each person signs from their own sign-in)</small></div>")
    return out


class SignatureForm:
    """Comment box, "I disagree with this record" and the button that signs as ``me``.

    ``on_sign(comment, disagrees) -> bool`` does the signing; ``sign()`` is the button's
    gesture as a method. A disagreement needs a comment saying what is disagreed with."""

    def __init__(self, me_name: str, on_sign, *, comment_label: str = "Your comment (optional)"):
        self.on_sign = on_sign
        self.comment = textarea(comment_label, rows=3, placeholder="Anything you want recorded "
                                "with your signature; if you disagree, say what with and why")
        self.comment.continuous_update = True  # the button reads it; keep it current
        self.disagree = w.Checkbox(value=False, description="I disagree with this record",
                                   indent=False)
        self.button = w.Button(description=f"Sign as {me_name}", icon="pencil",
                               button_style="primary", layout={"width": "auto"})
        self.button.on_click(lambda _: self.sign())
        self.field = Field("Comment or disagreement [Havering 10]", self.comment,
                           "stored with your signature and printed on the record")
        self.button_row = w.HBox([self.button])   # the signer's answer can show beside it
        self.widget = w.VBox([self.field.box, self.disagree, self.button_row])

    def sign(self) -> bool:
        """Sign with what is typed; a disagreement without words is refused beside the box."""
        text = self.comment.value
        if self.disagree.value and not text.strip():
            self.field.set_error("Say what you disagree with before signing")
            return False
        self.field.set_error("")
        return bool(self.on_sign(text, bool(self.disagree.value)))

    def set_error(self, text: str) -> None:
        """Show a refusal beside the comment box (nothing typed is lost)."""
        self.field.set_error(text)

    def close_form(self) -> None:
        """Hide the form once signed."""
        self.widget.layout.display = "none"
