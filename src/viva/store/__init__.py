"""Persistence: SQLAlchemy tables, Alembic migrations and repositories. The only code with SQL.

SQLite by default (a file in the data dir), PostgreSQL when `VIVA_DATABASE_URL` says so; the
same Core queries serve both.
"""
