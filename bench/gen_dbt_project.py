#!/usr/bin/env python3
"""Generates a dbt project in the shape of dbt's own parse benchmark: model_N selects from
model_{N-1} (and model 0 from a seed), each model has unique, not_null and relationships tests.

    gen_dbt_project.py OUT_DIR N_MODELS
"""
import os
import sys


def main():
    out, n = sys.argv[1], int(sys.argv[2])
    os.makedirs(os.path.join(out, "models"), exist_ok=True)
    os.makedirs(os.path.join(out, "seeds"), exist_ok=True)
    with open(os.path.join(out, "dbt_project.yml"), "w") as f:
        f.write("name: bench\nversion: '1.0'\nconfig-version: 2\nprofile: bench\n"
                "models:\n  bench:\n    +materialized: view\n")
    with open(os.path.join(out, "profiles.yml"), "w") as f:
        f.write("bench:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n"
                "      path: bench.duckdb\n      threads: 1\n")
    with open(os.path.join(out, "seeds", "seed_0.csv"), "w") as f:
        f.write("id,value\n1,a\n2,b\n")
    schema = ["version: 2", "models:"]
    for i in range(n):
        parent = "ref('seed_0')" if i == 0 else f"ref('model_{i - 1}')"
        with open(os.path.join(out, "models", f"model_{i}.sql"), "w") as f:
            f.write(f"select id, value, {i} as step\nfrom {{{{ {parent} }}}}\n")
        to = "seed_0" if i == 0 else f"model_{i - 1}"
        schema += [f"  - name: model_{i}", "    columns:", "      - name: id", "        data_tests:",
                   "          - unique", "          - not_null", "          - relationships:",
                   "              arguments:", f"                to: ref('{to}')",
                   "                field: id"]
    with open(os.path.join(out, "models", "schema.yml"), "w") as f:
        f.write("\n".join(schema) + "\n")


if __name__ == "__main__":
    main()
