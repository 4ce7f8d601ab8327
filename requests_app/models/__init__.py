from requests_app.models.access import (
    AccessRequest,
    AccessRequestChannel,
    AccessRequestClarification,
    AccessRequestCounter,
    AccessRequestHistory,
    AccessRequestKind,
    AccessRequestOutcome,
    AccessRequestStatus,
    IdentityMethod,
)
from requests_app.models.api_tokens import ApiToken, ApiTokenScope
from requests_app.models.delegations import Delegation
from requests_app.models.disclosures import (
    ConsentWithdrawal,
    ConsentWithdrawalNotice,
    Disclosure,
    DisclosureKind,
)
from requests_app.models.dpias import Dpia, DpiaHistory, DpiaRisk, DpiaStatus, RiskLevel
from requests_app.models.flows import DataFlow, DataFlowHistory, DataFlowReview, DataFlowStatus, FlowSchedule
from requests_app.models.incidents import (
    Incident,
    IncidentCategory,
    IncidentHistory,
    IncidentKind,
    IncidentStatus,
)
from requests_app.models.isas import (
    AgreementDocument,
    AgreementHistory,
    AgreementStatus,
    AgreementVersion,
    SharingAgreement,
)
from requests_app.models.notifications import DeliveryStatus, Notification
from requests_app.models.organisations import (
    Nation,
    Organisation,
    OrganisationKind,
    OrganisationPolicy,
    OrganisationSettings,
    SiroSignOff,
)
from requests_app.models.outbox import OutboxMessage
from requests_app.models.reminders import ReminderMilestone, SweepRun
from requests_app.models.sharing import (
    Assessment,
    DataItemType,
    Decision,
    DecisionRecord,
    OverrideKind,
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
from requests_app.models.sso import ExternalIdentity, RoleMapping

__all__ = [
    "AccessRequest",
    "AccessRequestChannel",
    "AccessRequestClarification",
    "AccessRequestCounter",
    "AccessRequestHistory",
    "AccessRequestKind",
    "AccessRequestOutcome",
    "AccessRequestStatus",
    "AgreementDocument",
    "AgreementHistory",
    "AgreementStatus",
    "AgreementVersion",
    "ApiToken",
    "ApiTokenScope",
    "Assessment",
    "ConsentWithdrawal",
    "ConsentWithdrawalNotice",
    "DataFlow",
    "DataFlowHistory",
    "DataFlowReview",
    "DataFlowStatus",
    "DataItemType",
    "Decision",
    "DecisionRecord",
    "Delegation",
    "DeliveryStatus",
    "Disclosure",
    "DisclosureKind",
    "Dpia",
    "DpiaHistory",
    "DpiaRisk",
    "DpiaStatus",
    "ExternalIdentity",
    "FlowSchedule",
    "IdentityMethod",
    "Incident",
    "IncidentCategory",
    "IncidentHistory",
    "IncidentKind",
    "IncidentStatus",
    "Nation",
    "Notification",
    "Organisation",
    "OrganisationKind",
    "OrganisationPolicy",
    "OrganisationSettings",
    "OutboxMessage",
    "OverrideKind",
    "ReferenceCounter",
    "ReminderMilestone",
    "RequestComment",
    "RequestHistory",
    "RequestItem",
    "RequestStatus",
    "RiskLevel",
    "RoleMapping",
    "SharingAgreement",
    "SharingRequest",
    "SharingRequestGroupObjectPermission",
    "SharingRequestUserObjectPermission",
    "SignOff",
    "SignOffStage",
    "SiroSignOff",
    "SupportingDocument",
    "SweepRun",
]
from requests_app.models.audit import AuditEvent
from requests_app.models.sessions import UserSession

__all__ = ["AuditEvent", "Nation", "Organisation", "OrganisationKind", "OrganisationSettings", "UserSession"]
