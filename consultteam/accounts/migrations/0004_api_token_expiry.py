"""API tokens expire (API_TOKEN_DAYS after they were issued) and say whether a second factor
was checked when they were. A token issued before this counts from its own creation, so one
older than the period ends now, and as issued on the password alone."""

import datetime as dt

from django.conf import settings
from django.db import migrations, models
from django.db.models import F


def expire_from_creation(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    ApiToken.objects.update(
        expires_at=F("created_at") + dt.timedelta(days=settings.API_TOKEN_DAYS)
    )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_two_factor_and_session_ids")]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(editable=False, null=True),
        ),
        migrations.RunPython(expire_from_creation, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(editable=False),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="second_factor",
            field=models.BooleanField(default=False, editable=False),
        ),
    ]
