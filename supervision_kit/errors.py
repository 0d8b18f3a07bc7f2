"""Errors the facade raises; edges (widgets, CLI) turn them into messages."""


class SupervisionError(Exception):
    """Base class: a user-facing problem with a readable message."""


class ValidationError(SupervisionError):
    """A value was refused; ``field`` names where, ``message`` says why."""

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


class AccessDenied(SupervisionError):
    """The acting user's role does not allow this."""


class NotFound(SupervisionError):
    """No such record (or not visible to this user)."""


class RecordLocked(SupervisionError):
    """The record is signed; changes must be addenda."""


class StaleRecord(SupervisionError):
    """Saved from an out-of-date copy; someone else saved first."""

    def __init__(self, message: str, unsaved=None):
        self.unsaved = unsaved
        super().__init__(message)


class ImportFailed(SupervisionError):
    """An import file was refused; nothing was imported."""

    def __init__(self, record: str, field: str, message: str):
        self.record = record
        self.field = field
        self.message = message
        super().__init__(f"{record}, field {field}: {message}")
