"""Periods of a policy preset, ``<stem>_days|weeks|months``, as (months, days) and in words."""
from __future__ import annotations


def period_of(node: dict, stem: str) -> tuple[int, int] | None:
    """(months, days) of the period ``stem`` in a mapping, or None if every unit is null."""
    months = node.get(f"{stem}_months")
    weeks = node.get(f"{stem}_weeks")
    days = node.get(f"{stem}_days")
    if months is None and weeks is None and days is None:
        return None
    return int(months or 0), int(days or 0) + 7 * int(weeks or 0)


def period_label(period: tuple[int, int] | None) -> str:
    """Plain words for a period: monthly, fortnightly, every 2 months, every 10 days."""
    if period is None:
        return "no requirement"
    months, n_days = period
    named = {(1, 0): "monthly", (3, 0): "quarterly", (12, 0): "yearly", (0, 7): "weekly",
             (0, 14): "fortnightly"}
    if period in named:
        return named[period]
    if n_days == 0:
        return f"every {months} months"
    if months == 0:
        return f"every {n_days // 7} weeks" if n_days % 7 == 0 else f"every {n_days} days"
    return f"every {months} months and {n_days} days"


def every_label(period: tuple[int, int] | None) -> str:
    """A window in plain words: at least every 2 months, at least every 6 weeks."""
    if period is None:
        return "no requirement"
    months, n_days = period
    if n_days == 0:
        return "at least monthly" if months == 1 else f"at least every {months} months"
    if months == 0:
        return (f"at least every {n_days // 7} weeks" if n_days % 7 == 0
                else f"at least every {n_days} days")
    return f"at least every {months} months and {n_days} days"
