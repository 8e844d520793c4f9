"""Optional error reports to Sentry (SENTRY_DSN), from web and worker, holding no clinical text.

Anything a person typed can be clinical: a request's body, its query string, a header or cookie
value, a local variable, a log message, even an exception's message (a validation error quotes
the value). So an event is rebuilt from an allow-list rather than cleaned of what is known to be
dangerous: what is kept is the exception's type and module, the stack frames' file, function and
line, the route name, the request id, the HTTP method, the release and the environment. A field
the SDK adds in a later version is dropped until someone decides it is safe.
"""

from __future__ import annotations

import logging
import warnings
from typing import Any

from consultteam import request_ids

_started = False

_EVENT_KEYS = {
    "event_id",
    "timestamp",
    "platform",
    "level",
    "logger",
    "release",
    "environment",
    "server_name",
    "sdk",
    "transaction",
    "transaction_info",
}
_FRAME_KEYS = {"filename", "abs_path", "module", "function", "lineno", "in_app"}
_TAGS = {"route", "request_id"}
_BREADCRUMB_KEYS = {"type", "category", "level", "timestamp"}


def _scrub_exception(value: dict[str, Any]) -> dict[str, Any]:
    kept: dict[str, Any] = {key: value[key] for key in ("type", "module") if key in value}
    mechanism = value.get("mechanism")
    if isinstance(mechanism, dict):
        kept["mechanism"] = {k: mechanism[k] for k in ("type", "handled") if k in mechanism}
    frames = (value.get("stacktrace") or {}).get("frames") or []
    kept["stacktrace"] = {
        "frames": [{k: frame[k] for k in _FRAME_KEYS if k in frame} for frame in frames]
    }
    return kept


def scrub_event(event: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any]:
    """`before_send`: the event rebuilt from the allow-list above."""
    kept: dict[str, Any] = {key: event[key] for key in _EVENT_KEYS if key in event}
    exception = event.get("exception")
    if isinstance(exception, dict):
        kept["exception"] = {
            "values": [_scrub_exception(value) for value in exception.get("values") or []]
        }
    tags = {k: v for k, v in (event.get("tags") or {}).items() if k in _TAGS}
    if request_ids.current():
        tags["request_id"] = request_ids.current()
    kept["tags"] = tags
    if "route" in tags:
        # The route's name, rather than the integration's guess from the path.
        kept["transaction"] = tags["route"]
    request = event.get("request")
    if isinstance(request, dict) and "method" in request:
        kept["request"] = {"method": request["method"]}
    trace = (event.get("contexts") or {}).get("trace")
    if isinstance(trace, dict):
        kept["contexts"] = {"trace": {k: trace[k] for k in ("trace_id", "span_id") if k in trace}}
    crumbs = (event.get("breadcrumbs") or {}).get("values") or []
    kept["breadcrumbs"] = {"values": [scrub_breadcrumb(crumb) for crumb in crumbs]}
    return kept


def scrub_breadcrumb(crumb: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any]:
    """`before_breadcrumb`: what kind of thing happened and when, never its message or data
    (an SQL statement's parameters, a URL with its query)."""
    return {key: crumb[key] for key in _BREADCRUMB_KEYS if key in crumb}


def tag_route(route: str) -> None:
    """Name the route on the current request's reports (called once the URL is resolved)."""
    if _started:
        import sentry_sdk

        sentry_sdk.set_tag("route", route)


def start(*, dsn: str, environment: str, release: str) -> None:
    """Start reporting uncaught exceptions of this process (web, worker or beat)."""
    global _started
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration
    from sentry_sdk.integrations.logging import LoggingIntegration

    with warnings.catch_warnings():
        # Newer SDKs deprecate send_default_pii for `data_collection`; passing it False keeps
        # the meaning this module was written and tested against.
        warnings.filterwarnings("ignore", "The send_default_pii option", DeprecationWarning)
        sentry_sdk.init(
            dsn=dsn,
            environment=environment,
            release=release,
            send_default_pii=False,
            include_local_variables=False,
            include_source_context=False,
            max_request_body_size="never",
            before_send=scrub_event,  # type: ignore[arg-type]
            before_breadcrumb=scrub_breadcrumb,
            # Errors only: no performance traces, no session counts, nothing else leaves.
            traces_sample_rate=None,
            auto_session_tracking=False,
            send_client_reports=False,
            # Only the integrations named here: an auto-enabled one may collect more.
            auto_enabling_integrations=False,
            integrations=[
                DjangoIntegration(transaction_style="url", middleware_spans=False),
                CeleryIntegration(monitor_beat_tasks=False, propagate_traces=False),
                # Log records become no breadcrumbs (their text may be clinical); an ERROR
                # record becomes an event, scrubbed like the rest.
                LoggingIntegration(level=None, event_level=logging.ERROR),
            ],
        )
    _started = True
