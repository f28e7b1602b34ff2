#!/usr/bin/env python3
"""Differential test: `floe dbt compile` / `floe dbt ls` against dbt-core on test projects.

    run.py FLOE [PROJECT ...]            compare floe with dbt (exit 1 on any unknown failure)
    run.py --write-known-gaps FLOE [PROJECT ...]
                                         rewrite the known_gaps.txt entries of those projects

Project layout (projects/<name>/ next to this file, every directory with a dbt_project.yml):

    dbt_project.yml, profiles.yml   a dbt project; the profile is duckdb with `path: peer.duckdb`
    selectors.txt                   one line of `dbt ls` arguments per line (shlex syntax); blank
                                    lines and lines starting with `#` are ignored
    peer_args.txt                   optional: one line of extra arguments for compile and ls
    peer_env.txt                    optional: KEY=VALUE lines, environment for both tools
    packages.yml                    optional: `dbt deps` runs first in dbt's copy (local packages
                                    only); floe resolves `local:` packages itself

Each project is copied twice into a temporary directory (dbt/ and floe/, without target/, logs/
and peer.duckdb). dbt runs in one Python process (dbtRunner): deps (if packages.yml), `compile
--profiles-dir . ARGS`, then `ls --profiles-dir . ARGS LINE` for every selector line. floe runs
`FLOE dbt compile --profiles-dir . ARGS` and `FLOE dbt ls --profiles-dir . ARGS LINE` (stdout
lines are the result). target/manifest.json and target/compiled/ are snapshotted right after
compile on both sides (ls rewrites target/manifest.json without compiled code).

Checks, one per item, each with a stable id:

    compile                  floe's compile exits 0
    nodes                    unique ids of nodes, sources, exposures, metrics, semantic_models,
                             unit_tests, saved_queries, groups, functions and disabled
    manifest-schema          floe's manifest validates against SPEC_DIR/dbt-manifest-v12.json
                             (errors that dbt's own manifest has too are tolerated)
    parent_map, child_map    equal as dicts of sorted lists
    fields <unique_id>       resource_type, name, fqn, alias, schema, relation_name, checksum,
                             config.materialized, tags, refs, sources, ... (keys dbt writes)
    depends_on <unique_id>   depends_on.nodes equal; the order of refs matters, the order of
                             sources does not (dbt's static parser returns them as a set)
    compiled <unique_id>     compiled_code byte-identical, and the file at dbt's compiled_path
    ls <line>                floe's stdout lines equal dbt's, order included

If floe's compile fails, every check that needs its manifest fails as "not compared" (so each
can be listed in known_gaps.txt); the ls checks still run.

known_gaps.txt (next to this file): `<project>: <check id>  # reason` lines; blank lines and
lines starting with `#` are ignored. A listed check that fails counts as "known"; a listed check
that passes, or that does not exist, is a failure. --write-known-gaps rewrites the entries of
the projects that were run (keeping reasons that were not generated) and exits 0.

The last line printed is `dbt-peers: N passed, M failed` followed by `, K known` when K > 0.
"""
import argparse
import concurrent.futures
import difflib
import inspect
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
PROJECTS = os.path.join(HERE, "projects")
KNOWN_GAPS = os.path.join(HERE, "known_gaps.txt")
SCHEMA_NAME = "dbt-manifest-v12.json"
FLOE_TIMEOUT = 60  # seconds per floe invocation
DBT_TIMEOUT = 900  # seconds for the whole dbt driver of one project
DEFAULT_JOBS = 2  # projects at a time (dbt is CPU-bound, the machines have 2 cores)
COPY_EXCLUDES = {"target", "logs", "peer.duckdb", "peer.duckdb.wal",
                 "state_changes"}  # top level only
STATE_DIR = "prev_state"  # where the first compile's manifest goes for the state: lines
NOT_COMPARED = "not compared: floe compile failed"
KEEP = False  # --keep: the temp directories (and dbt.log) survive the run
MAX_DIFF_LINES = 14

# Entries of the manifest whose keys are unique ids (besides `disabled`).
RESOURCE_KEYS = ("nodes", "sources", "exposures", "metrics", "semantic_models", "unit_tests",
                 "saved_queries", "groups", "functions")
# Node fields compared by `fields <unique_id>` when dbt writes them.
FIELDS = ("resource_type", "name", "package_name", "path", "original_file_path", "fqn", "alias",
          "schema", "database", "relation_name", "checksum", "config.materialized",
          "config.enabled", "config.tags", "tags", "test_metadata", "column_name",
          "attached_node", "refs", "sources", "version", "access", "group", "config",
          "freshness", "constraints", "columns", "description", "meta", "docs", "contract",
          "primary_key", "unrendered_config", "raw_code", "patch_path", "quoting",
          "loaded_at_field", "source_meta", "external", "identifier", "source_description",
          "test_metadata", "deprecation_date", "latest_version", "time_spine")

def apply_state_changes(project_dir, snapshot, changes, state_dir):
    """The first compile's manifest to project_dir/state_dir, then state_changes/ over the
    project: its files replace or add files, and the paths its DELETE file lists go away."""
    os.makedirs(os.path.join(project_dir, state_dir), exist_ok=True)
    shutil.copy(os.path.join(snapshot, "manifest.json"),
                os.path.join(project_dir, state_dir, "manifest.json"))
    for root, _, files in os.walk(changes):
        for name in files:
            src = os.path.join(root, name)
            rel = os.path.relpath(src, changes)
            if rel == "DELETE":
                with open(src, encoding="utf-8") as f:
                    for line in f:
                        path = os.path.join(project_dir, line.strip())
                        if line.strip() and os.path.exists(path):
                            os.remove(path)
                continue
            dst = os.path.join(project_dir, rel)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copy(src, dst)


