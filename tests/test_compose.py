"""docker-compose.yml cannot run here (no Docker engine); read it as Compose would."""

from __future__ import annotations

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


def test_the_image_build_installs_from_the_lock_file() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "npm ci" in dockerfile
    assert "collectstatic" in dockerfile
