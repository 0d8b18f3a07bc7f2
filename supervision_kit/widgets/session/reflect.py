"""The guided reflection inside a session: Gibbs, Kolb or an agency's own framework."""
from __future__ import annotations

import datetime as dt
import uuid

import ipywidgets as w

from ...domain.records import ActionItem, Reflection
from ...errors import ValidationError
from ..common import Field, esc
from ..reflection import ReflectionGuide
from .sections import Section


class ReflectionSection(Section):
    """Start a reflection with a framework; its action-plan lines become agreed actions."""

    title = "Reflection"
    fields_handled = ("reflections",)

    def __init__(self, rec, frameworks: dict):
        super().__init__(rec)
        self.frameworks = frameworks
        self.choice = w.Dropdown(options=[(f.name, k) for k, f in frameworks.items()],
                                 description="Framework")
        self.start_button = w.Button(description="Start reflection", icon="play")
        # Through the recorder, so a refusal is a message in the status line, not a traceback.
        self.start_button.on_click(lambda _: rec.start_reflection(self.choice.value))
        self.guides: dict[str, ReflectionGuide] = {}
        self.fields: dict[str, Field] = {}
        self.box = w.VBox([])
        self.others = w.HTML(value="")
        for r in rec.record.reflections:
            if r.author_id == rec.tk.me.id and r.framework in frameworks:
                self._guide(r)
            else:
                self.others.value += self._read_only(r)
        self.widget.children = [w.HBox([self.choice, self.start_button]), self.box, self.others]

    def _read_only(self, r: Reflection) -> str:
        fw = self.frameworks.get(r.framework)
        title = fw.name if fw else r.framework
        items = "".join(f"<dt>{esc(k)}</dt><dd style='white-space:pre-wrap'>{esc(v)}</dd>"
                        for k, v in (r.responses or {}).items())
        return (f"<div><b>{esc(title)}</b> by {esc(self.rec.name_of(r.author_id))}"
                f"<dl>{items}</dl></div>")

    def _guide(self, r: Reflection) -> ReflectionGuide:
        rec = self.rec
        g = ReflectionGuide(rec.tk, reflection=r, frameworks=self.frameworks,
                            on_save=self._saved, on_actions=self._actions, owners=rec.parties,
                            default_owner=rec.default_owner, autosave=rec.autosave,
                            disabled=rec.locked)
        self.guides[r.id] = g
        self.fields[r.id] = Field(None, g.widget)
        self.box.children = [*self.box.children, self.fields[r.id].box]
        return g

    def start(self, framework: str = "gibbs", case_id: str | None = None) -> ReflectionGuide:
        """Begin a reflection with ``framework`` (a framework id) in this session."""
        if framework not in self.frameworks:
            raise ValidationError("reflections", f"choose a framework: "
                                                 f"{', '.join(sorted(self.frameworks)) or 'none loaded'}")
        r = Reflection(framework=framework, author_id=self.rec.tk.me.id,
                       session_id=self.rec.record.id, case_id=case_id,
                       id=f"refl-{uuid.uuid4().hex[:12]}",
                       created=dt.datetime.now().replace(microsecond=0))
        return self._guide(r)

    def _saved(self, r: Reflection) -> Reflection:
        refl = self.rec.record.reflections
        i = next((i for i, x in enumerate(refl) if x.id == r.id), None)
        if i is None:
            refl.append(r)
        else:
            refl[i] = r
        self.rec.changed()
        return r

    def _actions(self, items: list[ActionItem]) -> list[ActionItem]:
        out = [self.rec.sections["actions"].add_item(a, save=False) for a in items]
        self.rec.changed()
        return out

    def error_field(self, name, index, attr):
        refl = self.rec.record.reflections
        if index is not None and index < len(refl):
            return self.fields.get(refl[index].id)
        return None