# Runs inside dbt's virtualenv (the Python next to the dbt executable), cwd = dbt's copy.
# argv[1] is a JSON spec: {"deps": bool, "args": [...], "ls": [[...], ...], "snapshot": dir,
# "target": "target", "out": path}. Writes {"import_seconds", "steps": [...]} to spec["out"].
DRIVER = r'''
import json, os, shutil, sys, time, traceback
t0 = time.monotonic()
spec = json.load(open(sys.argv[1], encoding="utf-8"))
from dbt.cli.main import dbtRunner
out = {"import_seconds": time.monotonic() - t0, "steps": []}
printed = []

def on_event(msg):
    # ls prints its results as PrintEvents; collected to check them against .result
    try:
        if msg.info.name == "PrintEvent":
            printed.append(msg.data.msg)
    except Exception:
        pass

runner = dbtRunner(callbacks=[on_event])

def invoke(kind, args):
    printed.clear()
    step = {"kind": kind, "args": args}
    start = time.monotonic()
    print(f"=== floe-dbt-peers: dbt {' '.join(args)}", flush=True)
    try:
        res = runner.invoke(args)
        step["success"] = bool(res.success)
        if res.exception is not None:
            step["error"] = f"{type(res.exception).__name__}: {res.exception}"
        r = res.result
        if isinstance(r, list) and all(isinstance(x, str) for x in r):
            step["result"] = r
        else:
            step["result_type"] = type(r).__name__
    except BaseException as e:  # dbtRunner reports most errors in the result; be safe
        step["success"] = False
        step["error"] = f"{type(e).__name__}: {e}"
        step["traceback"] = traceback.format_exc()
    step["seconds"] = time.monotonic() - start
    if kind == "ls":
        step["printed"] = list(printed)
    out["steps"].append(step)
    sys.stdout.flush()
    return step

APPLY_STATE_CHANGES

ok = True
if spec["deps"]:
    ok = invoke("deps", ["deps"])["success"]
if ok:
    step = invoke("compile", ["compile", "--profiles-dir", "."] + spec["args"])
    # Snapshot before ls: ls rewrites target/manifest.json (without compiled_code).
    os.makedirs(spec["snapshot"], exist_ok=True)
    manifest = os.path.join(spec["target"], "manifest.json")
    if os.path.isfile(manifest):
        shutil.copy(manifest, os.path.join(spec["snapshot"], "manifest.json"))
    compiled = os.path.join(spec["target"], "compiled")
    if os.path.isdir(compiled):
        shutil.copytree(compiled, os.path.join(spec["snapshot"], "compiled"))
    if step["success"]:  # nothing is compared when dbt's compile fails
        for line in spec["ls"]:
            invoke("ls", ["ls", "--profiles-dir", "."] + spec["args"] + line)
        if spec["state_ls"]:
            apply_state_changes(".", spec["snapshot"], spec["changes"], spec["state_dir"])
            for line in spec["state_ls"]:
                invoke("state-ls", ["ls", "--profiles-dir", ".", "--no-partial-parse"]
                       + spec["args"] + ["--state", spec["state_dir"]] + line)
with open(spec["out"], "w", encoding="utf-8") as f:
    json.dump(out, f)
'''


# The driver applies the state changes as the floe side does: one function, its text.
DRIVER = DRIVER.replace("APPLY_STATE_CHANGES", inspect.getsource(apply_state_changes))


# ----------------------------------------------------------------------------------------------
# Projects


class Project:
    def __init__(self, name):
        self.name = name
        self.path = os.path.join(PROJECTS, name)
        self.problems = []  # corpus problems: always failures
        self.args = []
        self.env = {}
        self.lines = []  # selector lines, as written (stripped)
        self.state_lines = []  # state_selectors.txt: ls lines run with --state after the changes
        self.changes = os.path.join(self.path, "state_changes")
        self.deps = any(os.path.exists(os.path.join(self.path, f))
                        for f in ("packages.yml", "dependencies.yml"))
        self.target = "target"
        self._read()

    def _read(self):
        sel = os.path.join(self.path, "selectors.txt")
        if not os.path.isfile(sel):
            self.problems.append("corpus: no selectors.txt")
        else:
            seen = set()
            for text in read_lines(sel):
                try:
                    shlex.split(text)
                except ValueError as e:
                    self.problems.append(f"corpus: selectors.txt: cannot split {text!r}: {e}")
                    continue
                if text in seen:
                    self.problems.append(f"corpus: selectors.txt: duplicate line {text!r}")
                    continue
                seen.add(text)
                self.lines.append(text)
        state = os.path.join(self.path, "state_selectors.txt")
        if os.path.isfile(state):
            self.state_lines = read_lines(state)
            if not os.path.isdir(self.changes):
                self.problems.append("corpus: state_selectors.txt without state_changes/")
        args = os.path.join(self.path, "peer_args.txt")
        if os.path.isfile(args):
            lines = read_lines(args)
            if len(lines) > 1:
                self.problems.append("corpus: peer_args.txt must hold one line")
            try:
                self.args = shlex.split(" ".join(lines))
            except ValueError as e:
                self.problems.append(f"corpus: peer_args.txt: {e}")
        env = os.path.join(self.path, "peer_env.txt")
        if os.path.isfile(env):
            for text in read_lines(env):
                key, eq, value = text.partition("=")
                if not eq or not key.strip():
                    self.problems.append(f"corpus: peer_env.txt: not KEY=VALUE: {text!r}")
                else:
                    self.env[key.strip()] = value
        # target-path in dbt_project.yml (rare, deprecated) moves the artifacts.
        try:
            import yaml

            with open(os.path.join(self.path, "dbt_project.yml"), encoding="utf-8") as f:
                conf = yaml.safe_load(f) or {}
            if isinstance(conf.get("target-path"), str):
                self.target = conf["target-path"]
        except Exception as e:
            self.problems.append(f"corpus: cannot read dbt_project.yml: {e}")


