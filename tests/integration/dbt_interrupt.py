#!/usr/bin/env python3
"""Ctrl-C during a long model: `floe dbt run` stops promptly, the model's previous version is
intact (no half-built relation), and run_results.json records the interruption.

    dbt_interrupt.py FLOE      (re-runs itself with the dbt venv's Python for the duckdb module)
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time


sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from venv_python import in_venv  # noqa: E402


in_venv("duckdb", "dbt-venv")
import duckdb  # noqa: E402

SLOW = """{{ config(materialized='table') }}
{% if var('slow', false) %}
select count(*) as n from range(20000000000) t(i) where hash(i) % 7 = 3
{% else %}
select 1 as n
{% endif %}
"""


def main():
    floe = os.path.abspath(sys.argv[1])
    work = tempfile.mkdtemp(prefix="floe-interrupt-")
    try:
        os.makedirs(os.path.join(work, "models"))
        with open(os.path.join(work, "dbt_project.yml"), "w") as f:
            f.write("name: interrupt\nversion: '1.0'\nconfig-version: 2\nprofile: interrupt\n")
        with open(os.path.join(work, "profiles.yml"), "w") as f:
            f.write("interrupt:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n"
                    "      path: interrupt.duckdb\n      threads: 2\n")
        with open(os.path.join(work, "models", "slow.sql"), "w") as f:
            f.write(SLOW)
        with open(os.path.join(work, "models", "after_slow.sql"), "w") as f:
            f.write("select n + 1 as m from {{ ref('slow') }}\n")
        base = [floe, "dbt", "run", "--profiles-dir", "."]
        first = subprocess.run(base, cwd=work, capture_output=True, text=True)
        if first.returncode != 0:
            sys.exit(f"the first run failed:\n{first.stdout}{first.stderr}")

        proc = subprocess.Popen(base + ["--vars", "{slow: true}"], cwd=work,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        seen = ""
        while "START sql table model main.slow" not in seen:
            line = proc.stdout.readline()
            if not line:
                sys.exit(f"floe ended before the slow model started:\n{seen}")
            seen += line
        time.sleep(1.0)  # inside the query
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT)
        try:
            rest, _ = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            sys.exit("floe did not stop within 60 s of SIGINT")
        took = time.monotonic() - sent
        out = seen + rest
        problems = []
        if proc.returncode != 130:
            problems.append(f"exit code {proc.returncode}, expected 130")
        with open(os.path.join(work, "target", "run_results.json")) as f:
            results = {r["unique_id"]: r for r in json.load(f)["results"]}
        slow = results.get("model.interrupt.slow", {})
        if slow.get("status") != "error" or "nterrupt" not in (slow.get("message") or ""):
            problems.append(f"run_results for slow: {slow.get('status')} {slow.get('message')!r}")
        after = results.get("model.interrupt.after_slow", {})
        if after.get("status") != "skipped":
            problems.append(f"run_results for after_slow: {after.get('status')}")
        con = duckdb.connect(os.path.join(work, "interrupt.duckdb"), read_only=True)
        rows = con.execute("select n from main.slow").fetchall()
        names = sorted(r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'main'").fetchall())
        if rows != [(1,)]:
            problems.append(f"main.slow holds {rows}, not its previous version [(1,)]")
        if names != ["after_slow", "slow"]:
            problems.append(f"relations left: {names}")
        if problems:
            sys.exit("dbt_interrupt: FAIL\n  " + "\n  ".join(problems) + "\n--- output ---\n" + out)
        print(f"dbt_interrupt: ok (stopped {took:.1f} s after SIGINT; previous version intact)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
