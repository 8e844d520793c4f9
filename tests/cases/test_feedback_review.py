"""Feedback (validation first), the review workflow, who reads which feedback, citations of the
assumptions and agreements, and the pages and lists that show them.

The cast and the world are those of tests/conftest.py: Tara wrote tara_chain_ready (shared with
the team), tara_chain_draft and tara_tib_shared; Theo is her teammate, Lena the team leader, Sam
the supervisor; Olga is on another team.
"""

from __future__ import annotations

import datetime as dt
import json
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.choices import Actor, ChainStatus, Setting
from cases.models import ChainAnalysis, Feedback, FeedbackKind, ReviewRequest, ReviewStatus
from cases.selectors import feedback_citation_counts
from consultteam.audit.models import Action, AuditEvent
from consultteam.errors import Conflict
from tests.clients import send, signed_in

pytestmark = pytest.mark.django_db

FEEDBACK = "/api/v1/feedback/"
REVIEWS = "/api/v1/reviews/"
VALIDATING = {
    "validation": "Leaving the room when fear rose so fast makes sense: it brought relief.",
    "suggestion": "Rehearse one skill for the first minute of fear before the next group.",
}


def _give(world: SimpleNamespace, by: str, item: str = "tara_chain_ready", **extra: Any) -> Any:
    return services.feedback_give(
        by=getattr(world, by), item=getattr(world, item), **{**VALIDATING, **extra}
    )


# --- Feedback: validation first ----------------------------------------------------------------


@pytest.mark.parametrize("validation", ["", "   \n "])
def test_feedback_without_validation_is_refused(world, validation):
    with pytest.raises(ValidationError) as refused:
        _give(world, "sam", validation=validation)
    assert "validation" in refused.value.message_dict
    assert not Feedback.objects.exists()


def test_the_api_refuses_feedback_without_validation(client, world):
    body = {"chain_analysis": str(world.tara_chain_ready.public_id), "suggestion": "More links."}
    response = send(signed_in(client, world.sam), "POST", FEEDBACK, body)
    assert response.status_code == 400
    assert "validation" in response.json()
    response = send(client, "POST", FEEDBACK, {**body, "validation": "  "})
    assert response.status_code == 400
    assert not Feedback.objects.exists()


def test_feedback_texts_have_a_maximum_length(client, world):
    body = {
        "chain_analysis": str(world.tara_chain_ready.public_id),
        **VALIDATING,
        "observation": "x" * 2001,
    }
    response = send(signed_in(client, world.sam), "POST", FEEDBACK, body)
    assert response.status_code == 400
    assert "observation" in response.json()


@pytest.mark.parametrize(
    ("who", "kind"),
    [("theo", FeedbackKind.PEER), ("lena", FeedbackKind.TEAM_LEADER), ("sam", "SUPERVISOR")],
)
def test_the_kind_of_feedback_comes_from_the_author_s_role(world, who, kind):
    assert _give(world, who).kind == kind


def test_the_author_does_not_give_feedback_on_her_own_work(world):
    with pytest.raises(PermissionDenied):
        _give(world, "tara")


def test_a_teammate_gives_no_feedback_on_a_draft_he_cannot_read(world):
    with pytest.raises(PermissionDenied):
        _give(world, "theo", item="tara_chain_draft")


def test_feedback_is_audited_as_created(world):
    feedback = _give(world, "sam")
    assert AuditEvent.objects.filter(
        action=Action.CREATE, object_id=str(feedback.public_id), team_id=world.alpha.pk
    ).exists()


def test_the_language_of_feedback_is_checked_and_never_blocks(world):
    from consultteam.textcheck.services import flags_for

    feedback = _give(
        world,
        "theo",
        validation="It makes sense she left; the room was loud.",
        observation="She is being manipulative with the group.",
    )
    flags = list(flags_for(feedback))
    assert [flag.field for flag in flags] == ["observation"]
    assert "manipulative" in flags[0].excerpt.lower()


def test_an_identifier_in_feedback_needs_a_reason(world):
    from consultteam.textcheck.services import IdentifierFound

    with pytest.raises(IdentifierFound):
        _give(world, "sam", observation="Call her on 555-867-5309 to check in.")
    assert not Feedback.objects.exists()
    kept = _give(
        world,
        "sam",
        observation="Call her on 555-867-5309 to check in.",
        identifier_override="The number is the clinic's crisis line.",
    )
    assert kept.pk


