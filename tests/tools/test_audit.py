"""make audit: the real pip-audit and npm audit, against advisory services run by the test on loopback.

The registries' own advisory endpoints refuse this machine (make audit says so in one line), so the
findings here come from an OSV service and an npm registry audit endpoint that the test itself
serves, with a test advisory for one package that is really in our locks. Everything between the
service and the exit status is the code make audit runs.
"""

from __future__ import annotations

import datetime as dt
import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tools import audit
from tools.lock import LOCK

ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.date.today()

# What pip-audit says of a package whose advisory page answers 404, as this machine's registry does.
SKIPPED = "Dependency not found on PyPI and could not be audited: amqp (5.4.2)"

# One real entry of requirements.lock (name, version and its published files' hashes).
SEGNO_VERSION = "1.6.6"


def _locked_entry(name: str) -> str:
    lines = LOCK.read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{name}=="))
    entry = [lines[start]]
    for line in lines[start + 1 :]:
        if not line.startswith("    --hash"):
            break
        entry.append(line)
    return "\n".join(entry).rstrip("\\ ") + "\n"


OSV_ADVISORY = {
    "id": "PYSEC-0000-TEST1",
    "aliases": ["CVE-0000-00001"],
    "summary": "Test advisory served by the test's own OSV service",
    "affected": [
        {
            "package": {"name": "segno", "ecosystem": "PyPI"},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "9.9.9"}]}],
        }
    ],
}
NPM_ADVISORY = {
    # npm caches an advisory by this number across runs: one no real advisory has.
    "id": 900000001,
    "url": "https://github.com/advisories/GHSA-test-0000-0001",
    "title": "Test advisory served by the test's own registry",
    "severity": "high",
    "vulnerable_versions": "<=2.0.8",
    "cwe": [],
    "cvss": {"score": 0, "vectorString": None},
}


