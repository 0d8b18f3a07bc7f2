"""Entitlement per stream [Temple "Entitlement"; Havering 1]: a supervisee with management
supervision (Havering, monthly, 14 days' tolerance) and professional supervision (HSCB,
quarterly, 28 days) sees each stream's due date, supervisor and tolerance; the stream
beyond its tolerance leads, and the three-way meeting is about it. Hand-worked dates."""
from supervision_kit.widgets.entitlement import EntitlementPanel
from tests.rules_store import D, hold
from tests.test_rules_streams import two_streams


def test_each_stream_has_its_own_entitlement_and_the_one_beyond_tolerance_leads(tmp_path):
    tk = two_streams(tmp_path)
    hold(tk, "W", "2025-10-06", stream="management")
    hold(tk, "W", "2025-09-15", by="rita", stream="professional")
    w = tk.as_user("w")
    # 25 Nov: management was due 6 Nov (19 days; 14 allowed: beyond); professional 15 Dec.
    e = w.entitlement(as_of="2025-11-25")
    by = {s["stream"]: s for s in e["streams"]}
    assert (by["management"]["next_due"], by["management"]["days_overdue"],
            by["management"]["tolerance_days"], by["management"]["beyond_tolerance"]) == (
        D("2025-11-06"), 19, 14, True)
    assert (by["professional"]["next_due"], by["professional"]["days_overdue"],
            by["professional"]["supervisor"]) == (D("2025-12-15"), 0, "Rita Registered")
    assert e["beyond_tolerance"] and e["supervisor_id"] == "S"
    panel = EntitlementPanel(w, as_of=D("2025-11-25"))
    text = panel.summary.value
    assert ("Management (line) supervision with Sam Supervisor: Your supervision was due on "
            "6 November 2025 and is 19 days overdue") in text
    assert ("Professional supervision (registered social worker) with Rita Registered: Your "
            "next supervision is due by 15 December 2025.") in text
    assert panel.can_request                                   # the three-way box is shown
    # 5 Jan 2026 after a management session on 1 Dec: management due 1 Jan (4 days late,
    # within 14); professional due 15 Dec (21 days late, within 28): no three-way yet.
    hold(tk, "W", "2025-12-01", stream="management")
    e = w.entitlement(as_of="2026-01-05")
    assert [(s["stream"], s["days_overdue"], s["beyond_tolerance"]) for s in e["streams"]] == [
        ("professional", 21, False), ("management", 4, False)]
    assert not e["beyond_tolerance"] and e["supervisor_id"] == "R"
    # 20 Jan: both beyond (management 19 of 14, professional 36 of 28): most overdue first.
    e = w.entitlement(as_of="2026-01-20")
    assert [(s["stream"], s["days_overdue"], s["beyond_tolerance"]) for s in e["streams"]] == [
        ("professional", 36, True), ("management", 19, True)]


def test_a_stream_beyond_its_tolerance_leads_a_later_one_within_its_own(tmp_path):
    tk = two_streams(tmp_path)
    hold(tk, "W", "2025-11-25", stream="management")              # due 25 Dec
    hold(tk, "W", "2025-09-15", by="rita", stream="professional")  # due 15 Dec
    # 10 Jan: professional 26 days late (28 allowed); management 16 (14 allowed): beyond.
    e = tk.as_user("w").entitlement(as_of="2026-01-10")
    assert [(s["stream"], s["days_overdue"], s["beyond_tolerance"]) for s in e["streams"]] == [
        ("management", 16, True), ("professional", 26, False)]
    assert e["beyond_tolerance"] and e["supervisor_id"] == "S" and e["days_overdue"] == 16
