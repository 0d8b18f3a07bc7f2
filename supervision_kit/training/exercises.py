"""Training exercises: join codes, aliases, and the exercise as trainees and trainers see it."""
from __future__ import annotations

import dataclasses as dc
import datetime as dt
import re
import secrets

from ..catalog.vignettes import RATINGS, Prompts, Update, Vignette, item_label, vignette_from_dict
from ..domain.values import clean_text
from ..errors import ValidationError

# No 0/O, 1/I/L: a code read off a projector is typed correctly.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
ALIAS_MAX = 40
RATIONALE_MAX = 5000
REFLECTION_INDEX = -1  # exercise_ratings rows with this update_index hold a trainee's reflection
_SPACES = re.compile(r"\s+")


def new_code() -> str:
    """A random 6-character join code from unambiguous characters."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code) -> str:
    """A typed code in canonical form (upper case, spaces and dashes dropped)."""
    if not isinstance(code, str) or not code.strip():
        raise ValidationError("code", "type the join code the trainer shows")
    return re.sub(r"[\s\-]", "", code).upper()


def clean_alias(alias) -> str:
    """A trainee's alias: 1 to 40 characters of text, inner spaces collapsed."""
    text = clean_text(alias, "alias", required=True, max_len=500)
    text = _SPACES.sub(" ", text).strip()
    if not text:
        raise ValidationError("alias", "choose an alias (a first name or a nickname)")
    if len(text) > ALIAS_MAX:
        raise ValidationError("alias", f"at most {ALIAS_MAX} characters")
    return text


def clean_rating(rating) -> str | None:
    """G, A or R (any case); None or "" for not yet rated."""
    if rating is None or (isinstance(rating, str) and not rating.strip()):
        return None
    r = rating.strip().upper() if isinstance(rating, str) else None
    if r not in RATINGS:
        raise ValidationError("rating", "use G (improving), A (the same) or R (worse)")
    return r


@dc.dataclass(frozen=True)
class Exercise:
    """A set of vignettes (as they were when the exercise was made) and its join code."""
    id: str
    code: str
    title: str
    trainer_id: str
    created: dt.datetime | None
    vignettes: tuple[Vignette, ...]

    def vignette(self, vignette_id: str) -> Vignette:
        """The exercise's vignette with this id."""
        for v in self.vignettes:
            if v.id == vignette_id:
                return v
        raise ValidationError("vignette", f"{vignette_id!r} is not part of exercise {self.code}")

    @property
    def items(self) -> list[tuple[str, int]]:
        """Every (vignette id, update index) to rate, in reading order."""
        return [(v.id, i) for v in self.vignettes for i in range(len(v.updates))]

    def expert(self) -> dict[str, str]:
        """Item label -> the expert's rating (items without one are left out)."""
        return {item_label(v.id, i): u.expert_rating
                for v in self.vignettes for i, u in enumerate(v.updates) if u.expert_rating}

    def check_item(self, vignette_id: str, update_index) -> int:
        """The update index as an int, refused when the vignette has no such update."""
        v = self.vignette(vignette_id)
        try:
            i = int(update_index)
        except (TypeError, ValueError):
            raise ValidationError("update_index", "a whole number") from None
        if not 0 <= i < len(v.updates):
            raise ValidationError("update_index", f"{v.id} has updates 0 to {len(v.updates) - 1}")
        return i

    def for_trainee(self) -> Exercise:
        """The same exercise without expert ratings and rationales (kept for the debrief)."""
        hidden = tuple(dc.replace(v, updates=tuple(dc.replace(u, expert_rating="", rationale="")
                                                   for u in v.updates), teaching_points=())
                       for v in self.vignettes)
        return dc.replace(self, vignettes=hidden)


def missing_vignette(vignette_id: str, n_updates: int) -> Vignette:
    """A stand-in for a vignette an older exercise names but the library no longer has."""
    return Vignette(id=vignette_id, title=f"{vignette_id} (not in the vignette library)",
                    setting="child in need", themes=(), summary="(text not available)",
                    updates=tuple(Update(f"Update {i + 1}", "(text not available)", "", "")
                                  for i in range(max(1, n_updates))),
                    teaching_points=(), prompts=Prompts("gibbs", ()))


def exercise_from_row(r, library: dict[str, Vignette] | None = None,
                      n_updates: dict[str, int] | None = None) -> Exercise:
    """An ``Exercise`` from an ``exercises`` row.

    Exercises made here store a snapshot of each vignette (what trainees saw stays what the
    results refer to); an exercise that stores only vignette ids is resolved against
    ``library``, with a stand-in of ``n_updates[id]`` updates for an unknown id.
    """
    out = []
    for d in r.vignettes or []:
        if isinstance(d, dict):
            out.append(vignette_from_dict(d))
        elif (library or {}).get(str(d)) is not None:
            out.append(library[str(d)])
        else:
            out.append(missing_vignette(str(d), (n_updates or {}).get(str(d), 1)))
    return Exercise(id=r.id, code=r.code, title=r.title or "", trainer_id=r.trainer_id,
                    created=r.created, vignettes=tuple(out))
