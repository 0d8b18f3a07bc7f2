"""PDF export of supervision records through nbconvert's WebPDF exporter on Debian's Chromium, offline."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import html
import shutil
import sys
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

import jinja2
import nbformat
from nbconvert.exporters.templateexporter import TemplateExporter
from nbconvert.exporters.webpdf import WebPDFExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
from traitlets import Bool, Dict, Int, List, Unicode, default
from traitlets.config import Config

LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # One renderer shared by every page (pages are static, script-free, same-origin):
    # with pages kept open and reused, a record no longer pays for a new renderer
    # process, which was about half of a batch's CPU per record.
    "--renderer-process-limit=1",
]

# Chromium draws these with its own tiny default font size unless styled inline.
_FOOTER = (
    '<div style="width:100%;box-sizing:border-box;padding:0 15mm;display:flex;justify-content:space-between;'
    "font-family:'DejaVu Sans',sans-serif;font-size:7pt;font-variant-ligatures:none;color:#333;\">"
    "<span><b>CONFIDENTIAL</b></span><span>SHA-256 {digest}</span>"
    '<span>Page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>'
)
# Chromium lays header and footer out once per page; an empty header costs least.
_HEADER = "<span></span>"


class _MemoryBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates shared by every exporter in the process (Jinja checks the source checksum)."""

    def __init__(self):
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket):
        self._code[bucket.key] = bucket.bytecode_to_string()


_BYTECODE = _MemoryBytecodeCache()


def default_templates_dir() -> Path:
    """The repository's ``templates/`` folder, else the installed ``share/supervision_kit/templates``."""
    import supervision_kit

    repo = Path(supervision_kit.__file__).resolve().parent.parent / "templates"
    if (repo / "nbconvert" / "supervision_pdf").is_dir():
        return repo
    return Path(sys.prefix) / "share" / "supervision_kit" / "templates"


def _is_local(url: str) -> bool:
    return url.startswith(("data:", "file:")) or url == "about:blank"


class _Browser:
    """One Playwright driver and one Chromium, driven from a private event-loop thread.

    A private loop keeps this usable inside Jupyter (whose loop is already running)
    and lets the browser outlive a single call, which is what batches need. Chromium
    starts in the background: the caller builds its HTML meanwhile, and the first
    render waits for the start. Pages are kept and reused: opening and closing a page
    per record cost about a fifth of a batch's time per record.
    """

    def __init__(self, executable: str, args: list[str], javascript: bool, pages: int = 1):
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="supervision-pdf", daemon=True)
        self._thread.start()
        self._pw = self._browser = self._context = None
        self._idle: asyncio.Queue | None = None
        self._blocked: dict = {}  # page -> non-local URLs it asked for during its current render
        self._opened = 0
        self._max_pages = max(1, pages)
        self._started = self.submit(self._start(executable, args, javascript))

    def call(self, coro):
        return self.submit(coro).result()

    def submit(self, coro):
        return asyncio.run_coroutine_threadsafe(coro, self._loop)

    async def _start(self, executable: str, args: list[str], javascript: bool) -> None:
        try:
            from playwright.async_api import async_playwright
        except ModuleNotFoundError as exc:  # pragma: no cover - dependency is declared
            raise RuntimeError("PDF export needs Playwright: install supervision_kit's dependencies") from exc
        self._idle = asyncio.Queue()
        self._pw = await async_playwright().start()
        try:
            self._browser = await self._pw.chromium.launch(
                executable_path=executable,
                args=args,
                handle_sigint=False,
                handle_sigterm=False,
                handle_sighup=False,
            )
            self._context = await self._browser.new_context(java_script_enabled=javascript)
            # The first page opens while the caller is still building its HTML.
            self._opened += 1
            self._idle.put_nowait(await self._new_page())
        except Exception as exc:
            await self._pw.stop()
            self._pw = None
            raise RuntimeError(
                f"Could not start Chromium at {executable!r} (apt-get install chromium, "
                "or set SupervisionPDFExporter.chromium_path)"
            ) from exc

    async def _new_page(self):
        page = await self._context.new_page()
        blocked = self._blocked[page] = []

        async def guard(route):
            url = route.request.url
            if _is_local(url):
                await route.continue_()
            else:
                blocked.append(url)
                await route.abort("blockedbyclient")

        await page.route("**/*", guard)
        return page

    async def _page(self):
        if self._idle.empty() and self._opened < self._max_pages:
            self._opened += 1  # counted before the await, so concurrent renders cannot overshoot
            return await self._new_page()
        return await self._idle.get()

    async def render(self, page_html: str, pdf_options: dict) -> tuple[bytes, list[str]]:
        """Print one document on an idle page; refuse and record every non-local request."""
        await asyncio.wrap_future(self._started)
        page = await self._page()
        blocked = self._blocked[page]
        blocked.clear()
        try:
            # set_content replaces the whole document, so nothing of the last record remains.
            await page.set_content(page_html, wait_until="load")
            pdf = await page.pdf(**pdf_options)
        except BaseException:
            await page.close()  # a page that failed mid-print is not trusted again
            self._opened -= 1
            self._blocked.pop(page, None)
            raise
        self._idle.put_nowait(page)
        return pdf, list(blocked)

    async def _shutdown(self) -> None:
        try:
            if self._browser is not None:
                await self._browser.close()
        finally:
            if self._pw is not None:
                await self._pw.stop()

    def close(self) -> None:
        try:
            with contextlib.suppress(Exception):  # a failed start was already reported to the caller
                self._started.result()
            self.call(self._shutdown())
        finally:
            self._stop_loop()

    def _stop_loop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()


