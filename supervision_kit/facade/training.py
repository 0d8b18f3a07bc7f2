"""Training exercises through the facade: trainers make exercises; trainees join with a code.

Trainees have no account: :meth:`TrainingService.join_exercise` (or ``Toolkit.trainee``)
gives a :class:`TraineeSession` that can only rate and reflect in that one exercise, and is
logged as ``trainee:<alias>``. A trainee's guided reflection is kept beside the ratings,
as the row with ``update_index = -1`` for that vignette (the ``reflections`` table needs a
practitioner as author).
"""
from __future__ import annotations

import dataclasses as dc
import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.engine import Connection

from ..catalog.vignettes import Vignette, item_label, load_vignettes
from ..domain.enums import Role
from ..domain.records import Practitioner, Reflection
from ..domain.validation import validate_reflection
from ..domain.values import clean_text, new_id
from ..errors import NotFound, ValidationError
from ..store import audit
from ..store import exercises as store
from ..store.engine import make_engine, write_transaction
from ..training.exercises import (RATIONALE_MAX, REFLECTION_INDEX, Exercise, clean_alias,
                                  clean_rating, exercise_from_row, new_code, normalise_code)
from .context import Context, settings_or_default

if TYPE_CHECKING:  # pandas loads on first use: the apps open a second sooner
    import pandas as pd

READERS = (Role.TRAINER, Role.AUDITOR)


def _now() -> dt.datetime:
    return dt.datetime.now().replace(tzinfo=None)


def _find(conn: Connection, code_or_id: str, library=None) -> Exercise:
    """The exercise with this id or join code (typed codes in any case, with or without dashes)."""
    raw = str(code_or_id or "").strip()
    keys = {raw, raw.upper()}
    try:
        keys.add(normalise_code(raw))
    except ValidationError:
        pass
    r = store.exercise_row(conn, keys)
    if r is None:
        raise NotFound(f"no exercise with code {raw!r}; check the code the trainer shows")
    counts = {}
    if any(not isinstance(v, dict) for v in r.vignettes or []):
        counts = store.updates_rated(conn, r.id)
    return exercise_from_row(r, library, counts)


def _save_rating(conn: Connection, ex: Exercise, alias: str, vignette_id: str, update_index,
                 rating, rationale) -> dict:
    i = ex.check_item(vignette_id, update_index)
    row = dict(exercise_id=ex.id, alias=clean_alias(alias), vignette=vignette_id, update_index=i,
               rating=clean_rating(rating),
               rationale=clean_text(rationale, "rationale", max_len=RATIONALE_MAX), at=_now())
    store.upsert_rating(conn, row)
    return row


def ratings_frame(conn: Connection, ex: Exercise, alias: str | None = None) -> pd.DataFrame:
    """The exercise's ratings (``results.RATING_COLUMNS``), in reading order."""
    import pandas as pd

    from ..training import results as res
    rows = store.rating_rows(conn, ex.id, alias)
    if not rows:
        return res.empty_ratings()
    when = {item_label(v.id, i): u.when for v in ex.vignettes for i, u in enumerate(v.updates)}
    expert = ex.expert()
    df = pd.DataFrame([dict(alias=r.alias, vignette=r.vignette, update_index=int(r.update_index),
                            item=item_label(r.vignette, r.update_index), rating=r.rating,
                            rationale=r.rationale or "", at=r.at) for r in rows])
    df["when"] = df["item"].map(when)
    df["expert_rating"] = df["item"].map(expert)
    return df[res.RATING_COLUMNS]


