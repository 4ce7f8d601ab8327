"""No request closes as shared without a record of what was shared [004 6.8.3].

A one-off request reaches "shared and closed" only when its disclosure is logged (the disclosure service
closes it), and a routine or bulk one only once it is in the register of flows. "Not shared after all"
closes an approval that was never acted on, with its reason.
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist

from requests_app.models import Disclosure, DisclosureKind, SharingRequest


def close_problem(sharing_request: SharingRequest) -> str | None:
    """Why the request cannot be closed as shared yet, or None when its record exists."""
    if sharing_request.frequency in {"", "one_off"}:
        if Disclosure.objects.filter(request=sharing_request, kind=DisclosureKind.DISCLOSURE).exists():
            return None
        return (
            f"{sharing_request.reference} closes as shared when what was shared is recorded in the "
            "disclosure log; if nothing was shared, close it as not shared after all, saying why."
        )
    try:
        sharing_request.data_flow  # noqa: B018 (the related row's existence is the check)
    except ObjectDoesNotExist:
        return (
            f"{sharing_request.reference} closes once it is registered as a data flow; if nothing will "
            "be shared, close it as not shared after all, saying why."
        )
    return None
