"""Storage: SQLAlchemy 2.0 models, every query, the unit of work and Alembic migrations."""
