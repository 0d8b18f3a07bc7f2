"""signatures say how they were given: the signer's comment or disagreement, and an
honest method on the signatures made before sign-in methods were kept

Revision ID: 0010_signature_how
Revises: 0009_seeds
Create Date: 2026-12-02 06:00:00

Before this revision the facade wrote "own login" whenever the signer was the acting
user, whose identity came from an environment variable, ``--as-user`` or the demo
picker (anyone could pick anyone): nobody can now say which. Those rows become
"recorded before sign-in methods were kept". Rows saying "in person, on the
supervisor's device" stay as they are: that is what happened. The signed content's
hash is untouched (signatures are not part of the hashed content).
"""
from alembic import op
import sqlalchemy as sa


revision = '0010_signature_how'
down_revision = '0009_seeds'
branch_labels = None
depends_on = None

OLD, NEW = "own login", "recorded before sign-in methods were kept"


def upgrade() -> None:
    with op.batch_alter_table('signatures', schema=None) as batch_op:
        batch_op.add_column(sa.Column('comment', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('disagrees', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    sig = sa.table('signatures', sa.column('method', sa.String))
    op.execute(sig.update().where(sig.c.method == OLD).values(method=NEW))


def downgrade() -> None:
    sig = sa.table('signatures', sa.column('method', sa.String))
    op.execute(sig.update().where(sig.c.method == NEW).values(method=OLD))
    with op.batch_alter_table('signatures', schema=None) as batch_op:
        batch_op.drop_column('disagrees')
        batch_op.drop_column('comment')
