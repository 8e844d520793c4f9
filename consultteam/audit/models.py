"""The audit trail: who did what to which record, when, from where. Append-only.

An event names the object by its type and public id and never stores the content of a field:
the trail itself must not become a second copy of clinical material.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from consultteam.audit.querysets import AuditEventQuerySet


class Action(models.TextChoices):
    VIEW = "VIEW", "Viewed"
    CREATE = "CREATE", "Created"
    UPDATE = "UPDATE", "Changed"
    DELETE = "DELETE", "Deleted"
    EXPORT = "EXPORT", "Exported"
    OVERRIDE = "OVERRIDE", "Saved despite a warning"
    LOGIN = "LOGIN", "Signed in"
    LOGOUT = "LOGOUT", "Signed out"
    LOGIN_FAILED = "LOGIN_FAILED", "Failed sign-in"
    LOCKOUT = "LOCKOUT", "Locked out"
    GRANT = "GRANT", "Access granted"
    REVOKE = "REVOKE", "Access revoked"


class AuditEvent(models.Model):
    objects: ClassVar[AuditEventQuerySet] = AuditEventQuerySet.as_manager()  # type: ignore[assignment]

    # On PostgreSQL the database stamps the time as it inserts the event, whatever was given.
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        # People are deactivated, never deleted, so their trail stays whole.
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(max_length=16, choices=Action.choices)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    team = models.ForeignKey(
        "teams.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Names of the fields a change touched (never their values).
    fields = models.JSONField(default=list, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    # The public id of the emergency (break-glass) access the actor read the record through,
    # if that was their only way to it; blank otherwise.
    emergency_access = models.CharField(max_length=64, blank=True, default="")
    # For a VIEW of a list: the public ids of the records the page showed (one event per
    # request, never a row per record, and never their content).
    read_ids = models.JSONField(default=list, blank=True)
    # The event's place in the hash chain and its link hash, set by the database as the event
    # is inserted (consultteam/audit/chain.py). Empty on SQLite, which keeps no chain.
    seq = models.BigIntegerField(null=True, blank=True, unique=True, editable=False)
    chain_hash = models.CharField(max_length=64, blank=True, default="", editable=False)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            # One team's trail over a period, newest first, as the API filters and pages it
            # (team, a range of `at`, ordered by -at then -id, the model's own order): the index
            # holds the filter and the order together, so a plan can read the page's rows in
            # order and stop, never sorting the period (docs/performance.md).
            models.Index(fields=["team", "-at", "-id"], name="audit_team_at_newest"),
            # One team's trail newest first by id (the trail page).
            models.Index(fields=["team", "-id"], name="audit_team_newest"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
            models.Index(fields=["actor", "-at"], name="audit_actor_at"),
            models.Index(fields=["-at"], name="audit_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type} {self.object_id}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ValueError("Audit events are append-only.")
