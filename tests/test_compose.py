"""docker-compose.yml cannot run here (no Docker engine); read it as Compose would."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return data


def test_compose_defines_the_five_services_with_health_checks() -> None:
    services = _compose()["services"]
    assert set(services) == {"web", "worker", "beat", "postgres", "redis"}
    for name, service in services.items():
        assert "healthcheck" in service, name


def test_app_services_share_one_configuration_and_wait_for_healthy_backends() -> None:
    services = _compose()["services"]
    for name in ("web", "worker", "beat"):
        service = services[name]
        assert service["environment"]["IGPORTAL_ENV"] == "production", name
        assert service["environment"]["SECRET_KEY_FILE"].startswith("/run/secrets/"), name
        assert service["depends_on"]["postgres"]["condition"] == "service_healthy", name
        assert service["depends_on"]["redis"]["condition"] == "service_healthy", name
    assert "celery -A igportal worker" in services["worker"]["command"]
    assert "celery -A igportal beat" in services["beat"]["command"]


def test_volumes_used_are_declared() -> None:
    compose = _compose()
    declared = set(compose["volumes"])
    for service in compose["services"].values():
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            if not source.startswith((".", "/")):
                assert source in declared, source


def _stages(dockerfile: str) -> dict[str, str]:
    """Each build stage's text, by its name (the last, unnamed stage is the image)."""
    stages = {}
    for block in re.split(r"^(?=FROM )", dockerfile, flags=re.MULTILINE)[1:]:
        named = re.match(r"FROM \S+(?: AS (\S+))?", block)
        assert named is not None
        stages[named.group(1) or "image"] = block
    return stages


def test_the_image_build_installs_from_the_lock_files_with_hashes() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    stages = _stages(dockerfile)
    image = stages["image"]
    assert "npm ci" in stages["frontend"]
    assert "COPY --from=frontend /app/node_modules ./node_modules" in image
    # The runtime part of requirements.lock, after the lock was checked against pyproject.toml,
    # installed by pip with every file's hash required; nothing resolved from pyproject.toml itself.
    assert "COPY pyproject.toml requirements.lock ./" in image
    run = re.search(r"^RUN python tools/lock.py check \\\n(?:.*\\\n)*.*$", image, re.MULTILINE)
    assert run is not None
    steps = [step.strip(" \\\n") for step in run.group(0).split("&&")]
    assert steps[:3] == [
        "RUN python tools/lock.py check",
        "python tools/lock.py runtime > /tmp/requirements-runtime.txt",
        "pip install --no-cache-dir --require-hashes -r /tmp/requirements-runtime.txt",
    ]
    installs = re.findall(r"pip install[^&\n]*", dockerfile)
    assert len(installs) == 2
    assert all("--require-hashes -r " in line for line in installs), installs
    assert "pip install ." not in dockerfile and "-e ." not in dockerfile
    # Whatever COPY . . brings, a venv or node_modules from the building machine is not part of it.
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".venv", "node_modules", "sbom", "secrets", ".git"} <= set(ignored)
    assert image.index("pip install") < image.index("COPY . .")
    assert "collectstatic" in image


def test_the_image_build_writes_sboms_of_both_locks_beside_the_image() -> None:
    stages = _stages((ROOT / "Dockerfile").read_text())
    assert "npm sbom --omit dev --sbom-format cyclonedx" in stages["frontend"]
    python_sbom = stages["python-sbom"]
    assert "pip install --no-cache-dir --require-hashes -r requirements.lock" in python_sbom
    assert "cyclonedx-py requirements --pyproject pyproject.toml --of JSON -o python.cdx.json" in python_sbom
    assert stages["sbom"].startswith("FROM scratch AS sbom")
    assert "COPY --from=sbom / ./sbom/" in stages["image"]
