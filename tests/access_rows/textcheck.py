"""Access rows for the text checks: any signed-in, active person may check a text."""

from __future__ import annotations

from tests.matrix import API_SIGNED_OUT, Row, every

ROWS: list[Row] = [
    Row(
        "api-text-check",
        "POST",
        every(200, **API_SIGNED_OUT),
        data={"text": "She is always late to group."},
    ),
]
