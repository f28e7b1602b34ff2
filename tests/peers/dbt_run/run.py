#!/usr/bin/env python3
"""Differential test of execution: `floe dbt seed|run|test|build` against dbt-core + dbt-duckdb.

    run.py FLOE [PROJECT ...] [--dbt DBT] [--keep] [-v]

Project layout (projects/<name>/ next to this file):

    dbt_project.yml, profiles.yml   a dbt project; the profile is duckdb with `path: peer.duckdb`
    steps.txt                       what both tools run, one step per line:
                                      <dbt command and arguments>   e.g. `build`, `run --full-refresh`
                                      @overlay <dir>                copies <project>/_steps/<dir>/
                                                                    over the project's files
                                    blank lines and lines starting with `#` are ignored
    masks.txt                       optional: `<schema>.<relation> <column>` lines: columns whose
                                    values depend on the clock (a check snapshot's dbt_valid_to);
                                    they are compared as set or null only
    _steps/<dir>/                   files that a step changes (new seed contents, changed models)
    targets.txt                     optional: the profile targets to run the steps on, one per
                                    line (default `dev`, DuckDB). `pg` is PostgreSQL: a server
                                    started for the run (tests/peers/pgserver.py), a fresh
                                    database per side, named by FLOE_PEER_PG_DB (with
                                    FLOE_PEER_PG_PORT and FLOE_PEER_PG_USER) for profiles.yml;
                                    dbt runs it with dbt-postgres

Each project is copied twice (dbt/ and floe/). Both sides run the same steps. After every command
step the two are compared:

    exit <n> <command>       the exit codes are equal
    results <n> <command>    run_results.json: the same unique ids, each with the same status
                             and failures
    relations <n>            every relation of the database (schema, name, type) outside the
                             system schemas
    columns <n> <relation>   the same column names and types, in order
    rows <n> <relation>      the same rows, compared order-insensitively, all of them
    catalog <n>              after `docs generate`: catalog.json has the same nodes and sources,
                             each with the same relation type and columns (name, type, index)
    show <n> <command>       after `show … --log-format json`: the same ShowNode events (node
                             and rows, in order)
    sources <n> <command>    after `source freshness`: sources.json has the same sources, each
                             with the same status and criteria
    files <n> <command>      the project folder holds the same top-level entries (`clean`)

The last line is `dbt-run-peers: N passed, M failed`.
"""
import argparse
import os
import shlex
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
PROJECTS = os.path.join(HERE, "projects")
sys.path.insert(0, os.path.dirname(HERE))
import pgserver  # noqa: E402


def read_steps(project_dir):
    steps = []
    with open(os.path.join(project_dir, "steps.txt"), encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                steps.append(line)
    return steps


def copy_project(src, dst):
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("target", "logs", "peer.duckdb*",
                                                             "_steps", "steps.txt"))


def overlay(project_dir, name, dst):
    src = os.path.join(project_dir, "_steps", name)
    for base, _, files in os.walk(src):
        for f in files:
            rel = os.path.relpath(os.path.join(base, f), src)
            os.makedirs(os.path.dirname(os.path.join(dst, rel)), exist_ok=True)
            shutil.copyfile(os.path.join(base, f), os.path.join(dst, rel))


def read_targets(project_dir):
    path = os.path.join(project_dir, "targets.txt")
    if not os.path.exists(path):
        return ["dev"]
    with open(path, encoding="utf-8") as f:
        return [t.strip() for t in f if t.strip() and not t.startswith("#")]


def run(cmd, cwd, log, env):
    """Runs a step; returns its exit code and its stdout (also appended to `log`)."""
    p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       env=dict(os.environ, DBT_SEND_ANONYMOUS_USAGE_STATS="false",
                                DO_NOT_TRACK="1", **env))
    text = p.stdout.decode("utf-8", "replace")
    with open(log, "a", encoding="utf-8") as out:
        out.write(f"$ {' '.join(cmd)}\n{text}")
    return p.returncode, text


