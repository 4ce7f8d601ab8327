"""Template filters every page can use without ``{% load %}`` (a builtin in settings.TEMPLATES)."""

from __future__ import annotations

from django import template
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from igportal import people

register = template.Library()


@register.filter
def display_name(user: AbstractBaseUser | AnonymousUser | None) -> str:
    """``{{ person|display_name }}``: the one way a page names a person (``igportal.people``)."""
    return people.display_name(user)
