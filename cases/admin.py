"""Administrators manage cases (code, stage, status), never their clinical content: TIB entries
and chain analyses are not in the admin (DOMAIN.md section 3, "nothing by default")."""

from django.contrib import admin

from cases.models import Case


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin[Case]):
    list_display = ["code", "team", "primary_therapist", "stage", "status", "opened", "closed"]
    list_filter = ["team", "stage", "status"]
    search_fields = ["code"]
    readonly_fields = ["public_id", "code", "created_at", "updated_at"]
    list_select_related = ["team", "primary_therapist"]
    autocomplete_fields = ["primary_therapist"]
