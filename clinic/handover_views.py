"""The handover page: a member's work on the team, each piece with a choice of who takes it over
(or closing it), and the last day. Sending it ends the membership (`clinic/last_day.py`). For
the team's leader or an administrator; other members get 403, anyone outside the team 404."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from clinic.handover import Handover, HandoverItem, Outcome, membership_handover
from clinic.last_day import Decision, MembershipEnded, membership_end
from clinic.permissions import can_end_membership
from consultteam.plural import counted
from consultteam.teams.models import Membership, Team
from consultteam.web import person
from consultteam.web.attempt import attempt
from consultteam.web.forms import PageForm

CLOSE = "close"


def _field_name(item: HandoverItem) -> str:
    return f"decide-{item.kind}-{item.id}"


class HandoverForm(PageForm):
    """The last day, and one choice per item: "close", or the membership id of a candidate."""

    left_on = forms.DateField(
        label="Last day",
        help_text="Today or earlier. Their access to the team ends as soon as this is sent.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, handover: Handover, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.handover = handover
        for item in handover.items:
            choices = [("", "Choose…"), (CLOSE, item.close_means)]
            choices += [
                (
                    str(member.public_id),
                    f"Hand over to {member.user.display_name} ({member.get_role_display()})",
                )
                for member in item.candidates
            ]
            self.fields[_field_name(item)] = forms.ChoiceField(label=item.label, choices=choices)

    def decisions(self) -> list[Decision]:
        made = []
        for item in self.handover.items:
            choice = self.cleaned_data[_field_name(item)]
            if choice == CLOSE:
                made.append(Decision(kind=item.kind, id=item.id, outcome=Outcome.CLOSE))
            else:
                made.append(
                    Decision(
                        kind=item.kind, id=item.id, outcome=Outcome.REASSIGN, to=uuid.UUID(choice)
                    )
                )
        return made

    def item_fields(self) -> list[forms.BoundField]:
        return [self[_field_name(item)] for item in self.handover.items]


@login_required
@require_http_methods(["GET", "POST"])
def member_handover(request: HttpRequest, team_id: uuid.UUID, member_id: uuid.UUID) -> HttpResponse:
    by = person(request)
    team = Team.objects.visible_to(by).filter(public_id=team_id).first()
    membership = (
        Membership.objects.visible_to(by)
        .filter(team=team, public_id=member_id)
        .select_related("team", "user")
        .first()
    )
    if team is None or membership is None:
        raise Http404
    if not can_end_membership(by, membership):
        raise PermissionDenied("Only the team's leader or an administrator can end a membership.")
    if not membership.is_active:
        return render(request, "clinic/handover.html", {"team": team, "membership": membership})
    handover = membership_handover(membership, by=by)
    status = 200
    if request.method == "POST":
        form = HandoverForm(request.POST, handover=handover)
        done = attempt(
            form,
            lambda data: membership_end(
                membership=membership, by=by, left_on=data["left_on"], decisions=form.decisions()
            ),
        )
        if done.done:
            messages.success(request, _ended_message(done.result))
            return redirect("team-detail", team.public_id)
        status = done.status
    else:
        form = HandoverForm(handover=handover, initial={"left_on": timezone.localdate()})
    return render(
        request,
        "clinic/handover.html",
        {"team": team, "membership": membership, "handover": handover, "form": form},
        status=status,
    )


def _ended_message(ended: MembershipEnded) -> str:
    """What the leader needs to hear: whose membership ended, and how many records changed
    hands or closed (counts only, as in the audit trail)."""
    handed = sum(ended.reassigned.values())
    closed = sum(ended.closed.values())
    person = ended.membership.user.display_name
    return (
        f"{person}'s membership has ended: {counted(handed, 'record')} handed over, "
        f"{closed} closed, {counted(ended.grants_ended, 'grant')} ended."
    )
