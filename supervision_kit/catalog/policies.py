"""Policy presets: YAML files in ``templates/policies/``, validated, merged with overrides.

Every number a rule uses comes from a preset. Periods are written ``<stem>_days``,
``<stem>_weeks`` or ``<stem>_months``; when a preset (``extends``) or a contract
override gives a period in one unit, the other units of that stem are dropped, so
``{"supervision": {"interval_days": 21}}`` replaces ``interval_months: 1``.
Mappings merge key by key; lists and scalars are replaced.
"""
from __future__ import annotations

import copy
import dataclasses as dc
import re
from pathlib import Path

from ..domain.agenda import EXTRA_QUESTIONS
from ..domain.enums import CaseStatus, Function, SessionType
from ..domain.periods import period_of
from ..errors import ValidationError
from .files import read_yaml

UNITS = ("days", "weeks", "months")
_PERIOD_KEY = re.compile(r"^(?P<stem>.+)_(?P<unit>days|weeks|months)$")

# The shape of a preset. "period" / "period?" is a stem (required / may be all null);
# other leaves name a type. ``int+`` is a positive integer; ``?`` allows null.
_STATUSES = tuple(s.value for s in CaseStatus) + ("default",)
# The seed policies a preset may cite (see ``rules/sources.py``).
SEED_NAMES = ("PG41", "Temple", "Havering", "HSCB", "Surrey")
SCHEMA: dict = {
    "name": "str", "title": "str", "setting": "str", "extends": "str?",
    "bank_holidays": "str",
    # Where the numbers come from: checked by ``rules.sources`` (and its test).
    "seeds": ("list?", SEED_NAMES), "sources": ("sources",),
    "supervision": {
        "interval": "period", "counts_types": ("list", tuple(t.value for t in SessionType)),
        "duration_minutes": "int+?", "every_half_term": "bool", "term_calendar": "str?",
        # The stream a contract on this preset is, unless the contract names another.
        "stream": "str?",
        "newly_qualified": ("phases",),
        # Phases counted from practitioners.started_in_post [Temple; HSCB "newly appointed"].
        "newly_appointed": ("phases",),
        # Part-time staff: the interval is stretched by 100 / practitioners.working_percent
        # [Havering 5: "the equivalent of one month's work"].
        "part_time_pro_rata": "bool",
        "sickness": {"reason": "str", "within_working_days": "int+"},
        # Days overdue a supervisee waits before asking for a three-way meeting
        # [Temple "Entitlement"]; null: as soon as supervision is overdue.
        "entitlement_tolerance": "period?",
    },
    "cases": {"windows": ("windows",), "quarterly_review": "period?",
              # Discuss a case within this many days before a meeting about it [HSCB aim 4].
              "meeting_discussion_days": "int+?"},
    "drift": {"consecutive_amber_red": "int+?", "worsening": "bool",
              "no_improvement": "period?",
              "undiscussed_statuses": ("list", tuple(s.value for s in CaseStatus)),
              # Days a drift flag may stay unresolved before the line manager is told.
              "escalate_after": "period?"},
    "records": {"within_working_days": "int+", "unsigned_after_days": "int+?",
                # Late records by one supervisor in the QA period that count as "repeated".
                "repeated_late": "int+?"},
    "contract": {"review": "period"},
    # The supervisee's agenda [Temple Appendix 2]: cases each session, one chosen by each party.
    "agenda": {"min_cases": "int+?", "each_party_chooses": "bool?"},
    # Questions added to each case discussion [Temple Appendix 3] (domain.agenda.EXTRA_QUESTIONS).
    "discussions": {"extra_questions": ("list?", tuple(EXTRA_QUESTIONS))},
    "observations": {"per_year": "int+?"},
    "functions": {"window_sessions": "int+", "min_sessions": "int+",
                  "required": ("list", tuple(f.value for f in Function))},
}
_PHASE = {"for": "period", "interval": "period"}
_WINDOW = {"within": "period"}


@dc.dataclass(frozen=True)
class Policy:
    """A validated preset (after ``extends`` and any overrides)."""
    name: str
    data: dict
    source: str

    def get(self, dotted: str, default=None):
        """A value by dotted path (``"supervision.sickness.reason"``)."""
        node = self.data
        for part in dotted.split("."):
            if not isinstance(node, dict) or part not in node:
                return default
            node = node[part]
        return node

    def period(self, dotted_stem: str) -> tuple[int, int] | None:
        """A period as (months, days), or None when it is switched off."""
        *parent, stem = dotted_stem.split(".")
        node = self.get(".".join(parent)) if parent else self.data
        return period_of(node or {}, stem)


def deep_merge(base: dict, override: dict) -> dict:
    """``base`` with ``override`` laid over it (see the module docstring)."""
    out = copy.deepcopy(base)
    for key in override:
        m = _PERIOD_KEY.match(str(key))
        if m:  # units the override itself gives are kept, so validation sees both
            for unit in UNITS:
                if f"{m['stem']}_{unit}" not in override:
                    out.pop(f"{m['stem']}_{unit}", None)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


# -- validation -------------------------------------------------------------------
def _fail(where: str, path: str, message: str):
    raise ValidationError(f"{where}: {path}" if path else where, message)


