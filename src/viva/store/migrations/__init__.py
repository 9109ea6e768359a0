"""Alembic migrations for Viva's database (run automatically when the database is opened)."""
