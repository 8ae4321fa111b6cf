"""The migrations, one file each, named in the order they run: NNNN_subject.py, NNNN following down_revision from
the root (tests/services/test_migrations.py checks it, and that there is one head). A revision id is what a database records
in alembic_version, so it never changes even where it no longer matches its file's number (0007_ledger is in
0004_ledger.py). A new migration: the next number after the last file, down_revision = the last file's revision."""
