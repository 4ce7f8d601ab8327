"""What the register endpoints share with the register pages: the filters as the selectors take them,
and the viewing of a page of a register audited the same way the page audits it."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request

from requests_app.services.audit import audit_record


def selector_filters(filters: dict[str, Any]) -> dict[str, Any]:
    """The filter form's cleaned data as the register's selector takes it (``q`` is ``search``)."""
    cleaned = {name: value for name, value in filters.items() if name != "q"}
    cleaned["search"] = filters.get("q") or ""
    return cleaned


def audit_register_view(request: Request, register: str, filters: dict[str, Any]) -> None:
    """One ``register.view`` per page read, as ``list_page`` records it for the register's page."""
    audit_record(
        action="register.view",
        request=request._request,
        detail={
            "register": register,
            "filters": {
                name: str(value) for name, value in filters.items() if value not in ("", None, False)
            },
            "page": request.query_params.get("page") or "1",
            "via": "api",
        },
    )
