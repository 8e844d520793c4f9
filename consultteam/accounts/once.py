"""Once means once: a write sent twice takes effect once, and the second gets the first answer.

Two kinds of request are held to it, both POSTs by someone signed in (a session or an API
token):

- **An API call with an `Idempotency-Key` header.** A client that timed out and sends the same
  create again gets the same 201 and the same body, and no second row. The key is the client's
  for a day (`API_KEY_LIFETIME`); reused for a different request (another path or body) it is
  refused with 422, and while the first request is still being answered with 409.
- **A page's form post.** A double click, or the browser sending a form again, posts the same
  body to the same path; the body carries the form's CSRF value, which Django masks afresh on
  every page it renders, so the same body means the same rendered form sent again, never a new
  form filled in alike (tests/core/test_once.py pins that masking). Named by its path and body,
  it is answered with the first answer (the redirect) for `PAGE_LIFETIME`.

Only an answer that did something (2xx or 3xx) is kept: a refused post (400 for what was typed)
can be corrected and sent again with the same key. `OnceKey` rows expire and are deleted: a kept
answer may hold clinical text.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.request import RawPostDataException
from django.utils import timezone

from consultteam.accounts.models import OnceKey

API_KEY_LIFETIME = timedelta(hours=24)
PAGE_LIFETIME = timedelta(minutes=10)
# A first request that never settled (its process died) frees its key after this long.
ABANDONED_AFTER = timedelta(minutes=1)
HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255


def _digest(*parts: bytes) -> str:
    hashed = hashlib.sha256()
    for part in parts:
        hashed.update(hashlib.sha256(part).digest())
    return hashed.hexdigest()


def _scope(request: HttpRequest) -> str | None:
    """Who asks: the signed-in person, or the API token the request carries."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    scheme, _, credential = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "token" and credential.strip():
        return f"token:{_digest(credential.strip().encode())[:32]}"
    return None


@dataclass(frozen=True)
class Claim:
    """This request holds the key: its answer is kept for the next request with it."""

    row: OnceKey


def _refusal(status: int, message: str, request: HttpRequest) -> HttpResponse:
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status)
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def claim(request: HttpRequest) -> Claim | HttpResponse | None:
    """Claim the request's key: a Claim to answer and settle, an answer to give at once (the
    first answer again, or a refusal), or None for a request not held to once."""
    if request.method != "POST":
        return None
    scope = _scope(request)
    if scope is None:
        return None
    header = request.headers.get(HEADER)
    try:
        body = request.body  # read first: a form's fields are then parsed from it
    except RawPostDataException:  # a multipart body already read: not held to once
        return None
    if header is None and not _is_rendered_form(request):
        return None
    # A form's fields, not its bytes: a browser may frame the same fields anew (a multipart
    # boundary) each time it sends them.
    sent = body if header is not None else repr(sorted(request.POST.lists())).encode()
    fingerprint = _digest(request.path_info.encode(), sent)
    if header is not None:
        if not 0 < len(header) <= MAX_KEY_LENGTH or not header.isascii():
            return _refusal(
                400, f"{HEADER} must be 1 to {MAX_KEY_LENGTH} ASCII characters.", request
            )
        key, lifetime = _digest(header.encode()), API_KEY_LIFETIME
    else:
        key, lifetime = fingerprint, PAGE_LIFETIME
    now = timezone.now()
    # An expired key is free again, and so is one whose first request never settled.
    OnceKey.objects.filter(scope=scope, key=key).filter(
        Q(expires_at__lte=now) | Q(status__isnull=True, created_at__lte=now - ABANDONED_AFTER)
    ).delete()
    try:
        with transaction.atomic():
            row = OnceKey.objects.create(
                scope=scope,
                key=key,
                fingerprint=fingerprint,
                created_at=now,
                expires_at=now + lifetime,
            )
    except IntegrityError:
        return _earlier_answer(scope, key, fingerprint, request)
    return Claim(row)


def _is_rendered_form(request: HttpRequest) -> bool:
    """A page's form, sent as the browser renders it: with its CSRF value in the body. (An
    htmx request sends that value in a header, the same for every request from one page, so a
    button pressed again on purpose would look like a repeat: htmx requests are left alone.)"""
    return (
        not request.path_info.startswith("/api/")
        and "HX-Request" not in request.headers
        and request.content_type in {"application/x-www-form-urlencoded", "multipart/form-data"}
        and bool(request.POST.get("csrfmiddlewaretoken"))
    )


def _earlier_answer(scope: str, key: str, fingerprint: str, request: HttpRequest) -> HttpResponse:
    earlier = OnceKey.objects.filter(scope=scope, key=key).first()
    if earlier is None:  # settled as refused and released meanwhile: ask again
        return _refusal(409, "The same request is being answered; send it again.", request)
    if earlier.fingerprint != fingerprint:
        return _refusal(
            422, f"This {HEADER} was used for a different request; use a new key.", request
        )
    if earlier.status is None:
        answer = _refusal(409, "The same request is still being answered; wait a moment.", request)
        answer["Retry-After"] = "1"
        return answer
    replayed = HttpResponse(
        bytes(earlier.body), status=earlier.status, content_type=earlier.content_type or None
    )
    if earlier.location:
        replayed["Location"] = earlier.location
    replayed["Idempotent-Replayed"] = "true"
    return replayed


def settle(held: Claim, response: HttpResponse) -> None:
    """Keep an answer that did something; free the key of one that did not."""
    row = held.row
    if 200 <= response.status_code < 400 and not response.streaming:
        row.status = response.status_code
        row.content_type = response.get("Content-Type", "")
        row.location = response.get("Location", "")
        row.body = response.content
        row.save(update_fields=["status", "content_type", "location", "body"])
    else:
        row.delete()


class OnceMiddleware:
    """Holds POSTs by signed-in people to once (see the module's docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        held = claim(request)
        if isinstance(held, HttpResponse):
            return held
        response = self.get_response(request)
        if held is not None:
            settle(held, response)
        return response


def once_keys_expire() -> int:
    """Delete every expired key and the answer kept with it. Returns how many."""
    deleted, _ = OnceKey.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted
