"""One user's server under JupyterHub: the apps in Voilà, signed in through the hub.

The hub's spawner runs ``python -m supervision_kit.serving.singleuser`` with
``JUPYTERHUB_USER`` (the signed-in login), ``JUPYTERHUB_SERVICE_URL`` (where to listen)
and the hub's OAuth settings in the environment. The server is Voilà only (no
JupyterLab, no terminals, no contents API, no code from the browser), answers only
its owner, and its kernels act as that owner: ``SUPERVISION_KIT_USER`` is removed so
nothing but the hub's sign-in names the acting user.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

IDENTITY = "supervision_kit.serving.hub_identity.OwnerOnlyHubIdentityProvider"
# Preheated by default: the session app only, one kernel. Opening it is what people wait
# for most (a cold kernel start plus imports: 4 s quiet, 20 s loaded); the landing page is
# opened as the server starts, before a pool could be ready, and every pooled kernel
# holds memory for as long as its user is signed in, so the other apps start cold.
# SUPERVISION_KIT_PREHEAT=0 turns it off, =1 preheats every app (serve's POOLS).
HUB_POOLS = {"default": 0, "session.ipynb": 1}


def voila_argv(environ=None) -> list[str]:
    """Voilà's command line for this user's server, from the spawner's environment."""
    from ..config import REPO_ROOT
    from ..serve import build_voila_command
    env = os.environ if environ is None else environ
    if not env.get("JUPYTERHUB_USER"):
        raise SystemExit("supervision_kit.serving.singleuser: JUPYTERHUB_USER is not set: "
                         "this server is started by JupyterHub's spawner")
    url = urlsplit(env.get("JUPYTERHUB_SERVICE_URL") or "http://127.0.0.1:8888/")
    prefix = env.get("JUPYTERHUB_SERVICE_PREFIX") or "/"
    notebooks = Path(env.get("SUPERVISION_KIT_NOTEBOOKS") or REPO_ROOT / "notebooks")
    choice = env.get("SUPERVISION_KIT_PREHEAT", "").strip()
    cmd = build_voila_command(notebooks, url.port or 8888, preheat=choice != "0",
                              pools=None if choice == "1" else HUB_POOLS)
    ip = url.hostname or "127.0.0.1"
    cmd = [f"--Voila.ip={ip}" if a.startswith("--Voila.ip=") else a for a in cmd]
    landing = (env.get("JUPYTERHUB_DEFAULT_URL") or "/voila/render/index.ipynb").lstrip("/")
    return cmd + [f"--Voila.base_url={prefix}", f"--Voila.identity_provider_class={IDENTITY}",
                  f"--SupervisionVoila.landing_url={landing}"]


def main() -> None:
    """Replace this process with the user's Voilà (``env JUPYTER_PATH=... python -m ...``)."""
    argv = voila_argv()
    os.environ.pop("SUPERVISION_KIT_USER", None)  # the acting user is the hub's login only
    print(f"supervision_kit: server of {os.environ['JUPYTERHUB_USER']}", flush=True)
    os.execvp(argv[0], argv)


if __name__ == "__main__":
    sys.exit(main())
