"""Entitlement and escalation: three-way meetings, urgent discussions, escalated disagreements.

[Temple "Entitlement"] a supervisee whose supervision is overdue by more than the preset's
``supervision.entitlement_tolerance_days`` may ask for a three-way meeting with their
supervisor and line manager (or head). [HSCB aim 7] anyone may ask for an urgent
discussion with their supervisor between sessions. [Havering 10; HSCB "Managing
professional differences"] a disagreement that the session could not resolve goes to the
supervisor's line manager, with both parties' knowledge; its resolution is recorded.
A request or escalation goes to the supervisor's line manager, else the managers of the
supervisor's team (see ``store.people.managers_above``).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy.engine import Connection

from ..domain.enums import Role
from ..domain.lifecycle import day_text
from ..domain.values import clean_text, new_id, parse_date
from ..errors import NotFound, ValidationError
from ..store import access
from ..store import entitlement as store
from ..store.people import current_supervisor, managers_above, names_of, third_party
from .context import Context
from .oversight import ASKED, add_note, now
from .rules import RulesService

THREE_WAY, URGENT = "three-way meeting", "urgent case discussion"


class EntitlementService:
    """Requests between sessions and escalated disagreements."""

    def __init__(self, ctx: Context, rules: RulesService):
        self.ctx = ctx
        self.rules = rules

    # -- entitlement ---------------------------------------------------------------------
    def entitlement(self, supervisee_id: str | None = None, as_of=None) -> dict:
        """Whether a supervisee's supervision is overdue beyond the preset's tolerance:
        supervisee_id, next_due, days_overdue, tolerance_days, beyond_tolerance,
        preset, supervisor_id, manager_id, message, for the most overdue stream; and
        ``streams``, each stream's own figures (see ``entitlement_streams``)."""
        from .entitlement_streams import stream_entitlements, stream_lines
        pid = supervisee_id or self.ctx.me.id
        self.ctx.check_see([pid], f"see the supervision entitlement of {pid}")
        day = parse_date(as_of, "as_of") or dt.date.today()
        df = self.rules.due(as_of=day)
        df = df[df["supervisee_id"] == pid]
        with self.ctx.engine.connect() as conn:
            # Most overdue first (the table sorts so), but a stream beyond its own
            # tolerance leads: it is the one a three-way meeting is about, with its supervisor.
            streams = stream_entitlements(conn, self.ctx.settings.templates, df, day)
            streams.sort(key=lambda x: not x["beyond_tolerance"])
            sup = next((s["supervisor_id"] for s in streams if s["supervisor_id"]), None) \
                or current_supervisor(conn, pid)
            mgr = third_party(conn, pid, sup)
        self.ctx.log_view("entitlement", pid, f"as of {day}")
        out = dict(supervisee_id=pid, next_due=None, days_overdue=0, tolerance_days=0,
                   beyond_tolerance=False, preset=None, supervisor_id=sup, manager_id=mgr,
                   message="No supervision is required of you at the moment.", streams=streams)
        if streams and streams[0]["next_due"] is not None:
            first = streams[0]
            out.update({k: first[k] for k in ("next_due", "days_overdue", "tolerance_days",
                                              "beyond_tolerance", "preset", "message")})
            lines = stream_lines(streams)
            if lines:
                out["message"] = " ".join(lines)
        return out

    def _request(self, kind: str, reason: str, supervisor: str | None, manager: str | None,
                 case_id: str | None) -> dict:
        rid = new_id("req")
        with self.ctx.tx() as conn:
            store.insert_request(conn, id=rid, kind=kind, requester_id=self.ctx.me.id,
                                 supervisor_id=supervisor, manager_id=manager, case_id=case_id,
                                 created=now(), reason=reason)
            self.ctx.log(conn, "create", "request", rid, kind)
        self.ctx.forget_access()
        return self.request(rid)

    def request_three_way(self, reason: str, as_of=None) -> dict:
        """Ask for a three-way meeting (supervisor, line manager or head, supervisee);
        only when one's own supervision is overdue beyond the tolerance."""
        self.ctx.require_write("request a three-way meeting")
        reason = clean_text(reason, "reason", required=True).strip()
        ent = self.entitlement(self.ctx.me.id, as_of)
        if not ent["beyond_tolerance"]:
            raise ValidationError("entitlement", "a three-way meeting can be asked for once your "
                                  "supervision is overdue beyond your policy's tolerance. "
                                  + ent["message"])
        if not ent["manager_id"]:
            raise ValidationError("manager_id", "no line manager is recorded for you or your "
                                                "supervisor: ask your administrator to add one")
        with self.ctx.engine.connect() as conn:
            open_ = store.open_request_since(conn, self.ctx.me.id, THREE_WAY)
        if open_ is not None:
            raise ValidationError("request", f"you asked for a three-way meeting on "
                                             f"{open_:%d %B %Y} and it is still open")
        return self._request(THREE_WAY, reason, ent["supervisor_id"], ent["manager_id"], None)

    def request_urgent_discussion(self, reason: str, case_id: str | None = None) -> dict:
        """Ask one's supervisor for an urgent discussion between sessions [HSCB aim 7]."""
        self.ctx.require_write("request an urgent discussion")
        reason = clean_text(reason, "reason", required=True).strip()
        with self.ctx.engine.connect() as conn:
            if case_id:
                worker = access.case_workers(conn, [case_id]).get(case_id)
                if worker is None:
                    raise ValidationError("case_id", f"unknown case {case_id!r}")
                self.ctx.check_see([worker], f"raise case {case_id}")
            sup = current_supervisor(conn, self.ctx.me.id)
            mgr = third_party(conn, self.ctx.me.id, sup)
        if not sup:
            raise ValidationError("supervisor_id", "no supervisor is recorded for you")
        return self._request(URGENT, reason, sup, mgr, case_id)

    def _request_rows(self, conn: Connection, *conds) -> list[dict]:
        rows = store.request_rows(conn, *conds)
        me = self.ctx.me.id
        rows = [r for r in rows if me in (r.requester_id, r.supervisor_id, r.manager_id)
                or self.ctx.can_see(r.requester_id)]
        names = names_of(
            conn, [p for r in rows for p in (r.requester_id, r.supervisor_id, r.manager_id)]
        )
        return [dict(id=r.id, kind=r.kind, requester_id=r.requester_id,
                     requester=names.get(r.requester_id, r.requester_id),
                     supervisor_id=r.supervisor_id, supervisor=names.get(r.supervisor_id, ""),
                     manager_id=r.manager_id, manager=names.get(r.manager_id, ""),
                     case_id=r.case_id, reference=r.reference or "", created=r.created,
                     reason=r.reason, outcome=r.outcome, resolved_at=r.resolved_at,
                     open=r.resolved_at is None) for r in rows]

    def request(self, request_id: str) -> dict:
        """One request (as in ``requests``)."""
        with self.ctx.engine.connect() as conn:
            found = self._request_rows(conn, store.the_request(request_id))
        if not found:
            raise NotFound(f"no request {request_id!r}")
        return found[0]

    def requests(self, kind: str | None = None, *, open_only: bool = False,
                 addressed_to_me: bool = False) -> list[dict]:
        """Requests this user may see, newest first: id, kind, requester(_id),
        supervisor(_id), manager(_id), case_id, reference, created, reason, outcome,
        resolved_at, open."""
        conds = store.requests_where(kind, open_only=open_only,
                                     addressed_to=self.ctx.me.id if addressed_to_me else None)
        with self.ctx.tx() as conn:
            rows = self._request_rows(conn, *conds)
            self.ctx.log(conn, "view", "requests", kind or "", f"{len(rows)} requests")
        return rows

    def resolve_request(self, request_id: str, outcome: str) -> dict:
        """Record what came of a request (its supervisor or manager, or an admin)."""
        self.ctx.require_write("resolve requests")
        outcome = clean_text(outcome, "outcome", required=True).strip()
        r = self.request(request_id)
        if self.ctx.me.id not in (r["supervisor_id"], r["manager_id"]) and not (
            self.ctx.role in (Role.ADMIN, Role.MANAGER) and self.ctx.can_see(r["requester_id"])
        ):
            raise self.ctx.deny(f"resolve request {request_id}")
        if not r["open"]:
            raise ValidationError("request", f"already resolved on {day_text(r['resolved_at'])}")
        with self.ctx.tx() as conn:
            store.resolve_request(conn, request_id, outcome, now())
            self.ctx.log(conn, "resolve", "request", request_id)
        return self.request(request_id)

    # -- disagreements --------------------------------------------------------------------
    def _disagreement_rows(self, conn: Connection, *conds) -> list[dict]:
        rows, att = store.disagreement_rows(conn, *conds)
        me, out, above = self.ctx.me.id, [], {}
        for r in rows:
            parties = att.get(r.session_id, [])
            if r.supervisor_id not in above:
                above[r.supervisor_id] = managers_above(conn, r.supervisor_id)
            escalated = bool(r.escalated or r.escalated_to_id)
            routed = (
                [r.escalated_to_id]
                if r.escalated_to_id
                else (above[r.supervisor_id] if escalated else [])
            )
            if not (
                me in (r.supervisor_id, *parties, *routed)
                or any(self.ctx.can_see(p) for p in parties)
            ):
                continue
            out.append(dict(id=r.id, session_id=r.session_id, session_date=r.date,
                            session_state=r.state, supervisor_id=r.supervisor_id,
                            supervisee_ids=parties, description=r.description,
                            resolution=r.resolution, escalated=escalated,
                            escalated_to_id=r.escalated_to_id, routed_to=routed,
                            outcome=r.outcome, resolved_date=r.resolved_date,
                            open=escalated and not r.resolved_date))
        names = names_of(conn, [p for d in out for p in (d["supervisor_id"], *d["supervisee_ids"],
                                                          *d["routed_to"])])
        for d in out:
            d["supervisor"] = names.get(d["supervisor_id"], d["supervisor_id"])
            d["supervisees"] = [names.get(p, p) for p in d["supervisee_ids"]]
            d["escalated_to"] = ", ".join(names.get(p, p) for p in d["routed_to"])
        return out

    def disagreements(self, supervisee_id: str | None = None, *, escalated_only: bool = False,
                      to_me: bool = False) -> list[dict]:
        """Recorded disagreements this user may see (both parties and the manager they
        went to), oldest first: id, session_id, session_date, supervisor, supervisees,
        description, resolution, escalated, escalated_to, routed_to, outcome,
        resolved_date, open."""
        conds = store.disagreements_where(supervisee_id, escalated_only=escalated_only,
                                          reached_manager=to_me)
        with self.ctx.tx() as conn:
            rows = self._disagreement_rows(conn, *conds)
            if to_me:
                rows = [d for d in rows if self.ctx.me.id in d["routed_to"]]
            self.ctx.log(conn, "view", "disagreements", supervisee_id or "", f"{len(rows)} items")
        return rows

    def escalate_disagreement(self, disagreement_id: str, to_manager_id: str | None = None) -> dict:
        """Refer a disagreement of a signed record to the supervisor's line manager (or
        ``to_manager_id``); either party may; an addendum tells both."""
        self.ctx.require_write("escalate disagreements")
        with self.ctx.tx() as conn:
            r = store.disagreement_in_session(conn, disagreement_id)
            if r is None:
                raise NotFound(f"no disagreement {disagreement_id!r}")
            sup, att = self.ctx.check_session_access(
                conn, r.session_id, f"escalate a disagreement of session {r.session_id}"
            )
            if self.ctx.me.id not in (sup, *att) and self.ctx.role != Role.ADMIN:
                raise self.ctx.deny("escalate a disagreement they are not a party to")
            if r.state not in ASKED:
                raise ValidationError(
                    "state",
                    "the record is still a draft: tick 'Escalated' on the "
                    "disagreement; it reaches the line manager when signed",
                )
            if r.escalated_to_id:
                raise ValidationError("disagreement", "already escalated")
            to = to_manager_id or next(iter(managers_above(conn, sup)), None)
            if not to:
                raise ValidationError("to_manager_id", "the supervisor has no line manager and "
                                                       "their team no manager: choose who to ask")
            if to in (sup, *att):
                raise ValidationError(
                    "to_manager_id", "escalate to someone outside this supervision"
                )
            if to not in access.known_people(conn, [to]):
                raise ValidationError("to_manager_id", f"unknown person {to!r}")
            store.escalate_disagreement(conn, disagreement_id, to)
            name = names_of(conn, [to]).get(to, to)
            add_note(
                conn,
                r.session_id,
                self.ctx.me.id,
                f"Disagreement escalated to {name} by {self.ctx.me.name}, with the knowledge of "
                f"both parties: {r.description}",
            )
            self.ctx.log(conn, "escalate", "disagreement", disagreement_id, f"to {to}")
            return self._disagreement_rows(conn, store.the_disagreement(disagreement_id))[0]

    def resolve_disagreement(self, disagreement_id: str, outcome: str, when=None) -> dict:
        """Record the outcome of an escalated disagreement (the manager it went to, or an
        admin); an addendum tells both parties."""
        self.ctx.require_write("resolve disagreements")
        outcome = clean_text(outcome, "outcome", required=True).strip()
        day = parse_date(when, "resolved_date") or dt.date.today()
        with self.ctx.tx() as conn:
            found = self._disagreement_rows(conn, store.the_disagreement(disagreement_id))
            if not found:
                raise NotFound(f"no disagreement {disagreement_id!r}")
            d = found[0]
            if not d["escalated"]:
                raise ValidationError(
                    "disagreement", "not escalated: the session records its resolution"
                )
            if d["session_state"] not in ASKED:
                raise ValidationError("state", "the record is still a draft")
            if d["resolved_date"]:
                raise ValidationError("disagreement", f"already resolved on {d['resolved_date']}")
            if self.ctx.me.id not in d["routed_to"] and not (
                self.ctx.role in (Role.ADMIN, Role.MANAGER)
                and any(self.ctx.can_see(p) for p in d["supervisee_ids"])
            ):
                raise self.ctx.deny(f"resolve disagreement {disagreement_id}")
            if self.ctx.me.id in (d["supervisor_id"], *d["supervisee_ids"]):
                raise self.ctx.deny("resolve a disagreement they are a party to")
            store.resolve_disagreement(conn, disagreement_id, outcome, day,
                                       d["escalated_to_id"] or self.ctx.me.id)
            add_note(
                conn,
                d["session_id"],
                self.ctx.me.id,
                f"Escalated disagreement resolved by {self.ctx.me.name} on {day:%d %B %Y}: {outcome}",
            )
            self.ctx.log(conn, "resolve", "disagreement", disagreement_id)
            return self._disagreement_rows(conn, store.the_disagreement(disagreement_id))[0]
