"""`PATCH /api/v1/teams/{id}/members/{member_id}/`: change a member's role (roles.py)."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from consultteam.access import ActionRules
from consultteam.accounts.models import User
from consultteam.teams import roles
from consultteam.teams.models import Membership, Team
from consultteam.teams.permissions import can_change_member_role
from consultteam.teams.serializers import MembershipSerializer
from consultteam.teams.setup_serializers import MemberRoleInput
from consultteam.web.api import path_uuid
from consultteam.web.rules import checked_by_service


@extend_schema(tags=["teams"])
class MemberRoleView(APIView):
    permission_classes = [ActionRules]
    # Any active person gets as far as the lookup: a team they cannot see answers 404, and
    # one they see but may not change, 403 (the view asks first, then the service again).
    rules: ClassVar = {"patch": checked_by_service(can_change_member_role)}

    @extend_schema(
        operation_id="teams_member_role_change",
        summary="Change a member's role (the team's leader, or an administrator)",
        parameters=[
            path_uuid("team_id", "The team's id."),
            path_uuid("member_id", "The membership's id, as the team's members list it."),
        ],
        request=MemberRoleInput,
        responses={
            200: MembershipSerializer,
            403: OpenApiResponse(description="You see the team; only its leader changes roles."),
            404: OpenApiResponse(description="No such member on a team you can see."),
            409: OpenApiResponse(
                description=(
                    "The member is the team's only leader (make someone else leader first), "
                    "or has left the team."
                )
            ),
        },
    )
    def patch(self, request: Request, team_id: uuid.UUID, member_id: uuid.UUID) -> Response:
        team = get_object_or_404(Team.objects.visible_to(request.user), public_id=team_id)
        membership = get_object_or_404(
            Membership.objects.filter(team=team).select_related("user", "team"),
            public_id=member_id,
        )
        if not can_change_member_role(request.user, team):
            raise PermissionDenied("Only the team's leader or an administrator can change roles.")
        body = MemberRoleInput(data=request.data)
        body.is_valid(raise_exception=True)
        by = request.user
        assert isinstance(by, User)  # ActionRules let only active, signed-in people this far
        changed = roles.membership_role_change(
            membership=membership, by=by, role=body.validated_data["role"]
        )
        return Response(MembershipSerializer(changed).data)
