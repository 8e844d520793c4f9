"""The embedded broker hands a worker whole messages only: never one still being written, and a
damaged file is dropped with an error instead of stopping the worker."""

from __future__ import annotations

import logging
import multiprocessing
import queue as stdlib_queue
from pathlib import Path

import pytest
from kombu import Connection

from consultteam import broker

COUNT = 400


def _connection(folder: Path) -> Connection:
    (folder / "queue").mkdir(exist_ok=True)
    return Connection(
        "filesystem://",
        transport_options={
            "data_folder_in": str(folder / "queue"),
            "data_folder_out": str(folder / "queue"),
            "control_folder": str(folder),
        },
    )


def _put_many(folder: str, count: int) -> None:
    broker.use_atomic_filesystem_transport()
    with _connection(Path(folder)) as conn:
        out = conn.SimpleQueue("work")
        for n in range(count):
            out.put({"n": n, "padding": "x" * 4000})
        out.close()


def test_filesystem_means_the_atomic_transport_in_every_process():
    with Connection("filesystem://") as conn:
        assert isinstance(conn.transport, broker.Transport)


def test_a_reader_never_sees_a_message_half_written(tmp_path):
    """A writer in another process puts messages while this one reads as fast as it can. With
    kombu's own transport the reader sometimes opens a file before its bytes are in (an empty
    read, a JSON error, a stopped worker); here each message arrives whole, once."""
    writer = multiprocessing.get_context("spawn").Process(
        target=_put_many, args=(str(tmp_path), COUNT)
    )
    writer.start()
    seen: list[int] = []
    with _connection(tmp_path) as conn:
        inbox = conn.SimpleQueue("work")
        while len(seen) < COUNT:
            try:
                message = inbox.get(timeout=60)
            except stdlib_queue.Empty:
                break
            seen.append(message.payload["n"])
            message.ack()
        inbox.close()
    writer.join(timeout=60)
    assert writer.exitcode == 0
    assert sorted(seen) == list(range(COUNT))


def test_a_file_still_being_written_is_not_taken(tmp_path):
    with _connection(tmp_path) as conn:
        inbox = conn.SimpleQueue("work")
        (tmp_path / "queue" / f"1_abc.work.msg{broker.WRITING}").write_bytes(b'{"body": ')
        with pytest.raises(stdlib_queue.Empty):
            inbox.get(timeout=0.5)
        inbox.close()


def test_a_damaged_message_is_dropped_with_an_error_and_the_next_one_arrives(tmp_path, caplog):
    with _connection(tmp_path) as conn:
        inbox = conn.SimpleQueue("damaged")
        # An empty file with a message's name sorts first: what kombu's own writer, killed
        # between creating and writing, would leave behind.
        (tmp_path / "queue" / "0_empty.damaged.msg").write_bytes(b"")
        inbox.put({"n": 1})
        with caplog.at_level(logging.ERROR, logger="consultteam.broker"):
            message = inbox.get(timeout=5)
        assert message.payload == {"n": 1}
        message.ack()
        inbox.close()
    assert "dropped a message it could not read" in caplog.text
    assert not list((tmp_path / "queue").glob("*.msg"))
