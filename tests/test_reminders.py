"""``remind`` against a real SMTP server (aiosmtpd) on loopback: the right people get the
right counts, no message holds a child's or family member's name, a case reference or
record content (every byte scanned), a second run the same day sends nothing, a refused
connection is one line and loses nothing; opt-outs; every send logged."""
import datetime as dt

import pytest
from aiosmtpd.controller import Controller

from supervision_kit.cli.main import main
from supervision_kit.domain.records import (ActionItem, Case, CasePerson, CaseDiscussion,
                                            Contract, Practitioner, SessionRecord)
from supervision_kit.facade import Toolkit
from supervision_kit.notify.mailer import MailUnavailable
from tests.helpers_browser import free_port

D = dt.date.fromisoformat
SECRETS = ["Jamie", "Fletcher", "Donna", "Ellis", "Brook", "ZZ1 1ZZ", "REF-CP", "REF-CIN",
           "Home visits weekly", "Visit the school", "Carried actions", "Step down"]


class Sink:
    """Collects what the SMTP server receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((list(envelope.rcpt_tos), bytes(envelope.original_content)))
        return "250 OK"


@pytest.fixture
def smtp():
    sink = Sink()
    c = Controller(sink, hostname="127.0.0.1", port=free_port())
    c.start()
    try:
        yield sink, c.port
    finally:
        c.stop()


def world(tmp_path, port):
    tk = Toolkit.system(tmp_path / "remind.sqlite")
    tk.settings.smtp_host, tk.settings.smtp_port = "127.0.0.1", port
    tk.settings.app_url = "https://supervision.example.org/"
    tk.add_practitioners([
        Practitioner("M", "Mo Manager", "mo", role="manager", team="North",
                     email="mo@example.org"),
        Practitioner("R", "Rita Supervisor", "rita", role="supervisor", team="North",
                     email="rita@example.org", line_manager_id="M"),
        Practitioner("W", "Wyn Worker", "wyn", team="North", line_manager_id="R",
                     email="wyn@example.org"),
        Practitioner("N", "No Mail", "nomail", team="North", line_manager_id="R")])
    tk.add_cases([Case("CP", "REF-CP", "W", "child protection plan", D("2025-06-02"),
                       people=[CasePerson("child", "Jamie", "Fletcher"),
                               CasePerson("parent", "Donna", "Fletcher", postcode="ZZ1 1ZZ")]),
                  Case("CIN", "REF-CIN", "W", "child in need", D("2025-06-02"),
                       people=[CasePerson("child", "Ellis", "Brook")])])
    tk.save_contract(Contract("R", "W", "havering_social_work", D("2025-06-02")))
    rita = tk.as_user("rita")
    rec = SessionRecord(date=D("2025-10-06"), supervisor_id="R", supervisee_ids=["W"],
                        agenda="Carried actions",
                        discussions=[CaseDiscussion(case_id="CP", rag="A",
                                                    summary="Home visits weekly",
                                                    decision="Step down to child in need",
                                                    rationale="Carried actions done",
                                                    needs_oversight=True)],
                        actions=[ActionItem("Visit the school", owner_id="W",
                                            due_date=D("2025-10-13"), case_id="CP")])
    rec = rita.save_session(rec)
    rita.sign(rec.id)                                   # awaiting Wyn's signature
    tk.as_user("wyn").request_urgent_discussion("Worried about REF-CP: Jamie", case_id="CP")
    return tk


def bodies(sink):
    return {to[0]: raw for to, raw in sink.messages}


def test_digests_counts_privacy_and_once_a_day(tmp_path, smtp):
    sink, port = smtp
    tk = world(tmp_path, port)
    report = tk.send_reminders(as_of="2025-11-20")
    assert sorted(report["sent"]) == ["M", "R", "W"]     # N has no e-mail address
    got = bodies(sink)
    assert set(got) == {"mo@example.org", "rita@example.org", "wyn@example.org"}
    # Mo: the decision Rita signed waits for his management oversight, and Wyn's request
    # is addressed to him as the third party as well as to Rita.
    mo = got["mo@example.org"].decode()
    assert "Subject: Supervision reminders: 2 things need you" in mo
    assert "- Decisions waiting for your management oversight: 1" in mo
    assert "- Requests waiting for your answer: 1" in mo and "Overdue actions" not in mo
    wyn, rita = got["wyn@example.org"].decode(), got["rita@example.org"].decode()
    # Wyn: own supervision overdue (due 6 Nov), one record to sign, one overdue action.
    assert "Subject: Supervision reminders: 3 things need you" in wyn
    assert "- Supervision due or overdue: 1" in wyn
    assert "- Supervision records awaiting your signature: 1" in wyn
    assert "- Overdue actions you own: 1" in wyn
    assert "Requests" not in wyn and "oversight:" not in wyn
    # Rita: her supervisee is overdue; Wyn's request waits for her answer.
    assert "- Supervision due or overdue: 1" in rita and "- Requests waiting for your answer: 1" in rita
    assert "awaiting your signature" not in rita        # she has signed
    for raw in got.values():
        assert "https://supervision.example.org/" in raw.decode()
        low = raw.lower()
        for secret in SECRETS:                           # every byte, any case
            assert secret.lower().encode() not in low, secret
    # The same day again: nothing new.
    again = tk.send_reminders(as_of="2025-11-20")
    assert again["sent"] == [] and sorted(again["unchanged"]) == ["M", "R", "W"]
    assert len(sink.messages) == 3
    sent = [e for e in tk.audit_log(action="send") if e["entity"] == "reminder"]
    assert sorted(e["entity_id"] for e in sent) == ["M", "R", "W"]


def test_opt_out_of_a_kind(tmp_path, smtp):
    sink, port = smtp
    tk = world(tmp_path, port)
    tk.as_user("wyn").set_reminder_opt_out("actions")
    tk.send_reminders(as_of="2025-11-20")
    wyn = bodies(sink)["wyn@example.org"].decode()
    assert "Overdue actions" not in wyn and "Subject: Supervision reminders: 2 things" in wyn


def test_a_refused_connection_is_one_line_and_loses_nothing(tmp_path, smtp, capsys,
                                                            monkeypatch):
    sink, port = smtp
    tk = world(tmp_path, port)
    closed = free_port()                                 # nothing listens there
    tk.settings.smtp_port = closed
    with pytest.raises(MailUnavailable):
        tk.send_reminders(as_of="2025-11-20")
    monkeypatch.setenv("SUPERVISION_KIT_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SUPERVISION_KIT_SMTP_PORT", str(closed))
    db = str(tmp_path / "remind.sqlite")
    code = main(["remind", "--db", db, "--as-user", "system", "--as-of", "2025-11-20"])
    err = capsys.readouterr().err
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert f"cannot send reminders through the mail server 127.0.0.1:{closed}" in err
    assert "nothing was sent" in err and "Traceback" not in err
    # The server is back: everything goes out.
    monkeypatch.setenv("SUPERVISION_KIT_SMTP_PORT", str(port))
    code = main(["remind", "--db", db, "--as-user", "system", "--as-of", "2025-11-20"])
    assert code == 0 and "sent 3;" in capsys.readouterr().out
    assert sorted(to[0] for to, _ in sink.messages) == ["mo@example.org", "rita@example.org",
                                                         "wyn@example.org"]


def test_dry_run_sends_nothing(tmp_path, smtp, capsys):
    sink, port = smtp
    world(tmp_path, port)
    code = main(["remind", "--db", str(tmp_path / "remind.sqlite"), "--as-user", "system",
                 "--as-of", "2025-11-20", "--dry-run"])
    out = capsys.readouterr().out
    assert code == 0 and "dry run: 3 digests, none sent" in out and sink.messages == []


def test_a_booked_session_is_e_mailed_as_an_invitation_to_both(tmp_path, smtp):
    import email

    import icalendar

    from supervision_kit.domain.bookings import Booking
    sink, port = smtp
    tk = world(tmp_path, port)
    b = tk.as_user("rita").book_session(Booking("W", "R", D("2025-11-24"), "14:00", 90, "Room 2"))
    report = tk.send_reminders(as_of="2025-11-20")
    assert report["invited"] == [b.id]
    invites = [(to[0], email.message_from_bytes(raw)) for to, raw in sink.messages
               if b"Supervision booked" in raw]
    assert sorted(to for to, _ in invites) == ["rita@example.org", "wyn@example.org"]
    for _, msg in invites:
        [part] = [p for p in msg.walk() if p.get_content_type() == "text/calendar"]
        [ev] = icalendar.Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT")
        assert ev["dtstart"].dt.isoformat() == "2025-11-24T14:00:00+00:00"
        assert str(ev["uid"]) == f"{b.id}@supervision-kit"
    assert tk.send_reminders(as_of="2025-11-20")["invited"] == []   # once only


def test_a_rearranged_then_cancelled_session_updates_then_cancels_both_calendars(tmp_path, smtp):
    import email

    import icalendar

    from supervision_kit.domain.bookings import Booking
    sink, port = smtp
    tk = world(tmp_path, port)
    rita = tk.as_user("rita")
    b = rita.book_session(Booking("W", "R", D("2025-11-24"), "14:00", 90, "Room 2"))
    assert tk.send_reminders(as_of="2025-11-20")["invited"] == [b.id]

    def calendars(subject: bytes):
        out = []
        for to, raw in sink.messages:
            if subject in raw:
                msg = email.message_from_bytes(raw)
                [part] = [p for p in msg.walk() if p.get_content_type() == "text/calendar"]
                cal = icalendar.Calendar.from_ical(part.get_payload(decode=True))
                [ev] = cal.walk("VEVENT")
                out.append((to[0], part.get_param("method"), str(cal["method"]), ev))
        return sorted(out, key=lambda x: x[0])
    moved = rita.rearrange_booking(b.id, "2025-11-26", "10:00", "Supervisor in court")
    sink.messages.clear()
    assert tk.send_reminders(as_of="2025-11-21")["invited"] == [moved.id]
    got = calendars(b"Supervision booked: 26 Nov 2025")
    assert [g[0] for g in got] == ["rita@example.org", "wyn@example.org"]
    for _, param, method, ev in got:      # the same event, moved: one revision on
        assert (param, method, str(ev["uid"]), int(ev["sequence"])) == (
            "REQUEST", "REQUEST", f"{b.id}@supervision-kit", 1)
        assert ev["dtstart"].dt.isoformat() == "2025-11-26T10:00:00+00:00"
    rita.cancel_booking(moved.id, "sickness", "supervisee", "2025-11-28")
    sink.messages.clear()
    report = tk.send_reminders(as_of="2025-11-22")
    assert report["cancelled"] == [moved.id] and report["invited"] == []
    got = calendars(b"Supervision cancelled: 26 Nov 2025")
    assert [g[0] for g in got] == ["rita@example.org", "wyn@example.org"]
    for _, param, method, ev in got:
        assert (param, method, str(ev["status"]), str(ev["uid"]), int(ev["sequence"])) == (
            "CANCEL", "CANCEL", "CANCELLED", f"{b.id}@supervision-kit", 2)
    sink.messages.clear()
    assert tk.send_reminders(as_of="2025-11-22")["cancelled"] == []   # once only
    assert not any(b"Supervision cancelled" in raw for _, raw in sink.messages)
    sent = [e["entity_id"] for e in tk.audit_log(action="send") if e["entity"] == "cancellation"]
    assert sent == [moved.id]


def test_a_cancelled_session_never_invited_sends_no_cancellation(tmp_path, smtp):
    from supervision_kit.domain.bookings import Booking
    sink, port = smtp
    tk = world(tmp_path, port)
    rita = tk.as_user("rita")
    b = rita.book_session(Booking("W", "R", D("2025-11-24"), "14:00", 90, "Room 2"))
    rita.cancel_booking(b.id, "leave", "supervisor")
    report = tk.send_reminders(as_of="2025-11-20")
    assert report["cancelled"] == [] and report["invited"] == []
    assert not any(b"Supervision cancelled" in raw or b"Supervision booked" in raw
                   for _, raw in sink.messages)


def test_opting_out_on_my_records_tab_stops_that_kind_and_is_logged(tmp_path, smtp):
    from supervision_kit.apps.reflection_app import ReflectionApp
    sink, port = smtp
    tk = world(tmp_path, port)
    app = ReflectionApp(tk.as_user("wyn"))
    app.show_my_records()
    choices = app.reminder_choices
    assert choices.widget in app.tabs.children[app._my_records_index].children
    assert all(b.value for b in choices.boxes.values())          # everything, to begin with
    assert choices.boxes["actions"].description == "Overdue actions you own"
    choices.boxes["actions"].value = False                       # unticked on screen
    assert choices.status == "Overdue actions you own: not e-mailed"
    assert [k for k, _, on in tk.as_user("wyn").reminder_choices() if not on] == ["actions"]
    tk.send_reminders(as_of="2025-11-20")
    wyn = bodies(sink)["wyn@example.org"].decode()
    assert "Overdue actions" not in wyn and "Subject: Supervision reminders: 2 things" in wyn
    rita = bodies(sink)["rita@example.org"].decode()      # Rita's own choices are untouched
    assert "Supervision reminders" in rita
    log = [(e["action"], e["user"], e["detail"]) for e in tk.audit_log(limit=500)
           if e["entity"] == "reminders" and e["action"].startswith("opt")]
    assert log == [("opt out", "wyn", "actions")]
    assert choices.choose("actions", True) and choices.boxes["actions"].value
    assert tk.as_user("wyn").reminder_choices()[2] == ("actions", "Overdue actions you own", True)


def test_moved_then_cancelled_before_the_update_went_out_still_cancels_the_event(tmp_path,
                                                                                   smtp):
    import email

    import icalendar

    from supervision_kit.domain.bookings import Booking
    sink, port = smtp
    tk = world(tmp_path, port)
    rita = tk.as_user("rita")
    b = rita.book_session(Booking("W", "R", D("2025-11-24"), "14:00", 90, "Room 2"))
    assert tk.send_reminders(as_of="2025-11-20")["invited"] == [b.id]   # in both calendars
    moved = rita.rearrange_booking(b.id, "2025-11-26", "10:00", "Supervisor in court")
    rita.cancel_booking(moved.id, "leave", "supervisor")    # before the update was sent
    sink.messages.clear()
    report = tk.send_reminders(as_of="2025-11-21")
    assert report["cancelled"] == [moved.id] and report["invited"] == []
    cancels = [(to[0], email.message_from_bytes(raw)) for to, raw in sink.messages
               if b"Supervision cancelled" in raw]
    assert sorted(to for to, _ in cancels) == ["rita@example.org", "wyn@example.org"]
    for _, msg in cancels:
        [part] = [p for p in msg.walk() if p.get_content_type() == "text/calendar"]
        [ev] = icalendar.Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT")
        assert (str(ev["uid"]), str(ev["status"])) == (f"{b.id}@supervision-kit", "CANCELLED")
