"""streams on contracts and sessions; practitioners' started_in_post and working_percent

Revision ID: 0008_seeds
Revises: 0007_governance
Create Date: 2026-12-02 06:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0009_seeds'
down_revision = '0008_lifecycle'
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
    op.create_table(
        'bookings',
        sa.Column('id', sa.String(length=64), nullable=False),
        sa.Column('supervisee_id', sa.String(length=64), nullable=False),
        sa.Column('supervisor_id', sa.String(length=64), nullable=False),
        sa.Column('stream', sa.String(length=32), nullable=True),
        sa.Column('date', sa.Date(), nullable=False),
        sa.Column('start_time', sa.String(length=5), nullable=False),
        sa.Column('duration_minutes', sa.Integer(), nullable=True),
        sa.Column('place', sa.String(length=200), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('cancelled_reason', sa.String(length=32), nullable=False),
        sa.Column('cancelled_by', sa.String(length=16), nullable=False),
        sa.Column('return_date', sa.Date(), nullable=True),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('replaces_id', sa.String(length=64), nullable=True),
        sa.Column('cancelled_session_id', sa.String(length=64), nullable=True),
        sa.Column('invited_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['supervisee_id'], ['practitioners.id'],
                                name=op.f('fk_bookings_supervisee_id_practitioners')),
        sa.ForeignKeyConstraint(['supervisor_id'], ['practitioners.id'],
                                name=op.f('fk_bookings_supervisor_id_practitioners')),
        sa.ForeignKeyConstraint(['replaces_id'], ['bookings.id'],
                                name=op.f('fk_bookings_replaces_id_bookings')),
        sa.ForeignKeyConstraint(['cancelled_session_id'], ['sessions.id'], ondelete='SET NULL',
                                name=op.f('fk_bookings_cancelled_session_id_sessions')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_bookings')))
    op.create_table(
        'case_meetings',
        sa.Column('id', sa.String(length=64), nullable=False),
        sa.Column('case_id', sa.String(length=64), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('date', sa.Date(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'],
                                name=op.f('fk_case_meetings_case_id_cases')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_case_meetings')))
    op.create_index(op.f('ix_case_meetings_case_id'), 'case_meetings', ['case_id'], unique=False)
    op.create_index(op.f('ix_case_meetings_date'), 'case_meetings', ['date'], unique=False)
    op.create_table(
        'reminder_optouts',
        sa.Column('practitioner_id', sa.String(length=64), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(['practitioner_id'], ['practitioners.id'],
                                name=op.f('fk_reminder_optouts_practitioner_id_practitioners')),
        sa.PrimaryKeyConstraint('practitioner_id', 'kind', name=op.f('pk_reminder_optouts')))
    op.create_table(
        'reminder_log',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('practitioner_id', sa.String(length=64), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('fingerprint', sa.String(length=64), nullable=False),
        sa.Column('sent_at', sa.DateTime(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('detail', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['practitioner_id'], ['practitioners.id'],
                                name=op.f('fk_reminder_log_practitioner_id_practitioners')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder_log')))
    op.create_index(op.f('ix_reminder_log_practitioner_id'), 'reminder_log', ['practitioner_id'],
                    unique=False)
    op.create_index(op.f('ix_reminder_log_day'), 'reminder_log', ['day'], unique=False)
    for col in ('supervisee_id', 'supervisor_id', 'date', 'replaces_id', 'cancelled_session_id'):
        op.create_index(op.f(f'ix_bookings_{col}'), 'bookings', [col], unique=False)


def downgrade() -> None:
    op.drop_table('reminder_log')
    op.drop_table('reminder_optouts')
    op.drop_table('bookings')
    op.drop_table('case_meetings')
    op.drop_column('sessions', 'stream')
    op.drop_column('contracts', 'stream')
    op.drop_column('practitioners', 'working_percent')  # SQLite 3.35+ drops in place
    op.drop_column('practitioners', 'started_in_post')
