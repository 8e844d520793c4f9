"""Every access rule of the text checks.

Checking a text stores nothing and shows nothing but the caller's own text back, so any
signed-in, active person may do it. A team's own rules are that team's business: only its
active members may have their text checked against them.
"""

from __future__ import annotations

import uuid

from django.db.models import Q, QuerySet

from consultteam.access import AnyUser, is_active_person, team_ids_of
from consultteam.teams.models import LEADER_ROLES, OVERSEER_ROLES, Team
from consultteam.textcheck import registry
from consultteam.textcheck.models import LanguageRule, TextFlag


def can_check_text(user: AnyUser, _: None = None) -> bool:
    """Any signed-in, active person. No side effects."""
    return is_active_person(user)


def team_for_text_check(user: AnyUser, team_id: uuid.UUID) -> Team | None:
    """The team whose rules ``user`` may add to a check: one where they are an active member,
    else None (the API answers 404, as for a team that does not exist). One query."""
    return Team.objects.filter(pk__in=team_ids_of(user), public_id=team_id).first()


def visible_flags_of(user: AnyUser, object_id: uuid.UUID) -> list[TextFlag]:
    """The flags of the record ``object_id``, if ``user`` may see that record (its app's rule,
    from the registry); otherwise none, as for a record without flags."""
    flags = list(TextFlag.objects.filter(object_id=object_id).order_by("field", "start", "id"))
    if not flags or not registry.can_view_object(user, flags[0].object_type, object_id):
        return []
    return flags


def visible_flag(user: AnyUser, flag_id: uuid.UUID) -> TextFlag | None:
    """One flag, if ``user`` may see its record; else None (404, as for no such flag)."""
    flag = TextFlag.objects.filter(public_id=flag_id).first()
    if flag is None or not registry.can_view_object(user, flag.object_type, flag.object_id):
        return None
    return flag


def can_see_team_patterns(user: AnyUser, team: Team | None) -> bool:
    """The team's language patterns (counts, never by person): its leader and supervisors."""
    if team is None or not is_active_person(user):
        return False
    return team_ids_of(user, roles=OVERSEER_ROLES).filter(team_id=team.pk).exists()


# --- The team's own language rules ------------------------------------------------------------


def language_rules_visible_to(user: AnyUser) -> QuerySet[LanguageRule]:
    """The language rules ``user`` may read: the defaults (no team) and the rules of the teams
    where they are an active member. Nothing for anyone else. One subquery, no join."""
    if not is_active_person(user):
        return LanguageRule.objects.none()
    return LanguageRule.objects.filter(Q(team__isnull=True) | Q(team_id__in=team_ids_of(user)))


def can_view_language_rules(user: AnyUser, team: Team | None) -> bool:
    """The team's rules page and list: its active members, whatever their role. One query."""
    if team is None or not is_active_person(user):
        return False
    return team_ids_of(user).filter(team_id=team.pk).exists()


def can_manage_language_rules(user: AnyUser, team: Team | None) -> bool:
    """Add, change or deactivate the team's own rules: its team leader. One query."""
    if team is None or not is_active_person(user):
        return False
    return team_ids_of(user, roles=LEADER_ROLES).filter(team_id=team.pk).exists()


def can_change_language_rule(user: AnyUser, rule: LanguageRule | None) -> bool:
    """A team's own rule, by that team's leader; the defaults belong to the admins."""
    return rule is not None and rule.team is not None and can_manage_language_rules(user, rule.team)


def can_view_language_rule(user: AnyUser, rule: LanguageRule | None) -> bool:
    """One rule: a default, or a rule of a team where ``user`` is an active member."""
    return rule is not None and language_rules_visible_to(user).filter(pk=rule.pk).exists()
