"""Serve the supervision_kit notebooks as web apps with Voilà (>=0.5), locked down.

What the command built by :func:`build_voila_command` does, and why:

* **Loopback by default.** Voilà binds ``--Voila.ip=127.0.0.1`` (Voilà's own default,
  ``localhost``, may also bind ``::1``). Any other address needs a token: one is made
  with :func:`secrets.token_urlsafe` when none is given, and :func:`serve` prints the
  URL carrying it. ``--Voila.port_retries=0`` makes a busy port an error instead of
  Voilà silently moving to another port.
* **Token.** Standalone Voilà has no ServerApp: ``--ServerApp.token=`` and
  ``--IdentityProvider.token=`` are accepted but *ignored* (pages stay open; Voilà
  passes ``token=""`` to its identity provider unless ``Voila.token`` or
  ``Voila.auto_token`` is set). What works is ``--token=T`` (alias of ``--Voila.token``)
  or the bare ``--token`` flag (``Voila.auto_token``), with which the identity provider
  reads ``JUPYTER_TOKEN``. We use the latter so the token is in the process
  environment, not in the argv that ``ps`` shows. Page requests without the token are
  redirected to ``/login`` (302); ``?token=T`` sets a login cookie for the websockets.
* **Database and acting user** reach the kernels as ``SUPERVISION_KIT_DB`` and
  ``SUPERVISION_KIT_USER``: they are set in the Voilà process's environment (the
  command starts with ``env NAME=value ...``; ``env`` execs Python, so they do not stay
  in the process's argv) and every kernel, preheated or not, inherits it.
* **No request leaves 127.0.0.1.** Measured with a one-Button notebook in Chromium,
  Voilà's ``lab`` template makes exactly two off-machine requests, both Font Awesome 5
  CSS from cdn.jsdelivr.net (the icons are already bundled in voila.js). The tree,
  error and 404 pages also link Font Awesome 4 from jsdelivr; nbconvert's lab template
  would load mermaid from cdnjs for mermaid outputs; MathJax is not fetched because
  Voilà's lab template drops nbconvert's CDN MathJax and ``Voila.mathjax_url`` stays
  unset (set, the front end would fetch it from that URL). The template
  ``templates/voila/templates/supervision`` (``base_template: lab``) removes all of
  these; Voilà finds it because ``templates/`` is laid out as a Jupyter data dir and
  prepended to ``JUPYTER_PATH``, with ``--template=supervision``. Third-party widget
  libraries would be fetched from a CDN only if their JS were missing locally; we
  only use ipywidgets' own.
* **Preheat** (``preheat=True``): ``--preheat_kernel=True`` keeps kernels started and
  their notebook executed before anyone asks; their environment is copied from the Voilà
  process at start, hence the env variables. How many per notebook is ``POOLS`` (passed
  as ``VoilaKernelManager.kernel_pools_config``): one per notebook, two for the session
  app, which is opened most and twice in a row (the caseload's links, a record's PDF),
  so the second open does not wait for the first one's kernel to be replaced (a refill
  is a kernel start plus the notebook: 4 s on a quiet machine, 20 s on a loaded one).
  ``pools`` overrides it (``{"default": 0, ...}`` preheats only the notebooks named).
  A pooled kernel acts as the server's one user (``SUPERVISION_KIT_USER``, or the hub
  user whose server it is); the page that takes it records that requester as its owner.
* ``--VoilaConfiguration.allow_template_override=NO``: otherwise ``?template=lab`` in
  the URL brings the CDN links back.
* **Kernels belong to their page** (``supervision_kit.serving``, Voilà subclassed): a
  kernel answers only the browser whose page started it; closing the page shuts it
  down; a kernel with no page connected for ``Settings.kernel_idle_timeout`` seconds
  is culled.
* ``--no-browser``, ``--show_tracebacks=False`` (alias of
  ``VoilaConfiguration.show_tracebacks``), and ``file_denylist=.*`` so that no file
  next to the notebooks (a SQLite database, say) is served under ``/voila/files``.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

LOOPBACK = "127.0.0.1"
# Preheated kernels kept ready per notebook ("default": every other notebook).
POOLS = {"default": 1, "session.ipynb": 2}
TEMPLATE = "supervision"
DB_ENV = "SUPERVISION_KIT_DB"
USER_ENV = "SUPERVISION_KIT_USER"
TOKEN_ENV = "JUPYTER_TOKEN"
# Voilà with kernels bound to their page, reclaimed on close and culled when idle
VOILA_MODULE = "supervision_kit.serving.voila_app"
# templates/ is a Jupyter data dir: templates/voila/templates/<name>/
TEMPLATES_ROOT = Path(__file__).resolve().parent.parent / "templates"


def _template_root() -> Path:
    """Directory holding ``voila/templates/supervision`` (overridable for installs)."""
    return Path(os.environ.get("SUPERVISION_KIT_TEMPLATES", TEMPLATES_ROOT))


def needs_token(ip: str) -> bool:
    """True when binding ``ip`` exposes the server beyond this machine's loopback."""
    return ip != LOOPBACK


