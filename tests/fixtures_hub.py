"""The hub for tests: started once per module, or skipped when its proxy is missing."""
from __future__ import annotations

import pytest

from supervision_kit.hub.launch import proxy_command
from tests.helpers_hub import start_hub


def hub_or_skip(tmp_path_factory, env: dict | None = None):
    """A started hub, or a skip saying why the proxy is missing."""
    if not proxy_command():
        pytest.skip("configurable-http-proxy is not installed: `make hub-deps` installs it with npm")
    return start_hub(tmp_path_factory.mktemp("hub"), env)
