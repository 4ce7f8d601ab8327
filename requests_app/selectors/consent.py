"""Reads of the withdrawals of consent and the notices they sent."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest

from requests_app.models import ConsentWithdrawal, Disclosure, DisclosureKind
from requests_app.models.flows import RELIES_ON_CONSENT
from requests_app.permissions import can_read_registers
from requests_app.selectors.registers import refuse_unseen

User = AbstractBaseUser | AnonymousUser


def get_withdrawal_for_user(
    user: User, pk: int, *, http_request: HttpRequest | None = None
) -> ConsentWithdrawal:
    withdrawal = (
        ConsentWithdrawal.objects.select_related("recorded_by")
        .prefetch_related("flows__recipient", "disclosures__recipient", "notices__organisation")
        .filter(pk=pk)
        .first()
        if can_read_registers(user)
        else None
    )
    if withdrawal is None:
        refuse_unseen(user, target_type="consent_withdrawal", label=str(pk), http_request=http_request)
    return withdrawal


def withdrawal_list(*, user: User, search: str = "") -> QuerySet[ConsentWithdrawal]:
    if not can_read_registers(user):
        return ConsentWithdrawal.objects.none()
    withdrawals = ConsentWithdrawal.objects.annotate(
        flow_count=Count("flows", distinct=True),
        disclosure_count=Count("disclosures", distinct=True),
        unsent=Count("notices", filter=Q(notices__notified_at__isnull=True), distinct=True),
    )
    if search:
        withdrawals = withdrawals.filter(
            Q(reference__icontains=search) | Q(subject_reference__icontains=search)
        )
    return withdrawals.order_by("-withdrawn_on", "-id")


def disclosures_relying_on_consent() -> QuerySet[Disclosure]:
    return (
        Disclosure.objects.filter(RELIES_ON_CONSENT, kind=DisclosureKind.DISCLOSURE)
        .select_related("recipient")
        .order_by("-disclosed_on", "reference")
    )
