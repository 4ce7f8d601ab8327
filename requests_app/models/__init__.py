from requests_app.models.audit import AuditEvent
from requests_app.models.organisations import Nation, Organisation, OrganisationKind, OrganisationSettings
from requests_app.models.sessions import UserSession

__all__ = ["AuditEvent", "Nation", "Organisation", "OrganisationKind", "OrganisationSettings", "UserSession"]