def previews_of(text):
    """`show` steps (run with --log-format json): each ShowNode event's node and rows."""
    import json
    out = []
    for line in text.splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if isinstance(event, dict) and event.get("info", {}).get("name") == "ShowNode":
            data = event.get("data", {})
            out.append((data.get("unique_id"), json.loads(data.get("preview", "[]"))))
    return sorted(out, key=lambda p: str(p[0]))


def freshness_of(workdir):
    """sources.json (source freshness): each source's status and thresholds, or None."""
    import json
    path = os.path.join(workdir, "target", "sources.json")
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    return {r["unique_id"]: (r["status"], json.dumps(r.get("criteria"), sort_keys=True))
            for r in data.get("results", [])}


def entries_of(workdir):
    """The project folder's top-level entries (what `clean` removes), without the database."""
    return sorted(e for e in os.listdir(workdir) if not e.startswith("peer.duckdb") and e != "logs")


def results_of(workdir):
    import json
    path = os.path.join(workdir, "target", "run_results.json")
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    return {r["unique_id"]: (r["status"], r.get("failures")) for r in data["results"]}


PG_SCRIPT = r"""
import json, sys, psycopg2
con = psycopg2.connect(host="127.0.0.1", port=int(sys.argv[1]), user=sys.argv[2],
                       dbname=sys.argv[3])
masks = json.loads(sys.argv[4])
cur = con.cursor()
cur.execute("select table_schema, table_name, table_type from information_schema.tables where "
            "table_schema not in ('information_schema', 'pg_catalog') and table_schema not like "
            "'pg_%' order by 1, 2")
out = []
for schema, name, kind in cur.fetchall():
    cur.execute("select column_name, data_type from information_schema.columns where "
                "table_schema = %s and table_name = %s order by ordinal_position", [schema, name])
    cols = cur.fetchall()
    try:
        cur.execute(f'select * from "{schema}"."{name}"')
        masked = [i for i, c in enumerate(cols) if c[0] in masks.get(f"{schema}.{name}", [])]
        rows = [tuple("<set>" if i in masked and v is not None else v for i, v in enumerate(r))
                for r in cur.fetchall()]
        rows = sorted(repr(r) for r in rows)
    except Exception as e:
        con.rollback()
        rows = [f"<error: {e}>"]
    out.append([schema, name, kind, cols, rows])
print(json.dumps(out))
"""


def read_masks(project_dir):
    masks = {}
    path = os.path.join(project_dir, "masks.txt")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for line in f:
                parts = line.split("#")[0].split()
                if len(parts) == 2:
                    masks.setdefault(parts[0], []).append(parts[1])
    return masks


def run_inspector(python, args, masks):
    """Runs an inspection script (its text and arguments, then the masks as JSON) with the venv's
    Python: {(schema, name): (type, [(column, type)], sorted rows)}."""
    import json
    p = subprocess.run([python, "-c"] + args + [json.dumps(masks)], capture_output=True,
                       text=True)
    if p.returncode != 0:
        return {("<error>", p.stderr.strip()[-300:]): ("", [], [])}
    return {(s, n): (k, [tuple(c) for c in cols], rows) for s, n, k, cols, rows in
            json.loads(p.stdout)}


def database_of_pg(python, pg, dbname, masks):
    return run_inspector(python, [PG_SCRIPT, str(pg.port), pg.user, dbname], masks)


def catalog_of(workdir):
    import json
    path = os.path.join(workdir, "target", "catalog.json")
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    out = {}
    for section in ("nodes", "sources"):
        for uid, entry in data.get(section, {}).items():
            cols = sorted((c["name"], c["type"], c["index"]) for c in entry["columns"].values())
            out[uid] = (entry["metadata"]["type"], cols)
    return out


