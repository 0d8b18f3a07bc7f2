"""Voilà, with the guarded handlers of :mod:`.guarded` and idle kernels culled.

``python -m supervision_kit.serving.voila_app`` takes Voilà's own command line; every
serving mode runs it: ``supervision-kit serve`` (one person, loopback) and each user's
server under JupyterHub (:mod:`.singleuser`).
"""
from __future__ import annotations

import sys

from jupyter_server.utils import url_path_join
from tornado.web import RedirectHandler
from traitlets import Unicode
from voila.app import Voila
from voila.tornado.contentshandler import VoilaContentsHandler
from voila.tornado.treehandler import TornadoVoilaTreeHandler

from .assets import HashedAssetHandler
from .guarded import REPLACEMENTS

LABEXTENSIONS = "/voila/labextensions/(.*)"


def kernel_args(settings=None) -> list[str]:
    """Voilà options culling kernels idle for ``Settings.kernel_idle_timeout`` seconds.

    Pooled (preheated) kernels are never culled (Voilà skips them); a kernel whose page
    is still open keeps its websocket and is not culled (``cull_connected`` stays False).
    """
    from ..config import Settings
    s = settings or Settings()
    if s.kernel_idle_timeout <= 0:
        return []
    return [f"--MappingKernelManager.cull_idle_timeout={int(s.kernel_idle_timeout)}",
            f"--MappingKernelManager.cull_interval={max(1, int(s.kernel_cull_interval))}"]


class SupervisionVoila(Voila):
    """Voilà whose kernels answer only the page that started them."""

    landing_url = Unicode("", config=True,
                          help="Where the server's root redirects (relative to the base URL), "
                               "instead of listing the notebooks; e.g. voila/render/index.ipynb")

    def init_handlers(self):
        """Voilà's handlers with the guarded ones swapped in, the identity provider's own
        pages (login, OAuth callback) under the base URL like every other page, and the
        root redirected to ``landing_url`` when set (then the notebook listing and its
        contents API are not served at all: the landing page is the way in), and the lab
        extensions' hashed files cached by the browser (:mod:`.assets`)."""
        own = {path for path, *_ in self.identity_provider.get_handlers()}
        handlers = []
        if self.landing_url:
            target = url_path_join(self.base_url, self.landing_url)
            handlers.append((self.server_url.rstrip("/") + "/?", RedirectHandler,
                             {"url": target, "permanent": False}))
        for path, cls, *rest in super().init_handlers():
            if self.landing_url and cls in (TornadoVoilaTreeHandler, VoilaContentsHandler):
                continue
            if path in own and self.base_url != "/":
                path = url_path_join(self.base_url, path)
            if path.endswith(LABEXTENSIONS):
                cls = HashedAssetHandler
            handlers.append((path, REPLACEMENTS.get(cls, cls), *rest))
        return handlers


main = SupervisionVoila.launch_instance

if __name__ == "__main__":
    sys.exit(main())
