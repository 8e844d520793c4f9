"""Chain analyses in the API: the behaviour-chain and missing-links worksheets, their links
and consequences. Every change names the `version` it was made against. Reading a detail is
audited as VIEW."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, ClassVar

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from cases import services
from cases.api.common import RECORD_JOINS, STALE, take_override, team_named
from cases.chain_detail import chain_worksheet, emergency_id_of
from cases.filters import ChainFilter, cleaned, filter_chains
from cases.models import ChainAnalysis, ChainLink
from cases.permissions import (
    can_change_chain,
    can_list_cases,
    can_set_chain_status,
    can_start_chain,
    can_view_chain,
)
from cases.selectors import case_named
from cases.serializers import (
    ChainAnalysisListSerializer,
    ChainAnalysisSerializer,
    ChainConsequenceAddInput,
    ChainLinkAddInput,
    ChainLinksReorderInput,
    ChainLinkUpdateInput,
    ChainStartInput,
    ChainStatusInput,
    ChainUpdateInput,
    VersionQuery,
    with_citations,
)
from consultteam.access import ActionRules
from consultteam.audit.models import Action
from consultteam.audit.services import audit_list_read, audit_record
from consultteam.pagination import NewestFirst
from consultteam.reads import only_shown
from consultteam.web.api import REFUSED, UUID_PATTERN, path_uuid, person, public_id_in_path
from consultteam.web.rules import checked_by_service, seen_through_lookup

CHAIN_WRITE = {200: ChainAnalysisSerializer, 403: REFUSED, 409: STALE}
LINK_ID = path_uuid("link_id", "The link's id.")
CONSEQUENCE_ID = path_uuid("consequence_id", "The consequence's id.")


@extend_schema(tags=["chain-analyses"])
class ChainAnalysisViewSet(viewsets.GenericViewSet[ChainAnalysis]):
    """Behaviour-chain and missing-links analyses. Every change names the `version` it was made
    against; a change against an older one answers 409 and changes nothing."""

    permission_classes = [ActionRules]
    rules: ClassVar = {
        "list": can_list_cases,
        # Team, subject and case come in the body.
        "create": checked_by_service(can_start_chain),
        "retrieve": seen_through_lookup(can_view_chain),
        "partial_update": can_change_chain,
        # Who may set which status depends on the status asked for.
        "set_status": checked_by_service(can_set_chain_status),
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
            chains = only_shown(chains, *RECORD_JOINS)
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
        return chains

    def get_serializer_class(self) -> type[serializers.BaseSerializer[ChainAnalysis]]:
        return ChainAnalysisListSerializer if self.action == "list" else ChainAnalysisSerializer

    def _worksheet(self, chain_id: uuid.UUID | str) -> dict[str, Any]:
        """The analysis whole, in one statement (`chain_worksheet`); 404 if the person does
        not read it."""
        found = chain_worksheet(person=self.request.user.pk, public_id=public_id_in_path(chain_id))
        if not found:
            raise Http404
        return found[0]

    def _detail(self, chain: ChainAnalysis) -> dict[str, Any]:
        return dict(ChainAnalysisSerializer(self._worksheet(chain.public_id)).data)

    @extend_schema(parameters=[ChainFilter])
    def list(self, request: Request) -> Response:
        """Chain analyses you can see, newest first; links and worksheet are on the detail."""
        params = cleaned(ChainFilter, request.query_params.dict())
        chains = filter_chains(self.get_queryset(), params)
        page = self.paginate_queryset(chains)
        shown = ChainAnalysisListSerializer(page, many=True).data
        audit_list_read(ChainAnalysis, (chain["id"] for chain in shown))
        return self.get_paginated_response(shown)

    @extend_schema(request=ChainStartInput, responses={201: ChainAnalysisSerializer, 403: REFUSED})
    def create(self, request: Request) -> Response:
        """Start an analysis as a draft: only its author and the team's overseers read it."""
        body = ChainStartInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        case = case_named(request.user, data.pop("case", None))
        team = team_named(request.user, data.pop("team", None), case)
        override = take_override(data)
        chain = services.chain_start(
            by=person(request), team=team, case=case, identifier_override=override, **data
        )
        return Response(self._detail(chain), status=status.HTTP_201_CREATED)

    def retrieve(self, request: Request, chain_id: str) -> Response:
        """The whole worksheet, links in order. Audited as a view."""
        chain = self._worksheet(chain_id)
        audit_record(
            action=Action.VIEW,
            obj=ChainAnalysis(pk=chain["id"], public_id=chain["public_id"]),
            team=chain["team_id"],
            emergency_access=emergency_id_of(chain),
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
        override = take_override(changes)
        services.chain_update(
            chain=chain,
            by=person(request),
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
            by=person(request),
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
        return self._row_added(request, ChainLinkAddInput, services.chain_link_add)

    def _row_added(
        self, request: Request, body: type[serializers.Serializer[Any]], add: Callable[..., Any]
    ) -> Response:
        """A link or a consequence added by the service ``add`` from the request's ``body``,
        against the version it names: 201 with the whole worksheet."""
        chain = self.get_object()
        checked = body(data=request.data)
        checked.is_valid(raise_exception=True)
        fields = dict(checked.validated_data)
        override = take_override(fields)
        add(
            chain=chain,
            by=person(request),
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
        override = take_override(changes)
        services.chain_link_update(
            link=link,
            by=person(request),
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
            link=link, by=person(request), expected_version=query.validated_data["version"]
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
            by=person(request),
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
        return self._row_added(request, ChainConsequenceAddInput, services.chain_consequence_add)

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
            by=person(request),
            expected_version=query.validated_data["version"],
        )
        return Response(self._detail(chain))
