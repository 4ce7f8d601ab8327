from __future__ import annotations

import datetime

from django.db.models import BooleanField, Case, Q, QuerySet, Value, When

from requests_app.models import Organisation
from requests_app.models.organisations import lapsed_assurance


def organisation_list(
    *, today: datetime.date, search: str = "", kind: str = "", lapsed_only: bool = False
) -> QuerySet[Organisation]:
    """Partners by name, each with ``lapsed``: whether its assurance has lapsed on ``today``."""
    organisations = Organisation.objects.annotate(
        lapsed=Case(
            When(lapsed_assurance(today), then=Value(True)), default=Value(False), output_field=BooleanField()
        )
    )
    if search:
        organisations = organisations.filter(Q(name__icontains=search) | Q(ods_code__iexact=search))
    if kind:
        organisations = organisations.filter(kind=kind)
    if lapsed_only:
        organisations = organisations.filter(lapsed=True)
    return organisations.order_by("name")
