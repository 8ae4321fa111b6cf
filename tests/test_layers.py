"""The layers stay as the folders draw them: every import points down, and no two modules import each other.

bot/rules (pure) → bot/services → bot/delivery → bot/entrypoints, the composition root and the only part of
bot/ that may import handlers/. storage/ is below all of bot/. Imports inside functions count too: they are
how a layer usually leaks."""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "handlers", "storage")

# Each layer, and the layers (by module prefix) it must never import.
FORBIDDEN = {
    "bot.rules": ("bot.services", "bot.delivery", "bot.entrypoints", "bot.settings", "handlers", "storage"),
    "bot.services": ("bot.delivery", "bot.entrypoints", "handlers"),
    "bot.delivery": ("bot.entrypoints", "handlers"),
    "bot.errors": ("bot.", "handlers", "storage"),
    "bot.settings": ("bot.services", "bot.delivery", "bot.entrypoints", "handlers", "storage"),
    "storage": ("bot", "handlers"),
    "handlers": ("bot.entrypoints",),
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (REPO / package).rglob("*.py"):
            if "migrations" not in path.parts:
                found[module_name(path)] = path
    return found


def imports_of(path: Path, modules: dict[str, Path]) -> set[str]:
    """The project modules a file imports, anywhere in it: `from a.b import c` is a.b.c when that is a
    module, else a.b."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [
                f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in modules else node.module
                for a in node.names
            ]
        else:
            continue
        out |= {n for n in names if n.split(".")[0] in PACKAGES}
    return out


def graph() -> dict[str, set[str]]:
    modules = project_modules()
    return {name: imports_of(path, modules) for name, path in modules.items()}


def test_every_import_points_down() -> None:
    leaks = []
    for module, imported in sorted(graph().items()):
        for layer, banned in FORBIDDEN.items():
            if module == layer or module.startswith(layer + "."):
                leaks += [f"{module} imports {i}" for i in sorted(imported) if i.startswith(banned)]
    assert not leaks, "\n".join(leaks)


def test_only_the_entry_points_reach_handlers() -> None:
    reach = [
        f"{m} imports {i}"
        for m, imported in graph().items()
        if m.startswith("bot") and not m.startswith("bot.entrypoints")
        for i in imported
        if i.startswith("handlers")
    ]
    assert not reach, reach


def test_no_two_modules_import_each_other() -> None:
    g = graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles: list[list[str]] = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in g.get(v, ()):
            if w not in g:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for v in sorted(g):
        if v not in index:
            visit(v)
    assert not circles, circles


def test_the_delivery_engine_is_tested_without_handlers() -> None:
    modules = project_modules()
    core = [REPO / "tests" / "test_delivery_core.py", REPO / "tests" / "memory_notifier.py"]
    for path in core:
        assert not [i for i in imports_of(path, modules) if i.startswith("handlers")], path
        assert "tests.reminders_support" not in path.read_text(encoding="utf-8"), path
