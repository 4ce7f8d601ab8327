"""requirements.lock: IG Portal's one lock file, and the commands that write, check and read it.

    python tools/lock.py lock [UV ARGS]  re-resolve pyproject.toml into requirements.lock (make lock)
    python tools/lock.py check           exit 1, in one line, when pyproject.toml changed since
    python tools/lock.py runtime         print the runtime part, for pip install --require-hashes

The file is pip's own format (`name==version ; marker --hash=sha256:...`), written by `uv pip compile
--universal --generate-hashes`: the runtime set first, then what the dev extra adds, with a
fingerprint of pyproject.toml's dependency declarations in the header. Why this and not uv.lock:
SECURITY.md ("How dependencies are locked").

Standard library only: `check` and `runtime` run before anything is installed (a new venv, the
Dockerfile's python image).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = ROOT / "pyproject.toml"
LOCK = ROOT / "requirements.lock"

FINGERPRINT_PREFIX = "# pyproject.toml dependencies sha256: "
RUNTIME_HEADING = "# ---- runtime: make run, make install and the Docker image install this part ----"
DEV_HEADING = "# ---- the dev extra adds (make test, make lock, make audit, make sbom) ----"
HEADER = """\
# IG Portal's one lock file: every Python package, pinned, with the sha256 of each file published
# for it. Written by `make lock` (tools/lock.py, uv pip compile --universal); do not edit by hand.
# pip installs it with --require-hashes: the runtime part alone, or the whole file with the dev extra.
"""
# Every resolution targets the Python the project runs on; --universal keeps the markers for the
# others (Windows, PyPy, Python 3.11.0-3.11.2 as in Debian 12), so one file serves every machine.
COMPILE = [
    "pip",
    "compile",
    "pyproject.toml",
    "--universal",
    "--python-version",
    "3.11",
    "--generate-hashes",
    "--no-emit-index-url",
    "--no-header",
    "--quiet",
]


class LockError(Exception):
    pass


def dependency_fingerprint(pyproject_text: str) -> str:
    """What the lock was resolved from: the declarations, not the file's formatting or its tool tables."""
    project = tomllib.loads(pyproject_text)["project"]
    inputs = {
        "requires-python": project.get("requires-python"),
        "dependencies": project.get("dependencies", []),
        "optional-dependencies": project.get("optional-dependencies", {}),
    }
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


def recorded_fingerprint(lock_text: str) -> str | None:
    for line in lock_text.splitlines():
        if line.startswith(FINGERPRINT_PREFIX):
            return line.removeprefix(FINGERPRINT_PREFIX).strip()
    return None


def check(pyproject_text: str, lock_text: str | None) -> str | None:
    """The one-line complaint when the lock does not belong to this pyproject.toml, else None."""
    if lock_text is None:
        return "requirements.lock is missing: run 'make lock' and commit it."
    if recorded_fingerprint(lock_text) != dependency_fingerprint(pyproject_text):
        return (
            "requirements.lock is out of date: pyproject.toml's dependencies changed since it was "
            "written; run 'make lock' and commit requirements.lock."
        )
    return None


def runtime_part(lock_text: str) -> str:
    """The lines up to the dev heading: a complete, hashed requirements file of its own."""
    lines = lock_text.splitlines(keepends=True)
    headings = [i for i, line in enumerate(lines) if line.rstrip("\n") == DEV_HEADING]
    if len(headings) != 1:
        raise LockError("requirements.lock has no dev heading: run 'make lock' to rewrite it.")
    return "".join(lines[: headings[0]])


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def entries(compiled: str) -> list[tuple[str, str]]:
    """(normalised name, the entry's lines) for each requirement in uv's compiled output."""
    found: list[tuple[str, list[str]]] = []
    for line in compiled.splitlines(keepends=True):
        if line.strip() and not line[0].isspace() and not line.startswith("#"):
            name = re.split(r"[=<>!~;\[ ]", line, maxsplit=1)[0]
            found.append((_normalise(name), [line]))
        elif found:
            found[-1][1].append(line)
    return [(name, "".join(lines)) for name, lines in found]


def _requirement(entry: str) -> str:
    """`name==version ; marker` of an entry, without its hashes and notes."""
    return entry.split("\\", 1)[0].strip()


def _without_constraint_notes(entry: str, constraint_file: str) -> str:
    # Each runtime entry is also "via -c <the full resolution>"; that is how the two parts agree,
    # not a reason a person needs to read on every line.
    return "".join(
        line
        for line in entry.splitlines(keepends=True)
        if line.strip() not in (f"#   -c {constraint_file}", f"# via -c {constraint_file}")
    )


def assemble(pyproject_text: str, runtime: str, full: str) -> str:
    runtime_entries = entries(runtime)
    in_runtime = {_requirement(entry) for _, entry in runtime_entries}
    # The dev extra can widen a runtime package's marker (arrow needs tzdata everywhere, Django
    # only on Windows): the wider entry goes in the dev part too.
    dev_only = [entry for _, entry in entries(full) if _requirement(entry) not in in_runtime]
    return (
        HEADER
        + f"{FINGERPRINT_PREFIX}{dependency_fingerprint(pyproject_text)}\n"
        + f"{RUNTIME_HEADING}\n"
        + "".join(_without_constraint_notes(entry, "full.txt") for _, entry in runtime_entries)
        + f"{DEV_HEADING}\n"
        + "".join(dev_only)
    )


def lock(uv: str, extra_args: list[str]) -> None:
    """Resolve the whole set (runtime and dev) first, then the runtime set inside it, so the two agree."""
    pyproject_text = PYPROJECT.read_text()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        shutil.copy(PYPROJECT, work / "pyproject.toml")
        # uv keeps the versions already in its output file unless told to upgrade them.
        if LOCK.exists():
            shutil.copy(LOCK, work / "full.txt")
        subprocess.run(  # noqa: S603 (uv from the venv, fixed arguments)
            [uv, *COMPILE, "--extra", "dev", "-o", "full.txt", *extra_args], cwd=work, check=True
        )
        subprocess.run(  # noqa: S603
            [uv, *COMPILE, "-c", "full.txt", "-o", "runtime.txt"], cwd=work, check=True
        )
        text = assemble(pyproject_text, (work / "runtime.txt").read_text(), (work / "full.txt").read_text())
    LOCK.write_text(text)
    print(f"requirements.lock: {len(entries(text))} pinned requirements written.")


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else ""
    if command == "check":
        problem = check(PYPROJECT.read_text(), LOCK.read_text() if LOCK.exists() else None)
        if problem:
            print(problem, file=sys.stderr)
            return 1
        return 0
    if command == "runtime":
        try:
            sys.stdout.write(runtime_part(LOCK.read_text()))
        except LockError as error:
            print(error, file=sys.stderr)
            return 1
        return 0
    if command == "lock":
        uv = shutil.which("uv", path=str(Path(sys.executable).parent))
        if uv is None:
            print(
                "tools/lock.py lock: uv is not in this venv; run 'make install-dev' first.", file=sys.stderr
            )
            return 1
        lock(uv, argv[2:])
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
