"""Every API rule map names the real rule of each action: a `can_*` predicate of an app's
permissions.py, asked by ActionRules as it stands or named through `seen_through_lookup` /
`checked_by_service` (consultteam/web/rules.py) where the gate cannot hand it what it needs.
No entry stands in a helper (`found_in_visible_to`) or another action's rule (a list's)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import URLPattern, URLResolver, get_resolver

from consultteam.access import ActionRules
from consultteam.web.rules import NamedRule, checked_by_service, seen_through_lookup


def _patterns(patterns: list[Any]) -> Iterator[URLPattern]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern.url_patterns)
        else:
            yield pattern


def _routed_actions() -> list[tuple[type, str]]:
    """(view class, action or HTTP method) for every route whose view asks ActionRules."""
    found: set[tuple[type, str]] = set()
    for pattern in _patterns(get_resolver().url_patterns):
        view = getattr(pattern.callback, "cls", None)
        if view is None or ActionRules not in getattr(view, "permission_classes", []):
            continue
        actions = getattr(pattern.callback, "actions", None)
        if actions:
            found.update((view, action) for action in actions.values())
        else:
            methods = [m for m in view.http_method_names if m != "options" and hasattr(view, m)]
            found.update((view, method) for method in methods)
    return sorted(found, key=lambda pair: (pair[0].__qualname__, pair[1]))


ROUTED = _routed_actions()


def _is_permission_predicate(rule: Callable[..., bool]) -> bool:
    return rule.__module__.endswith(".permissions") and rule.__name__.startswith("can_")


def test_the_walk_finds_the_apps_api():
    views = {view.__name__ for view, _ in ROUTED}
    assert {"CaseViewSet", "ChainAnalysisViewSet", "MeetingViewSet", "CalendarFeedView"} <= views
    assert len(ROUTED) > 60


@pytest.mark.parametrize(("view", "action"), ROUTED, ids=[f"{v.__name__}.{a}" for v, a in ROUTED])
def test_each_action_names_its_real_rule(view, action):
    entry = view.rules.get(action)
    assert entry is not None, "ActionRules refuses an action without a rule"
    named = entry.rules if isinstance(entry, NamedRule) else (entry,)
    for rule in named:
        assert _is_permission_predicate(rule), f"{rule!r} is not a rule of a permissions.py"
        if rule.__name__.startswith("can_list_"):
            # A list's rule belongs to reading the list (a collection's GET), nothing else.
            assert action in {"list", "get"}, f"{action} stands in the list's rule"


def test_a_named_rule_lets_only_an_active_person_through(tara, ivan):
    def can_do_it(user: Any, obj: Any) -> bool:
        raise AssertionError("asked where the entry says, not at the gate")

    for entry in (seen_through_lookup(can_do_it), checked_by_service(can_do_it, can_do_it)):
        assert entry(tara, None)
        assert entry(tara, object())
        assert not entry(ivan, object())  # a deactivated account
        assert not entry(AnonymousUser(), None)
    assert str(checked_by_service(can_do_it)) == "can_do_it (asked by the service)"
