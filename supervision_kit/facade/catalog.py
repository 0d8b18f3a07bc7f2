"""The catalog through the facade: policy presets and reflective frameworks from
``templates/`` (no personal data: readable by anyone signed in, not logged)."""
from __future__ import annotations

from ..catalog.frameworks import Framework, load_frameworks
from ..catalog.policies import Policy, list_policies, load_policy
from .context import Context


class CatalogService:
    """What the agency's templates say: presets and frameworks."""

    def __init__(self, ctx: Context):
        self.ctx = ctx

    def policy(self, name: str | None = None) -> dict:
        """A policy preset as a plain dict (default: the configured default preset)."""
        return self.preset(name).data

    def preset(self, name: str | None = None, overrides: dict | None = None) -> Policy:
        """A policy preset (default: the configured one) with ``overrides`` merged and
        validated (a bad override is a ``ValidationError`` naming it)."""
        return load_policy(name or self.ctx.settings.default_preset, self.ctx.settings.templates,
                           overrides)

    def policies(self) -> list[str]:
        """Names of the policy presets in ``templates/policies/``."""
        return list_policies(self.ctx.settings.templates)

    def frameworks(self) -> dict[str, Framework]:
        """The reflective frameworks in ``templates/frameworks/`` by id."""
        return load_frameworks(self.ctx.settings.templates)