def database_of(python, workdir, masks):
    """Every relation of peer.duckdb: {(schema, name): (type, [(column, type)], sorted rows)}."""
    script = r"""
import duckdb, json, sys
con = duckdb.connect(sys.argv[1], read_only=True)
masks = json.loads(sys.argv[2])
out = []
for schema, name, kind in con.execute(
        "select table_schema, table_name, table_type from information_schema.tables "
        "where table_catalog = current_database() and table_schema not in "
        "('information_schema', 'pg_catalog') order by 1, 2").fetchall():
    cols = con.execute("select column_name, data_type from information_schema.columns where "
                       "table_catalog = current_database() and table_schema = ? and "
                       "table_name = ? order by ordinal_position", [schema, name]).fetchall()
    try:
        rows = con.execute(f'select * from "{schema}"."{name}"').fetchall()
        masked = [i for i, c in enumerate(cols) if c[0] in masks.get(f"{schema}.{name}", [])]
        rows = [tuple("<set>" if i in masked and v is not None else v for i, v in enumerate(r))
                for r in rows]
        rows = sorted(repr(r) for r in rows)
    except Exception as e:
        rows = [f"<error: {e}>"]
    out.append([schema, name, kind, cols, rows])
print(json.dumps(out))
"""
    path = os.path.join(workdir, "peer.duckdb")
    if not os.path.exists(path):
        return {}
    return run_inspector(python, [script, path], masks)


class Report:
    def __init__(self, verbose):
        self.passed = 0
        self.failed = 0
        self.verbose = verbose

    def check(self, project, cid, ok, detail=""):
        if ok:
            self.passed += 1
            if self.verbose:
                print(f"  pass  {project}: {cid}")
        else:
            self.failed += 1
            print(f"  FAIL  {project}: {cid}" + (f"\n        {detail}" if detail else ""))


