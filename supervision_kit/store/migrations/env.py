"""Alembic environment: runs on the connection the store hands over."""
from alembic import context

from supervision_kit.store.schema import Base

config = context.config
connection = config.attributes.get("connection")
context.configure(connection=connection, target_metadata=Base.metadata,
                  render_as_batch=True, compare_type=True)
with context.begin_transaction():
    context.run_migrations()
