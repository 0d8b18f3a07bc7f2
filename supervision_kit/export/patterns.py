"""Regular expressions and validators for pattern identifiers in free text.

``identifier_sub(text)`` replaces e-mails, URLs, social handles, postcodes,
phones, NHS/NI numbers, dates, street addresses, case references and long
numbers with typed placeholders such as ``[POSTCODE]``.  Regexes compile on
first use (``functools.cache``), so importing costs nothing.

Choices: a 10-digit number failing the NHS check is still redacted
(``[NUMBER]``), as is any run of 6+ digits; a bare month ("in March") and a
span of years ("2019-2020") are kept, but a month with a day or a year is a
``[DATE]``, and so is d/m ("12/3", also "10/10"); day, month and year may be joined by
"-", "/" or "." as well ("02-Apr-2016", "Apr-02-16").  Street names need a number
or capitals ("14 acacia avenue", "Acacia Avenue"; not "acacia avenue").
"""

from __future__ import annotations

import re
from functools import cache

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_ORD = r"(?:st|nd|rd|th)?"
# Words that start an ordinary phrase after a number ("3 visits to the park"),
# so a run containing them is not taken for a street name.
_NOT_STREET = (
    r"(?!(?:the|to|at|in|of|and|or|for|on|with|his|her|their|my|our|a|an|was|were|is"
    r"|times|days|weeks|months|years|hours|minutes)\b)"
)
_STREET_WORD = _NOT_STREET + r"[a-z][a-z'’.-]*"
# Suffixes that are unambiguous in any case, and ones that must be capitalised
# ("very close", "the park" are ordinary English).
_SUFFIX_ANY = r"(?:road|street|avenue|crescent|terrace|lane|drive|grove|gardens|rd|ave)"
_SUFFIX_CAP = (
    r"(?-i:Close|Way|Court|Place|Hill|Park|Walk|Row|Square|St|Mews|Rise|View|Parade|Vale"
    r"|Wharf|Yard|Green|Ct|Pl|Dr|Ln|Cres|Gdns|Sq|Ter|CLOSE|WAY|COURT|PLACE|HILL|PARK|WALK"
    r"|ROW|SQUARE|ST|MEWS|RISE|VIEW|PARADE|VALE|GREEN)"
)
_STREET_TAIL = rf"(?:{_STREET_WORD}\s+){{1,3}}(?:{_SUFFIX_ANY}|{_SUFFIX_CAP})\b"
_SEP = r"[ \t\-‐‑–—]"  # separators inside a written number
# A two-digit year ends a date ("3 Apr 15") unless a time, a unit or more digits follow.
_YY_END = (r"(?![\w:/%'’-]|\.\d)(?!\s*(?:am|pm|years?|yrs?|months?|weeks?|days?|hours?|mins?"
           r"|minutes?|children|visits?|times)\b)")

