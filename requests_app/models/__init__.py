from requests_app.models.organisations import Nation, Organisation, OrganisationKind, OrganisationSettings
from requests_app.models.sharing import (
    Assessment,
    DataItemType,
    ReferenceCounter,
    RequestHistory,
    RequestItem,
    RequestStatus,
    SharingRequest,
    SharingRequestGroupObjectPermission,
    SharingRequestUserObjectPermission,
)

__all__ = [
    "Assessment",
    "DataItemType",
    "Nation",
    "Organisation",
    "OrganisationKind",
    "OrganisationSettings",
    "ReferenceCounter",
    "RequestHistory",
    "RequestItem",
    "RequestStatus",
    "SharingRequest",
    "SharingRequestGroupObjectPermission",
    "SharingRequestUserObjectPermission",
]
