"""Saving the draft as it is typed: a refused value never stops the rest being saved."""
from __future__ import annotations

import copy
import dataclasses as dc
import datetime as dt
import re

from ...domain.records import SessionRecord
from ...domain.values import new_id
from ...errors import SupervisionError, ValidationError
from ..common import message, now_text, show_refusal

FIELD = re.compile(r"^(\w+)(?:\[(\d+)\])?(?:\.(\w+))?")
FIXED = {"date", "type", "supervisor_id", "supervisee_ids", "state", "id", "version"}


def default_of(obj, attr):
    """The dataclass default of ``obj.attr`` (None when it has none)."""
    for f in dc.fields(obj):
        if f.name == attr:
            if f.default is not dc.MISSING:
                return f.default
            if f.default_factory is not dc.MISSING:
                return f.default_factory()
    return None


def original_field(field: str, removed: dict[str, list[int]]) -> str:
    """``field`` of a copy with items removed, renamed to the on-screen item's index."""
    m = FIELD.match(field)
    if not m or m.group(2) is None or not removed.get(m.group(1)):
        return field
    j = int(m.group(2))
    for r in sorted(removed[m.group(1)]):
        if r <= j:
            j += 1
    return f"{m.group(1)}[{j}]" + field[m.end(2) + 1:]


class SavingMixin:
    """``bind``, ``changed`` and ``save`` of the recorder."""

    def bind(self, widget, obj, attr: str, after=None, convert=None) -> None:
        """Copy ``widget.value`` (through ``convert``) to ``obj.attr`` on every change, then
        save the draft."""
        def on_change(change):
            if self._loading:
                return
            setattr(obj, attr, convert(change["new"]) if convert else change["new"])
            if after:
                after()
            self.changed()
        widget.observe(on_change, names="value")

    def changed(self) -> None:
        """Something was typed or chosen: save the draft (unless ``autosave=False``)."""
        if self._loading or self.record is None:
            return
        self.dirty = True
        self.answers.go_home()   # "Saved" answers typing: it shows at the top, not by a button
        if self.autosave and not self.locked:
            self.save()

    def _ensure_ids(self) -> None:
        # Ids are given here, not by the store, so rows map to widgets whatever is saved.
        rec = self.record
        for d in rec.discussions:
            d.id = d.id or new_id("disc")
        for a in rec.actions:
            a.id = a.id or new_id("act")
        for d in rec.disagreements:
            d.id = d.id or new_id("dis")
        for r in rec.reflections:
            r.id = r.id or new_id("refl")
            r.session_id = rec.id
            r.created = r.created or dt.datetime.now().replace(microsecond=0)

    def save(self) -> bool:
        """Save the draft now. A refused field is shown beside itself and everything else is
        still saved (the refused value falls back to its last saved one); True when all saved."""
        if self.record is None:
            return False
        if self.locked:
            self.status = "Locked: this record is signed; add an addendum instead"
            return False
        first = not self.record.version
        self._ensure_ids()
        errors: dict[str, str] = {}
        attempt, seen, removed = self.record, set(), {}
        saved = None
        for _ in range(25):
            try:
                saved = self.tk.save_session(attempt)
                break
            except ValidationError as e:
                errors[original_field(e.field, removed)] = e.message
                attempt = self._fallback(attempt, e.field, e.field in seen, removed)
                seen.add(e.field)
                if attempt is None:
                    break
            except SupervisionError as e:
                self.errors = errors
                show_refusal(self, e)
                return False
            except Exception as e:  # never lose a session to an unexpected error: say so
                self.status = message(e)
                return False
        self.errors = errors
        if saved is None:
            first = next(iter(errors.items()), ("record", "not saved"))
            self.status = (f"Not saved: {first[0]}: {first[1]}. Your text is kept here; "
                           f"fix the field marked in red.")
            return False
        self.record.version, self.record.state = saved.version, saved.state
        self._last_saved = saved
        self.dirty = bool(errors)
        self.status = (f"Draft saved at {now_text()}" if not errors else
                       f"Not saved: {len(errors)} field(s) marked in red (the rest was saved "
                       f"at {now_text()})")
        # The rules count this draft as held once it is stored, so the suggestion for the
        # next session is asked for after the first save, then saved with the draft.
        if first and self._prefill_next():
            return self.save()
        return not errors

    def _fallback(self, rec: SessionRecord, field: str, repeat: bool, removed) -> SessionRecord | None:
        """A copy without the refused value: its last saved value, else its default, else
        without that item. None when nothing sensible is left to save."""
        m = FIELD.match(field)
        if not m:
            return None
        c = copy.deepcopy(rec) if rec is self.record else rec
        name, idx, attr = m.group(1), m.group(2), m.group(3)
        if idx is None:
            if repeat or name in FIXED or not hasattr(c, name):
                return None
            prev = getattr(self._last_saved, name) if self._last_saved else default_of(c, name)
            setattr(c, name, copy.deepcopy(prev))
            return c
        items, i = getattr(c, name, None), int(idx)
        if not isinstance(items, list) or i >= len(items):
            return None
        item = items[i]
        old = next((x for x in getattr(self._last_saved, name, None) or []
                    if getattr(x, "id", None) and x.id == getattr(item, "id", None)), None)
        if attr and old is not None and hasattr(old, attr):
            value = getattr(old, attr)
        else:
            value = default_of(item, attr) if attr and dc.is_dataclass(item) else None
        if repeat or not attr or not hasattr(item, attr) or value == getattr(item, attr):
            j = int(FIELD.match(original_field(field, removed)).group(2))
            removed.setdefault(name, []).append(j)
            del items[i]
        else:
            setattr(item, attr, copy.deepcopy(value))
        return c

    def reload(self) -> None:
        """Drop what is on screen and show the stored record (after a stale-record warning)."""
        r = self.record
        fresh = self.tk.session(r.id) if r.version else self.tk.open_session(r.supervisee_ids, r.date)
        self._last_saved = copy.deepcopy(fresh) if fresh.version else None
        self.dirty = False
        self.record = fresh
