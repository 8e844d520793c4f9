"""The house rule for what waits: a row in the database, never a broker message. No code of the
project's (its four packages, the Celery app and its beat schedule among them) schedules a
Celery task for later with ``eta=`` or ``countdown=`` (FIELD-NOTES: ETA tasks held by a killed
worker were lost on the filesystem and SQLAlchemy brokers). Read from the source (its syntax
tree), so a comment or a docstring that names the words does not count, and a call in any
spelling does."""

from __future__ import annotations

import ast

import pytest

from tests.paths import ROOT

# Every package of ours: the beat schedule is in consultteam/celery.py, and a task of any app
# could be sent for later.
GUARDED = ("consultteam", "cases", "agendas", "reminders", "clinic")
LATER = {"eta", "countdown"}


def scheduled_for_later(source: str, name: str = "<source>") -> list[str]:
    """Where ``source`` passes ``eta`` or ``countdown``: as a keyword of any call
    (``apply_async``, ``retry``, ``signature``, ``.set``...), in a ``**{...}`` of one, or as
    a key of a dict literal (a beat entry's ``options``, options built ahead of a call)."""
    found = []
    for node in ast.walk(ast.parse(source, filename=name)):
        if isinstance(node, ast.Call):
            found += [
                f"{name}:{node.lineno}: {keyword.arg}="
                for keyword in node.keywords
                if keyword.arg in LATER
            ]
        if isinstance(node, ast.Dict):
            found += [
                f"{name}:{node.lineno}: {key.value!r}"
                for key in node.keys
                if isinstance(key, ast.Constant) and key.value in LATER
            ]
    return found


def test_no_code_of_ours_schedules_a_task_for_later():
    files = [path for folder in GUARDED for path in sorted((ROOT / folder).rglob("*.py"))]
    assert ROOT / "consultteam" / "celery.py" in files  # the beat schedule was read
    assert len(files) > 100  # the folders were really read
    found = [
        place
        for path in files
        for place in scheduled_for_later(path.read_text(), str(path.relative_to(ROOT)))
    ]
    assert not found, f"a task scheduled for later (make the wait a row instead): {found}"


@pytest.mark.parametrize(
    "source",
    [
        "reminders_deliver.apply_async((ids, lease), countdown=60)",
        "reminders_deliver.apply_async(args=(ids,), eta=timezone.now() + delta)",
        "self.retry(exc=error, countdown=2 ** attempt)",
        "reminders_deliver.s(ids).set(eta=when).delay()",
        "reminders_deliver.apply_async((ids,), **{'countdown': 5})",
        "options = {'queue': 'mail', 'eta': when}",
        "beat_schedule = {'sweep': {'task': 't', 'options': {'countdown': 5}}}",
    ],
)
def test_the_guard_finds_each_way_of_scheduling_for_later(source):
    assert scheduled_for_later(source)


@pytest.mark.parametrize(
    "source",
    [
        "reminders_deliver.delay(ids, str(token))",
        "reminders_deliver.apply_async((ids, lease), queue=queue, expires=60)",
        "# countdown=5 is what we never do",
        "due = {'send_at': now}",
    ],
)
def test_the_guard_lets_a_task_for_now_through(source):
    assert not scheduled_for_later(source)
