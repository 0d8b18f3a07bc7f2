"""Mutation testing of the evidence-critical modules with mutmut 3 (`make mutation`).

Each group in scripts/mutation.toml runs in its own scratch copy (build/mutation/<group>)
with a [tool.mutmut] section naming its modules and its few fast tests, so a group is
feasible on two shared cores. Survivors are matched against scripts/mutation_equivalent.toml
(mutants shown to be equivalent, each with a reason); the rest are listed with their diff
in reports/mutation.txt, with a score per group.

    python scripts/mutation.py [GROUP ...] [--jobs N] [--report PATH] [--fresh]

A second run of a group whose modules have not changed re-tests only the mutants not yet
killed (new tests can only kill more); ``--fresh``, or a changed module, starts over.
"""
from __future__ import annotations

import argparse
import contextlib
import difflib
import fnmatch
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# A timeout is not counted as a kill: on a loaded machine an equivalent mutant can time out.
KILLED = {"killed", "caught by type check", "segfault"}
UNTRIED = {"not checked", "check was interrupted by user"}  # a run stopped early


def _toml_list(values: list[str]) -> str:
    return "[" + ", ".join(json.dumps(v) for v in values) + "]"


def fingerprint(group: dict) -> str:
    """What the mutants are made from: the group's settings and its modules' source."""
    h = hashlib.sha256(json.dumps(group, sort_keys=True).encode())
    for m in group["modules"]:
        h.update((ROOT / m).read_bytes())
    return h.hexdigest()


def prepare(group: dict, work: Path, fresh: bool) -> bool:
    """A scratch copy of the package, its tests and templates, configured for mutmut.
    Keeps the previous results (returns True) when the mutated modules are unchanged."""
    mark = work / "fingerprint"
    keep = not fresh and mark.exists() and mark.read_text() == fingerprint(group)
    if not keep:
        shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True, exist_ok=True)
    skip = shutil.ignore_patterns("__pycache__", "*.pyc", "artifacts")
    for name in ("supervision_kit", "tests", "templates"):
        shutil.copytree(ROOT / name, work / name, ignore=skip, dirs_exist_ok=True)
    if keep and (work / "mutants").exists():  # mutmut does not refresh its own copy of tests
        shutil.copytree(ROOT / "tests", work / "mutants" / "tests", ignore=skip,
                        dirs_exist_ok=True)
    config = (ROOT / "pyproject.toml").read_text()
    config += ("\n[tool.mutmut]\n"
               'source_paths = ["supervision_kit"]\n'
               f"only_mutate = {_toml_list(group['modules'])}\n"
               'also_copy = ["templates"]\n'
               f"pytest_add_cli_args_test_selection = {_toml_list(group['tests'])}\n"
               'pytest_add_cli_args = ["-p", "no:cacheprovider", "-x", "-q"]\n'
               "use_git_change_detection = false\n")
    (work / "pyproject.toml").write_text(config)
    mark.write_text(fingerprint(group))
    return keep


def mutmut(work: Path, *args: str, log=None, timeout=None, pg_port=None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # the copy, not the tree
    env["CI"] = ""  # without PostgreSQL its tests skip: no need to fail for want of it
    if pg_port:  # one server for every mutant's run (tests/fixtures_pg.py attaches to it)
        env["SUPERVISION_KIT_TEST_PG_PORT"] = str(pg_port)
    return subprocess.run([sys.executable, "-m", "mutmut", *args], cwd=work, env=env,
                          text=True, stdout=log or subprocess.PIPE,
                          stderr=subprocess.STDOUT, timeout=timeout)


def results(work: Path, patterns: list[str]) -> dict[str, str]:
    """mutant name -> status, for the mutants of this group."""
    out = mutmut(work, "results", "--all", "true").stdout
    found = {}
    for line in out.splitlines():
        name, _, status = line.strip().rpartition(": ")
        if name and any(fnmatch.fnmatchcase(name, p) for p in patterns):
            found[name] = status
    return found


def _function(lines: list[str], name: str) -> list[str]:
    """The lines of function ``name`` (top level or in a class) in mutmut's mutated source."""
    start = next(i for i, line in enumerate(lines) if line.lstrip().startswith(f"def {name}("))
    indent = len(lines[start]) - len(lines[start].lstrip())
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or lines[end][indent:indent + 1].isspace()
                                or lines[end].lstrip().startswith(")")):
        end += 1
    return [line[indent:] for line in lines[start:end]]