# --- Who reads which feedback ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("giver", "readers", "not_readers"),
    [
        # Supervisor feedback: its author, the one it is addressed to, the team leader.
        ("sam", {"sam", "tara", "lena"}, {"theo", "olga", "fern", "ivan", "ada"}),
        # A peer's: the peer, Tara, the team leader; not the supervisor (who reads the
        # feedback they wrote) nor the rest of the team.
        ("theo", {"theo", "tara", "lena"}, {"sam", "olga", "fern", "ivan", "ada"}),
    ],
)
def test_who_reads_feedback(world, giver, readers, not_readers):
    feedback = _give(world, giver)
    for who in readers | not_readers:
        visible = Feedback.objects.visible_to(getattr(world, who)).filter(pk=feedback.pk).exists()
        assert visible == (who in readers), who


def test_a_teammate_does_not_read_feedback_given_to_a_colleague(client, world):
    _give(world, "sam", item="tara_tib_shared")
    response = signed_in(client, world.theo).get(FEEDBACK)
    assert response.json()["results"] == []
    page = client.get(reverse("case-detail", kwargs={"case_id": world.tara_case.public_id}))
    assert VALIDATING["validation"] not in page.content.decode()


def test_a_co_therapist_reads_the_feedback_on_the_case(world):
    from cases.services import case_co_therapist_add

    feedback = _give(world, "sam", item="tara_tib_shared")
    case_co_therapist_add(case=world.tara_case, therapist=world.olga, by=world.tara)
    assert Feedback.objects.visible_to(world.olga).filter(pk=feedback.pk).exists()
    assert feedback in Feedback.objects.addressed_to(world.olga)


def test_the_therapist_sees_the_feedback_addressed_to_her(client, world):
    _give(world, "sam", item="tara_tib_shared")
    page = signed_in(client, world.tara).get(reverse("my-feedback")).content.decode()
    assert VALIDATING["validation"] in page
    # Validation is shown first, and labelled as such.
    assert page.index(">Validation<") < page.index(VALIDATING["validation"])
    assert page.index(VALIDATING["validation"]) < page.index(VALIDATING["suggestion"])


# --- The review workflow -----------------------------------------------------------------------


def _request(world: SimpleNamespace, item: str = "tara_chain_ready") -> ReviewRequest:
    return services.review_request(by=world.tara, item=getattr(world, item), reviewer=world.sam)


def test_the_review_runs_its_steps_in_order(world):
    review = _request(world)
    assert review.status == ReviewStatus.REQUESTED
    review = services.review_start(review=review, by=world.sam)
    assert review.status == ReviewStatus.IN_REVIEW
    assert review.started_at
    feedback = services.review_request_revision(review=review, by=world.sam, **VALIDATING)
    review.refresh_from_db()
    assert review.status == ReviewStatus.REVISION_REQUESTED
    assert feedback.review == review
    assert feedback.kind == FeedbackKind.SUPERVISOR
    review = services.review_resubmit(review=review, by=world.tara)
    assert review.status == ReviewStatus.REQUESTED
    assert review.resubmitted_at
    services.review_start(review=review, by=world.sam)
    services.review_sign_off(review=review, by=world.sam, validation="Clear and complete.")
    review.refresh_from_db()
    assert review.status == ReviewStatus.SIGNED_OFF
    assert review.signed_off_at
    assert review.feedback.count() == 2


@pytest.mark.parametrize("who", ["tara", "theo", "lena", "olga"])
def test_only_the_named_reviewer_starts_revises_and_signs_off(world, who):
    review = _request(world)
    person = getattr(world, who)
    with pytest.raises(PermissionDenied):
        services.review_start(review=review, by=person)
    services.review_start(review=review, by=world.sam)
    with pytest.raises(PermissionDenied):
        services.review_request_revision(review=review, by=person, **VALIDATING)
    with pytest.raises(PermissionDenied):
        services.review_sign_off(review=review, by=person, **VALIDATING)
    review.refresh_from_db()
    assert review.status == ReviewStatus.IN_REVIEW


