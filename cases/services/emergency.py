"""Emergency (break-glass) access: a team leader or supervisor reads one case they cannot
normally see, for `BREAK_GLASS_HOURS`, after stating why; the case's primary therapist and team
leader are told at once, and a second person reviews it afterwards."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, EmergencyAccess
from cases.permissions import (
    can_open_emergency_access,
    can_open_emergency_access_to,
    can_review_emergency_access,
)
from consultteam.accounts.models import User
from consultteam.audit.models import Action
from consultteam.audit.services import audit_record
from consultteam.teams.models import Membership, Role
from consultteam.textcheck.engine import check_text
from consultteam.writes import refuse, save_valid

logger = logging.getLogger(__name__)


def _people_to_tell(case: Case) -> list[str]:
    """The case's primary therapist and its team's leader(s), active accounts only."""
    leaders = Membership.objects.filter(
        team_id=case.team_id, role=Role.TEAM_LEADER, is_active=True
    ).values("user_id")
    people = User.objects.filter(
        Q(pk=case.primary_therapist_id) | Q(pk__in=leaders), is_active=True
    ).values_list("email", flat=True)
    return sorted({email for email in people if email})


def _notify(recipients: list[str], opener_name: str, review_link: str) -> None:
    """One email each. No clinical content: not even the case code. A mail server that fails
    after the access is open must not undo it or answer 500, so the failure is logged."""
    message = (
        f"Emergency access was opened on a case of your team by {opener_name}; "
        f"review it at {review_link}"
    )
    for recipient in recipients:
        try:
            send_mail("ConsultTeam: emergency access opened", message, None, [recipient])
        except Exception:  # any transport error: logged, never raised after the commit
            logger.exception("Could not send the emergency access notice to %s", recipient)


@transaction.atomic
def emergency_access_open(
    *, case: Case, by: User, reason: str, review_link: str | None = None
) -> EmergencyAccess:
    """Open an emergency access for ``by`` to ``case`` for `BREAK_GLASS_HOURS`. Audited as
    OVERRIDE on the case (carrying the access's id) and as the access's own CREATE; after commit,
    emails the primary therapist and the team leader(s) (``review_link``, an absolute address of
    the review list, when the caller has one). Not idempotent, but a second call while the first
    is unexpired is refused: the case is already visible."""
    if not can_open_emergency_access(by):
        raise refuse("Only a team leader or a supervisor can open emergency access.")
    if not can_open_emergency_access_to(by, case):
        raise refuse(
            "Emergency access opens on the teams you lead or supervise; another team's case "
            "needs someone an administrator named on call across teams."
        )
    if Case.objects.visible_to(by).filter(pk=case.pk).exists():
        raise ValidationError(
            {"code": "You can already see this case: open it from your caseload."}
        )
    _no_identifiers_in(reason, team_id=case.team_id)
    now = timezone.now()
    access = EmergencyAccess(
        case=case,
        user=by,
        reason=reason.strip(),
        opened_at=now,
        expires_at=now + dt.timedelta(hours=settings.BREAK_GLASS_HOURS),
    )
    save_valid(access)
    audit_record(
        action=Action.OVERRIDE,
        obj=case,
        team=case.team_id,
        actor_id=by.pk,
        emergency_access=str(access.public_id),
    )
    recipients = _people_to_tell(case)
    link = review_link or reverse("emergency-review")
    name = by.display_name
    transaction.on_commit(lambda: _notify(recipients, name, link))
    return access


@transaction.atomic
def emergency_access_review(*, access: EmergencyAccess, by: User, note: str) -> EmergencyAccess:
    """Mark an emergency access reviewed by a second person (the case team's leader, or staff;
    never the opener). Safe to run twice: an access already reviewed is returned unchanged."""
    if not can_review_emergency_access(by, access):
        raise refuse("A second person reviews an emergency access: its team leader or staff.")
    access = EmergencyAccess.objects.select_for_update().get(pk=access.pk)
    if access.reviewed_at is not None:
        return access
    access.reviewed_by = by
    access.reviewed_at = timezone.now()
    access.review_note = note.strip()
    _no_identifiers_in(access.review_note, team_id=access.case.team_id, field="note")
    save_valid(access, update_fields=["reviewed_by", "reviewed_at", "review_note"])
    return access


def _no_identifiers_in(text: str, *, team_id: int, field: str = "reason") -> None:
    """The reason (and the reviewer's note) is read by others and stays in the record: it must
    describe the situation without anything that could identify the client. No override here:
    in an emergency the quickest path is to say it without the name."""
    found = [flag for flag in check_text(text, team_id=team_id) if flag.check == "identifier"]
    if found:
        what = ", ".join(f"“{flag.text}”" for flag in found)
        raise ValidationError(
            {field: f"Describe the situation without identifying the client (found {what})."}
        )
