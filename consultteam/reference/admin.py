"""Admins keep the reference rows current: they may reword and reorder them, and retire one by
unticking ``is_active``. They may not delete or add rows: the set of codes is fixed by the
models and seeded by migration 0002, and teams' commitments refer to those codes."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from consultteam.reference.models import Agreement, Assumption


class _ReferenceAdmin(admin.ModelAdmin[Any]):
    ordering = ["position", "code"]
    list_editable = ["position", "is_active"]
    list_filter = ["is_active"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # The code is the row's identity in links and the API; renaming it would break them.
        return ["public_id", "code"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Agreement)
class AgreementAdmin(_ReferenceAdmin):
    list_display = ["name", "code", "position", "is_active"]
    search_fields = ["code", "name", "description"]


@admin.register(Assumption)
class AssumptionAdmin(_ReferenceAdmin):
    list_display = [
        "statement",
        "code",
        "source",
        "restated_in_2015_skills",
        "position",
        "is_active",
    ]
    list_filter = ["source", "restated_in_2015_skills", "is_active"]
    search_fields = ["code", "statement", "intent", "guards_against", "reframe_example"]
