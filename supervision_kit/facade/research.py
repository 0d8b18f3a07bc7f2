"""The anonymised research export through the facade (researchers and admins; logged)."""
from __future__ import annotations

import json
from pathlib import Path

from ..domain.enums import Role
from ..errors import ValidationError
from .context import Context


class ResearchService:
    """Data for researchers with no identifier left in it."""

    def __init__(self, ctx: Context):
        self.ctx = ctx

    def research_key(self, key_file) -> tuple[bytes, bool]:
        """(key, created): read the pseudonymisation key file, or create it (32 random
        bytes, mode 0600). Only for those who may export anonymised data."""
        self.ctx.require("export anonymised data", Role.RESEARCHER)
        from ..export.pseudonym import load_or_create_key
        return load_or_create_key(key_file)

    def key_created_message(self, key_file) -> str:
        """What to tell a person whose key file was just created."""
        from ..export.pseudonym import key_created_message
        return key_created_message(key_file)

    def anonymise(self, out_dir, key, *, since=None, team: str | None = None,
                  date_mode: str = "shift", k: int = 5, progress=None, chunk_size: int = 5000,
                  compression: str = "zstd", as_of=None) -> dict:
        """Write the anonymised export (``export.anonymise``) into ``out_dir``; the report.

        ``key``: the secret pseudonymisation key (bytes) or the path of a key file
        (created with 32 random bytes, mode 0600, when missing). The key is never written
        into ``out_dir``. Logged as an "export" with the row counts only.
        """
        self.ctx.require("export anonymised data", Role.RESEARCHER)
        from ..domain.values import parse_date
        from ..export.anonymise import anonymise
        out = Path(out_dir).expanduser().resolve()
        if not isinstance(key, (bytes, bytearray)):
            key_path = Path(key).expanduser().resolve()
            if key_path == out or out in key_path.parents:
                raise ValidationError("key_file", "keep the key outside the export folder")
            key, _ = self.research_key(key_path)
        since = parse_date(since, "since")
        as_of = parse_date(as_of, "as_of")
        report = anonymise(self.ctx.engine, out, bytes(key), since=since, team=team,
                           date_mode=date_mode, k=k, progress=progress, chunk_size=chunk_size,
                           compression=compression, as_of=as_of, settings=self.ctx.settings)
        with self.ctx.tx() as conn:
            self.ctx.log(conn, "export", "research", "", json.dumps({"rows": report["rows"]}))
        return report
