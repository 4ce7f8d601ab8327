from requests_app.models.audit import AuditEvent
from requests_app.models.organisations import Nation, Organisation, OrganisationKind, OrganisationSettings

__all__ = ["AuditEvent", "Nation", "Organisation", "OrganisationKind", "OrganisationSettings"]
