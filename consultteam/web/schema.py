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


ERROR = {
    "type": "object",
    "description": (
        "`detail`: what went wrong, in words to act on; a refused body names each field at "
        "fault instead (`{field: [message]}`)."
    ),
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": True,
}
# What any operation may answer besides its own results, and when.
ERRORS = {
    "400": "What was sent is not valid: the answer names each field at fault.",
    "401": "No valid token or session.",
    "403": "You can see it, but your role cannot do this.",
    "404": "Not found, or not yours to see (the two are answered alike).",
    "409": "Someone changed it meanwhile (send the version you read), or it is locked.",
}


def error_answers(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: every operation documents the errors it can answer
    (400, 401, 403, 404; 409 for a write), each with the error body, unless it says more."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = ERROR
    json_body = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            # A download (Markdown, PDF, iCalendar) answers its errors in its own format, and
            # an address no route matches in JSON.
            own = {
                media
                for status, answer in responses.items()
                if status.startswith("2")
                for media in answer.get("content", {})
                if media != "application/json"
            }
            body = {**json_body, **{media: {"schema": {"type": "string"}} for media in own}}
            for status, meaning in ERRORS.items():
                if status == "409" and method == "get":
                    continue
                answer = responses.setdefault(status, {"description": meaning})
                answer.setdefault("content", body)
    return result


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
