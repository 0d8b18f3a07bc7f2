"""Whole-dataset JSON: export every table, import all-or-nothing after checking every row.

The format is described in ``supervision_kit.io.spec`` and published as
``templates/dataset.schema.json``. Import checks every row first (``io.convert``: a loop
generated once per table, no per-row schema validation, no ORM objects), then inserts in
foreign-key order with bulk executemany inside the caller's transaction.
"""
from __future__ import annotations

import contextlib
import functools
import gc
import json
from pathlib import Path
from typing import Callable

from sqlalchemy import bindparam, func, select, tuple_
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from ..errors import ImportFailed
from .convert import CHUNK, convert_table, label
from .date_order import check_date_order
from .spec import FORMAT, TABLE_ORDER, VERSION, primary_key, table_specs

Progress = Callable[[int, int], None] | None
LOOKUP_CHUNK = 900    # ids per IN (...) query (SQLite's bound-parameter limit)


@contextlib.contextmanager
def gc_paused():
    """Pause the cycle collector during bulk work on many acyclic rows.

    Each full collection would walk every row held in memory; pausing it makes a large
    import, seal or demo generation markedly faster. The previous state is restored.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _tables():
    from ..store.schema import Base
    return Base.metadata.tables


# ---------------------------------------------------------------- export

def export_dataset(conn: Connection) -> dict:
    """Every table of the store (not the audit log) as a dataset dict, rows sorted by key."""
    out: dict = {"format": FORMAT, "version": VERSION}
    tables = _tables()
    for name, specs in table_specs().items():
        names = [c.name for c in specs]
        dated = [i for i, c in enumerate(specs) if c.kind in ("date", "datetime")]
        table = tables[name]
        rows = []
        for r in conn.execute(select(*[table.c[n] for n in names])):
            r = list(r)
            for i in dated:
                if r[i] is not None:
                    r[i] = r[i].isoformat()
            rows.append(dict(zip(names, r)))
        pk = primary_key(name)
        rows.sort(key=lambda r: tuple(r[k] for k in pk))
        out[name] = rows
    return out


def save_dataset(data: dict, path: str | Path) -> Path:
    """Write a dataset dict as UTF-8 JSON."""
    path = Path(path)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def load_dataset(path: str | Path) -> dict:
    """Read a dataset JSON file (not yet checked: ``import_dataset`` does that)."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ImportFailed(str(path), "", f"not a readable JSON file: {e}") from None


# ---------------------------------------------------------------- import

def _existing(conn: Connection, table, cols: tuple[str, ...], values) -> set:
    """Which of ``values`` (of ``cols``) the store already has."""
    found: set = set()
    values = list(values)
    key = table.c[cols[0]] if len(cols) == 1 else tuple_(*[table.c[c] for c in cols])
    for k in range(0, len(values), LOOKUP_CHUNK):
        sel = select(*[table.c[c] for c in cols]).where(key.in_(values[k:k + LOOKUP_CHUNK]))
        found.update(r[0] if len(cols) == 1 else tuple(r) for r in conn.execute(sel))
    return found


class _Table:
    """Checked rows of one table (tuples in column order) and where each came from."""

    def __init__(self, name: str, raw: list, rows: list[tuple]):
        self.name, self.raw, self.rows = name, raw, rows
        self.pos = {c.name: i for i, c in enumerate(table_specs()[name])}
        self.order = list(range(len(rows)))  # insertion order (parents before children)

    def values(self, cols: tuple[str, ...]) -> list:
        if len(cols) == 1:
            i = self.pos[cols[0]]
            return [r[i] for r in self.rows]
        idx = [self.pos[c] for c in cols]
        return [tuple(r[i] for i in idx) for r in self.rows]

    def fail(self, cols: tuple[str, ...], bad, message) -> ImportFailed:
        """An error naming the first row whose ``cols`` value is in ``bad``."""
        for i, v in enumerate(self.values(cols)):
            if v in bad:
                msg = message(v) if callable(message) else message
                return ImportFailed(label(self.name, i, self.raw[i]), ", ".join(cols), msg)
        raise AssertionError("no such value")  # pragma: no cover


def _unique_sets(table: str) -> list[tuple[str, ...]]:
    """Primary key and unique constraints of a table, as column tuples."""
    from sqlalchemy import UniqueConstraint
    t = _tables()[table]
    return [primary_key(table)] + [tuple(c.name for c in u.columns) for u in t.constraints
                                   if isinstance(u, UniqueConstraint)]


def _check_unique(conn: Connection, t: _Table, store_empty: bool) -> None:
    for cols in _unique_sets(t.name):
        vals = [v for v in t.values(cols) if v is not None]
        if len(set(vals)) < len(vals):
            seen: set = set()
            for i, v in enumerate(t.values(cols)):
                if v is not None and v in seen:
                    raise ImportFailed(label(t.name, i, t.raw[i]), ", ".join(cols),
                                       f"duplicate {' + '.join(cols)} {v!r} (also in an earlier row)")
                seen.add(v)
        if not store_empty and vals:
            clash = _existing(conn, _tables()[t.name], cols, vals)
            if clash:
                raise t.fail(cols, clash, f"{' + '.join(cols)} already in the store")