class TraineeSession:
    """One trainee in one exercise: may rate its updates and reflect, nothing else."""

    def __init__(self, engine, settings, exercise: Exercise, alias: str):
        self.engine, self.settings = engine, settings
        self.exercise = exercise.for_trainee()  # no expert ratings on a trainee's page
        self.alias = alias
        # The alias is free text; the id stored on the trainee's reflection must be a safe id.
        digest = hashlib.sha256(alias.encode("utf-8", "surrogatepass")).hexdigest()[:16]
        self.me = Practitioner(id=f"trainee-{digest}", name=alias, username=f"trainee:{alias}",
                               role="trainee")

    def _log(self, conn, action: str, detail: str = "") -> None:
        audit.append(conn, self.me.username, action, "exercise", self.exercise.id, detail)

    def frameworks(self) -> dict:
        """The reflective frameworks a trainee may reflect with, by id."""
        from ..catalog.frameworks import load_frameworks
        return load_frameworks(self.settings.templates)

    def rate(self, vignette_id: str, update_index: int, rating=None, rationale: str = "") -> dict:
        """Save (or replace) this trainee's rating of one update; ``rating`` None = not yet."""
        with write_transaction(self.engine) as conn:
            row = _save_rating(conn, self.exercise, self.alias, vignette_id, update_index,
                               rating, rationale)
            self._log(conn, "rate", f"{item_label(vignette_id, row['update_index'])} "
                                    f"{row['rating'] or '-'}")
        return row

    def my_ratings(self) -> dict[tuple[str, int], tuple[str | None, str]]:
        """(vignette id, update index) -> (rating, rationale) saved so far by this trainee."""
        with self.engine.connect() as conn:
            return {(r.vignette, int(r.update_index)): (r.rating, r.rationale or "")
                    for r in store.rating_rows(conn, self.exercise.id, self.alias)}

    def save_reflection(self, r: Reflection, vignette_id: str) -> Reflection:
        """Keep this trainee's guided reflection on one vignette (one per vignette)."""
        self.exercise.vignette(vignette_id)
        r = dc.replace(r, author_id=self.me.id, exercise_id=self.exercise.id,
                       id=r.id or self._reflection_id(vignette_id))
        validate_reflection(r)
        body = json.dumps({"framework": r.framework, "responses": r.responses}, ensure_ascii=False)
        with write_transaction(self.engine) as conn:
            store.upsert_rating(conn, dict(exercise_id=self.exercise.id, alias=self.alias, vignette=vignette_id,
                               update_index=REFLECTION_INDEX, rating=None, rationale=body,
                               at=_now()))
            self._log(conn, "reflect", f"{vignette_id} {r.framework}")
        return r

    def reflection(self, vignette_id: str) -> Reflection | None:
        """This trainee's reflection on ``vignette_id``, if one was saved."""
        with self.engine.connect() as conn:
            found = store.reflection_rows(conn, self.exercise.id, REFLECTION_INDEX,
                                          alias=self.alias, vignette=vignette_id)
        if not found:
            return None
        r = found[0]
        body = json.loads(r.rationale or "{}")
        return Reflection(framework=body.get("framework", "gibbs"), author_id=self.me.id,
                          responses=body.get("responses", {}), exercise_id=self.exercise.id,
                          created=r.at, id=self._reflection_id(vignette_id))

    def _reflection_id(self, vignette_id: str) -> str:
        # The same for the same trainee and vignette, and a valid id whatever the alias.
        import hashlib
        key = f"{self.exercise.id}:{self.alias}:{vignette_id}".encode()
        return f"tr-{hashlib.sha256(key).hexdigest()[:24]}"


