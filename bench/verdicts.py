"""What `make bench` must show (issues 6, 15, 23) and how a run is judged: the targets, the report a run
writes (bench/out/results-<when>.json), and its PASS or MISS lines."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bench.leads import HOME, OVERDUE, OVERDUE_PAGE

TARGET_P99_MS = 50.0
TARGET_MEDIAN_VS_ECHO = 5.0  # reads: /case show, /case due, Home
TARGET_WRITE_VS_ECHO = 10.0  # writes: /case contacted, /offer received
WRITES = ("/case contacted", "/offer received")
TARGET_RUSH_RATE = 50.0  # requests a second, sustained (at least 98 % of it served)
TARGET_RUSH_P99_MS = 300.0
TARGET_DIGEST_S = 2.0
TARGET_DIGEST_GROWTH = 1.5
TARGET_RSS_MB = 120.0
TARGET_LEAD_VS_DUE = 5.0  # a lead's view, median, against a manager's /case due in the same run
TARGET_LEAD_GROWTH = 1.5  # from the smallest scale to the largest
LEAD_VIEWS = (OVERDUE, OVERDUE_PAGE, HOME)


@dataclass
class Report:
    day: str
    machine: dict[str, str]
    loads: list[dict[str, Any]] = field(default_factory=list)
    digests: list[dict[str, Any]] = field(default_factory=list)
    commands: list[dict[str, Any]] = field(default_factory=list)
    memory: list[dict[str, Any]] = field(default_factory=list)
    leads: list[dict[str, Any]] = field(default_factory=list)
    rush: list[dict[str, Any]] = field(default_factory=list)
    verdicts: list[str] = field(default_factory=list)


def variant(backend: str, fixes: bool) -> str:
    return f"{backend}{'+fixes' if fixes else ''}"


def verdicts(report: Report) -> list[str]:
    lines = []
    for c in report.commands:
        limit = TARGET_WRITE_VS_ECHO if c["command"] in WRITES else TARGET_MEDIAN_VS_ECHO
        p99_ok, ratio_ok = c["p99_ms"] < TARGET_P99_MS, c["ratio"] <= limit
        lines.append(
            f"{'PASS' if p99_ok and ratio_ok else 'MISS'} {variant(c['backend'], c['fixes']):<16} "
            f"{c['command']:<16} p99 {c['p99_ms']:.1f} ms (< {TARGET_P99_MS:.0f}), "
            f"median {c['ratio']:.1f}× echo (≤ {limit:.0f}×)"
        )
    for r in report.rush:
        if r["server"] != "casebot":
            continue
        ok = (
            r["throughput_per_s"] >= 0.98 * TARGET_RUSH_RATE
            and r["p99_ms"] < TARGET_RUSH_P99_MS
            and r["failures"] == 0
        )
        lines.append(
            f"{'PASS' if ok else 'MISS'} {variant(r['backend'], r['fixes']):<16} morning rush "
            f"{r['managers']} managers: {r['throughput_per_s']:.1f}/s of {r['offered_per_s']:.0f} offered "
            f"(≥ {TARGET_RUSH_RATE:.0f}), p99 {r['p99_ms']:.1f} ms (< {TARGET_RUSH_P99_MS:.0f}), "
            f"{r['failures']} failures"
        )
    by_backend: dict[str, dict[int, float]] = {}
    for d in report.digests:
        by_backend.setdefault(variant(d["backend"], d["fixes"]), {})[d["scale"]] = d["median_s"]
    for backend, scales in by_backend.items():
        worst = max(scales.values())
        line = f"all digests {worst:.2f} s at most (< {TARGET_DIGEST_S:.0f} s)"
        ok = worst < TARGET_DIGEST_S
        if len(scales) > 1:
            small, large = scales[min(scales)], scales[max(scales)]
            growth = large / small
            ok = ok and growth < TARGET_DIGEST_GROWTH
            line += f", {min(scales):,} → {max(scales):,} cases: {growth:.2f}× (< {TARGET_DIGEST_GROWTH}×)"
        lines.append(f"{'PASS' if ok else 'MISS'} {backend:<16} {line}")
    for m in report.memory:
        ok = m["vmhwm_mb"] < TARGET_RSS_MB
        lines.append(
            f"{'PASS' if ok else 'MISS'} {variant(m['backend'], m['fixes']):<16} server peak resident {m['vmhwm_mb']:.0f} MB "
            f"(< {TARGET_RSS_MB:.0f} MB) at {m['scale']:,} cases"
        )
    lead_rows: dict[tuple[str, str], dict[int, dict[str, Any]]] = {}
    for row in report.leads:
        lead_rows.setdefault((row["backend"], row["view"]), {})[row["scale"]] = row
    for (backend, view), scales in lead_rows.items():
        if view not in LEAD_VIEWS:
            continue
        large = scales[max(scales)]
        ok = large["vs_due"] <= TARGET_LEAD_VS_DUE
        line = (
            f"{view}: {large['vs_due']:.1f}× /case due at {max(scales):,} cases (≤ {TARGET_LEAD_VS_DUE:.0f}×)"
        )
        if len(scales) > 1:
            growth = large["median_ms"] / scales[min(scales)]["median_ms"]
            ok = ok and growth < TARGET_LEAD_GROWTH
            line += f", {min(scales):,} → {max(scales):,} cases: {growth:.2f}× (< {TARGET_LEAD_GROWTH}×)"
        lines.append(f"{'PASS' if ok else 'MISS'} {backend:<16} {line}")
    return lines
