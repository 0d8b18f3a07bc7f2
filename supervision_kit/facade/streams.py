"""Supervision streams through the facade: which streams a supervisee has, and which
stream a session belongs to [HSCB "Definition"; PG41 5; Havering 1]."""
from __future__ import annotations

import datetime as dt
import json

from ..domain.streams import stream_label
from ..domain.values import parse_date
from ..errors import ValidationError
from ..store.streams import active_contracts
from .context import Context


def resolve_streams(ctx: Context, rows) -> list[dict]:
    """Active contract rows (oldest first) as streams: a later contract in the same stream
    replaces an earlier one; a contract without a stream has its preset's."""
    from ..rules.policy import PolicyBook
    book = PolicyBook(ctx.settings.templates, ctx.settings.default_preset)
    out: dict[str, dict] = {}
    for r in rows:
        try:
            pol, _ = book.resolve(r.preset, json.dumps(r.overrides or {}))
            default = pol.get("supervision.stream") or "management"
        except ValidationError:
            default = "management"
        stream = r.stream or default
        out[stream] = dict(stream=stream, label=stream_label(stream), contract_id=r.id,
                           supervisor_id=r.supervisor_id, preset=r.preset)
    return sorted(out.values(), key=lambda s: s["stream"])


def settle_stream(ctx: Context, rec) -> None:
    """Give a session its stream: the one named, which must be one of the supervisee's
    streams, or the only one they have; with several, the writer must choose."""
    names = None
    with ctx.engine.connect() as conn:
        for pid in rec.supervisee_ids:
            mine = {s["stream"] for s in resolve_streams(ctx, active_contracts(conn, pid, rec.date))}
            if mine:
                names = mine if names is None else names & mine
    if names is None:  # no contract: any stream (or none) is accepted as given
        return
    if rec.stream:
        if rec.stream not in names:
            raise ValidationError("stream", f"no active {rec.stream} contract for this "
                                  f"supervision on {rec.date:%d %b %Y}; streams: "
                                  + (", ".join(sorted(names)) or "none in common"))
        return
    if len(names) == 1:
        rec.stream = next(iter(names))
    elif len(names) > 1:
        raise ValidationError("stream", "choose which supervision this is: "
                              + " or ".join(sorted(names)))


class StreamsService:
    """Streams side by side: one active contract per supervisee and stream."""

    def __init__(self, ctx: Context):
        self.ctx = ctx

    def streams(self, supervisee_id: str, as_of=None) -> list[dict]:
        """The supervisee's streams on the day (latest contract per stream): stream, label,
        contract_id, supervisor_id, preset. Empty without an active contract."""
        self.ctx.check_see([supervisee_id], f"see the supervision streams of {supervisee_id}")
        day = parse_date(as_of, "as_of") or dt.date.today()
        with self.ctx.engine.connect() as conn:
            rows = active_contracts(conn, supervisee_id, day)
        return resolve_streams(self.ctx, rows)
