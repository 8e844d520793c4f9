"""The chain's links and consequences, changed in place: each change is its own small form,
posted by htmx (answered with the re-rendered section) or as a plain form (answered with a
redirect to the editor), so everything works without JavaScript too."""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from cases import services
from cases.forms import ChainLinkForm, LinkMoveForm, VersionForm
from cases.models import CONSEQUENCE_FIELDS, ChainAnalysis, ChainConsequence, ChainLink
from cases.permissions import can_change_chain
from cases.views._common import visible_chain
from cases.views.editor import (
    ConsequenceItem,
    LinkItem,
    fragment_or_page,
    link_form,
    new_consequence_form,
    new_link_form,
    section_changed,
)
from consultteam.accounts.models import User
from consultteam.errors import Conflict
from consultteam.web import person
from consultteam.web.attempt import attempt


def _editable(request: HttpRequest, chain_id: uuid.UUID) -> tuple[User, ChainAnalysis]:
    """The analysis, if the user may see it (else 404) and change it (else 403)."""
    user = person(request)
    chain = visible_chain(user, chain_id)
    if not can_change_chain(user, chain):
        raise PermissionDenied("Only the author or the case's therapists can edit this analysis.")
    return user, chain


def _link_of(chain: ChainAnalysis, link_id: uuid.UUID) -> ChainLink:
    return get_object_or_404(
        ChainLink.objects.select_related("chain"), chain=chain, public_id=link_id
    )


def _link_refused(
    request: HttpRequest, user: User, chain: ChainAnalysis, item: LinkItem, status: int
) -> HttpResponse:
    return fragment_or_page(
        request,
        user,
        chain,
        template="cases/_link.html",
        target=f"#link-{item.link.public_id}",
        status=status,
        context={"item": item},
        page_parts={"failed_link": item},
    )


def _why_refused(form: VersionForm, error: ValidationError | Conflict | None) -> tuple[str, int]:
    """Why a button's post (move, remove) was refused, in words, and the status to answer."""
    if isinstance(error, Conflict):
        return error.message, 409
    if error is not None:
        return " ".join(error.messages), 400
    if "version" in form.errors:
        return "This page has lost track of the analysis's version: reload it and try again.", 400
    return " ".join(str(m) for messages in form.errors.values() for m in messages), 400


@require_POST
@login_required
def chain_link_add(request: HttpRequest, chain_id: uuid.UUID) -> HttpResponse:
    user, chain = _editable(request, chain_id)
    form = new_link_form(chain.version, request.POST)
    added = attempt(
        form,
        lambda data: services.chain_link_add(
            chain=chain,
            by=user,
            expected_version=data["version"],
            identifier_override=form.override,
            **form.link_fields(),
        ),
    )
    if added.done:
        done = f"Link {added.result.position} added."
        return section_changed(request, user, chain, section="links", done=done)
    return fragment_or_page(
        request,
        user,
        chain,
        template="cases/_link_add.html",
        target="#link-add",
        status=added.status,
        context={"add_link": form},
        page_parts={"add_link": form},
    )


@require_POST
@login_required
def chain_link_edit(request: HttpRequest, chain_id: uuid.UUID, link_id: uuid.UUID) -> HttpResponse:
    user, chain = _editable(request, chain_id)
    link = _link_of(chain, link_id)
    form: ChainLinkForm = link_form(link, chain.version, request.POST)
    saved = attempt(
        form,
        lambda data: services.chain_link_update(
            link=link,
            by=user,
            expected_version=data["version"],
            changes=form.link_fields(),
            identifier_override=form.override,
        ),
    )
    if saved.done:
        done = f"Link {link.position} saved."
        return section_changed(request, user, chain, section="links", done=done)
    item = LinkItem(link=link, form=form, version=form["version"].value())
    return _link_refused(request, user, chain, item, saved.status)


