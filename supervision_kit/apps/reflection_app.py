"""The reflection app: a practitioner's own guided reflection before supervision (Gibbs,
Kolb or an agency's framework), optionally about one of their cases; plus their own
actions, the supervision evaluation tool, "My supervision" and "My records" (their own
supervision records to read, comment on and sign), each built only when its tab is opened.
"""
from __future__ import annotations

import ipywidgets as w

from ..errors import SupervisionError, ValidationError
from ..widgets.common import Displayable, esc, message
from ..widgets.table import DataTable
from .common import launch, message_box

TITLE = "Reflection"
ROLES = ("practitioner", "supervisor", "manager", "admin")
NO_CASE = ""
TABS = ("Reflect", "My actions", "Evaluation")
EARLIER = (("started", "Started"), ("framework", "Framework"), ("case", "Case"),
           ("answered", "Stages answered"))


class ReflectionApp(Displayable):
    """Choose a framework (and a case), walk it stage by stage; resume an earlier one by
    clicking its row in the table of earlier reflections."""

    def __init__(self, tk):
        self.tk = tk
        self.guide = None
        self.tracker = None
        self.evaluation = None
        try:
            self.frameworks = tk.frameworks()
        except ValidationError as e:
            self.frameworks = {}
            problem = f"Reflective frameworks not loaded: {e}"
        else:
            problem = "" if self.frameworks else "No reflective frameworks are installed"
        try:
            cases = tk.cases(worker_id=tk.me.id)
        except SupervisionError:
            cases = []
        fw_opts = [(f.name, f.id) for f in self.frameworks.values()]
        self.framework = w.ToggleButtons(options=fw_opts, value=fw_opts[0][1] if fw_opts else None,
                                         style={"button_width": "auto"})
        self.case = w.Dropdown(options=[("No particular case", NO_CASE),
                                        *[(f"{c.reference} ({c.status})", c.id) for c in cases]],
                               value=NO_CASE, description="About", layout={"width": "26em"},
                               style={"description_width": "auto"})
        self.start_button = w.Button(description="Start reflection", icon="play",
                                     button_style="primary", disabled=not fw_opts)
        self.start_button.on_click(lambda _: self.start())
        self.case_refs = {c.id: c.reference for c in cases}
        # click a row (or Enter on it) to continue that reflection below
        self.earlier = DataTable(EARLIER, caption="Your earlier reflections", sort_by="started",
                                 ascending=False,
                                 empty_text="No earlier reflections yet: start one above.")
        self._quiet = False
        self.earlier.observe(lambda c: self._quiet or not c["new"] or self.resume(c["new"]),
                             "selected")
        self.status = w.HTML(value="")
        self.area = w.VBox([])
        self._earlier()
        intro = w.HTML(value="<small>Before supervision, walk a reflective cycle stage by "
                             "stage; your answers are saved as you type and only you and your "
                             "supervisor see them.</small>")
        reflect = w.VBox([intro, message_box(problem, "error")] if problem else [intro])
        reflect.children += (w.HBox([self.framework]), w.HBox([self.case, self.start_button]),
                             self.earlier, self.status, self.area)
        self.tabs = w.Tab(children=[reflect, w.VBox([]), w.VBox([])], titles=list(TABS))
        self.tabs.observe(lambda c: self._tab(c["new"]), "selected_index")
        self.widget = w.VBox([self.tabs], layout={"width": "100%"})
        from .agenda_section import add_agenda_tab  # the supervisee's agenda [Temple App. 2]
        add_agenda_tab(self)
        self._add_my_records_tab()
        from .workflow_sections import add_my_supervision_tab  # entitlement, disagreements
        add_my_supervision_tab(self)

    def _add_my_records_tab(self) -> None:
        """"My records": my supervision records to read, comment on and sign, and my
        earlier ones read only (built when first opened); the title counts what awaits me."""
        from ..widgets.my_records import MyRecords
        self.my_records = None
        try:
            n = sum(1 for r in self.tk.my_records() if r["awaiting_me"])
        except SupervisionError:
            return
        box = w.VBox([])
        titles = tuple(self.tabs.titles)
        self.tabs.children = (*self.tabs.children, box)
        self.tabs.titles = (*titles, f"My records ({n} to sign)" if n else "My records")
        index = self._my_records_index = len(self.tabs.children) - 1

        def opened(change):
            if change["new"] == index and self.my_records is None:
                from ..widgets.reminder_choices import ReminderChoices
                self.my_records = MyRecords(self.tk)
                self.reminder_choices = ReminderChoices(self.tk)  # my e-mail opt-outs
                box.children = [self.my_records.widget, self.reminder_choices.widget]
        self.tabs.observe(opened, "selected_index")

    def show_my_records(self):
        """Open the "My records" tab (the gesture as a method)."""
        self.tabs.selected_index = self._my_records_index
        return self.my_records

    # -- reflecting -----------------------------------------------------------------------
    def _earlier(self) -> None:
        """Read my earlier reflections again and list them."""
        try:
            mine = [r for r in self.tk.reflections(author_id=self.tk.me.id)
                    if not r.session_id and not r.exercise_id and r.framework in self.frameworks]
        except SupervisionError:
            mine = []
        self._mine = {r.id: r for r in mine}
        self._list_earlier()

    def _list_earlier(self) -> None:
        rows = []
        for r in self._mine.values():
            fw = self.frameworks[r.framework]
            done = sum(1 for s in fw.stages if (r.responses.get(s.key) or "").strip())
            rows.append({"id": r.id, "started": r.created, "framework": fw.name,
                         "case": self.case_refs.get(r.case_id, "—") if r.case_id else "—",
                         "answered": f"{done} of {len(fw.stages)}"})
        self.earlier.set_records(rows)

    def _saved(self, change) -> None:
        # A save (as you type) shows in the list at once, its row selected; read from the
        # guide, not the store, so typing costs no query.
        r = change["new"]
        if r is None or not r.id or r.session_id or r.exercise_id:
            return
        self._mine[r.id] = r
        self._list_earlier()
        self._mark(r.id)

    def _mark(self, reflection_id: str) -> None:
        self._quiet = True  # marking the row on show is not a click: the guide stays
        try:
            self.earlier.select(reflection_id if reflection_id in self._mine else "")
        finally:
            self._quiet = False

    def start(self, framework: str | None = None, case_id: str | None = None):
        """Start a new reflection with a framework (default: the one chosen)."""
        from ..widgets.reflection import ReflectionGuide
        fw = framework or self.framework.value
        case = case_id if case_id is not None else (self.case.value or None)
        return self._show(lambda: ReflectionGuide(self.tk, fw, case_id=case, author_id=self.tk.me.id,
                                                  frameworks=self.frameworks))

    def resume(self, reflection_id: str):
        """Continue an earlier reflection of mine (clicking its row)."""
        from ..widgets.reflection import ReflectionGuide
        r = self._mine.get(reflection_id)
        if r is None:
            self._say(f"Not found: no reflection {reflection_id} of yours")
            return None
        return self._show(lambda: ReflectionGuide(self.tk, reflection=r, frameworks=self.frameworks))

    def _show(self, make):
        try:
            guide = make()
        except SupervisionError as e:
            self._say(message(e))
            return None
        self._say("")
        self.guide = guide
        guide.observe(self._saved, "reflection")
        self._mark(guide.reflection.id or "")  # the row of what is on show (none for a new one)
        self.area.children = [guide.widget]
        return guide

    def _say(self, text: str) -> None:
        self.status.value = f"<div style='color:#b00020'>{esc(text)}</div>" if text else ""

    # -- the other tabs -------------------------------------------------------------------
    def _tab(self, i) -> None:
        try:
            if i == 1 and self.tracker is None:
                self.show_actions()
            elif i == 2 and self.evaluation is None:
                self.show_evaluation()
        except SupervisionError as e:
            self.tabs.children[i].children = [message_box(message(e), "error")]

    def show_actions(self):
        """My open actions, to complete, drop or add to."""
        from ..widgets.actions import ActionTracker
        self.tracker = ActionTracker(self.tk, owner_id=self.tk.me.id)
        self.tabs.children[1].children = [self.tracker.widget]
        return self.tracker

    def show_evaluation(self):
        """The evaluation tool about my current supervisor (if I have one)."""
        from ..widgets.evaluation import EvaluationForm
        box = self.tabs.children[2]
        current = [c for c in self.tk.contracts(supervisee_id=self.tk.me.id, active_only=True)
                   if c.supervisee_id == self.tk.me.id]
        if not current:
            box.children = [message_box("You have no current supervision contract, so there is "
                                        "no supervision to evaluate yet.", "info")]
            return None
        self.evaluation = EvaluationForm(self.tk, current[0].supervisor_id)
        box.children = [self.evaluation.widget]
        return self.evaluation


def build(settings=None, **kw):
    """The reflection app for the configured database and user."""
    return launch(TITLE, ReflectionApp, roles=ROLES, settings=settings, **kw)
