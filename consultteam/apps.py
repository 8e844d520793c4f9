from django.apps import AppConfig


class ConsultTeamConfig(AppConfig):
    """The project package as an app: project-wide commands, templates and shared core."""

    name = "consultteam"
    verbose_name = "ConsultTeam"

    def ready(self) -> None:
        # The embedded broker is a set of folders: make them as the web process starts, so
        # /healthz and the first enqueue find them before any worker has run.
        from django.apps import apps
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from consultteam.celery import ensure_broker_folders
        from consultteam.database_roles import grant_after_migrate
        from consultteam.psycopg_cache import cache_compiled_statements
        from consultteam.psycopg_datetimes import faster_timestamps

        ensure_broker_folders()
        cache_compiled_statements()
        connection_created.connect(faster_timestamps, dispatch_uid="consultteam.faster_timestamps")
        # Once per `migrate`, after every app's tables exist (the audit app's signal).
        post_migrate.connect(
            grant_after_migrate,
            sender=apps.get_app_config("audit"),
            dispatch_uid="consultteam.grant_runtime_role",
        )
        # A request's id is set as Django starts serving it and cleared once the answer is
        # sent, so even Django's own lines outside the middleware chain carry it.
        from django.core.signals import request_finished, request_started

        from consultteam.request_ids import request_begins, request_ends

        request_started.connect(request_begins, dispatch_uid="consultteam.request_id_begins")
        request_finished.connect(request_ends, dispatch_uid="consultteam.request_id_ends")
