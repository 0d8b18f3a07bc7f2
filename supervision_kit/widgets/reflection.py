"""``ReflectionGuide``: walk a reflective framework (Gibbs, Kolb, ...) stage by stage.

Saved as you go through ``tk.save_reflection`` (or the session record when embedded in
the ``SessionRecorder``); the action-plan stage's lines become real actions.
"""
from __future__ import annotations

import dataclasses as dc
import datetime as dt
import re
from typing import Callable

import ipywidgets as w
from traitlets import Bool, HasTraits, Instance, Int, TraitError, Unicode, observe, validate

from ..domain.records import ActionItem, Reflection
from ..errors import SupervisionError, ValidationError
from .common import Displayable, esc, nav_buttons, now_text, show_refusal, textarea
from .dates import DateInput

_BULLET = re.compile(r"^\s*(?:[-*•]+|\d+[.)])\s*")
_ISO = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")
_UK = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
_OWNER = re.compile(r"(?<!\w)@([\w.\-]+)")


def parse_action_line(line: str, owners: dict[str, str] | None = None,
                      default_owner: str | None = None) -> ActionItem | None:
    """An action from one action-plan line: ``2024-05-01`` or ``1/5/2024`` sets the due date,
    ``@name`` the owner (an id or first name from ``owners``); blank lines give None."""
    text = _BULLET.sub("", line or "").strip()
    if not text:
        return None
    due = None
    m = _ISO.search(text)
    if m:
        try:
            due = dt.date.fromisoformat(m.group(1))
        except ValueError:
            due = None
    elif (m := _UK.search(text)):
        try:
            due = dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        except ValueError:
            due = None
    owner = default_owner
    m = _OWNER.search(text)
    if m and owners:
        token = m.group(1).lower()
        for pid, name in owners.items():
            if token in (pid.lower(), (name or "").split(" ")[0].lower(), (name or "").lower()):
                owner = pid
                break
    return ActionItem(description=text, owner_id=owner, due_date=due)


