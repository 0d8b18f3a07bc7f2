"""The session app's widget: ``SessionRecorder`` and the sections it is made of."""
from .recorder import SessionRecorder

__all__ = ["SessionRecorder"]
