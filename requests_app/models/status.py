"""Status enums that carry their own NHS.UK tag colour, so every page shows a status the same way.

Each status ``TextChoices`` derives from ``StatusChoices`` and names its colours beside its members
(``colours``, keyed by value; blue where none is named). The ``status_tag`` template tag
(``requests_app.templatetags.formats``) renders any model's status, or a disclosure's outcome, from it.
"""

from __future__ import annotations

from django.db import models

TAG_COLOURS = frozenset(
    {"white", "grey", "green", "aqua-green", "blue", "purple", "pink", "red", "orange", "yellow"}
)


class StatusChoices(models.TextChoices):
    @property
    def tag_colour(self) -> str:
        colours: dict[str, str] = getattr(type(self), "colours", {})
        return colours.get(self.value, "blue")

    @property
    def tag_class(self) -> str:
        """The tag's modifier class, e.g. ``nhsuk-tag--green``."""
        return f"nhsuk-tag--{self.tag_colour}"