def diff(work: Path, name: str, _files: dict = {}) -> str:
    """A mutant's changed lines, read from mutmut's mutated copy of the module (as
    ``mutmut show`` would print them, without starting a process per mutant)."""
    module, _, func = name.rpartition(".")
    path = work / "mutants" / (module.replace(".", "/") + ".py")
    try:
        if path not in _files:
            _files[path] = path.read_text().splitlines()
        lines = _files[path]
        base = func.rsplit("__mutmut_", 1)[0] + "__mutmut_orig"
        orig, mutant = _function(lines, base), _function(lines, func)
        orig[0] = orig[0].replace(base, func)  # the name is not the mutation
        return "\n".join(x for x in difflib.unified_diff(orig, mutant, lineterm="", n=0)
                         if x[:1] in "-+" and not x.startswith(("---", "+++")))
    except (OSError, StopIteration):  # fall back on mutmut's own view
        text = mutmut(work, "show", name).stdout
        return "\n".join(line for line in text.splitlines()
                         if line[:1] in "-+" and not line.startswith(("---", "+++")))


@contextlib.contextmanager
def postgres(wanted: bool):
    """The port of a throwaway PostgreSQL server for a group whose tests use one (None when
    not wanted or not installed: those tests then skip and their mutants show as survivors)."""
    if not wanted:
        yield None
        return
    sys.path.insert(0, str(ROOT))
    from supervision_kit.testing.pgserver import PgUnavailable, start_server
    try:
        server = start_server()
    except PgUnavailable as e:
        print(f"mutation: PostgreSQL tests skipped ({e})", flush=True)
        yield None
        return
    try:
        yield server.port
    finally:
        server.stop()


def run_group(group: dict, jobs: int, equivalent: dict[str, str], fresh: bool,
              survivors_only: bool = False) -> dict:
    work = ROOT / "build" / "mutation" / group["name"]
    kept = prepare(group, work, fresh)
    started = time.monotonic()
    names = group["mutants"]
    if kept:  # only what is not killed yet; named mutants are always re-run by mutmut
        skip = KILLED | (UNTRIED if survivors_only else set())
        names = [n for n, s in results(work, names).items()
                 if s not in skip and n not in equivalent]
    with open(work / "run.log", "w") as log, postgres(group.get("postgres", False)) as port:
        proc = mutmut(work, "run", "--max-children", str(jobs), *names, log=log,
                      pg_port=port) if names else subprocess.CompletedProcess([], 0)
    minutes = (time.monotonic() - started) / 60
    if kept and (work / "last_run.json").exists():  # the time of every run so far
        minutes += json.loads((work / "last_run.json").read_text())["minutes"]
    (work / "last_run.json").write_text(json.dumps({"minutes": minutes, "exit": proc.returncode}))
    return collect(group, work, equivalent)


def collect(group: dict, work: Path, equivalent: dict[str, str]) -> dict | None:
    """The group's results as they stand in its scratch copy (None if it never ran)."""
    if not (work / "last_run.json").exists():
        return None
    last = json.loads((work / "last_run.json").read_text())
    status = results(work, group["mutants"])
    survivors = {n: diff(work, n) for n, s in sorted(status.items())
                 if s not in KILLED and s not in UNTRIED}
    return dict(name=group["name"], about=group["about"], exit=last["exit"],
                minutes=last["minutes"], status=status, survivors=survivors,
                equivalent={n: equivalent[n] for n in survivors if n in equivalent})


def score_lines(r: dict) -> list[str]:
    head = f"== {r['name']}: {r['about']}"
    if not r["status"]:
        return [head, f"   NO RESULTS (mutmut exit {r['exit']}): see build/mutation/{r['name']}/run.log"]
    killed = sum(s in KILLED for s in r["status"].values())
    timeouts = sum(s == "timeout" for s in r["status"].values())
    untried = sum(s in UNTRIED for s in r["status"].values())
    equivalent = len(r["equivalent"])
    real = len(r["survivors"]) - equivalent
    pct = 100 * killed / (killed + real) if killed + real else 100.0
    lines = [head, f"   {len(r['status'])} mutants, {killed} killed, {equivalent} equivalent, "
                   f"{real} surviving (of which {timeouts} timed out); score {pct:.1f}% of "
                   f"non-equivalent mutants killed ({r['minutes']:.1f} min, mutmut exit {r['exit']})"]
    if untried:
        lines.append(f"   PARTIAL: {untried} mutants not tried (the run was stopped early)")
    return lines


