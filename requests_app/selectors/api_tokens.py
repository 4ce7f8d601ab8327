"""Reads of API tokens: each person sees and manages only their own."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import Http404

from requests_app.models import ApiToken


def api_tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def get_api_token_for_user(user: User, pk: int) -> ApiToken:
    """The user's own token, or 404: someone else's token is as good as absent."""
    token = api_tokens_of(user).filter(pk=pk).first()
    if token is None:
        raise Http404("No such token.")
    return token
