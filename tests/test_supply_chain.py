"""The venv is the lock, the lock is complete and fresh, the SBOM describes it, and the licence holds."""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tools import lock

ROOT = Path(__file__).resolve().parents[1]
VENV_PYTHON = Path(sys.executable)


def _pins(text: str) -> dict[str, str]:
    """name -> version of each entry whose marker holds on this machine."""
    pins: dict[str, str] = {}
    for _, entry in lock.entries(text):
        requirement = Requirement(entry.split("\\", 1)[0].strip())
        if requirement.marker is None or requirement.marker.evaluate():
            pins[canonicalize_name(requirement.name)] = str(requirement.specifier).removeprefix("==")
    return pins


def _frozen() -> dict[str, str]:
    done = subprocess.run(
        [sys.executable, "-m", "pip", "freeze", "--all"], capture_output=True, text=True, check=True
    )
    frozen: dict[str, str] = {}
    for line in done.stdout.splitlines():
        name, _, version = line.partition("==")
        assert version, f"pip freeze lists {line!r}, which no lock line installs"
        frozen[canonicalize_name(name)] = version
    return frozen


def test_the_venv_holds_exactly_the_locked_versions() -> None:
    locked = _pins(lock.LOCK.read_text())
    frozen = _frozen()
    # `python -m venv` seeds setuptools on Python 3.11; nothing installs or needs it after that.
    if "setuptools" not in locked:
        frozen.pop("setuptools", None)
    assert frozen == locked, "the venv differs from requirements.lock: run 'make clean' and 'make test'"
    assert frozen["pip"] == locked["pip"]


def test_the_runtime_part_installs_everything_the_runtime_needs() -> None:
    """Walk the installed packages' own requirements from pyproject's dependencies: each one reached
    must be pinned in the runtime part, or the Docker image's pip install would stop."""
    runtime = _pins(lock.runtime_part(lock.LOCK.read_text()))
    full = _pins(lock.LOCK.read_text())
    assert all(full[name] == version for name, version in runtime.items())

    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    pending = [Requirement(text) for text in declared]
    seen: set[tuple[str, frozenset[str]]] = set()
    while pending:
        requirement = pending.pop()
        name = canonicalize_name(requirement.name)
        key = (name, frozenset(requirement.extras))
        if key in seen:
            continue
        seen.add(key)
        assert name in runtime, f"{name} is needed at run time but not in the runtime part"
        assert requirement.specifier.contains(runtime[name], prereleases=True), (name, runtime[name])
        for text in metadata.requires(name) or []:
            needed = Requirement(text)
            extras = requirement.extras or {""}
            if needed.marker is None or any(needed.marker.evaluate({"extra": extra}) for extra in extras):
                pending.append(needed)
    # Nothing in the runtime part that the runtime does not reach: the dev extra stays out of the image.
    assert {name for name, _ in seen} == set(runtime)


def _make(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    venv = f"VENV={VENV_PYTHON.parent.parent}"
    return subprocess.run(  # noqa: S603 (make from PATH with the test's own arguments)
        ["make", "--no-print-directory", "-f", str(ROOT / "Makefile"), *args, venv],  # noqa: S607
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "MAKEFLAGS": ""},
    )


def test_make_lock_check_fails_in_one_line_when_pyproject_changed_but_the_lock_did_not(
    tmp_path: Path,
) -> None:
    for name in ("pyproject.toml", "requirements.lock", "tools/lock.py"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        shutil.copy(ROOT / name, tmp_path / name)
    assert _make("lock-check", cwd=tmp_path).returncode == 0

    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"segno>=1.6",', '"segno>=1.6",\n    "six>=1.16",'))
    done = _make("lock-check", cwd=tmp_path)
    assert done.returncode != 0
    assert done.stderr.splitlines()[0] == (
        "requirements.lock is out of date: pyproject.toml's dependencies changed since it was written; "
        "run 'make lock' and commit requirements.lock."
    )


def test_make_test_checks_the_lock_first_and_installs_only_with_hashes() -> None:
    makefile = (ROOT / "Makefile").read_text()
    test_target = re.search(r"^test: (.*)$", makefile, re.MULTILINE)
    assert test_target is not None
    assert test_target.group(1).split()[0] == "lock-check"
    assert "audit-if-reachable" in test_target.group(1).split()
    installs = re.findall(r"^\t.*pip install.*$", makefile, re.MULTILINE)
    assert len(installs) == 3  # make run's, make test's and make lock's first one
    assert all("--require-hashes -r" in line for line in installs), installs


def test_make_sbom_describes_the_runtime_lock_and_the_npm_lock(tmp_path: Path) -> None:
    done = _make("sbom", f"SBOM_DIR={tmp_path}", cwd=ROOT)
    assert done.returncode == 0, done.stderr

    python_bom = json.loads((tmp_path / "python.cdx.json").read_text())
    assert python_bom["bomFormat"] == "CycloneDX"
    assert python_bom["metadata"]["component"]["licenses"] == [
        {"license": {"acknowledgement": "declared", "id": "MIT"}}
    ]
    runtime = lock.runtime_part(lock.LOCK.read_text())
    expected = {}
    for _, entry in lock.entries(runtime):
        requirement = Requirement(entry.split("\\", 1)[0].strip())
        version = str(requirement.specifier).removeprefix("==")
        hashes = set(re.findall(r"sha256:([0-9a-f]{64})", entry))
        expected[(canonicalize_name(requirement.name), version)] = hashes
    described = {
        (canonicalize_name(c["name"]), c["version"]): {
            h["content"] for ref in c.get("externalReferences", []) for h in ref.get("hashes", [])
        }
        for c in python_bom["components"]
    }
    assert described == expected
    assert all(c["purl"] == f"pkg:pypi/{c['name'].lower()}@{c['version']}" for c in python_bom["components"])

    npm_bom = json.loads((tmp_path / "npm.cdx.json").read_text())
    npm_lock = json.loads((ROOT / "package-lock.json").read_text())["packages"]
    shipped = {
        path.removeprefix("node_modules/"): package
        for path, package in npm_lock.items()
        if path and not package.get("dev")
    }
    assert {c["name"]: c["version"] for c in npm_bom["components"]} == {
        name: package["version"] for name, package in shipped.items()
    }
    for component in npm_bom["components"]:
        integrity = shipped[component["name"]]["integrity"]
        assert integrity.startswith("sha512-")
        assert component["hashes"][0]["alg"] == "SHA-512"
        assert integrity == "sha512-" + _b64(component["hashes"][0]["content"])
        assert component["licenses"][0]["license"]["id"] == shipped[component["name"]]["license"]


def _b64(hex_digest: str) -> str:
    return base64.b64encode(bytes.fromhex(hex_digest)).decode()


def test_the_project_is_mit_licensed_by_ig_portal_contributors() -> None:
    licence = (ROOT / "LICENSE").read_text()
    assert licence.startswith("MIT License\n")
    assert re.search(r"^Copyright \(c\) \d{4} IG Portal contributors$", licence, re.MULTILINE)
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert pyproject["project"]["license"] == "MIT"
    assert pyproject["project"]["license-files"] == ["LICENSE"]
    # PEP 639's string form needs setuptools 77 or later; older ones reject the file.
    assert pyproject["build-system"]["requires"] == ["setuptools>=77"]
    assert not any(c.startswith("License ::") for c in pyproject["project"].get("classifiers", []))
    assert json.loads((ROOT / "package.json").read_text())["license"] == "MIT"
