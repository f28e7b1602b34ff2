#!/usr/bin/env python3
"""dagster-dbt drives floe as its dbt executable: `dbt build` of a test project through
DbtCliResource, and Dagster records an asset materialization for every model, seed and snapshot
and an asset check result for every data test, with the statuses floe reported.

    run.py FLOE      (re-runs itself with the Python of build/_deps/dagster-venv, from
                      scripts/dagster-venv, when dagster-dbt is not importable)

floe is reached through a link named `dbt` (floe then takes dbt's command line as dbt does).
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile


sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
from venv_python import in_venv  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
PROJECT = os.path.join(os.path.dirname(HERE), "dbt_run", "projects", "shop_build")


def main():
    in_venv("dagster_dbt", "dagster-venv")
    floe = os.path.abspath(sys.argv[1])
    work = tempfile.mkdtemp(prefix="floe-dagster-")
    try:
        project = os.path.join(work, "project")
        shutil.copytree(PROJECT, project, ignore=shutil.ignore_patterns(
            "target", "peer.duckdb*", "steps.txt", "targets.txt", "_steps"))
        dbt = os.path.join(work, "bin", "dbt")
        os.makedirs(os.path.dirname(dbt))
        os.symlink(floe, dbt)
        # the manifest Dagster builds its assets from, as `dbt parse` writes it
        subprocess.run([dbt, "parse", "--profiles-dir", "."], cwd=project, check=True,
                       capture_output=True)

        from dagster import AssetExecutionContext, materialize
        from dagster_dbt import DbtCliResource, dbt_assets

        manifest_path = os.path.join(project, "target", "manifest.json")

        @dbt_assets(manifest=manifest_path)
        def shop_assets(context: AssetExecutionContext, dbt: DbtCliResource):
            yield from dbt.cli(["build"], context=context).stream()

        resource = DbtCliResource(project_dir=project, profiles_dir=project, dbt_executable=dbt)
        result = materialize([shop_assets], resources={"dbt": resource}, raise_on_error=False)

        with open(manifest_path) as f:
            manifest = json.load(f)
        # dagster-dbt gives each invocation a target path of its own (DBT_TARGET_PATH)
        found = [os.path.join(d, "run_results.json") for d, _, files in
                 os.walk(os.path.join(project, "target")) if "run_results.json" in files]
        if len(found) != 1:
            sys.exit(f"dagster peer: FAIL\n  expected one run_results.json, found {found}")
        with open(found[0]) as f:
            run_results = {r["unique_id"]: r for r in json.load(f)["results"]}
        expected_assets = sorted(
            n["name"] for n in manifest["nodes"].values()
            if n["resource_type"] in ("model", "seed", "snapshot")
            and n["config"].get("materialized") != "ephemeral")
        materialized = sorted(m.asset_key.path[-1] for m in result.get_asset_materialization_events()
                              for m in [m.event_specific_data.materialization])
        checks = {e.event_specific_data.check_name: e.event_specific_data
                  for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"}
        problems = []
        if not result.success:
            problems.append("the Dagster run failed")
        if materialized != expected_assets:
            problems.append(f"materialized {materialized}, expected {expected_assets}")
        tests = {n["name"]: uid for uid, n in manifest["nodes"].items()
                 if n["resource_type"] == "test" and len(n["depends_on"]["nodes"]) == 1}
        for name, uid in tests.items():
            check = checks.get(name)
            status = run_results[uid]["status"]
            if check is None:
                problems.append(f"no asset check result for test {name}")
            elif check.passed != (status == "pass"):
                problems.append(f"asset check {name}: passed={check.passed}, floe said {status}")
        if problems:
            sys.exit("dagster peer: FAIL\n  " + "\n  ".join(problems))
        print(f"dagster peer: ok ({len(materialized)} assets materialized, {len(checks)} asset "
              f"checks, through `{dbt}`)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
