"""Case extracts for the child's record, made by the supervisor or a manager, logged as
exports [Temple; Havering 9.2; Surrey; HSCB "separate documentation"]."""
from __future__ import annotations

import datetime as dt
import hashlib

from ..domain.enums import Role
from ..errors import NotFound, ValidationError
from ..export import case_extract as fmt
from ..store import extract as store
from .context import Context

MAKERS = (Role.SUPERVISOR, Role.MANAGER)


class ExtractsService:
    """A case's decisions from supervision as text or PDF."""

    def __init__(self, ctx: Context):
        self.ctx = ctx

    def _gather(self, case_id: str, kind: str):
        ctx = self.ctx
        ctx.require("make a case extract", *MAKERS)
        with ctx.tx() as conn:
            case = store.find_case(conn, case_id)
            if case is None:
                raise NotFound(f"no case {case_id!r}")
            ctx.check_see([case.worker_id], f"make an extract of case {case.reference}")
            items = store.case_decisions(conn, case.id)
            text = fmt.extract_text(dict(case._mapping), items, ctx.me.name, dt.date.today())
            digest = hashlib.sha256(text.encode()).hexdigest()
            ctx.log(conn, "export", "case_extract", case.id,
                    f"{kind}, {len(items)} discussion(s), sha256 {digest}")
        return dict(case._mapping), items, text, digest

    def case_extract(self, case_id: str, format: str = "text") -> str | bytes:
        """The extract of ``case_id`` (id or reference) as text or PDF bytes; logged."""
        if format not in ("text", "pdf"):
            raise ValidationError("format", "text or pdf")
        case, items, text, digest = self._gather(case_id, format)
        if format == "text":
            return text
        from ..export.pdf import SupervisionPDFExporter
        nb = fmt.extract_notebook(case, items, self.ctx.me.name, dt.date.today(), digest)
        exporter = SupervisionPDFExporter(chromium_path=self.ctx.settings.chromium_path)
        pdf, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": "case-extract"}})
        return pdf
