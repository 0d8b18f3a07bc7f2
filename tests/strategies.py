"""What the Hypothesis tests share: a factory of copies of one prepared store, so that
every example starts from the same data without building it again (a SQLite file copied,
or a PostgreSQL database made from a template)."""
from __future__ import annotations

import itertools
import shutil
from typing import Callable, Iterator

from supervision_kit.facade import Toolkit
from tests.fixtures_pg import fresh_pg_database


def store_copies(request, tmp, prepare: Callable[[object], Toolkit]) -> Iterator[Callable]:
    """Yield ``make() -> Toolkit.system`` on a fresh copy of the store ``prepare(url)`` fills.

    ``request.param`` chooses ``"sqlite"`` (files under ``tmp``) or ``"postgres"`` (the
    ``pg_server`` fixture; every copy is dropped afterwards)."""
    n = itertools.count()
    if request.param == "sqlite":
        template = tmp / "template.sqlite"
        prepare(template).engine.dispose()

        def make():
            path = tmp / f"store{next(n)}.sqlite"
            shutil.copy(template, path)
            return Toolkit.system(path)
        yield make
        return
    server = request.getfixturevalue("pg_server")
    tname, turl = fresh_pg_database(server)
    prepare(turl).engine.dispose()
    made = []

    def make():
        name = f"{tname}_{next(n)}"
        server.execute(f'CREATE DATABASE "{name}" TEMPLATE "{tname}"')
        made.append(name)
        return Toolkit.system(server.url(name))
    yield make
    for name in (*made, tname):
        server.drop_database(name)
