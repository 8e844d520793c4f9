"""How an API view's rule map names the real rule of an action that `ActionRules` cannot ask
as it stands. ActionRules asks a predicate ``(user, obj)``; two kinds of action cannot hand the
real rule what it needs, and each names it here instead of standing in another action's rule:

- `seen_through_lookup(can_view_case)`: a read whose rule is seeing the object. The view only
  reaches the object through a lookup that answers 404 where the rule does not hold (a queryset
  scoped by `visible_to`, which is the `can_view_*` rule's own definition, or the rule asked in
  the lookup), so asking it again would only repeat the query.
- `checked_by_service(can_open_case)`: a write whose rule needs what the request names (the team
  in a create's body, the status asked for, whose attendance). The service asks the named rule
  against it and refuses with 403; the gate lets any active person through to that.

Both let an active person through the gate (an inactive or signed-out one never). A test walks
every API view's rule map and holds each entry to a `can_*` predicate of a permissions module,
plain or named through one of these (tests/core/test_rule_maps.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from consultteam.access import AnyUser, is_active_person

__all__ = ["NamedRule", "checked_by_service", "seen_through_lookup"]


@dataclass(frozen=True)
class NamedRule:
    """A rule-map entry that names the real rule(s) of its action (``rules``) and says where
    they are asked (``asked_by``: "lookup" or "service"). As a predicate: is the person
    active (the rest is asked where ``asked_by`` says)."""

    rules: tuple[Callable[..., bool], ...]
    asked_by: str

    def __call__(self, user: AnyUser, obj: Any = None) -> bool:
        return is_active_person(user)

    def __str__(self) -> str:
        names = ", ".join(rule.__name__ for rule in self.rules)
        return f"{names} (asked by the {self.asked_by})"


def seen_through_lookup(rule: Callable[..., bool]) -> NamedRule:
    """The read's rule ``rule`` (a `can_view_*` predicate) holds for whatever the view's lookup
    finds: the lookup answers 404 otherwise."""
    return NamedRule((rule,), "lookup")


def checked_by_service(*rules: Callable[..., bool]) -> NamedRule:
    """The write's rules ``rules``, asked by its service against what the request names (403
    there); one of them applies, by what is asked for."""
    return NamedRule(rules, "service")
