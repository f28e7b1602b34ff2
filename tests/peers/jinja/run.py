#!/usr/bin/env python3
"""Differential test: floe's Jinja engine against Python Jinja2 configured like dbt.

    run.py RENDERER [TEMPLATES_DIR]      compare floe with Jinja2 (exit 1 on any unknown failure)
    run.py --reference-only [TEMPLATES_DIR]
                                         check the corpus itself with Jinja2 only
    run.py --write-known-gaps RENDERER [TEMPLATES_DIR]
                                         rewrite known_gaps.txt with every failing template

Corpus layout (TEMPLATES_DIR defaults to templates/ next to this file):

    templates/<group>/<NNN>_<name>.j2     the template, read as UTF-8 bytes
    templates/<group>/<NNN>_<name>.json   optional context: a JSON object of variables

Templates in the group `errors` must be rejected by Jinja2 (at parse or render time); every
other template must render.

The reference is jinja2.sandbox.SandboxedEnvironment with the extensions jinja2.ext.do and
jinja2.ext.loopcontrols, keep_trailing_newline=False, trim_blocks=False, lstrip_blocks=False,
autoescape off and the default Undefined, i.e. the dbt configuration (no dbt-specific filters
or globals).

The renderer is invoked as `RENDERER TEMPLATE_FILE [CONTEXT_JSON_FILE]`. It prints the rendered
text to stdout and exits 0, or exits 1 with a message on stderr. A template passes when Jinja2
renders it and floe prints the same bytes with exit code 0, or when Jinja2 rejects it and floe
exits 1 (the message may differ). Any other exit code (a crash) or a timeout is a failure.

known_gaps.txt (next to this file) lists templates floe does not pass yet, one path relative to
TEMPLATES_DIR per line, optionally followed by ` # reason`; blank lines and lines starting with
`#` are ignored. A listed template that fails counts as "known"; a listed template that passes
is a failure ("remove it from known_gaps.txt"), and so is a listed path with no template.
--write-known-gaps rewrites the file with every failing template, keeping the reason of entries
that were already listed unless it was generated ("fails: ..."), and exits 0.

The last line printed is `jinja-peers: N passed, M failed` followed by `, K known` when K > 0.
"""
import argparse
import concurrent.futures
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ERRORS_GROUP = "errors"
NAME_RE = re.compile(r"^(\d{3})_[a-z0-9_]+\.j2$")
ADDRESS_RE = re.compile(r" at 0x[0-9a-fA-F]+>")
TIMEOUT_SECONDS = 20


# ----------------------------------------------------------------------------------------------
# Corpus


class Case:
    def __init__(self, root, rel):
        self.rel = rel  # "group/NNN_name.j2", always with '/'
        self.path = os.path.join(root, *rel.split("/"))
        self.group = rel.split("/", 1)[0]
        ctx = self.path[: -len(".j2")] + ".json"
        self.context_path = ctx if os.path.exists(ctx) else None
        self.expect_error = self.group == ERRORS_GROUP


def discover(root):
    """Returns (cases, corpus_problems)."""
    cases, problems = [], []
    if not os.path.isdir(root):
        sys.exit(f"run.py: no templates directory {root}")
    for group in sorted(os.listdir(root)):
        gdir = os.path.join(root, group)
        if not os.path.isdir(gdir):
            continue
        names = sorted(os.listdir(gdir))
        numbers = {}
        for name in names:
            rel = f"{group}/{name}"
            if name.endswith(".j2"):
                m = NAME_RE.match(name)
                if not m:
                    problems.append((rel, "corpus: name must be NNN_lower_snake.j2"))
                else:
                    numbers.setdefault(m.group(1), []).append(name)
                cases.append(Case(root, rel))
            elif name.endswith(".json"):
                if name[: -len(".json")] + ".j2" not in names:
                    problems.append((rel, "corpus: context file without a template"))
            else:
                problems.append((rel, "corpus: unexpected file (only .j2 and .json)"))
        for number, same in numbers.items():
            if len(same) > 1:
                problems.append((f"{group}/{same[1]}", f"corpus: number {number} used twice"))
    return cases, problems


def load_context(case):
    if case.context_path is None:
        return {}
    with open(case.context_path, encoding="utf-8") as f:
        ctx = json.load(f)
    if not isinstance(ctx, dict):
        raise ValueError("context is not a JSON object")
    return ctx


# ----------------------------------------------------------------------------------------------
# Reference (Python Jinja2)


REFERENCE_VERSION = "3.1.6"  # the corpus was checked against this Jinja2


def check_reference_version():
    import jinja2

    if jinja2.__version__ != REFERENCE_VERSION:
        print(f"run.py: warning: Jinja2 {jinja2.__version__} installed, the corpus was checked "
              f"with {REFERENCE_VERSION} (filter output such as urlize/xmlattr may differ)",
              file=sys.stderr)


def make_environment():
    from jinja2.sandbox import SandboxedEnvironment

    return SandboxedEnvironment(
        extensions=["jinja2.ext.do", "jinja2.ext.loopcontrols"],
        keep_trailing_newline=False,
        trim_blocks=False,
        lstrip_blocks=False,
        autoescape=False,
    )


