from django.apps import AppConfig


class IGPortalConfig(AppConfig):
    name = "igportal"
    verbose_name = "IG Portal"

    def ready(self) -> None:
        from igportal.accounts import signals

        signals.connect()
