"""Alembic migrations, applied by `casebot db upgrade` and at every start."""
