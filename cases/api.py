"""The clinical record in the API: cases, the TIB log and chain analyses.

Thin views. Every lookup starts from `visible_to`, so an object the caller may not see answers
404 (nested links and consequences are found through their visible analysis). Each action has
its rule in `rules` (ActionRules refuses an action without one); every write goes through
`cases.services`, which re-checks its own rule (PermissionDenied: 403 for something the caller
can see) and answers with the fresh object. Reading a detail is audited as VIEW.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from cases import services
from cases.filters import (
    CaseFilter,
    ChainFilter,
    TIBFilter,
    cleaned,
    filter_cases,
    filter_chains,
    filter_tib_entries,
)
from cases.models import (
    Case,
    CaseUserObjectPermission,
    ChainAnalysis,
    ChainConsequence,
    ChainLink,
    TIBEntry,
)
from cases.permissions import (
    can_change_case,
    can_change_chain,
    can_change_tib,
    can_list_cases,
    can_manage_case_access,
    can_view_chain,
)
from cases.selectors import emergency_id, emergency_id_of, with_emergency_access_of
from cases.serializers import (
    AttendedInput,
    CaseDetailSerializer,
    CaseOpenInput,
    CaseSerializer,
    CaseUpdateInput,
    ChainAnalysisListSerializer,
    ChainAnalysisSerializer,
    ChainConsequenceAddInput,
    ChainLinkAddInput,
    ChainLinksReorderInput,
    ChainLinkUpdateInput,
    ChainStartInput,
    ChainStatusInput,
    ChainUpdateInput,
    CoTherapistInput,
    TIBEntrySerializer,
    TIBLoggedSerializer,
    TIBLogInput,
    TIBUpdateInput,
    VersionQuery,
    with_citations,
)
from consultteam.access import ActionRules, AnyUser, found_in_visible_to
from consultteam.accounts.models import User
from consultteam.audit.models import Action
from consultteam.audit.services import audit_record
from consultteam.pagination import NewestFirst
from consultteam.reads import only_shown
from consultteam.teams.models import Team

UUID_PATTERN = r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"

REFUSED = OpenApiResponse(description="You can see it, but your role cannot make this change.")
STALE = OpenApiResponse(
    description="Someone saved the chain analysis after the version you name: reload first."
)


def _person(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)  # ActionRules let only active, signed-in people this far
    return user


def _path_uuid(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(name, OpenApiTypes.UUID, OpenApiParameter.PATH, description=description)


def _invalid(field: str, message: str) -> serializers.ValidationError:
    return serializers.ValidationError({field: [message]})


def _case_named(user: AnyUser, case_id: uuid.UUID | None) -> Case | None:
    """The case a request body names, among those the caller can see (else 400: an unseen
    case is answered exactly like one that does not exist)."""
    if case_id is None:
        return None
    case = Case.objects.visible_to(user).select_related("team").filter(public_id=case_id).first()
    if case is None:
        raise _invalid("case", "There is no case with this id.")
    return case


def _team_named(user: AnyUser, team_id: uuid.UUID | None, case: Case | None) -> Team:
    """The team a request body names (or the case's team when it names a case only)."""
    if team_id is None:
        assert case is not None  # the input serializer asks for one or the other
        return case.team
    team = Team.objects.visible_to(user).filter(public_id=team_id).first()
    if team is None:
        raise _invalid("team", "There is no team with this id.")
    if case is not None and case.team_id != team.pk:
        raise _invalid("team", "The case belongs to another team.")
    return team


def _override(data: dict[str, Any]) -> str | None:
    """Take the identifier override out of a validated body (it is not a field of the record)."""
    return data.pop("identifier_override", None) or None


def _active_person(user_id: uuid.UUID, field: str) -> User:
    person = User.objects.filter(public_id=user_id, is_active=True).first()
    if person is None:
        raise _invalid(field, "There is no active person with this id.")
    return person


# What a line of the TIB log or of the chain analyses shows of the rows joined to it.
_RECORD_JOINS = (
    "team__public_id",
    "case__public_id",
    "case__code",
    "author__public_id",
    "author__display_name",
)


# --- Cases --------------------------------------------------------------------------------------


@extend_schema(tags=["cases"])
class CaseViewSet(viewsets.GenericViewSet[Case]):
    """Cases, known by a random code. Every active member of the team reads them."""

    permission_classes = [ActionRules]
    rules: ClassVar = {
        "list": can_list_cases,
        # The team comes in the body: case_open checks can_open_case against it.
        "create": can_list_cases,
        "retrieve": found_in_visible_to,
        "partial_update": can_change_case,
        "attended": can_change_case,
        "co_therapist_add": can_manage_case_access,
        "co_therapist_remove": can_manage_case_access,
    }
    lookup_field = "public_id"
    lookup_url_kwarg = "case_id"
    pagination_class = NewestFirst

    def get_queryset(self) -> QuerySet[Case]:
        cases = Case.objects.visible_to(self.request.user).select_related(
            "team", "primary_therapist"
        )
        if self.action == "list":
            return only_shown(
                cases,
                "team__public_id",
                "primary_therapist__public_id",
                "primary_therapist__display_name",
            )
        return cases.prefetch_related("missed_sessions")

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Case]]:
        return CaseSerializer if self.action == "list" else CaseDetailSerializer

    def _detail(self, case: Case, *, reload: bool = True) -> dict[str, Any]:
        """The case with its tallies and co-therapists, read again after a write."""
        fresh = self.get_queryset().get(pk=case.pk) if reload else case
        co_therapists = User.objects.filter(
            pk__in=CaseUserObjectPermission.objects.filter(
                content_object_id=case.pk, permission__codename="co_treat_case"
            ).values("user_id")
        ).order_by("display_name")
        return dict(CaseDetailSerializer(fresh, context={"co_therapists": co_therapists}).data)

    @extend_schema(parameters=[CaseFilter])
    def list(self, request: Request) -> Response:
        """Cases you can see, newest first."""
        params = cleaned(CaseFilter, request.query_params.dict())
        cases = filter_cases(self.get_queryset(), params, user=request.user)
        page = self.paginate_queryset(cases)
        return self.get_paginated_response(CaseSerializer(page, many=True).data)

    @extend_schema(request=CaseOpenInput, responses={201: CaseDetailSerializer, 403: REFUSED})
    def create(self, request: Request) -> Response:
        """Open a case with a fresh random code."""
        body = CaseOpenInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        therapist_id = data.get("primary_therapist")
        case = services.case_open(
            team=_team_named(request.user, data["team"], None),
            by=_person(request),
            opened=data["opened"],
            stage=data["stage"],
            primary_therapist=(
                _active_person(therapist_id, "primary_therapist") if therapist_id else None
            ),
        )
        return Response(self._detail(case), status=status.HTTP_201_CREATED)

    def retrieve(self, request: Request, case_id: str) -> Response:
        """One case. Audited as a view."""
        case = self.get_object()
        audit_record(
            action=Action.VIEW,
            obj=case,
            team=case.team,
            emergency_access=emergency_id(request.user, case),
        )
        return Response(self._detail(case, reload=False))

    @extend_schema(request=CaseUpdateInput, responses={200: CaseDetailSerializer, 403: REFUSED})
    def partial_update(self, request: Request, case_id: str) -> Response:
        """Change the stage, the status or the months opened and closed."""
        case = self.get_object()
        body = CaseUpdateInput(data=request.data)
        body.is_valid(raise_exception=True)
        services.case_update(case=case, by=_person(request), changes=body.validated_data)
        return Response(self._detail(case))

    @extend_schema(request=AttendedInput, responses={200: CaseDetailSerializer, 403: REFUSED})
    @action(detail=True, methods=["post"])
    def attended(self, request: Request, case_id: str) -> Response:
        """The client came to a session of this mode: its missed-in-a-row tally starts again."""
        case = self.get_object()
        body = AttendedInput(data=request.data)
        body.is_valid(raise_exception=True)
        services.case_session_attended(
            case=case, mode=body.validated_data["mode"], by=_person(request)
        )
        return Response(self._detail(case))

    @extend_schema(request=CoTherapistInput, responses={200: CaseDetailSerializer, 403: REFUSED})
    @action(detail=True, methods=["post"], url_path="co-therapists", url_name="co-therapists")
    def co_therapist_add(self, request: Request, case_id: str) -> Response:
        """Let a person (perhaps from another team) co-treat this case. Safe to repeat."""
        case = self.get_object()
        body = CoTherapistInput(data=request.data)
        body.is_valid(raise_exception=True)
        therapist = _active_person(body.validated_data["user"], "user")
        services.case_co_therapist_add(case=case, therapist=therapist, by=_person(request))
        return Response(self._detail(case))

    @extend_schema(
        parameters=[_path_uuid("user_id", "The co-therapist's id.")],
        request=None,
        responses={200: CaseDetailSerializer, 403: REFUSED},
    )
    @action(
        detail=True,
        methods=["delete"],
        url_path=rf"co-therapists/(?P<user_id>{UUID_PATTERN})",
        url_name="co-therapist-detail",
    )
    def co_therapist_remove(self, request: Request, case_id: str, user_id: str) -> Response:
        """Withdraw a co-therapist's access to this case. Safe to repeat."""
        case = self.get_object()
        therapist = generics.get_object_or_404(User.objects.all(), public_id=user_id)
        services.case_co_therapist_remove(case=case, therapist=therapist, by=_person(request))
        return Response(self._detail(case))