def earlier(text: str) -> dict[str, dict[str, list[str]]]:
    """An earlier report's lines per group: its score lines ("score") and its survivor and
    equivalent listings ("detail"), so a run of some groups keeps the others' results."""
    out: dict[str, dict[str, list[str]]] = {}
    cur: list[str] | None = None
    for line in text.splitlines():
        if line.startswith(("== ", "---- ")):
            head, _, _ = line.partition(":")
            name = head.split(" ", 1)[1]
            part = out.setdefault(name, {"score": [], "detail": []})
            cur = part["score"] if line.startswith("==") else part["detail"]
            while cur and not cur[-1]:
                cur.pop()
            if line.startswith("----"):
                cur.append("")
        elif line.startswith("Not run") or (not line and cur and cur[0].startswith("==")):
            cur = None  # score lines end at a blank line
            continue
        if cur is not None:
            cur.append(line)
    for g in out.values():  # no trailing blank lines
        for k in g:
            while g[k] and not g[k][-1]:
                g[k].pop()
    return out


def report(runs: list[dict], skipped: list[str], before: str = "") -> str:
    kept = {n: b for n, b in earlier(before).items() if n in skipped and b["score"]}
    lines = ["Mutation testing (mutmut 3) of the evidence-critical modules", ""]
    for n in [r["name"] for r in runs] + list(kept):
        r = next((r for r in runs if r["name"] == n), None)
        if r:
            lines += score_lines(r)
        else:
            lines += [x for x in kept[n]["score"] if "(earlier run" not in x]
            lines.append("   (earlier run, not re-run this time)")
    if [n for n in skipped if n not in kept]:
        lines += ["", "Not run yet: " + ", ".join(n for n in skipped if n not in kept)]
    for r in runs:
        real = {n: d for n, d in r["survivors"].items() if n not in r["equivalent"]}
        lines += ["", f"---- {r['name']}: surviving mutants ({len(real)})"]
        for n, d in real.items():
            lines += [f"{n}: {r['status'][n]}", *("    " + x for x in d.splitlines())]
        lines += ["", f"---- {r['name']}: equivalent mutants ({len(r['equivalent'])})"]
        for n, why in r["equivalent"].items():
            lines += [f"{n}: {why}", *("    " + x for x in r["survivors"][n].splitlines())]
    for b in kept.values():
        lines += b["detail"]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("groups", nargs="*", help="groups to run (default: all, in order)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--report", type=Path, default=ROOT / "reports" / "mutation.txt")
    ap.add_argument("--fresh", action="store_true", help="forget earlier results")
    ap.add_argument("--survivors-only", action="store_true",
                    help="re-test only the surviving mutants of an earlier run, not the untried")
    ap.add_argument("--report-only", action="store_true",
                    help="report the results already in build/mutation without running")
    args = ap.parse_args(argv)
    groups = tomllib.loads((ROOT / "scripts" / "mutation.toml").read_text())["group"]
    equivalent = tomllib.loads((ROOT / "scripts" / "mutation_equivalent.toml").read_text())
    equivalent = {n: why for g in equivalent.values() for n, why in g.items()}
    names = [g["name"] for g in groups]
    unknown = set(args.groups) - set(names)
    if unknown:
        ap.error(f"unknown group {', '.join(sorted(unknown))}; choose from {', '.join(names)}")
    chosen = [g for g in groups if not args.groups or g["name"] in args.groups]
    runs = []
    for g in chosen:
        if args.report_only:
            r = collect(g, ROOT / "build" / "mutation" / g["name"], equivalent)
            runs += [r] if r else []
            continue
        print(f"mutation: {g['name']} ...", flush=True)
        runs.append(run_group(g, args.jobs, equivalent, args.fresh, args.survivors_only))
        print("\n".join(score_lines(runs[-1])), flush=True)
    before = args.report.read_text() if args.report.exists() else ""
    text = report(runs, [n for n in names if n not in {r["name"] for r in runs}], before)
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
