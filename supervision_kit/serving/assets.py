"""Lab extension files served as Voilà does, but cached by the browser when their name
carries their content's hash [issue 15].

Voilà serves ``/voila/labextensions/`` with ``Cache-Control: no-cache`` for every file, so
each page open asked again for the ~20 widget-manager chunks and waited for the 304s (two
waves of round trips before the kernel connects). A webpack chunk or ``remoteEntry`` whose
name holds its hash (``704.6a820cc839aca480.js``, ``remoteEntry.698dcaf7.js``) or that is
asked for with ``?v=<hash>`` never changes under that name: an upgrade names it anew. Such
files are marked immutable; everything else (``package.json``, unhashed names) is still
revalidated. Paths are checked exactly as before: only the headers differ.
"""
from __future__ import annotations

import re

from jupyter_server.base.handlers import FileFindHandler

# a dot or dash, then 8 or more hex digits, then the extension, at the end of the path
HASHED = re.compile(r"[.-][0-9a-f]{8,}\.(?:js|css|woff2?|ttf|eot|svg|png|map)$")
IMMUTABLE = "public, max-age=31536000, immutable"


def is_hashed(path: str, query: dict) -> bool:
    """True when the file at ``path`` (asked for with ``query``) is named by its content."""
    return bool(HASHED.search(path)) or bool(query.get("v"))


class HashedAssetHandler(FileFindHandler):
    """Voilà's lab extension file handler; files named by their hash are immutable."""

    def set_headers(self) -> None:
        super().set_headers()
        if is_hashed(self.request.path, self.request.arguments):
            self.set_header("Cache-Control", IMMUTABLE)
