"""Routes of invitations and two-factor resets, joined to the app's in urls.py: `urlpatterns`
are pages under /teams/, `api_urlpatterns` live under /api/v1/."""

from django.urls import URLPattern, URLResolver, path

from consultteam.teams import authenticator_views, invitation_api, invitation_views

urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "<uuid:team_id>/invitations/",
        invitation_views.team_invitations,
        name="team-invitations",
    ),
    path(
        "<uuid:team_id>/invitations/<uuid:invitation_id>/resend/",
        invitation_views.invitation_resend_page,
        name="invitation-resend",
    ),
    path(
        "<uuid:team_id>/invitations/<uuid:invitation_id>/revoke/",
        invitation_views.invitation_revoke_page,
        name="invitation-revoke",
    ),
    # The emailed link: the token is the only thing that names the invitation.
    path("invitations/<str:token>/", invitation_views.invitation_accept, name="invitation-accept"),
    path(
        "<uuid:team_id>/members/<uuid:membership_id>/two-factor-reset/",
        authenticator_views.member_two_factor_reset,
        name="team-member-two-factor-reset",
    ),
]
api_urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "teams/<uuid:team_id>/invitations/",
        invitation_api.TeamInvitationsView.as_view(),
        name="api-team-invitations",
    ),
    path(
        "teams/<uuid:team_id>/invitations/<uuid:invitation_id>/resend/",
        invitation_api.InvitationResendView.as_view(),
        name="api-invitation-resend",
    ),
    path(
        "teams/<uuid:team_id>/invitations/<uuid:invitation_id>/revoke/",
        invitation_api.InvitationRevokeView.as_view(),
        name="api-invitation-revoke",
    ),
    path(
        "invitations/accept/",
        invitation_api.InvitationAcceptView.as_view(),
        name="api-invitation-accept",
    ),
    path(
        "teams/<uuid:team_id>/members/<uuid:membership_id>/two-factor-reset/",
        invitation_api.MemberAuthenticatorResetView.as_view(),
        name="api-team-member-two-factor-reset",
    ),
]