class ReflectionGuide(HasTraits, Displayable):
    """Stage-by-stage reflection with prompts, Back/Next, progress and saving as you go."""

    stage = Int(0, help="Index of the stage shown")
    reflection = Instance(Reflection, help="The reflection as last saved (or new)")
    status = Unicode("", help="Last save or problem, as text")
    disabled = Bool(False, help="Read only (a signed record)")

    def __init__(self, tk, framework: str = "gibbs", session_id: str | None = None,
                 case_id: str | None = None, exercise_id: str | None = None, *,
                 reflection: Reflection | None = None, author_id: str | None = None,
                 frameworks: dict | None = None, autosave: bool = True,
                 on_save: Callable[[Reflection], Reflection] | None = None,
                 on_actions: Callable[[list[ActionItem]], list[ActionItem]] | None = None,
                 owners: dict[str, str] | None = None, default_owner: str | None = None,
                 disabled: bool = False):
        super().__init__()
        self.tk = tk
        self.autosave = autosave
        self._on_save, self._on_actions = on_save, on_actions
        self.owners = owners or {tk.me.id: tk.me.name}
        self.default_owner = default_owner or tk.me.id
        fws = frameworks if frameworks is not None else tk.frameworks()
        fid = reflection.framework if reflection is not None else framework
        if fid not in fws:
            raise ValidationError("framework", f"unknown framework {fid!r}; available: "
                                               f"{', '.join(sorted(fws)) or 'none'}")
        self.framework = fws[fid]
        if reflection is None:
            reflection = self._resume(session_id, case_id, exercise_id) or Reflection(
                framework=fid, author_id=author_id or tk.me.id, session_id=session_id,
                case_id=case_id, exercise_id=exercise_id)
        self.reflection = reflection
        self.made_actions: list[ActionItem] = []
        self._dirty = False
        self._build()
        self.disabled = disabled
        self._render()

    # -- state -------------------------------------------------------------------------
    def _resume(self, session_id, case_id, exercise_id) -> Reflection | None:
        """The author's reflection already attached here (only for a session or exercise)."""
        if not (session_id or exercise_id) or self._on_save is not None:
            return None
        try:
            found = self.tk.reflections(author_id=self.tk.me.id, session_id=session_id)
        except SupervisionError:
            return None
        for r in found:
            if (r.framework == self.framework.id and r.session_id == session_id
                    and r.exercise_id == exercise_id and r.case_id == case_id):
                return r
        return None

    @validate("stage")
    def _valid_stage(self, proposal):
        i = proposal["value"]
        if not 0 <= i < len(self.framework.stages):
            raise TraitError(f"stage {i} is outside 0..{len(self.framework.stages) - 1}")
        return i

    @observe("stage")
    def _stage_changed(self, change):
        # Saved as you go: leaving a stage stores it even without autosave.
        if self._dirty and not self.disabled:
            self.save()
        self._render()

    @observe("status")
    def _status_changed(self, change):
        if hasattr(self, "_status"):
            self._status.value = change["new"]

    @observe("disabled")
    def _disabled_changed(self, change):
        for t in self.textareas.values():
            t.disabled = change["new"]
        self._save_btn.disabled = self._make_btn.disabled = change["new"]

    @property
    def responses(self) -> dict[str, str]:
        """The text typed for each stage (stages left empty are omitted)."""
        return {k: t.value for k, t in self.textareas.items() if t.value.strip()}

    @property
    def current(self):
        """The stage shown."""
        return self.framework.stages[self.stage]

    # -- widgets -------------------------------------------------------------------------
    def _build(self) -> None:
        fw, resp = self.framework, self.reflection.responses or {}
        self._title = w.HTML(value=f"<b>{esc(fw.name)}</b><br><small>{esc(fw.source)}</small>")
        self.progress = w.IntProgress(value=1, min=0, max=len(fw.stages), description="")
        self._step = w.Label(value="")
        self._prompts = w.HTML(value="")
        self.textareas: dict[str, w.Textarea] = {}
        for s in fw.stages:
            t = textarea(s.title, resp.get(s.key, ""), rows=6,
                         placeholder=("One action per line: what, who (@name), by when "
                                      "(day/month/year)") if s.action_plan else f"{s.title}: {s.label}")
            t.observe(self._typed, names="value")
            self.textareas[s.key] = t
        self._box = w.Box([], layout={"width": "100%"})
        self.back_button, self._save_btn, self.next_button = nav_buttons(self)
        self._make_btn = w.Button(description="Make these lines actions", icon="check")
        self._make_btn.on_click(lambda _: self.review_actions())
        self.review: list[tuple[ActionItem, w.Dropdown, DateInput]] = []
        self._review_box = w.VBox([])
        self._made = w.HTML(value="")
        self._status = w.Label(value=self.status)
        # the answer to a gesture shows beside its button, not at the foot of the page
        self.widget = w.VBox([self._title, w.HBox([self.progress, self._step]), self._prompts,
                              self._box, w.HBox([self.back_button, self.next_button, self._save_btn,
                                                 self._status]),
                              self._make_btn, self._review_box, self._made])

    def _render(self) -> None:
        s, n = self.current, len(self.framework.stages)
        self.progress.value = self.stage + 1
        label = f" ({s.label})" if s.label and s.label != s.title else ""
        self._step.value = f"Stage {self.stage + 1} of {n}: {s.title}{label}"
        self._prompts.value = "<ul>" + "".join(f"<li>{esc(p)}</li>" for p in s.prompts) + "</ul>"
        self._box.children = [self.textareas[s.key]]
        self.back_button.disabled = self.stage == 0
        self.next_button.disabled = self.stage == n - 1
        self._make_btn.layout.display = None if s.action_plan else "none"

    def _typed(self, change) -> None:
        self._dirty = True
        if self.autosave and not self.disabled:
            self.save()

    # -- gestures ------------------------------------------------------------------------
    def next(self) -> int:
        """Go to the next stage (saving first); returns the stage index."""
        if self.stage < len(self.framework.stages) - 1:
            self.stage += 1
        return self.stage

    def back(self) -> int:
        """Go to the previous stage (saving first)."""
        if self.stage > 0:
            self.stage -= 1
        return self.stage

    def goto(self, i) -> int:
        """Go to stage ``i`` (an index or a stage key)."""
        if isinstance(i, str):
            i = self.framework.keys.index(i)
        self.stage = int(i)
        return self.stage

    def save(self) -> bool:
        """Store the reflection now; problems go to ``status``, typed text stays."""
        if self.disabled:
            return False
        r = dc.replace(self.reflection, responses=self.responses)
        try:
            saved = self._on_save(r) if self._on_save else self.tk.save_reflection(r)
        except SupervisionError as e:
            show_refusal(self, e)
            return False
        self.reflection = saved or r
        self._dirty = False
        self.status = f"Reflection saved at {now_text()}"
        return True

    def _new_lines(self) -> list[ActionItem]:
        stage = self.framework.action_stage
        if stage is None or self.disabled:
            return []
        done = {a.description for a in self.made_actions}
        return [a for a in (parse_action_line(x, self.owners, self.default_owner)
                            for x in self.textareas[stage.key].value.splitlines())
                if a is not None and a.description not in done]

    def review_actions(self) -> list[ActionItem]:
        """The "Make these lines actions" button: ask who owns each new line and by when
        (SMART) before anything is made; :meth:`make_actions` then makes them."""
        items = self._new_lines()
        owners = [(name, pid) for pid, name in self.owners.items()]
        self.review = []
        for a in items:
            owner = w.Dropdown(options=owners, value=a.owner_id if a.owner_id in self.owners
                               else None, description="Owner", style={"description_width": "initial"})
            due = DateInput(value=a.due_date, description="Due by")
            self.review.append((a, owner, due))
        if not items:
            self._review_box.children = []
            self.status = "No new lines to turn into actions"
            return []
        make = w.Button(description=f"Make {len(items)} action{'s' if len(items) > 1 else ''}",
                        icon="check", button_style="primary")
        make.on_click(lambda _: self.make_actions())
        cancel = w.Button(description="Cancel")
        cancel.on_click(lambda _: self._close_review())
        self._review_box.children = [
            w.HTML("<b>Who will do each, and by when?</b>"),
            *[w.VBox([w.Label(value=a.description), w.HBox([owner, due])],
                     layout={"border_left": "3px solid #0b57d0", "padding": "0 0 0 8px",
                             "margin": "4px 0"}) for a, owner, due in self.review],
            w.HBox([make, cancel])]
        self.status = "Give each action an owner and a due date, then make them"
        return items

    def _close_review(self) -> None:
        self.review = []
        self._review_box.children = []

    def _reviewed(self) -> list[ActionItem] | None:
        """The lines under review with the owner and due date chosen; None (status says
        which) while one lacks either."""
        items = []
        for a, owner, due in self.review:
            if not owner.value or not due.value:
                self.status = f"Give an owner and a due date for “{a.description}”"
                return None
            items.append(dc.replace(a, owner_id=owner.value, due_date=due.value))
        return items

    def make_actions(self) -> list[ActionItem]:
        """Make and store the actions: those under review (each with an owner and a due
        date), or else, called from a notebook, the action-plan stage's new lines as
        written; returns them."""
        if self.review:
            items = self._reviewed()
            if items is None:
                return []
        else:
            items = self._new_lines()
        if not items:
            self.status = "No new lines to turn into actions"
            return []
        try:
            stored = self._store_actions(items)
        except SupervisionError as e:
            show_refusal(self, e)
            return []
        self.made_actions.extend(stored)
        self._close_review()
        self._made.value = "<b>Actions made:</b><ul>" + "".join(
            f"<li>{esc(a.description)}</li>" for a in self.made_actions) + "</ul>"
        return stored

    def _store_actions(self, items: list[ActionItem]) -> list[ActionItem]:
        r = self.reflection
        for a in items:
            a.case_id = a.case_id or r.case_id
        if self._on_actions:
            out = self._on_actions(items)
            self.status = f"{len(items)} action(s) added to the record"
            return out
        if r.session_id:
            rec = self.tk.session(r.session_id, log=False)
            rec.actions.extend(items)
            saved = self.tk.save_session(rec)
            self.status = f"{len(items)} action(s) added to the session record"
            return saved.actions[-len(items):]
        out = [self.tk.add_action(a) for a in items]
        self.status = f"{len(out)} action(s) stored in your action list"
        return out
