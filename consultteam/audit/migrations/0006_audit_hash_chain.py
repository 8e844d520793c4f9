"""A read of a list names the records it showed (`read_ids`). The database keeps the audit trail's hash chain and stamps each event's time
(consultteam/audit/chain.py), and the maintenance switch answers only to the role that owns
the table: the service's own role, which owns nothing, cannot use it (docs/deployment.md).

Events already in the trail are chained in the order they were inserted."""

from django.db import migrations, models

from consultteam.audit.chain import CONTENT_SQL, LOCK_KEY

# Maintenance is an explicit act of the table's owner (a retention purge, a test's clean-up).
MAINTAINING = """(coalesce(current_setting('consultteam.audit_maintenance', true), '') = 'on'
        AND pg_has_role((SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'USAGE'))"""

FORWARD = f"""
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
    IF {MAINTAINING} THEN
        IF TG_OP = 'UPDATE' THEN RETURN NEW; END IF;
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit events are append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION audit_event_chain() RETURNS trigger AS $$
DECLARE
    last_seq bigint;
    last_hash text;
BEGIN
    PERFORM pg_advisory_xact_lock({LOCK_KEY});
    IF NOT {MAINTAINING} THEN
        NEW.at := clock_timestamp();
    END IF;
    SELECT seq, chain_hash INTO last_seq, last_hash
        FROM audit_auditevent WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1;
    NEW.seq := coalesce(last_seq, 0) + 1;
    NEW.chain_hash := encode(sha256(convert_to(
        coalesce(last_hash, '') || {CONTENT_SQL.format(row="NEW")}, 'UTF8')), 'hex');
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_event_chain BEFORE INSERT ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_event_chain();

SET LOCAL consultteam.audit_maintenance = 'on';
DO $$
DECLARE
    event audit_auditevent;
    chained text := '';
    place bigint := 0;
BEGIN
    FOR event IN SELECT * FROM audit_auditevent ORDER BY id LOOP
        place := place + 1;
        event.seq := place;
        chained := encode(sha256(convert_to(
            chained || {CONTENT_SQL.format(row="event")}, 'UTF8')), 'hex');
        UPDATE audit_auditevent SET seq = place, chain_hash = chained WHERE id = event.id;
    END LOOP;
END;
$$;
RESET consultteam.audit_maintenance;
"""

BACKWARD = """
DROP TRIGGER IF EXISTS audit_event_chain ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_event_chain();
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
    IF current_setting('consultteam.audit_maintenance', true) = 'on' THEN
        IF TG_OP = 'UPDATE' THEN RETURN NEW; END IF;
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit events are append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0005_audit_team_at_newest")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="read_ids",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="chain_hash",
            field=models.CharField(blank=True, default="", editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="seq",
            field=models.BigIntegerField(blank=True, editable=False, null=True, unique=True),
        ),
        migrations.RunPython(forward, backward),
    ]
