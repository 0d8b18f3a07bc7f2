"""Who is asking, under JupyterHub: the hub's OAuth sign-in, and only the server's owner.

JupyterHub's own identity provider lets in anyone the hub grants ``access:servers`` on
this server (a hub admin, say). A user's server here acts as its owner
(``JUPYTERHUB_USER``, which the spawner sets and nobody in a browser can change), so it
refuses everyone else outright: even someone the hub lets in would otherwise act, and
be logged, as the owner.
"""
from __future__ import annotations

import os

from jupyterhub.singleuser.extension import JupyterHubIdentityProvider
from tornado.web import HTTPError


class OwnerOnlyHubIdentityProvider(JupyterHubIdentityProvider):
    """Hub OAuth sign-in, refusing (403) any signed-in user but the server's owner."""

    def __init__(self, token=None, **kwargs):
        # Voilà passes token="" to every identity provider; the hub's API token is used
        super().__init__(**kwargs)

    async def get_user(self, handler):
        user = await super().get_user(handler)
        owner = os.environ.get("JUPYTERHUB_USER", "")
        if user is not None and (not owner or user.username != owner):
            self.log.warning("Refused %s on the server of %s", user.username, owner)
            raise HTTPError(403, "This is another person's server.")
        return user
