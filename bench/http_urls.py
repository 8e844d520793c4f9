"""Bench-only routes: the product's URLs, a raw reference endpoint, and the stock-DRF twins.

`/bench/raw/caseload/<therapist id>/` answers the caseload's rows straight from SQL through
orjson (bench/floor.py): no authentication, no middleware work beyond Django's own, no
serializer. It exists so the HTTP figures of the API have a floor served by the same gunicorn,
and it is mounted only by bench/http_settings.py, never by the product's URL conf.

`/api/bench/stock/...` are the stock-DRF twins of the hot paths (bench/stock.py) and
`/api/bench/thin/` a constant answer behind the API's authentication: under /api/, so they pass
the same middleware as the product's API.
"""

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import path

from bench import floor, stock
from consultteam.urls import urlpatterns as product_urlpatterns


def raw_caseload(request: HttpRequest, therapist_id: int) -> HttpResponse:
    with connection.cursor() as cursor:
        body = floor.caseload(cursor.cursor, therapist_id)
    return HttpResponse(body, content_type="application/json")


urlpatterns = [
    path("bench/raw/caseload/<int:therapist_id>/", raw_caseload),
    path("api/bench/thin/", stock.Thin.as_view()),
    path("api/bench/stock/cases/", stock.StockCaseList.as_view()),
    path("api/bench/stock/tib-entries/", stock.StockTIBEntryList.as_view()),
    path("api/bench/stock/chain-analyses/<uuid:chain_id>/", stock.StockChainDetail.as_view()),
    path("api/bench/stock/meetings/<uuid:meeting_id>/agenda/", stock.StockAgenda.as_view()),
    path("api/bench/stock/audit-events/", stock.StockAuditList.as_view()),
    *product_urlpatterns,
]
