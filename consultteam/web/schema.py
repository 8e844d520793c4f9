"""Additions to the generated OpenAPI schema that no single view can declare."""

from __future__ import annotations

from typing import Any

from consultteam.accounts.once import API_KEY_LIFETIME, HEADER, MAX_KEY_LENGTH

IDEMPOTENCY_KEY = {
    "in": "header",
    "name": HEADER,
    "required": False,
    "schema": {"type": "string", "maxLength": MAX_KEY_LENGTH},
    "description": (
        "A key of your choosing (a UUID, say) that makes this POST take effect once: sent "
        "again with the same key and body within "
        f"{int(API_KEY_LIFETIME.total_seconds() // 3600)} hours, it answers what the first "
        "answered (with `Idempotent-Replayed: true`) and writes nothing. The same key with "
        "another body is refused (422); while the first is still being answered, 409."
    ),
}


def idempotency_key_on_posts(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: every POST documents the Idempotency-Key header
    and its 409 and 422 answers."""
    for operations in result.get("paths", {}).values():
        post = operations.get("post")
        if post is None:
            continue
        post.setdefault("parameters", []).append(IDEMPOTENCY_KEY)
        responses = post.setdefault("responses", {})
        for status, meaning in (
            ("409", "The same Idempotency-Key is still being answered, or a conflict."),
            ("422", "The Idempotency-Key was used for a different request."),
        ):
            responses.setdefault(status, {"description": meaning})
    return result