def compare_project(name, floe, dbt, python, keep, report, target, pg):
    project_dir = os.path.join(PROJECTS, name)
    work = tempfile.mkdtemp(prefix=f"floe-run-peer-{name}-{target}-")
    envs = {"dbt": {}, "floe": {}}
    if target == "pg":
        for side in envs:
            db = f"{name}_{side}"
            pg.createdb(db)
            envs[side] = {"FLOE_PEER_PG_DB": db, "FLOE_PEER_PG_PORT": str(pg.port),
                          "FLOE_PEER_PG_USER": pg.user}
    sides = {"dbt": os.path.join(work, "dbt"), "floe": os.path.join(work, "floe")}
    for side in sides.values():
        copy_project(project_dir, side)
    step_no = 0
    for step in read_steps(project_dir):
        if step.startswith("@overlay "):
            for side in sides.values():
                overlay(project_dir, step.split(None, 1)[1], side)
            continue
        step_no += 1
        args = shlex.split(step)
        codes = {}
        results = {}
        outputs = {}
        for side, cwd in sides.items():
            for f in ("run_results.json", "sources.json"):
                try:
                    os.remove(os.path.join(cwd, "target", f))
                except FileNotFoundError:
                    pass
            exe = [dbt] if side == "dbt" else [floe, "dbt"]
            codes[side], outputs[side] = run(
                exe + args + ["--profiles-dir", ".", "--target", target], cwd,
                os.path.join(work, f"{side}.log"), envs[side])
            results[side] = results_of(cwd)
        label = f"{step_no} {step}"
        report.check(name, f"exit {label}", codes["dbt"] == codes["floe"],
                     f"dbt exited {codes['dbt']}, floe {codes['floe']}")
        rd, rf = results["dbt"] or {}, results["floe"] or {}
        diffs = [f"{uid}: dbt {rd.get(uid)}, floe {rf.get(uid)}"
                 for uid in sorted(set(rd) | set(rf)) if rd.get(uid) != rf.get(uid)]
        report.check(name, f"results {label}", not diffs, "; ".join(diffs[:8]))
        sd, sf = freshness_of(sides["dbt"]), freshness_of(sides["floe"])
        if sd is not None or sf is not None:
            report.check(name, f"sources {label}", sd == sf, f"dbt {sd}, floe {sf}")
        if args[0] == "show" and "--log-format" in args:
            pd, pf = previews_of(outputs["dbt"]), previews_of(outputs["floe"])
            report.check(name, f"show {label}", pd == pf and bool(pd), f"dbt {pd}, floe {pf}")
        ed, ef = entries_of(sides["dbt"]), entries_of(sides["floe"])
        report.check(name, f"files {label}", ed == ef, f"dbt {ed}, floe {ef}")
        if args[:2] == ["docs", "generate"]:
            cd, cf = catalog_of(sides["dbt"]), catalog_of(sides["floe"])
            diffs = [f"{uid}: dbt {(cd or {}).get(uid)}, floe {(cf or {}).get(uid)}"
                     for uid in sorted(set(cd or {}) | set(cf or {}))
                     if (cd or {}).get(uid) != (cf or {}).get(uid)]
            report.check(name, f"catalog {step_no}", cd is not None and not diffs,
                         "no catalog.json" if cd is None or cf is None else "; ".join(diffs[:5]))
        masks = read_masks(project_dir)
        if target == "pg":
            masks = {"public." + k.split(".", 1)[1]: v for k, v in masks.items()}
            dd = database_of_pg(python, pg, envs["dbt"]["FLOE_PEER_PG_DB"], masks)
            df = database_of_pg(python, pg, envs["floe"]["FLOE_PEER_PG_DB"], masks)
        else:
            dd = database_of(python, sides["dbt"], masks)
            df = database_of(python, sides["floe"], masks)
        rels_d = {k: v[0] for k, v in dd.items()}
        rels_f = {k: v[0] for k, v in df.items()}
        report.check(name, f"relations {step_no}", rels_d == rels_f,
                     f"only dbt: {sorted(set(rels_d.items()) - set(rels_f.items()))}; "
                     f"only floe: {sorted(set(rels_f.items()) - set(rels_d.items()))}")
        for key in sorted(set(dd) & set(df)):
            rel = f"{key[0]}.{key[1]}"
            report.check(name, f"columns {step_no} {rel}", dd[key][1] == df[key][1],
                         f"dbt {dd[key][1]}, floe {df[key][1]}")
            same = dd[key][2] == df[key][2]
            detail = ""
            if not same:
                only_d = [r for r in dd[key][2] if r not in df[key][2]][:3]
                only_f = [r for r in df[key][2] if r not in dd[key][2]][:3]
                detail = (f"{len(dd[key][2])} rows in dbt, {len(df[key][2])} in floe; only dbt: "
                          f"{only_d}; only floe: {only_f}")
            report.check(name, f"rows {step_no} {rel}", same, detail)
    if keep:
        print(f"  kept {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("floe")
    parser.add_argument("projects", nargs="*")
    parser.add_argument("--dbt", default=os.environ.get("FLOE_DBT") or
                        os.path.join(ROOT, "build", "_deps", "dbt-venv", "bin", "dbt"))
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    floe = os.path.abspath(args.floe)
    dbt = os.path.abspath(args.dbt)
    python = os.path.join(os.path.dirname(dbt), "python")
    if not os.access(dbt, os.X_OK) or not os.access(python, os.X_OK):
        print(f"run.py: {dbt} (with its python) not found: `scripts/dbt-venv "
              "build/_deps/dbt-venv` installs it (make test does)", file=sys.stderr)
        return 1
    names = args.projects or sorted(d for d in os.listdir(PROJECTS)
                                    if os.path.isfile(os.path.join(PROJECTS, d, "steps.txt")))
    report = Report(args.verbose)
    runs = [(name, target) for name in names for target in read_targets(os.path.join(PROJECTS, name))]
    pg = None
    if any(target == "pg" for _, target in runs):
        pg = pgserver.PgServer().__enter__()
    try:
        for name, target in runs:
            print(f"{name} ({target}):")
            compare_project(name, floe, dbt, python, args.keep, report, target, pg)
    finally:
        if pg is not None:
            pg.__exit__(None, None, None)
    print(f"dbt-run-peers: {report.passed} passed, {report.failed} failed")
    return 0 if report.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
