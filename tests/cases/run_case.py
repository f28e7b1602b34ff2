#!/usr/bin/env python3
"""Runs one data-driven case: a folder of input files plus the expected result.

    tests/cases/<area>/<case>/
      cmd                 the floe arguments, one line (run inside a copy of the case folder)
      <inputs>            manifest.yaml, floe.yaml, … (any files the command reads)
      expected/exit_code  the exit code
      expected/stderr     the diagnostics, verbatim (file:line:col, code, message, hint, notes)
      expected/stdout     optional
      expected/files/…    optional: files the command must write, byte for byte

The run uses SOURCE_DATE_EPOCH=1767225600 so compiled artifacts are reproducible. With
FLOE_UPDATE_GOLDEN=1 the expected files are rewritten from the actual run (review the diff).

For every YAML input whose `kind` is Manifest or FloeSpec, the JSON Schema that `floe schema
export` writes must judge the file as floe does for the rules JSON Schema can express: invalid
exactly when floe reports an error with a code marked json_schema in `floe schema codes`.
"""
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

DIAG = re.compile(r"^(?P<file>[^:\s]+):\d+:\d+: error (?P<code>FLOE-[A-Z]\d+):", re.M)


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def read(path, default=None):
    if not os.path.exists(path):
        return default
    with open(path, encoding="utf-8") as f:
        return f.read()


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def yaml_loader():
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    # Keep dates as strings, as floe's YAML 1.2 reading does.
    Loader.yaml_implicit_resolvers = {
        k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
        for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return Loader


def json_schema_check(floe, work, inputs, stderr):
    try:
        import jsonschema
        import yaml
    except ImportError:
        fail("python packages jsonschema and pyyaml are missing: run scripts/bootstrap")
    schema_dir = os.path.join(work, ".schemas")
    subprocess.run([floe, "--quiet", "schema", "export", "-o", schema_dir], check=True)
    codes = json.loads(subprocess.run([floe, "schema", "codes"], check=True, capture_output=True, text=True).stdout)
    expressible = {c["code"] for c in codes if c["json_schema"]}
    schemas = {
        "Manifest": json.load(open(os.path.join(schema_dir, "manifest.schema.json"))),
        "FloeSpec": json.load(open(os.path.join(schema_dir, "floe.schema.json"))),
    }
    floe_errors = {}
    for m in DIAG.finditer(stderr):
        floe_errors.setdefault(os.path.normpath(m["file"]), set()).add(m["code"])
    for line in stderr.splitlines():  # --log-format json
        if line.startswith("{"):
            d = json.loads(line)
            if d.get("severity") == "error" and "file" in d:
                floe_errors.setdefault(os.path.normpath(d["file"]), set()).add(d["code"])
    problems = []
    for name in inputs:
        if not name.endswith((".yaml", ".yml")):
            continue
        try:
            doc = yaml.load(read(os.path.join(work, name)), Loader=yaml_loader())
        except yaml.YAMLError:
            continue  # a syntax error case: nothing for JSON Schema to judge
        if not isinstance(doc, dict) or doc.get("kind") not in schemas:
            continue
        errors = floe_errors.get(os.path.normpath(name), set())
        codes_for_file = errors & expressible  # only these must make the schema reject the file
        validator = jsonschema.Draft202012Validator(schemas[doc["kind"]])
        schema_errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
        if codes_for_file and not schema_errors:
            problems.append(f"{name}: floe reports {sorted(codes_for_file)} but the JSON Schema accepts the file")
        if not codes_for_file and schema_errors:
            first = schema_errors[0]
            where = "/".join(str(p) for p in first.path)
            problems.append(f"{name}: the JSON Schema rejects the file ({where}: {first.message}) but floe does not")
    if problems:
        fail("JSON Schema disagrees with floe:\n  " + "\n  ".join(problems))


def main():
    floe, case = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    update = os.environ.get("FLOE_UPDATE_GOLDEN") == "1"
    args = shlex.split(read(os.path.join(case, "cmd")).strip())
    with tempfile.TemporaryDirectory() as tmp:
        work = os.path.join(tmp, "case")
        shutil.copytree(case, work, ignore=shutil.ignore_patterns("expected", "cmd"))
        inputs = sorted(os.path.relpath(os.path.join(d, f), work) for d, _, fs in os.walk(work) for f in fs)
        env = dict(os.environ, SOURCE_DATE_EPOCH="1767225600", NO_COLOR="1")
        run = subprocess.run([floe] + args, cwd=work, env=env, capture_output=True, text=True)
        expected_dir = os.path.join(case, "expected")
        actual = {"exit_code": f"{run.returncode}\n", "stderr": run.stderr, "stdout": run.stdout}
        golden_files = []
        files_dir = os.path.join(expected_dir, "files")
        if os.path.isdir(files_dir):
            golden_files = sorted(
                os.path.relpath(os.path.join(d, f), files_dir) for d, _, fs in os.walk(files_dir) for f in fs)
        if update:
            write(os.path.join(expected_dir, "exit_code"), actual["exit_code"])
            write(os.path.join(expected_dir, "stderr"), actual["stderr"])
            if os.path.exists(os.path.join(expected_dir, "stdout")) or actual["stdout"]:
                write(os.path.join(expected_dir, "stdout"), actual["stdout"])
            for rel in golden_files:
                shutil.copyfile(os.path.join(work, rel), os.path.join(files_dir, rel))
            print("updated " + case)
            return
        mismatches = []
        for key in ("exit_code", "stderr", "stdout"):
            want = read(os.path.join(expected_dir, key))
            if want is None and key == "stdout":
                continue
            if want is None:
                fail(f"expected/{key} is missing (run with FLOE_UPDATE_GOLDEN=1 to create it)")
            if want != actual[key]:
                mismatches.append(f"--- expected {key}\n{want}--- actual {key}\n{actual[key]}")
        for rel in golden_files:
            got = read(os.path.join(work, rel))
            if got is None:
                mismatches.append(f"expected the command to write {rel}")
            elif got != read(os.path.join(files_dir, rel)):
                mismatches.append(f"{rel} differs from expected/files/{rel}")
        if mismatches:
            fail(f"floe {' '.join(args)}\n" + "\n".join(mismatches))
        json_schema_check(floe, work, inputs, run.stderr)
    print("ok")


if __name__ == "__main__":
    main()
