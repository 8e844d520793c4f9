"""With Redis, every process shares one cache: a language rule edited in one process reaches
the others within a second, and rate limits count a person once whatever process answers.

The "other process" here is a real one, configured by the same environment as the suite.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
import redis
from django.conf import settings
from django.urls import reverse

from consultteam.textcheck import engine
from tests.conftest import requires_redis
from tests.paths import ROOT

pytestmark = requires_redis()

EDIT_A_RULE_ELSEWHERE = """
import django
django.setup()
from consultteam.textcheck.engine import invalidate_rules
invalidate_rules()
"""


def _in_another_process(script: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", script],
        env=os.environ.copy(),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_the_cache_is_the_shared_redis():
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert settings.CACHES["default"]["LOCATION"] == settings.REDIS_URL


@pytest.mark.django_db
def test_a_rule_edited_in_another_process_is_heard_within_a_second():
    rules = engine.rules_for(None)
    assert engine.rules_for(None) is rules  # cached in this process

    _in_another_process(EDIT_A_RULE_ELSEWHERE)
    time.sleep(engine.GENERATION_CHECK_SECONDS + 0.1)

    assert engine.rules_for(None) is not rules, "the edit elsewhere was not heard"


@pytest.mark.django_db
def test_rate_limits_count_in_the_shared_cache(client, django_user_model):
    """The text-check limit's count lives in Redis, where every web process reads it."""
    person = django_user_model.objects.create_user(
        email="t.quill@example.org", password="correct horse battery 7"
    )
    client.force_login(person)
    answer = client.post(
        reverse("api-text-check"), {"text": "She was late."}, content_type="application/json"
    )
    assert answer.status_code == 200, answer.content
    with redis.Redis.from_url(str(settings.REDIS_URL)) as server:
        keys = [key.decode() for key in server.scan_iter(match="consultteam:*throttle*")]
    assert any(key.endswith(f"throttle_text-checks_{person.pk}") for key in keys), keys
