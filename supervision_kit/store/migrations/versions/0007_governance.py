"""governance: legal holds, drift escalations, professional differences, quality audits

Revision ID: 0007_governance
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa


revision = '0007_governance'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('legal_holds',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('scope', sa.String(length=16), nullable=False),
    sa.Column('target_id', sa.String(length=64), nullable=False),
    sa.Column('reason', sa.String(length=32), nullable=False),
    sa.Column('reference', sa.String(length=200), nullable=False),
    sa.Column('placed_by_id', sa.String(length=64), nullable=False),
    sa.Column('placed_at', sa.DateTime(), nullable=False),
    sa.Column('lifted_by_id', sa.String(length=64), nullable=True),
    sa.Column('lifted_at', sa.DateTime(), nullable=True),
    sa.Column('lift_note', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_legal_holds'))
    )
    with op.batch_alter_table('legal_holds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_legal_holds_target_id'), ['target_id'], unique=False)

    op.create_table('drift_escalations',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('case_id', sa.String(length=64), nullable=False),
    sa.Column('flagged_since', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('manager_id', sa.String(length=64), nullable=True),
    sa.Column('status', sa.String(length=40), nullable=False),
    sa.Column('outcome', sa.Text(), nullable=False),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_drift_escalations_case_id_cases')),
    sa.ForeignKeyConstraint(['manager_id'], ['practitioners.id'], name=op.f('fk_drift_escalations_manager_id_practitioners')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_drift_escalations')),
    sa.UniqueConstraint('case_id', 'flagged_since', name=op.f('uq_drift_escalations_case_id'))
    )
    with op.batch_alter_table('drift_escalations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_drift_escalations_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_drift_escalations_manager_id'), ['manager_id'], unique=False)
    op.create_table('professional_differences',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('case_id', sa.String(length=64), nullable=False),
    sa.Column('agency', sa.String(length=200), nullable=False),
    sa.Column('stage', sa.String(length=64), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('outcome', sa.Text(), nullable=False),
    sa.Column('raised_by_id', sa.String(length=64), nullable=False),
    sa.Column('raised_on', sa.Date(), nullable=False),
    sa.Column('resolved_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_professional_differences_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_professional_differences'))
    )
    with op.batch_alter_table('professional_differences', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_professional_differences_case_id'), ['case_id'], unique=False)

    op.create_table('quality_audits',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('created_by_id', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('end', sa.Date(), nullable=False),
    sa.Column('seed', sa.Integer(), nullable=False),
    sa.Column('per_stratum', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quality_audits'))
    )
    op.create_table('audit_items',
    sa.Column('audit_id', sa.String(length=64), nullable=False),
    sa.Column('discussion_id', sa.String(length=64), nullable=False),
    sa.Column('session_id', sa.String(length=64), nullable=False),
    sa.Column('case_id', sa.String(length=64), nullable=False),
    sa.Column('stratum', sa.String(length=16), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('judgements', sa.JSON(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('judged_by_id', sa.String(length=64), nullable=True),
    sa.Column('judged_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['audit_id'], ['quality_audits.id'], name=op.f('fk_audit_items_audit_id_quality_audits'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('audit_id', 'discussion_id', name=op.f('pk_audit_items'))
    )
    with op.batch_alter_table('audit_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_items_session_id'), ['session_id'], unique=False)


def downgrade() -> None:
    op.drop_table('audit_items')
    op.drop_table('quality_audits')
    op.drop_table('professional_differences')
    op.drop_table('drift_escalations')
    with op.batch_alter_table('legal_holds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_legal_holds_target_id'))
    op.drop_table('legal_holds')
