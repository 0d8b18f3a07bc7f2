"""``meetings add`` and ``meetings list``: dated meetings about a case (child in need
review, core group, child protection conferences, looked-after review) [HSCB aim 4]."""
from __future__ import annotations

import json

from ..domain.lifecycle import day_text
from ..domain.meetings import MEETING_KINDS, CaseMeeting
from ..errors import NotFound


def _case_id(tk, given: str) -> str:
    """The case id for an id or a case reference this user may see."""
    for c in tk.cases(include_closed=True):
        if given in (c.id, c.reference):
            return c.id
    raise NotFound(f"no case {given!r} that you may see")


def run_add(args, tk) -> int:
    """Enter one meeting about a case."""
    m = tk.add_case_meeting(CaseMeeting(_case_id(tk, args.case), args.kind, args.date,
                                        args.note or ""))
    print(f"added {m.id}: {MEETING_KINDS[m.kind]} on {day_text(m.date)}")
    return 0


def run_list(args, tk) -> int:
    """The meetings about one case, or every case this user may see (from ``--since``)."""
    refs = {c.id: c.reference for c in tk.cases(include_closed=True)}
    found = tk.case_meetings(_case_id(tk, args.case) if args.case else None, since=args.since)
    rows = [{"id": m.id, "case": refs.get(m.case_id, m.case_id), "kind": m.kind,
             "date": m.date.isoformat(), "note": m.note} for m in found]
    if args.format == "json":
        print(json.dumps(rows))
    elif not rows:
        print("no case meetings")
    else:
        for r, m in zip(rows, found):
            print(f"{day_text(m.date)}  {r['case']}  {MEETING_KINDS.get(m.kind, m.kind)}"
                  + (f"  ({m.note})" if m.note else "") + f"  [{m.id}]")
    return 0


def register(subs) -> None:
    """Add ``meetings add`` and ``meetings list``."""
    common = [subs.common] if hasattr(subs, "common") else []
    p = subs.add_parser("meetings", parents=common,
                        help="meetings about a case that supervision should come before")
    verbs = p.add_subparsers(dest="verb", required=True, metavar="VERB")
    a = verbs.add_parser("add", parents=common, help="enter a meeting about a case")
    a.add_argument("--case", required=True, help="case id or reference")
    a.add_argument("--kind", required=True, choices=tuple(MEETING_KINDS),
                   help="the kind of meeting")
    a.add_argument("--date", required=True, metavar="DATE", help="YYYY-MM-DD")
    a.add_argument("--note", default="", help="optional; no child's name needed")
    a.set_defaults(func=run_add)
    ls = verbs.add_parser("list", parents=common, help="the meetings about cases you may see")
    ls.add_argument("--case", default=None, help="only this case (id or reference)")
    ls.add_argument("--since", default=None, metavar="DATE", help="from this date on")
    ls.add_argument("--format", choices=("table", "json"), default="table")
    ls.set_defaults(func=run_list)
