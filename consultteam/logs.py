"""How every process writes its log lines: plain text (the default) or one JSON object a line.

Both formats carry the request id (consultteam/request_ids.py) on every line. The same
configuration serves Django (settings.LOGGING), the Celery worker and beat (which would otherwise
install their own format; consultteam/celery.py) and gunicorn's own lines
(consultteam/gunicorn_conf.py), so an operator's log shipper reads one shape from all of them.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import logging.config
from typing import Any

PLAIN = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"

# The attributes every LogRecord has; anything else on a record was passed as `extra=` and
# becomes a field of its own in JSON (the access line's method, route, status and duration).
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "request_id",
    "taskName",
    # Django's request and server loggers attach the request object, whose text is the full
    # path with its query string: never written.
    "request",
}


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, request_id, message, the
    record's extra fields, and the formatted exception if there is one."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in line:
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        # default=str: an extra that JSON cannot hold is written as its text, never an error.
        return json.dumps(line, default=str, ensure_ascii=False)


def logging_config(*, log_format: str, level: str) -> dict[str, Any]:
    """A `logging.config.dictConfig` dictionary: one console handler on the root logger, in
    ``log_format`` ("plain" or "json"), with the request id filter on the handler."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {"()": "consultteam.request_ids.RequestIdFilter"},
            "refusals_in_one_line": {"()": "consultteam.logs.RefusalsInOneLine"},
        },
        "formatters": {
            "plain": {"format": PLAIN},
            "json": {"()": "consultteam.logs.JsonFormatter"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": log_format,
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Our access line (consultteam/observe.py) replaces gunicorn's: gunicorn's own
            # lines go through the root handler above, its access log nowhere.
            "gunicorn.error": {"handlers": [], "propagate": True},
            "gunicorn.access": {"handlers": [], "propagate": False},
            "django.request": {"filters": ["refusals_in_one_line"]},
        },
    }


class RefusalsInOneLine(logging.Filter):
    """A refusal (403) or a missing page (404) is the service working as it should: Django
    logs it with the exception that made it, which would print a whole traceback for each.
    One line, no traceback, for every answer below 500; a crash keeps its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True


def celery_setup_logging(loglevel: int | str | None = None, **_: Any) -> None:
    """Celery's `setup_logging` signal: the worker and beat log through settings.LOGGING (our
    format, the request id) instead of installing their own handlers. The command line's
    ``--loglevel`` still decides the level, as it would without us."""
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
    # Python's warnings as log lines too, so a JSON log holds nothing but JSON.
    logging.captureWarnings(True)
    if loglevel:
        logging.getLogger().setLevel(loglevel)