# --- The TIB log --------------------------------------------------------------------------------


@extend_schema(tags=["tib-entries"])
class TIBEntryViewSet(viewsets.GenericViewSet[TIBEntry]):
    """Therapy-interfering behaviour: the client's, the therapist's own, the team's."""

    serializer_class = TIBEntrySerializer
    permission_classes = [ActionRules]
    rules: ClassVar = {
        "list": can_list_cases,
        # Team, actor and case come in the body: tib_log checks can_log_tib against them.
        "create": can_list_cases,
        "retrieve": found_in_visible_to,
        "partial_update": can_change_tib,
        "share": can_change_tib,
    }
    lookup_field = "public_id"
    lookup_url_kwarg = "tib_id"
    pagination_class = NewestFirst

    def get_queryset(self) -> QuerySet[TIBEntry]:
        entries = with_citations(
            TIBEntry.objects.visible_to(self.request.user).select_related(
                "team", "case", "author", "chain_analysis"
            )
        )
        if self.action == "list":
            return only_shown(entries, *_RECORD_JOINS, "chain_analysis__public_id")
        return entries

    def _detail(self, entry: TIBEntry) -> dict[str, Any]:
        return dict(TIBEntrySerializer(self.get_queryset().get(pk=entry.pk)).data)

    @extend_schema(parameters=[TIBFilter])
    def list(self, request: Request) -> Response:
        """TIB entries you can see, newest first."""
        params = cleaned(TIBFilter, request.query_params.dict())
        entries = filter_tib_entries(self.get_queryset(), params)
        page = self.paginate_queryset(entries)
        return self.get_paginated_response(TIBEntrySerializer(page, many=True).data)

    @extend_schema(request=TIBLogInput, responses={201: TIBLoggedSerializer, 403: REFUSED})
    def create(self, request: Request) -> Response:
        """Log an entry. A client's third missed session in a row comes back with a warning."""
        body = TIBLogInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        case = _case_named(request.user, data.pop("case", None))
        team = _team_named(request.user, data.pop("team", None), case)
        override = _override(data)
        logged = services.tib_log(
            by=_person(request), team=team, case=case, identifier_override=override, **data
        )
        entry = self.get_queryset().get(pk=logged.entry.pk)
        body_out = TIBLoggedSerializer(entry, context={"warning": logged.warning}).data
        return Response(body_out, status=status.HTTP_201_CREATED)

    def retrieve(self, request: Request, tib_id: str) -> Response:
        """One entry. Audited as a view."""
        entry = self.get_object()
        audit_record(
            action=Action.VIEW,
            obj=entry,
            team=entry.team,
            emergency_access=emergency_id(request.user, entry.case),
        )
        return Response(TIBEntrySerializer(entry).data)

    @extend_schema(request=TIBUpdateInput, responses={200: TIBEntrySerializer, 403: REFUSED})
    def partial_update(self, request: Request, tib_id: str) -> Response:
        """Correct an entry or move its status along."""
        entry = self.get_object()
        body = TIBUpdateInput(data=request.data)
        body.is_valid(raise_exception=True)
        changes = dict(body.validated_data)
        override = _override(changes)
        services.tib_update(
            entry=entry, by=_person(request), changes=changes, identifier_override=override
        )
        return Response(self._detail(entry))

    @extend_schema(request=None, responses={200: TIBEntrySerializer, 403: REFUSED})
    @action(detail=True, methods=["post"])
    def share(self, request: Request, tib_id: str) -> Response:
        """Bring the entry to team: teammates may read it from now on. Safe to repeat."""
        entry = self.get_object()
        services.tib_share_with_team(entry=entry, by=_person(request))
        return Response(self._detail(entry))


