"""Every access rule of the reference app.

The agreements and assumptions are shared teaching material, not clinical records: reading
them is open to any signed-in, active user, and no one writes them through the API. Admins
edit them in the admin site (see admin.py), where deletion is also refused.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework.permissions import SAFE_METHODS, BasePermission

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser
    from django.db.models import Model
    from rest_framework.request import Request
    from rest_framework.views import APIView


def can_view_reference(user: AbstractBaseUser | AnonymousUser) -> bool:
    """May ``user`` read the agreements and assumptions? Yes for any signed-in, active user.

    The ``is_active`` check repeats what sign-in already enforces, so that a deactivated
    account whose session somehow survives still reads nothing. No side effects.
    """
    return bool(user.is_authenticated and user.is_active)


class ReferenceReadOnly(BasePermission):
    """Safe methods (GET, HEAD, OPTIONS) for users who pass `can_view_reference`; everything
    else is denied, so the API can never change reference data."""

    message = "Reference data is read-only and only for signed-in team members."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return request.method in SAFE_METHODS and can_view_reference(request.user)

    def has_object_permission(self, request: Request, view: APIView, obj: Model) -> bool:
        return self.has_permission(request, view)