@pytest.mark.parametrize("who", ["theo", "lena", "sam", "olga"])
def test_only_the_author_asks_and_resubmits(world, who):
    person = getattr(world, who)
    with pytest.raises(PermissionDenied):
        services.review_request(by=person, item=world.tara_chain_ready, reviewer=world.sam)
    review = _request(world)
    services.review_start(review=review, by=world.sam)
    services.review_request_revision(review=review, by=world.sam, **VALIDATING)
    with pytest.raises(PermissionDenied):
        services.review_resubmit(review=review, by=person)


def test_the_reviewer_is_a_supervisor_or_the_team_leader(world):
    for reviewer in (world.theo, world.olga, world.tara):
        with pytest.raises(ValidationError):
            services.review_request(by=world.tara, item=world.tara_chain_ready, reviewer=reviewer)
    assert services.review_request(by=world.tara, item=world.tara_chain_ready, reviewer=world.lena)


def test_one_review_at_a_time(world):
    _request(world)
    with pytest.raises(Conflict):
        _request(world)


def test_a_step_out_of_order_is_a_conflict(client, world):
    review = _request(world)
    with pytest.raises(Conflict):
        services.review_sign_off(review=review, by=world.sam, **VALIDATING)
    with pytest.raises(Conflict):
        services.review_resubmit(review=review, by=world.tara)
    url = f"{REVIEWS}{review.public_id}/sign-off/"
    assert send(signed_in(client, world.sam), "POST", url, VALIDATING).status_code == 409


def test_asking_for_a_revision_says_what_to_revise(world):
    review = _request(world)
    services.review_start(review=review, by=world.sam)
    with pytest.raises(ValidationError) as refused:
        services.review_request_revision(
            review=review, by=world.sam, validation="Careful work.", suggestion=""
        )
    assert "suggestion" in refused.value.message_dict
    review.refresh_from_db()
    assert review.status == ReviewStatus.IN_REVIEW


def test_signing_off_needs_validation(world):
    review = _request(world)
    services.review_start(review=review, by=world.sam)
    with pytest.raises(ValidationError):
        services.review_sign_off(review=review, by=world.sam, validation=" ")
    review.refresh_from_db()
    assert review.status == ReviewStatus.IN_REVIEW


@pytest.mark.parametrize("presented", [False, True])
def test_signing_off_an_analysis_marks_it_reviewed(world, presented):
    chain = world.tara_chain_ready
    if presented:
        chain = services.chain_set_status(
            chain=chain, by=world.lena, status=ChainStatus.PRESENTED, expected_version=chain.version
        )
    review = _request(world)
    services.review_start(review=review, by=world.sam)
    services.review_sign_off(review=review, by=world.sam, **VALIDATING)
    chain = ChainAnalysis.objects.get(pk=chain.pk)
    assert chain.status == ChainStatus.REVIEWED


def test_signing_off_a_draft_leaves_it_a_draft(world):
    review = _request(world, "tara_chain_draft")
    services.review_start(review=review, by=world.sam)
    services.review_sign_off(review=review, by=world.sam, **VALIDATING)
    assert ChainAnalysis.objects.get(pk=world.tara_chain_draft.pk).status == ChainStatus.DRAFT


def test_the_api_runs_the_review(client, world):
    tara, sam = Client(), Client()
    tara.force_login(world.tara)
    sam.force_login(world.sam)
    body = {"tib_entry": str(world.tara_tib_shared.public_id), "reviewer": str(world.sam.public_id)}
    created = send(tara, "POST", REVIEWS, body)
    assert created.status_code == 201, created.json()
    url = f"{REVIEWS}{created.json()['id']}/"
    assert send(tara, "POST", url + "start/").status_code == 403
    assert send(sam, "POST", url + "start/").json()["review"]["status"] == "IN_REVIEW"
    revised = send(
        sam, "POST", url + "revise/", {**VALIDATING, "assumptions": ["DOING_BEST_THEY_CAN"]}
    )
    assert revised.status_code == 200
    assert revised.json()["feedback"]["assumptions"] == ["DOING_BEST_THEY_CAN"]
    assert revised.json()["review"]["status"] == "REVISION_REQUESTED"
    assert send(sam, "POST", url + "resubmit/").status_code == 403
    assert send(tara, "POST", url + "resubmit/").json()["review"]["status"] == "REQUESTED"


