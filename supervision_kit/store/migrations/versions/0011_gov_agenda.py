"""the supervisee's agenda: items and cases brought to the next session, and who chose
each case discussed and why [Temple Appendix 2; Havering 13.2]

Revision ID: 0011_gov
Revises: 0010_signature_how
"""
from alembic import op
import sqlalchemy as sa


revision = '0011_gov'
down_revision = '0010_signature_how'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('agenda_items',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('supervisee_id', sa.String(length=64), nullable=False),
    sa.Column('author_id', sa.String(length=64), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('case_id', sa.String(length=64), nullable=True),
    sa.Column('reason', sa.String(length=32), nullable=False),
    sa.Column('reflection_id', sa.String(length=64), nullable=True),
    sa.Column('session_id', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['supervisee_id'], ['practitioners.id'], name=op.f('fk_agenda_items_supervisee_id_practitioners')),
    sa.ForeignKeyConstraint(['author_id'], ['practitioners.id'], name=op.f('fk_agenda_items_author_id_practitioners')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_agenda_items_case_id_cases')),
    sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], name=op.f('fk_agenda_items_session_id_sessions'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_items'))
    )
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        for col in ('supervisee_id', 'author_id', 'case_id', 'reflection_id', 'session_id'):
            batch_op.create_index(batch_op.f(f'ix_agenda_items_{col}'), [col], unique=False)
    with op.batch_alter_table('case_discussions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('chosen_by', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('choice_reason', sa.String(length=32), nullable=False,
                                      server_default=''))
        batch_op.create_index(batch_op.f('ix_case_discussions_chosen_by'), ['chosen_by'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_case_discussions_chosen_by_practitioners'),
                                    'practitioners', ['chosen_by'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('case_discussions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_case_discussions_chosen_by_practitioners'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_case_discussions_chosen_by'))
        batch_op.drop_column('choice_reason')
        batch_op.drop_column('chosen_by')
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        for col in ('session_id', 'reflection_id', 'case_id', 'author_id', 'supervisee_id'):
            batch_op.drop_index(batch_op.f(f'ix_agenda_items_{col}'))
    op.drop_table('agenda_items')