def build_voila_command(
    notebook_dir,
    port: int,
    ip: str = LOOPBACK,
    token: str | None = None,
    db_url: str | None = None,
    user: str | None = None,
    preheat: bool = False,
    pools: dict[str, int] | None = None,
) -> list[str]:
    """Return the argv (``env NAME=value ... python -m voila ...``) serving ``notebook_dir``.

    ``notebook_dir`` is a directory of notebooks or one notebook. A token is generated
    when ``ip`` is not 127.0.0.1 and none is given; read it back with :func:`token_of`.
    """
    if needs_token(ip) and not token:
        token = secrets.token_urlsafe(32)
    jupyter_path = [str(_template_root())]
    if os.environ.get("JUPYTER_PATH"):
        jupyter_path.append(os.environ["JUPYTER_PATH"])
    env = {"JUPYTER_PATH": os.pathsep.join(jupyter_path)}
    if db_url is not None:
        env[DB_ENV] = db_url
    if user is not None:
        env[USER_ENV] = user
    if token:
        env[TOKEN_ENV] = token
    cmd = ["env", *(f"{k}={v}" for k, v in env.items())]
    cmd += [
        sys.executable, "-m", VOILA_MODULE, str(Path(notebook_dir).resolve()),
        "--no-browser",
        f"--port={int(port)}",
        f"--Voila.ip={ip}",
        "--Voila.port_retries=0",
        f"--template={TEMPLATE}",
        "--show_tracebacks=False",
        "--VoilaConfiguration.allow_template_override=NO",
        "--VoilaConfiguration.file_denylist=.*",
    ]
    if token:
        cmd.append("--token")  # Voila.auto_token: the identity provider reads JUPYTER_TOKEN
    if preheat:
        sizes = {"default": 1, **(POOLS if pools is None else pools)}
        config = {nb: {"pool_size": max(0, int(n))} for nb, n in sizes.items()}
        cmd += ["--preheat_kernel=True", f"--pool_size={sizes['default']}",
                f"--VoilaKernelManager.kernel_pools_config={json.dumps(config)}"]
    from .serving.voila_app import kernel_args
    return cmd + kernel_args()


def token_of(cmd: list[str]) -> str | None:
    """The token a command from :func:`build_voila_command` sets, or None."""
    prefix = f"{TOKEN_ENV}="
    for arg in cmd[1:]:
        if "=" not in arg or arg.startswith("-"):
            break  # past the env assignments
        if arg.startswith(prefix):
            return arg[len(prefix):]
    return None


def server_url(ip: str, port: int, token: str | None = None) -> str:
    """The URL a person opens, with ``?token=`` when the server has one."""
    host = socket.gethostname() if ip in ("", "0.0.0.0", "::") else ip
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}/" + (f"?token={quote(token, safe='')}" if token else "")


def serve(
    notebook_dir,
    port: int = 8866,
    ip: str = LOOPBACK,
    token: str | None = None,
    db_url: str | None = None,
    user: str | None = None,
    preheat: bool = False,
    replace_process: bool = False,
) -> int:
    """Print the URL and run Voilà until it exits; return its exit code.

    With ``replace_process`` this process becomes Voilà (``exec``), so signals reach it
    directly; the command line uses that.
    """
    cmd = build_voila_command(notebook_dir, port, ip, token, db_url, user, preheat)
    print(f"supervision_kit: serving at {server_url(ip, port, token_of(cmd))}", flush=True)
    if replace_process:
        os.execvp(cmd[0], cmd)
    proc = subprocess.Popen(cmd)
    try:
        return proc.wait()
    finally:
        if proc.poll() is None:  # interrupted: stop Voilà (it shuts its kernels down)
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m supervision_kit.serve NOTEBOOK_DIR [--port N] ...``."""
    env = os.environ.get
    p = argparse.ArgumentParser(prog="python -m supervision_kit.serve", description=__doc__.splitlines()[0])
    p.add_argument("notebook_dir", help="directory of notebooks, or one notebook")
    p.add_argument("--port", type=int, default=8866)
    p.add_argument("--ip", default=LOOPBACK, help="address to bind; not 127.0.0.1 requires a token")
    p.add_argument("--token", default=env("SUPERVISION_KIT_TOKEN"),
                   help="access token ($SUPERVISION_KIT_TOKEN; generated when --ip is not 127.0.0.1)")
    p.add_argument("--db-url", default=env(DB_ENV), help=f"database URL for the kernels (${DB_ENV})")
    p.add_argument("--user", default=env(USER_ENV), help=f"acting user for the kernels (${USER_ENV})")
    p.add_argument("--preheat", action="store_true", help="keep a kernel per notebook started and executed")
    a = p.parse_args(argv)
    return serve(a.notebook_dir, a.port, a.ip, a.token, a.db_url, a.user, a.preheat, replace_process=True)


if __name__ == "__main__":
    sys.exit(main())
