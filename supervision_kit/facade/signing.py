"""The supervisee's side of signing: their own records, what awaits their signature, and
the whole record to read on screen [issue 13].

Signing itself is ``SessionsService.sign``, as the acting user only; the queries live in
``store.signing``.
"""
from __future__ import annotations

from .context import Context
from .documents import DocumentsService
from .sessions import SessionsService


class SigningService:
    """A person's own supervision records, for the supervisee's side."""

    def __init__(self, ctx: Context, sessions: SessionsService, documents: DocumentsService):
        self.ctx, self.sessions, self.documents = ctx, sessions, documents

    def my_records(self) -> list[dict]:
        """The acting user's own supervision records (as supervisee), newest first, each
        with who has signed and ``awaiting_me``; the view is logged."""
        from ..store.supervisee_records import attended_records, awaiting
        me = self.ctx.me.id
        with self.ctx.engine.connect() as conn:
            out = attended_records(conn, me)
        todo = {r["id"] for r in awaiting(out, me)}
        for r in out:
            r["awaiting_me"] = r["id"] in todo
        self.ctx.log_view("my_records", me, f"{len(out)} records, {len(todo)} awaiting signature")
        return out

    def session_html(self, session_id: str) -> str:
        """The whole record laid out as the PDF prints it, as HTML (typed text escaped), to
        read on screen; refused to anyone who may not see it, and the view is logged."""
        from ..export.record_notebook import record_html
        self.sessions.session(session_id)  # the access check, and the logged view
        return record_html(self.documents.session_document(session_id, timelines=False))
