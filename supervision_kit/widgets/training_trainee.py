"""``TraineeView``: join an exercise with a code and an alias, rate each update, reflect.

No account is needed: the view acts through a :class:`~supervision_kit.facade.training.
TraineeSession`, which can only rate and reflect in the exercise joined. Every rating and
rationale is saved as soon as it changes.
"""
from __future__ import annotations

import ipywidgets as w
from traitlets import Bool, HasTraits, Int, TraitError, Unicode, observe, validate

from ..errors import SupervisionError
from .common import Beside, Displayable, esc, nav_buttons, now_text, show_refusal
from .training_charts import COLOURS

RATING_OPTIONS = [("G — improving", "G"), ("A — the same", "A"), ("R — worse", "R")]


class TraineeView(HasTraits, Displayable):
    """A trainee's page: join, then read and rate every vignette update in turn."""

    position = Int(0, help="Index of the update shown, in the exercise's reading order")
    status = Unicode("", help="Last save or problem, as text")
    joined = Bool(False, help="Joined an exercise")

    def __init__(self, join, code: str | None = None):
        """``join(code, alias)`` opens the trainee's session (``Toolkit.trainee_door``)."""
        super().__init__()
        self._join = join
        self.session = None
        self.saved: dict[tuple[str, int], tuple[str | None, str]] = {}
        self.guides: dict = {}
        self._loading = False
        self._build((code or "").strip().upper())

    # -- widgets -------------------------------------------------------------------------
    def _build(self, code: str) -> None:
        self.code_input = w.Text(value=code, description="Join code", placeholder="e.g. K7QX2M")
        self.alias_input = w.Text(value="", description="Alias",
                                  placeholder="a first name or nickname")
        self.join_button = w.Button(description="Join", button_style="primary", icon="sign-in")
        self.join_button.on_click(lambda _: self.join())
        self._join_box = w.VBox([
            w.HTML("<p>Type the code your trainer shows and an alias. You do not need an "
                   "account; the trainer sees your alias, and exports use T01, T02, … instead.</p>"),
            self.code_input, self.alias_input, self.join_button])
        self._header = w.HTML(value="")
        self._story = w.HTML(value="")
        self.rating = w.ToggleButtons(options=RATING_OPTIONS, value=None, description="",
                                      tooltips=["Circumstances improving", "The same", "Worse"])
        self.rating.add_class("sk-rag")  # green/amber/red, and a check on the chosen one
        self.rating.observe(self._changed, names="value")
        self.rationale = w.Textarea(value="", rows=4, continuous_update=False, layout={"width": "98%"},
                                    placeholder="Why? What in this update makes you rate it so?")
        self.rationale.observe(self._changed, names="value")
        self.back_button, self.save_button, self.next_button = nav_buttons(self)
        self.framework = w.Dropdown(options=[], description="Framework")
        self.reflect_button = w.Button(description="Reflect on this vignette", icon="pencil")
        self.reflect_button.on_click(lambda _: self.reflect())
        self._questions = w.HTML(value="")
        self._guide_box = w.VBox([])
        self._reflect = w.VBox([w.HTML("<h4>Optional: a guided reflection</h4>"), self._questions,
                                w.HBox([self.framework, self.reflect_button]), self._guide_box])
        self._status = w.HTML(value="")
        # "Saved"/"last update" shows by Back/Save/Next; joining answers below the page
        beside = Beside(self._status, home=w.VBox())
        self.join_button.on_click(lambda _: beside.go_home())
        self._rate_box = w.VBox([
            self._header, self._story,
            w.HTML("<b>Are the child's circumstances improving (G), the same (A) or worse (R)?</b>"),
            self.rating, w.HTML("<b>Your rationale</b>"), self.rationale,
            beside.row(self.back_button, self.save_button, self.next_button),
            self._reflect], layout={"display": "none"})
        self.widget = w.VBox([w.HTML("<h2>Rating calibration: trainee</h2>"), self._join_box,
                              self._rate_box, beside.home])

    @observe("status")
    def _status_changed(self, change):
        self._status.value = esc(change["new"])

    @validate("position")
    def _valid_position(self, proposal):
        n = len(self.items)
        if not 0 <= proposal["value"] < max(n, 1):
            raise TraitError(f"position {proposal['value']} is outside 0..{n - 1}")
        return proposal["value"]

    @observe("position")
    def _moved(self, change):
        self._render()

    # -- state ---------------------------------------------------------------------------
    @property
    def items(self) -> list[tuple[str, int]]:
        """(vignette id, update index) in reading order; empty before joining."""
        return self.session.exercise.items if self.session else []

    @property
    def current(self) -> tuple[str, int]:
        """The update shown."""
        return self.items[self.position]

    @property
    def rated(self) -> int:
        """How many updates this trainee has rated."""
        return sum(1 for r, _ in self.saved.values() if r)

    # -- gestures ------------------------------------------------------------------------
    def join(self, code: str | None = None, alias: str | None = None) -> bool:
        """Join the exercise with this code under this alias (no account needed)."""
        code = self.code_input.value if code is None else code
        alias = self.alias_input.value if alias is None else alias
        self.code_input.value, self.alias_input.value = code, alias
        try:
            self.session = self._join(code, alias)
            self.saved = self.session.my_ratings()
        except SupervisionError as e:
            show_refusal(self, e)
            return False
        self.joined = True
        self._join_box.layout.display = "none"
        self._rate_box.layout.display = None
        todo = [k for k, it in enumerate(self.items) if not (self.saved.get(it) or (None,))[0]]
        start = todo[0] if todo else 0
        again = f" Welcome back: {self.rated} update(s) already rated." if self.rated else ""
        self.status = f"Joined as {self.session.alias}.{again}"
        if self.position == start:
            self._render()
        else:
            self.position = start
        return True

    def goto(self, vignette_id: str, update_index: int = 0) -> int:
        """Show one update (saving the one shown first); returns the position."""
        self.save_if_changed()
        self.position = self.items.index((vignette_id, int(update_index)))
        return self.position

    def next(self) -> int:
        """Save, then show the next update."""
        self.save_if_changed()
        if self.position < len(self.items) - 1:
            self.position += 1
        else:
            self.status = f"That was the last update: you rated {self.rated} of {len(self.items)}."
        return self.position

    def back(self) -> int:
        """Save, then show the previous update."""
        self.save_if_changed()
        if self.position > 0:
            self.position -= 1
        return self.position

    def rate(self, rating, rationale: str | None = None, vignette: str | None = None,
             update: int | None = None) -> bool:
        """Rate the update shown (or ``vignette``/``update``) G, A or R, with a rationale; saved."""
        if vignette is not None:
            self.goto(vignette, update or 0)
        self._loading = True
        try:
            if rationale is not None:
                self.rationale.value = rationale
            self.rating.value = rating.strip().upper() if isinstance(rating, str) else rating
        except TraitError:
            self.status = "Use G (improving), A (the same) or R (worse)"
            return False
        finally:
            self._loading = False
        return self.save()

    def save(self) -> bool:
        """Store the rating and rationale shown now."""
        if self.session is None:
            self.status = "Join an exercise first"
            return False
        vid, i = self.current
        try:
            row = self.session.rate(vid, i, self.rating.value, self.rationale.value)
        except SupervisionError as e:
            show_refusal(self, e)
            return False
        self.saved[(vid, i)] = (row["rating"], row["rationale"])
        self.status = f"Saved at {now_text()} — rated {self.rated} of {len(self.items)}"
        self._header.value = self._header_html()
        return True

    def save_if_changed(self) -> bool:
        """Save the update shown if what is on screen differs from what was stored."""
        if self.session is None or not self.items:
            return False
        shown = (self.rating.value, self.rationale.value)
        stored = self.saved.get(self.current, (None, ""))
        return self.save() if shown != stored else True

    def reflect(self, framework: str | None = None):
        """Open (or return) the guided reflection on the vignette shown; saved as you go."""
        from .reflection import ReflectionGuide
        if self.session is None:
            return None
        vid, _ = self.current
        fw = framework or self.framework.value
        key = (vid, fw)
        if key not in self.guides:
            earlier = self.session.reflection(vid)
            try:
                guide = ReflectionGuide(
                    self.session, fw, exercise_id=self.session.exercise.id,
                    reflection=earlier if earlier is not None and earlier.framework == fw else None,
                    on_save=lambda r, v=vid: self.session.save_reflection(r, v),
                    on_actions=lambda items: items, owners={self.session.me.id: self.session.alias})
            except SupervisionError as e:
                show_refusal(self, e)
                return None
            # Actions belong to real cases; in training the plan stays in the reflection.
            guide._make_btn.disabled = True
            guide._make_btn.tooltip = "Training exercise: your action plan stays in the reflection"
            self.guides[key] = guide
        self._guide_box.children = [self.guides[key].widget]
        return self.guides[key]

    # -- drawing -------------------------------------------------------------------------
    def _changed(self, change) -> None:
        if not self._loading and self.session is not None:
            self.save()

    def _header_html(self) -> str:
        ex, (vid, i) = self.session.exercise, self.current
        v = ex.vignette(vid)
        k = [x.id for x in ex.vignettes].index(vid)
        return (f"<div><b>{esc(ex.title)}</b> — you are <b>{esc(self.session.alias)}</b> · "
                f"rated {self.rated} of {len(self.items)}</div>"
                f"<h3 class='vignette-title' data-item='{esc(v.item(i))}'>"
                f"Vignette {k + 1} of {len(ex.vignettes)}: {esc(v.title)}</h3>"
                f"<div><small>{esc(v.setting)} · update {i + 1} of {len(v.updates)}</small></div>")

    def _render(self) -> None:
        if self.session is None or not self.items:
            return
        vid, i = self.current
        v = self.session.exercise.vignette(vid)
        self._header.value = self._header_html()
        parts = [f"<p>{esc(v.summary)}</p>"]
        for j, u in enumerate(v.updates[:i + 1]):
            mine = (self.saved.get((vid, j)) or (None,))[0]
            tag = (f" <span style='color:{COLOURS[mine]}'>(you: {esc(mine)})</span>"
                   if mine and j < i else "")
            style = ("border-left:4px solid #1565c0;padding-left:8px" if j == i
                     else "color:#555;padding-left:12px")
            parts.append(f"<div class='vignette-update' style='{style}'><b>{esc(u.when)}</b>{tag}"
                         f"<p>{esc(u.text)}</p></div>")
        self._story.value = "".join(parts)
        rating, rationale = self.saved.get((vid, i), (None, ""))
        self._loading = True
        try:
            self.rating.value = rating
            self.rationale.value = rationale
        finally:
            self._loading = False
        self.back_button.disabled = self.position == 0
        self.next_button.disabled = self.position == len(self.items) - 1
        last = i == len(v.updates) - 1
        self._reflect.layout.display = None if last else "none"
        if last:
            self._questions.value = ("<ul>" + "".join(f"<li>{esc(q)}</li>"
                                                      for q in v.prompts.questions) + "</ul>")
            fws = self.session.frameworks()
            self.framework.options = [(f.name, f.id) for f in fws.values()]
            if v.prompts.framework in fws:
                self.framework.value = v.prompts.framework
            shown = [g for (gv, _), g in self.guides.items() if gv == vid]
            self._guide_box.children = [shown[-1].widget] if shown else []
