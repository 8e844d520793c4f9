"""The chain-analysis editor's building blocks: what the page, or one of its sections, shows
for a given state of the analysis, and how a change or a refusal is answered.

Every form on the editor carries the analysis's `version`. After a change made through htmx the
answer is the re-rendered section plus an out-of-band copy of the new version for every other
form on the page (`.chain-version`), so the next save is made against the right one. A refused
change (400, 409) answers only the form that failed, with what was typed and why; the rest of
the page is left as it was, so after a conflict nothing on it claims a version it has not seen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from cases.chain_picture import chain_picture
from cases.choices import ChainKind, ChainStatus, Vulnerability
from cases.forms import ChainConsequenceForm, ChainLinkForm, ChainWorksheetForm
from cases.models import LINK_FIELDS, ChainAnalysis, ChainConsequence, ChainLink
from cases.permissions import can_change_chain, can_set_chain_status
from cases.selectors import emergency_id
from cases.views.review import feedback_panel
from consultteam.accounts.models import User
from consultteam.audit.models import Action
from consultteam.audit.services import audit_record
from consultteam.textcheck.models import TextFlag
from consultteam.textcheck.services import flags_for_objects
from consultteam.web.pages import is_htmx, retarget, varies_with_htmx

# The author's own moves; presenting and reviewing belong to the meeting.
STATUS_MOVES = {
    ChainStatus.DRAFT: (ChainStatus.READY_FOR_TEAM, "Mark ready for team"),
    ChainStatus.READY_FOR_TEAM: (ChainStatus.DRAFT, "Back to draft"),
}


@dataclass
class LinkItem:
    link: ChainLink
    form: ChainLinkForm | None  # None for those who may only read
    version: Any
    first: bool = False
    last: bool = False
    error: str = ""  # why a move or removal was refused
    flags: list[TextFlag] = field(default_factory=list)  # open language flags, for its writers


@dataclass
class ConsequenceItem:
    consequence: ChainConsequence
    version: Any
    error: str = ""
    flags: list[TextFlag] = field(default_factory=list)


def link_form(link: ChainLink, version: int, data: Any = None) -> ChainLinkForm:
    initial = {name: getattr(link, name) for name in LINK_FIELDS}
    return ChainLinkForm(
        data, initial={**initial, "version": version}, auto_id=f"link-{link.public_id}-%s"
    )


def new_link_form(version: int, data: Any = None) -> ChainLinkForm:
    return ChainLinkForm(data, initial={"version": version}, auto_id="link-new-%s")


def new_consequence_form(version: int, data: Any = None) -> ChainConsequenceForm:
    return ChainConsequenceForm(data, initial={"version": version}, auto_id="consequence-new-%s")


def link_items(
    chain: ChainAnalysis, *, can_edit: bool, failed: LinkItem | None = None
) -> list[LinkItem]:
    links = list(chain.links.order_by("position"))
    items = []
    for index, link in enumerate(links):
        if failed is not None and failed.link.pk == link.pk:
            item = failed
        else:
            form = link_form(link, chain.version) if can_edit else None
            item = LinkItem(link=link, form=form, version=chain.version)
        item.first, item.last = index == 0, index == len(links) - 1
        items.append(item)
    return items


def consequence_items(
    chain: ChainAnalysis, *, failed: ConsequenceItem | None = None
) -> list[ConsequenceItem]:
    return [
        failed
        if failed is not None and failed.consequence.pk == consequence.pk
        else ConsequenceItem(consequence, chain.version)
        for consequence in chain.consequences.all()
    ]


def editor_context(
    user: User,
    chain: ChainAnalysis,
    *,
    worksheet: ChainWorksheetForm | None = None,
    failed_link: LinkItem | None = None,
    add_link: ChainLinkForm | None = None,
    failed_consequence: ConsequenceItem | None = None,
    add_consequence: ChainConsequenceForm | None = None,
    status_error: str = "",
) -> dict[str, Any]:
    can_edit = can_change_chain(user, chain)
    move = STATUS_MOVES.get(ChainStatus(chain.status))
    status_move = move if move and can_set_chain_status(user, chain, move[0]) else None
    links = link_items(chain, can_edit=can_edit, failed=failed_link)
    consequences = consequence_items(chain, failed=failed_consequence)
    chain_flags: dict[str, list[TextFlag]] = {}
    if can_edit:  # what the wording check noticed is shown to those who write the analysis
        flagged = flags_for_objects(
            [
                chain.public_id,
                *(item.link.public_id for item in links),
                *(item.consequence.public_id for item in consequences),
            ]
        )
        for flag in flagged.get(chain.public_id, []):
            chain_flags.setdefault(flag.field, []).append(flag)
        for item in links:
            item.flags = flagged.get(item.link.public_id, [])
        for c_item in consequences:
            c_item.flags = flagged.get(c_item.consequence.public_id, [])
    return {
        "chain": chain,
        "can_edit": can_edit,
        "missing_links": chain.kind == ChainKind.MISSING_LINKS,
        "worksheet": worksheet or (ChainWorksheetForm(chain=chain) if can_edit else None),
        "vulnerability_labels": [Vulnerability(code).label for code in chain.vulnerabilities],
        "link_items": links,
        "chain_picture": chain_picture(
            (item.link.position, item.link.kind, item.link.intensity) for item in links
        ),
        "chain_flags": chain_flags,
        "can_resolve_flags": can_edit,
        "back": editor_url(chain),
        "add_link": add_link or new_link_form(chain.version),
        "consequence_items": consequences,
        "add_consequence": add_consequence or new_consequence_form(chain.version),
        "status_move": status_move,
        "status_error": status_error,
    }


def editor_page(
    request: HttpRequest, user: User, chain: ChainAnalysis, *, status: int = 200, **parts: Any
) -> HttpResponse:
    """The whole editor. Showing it is reading the analysis, so it is audited as a view."""
    audit_record(
        action=Action.VIEW,
        obj=chain,
        team=chain.team,
        emergency_access=emergency_id(user, chain.case),
    )
    context = editor_context(user, chain, **parts)
    context["feedback"] = feedback_panel(user, chain)  # feedback and review (views/review.py)
    return render(request, "cases/chain_detail.html", context, status=status)


def editor_url(chain: ChainAnalysis, anchor: str = "") -> str:
    return reverse("chain-detail", kwargs={"chain_id": chain.public_id}) + anchor


def section_changed(
    request: HttpRequest,
    user: User,
    chain: ChainAnalysis,
    *,
    section: str,
    done: str,
    moved: ChainLink | None = None,
) -> HttpResponse:
    """After a change: htmx gets the section again, at the new version everywhere, and ``done``
    for screen readers; a plain form post goes back to the editor with ``done`` as a message.
    Keyboard focus goes back to the moved link's buttons, else to the section's heading."""
    chain.refresh_from_db()
    if not is_htmx(request):
        messages.success(request, done)
        return varies_with_htmx(redirect(editor_url(chain, f"#chain-{section}")))
    context = {
        **editor_context(user, chain),
        "section": f"cases/_chain_{section}.html",
        "done": done,
        "moved": moved.public_id if moved else None,
    }
    return varies_with_htmx(render(request, "cases/_section_swap.html", context))


def fragment_or_page(
    request: HttpRequest,
    user: User,
    chain: ChainAnalysis,
    *,
    template: str,
    target: str,
    status: int,
    context: dict[str, Any],
    page_parts: dict[str, Any],
) -> HttpResponse:
    """A refused change: htmx gets the failed form alone, swapped in place of itself; a plain
    post gets the whole editor with that form as it was sent."""
    if is_htmx(request):
        context = {"chain": chain, "can_edit": True, **context}
        return varies_with_htmx(retarget(render(request, template, context, status=status), target))
    return varies_with_htmx(editor_page(request, user, chain, status=status, **page_parts))
