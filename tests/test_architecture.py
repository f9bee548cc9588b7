"""House rules, kept by the suite (`make test` runs this file like any other):

- the import contracts in pyproject.toml ([tool.importlinter]), checked by import-linter:
  apps.core imports no other app (in functions neither); the pure rules (apps.policy.engine,
  apps.gate.verdict, apps.testing.planner) import no Django;
- no import cycle between the apps' modules at module level, nor between the apps
  themselves (shaodian/testing/imports.py builds the graph; an import inside a function is
  not an edge, so a service may still enqueue its task with a local import);
- no module in apps/ over 600 lines and no function over 60, unless the line right above its
  `def` (or its first decorator) is a comment starting `# long:` that says why.
"""

import ast
import subprocess
import sys
from pathlib import Path

from shaodian.testing.imports import ROOT, cycles, import_graph

MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 60


def test_it_keeps_the_import_contracts():
    lint = Path(sys.executable).parent / "lint-imports"
    done = subprocess.run(  # noqa: S603 (our own console script, fixed arguments)
        [str(lint), str(ROOT / "pyproject.toml"), "--no-cache"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_no_module_of_the_apps_imports_itself_in_a_loop():
    found = cycles(import_graph())
    assert not found, "import cycles at module level:\n" + "\n".join(
        " -> ".join(cycle) for cycle in found)


def test_no_app_imports_itself_in_a_loop():
    by_app: dict[str, set[str]] = {}
    for module, imported in import_graph().items():
        app = ".".join(module.split(".")[:2])
        by_app.setdefault(app, set()).update(
            ".".join(m.split(".")[:2]) for m in imported)
    for app, imported in by_app.items():
        imported.discard(app)
    found = cycles(by_app)
    assert not found, "import cycles between apps (module level):\n" + "\n".join(
        " -> ".join(cycle) for cycle in found)


def _sources():
    for path in sorted((ROOT / "apps").rglob("*.py")):
        if not {"migrations", "tests"} & set(path.relative_to(ROOT).parts):
            yield path, path.read_text(encoding="utf-8")


def test_no_module_of_the_apps_is_over_600_lines():
    offenders = [f"{path.relative_to(ROOT)}: {len(text.splitlines())} lines"
                 for path, text in _sources() if len(text.splitlines()) > MAX_MODULE_LINES]
    assert not offenders, (f"modules over {MAX_MODULE_LINES} lines (split them):\n"
                           + "\n".join(offenders))


def _excused(lines: list[str], node) -> bool:
    first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
    above = {lines[n - 2].strip() for n in (node.lineno, first) if n >= 2}
    return any(line.startswith("# long:") for line in above)


def test_no_function_of_the_apps_is_over_60_lines_unless_it_says_why():
    offenders = []
    for path, text in _sources():
        lines = text.splitlines()
        for node in ast.walk(ast.parse(text, str(path))):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            length = node.end_lineno - node.lineno + 1
            if length > MAX_FUNCTION_LINES and not _excused(lines, node):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}: "
                                 f"{length} lines")
    assert not offenders, (
        f"functions over {MAX_FUNCTION_LINES} lines (split them, or say why in a "
        "`# long: ...` comment right above the def):\n" + "\n".join(offenders))


def test_the_cycle_finder_counts_module_level_imports_only(tmp_path):
    package = tmp_path / "apps"
    (package / "a").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "a" / "__init__.py").write_text("")
    (package / "a" / "services.py").write_text(
        "def enqueue():\n    from apps.a import tasks\n")
    (package / "a" / "tasks.py").write_text("from apps.a.services import enqueue\n")
    (package / "a" / "models.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from apps.a import views\n")
    (package / "a" / "views.py").write_text("from apps.a import models\n")
    assert cycles(import_graph(root=tmp_path)) == []
    (package / "a" / "models.py").write_text("from . import views\n")
    assert cycles(import_graph(root=tmp_path)) == [["apps.a.models", "apps.a.views",
                                                    "apps.a.models"]]
