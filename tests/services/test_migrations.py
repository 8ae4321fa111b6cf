"""The migration files read in the order they run: each file's number follows down_revision from the root, and
there is exactly one head, so a newcomer finds the latest schema change in the last file. A database already
at that head starts without loading alembic."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from alembic.script import ScriptDirectory

from storage.db import Database, alembic_config, head_revision

VERSIONS = Path(__file__).resolve().parents[2] / "storage" / "migrations" / "versions"


def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def test_there_is_exactly_one_head_and_one_root() -> None:
    scripts = _scripts()
    assert len(scripts.get_heads()) == 1, (
        f"more than one head: {scripts.get_heads()}; re-point a down_revision"
    )
    assert len(scripts.get_bases()) == 1, f"more than one root: {scripts.get_bases()}"


def test_the_file_names_follow_the_chain_from_the_root() -> None:
    scripts = _scripts()
    chain = list(reversed(list(scripts.walk_revisions())))  # root first
    files = [Path(str(rev.path)).name for rev in chain]
    assert files == sorted(files), f"files out of chain order: {files}"
    numbers = [int(re.match(r"(\d{4})_[a-z0-9_]+\.py$", name).group(1)) for name in files]  # type: ignore[union-attr]
    assert len(set(numbers)) == len(numbers), f"two files share a number: {files}"
    on_disk = sorted(p.name for p in VERSIONS.glob("*.py") if p.name != "__init__.py")
    assert on_disk == files, "every file in versions/ is one link of the chain"


def test_the_chain_is_a_line() -> None:
    for rev in _scripts().walk_revisions():
        assert not isinstance(rev.down_revision, tuple), (
            f"{rev.revision} merges branches: keep the chain a line"
        )


def test_the_head_read_from_the_files_is_alembic_s() -> None:
    assert head_revision() == _scripts().get_current_head()


def test_a_database_at_the_head_starts_without_alembic(db: Database) -> None:
    """`casebot run` upgrades at every start: at the head that is one read, and alembic (≈10 MB a server
    would carry for its life) is never imported. A database behind is upgraded by alembic as before."""
    assert db.at_head()
    code = (
        "import sys; from storage.db import Database; d = Database(sys.argv[1]); d.upgrade(); "
        "print(d.at_head(), 'alembic' in sys.modules)"
    )
    ran = subprocess.run([sys.executable, "-c", code, db.url], capture_output=True, text=True, timeout=120)
    assert ran.stdout.split() == ["True", "False"], ran.stderr
    db.drop_everything()
    assert not db.at_head()
    ran = subprocess.run([sys.executable, "-c", code, db.url], capture_output=True, text=True, timeout=120)
    assert ran.stdout.split() == ["True", "True"], ran.stderr
