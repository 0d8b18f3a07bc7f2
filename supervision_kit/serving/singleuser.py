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
# Not preheated unless SUPERVISION_KIT_PREHEAT=1 (then the session app only, one kernel):
# a pooled session-app kernel behind the hub's proxy left the page at "Loading widget…"
# (tests/test_hub.py, 2 Dec 2026), so users' servers start each page's kernel cold until
# that is understood. Each pooled kernel would also hold its memory while its user is in.
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
    cmd = build_voila_command(notebooks, url.port or 8888, preheat=choice == "1",
                              pools=HUB_POOLS)
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
