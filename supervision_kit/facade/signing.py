"""The supervisee's side of signing: their own records and what awaits their signature.

Signing itself is ``SessionsMixin.sign``, as the acting user only (``_own_signer``); the
queries live in ``store.signing``.
"""
from __future__ import annotations


class SigningMixin:
    """A person's own supervision records, for the supervisee's side [issue 13]."""

    def _own_signer(self, signer_id: str | None) -> str:
        """The acting user's id: a person signs only as themselves, from their own sign-in;
        naming anyone else is refused and logged [issue 13]."""
        signer = signer_id or self.me.id
        if signer not in (self.me.id, self.me.username):
            # A signature is evidence only if its signer proved who they are.
            raise self._deny(f"sign on behalf of {signer!r}: each person signs from their "
                             f"own sign-in")
        return self.me.id

    def my_records(self) -> list[dict]:
        """The acting user's own supervision records (as supervisee), newest first, each
        with who has signed and ``awaiting_me``; the view is logged."""
        from ..store.signing import attended_records, awaiting
        with self.engine.connect() as conn:
            out = attended_records(conn, self.me.id)
        todo = {r["id"] for r in awaiting(out, self.me.id)}
        for r in out:
            r["awaiting_me"] = r["id"] in todo
        self._log_view("my_records", self.me.id, f"{len(out)} records, {len(todo)} awaiting signature")
        return out

    def session_html(self, session_id: str) -> str:
        """The whole record laid out as the PDF prints it, as HTML (typed text escaped), to
        read on screen; refused to anyone who may not see it, and the view is logged."""
        from ..export.record_notebook import record_html
        self.session(session_id)  # the access check, and the logged view
        return record_html(self.session_document(session_id, timelines=False))
