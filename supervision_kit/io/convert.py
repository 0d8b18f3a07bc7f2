"""Checking dataset rows fast: one generated function per table, a careful pass for messages.

The fast pass is a plain loop generated once per table (inline type tests, no per-value
function calls for good values) that turns row objects into tuples in column order. On
any problem it gives up, and the careful pass runs the per-column converters from that
chunk on to name the first bad record and field in an ``ImportFailed``.
"""
from __future__ import annotations

import datetime as dt
import functools
from typing import Callable

from ..domain.identifiers import hidden_character, is_id
from ..errors import ImportFailed
from .spec import REQUIRED, ColSpec, primary_key, table_specs

CHUNK = 5000
INT_MIN, INT_MAX = -2**31, 2**31 - 1  # SQL INTEGER on PostgreSQL
_CTRL = bytes(i for i in range(32) if chr(i) not in "\t\n\r")


MAX_DEPTH = 32  # nesting inside one JSON column (a policy override is 3 or 4 deep)


def depth(v, limit: int = MAX_DEPTH) -> int:
    """How deeply ``v`` nests lists and objects, counting at most to ``limit + 1``
    (iterative, so a hostile value cannot exhaust the stack)."""
    best, stack = 0, [(v, 1)]
    while stack:
        x, d = stack.pop()
        if type(x) is dict:
            x = x.values()
        elif type(x) is not list:
            continue
        best = max(best, d)
        if d > limit:
            return d
        stack.extend((y, d + 1) for y in x if type(y) in (dict, list))
    return best


class _Bad(Exception):
    """A value refused by a column converter; the caller adds record and field."""


def has_control(text: str) -> bool:
    """True when ``text`` holds a control character or a lone surrogate."""
    # UTF-8 keeps bytes below 0x20 for those characters alone, and bytes.translate is a
    # tight C loop: several times faster than a regular-expression search.
    try:
        b = text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return len(b.translate(None, _CTRL)) != len(b)


def _iso_date(v: str) -> dt.date:
    if len(v) == 10 and v[4] == "-" == v[7]:
        return dt.date.fromisoformat(v)
    raise ValueError(v)


def converter(c: ColSpec) -> Callable:
    """A function value -> stored value for one column, raising ``_Bad`` with a message."""
    default = c.default

    def gap():
        if default is REQUIRED:
            raise _Bad("required")
        if c.kind == "dict":
            return {}
        return [] if c.kind == "list" else default

    def conv(v):
        if v is None:
            return gap()
        kind = c.kind
        if kind == "str":
            if type(v) is not str:
                raise _Bad(f"expected text, got {type(v).__name__}")
            if c.enum and v not in c.enum:
                raise _Bad(f"unknown value {v!r}; use one of {', '.join(c.enum)}")
            if c.max_len is not None and len(v) > c.max_len:
                raise _Bad(f"too long ({len(v)} characters; at most {c.max_len})")
            if has_control(v):
                raise _Bad("contains control characters")
            if c.id_like and not is_id(v):
                raise _Bad(f"{v!r} is not a valid id: use letters, digits, '.', '_' and '-' "
                           f"(starting with a letter or digit, at most 64)")
            if c.plain and hidden_character(v):
                raise _Bad(f"contains {hidden_character(v)}, a bidirectional or invisible "
                           f"character that makes the name read differently from what it says")
            return v
        if kind == "date":
            if type(v) is dt.date:
                return v
            try:
                return _iso_date(v)
            except (TypeError, ValueError):
                raise _Bad(f"not a date: {v!r} (use YYYY-MM-DD)") from None
        if kind == "datetime":
            if type(v) is not dt.datetime:
                try:
                    v = dt.datetime.fromisoformat(v)
                except (TypeError, ValueError):
                    raise _Bad(f"not a date and time: {v!r} (use YYYY-MM-DDTHH:MM:SS)") from None
            if v.tzinfo is not None:  # the columns are naive: store UTC
                try:
                    v = v.astimezone(dt.timezone.utc).replace(tzinfo=None)
                except OverflowError:
                    raise _Bad(f"out of range: {v.isoformat()}") from None
            return v
        if kind == "int":
            if type(v) is not int:
                raise _Bad(f"expected a whole number, got {v!r}")
            if not INT_MIN <= v <= INT_MAX:  # the columns are 32-bit on PostgreSQL
                raise _Bad(f"out of range: {v} (at most {INT_MAX})")
            return v
        if kind == "bool":
            if v is not True and v is not False:
                raise _Bad(f"expected true or false, got {v!r}")
            return v
        if kind == "dict":
            if type(v) is not dict:
                raise _Bad(f"expected an object, got {type(v).__name__}")
            if depth(v) > MAX_DEPTH:
                raise _Bad(f"nested more than {MAX_DEPTH} levels deep")
            for k, x in (v.items() if c.text_values else ()):
                if type(x) is not str:
                    raise _Bad(f"{k!r}: expected text, got {type(x).__name__}")
                if has_control(x):
                    raise _Bad(f"{k!r}: contains control characters")
            return v
        if type(v) is not list:
            raise _Bad(f"expected a list, got {type(v).__name__}")
        if depth(v) > MAX_DEPTH:
            raise _Bad(f"nested more than {MAX_DEPTH} levels deep")
        if c.length is not None and len(v) != c.length:
            raise _Bad(f"expected {c.length} items, got {len(v)}")
        for i, x in enumerate(v if c.items_enum else ()):
            if not (x is None and c.items_nullable) and x not in c.items_enum:
                raise _Bad(f"unknown value {x!r} at [{i}]; use one of {', '.join(c.items_enum)}")
        return v
    return conv