def render_reference(case):
    """Returns ("ok", bytes) or ("error", "ExceptionType: message")."""
    try:
        with open(case.path, "rb") as f:
            source = f.read().decode("utf-8")
        ctx = load_context(case)
    except Exception as e:  # a broken corpus file, reported by the caller
        return ("corpus", f"{type(e).__name__}: {e}")
    try:
        out = make_environment().from_string(source).render(ctx)
    except Exception as e:
        return ("error", f"{type(e).__name__}: {e}")
    return ("ok", out.encode("utf-8"))


def dump_reference(root):
    """Internal: renders the corpus and prints {rel: [status, text]} as JSON (for --reference-only)."""
    cases, _ = discover(root)
    result = {}
    for case in cases:
        status, value = render_reference(case)
        if status == "ok":
            value = value.decode("utf-8")
        result[case.rel] = [status, value]
    json.dump(result, sys.stdout)


# ----------------------------------------------------------------------------------------------
# Comparison


def clip(text, limit=90):
    r = repr(text)
    return r if len(r) <= limit else r[: limit - 3] + "..."


def first_line(text):
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return ""


def describe_difference(expected, actual):
    """One line naming the first differing line of two byte strings."""
    exp = expected.decode("utf-8", "replace").splitlines(keepends=True)
    act = actual.decode("utf-8", "replace").splitlines(keepends=True)
    for i in range(max(len(exp), len(act))):
        e = exp[i] if i < len(exp) else None
        a = act[i] if i < len(act) else None
        if e != a:
            if e is None:
                return f"first differing line {i + 1}: expected end of output, got {clip(a)}"
            if a is None:
                return f"first differing line {i + 1}: expected {clip(e)}, got end of output"
            return f"first differing line {i + 1}: expected {clip(e)}, got {clip(a)}"
    return "outputs differ"  # unreachable for different inputs


def run_renderer(renderer, case):
    cmd = [renderer, case.path] + ([case.context_path] if case.context_path else [])
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        return ("timeout", b"", b"")
    except OSError as e:  # e.g. the renderer is being rebuilt
        return ("oserror", b"", str(e).encode("utf-8"))
    return (p.returncode, p.stdout, p.stderr)


def compare(renderer, case):
    """Returns None when the template passes, else a one-line reason."""
    status, ref = render_reference(case)
    if status == "corpus":
        return f"corpus: cannot read template/context: {ref}"
    if status == "ok" and case.expect_error:
        return "corpus: Jinja2 renders this template but it is in errors/"
    code, out, err = run_renderer(renderer, case)
    # Diagnostics usually start with the template path: drop it so the message itself shows.
    err = err.replace(case.path.encode("utf-8") + b":", b"")
    if code == "timeout":
        return f"floe timed out after {TIMEOUT_SECONDS}s"
    if code == "oserror":
        return f"cannot run the renderer: {err.decode('utf-8', 'replace')}"
    if code not in (0, 1):
        how = f"was killed by signal {-code}" if code < 0 else f"exited with {code}"
        return f"floe {how} (crash?) {clip(first_line(err.decode('utf-8', 'replace')))}"
    if status == "error":
        if code == 1:
            return None
        return f"expected an error ({clip(ref, 70)}), floe rendered {clip(out.decode('utf-8', 'replace'), 60)}"
    if code == 1:
        return f"floe error: {clip(first_line(err.decode('utf-8', 'replace')), 120)}"
    if out == ref:
        return None
    return describe_difference(ref, out)


# ----------------------------------------------------------------------------------------------
# known_gaps.txt


def read_known_gaps(path):
    gaps = {}
    if not os.path.exists(path):
        return gaps
    with open(path, encoding="utf-8") as f:
        for line in f:
            text = line.strip()
            if not text or text.startswith("#"):
                continue
            rel, _, reason = text.partition("#")
            gaps[rel.strip()] = reason.strip()
    return gaps


def write_known_gaps(path, failures, old):
    lines = []
    for rel in sorted(failures):
        reason = old.get(rel, "")
        if not reason or reason.startswith("fails:"):
            reason = "fails: " + failures[rel]
        lines.append(f"{rel} # {reason.replace(chr(10), ' ')}\n")
    with open(path, "w", encoding="utf-8") as f:
        f.writelines(lines)


# ----------------------------------------------------------------------------------------------
# Modes


def summary(passed, failed, known):
    line = f"jinja-peers: {passed} passed, {failed} failed"
    if known:
        line += f", {known} known"
    print(line)


def select(cases, only):
    if not only:
        return cases
    return [c for c in cases if any(o in c.rel for o in only)]


