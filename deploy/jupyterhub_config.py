"""JupyterHub configuration for supervision_kit: the one file `make hub` (one machine) and
Zero to JupyterHub on Kubernetes (deploy/helm/values.yaml) both read.

Everything that differs between the two comes from the environment:

SUPERVISION_KIT_HUB_MODE      "local" (default; `make hub`) or "kubernetes" (z2jh's own
                              config then decides spawner, proxy, database and ports)
SUPERVISION_KIT_HUB_ACCOUNTS  JSON of username -> scrypt hash loaded at start (accounts
                              made by `supervision-kit hub`); unset: none are loaded
SUPERVISION_KIT_HUB_AUTHENTICATOR  an authenticator class to use instead of the hashed
                              password one, e.g. "oauthenticator.azuread.AzureAdOAuthenticator"
                              (configure it below this file, or in z2jh's hub.config)
local mode only: SUPERVISION_KIT_HUB_STATE (folder for the hub's database, cookie secret
and users' home folders), SUPERVISION_KIT_HUB_IP / _PORT (the address people open),
SUPERVISION_KIT_HUB_API_PORT / _PROXY_API_PORT (loopback ports the hub and proxy use
between themselves), SUPERVISION_KIT_HUB_PROXY (configurable-http-proxy's path), and the
variables passed on to each user's server (PASSED below).

Each user's server is ``python -m supervision_kit.serving.singleuser``: Voilà only (no
JupyterLab, no terminals, no contents API, no code from the browser), answering only
its owner, whose hub login is the acting user of every app. docs/deploying.md has the
threat model.
"""
import os
import sys

c = get_config()  # noqa: F821 (JupyterHub defines it)
env = os.environ.get
MODE = env("SUPERVISION_KIT_HUB_MODE", "local")


def _supervision_authenticator():
    """Sign-in against the accounts file's scrypt hashes, with a pause after repeated
    failures. Defined here (standard library only) so the stock z2jh hub image runs it."""
    import asyncio
    import base64
    import hashlib
    import hmac
    import json
    import time

    from jupyterhub.auth import Authenticator
    from traitlets import Integer, Unicode

    class SupervisionAuthenticator(Authenticator):
        accounts_file = Unicode("", config=True,
                                help="JSON file of username -> scrypt hash (supervision-kit hub)")
        allowed_failed_logins = Integer(5, config=True,
                                        help="failed sign-ins in a row before a pause")
        seconds_before_next_try = Integer(300, config=True,
                                          help="the pause after too many failed sign-ins")

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._failures = {}  # username -> (count, time of the last failure)

        def _hash_of(self, username):
            try:
                with open(self.accounts_file) as f:
                    return json.load(f).get(username)
            except (OSError, ValueError):
                self.log.error("supervision_kit: cannot read accounts file %r", self.accounts_file)
                return None

        @staticmethod
        def _matches(password, stored):
            try:
                kind, n, r, p, salt, digest = stored.split("$")
                got = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), n=int(n),
                                     r=int(r), p=int(p), maxmem=2**27, dklen=len(base64.b64decode(digest)))
            except (ValueError, TypeError):
                return False
            return kind == "scrypt" and hmac.compare_digest(got, base64.b64decode(digest))

        async def authenticate(self, handler, data):
            username = self.normalize_username(data.get("username", ""))
            count, last = self._failures.get(username, (0, 0.0))
            if count >= self.allowed_failed_logins and time.time() - last < self.seconds_before_next_try:
                self.log.warning("supervision_kit: %s paused after %d failed sign-ins", username, count)
                return None
            stored = self._hash_of(username)
            # hashing is deliberately slow: keep it off the hub's event loop
            ok = bool(stored) and await asyncio.get_running_loop().run_in_executor(
                None, self._matches, data.get("password", ""), stored)
            if ok:
                self._failures.pop(username, None)
                return username
            self._failures[username] = (count + 1, time.time())
            return None

    return SupervisionAuthenticator


if env("SUPERVISION_KIT_HUB_AUTHENTICATOR"):
    c.JupyterHub.authenticator_class = env("SUPERVISION_KIT_HUB_AUTHENTICATOR")
else:
    c.JupyterHub.authenticator_class = _supervision_authenticator()
    c.SupervisionAuthenticator.accounts_file = env("SUPERVISION_KIT_HUB_ACCOUNTS", "")
# Who may sign in is who the authenticator knows; the toolkit's own roles decide the rest.
c.Authenticator.allow_all = True
c.Authenticator.admin_users = set()  # hub admins could start others' servers: none by default

# Each user's server: the apps in Voilà, nothing else.
c.Spawner.cmd = [sys.executable if MODE == "local" else "python",
                 "-m", "supervision_kit.serving.singleuser"]
c.Spawner.default_url = "/voila/render/index.ipynb"
c.Spawner.disable_user_config = True
c.Spawner.start_timeout = 180  # a small shared machine starts Python slowly
c.Spawner.http_timeout = 180
c.JupyterHub.allow_named_servers = False
c.JupyterHub.shutdown_on_logout = True   # signing out also stops the server and its kernels
c.JupyterHub.redirect_to_server = True

# Variables a user's server needs from the hub's environment (the database URL with
# its credentials among them: users never see the server's environment).
PASSED = ("SUPERVISION_KIT_DB", "SUPERVISION_KIT_TEMPLATES", "SUPERVISION_KIT_NOTEBOOKS",
          "SUPERVISION_KIT_PREHEAT", "SUPERVISION_KIT_KERNEL_IDLE_TIMEOUT",
          "SUPERVISION_KIT_KERNEL_CULL_INTERVAL", "SUPERVISION_KIT_RETENTION_YEARS",
          "PGPASSFILE", "PGSSLROOTCERT", "JUPYTER_PATH")

if MODE == "local":
    state = os.path.abspath(env("SUPERVISION_KIT_HUB_STATE", "data/hub"))
    ip, port = env("SUPERVISION_KIT_HUB_IP", "127.0.0.1"), env("SUPERVISION_KIT_HUB_PORT", "8000")
    c.JupyterHub.bind_url = f"http://{ip}:{port}"
    c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{env('SUPERVISION_KIT_HUB_API_PORT', '8081')}"
    c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{env('SUPERVISION_KIT_HUB_PROXY_API_PORT', '8001')}"
    c.ConfigurableHTTPProxy.command = [env("SUPERVISION_KIT_HUB_PROXY", "configurable-http-proxy")]
    c.ConfigurableHTTPProxy.pid_file = os.path.join(state, "proxy.pid")
    c.JupyterHub.db_url = "sqlite:///" + os.path.join(state, "jupyterhub.sqlite")
    c.JupyterHub.cookie_secret_file = os.path.join(state, "jupyterhub_cookie_secret")
    # every user's server runs as this machine's account; they cannot run code, so
    # they cannot reach each other's files either (docs/deploying.md)
    c.JupyterHub.spawner_class = "jupyterhub.spawner.SimpleLocalProcessSpawner"
    c.SimpleLocalProcessSpawner.home_dir_template = os.path.join(state, "users", "{username}")
    c.Spawner.environment = {k: env(k) for k in PASSED if env(k)}