class SupervisionPDFExporter(WebPDFExporter):
    """WebPDF for supervision records: Debian's Chromium, A4, footer with hash and page numbers, no network.

    ``allow_chromium_download``, ``paginate`` and ``page_render_timeout`` of the parent are
    ignored: no browser is ever downloaded, records are always paginated, and nothing
    runs scripts, so there is nothing to wait for.
    """

    export_from_notebook = "Supervision record PDF"

    chromium_path = Unicode(help="Chromium executable handed to Playwright as executable_path.").tag(config=True)
    chromium_args = List(Unicode(), LAUNCH_ARGS, help="Chromium launch arguments.").tag(config=True)
    templates_dir = Unicode(
        help="Folder holding nbconvert/supervision_pdf (default: the repository's templates/)."
    ).tag(config=True)
    paper_format = Unicode("A4", help="Playwright paper format.").tag(config=True)
    page_margins = Dict(
        {"top": "14mm", "bottom": "16mm", "left": "15mm", "right": "15mm"}, help="Playwright page margins."
    ).tag(config=True)
    javascript_enabled = Bool(False, help="Let the page run scripts (records never need to).").tag(config=True)
    pipeline_depth = Int(2, help="Records printed concurrently by export_many.").tag(config=True)
    blocked_requests = List(Unicode(), help="Non-local URLs refused during the last export.")
    browser_launches = Int(0, help="How many Chromium processes this exporter has started.")

    @default("chromium_path")
    def _chromium_path_default(self):
        return shutil.which("chromium") or "/usr/bin/chromium"

    @default("templates_dir")
    def _templates_dir_default(self):
        return str(default_templates_dir())

    @default("template_name")
    def _template_name_default(self):
        return "supervision_pdf"

    @default("extra_template_basedirs")
    def _extra_template_basedirs_default(self):
        return [str(Path(self.templates_dir) / "nbconvert")]

    @default("optimistic_validation")
    def _optimistic_validation_default(self):
        # Validate once after all preprocessors rather than after each of them.
        return True

    @property
    def default_config(self):
        config = super().default_config.copy()
        # Its Pygments/notebook CSS goes into a <head> block our template replaces.
        config.merge(Config({"CSSHTMLHeaderPreprocessor": {"enabled": False}}))
        return config

    @default("exclude_input")
    def _exclude_input_default(self):
        return True

    @default("exclude_input_prompt")
    def _exclude_input_prompt_default(self):
        return True

    @default("exclude_output_prompt")
    def _exclude_output_prompt_default(self):
        return True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._browser: _Browser | None = None

    # -- browser lifetime -------------------------------------------------
    def _launch_args(self) -> list[str]:
        args = [*self.chromium_args, *self.browser_args]
        return list(dict.fromkeys(args))

    @contextlib.contextmanager
    def batch(self) -> Iterator[SupervisionPDFExporter]:
        """Keep one Chromium open for every export inside the block (nested blocks share it)."""
        if self._browser is not None:
            yield self
            return
        self._browser = _Browser(self.chromium_path, self._launch_args(), self.javascript_enabled,
                                 pages=self.pipeline_depth)
        self.browser_launches += 1
        try:
            yield self
        finally:
            browser, self._browser = self._browser, None
            browser.close()

    # -- printing ----------------------------------------------------------
    def pdf_options(self, metadata: dict | None = None) -> dict:
        """Playwright ``page.pdf`` arguments for a notebook with this metadata."""
        metadata = metadata or {}
        record = metadata.get("supervision_kit") or {}
        digest = str(record.get("content_hash") or "not recorded")
        return {
            "format": self.paper_format,
            "margin": dict(self.page_margins),
            "print_background": True,
            "display_header_footer": True,
            "header_template": _HEADER,
            "footer_template": _FOOTER.format(digest=html.escape(digest)),
        }

    def _submit(self, page_html: str, options: dict):
        return self._browser.submit(self._browser.render(page_html, options))

    def _collect(self, futures) -> list[bytes]:
        results = [f.result() for f in futures]
        self.blocked_requests = [url for _, blocked in results for url in blocked]
        if self.blocked_requests:
            self.log.warning("Refused non-local request(s) while printing: %s", self.blocked_requests)
        return [pdf for pdf, _ in results]

    def run_playwright(self, html, options: dict | None = None):
        """Print already-built HTML with ``options`` (default: no record metadata)."""
        with self.batch():
            return self._collect([self._submit(html, options or self.pdf_options())])[0]

    def _create_environment(self):
        environment = super()._create_environment()
        environment.bytecode_cache = _BYTECODE  # a fresh exporter need not recompile the templates
        return environment

    def _validate_preprocessor(self, nbc, preprocessor):
        # Optimistic: one validation after the last preprocessor, whether or not that one ran.
        # Otherwise nbconvert re-validates after each; a disabled one changed nothing.
        if self.optimistic_validation or getattr(preprocessor, "enabled", True):
            super()._validate_preprocessor(nbc, preprocessor)

    def build_html(self, nb, resources=None, **kw):
        """The self-contained HTML page that gets printed, and its resources."""
        # HTMLExporter.from_notebook_node without its BeautifulSoup pass (alt text and
        # tabindex for screens; our template writes alt itself), which costs more than
        # the template, and without WebPDFExporter's own browser launch.
        langinfo = nb.metadata.get("language_info", {})
        lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
        highlight = self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
        self.register_filter("highlight_code", highlight)
        resources = self._init_resources(resources)
        data_types = WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self, resources=resources)
        self.register_filter("filter_data_type", data_types)
        return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    def from_notebook_node(self, nb, resources=None, **kw):
        """Convert one notebook to PDF bytes."""
        with self.batch():  # Chromium starts while the HTML is built
            page_html, resources = self.build_html(nb, resources=resources, **kw)
            self.log.info("Building PDF")
            pdf = self._collect([self._submit(page_html, self.pdf_options(nb.metadata))])[0]
        return pdf, resources

    def iter_export(self, notebooks: Iterable) -> Iterator[tuple[nbformat.NotebookNode, bytes]]:
        """Yield ``(notebook, pdf bytes)`` in order through one browser; while Chromium prints
        up to ``pipeline_depth`` records, the next notebook is taken and its HTML built."""
        self.blocked_requests = []
        queue: collections.deque = collections.deque()

        def done():
            node, future = queue.popleft()
            pdf, blocked = future.result()
            if blocked:
                self.blocked_requests = [*self.blocked_requests, *blocked]
                self.log.warning("Refused non-local request(s) while printing: %s", blocked)
            return node, pdf

        with self.batch():
            for nb in notebooks:
                node = _as_notebook(nb)
                page_html, _ = self.build_html(node)
                queue.append((node, self._submit(page_html, self.pdf_options(node.metadata))))
                if len(queue) > max(1, self.pipeline_depth):
                    yield done()
            while queue:
                yield done()

    def export_many(self, notebooks: Iterable) -> list[bytes]:
        """Convert many notebooks (nodes, dicts or paths) through one browser."""
        return [pdf for _, pdf in self.iter_export(notebooks)]


def _as_notebook(nb) -> nbformat.NotebookNode:
    if isinstance(nb, nbformat.NotebookNode):
        return nb
    if isinstance(nb, (str, Path)):
        return nbformat.read(str(nb), as_version=4)
    return nbformat.from_dict(nb)


def render_pdf(record: dict, *, exporter: SupervisionPDFExporter | None = None) -> bytes:
    """The PDF bytes of one record dict (see ``record_notebook`` for its keys)."""
    from supervision_kit.export.record_notebook import build_record_notebook

    nb = build_record_notebook(record)
    exporter = exporter or SupervisionPDFExporter()
    resources = {"metadata": {"name": f"supervision-record-{record.get('id', '')}"}}
    pdf, _ = exporter.from_notebook_node(nb, resources=resources)
    return pdf


def write_pdf(record: dict, path, *, exporter: SupervisionPDFExporter | None = None) -> Path:
    """Render ``record`` and write it to ``path``; returns the path."""
    path = Path(path)
    path.write_bytes(render_pdf(record, exporter=exporter))
    return path
