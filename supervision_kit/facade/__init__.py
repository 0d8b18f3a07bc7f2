"""The facade: the one door to the store for widgets, CLI, notebooks and exporters."""
from __future__ import annotations

from .base import ToolkitBase
from .data import DataMixin
from .documents import DocumentsMixin
from .maintenance import MaintenanceMixin
from .people import PeopleMixin
from .records import RecordsMixin
from .research import ResearchMixin
from .rules import RulesMixin
from .sessions import SessionsMixin
from .training import TrainingMixin
from .workflows import WorkflowsMixin


class Toolkit(SessionsMixin, RecordsMixin, RulesMixin, PeopleMixin, DataMixin, ResearchMixin,
              TrainingMixin, DocumentsMixin, MaintenanceMixin, WorkflowsMixin, ToolkitBase):
    """Everything a user can do, each call made as ``self.me`` and logged."""


def open_toolkit(db=None, user: str | None = None) -> Toolkit:
    """A toolkit on the configured database as the configured user."""
    return Toolkit(db, user)


from .holds import HoldsService  # noqa: E402
from .services_shim import door  # noqa: E402

from .extracts import ExtractsService  # noqa: E402
from .governance_qa import GovernanceQAService  # noqa: E402

for _svc, _names in ((HoldsService, ("place_hold", "lift_hold", "legal_holds")),
                     (ExtractsService, ("case_extract",)),
                     (GovernanceQAService, ("diversity_measure", "development_take_up",
                                           "log_report_export"))):
    for _name in _names:
        setattr(Toolkit, _name, door(_svc, _name))
from .escalations import EscalationsService  # noqa: E402
from .quality_audit import QualityAuditService  # noqa: E402

for _name in ("audit_checklist", "draw_audit_sample", "audit_items", "judge_audit_item",
              "audit_results"):
    setattr(Toolkit, _name, door(QualityAuditService, _name))

for _name in ("drift_escalations", "answer_drift_escalation", "record_professional_difference",
              "update_professional_difference", "professional_differences"):
    setattr(Toolkit, _name, door(EscalationsService, _name, with_rules=True))

__all__ = ["Toolkit", "open_toolkit"]