def test_outsiders_find_no_review(client, world):
    review = _request(world)
    for who in ("olga", "fern", "ada", "theo"):
        response = send(
            signed_in(Client(), getattr(world, who)), "POST", f"{REVIEWS}{review.public_id}/start/"
        )
        assert response.status_code == 404, who
        listed = signed_in(Client(), getattr(world, who)).get(REVIEWS).json()["results"]
        assert listed == [], who


# --- The pages ------------------------------------------------------------------------------------


def test_the_review_queue_lists_what_waits_for_the_reviewer(client, world):
    review = _request(world)
    page = signed_in(client, world.sam).get(reverse("review-queue")).content.decode()
    assert reverse("review-start", kwargs={"review_id": review.public_id}) in page
    # Tara asked for it: it is not in her queue, but on her feedback page.
    tara = Client()
    tara.force_login(world.tara)
    assert reverse("review-start", kwargs={"review_id": review.public_id}) not in (
        tara.get(reverse("review-queue")).content.decode()
    )
    assert "Review requested" in tara.get(reverse("my-feedback")).content.decode()


def test_review_steps_are_offered_to_the_right_person_only(client, world):
    review = _request(world)
    url = reverse("chain-detail", kwargs={"chain_id": world.tara_chain_ready.public_id})
    start = reverse("review-start", kwargs={"review_id": review.public_id})
    assert start in signed_in(Client(), world.sam).get(url).content.decode()
    for who in ("tara", "theo", "lena"):
        assert start not in signed_in(Client(), getattr(world, who)).get(url).content.decode(), who


def test_the_case_page_folds_each_entrys_request_for_a_review_and_the_analysis_page_does_not(
    client, world
):
    tara = signed_in(client, world.tara)
    case = tara.get(reverse("case-detail", kwargs={"case_id": world.tara_case.public_id}))
    html = case.content.decode()
    folds = html.count('<details class="review-request-fold"><summary>Ask for a review</summary>')
    assert folds == html.count('class="inline review-request"') > 0
    chain = tara.get(reverse("chain-detail", kwargs={"chain_id": world.tara_chain_ready.public_id}))
    assert 'class="inline review-request"' in chain.content.decode()
    assert "review-request-fold" not in chain.content.decode()


