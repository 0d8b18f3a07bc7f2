"""Persistence: SQLAlchemy tables, engine opening with Alembic, audit log, frames."""
