"""Bench-only routes: the product's URLs plus a raw reference endpoint on the same server.

`/bench/raw/caseload/<therapist id>/` answers the caseload's rows straight from SQL through
orjson (bench/floor.py): no authentication, no middleware work beyond Django's own, no
serializer. It exists so the HTTP figures of the API have a floor served by the same gunicorn,
and it is mounted only by bench/http_settings.py, never by the product's URL conf.
"""

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import path

from bench import floor
from consultteam.urls import urlpatterns as product_urlpatterns


def raw_caseload(request: HttpRequest, therapist_id: int) -> HttpResponse:
    with connection.cursor() as cursor:
        body = floor.caseload(cursor.cursor, therapist_id)
    return HttpResponse(body, content_type="application/json")


urlpatterns = [
    path("bench/raw/caseload/<int:therapist_id>/", raw_caseload),
    *product_urlpatterns,
]
