"""Safeguarding training records and the quality-assurance sample of observations.

Training [Surrey 6; Temple Appendix 2]: courses attended per practitioner with their level
and renewal date; the level each role needs and the default renewal period are data in
``templates/training/levels.yaml``. Observations [Havering 8]: "a random sample will also
be sent to the Quality Assurance Team for audit purposes".
"""
from __future__ import annotations

import datetime as dt
import random
from typing import TYPE_CHECKING

from ..catalog.training_levels import load_training_levels
from ..domain.enums import Role
from ..domain.lifecycle import day_text
from ..domain.values import clean_text, new_id, parse_date
from ..errors import ValidationError
from ..store import training_records as store
from ..store.access import known_people
from ..store.people import names_of
from .context import Context

if TYPE_CHECKING:  # pandas loads on first use: the apps open a second sooner
    import pandas as pd

STATUS_COLUMNS = ["practitioner_id", "name", "role", "team", "required_level", "latest_course",
                  "latest_level", "last_attended", "renewal_due", "out_of_date", "reason"]


def _add_months(d: dt.date, months: int) -> dt.date:
    import pandas as pd
    return (pd.Timestamp(d) + pd.DateOffset(months=months)).date()


class TrainingRecordsService:
    """Training take-up and who is out of date; the QA sample of observations."""

    def __init__(self, ctx: Context):
        self.ctx = ctx

    def training_levels(self) -> dict:
        """The training levels, default renewal and level required by role."""
        return load_training_levels(self.ctx.settings.templates)

    def add_training_record(self, practitioner_id: str, course: str, level: int, attended,
                            renewal_due=None) -> dict:
        """Record a course attended (oneself, or someone one supervises or manages)."""
        self.ctx.require_write("record training")
        conf = self.training_levels()
        course = clean_text(course, "course", required=True, max_len=200).strip()
        try:
            level = int(level)
        except (TypeError, ValueError):
            raise ValidationError(
                "level", f"a level: one of {', '.join(map(str, conf['levels']))}"
            ) from None
        if level not in conf["levels"]:
            raise ValidationError("level", f"unknown level {level}; use one of "
                                  + ", ".join(map(str, conf["levels"])))
        attended = parse_date(attended, "attended", required=True)
        renewal = parse_date(renewal_due, "renewal_due") or _add_months(
            attended, conf["renewal_months"]
        )
        if renewal <= attended:
            raise ValidationError("renewal_due", "renewal must come after the course")
        if practitioner_id != self.ctx.me.id:
            if self.ctx.role not in (Role.ADMIN, Role.MANAGER, Role.SUPERVISOR):
                raise self.ctx.deny(f"record training for {practitioner_id}")
            self.ctx.check_see([practitioner_id], f"record training for {practitioner_id}")
        rid = new_id("train")
        with self.ctx.tx() as conn:
            if practitioner_id not in known_people(conn, [practitioner_id]):
                raise ValidationError(
                    "practitioner_id", f"unknown practitioner {practitioner_id!r}"
                )
            store.insert_training_record(
                conn, id=rid, practitioner_id=practitioner_id, course=course, level=level,
                attended=attended, renewal_due=renewal)
            self.ctx.log(conn, "create", "training_record", rid, f"{practitioner_id} level {level}")
        return next(r for r in self.training_records(practitioner_id) if r["id"] == rid)

    def training_records(self, practitioner_id: str | None = None) -> list[dict]:
        """Courses attended, newest first: id, practitioner_id, name, course, level,
        attended, renewal_due."""
        with self.ctx.tx() as conn:  # a read, logged like every view of personal records
            rows = [r for r in store.training_record_rows(conn, practitioner_id)
                    if self.ctx.can_see(r.practitioner_id)]
            names = names_of(conn, [r.practitioner_id for r in rows])
            self.ctx.log(
                conn, "view", "training_records", practitioner_id or "", f"{len(rows)} courses"
            )
        return [dict(id=r.id, practitioner_id=r.practitioner_id,
                     name=names.get(r.practitioner_id, r.practitioner_id), course=r.course,
                     level=r.level, attended=r.attended, renewal_due=r.renewal_due) for r in rows]

    def training_status(self, as_of=None, team: str | None = None) -> pd.DataFrame:
        """One row per current practitioner this user may see (see ``STATUS_COLUMNS``):
        the level their role needs, their latest course, the renewal date of the training
        that covers them, and ``out_of_date`` with the reason."""
        import pandas as pd
        conf = self.training_levels()
        day = parse_date(as_of, "as_of") or dt.date.today()
        with self.ctx.engine.connect() as conn:
            people = [p for p in store.practitioner_rows(conn, team) if self.ctx.can_see(p.id)
                      and (p.leaving_date is None or p.leaving_date > day)]
            recs = store.courses_by_practitioner(conn, day)
        rows = []
        for p in people:
            need = conf["required_by_role"].get(p.role)
            mine = recs.get(p.id, [])
            last = mine[-1] if mine else None
            at_level = [r for r in mine if need is not None and r.level >= need]
            valid = [r for r in at_level if r.renewal_due is None or r.renewal_due >= day]
            cover = max(valid or at_level, key=lambda r: r.renewal_due or dt.date.max, default=None)
            if need is None:
                out, why = False, "no safeguarding level required for this role"
            elif valid:
                out, why = (
                    False,
                    f"level {cover.level} valid until {day_text(cover.renewal_due) or 'no end date'}",
                )
            elif at_level:
                out, why = True, f"level {need} renewal was due {day_text(cover.renewal_due)}"
            elif last is not None:
                out, why = True, f"level {last.level} held; level {need} required"
            else:
                out, why = True, "no safeguarding training recorded"
            rows.append(dict(practitioner_id=p.id, name=p.name, role=p.role, team=p.team,
                             required_level=need, latest_course=last.course if last else "",
                             latest_level=last.level if last else None,
                             last_attended=last.attended if last else None,
                             renewal_due=cover.renewal_due if cover else None,
                             out_of_date=out, reason=why))
        df = pd.DataFrame(rows, columns=STATUS_COLUMNS)
        for col in ("last_attended", "renewal_due"):
            df[col] = pd.to_datetime(df[col])
        df["required_level"] = df["required_level"].astype("Int64")
        df["latest_level"] = df["latest_level"].astype("Int64")
        df["out_of_date"] = df["out_of_date"].astype(bool)
        self.ctx.log_view("training_status", team or "", f"as of {day}; {len(df)} rows")
        return df

    def training_take_up(self, as_of=None) -> pd.DataFrame:
        """Take-up by team [Surrey 6 "monitoring of the take-up rate"]: team, staff,
        required, up_to_date, out_of_date, take_up_percent."""
        import pandas as pd
        st = self.training_status(as_of)
        st = st[st["required_level"].notna()]
        st = st.assign(team=st["team"].replace("", "(no team)"))
        g = st.groupby("team")
        out = pd.DataFrame({"staff": g.size(), "out_of_date": g["out_of_date"].sum()})
        out["required"] = out["staff"]
        out["up_to_date"] = out["staff"] - out["out_of_date"]
        out["take_up_percent"] = (100.0 * out["up_to_date"] / out["staff"]).round(1)
        return out.reset_index()[["team", "staff", "required", "up_to_date", "out_of_date",
                                  "take_up_percent"]]

    # -- observations of practice: names and the QA sample ------------------------------------
    def observation_names(self, supervisee_id: str | None = None) -> dict[str, str]:
        """Names of the supervisees and observers of the observations this user may see
        (a supervisee may not look their observer up, but is told who observed them)."""
        with self.ctx.engine.connect() as conn:
            ids = {p for r in store.observation_people(conn, supervisee_id)
                   if self.ctx.can_see(r.supervisee_id)
                   for p in (r.supervisee_id, r.observer_id)}
            return names_of(conn, ids)

    def sample_observations_for_qa(self, fraction: float = 0.2, seed=None, *, since=None,
                                   as_of=None) -> list[str]:
        """Mark a random sample of recorded observations (not yet sampled) for the quality
        assurance audit [Havering 8]; at least one when any are eligible. Returns their ids."""
        self.ctx.require("sample observations for quality assurance", Role.MANAGER)
        try:
            fraction = float(fraction)
        except (TypeError, ValueError):
            raise ValidationError("fraction", "a fraction between 0 and 1") from None
        if not 0 < fraction <= 1:
            raise ValidationError("fraction", "a fraction between 0 and 1 (e.g. 0.2)")
        day = parse_date(as_of, "as_of") or dt.date.today()
        since = parse_date(since, "since")
        with self.ctx.tx() as conn:
            pool = sorted(r.id for r in store.unsampled_observations(conn, day, since)
                          if self.ctx.can_see(r.supervisee_id))
            n = min(len(pool), max(1, round(fraction * len(pool)))) if pool else 0
            chosen = sorted(random.Random(seed).sample(pool, n))
            if chosen:
                store.mark_qa_sample(conn, chosen)
            self.ctx.log(conn, "sample", "observation", "", f"{n} of {len(pool)} for QA audit")
        return chosen
