"""Reminders through the facade: what each person has waiting, and one e-mail digest each.

For cron or a systemd timer (``supervision-kit remind``). A digest holds counts and a
link only (see ``notify.digest``). A person may opt out of any kind. The same digest is
not sent twice on one day; a digest the mail server did not take is sent on the next
run. Every send, failure and opt-out is logged (audit log and ``reminder_log``).
"""
from __future__ import annotations

import datetime as dt
from collections import Counter

from ..domain.enums import Role
from ..domain.values import parse_date
from ..errors import ValidationError
from ..notify.digest import KINDS, compose, fingerprint
from ..store import reminders as store
from .context import Context

SOON_DAYS = 7  # supervision due within a week is worth a reminder


class RemindersService:
    """E-mail digests of what is due, overdue or waiting."""

    def __init__(self, ctx: Context, rules, oversight, people, bookings):
        self.ctx, self.rules, self.oversight = ctx, rules, oversight
        self.people, self.bookings = people, bookings

    def reminder_counts(self, as_of=None) -> dict[str, dict[str, int]]:
        """Per person id: {kind: count} of everything waiting for them (admin)."""
        import pandas as pd
        self.ctx.require("count everyone's reminders", Role.ADMIN)
        day = parse_date(as_of, "as_of") or dt.date.today()
        counts: dict[str, Counter] = {}

        def add(kind, pids):
            for p in pids:
                if isinstance(p, str) and p:
                    counts.setdefault(p, Counter())[kind] += 1
        due = self.rules.due(as_of=day)
        soon = due["next_due"] <= pd.Timestamp(day + dt.timedelta(days=SOON_DAYS))
        add("supervision", due.loc[soon, "supervisee_id"])
        add("supervision", due.loc[due["days_overdue"] > 0, "supervisor_id"])
        add("actions", self.rules.overdue_actions(as_of=day)["owner_id"])
        add("oversight", [m for t in self.oversight.oversight_tasks() for m in t["routed_to"]])
        with self.ctx.engine.connect() as conn:
            for pid, n in store.awaiting_signature(conn).items():
                counts.setdefault(pid, Counter())["signatures"] += n
            for pid, n in store.open_requests(conn).items():
                counts.setdefault(pid, Counter())["requests"] += n
        return {p: dict(c) for p, c in counts.items()}

    def _invitations(self, day: dt.date) -> list[tuple]:
        """(booking, [parties], ics bytes) for bookings whose invitation is not yet sent,
        and cancelled ones whose invitation went out but whose cancellation has not."""
        from ..store.bookings import uncancelled_invitations, uninvited
        with self.ctx.engine.connect() as conn:
            todo = uninvited(conn, day) + uncancelled_invitations(conn, day)
        people = {p.id: p for p in self.people.practitioners()}
        out = []
        for b in todo:
            ics = self.bookings.booking_ics(b.id)
            out.append((b, [people[p] for p in (b.supervisor_id, b.supervisee_id)
                            if p in people and people[p].email], ics))
        return out

    def _send_invitations(self, m, invites, report) -> None:
        """E-mail each booking's invitation (or cancellation) to both parties; the booking
        is then marked (a sent cancellation clears the mark: nothing stands any more)."""
        import smtplib

        from ..notify.mailer import invitation
        from ..store.bookings import mark_invited
        for b, parties, ics in invites:
            when = f"{b.date:%d %b %Y}" + (f" at {b.start_time}" if b.start_time else "")
            cancel = b.status == "cancelled"
            subject, body = (f"Supervision cancelled: {when}",
                             f"The supervision session of {when} is cancelled. The "
                             "cancellation is attached for your calendar."
                             ) if cancel else (
                f"Supervision booked: {when}", f"Supervision is booked for {when}"
                + (f", {b.duration_minutes} minutes" if b.duration_minutes else "")
                + ". The invitation is attached.")
            try:
                for p in parties:
                    m.send(invitation(self.ctx.settings.mail_from, p.email, subject,
                                      f"{body}\n\nSign in: {self.ctx.settings.app_url}", ics,
                                      "CANCEL" if cancel else "REQUEST"))
            except (smtplib.SMTPException, OSError) as e:
                report["failed"].append((b.id, str(e)[:200]))
                continue
            with self.ctx.tx() as conn:
                mark_invited(conn, b.id, None if cancel else
                             dt.datetime.now().replace(microsecond=0))
                self.ctx.log(conn, "send", "cancellation" if cancel else "invitation", b.id,
                          ",".join(p.id for p in parties) or "no addresses")
            report["cancelled" if cancel else "invited"].append(b.id)

    def reminder_choices(self) -> list[tuple[str, str, bool]]:
        """(kind, what it is, e-mailed?) of every kind of reminder, for the acting user."""
        with self.ctx.engine.connect() as conn:
            off = {k for p, k in store.opted_out(conn) if p == self.ctx.me.id}
        return [(k, label, k not in off) for k, label in KINDS.items()]

    def set_reminder_opt_out(self, kind: str, opted_out: bool = True) -> None:
        """Stop (or restart) one kind of reminder for the acting user."""
        if kind not in KINDS:
            raise ValidationError("kind", "one of " + ", ".join(KINDS))
        with self.ctx.tx() as conn:
            store.set_opt_out(conn, self.ctx.me.id, kind, opted_out)
            self.ctx.log(conn, "opt out" if opted_out else "opt in", "reminders", self.ctx.me.id, kind)

    def send_reminders(self, as_of=None, *, dry_run: bool = False) -> dict:
        """Send each person with something waiting one digest. Returns {"sent": [ids],
        "unchanged": [ids], "failed": [(id, why)], "digests": {id: (to, subject, body)}}.
        A mail server that cannot be reached raises ``MailUnavailable``: nothing is
        marked sent, so the next run sends everything."""
        from ..notify.mailer import Mailer, message
        self.ctx.require("send reminders", Role.ADMIN)
        day = parse_date(as_of, "as_of") or dt.date.today()
        counts = self.reminder_counts(day)
        people = {p.id: p for p in self.people.practitioners(include_left=False)}
        with self.ctx.engine.connect() as conn:
            off, done = store.opted_out(conn), store.sent_on(conn, day)
        digests, prints, unchanged = {}, {}, []
        for pid, c in sorted(counts.items()):
            p = people.get(pid)
            c = {k: n for k, n in c.items() if n and (pid, k) not in off}
            if p is None or not p.email or not c:
                continue
            fp = fingerprint(c)
            if (pid, fp) in done:
                unchanged.append(pid)
                continue
            subject, body = compose({k: c.get(k, 0) for k in KINDS}, self.ctx.settings.app_url)
            digests[pid], prints[pid] = (p.email, subject, body), fp
        invites = self._invitations(day)
        report = {"sent": [], "unchanged": unchanged, "failed": [], "digests": digests,
                  "invited": [], "cancelled": []}
        if dry_run or not (digests or invites):
            with self.ctx.tx() as conn:
                self.ctx.log(conn, "remind", "reminders", day.isoformat(),
                          f"{'dry run: ' if dry_run else ''}{len(digests)} digests")
            return report
        import smtplib

        from ..notify.mailer import MailUnavailable
        try:
            with Mailer(self.ctx.settings) as m:
                for pid, (to, subject, body) in digests.items():
                    try:
                        m.send(message(self.ctx.settings.mail_from, to, subject, body))
                    except (smtplib.SMTPException, OSError) as e:
                        report["failed"].append((pid, str(e)[:200]))
                        with self.ctx.tx() as conn:
                            store.log_send(conn, pid, day, prints[pid], "failed", str(e))
                        continue
                    report["sent"].append(pid)
                    items = sum(counts[pid].values())
                    with self.ctx.tx() as conn:  # logged one by one: a crash loses no record
                        store.log_send(conn, pid, day, prints[pid], "sent")
                        self.ctx.log(conn, "send", "reminder", pid, f"{items} items")
                self._send_invitations(m, invites, report)
        except MailUnavailable as e:
            with self.ctx.tx() as conn:
                self.ctx.log(conn, "remind", "reminders", day.isoformat(), f"failed: {e}")
            raise
        return report