@functools.cache
def fast_checker(table: str) -> Callable[[list], list[tuple]]:
    """A generated loop: rows -> tuples of stored values; raises on the first doubt."""
    specs = table_specs()[table]
    env: dict = {"_date": _iso_date, "_datetime": dt.datetime.fromisoformat, "_ctrl": has_control,
                 "_isid": is_id, "_hidden": hidden_character, "_depth": depth,
                 "_Slow": _Bad, "_allowed": frozenset(c.name for c in specs)}
    body, texts, names = [], [], []
    for k, c in enumerate(specs):
        v, conv = f"v{k}", f"c{k}"
        env[conv] = converter(c)
        names.append(v)
        body.append(f"{v} = get({c.name!r})")
        if c.kind == "str":
            test = f"type({v}) is not str"
            if c.max_len is not None:
                test += f" or len({v}) > {c.max_len}"
            if c.enum:
                env[f"e{k}"] = frozenset(c.enum)
                test += f" or {v} not in e{k}"
            if c.id_like:
                test += f" or ({v} is not None and not _isid({v}))"
            if c.plain:
                test += f" or _hidden({v})"
            body.append(f"if {test}: {v} = {conv}({v})")
            texts.append(f"{v} or ''" if c.default is None else v)
        elif c.kind == "date":
            body.append(f"{v} = _date({v}) if type({v}) is str else {conv}({v})")
        elif c.kind == "datetime":
            body.append(f"{v} = _datetime({v}) if type({v}) is str else {conv}({v})")
            body.append(f"if {v} is not None and {v}.tzinfo is not None: {v} = {conv}({v})")
        elif c.kind == "int":
            body.append(f"if type({v}) is not int or not {INT_MIN} <= {v} <= {INT_MAX}: "
                        f"{v} = {conv}({v})")
        elif c.kind == "bool":
            body.append(f"if {v} is not True and {v} is not False: {v} = {conv}({v})")
        elif c.kind == "dict":
            # Text-valued objects are checked flat below (''.join of the values).
            deep = "" if c.text_values else f" or _depth({v}) > {MAX_DEPTH}"
            body.append(f"if type({v}) is not dict{deep}: {v} = {conv}({v})")
            if c.text_values:
                texts.append(f"''.join({v}.values())")  # TypeError on a value that is not text
        else:
            checks = []
            if c.length is not None:
                checks.append(f"len({v}) != {c.length}")
            if c.items_enum:
                env[f"i{k}"] = frozenset(c.items_enum) | ({None} if c.items_nullable else set())
                checks.append(f"not i{k}.issuperset({v})")
            deep = "" if c.items_enum else f" or _depth({v}) > {MAX_DEPTH}"  # enum items are flat
            body.append(f"if type({v}) is not list{deep}: {v} = {conv}({v})")
            if checks:
                body.append(f"elif {' or '.join(checks)}: raise _Slow")
    if texts:
        body.append(f"if _ctrl('\\n'.join(({', '.join(texts)},))): raise _Slow")
    body.append(f"add(({', '.join(names)},))")
    src = ("def check(rows):\n    out = []\n    add = out.append\n    for row in rows:\n"
           "        if type(row) is not dict or not _allowed.issuperset(row): raise _Slow\n"
           "        get = row.get\n" + "".join(f"        {line}\n" for line in body)
           + "    return out\n")
    exec(compile(src, f"<dataset checker for {table}>", "exec"), env)
    return env["check"]


def label(table: str, i: int, row) -> str:
    """How an error names a row: ``sessions[12] (id S000013)``."""
    pk = primary_key(table)
    if not isinstance(row, dict):
        return f"{table}[{i}]"

    def shown(v) -> str:  # a hostile id is quoted, so the message stays one line
        return v if is_id(v) or (isinstance(v, int) and not isinstance(v, bool)) else repr(v)
    if len(pk) > 1:
        return f"{table}[{i}] ({', '.join(f'{k} {shown(row.get(k))}' for k in pk)})"
    return f"{table}[{i}] (id {shown(row.get('id'))})"


def _explain(table: str, rows: list, start: int) -> ImportFailed:
    """The careful pass: the first bad record and field from ``start`` on."""
    specs = table_specs()[table]
    allowed = [c.name for c in specs]
    convs = [(c.name, converter(c)) for c in specs]
    for i in range(start, len(rows)):
        row = rows[i]
        if type(row) is not dict:
            return ImportFailed(f"{table}[{i}]", "", "each row must be an object")
        extra = sorted(str(k) for k in row if k not in allowed)
        if extra:
            return ImportFailed(label(table, i, row), extra[0],
                                f"unknown column; known: {', '.join(allowed)}")
        for name, conv in convs:
            try:
                conv(row.get(name))
            except _Bad as e:
                return ImportFailed(label(table, i, row), name, str(e))
    return ImportFailed(table, "", "a row could not be read")  # pragma: no cover


def convert_table(table: str, rows: list, on_chunk: Callable[[int], None]) -> list[tuple]:
    """Checked tuples (column order of ``table_specs``) for ``rows``, or ``ImportFailed``."""
    check = fast_checker(table)
    out: list[tuple] = []
    for k in range(0, len(rows), CHUNK):
        try:
            out += check(rows[k:k + CHUNK])
        except Exception:  # any doubt: let the careful pass say exactly what is wrong
            raise _explain(table, rows, k) from None
        on_chunk(min(CHUNK, len(rows) - k))
    return out