# --- Chain analyses -----------------------------------------------------------------------------

CHAIN_WRITE = {200: ChainAnalysisSerializer, 403: REFUSED, 409: STALE}
LINK_ID = _path_uuid("link_id", "The link's id.")
CONSEQUENCE_ID = _path_uuid("consequence_id", "The consequence's id.")


@extend_schema(tags=["chain-analyses"])
class ChainAnalysisViewSet(viewsets.GenericViewSet[ChainAnalysis]):
    """Behaviour-chain and missing-links analyses. Every change names the `version` it was made
    against; a change against an older one answers 409 and changes nothing."""

    permission_classes = [ActionRules]
    rules: ClassVar = {
        "list": can_list_cases,
        # Team, subject and case come in the body: chain_start checks can_start_chain.
        "create": can_list_cases,
        "retrieve": found_in_visible_to,
        "partial_update": can_change_chain,
        # Who may set which status depends on the status asked for: chain_set_status decides.
        "set_status": can_view_chain,
        "link_add": can_change_chain,
        "link_update": can_change_chain,
        "link_remove": can_change_chain,
        "links_reorder": can_change_chain,
        "consequence_add": can_change_chain,
        "consequence_remove": can_change_chain,
    }
    lookup_field = "public_id"
    lookup_url_kwarg = "chain_id"
    pagination_class = NewestFirst

    def get_queryset(self) -> QuerySet[ChainAnalysis]:
        chains = with_citations(
            ChainAnalysis.objects.visible_to(self.request.user).select_related(
                "team", "case", "author"
            )
        )
        if self.action == "list":
            chains = only_shown(chains, *_RECORD_JOINS)
            # A subquery per row in the same statement, not a GROUP BY over the worksheet.
            link_count = (
                ChainLink.objects.filter(chain=OuterRef("pk"))
                .order_by()
                .values("chain")
                .annotate(n=Count("pk"))
                .values("n")
            )
            return chains.annotate(
                link_count=Coalesce(Subquery(link_count), 0, output_field=IntegerField())
            )
        if self.action == "retrieve":
            # What the read's audit line needs, in the same statement (see retrieve).
            chains = with_emergency_access_of(chains, self.request.user)
        return chains.prefetch_related(
            Prefetch("links", queryset=ChainLink.objects.order_by("position")),
            Prefetch("consequences", queryset=ChainConsequence.objects.order_by("id")),
        )

    def get_serializer_class(self) -> type[serializers.BaseSerializer[ChainAnalysis]]:
        return ChainAnalysisListSerializer if self.action == "list" else ChainAnalysisSerializer

    def _detail(self, chain: ChainAnalysis) -> dict[str, Any]:
        return dict(ChainAnalysisSerializer(self.get_queryset().get(pk=chain.pk)).data)

    @extend_schema(parameters=[ChainFilter])
    def list(self, request: Request) -> Response:
        """Chain analyses you can see, newest first; links and worksheet are on the detail."""
        params = cleaned(ChainFilter, request.query_params.dict())
        chains = filter_chains(self.get_queryset(), params)
        page = self.paginate_queryset(chains)
        return self.get_paginated_response(ChainAnalysisListSerializer(page, many=True).data)

    @extend_schema(request=ChainStartInput, responses={201: ChainAnalysisSerializer, 403: REFUSED})
    def create(self, request: Request) -> Response:
        """Start an analysis as a draft: only its author and the team's overseers read it."""
        body = ChainStartInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        case = _case_named(request.user, data.pop("case", None))
        team = _team_named(request.user, data.pop("team", None), case)
        override = _override(data)
        chain = services.chain_start(
            by=_person(request), team=team, case=case, identifier_override=override, **data
        )
        return Response(self._detail(chain), status=status.HTTP_201_CREATED)

    def retrieve(self, request: Request, chain_id: str) -> Response:
        """The whole worksheet, links in order. Audited as a view."""
        chain = self.get_object()
        audit_record(
            action=Action.VIEW, obj=chain, team=chain.team, emergency_access=emergency_id_of(chain)
        )
        return Response(ChainAnalysisSerializer(chain).data)

    @extend_schema(request=ChainUpdateInput, responses=CHAIN_WRITE)
    def partial_update(self, request: Request, chain_id: str) -> Response:
        """Change worksheet fields. `version` (the one you edited) is required."""
        chain = self.get_object()
        body = ChainUpdateInput(data=request.data)
        body.is_valid(raise_exception=True)
        changes = dict(body.validated_data)
        version = changes.pop("version")
        override = _override(changes)
        services.chain_update(
            chain=chain,
            by=_person(request),
            expected_version=version,
            changes=changes,
            identifier_override=override,
        )
        return Response(self._detail(chain))

    @extend_schema(request=ChainStatusInput, responses=CHAIN_WRITE)
    @action(detail=True, methods=["post"], url_path="status", url_name="status")
    def set_status(self, request: Request, chain_id: str) -> Response:
        """Ready for team and back to draft (its writers), presented (the team leader),
        reviewed (the team leader or a supervisor)."""
        chain = self.get_object()
        body = ChainStatusInput(data=request.data)
        body.is_valid(raise_exception=True)
        services.chain_set_status(
            chain=chain,
            by=_person(request),
            status=body.validated_data["status"],
            expected_version=body.validated_data["version"],
        )
        return Response(self._detail(chain))

    @extend_schema(
        request=ChainLinkAddInput,
        responses={201: ChainAnalysisSerializer, 403: REFUSED, 409: STALE},
    )
    @action(detail=True, methods=["post"], url_path="links", url_name="links")
    def link_add(self, request: Request, chain_id: str) -> Response:
        """Add a link at a position (default: last); the links after it move down one."""
        chain = self.get_object()
        body = ChainLinkAddInput(data=request.data)
        body.is_valid(raise_exception=True)
        fields = dict(body.validated_data)
        override = _override(fields)
        services.chain_link_add(
            chain=chain,
            by=_person(request),
            expected_version=fields.pop("version"),
            identifier_override=override,
            **fields,
        )
        return Response(self._detail(chain), status=status.HTTP_201_CREATED)

    def _link(self, chain: ChainAnalysis, link_id: str) -> ChainLink:
        return generics.get_object_or_404(chain.links.all(), public_id=link_id)

    @extend_schema(parameters=[LINK_ID], request=ChainLinkUpdateInput, responses=CHAIN_WRITE)
    @action(
        detail=True,
        methods=["patch"],
        url_path=rf"links/(?P<link_id>{UUID_PATTERN})",
        url_name="link-detail",
    )
    def link_update(self, request: Request, chain_id: str, link_id: str) -> Response:
        """Edit one link's content (its place changes through reorder). `version` is
        required."""
        chain = self.get_object()
        link = self._link(chain, link_id)
        body = ChainLinkUpdateInput(data=request.data)
        body.is_valid(raise_exception=True)
        changes = dict(body.validated_data)
        version = changes.pop("version")
        override = _override(changes)
        services.chain_link_update(
            link=link,
            by=_person(request),
            expected_version=version,
            changes=changes,
            identifier_override=override,
        )
        return Response(self._detail(chain))

    @extend_schema(parameters=[LINK_ID, VersionQuery], request=None, responses=CHAIN_WRITE)
    @link_update.mapping.delete
    def link_remove(self, request: Request, chain_id: str, link_id: str) -> Response:
        """Remove a link (?version=N); the ones after it move up."""
        chain = self.get_object()
        link = self._link(chain, link_id)
        query = VersionQuery(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        services.chain_link_remove(
            link=link, by=_person(request), expected_version=query.validated_data["version"]
        )
        return Response(self._detail(chain))

    @extend_schema(request=ChainLinksReorderInput, responses=CHAIN_WRITE)
    @action(detail=True, methods=["post"], url_path="links/reorder", url_name="links-reorder")
    def links_reorder(self, request: Request, chain_id: str) -> Response:
        """Put the links in a new order: every link's id once, first to last."""
        chain = self.get_object()
        body = ChainLinksReorderInput(data=request.data)
        body.is_valid(raise_exception=True)
        services.chain_links_reorder(
            chain=chain,
            by=_person(request),
            expected_version=body.validated_data["version"],
            order=body.validated_data["order"],
        )
        return Response(self._detail(chain))

    @extend_schema(
        request=ChainConsequenceAddInput,
        responses={201: ChainAnalysisSerializer, 403: REFUSED, 409: STALE},
    )
    @action(detail=True, methods=["post"], url_path="consequences", url_name="consequences")
    def consequence_add(self, request: Request, chain_id: str) -> Response:
        """Add a consequence of the behaviour."""
        chain = self.get_object()
        body = ChainConsequenceAddInput(data=request.data)
        body.is_valid(raise_exception=True)
        fields = dict(body.validated_data)
        override = _override(fields)
        services.chain_consequence_add(
            chain=chain,
            by=_person(request),
            expected_version=fields.pop("version"),
            identifier_override=override,
            **fields,
        )
        return Response(self._detail(chain), status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[CONSEQUENCE_ID, VersionQuery], request=None, responses=CHAIN_WRITE)
    @action(
        detail=True,
        methods=["delete"],
        url_path=rf"consequences/(?P<consequence_id>{UUID_PATTERN})",
        url_name="consequence-detail",
    )
    def consequence_remove(self, request: Request, chain_id: str, consequence_id: str) -> Response:
        """Remove a consequence (?version=N)."""
        chain = self.get_object()
        consequence = generics.get_object_or_404(chain.consequences.all(), public_id=consequence_id)
        query = VersionQuery(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        services.chain_consequence_remove(
            consequence=consequence,
            by=_person(request),
            expected_version=query.validated_data["version"],
        )
        return Response(self._detail(chain))
