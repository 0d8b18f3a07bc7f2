"""The supervisee's agenda: before a session the supervisee adds items and the cases they
bring (with the reason) and may attach their pre-session reflection; opening the session
takes them into the draft, and signing checks the preset's rule on who chose the cases
[Temple Appendix 2; Havering 13.2; Surrey]."""
from __future__ import annotations

import datetime as dt
import json

from ..domain import lifecycle as lc
from ..domain.agenda import EXTRA_QUESTIONS, AgendaItem, check_item, choice_problems
from ..domain.records import SessionRecord
from ..domain.values import clean_id, new_id
from ..errors import NotFound, ValidationError
from ..store import agenda as store
from ..store import lifecycle as lifecycle_queries
from ..store.access import case_workers
from ..store.cases import case_references
from ..store.records import reflection_author_and_session
from ..store.people import names_of
from ..store.sessions import load_sessions
from ..store.streams import active_contracts
from .context import Context


def session_policy(ctx: Context, rec: SessionRecord, conn):
    """The preset that governs ``rec``: its first supervisee's active contract (in the
    record's stream when it has one), else the configured default."""
    from ..rules.policy import PolicyBook
    book = PolicyBook(ctx.settings.templates, ctx.settings.default_preset)
    rows = active_contracts(conn, rec.supervisee_ids[0], rec.date) if rec.supervisee_ids else []
    rows = [r for r in rows if not rec.stream or r.stream in (None, rec.stream)] or rows
    if not rows:
        return book.default_policy()
    return book.resolve(rows[-1].preset, json.dumps(rows[-1].overrides or {}))[0]


def sign_problems(ctx: Context, rec: SessionRecord, conn) -> list[tuple[str, str]]:
    """The preset's rule on the record's cases (minimum number, one chosen by each party)."""
    pol = session_policy(ctx, rec, conn)
    return choice_problems(rec.discussions, rec.supervisor_id, rec.supervisee_ids,
                           min_cases=pol.get("agenda.min_cases"),
                           each_party=bool(pol.get("agenda.each_party_chooses")))


def _agenda_line(name: str, it: AgendaItem, reference: str) -> str:
    if it.case_id:
        line = f"{name} brings case {reference} ({it.reason})"
        return f"{line}: {it.text}" if it.text else line
    return f"{name} brings: {it.text}" if it.text else ""


def take_agenda(ctx: Context, rec: SessionRecord, save) -> SessionRecord:
    """``rec`` with its supervisees' waiting items taken in: each case as a discussion
    chosen by them (its stable context carried as when the supervisor adds it), each item
    a line of the agenda, each attached reflection part of the record. When anything was
    taken the draft is saved with ``save`` and the items are marked taken; logged."""
    with ctx.engine.connect() as conn:
        waiting = store.items(conn, rec.supervisee_ids, waiting=True)
        if not waiting:
            return rec
        names = names_of(conn, {it.supervisee_id for it in waiting})
        refs = case_references(conn, {it.case_id for it in waiting if it.case_id})
        have = {d.case_id: d for d in rec.discussions}
        lines = [x for x in rec.agenda.splitlines() if x.strip()]
        refl_ids = {r.id for r in rec.reflections}
        attach = []
        for it in waiting:
            if it.case_id and it.case_id not in have:
                last = lifecycle_queries.last_signed(conn, it.case_id, dt.date.max, rec.id)
                basis = lc.FollowUpBasis(case_id=it.case_id)
                if last is not None:
                    prev = load_sessions(conn, [last.id])[0]
                    basis.previous = next(d for d in prev.discussions if d.case_id == it.case_id)
                    basis.previous_date, basis.previous_session_id = last.date, last.id
                d = lc.follow_up(basis)
                rec.discussions.append(d)
                have[it.case_id] = d
            if it.case_id and have[it.case_id].chosen_by is None:
                have[it.case_id].chosen_by = it.supervisee_id
                have[it.case_id].choice_reason = it.reason
            line = _agenda_line(names.get(it.supervisee_id, it.supervisee_id), it,
                                refs.get(it.case_id, it.case_id or ""))
            if line and line not in lines:
                lines.append(line)
            if it.reflection_id and it.reflection_id not in refl_ids:
                row = reflection_author_and_session(conn, it.reflection_id)
                if row is not None and row.session_id is None:
                    attach.append(it.reflection_id)
                    refl_ids.add(it.reflection_id)
    rec.agenda = "\n".join(lines)
    rec = save(rec)
    with ctx.tx() as conn:
        store.take_items(conn, [it.id for it in waiting], rec.id)
        for rid in attach:  # the supervisee's own row, now part of the record
            store.attach_reflection(conn, rid, rec.id)
        if attach:
            rec = load_sessions(conn, [rec.id])[0]
        ctx.log(conn, "take", "agenda_items", rec.id,
                f"{len(waiting)} item(s) of {', '.join(sorted(names.values()))} into the draft")
    return rec


