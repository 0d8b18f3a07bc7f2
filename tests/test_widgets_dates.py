"""The one date field (issue 14): day, month and year in three boxes, whatever the browser's
locale; a wrong date says so beside the boxes and keeps what was typed."""
import datetime as dt

from supervision_kit.widgets.dates import DateInput, parse_day_month_year


def test_a_date_set_in_python_shows_as_day_month_year_and_round_trips():
    d = DateInput(value=dt.date(2026, 12, 2), description="As of")
    assert (d.day, d.month, d.year) == ("2", "12", "2026")
    seen = []
    d.observe(lambda c: seen.append(c["new"]), "value")
    d.value = dt.datetime(2027, 1, 31, 9, 30)   # a datetime keeps only its day
    assert d.value == dt.date(2027, 1, 31) and (d.day, d.month, d.year) == ("31", "1", "2027")
    d.enter("8", "12", "2026")                 # as typed in the browser
    assert d.value == dt.date(2026, 12, 8) and seen == [dt.date(2027, 1, 31), dt.date(2026, 12, 8)]
    d.value = None
    assert (d.day, d.month, d.year, d.error) == ("", "", "", "")


def test_a_date_that_does_not_exist_is_refused_beside_the_boxes_and_the_typing_stays():
    d = DateInput(value=dt.date(2026, 12, 2), description="Due")
    d.enter("31", "2", "2026")
    assert d.error == "The date must be a real date: 31/2/2026 does not exist"
    assert (d.day, d.month, d.year) == ("31", "2", "2026")   # what was typed stays
    assert d.value is None            # not the earlier date the person typed over
    d.enter("3", "Dec", "2026")
    assert "in numbers" in d.error and d.month == "Dec" and d.value is None
    d.enter("3", "12", "")
    assert d.error == "The date must include a year"
    d.enter("3", "12", "26")
    assert "4 numbers" in d.error
    d.enter("3", "12", "2026")
    assert d.error == "" and d.value == dt.date(2026, 12, 3)


def test_blank_boxes_mean_no_date_and_set_error_shows_a_message():
    d = DateInput(description="Review by")
    assert d.value is None and d.day == ""
    d.enter(" ", "", "")
    assert d.value is None and d.error == ""
    d.set_error("The review must come after the start")
    assert d.error == "The review must come after the start"
    d.set_error("")
    assert d.error == ""


def test_parse_reads_day_month_year_not_month_day_year():
    assert parse_day_month_year("12", "2", "2026") == dt.date(2026, 2, 12)
    assert parse_day_month_year("02", "12", "2026") == dt.date(2026, 12, 2)
