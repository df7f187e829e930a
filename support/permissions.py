"""API permissions: deny by default; each view names who may use it."""

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from support.roles import is_staff_member


class DenyAll(BasePermission):
    def has_permission(self, request: Request, view: object) -> bool:
        return False


class IsStaffMember(BasePermission):
    def has_permission(self, request: Request, view: object) -> bool:
        return bool(request.user and is_staff_member(request.user))


class IsSignedIn(BasePermission):
    def has_permission(self, request: Request, view: object) -> bool:
        return bool(request.user and request.user.is_authenticated)
