"""case_discussions.provenance: answers carried or confirmed from an earlier discussion

Revision ID: 0005_lifecycle
Revises: 0001
Create Date: 2026-12-02 06:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0005_lifecycle'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Existing discussions were all written (or copied) before provenance was kept: {}.
    with op.batch_alter_table('case_discussions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('provenance', sa.JSON(), nullable=False,
                                      server_default=sa.text("'{}'")))


def downgrade() -> None:
    with op.batch_alter_table('case_discussions', schema=None) as batch_op:
        batch_op.drop_column('provenance')
