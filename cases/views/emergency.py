"""Emergency (break-glass) access: the page and API to open one, and the review list.

The person opening it cannot see the case, so there is no button on the case page: they name
the case by its team and code, as a colleague on the phone would, and state why."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from cases import services
from cases.forms import PageForm, add_service_errors
from cases.models import Case, EmergencyAccess
from cases.permissions import (
    can_list_emergency_accesses,
    can_open_emergency_access,
    can_review_emergency_access,
)
from cases.views._common import person
from consultteam.access import ActionRules
from consultteam.accounts.models import User
from consultteam.teams.models import Team

REFUSED = OpenApiResponse(description="Your role cannot take this step.")


def _case_on(team: Team, code: str) -> Case | None:
    """The case a colleague named by its code on ``team`` ("7f3k9q" finds C-7F3K9Q)."""
    code = code.strip().upper()
    if code and not code.startswith("C-"):
        code = f"C-{code}"
    return Case.objects.filter(team=team, code=code).select_related("team").first()


def _api_person(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)  # ActionRules let only active, signed-in people this far
    return user


def _to_review(user: Any) -> QuerySet[EmergencyAccess]:
    return EmergencyAccess.objects.to_review_by(user).select_related(
        "case__team", "user", "reviewed_by"
    )


# --- Pages --------------------------------------------------------------------------------------


class EmergencyOpenForm(PageForm):
    team = forms.ModelChoiceField(
        queryset=Team.objects.order_by("name"), to_field_name="public_id", label="Team"
    )
    code = forms.CharField(max_length=12, label="Case code", help_text="For example C-7F3K9Q.")
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Why you need this case now",
        help_text="At least a sentence. Your team leader and the case's therapist are told.",
    )


class ReviewNoteForm(PageForm):
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="Review note")


@login_required
@require_http_methods(["GET", "POST"])
def emergency_access(request: HttpRequest) -> HttpResponse:
    """Open an emergency access and go straight to the case."""
    user = person(request)
    if not can_open_emergency_access(user):
        raise PermissionDenied("Only a team leader or a supervisor can open emergency access.")
    form = EmergencyOpenForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        case = _case_on(form.cleaned_data["team"], form.cleaned_data["code"])
        if case is None:
            form.add_error("code", "There is no case with this code on that team.")
        else:
            try:
                services.emergency_access_open(
                    case=case,
                    by=user,
                    reason=form.cleaned_data["reason"],
                    review_link=request.build_absolute_uri(reverse("emergency-review")),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.warning(
                    request, "Emergency access is open. Everything you read is logged."
                )
                return redirect("case-detail", case_id=case.public_id)
    status_code = 400 if form.is_bound else 200
    context = {"form": form, "hours": settings.BREAK_GLASS_HOURS}
    return render(request, "cases/emergency_open.html", context, status=status_code)


def _review_list(
    request: HttpRequest,
    *,
    failed: EmergencyAccess | None = None,
    form: ReviewNoteForm | None = None,
) -> HttpResponse:
    user = person(request)
    if not can_list_emergency_accesses(user):
        raise PermissionDenied("The review list is for team leaders and administrators.")
    rows = [
        (access, form if failed is not None and access.pk == failed.pk else ReviewNoteForm())
        for access in _to_review(user).filter(reviewed_at__isnull=True)
    ]
    context = {"rows": rows, "user_id": user.pk}
    return render(
        request, "cases/emergency_review.html", context, status=400 if failed is not None else 200
    )


@login_required
@require_http_methods(["GET"])
def emergency_review(request: HttpRequest) -> HttpResponse:
    """Emergency accesses waiting for a second person's review."""
    return _review_list(request)


