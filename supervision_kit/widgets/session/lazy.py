"""The record's sections, each built the first time it is opened or asked for.

A record is thirteen sections and some three hundred widgets; each widget is a message
to the browser, and sending them was most of the wait for "Open session" [issue 15]. So
a section's widgets are made when the person opens it (or code, or a test, reaches for
it), and only then put in the accordion.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping


class LazySections(Mapping):
    """Key → section, in the record's order; ``sections[key]`` builds it if need be."""

    def __init__(self, factories: dict[str, Callable], on_build: Callable[[str, object], None]):
        self._factories = dict(factories)
        self._built: dict[str, object] = {}
        self._on_build = on_build

    def __getitem__(self, key: str):
        if key not in self._built:
            section = self._factories[key]()  # KeyError for a section the record has not
            self._built[key] = section
            self._on_build(key, section)
        return self._built[key]

    def __setitem__(self, key: str, section) -> None:
        """Put a rebuilt section in place (signing redraws the sign section)."""
        if key not in self._factories:
            raise KeyError(key)
        self._built[key] = section

    def __contains__(self, key) -> bool:  # Mapping's would build the section to answer
        return key in self._factories

    def __iter__(self) -> Iterator[str]:
        return iter(self._factories)

    def __len__(self) -> int:
        return len(self._factories)

    def built(self, key: str):
        """The section if it has been built, else None (builds nothing)."""
        return self._built.get(key)

    def built_items(self) -> list[tuple[str, object]]:
        """The sections built so far, in the record's order."""
        return [(k, self._built[k]) for k in self._factories if k in self._built]

    def build_all(self) -> bool:
        """Build every section not built yet; True if any was."""
        missing = [k for k in self._factories if k not in self._built]
        for k in missing:
            self[k]
        return bool(missing)


class LazyInputs(dict):
    """The record's inputs by field name; asking for one not made yet builds the rest."""

    def __init__(self, build_all: Callable[[], bool]):
        super().__init__()
        self._build_all = build_all

    def __missing__(self, key: str):
        if self._build_all():
            return self[key]
        raise KeyError(key)
