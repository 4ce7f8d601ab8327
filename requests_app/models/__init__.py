from requests_app.models.access import (
    AccessRequest,
    AccessRequestChannel,
    AccessRequestClarification,
    AccessRequestCounter,
    AccessRequestKind,
    AccessRequestOutcome,
    AccessRequestStatus,
    IdentityMethod,
)
from requests_app.models.organisations import Nation, Organisation, OrganisationKind, OrganisationSettings

__all__ = [
    "AccessRequest",
    "AccessRequestChannel",
    "AccessRequestClarification",
    "AccessRequestCounter",
    "AccessRequestKind",
    "AccessRequestOutcome",
    "AccessRequestStatus",
    "IdentityMethod",
    "Nation",
    "Organisation",
    "OrganisationKind",
    "OrganisationSettings",
]
