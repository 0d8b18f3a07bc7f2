"""streams on contracts and sessions; practitioners' started_in_post and working_percent

Revision ID: 0006_seeds
Revises: 0001
Create Date: 2026-12-02 06:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0006_seeds'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Both nullable: existing people are full time and their start in post unknown, so
    # every stored row (and every signed record) is unchanged.
    # Plain ALTER TABLE (no batch copy): SQLite would otherwise rebuild a table other
    # tables refer to.
    op.add_column('practitioners', sa.Column('started_in_post', sa.Date(), nullable=True))
    op.add_column('practitioners', sa.Column('working_percent', sa.Integer(), nullable=True))
    # Null stream: a contract keeps its preset's stream and a session counts for the
    # supervisee's streams, exactly as before; no stored row (or signed hash) changes.
    op.add_column('contracts', sa.Column('stream', sa.String(length=32), nullable=True))
    op.add_column('sessions', sa.Column('stream', sa.String(length=32), nullable=True))


def downgrade() -> None:
    op.drop_column('sessions', 'stream')
    op.drop_column('contracts', 'stream')
    op.drop_column('practitioners', 'working_percent')  # SQLite 3.35+ drops in place
    op.drop_column('practitioners', 'started_in_post')