class _Advisories(BaseHTTPRequestHandler):
    """OSV's POST /v1/query and npm's POST /-/npm/v1/security/advisories/bulk, one test advisory each."""

    queries: list[str]

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        self.queries.append(self.path)
        if self.path == "/v1/query":
            package = json.loads(body)["package"]["name"]
            answer: dict[str, Any] = {"vulns": [OSV_ADVISORY]} if package == "segno" else {}
        elif self.path == "/-/npm/v1/security/advisories/bulk":
            answer = {"htmx.org": [NPM_ADVISORY]}
        else:
            self.send_error(404)
            return
        data = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        # npm asks for the package document to work out a fix; none is offered here.
        self.send_error(404)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def advisory_server() -> Iterator[tuple[str, list[str]]]:
    queries: list[str] = []
    handler = type("Handler", (_Advisories,), {"queries": queries})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", queries
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A lock with two real entries and the real npm lock, so both audits have something to read."""
    (tmp_path / "requirements.lock").write_text(_locked_entry("segno") + _locked_entry("sqlparse"))
    for name in ("package.json", "package-lock.json"):
        (tmp_path / name).write_text((ROOT / name).read_text())
    return tmp_path


def _exceptions(tmp_path: Path, *entries: dict[str, Any]) -> Path:
    lines = []
    for entry in entries:
        lines.append("[[exception]]")
        for key, value in entry.items():
            lines.append(f"{key} = {value if isinstance(value, dt.date) else json.dumps(value)}")
    path = tmp_path / "audit-exceptions.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def _run(project: Path, server: str, exceptions: Path, *extra: str) -> int:
    return audit.main(
        [
            "--lock",
            str(project / "requirements.lock"),
            "--npm-dir",
            str(project),
            "--exceptions",
            str(exceptions),
            "--osv-url",
            f"{server}/v1/query",
            "--npm-registry",
            f"{server}/",
            *extra,
        ]
    )


def test_a_vulnerability_without_an_exception_fails_even_when_unreachable_would_be_skipped(
    project: Path, advisory_server: tuple[str, list[str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server, queries = advisory_server
    status = _run(project, server, _exceptions(tmp_path), "--skip-if-unreachable")
    out = capsys.readouterr().out
    assert status == 1
    assert f"segno {SEGNO_VERSION}: PYSEC-0000-TEST1 Test advisory" in out
    assert "fixed in 9.9.9. NOT EXCEPTED." in out
    assert "htmx.org <=2.0.8: GHSA-test-0000-0001 Test advisory served by the test's own registry" in out
    assert "make audit: Python, requirements.lock (2 packages): 1 known vulnerabilities." in out
    assert "make audit: npm, package-lock.json (3 packages): 1 known vulnerabilities." in out
    assert "2 known vulnerabilities without an exception in force" in out
    assert queries.count("/v1/query") == 2
    assert "/-/npm/v1/security/advisories/bulk" in queries


def test_dated_exceptions_in_force_let_the_audit_pass_and_say_why(
    project: Path, advisory_server: tuple[str, list[str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server, _ = advisory_server
    until = TODAY + dt.timedelta(days=30)
    exceptions = _exceptions(
        tmp_path,
        # Matched through an alias, as advisories are often known by their CVE.
        {
            "id": "CVE-0000-00001",
            "package": "segno",
            "reason": "QR codes are made from our own URLs only.",
            "recorded": TODAY,
            "expires": until,
        },
        {
            "id": "GHSA-test-0000-0001",
            "package": "htmx.org",
            "reason": "The affected extension is not loaded.",
            "recorded": TODAY,
            "expires": until,
        },
    )
    assert _run(project, server, exceptions) == 0
    out = capsys.readouterr().out
    assert f"Excepted until {until.isoformat()}: QR codes are made from our own URLs only." in out
    assert f"Excepted until {until.isoformat()}: The affected extension is not loaded." in out
    assert "NOT EXCEPTED" not in out


def test_an_expired_exception_fails_again(
    project: Path, advisory_server: tuple[str, list[str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server, _ = advisory_server
    recorded, expired = TODAY - dt.timedelta(days=40), TODAY - dt.timedelta(days=1)
    exceptions = _exceptions(
        tmp_path,
        {
            "id": "PYSEC-0000-TEST1",
            "package": "segno",
            "reason": "r",
            "recorded": recorded,
            "expires": expired,
        },
        {
            "id": "GHSA-test-0000-0001",
            "package": "htmx.org",
            "reason": "r",
            "recorded": TODAY,
            "expires": TODAY + dt.timedelta(days=1),
        },
    )
    assert _run(project, server, exceptions) == 1
    out = capsys.readouterr().out
    assert f"Its exception EXPIRED on {expired.isoformat()}." in out
    assert "1 known vulnerabilities without an exception in force" in out


def test_an_exception_for_another_package_does_not_cover_the_finding(
    project: Path, advisory_server: tuple[str, list[str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server, _ = advisory_server
    exceptions = _exceptions(
        tmp_path,
        {
            "id": "PYSEC-0000-TEST1",
            "package": "sqlparse",
            "reason": "r",
            "recorded": TODAY,
            "expires": TODAY + dt.timedelta(days=1),
        },
    )
    assert _run(project, server, exceptions) == 1
    out = capsys.readouterr().out
    assert (
        "PYSEC-0000-TEST1 Test advisory served by the test's own OSV service; fixed in 9.9.9. NOT EXCEPTED."
        in out
    )
    assert "exception PYSEC-0000-TEST1 (sqlparse) matches no finding now; remove it." in out


def test_unreachable_advisory_data_is_one_line_in_make_test_and_a_failure_in_make_audit(
    project: Path, closed_port: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server = f"http://127.0.0.1:{closed_port}"
    exceptions = _exceptions(tmp_path)
    assert _run(project, server, exceptions, "--skip-if-unreachable") == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1
    assert out[0].startswith(
        "make audit: advisory data could not be reached, known vulnerabilities skipped for: "
    )
    assert "pip-audit" in out[0] and "npm audit" in out[0]

    assert _run(project, server, exceptions) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "known vulnerabilities not checked for" in captured.err


def test_findings_in_the_packages_pip_audit_could_check_still_count_when_others_were_skipped() -> None:
    vuln = {"id": "PYSEC-0000-TEST1", "fix_versions": ["9.9.9"], "aliases": [], "description": "d"}
    report = {
        "dependencies": [
            {"name": "amqp", "skip_reason": SKIPPED},
            {"name": "segno", "version": "1.6.6", "vulns": [vuln]},
        ],
        "fixes": [],
    }
    result = audit.python_findings(report)
    assert [(f.package, f.id) for f in result.findings] == [("segno", "PYSEC-0000-TEST1")]
    assert result.unchecked is not None and result.unchecked.startswith("pip-audit could not check 1 of 2")
    _, unexcepted = audit.judge([result], [], TODAY, complete=False)
    assert unexcepted == 1


def test_packages_pip_audit_skipped_count_as_unchecked_not_as_clean() -> None:
    report = {
        "dependencies": [
            {
                "name": "amqp",
                "skip_reason": "Dependency not found on PyPI and could not be audited: amqp (5.4.2)",
            },
            {"name": "segno", "version": "1.6.6", "vulns": []},
        ],
        "fixes": [],
    }
    with pytest.raises(audit.Unreachable, match=r"could not check 1 of 2 packages"):
        audit.python_findings(report)


def test_a_refused_npm_audit_endpoint_counts_as_unreachable_and_other_npm_errors_fail() -> None:
    refused = {
        "message": "405 Method Not Allowed - POST http://registry.invalid/-/npm/v1/security/advisories/bulk",
        "statusCode": 405,
    }
    with pytest.raises(audit.Unreachable, match="405 Method Not Allowed"):
        audit.npm_findings(refused)
    no_lock = {"error": {"code": "ENOLOCK", "summary": "This command requires an existing lockfile."}}
    with pytest.raises(audit.AuditError, match="ENOLOCK"):
        audit.npm_findings(no_lock)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            {"id": "X-1", "package": "p", "reason": "", "recorded": TODAY, "expires": TODAY},
            "exception 1 lacks reason",
        ),
        (
            {"id": "X-1", "package": "p", "reason": "r", "recorded": "2026-12-04", "expires": "2027-01-04"},
            "must be dates",
        ),
        (
            {"id": "X-1", "package": "p", "reason": "r", "recorded": TODAY, "expires": TODAY},
            "expires must fall after recorded",
        ),
        (
            {
                "id": "X-1",
                "package": "p",
                "reason": "r",
                "recorded": TODAY,
                "expires": TODAY + dt.timedelta(days=91),
            },
            "within 90 days",
        ),
    ],
)
def test_an_exception_without_a_reason_or_a_sound_date_stops_the_audit(
    tmp_path: Path, entry: dict[str, Any], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _exceptions(tmp_path, entry)
    with pytest.raises(audit.AuditError, match=message):
        audit.load_exceptions(path.read_text())
    assert audit.main(["--exceptions", str(path)]) == 1
    assert message in capsys.readouterr().err


def test_the_committed_exceptions_file_is_valid() -> None:
    audit.load_exceptions((ROOT / "audit-exceptions.toml").read_text())
