"""``TrainerDashboard``: make a vignette exercise, show its join code, watch agreement live.

Results refresh from the store on their own: :meth:`TrainerDashboard.start_live` puts a
task on the kernel's running asyncio loop (Voilà and Jupyter both have one) that calls
:meth:`refresh` every few seconds; figures and charts are redrawn only when a rating changed.
"""
from __future__ import annotations

import asyncio
import base64
import datetime as dt

import ipywidgets as w
import pandas as pd
from traitlets import Bool, Dict, Float, HasTraits, Unicode, observe

from ..errors import SupervisionError
from ..training import results as res
from ..training.exercises import Exercise
from . import training_charts as charts
from .common import Beside, Displayable, esc, message, now_text, show_refusal
from .table import DataTable

EARLIER = (("code", "Join code"), ("title", "Title"), ("created", "Created"))
CODE_STYLE = ("font-size:56px;font-weight:bold;letter-spacing:0.25em;font-family:monospace;"
              "padding:8px 16px;border:3px solid #1565c0;display:inline-block")


def text_html(text: str = "") -> w.HTML:
    """Typed or message text shown as text (an ipywidgets Label would typeset $…$ as maths)."""
    return w.HTML(value=esc(text))


class TrainerDashboard(HasTraits, Displayable):
    """The trainer's page: choose vignettes, create the exercise, watch the room's ratings."""

    exercise_id = Unicode("", help="The exercise shown")
    code = Unicode("", help="Its join code")
    status = Unicode("", help="Last refresh or problem, as text")
    hide_names = Bool(False, help="Show trainees as T01, T02, ... on screen")
    live = Bool(False, help="Refreshing by itself")
    interval = Float(2.0, help="Seconds between live refreshes")
    expert_shown = Bool(False, help="The expert's ratings are on screen (a projected screen "
                                    "must not give the answers away before the room rates)")
    figures = Dict(help="The headline figures as displayed text, by key")

    def __init__(self, tk, exercise: str | None = None, *, interval: float = 2.0):
        super().__init__()
        self.tk = tk
        self.interval = interval
        self.exercise: Exercise | None = None
        self.ratings = res.empty_ratings()
        self.results: dict = {}
        self._signature = None
        self._task: asyncio.Task | None = None
        self._logged = False
        self._build()
        if exercise:
            self.open(exercise)

    # -- widgets -----------------------------------------------------------------------
    def _build(self) -> None:
        library = self.tk.vignette_library()
        self.title_input = w.Text(value="", placeholder="e.g. New supervisors, March cohort",
                                  description="Title", layout={"width": "60%"})
        self.picker = w.SelectMultiple(
            options=[(f"{v.title} [{v.setting}; {len(v.updates)} updates]", v.id)
                     for v in library.values()],
            rows=min(14, max(4, len(library))), description="", layout={"width": "98%"})
        self.picker.observe(lambda _: self._show_chosen(), names="value")
        self._chosen = w.HTML(value="")
        self.create_button = w.Button(description="Create exercise", button_style="primary",
                                      icon="play")
        self.create_button.on_click(lambda _: self.create())
        # click a row (or Enter on it) to reopen that exercise
        self.previous = DataTable(EARLIER, caption="Your earlier exercises", sort_by="created",
                                  ascending=False, page_size=10, empty_text="No exercises yet.")
        self._quiet = False
        self.previous.observe(lambda c: self._quiet or not c["new"] or self.open(c["new"]),
                              "selected")
        self._list_previous()
        self._status = text_html()
        setup = w.VBox([w.HTML("<h3>New exercise</h3><p>Choose the vignettes (Ctrl or Shift "
                               "to choose several), then create the exercise.</p>"),
                        self.title_input, self.picker, self._chosen, self.create_button,
                        self.previous])
        self._code = w.HTML(value="")
        self._figures = w.HTML(value="")
        self.distribution_image = w.Image(format="png", layout={"max_width": "760px"})
        self.expert_image = w.Image(format="png", layout={"max_width": "560px"})
        self._expert_table = w.HTML(value="")
        self._disagreement = w.HTML(value="")
        self._distribution = w.HTML(value="")
        self.reveal_button = w.Button(description="Reveal expert ratings", icon="eye",
                                      layout={"width": "auto"})
        self.reveal_button.on_click(lambda _: self.reveal_expert())
        self._expert_note = w.HTML(value="<p><i>The expert's ratings are hidden until you reveal "
                                         "them, so a projected screen does not give the answers "
                                         "away.</i></p>")
        self.expert_box = w.VBox([w.HTML("<h3>Each trainee against the expert</h3>"),
                                  self.expert_image, self._expert_table],
                                 layout={"display": "none"})
        self._names = w.Checkbox(value=False, description="Show trainees as T01, T02, … on screen",
                                 indent=False)
        self._names.observe(lambda c: setattr(self, "hide_names", c["new"]), names="value")
        self.refresh_button = w.Button(description="Refresh now", icon="refresh")
        self.refresh_button.on_click(lambda _: self.refresh(force=True))
        self.export_button = w.Button(description="Export results (CSV)", icon="download",
                                      layout={"width": "auto"})
        self.export_button.on_click(lambda _: self.export_csv())
        self._download = w.HTML(value="")
        # the live count and answers show by the button clicked; create/open answer below setup
        beside = Beside(self._status, home=w.VBox())
        self.create_button.on_click(lambda _: beside.go_home())
        self.previous.observe(lambda _: beside.go_home(), "selected")  # a row reopens one
        self.results_box = w.VBox([
            self._code, beside.row(self.refresh_button, self._names),
            w.HTML("<h3>Agreement among trainees</h3>"), self._figures,
            w.HTML("<h3>Ratings for each update</h3>"), self.distribution_image, self._distribution,
            w.HBox([self.reveal_button, self._expert_note]), self.expert_box,
            w.HTML("<h3>Most disagreement first</h3>"), self._disagreement,
            beside.row(self.export_button, self._download)], layout={"display": "none"})
        self.widget = w.VBox([w.HTML("<h2>Rating calibration: trainer</h2>"),
                              w.Accordion(children=[setup], titles=("Set up an exercise",),
                                          selected_index=0),
                              beside.home, self.results_box])
        self._setup = self.widget.children[1]

    def _list_previous(self) -> None:
        try:
            found = self.tk.exercises()
        except SupervisionError:
            found = []
        self.previous.set_records({"id": x.id, "code": x.code, "title": x.title,
                                   "created": x.created} for x in found)

    def _show_chosen(self) -> None:
        library = self.tk.vignette_library()
        items = [library[v] for v in self.picker.value if v in library]
        self._chosen.value = "".join(
            f"<div><b>{esc(v.title)}</b> <small>({esc(v.setting)}; themes: "
            f"{esc(', '.join(v.themes))})</small></div>" for v in items)

    @observe("status")
    def _status_changed(self, change):
        self._status.value = esc(change["new"])

    @observe("hide_names")
    def _names_changed(self, change):
        self._names.value = change["new"]
        if self.exercise is not None:
            self.refresh(force=True)

    @observe("expert_shown")
    def _expert_changed(self, change):
        self.reveal_button.description = ("Hide expert ratings" if change["new"]
                                          else "Reveal expert ratings")
        self.reveal_button.icon = "eye-slash" if change["new"] else "eye"
        self.expert_box.layout.display = None if change["new"] else "none"
        self._expert_note.layout.display = "none" if change["new"] else None
        if self.exercise is not None:
            self._render(self.ratings)

    # -- gestures ------------------------------------------------------------------------
    def reveal_expert(self, shown: bool | None = None) -> bool:
        """Show the expert's ratings (or hide them again; ``None`` toggles); True if shown."""
        self.expert_shown = (not self.expert_shown) if shown is None else bool(shown)
        return self.expert_shown

    def create(self, vignette_ids=None, title: str | None = None) -> str | None:
        """Create the exercise from the chosen (or given) vignettes; returns the join code."""
        ids = list(self.picker.value if vignette_ids is None else vignette_ids)
        title = self.title_input.value if title is None else title
        try:
            xid, _ = self.tk.create_exercise(ids, title)
        except SupervisionError as e:
            show_refusal(self, e)
            return None
        self._list_previous()  # the new one is listed at once, its row chosen by open
        self.open(xid)
        return self.code

    def open(self, code_or_id: str) -> Exercise | None:
        """Show an existing exercise (one of the trainer's own)."""
        try:
            self.exercise = self.tk.exercise(code_or_id)
        except SupervisionError as e:
            show_refusal(self, e)
            return None
        self.exercise_id, self.code = self.exercise.id, self.exercise.code
        self._quiet = True  # marking its row is not another click
        try:
            self.previous.select(self.exercise.id)
        except ValueError:
            self.previous.select("")  # not a row of the list
        finally:
            self._quiet = False
        self._code.value = (
            f"<h3>{esc(self.exercise.title)}</h3><div>Join code</div>"
            f"<div class='join-code' style='{CODE_STYLE}'>{esc(self.code)}</div>"
            "<p>Trainees open this app, choose <b>I am a trainee</b>, and type the code and an "
            "alias of their choosing (no account needed). Results below update by themselves.</p>")
        self._download.value = ""
        self._setup.selected_index = None
        self.results_box.layout.display = None
        self._signature, self._logged = None, False
        self.expert_shown = False  # a new exercise starts with the answers hidden
        self.refresh(force=True)
        return self.exercise

    def refresh(self, force: bool = False) -> bool:
        """Read the ratings from the store and redraw if anything changed; True if redrawn."""
        if self.exercise is None:
            return False
        try:
            df = self.tk.exercise_ratings(self.exercise.id, log=not self._logged)
        except SupervisionError as e:
            show_refusal(self, e)
            return False
        self._logged = True
        signature = (len(df), df["at"].max() if len(df) else None,
                     tuple(df["rating"].fillna("-")) if len(df) else ())
        if not force and signature == self._signature:
            self.status = self._live_text()
            return False
        self._signature, self.ratings = signature, df
        self._render(df)
        self.status = self._live_text()
        return True

    def export_csv(self) -> str:
        """The results CSV (trainees pseudonymised, logged) and a download link beside the button."""
        if self.exercise is None:
            self.status = "Create or open an exercise first"
            return ""
        try:
            text = self.tk.export_results_csv(self.exercise.id)
        except SupervisionError as e:
            show_refusal(self, e)
            return ""
        data = base64.b64encode(text.encode("utf-8")).decode("ascii")
        from ..io.paths import safe_name
        name = safe_name("exercise", self.code, f"{dt.date.today():%Y%m%d}", suffix=".csv")
        self._download.value = (f"<a download='{esc(name)}' href='data:text/csv;base64,{data}'>"
                                f"Download {esc(name)}</a> <small>(trainees as T01, T02, …)</small>")
        return text

    # -- live refresh --------------------------------------------------------------------
    def start_live(self, interval: float | None = None) -> bool:
        """Refresh every ``interval`` seconds on the running event loop; False if there is none."""
        if interval is not None:
            self.interval = interval
        if self._task is not None and not self._task.done():
            return True
        try:
            loop = asyncio.get_running_loop()  # the kernel's loop in Jupyter and Voilà
        except RuntimeError:
            return False  # plain Python: call refresh() yourself
        self.live = True
        self._task = loop.create_task(self._poll())
        return True

    def stop_live(self) -> None:
        """Stop refreshing by itself."""
        self.live = False
        if self._task is not None:
            self._task.cancel()
            self._task = None

    async def _poll(self) -> None:
        while self.live:
            await asyncio.sleep(self.interval)
            try:
                self.refresh()
            except Exception as e:  # the loop must outlive one bad read
                self.status = message(e)

    def _live_text(self) -> str:
        mode = f"live, every {self.interval:g} s" if self.live else "press Refresh now for new ratings"
        return f"Updated {now_text()} ({mode})"

    # -- drawing -------------------------------------------------------------------------
    def _render(self, df: pd.DataFrame) -> None:
        ex = self.exercise
        names = res.pseudonyms(df) if self.hide_names else None
        r = res.results(ex, df, names)
        self.results = r
        dist, shown = r["distribution"], self.expert_shown
        self._distribution.value = charts.distribution_html(dist, shown)
        # Hidden means not sent to the browser at all, not merely not displayed.
        self.distribution_image.value = charts.distribution_png(
            dist if shown else dist.assign(expert=""))
        table = r["agreement_with_expert"]
        self._expert_table.value = charts.expert_table_html(table) if shown else ""
        self.expert_image.value = charts.expert_png(table) if shown else b""
        self._disagreement.value = charts.disagreement_html(
            r["disagreement_by_item"], r["titles"], ex.expert() if shown else None)
        # The headline figures go last: once they show, the tables and charts above are
        # already on their way to the browser (widget messages arrive in order).
        self.figures = {
            "trainees": str(r["n_trainees"]), "ratings": str(r["n_ratings"]),
            "percent_agreement": res.fmt(r["percent_agreement"], True),
            "fleiss_kappa": res.fmt(r["fleiss_kappa"]),
            "krippendorff_alpha": res.fmt(r["krippendorff_alpha"]),
        }
        self._figures.value = charts.figures_html(r)
