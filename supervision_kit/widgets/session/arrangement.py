"""The session's stream (when the supervisee has several) and its length in minutes."""
from __future__ import annotations

import ipywidgets as w

from ...domain.streams import stream_label
from ...errors import SupervisionError
from ..common import Field
from .sections import Section

ASK = ("— choose the stream —", "")


class ArrangementSection(Section):
    """Which supervision this is (management, safeguarding, ...) and how long it lasted
    [Havering 5: "one and a half to two hours"; Temple contract 3: "approximately one hour"]."""

    title = "Stream and length"
    fields_handled = ("stream", "duration_minutes")

    def __init__(self, rec):
        super().__init__(rec)
        r = rec.record
        streams = []
        try:
            for pid in r.supervisee_ids:
                streams += [s for s in rec.tk.streams(pid, as_of=r.date)
                            if s["stream"] not in {x["stream"] for x in streams}]
        except SupervisionError:
            pass
        opts = [(s["label"], s["stream"]) for s in streams]
        if r.stream and r.stream not in {v for _, v in opts}:
            opts.append((stream_label(r.stream), r.stream))
        self.must_choose = len(opts) > 1 and not r.stream
        if len(opts) != 1:
            opts.insert(0, ASK)
        self.stream = w.Dropdown(options=opts, value=r.stream or opts[0][1],
                                 layout={"width": "30em"})
        rec.bind(self.stream, r, "stream", convert=lambda v: v or None)
        self.minutes = w.BoundedIntText(value=r.duration_minutes or 0, min=0, max=600,
                                        description="Minutes", layout={"width": "14em"})
        rec.bind(self.minutes, r, "duration_minutes", convert=lambda v: v or None)
        rec.inputs["stream"], rec.inputs["duration_minutes"] = self.stream, self.minutes
        self.fields = {
            "stream": Field("Which supervision is this?", self.stream,
                            "each stream has its own frequency and supervisor"),
            "duration_minutes": Field("Length of the session", self.minutes, "0: not recorded")}
        self.widget.children = [f.box for f in self.fields.values()]

    def error_field(self, name, index, attr):
        return self.fields.get(name)