def read_lines(path):
    """Non-blank lines that do not start with '#', stripped."""
    with open(path, encoding="utf-8") as f:
        return [t.strip() for t in f if t.strip() and not t.strip().startswith("#")]


def discover():
    if not os.path.isdir(PROJECTS):
        return []
    return sorted(n for n in os.listdir(PROJECTS)
                  if os.path.isfile(os.path.join(PROJECTS, n, "dbt_project.yml")))


def copy_project(src, dst):
    def ignore(directory, names):
        if os.path.abspath(directory) == os.path.abspath(src):
            return [n for n in names if n in COPY_EXCLUDES]
        return []

    shutil.copytree(src, dst, symlinks=True, ignore=ignore)


def tool_env(project):
    """The environment of both tools: ours minus DBT_* settings, plus peer_env.txt."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DBT_")}
    env.update({"DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DO_NOT_TRACK": "1",
                "DBT_USE_COLORS": "false"})
    env.update(project.env)
    return env


# ----------------------------------------------------------------------------------------------
# Running the tools


def venv_python(dbt):
    """The Python of dbt's virtualenv: the console script's shebang, else the one beside it."""
    try:
        with open(dbt, "rb") as f:
            first = f.readline().decode("utf-8", "replace").strip()
        if first.startswith("#!"):
            interp = first[2:].strip().split()[0]
            if "python" in os.path.basename(interp) and os.access(interp, os.X_OK):
                return interp
    except OSError:
        pass
    for name in ("python", "python3"):
        cand = os.path.join(os.path.dirname(dbt), name)
        if os.access(cand, os.X_OK):
            return cand
    return None


def run_dbt(python, project, workdir):
    """Runs the dbt driver on workdir/dbt. Returns a dict (see DRIVER) plus wall seconds."""
    cwd = os.path.join(workdir, "dbt")
    spec = {"deps": project.deps, "args": project.args,
            "ls": [shlex.split(line) for line in project.lines],
            "state_ls": [shlex.split(line) for line in project.state_lines],
            "changes": project.changes, "state_dir": STATE_DIR,
            "snapshot": os.path.join(workdir, "dbt-snapshot"), "target": project.target,
            "out": os.path.join(workdir, "dbt-result.json")}
    spec_path = os.path.join(workdir, "dbt-spec.json")
    with open(spec_path, "w", encoding="utf-8") as f:
        json.dump(spec, f)
    log_path = os.path.join(workdir, "dbt.log")
    start = time.monotonic()
    result = {"log": log_path}
    try:
        with open(log_path, "wb") as log:
            p = subprocess.run([python, "-c", DRIVER, spec_path], cwd=cwd, env=tool_env(project),
                               stdout=log, stderr=subprocess.STDOUT, timeout=DBT_TIMEOUT)
        code = p.returncode
    except subprocess.TimeoutExpired:
        code = "timeout"
    result["seconds"] = time.monotonic() - start
    if code != 0 or not os.path.isfile(spec["out"]):
        result["error"] = (f"the dbt driver timed out after {DBT_TIMEOUT}s" if code == "timeout"
                           else f"the dbt driver exited with {code}: {tail(log_path)}")
        return result
    with open(spec["out"], encoding="utf-8") as f:
        result.update(json.load(f))
    return result


def run_floe(floe, project, workdir):
    cwd = os.path.join(workdir, "floe")
    env = tool_env(project)

    def call(args):
        start = time.monotonic()
        try:
            p = subprocess.run([floe, "dbt"] + args, cwd=cwd, env=env, capture_output=True,
                               timeout=FLOE_TIMEOUT)
            r = {"code": p.returncode, "stdout": p.stdout, "stderr": p.stderr}
        except subprocess.TimeoutExpired:
            r = {"code": "timeout", "stdout": b"", "stderr": b""}
        except OSError as e:
            r = {"code": "oserror", "stdout": b"", "stderr": str(e).encode()}
        r["seconds"] = time.monotonic() - start
        return r

    result = {"compile": call(["compile", "--profiles-dir", "."] + project.args), "ls": []}
    snap = os.path.join(workdir, "floe-snapshot")
    os.makedirs(snap, exist_ok=True)
    manifest = os.path.join(cwd, project.target, "manifest.json")
    if os.path.isfile(manifest):
        shutil.copy(manifest, os.path.join(snap, "manifest.json"))
    compiled = os.path.join(cwd, project.target, "compiled")
    if os.path.isdir(compiled):
        shutil.copytree(compiled, os.path.join(snap, "compiled"))
    for line in project.lines:
        result["ls"].append(call(["ls", "--profiles-dir", "."] + project.args + shlex.split(line)))
    result["state_ls"] = []
    if project.state_lines and result["compile"]["code"] == 0:
        apply_state_changes(cwd, snap, project.changes, STATE_DIR)
        for line in project.state_lines:
            result["state_ls"].append(call(["ls", "--profiles-dir", "."] + project.args +
                                           ["--state", STATE_DIR] + shlex.split(line)))
    return result


def log_hint(path):
    return f"(log: {path})" if KEEP else "(--keep keeps dbt.log)"


def tail(path, lines=6):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            text = [t.rstrip() for t in f if t.strip()]
    except OSError:
        return ""
    return " | ".join(text[-lines:])


# ----------------------------------------------------------------------------------------------
# Comparison helpers


def clip(text, limit=100):
    r = text if isinstance(text, str) else repr(text)
    r = " ".join(r.split()) if "\n" in r else r
    return r if len(r) <= limit else r[: limit - 3] + "..."


def first_line(data):
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return ""


def describe_exit(r):
    code = r["code"]
    if code == "timeout":
        return f"timed out after {FLOE_TIMEOUT}s"
    if code == "oserror":
        return f"cannot run floe: {first_line(r['stderr'])}"
    how = f"was killed by signal {-code}" if code < 0 else f"exited with {code}"
    msg = first_line(r["stderr"])
    return f"floe {how}" + (f": {clip(msg, 140)}" if msg else "")


def text_diff(expected, actual):
    """(one-line reason, unified diff lines) for two different strings."""
    exp = expected.splitlines(keepends=True)
    act = actual.splitlines(keepends=True)
    reason = "differs"
    for i in range(max(len(exp), len(act))):
        e = exp[i] if i < len(exp) else None
        a = act[i] if i < len(act) else None
        if e != a:
            reason = (f"first difference at line {i + 1}: dbt "
                      f"{clip(repr(e) if e is not None else 'end of text', 60)}, floe "
                      f"{clip(repr(a) if a is not None else 'end of text', 60)}")
            break
    diff = [d.rstrip("\n") for d in difflib.unified_diff(exp, act, "dbt", "floe", n=2)]
    if len(diff) > MAX_DIFF_LINES:
        diff = diff[:MAX_DIFF_LINES] + [f"... ({len(diff) - MAX_DIFF_LINES} more diff lines)"]
    return reason, diff


def canonical_depends_on(nodes):
    """depends_on.nodes with its source entries sorted in place: dbt's static parser collects
    source() calls in a Python set, so their order varies with PYTHONHASHSEED; the order of
    refs (and of everything else) is kept."""
    if not isinstance(nodes, list):
        return nodes
    sources = iter(sorted(n for n in nodes if isinstance(n, str) and n.startswith("source.")))
    return [next(sources) if isinstance(n, str) and n.startswith("source.") else n for n in nodes]


def canonical_sources(value):
    if isinstance(value, list):
        return sorted(value, key=lambda v: json.dumps(v))
    return value


def canonical_ls_line(line):
    """A `--output json` line with the set-ordered lists put in order; other lines as they are.
    Returns (canonical text, formatting problem or None)."""
    if not line.startswith("{"):
        return line, None
    try:
        obj = json.loads(line)
    except ValueError:
        return line, None
    if not isinstance(obj, dict):
        return line, None
    problem = None
    if json.dumps(obj) != line:
        problem = "not formatted like Python's json.dumps"
    if isinstance(obj.get("depends_on"), dict) and "nodes" in obj["depends_on"]:
        obj["depends_on"]["nodes"] = canonical_depends_on(obj["depends_on"]["nodes"])
    if "sources" in obj:
        obj["sources"] = canonical_sources(obj["sources"])
    return json.dumps(obj), problem


def get_field(node, dotted):
    """(present, value) of a dotted key."""
    cur = node
    for part in dotted.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return False, None
        cur = cur[part]
    return True, cur


def entries(manifest):
    """{unique_id: entry} over RESOURCE_KEYS (not `disabled`)."""
    out = {}
    for key in RESOURCE_KEYS:
        for uid, entry in (manifest.get(key) or {}).items():
            out.setdefault(uid, entry)
    return out


def all_ids(manifest):
    ids = set(entries(manifest))
    ids.update((manifest.get("disabled") or {}).keys())
    return ids


def list_ids(ids, limit=6):
    ids = sorted(ids)
    shown = ", ".join(ids[:limit])
    return shown + (f" ... ({len(ids) - limit} more)" if len(ids) > limit else "")


def compare_maps(dbt_map, floe_map):
    if not isinstance(floe_map, dict):
        return "missing in floe's manifest"
    norm = lambda m: {k: sorted(v) if isinstance(v, list) else v for k, v in m.items()}  # noqa
    d, f = norm(dbt_map), norm(floe_map)
    if d == f:
        return None
    missing = set(d) - set(f)
    extra = set(f) - set(d)
    differ = sorted(k for k in set(d) & set(f) if d[k] != f[k])
    parts = []
    if missing:
        parts.append(f"missing keys {list_ids(missing, 4)}")
    if extra:
        parts.append(f"extra keys {list_ids(extra, 4)}")
    if differ:
        k = differ[0]
        parts.append(f"{len(differ)} keys differ, e.g. {k}: dbt {clip(d[k], 120)} floe "
                     f"{clip(f[k], 120)}")
    return "; ".join(parts)


def schema_errors(validator, manifest, limit=None):
    """[(json_path, message)] sorted by path."""
    errors = []
    for e in validator.iter_errors(manifest):
        errors.append((e.json_path, clip(e.message, 160)))
    errors.sort()
    return errors[:limit] if limit else errors


# ----------------------------------------------------------------------------------------------
# One project


class Check:
    def __init__(self, cid, reason=None, details=None, bulk=False):
        self.id = cid
        self.reason = reason  # None when it passes
        self.details = details or []
        self.bulk = bulk  # one of many failing for the same reason: printed as one line


class Outcome:
    def __init__(self, project):
        self.project = project
        self.checks = []
        self.reference = []  # problems on dbt's side or in the corpus: always failures
        self.timing = ""
        self.workdir = None


def compare_project(project, floe, python, validator, keep_root):
    out = Outcome(project)
    out.reference.extend(project.problems)
    workdir = tempfile.mkdtemp(prefix=f"{project.name}-", dir=keep_root)
    out.workdir = workdir
    copy_project(project.path, os.path.join(workdir, "dbt"))
    copy_project(project.path, os.path.join(workdir, "floe"))
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        dbt_future = pool.submit(run_dbt, python, project, workdir)
        floe_future = pool.submit(run_floe, floe, project, workdir)
        dbt, fl = dbt_future.result(), floe_future.result()

    steps = dbt.get("steps", [])
    compile_step = next((s for s in steps if s["kind"] == "compile"), None)
    ls_steps = [s for s in steps if s["kind"] == "ls"]
    fc = fl["compile"]
    out.timing = (f"time {project.name}: dbt {dbt['seconds']:.1f}s"
                  + (f" (import {dbt['import_seconds']:.1f}s" if "import_seconds" in dbt else "")
                  + (f", compile {compile_step['seconds']:.1f}s" if compile_step else "")
                  + (f", {len(ls_steps)} ls {sum(s['seconds'] for s in ls_steps):.1f}s)"
                     if "import_seconds" in dbt else "")
                  + f"; floe compile {fc['seconds']:.2f}s, {len(fl['ls'])} ls "
                  f"{sum(r['seconds'] for r in fl['ls']):.2f}s")

    if "error" in dbt:
        out.reference.append(f"dbt: {dbt['error']}")
        return out
    for s in steps:
        if s["kind"] == "deps" and not s["success"]:
            out.reference.append(f"dbt: deps failed: {s.get('error', '')} {log_hint(dbt['log'])}")
            return out
    if compile_step is None or not compile_step["success"]:
        err = compile_step.get("error", "") if compile_step else ""
        out.reference.append(f"dbt: compile failed: {clip(err, 200)} {log_hint(dbt['log'])}")
        return out

    dbt_manifest = load_json(os.path.join(workdir, "dbt-snapshot", "manifest.json"))
    if not isinstance(dbt_manifest, dict):
        out.reference.append("dbt: compile wrote no readable target/manifest.json")
        return out

    # --- compile and the manifest
    floe_ok = fc["code"] == 0
    out.checks.append(Check("compile", None if floe_ok else describe_exit(fc)))
    floe_manifest = None
    why = NOT_COMPARED
    if floe_ok:
        floe_manifest = load_json(os.path.join(workdir, "floe-snapshot", "manifest.json"))
        if not isinstance(floe_manifest, dict):
            why = "floe's compile wrote no readable target/manifest.json"
            floe_manifest = None
    out.checks.extend(manifest_checks(project, workdir, dbt_manifest, floe_manifest, why,
                                      validator))

    # --- ls
    for line, step, fr in zip(project.lines, ls_steps, fl["ls"]):
        cid = f"ls {line}"
        if step.get("result") is not None and step["result"] != step.get("printed"):
            out.reference.append(f"dbt: {cid}: dbtRunner's result differs from what ls printed "
                                 f"({len(step['result'])} vs {len(step.get('printed', []))} lines)")
        out.checks.append(compare_ls(cid, step, fr))
    state_steps = [s for s in steps if s["kind"] == "state-ls"]
    for i, (line, step) in enumerate(zip(project.state_lines, state_steps)):
        cid = f"state-ls {line}"
        if i >= len(fl["state_ls"]):
            out.checks.append(Check(cid, "not compared: floe compile failed"))
        else:
            out.checks.append(compare_ls(cid, step, fl["state_ls"][i]))
    return out


def load_json(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def manifest_checks(project, workdir, dm, fm, why, validator):
    checks = []
    d_entries = entries(dm)
    ids = sorted(d_entries)

    def cid_list():
        yield "nodes"
        yield "manifest-schema"
        yield "parent_map"
        yield "child_map"
        for uid in ids:
            e = d_entries[uid]
            yield f"fields {uid}"
            if isinstance(e.get("depends_on"), dict) and isinstance(e["depends_on"].get("nodes"), list):
                yield f"depends_on {uid}"
            if has_macro_list(e):
                yield f"macros {uid}"
            if isinstance(e.get("compiled_code"), str):
                yield f"compiled {uid}"

    if fm is None:
        return [Check(c, why, bulk=True) for c in cid_list()]

    f_entries = entries(fm)
    # nodes
    d_ids, f_ids = all_ids(dm), all_ids(fm)
    parts = []
    if d_ids - f_ids:
        parts.append(f"missing {list_ids(d_ids - f_ids)}")
    if f_ids - d_ids:
        parts.append(f"extra {list_ids(f_ids - d_ids)}")
    checks.append(Check("nodes", "; ".join(parts) or None))

    # manifest-schema
    if validator == "skip":
        pass
    elif validator is None:
        checks.append(Check("manifest-schema", "jsonschema is not installed"))
    else:
        tolerated = set(schema_errors(validator, dm))
        errs = [e for e in schema_errors(validator, fm) if e not in tolerated]
        reason = None
        if errs:
            reason = f"{len(errs)} schema errors, first at {errs[0][0]}: {errs[0][1]}"
        checks.append(Check("manifest-schema", reason,
                            [f"{p}: {m}" for p, m in errs[:5]]))

    for key in ("parent_map", "child_map"):
        checks.append(Check(key, compare_maps(dm.get(key) or {}, fm.get(key))))

    for uid in ids:
        d = d_entries[uid]
        f = f_entries.get(uid)
        # fields
        if f is None:
            checks.append(Check(f"fields {uid}", "not in floe's manifest"))
        else:
            diffs = []
            for field in FIELDS:
                present, dv = get_field(d, field)
                if not present:
                    continue
                fpresent, fv = get_field(f, field)
                if field == "sources":
                    dv, fv = canonical_sources(dv), canonical_sources(fv)
                if not fpresent:
                    diffs.append(f"{field}: dbt {clip(json.dumps(dv), 80)}, floe <missing>")
                elif dv != fv:
                    diffs.append(f"{field}: dbt {clip(json.dumps(dv), 80)}, "
                                 f"floe {clip(json.dumps(fv), 80)}")
            reason = None
            if diffs:
                reason = diffs[0] + (f" (and {len(diffs) - 1} more fields)" if len(diffs) > 1 else "")
            checks.append(Check(f"fields {uid}", reason, diffs[1:5]))
        # depends_on
        if isinstance(d.get("depends_on"), dict) and isinstance(d["depends_on"].get("nodes"), list):
            checks.append(Check(f"depends_on {uid}", compare_depends_on(d, f)))
        if has_macro_list(d):
            checks.append(Check(f"macros {uid}", compare_macros(d, f)))
        # compiled
        if isinstance(d.get("compiled_code"), str):
            checks.append(compare_compiled(uid, d, f, workdir, project.target))
    return checks


def has_macro_list(entry):
    """A graph node's depends_on.macros (what state:modified.macros follows)."""
    dep = entry.get("depends_on")
    return (entry.get("resource_type") in ("model", "seed", "snapshot", "test", "analysis")
            and isinstance(dep, dict) and isinstance(dep.get("macros"), list))


