"""SMART checks on an action [Havering 13.1]: owner, date, and a specific verb.

Pure functions, so the widgets, the CLI and the PDF export give the same advice.
"""
from __future__ import annotations

import re
from collections.abc import Mapping

# Verbs that never say what will actually be done or how anyone would know it was.
VAGUE_VERBS = ("monitor", "consider", "look into", "support", "discuss", "keep an eye on",
               "think about", "be aware of", "bear in mind", "try to", "liaise", "touch base")
# Verbs that are fine with a specific object ("review the CP plan with the core group")
# but vague on their own or with a placeholder ("review", "review things").
NEEDS_OBJECT = ("review", "check", "follow up", "chase", "update", "address", "explore",
                "continue", "progress", "work on", "work with", "engage")
PLACEHOLDERS = {"it", "this", "that", "things", "everything", "situation", "the situation",
                "case", "the case", "issues", "the issues", "matters", "concerns", "progress",
                "as needed", "as required", "as appropriate", "ongoing", "further", "again",
                "same", "as before", "etc"}
VAGUE_TIMES = ("asap", "as soon as possible", "ongoing", "as needed", "as required",
               "when possible", "in due course", "tbc", "tba")
# "Pat to review ...", "SW to ...": the verb follows the owner's name and "to".
_LEAD = re.compile(r"^\s*(?:[-*•]\s*|\d+[.)]\s*)?(?:[\w'’]+(?:\s+[\w'’]+)?\s+to\s+|to\s+)?", re.I)


def _get(action, name):
    if isinstance(action, Mapping):
        return action.get(name)
    return getattr(action, name, None)


def _words(text: str) -> str:
    """Lower case, punctuation as spaces, single-spaced."""
    return " ".join(re.sub(r"[^\w'’/ ]+", " ", text.lower()).split())


def _vague_verbs(description: str) -> list[str]:
    text = _words(description)
    found = [v for v in VAGUE_VERBS if re.search(rf"\b{re.escape(v)}\b", text)]
    lead = _words(_LEAD.sub("", description, count=1))
    for verb in NEEDS_OBJECT:
        if lead == verb or lead.startswith(verb + " "):
            rest = lead[len(verb):].strip()
            if rest in PLACEHOLDERS or not rest:
                found.append(verb)
            break
    return found


def smart_warnings(action) -> list[str]:
    """Plain-text warnings for an action (an ``ActionItem``, a dict or any object with
    ``description``, ``owner_id`` and ``due_date``); an empty list means it looks SMART."""
    out: list[str] = []
    description = str(_get(action, "description") or "").strip()
    if not description:
        out.append("No description: say what will be done.")
    if not _get(action, "owner_id"):
        out.append("No owner: say who will do it.")
    if not _get(action, "due_date"):
        out.append("No due date: say by when.")
    if description:
        for verb in _vague_verbs(description):
            out.append(f'Vague verb "{verb}": say exactly what will be done, with whom, '
                       f"and how you will know it is done.")
        text = _words(description)
        for phrase in VAGUE_TIMES:
            if re.search(rf"\b{re.escape(phrase)}\b", text):
                out.append(f'Vague timescale "{phrase}": give a date.')
        if len(text.split()) < 2 and not _vague_verbs(description):
            out.append("Too short to be specific: what exactly, with whom, by when?")
    return out
