"""One team's trail over a period, newest first: an index that holds the API's filter (team, a
range of `at`) and its order (-at, -id) together, in place of (team, -at)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0004_audit_team_newest"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="auditevent", name="audit_team_at"),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["team", "-at", "-id"], name="audit_team_at_newest"),
        ),
    ]
