"""Legal holds: an admin or manager keeps a practitioner's or a case's records past their
retention date for a review, complaint or litigation [Temple Appendix 1; Havering 9]."""
from __future__ import annotations

from ..domain.enums import Role
from ..domain.holds import check_hold
from ..domain.values import new_id
from ..errors import NotFound, ValidationError
from ..store import holds as store
from .context import Context

HOLDERS = (Role.ADMIN, Role.MANAGER)


class HoldsService:
    """Place, lift and list legal holds; every step is logged."""

    def __init__(self, ctx: Context):
        self.ctx = ctx

    def _practitioner_of(self, conn, scope: str, target_id: str) -> str:
        found = store.owner_of(conn, scope, target_id)
        if found is None:
            raise NotFound(f"no {'practitioner' if scope == 'practitioner' else 'case'} "
                           f"{target_id!r}")
        return found

    def place_hold(self, scope: str, target_id: str, reason: str, reference: str) -> dict:
        """Hold a practitioner's or a case's records; returns the hold."""
        self.ctx.require("place a legal hold", *HOLDERS)
        scope, target_id, reason, reference = check_hold(scope, target_id, reason, reference)
        hid = new_id("hold")
        with self.ctx.tx() as conn:
            owner = self._practitioner_of(conn, scope, target_id)
            if self.ctx.role == Role.MANAGER:
                self.ctx.check_see([owner], f"place a legal hold on {scope} {target_id}")
            store.insert_hold(conn, hid, scope, target_id, reason, reference, self.ctx.me.id)
            self.ctx.log(conn, "hold", "legal_hold", hid,
                    f"placed on {scope} {target_id}; reason {reason}; reference {reference}")
            return dict(store.hold_row(conn, hid)._mapping)

    def lift_hold(self, hold_id: str, note: str = "") -> dict:
        """Lift an active hold (kept as history); returns the hold."""
        self.ctx.require("lift a legal hold", *HOLDERS)
        with self.ctx.tx() as conn:
            row = store.hold_row(conn, hold_id)
            if row is None:
                raise NotFound(f"no legal hold {hold_id!r}")
            if row.lifted_at is not None:
                raise ValidationError("hold", f"{hold_id} was lifted on {row.lifted_at:%d %b %Y}")
            if self.ctx.role == Role.MANAGER:
                owner = self._practitioner_of(conn, row.scope, row.target_id)
                self.ctx.check_see([owner], f"lift legal hold {hold_id}")
            store.lift_hold(conn, hold_id, self.ctx.me.id, (note or "").strip())
            self.ctx.log(conn, "lift", "legal_hold", hold_id,
                    f"lifted from {row.scope} {row.target_id}; reason was {row.reason}; "
                    f"reference {row.reference}")
            return dict(store.hold_row(conn, hold_id)._mapping)

    def legal_holds(self, active_only: bool = True) -> list[dict]:
        """Holds (active ones unless ``active_only`` is False), oldest first."""
        self.ctx.require("list legal holds", *HOLDERS, Role.AUDITOR)
        with self.ctx.tx() as conn:
            found = store.holds(conn, active_only)
            self.ctx.log(conn, "view", "legal_hold", "", f"{len(found)} hold(s)")
        return found