# One shared lookbehind, then a dispatch on the first character, so most start
# positions are rejected after one or two checks. Inside a group the first
# branch that matches wins: dates before phones before NHS numbers before
# plain numbers; NI numbers before postcodes before case references. NI
# numbers keep one separator style throughout ("QQ 12 34 56 C"), so that
# "at 2021-08-17" stays a date.
_IDENTIFIERS = rf"""
(?<![\w])(?:
  (?P<phone_intl>(?<!\+)(?:(?:\+|00)\s?44\s?(?:\(0\)\s?)?\d(?:[ \t\-.()]{{0,2}}\d){{8,11}}
      | \(0\d{{2,5}}\)[ \t\-.]{{0,2}}\d(?:[ \t\-.]{{0,2}}\d){{4,8}})(?![\w]))
| (?=\d)(?:
      (?P<date>(?<![/.-])(?:
          \d{{4}}[-/.]\d{{1,2}}[-/.]\d{{1,2}}(?![\d/.-]?\d)
        | \d{{1,2}}[-/.]\d{{1,2}}[-/.](?:\d{{4}}|\d{{2}})(?![\d/.-]?\d)
        | \d{{1,2}}[ ]\d{{1,2}}[ ](?:19|20)\d\d(?!\d)
        | (?:\d{{1,2}}{_ORD}\s*(?:[-‐‑–—&]|to|and)\s*)?
          \d{{1,2}}{_ORD}(?:(?:\s+of)?[\s,]+|[-/.]){_MONTH}\b(?:\.(?=\s*['’]?\d))?
            (?:,?\s+\d{{4}}\b|,?\s+['’]?\d{{2}}{_YY_END}
              |(?:(?<=\.)|[-/.])(?:\d{{4}}|\d{{2}})(?![\w/.-]?\d))?))
    | (?P<dm>(?<![/.-])\d{{1,2}}/\d{{1,2}}(?![\w/]))
    | (?P<phone>0\d(?:[ \t\-.()]{{0,2}}\d){{8,11}}(?![\w]))
    | (?P<nhs>\d{{3}}{_SEP}?\d{{3}}{_SEP}?\d{{4}}(?![\w]))
    | (?P<address>\d{{1,4}}[a-z]?,?\s+{_STREET_TAIL})
    | (?P<years>(?:19|20)\d\d\s?[-‐‑–—/]\s?(?:19|20)?\d\d(?![\w/-]))
    | (?P<number>\d(?:[ \t\-‐‑–—/]?\d){{5,}}(?![\w]))
  )
| (?=[a-z]{{1,9}}\.?,?[\s\-/'’]{{0,3}}\d)(?:
      (?P<date_m>{_MONTH}\b(?:\.(?=\s*['’]?\d))?(?:
          ,?\s*['’]\d\d(?![\w'’])
        | (?:,?\s+|[-/.](?=\d))(?:\d{{4}}(?!\d)|\d{{1,2}}{_ORD}(?![\w])
            (?:,?\s+\d{{4}}\b|,?\s+['’]?\d{{2}}{_YY_END}|[-/.](?:\d{{4}}|\d{{2}})\b)?)))
    | (?P<flat>(?:flat|apartment|apt|unit)\.?\s*\d+[a-z]?\b(?:,?\s+\d{{1,4}}[a-z]?,?\s+{_STREET_TAIL})?)
    | (?P<ni>[a-z]{{2}}(?P<nisep>{_SEP}?)\d{{2}}(?P=nisep)\d{{2}}(?P=nisep)\d{{2}}(?:{_SEP}?[a-d])?(?![\w]))
    | (?P<postcode>(?:[a-z]{{1,2}}\d[a-z\d]?|gir)\s*\d[a-z]{{2}}(?![\w]))
    | (?P<caseref>(?<![-/])[a-z]{{2,4}}[-/]?\d{{4,}}(?:[-/]\d+)*(?![\w]))
  )
)
"""

_WEB = r"""
  (?P<email>(?<![\w.+-])\w[\w.+'’-]*@[\w-]+(?:\.[\w-]+)+(?![\w]))
| (?P<url>(?:https?://|www\.)[^\s<>"“”]*[^\s<>".,;:!?)\]}'’“”»])
| (?P<domain>(?<![\w@.-])[\w-]+(?:\.[\w-]+)*\.(?:co\.uk|org\.uk|gov\.uk|nhs\.uk|sch\.uk|ac\.uk
    |com|org|net|uk|info|io)\b(?:/[^\s<>"“”]*[^\s<>".,;:!?)\]}'’“”»])?)
| (?P<handle>(?<![\w.@])@[A-Za-z0-9_]{2,}(?![\w]))
"""

_LABEL = {
    "date": "[DATE]", "date_m": "[DATE]", "phone": "[PHONE]", "phone_intl": "[PHONE]",
    "address": "[ADDRESS]", "flat": "[ADDRESS]", "number": "[NUMBER]", "ni": "[NI_NUMBER]",
    "postcode": "[POSTCODE]", "caseref": "[CASE_REF]", "email": "[EMAIL]",
    "url": "[URL]", "domain": "[URL]", "handle": "[HANDLE]",
}

# Every word inside a placeholder this package emits; a person whose name is
# one of them must not be redacted again inside an existing placeholder.
PLACEHOLDER_WORDS = frozenset(
    "DATE PHONE ADDRESS NUMBER NI NHS POSTCODE CASE REF EMAIL URL HANDLE "
    "CHILD PARENT CARER SIBLING OTHER WORKER FAMILY PERSON ORGANISATION TEAM "
    "NI_NUMBER NHS_NUMBER CASE_REF".split()
)

# Only a token containing one of these can hold an e-mail, URL or handle.
_WEB_HINTS = ("@", "://", "www.", "WWW.", "Www.", ".com", ".uk", ".org", ".net", ".io",
              ".info", ".COM", ".UK", ".ORG", ".NET", ".IO", ".INFO")

# Every pattern identifier has a digit and starts at most _BEFORE characters
# before its first digit ("September 12", "Apartment 3") and ends within
# _AFTER characters of its last ("14 Acacia Gardens Avenue"); scanning only
# these windows keeps the big alternation off the digit-free bulk of a note.
_BEFORE, _AFTER = 16, 56


