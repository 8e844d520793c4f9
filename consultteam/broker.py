"""The embedded broker: kombu's filesystem transport, with messages that appear whole.

kombu's own `_put` creates the message file under its final name and only then writes to it,
and `_get` reads without the writer's lock. A worker polling at that moment reads an empty file,
fails to decode it and stops with "Unrecoverable error" (seen in the fault tests, with beat
and a worker writing while another worker read). A writer killed between the two steps would
leave an empty file that stops every worker that reads it.

Here a message is written under a name the queue does not match, then renamed into place: a
rename within one folder is atomic, so a reader sees the whole message or none of it. A file
that still cannot be decoded (written by another program, or a damaged disk) is dropped with
an error in the log instead of stopping the worker: what it asked for is a reminder row, which
the next sweep claims again once its lease runs out.
"""

from __future__ import annotations

import logging
import os
import time
import uuid
from typing import Any

from kombu.exceptions import ChannelError
from kombu.transport import TRANSPORT_ALIASES, filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps

log = logging.getLogger(__name__)

# The queue matches "<time>_<uuid>.<queue>.msg"; this suffix keeps a file out of it while written.
WRITING = ".writing"


class Channel(filesystem.Channel):
    # kombu's two base classes disagree on this signature; this one is the filesystem one's.
    def _put(self, queue: str, payload: dict[str, Any], **kwargs: Any) -> None:  # type: ignore[override]
        """Put a message on ``queue``: written aside, then renamed into the queue's folder."""
        name = f"{round(time.monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        partial = final + WRITING
        try:
            with open(partial, "wb", buffering=0) as out:
                out.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as exc:
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc

    def _get(self, queue: str, timeout: float | None = None) -> Any:
        while True:
            try:
                return super()._get(queue)
            except ValueError as exc:  # json's JSONDecodeError, or bytes that are not text
                # kombu has already taken the file out of the queue: go on to the next one.
                log.error("the embedded broker dropped a message it could not read: %s", exc)


class Transport(filesystem.Transport):
    Channel = Channel


def use_atomic_filesystem_transport() -> None:
    """Make ``filesystem://`` mean this transport in this process (web, worker and beat all
    load the Celery app, which calls this). Safe to call twice."""
    TRANSPORT_ALIASES["filesystem"] = f"{__name__}:Transport"