def compare_macros(d, f):
    """depends_on.macros equal, order included (the order of the node's first calls)."""
    if f is None:
        return "not in floe's manifest"
    dm = d["depends_on"]["macros"]
    fm = (f.get("depends_on") or {}).get("macros") if isinstance(f.get("depends_on"), dict) else None
    if dm == fm:
        return None
    return f"dbt {clip(json.dumps(dm), 90)}, floe {clip(json.dumps(fm), 90)}"


def compare_depends_on(d, f):
    dn = d["depends_on"]["nodes"]
    if f is None:
        return "not in floe's manifest"
    fn = (f.get("depends_on") or {}).get("nodes") if isinstance(f.get("depends_on"), dict) else None
    if not isinstance(fn, list):
        return "floe's node has no depends_on.nodes"
    if sorted(dn) != sorted(fn):
        missing = [n for n in dn if n not in fn]
        extra = [n for n in fn if n not in dn]
        parts = []
        if missing:
            parts.append(f"missing {', '.join(missing)}")
        if extra:
            parts.append(f"extra {', '.join(extra)}")
        return "; ".join(parts) or f"dbt {dn}, floe {fn} (duplicates differ)"
    if canonical_depends_on(dn) != canonical_depends_on(fn):
        return f"same nodes, different order: dbt {clip(dn, 150)}, floe {clip(fn, 150)}"
    return None


