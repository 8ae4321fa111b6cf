"""The layers stay as the folders draw them: every import points down, and no two modules import each other.

bot/rules (pure) → bot/services → bot/delivery → bot/entrypoints, the composition root and the only part of
bot/ that may import handlers/. storage/ is below all of bot/. Imports inside functions count too: they are
how a layer usually leaks.

Nothing calls up except through what the composition root (bot/entrypoints/app.py's create_app) wires: the
Home refresh on Firm's hooks. Importing a module registers nothing: no Session event, no registry filled."""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
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
    core = [
        REPO / "tests" / "services" / "test_delivery_core.py",
        REPO / "tests" / "kit" / "memory_notifier.py",
    ]
    for path in core:
        assert not [i for i in imports_of(path, modules) if i.startswith("handlers")], path
        assert "tests.kit.reminders" not in path.read_text(encoding="utf-8"), path


def test_no_test_imports_another_test() -> None:
    """What tests share lives in tests/kit (and the fixtures in the conftest.py files); no module imports a
    test module or a conftest."""
    importing = []
    for path in sorted((REPO / "tests").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            for name in names:
                if name.startswith("tests") and name.rsplit(".", 1)[-1].startswith(("test_", "conftest")):
                    importing.append((str(path.relative_to(REPO)), name))
    assert not importing, importing


# ---- no upward call outside the composition root ----
# A service calls up only through a hook on Firm (on_change, on_views); only bot/entrypoints, where the app
# is composed (create_app), puts anything on one. Nothing below it reaches handlers/ (the test above).
HOOKS = ("on_change", "on_views")


def _hooked(path: Path) -> list[str]:
    """Where a file adds to a hook list: `x.on_change.append(…)`, `.extend`, `.insert`, `+=` or `= […]`."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        target = None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in ("append", "extend", "insert"):
                target = node.func.value
        elif isinstance(node, ast.AugAssign | ast.Assign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            target = next((t for t in targets if isinstance(t, ast.Attribute) and t.attr in HOOKS), None)
        if isinstance(target, ast.Attribute) and target.attr in HOOKS:
            found.append(f"{path.relative_to(REPO)}:{node.lineno}")
    return found


def test_only_the_composition_root_puts_a_call_on_a_hook() -> None:
    hooked = [
        where
        for module, path in project_modules().items()
        if not module.startswith("bot.entrypoints")
        for where in _hooked(path)
    ]
    assert not hooked, f"only bot/entrypoints wires a hook (create_app): {hooked}"
    app = REPO / "bot" / "entrypoints" / "app.py"
    assert len(_hooked(app)) == len(HOOKS), "create_app wires the Home refresh onto each hook"


def test_importing_storage_registers_no_session_event() -> None:
    """The Session events that keep stage_counts are put on the session factories a Database makes, never on
    SQLAlchemy's Session for every session in the process as a side effect of an import."""
    import importlib

    from sqlalchemy.orm import Session

    for module in sorted(project_modules()):
        if module.startswith("storage"):
            importlib.import_module(module)
    from storage.db import Database

    names = ("before_flush", "before_commit", "after_rollback", "after_flush", "after_commit")
    plain = Session()
    try:
        assert {n: len(getattr(plain.dispatch, n)) for n in names} == dict.fromkeys(names, 0)
    finally:
        plain.close()
    import gc

    for _ in range(20):  # each Database's own factories, however many came and went before it
        db = Database("sqlite://")
        try:
            for factory in (db.sessions, db.read_sessions):
                made = factory()
                assert all(len(getattr(made.dispatch, n)) == 1 for n in names[:3]), "its sessions count"
                made.close()
        finally:
            db.dispose()
        del db, factory, made
        gc.collect()


def test_no_registry_fills_itself_as_modules_load() -> None:
    """A table is written out where it is read (the command table, OFFER_SUBCOMMANDS), never filled by the
    modules that happen to be imported: no module-level call adds to a module's own dict, list or set."""
    filled = []
    for module, path in project_modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        tables = {
            t.id
            for node in tree.body
            if isinstance(node, ast.Assign | ast.AnnAssign)
            for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
            if isinstance(t, ast.Name)
        }
        for fn in ast.walk(tree):
            if not isinstance(fn, ast.FunctionDef):
                continue
            for node in ast.walk(fn):
                writes = (
                    isinstance(node, ast.Subscript)
                    and isinstance(node.ctx, ast.Store)
                    and isinstance(node.value, ast.Name)
                    and node.value.id in tables
                    and node.value.id.startswith("_")
                    and node.value.id.isupper()
                )
                if writes:
                    filled.append(f"{module}:{node.lineno} {node.value.id}")  # type: ignore[union-attr]
    assert not filled, f"a registry filled as modules load: {filled}"


def test_listeners_close_over_the_context_their_module_registers() -> None:
    """Each module's `register(app, ctx)` binds its listeners to `ctx` (handlers/context.py's `listener`):
    none looks casebot's context up in Bolt's by a string key."""
    looked_up = [
        f"{module}:{node.lineno}"
        for module, path in project_modules().items()
        if module.startswith("handlers")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Subscript)
        and isinstance(node.slice, ast.Constant)
        and node.slice.value == "casebot"
    ]
    assert not looked_up, looked_up


# ---- a narrow service API: handlers see dataclasses, never storage rows ----


def test_handlers_never_import_storage() -> None:
    """A row reaches handlers/ only as a service's dataclass (Outcome, CaseCard, Member…): no module there
    imports storage/, so none can read or hold an ORM object by its type."""
    modules = project_modules()
    reach = [
        f"{m} imports {i}"
        for m, path in modules.items()
        if m.startswith("handlers")
        for i in sorted(imports_of(path, modules))
        if i == "storage" or i.startswith("storage.")
    ]
    assert not reach, reach


def test_the_user_actions_hand_back_no_storage_row() -> None:
    """What bot.services exports (the user actions, and the types a caller needs) returns no storage.models
    class: a service copies what its caller needs into a dataclass of its own."""
    import inspect
    import typing

    import bot.services as services
    import storage.models as models

    rows = {
        name
        for name, value in vars(models).items()
        if inspect.isclass(value) and value.__module__ == models.__name__
    }
    leaks = []
    for name in services.__all__:
        exported = getattr(services, name)
        if not inspect.isfunction(exported):
            continue
        returned = str(typing.get_type_hints(exported).get("return", ""))
        leaks += [f"{name} returns {row}" for row in rows if f"storage.models.{row}" in returned]
    assert not leaks, leaks
