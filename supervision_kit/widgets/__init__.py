"""ipywidgets for supervision sessions, reflections and actions (talk only to the facade)."""
from __future__ import annotations

_EXPORTS = {
    "SessionRecorder": ".session",
    "ReflectionGuide": ".reflection",
    "ActionTracker": ".actions",
    "RAGTimeline": ".timeline",
    "CaseloadStrip": ".timeline",
    "figure_png": ".timeline",
    "CaseloadOverview": ".caseload",
    "ContractForm": ".contract",
    "EvaluationForm": ".evaluation",
    "OversightTasks": ".oversight",
    "OversightAnswers": ".oversight",
    "ObservationForm": ".observation",
    "ObservationList": ".observation",
    "EntitlementPanel": ".entitlement",
    "RequestInbox": ".entitlement",
    "DisagreementsPanel": ".escalation",
    "TrainingRecordPanel": ".training_record",
    "TrainingTakeUp": ".training_record",
    "TrainerDashboard": ".training_dashboard",
    "TraineeView": ".training_trainee",
    "ResearchDashboard": ".research",
}


def __getattr__(name):
    # Lazy, so importing one widget does not build the rest.
    if name in _EXPORTS:
        import importlib
        return getattr(importlib.import_module(_EXPORTS[name], __name__), name)
    raise AttributeError(name)


__all__ = list(_EXPORTS)