def compare_compiled(uid, d, f, workdir, target):
    cid = f"compiled {uid}"
    if f is None:
        return Check(cid, "not in floe's manifest")
    fc = f.get("compiled_code")
    if not isinstance(fc, str):
        return Check(cid, "floe's node has no compiled_code")
    if fc != d["compiled_code"]:
        reason, diff = text_diff(d["compiled_code"], fc)
        return Check(cid, f"compiled_code {reason}", diff)
    # The file dbt wrote (target/compiled/<package>/<path>; long test names are hashed).
    path = d.get("compiled_path")
    if isinstance(path, str) and path:
        # relative to the target directory, like the snapshots
        rel = path[len(target) + 1:] if path.startswith(target + "/") else path.split("/", 1)[-1]
        dfile = os.path.join(workdir, "dbt-snapshot", *rel.split("/"))
        ffile = os.path.join(workdir, "floe-snapshot", *rel.split("/"))
        if os.path.isfile(dfile):
            with open(dfile, "rb") as fh:
                dbytes = fh.read()
            if not os.path.isfile(ffile):
                return Check(cid, f"floe wrote no {path}")
            with open(ffile, "rb") as fh:
                fbytes = fh.read()
            if fbytes != dbytes:
                reason, diff = text_diff(dbytes.decode("utf-8", "replace"),
                                         fbytes.decode("utf-8", "replace"))
                return Check(cid, f"{path} {reason}", diff)
    return Check(cid)


