"""The clinical record's pages: the caseload, the case page with its chart, the TIB form and the
chain-analysis editor (htmx posts and plain form posts alike). Who may reach each page is in the
access matrix (tests/access_rows/cases_pages.py); here is what the pages do."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from cases import services as clinical
from cases.charts import tib_weeks_chart
from cases.choices import Actor, ChainStatus, Setting
from cases.models import Case, ChainAnalysis, ChainConsequence, ChainLink, MissedSessions, TIBEntry
from consultteam.audit.models import Action, AuditEvent
from tests.clients import signed_in
from tests.dates import resolved, today, tomorrow
from tests.page_html import page_text
from tests.paths import ROOT

pytestmark = pytest.mark.django_db

HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


def _links(chain: ChainAnalysis) -> list[tuple[int, str]]:
    return list(chain.links.order_by("position").values_list("position", "description"))


def _viewed(obj) -> int:
    return AuditEvent.objects.filter(
        action=Action.VIEW, object_id=str(obj.public_id), object_type=obj._meta.label_lower
    ).count()


# --- My caseload ------------------------------------------------------------------------------


def _codes(response) -> tuple[set[str], set[str]]:
    """The case codes listed under "Cases I treat" and under "Other cases on my teams"."""
    page = page_text(response)
    mine, _, others = page.partition('id="others-heading"')
    find = re.compile(r'class="case-code">(C-[A-Z0-9]{6})<')
    return set(find.findall(mine)), set(find.findall(others))


@pytest.mark.parametrize(
    ("who", "mine", "others"),
    [
        ("tara", {"tara_case"}, set()),
        ("theo", set(), {"tara_case"}),
        ("lena", set(), {"tara_case"}),
        ("sam", set(), {"tara_case"}),
        ("olga", {"olga_case"}, set()),
        ("fern", set(), set()),
        ("ada", set(), set()),
    ],
)
def test_caseload_lists_my_cases_then_my_teams_others(client, world, who, mine, others):
    response = signed_in(client, getattr(world, who)).get(reverse("caseload"))
    assert response.status_code == 200
    code = {name: getattr(world, name).code for name in ("tara_case", "olga_case")}
    assert _codes(response) == ({code[n] for n in mine}, {code[n] for n in others})


def test_a_co_therapist_finds_the_case_among_their_own(client, world):
    clinical.case_co_therapist_add(case=world.tara_case, therapist=world.theo, by=world.tara)
    response = signed_in(client, world.theo).get(reverse("caseload"))
    assert _codes(response) == ({world.tara_case.code}, set())


def test_caseload_counts_only_what_the_reader_may_read(world):
    def counts(user) -> list[str]:
        page = page_text(signed_in(Client(), user).get(reverse("caseload")))
        row = page.split(world.tara_case.code, 1)[1].split("</tr>", 1)[0]
        return re.findall(r'<td class="number">(\d+)</td>', row)

    # Tara reads both of her client TIBs and both chains; Theo only what was brought to team.
    assert counts(world.tara) == ["2", "2"]
    assert counts(world.theo) == ["1", "1"]


def test_caseload_warns_of_three_missed_sessions_in_a_row(client, world):
    MissedSessions.objects.create(
        case=world.tara_case, mode=Setting.SKILLS_GROUP, in_a_row=3
    )  # one row, set up directly
    page = page_text(signed_in(client, world.lena).get(reverse("caseload")))
    assert "3 skills groups missed in a row" in page
    # Counted from entries a teammate may not read: not shown to them (issue 19).
    page = page_text(signed_in(Client(), world.theo).get(reverse("caseload")))
    assert world.tara_case.code in page
    assert "missed in a row" not in page


def test_caseload_empty_state_says_what_to_do(client, world):
    page = page_text(signed_in(client, world.sam).get(reverse("caseload")))
    assert "ask your team leader" in page
    assert reverse("case-new") not in page  # a supervisor opens no cases
    page = page_text(signed_in(Client(), world.theo).get(reverse("caseload")))
    assert "You are not treating a case here yet." in page
    assert reverse("case-new") in page


def test_caseload_queries_do_not_grow_with_the_cases(client, world, django_assert_num_queries):
    signed_in(client, world.tara)

    def budget() -> None:
        # 1 session, 2 user, 3 cases (with the co-treating flag), 4 open TIB counts, 5 chain
        # counts, 6 missed-session warnings, 7 my teams, 8 my role on Alpha (may I open a
        # case?), 9 the navigation's audit-trail check.
        with django_assert_num_queries(9):
            assert client.get(reverse("caseload")).status_code == 200

    budget()
    for _ in range(3):
        case = clinical.case_open(team=world.alpha, by=world.tara, opened=today())
        clinical.tib_log(
            by=world.tara,
            team=world.alpha,
            actor=Actor.CLIENT,
            case=case,
            category="NON_ATTENDING",
            setting=Setting.INDIVIDUAL_SESSION,
            occurred_on=today(),
            description="Did not come to the session.",
        )
    budget()


# --- Opening a case ---------------------------------------------------------------------------


def test_a_therapist_opens_a_case_with_a_month_only(client, world):
    signed_in(client, world.tara)
    response = client.post(
        reverse("case-new"),
        {
            "team": str(world.alpha.public_id),
            "opened": today().strftime("%Y-%m"),
            "stage": "STAGE_1",
        },
    )
    case = Case.objects.exclude(pk=world.tara_case.pk).get(team=world.alpha)
    assert response.status_code == 302
    assert response["Location"] == reverse("case-detail", kwargs={"case_id": case.public_id})
    assert case.opened == today().replace(day=1)
    assert case.primary_therapist == world.tara
    assert case.stage == "STAGE_1"


def test_opening_a_case_offers_only_the_teams_where_i_may(client, world):
    page = page_text(signed_in(client, world.tara).get(reverse("case-new")))
    assert 'type="month"' in page
    assert str(world.alpha.public_id) in page
    assert str(world.beta.public_id) not in page
    response = client.post(
        reverse("case-new"),
        {
            "team": str(world.beta.public_id),
            "opened": today().strftime("%Y-%m"),
            "stage": "STAGE_1",
        },
    )
    assert response.status_code == 400
    assert Case.objects.count() == 2


def test_a_case_cannot_open_in_a_future_month(client, world):
    next_month = (today().replace(day=28) + dt.timedelta(days=7)).strftime("%Y-%m")
    response = signed_in(client, world.tara).post(
        reverse("case-new"),
        {"team": str(world.alpha.public_id), "opened": next_month, "stage": "STAGE_1"},
    )
    assert response.status_code == 400
    assert "in the future" in page_text(response)
    assert Case.objects.count() == 2


# --- The case page ----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["tara", "theo", "lena", "sam"])
def test_the_case_page_shows_the_case_to_its_team(client, world, who):
    response = signed_in(client, getattr(world, who)).get(
        reverse("case-detail", kwargs={"case_id": world.tara_case.public_id})
    )
    assert response.status_code == 200
    page = page_text(response)
    assert world.tara_case.code in page
    assert "Stage 1 (behavioural control)" in page
    # The shared TIB is on everyone's page; the private one only on the overseers' and Tara's.
    assert "· brought to team" in page
    assert ("not yet brought to team" in page) is (who != "theo")


def test_the_case_page_is_404_outside_the_team(client, world):
    url = reverse("case-detail", kwargs={"case_id": world.tara_case.public_id})
    assert signed_in(client, world.olga).get(url).status_code == 404


def test_the_case_page_records_a_view(client, world):
    before = _viewed(world.tara_case)
    signed_in(client, world.theo).get(
        reverse("case-detail", kwargs={"case_id": world.tara_case.public_id})
    )
    event = AuditEvent.objects.filter(action=Action.VIEW).latest("id")
    assert _viewed(world.tara_case) == before + 1
    assert (event.actor_id, event.team_id) == (world.theo.pk, world.alpha.pk)


def test_the_case_page_draws_the_weekly_chart_with_a_name_and_a_table(client, world):
    page = page_text(
        signed_in(client, world.tara).get(
            reverse("case-detail", kwargs={"case_id": world.tara_case.public_id})
        )
    )
    svg = re.search(r"<svg[^>]*>", page)
    assert svg is not None
    assert 'role="img"' in svg.group(0)
    assert 'aria-label="TIB entries per category per week' in svg.group(0)
    assert "<title>TIB entries per category per week" in page
    assert " style=" not in page
    # The text table carries the same numbers: two entries this fortnight, one category.
    assert '<th scope="row">Not doing agreed tasks (diary card, homework)</th>' in page


def test_only_the_case_s_therapists_see_the_buttons_to_write(client, world):
    url = reverse("case-detail", kwargs={"case_id": world.tara_case.public_id})
    tib_new = reverse("tib-new", kwargs={"case_id": world.tara_case.public_id})
    assert tib_new in page_text(signed_in(client, world.tara).get(url))
    for who in ("theo", "lena", "sam"):
        assert tib_new not in page_text(signed_in(Client(), getattr(world, who)).get(url)), who


def test_attended_starts_the_missed_count_again(client, world):
    MissedSessions.objects.create(case=world.tara_case, mode=Setting.INDIVIDUAL_SESSION, in_a_row=3)
    signed_in(client, world.tara)
    url = reverse("case-detail", kwargs={"case_id": world.tara_case.public_id})
    page = page_text(client.get(url))
    assert "Many programmes end the treatment contract at four" in page
    assert "Attended individual session: start the count again" in page
    response = client.post(
        reverse("case-attended", kwargs={"case_id": world.tara_case.public_id}),
        {"mode": Setting.INDIVIDUAL_SESSION},
    )
    assert response.status_code == 302
    assert (
        MissedSessions.objects.get(case=world.tara_case, mode=Setting.INDIVIDUAL_SESSION).in_a_row
        == 0
    )


def test_attended_is_refused_to_a_teammate(client, world):
    MissedSessions.objects.create(case=world.tara_case, mode=Setting.INDIVIDUAL_SESSION, in_a_row=3)
    response = signed_in(client, world.theo).post(
        reverse("case-attended", kwargs={"case_id": world.tara_case.public_id}),
        {"mode": Setting.INDIVIDUAL_SESSION},
    )
    assert response.status_code == 403
    assert MissedSessions.objects.get(case=world.tara_case).in_a_row == 3


# --- The TIB form -----------------------------------------------------------------------------


def _tib(**overrides: object) -> dict[str, object]:
    return {
        "category": "NON_ATTENDING",
        "setting": Setting.INDIVIDUAL_SESSION,
        "description": "Did not come to the Tuesday session; no call beforehand.",
        "occurred_on": today().isoformat(),
        "count": "1",
        "status": "OPEN",
        **overrides,
    }


def test_the_tib_form_groups_categories_by_actor(client, world):
    page = page_text(
        signed_in(client, world.tara).get(
            reverse("tib-new", kwargs={"case_id": world.tara_case.public_id})
        )
    )
    assert '<optgroup label="Client">' in page
    assert "Therapist (my own)" not in page
    assert f'max="{today().isoformat()}"' in page
    assert "could have seen or heard" in page  # the nudge towards observable behaviour
    own = page_text(client.get(reverse("tib-new-own")))
    assert '<optgroup label="Therapist (my own)">' in own
    assert '<optgroup label="The team">' in own
    assert '<optgroup label="Client">' not in own


def test_a_client_tib_is_logged_and_the_third_miss_warns(client, world):
    url = reverse("tib-new", kwargs={"case_id": world.tara_case.public_id})
    signed_in(client, world.tara)
    for n in (1, 2):
        response = client.post(url, _tib())
        assert response.status_code == 302
        assert response["Location"] == reverse(
            "case-detail", kwargs={"case_id": world.tara_case.public_id}
        )
        warnings = [m for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]
        assert warnings == [], n
    response = client.post(url, _tib(), follow=True)
    page = page_text(response)
    assert "Logged: Missing or leaving sessions." in page
    assert "missed 3 individual sessions in a row" in page
    entry = TIBEntry.objects.latest("id")
    assert (entry.case, entry.actor, entry.author) == (world.tara_case, Actor.CLIENT, world.tara)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"category": "DISRESPECTFUL"}, "category", "is not one of the client"),
        (
            {"occurred_on": lambda: tomorrow().isoformat()},
            "occurred_on",
            "in the future",
        ),
        ({"description": "Arrived late. " * 150}, "description", "at most 2000 characters"),
    ],
)
def test_a_bad_tib_is_refused_with_the_text_kept(client, world, change, field, message):
    before = TIBEntry.objects.count()
    data = _tib(
        **{"description": "Phoned the on-call line 9 times after 10 pm.", **resolved(change)}
    )
    response = signed_in(client, world.tara).post(
        reverse("tib-new", kwargs={"case_id": world.tara_case.public_id}), data
    )
    page = page_text(response)
    assert response.status_code == 400
    assert message in page
    assert str(data["description"]).strip() in page  # what was typed is still there
    assert f'id="id_{field}_error"' in page  # the error sits with its field
    assert 'aria-invalid="true"' in page
    assert TIBEntry.objects.count() == before


def test_my_own_and_the_team_s_tib(client, world):
    signed_in(client, world.theo)
    response = client.post(
        reverse("tib-new-own"),
        _tib(
            actor=Actor.TEAM,
            team=str(world.alpha.public_id),
            category="POLARIZING",
            setting=Setting.TEAM_MEETING,
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    entry = TIBEntry.objects.latest("id")
    assert (entry.actor, entry.case, entry.team) == (Actor.TEAM, None, world.alpha)
    # A team category is not one of my own.
    before = TIBEntry.objects.count()
    response = client.post(
        reverse("tib-new-own"),
        _tib(actor=Actor.THERAPIST, team=str(world.alpha.public_id), category="POLARIZING"),
    )
    assert response.status_code == 400
    assert "is not one of your own categories" in page_text(response)
    assert TIBEntry.objects.count() == before


def test_the_tib_form_is_refused_to_a_teammate_and_hidden_from_outsiders(client, world):
    url = reverse("tib-new", kwargs={"case_id": world.tara_case.public_id})
    assert signed_in(client, world.theo).post(url, _tib()).status_code == 403
    assert signed_in(Client(), world.olga).get(url).status_code == 404
    assert TIBEntry.objects.filter(case=world.tara_case).count() == 2


# --- Starting a chain analysis ----------------------------------------------------------------


def test_a_chain_analysis_starts_as_a_draft(client, world):
    response = signed_in(client, world.tara).post(
        reverse("chain-new", kwargs={"case_id": world.tara_case.public_id}),
        {
            "kind": "BEHAVIOR_CHAIN",
            "target_level": "THERAPY_INTERFERING",
            "problem_behavior": "Hung up the phone after two minutes of coaching.",
            "behavior_on": today().isoformat(),
            "intensity": "6",
        },
    )
    chain = ChainAnalysis.objects.latest("id")
    assert response.status_code == 302
    assert response["Location"] == reverse("chain-detail", kwargs={"chain_id": chain.public_id})
    assert (chain.case, chain.status, chain.intensity) == (world.tara_case, ChainStatus.DRAFT, 6)


def test_a_self_chain_belongs_to_no_case(client, world):
    response = signed_in(client, world.sam).post(
        reverse("chain-new-own"),
        {
            "team": str(world.alpha.public_id),
            "kind": "MISSING_LINKS",
            "target_level": "NONE",
            "problem_behavior": "Did not send the feedback I had promised by Friday.",
            "behavior_on": today().isoformat(),
        },
    )
    chain = ChainAnalysis.objects.latest("id")
    assert response.status_code == 302
    assert (chain.case, chain.author, chain.kind) == (None, world.sam, "MISSING_LINKS")


# --- The chain-analysis editor ----------------------------------------------------------------


def _chain_url(chain: ChainAnalysis) -> str:
    return reverse("chain-detail", kwargs={"chain_id": chain.public_id})


def _link_url(name: str, link: ChainLink) -> str:
    return reverse(name, kwargs={"chain_id": link.chain.public_id, "link_id": link.public_id})


def _nth(chain: ChainAnalysis, position: int) -> ChainLink:
    return chain.links.select_related("chain").get(position=position)


def _version(chain: ChainAnalysis) -> int:
    chain.refresh_from_db()
    return chain.version


def _link(chain, **overrides: object) -> dict[str, object]:
    return {
        "version": _version(chain),
        "kind": "THOUGHT",
        "description": "“Everyone is looking at me.”",
        "intensity": "",
        "solution_type": "SKILL",
        "skill_module": "MINDFULNESS",
        "replacement_behavior": "Notice the thought as a thought; feet on the floor.",
        **overrides,
    }


def test_the_editor_shows_the_worksheet_in_order_with_its_controls(client, world):
    chain = world.tara_chain_draft
    page = page_text(signed_in(client, world.tara).get(_chain_url(chain)))
    headings = re.findall(r"<h2 id=\"[^\"]+\"[^>]*>(\d)\.", page)
    assert headings == ["1", "2", "3", "4", "5", "6", "7"]
    assert 'src="/static/vendor/htmx.min.js" defer' in page
    assert '"includeIndicatorStyles": false, "allowEval": false' in page
    assert 'Move<span class="visually-hidden"> link 2</span> up' in page
    assert 'Move<span class="visually-hidden"> link 1</span> up' not in page
    assert 'Move<span class="visually-hidden"> link 3</span> down' not in page
    assert page.count(f'value="{chain.version}" class="chain-version"') >= 8
    assert "Mark ready for team" in page


def test_a_missing_links_analysis_asks_its_four_questions(client, world):
    page = page_text(signed_in(client, world.tara).get(_chain_url(world.tara_chain_ready)))
    for question in (
        "Did I know what was needed?",
        "Was I willing to do it?",
        "Did the thought of doing it occur to me?",
        "What got in the way of doing it",
    ):
        assert question in page
    assert "Back to draft" in page


def test_the_editor_records_a_view(client, world):
    before = _viewed(world.tara_chain_draft)
    signed_in(client, world.sam).get(_chain_url(world.tara_chain_draft))
    assert _viewed(world.tara_chain_draft) == before + 1


@pytest.mark.parametrize("who", ["theo", "olga"])
def test_a_draft_is_404_to_those_who_may_not_read_it(client, world, who):
    assert (
        signed_in(client, getattr(world, who)).get(_chain_url(world.tara_chain_draft)).status_code
        == 404
    )


def test_a_supervisor_reads_the_chain_without_edit_controls(client, world):
    chain = world.tara_chain_draft
    response = signed_in(client, world.sam).get(_chain_url(chain))
    page = page_text(response)
    assert response.status_code == 200
    assert "Another member spoke loudly about a crisis." in page
    for control in ("<form", "hx-post", 'name="version"', "Move", "Remove", "Mark ready", "htmx"):
        assert control not in page.split('<main id="main"', 1)[1].split("</main>")[0], control


def test_a_supervisor_s_posts_are_refused_and_change_nothing(client, world):
    chain = world.tara_chain_draft
    link = _nth(chain, 1)
    before = (_links(chain), _version(chain), chain.problem_behavior, chain.status)
    signed_in(client, world.sam)
    version = {"version": chain.version}
    posts = [
        (reverse("chain-link-add", kwargs={"chain_id": chain.public_id}), _link(chain)),
        (_link_url("chain-link-edit", link), _link(chain)),
        (_link_url("chain-link-move", link), {**version, "direction": "down"}),
        (_link_url("chain-link-delete", link), version),
        (
            reverse("chain-edit", kwargs={"chain_id": chain.public_id}),
            {**version, "problem_behavior": "x"},
        ),
        (
            reverse("chain-status", kwargs={"chain_id": chain.public_id}),
            {**version, "status": "READY_FOR_TEAM"},
        ),
        (
            reverse("chain-consequence-add", kwargs={"chain_id": chain.public_id}),
            {**version, "description": "x", "timing": "IMMEDIATE", "locus": "SELF"},
        ),
    ]
    for url, data in posts:
        assert client.post(url, data, **HTMX).status_code == 403, url
        assert client.post(url, data).status_code == 403, url
    chain.refresh_from_db()
    assert (_links(chain), chain.version, chain.problem_behavior, chain.status) == before


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
def test_links_are_added_edited_moved_and_removed(client, world, htmx):
    chain = world.tara_chain_draft
    headers = HTMX if htmx else {}
    signed_in(client, world.tara)

    def post(url: str, data: dict[str, object]) -> str:
        response = client.post(url, data, **headers)
        if htmx:
            assert response.status_code == 200, page_text(response)
            page = page_text(response)
            assert page.lstrip().startswith('<section id="chain-links"')
            version = _version(chain)
            # The new version everywhere: in every form of the section and out of band.
            assert f'value="{version - 1}" class="chain-version"' not in page
            assert (
                f'<input type="hidden" name="version" value="{version}" class="chain-version" '
                'hx-swap-oob="outerHTML:.chain-version">'
            ) in page
            return page
        assert response.status_code == 302
        assert response["Location"] == _chain_url(chain) + "#chain-links"
        return ""

    page = post(reverse("chain-link-add", kwargs={"chain_id": chain.public_id}), _link(chain))
    assert [p for p, _ in _links(chain)] == [1, 2, 3, 4]
    assert _links(chain)[3][1] == "“Everyone is looking at me.”"
    if htmx:
        assert "Link 4 added." in page

    fourth = _nth(chain, 4)
    post(
        _link_url("chain-link-edit", fourth),
        _link(chain, description="Heart racing.", kind="BODY_SENSATION", solution_type="EXPOSURE"),
    )
    fourth.refresh_from_db()
    assert (fourth.description, fourth.kind, fourth.skill_module) == (
        "Heart racing.",
        "BODY_SENSATION",
        "",
    )

    post(_link_url("chain-link-move", fourth), {"version": _version(chain), "direction": "up"})
    assert [d for _, d in _links(chain)] == [
        "Another member spoke loudly about a crisis.",
        "Fear, rising fast.",
        "Heart racing.",
        "Urge to get out of the room.",
    ]
    first = _nth(chain, 1)
    post(_link_url("chain-link-move", first), {"version": _version(chain), "direction": "down"})
    assert [d for _, d in _links(chain)][:2] == [
        "Fear, rising fast.",
        "Another member spoke loudly about a crisis.",
    ]

    post(_link_url("chain-link-delete", _nth(chain, 2)), {"version": _version(chain)})
    assert _links(chain) == [
        (1, "Fear, rising fast."),
        (2, "Heart racing."),
        (3, "Urge to get out of the room."),
    ]


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
def test_a_stale_version_is_refused_with_the_text_kept(client, world, htmx):
    chain = world.tara_chain_draft
    stale = _version(chain)
    # Someone else saves first.
    clinical.chain_update(
        chain=chain, by=world.tara, expected_version=stale, changes={"repair": "Apologised."}
    )
    link = _nth(chain, 2)
    typed = "Fear, then shame about the fear."
    response = signed_in(client, world.tara).post(
        _link_url("chain-link-edit", link),
        _link(chain, version=stale, kind="EMOTION", description=typed),
        **(HTMX if htmx else {}),
    )
    page = page_text(response)
    assert response.status_code == 409
    assert "Someone else saved this chain analysis after you opened it" in page
    assert typed in page
    assert f'value="{stale}" class="chain-version"' in page  # still the version it was made on
    if htmx:
        assert response["HX-Retarget"] == f"#link-{link.public_id}"
        assert response["HX-Reswap"] == "outerHTML"
        assert page.lstrip().startswith(f'<li id="link-{link.public_id}"')
        assert "hx-swap-oob" not in page
    link.refresh_from_db()
    assert link.description == "Fear, rising fast."


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
def test_an_invalid_link_is_refused_with_the_text_kept(client, world, htmx):
    chain = world.tara_chain_draft
    typed = "Urge to leave, " * 80  # over 1000 characters
    response = signed_in(client, world.tara).post(
        reverse("chain-link-add", kwargs={"chain_id": chain.public_id}),
        _link(chain, description=typed, solution_type="SKILL", skill_module=""),
        **(HTMX if htmx else {}),
    )
    page = page_text(response)
    assert response.status_code == 400
    assert "at most 1000 characters" in page
    assert "Name the module the skill comes from." in page
    assert typed.strip() in page
    if htmx:
        assert response["HX-Retarget"] == "#link-add"
    assert chain.links.count() == 3


def test_a_link_that_is_already_first_does_not_move_up(client, world):
    chain = world.tara_chain_draft
    first = _nth(chain, 1)
    response = signed_in(client, world.tara).post(
        _link_url("chain-link-move", first), {"version": _version(chain), "direction": "up"}, **HTMX
    )
    assert response.status_code == 400
    assert "Link 1 is already the first." in page_text(response)
    assert _nth(chain, 1) == first


def test_a_stale_move_is_refused(client, world):
    chain = world.tara_chain_draft
    second = _nth(chain, 2)
    response = signed_in(client, world.tara).post(
        _link_url("chain-link-move", second), {"version": _version(chain) - 1, "direction": "up"}
    )
    assert response.status_code == 409
    assert "Someone else saved this chain analysis" in page_text(response)
    assert _nth(chain, 2) == second


def test_the_worksheet_saves_what_changed(client, world):
    chain = world.tara_chain_draft
    response = signed_in(client, world.tara).post(
        reverse("chain-edit", kwargs={"chain_id": chain.public_id}),
        {
            "version": _version(chain),
            "target_level": "THERAPY_INTERFERING",
            "problem_behavior": chain.problem_behavior,
            "behavior_on": chain.behavior_on.isoformat(),
            "prompting_event": "The group leader asked everyone to share a diary card.",
            "vulnerabilities": ["SLEEP", "INTENSE_EMOTION"],
            "commitment": "Stay in the room and use paced breathing.",
        },
    )
    assert response.status_code == 302
    chain.refresh_from_db()
    assert chain.prompting_event.startswith("The group leader")
    assert chain.vulnerabilities == ["SLEEP", "INTENSE_EMOTION"]
    assert chain.commitment == "Stay in the room and use paced breathing."
    event = AuditEvent.objects.filter(action=Action.UPDATE, object_id=str(chain.public_id)).latest(
        "id"
    )
    assert set(event.fields) >= {"prompting_event", "vulnerabilities", "commitment"}
    assert "problem_behavior" not in event.fields


def test_a_stale_worksheet_is_refused_with_the_text_kept(client, world):
    chain = world.tara_chain_draft
    stale = _version(chain)
    clinical.chain_update(
        chain=chain, by=world.tara, expected_version=stale, changes={"repair": "Apologised."}
    )
    typed = "The group leader asked everyone to share a diary card."
    response = signed_in(client, world.tara).post(
        reverse("chain-edit", kwargs={"chain_id": chain.public_id}),
        {
            "version": stale,
            "target_level": "THERAPY_INTERFERING",
            "problem_behavior": chain.problem_behavior,
            "behavior_on": chain.behavior_on.isoformat(),
            "prompting_event": typed,
        },
    )
    assert response.status_code == 409
    assert "Someone else saved this chain analysis" in page_text(response)
    assert typed in page_text(response)
    chain.refresh_from_db()
    assert chain.prompting_event == ""


def test_the_author_brings_the_chain_to_team_and_back(client, world):
    chain = world.tara_chain_draft
    url = reverse("chain-status", kwargs={"chain_id": chain.public_id})
    signed_in(client, world.tara)
    assert (
        client.post(url, {"version": _version(chain), "status": "READY_FOR_TEAM"}).status_code
        == 302
    )
    chain.refresh_from_db()
    assert chain.status == ChainStatus.READY_FOR_TEAM
    assert signed_in(Client(), world.theo).get(_chain_url(chain)).status_code == 200  # shared now
    assert client.post(url, {"version": _version(chain), "status": "PRESENTED"}).status_code == 400
    assert client.post(url, {"version": _version(chain) - 1, "status": "DRAFT"}).status_code == 409
    assert client.post(url, {"version": _version(chain), "status": "DRAFT"}).status_code == 302
    chain.refresh_from_db()
    assert chain.status == ChainStatus.DRAFT


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
def test_consequences_are_added_and_removed(client, world, htmx):
    chain = world.tara_chain_draft
    headers = HTMX if htmx else {}
    signed_in(client, world.tara)
    response = client.post(
        reverse("chain-consequence-add", kwargs={"chain_id": chain.public_id}),
        {
            "version": _version(chain),
            "description": "Relief at once.",
            "timing": "IMMEDIATE",
            "locus": "SELF",
        },
        **headers,
    )
    assert response.status_code == (200 if htmx else 302)
    consequence = ChainConsequence.objects.get(chain=chain)
    if htmx:
        assert page_text(response).lstrip().startswith('<section id="chain-consequences"')
    response = client.post(
        reverse(
            "chain-consequence-delete",
            kwargs={"chain_id": chain.public_id, "consequence_id": consequence.public_id},
        ),
        {"version": _version(chain)},
        **headers,
    )
    assert response.status_code == (200 if htmx else 302)
    assert not ChainConsequence.objects.filter(chain=chain).exists()


def test_no_template_of_the_record_has_inline_script_or_style():

    for template in (ROOT / "templates" / "cases").glob("*.html"):
        text = template.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), template
        assert not re.search(r"\sstyle=|\son[a-z]+=", text), template


# --- The chart --------------------------------------------------------------------------------


def test_the_chart_counts_entries_per_category_per_week():
    monday = dt.date(2025, 3, 10)
    entries = [
        (monday, "NON_ATTENDING"),
        (monday + dt.timedelta(days=6), "NON_ATTENDING"),  # Sunday: same week
        (monday + dt.timedelta(days=7), "NON_COMPLIANT"),
        (monday - dt.timedelta(weeks=12), "NON_COMPLIANT"),  # before the 12 weeks
    ]
    chart = tib_weeks_chart(entries, today=monday + dt.timedelta(days=8))
    assert chart.weeks[0] == monday - dt.timedelta(weeks=10)
    assert chart.weeks[-1] == monday + dt.timedelta(days=7)
    assert [(row.code, row.per_week[-2:]) for row in chart.rows] == [
        ("NON_ATTENDING", (2, 0)),
        ("NON_COMPLIANT", (0, 1)),
    ]
    assert chart.total == 3
    assert 'role="img"' in chart.svg
    assert "style=" not in chart.svg


def test_an_empty_chart_is_still_an_svg():
    chart = tib_weeks_chart([], today=dt.date(2025, 3, 10))
    assert chart.total == 0
    assert chart.svg.startswith("<svg")


def test_the_missing_links_answers_are_saved(client, world):
    chain = world.tara_chain_ready
    response = signed_in(client, world.tara).post(
        reverse("chain-edit", kwargs={"chain_id": chain.public_id}),
        {
            "version": _version(chain),
            "target_level": chain.target_level,
            "problem_behavior": chain.problem_behavior,
            "behavior_on": chain.behavior_on.isoformat(),
            "knew_what_was_needed": "True",
            "was_willing": "False",
            "willingness_barrier": "Dreaded the group that week.",
            "thought_occurred": "",
        },
    )
    assert response.status_code == 302
    chain.refresh_from_db()
    assert (chain.knew_what_was_needed, chain.was_willing, chain.thought_occurred) == (
        True,
        False,
        None,
    )
    assert chain.willingness_barrier == "Dreaded the group that week."
    page = page_text(
        signed_in(Client(), world.theo).get(_chain_url(chain))
    )  # shared: Theo reads it
    assert "Dreaded the group that week." in page
