"""What the recorder knows around the record: names, cases, drift, the next-session suggestion."""
from __future__ import annotations

import datetime as dt
import threading
import time

from ...domain.records import SessionRecord
from ...errors import SupervisionError, ValidationError
from ..common import message


class ContextMixin:
    """Lookups made once per recorder; the slow rules calls only when first needed."""

    def _context(self, rec: SessionRecord) -> None:
        self.supervisee_ids = list(rec.supervisee_ids)
        if rec.id:  # a supervisee may not look their supervisor up, but sees who it is
            try:
                self.parties.update(self.tk.session_parties(rec.id))
            except SupervisionError:
                pass
        for pid in (rec.supervisor_id, *rec.supervisee_ids):
            self.name_of(pid)
        for sid in rec.supervisee_ids:
            for c in self.tk.cases(worker_id=sid, log=False):  # the picker, not a view
                self._cases[c.id] = c
        if self._frameworks is None:
            try:
                self._frameworks = self.tk.frameworks()
            except ValidationError as e:
                self._frameworks = {}
                self.status = f"Reflective frameworks not loaded: {e}"

    def name_of(self, pid: str | None) -> str:
        """A practitioner's name (the id when unknown or not visible)."""
        if not pid:
            return ""
        if pid not in self.parties:
            try:
                self.parties[pid] = self.tk.practitioner(pid).name
            except SupervisionError:
                return pid
        return self.parties[pid]

    @property
    def case_options(self) -> list[tuple[str, str]]:
        """(label, id) of the supervisees' open cases, by reference."""
        return sorted(((self.case_label(i), i) for i in self._cases), key=lambda x: x[0])

    def case_label(self, case_id: str | None) -> str:
        """"Reference (status)" of a case (its id when unknown)."""
        c = self._cases.get(case_id)
        return f"{c.reference} ({c.status})" if c else (case_id or "")

    @property
    def owner_options(self) -> list[tuple[str, str]]:
        """(name, id) of the parties, who may own an action."""
        r = self.record
        return ([(self.name_of(p), p) for p in r.supervisee_ids]
                + [(f"{self.name_of(r.supervisor_id)} (supervisor)", r.supervisor_id)])

    @property
    def default_owner(self) -> str | None:
        """The one supervisee of a one-to-one (a group's actions need an owner chosen)."""
        ids = self.record.supervisee_ids
        return ids[0] if len(ids) == 1 else None

    def drift_reason(self, case_id: str) -> str | None:
        """Why the rules flag this case as drifting (computed once, when first needed)."""
        return self._drift_by_case().get(case_id)

    def _drift_by_case(self) -> dict[str, str]:
        with self._drift_lock:  # a prefetch under way is waited for, not repeated
            if self._drift is None:
                drift = {}
                try:
                    # only the supervisees' cases: the agency's drift took seconds [issue 15]
                    df = self.tk.drift(as_of=self.record.date, worker_ids=self.supervisee_ids)
                    for cid, why in zip(df["case_id"], df["reason"]):
                        drift.setdefault(str(cid), str(why))
                except Exception:  # a rules failure must not stop the recording: no flag, then
                    drift = {}
                self._drift = drift
            return self._drift

    def prefetch_drift(self, delay: float = 0.3) -> threading.Thread | None:
        """Work out the supervisees' drift in the background, after ``delay`` seconds (the
        page draws first), so adding the first discussion does not wait for the rules
        [issue 15]; the thread is returned for tests to join."""
        if self._drift is not None or self.record is None:
            return None

        def run():
            time.sleep(delay)
            self._drift_by_case()
        t = threading.Thread(target=run, name="recorder-drift", daemon=True)
        t.start()
        return t

    def _suggestion(self) -> tuple[dt.date | None, str]:
        r = self.record
        found = []
        for sid in r.supervisee_ids:
            try:
                d = self.tk.suggest_next_session(sid, after=r.date)
            except Exception as e:  # rules optional: say why, carry on
                return None, f"No suggestion ({message(e)})"
            if d and d > r.date:
                found.append(d)
        return (min(found), "") if found else (None, "No suggestion for this supervisee")

    def _prefill_next(self) -> bool:
        """Put the suggested date in an empty next-session field (once); True if it did.

        The rules engine reads the whole store, so this runs when the section is opened or
        the draft is first saved, not while the recorder is built; and only once the draft
        is stored, since the rules then count this session as held."""
        if self._suggested is not None or self.record is None or not self.record.version:
            return False
        self._suggested = self._suggestion()
        sec = self.sections.built("next")  # if not built yet, it shows this when it is
        if sec is not None:
            sec.show_suggestion(*self._suggested)
        d = self._suggested[0]
        if d is None or self.record.next_session_date is not None or self.locked:
            return False
        self.record.next_session_date = d
        if sec is not None:
            was, self._loading = self._loading, True
            try:
                sec.picker.value = d
            finally:
                self._loading = was
        return True

    def suggest_next_session(self) -> dt.date | None:
        """Pre-fill the next-session date from the policy now (saving the draft first)."""
        if self.record is not None and not self.record.version:
            if self.autosave and not self.locked:
                self.save()            # stores the draft, then pre-fills and saves again
        elif self._prefill_next():
            self.changed()
        return self._suggested[0] if self._suggested else None
