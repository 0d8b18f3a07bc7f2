"""Voilà's handlers, each made to serve only the client whose page started the kernel.

A page's kernel is recorded against the signed-in identity of the request that rendered
the page (``current_user.username``): the hub user under JupyterHub, the token login
under a token, and without either the random anonymous name jupyter_server keeps in a
signed cookie for that browser. The kernel's websocket, its REST model and its shutdown
then answer only requests carrying that same identity, so knowing a kernel id is not
enough to attach to it (issue 19 item 6). The render handler also sets the ``_xsrf``
cookie, which Voilà's front end sends with the shutdown beacon it posts when the page
closes (without the cookie the beacon was refused with 403 and the kernel stayed).
Voilà's ``/voila/query/<kernel id>`` websocket, where a preheated kernel hears which
request it was given, answers only the kernels on this machine, never a browser.
"""
from __future__ import annotations

import tornado.web
from tornado.log import app_log
from jupyter_server.services.kernels.handlers import KernelHandler
from nbclient.util import ensure_async
from voila.request_info_handler import RequestInfoSocketHandler
from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

OWNERS = "supervision_kernel_owners"  # key in the tornado settings: kernel id -> username


def owners(handler) -> dict:
    """The kernel-id -> username table shared by every handler of the application."""
    return handler.settings.setdefault(OWNERS, {})


def refuse_unless_owner(handler, kernel_id: str) -> None:
    """403 unless the request's identity is the one that rendered this kernel's page."""
    user = handler.current_user
    owner = owners(handler).get(kernel_id)
    if user is None or owner is None or owner != user.username:
        handler.log.warning("Refused kernel %s to %s: not the page that started it",
                            kernel_id, getattr(user, "username", "nobody"))
        raise tornado.web.HTTPError(403, "This kernel belongs to another page.")


class _RecordingKernels:
    """The kernel manager as the render handler sees it: every kernel it starts or takes
    from the preheated pool is recorded as the requester's."""

    def __init__(self, manager, table: dict, username: str):
        self._manager, self._table, self._username = manager, table, username

    def __getattr__(self, name):
        return getattr(self._manager, name)

    async def start_kernel(self, *args, **kwargs):
        kernel_id = await ensure_async(self._manager.start_kernel(*args, **kwargs))
        self._table[kernel_id] = self._username
        return kernel_id

    async def get_rendered_notebook(self, *args, **kwargs):
        result = await self._manager.get_rendered_notebook(*args, **kwargs)
        self._table[result[2]] = self._username  # (render task, cached html, kernel id)
        return result


class RenderHandler(TornadoVoilaHandler):
    """Voilà's page handler, recording the page's kernel as the requester's and setting the
    ``_xsrf`` cookie the shutdown beacon needs."""

    @property
    def kernel_manager(self):
        manager = self.settings["kernel_manager"]
        user = self.current_user
        if user is None:
            return manager
        return _RecordingKernels(manager, owners(self), user.username)

    @tornado.web.authenticated
    async def get(self, path=None):
        _ = self.xsrf_token  # tornado sets the _xsrf cookie the first time it is read
        live = set(self.settings["kernel_manager"].list_kernel_ids())
        for stale in set(owners(self)) - live:  # forget kernels shut down or culled
            owners(self).pop(stale, None)
        return await super().get(path)


class OwnedKernelWebsocketHandler(VoilaKernelWebsocketHandler):
    """The kernel's channels websocket, for the page's own client only."""

    async def pre_get(self):
        refuse_unless_owner(self, self.kernel_id)  # before any connection to the kernel is made
        await super().pre_get()


class OwnedKernelHandler(KernelHandler):
    """``/api/kernels/<id>`` (the page reads its kernel's model there), owner only."""

    async def get(self, kernel_id):
        refuse_unless_owner(self, kernel_id)
        return await super().get(kernel_id)

    async def delete(self, kernel_id):
        refuse_unless_owner(self, kernel_id)
        return await super().delete(kernel_id)


class OwnedShutdownHandler(VoilaShutdownKernelHandler):
    """The beacon a page sends as it closes: shuts that page's kernel down, nobody else's."""

    @tornado.web.authenticated
    async def post(self, kernel_id):
        refuse_unless_owner(self, kernel_id)
        owners(self).pop(kernel_id, None)
        return await super().post(kernel_id)


LOOPBACK = {"127.0.0.1", "::1"}
# Set by browsers (Origin) or by a proxy in front (the hub's), never by a kernel's client.
NOT_A_KERNEL = ("Origin", "X-Forwarded-For", "Forwarded", "X-Real-Ip")


class KernelOnlyRequestInfoHandler(RequestInfoSocketHandler):
    """Where a preheated kernel is told its page's request (query string included): for
    a client on this machine that is no browser and came through no proxy (a kernel's
    own websocket client), so nobody else can read or intercept what a page asked for."""

    async def get(self, *args, **kwargs):
        headers = self.request.headers
        if self.request.remote_ip not in LOOPBACK or any(h in headers for h in NOT_A_KERNEL):
            app_log.warning("Refused the request-info websocket to %s", self.request.remote_ip)
            raise tornado.web.HTTPError(403, "For the server's own kernels only.")
        return await super().get(*args, **kwargs)


REPLACEMENTS = {
    RequestInfoSocketHandler: KernelOnlyRequestInfoHandler,
    TornadoVoilaHandler: RenderHandler,
    VoilaKernelWebsocketHandler: OwnedKernelWebsocketHandler,
    KernelHandler: OwnedKernelHandler,
    VoilaShutdownKernelHandler: OwnedShutdownHandler,
}
