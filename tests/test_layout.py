"""The package's layout: subpackages by concern, imports that run one way, no cycles.

Layers, lowest first: the base modules (version, exceptions, files, YAML reading), ``sources``,
``stats``, ``reports``, then ``runs`` and ``review`` on top, and the command line above all. A module
may import from its own layer or a lower one, never a higher one; every import counts, including
those made inside functions to defer a slow import. Notebooks use the public API and never import
the running machinery.
"""

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

import upr_lab

PACKAGE = Path(upr_lab.__file__).resolve().parent
ROOT = PACKAGE.parent
LAYERS = {"upr_lab.sources": 1, "upr_lab.sources.remote": 1, "upr_lab.stats": 2, "upr_lab.reports": 3, "upr_lab.runs": 4,
          "upr_lab.review": 5, "upr_lab.cli": 6, "upr_lab": 6}
BASE = ("upr_lab.version", "upr_lab.exceptions", "upr_lab.files", "upr_lab.yamlfile", "upr_lab._lazy",
        "upr_lab.limits")
RUNNING = ("upr_lab.runs", "upr_lab.cli")
MAX_MODULES = 15
NETWORK = ("requests", "httpx", "urllib3", "urllib.request", "http.client", "socket", "ftplib", "aiohttp")
REMOTE = "upr_lab.sources.remote"  # the only subpackage that touches the network (downloads into the cache)
# The fork server passes a connected pair of Unix sockets to each computation it forks, and a batch lends its server
# to its kernels through a Unix socket at a path in a folder only its user can enter (asking the peer's process id):
# channels between processes of this machine, never a network address (no AF_INET); the test below checks it uses
# nothing else of ``socket``.
LOCAL_SOCKETS = "upr_lab.stats.processes.forkserver"
LOCAL_SOCKET_CALLS = {"socketpair", "send_fds", "recv_fds", "socket", "AF_UNIX", "SOCK_STREAM", "SOL_SOCKET",
                      "SO_PEERCRED"}


def module_name(path):
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def is_package(name):
    return MODULES[name].name == "__init__.py"


def layer(name):
    if name in BASE:
        return 0
    prefix = max((p for p in LAYERS if name == p or name.startswith(p + ".")), key=len)  # the innermost
    return LAYERS[prefix]


def imported(name, tree):
    """Every upr_lab module that ``tree`` (the code of module ``name``) imports, wherever the import stands."""
    package = name if is_package(name) else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([node.module] if node.module else []))
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base)
    return {m for m in found if m == "upr_lab" or m.startswith("upr_lab.")}


def graph():
    return {name: imported(name, ast.parse(path.read_text(encoding="utf-8"))) for name, path in MODULES.items()}


def test_every_import_runs_down_the_layers():
    upward = [f"{source} (layer {layer(source)}) imports {target} (layer {layer(target)})"
              for source, targets in graph().items() for target in sorted(targets) if layer(target) > layer(source)]
    assert upward == []


def test_only_the_remote_subpackage_touches_the_network():
    """Analyses, loaders, ``verify`` and the tests' code paths run offline: only ``sources.remote`` (what
    ``upr-lab data download`` runs) imports a network client."""
    reaching = []
    for name, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else []
            reaching += [f"{name} imports {n}" for n in names if n.startswith(NETWORK) and not
                         (name == REMOTE or name.startswith(REMOTE + ".") or (name, n) == (LOCAL_SOCKETS, "socket"))]
    assert reaching == []
    tree = ast.parse(MODULES[LOCAL_SOCKETS].read_text(encoding="utf-8"))
    used = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name) and node.value.id == "socket"}
    assert used <= LOCAL_SOCKET_CALLS, f"{LOCAL_SOCKETS} uses socket.{sorted(used - LOCAL_SOCKET_CALLS)}"
    assert "upr_lab.sources.remote.http" in MODULES


def test_no_import_cycles():
    edges, state, cycles = graph(), {}, []

    def visit(node, path):
        state[node] = "open"
        for target in sorted(edges.get(node, ())):
            if state.get(target) == "open":
                cycles.append(" -> ".join(path[path.index(target):] + [target]))
            elif target not in state:
                visit(target, path + [target])
        state[node] = "done"

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    assert cycles == []


def test_modules_import_concrete_modules_not_the_public_faces():
    """Package ``__init__`` files are the public API for users and notebooks; inside the package an
    import names the module that holds the code, so the graph above sees every real dependency."""
    through_faces = [f"{source} imports {target}" for source, targets in graph().items()
                     for target in sorted(targets) if is_package(target)]
    assert through_faces == []


def test_no_folder_holds_more_than_about_fifteen_modules():
    folders = {}
    for path in MODULES.values():
        if path.name != "__init__.py":
            folders.setdefault(path.parent.relative_to(ROOT).as_posix(), []).append(path.name)
    crowded = {folder: len(names) for folder, names in folders.items() if len(names) > MAX_MODULES}
    assert crowded == {}


@pytest.mark.parametrize("package", sorted(name for name in MODULES if is_package(name)))
def test_every_public_name_resolves(package):
    module = __import__(package, fromlist=["__all__"])
    for name in getattr(module, "__all__", ()):
        assert getattr(module, name) is not None, f"{package}.{name}"
        assert name in dir(module)


def notebook_imports(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    return {node.module for node in ast.walk(ast.parse(code)) if isinstance(node, ast.ImportFrom)} | {
        alias.name for node in ast.walk(ast.parse(code)) if isinstance(node, ast.Import) for alias in node.names}


NOTEBOOKS = sorted([*(ROOT / "notebooks").glob("*.ipynb"), *(ROOT / "validation").glob("*.ipynb")])


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_use_the_public_api(notebook):
    """Notebooks import from ``upr_lab`` itself, so that moving a module never breaks them."""
    assert {m for m in notebook_imports(notebook) if m and m.startswith("upr_lab")} <= {"upr_lab"}


def test_what_a_notebook_imports_leaves_the_running_machinery_alone(tmp_path):
    """A notebook's imports and a whole analysis setup load no module of ``runs`` (nor the CLI)."""
    names = sorted({alias for path in NOTEBOOKS for alias in _public_names_used(path)})
    script = (f"import sys\nfrom upr_lab import {', '.join(names)}\n"
              f"a = open_analysis('compliance_trends', 'NOR', data='synthetic', out_dir={str(tmp_path)!r})\n"
              "print('\\n'.join(sorted(m for m in sys.modules if m.startswith('upr_lab'))))")
    loaded = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.split()
    assert "upr_lab.reports.analysis" in loaded
    assert [m for m in loaded if m.startswith(RUNNING)] == []


def _public_names_used(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    tree = ast.parse("\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code"))
    return {alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module == "upr_lab"
            for alias in node.names} | {"open_analysis"}


def test_the_test_files_the_scheduler_names_exist():
    from conftest import LONGEST_FIRST, SAME_WORKER

    named = [*LONGEST_FIRST, *SAME_WORKER, *SAME_WORKER.values()]
    assert [path for path in named if not (ROOT / path).is_file()] == [], "a renamed test file: update conftest.py"