@cache
def identifier_regex() -> re.Pattern:
    """The combined pattern-identifier regex (compiled on first use)."""
    return re.compile(_IDENTIFIERS, re.IGNORECASE | re.VERBOSE)


@cache
def web_regex() -> re.Pattern:
    """The e-mail / URL / social-handle regex (compiled on first use)."""
    return re.compile(_WEB, re.IGNORECASE | re.VERBOSE)


@cache
def street_regex() -> re.Pattern:
    """Number-less street names ("Acacia Avenue"): capitalised words + a street suffix."""
    # Starting on [A-Z] (lookbehind after it) lets the regex engine skip fast.
    return re.compile(
        r"[A-Z](?<!\w\w)[a-z'’-]*\s+(?:[A-Z][a-z'’-]+\s+)?"
        r"(?:Road|Street|Avenue|Crescent|Terrace|Lane|Drive|Grove|Gardens|Close|Rd|Ave)\b"
    )


@cache
def _web_hint() -> re.Pattern:
    return re.compile(r"[wW][wW][wW]\.|\.(?:com|uk|org|net|io|info|COM|UK|ORG|NET|IO|INFO)\b")


@cache
def _digit_runs() -> re.Pattern:
    return re.compile(r"\d+")


def nhs_number_valid(digits: str) -> bool:
    """True when a 10-digit string passes the NHS modulus-11 check."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1)))
    check = (11 - total % 11) % 11
    return check != 10 and check == int(digits[9])


def _replace(m: re.Match) -> str:
    kind = m.lastgroup
    if kind == "nhs":
        digits = "".join(c for c in m.group() if c.isdigit())
        if nhs_number_valid(digits):
            return "[NHS_NUMBER]"
        # Never leak a 10-digit number: it is redacted whatever it is.
        return "[NUMBER]"
    if kind == "years":
        return m.group()  # "2020-2021": a span of years identifies nobody
    if kind == "dm":
        day, month = (int(p) for p in m.group().split("/"))
        if 1 <= day <= 31 and 1 <= month <= 12 and len(m.group()) > 3:
            return "[DATE]"
        return m.group()  # "3/4", "20/40": a fraction or a score
    return _LABEL[kind]


def _sub_in_spans(text: str, rx: re.Pattern, spans: list[list[int]], repl) -> str:
    """``rx.sub(repl)`` restricted to non-overlapping ``spans`` ending on whitespace."""
    out: list[str] = []
    last = 0
    for s, e in spans:
        for m in rx.finditer(text, max(s, last), e):
            out.append(text[last:m.start()])
            out.append(repl(m))
            last = m.end()
    if not out:
        return text
    out.append(text[last:])
    return "".join(out)


def _to_space(text: str, i: int, step: int) -> int:
    """Move from ``i`` in direction ``step`` to the nearest whitespace (or the text's edge)."""
    n = len(text)
    while 0 <= i < n and not text[i].isspace():
        i += step
    return min(max(i, 0), n)


def _web_sub(text: str) -> str:
    if "@" not in text and "://" not in text and _web_hint().search(text) is None:
        return text
    spans: list[list[int]] = []
    for hint in _WEB_HINTS:
        i = text.find(hint)
        while i != -1:
            # E-mails and URLs hold no whitespace: the surrounding token is enough.
            s, e = _to_space(text, i - 1, -1), _to_space(text, i, 1)
            spans.append([s, e])
            i = text.find(hint, e)
    if not spans:
        return text
    spans.sort()
    merged = [spans[0]]
    for s, e in spans[1:]:
        if s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return _sub_in_spans(text, web_regex(), merged, lambda m: _LABEL[m.lastgroup])


def _digit_sub(text: str) -> str:
    spans: list[list[int]] = []
    for m in _digit_runs().finditer(text):
        s = m.start() - _BEFORE
        if spans and s <= spans[-1][1]:
            if m.end() + _AFTER > spans[-1][1]:
                spans[-1][1] = _to_space(text, m.end() + _AFTER, 1)
        else:
            # End windows on whitespace so a window's end is a real word end.
            spans.append([max(0, s), _to_space(text, m.end() + _AFTER, 1)])
    if not spans:
        return text
    return _sub_in_spans(text, identifier_regex(), spans, _replace)


def identifier_sub(text: str) -> str:
    """Replace every pattern identifier in ``text`` with its typed placeholder."""
    text = _web_sub(text)  # first: an e-mail holds names and digits of its own
    text = _digit_sub(text)
    return street_regex().sub("[ADDRESS]", text)
