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
