"""a signed or awaiting record keeps on the session the hash its signers signed

Revision ID: 0012_session_hash
Revises: 0011_gov
Create Date: 2026-12-02 17:00:00

``sign`` stores the first signer's hash on the session, but demo stores and datasets
sealed before this revision left a record awaiting a second signature with none, and
verify now names a signed record whose session hash is empty. Such a session takes the
hash its signatures recorded when they all agree on one. It is never computed from the
content as it stands: that would bless a record altered since it was signed. Signatures
that disagree, or carry no hash, leave it empty, so verify names the record.
"""
from alembic import op
import sqlalchemy as sa


revision = '0012_session_hash'
down_revision = '0011_gov'
branch_labels = None
depends_on = None


def upgrade() -> None:
    sessions = sa.table('sessions', sa.column('id', sa.String),
                        sa.column('content_hash', sa.String))
    signatures = sa.table('signatures', sa.column('session_id', sa.String),
                          sa.column('content_hash', sa.String))
    h = signatures.c.content_hash
    found = op.get_bind().execute(
        sa.select(signatures.c.session_id, sa.func.min(h), sa.func.max(h))
        .select_from(signatures.join(sessions, sessions.c.id == signatures.c.session_id))
        .where(sa.or_(sessions.c.content_hash.is_(None), sessions.c.content_hash == ''))
        .group_by(signatures.c.session_id)).all()
    agreed = [{'sid': sid, 'h': low} for sid, low, high in found if low and low == high]
    if agreed:
        op.get_bind().execute(
            sessions.update().where(sessions.c.id == sa.bindparam('sid'))
            .values(content_hash=sa.bindparam('h')), agreed)


def downgrade() -> None:
    # The hashes filled are the ones the signers signed (what ``sign`` stores live):
    # emptying them again would only make sound records look altered.
    pass
