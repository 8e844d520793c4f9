"""The project's routes plus one that fails with clinical text everywhere it could leak from."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from consultteam.urls import urlpatterns as project_urlpatterns

# In the exception's message and in a local variable of the failing view: neither may be sent.
MESSAGE_MARKER = "message-marker-c4d1"
LOCAL_MARKER = "local-marker-0b7e"


class ChainNotSaved(Exception):
    """A failure whose message quotes what was typed, as validation errors do."""


def fails_with_clinical_text(request: HttpRequest) -> HttpResponse:
    typed = request.POST.get("note", "")
    remembered = f"{LOCAL_MARKER}: {typed}"
    raise ChainNotSaved(f"{MESSAGE_MARKER}: could not save {remembered!r}")


urlpatterns = [
    path("test-errors/clinical", fails_with_clinical_text, name="test-fails-with-text"),
    *project_urlpatterns,
]
