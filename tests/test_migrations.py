"""The migration files read in the order they run: each file's number follows down_revision from the root, and
there is exactly one head, so a newcomer finds the latest schema change in the last file."""

from __future__ import annotations

import re
from pathlib import Path

from alembic.script import ScriptDirectory

from storage.db import alembic_config

VERSIONS = Path(__file__).resolve().parents[1] / "storage" / "migrations" / "versions"


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
