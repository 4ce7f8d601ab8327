from requests_app.models.organisations import Nation, Organisation, OrganisationKind, OrganisationSettings

__all__ = ["Nation", "Organisation", "OrganisationKind", "OrganisationSettings"]
