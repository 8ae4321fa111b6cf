"""constraints.txt is the install: every package casebot and its tests use is pinned there with the hashes of
its files, the set-up installs from it with hashes required, and this environment holds exactly those pins."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9_.-]+)==(\S+)((?:\s*\\\n\s+--hash=sha256:[0-9a-f]{64})+)", re.MULTILINE)


def pinned() -> dict[str, tuple[str, int]]:
    """Each pinned package: its version and how many hashes it has."""
    text = (ROOT / "constraints.txt").read_text()
    found = {canonicalize_name(n): (v, h.count("--hash=")) for n, v, h in PIN.findall(text)}
    requirements = [line for line in text.splitlines() if line and not line.startswith((" ", "#"))]
    assert len(requirements) == len(found), "every requirement is pinned with ==, with its hashes"
    return found


def test_every_dependency_is_pinned_with_its_hashes() -> None:
    pins = pinned()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = [*project["dependencies"], *project["optional-dependencies"]["dev"], "pip", "setuptools"]
    for line in wanted:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is not in constraints.txt: run `make constraints`"
        version, hashes = pins[name]
        assert requirement.specifier.contains(version, prereleases=True), (name, version)
        assert hashes >= 1


def test_this_environment_holds_exactly_the_pins() -> None:
    for name, (version, _) in pinned().items():
        assert metadata.version(name) == version, name


def test_the_set_up_requires_the_hashes_and_builds_nothing_else() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert "pip install --quiet --require-hashes --only-binary :all: --no-deps -r constraints.txt" in makefile
    assert "pip install --quiet --no-deps --no-build-isolation -e ." in makefile
    assert "-c constraints.txt" not in makefile
