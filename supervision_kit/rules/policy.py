"""``PolicyBook``: the presets a rule needs, resolved once per run (presets are read by
``catalog.policies``, calendars by ``catalog.calendars``)."""
from __future__ import annotations

import json
from pathlib import Path

from ..catalog.calendars import load_half_terms, load_holidays
from ..catalog.policies import Policy, load_policy, policies_dir

_RESOLVED: dict = {}


class PolicyBook:
    """Resolves (preset, overrides JSON) pairs to policies once per call of a rule."""

    def __init__(self, templates_dir, default_preset: str):
        self.templates = Path(templates_dir)
        self.default = default_preset
        self._cache: dict[tuple[str, str], tuple[Policy, str]] = {}
        self.by_key: dict[str, Policy] = {}  # filled by frames.policy_keys
        self._calendars: dict = {}
        self._files: tuple | None = None

    def resolve(self, preset, overrides, where: str = "contract") -> tuple[Policy, str]:
        """(policy, note); an unknown preset falls back to the default with a note."""
        preset = preset if isinstance(preset, str) and preset else self.default
        text = overrides if isinstance(overrides, str) else json.dumps(overrides or {})
        key = (preset, text or "")
        if key not in self._cache:
            if self._files is None:
                self._files = tuple((p.stem, p.stat().st_mtime_ns)
                                    for p in sorted(policies_dir(self.templates).glob("*.yaml")))
            # Resolved policies are kept between calls until a preset file changes.
            memo = (str(self.templates), self._files, self.default, key)
            if memo not in _RESOLVED:
                ov = json.loads(text) if text and text.strip() not in ("", "null") else {}
                note, name = "", preset
                if name not in {n for n, _ in self._files}:
                    note = f"preset {preset!r} not found, using {self.default}; "
                    name = self.default
                if len(_RESOLVED) > 256:
                    _RESOLVED.clear()
                _RESOLVED[memo] = (load_policy(name, self.templates, ov,
                                               overrides_from=f"{where} overrides"), note)
            self._cache[key] = _RESOLVED[memo]
        return self._cache[key]

    def default_policy(self) -> Policy:
        return self.resolve(self.default, None)[0]

    def holidays(self, policy: Policy):
        """The policy's bank holidays as ``datetime64[D]`` (cached)."""
        name = policy.get("bank_holidays")
        if ("hol", name) not in self._calendars:
            self._calendars[("hol", name)] = load_holidays(name, self.templates)
        return self._calendars[("hol", name)]

    def half_terms(self, name: str):
        """(starts, ends, names) of a term calendar (cached)."""
        if ("terms", name) not in self._calendars:
            self._calendars[("terms", name)] = load_half_terms(name, self.templates)
        return self._calendars[("terms", name)]
