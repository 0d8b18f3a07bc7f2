"""The project's own files: dependencies listed once for pip and conda, CLI wiring."""
import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _name(req: str) -> str:
    return re.split(r"[\[<>=!~ ;]", req.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_name(r) for r in project["dependencies"] + project["optional-dependencies"]["test"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    listed = {_name(r) for r in pip if not r.startswith("-e")}
    assert listed == wanted


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    assert "make test" in readme.split("\n## ")[0]
    assert "make app" in readme.split("\n## ")[0]
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def _one_line_error(capsys, argv, *words):
    from supervision_kit.cli.main import main
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "Traceback" not in err, err
    for w in words:
        assert w in err, err
    return err


def test_cli_core_commands_and_user_mistakes_in_one_line(tmp_path, capsys):
    from supervision_kit.cli.main import main
    db, out = tmp_path / "demo.sqlite", tmp_path / "dataset.json"
    assert main(["demo", "--db", str(db)]) == 0
    assert main(["export", str(out), "--db", str(db), "--as-user", "admin"]) == 0
    assert main(["verify", "--db", str(db), "--as-user", "auditor"]) == 0
    capsys.readouterr()
    # A fresh store imports the export; a spoiled copy imports nothing into another.
    fresh = tmp_path / "fresh.sqlite"
    assert main(["import", str(out), "--db", str(fresh)]) == 0
    spoiled = out.read_text().replace('"child protection plan"', '"on a plan"', 1)
    (tmp_path / "bad.json").write_text(spoiled)
    empty = tmp_path / "empty.sqlite"
    _one_line_error(capsys, ["import", str(tmp_path / "bad.json"), "--db", str(empty)],
                    "status", "on a plan")
    assert main(["export", str(tmp_path / "none.json"), "--db", str(empty)]) == 0
    assert '"sessions": []' in (tmp_path / "none.json").read_text().replace("\n", "")
    capsys.readouterr()
    _one_line_error(capsys, ["verify", "--db", str(db), "--as-user", "nobody"], "unknown user")
    _one_line_error(capsys, ["export", str(out), "--db", str(db), "--as-user", "researcher"],
                    "may not")
    _one_line_error(capsys, ["import", str(tmp_path / "missing.json"), "--db", str(db)],
                    "missing.json")
    (tmp_path / "notes.txt").write_text("not a database")
    _one_line_error(capsys, ["verify", "--db", str(tmp_path / "notes.txt")],
                    "cannot use the database", "notes.txt")
    _one_line_error(capsys, ["verify", "--db", str(tmp_path)], "cannot use the database")
    _one_line_error(capsys, ["verify", "--db", "postgresql://someone:pw@127.0.0.1:1/none"],
                    "cannot use the database", "someone:***@")


# -- layers (docs/ARCHITECTURE.md "Import rules") -----------------------------------------
# Each package of supervision_kit and the packages it may import (besides itself, the
# standard library and third-party packages). Lazy imports inside functions count too.
# io.paths (safe file names) and io.safe_csv (CSV that a spreadsheet cannot run) are leaf
# helpers over the standard library that any layer may use.
BASE = {"errors", "domain", "io.paths", "io.safe_csv"}
MAY_IMPORT = {
    "errors": set(),
    "domain": {"errors"},
    "config": {"errors"},
    "catalog": BASE,
    "store": BASE | {"config"},
    "rules": BASE | {"catalog", "store.frames"},  # the frames' type, never a connection
    "analytics": BASE,
    "notify": BASE,  # e-mail digests and SMTP: a leaf like domain
    "training": BASE | {"catalog", "analytics"},
    "io": BASE | {"store", "catalog"},
    "export": BASE | {"config", "store", "rules", "catalog", "analytics", "training", "version"},
    "demo": BASE | {"store", "io", "training", "catalog"},
    "facade": BASE | {"config", "store", "rules", "catalog", "analytics", "training", "export",
                      "io", "demo", "notify"},
    "widgets": BASE | {"analytics", "training", "facade"},
    "apps": BASE | {"config", "analytics", "widgets", "facade"},
    "cli": BASE | {"config", "facade", "serve", "hub", "notify"},
    "serve": BASE | {"config", "serving"},
    "serving": BASE | {"config", "serve"},  # the Voilà behind serve and each hub user's server
    "hub": BASE | {"config", "facade"},
    "testing": BASE | {"config", "store", "facade"},
}
# Above the facade only its package is imported, never one of its modules.
ABOVE_FACADE = {"widgets", "apps", "cli", "serve", "serving", "hub", "testing"}


def _imports(path: Path, module: str, root: Path):
    """(line, imported module) of every supervision_kit import in a file, lazy ones included;
    ``from a import b`` counts as importing ``a.b`` when ``b`` is a module."""
    import ast

    def is_module(dotted: str) -> bool:
        rel = Path(*dotted.split(".")[1:])
        return (root / rel).with_suffix(".py").exists() or (root / rel / "__init__.py").exists()
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, a.name) for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")[:len(package.split(".")) - node.level + 1]
                target = ".".join(parts + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for a in node.names:
                yield node.lineno, (f"{target}.{a.name}" if is_module(f"{target}.{a.name}")
                                    else target)


def layer_violations(root: Path = ROOT / "supervision_kit") -> list[str]:
    """Every import that crosses a layer the wrong way, as "file:line: a -> b"."""
    bad = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root.parent)
        if "migrations" in rel.parts or len(rel.parts) < 2:
            continue
        module = ".".join(rel.with_suffix("").parts).removesuffix(".__init__")
        layer = rel.parts[1].removesuffix(".py")
        if layer == "__init__":
            continue
        for line, target in _imports(path, module, root):
            parts = target.split(".")
            if parts[0] != "supervision_kit" or len(parts) < 2:
                continue
            other = parts[1]
            if other == "__version__":
                other = "version"
            if other == layer:
                continue
            allowed = MAY_IMPORT[layer]
            if other not in allowed and ".".join(parts[1:3]) not in allowed or (
                    layer in ABOVE_FACADE and other == "facade" and len(parts) > 2):
                bad.append(f"{rel}:{line}: {layer} -> {target}")
    return bad


def test_every_package_is_listed_in_the_layer_rules():
    root = ROOT / "supervision_kit"
    found = {p.name.removesuffix(".py") for p in root.iterdir()
             if (p.is_dir() and (p / "__init__.py").exists()) or p.suffix == ".py"}
    assert found - {"__init__"} <= set(MAY_IMPORT), found - set(MAY_IMPORT)


def test_imports_follow_the_layers():
    assert layer_violations() == []


def test_the_layer_check_catches_a_wrong_way_import(tmp_path):
    # A copy of two packages with one forbidden lazy import: the check must name it.
    import shutil
    root = tmp_path / "supervision_kit"
    shutil.copytree(ROOT / "supervision_kit" / "domain", root / "domain")
    (root / "__init__.py").write_text("")
    (root / "domain" / "sneaky.py").write_text(
        "def f():\n    from ..widgets.common import esc\n    return esc\n")
    assert layer_violations(root) == ["supervision_kit/domain/sneaky.py:2: "
                                      "domain -> supervision_kit.widgets.common"]


QUERY_BUILDERS = {"select", "insert", "update", "delete", "and_", "or_", "text", "func",
                  "tables", "schema"}


def sql_in_facade(root: Path = ROOT / "supervision_kit") -> list[str]:
    """Facade lines that build SQL themselves: queries belong in named store functions."""
    import ast
    bad = []
    for path in sorted((root / "facade").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                names = {a.name for a in node.names}
                mod = node.module or ""
                if (mod.startswith("sqlalchemy") or mod.endswith("store")
                        or mod.startswith("store")) and names & QUERY_BUILDERS:
                    bad.append(f"{path.name}:{node.lineno}: imports {sorted(names & QUERY_BUILDERS)}")
                elif mod.endswith(("store.tables", "store.schema")):
                    bad.append(f"{path.name}:{node.lineno}: imports {mod}")
    return bad


def test_facade_services_leave_queries_to_the_store(tmp_path):
    assert sql_in_facade() == []
    # The check names a service that builds its own query.
    (tmp_path / "facade").mkdir()
    (tmp_path / "facade" / "sneaky.py").write_text(
        "from sqlalchemy import select\nfrom ..store import tables\n")
    assert sql_in_facade(tmp_path) == ["sneaky.py:1: imports ['select']",
                                       "sneaky.py:2: imports ['tables']"]