def main_compare(args):
    renderer = os.path.abspath(args.renderer)
    if not (os.path.isfile(renderer) and os.access(renderer, os.X_OK)):
        sys.exit(f"run.py: renderer {args.renderer} is not an executable file")
    cases, problems = discover(args.templates)
    cases = select(cases, args.only)
    gaps = read_known_gaps(args.known_gaps)

    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(lambda c: (c, compare(renderer, c)), cases))

    passed = failed = known = 0
    failures = {}
    for rel, reason in problems:
        print(f"FAIL {rel}: {reason}")
        failed += 1
    for case, reason in results:
        listed = case.rel in gaps
        if reason is None:
            if listed:
                print(f"FAIL {case.rel}: passes now, remove it from known_gaps.txt")
                failed += 1
            else:
                passed += 1
                if args.verbose:
                    print(f"ok   {case.rel}")
            continue
        failures[case.rel] = reason
        if reason.startswith("corpus:"):
            print(f"FAIL {case.rel}: {reason}")
            failed += 1
        elif listed:
            known += 1
            if args.verbose:
                print(f"known {case.rel}: {reason}")
        else:
            print(f"FAIL {case.rel}: {reason}")
            failed += 1
    if not args.only:
        present = {c.rel for c in cases}
        for rel in sorted(gaps):
            if rel not in present:
                print(f"FAIL {rel}: listed in known_gaps.txt but there is no such template")
                failed += 1

    if args.write_known_gaps:
        write_known_gaps(args.known_gaps, failures, gaps)
        print(f"run.py: wrote {len(failures)} entries to {args.known_gaps}")
        summary(passed, 0, len(failures))
        return 0
    summary(passed, failed, known)
    return 1 if failed else 0


def main_reference_only(args):
    cases, problems = discover(args.templates)
    cases = select(cases, args.only)
    first = {c.rel: render_reference(c) for c in cases}
    # Render again in fresh interpreters with different hash seeds: catches set/hash ordering,
    # object addresses and anything else that varies between runs.
    reruns = []
    for seed in ("1", "4242"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        p = subprocess.run(
            [sys.executable, os.path.abspath(__file__), "--dump-reference", args.templates],
            capture_output=True, env=env, text=True,
        )
        if p.returncode != 0:
            sys.exit(f"run.py: reference re-run failed:\n{p.stderr}")
        reruns.append(json.loads(p.stdout))

    ok = bad = 0
    for rel, reason in problems:
        print(f"PROBLEM {rel}: {reason}")
        bad += 1
    for case in cases:
        status, value = first[case.rel]
        text = value.decode("utf-8") if status == "ok" else value
        issue = None
        if status == "corpus":
            issue = f"cannot read template/context: {value}"
        elif status == "error" and not case.expect_error:
            issue = f"Jinja2 raised {clip(value, 120)}"
        elif status == "ok" and case.expect_error:
            issue = f"in errors/ but Jinja2 renders it: {clip(text, 80)}"
        elif status == "ok" and ADDRESS_RE.search(text):
            issue = f"output contains an object address: {clip(text, 80)}"
        else:
            for rerun in reruns:
                if rerun.get(case.rel) != [status, text]:
                    issue = f"nondeterministic: {clip(text, 50)} vs {clip(rerun.get(case.rel), 50)}"
                    break
        if issue:
            print(f"PROBLEM {case.rel}: {issue}")
            bad += 1
        else:
            ok += 1
            if args.verbose:
                shown = text if status == "ok" else f"<error> {text}"
                print(f"ok   {case.rel}: {clip(shown, 100)}")
    print(f"jinja-peers reference: {ok} ok, {bad} problems")
    return 1 if bad else 0


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--dump-reference":
        dump_reference(sys.argv[2])
        return 0
    parser = argparse.ArgumentParser(
        description="Compare floe's Jinja renderer with Python Jinja2 (dbt configuration).",
        epilog="See the docstring of this file for the corpus layout and known_gaps.txt.",
    )
    parser.add_argument("renderer", nargs="?", help="floe renderer: RENDERER TEMPLATE [CONTEXT]")
    parser.add_argument("templates", nargs="?", default=os.path.join(HERE, "templates"),
                        help="templates directory (default: templates/ next to run.py)")
    parser.add_argument("--reference-only", action="store_true",
                        help="check the corpus with Jinja2 only (no renderer argument)")
    parser.add_argument("--write-known-gaps", action="store_true",
                        help="rewrite known_gaps.txt with every currently failing template")
    parser.add_argument("--known-gaps", default=os.path.join(HERE, "known_gaps.txt"),
                        help="known gaps file (default: known_gaps.txt next to run.py)")
    parser.add_argument("--only", action="append", metavar="SUBSTRING",
                        help="run only templates whose path contains SUBSTRING (repeatable)")
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 4)
    parser.add_argument("-v", "--verbose", action="store_true", help="also list passing templates")
    args = parser.parse_args()
    check_reference_version()

    if args.reference_only:
        # `run.py --reference-only DIR`: the single positional is the templates directory.
        if args.renderer is not None:
            if args.templates != os.path.join(HERE, "templates"):
                parser.error("--reference-only takes no renderer")
            args.templates = args.renderer
        args.templates = os.path.abspath(args.templates)
        return main_reference_only(args)
    if args.renderer is None:
        parser.error("missing RENDERER (or use --reference-only)")
    if args.write_known_gaps and args.only:
        parser.error("--write-known-gaps needs the whole corpus (no --only)")
    args.templates = os.path.abspath(args.templates)
    return main_compare(args)


if __name__ == "__main__":
    sys.exit(main())
