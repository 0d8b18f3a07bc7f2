"""Management oversight of decisions [Havering 9.2; HSCB "Management oversight outcomes"].

A case discussion marked ``needs_oversight`` is sent to a manager's task list once the
supervisor has signed the record (a draft is still being written). It goes to the
manager already named on it, else to the supervisor's line manager, else to the
managers of the supervisor's team (never the supervisor themselves). The manager agrees,
disagrees (with a reason) or asks for more information (with a question); the supervisor
answers a question, which sends it back to the same manager. The answer lives beside the
signed record (it is outside the content hash) and every step is also kept as an
addendum, so the whole exchange travels with the record and prints in its PDF.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy.engine import Connection

from ..domain.enums import OversightStatus, Role
from ..domain.lifecycle import day_text
from ..domain.records import Addendum
from ..domain.values import clean_text, new_id, parse_date
from ..errors import NotFound, ValidationError
from ..store import oversight as store
from ..store import session_queries
from ..store.oversight import ASKED, PENDING, marker
from .context import Context

MORE_INFO = OversightStatus.MORE_INFO.value
ANSWERS = {"agree": "agreed", "agreed": "agreed", "disagree": "disagreed",
           "disagreed": "disagreed", "more info": MORE_INFO, "more information": MORE_INFO,
           "more_info": MORE_INFO, MORE_INFO: MORE_INFO}
FINAL = (OversightStatus.AGREED.value, OversightStatus.DISAGREED.value)


def now() -> dt.datetime:
    """The time now, to the second."""
    return dt.datetime.now().replace(microsecond=0)


def add_note(conn: Connection, session_id: str, author_id: str, text: str) -> None:
    """An addendum written inside the caller's transaction (hashed like any other)."""
    # Microseconds keep the steps of one exchange in order when they fall in one second.
    session_queries.add_addendum(conn, Addendum(session_id=session_id, author_id=author_id,
                                                text=text, created_at=dt.datetime.now(),
                                                id=new_id("add")))


