"""ConsultTeam: the project package (settings, urls, the Celery app and the shared core)."""

from consultteam.celery import app as celery_app

__all__ = ["celery_app"]
