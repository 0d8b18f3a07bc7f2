"""Every setting of the toolkit in one traitlets ``Configurable``."""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from traitlets import Bool, CaselessStrEnum, Integer, Unicode, default
from traitlets.config import Configurable

REPO_ROOT = Path(__file__).resolve().parent.parent


def sqlite_file(db) -> Path | None:
    """The file behind a SQLite path or ``sqlite:///`` URL; None for another database or
    an in-memory one."""
    s = str(db)
    m = re.match(r"sqlite(\+\w+)?:///", s)
    if m:
        s = s[m.end():]
    elif "://" in s:
        return None
    if not s or s == ":memory:":
        return None
    return Path(s).expanduser().resolve()



def templates_folder() -> Path:
    """The templates folder the environment names (``SUPERVISION_KIT_TEMPLATES``), else the
    repository's: for code that needs only this folder, not a whole ``Settings``."""
    return Path(os.environ.get("SUPERVISION_KIT_TEMPLATES") or REPO_ROOT / "templates")

class Settings(Configurable):
    """Where the data lives, who is acting, and the numbers policies leave to the agency."""

    db_url = Unicode(help="Database URL or SQLite path (env SUPERVISION_KIT_DB)").tag(config=True)
    user = Unicode(help="Acting user's username or id (env SUPERVISION_KIT_USER, else "
                        "JUPYTERHUB_USER)").tag(config=True)
    templates_dir = Unicode(help="Folder of policies, frameworks, vignettes, templates").tag(config=True)
    chromium_path = Unicode(help="Chromium used for PDFs and browser tests").tag(config=True)
    retention_years = Integer(3, help="Years records are kept after a practitioner leaves "
                                      "[Havering 9] (env SUPERVISION_KIT_RETENTION_YEARS)"
                              ).tag(config=True)
    unsigned_after_days = Integer(14, help="A record still unsigned after this many days "
                                           "is flagged").tag(config=True)
    kernel_idle_timeout = Integer(1200, help="Seconds a page's kernel may sit with no page "
                                             "connected before it is shut down; 0 never culls "
                                             "(env SUPERVISION_KIT_KERNEL_IDLE_TIMEOUT)"
                                  ).tag(config=True)
    kernel_cull_interval = Integer(60, help="Seconds between checks for idle kernels "
                                            "(env SUPERVISION_KIT_KERNEL_CULL_INTERVAL)"
                                   ).tag(config=True)
    import_max_mb = Integer(1024, help="Largest dataset file an import reads, in MB "
                                       "(a bigger file is refused before it is read)").tag(config=True)
    default_preset = Unicode("havering_social_work",
                             help="Policy preset when a supervisee has no contract").tag(config=True)
    demo_db = Unicode(help="The demo database: only on it do the apps offer the \"Sign in "
                           "as\" picker (env SUPERVISION_KIT_DEMO_DB; default data/demo.sqlite). "
                           "Whoever sets it could equally set SUPERVISION_KIT_USER, so it "
                           "grants nothing new; tests point it at a copy").tag(config=True)
    # Reminders (``supervision-kit remind``): one digest per person over SMTP.
    smtp_host = Unicode("localhost", help="Mail server for reminders (env SUPERVISION_KIT_SMTP_HOST)"
                        ).tag(config=True)
    smtp_port = Integer(25, help="Its port (env SUPERVISION_KIT_SMTP_PORT)").tag(config=True)
    smtp_tls = CaselessStrEnum(("none", "starttls", "ssl"), "none",
                               help="none, starttls (usually port 587) or ssl (usually 465) "
                                    "(env SUPERVISION_KIT_SMTP_TLS)").tag(config=True)
    smtp_user = Unicode("", help="Login for the mail server; blank: none "
                                 "(env SUPERVISION_KIT_SMTP_USER)").tag(config=True)
    smtp_password = Unicode("", help="Its password (env SUPERVISION_KIT_SMTP_PASSWORD; keep it "
                                     "out of config files)").tag(config=True)
    mail_from = Unicode("supervision@localhost", help="Sender of reminders "
                                                      "(env SUPERVISION_KIT_MAIL_FROM)").tag(config=True)
    app_url = Unicode("http://localhost:8866/", help="The link in reminders: where people sign "
                                                     "in (env SUPERVISION_KIT_APP_URL)").tag(config=True)

    @default("smtp_host")
    def _smtp_host(self):
        return os.environ.get("SUPERVISION_KIT_SMTP_HOST") or "localhost"

    @default("smtp_port")
    def _smtp_port(self):
        return int(os.environ.get("SUPERVISION_KIT_SMTP_PORT") or 25)

    @default("smtp_tls")
    def _smtp_tls(self):
        return (os.environ.get("SUPERVISION_KIT_SMTP_TLS") or "none").lower()

    @default("smtp_user")
    def _smtp_user(self):
        return os.environ.get("SUPERVISION_KIT_SMTP_USER", "")

    @default("smtp_password")
    def _smtp_password(self):
        return os.environ.get("SUPERVISION_KIT_SMTP_PASSWORD", "")

    @default("mail_from")
    def _mail_from(self):
        return os.environ.get("SUPERVISION_KIT_MAIL_FROM") or "supervision@localhost"

    @default("app_url")
    def _app_url(self):
        return os.environ.get("SUPERVISION_KIT_APP_URL") or "http://localhost:8866/"

    redaction_strict_case = Bool(False, help="Research export: also replace recorded names that "
                                             "are ordinary words ('hope', 'will') in lower case "
                                             "in text not about their case").tag(config=True)

    @default("db_url")
    def _db_url(self):
        return os.environ.get("SUPERVISION_KIT_DB") or str(REPO_ROOT / "data" / "demo.sqlite")

    @default("user")
    def _user(self):
        # Under JupyterHub each user's server carries the hub's login in JUPYTERHUB_USER.
        return os.environ.get("SUPERVISION_KIT_USER") or os.environ.get("JUPYTERHUB_USER", "")

    @default("demo_db")
    def _demo_db(self):
        return os.environ.get("SUPERVISION_KIT_DEMO_DB") or str(REPO_ROOT / "data" / "demo.sqlite")

    @default("retention_years")
    def _retention_years(self):
        return int(os.environ.get("SUPERVISION_KIT_RETENTION_YEARS") or 3)

    @default("kernel_idle_timeout")
    def _kernel_idle_timeout(self):
        return int(os.environ.get("SUPERVISION_KIT_KERNEL_IDLE_TIMEOUT") or 1200)

    @default("kernel_cull_interval")
    def _kernel_cull_interval(self):
        return int(os.environ.get("SUPERVISION_KIT_KERNEL_CULL_INTERVAL") or 60)

    @default("templates_dir")
    def _templates_dir(self):
        return str(templates_folder())

    @default("chromium_path")
    def _chromium(self):
        return shutil.which("chromium") or "/usr/bin/chromium"

    @property
    def templates(self) -> Path:
        """The templates folder as a path."""
        return Path(self.templates_dir)