def compare_ls(cid, step, fr):
    code = fr["code"]
    if not step["success"]:
        # dbt rejected the command: floe must fail too (its message may differ).
        if code in (1, 2):
            return Check(cid)
        if code == 0:
            return Check(cid, f"dbt failed ({clip(step.get('error', ''), 100)}), floe exited 0")
        return Check(cid, describe_exit(fr))
    if code != 0:
        return Check(cid, describe_exit(fr))
    expected = step.get("result")
    if expected is None:
        return Check(cid, f"dbt's result is a {step.get('result_type')}, not a list of lines")
    actual = fr["stdout"].decode("utf-8", "replace").splitlines()
    if expected == actual:
        return Check(cid)
    exp = [canonical_ls_line(x)[0] for x in expected]
    act_pairs = [canonical_ls_line(x) for x in actual]
    act = [c for c, _ in act_pairs]
    if exp == act:
        problems = [p for _, p in act_pairs if p]
        if not problems:
            return Check(cid)  # only set-ordered lists (sources) differ
        return Check(cid, f"json lines {problems[0]}")
    details = [clip(d, 200) for d in difflib.unified_diff(expected, actual, "dbt", "floe",
                                                             n=1, lineterm="")]
    if len(details) > MAX_DIFF_LINES:
        details = details[:MAX_DIFF_LINES] + [f"... ({len(details) - MAX_DIFF_LINES} more diff lines)"]
    if sorted(exp) == sorted(act):
        return Check(cid, "same lines, different order", details)
    missing = [x for x in exp if x not in act]
    extra = [x for x in act if x not in exp]
    parts = [f"dbt printed {len(expected)} lines, floe {len(actual)}"]
    if missing:
        parts.append(f"missing {clip(missing[0], 90)}" + (f" (+{len(missing) - 1})" if len(missing) > 1 else ""))
    if extra:
        parts.append(f"extra {clip(extra[0], 90)}" + (f" (+{len(extra) - 1})" if len(extra) > 1 else ""))
    return Check(cid, "; ".join(parts), details)