@require_POST
@login_required
def emergency_review_mark(request: HttpRequest, access_id: uuid.UUID) -> HttpResponse:
    user = person(request)
    access = get_object_or_404(_to_review(user), public_id=access_id)
    if not can_review_emergency_access(user, access):
        raise PermissionDenied("A second person reviews an emergency access, never its opener.")
    form = ReviewNoteForm(request.POST)
    if not form.is_valid():
        return _review_list(request, failed=access, form=form)
    services.emergency_access_review(access=access, by=user, note=form.cleaned_data["note"])
    messages.success(request, "Marked reviewed.")
    return redirect("emergency-review")


# --- API ----------------------------------------------------------------------------------------


class EmergencyAccessSerializer(serializers.ModelSerializer[EmergencyAccess]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    case = serializers.UUIDField(source="case.public_id", read_only=True)
    case_code = serializers.CharField(source="case.code", read_only=True)
    team = serializers.CharField(source="case.team.name", read_only=True)
    opened_by = serializers.CharField(source="user.display_name", read_only=True)
    reviewed_by = serializers.CharField(
        source="reviewed_by.display_name", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = EmergencyAccess
        fields = [
            "id",
            "case",
            "case_code",
            "team",
            "opened_by",
            "reason",
            "opened_at",
            "expires_at",
            "reviewed_by",
            "reviewed_at",
            "review_note",
        ]
        read_only_fields = fields


class EmergencyOpenInput(serializers.Serializer[Any]):
    team = serializers.UUIDField(help_text="The public id of the case's team.")
    code = serializers.CharField(max_length=12, help_text="The case code, e.g. C-7F3K9Q.")
    reason = serializers.CharField(help_text="Why, in at least a sentence.")


class EmergencyReviewInput(serializers.Serializer[Any]):
    note = serializers.CharField()


@extend_schema(tags=["emergency access"])
class EmergencyAccessViewSet(viewsets.GenericViewSet[EmergencyAccess]):
    """Emergency (break-glass) access: open one on a case you cannot see (team leaders and
    supervisors), and the review list (team leaders of the case's team, staff)."""

    permission_classes = [ActionRules]
    rules: ClassVar = {
        "list": can_list_emergency_accesses,
        "create": can_open_emergency_access,
        "review": can_review_emergency_access,
    }
    serializer_class = EmergencyAccessSerializer
    lookup_field = "public_id"
    lookup_url_kwarg = "access_id"
    pagination_class = None

    def get_queryset(self) -> QuerySet[EmergencyAccess]:
        return _to_review(self.request.user)

    def list(self, request: Request) -> Response:
        """Emergency accesses waiting for review, newest first."""
        waiting = self.get_queryset().filter(reviewed_at__isnull=True)
        return Response(EmergencyAccessSerializer(waiting, many=True).data)

    @extend_schema(
        request=EmergencyOpenInput, responses={201: EmergencyAccessSerializer, 403: REFUSED}
    )
    def create(self, request: Request) -> Response:
        """Open an emergency access to a case of another team for `BREAK_GLASS_HOURS`."""
        body = EmergencyOpenInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        team = Team.objects.filter(public_id=data["team"]).first()
        if team is None:
            raise serializers.ValidationError({"team": ["There is no team with this id."]})
        case = _case_on(team, data["code"])
        if case is None:
            raise serializers.ValidationError({"code": ["There is no case with this code."]})
        access = services.emergency_access_open(
            case=case,
            by=_api_person(request),
            reason=data["reason"],
            review_link=request.build_absolute_uri(reverse("emergency-review")),
        )
        return Response(EmergencyAccessSerializer(access).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=EmergencyReviewInput, responses={200: EmergencyAccessSerializer, 403: REFUSED}
    )
    @action(detail=True, methods=["post"])
    def review(self, request: Request, access_id: str) -> Response:
        """Mark it reviewed (a second person: never its opener). Safe to repeat."""
        access = self.get_object()
        body = EmergencyReviewInput(data=request.data)
        body.is_valid(raise_exception=True)
        access = services.emergency_access_review(
            access=access, by=_api_person(request), note=body.validated_data["note"]
        )
        return Response(EmergencyAccessSerializer(access).data)
