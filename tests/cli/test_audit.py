"""The dependency audit CI runs (.ci/audit.py, real pip-audit) against a stand-in OSV advisory source on
loopback: a known vulnerability fails it, a waiver with a reason lets it pass and one without is refused,
and with no advisory source reachable it passes with its note on a line of its own. No request leaves the
machine: PyPI's is sent through a proxy that is a closed loopback port."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
AUDIT = ROOT / ".ci" / "audit.py"
CLOSED = "http://127.0.0.1:9"  # the discard port: nothing listens there

# The advisory as OSV publishes it (CVE-2024-49769: waitress before 3.0.1 could be made to keep sockets open).
WAITRESS = {
    "id": "PYSEC-2024-210",
    "aliases": ["CVE-2024-49769", "GHSA-3f84-rpwh-47g6"],
    "summary": "Waitress has a denial of service leading to high CPU usage and resource exhaustion",
    "affected": [
        {
            "package": {"name": "waitress", "ecosystem": "PyPI"},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "3.0.1"}]}],
        }
    ],
}


class StandInOSV(ThreadingHTTPServer):
    """OSV's /v1/query: the WAITRESS advisory for waitress before 3.0.1, nothing for anything else."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.asked: list[tuple[str, str]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1/query"


class _Handler(BaseHTTPRequestHandler):
    server: StandInOSV

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        query = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        name, version = query["package"]["name"], query["version"]
        self.server.asked.append((name, version))
        vulnerable = name == "waitress" and tuple(int(p) for p in version.split(".")[:3]) < (3, 0, 1)
        body = json.dumps({"vulns": [WAITRESS]} if vulnerable else {}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def osv() -> Iterator[StandInOSV]:
    server = StandInOSV()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def audit(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`.ci/audit.py` as CI runs it, with PyPI (and anything else not on loopback) behind a closed port."""
    environ = {
        **os.environ,
        "HTTPS_PROXY": CLOSED,
        "HTTP_PROXY": CLOSED,
        "NO_PROXY": "127.0.0.1",
        "XDG_CACHE_HOME": str(tmp_path / "cache"),  # pip-audit's own cache: nothing from an earlier run
        **env,
    }
    for name in ("https_proxy", "http_proxy", "no_proxy", "ALL_PROXY", "all_proxy"):
        environ.pop(name, None)
    return subprocess.run(
        [sys.executable, str(AUDIT), *args], capture_output=True, text=True, env=environ, timeout=120
    )


def pins(tmp_path: Path, text: str, waivers: str = "") -> list[str]:
    (tmp_path / "req.txt").write_text(text)
    (tmp_path / "waivers.txt").write_text(waivers)
    return ["--requirements", str(tmp_path / "req.txt"), "--waivers", str(tmp_path / "waivers.txt")]


def test_a_known_vulnerability_fails_the_audit_and_says_how_to_move_on(
    tmp_path: Path, osv: StandInOSV
) -> None:
    done = audit(tmp_path, *pins(tmp_path, "waitress==3.0.0\nsix==1.17.0\n"), AUDIT_OSV_URL=osv.url)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "dependency audit (osv): 1 known vulnerability" in done.stdout
    [line] = [x for x in done.stdout.splitlines() if x.startswith("  waitress 3.0.0: PYSEC-2024-210 / ")]
    assert "CVE-2024-49769" in line and "GHSA-3f84-rpwh-47g6" in line and "(fixed in 3.0.1)" in line
    assert "make constraints UPGRADE=<package>" in done.stdout and ".ci/audit-waivers.txt" in done.stdout
    assert sorted(osv.asked) == [("six", "1.17.0"), ("waitress", "3.0.0")]


def test_a_waiver_with_a_reason_lets_it_pass_and_one_without_is_refused(
    tmp_path: Path, osv: StandInOSV
) -> None:
    reason = "the proxy in front closes idle sockets; until 2027-01-31"
    waived = audit(
        tmp_path,
        *pins(tmp_path, "waitress==3.0.0\n", f"# ours\nCVE-2024-49769  # {reason}\nGHSA-none-left  # gone\n"),
        AUDIT_OSV_URL=osv.url,
    )
    assert waived.returncode == 0, waived.stdout + waived.stderr
    assert f"waived: waitress 3.0.0 PYSEC-2024-210: {reason}" in waived.stdout
    assert "the waiver of GHSA-NONE-LEFT matches no finding now" in waived.stdout
    assert "dependency audit (osv): 1 packages, no known vulnerability" in waived.stdout

    asked = len(osv.asked)
    bare = audit(tmp_path, *pins(tmp_path, "waitress==3.0.0\n", "CVE-2024-49769\n"), AUDIT_OSV_URL=osv.url)
    assert bare.returncode == 2
    assert "the waiver of CVE-2024-49769 gives no reason" in bare.stdout and "until" in bare.stdout
    assert len(osv.asked) == asked, "refused before asking anyone"


def test_the_pinned_constraints_are_looked_up_one_by_one(tmp_path: Path, osv: StandInOSV) -> None:
    done = audit(tmp_path, AUDIT_SOURCES="osv", AUDIT_OSV_URL=osv.url)
    assert done.returncode == 0, done.stdout + done.stderr
    pinned = re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", (ROOT / "constraints.txt").read_text(), re.MULTILINE)
    assert f"dependency audit (osv): {len(pinned)} packages, no known vulnerability" in done.stdout
    assert ("waitress", "3.0.2") in osv.asked and len(osv.asked) == len(pinned)


def test_with_no_advisory_source_reachable_it_passes_with_its_note(tmp_path: Path) -> None:
    done = audit(tmp_path, *pins(tmp_path, "waitress==3.0.0\n"), AUDIT_OSV_URL=CLOSED + "/v1/query")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[0] == "dependency audit skipped: no advisory source reachable"
    assert "  pypi: " in done.stdout and "  osv: " in done.stdout
