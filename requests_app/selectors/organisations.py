from __future__ import annotations

from django.db.models import Q, QuerySet

from requests_app.models import Organisation


def organisation_list(*, search: str = "", kind: str = "") -> QuerySet[Organisation]:
    organisations = Organisation.objects.all()
    if search:
        organisations = organisations.filter(Q(name__icontains=search) | Q(ods_code__iexact=search))
    if kind:
        organisations = organisations.filter(kind=kind)
    return organisations.order_by("name")
