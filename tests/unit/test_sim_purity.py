"""bot/domain and bot/sim are pure: stdlib and pydantic, nothing asynchronous, no I/O, no clock,
no uuid4, no global random."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PURE_FILES = sorted((ROOT / "bot" / "domain").rglob("*.py")) + sorted(
    (ROOT / "bot" / "sim").rglob("*.py")
)
ALLOWED_PACKAGES = {"pydantic", "pydantic_core", "typing_extensions"}
# Stdlib modules that would bring concurrency or I/O into pure code.
FORBIDDEN_STDLIB = {
    "asyncio",
    "concurrent",
    "threading",
    "multiprocessing",
    "subprocess",
    "socket",
    "sqlite3",
    "urllib",
    "http",
}
ASYNC_NODES = (ast.AsyncFunctionDef, ast.Await, ast.AsyncWith, ast.AsyncFor)
FORBIDDEN_CALLS = {"now", "utcnow", "today", "time", "perf_counter", "monotonic", "uuid1", "uuid4"}


def _imports(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", PURE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_pure_code_imports_only_stdlib_pydantic_and_pure_packages(path: Path) -> None:
    for name in _imports(ast.parse(path.read_text())):
        top = name.split(".")[0]
        if top == "bot":
            assert name.startswith(("bot.domain", "bot.sim")), f"{path.name} imports {name}"
        else:
            allowed = top in sys.stdlib_module_names or top in ALLOWED_PACKAGES
            assert allowed, f"{path.name} imports {name}"
            assert top not in FORBIDDEN_STDLIB, f"{path.name} imports {name}"


@pytest.mark.parametrize("path", PURE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_pure_code_is_synchronous(path: Path) -> None:
    for node in ast.walk(ast.parse(path.read_text())):
        kind = type(node).__name__
        assert not isinstance(node, ASYNC_NODES), f"{path.name}:{node.lineno} has {kind}"


@pytest.mark.parametrize("path", PURE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_pure_code_reads_no_clock_and_draws_no_unseeded_randomness(path: Path) -> None:
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        attr, owner = node.func.attr, node.func.value
        assert attr not in FORBIDDEN_CALLS, f"{path.name}:{node.lineno} calls {attr}()"
        if isinstance(owner, ast.Name) and owner.id == "random":
            assert attr == "Random", f"{path.name}:{node.lineno} uses the global random"


def test_the_purity_check_would_catch_a_discord_import() -> None:
    tree = ast.parse("import discord\nfrom sqlalchemy import select\n")
    assert {"discord", "sqlalchemy"} <= _imports(tree)
    assert "discord" not in sys.stdlib_module_names


def test_the_purity_check_would_catch_async_code_and_io_modules() -> None:
    tree = ast.parse("import asyncio\nasync def f():\n    await g()\n")
    assert "asyncio" in _imports(tree) and "asyncio" in FORBIDDEN_STDLIB
    assert any(isinstance(node, ASYNC_NODES) for node in ast.walk(tree))