@require_POST
@login_required
def chain_link_move(request: HttpRequest, chain_id: uuid.UUID, link_id: uuid.UUID) -> HttpResponse:
    """One place up or down: the new order of every link goes to `chain_links_reorder`."""
    user, chain = _editable(request, chain_id)
    link = _link_of(chain, link_id)
    form = LinkMoveForm(request.POST)
    order = list(chain.links.order_by("position").values_list("public_id", flat=True))
    error: ValidationError | Conflict | None = None
    if form.is_valid():
        direction = form.cleaned_data["direction"]
        here = order.index(link.public_id)
        there = here - 1 if direction == "up" else here + 1
        if 0 <= there < len(order):
            order[here], order[there] = order[there], order[here]
            try:
                services.chain_links_reorder(
                    chain=chain, by=user, expected_version=form.cleaned_data["version"], order=order
                )
            except (ValidationError, Conflict) as refused:
                error = refused
            else:
                done = f"Link {here + 1} moved {direction}; it is now link {there + 1}."
                return section_changed(request, user, chain, section="links", done=done, moved=link)
        else:
            end = "first" if direction == "up" else "last"
            error = ValidationError(f"Link {here + 1} is already the {end}.")
    reason, status = _why_refused(form, error)
    item = LinkItem(
        link=link,
        form=link_form(link, chain.version),
        version=form["version"].value() or chain.version,
        error=reason,
    )
    return _link_refused(request, user, chain, item, status)


@require_POST
@login_required
def chain_link_delete(
    request: HttpRequest, chain_id: uuid.UUID, link_id: uuid.UUID
) -> HttpResponse:
    user, chain = _editable(request, chain_id)
    link = _link_of(chain, link_id)
    form = VersionForm(request.POST)
    error: ValidationError | Conflict | None = None
    if form.is_valid():
        try:
            services.chain_link_remove(
                link=link, by=user, expected_version=form.cleaned_data["version"]
            )
        except (ValidationError, Conflict) as refused:
            error = refused
        else:
            done = f"Link {link.position} removed; the links after it moved up."
            return section_changed(request, user, chain, section="links", done=done)
    reason, status = _why_refused(form, error)
    item = LinkItem(
        link=link,
        form=link_form(link, chain.version),
        version=form["version"].value() or chain.version,
        error=reason,
    )
    return _link_refused(request, user, chain, item, status)


@require_POST
@login_required
def chain_consequence_add(request: HttpRequest, chain_id: uuid.UUID) -> HttpResponse:
    user, chain = _editable(request, chain_id)
    form = new_consequence_form(chain.version, request.POST)
    added = attempt(
        form,
        lambda data: services.chain_consequence_add(
            chain=chain,
            by=user,
            expected_version=data["version"],
            identifier_override=data.get("identifier_override") or None,
            **{name: data[name] for name in CONSEQUENCE_FIELDS},
        ),
    )
    if added.done:
        done = "Consequence added."
        return section_changed(request, user, chain, section="consequences", done=done)
    return fragment_or_page(
        request,
        user,
        chain,
        template="cases/_consequence_add.html",
        target="#consequence-add",
        status=added.status,
        context={"add_consequence": form},
        page_parts={"add_consequence": form},
    )


@require_POST
@login_required
def chain_consequence_delete(
    request: HttpRequest, chain_id: uuid.UUID, consequence_id: uuid.UUID
) -> HttpResponse:
    user, chain = _editable(request, chain_id)
    consequence = get_object_or_404(
        ChainConsequence.objects.select_related("chain"), chain=chain, public_id=consequence_id
    )
    form = VersionForm(request.POST)
    error: ValidationError | Conflict | None = None
    if form.is_valid():
        try:
            services.chain_consequence_remove(
                consequence=consequence, by=user, expected_version=form.cleaned_data["version"]
            )
        except (ValidationError, Conflict) as refused:
            error = refused
        else:
            done = "Consequence removed."
            return section_changed(request, user, chain, section="consequences", done=done)
    reason, status = _why_refused(form, error)
    item = ConsequenceItem(consequence, form["version"].value() or chain.version, reason)
    return fragment_or_page(
        request,
        user,
        chain,
        template="cases/_consequence.html",
        target=f"#consequence-{consequence.public_id}",
        status=status,
        context={"item": item},
        page_parts={"failed_consequence": item},
    )
