"""The rules engine through the facade: due, overdue and drifting, as of any date.

Every method takes ``as_of`` (a date or ISO string; default today) and ``team``
(a team name; default every team), returns a pandas DataFrame restricted to
what the acting user may see, and writes one "view" entry to the audit log.
Dates are pandas ``datetime64`` columns (``NaT`` when there is none);
``days_overdue`` is 0 when nothing is overdue.
"""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from ..domain.lifecycle import day_text
from ..domain.values import parse_date
from ..errors import NotFound
from .context import Context

if TYPE_CHECKING:  # pandas loads on first use: the apps open a second sooner
    import pandas as pd

_LISTS = ("supervisee_ids",)


class RulesService:
    """What is due, overdue and drifting, exactly as the policy presets say."""

    def __init__(self, ctx: Context):
        self.ctx = ctx

    # -- plumbing ------------------------------------------------------------------
    def same_reads(self):
        """A block in which the rules read each table of the store once, shared by every
        call in it (a page's refresh: the agency is read once, not once per section)."""
        from ..store.frames import shared_reads
        return shared_reads()

    def warm_rules(self) -> None:
        """Run the drift and due-date rules once for nobody (no rows, nothing shown or
        logged), so that in a preheated kernel the first flag or suggestion its page asks
        for does not also pay the imports and pandas' first-use costs [issue 15]."""
        from ..rules.cases import drift
        from ..rules.supervision import supervision_due
        day, fr, book = self._rules_context(None, only=("cases", "supervision"))
        fr.cases = fr.cases.iloc[:0]
        drift(fr, book, day)
        supervision_due(fr, book, day, only=set())

    def _rules_context(self, as_of, only=None):
        from ..rules.policy import PolicyBook
        from ..store.frames import load_frames
        day = parse_date(as_of, "as_of") or dt.date.today()
        with self.ctx.engine.connect() as conn:
            frames = load_frames(conn, day, only=only)
        book = PolicyBook(self.ctx.settings.templates, self.ctx.settings.default_preset)
        return day, frames, book

    def _rules_out(self, df: pd.DataFrame, what: str, day: dt.date, team, *,
                   who=("supervisee_id",), team_col: str = "team") -> pd.DataFrame:
        """Keep the rows this user may see (any of the ``who`` columns visible), log one view."""
        import pandas as pd
        if team and team_col in df.columns:
            df = df[df[team_col] == team]
        vis = self.ctx.visible
        if vis is not None and len(df):
            keep = pd.Series(False, index=df.index)
            for col in who:
                vals = df[col]
                if col in _LISTS:
                    keep |= vals.map(lambda ids: any(i in vis for i in ids))
                else:
                    keep |= vals.isin(vis)
            df = df[keep]
        df = df.reset_index(drop=True)
        self.ctx.log_view("rules", what, f"as of {day.isoformat()}"
                       + (f"; team {team}" if team else "") + f"; {len(df)} rows")
        return df

    # -- supervision frequency -------------------------------------------------------
    def due(self, as_of=None, team: str | None = None) -> pd.DataFrame:
        """Supervision due per supervisee: supervisee_id, name, team, preset, last_held,
        next_due, days_overdue, reason (then rule, supervisor_id)."""
        from ..rules.supervision import supervision_due
        day, fr, book = self._rules_context(as_of, only=("supervision",))
        return self._rules_out(supervision_due(fr, book, day), "due", day, team)

    def suggest_next_session(self, supervisee_id: str, after=None) -> dt.date:
        """A date for the next session: the policy's next due date, or the next working
        day when that has already passed."""
        from ..rules.supervision import suggest_next
        self.ctx.check_see([supervisee_id], f"plan supervision for {supervisee_id}")
        day, fr, book = self._rules_context(after, only=("supervision",))
        found = suggest_next(fr, book, day, supervisee_id)
        if found is None:
            raise NotFound(f"no current supervisee {supervisee_id!r} on {day_text(day)}")
        self.ctx.log_view("rules", "suggest_next_session",
                       f"{supervisee_id} after {day.isoformat()}: {found.isoformat()}")
        return found

    # -- cases -----------------------------------------------------------------------
    def _windows(self, day: dt.date, loaded=None) -> pd.DataFrame:
        """Every open case's window with its policy key, worked out once per
        ``same_reads`` block (the windows, drift and "Also due" of a page share it);
        ``loaded``: the (frames, book) of the cases if the caller has them."""
        from ..rules.cases import case_windows
        from ..store.frames import shared_value

        def work():
            fr, book = loaded or self._rules_context(day, only=("cases",))[1:]
            return case_windows(fr, book, day, internal=True)
        s = self.ctx.settings
        return shared_value(("rules", "case_windows", day, str(s.templates), s.default_preset),
                            work)

    def case_windows(self, as_of=None, team: str | None = None) -> pd.DataFrame:
        """Per open case: case_id, reference, worker_id, worker, status, last_discussed,
        due_by, days_overdue, quarterly_review_due (then team, window)."""
        from ..rules.cases import shown_windows
        day = parse_date(as_of, "as_of") or dt.date.today()
        return self._rules_out(shown_windows(self._windows(day)), "case_windows", day, team,
                               who=("worker_id",))

    def drift(self, as_of=None, team: str | None = None, worker_ids=None) -> pd.DataFrame:
        """Drifting cases: case_id, reference, worker_id, worker, status, reason, since,
        rags (then team, flags). ``worker_ids``: only the cases of these workers."""
        from ..rules.cases import drift
        day, fr, book = self._rules_context(as_of, only=("cases",))
        windows = None  # their windows alone: never the page's shared value
        if worker_ids is not None:
            # A case drifts on its own discussions and its worker's policy: the session
            # recorder asks about its supervisees' cases, not the agency's [issue 15].
            fr.cases = fr.cases[fr.cases["worker_id"].isin(set(worker_ids))].reset_index(drop=True)
        else:
            windows = self._windows(day, (fr, book))
        found = drift(fr, book, day, windows)
        return self._rules_out(found, "drift", day, team, who=("worker_id",))

    # -- records, functions, actions -------------------------------------------------
    def overdue_actions(self, as_of=None, team: str | None = None, *,
                        all_open: bool = False) -> pd.DataFrame:
        """Open actions past their due date: action_id, description, owner_id, owner,
        case_id, reference, due_date, days_overdue (then team, worker_id, session_id).
        ``all_open`` lists every action open on the date, overdue or not."""
        from ..rules.records import overdue_actions
        day, fr, book = self._rules_context(as_of, only=("actions",))
        return self._rules_out(overdue_actions(fr, day, all_open=all_open), "overdue_actions",
                               day, team,
                               who=("owner_id", "worker_id"))

    def function_balance(self, as_of=None, team: str | None = None) -> pd.DataFrame:
        """Functions covered over each supervisee's last sessions: supervisee_id, name,
        sessions, management, support, development, mediation, flag (then team)."""
        from ..rules.records import function_balance, window_needed
        from ..store.frames import read
        day, fr, book = self._rules_context(as_of, only=("supervision",))
        with self.ctx.engine.connect() as conn:  # as many recent sessions as any policy looks at
            fr.held_recent = read(conn, "held_recent", day, recent=window_needed(fr, book))
        return self._rules_out(function_balance(fr, book, day), "function_balance", day, team)

    def timeliness(self, as_of=None, team: str | None = None) -> pd.DataFrame:
        """Late, missing and unsigned records: session_id, date, supervisor_id,
        supervisee_ids (a list), issue, days (then team, detail)."""
        from ..rules.records import timeliness
        day, fr, book = self._rules_context(as_of, only=("records",))
        return self._rules_out(timeliness(fr, book, day, self.ctx.settings.unsigned_after_days),
                               "timeliness", day, team, who=("supervisor_id", "supervisee_ids"))

    def contract_reviews(self, as_of=None, team: str | None = None) -> pd.DataFrame:
        """Active contracts and their annual review: contract_id, supervisor_id, supervisor,
        supervisee_id, supervisee, team, preset, start_date, review_due, days_overdue,
        signed."""
        from ..rules.records import contract_reviews
        day, fr, book = self._rules_context(as_of, only=("practitioners", "contracts"))
        return self._rules_out(contract_reviews(fr, book, day), "contract_reviews", day, team,
                               who=("supervisee_id", "supervisor_id"))

    def observations_due(self, as_of=None, team: str | None = None) -> pd.DataFrame:
        """Observations of practice: supervisee_id, name, team, last_observed,
        in_last_year, required, next_due, days_overdue, reason."""
        from ..rules.records import observations_due
        day, fr, book = self._rules_context(as_of, only=("observations",))
        return self._rules_out(observations_due(fr, book, day), "observations_due", day, team)
