"""Imports say how the apps depend on each other; none hides inside a function to break a cycle.

The layers themselves are checked by `lint-imports` (pyproject.toml); an import inside a function
body would hide an edge from it, so this test finds any such import of project code.
"""

import ast
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIPPED = {"bench", "tests", "migrations", ".venv", "var"}


def _project_packages() -> set[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return set(config["tool"]["importlinter"]["root_packages"])


def _imported_modules(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        return [node.module]
    if isinstance(node, ast.ImportFrom):
        return ["."]
    return []


def _imports_inside_functions(path: Path, packages: set[str]) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            for module in _imported_modules(node):
                if module == "." or module.split(".")[0] in packages:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {module}")
    return found


def test_no_project_code_is_imported_inside_a_function_body():
    packages = _project_packages()
    sources = [
        path for path in ROOT.rglob("*.py") if not SKIPPED & set(path.relative_to(ROOT).parts)
    ]

    found = [line for path in sources for line in _imports_inside_functions(path, packages)]

    assert len(sources) > 100
    assert found == []


def test_every_app_is_named_in_the_layers_contract():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    layers = config["tool"]["importlinter"]["contracts"][0]["layers"]
    named = {app.strip() for layer in layers for app in layer.split("|")}
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")} | {"config"}

    assert named == apps == _project_packages()
