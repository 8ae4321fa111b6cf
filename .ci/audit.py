"""The dependency audit CI runs (`make audit`): every package pinned in constraints.txt looked up with
pip-audit in an advisory source, PyPI's advisories first, then OSV's. A known vulnerability fails it, unless
.ci/audit-waivers.txt waives it with a reason. When no source answers (the network is down, or the source
knows none of the packages), it says so on a line of its own and passes: an audit that could not run must
not fail CI, and must not pass silently either.

    python .ci/audit.py [--requirements constraints.txt] [--waivers .ci/audit-waivers.txt]

AUDIT_SOURCES (default `pypi,osv`) names the sources tried, in order; AUDIT_OSV_URL is OSV's query URL."""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

SKIPPED = "dependency audit skipped: no advisory source reachable"
OSV_URL = "https://api.osv.dev/v1/query"
_WAIVER = re.compile(r"^(?P<id>[A-Za-z][A-Za-z0-9._:-]+)\s*(?:#\s*(?P<reason>.*))?$")


@dataclass(frozen=True)
class Finding:
    package: str
    version: str
    ids: tuple[str, ...]  # the advisory's id, then its aliases (CVE-…, GHSA-…)
    fixed_in: tuple[str, ...]
    summary: str


class BadWaivers(Exception):
    pass


def read_waivers(path: Path) -> dict[str, str]:
    """Each waiver's advisory id and its reason: `GHSA-xxxx-xxxx-xxxx  # why it does not touch casebot`."""
    if not path.exists():
        return {}
    waivers = {}
    for n, line in enumerate(path.read_text().splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        found = _WAIVER.match(line)
        if found is None:
            raise BadWaivers(f"{path}:{n}: “{line[:60]}” is not an advisory id and its reason")
        reason = (found["reason"] or "").strip()
        if not reason:
            raise BadWaivers(
                f"{path}:{n}: the waiver of {found['id']} gives no reason. Write why the vulnerability does not "
                f"touch casebot, and until when: `{found['id']}  # only in the CLI we never call; until 2027-03-01`"
            )
        waivers[found["id"].upper()] = reason
    return waivers


def _source_args(source: str) -> list[str]:
    if source == "osv":
        return ["-s", "osv", "--osv-url", os.environ.get("AUDIT_OSV_URL", OSV_URL)]
    return ["-s", source]


def ask(source: str, requirements: Path) -> tuple[list[Finding], int, int] | str:
    """pip-audit's answer from one source: the findings, how many packages it looked up and how many it could
    not; or why it gave none (it could not be reached, or knew none of the packages)."""
    hashed = "--hash=" in requirements.read_text()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "audit.json"
        done = subprocess.run(
            [
                *(sys.executable, "-m", "pip_audit", "-r", str(requirements), "--disable-pip"),
                "--require-hashes" if hashed else "--no-deps",
                *_source_args(source),
                *("--timeout", "10", "--progress-spinner", "off", "-f", "json", "-o", str(out)),
            ],
            capture_output=True,
            text=True,
            timeout=600,
        )
        try:
            report = json.loads(out.read_text())
        except (OSError, ValueError):
            last = (done.stderr.strip().splitlines() or ["no answer"])[-1]
            return f"{source}: {last[:200]}"
    looked_up = [d for d in report["dependencies"] if "skip_reason" not in d]
    if not looked_up:
        return f"{source}: it answered for none of the {len(report['dependencies'])} packages"
    findings = [
        Finding(
            d["name"],
            d["version"],
            (v["id"], *v.get("aliases", [])),
            tuple(v.get("fix_versions", [])),
            " ".join(str(v.get("description") or "").split())[:160],
        )
        for d in looked_up
        for v in d.get("vulns", [])
    ]
    return findings, len(looked_up), len(report["dependencies"]) - len(looked_up)


def main(argv: list[str] | None = None) -> int:
    root = Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description="Audit the pinned dependencies for known vulnerabilities.")
    parser.add_argument("--requirements", type=Path, default=root / "constraints.txt")
    parser.add_argument("--waivers", type=Path, default=root / ".ci" / "audit-waivers.txt")
    args = parser.parse_args(argv)
    try:
        waivers = read_waivers(args.waivers)
    except BadWaivers as exc:
        print(f"dependency audit: {exc}")
        return 2
    tried = []
    for source in [s.strip() for s in os.environ.get("AUDIT_SOURCES", "pypi,osv").split(",") if s.strip()]:
        answer = ask(source, args.requirements)
        if isinstance(answer, str):
            tried.append(answer)
            continue
        findings, looked_up, unknown = answer
        return report(source, findings, looked_up, unknown, waivers)
    print(SKIPPED + "".join(f"\n  {why}" for why in tried))
    return 0


def report(
    source: str, findings: list[Finding], looked_up: int, unknown: int, waivers: dict[str, str]
) -> int:
    open_ = []
    used = set()
    for f in findings:
        waived = [i for i in f.ids if i.upper() in waivers]
        if waived:
            used.update(i.upper() for i in waived)
            print(f"waived: {f.package} {f.version} {f.ids[0]}: {waivers[waived[0].upper()]}")
        else:
            open_.append(f)
    for stale in sorted(set(waivers) - used):
        print(f"note: the waiver of {stale} matches no finding now: remove it from .ci/audit-waivers.txt")
    partly = f" ({unknown} it does not know were not looked up)" if unknown else ""
    if not open_:
        print(f"dependency audit ({source}): {looked_up} packages, no known vulnerability{partly}")
        return 0
    print(
        f"dependency audit ({source}): {len(open_)} known vulnerabilit{'ies' if len(open_) != 1 else 'y'}{partly}"
    )
    for f in open_:
        fixed = f"fixed in {', '.join(f.fixed_in)}" if f.fixed_in else "no fixed version yet"
        print(f"  {f.package} {f.version}: {' / '.join(f.ids)} ({fixed}) {f.summary}")
    print(
        "Move the package to a fixed version (`make constraints UPGRADE=<package>`, then the whole suite), or, "
        "if it cannot touch casebot, waive it with a reason in .ci/audit-waivers.txt."
    )
    return 1


if __name__ == "__main__":
    sys.exit(main())
