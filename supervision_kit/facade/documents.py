"""Signed records as PDFs for the file: one, a batch, and checking a PDF against the store."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from ..domain.enums import Role
from ..errors import NotFound, SupervisionError, ValidationError
from ..store import session_queries
from .context import Context
from .people import PeopleService
from .rules import RulesService
from .sessions import SessionsService

HASH = re.compile(r"\b([0-9a-f]{64})\b")


class DocumentsService:
    """PDF export through nbconvert, every export logged."""

    def __init__(self, ctx: Context, people: PeopleService, sessions: SessionsService,
                 rules: RulesService):
        self.ctx = ctx
        self.people = people
        self.sessions = sessions
        self.rules = rules

    def session_document(self, session_id: str, *, timelines: bool = True,
                         figures: dict | None = None) -> dict:
        """The record as the dict the PDF layout takes (names resolved, figures drawn).

        ``figures`` is a cache shared by a batch: the agency-wide drift and window rules
        are worked out once per date, and each case's timeline drawn once per date."""
        from ..catalog.frameworks import load_frameworks
        from ..export.record_data import record_dict
        figures = {} if figures is None else figures
        draw = None
        if timelines:
            draw = lambda case_id: self._timeline_png(case_id, date, figures)  # noqa: E731
        with self.ctx.tx() as conn:
            self.ctx.check_session_access(conn, session_id, f"export session {session_id}")
            date = session_queries.session_date(conn, session_id)
        try:
            frameworks = load_frameworks(self.ctx.settings.templates)
        except ValidationError:
            frameworks = {}
        from ..catalog.forms import diversity_form
        with self.ctx.engine.connect() as conn:
            return record_dict(conn, session_id, frameworks=frameworks, timeline_png=draw,
                               diversity_form=diversity_form(self.ctx.settings.templates))

    def _timeline_png(self, case_id: str, date, figures: dict) -> bytes:
        """One case's RAG timeline as of ``date``; the rules behind it (which cover every
        case) were recomputed per case before, most of a record's export time. A figure
        already drawn in this process (ahead, by ``warm_pdf``) with the same content is
        not drawn again."""
        from ..analytics.timeline import drawn_png, timeline_from
        if (case_id, date) not in figures:
            if ("rules", date) not in figures:
                with self.rules.same_reads():  # both rules read the cases (and windows) once
                    figures["rules", date] = tuple(
                        self._rule_frame(m, date) for m in ("drift", "case_windows")
                    )
            drift, window = figures["rules", date]
            case = self.people.case(case_id)
            found = [f for f in self.sessions.case_discussions(case.id) if f[0] <= date]
            figures[case_id, date] = drawn_png(timeline_from(case, found, date, drift, window))
        return figures[case_id, date]

    def _rule_frame(self, method: str, date):
        import pandas as pd
        try:
            return getattr(self.rules, method)(as_of=date)
        except SupervisionError:  # the figure still shows the ratings, without the overlays
            return pd.DataFrame()

    def _exporter(self):
        from ..export.pdf import SupervisionPDFExporter
        return SupervisionPDFExporter(chromium_path=self.ctx.settings.chromium_path)

    def pdf_name(self, session_id: str) -> str:
        """The file name of a record's PDF (a safe name whatever the id holds)."""
        from ..io.paths import safe_name
        return safe_name("supervision", session_id, suffix=".pdf")

    def import_exporter(self) -> None:
        """Import the PDF exporter (nbconvert and nbformat: 1.5 s, most of it jsonschema's
        IRI grammars) in the calling thread, now: a preheated kernel does it while it waits,
        so the ``warm_pdf`` thread a record's opening starts does not hold the interpreter
        for it while the person types [issue 15]."""
        from ..export import pdf, record_notebook  # noqa: F401

    def warm_pdf(self, session_id: str | None = None) -> None:
        """Make the next "Prepare PDF" cost what a record in a batch costs, in the
        background (returns at once): start this process's warm exporter (Chromium, its
        templates compiled) and, given the record on screen, draw its timelines ahead.
        Nothing is exported, shown or logged until the PDF is asked for."""
        import threading

        def run():
            from ..export.warm import print_ahead, warm_exporter
            path = self.ctx.settings.chromium_path
            warm_exporter(path)
            if session_id is None:
                return
            try:
                with self.ctx.views_unlogged():  # the request logs its own reads
                    doc = self.session_document(session_id)
                print_ahead(doc, path)
            except Exception:  # the click will say what is wrong, and pay as before
                pass
        threading.Thread(target=run, name="supervision-pdf-warm", daemon=True).start()

    def session_pdf(self, session_id: str, *, exporter=None) -> bytes:
        """The PDF of one record (drafts watermarked DRAFT), through the process's warm
        exporter unless one is given; the export is logged."""
        from ..export.pdf import render_pdf
        from ..export.warm import render_warm
        doc = self.session_document(session_id)
        pdf = (render_pdf(doc, exporter=exporter) if exporter is not None
               else render_warm(doc, self.ctx.settings.chromium_path))
        self._log_export(session_id, doc["state"], doc["content_hash"])
        return pdf

    def _log_export(self, session_id: str, state: str, digest: str) -> None:
        with self.ctx.tx() as conn:
            self.ctx.log(
                conn, "export", "session", session_id, f"pdf, {state}, sha256 {digest or '-'}"
            )

    def export_pdfs(self, session_ids, out_dir, progress=None) -> list[Path]:
        """Write one PDF per record into ``out_dir`` through one browser, each export logged.

        The next record is loaded and its timelines drawn while Chromium prints the last."""
        from ..export.record_notebook import build_record_notebook
        from ..io.paths import inside, safe_name
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        ids, figures, paths = list(session_ids), {}, []
        notebooks = (
            build_record_notebook(self.session_document(sid, figures=figures)) for sid in ids
        )
        for sid, (nb, pdf) in zip(ids, self._exporter().iter_export(notebooks)):
            path = inside(out, safe_name("supervision", sid, suffix=".pdf"))  # ids never paths
            path.write_bytes(pdf)
            paths.append(path)
            meta = nb.metadata["supervision_kit"]
            self._log_export(sid, meta["state"], meta["content_hash"])
            if progress:
                progress(len(paths), len(ids))
        return paths

    def signed_sessions(self, since=None) -> list[str]:
        """Ids of signed records this user may see, dated on or after ``since``."""
        from ..domain.values import parse_date
        since = parse_date(since, "since") or dt.date.min
        return [s["id"] for s in self.sessions.sessions(state="signed") if s["date"] >= since]

    def verify_pdf(self, path) -> str:
        """Check a PDF's footer hash against the store; returns the verdict or raises."""
        self.ctx.require("verify PDFs", Role.AUDITOR, Role.MANAGER, Role.SUPERVISOR)
        from pypdf import PdfReader
        try:
            text = "\n".join(p.extract_text() or "" for p in PdfReader(str(path)).pages)
        except Exception as e:  # pypdf raises many kinds for a damaged file
            raise ValidationError("file", f"not a readable PDF: {e}") from None
        found = set(HASH.findall(text.replace("\n", "")) or HASH.findall(text))
        if not found:
            raise ValidationError("file", "no record hash found in the PDF footer")
        if len(found) > 1:
            raise ValidationError("file", "the PDF carries more than one record hash")
        digest = found.pop()
        with self.ctx.tx() as conn:
            row = session_queries.session_with_hash(conn, digest)
            self.ctx.log(conn, "verify", "pdf", row.id if row else "", digest)
        if row is None:
            raise NotFound(f"hash {digest[:12]}… matches no record in the store: the PDF was "
                           "altered, or comes from another database")
        problems = [p for p in self.sessions.verify_records() if row.id in p]
        if problems:
            return f"PDF hash matches record {row.id}, but the stored record was altered: {problems[0]}"
        return f"PDF matches signed record {row.id} (sha256 {digest})"