class TrainingService:
    """Vignette exercises: make one, let trainees join and rate, read and export the results."""

    def __init__(self, ctx: Context):
        self.ctx = ctx

    def vignette_library(self) -> dict[str, Vignette]:
        """Every vignette in ``templates/vignettes`` by id (files are validated)."""
        return load_vignettes(self.ctx.settings.templates)

    def create_exercise(self, vignette_ids, title: str = "") -> tuple[str, str]:
        """A new exercise of these vignettes (trainer or admin); returns (id, join code)."""
        self.ctx.require("run training exercises", Role.TRAINER)
        ids = [vignette_ids] if isinstance(vignette_ids, str) else list(vignette_ids or [])
        if not ids:
            raise ValidationError("vignettes", "choose at least one vignette")
        library = self.vignette_library()
        unknown = [v for v in ids if v not in library]
        if unknown:
            raise ValidationError(
                "vignettes", f"unknown vignette(s): {', '.join(map(str, unknown))}"
            )
        if len(set(ids)) != len(ids):
            raise ValidationError("vignettes", "a vignette is chosen twice")
        title = (
            clean_text(title, "title", max_len=200).strip()
            or f"RAG calibration {dt.date.today():%d %B %Y}"
        )
        xid = new_id("ex")
        with self.ctx.tx() as conn:
            taken = store.join_codes(conn)
            code = new_code()
            while code in taken:
                code = new_code()
            row = dict(id=xid, code=code, trainer_id=self.ctx.me.id, title=title,
                       vignettes=[library[v].to_dict() for v in ids], created=_now())
            store.insert_exercise(conn, row)
            self.ctx.log(conn, "create", "exercise", xid, f"code {code}; {','.join(ids)}"[:500])
        return xid, code

    def _readable(self, conn, code_or_id: str, what: str) -> Exercise:
        self.ctx.require(what, *READERS)
        ex = _find(conn, code_or_id, self.vignette_library())
        if self.ctx.role == Role.TRAINER and ex.trainer_id != self.ctx.me.id:
            raise self.ctx.deny(f"{what} of another trainer's exercise")
        return ex

    def exercise(self, code_or_id: str) -> Exercise:
        """An exercise with its expert ratings (its trainer, an admin or an auditor)."""
        with self.ctx.engine.connect() as conn:
            return self._readable(conn, code_or_id, "see training exercises")

    def exercises(self) -> list[Exercise]:
        """The acting trainer's exercises (all, for an admin or auditor), newest first."""
        self.ctx.require("see training exercises", *READERS)
        mine = self.ctx.me.id if self.ctx.role == Role.TRAINER else None
        library = self.vignette_library()
        with self.ctx.engine.connect() as conn:
            return [exercise_from_row(r, library) for r in store.exercise_rows(conn, mine)]

    def join_exercise(self, code: str, alias: str) -> TraineeSession:
        """Join as a trainee (no account needed): the session can only rate and reflect."""
        return _join(self.ctx.engine, self.ctx.settings, code, alias)

    def rate(self, exercise_id: str, alias: str, vignette_id: str, update_index: int,
             rating=None, rationale: str = "") -> dict:
        """Save (or replace) a rating on a trainee's behalf, e.g. from paper (the trainer)."""
        with self.ctx.tx() as conn:
            ex = self._readable(conn, exercise_id, "enter ratings")
            if self.ctx.role == Role.AUDITOR:
                raise self.ctx.deny("enter ratings")
            row = _save_rating(conn, ex, alias, vignette_id, update_index, rating, rationale)
            self.ctx.log(conn, "rate", "exercise", ex.id, f"{row['alias']} "
                      f"{item_label(vignette_id, row['update_index'])}")
        return row

    def exercise_ratings(self, exercise_id: str, log: bool = True) -> pd.DataFrame:
        """Every trainee's ratings (``results.RATING_COLUMNS``); the trainer, admin or auditor."""
        with self.ctx.engine.connect() as conn:
            ex = self._readable(conn, exercise_id, "see exercise results")
            df = ratings_frame(conn, ex)
        if log:  # the live dashboard reads every few seconds and logs only its first look
            self.ctx.log_view("exercise_ratings", ex.id)
        return df

    def exercise_reflections(self, exercise_id: str) -> pd.DataFrame:
        """Trainees' reflections: alias, vignette, framework, responses (dict)."""
        import pandas as pd
        with self.ctx.engine.connect() as conn:
            ex = self._readable(conn, exercise_id, "see exercise reflections")
            rows = [(r.alias, r.vignette, json.loads(r.rationale or "{}"))
                    for r in store.reflection_rows(conn, ex.id, REFLECTION_INDEX)]
        return pd.DataFrame([dict(alias=a, vignette=v, framework=b.get("framework", ""),
                                  responses=b.get("responses", {})) for a, v, b in rows],
                            columns=["alias", "vignette", "framework", "responses"])

    def export_results_csv(self, exercise_id: str, path=None) -> str:
        """The results as CSV, trainees as T01, T02, ...; written to ``path`` when given."""
        from ..training import results as res
        with self.ctx.engine.connect() as conn:
            ex = self._readable(conn, exercise_id, "export exercise results")
            text = res.results_csv(ex, ratings_frame(conn, ex))
        with self.ctx.tx() as conn:
            self.ctx.log(conn, "export", "exercise_ratings", ex.id, "csv, pseudonymised")
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text


def trainee_session(db=None, code: str = "", alias: str = "", *, settings=None,
                    engine=None) -> TraineeSession:
    """A trainee's door to one exercise, acting as ``trainee:<alias>``, no login."""
    settings = settings_or_default(settings)
    return _join(engine or make_engine(db or settings.db_url), settings, code, alias)


def trainee_door(db=None, *, settings=None, engine=None):
    """``join(code, alias) -> TraineeSession`` on one engine, opened on first use: what a
    trainee's page holds instead of a toolkit (trainees have no account)."""
    state = {"engine": engine}

    def join(code: str, alias: str) -> TraineeSession:
        if state["engine"] is None:
            state["engine"] = make_engine(db or settings.db_url)
        return trainee_session(code=code, alias=alias, settings=settings, engine=state["engine"])
    return join


def _join(engine, settings, code: str, alias: str) -> TraineeSession:
    normalise_code(code)  # a blank code is a clear message, not "no exercise ''"
    alias = clean_alias(alias)
    with engine.connect() as conn:
        ex = _find(conn, code, load_vignettes(settings.templates))
    session = TraineeSession(engine, settings, ex, alias)
    with write_transaction(engine) as conn:
        session._log(conn, "join", "")
    return session