class OversightService:
    """The manager's task list of decisions, their answers, and the supervisor's replies."""

    def __init__(self, ctx: Context):
        self.ctx = ctx

    def oversight_tasks(self, manager_id: str | None = None) -> list[dict]:
        """Decisions waiting for a manager's oversight, oldest first (default: this
        manager's own list; an admin without ``manager_id`` sees every one).

        Each item: discussion_id, session_id, session_date, case_id, reference,
        supervisor(_id), supervisee(s/_ids), decision, rationale, status, routed_to,
        routed_names, manager(_id), reason, answered_at, exchange [{author, at, text}]."""
        self.ctx.require("see management oversight tasks", Role.MANAGER)
        mid = manager_id or (None if self.ctx.role == Role.ADMIN else self.ctx.me.id)
        if mid and mid != self.ctx.me.id and self.ctx.role != Role.ADMIN:
            raise self.ctx.deny(f"see the oversight tasks of {mid}")
        with self.ctx.tx() as conn:
            rows = store.oversight_items(conn, store.still_pending())
            rows = [r for r in rows if mid is None or mid in r["routed_to"]]
            self.ctx.log(conn, "view", "oversight_tasks", mid or "", f"{len(rows)} pending")
        return rows

    def _oversight_item(self, conn: Connection, discussion_id: str) -> dict:
        found = store.oversight_items(conn, store.the_discussion(discussion_id))
        if found:
            return found[0]
        r = store.discussion_flags(conn, discussion_id)
        if r is None:
            raise NotFound(f"no case discussion {discussion_id!r}")
        if not r.needs_oversight:
            raise ValidationError("discussion", "this decision was not marked as needing "
                                                "management oversight")
        raise ValidationError("state", "the record is still a draft: oversight is asked for "
                                       "once the supervisor signs it")

    def answer_oversight(self, discussion_id: str, status: str, reason: str = "") -> dict:
        """Agree, disagree (with a reason) or ask for more information (with a question).

        A manager to whom the decision was sent, or any manager who can see the
        supervisee, answers; an agreed or disagreed decision is signed off and final."""
        self.ctx.require("give management oversight", Role.MANAGER)
        key = str(status or "").strip().lower()
        if key not in ANSWERS:
            raise ValidationError("status", "use agreed, disagreed or more information requested")
        status = ANSWERS[key]
        reason = clean_text(reason, "reason", required=status != "agreed").strip()
        with self.ctx.tx() as conn:
            item = self._oversight_item(conn, discussion_id)
            if self.ctx.role != Role.ADMIN and self.ctx.me.id not in item["routed_to"] and not any(
                    self.ctx.can_see(p) for p in item["supervisee_ids"]):
                raise self.ctx.deny(f"give oversight on session {item['session_id']}")
            if self.ctx.me.id == item["supervisor_id"]:
                raise self.ctx.deny("give oversight on a decision made in their own supervision")
            if item["status"] in FINAL:
                raise ValidationError("status", f"already {item['status']} by {item['manager']} on "
                                      f"{day_text(item['answered_at'])}: add an addendum instead")
            at = now()
            store.set_oversight(conn, discussion_id, oversight_status=status,
                                oversight_manager_id=self.ctx.me.id, oversight_reason=reason,
                                oversight_at=at)
            add_note(conn, item["session_id"], self.ctx.me.id,
                     f"{marker(item['reference'])} {status} by {self.ctx.me.name}."
                     + (f"\nReason: {reason}" if reason else ""))
            self.ctx.log(conn, "oversight", "discussion", discussion_id, status)
            return self._oversight_item(conn, discussion_id)

    def reply_oversight(self, discussion_id: str, text: str) -> dict:
        """The supervisor gives the more information a manager asked for; the decision
        goes back to that manager's task list."""
        self.ctx.require_write("reply to management oversight")
        text = clean_text(text, "text", required=True).strip()
        with self.ctx.tx() as conn:
            item = self._oversight_item(conn, discussion_id)
            if self.ctx.me.id != item["supervisor_id"] and self.ctx.role != Role.ADMIN:
                raise self.ctx.deny(f"reply for the supervisor of session {item['session_id']}")
            if item["status"] != MORE_INFO:
                raise ValidationError("status", f"the manager has not asked for more information "
                                                f"(it is {item['status']})")
            store.set_oversight(conn, discussion_id, oversight_status=PENDING,
                                oversight_reason="", oversight_at=None)
            add_note(
                conn,
                item["session_id"],
                self.ctx.me.id,
                f"{marker(item['reference'])} more information from {self.ctx.me.name}.\n{text}",
            )
            self.ctx.log(conn, "oversight", "discussion", discussion_id, "more information given")
            return self._oversight_item(conn, discussion_id)

    def oversight_answers(self, supervisee_ids, before=None, exclude_session: str | None = None,
                          *, log: bool = True) -> list[dict]:
        """Oversight of these supervisees' decisions for the next session: every decision
        still waiting, and every answer given since their last session before ``before``
        (all answers when ``before`` is None). Items as in ``oversight_tasks``; the view is
        logged unless ``log=False`` (drawing a record whose opening was logged)."""
        ids = [supervisee_ids] if isinstance(supervisee_ids, str) else list(supervisee_ids)
        self.ctx.check_see(ids, "see the management oversight of " + ", ".join(ids))
        before = parse_date(before, "before")
        with self.ctx.tx() as conn:
            since = None
            if before is not None:
                since = store.last_session_date(conn, ids, before, exclude_session)
            rows = store.oversight_items(conn, *store.of_supervisees(ids, exclude_session))
            start = dt.datetime.combine(since, dt.time()) if since else None
            rows = [r for r in rows if r["status"] == PENDING or start is None
                    or (r["answered_at"] is not None and r["answered_at"] >= start)]
            if log:
                self.ctx.log(
                    conn, "view", "oversight_answers", ",".join(ids)[:200], f"{len(rows)} items"
                )
        return rows
