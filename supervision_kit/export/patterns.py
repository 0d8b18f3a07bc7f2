"""Regular expressions and validators for pattern identifiers in free text.

Everything is compiled lazily (``functools.cache``) so importing costs nothing.
``identifier_sub(text)`` replaces postcodes, phones, NHS/NI numbers, dates,
street addresses, case references, e-mails, URLs and long numbers with
typed placeholders such as ``[POSTCODE]``.
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
_NOT_STREET = r"(?!(?:the|to|at|in|of|and|or|for|on|with|his|her|their|my|our|a|an|was|were|is|times|days|weeks|months|years|hours|minutes)\b)"
_STREET_WORD = _NOT_STREET + r"[a-z][a-z'’.-]*"
# Suffixes that are unambiguous in any case, and ones that must be capitalised
# ("very close", "the park" are ordinary English).
_SUFFIX_ANY = r"(?:road|street|avenue|crescent|terrace|lane|drive|grove|gardens|rd|ave)"
_SUFFIX_CAP = (
    r"(?-i:Close|Way|Court|Place|Hill|Park|Walk|Row|Square|St|Mews|Rise|View|Parade|Vale"
    r"|Wharf|Yard|Green|Ct|Pl|Dr|Ln|Cres|Gdns|Sq|Ter|CLOSE|WAY|COURT|PLACE|HILL|PARK|WALK"
    r"|ROW|SQUARE|ST|MEWS|RISE|VIEW|PARADE|VALE|GREEN)"
)
_SUFFIX = rf"(?:{_SUFFIX_ANY}|{_SUFFIX_CAP})\b\.?"
_SEP = r"[ \t\-‐‑–—]"  # separators inside a written number

# Alternation order matters where two branches can start at the same place:
# the first branch that matches wins (dates before numbers, NI before refs).
_IDENTIFIERS = rf"""
  (?P<date>(?<![\w/.-])(?:
        \d{{4}}[-/.]\d{{1,2}}[-/.]\d{{1,2}}(?![\d/.-]?\d)
      | \d{{1,2}}[-/.]\d{{1,2}}[-/.](?:\d{{4}}|\d{{2}})(?![\d/.-]?\d)
      | \d{{1,2}}{_ORD}(?:\s+of)?[\s,]+{_MONTH}\b\.?(?:,?\s+\d{{4}}\b|\s+'\d{{2}}\b)?
      | {_MONTH}\b\.?,?\s+(?:\d{{4}}(?!\d)|\d{{1,2}}{_ORD}(?![\w])(?:,?\s+\d{{4}}\b)?)
  ))
| (?P<dm>(?<![\w/.-])\d{{1,2}}/\d{{1,2}}(?![\w/]))
| (?P<phone>(?<![\w+])(?:(?:\+|00)\s?44\s?(?:\(0\)\s?)?|\(?0)\d(?:[ \t\-.()]{{0,2}}\d){{8,11}}(?![\w]))
| (?P<nhs>(?<![\w])\d{{3}}{_SEP}?\d{{3}}{_SEP}?\d{{4}}(?![\w]))
| (?P<address>(?<![\w])(?:(?:flat|apartment|apt|unit|room)\.?\s*\d+[a-z]?,?\s+)?
      \d{{1,4}}[a-z]?,?\s+(?:{_STREET_WORD}\s+){{1,3}}{_SUFFIX})
| (?P<flat>(?<![\w])(?:flat|apartment|apt)\.?\s*\d+[a-z]?\b)
| (?P<number>(?<![\w])\d(?:{_SEP}?\d){{5,}}(?![\w]))
| (?P<ni>(?<![\w])[a-z]{{2}}{_SEP}?\d{{2}}{_SEP}?\d{{2}}{_SEP}?\d{{2}}(?:{_SEP}?[a-d])?(?![\w]))
| (?P<postcode>(?<![\w])(?:[a-z]{{1,2}}\d[a-z\d]?|gir)\s*\d[a-z]{{2}}(?![\w]))
| (?P<caseref>(?<![\w-])[a-z]{{2,4}}-?\d{{4,}}(?:[-/]\d+)*(?![\w]))
| (?P<street>(?-i:(?<![\w])(?:[A-Z][a-z'’-]+\s+){{1,2}}(?:Road|Street|Avenue|Crescent|Terrace|Lane|Drive|Grove|Gardens|Close|Rd|Ave)\b\.?))
"""

_WEB = r"""
  (?P<email>[\w.+'-]+@[\w-]+(?:\.[\w-]+)+)
| (?P<url>(?:https?://|www\.)[^\s<>"]*[^\s<>".,;:!?)\]'’])
| (?P<domain>(?<![\w@.-])[\w-]+(?:\.[\w-]+)*\.(?:co\.uk|org\.uk|gov\.uk|nhs\.uk|sch\.uk|ac\.uk|com|org|net|uk|info|io)\b(?:/[^\s<>"]*[^\s<>".,;:!?)\]'’])?)
| (?P<handle>(?<![\w.@])@[A-Za-z0-9_]{2,})
"""

_LABEL = {
    "date": "[DATE]", "phone": "[PHONE]", "address": "[ADDRESS]", "flat": "[ADDRESS]",
    "street": "[ADDRESS]", "number": "[NUMBER]", "ni": "[NI_NUMBER]",
    "postcode": "[POSTCODE]", "caseref": "[CASE_REF]", "email": "[EMAIL]",
    "url": "[URL]", "domain": "[URL]", "handle": "[HANDLE]",
}

# Every placeholder word this module and redact.py emit; names equal to one of
# them must not be re-redacted inside an existing placeholder.
PLACEHOLDER_WORDS = frozenset(
    "DATE PHONE ADDRESS NUMBER NI NHS POSTCODE CASE REF EMAIL URL HANDLE "
    "CHILD PARENT CARER SIBLING OTHER WORKER FAMILY PERSON".split()
)


@cache
def identifier_regex() -> re.Pattern:
    """The combined pattern-identifier regex (compiled on first use)."""
    return re.compile(_IDENTIFIERS, re.IGNORECASE | re.VERBOSE)


@cache
def web_regex() -> re.Pattern:
    """The e-mail / URL / social handle regex (compiled on first use)."""
    return re.compile(_WEB, re.IGNORECASE | re.VERBOSE)


@cache
def _digit_regex() -> re.Pattern:
    return re.compile(r"\d")


@cache
def _street_regex() -> re.Pattern:
    # Only the number-less street branch: used on texts without any digit.
    return re.compile(
        r"(?<![\w])(?:[A-Z][a-z'’-]+\s+){1,2}"
        r"(?:Road|Street|Avenue|Crescent|Terrace|Lane|Drive|Grove|Gardens|Close|Rd|Ave)\b\.?"
    )


def nhs_number_valid(digits: str) -> bool:
    """True when a 10-digit string passes the NHS modulus-11 check."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1)))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _digits(s: str) -> str:
    return "".join(c for c in s if c.isdigit())


def _replace(m: re.Match) -> str:
    kind = m.lastgroup
    if kind == "nhs":
        digits = _digits(m.group())
        if nhs_number_valid(digits):
            return "[NHS_NUMBER]"
        # A 10-digit run starting with 0 is a phone number written 3-3-4.
        return "[PHONE]" if digits[0] == "0" else "[NUMBER]"
    if kind == "dm":
        day, month = (int(p) for p in m.group().split("/"))
        if 1 <= day <= 31 and 1 <= month <= 12 and len(m.group()) > 3:
            return "[DATE]"
        return m.group()
    return _LABEL[kind]


def _replace_web(m: re.Match) -> str:
    return _LABEL[m.lastgroup]


def identifier_sub(text: str) -> str:
    """Replace every pattern identifier in ``text`` with its typed placeholder."""
    # Cheap substring pre-checks keep the costlier regexes off most texts.
    if "@" in text or "://" in text or "www." in text or "WWW." in text or "." in text and (
        ".com" in text or ".uk" in text or ".org" in text or ".net" in text
        or ".io" in text or ".info" in text or ".COM" in text or ".UK" in text
    ):
        text = web_regex().sub(_replace_web, text)
    if _digit_regex().search(text) is not None:
        return identifier_regex().sub(_replace, text)
    return _street_regex().sub("[ADDRESS]", text)