# ----------------------------------------------------------------------------------------------
# known_gaps.txt

GAP_RE = re.compile(r"^(?P<project>[^:\s]+):\s+(?P<check>.*?)(?:\s+#\s?(?P<reason>.*))?$")


def read_known_gaps(path):
    """({(project, check): reason}, [header comment lines], [malformed lines])."""
    gaps, header, bad = {}, [], []
    if not os.path.exists(path):
        return gaps, header, bad
    with open(path, encoding="utf-8") as f:
        for line in f:
            text = line.strip()
            if not text or text.startswith("#"):
                if not gaps and text:
                    header.append(text)
                continue
            m = GAP_RE.match(text)
            if not m or not m.group("check"):
                bad.append(text)
                continue
            gaps[(m.group("project"), m.group("check").strip())] = (m.group("reason") or "").strip()
    return gaps, header, bad


def write_known_gaps(path, header, gaps, ran, failures):
    """Keeps the entries of projects that did not run; replaces those of projects that did."""
    kept = {k: v for k, v in gaps.items() if k[0] not in ran}
    for (proj, cid), reason in failures.items():
        old = gaps.get((proj, cid), "")
        kept[(proj, cid)] = old if old and not old.startswith("fails:") else "fails: " + reason
    order = {k: i for i, k in enumerate(failures)}
    lines = [h + "\n" for h in header]
    for key in sorted(kept, key=lambda k: (k[0], order.get(k, -1), k[1])):
        reason = kept[key].replace("\n", " ")
        lines.append(f"{key[0]}: {key[1]}  # {clip(reason, 160)}\n")
    with open(path, "w", encoding="utf-8") as f:
        f.writelines(lines)


# ----------------------------------------------------------------------------------------------
# Main


def find_dbt(option):
    if option:
        return option
    if os.environ.get("FLOE_DBT"):
        return os.environ["FLOE_DBT"]
    local = os.path.join(ROOT, "build", "_deps", "dbt-venv", "bin", "dbt")
    if os.path.exists(local):
        return local
    return shutil.which("dbt") or local


def summary(passed, failed, known):
    line = f"dbt-peers: {passed} passed, {failed} failed"
    if known:
        line += f", {known} known"
    print(line)


