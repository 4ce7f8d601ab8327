"""``runserver`` for ``make run``: once the server listens, the address and the demo users, last.

Django's own start-up lines come first; the table is the last thing on the console, where a newcomer
looks, and comes again after each automatic reload.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands.runserver import Command as RunserverCommand

from requests_app.demo import demo_banner


class Command(RunserverCommand):
    help = "Serve the demo (runserver) and print the address and the demo users once it listens."

    def on_bind(self, server_port: int) -> None:
        if settings.PRODUCTION:
            raise CommandError("serve_demo is the development server for the demo; it refuses production.")
        super().on_bind(server_port)
        # runserver.handle sets addr and _raw_ipv6; django-stubs does not declare them.
        addr: str = self.addr  # type: ignore[attr-defined]
        host = f"[{addr}]" if self._raw_ipv6 else ("0.0.0.0" if addr == "0" else addr)  # type: ignore[attr-defined]  # noqa: S104
        self.stdout.write(demo_banner(f"{self.protocol}://{host}:{server_port}/"))