class AgendaService:
    """The supervisee writes their own agenda; only the parties read it."""

    def __init__(self, ctx: Context):
        self.ctx = ctx

    def add_agenda_item(self, text: str = "", case_id: str | None = None, reason: str = "",
                        reflection_id: str | None = None) -> AgendaItem:
        """Add to my agenda for my next session: an item, or a case I bring (with the
        reason: significant contact, alleged harm, partner escalation, other), optionally
        with my pre-session reflection attached."""
        ctx = self.ctx
        ctx.require_write("write an agenda")
        me = ctx.me.id
        it = check_item(AgendaItem(supervisee_id=me, author_id=me, text=text,
                                   case_id=clean_id(case_id, "case_id"), reason=reason or "",
                                   reflection_id=clean_id(reflection_id, "reflection_id")))
        it.id, it.created_at = new_id("agenda"), dt.datetime.now()  # microseconds: the order typed
        with ctx.tx() as conn:
            if it.case_id:
                worker = case_workers(conn, [it.case_id]).get(it.case_id)
                if worker is None:
                    raise NotFound(f"no case {it.case_id!r}")
                if worker != me:
                    raise ValidationError("case_id", "bring one of your own cases")
            if it.reflection_id:
                r = reflection_author_and_session(conn, it.reflection_id)
                if r is None or r.author_id != me:
                    raise ValidationError("reflection_id", "attach one of your own reflections")
                if r.session_id is not None:
                    raise ValidationError("reflection_id", "that reflection is already part of "
                                                           "a session record")
            store.insert_item(conn, it)
            ctx.log(conn, "add", "agenda_item", it.id,
                    f"case {it.case_id} ({it.reason})" if it.case_id else "item")
        return it

    def remove_agenda_item(self, item_id: str) -> None:
        """Take one of my waiting items off my agenda."""
        ctx = self.ctx
        ctx.require_write("change an agenda")
        with ctx.tx() as conn:
            it = store.item(conn, clean_id(item_id, "item_id", required=True))
            if it is None:
                raise NotFound(f"no agenda item {item_id!r}")
            if it.author_id != ctx.me.id:
                raise ctx.deny(f"change agenda item {item_id} of {it.supervisee_id}")
            if it.session_id:
                raise ValidationError("item", "already taken into a session record")
            store.delete_item(conn, it.id)
            ctx.log(conn, "remove", "agenda_item", it.id, "")

    def discussion_questions(self, rec: SessionRecord) -> list[tuple[str, str, str]]:
        """(key, title, hint) of the questions the record's preset adds to each case
        discussion (``discussions.extra_questions``) [Temple Appendix 3]."""
        with self.ctx.engine.connect() as conn:
            pol = session_policy(self.ctx, rec, conn)
        return [(k, *EXTRA_QUESTIONS[k]) for k in pol.get("discussions.extra_questions") or []]

    def agenda_items(self, supervisee_id: str | None = None, session_id: str | None = None
                     ) -> list[AgendaItem]:
        """A supervisee's waiting items (default: mine), or the items a session took; only
        the supervisee and their supervisor(s) see them. Logged."""
        ctx = self.ctx
        with ctx.engine.connect() as conn:
            if session_id:
                ctx.check_session_access(conn, session_id, f"see the agenda of {session_id}")
                rec = load_sessions(conn, [session_id])[0]
                if ctx.me.id not in (rec.supervisor_id, *rec.supervisee_ids):
                    raise ctx.deny(f"see the agenda of session {session_id}")
                out = store.items(conn, rec.supervisee_ids, session_id=session_id)
            else:
                who = supervisee_id or ctx.me.id
                if who != ctx.me.id and ctx.me.id not in {
                        r.supervisor_id for r in active_contracts(conn, who, dt.date.today())}:
                    raise ctx.deny(f"see the agenda of {who}")
                out = store.items(conn, [who], waiting=True)
        ctx.log_view("agenda_items", session_id or supervisee_id or ctx.me.id, f"{len(out)} item(s)")
        return out
