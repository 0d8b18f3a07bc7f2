"""Rows of people turned into domain records."""
from __future__ import annotations

from ..domain.records import Practitioner


def practitioner_from_row(r) -> Practitioner:
    """A ``Practitioner`` from a ``practitioners`` row."""
    return Practitioner(id=r.id, name=r.name, username=r.username, role=r.role, team=r.team,
                        agency_type=r.agency_type, email=r.email, qualified_date=r.qualified_date,
                        asye_start=r.asye_start, leaving_date=r.leaving_date,
                        line_manager_id=r.line_manager_id)