def main():
    global PROJECTS, KEEP
    parser = argparse.ArgumentParser(
        description="Compare `floe dbt compile`/`floe dbt ls` with dbt-core on test projects.",
        epilog="See the docstring of this file and README.md for the project layout.")
    parser.add_argument("floe", help="the floe binary")
    parser.add_argument("projects", nargs="*", help="project names (default: every project)")
    parser.add_argument("--dbt", help="dbt executable of a virtualenv with dbt-core and "
                        "dbt-duckdb (default: $FLOE_DBT, build/_deps/dbt-venv/bin/dbt, dbt on PATH)")
    parser.add_argument("--spec-dir", default=os.environ.get("FLOE_SPEC_DIR") or
                        os.path.join(os.path.dirname(ROOT), "shared", "spec"),
                        help=f"directory holding {SCHEMA_NAME} (default: $FLOE_SPEC_DIR, "
                        "../shared/spec from the repository root)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directories")
    parser.add_argument("--write-known-gaps", action="store_true",
                        help="rewrite the known_gaps.txt entries of the projects that ran")
    parser.add_argument("--known-gaps", default=KNOWN_GAPS, help=argparse.SUPPRESS)
    parser.add_argument("--projects-dir", default=PROJECTS, help=argparse.SUPPRESS)  # tests
    parser.add_argument("-j", "--jobs", type=int, default=DEFAULT_JOBS,
                        help=f"projects at a time (default {DEFAULT_JOBS})")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="also list passing and known checks, with details")
    args = parser.parse_intermixed_args()

    floe = os.path.abspath(args.floe)
    if not (os.path.isfile(floe) and os.access(floe, os.X_OK)):
        sys.exit(f"run.py: floe binary {args.floe} is not an executable file")
    dbt = find_dbt(args.dbt)
    resolved = shutil.which(dbt) if os.sep not in dbt else dbt
    if not resolved or not (os.path.isfile(resolved) and os.access(resolved, os.X_OK)):
        print(f"run.py: dbt not found: {dbt} is not an executable file (from --dbt, $FLOE_DBT, "
              "build/_deps/dbt-venv/bin/dbt or PATH); install it with "
              "`scripts/dbt-venv build/_deps/dbt-venv` (make test does)", file=sys.stderr)
        return 1
    dbt = os.path.abspath(resolved)
    python = venv_python(dbt)
    if python is None:
        print(f"run.py: cannot find the Python of {dbt}'s virtualenv", file=sys.stderr)
        return 1
    schema_path = os.path.join(args.spec_dir, SCHEMA_NAME)
    try:
        with open(schema_path, encoding="utf-8") as f:
            schema = json.load(f)
    except (OSError, ValueError) as e:
        # A checkout without the shared spec folder: the other checks still run.
        print(f"run.py: WARNING: cannot read {schema_path} (--spec-dir / $FLOE_SPEC_DIR): {e}; "
              "the manifest-schema checks are SKIPPED", file=sys.stderr)
        schema = None
    try:
        import jsonschema

        validator = jsonschema.Draft202012Validator(schema) if schema is not None else "skip"
    except ImportError:
        print("run.py: needs the Python package jsonschema (scripts/bootstrap installs it)",
              file=sys.stderr)
        return 1

    PROJECTS = os.path.abspath(args.projects_dir)
    KEEP = args.keep
    available = discover()
    names = args.projects or available
    unknown = [n for n in names if n not in available]
    if unknown:
        sys.exit(f"run.py: no project {', '.join(unknown)} in {PROJECTS}")
    projects = [Project(n) for n in names]
    gaps, header, bad_gap_lines = read_known_gaps(args.known_gaps)

    keep_root = tempfile.mkdtemp(prefix="floe-dbt-peers-")
    start = time.monotonic()
    passed = failed = known = 0
    failures = {}  # (project, check) -> reason, in check order
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            futures = [pool.submit(compare_project, p, floe, python, validator, keep_root)
                       for p in projects]
            for p, future in zip(projects, futures):
                try:
                    out = future.result()
                except Exception as e:  # a bug here must not hide the other projects
                    out = Outcome(p)
                    out.reference.append(f"run.py: {type(e).__name__}: {e}")
                print(out.timing or f"time {p.name}: -")
                for problem in out.reference:
                    print(f"FAIL {p.name}: {problem}")
                    failed += 1
                bulk = {}  # reason -> [check ids]
                present = set()
                for c in out.checks:
                    present.add(c.id)
                    key = (p.name, c.id)
                    listed = key in gaps
                    if c.reason is None:
                        if listed:
                            print(f"FAIL {p.name}: {c.id}: passes now, remove it from "
                                  "known_gaps.txt")
                            failed += 1
                        else:
                            passed += 1
                            if args.verbose:
                                print(f"ok   {p.name}: {c.id}")
                        continue
                    failures[key] = c.reason
                    if listed:
                        known += 1
                        if args.verbose:
                            print(f"known {p.name}: {c.id}: {c.reason}")
                        continue
                    failed += 1
                    if c.bulk and not args.verbose:
                        bulk.setdefault(c.reason, []).append(c.id)
                        continue
                    print(f"FAIL {p.name}: {c.id}: {c.reason}")
                    for d in c.details:
                        print(f"     {d}")
                for reason, ids in bulk.items():
                    print(f"FAIL {p.name}: {len(ids)} more checks fail, {reason} "
                          f"({list_ids(ids, 3)}; -v lists them)")
                if out.checks or not out.reference:
                    # Entries for checks that do not exist (when the comparison ran at all).
                    for (gp, gc) in sorted(k for k in gaps if k[0] == p.name):
                        if gc not in present and not (gc == "manifest-schema" and validator == "skip"):
                            print(f"FAIL {p.name}: {gc}: listed in known_gaps.txt but there is "
                                  "no such check")
                            failed += 1
    finally:
        if args.keep:
            print(f"run.py: kept {keep_root}")
        else:
            shutil.rmtree(keep_root, ignore_errors=True)

    for line in bad_gap_lines:
        print(f"FAIL known_gaps.txt: cannot parse {line!r}")
        failed += 1
    if not args.projects:
        for proj in sorted({k[0] for k in gaps} - set(available)):
            print(f"FAIL {proj}: listed in known_gaps.txt but there is no such project")
            failed += 1
    if args.verbose:
        print(f"run.py: {len(projects)} projects in {time.monotonic() - start:.1f}s")

    if args.write_known_gaps:
        write_known_gaps(args.known_gaps, header, gaps, {p.name for p in projects}, failures)
        print(f"run.py: wrote {len(failures)} entries for {len(projects)} projects to "
              f"{args.known_gaps}")
        summary(passed, 0, len(failures))
        return 0
    summary(passed, failed, known)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
