"""make audit: the locked Python and npm packages against the registries' published advisories.

pip-audit reads requirements.lock (PyPI's advisory data, or an OSV service given with --osv-url);
`npm audit --omit=dev` reads package-lock.json (the npm registry's advisories, or --npm-registry).
A finding fails the run unless audit-exceptions.toml records it with a reason and an expiry date
that has not passed. Exit status: 0 nothing unexcepted, 1 a finding or a bad exceptions file,
2 the advisory data could not be fetched (0 with --skip-if-unreachable, which make test uses, after
one line saying so). SECURITY.md has the policy.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
EXCEPTIONS = ROOT / "audit-exceptions.toml"
# An exception is a decision to live with a known hole for a while, not for ever.
MAX_EXCEPTION_DAYS = 90
TOOL_TIMEOUT_SECONDS = 600
PREFIX = "make audit:"

# How requests (under pip-audit) and npm say that a service did not answer or refused to.
_PIP_AUDIT_UNREACHABLE = re.compile(
    r"requests\.exceptions\.|urllib3\.exceptions\.|Max retries exceeded|Failed to establish|"
    r"ServiceError|Could not connect|timed out|Temporary failure in name resolution|Name or service not known"
)
_NPM_UNREACHABLE = re.compile(
    r"audit endpoint|request to \S+ failed|ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|"
    r"socket hang up|Method Not Allowed|\b[45]\d\d\b"
)


class Unreachable(Exception):
    """The advisory data could not be fetched, so nothing was checked."""


class AuditError(Exception):
    """A tool failed for a reason other than the network, or the exceptions file is wrong."""


@dataclass(frozen=True)
class Finding:
    ecosystem: str
    package: str
    version: str
    id: str
    aliases: tuple[str, ...]
    summary: str
    fixed_in: tuple[str, ...]

    @property
    def ids(self) -> set[str]:
        return {self.id, *self.aliases}


@dataclass(frozen=True)
class AuditException:
    id: str
    package: str
    reason: str
    recorded: dt.date
    expires: dt.date


@dataclass(frozen=True)
class Result:
    ecosystem: str
    source: str
    packages: int
    findings: tuple[Finding, ...]
    # Why some packages were not checked, when the advisory data answered for only part of the lock.
    unchecked: str | None = None


def load_exceptions(text: str) -> list[AuditException]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise AuditError(f"audit-exceptions.toml is not valid TOML: {error}") from error
    found = []
    for number, entry in enumerate(data.get("exception", []), start=1):
        missing = [key for key in ("id", "package", "reason", "recorded", "expires") if not entry.get(key)]
        if missing:
            raise AuditError(f"audit-exceptions.toml exception {number} lacks {', '.join(missing)}.")
        recorded, expires = entry["recorded"], entry["expires"]
        if not isinstance(recorded, dt.date) or not isinstance(expires, dt.date):
            raise AuditError(
                f"audit-exceptions.toml exception {entry['id']}: recorded and expires must be dates "
                "(2026-12-04, no quotes)."
            )
        if not recorded < expires <= recorded + dt.timedelta(days=MAX_EXCEPTION_DAYS):
            raise AuditError(
                f"audit-exceptions.toml exception {entry['id']}: expires must fall after recorded and "
                f"within {MAX_EXCEPTION_DAYS} days of it."
            )
        found.append(
            AuditException(
                id=str(entry["id"]),
                package=str(entry["package"]).lower(),
                reason=str(entry["reason"]),
                recorded=recorded,
                expires=expires,
            )
        )
    return found


def python_findings(report: dict[str, Any]) -> Result:
    """pip-audit's JSON. A package it skipped was not checked: pip-audit reads a refused or missing
    advisory page as "not on PyPI", so a skip means the data was not there, never "no findings".
    What the packages it did check showed still counts."""
    dependencies = report.get("dependencies", [])
    skipped = [dep for dep in dependencies if dep.get("skip_reason")]
    unchecked = (
        f"pip-audit could not check {len(skipped)} of {len(dependencies)} packages "
        f"({skipped[0]['skip_reason']})"
        if skipped
        else None
    )
    findings = [
        Finding(
            ecosystem="Python",
            package=dep["name"].lower(),
            version=dep["version"],
            id=vuln["id"],
            aliases=tuple(vuln.get("aliases", [])),
            summary=" ".join(str(vuln.get("description") or "").split())[:160],
            fixed_in=tuple(vuln.get("fix_versions", [])),
        )
        for dep in dependencies
        for vuln in dep.get("vulns", [])
    ]
    if unchecked and not findings:
        raise Unreachable(unchecked)
    return Result("Python", "requirements.lock", len(dependencies), tuple(findings), unchecked)


def _advisory_id(via: dict[str, Any]) -> str:
    match = re.search(r"GHSA(-[0-9a-z]{4}){3}", str(via.get("url", "")))
    return match.group(0) if match else f"npm-{via.get('source')}"


def npm_findings(report: dict[str, Any]) -> Result:
    """`npm audit --json` (report version 2): one finding per advisory, on the package it names."""
    if "vulnerabilities" not in report:
        message = str(report.get("message") or report.get("error") or report)
        if _NPM_UNREACHABLE.search(message) or "statusCode" in report:
            raise Unreachable(f"npm audit: {message.splitlines()[0][:200]}")
        raise AuditError(f"npm audit failed: {message[:300]}")
    findings = []
    for vulnerability in report["vulnerabilities"].values():
        for via in vulnerability.get("via", []):
            # A string names another vulnerable package in the chain; that package has its own entry.
            if isinstance(via, dict):
                findings.append(
                    Finding(
                        ecosystem="npm",
                        package=str(via.get("name", vulnerability["name"])).lower(),
                        version=str(via.get("range", "")),
                        id=_advisory_id(via),
                        aliases=(),
                        summary=str(via.get("title", "")),
                        fixed_in=(),
                    )
                )
    counts = report.get("metadata", {}).get("dependencies", {})
    packages = int(counts.get("total", 0)) - int(counts.get("dev", 0))
    return Result("npm", "package-lock.json", packages, tuple(findings))


def run_pip_audit(lock: Path, osv_url: str | None) -> dict[str, Any]:
    service = ["--vulnerability-service", "osv", "--osv-url", osv_url] if osv_url else []
    command = [
        sys.executable,
        "-m",
        "pip_audit",
        "--disable-pip",
        "--require-hashes",
        "--requirement",
        str(lock),
        "--format",
        "json",
        "--progress-spinner",
        "off",
        *service,
    ]
    done = subprocess.run(  # noqa: S603 (our own interpreter, fixed arguments)
        command, capture_output=True, text=True, timeout=TOOL_TIMEOUT_SECONDS, check=False
    )
    try:
        report: dict[str, Any] = json.loads(done.stdout)
    except json.JSONDecodeError:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        if _PIP_AUDIT_UNREACHABLE.search(done.stderr):
            raise Unreachable(f"pip-audit: {last[:200]}") from None
        raise AuditError(f"pip-audit failed (exit {done.returncode}): {last[:300]}") from None
    return report


def run_npm_audit(directory: Path, registry: str | None) -> dict[str, Any]:
    command = ["npm", "audit", "--omit=dev", "--json", *([f"--registry={registry}"] if registry else [])]
    done = subprocess.run(  # noqa: S603 (npm from PATH, as make frontend uses it)
        command, cwd=directory, capture_output=True, text=True, timeout=TOOL_TIMEOUT_SECONDS, check=False
    )
    try:
        report: dict[str, Any] = json.loads(done.stdout)
    except json.JSONDecodeError:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        if _NPM_UNREACHABLE.search(done.stderr):
            raise Unreachable(f"npm audit: {last[:200]}") from None
        raise AuditError(f"npm audit failed (exit {done.returncode}): {last[:300]}") from None
    return report


def judge(
    results: list[Result], exceptions: list[AuditException], today: dt.date, *, complete: bool = True
) -> tuple[list[str], int]:
    """The lines to print and how many findings have no exception in force. An exception is called
    stale only when every ecosystem was checked (`complete`)."""
    lines = []
    unexcepted = 0
    used: set[AuditException] = set()
    for result in results:
        if not result.findings:
            lines.append(
                f"{PREFIX} {result.ecosystem}, {result.source} ({result.packages} packages): "
                "no known vulnerabilities."
            )
            continue
        lines.append(
            f"{PREFIX} {result.ecosystem}, {result.source} ({result.packages} packages): "
            f"{len(result.findings)} known vulnerabilities."
        )
        for finding in result.findings:
            fix = f"; fixed in {', '.join(finding.fixed_in)}" if finding.fixed_in else ""
            head = f"  {finding.package} {finding.version}: {finding.id} {finding.summary}{fix}"
            match = next(
                (e for e in exceptions if e.id in finding.ids and e.package == finding.package), None
            )
            if match is None:
                unexcepted += 1
                lines.append(f"{head}. NOT EXCEPTED.")
            elif match.expires < today:
                unexcepted += 1
                used.add(match)
                lines.append(f"{head}. Its exception EXPIRED on {match.expires.isoformat()}.")
            else:
                used.add(match)
                lines.append(f"{head}. Excepted until {match.expires.isoformat()}: {match.reason}")
    for stale in (e for e in exceptions if complete and e not in used):
        lines.append(f"{PREFIX} exception {stale.id} ({stale.package}) matches no finding now; remove it.")
    if unexcepted:
        lines.append(
            f"{PREFIX} {unexcepted} known vulnerabilities without an exception in force: upgrade "
            "(make lock LOCK_ARGS='--upgrade-package NAME', or a new version in package.json) or record "
            "a dated exception in audit-exceptions.toml (SECURITY.md)."
        )
    return lines, unexcepted


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-if-unreachable", action="store_true")
    parser.add_argument("--lock", type=Path, default=ROOT / "requirements.lock")
    parser.add_argument("--npm-dir", type=Path, default=ROOT, help="the folder with package-lock.json")
    parser.add_argument("--exceptions", type=Path, default=EXCEPTIONS)
    parser.add_argument("--osv-url", help="query this OSV service instead of PyPI's advisory data")
    parser.add_argument("--npm-registry", help="ask this registry's audit endpoint instead of npm's default")
    args = parser.parse_args(argv)

    try:
        exceptions = load_exceptions(args.exceptions.read_text() if args.exceptions.exists() else "")
    except AuditError as error:
        print(f"{PREFIX} {error}", file=sys.stderr)
        return 1
    results: list[Result] = []
    unreachable: list[str] = []
    checks = (
        (lambda: python_findings(run_pip_audit(args.lock, args.osv_url))),
        (lambda: npm_findings(run_npm_audit(args.npm_dir, args.npm_registry))),
    )
    for check in checks:
        try:
            result = check()
            results.append(result)
            if result.unchecked:
                unreachable.append(result.unchecked)
        except Unreachable as error:
            unreachable.append(str(error))
        except (AuditError, subprocess.TimeoutExpired) as error:
            print(f"{PREFIX} {error}", file=sys.stderr)
            return 1
    lines, unexcepted = judge(results, exceptions, dt.date.today(), complete=not unreachable)
    for line in lines:
        print(line)
    if unreachable:
        what = "skipped" if args.skip_if_unreachable else "not checked"
        print(
            f"{PREFIX} advisory data could not be reached, known vulnerabilities {what} for: "
            + "; ".join(unreachable),
            file=sys.stderr if not args.skip_if_unreachable else sys.stdout,
        )
    if unexcepted:
        return 1
    if unreachable and not args.skip_if_unreachable:
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
