"""Keep the engine's compiled rules in step with the table.

A rule saved or deleted clears this process's cache at once and again when the transaction
commits: a check that ran in between (in another thread) may have cached the old rows, and
the second clear drops them. Other processes pick the change up when their entry expires
(engine.RULES_TTL_SECONDS). `QuerySet.update()` and `bulk_create()` send no signals: code that
uses them on rules must call `engine.invalidate_rules()` itself.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from consultteam.textcheck.engine import invalidate_rules
from consultteam.textcheck.models import LanguageRule


@receiver(post_save, sender=LanguageRule, dispatch_uid="textcheck-rule-saved")
@receiver(post_delete, sender=LanguageRule, dispatch_uid="textcheck-rule-deleted")
def rule_changed(sender: type[LanguageRule], **kwargs: Any) -> None:
    invalidate_rules()
    transaction.on_commit(invalidate_rules)
