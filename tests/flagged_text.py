"""Wording the text checks judge, and a TIB entry of Tara's logged with it through the service
(so its flags are remembered as on any save)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from django.utils import timezone

from cases import services as clinical
from cases.choices import Actor, Setting
from cases.services.tib import TIBLogged

DAY = timezone.localdate() - dt.timedelta(days=2)
JUDGED = "Came 20 minutes late again; she was being manipulative about the schedule."


def log_tib(world: SimpleNamespace, description: str, **kwargs: Any) -> TIBLogged:
    """Tara's client missed the mark in an individual session two days ago: a TIB entry on
    Alpha's ``tara_case`` that says ``description``."""
    return clinical.tib_log(
        by=world.tara,
        team=world.alpha,
        actor=Actor.CLIENT,
        case=world.tara_case,
        category="NON_COMPLIANT",
        setting=Setting.INDIVIDUAL_SESSION,
        occurred_on=DAY,
        description=description,
        **kwargs,
    )