def test_a_page_post_runs_the_steps(client, world):
    review = _request(world)
    sam = signed_in(client, world.sam)
    sam.post(reverse("review-start", kwargs={"review_id": review.public_id}))
    response = sam.post(
        reverse("review-sign-off", kwargs={"review_id": review.public_id}),
        {**VALIDATING, "assumptions": ["ALL_BEHAVIOR_IS_CAUSED"]},
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == ReviewStatus.SIGNED_OFF
    assert ChainAnalysis.objects.get(pk=world.tara_chain_ready.pk).status == ChainStatus.REVIEWED


def test_the_feedback_form_puts_validation_first(client, world):
    url = reverse("tib-feedback", kwargs={"tib_id": world.tara_tib_shared.public_id})
    page = signed_in(client, world.sam).get(url).content.decode()
    assert page.index('name="validation"') < page.index('name="observation"')
    assert "Validation comes first" in page
    refused = client.post(url, {"observation": "Long pause before answering."})
    assert refused.status_code == 400
    assert not Feedback.objects.exists()
    given = client.post(url, {**VALIDATING, "agreements": ["PHENOMENOLOGICAL_EMPATHY"]})
    assert given.status_code == 302
    feedback = Feedback.objects.get()
    assert [a.code for a in feedback.agreements.all()] == ["PHENOMENOLOGICAL_EMPATHY"]


# --- Citations -----------------------------------------------------------------------------------


def test_unknown_codes_are_refused_by_name(world):
    with pytest.raises(ValidationError) as refused:
        _give(world, "sam", assumptions=["DOING_BEST_THEY_CAN", "NOT_A_CODE"])
    assert "NOT_A_CODE" in str(refused.value.message_dict["assumptions"])
    with pytest.raises(ValidationError) as refused:
        services.chain_update(
            chain=world.tara_chain_draft,
            by=world.tara,
            expected_version=world.tara_chain_draft.version,
            changes={"agreements": ["DIALECTIC"]},
        )
    assert "DIALECTIC" in str(refused.value.message_dict["agreements"])


def test_the_api_names_an_unknown_code(client, world):
    body = {
        "chain_analysis": str(world.tara_chain_ready.public_id),
        **VALIDATING,
        "agreements": ["FALLIBILITY", "BE_NICE"],
    }
    response = send(signed_in(client, world.sam), "POST", FEEDBACK, body)
    assert response.status_code == 400
    assert "BE_NICE" in json.dumps(response.json())


def test_tib_entries_and_analyses_cite_assumptions(world):
    logged = services.tib_log(
        by=world.tara,
        team=world.alpha,
        actor=Actor.THERAPIST,
        category="DISRESPECTFUL",
        setting=Setting.PHONE_COACHING,
        occurred_on=dt.date.today(),
        description="Returned a coaching call two days late.",
        assumptions=["THERAPISTS_NEED_SUPPORT"],
        agreements=["FALLIBILITY"],
    )
    assert [a.code for a in logged.entry.assumptions.all()] == ["THERAPISTS_NEED_SUPPORT"]
    chain = world.tara_chain_draft
    services.chain_update(
        chain=chain,
        by=world.tara,
        expected_version=chain.version,
        changes={"assumptions": ["ALL_BEHAVIOR_IS_CAUSED"]},
    )
    chain = ChainAnalysis.objects.get(pk=chain.pk)
    assert [a.code for a in chain.assumptions.all()] == ["ALL_BEHAVIOR_IS_CAUSED"]
    assert chain.version == world.tara_chain_draft.version + 1
    changed = AuditEvent.objects.filter(action=Action.UPDATE, object_id=str(chain.public_id))
    assert any("assumptions" in event.fields for event in changed)


def test_the_forms_suggest_the_assumptions_that_fit(client, world):
    tara = signed_in(client, world.tara)
    client_tib = tara.get(reverse("tib-new", kwargs={"case_id": world.tara_case.public_id}))
    page = client_tib.content.decode()
    for code in ("DOING_BEST_THEY_CAN", "NEED_TO_DO_BETTER"):
        assert f'value="{code}"' in page
        assert _ticked(page, code), code
    assert not _ticked(page, "FALLIBILITY")
    assert 'name="then_missing_links"' in page
    own = tara.get(reverse("tib-new-own")).content.decode()
    assert _ticked(own, "FALLIBILITY")
    assert _ticked(own, "THERAPISTS_NEED_SUPPORT")
    chain = tara.get(reverse("chain-new", kwargs={"case_id": world.tara_case.public_id}))
    assert _ticked(chain.content.decode(), "ALL_BEHAVIOR_IS_CAUSED")


def _ticked(page: str, code: str) -> bool:
    tag = page[page.rindex("<input", 0, page.index(f'value="{code}"')) :]
    return "checked" in tag[: tag.index(">")]


def test_a_client_tib_offers_a_missing_links_analysis(client, world):
    response = signed_in(client, world.tara).post(
        reverse("tib-new", kwargs={"case_id": world.tara_case.public_id}),
        {
            "category": "NON_COMPLIANT",
            "setting": Setting.INDIVIDUAL_SESSION,
            "description": "Diary card not brought to the session.",
            "occurred_on": dt.date.today().isoformat(),
            "count": 1,
            "status": "OPEN",
            "assumptions": ["DOING_BEST_THEY_CAN"],
            "then_missing_links": "on",
        },
    )
    assert response.status_code == 302
    assert "kind=MISSING_LINKS" in response["Location"]
    form = client.get(response["Location"]).content.decode()
    assert _ticked(form, "MISSING_LINKS")


def test_the_assumption_page_lists_only_what_the_reader_may_see(client, world):
    services.tib_update(
        entry=world.tara_tib_private, by=world.tara, changes={"assumptions": ["WANT_TO_IMPROVE"]}
    )
    services.tib_update(
        entry=world.tara_tib_shared, by=world.tara, changes={"assumptions": ["WANT_TO_IMPROVE"]}
    )
    url = reverse("assumption-detail", kwargs={"code": "WANT_TO_IMPROVE"})
    private, shared = (
        f"#tib-{world.tara_tib_private.public_id}",
        f"#tib-{world.tara_tib_shared.public_id}",
    )
    tara = signed_in(Client(), world.tara).get(url).content.decode()
    assert private in tara
    assert shared in tara
    theo = signed_in(Client(), world.theo).get(url).content.decode()
    assert private not in theo
    assert shared in theo
    olga = signed_in(Client(), world.olga).get(url).content.decode()
    assert private not in olga
    assert shared not in olga
    assert (
        signed_in(Client(), world.olga)
        .get(reverse("assumption-detail", kwargs={"code": "NO_SUCH"}))
        .status_code
        == 404
    )


def test_the_agreement_page_lists_feedback_for_its_readers(client, world):
    feedback = _give(world, "sam", agreements=["PHENOMENOLOGICAL_EMPATHY"])
    url = reverse("agreement-detail", kwargs={"code": "PHENOMENOLOGICAL_EMPATHY"})
    assert "Supervisor feedback" in signed_in(Client(), world.tara).get(url).content.decode()
    assert "Supervisor feedback" not in signed_in(Client(), world.theo).get(url).content.decode()
    assert feedback.pk


def test_feedback_citation_counts_are_counts_over_six_months(world):
    _give(world, "sam", assumptions=["DOING_BEST_THEY_CAN"], agreements=["DIALECTICAL"])
    _give(world, "lena", assumptions=["DOING_BEST_THEY_CAN"])
    old = _give(world, "theo", assumptions=["WANT_TO_IMPROVE"])
    Feedback.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=200))
    rows = feedback_citation_counts(world.alpha)
    assert [(row.kind, row.code, row.count) for row in rows] == [
        ("assumption", "DOING_BEST_THEY_CAN", 2),
        ("agreement", "DIALECTICAL", 1),
    ]
    assert feedback_citation_counts(world.beta) == []


