"""The graph of module-level imports between the apps' modules, and its cycles.

An import inside a function runs when the function is called, so it cannot make a module
half-initialised when another imports it; an import under `if TYPE_CHECKING:` never runs.
Every other `import`/`from ... import` of an `apps.*` module at module level (also inside a
module-level `if`/`try`) is an edge. `python -m shaodian.testing.imports` prints the cycles.
"""

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _module_level_imports(body):
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If):
            if not _is_type_checking(node):
                yield from _module_level_imports(node.body)
            yield from _module_level_imports(node.orelse)
        elif isinstance(node, ast.Try):
            for block in (node.body, node.orelse, node.finalbody, *(h.body for h in node.handlers)):
                yield from _module_level_imports(block)
        elif isinstance(node, ast.With):
            yield from _module_level_imports(node.body)


def _imported(node, package: str, modules: set[str]):
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    base = node.module or ""
    if node.level:  # relative: from .x import y
        anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
        base = ".".join([*anchor, base] if base else anchor)
    # `from apps.health import conf` imports the module apps.health.conf
    return [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]


def import_graph(package: str = "apps", root: Path = ROOT,
                 skip=("migrations", "tests")) -> dict[str, set[str]]:
    """{module: the package's modules it imports at module level}, tests and migrations
    aside."""
    files = {module_name(p, root): p for p in (root / package).rglob("*.py")
             if not set(p.relative_to(root).parts) & set(skip)}
    modules = set(files)
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        pkg = name if path.name == "__init__.py" else name.rpartition(".")[0]
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        targets = set()
        for node in _module_level_imports(tree.body):
            for target in _imported(node, pkg, modules):
                while target and target not in modules:  # apps.x.models.Person -> apps.x.models
                    target = target.rpartition(".")[0]
                if target and target != name:
                    targets.add(target)
        graph[name] = targets
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One shortest cycle through each strongly connected group of modules (Tarjan), as the
    list of modules along it; none when the imports form no loop."""
    index, low, stack, on, groups = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = set()
            while True:
                w = stack.pop()
                on.discard(w)
                group.add(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(group)

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return [_shortest_cycle(graph, group) for group in groups]


def _shortest_cycle(graph, group: set[str]) -> list[str]:
    start = min(group)
    paths, seen = [[start]], {start}
    while paths:
        path = paths.pop(0)
        for w in sorted(graph[path[-1]] & group):
            if w == start:
                return [*path, start]
            if w not in seen:
                seen.add(w)
                paths.append([*path, w])
    return [start]


def main() -> int:
    found = cycles(import_graph())
    for cycle in found:
        print(" -> ".join(cycle))
    print(f"{len(found)} import cycle(s) between the apps' modules")
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
