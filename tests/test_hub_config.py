"""The hub's pieces without starting it: accounts and their hashes, the sign-in's pause
after failed attempts, the hub configuration in both modes, each user's server command."""
from __future__ import annotations

import asyncio
import concurrent.futures
import json
import stat

import pytest
from traitlets.config import Config

from supervision_kit.hub.accounts import make_accounts
from supervision_kit.hub.launch import HUB_CONFIG
from supervision_kit.serving.singleuser import IDENTITY, voila_argv
from tests.apps_demo import demo_copy


def load_hub_config(monkeypatch, **env) -> Config:
    """deploy/jupyterhub_config.py as JupyterHub loads it, with ``env`` set."""
    for k in ("SUPERVISION_KIT_HUB_MODE", "SUPERVISION_KIT_HUB_AUTHENTICATOR", "SUPERVISION_KIT_DB"):
        monkeypatch.delenv(k, raising=False)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    c = Config()
    exec(compile(HUB_CONFIG.read_text(), str(HUB_CONFIG), "exec"), {"get_config": lambda: c})
    return c


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return demo_copy(tmp_path_factory.mktemp("hub-config"))


def test_accounts_are_kept_as_hashes_only_readable_by_their_owner(db, tmp_path, monkeypatch):
    path = tmp_path / "accounts.json"
    passwords = make_accounts(str(db), path)
    stored = json.loads(path.read_text())
    assert set(stored) == set(passwords) and "harriet.placeholt" in stored
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text()
    assert not any(pw in text for pw in passwords.values())
    auth = load_hub_config(monkeypatch).JupyterHub.authenticator_class
    name, pw = next(iter(passwords.items()))
    assert auth._matches(pw, stored[name]) and not auth._matches(pw + "x", stored[name])


def test_sign_in_pauses_after_repeated_failures(db, tmp_path, monkeypatch):
    path = tmp_path / "accounts.json"
    pw = make_accounts(str(db), path, ["harriet.placeholt"])["harriet.placeholt"]
    cls = load_hub_config(monkeypatch).JupyterHub.authenticator_class
    auth = cls(accounts_file=str(path), allowed_failed_logins=3)

    def attempt(password, user="harriet.placeholt"):
        # In its own thread: a browser test earlier in the run may leave this thread's loop running.
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, auth.authenticate(
                None, {"username": user, "password": password})).result()
    assert attempt(pw) == "harriet.placeholt"
    assert attempt(pw, "nobody.at.all") is None
    for _ in range(3):
        assert attempt("wrong-password-1234") is None
    assert attempt(pw) is None  # paused, even with the right password
    auth.seconds_before_next_try = 0
    assert attempt(pw) == "harriet.placeholt"


def test_the_hub_config_in_both_modes(monkeypatch, tmp_path):
    local = load_hub_config(monkeypatch, SUPERVISION_KIT_HUB_STATE=str(tmp_path),
                            SUPERVISION_KIT_DB="postgresql://u@db/x")
    assert local.Spawner.cmd[-2:] == ["-m", "supervision_kit.serving.singleuser"]
    assert local.Spawner.default_url == "/voila/render/index.ipynb"
    assert local.Spawner.environment["SUPERVISION_KIT_DB"] == "postgresql://u@db/x"
    assert "SUPERVISION_KIT_USER" not in local.Spawner.environment
    assert local.JupyterHub.shutdown_on_logout and not local.Authenticator.admin_users
    assert local.JupyterHub.spawner_class.endswith("SimpleLocalProcessSpawner")
    k8s = load_hub_config(monkeypatch, SUPERVISION_KIT_HUB_MODE="kubernetes",
                          SUPERVISION_KIT_HUB_AUTHENTICATOR="oauthenticator.azuread.AzureAdOAuthenticator")
    assert "spawner_class" not in k8s.JupyterHub and "db_url" not in k8s.JupyterHub
    assert k8s.JupyterHub.authenticator_class == "oauthenticator.azuread.AzureAdOAuthenticator"
    assert k8s.Spawner.cmd == ["python", "-m", "supervision_kit.serving.singleuser"]


def test_a_users_server_is_voila_signed_in_through_the_hub():
    with pytest.raises(SystemExit, match="JUPYTERHUB_USER"):
        voila_argv({})
    argv = voila_argv({"JUPYTERHUB_USER": "sam", "JUPYTERHUB_SERVICE_URL": "http://0.0.0.0:8888/user/sam/",
                       "JUPYTERHUB_SERVICE_PREFIX": "/user/sam/"})
    assert "supervision_kit.serving.voila_app" in argv
    assert f"--Voila.identity_provider_class={IDENTITY}" in argv
    assert "--Voila.base_url=/user/sam/" in argv and "--Voila.ip=0.0.0.0" in argv
    assert "--port=8888" in argv and "--token" not in argv
    assert not any(a.startswith(("SUPERVISION_KIT_USER=", "JUPYTER_TOKEN=")) for a in argv)
    assert "--SupervisionVoila.landing_url=voila/render/index.ipynb" in argv


def test_a_users_server_preheats_the_session_app_only_when_told_to():
    base = {"JUPYTERHUB_USER": "sam", "JUPYTERHUB_SERVICE_URL": "http://127.0.0.1:8888/"}
    prefix = "--VoilaKernelManager.kernel_pools_config="

    def pools(**env):
        argv = voila_argv({**base, **env})
        found = [json.loads(a[len(prefix):]) for a in argv if a.startswith(prefix)]
        return ("--preheat_kernel=True" in argv), (found[0] if found else {})
    # by default every page starts its kernel cold (a pooled kernel behind the hub's proxy
    # stayed at "Loading widget…"); =1 keeps one session-app kernel ready
    assert pools()[0] is False and pools(SUPERVISION_KIT_PREHEAT="0")[0] is False
    assert pools(SUPERVISION_KIT_PREHEAT="1") == (
        True, {"default": {"pool_size": 0}, "session.ipynb": {"pool_size": 1}})
