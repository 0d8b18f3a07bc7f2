"""The workflows around the session that each agency looks for [issue 10].

Management oversight (``oversight``), entitlement requests and escalated disagreements
(``entitlement``), training records and the QA sample of observations
(``training_records``); observations and contracts themselves live in ``records``.
"""
from __future__ import annotations

from .entitlement import EntitlementMixin
from .oversight import OversightMixin
from .training_records import TrainingRecordsMixin


class WorkflowsMixin(OversightMixin, EntitlementMixin, TrainingRecordsMixin):
    """Oversight, entitlement, escalation, training and observation sampling."""