def _self_order(t: _Table, col: str) -> None:
    """Insert a row after the row of the same table it refers to (FKs are checked per row)."""
    ids, refs = t.values(("id",)), t.values((col,))
    known = set(ids)
    if not any(r in known for r in refs):
        return
    placed: set = set()
    order, pending = [], t.order
    while pending:
        rest = []
        for i in pending:
            if refs[i] is None or refs[i] not in known or refs[i] in placed:
                order.append(i)
                placed.add(ids[i])
            else:
                rest.append(i)
        if len(rest) == len(pending):
            raise ImportFailed(label(t.name, rest[0], t.raw[rest[0]]), col, "circular reference")
        pending = rest
    t.order = order


def _refers(target: str, v) -> str:
    return f"refers to {target} {v!r}, which is neither in the file nor in the store"


def import_dataset(conn: Connection, data: dict, progress: Progress = None) -> dict[str, int]:
    """Insert a dataset into the store in the caller's transaction; rows per table.

    Every row is checked first (columns known and present, types, enum values, references to
    ids in the file or the store, no clashes); the first problem raises ``ImportFailed`` and
    nothing is written. ``progress(n_done, n_total)`` counts each row twice: checked, written.
    """
    with gc_paused():
        return _import(conn, data, progress)


def _import(conn: Connection, data: dict, progress: Progress) -> dict[str, int]:
    if not isinstance(data, dict):
        raise ImportFailed("dataset", "", "expected a JSON object")
    if data.get("format") != FORMAT:
        raise ImportFailed("dataset", "format", f"expected {FORMAT!r}, got {data.get('format')!r}")
    if data.get("version") != VERSION or isinstance(data.get("version"), bool):
        raise ImportFailed("dataset", "version", f"version {data.get('version')!r} not supported "
                                                 f"(this toolkit reads version {VERSION})")
    for key in data:
        if key not in ("format", "version") and key not in table_specs():
            why = "the audit log is never imported" if key == "audit_log" else "unknown table"
            raise ImportFailed("dataset", str(key), why)
    tables, specs = _tables(), table_specs()
    raw = {}
    for name in TABLE_ORDER:
        rows = data.get(name) or []
        if not isinstance(rows, list):
            raise ImportFailed(name, "", "expected a list of rows")
        raw[name] = rows
    done, total = 0, 2 * sum(len(v) for v in raw.values())

    def step(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(done, total)

    step(0)
    empty = {n: conn.execute(select(1).select_from(tables[n]).limit(1)).first() is None
             for n in TABLE_ORDER}
    ids: dict[str, set] = {}
    checked: dict[str, _Table] = {}
    deferred = []  # references to look up in the store once every table is checked
    for name in TABLE_ORDER:
        t = checked[name] = _Table(name, raw[name], convert_table(name, raw[name], step))
        _check_unique(conn, t, empty[name])
        pk = primary_key(name)
        if len(pk) == 1:
            ids[name] = set(t.values(pk))
        for c in specs[name]:
            if not c.ref:
                continue
            missing = set(t.values((c.name,))) - ids[c.ref]
            missing.discard(None)
            if missing and empty[c.ref]:
                raise t.fail((c.name,), missing, functools.partial(_refers, c.ref))
            if missing:
                deferred.append((t, c, missing))
            if c.ref == name:
                _self_order(t, c.name)
    for t, c, missing in deferred:
        absent = missing - _existing(conn, tables[c.ref], primary_key(c.ref), missing)
        if absent:
            raise t.fail((c.name,), absent, functools.partial(_refers, c.ref))
    check_date_order(conn, checked)  # closed before opened, due before made, left before started
    _assign_serial_ids(conn, checked["case_status_history"])
    counts = {}
    for name in TABLE_ORDER:
        t = checked[name]
        counts[name] = len(t.rows)
        if t.rows:
            _insert(conn, tables[name], [t.rows[i] for i in t.order], step)
    if conn.dialect.name == "postgresql" and checked["case_status_history"].rows:
        conn.exec_driver_sql(
            "SELECT setval(pg_get_serial_sequence('case_status_history', 'id'), "
            "(SELECT MAX(id) FROM case_status_history))")
    return counts


def _shaper(table, names: list[str], dialect) -> tuple[str, Callable[[list[tuple]], list]]:
    """SQL and a generated function: checked tuples -> driver parameters, as Core makes them.

    Each value goes through the bind processor of its column type for this dialect (JSON
    serialised, SQLite dates formatted, ...), so it is stored exactly as
    ``conn.execute(table.insert(), rows)`` would store it.
    """
    compiled = table.insert().compile(dialect=dialect, column_keys=names)
    env: dict = {}
    for i, n in enumerate(names):
        p = table.c[n].type.dialect_impl(dialect).bind_processor(dialect)
        if p is not None:
            env[f"p{i}"] = p
    index = {n: i for i, n in enumerate(names)}

    def value(i: int) -> str:
        return f"(None if v{i} is None else p{i}(v{i}))" if f"p{i}" in env else f"v{i}"

    binds = [(key, index[compiled.binds[key].key]) for key in
             (compiled.positiontup if compiled.positional else compiled.binds)]
    if compiled.positional:
        shape = "(" + "".join(f"{value(i)}, " for _, i in binds) + ")"
    else:
        shape = "{" + ", ".join(f"{key!r}: {value(i)}" for key, i in binds) + "}"
    args = "".join(f"v{i}, " for i in range(len(names)))
    src = f"def shape(rows):\n    return [{shape} for ({args}) in rows]\n"
    exec(compile(src, f"<dataset parameters for {table.name}>", "exec"), env)
    return str(compiled), env["shape"]


def _insert(conn: Connection, table, rows: list[tuple], step) -> None:
    """Bulk insert of checked tuples through the driver's executemany, in the caller's
    transaction (``conn.execute(table.insert(), dicts)`` spends longer building per-row
    parameter dicts than SQLite spends inserting; the values stored are the same)."""
    sql, shape = _shaper(table, [c.name for c in table_specs()[table.name]], conn.dialect)
    for k in range(0, len(rows), CHUNK):
        chunk = rows[k:k + CHUNK]
        try:
            conn.exec_driver_sql(sql, shape(chunk))
        except IntegrityError as e:
            raise ImportFailed(table.name, "", f"the store refused a row: {e.orig}") from None
        step(len(chunk))


def _assign_serial_ids(conn: Connection, t: _Table) -> None:
    """Give rows without an id the next free integers (the same on SQLite and PostgreSQL)."""
    i = t.pos["id"]
    if all(r[i] is not None for r in t.rows):
        return
    top = conn.execute(select(func.max(_tables()[t.name].c.id))).scalar() or 0
    top = max([top] + [r[i] for r in t.rows if r[i] is not None])
    for n, r in enumerate(t.rows):
        if r[i] is None:
            top += 1
            t.rows[n] = r[:i] + (top,) + r[i + 1:]


# ---------------------------------------------------------------- sealing

def seal(conn: Connection, chunk: int = 500) -> int:
    """Fill in missing content hashes: signed sessions, and signatures whose hash is empty
    (and the session hash of a record awaiting a signature, as ``sign`` stores it live).

    Each hash is ``content_hash`` of the record exactly as ``load_sessions`` rebuilds it,
    so it verifies later. Returns the number of sessions hashed.
    """
    tables = _tables()
    s, sig = tables["sessions"], tables["signatures"]
    todo = {r[0] for r in conn.execute(
        select(s.c.id).where(s.c.state == "signed", s.c.content_hash.is_(None)))}
    todo.update(r[0] for r in conn.execute(
        select(sig.c.session_id).where(sig.c.content_hash == "").distinct()))
    ids = sorted(todo)
    with gc_paused():
        _seal(conn, ids, chunk)
        _seal_addenda(conn)
    return len(ids)


def _seal_addenda(conn: Connection) -> None:
    """Addenda are hashed on their text, as the facade does when one is added."""
    import hashlib
    a = _tables()["addenda"]
    rows = conn.execute(select(a.c.id, a.c.text).where(a.c.content_hash == "")).all()
    if rows:
        conn.execute(a.update().where(a.c.id == bindparam("aid")).values(content_hash=bindparam("h")),
                     [{"aid": r.id, "h": hashlib.sha256(r.text.encode()).hexdigest()} for r in rows])


def _seal(conn: Connection, ids: list[str], chunk: int) -> None:
    from ..domain.canonical import content_hash
    from ..store.sessions import load_sessions
    tables = _tables()
    s, sig = tables["sessions"], tables["signatures"]
    # An awaiting record's signers signed this content too: verify wants it on the session.
    upd_s = s.update().where(s.c.id == bindparam("sid"), s.c.content_hash.is_(None),
                             (s.c.state == "signed") | (s.c.state == "awaiting signatures")
                             ).values(content_hash=bindparam("h"))
    upd_sig = sig.update().where(sig.c.session_id == bindparam("sid"), sig.c.content_hash == "").values(
        content_hash=bindparam("h"))
    for k in range(0, len(ids), chunk):
        params = [{"sid": rec.id, "h": content_hash(rec)}
                  for rec in load_sessions(conn, ids[k:k + chunk])]
        if params:
            conn.execute(upd_s, params)
            conn.execute(upd_sig, params)
