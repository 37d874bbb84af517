"""The house, enforced: cli → interview → services → db → models; render is used by cli
only and imports nothing above the base modules; no module imports its way back to itself.

Imports inside functions count: a lazy import is a dependency all the same.
"""

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "coachcli"
LAYERS = ("cli", "interview", "services", "db", "render")
# Who may import whom. "base" is the rest: models, enums, errors, dates, clock, money,
# config, the methodology schema, files and words.
ALLOWED = {
    "cli": {"cli", "interview", "services", "db", "render", "base"},
    "interview": {"interview", "services", "base"},
    "services": {"services", "db", "base"},
    "db": {"db", "base"},
    "render": {"render", "base"},
    "base": {"base"},
}
UI_LIBRARIES = {"typer", "rich", "questionary", "prompt_toolkit", "click"}
# The only layers that may draw: the CLI, the terminal asker, the renderers.
UI_ALLOWED = {
    "cli": UI_LIBRARIES,
    "interview": {"questionary", "prompt_toolkit"},
    "render": {"rich"},
}


def layer_of(module: str) -> str:
    parts = module.split(".")
    if parts[1:2] == ["__main__"]:
        return "cli"  # `python -m coachcli` is an entry point, like the console script
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else "base"


def module_graph(root: Path) -> dict[str, set[str]]:
    """Each module of the package under `root` and the package modules it imports."""
    modules = {_name(root, path): path for path in (root / PACKAGE).rglob("*.py")}
    graph = {}
    for module, path in modules.items():
        found = set()
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            for target in _targets(node, package):
                if target in modules:
                    found.add(target)
                elif target.rpartition(".")[0] in modules:  # from pkg.mod import name
                    found.add(target.rpartition(".")[0])
        graph[module] = found - {module}
    return graph


def _name(root: Path, path: Path) -> str:
    return ".".join(path.relative_to(root).with_suffix("").parts).removesuffix(".__init__")


def _targets(node: ast.AST, package: str = "") -> list[str]:
    """What `node` imports, as absolute names: `import x`, `from x import y`, relative
    imports (`from ..render import team`) and `importlib.import_module("x")`."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        base = _absolute(node, package)
        return [f"{base}.{alias.name}" for alias in node.names]
    if isinstance(node, ast.Call) and _is_import_module(node.func) and node.args:
        first = node.args[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            return [first.value]
    return []


def _absolute(node: ast.ImportFrom, package: str) -> str:
    if node.level == 0:
        return node.module or ""
    parts = package.split(".")
    base = ".".join(parts[: len(parts) - node.level + 1])
    return f"{base}.{node.module}" if node.module else base


def _is_import_module(func: ast.AST) -> bool:
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return name in ("import_module", "__import__")


def layer_violations(root: Path) -> list[str]:
    graph = module_graph(root)
    return sorted(
        f"{module} ({layer_of(module)}) imports {target} ({layer_of(target)})"
        for module, targets in graph.items()
        for target in targets
        if layer_of(target) not in ALLOWED[layer_of(module)]
    )


def import_cycles(root: Path) -> list[list[str]]:
    """Cycles of package modules, each reported once from its smallest module name."""
    graph, cycles = module_graph(root), []

    def visit(start: str, module: str, path: list[str]) -> None:
        for target in sorted(graph.get(module, ())):
            if target == start:
                cycles.append([*path, start])
            elif target not in path and target > start:
                visit(start, target, [*path, target])

    for start in sorted(graph):
        visit(start, start, [start])
    return cycles


def ui_imports(root: Path) -> list[str]:
    """UI libraries imported where nothing is drawn: models, db, services, base."""
    found = set()
    for path in (root / PACKAGE).rglob("*.py"):
        module = _name(root, path)
        allowed = UI_ALLOWED.get(layer_of(module), set())
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            for target in _targets(node):
                library = target.split(".")[0]
                if library in UI_LIBRARIES and library not in allowed:
                    found.add(f"{module} imports {library}")
    return sorted(found)


def test_no_layer_imports_one_above_it():
    assert layer_violations(SRC) == []


def test_no_import_cycles():
    assert import_cycles(SRC) == []


def test_only_cli_interview_and_render_import_ui_libraries():
    assert ui_imports(SRC) == []


def write(root: Path, module: str, text: str) -> None:
    path = root / Path(*module.split(".")).with_suffix(".py")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_the_checks_catch_what_they_are_for(tmp_path):
    write(tmp_path, "coachcli.__init__", "")
    write(tmp_path, "coachcli.services.__init__", "")
    write(tmp_path, "coachcli.render.__init__", "")
    write(tmp_path, "coachcli.services.export", "def f():\n    from coachcli.render import md\n")
    write(tmp_path, "coachcli.render.md", "import rich\n")
    write(tmp_path, "coachcli.services.a", "from coachcli.services import b\nimport typer\n")
    write(tmp_path, "coachcli.services.b", "def g():\n    from coachcli.services.a import x\n")
    write(tmp_path, "coachcli.services.c", "from ..render import md\n")
    write(
        tmp_path,
        "coachcli.services.d",
        "import importlib\nimportlib.import_module('coachcli.cli')\n",
    )
    write(tmp_path, "coachcli.cli.__init__", "")
    write(tmp_path, "coachcli.models", "import rich\n")
    assert layer_violations(tmp_path) == [
        "coachcli.services.c (services) imports coachcli.render.md (render)",
        "coachcli.services.d (services) imports coachcli.cli (cli)",
        "coachcli.services.export (services) imports coachcli.render.md (render)",
    ]
    assert import_cycles(tmp_path) == [
        ["coachcli.services.a", "coachcli.services.b", "coachcli.services.a"]
    ]
    assert ui_imports(tmp_path) == [
        "coachcli.models imports rich",
        "coachcli.services.a imports typer",
    ]
