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
from requests_app.models.api_tokens import ApiToken, ApiTokenScope
from requests_app.models.notifications import DeliveryStatus, Notification
from requests_app.models.organisations import Nation, Organisation, OrganisationKind, OrganisationSettings
from requests_app.models.reminders import ReminderMilestone, SweepRun
from requests_app.models.sharing import (
    Assessment,
    DataItemType,
    Decision,
    DecisionRecord,
    ReferenceCounter,
    RequestComment,
    RequestHistory,
    RequestItem,
    RequestStatus,
    SharingRequest,
    SharingRequestGroupObjectPermission,
    SharingRequestUserObjectPermission,
    SignOff,
    SignOffStage,
    SupportingDocument,
)

__all__ = [
    "AccessRequest",
    "AccessRequestChannel",
    "AccessRequestClarification",
    "AccessRequestCounter",
    "AccessRequestKind",
    "AccessRequestOutcome",
    "AccessRequestStatus",
    "ApiToken",
    "ApiTokenScope",
    "Assessment",
    "DataItemType",
    "Decision",
    "DecisionRecord",
    "DeliveryStatus",
    "IdentityMethod",
    "Nation",
    "Notification",
    "Organisation",
    "OrganisationKind",
    "OrganisationSettings",
    "ReferenceCounter",
    "ReminderMilestone",
    "RequestComment",
    "RequestHistory",
    "RequestItem",
    "RequestStatus",
    "SharingRequest",
    "SharingRequestGroupObjectPermission",
    "SharingRequestUserObjectPermission",
    "SignOff",
    "SignOffStage",
    "SupportingDocument",
    "SweepRun",
]
from requests_app.models.audit import AuditEvent
from requests_app.models.sessions import UserSession

__all__ = ["AuditEvent", "Nation", "Organisation", "OrganisationKind", "OrganisationSettings", "UserSession"]