def test_the_patterns_partial_names_no_one(world):
    from django.template.loader import render_to_string

    _give(world, "sam", assumptions=["DOING_BEST_THEY_CAN"])
    html = render_to_string(
        "cases/_feedback_patterns.html",
        {"citation_counts": feedback_citation_counts(world.alpha)},
    )
    assert "Doing the best they can" in html
    assert ">1<" in html
    for name in ("Sam", "Tara", "Lena"):
        assert name not in html


# --- Query budgets -----------------------------------------------------------------------------


def _more(world: SimpleNamespace, n: int) -> None:
    for _ in range(n):
        _give(world, "sam", item="tara_tib_shared", assumptions=["DOING_BEST_THEY_CAN"])
    for _ in range(n):
        review = _request(world, "tara_tib_shared")
        services.review_start(review=review, by=world.sam)
        services.review_sign_off(review=review, by=world.sam, **VALIDATING)


@pytest.mark.parametrize("extra", [1, 30], ids=["few-rows", "many-rows"])
def test_feedback_list_query_budget(client, world, django_assert_num_queries, extra):
    _more(world, extra)
    client = signed_in(client, world.tara)
    with django_assert_num_queries(6):
        # 1. the session
        # 2. the signed-in person
        # 3. one page of feedback with its team, author, item and review (select_related);
        #    visibility is subqueries in the same statement
        # 4. the assumptions the page's feedback cites (prefetch)
        # 5. the agreements it cites (prefetch)
        # 6. the read's audit event, naming the feedback shown
        response = client.get(FEEDBACK, {"page_size": 100})
    assert response.status_code == 200
    assert len(response.json()["results"]) == Feedback.objects.visible_to(world.tara).count()


@pytest.mark.parametrize("extra", [1, 30], ids=["few-rows", "many-rows"])
def test_review_list_query_budget(client, world, django_assert_num_queries, extra):
    _more(world, extra)
    client = signed_in(client, world.tara)
    with django_assert_num_queries(3):
        # 1. the session
        # 2. the signed-in person
        # 3. one page of reviews with team, item and people (select_related); visibility is
        #    subqueries in the same statement
        response = client.get(REVIEWS, {"page_size": 100})
    assert response.status_code == 200
    assert len(response.json()["results"]) == extra
