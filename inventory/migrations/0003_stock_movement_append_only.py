"""The stock ledger is append-only in the database itself, not only in the ORM.

PostgreSQL only: a trigger refuses DELETE and any UPDATE except `actor_id` becoming NULL (which
Django does when a user is deleted). TRUNCATE, used to empty test databases, is not affected.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION inventory_stockmovement_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'inventory_stockmovement is append-only: DELETE refused';
    END IF;
    IF (NEW.id, NEW.stock_level_id, NEW.kind, NEW.on_hand_delta, NEW.reserved_delta,
        NEW.reference, NEW.reason, NEW.created_at)
       IS DISTINCT FROM
       (OLD.id, OLD.stock_level_id, OLD.kind, OLD.on_hand_delta, OLD.reserved_delta,
        OLD.reference, OLD.reason, OLD.created_at)
       OR (NEW.actor_id IS DISTINCT FROM OLD.actor_id AND NEW.actor_id IS NOT NULL) THEN
        RAISE EXCEPTION 'inventory_stockmovement is append-only: UPDATE refused';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER inventory_stockmovement_append_only
BEFORE UPDATE OR DELETE ON inventory_stockmovement
FOR EACH ROW EXECUTE FUNCTION inventory_stockmovement_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS inventory_stockmovement_append_only ON inventory_stockmovement;
DROP FUNCTION IF EXISTS inventory_stockmovement_append_only();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0002_transfer_line_reference"),
    ]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
