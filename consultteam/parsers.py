"""The API's JSON parser: DRF's, with a clear 400 for a body nested past what Python's
decoder can follow. DRF's own lets the decoder's RecursionError through as a 500."""

from __future__ import annotations

from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("The JSON body is nested too deeply to be a request.") from None