def _check_leaf(kind, value, where: str, path: str) -> None:
    if isinstance(kind, tuple) and kind[0] == "list?" and value is None:
        return
    if isinstance(kind, tuple) and kind[0] == "sources":
        if value is not None and (not isinstance(value, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in value.items())):
            _fail(where, path, "expected a mapping of dotted paths to source text")
        return
    if isinstance(kind, tuple) and kind[0] in ("list", "list?"):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            _fail(where, path, "expected a list of names")
        bad = [v for v in value if v not in kind[1]]
        if bad:
            _fail(where, path, f"unknown {bad[0]!r}; use any of {', '.join(kind[1])}")
        return
    optional = kind.endswith("?")
    kind = kind.rstrip("?")
    if value is None:
        if not optional:
            _fail(where, path, "a value is required")
        return
    if kind == "str" and not isinstance(value, str):
        _fail(where, path, f"expected text, got {value!r}")
    if kind == "bool" and not isinstance(value, bool):
        _fail(where, path, f"expected true or false, got {value!r}")
    if kind == "int+" and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        _fail(where, path, f"expected a whole number of at least 1, got {value!r}")


def _check_mapping(spec: dict, node, where: str, path: str) -> None:
    if not isinstance(node, dict):
        _fail(where, path, "expected a mapping of keys to values")
    known = {}
    for key, kind in spec.items():
        if kind in ("period", "period?"):
            for unit in UNITS:
                known[f"{key}_{unit}"] = (key, kind)
        else:
            known[key] = (key, kind)
    for key in node:
        if key not in known:
            _fail(where, f"{path}{key}", "unknown key; known keys here: " + ", ".join(known))
    for key, kind in spec.items():
        sub = f"{path}{key}"
        if kind in ("period", "period?"):
            units = [u for u in UNITS if node.get(f"{key}_{u}") is not None]
            for u in units:
                _check_leaf("int+", node[f"{key}_{u}"], where, f"{sub}_{u}")
            if len(units) > 1:
                _fail(where, sub, f"give {key} in one unit only (days, weeks or months)")
            if not units and kind == "period":
                _fail(where, f"{sub}_days", f"required: {key}_days, {key}_weeks or {key}_months")
        elif isinstance(kind, dict):
            _check_mapping(kind, node.get(key, {}), where, sub + ".")
        elif isinstance(kind, tuple) and kind[0] == "phases":
            phases = node.get(key) or []
            if not isinstance(phases, list):
                _fail(where, sub, "expected a list of phases")
            for i, ph in enumerate(phases):
                _check_mapping(_PHASE, ph, where, f"{sub}[{i}].")
        elif isinstance(kind, tuple) and kind[0] == "windows":
            wins = node.get(key)
            if not isinstance(wins, dict) or "default" not in wins:
                _fail(where, sub, "expected a mapping of case status to {within_months: N} "
                                  "with a 'default' entry")
            for status, win in wins.items():
                if status not in _STATUSES:
                    _fail(where, f"{sub}.{status}", "unknown case status; use any of "
                          + ", ".join(_STATUSES))
                _check_mapping(_WINDOW, win, where, f"{sub}.{status}.")
        else:
            _check_leaf(kind, node.get(key), where, sub)


def validate_policy(data: dict, where: str) -> dict:
    """Raise ``ValidationError`` naming ``where`` and the key when ``data`` is not a preset."""
    _check_mapping(SCHEMA, data, where, "")
    return data


# -- loading ----------------------------------------------------------------------
def policies_dir(templates_dir) -> Path:
    """``<templates>/policies``."""
    return Path(templates_dir) / "policies"


def list_policies(templates_dir) -> list[str]:
    """Names of the presets (file names without ``.yaml``)."""
    return sorted(p.stem for p in policies_dir(templates_dir).glob("*.yaml"))


def _raw_policy(name: str, templates_dir, seen: tuple = ()) -> dict:
    path = policies_dir(templates_dir) / f"{name}.yaml"
    if not path.is_file():
        raise ValidationError("preset", f"no policy preset {name!r}; available: "
                              + ", ".join(list_policies(templates_dir)))
    data = read_yaml(path)
    parent = data.get("extends")
    if parent:
        if parent in seen or parent == name:
            raise ValidationError(f"{path.name}: extends", f"{parent!r} extends itself in a loop")
        data = deep_merge(_raw_policy(parent, templates_dir, seen + (name,)), data)
        data["extends"] = parent
    return data


def load_policy(name: str, templates_dir, overrides: dict | None = None,
                *, overrides_from: str = "overrides") -> Policy:
    """The preset ``name`` (with ``extends`` resolved), validated, with ``overrides`` merged."""
    data = _raw_policy(name, templates_dir)
    validate_policy(data, f"{name}.yaml")
    if overrides:
        if not isinstance(overrides, dict):
            raise ValidationError(overrides_from, "overrides must be a mapping, "
                                  'e.g. {"supervision": {"interval_days": 21}}')
        data = validate_policy(deep_merge(data, overrides), overrides_from)
    return Policy(name=name, data=data, source=str(policies_dir(templates_dir) / f"{name}.yaml"))
