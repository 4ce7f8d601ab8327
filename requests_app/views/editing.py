"""The add-or-change page shared by the small registers the IG team keeps (partners, data items)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.forms import ModelForm
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from igportal.forms import show_errors
from igportal.types import AuthenticatedHttpRequest


def edit_page(
    request: AuthenticatedHttpRequest,
    *,
    allowed: bool,
    form: ModelForm[Any],
    save: Callable[[dict[str, Any]], Model],
    heading: str,
    list_url: str,
    list_text: str,
) -> HttpResponse:
    """Show the form; on a valid POST call ``save`` (a service) and go back to the list."""
    if not allowed:
        # An edit page is a right, not an object: without it the page does not exist (404), as with queues.
        raise Http404("No such page.")
    if request.method == "POST" and form.is_valid():
        try:
            saved = save({name: form.cleaned_data[name] for name in form.Meta.fields})  # type: ignore[attr-defined]
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, f"{saved} saved.")
            return redirect(list_url)
    return render(
        request,
        "requests_app/simple_form.html",
        {"form": form, "heading": heading, "back_url": list_url, "back_text": list_text},
    )
