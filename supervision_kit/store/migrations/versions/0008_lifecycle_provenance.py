"""case_discussions.provenance (answers carried or confirmed from an earlier discussion)
and discarded_drafts (a discarded draft, restorable; the audit log names it by id)

Revision ID: 0008_lifecycle
Revises: 0007_governance
Create Date: 2026-12-02 06:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0008_lifecycle'
down_revision = '0007_governance'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('discarded_drafts',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('supervisor_id', sa.String(length=64), nullable=False),
    sa.Column('supervisee_ids', sa.JSON(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('discarded_by', sa.String(length=64), nullable=False),
    sa.Column('discarded_at', sa.DateTime(), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['discarded_by'], ['practitioners.id'],
                            name=op.f('fk_discarded_drafts_discarded_by_practitioners')),
    sa.ForeignKeyConstraint(['supervisor_id'], ['practitioners.id'],
                            name=op.f('fk_discarded_drafts_supervisor_id_practitioners')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_discarded_drafts'))
    )
    with op.batch_alter_table('discarded_drafts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_discarded_drafts_discarded_by'), ['discarded_by'], unique=False)
        batch_op.create_index(batch_op.f('ix_discarded_drafts_supervisor_id'), ['supervisor_id'], unique=False)
    # Existing discussions were all written (or copied) before provenance was kept: {}.
    with op.batch_alter_table('case_discussions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('provenance', sa.JSON(), nullable=False,
                                      server_default=sa.text("'{}'")))


def downgrade() -> None:
    with op.batch_alter_table('case_discussions', schema=None) as batch_op:
        batch_op.drop_column('provenance')
    op.drop_table('discarded_drafts')
