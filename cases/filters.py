"""Query parameters of the clinical record's lists. Each set is validated by a serializer whose
fields are built once (consultteam/queryparams.py), so an unknown value answers 400 naming the
parameter, and applied to a queryset already scoped by `visible_to`: a filter can only narrow
what the caller may see, never widen it."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from rest_framework import serializers

from cases.choices import (
    Actor,
    CaseStatus,
    ChainKind,
    ChainStatus,
    ChainSubject,
    Stage,
    TIBCategory,
    TIBStatus,
)
from cases.models import Case, ChainAnalysis, TIBEntry
from consultteam.queryparams import QueryParams, days_in_order
from consultteam.queryparams import cleaned as cleaned  # the lists validate with it from here


class _DateRange(QueryParams):
    since = serializers.DateField(required=False, help_text="From this day, inclusive.")
    until = serializers.DateField(required=False, help_text="To this day, inclusive.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        days_in_order(attrs)
        return attrs


class CaseFilter(QueryParams):
    team = serializers.UUIDField(required=False, help_text="The team's id.")
    status = serializers.ChoiceField(required=False, choices=CaseStatus.choices)
    stage = serializers.ChoiceField(required=False, choices=Stage.choices)
    mine = serializers.BooleanField(
        required=False,
        help_text="true: only cases where you are the primary therapist; false: the others.",
    )


class TIBFilter(_DateRange):
    case = serializers.UUIDField(required=False, help_text="The case's id.")
    team = serializers.UUIDField(required=False, help_text="The team's id.")
    actor = serializers.ChoiceField(required=False, choices=Actor.choices)
    category = serializers.ChoiceField(required=False, choices=TIBCategory.choices)
    status = serializers.ChoiceField(required=False, choices=TIBStatus.choices)
    shared = serializers.BooleanField(required=False, help_text="Brought to team or not.")
    # since / until (from _DateRange) apply to the day it happened (occurred_on).


class ChainFilter(_DateRange):
    case = serializers.UUIDField(required=False, help_text="The case's id.")
    team = serializers.UUIDField(required=False, help_text="The team's id.")
    status = serializers.ChoiceField(required=False, choices=ChainStatus.choices)
    kind = serializers.ChoiceField(required=False, choices=ChainKind.choices)
    subject = serializers.ChoiceField(required=False, choices=ChainSubject.choices)
    # since / until (from _DateRange) apply to the day of the behaviour (behavior_on).


def filter_cases(
    cases: QuerySet[Case], params: Mapping[str, Any], *, person: int
) -> QuerySet[Case]:
    if isinstance(team := params.get("team"), uuid.UUID):
        cases = cases.filter(team__public_id=team)
    if status := params.get("status"):
        cases = cases.filter(status=status)
    if stage := params.get("stage"):
        cases = cases.filter(stage=stage)
    if (mine := params.get("mine")) is not None:
        cases = (
            cases.filter(primary_therapist_id=person)
            if mine
            else cases.exclude(primary_therapist_id=person)
        )
    return cases


def filter_tib_entries(
    entries: QuerySet[TIBEntry], params: Mapping[str, Any]
) -> QuerySet[TIBEntry]:
    if isinstance(case := params.get("case"), uuid.UUID):
        entries = entries.filter(case__public_id=case)
    if isinstance(team := params.get("team"), uuid.UUID):
        entries = entries.filter(team__public_id=team)
    for name in ("actor", "category", "status"):
        if value := params.get(name):
            entries = entries.filter(**{name: value})
    if (shared := params.get("shared")) is not None:
        entries = entries.filter(shared_with_team=shared)
    if isinstance(since := params.get("since"), dt.date):
        entries = entries.filter(occurred_on__gte=since)
    if isinstance(until := params.get("until"), dt.date):
        entries = entries.filter(occurred_on__lte=until)
    return entries


def filter_chains(
    chains: QuerySet[ChainAnalysis], params: Mapping[str, Any]
) -> QuerySet[ChainAnalysis]:
    if isinstance(case := params.get("case"), uuid.UUID):
        chains = chains.filter(case__public_id=case)
    if isinstance(team := params.get("team"), uuid.UUID):
        chains = chains.filter(team__public_id=team)
    for name in ("status", "kind", "subject"):
        if value := params.get(name):
            chains = chains.filter(**{name: value})
    if isinstance(since := params.get("since"), dt.date):
        chains = chains.filter(behavior_on__gte=since)
    if isinstance(until := params.get("until"), dt.date):
        chains = chains.filter(behavior_on__lte=until)
    return chains
