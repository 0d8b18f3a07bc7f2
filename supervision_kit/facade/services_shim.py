"""Bridges the mixin toolkit to services written against a ``Context`` (temporary: the
facade's move to services replaces it)."""
from __future__ import annotations


class MixinContext:
    """The ``Context`` interface over a mixin-style toolkit."""

    def __init__(self, tk):
        self._tk = tk

    me = property(lambda self: self._tk.me)
    settings = property(lambda self: self._tk.settings)
    engine = property(lambda self: self._tk.engine)
    role = property(lambda self: self._tk.role)

    def tx(self):
        return self._tk._tx()

    def log(self, conn, *args):
        return self._tk._log(conn, *args)

    def log_view(self, *args):
        return self._tk._log_view(*args)

    def deny(self, what):
        return self._tk._deny(what)

    def require(self, what, *roles):
        return self._tk._require(what, *roles)

    def require_write(self, what):
        return self._tk._require_write(what)

    def can_see(self, pid):
        return self._tk.can_see(pid)

    def check_see(self, ids, what):
        return self._tk._check_see(ids, what)

    def check_session_access(self, conn, session_id, what):
        return self._tk._check_session_access(conn, session_id, what)


def door(service_cls, name, with_rules: bool = False):
    """A toolkit method calling ``service_cls(MixinContext(self)).name`` (the toolkit
    itself standing in for the rules service when ``with_rules``)."""
    method = getattr(service_cls, name)

    def call(self, *args, **kwargs):
        svc = service_cls(MixinContext(self), self) if with_rules else service_cls(MixinContext(self))
        return getattr(svc, name)(*args, **kwargs)
    call.__name__, call.__doc__ = name, method.__doc__
    return call
